//! Helpers shared by the emulator's integration tests: a minimal HTTP/1.1 client (no retries, no
//! redirects, exact bytes), HMAC signing, and shortcuts for common calls.
#![allow(dead_code)]

use acs_common::hmac::{authorization_value, compute_signature, content_hash, format_date, string_to_sign, AccessKey};
use acs_emulator::{Emulator, EmulatorHandle, UserAndToken};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::Arc;
use time::OffsetDateTime;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

pub const CHAT_VERSION: &str = "2025-03-15";
pub const IDENTITY_VERSION: &str = "2023-10-01";

/// An HTTP response.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The `error.code` of a `CommunicationErrorResponse` body (asserting the body has that shape).
    pub fn error_code(&self) -> String {
        let body: acs_chat_models::CommunicationErrorResponse =
            serde_json::from_slice(&self.body).unwrap_or_else(|e| {
                panic!("not a CommunicationErrorResponse ({e}): {}", String::from_utf8_lossy(&self.body))
            });
        assert!(!body.error.message.is_empty());
        body.error.code
    }

    pub fn expect(self, status: u16) -> Self {
        assert_eq!(self.status, status, "unexpected status; body: {}", String::from_utf8_lossy(&self.body));
        self
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn parse_response(raw: &[u8]) -> std::io::Result<Resp> {
    let invalid = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_owned());
    let end = find(raw, b"\r\n\r\n").ok_or_else(|| invalid("no complete response head"))?;
    let head = std::str::from_utf8(&raw[..end]).map_err(|_| invalid("head is not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().ok_or_else(|| invalid("no status line"))?;
    let status: u16 =
        status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| invalid("bad status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers.iter().any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    if chunked {
        let mut decoded = Vec::new();
        let mut rest = &body[..];
        loop {
            let line_end = find(rest, b"\r\n").ok_or_else(|| invalid("bad chunk"))?;
            let size = usize::from_str_radix(std::str::from_utf8(&rest[..line_end]).unwrap_or("0").trim(), 16)
                .map_err(|_| invalid("bad chunk size"))?;
            rest = &rest[line_end + 2..];
            if size == 0 {
                break;
            }
            decoded.extend_from_slice(&rest[..size]);
            rest = &rest[size + 2..];
        }
        body = decoded;
    }
    Ok(Resp { status, headers, body })
}

async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    host: &str,
    method: &str,
    path_and_query: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<Resp> {
    let mut request = format!("{method} {path_and_query} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    // A body is JSON unless the test says otherwise, as the official SDKs send it.
    if !body.is_empty() && !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("content-type")) {
        request.push_str("content-type: application/json\r\n");
    }
    request.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    stream.write_all(request.as_bytes()).await?;
    stream.write_all(body).await?;
    stream.flush().await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    parse_response(&raw)
}

/// Sends one request over a fresh plain-HTTP connection.
pub async fn send(
    addr: SocketAddr,
    method: &str,
    path_and_query: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<Resp> {
    let stream = TcpStream::connect(addr).await?;
    exchange(stream, &addr.to_string(), method, path_and_query, headers, body).await
}

/// Sends one request over a fresh TLS connection that trusts only `ca_pem`.
pub async fn send_tls(
    addr: SocketAddr,
    server_name: &str,
    ca_pem: &str,
    method: &str,
    path_and_query: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<Resp> {
    use rustls_pki_types::pem::PemObject;
    use tokio_rustls::rustls;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pki_types::CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.map_err(|e| std::io::Error::other(e.to_string()))?).map_err(std::io::Error::other)?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(std::io::Error::other)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let name = rustls_pki_types::ServerName::try_from(server_name.to_owned()).map_err(std::io::Error::other)?;
    let tcp = TcpStream::connect(addr).await?;
    let stream = connector.connect(name, tcp).await?;
    exchange(stream, &format!("{server_name}:{}", addr.port()), method, path_and_query, headers, body).await
}

/// HMAC-signs a request the way the official SDKs do, for a given date.
pub fn hmac_headers_at(
    key: &str,
    method: &str,
    path_and_query: &str,
    host: &str,
    body: &[u8],
    date: OffsetDateTime,
) -> Vec<(&'static str, String)> {
    let key = AccessKey::new(key).expect("valid key");
    let date = format_date(date);
    let hash = content_hash(body);
    let to_sign = string_to_sign(method, path_and_query, &date, host, &hash);
    let signature = compute_signature(&key, &to_sign).expect("signature");
    vec![
        ("x-ms-date", date),
        ("x-ms-content-sha256", hash),
        ("authorization", authorization_value(&signature)),
        ("content-type", "application/json".to_owned()),
    ]
}

/// Test context: an emulator plus shortcuts.
pub struct Ctx {
    pub emu: EmulatorHandle,
}

impl Ctx {
    pub async fn start() -> Self {
        Self { emu: Emulator::start().await.expect("emulator starts") }
    }

    pub fn addr(&self) -> SocketAddr {
        self.emu.local_addr()
    }

    pub fn host(&self) -> String {
        self.addr().to_string()
    }

    pub fn user(&self) -> UserAndToken {
        self.emu.create_user_and_token().expect("user")
    }

    /// An identity request carrying a Microsoft Entra ID token (the Teams Phone extension exchange).
    pub async fn entra(&self, method: &str, path: &str, entra_token: &str, body: &[u8]) -> Resp {
        let pq = with_version(path, IDENTITY_VERSION);
        let headers = vec![("authorization", format!("Bearer {entra_token}"))];
        send(self.addr(), method, &pq, &headers, body).await.expect("entra request")
    }

    /// A signed identity request.
    pub async fn identity(&self, method: &str, path: &str, body: &[u8]) -> Resp {
        let pq = with_version(path, IDENTITY_VERSION);
        let headers =
            hmac_headers_at(self.emu.access_key(), method, &pq, &self.host(), body, OffsetDateTime::now_utc());
        send(self.addr(), method, &pq, &headers, body).await.expect("identity request")
    }

    /// A chat request with a bearer token (api-version added unless present).
    pub async fn chat(&self, method: &str, path: &str, token: &str, body: Option<Value>) -> Resp {
        let pq = with_version(path, CHAT_VERSION);
        let body = body.map(|b| serde_json::to_vec(&b).unwrap()).unwrap_or_default();
        let headers =
            vec![("authorization", format!("Bearer {token}")), ("content-type", "application/json".to_owned())];
        send(self.addr(), method, &pq, &headers, &body).await.expect("chat request")
    }

    /// Creates a thread with the given participants (raw ids) and returns its id.
    pub async fn thread(&self, creator: &UserAndToken, members: &[&UserAndToken], topic: &str) -> String {
        let participants: Vec<Value> = std::iter::once(creator)
            .chain(members.iter().copied())
            .map(|u| json!({"communicationIdentifier": {"rawId": u.user_id, "communicationUser": {"id": u.user_id}}}))
            .collect();
        let resp = self
            .chat("POST", "/chat/threads", &creator.token, Some(json!({"topic": topic, "participants": participants})))
            .await
            .expect(201);
        resp.json()["chatThread"]["id"].as_str().expect("thread id").to_owned()
    }

    pub async fn send_text(&self, thread: &str, sender: &UserAndToken, text: &str) -> String {
        let resp = self
            .chat(
                "POST",
                &format!("/chat/threads/{}/messages", enc(thread)),
                &sender.token,
                Some(json!({"content": text})),
            )
            .await
            .expect(201);
        resp.json()["id"].as_str().expect("message id").to_owned()
    }
}

/// Percent-encodes a path segment.
pub fn enc(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, percent_encoding::NON_ALPHANUMERIC).to_string()
}

pub fn with_version(path: &str, version: &str) -> String {
    if path.contains("api-version=") {
        path.to_owned()
    } else if path.contains('?') {
        format!("{path}&api-version={version}")
    } else {
        format!("{path}?api-version={version}")
    }
}

/// The path and query of an absolute nextLink.
pub fn path_of(link: &str) -> String {
    let url = url::Url::parse(link).expect("absolute nextLink");
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

/// Follows every page of a chat listing, returning the pages' `value` arrays.
pub async fn all_pages(ctx: &Ctx, first: &str, token: &str) -> Vec<Vec<Value>> {
    let mut pages = Vec::new();
    let mut next = Some(first.to_owned());
    while let Some(path) = next {
        let body = ctx.chat("GET", &path, token, None).await.expect(200).json();
        pages.push(body["value"].as_array().expect("value array").clone());
        next = body.get("nextLink").and_then(Value::as_str).map(path_of);
        assert!(pages.len() < 10_000, "runaway paging");
    }
    pages
}
