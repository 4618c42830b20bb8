//! Throughput of the emulator for send-message and list-messages, over loopback.
//!
//! ```text
//! cargo run --release -p acs_emulator --example load -- [REQUESTS] [CONCURRENCY]
//! ```
//!
//! Starts an emulator in this process, then drives it with keep-alive HTTP/1.1 connections
//! (one per worker) and prints a table. Request counts are bounded: REQUESTS send-message calls
//! (default 20000), then REQUESTS/2 list-messages calls for a page of 100 and REQUESTS/2 for a
//! page of 20, with CONCURRENCY workers (default 16).

use acs_emulator::Emulator;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// A keep-alive HTTP/1.1 connection that reads Content-Length delimited responses.
struct Connection {
    stream: BufReader<TcpStream>,
    host: String,
}

impl Connection {
    async fn open(addr: std::net::SocketAddr) -> std::io::Result<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Self { stream: BufReader::new(stream), host: addr.to_string() })
    }

    async fn request(&mut self, method: &str, pq: &str, token: &str, body: &[u8]) -> std::io::Result<(u16, Vec<u8>)> {
        let head = format!(
            "{method} {pq} HTTP/1.1\r\nhost: {}\r\nauthorization: Bearer {token}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            self.host,
            body.len()
        );
        let stream = self.stream.get_mut();
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body).await?;
        let mut raw = Vec::with_capacity(1024);
        let mut byte = [0u8; 1];
        while !raw.ends_with(b"\r\n\r\n") {
            if self.stream.read(&mut byte).await? == 0 {
                return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "connection closed"));
            }
            raw.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&raw).to_ascii_lowercase();
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(0);
        let mut body = vec![0u8; length];
        self.stream.read_exact(&mut body).await?;
        Ok((status, body))
    }
}

/// Builds request `n`: method, path and query, body, expected status.
type MakeRequest = Arc<dyn Fn(usize) -> (&'static str, String, Vec<u8>, u16) + Send + Sync>;

struct Outcome {
    name: String,
    requests: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

async fn run(
    name: &str,
    addr: std::net::SocketAddr,
    requests: usize,
    concurrency: usize,
    make: MakeRequest,
    token: Arc<String>,
) -> Outcome {
    let counter = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (counter, make, token) = (counter.clone(), make.clone(), token.clone());
        workers.push(tokio::spawn(async move {
            let mut connection = Connection::open(addr).await.expect("connect");
            let mut latencies = Vec::new();
            loop {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                if n >= requests {
                    break;
                }
                let (method, pq, body, expected) = make(n);
                let sent = Instant::now();
                let (status, _) = connection.request(method, &pq, &token, &body).await.expect("request");
                latencies.push(sent.elapsed());
                assert_eq!(status, expected, "{method} {pq}");
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.expect("worker"));
    }
    Outcome { name: name.to_owned(), requests, elapsed: started.elapsed(), latencies }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let requests: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let concurrency: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(16);

    let emulator = Emulator::start().await.expect("emulator starts");
    let addr = emulator.local_addr();
    let user = emulator.create_user_and_token().expect("user");
    let token = Arc::new(user.token.clone());
    let mut setup = Connection::open(addr).await.expect("connect");
    let (status, body) = setup
        .request("POST", "/chat/threads?api-version=2025-03-15", &token, br#"{"topic":"load"}"#)
        .await
        .expect("create thread");
    assert_eq!(status, 201);
    let created: serde_json::Value = serde_json::from_slice(&body).expect("json");
    let thread = created["chatThread"]["id"].as_str().expect("id").to_owned();
    let encoded = percent_encoding::utf8_percent_encode(&thread, percent_encoding::NON_ALPHANUMERIC).to_string();

    let messages_path = format!("/chat/threads/{encoded}/messages?api-version=2025-03-15");
    let send_path = messages_path.clone();
    let send: MakeRequest = Arc::new(move |n| {
        let body = format!(r#"{{"content":"load test message number {n}","senderDisplayName":"Load"}}"#);
        ("POST", send_path.clone(), body.into_bytes(), 201)
    });
    let list = |size: usize| -> MakeRequest {
        let path = format!("{messages_path}&maxPageSize={size}");
        Arc::new(move |_| ("GET", path.clone(), Vec::new(), 200))
    };

    let outcomes = vec![
        run("send-message", addr, requests, concurrency, send, token.clone()).await,
        run("list-messages (page of 100)", addr, requests / 2, concurrency, list(100), token.clone()).await,
        run("list-messages (page of 20)", addr, requests / 2, concurrency, list(20), token.clone()).await,
    ];

    println!(
        "acs_emulator load test: {concurrency} keep-alive connections over loopback, thread holds {requests}+ messages"
    );
    println!("| operation | requests | seconds | requests/s | p50 ms | p99 ms |");
    println!("|---|---:|---:|---:|---:|---:|");
    for mut outcome in outcomes {
        outcome.latencies.sort();
        println!(
            "| {} | {} | {:.2} | {:.0} | {:.2} | {:.2} |",
            outcome.name,
            outcome.requests,
            outcome.elapsed.as_secs_f64(),
            outcome.requests as f64 / outcome.elapsed.as_secs_f64(),
            percentile(&outcome.latencies, 0.50),
            percentile(&outcome.latencies, 0.99),
        );
    }
    emulator.shutdown().await;
}
