//! Small loopback HTTP/1.1 servers that misbehave on purpose. Each serves on `127.0.0.1` on a free
//! port, counts requests, and stops when dropped; every behaviour is bounded (a trickle or an endless
//! body stops once the client goes away).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the server answers every request.
#[derive(Clone, Debug)]
pub enum Behavior {
    /// A well-formed response (status, extra header lines, body).
    Respond {
        /// The status code.
        status: u16,
        /// Extra header lines, e.g. `("retry-after", "4000000")`.
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// `200` with a declared body, sent one byte every `interval`.
    Trickle {
        /// The pause between bytes.
        interval: Duration,
        /// The body's declared length.
        length: usize,
    },
    /// Reads the request and never answers (the connection stays open).
    Silent,
    /// Reads the request, then closes the connection without answering.
    Reset,
    /// `200` with a chunked body that never ends.
    Endless,
    /// `status` with a body of `length` bytes of `x` (streamed, never held in memory).
    Huge {
        /// The status code.
        status: u16,
        /// The body's length.
        length: usize,
    },
    /// `200` with this many headers.
    ManyHeaders(usize),
}

/// A running hostile server.
pub struct HostileServer {
    url: String,
    requests: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl HostileServer {
    /// Starts a server answering every request with `behavior`.
    pub async fn start(behavior: Behavior) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("a local address"));
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = requests.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let behavior = behavior.clone();
                let counter = counter.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, behavior, counter).await;
                });
            }
        });
        Self { url, requests, task }
    }

    /// The server's base URL, `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// How many requests it has read.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// Reads one request (head and a `content-length` body); `false` when the client closed.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<bool> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await? == 0 {
            return Ok(false);
        }
        head.push(byte[0]);
        if head.len() > 64 * 1024 {
            return Ok(false);
        }
    }
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let length = text
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length.min(16 * 1024 * 1024)];
    stream.read_exact(&mut body).await?;
    Ok(true)
}

async fn serve(mut stream: TcpStream, behavior: Behavior, counter: Arc<AtomicUsize>) -> std::io::Result<()> {
    while read_request(&mut stream).await? {
        counter.fetch_add(1, Ordering::SeqCst);
        match &behavior {
            Behavior::Respond { status, headers, body } => {
                let mut head = format!("HTTP/1.1 {status} Status\r\ncontent-length: {}\r\n", body.len());
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                stream.write_all(head.as_bytes()).await?;
                stream.write_all(body).await?;
            }
            Behavior::Trickle { interval, length } => {
                let head =
                    format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\r\n");
                stream.write_all(head.as_bytes()).await?;
                for _ in 0..*length {
                    tokio::time::sleep(*interval).await;
                    stream.write_all(b" ").await?;
                }
            }
            Behavior::Silent => {
                let mut sink = [0u8; 1024];
                while stream.read(&mut sink).await? > 0 {}
                return Ok(());
            }
            Behavior::Reset => return Ok(()),
            Behavior::Endless => {
                stream
                    .write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
                    )
                    .await?;
                let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "x".repeat(64 * 1024));
                loop {
                    stream.write_all(chunk.as_bytes()).await?;
                }
            }
            Behavior::Huge { status, length } => {
                let head = format!(
                    "HTTP/1.1 {status} Status\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\r\n"
                );
                stream.write_all(head.as_bytes()).await?;
                let block = vec![b'x'; 64 * 1024];
                let mut left = *length;
                while left > 0 {
                    let n = left.min(block.len());
                    stream.write_all(&block[..n]).await?;
                    left -= n;
                }
            }
            Behavior::ManyHeaders(count) => {
                let mut head = String::from("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n");
                for i in 0..*count {
                    head.push_str(&format!("x-h{i}: v\r\n"));
                }
                head.push_str("\r\n{}");
                stream.write_all(head.as_bytes()).await?;
            }
        }
    }
    Ok(())
}
