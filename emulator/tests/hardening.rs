//! What the emulator does with clients that misbehave: slow or idle connections are cut off,
//! broken framing is 400, non-JSON bodies 415, a repeated api-version 400; and the fault that
//! applies a request and then drops its answer.

mod common;

use acs_emulator::{Emulator, FaultConfig, Timeouts};
use common::*;
use serde_json::json;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn short_timeouts() -> Ctx {
    let timeouts = Timeouts {
        header_read: Duration::from_millis(300),
        body_read: Duration::from_millis(300),
        idle: Duration::from_millis(400),
    };
    Ctx { emu: Emulator::builder().timeouts(timeouts).start().await.unwrap() }
}

/// Reads until the server closes the connection (or 5 s pass); returns what it sent.
async fn read_until_closed(stream: &mut TcpStream) -> (Vec<u8>, bool) {
    let mut received = Vec::new();
    let outcome = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut received)).await;
    (received, outcome.is_ok())
}

#[tokio::test]
async fn partial_headers_are_cut_off() {
    let ctx = short_timeouts().await;
    let mut stream = TcpStream::connect(ctx.addr()).await.unwrap();
    stream.write_all(b"GET /chat/threads?api-version=2025-03-15 HTTP/1.1\r\nhost: x\r\n").await.unwrap();
    let started = Instant::now();
    let (_, closed) = read_until_closed(&mut stream).await;
    assert!(closed, "the connection was not closed");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_body_that_never_arrives_is_408() {
    let ctx = short_timeouts().await;
    let user = ctx.user();
    let mut stream = TcpStream::connect(ctx.addr()).await.unwrap();
    let request = format!(
        "POST /chat/threads?api-version=2025-03-15 HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"topic\"",
        user.token
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let (received, closed) = read_until_closed(&mut stream).await;
    assert!(closed);
    let text = String::from_utf8_lossy(&received);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let ctx = short_timeouts().await;
    let user = ctx.user();
    let mut stream = TcpStream::connect(ctx.addr()).await.unwrap();
    let request = format!(
        "GET /chat/threads?api-version=2025-03-15 HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\n\r\n",
        user.token
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut first = [0u8; 12];
    stream.read_exact(&mut first).await.unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    let started = Instant::now();
    let (_, closed) = read_until_closed(&mut stream).await;
    assert!(closed, "the idle connection stayed open");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_malformed_chunk_size_is_400() {
    let ctx = Ctx::start().await;
    let user = ctx.user();
    let mut stream = TcpStream::connect(ctx.addr()).await.unwrap();
    let request = format!(
        "POST /chat/threads?api-version=2025-03-15 HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\nzz\r\n{{}}\r\n0\r\n\r\n",
        user.token
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let (received, _) = read_until_closed(&mut stream).await;
    let text = String::from_utf8_lossy(&received);
    assert!(text.is_empty() || text.starts_with("HTTP/1.1 400"), "{text}");
}

#[tokio::test]
async fn non_json_bodies_are_415() {
    let ctx = Ctx::start().await;
    let user = ctx.user();
    let pq = with_version("/chat/threads", CHAT_VERSION);
    for content_type in ["text/plain", "application/xml", "application/x-www-form-urlencoded"] {
        let headers = [("authorization", format!("Bearer {}", user.token)), ("content-type", content_type.to_owned())];
        let resp = send(ctx.addr(), "POST", &pq, &headers, br#"{"topic":"t"}"#).await.unwrap().expect(415);
        assert_eq!(resp.error_code(), "UnsupportedMediaType");
    }
    // JSON with parameters, and merge-patch, are JSON.
    let headers = [
        ("authorization", format!("Bearer {}", user.token)),
        ("content-type", "application/json; charset=utf-8".to_owned()),
    ];
    send(ctx.addr(), "POST", &pq, &headers, br#"{"topic":"t"}"#).await.unwrap().expect(201);
}

#[tokio::test]
async fn the_api_version_is_given_once() {
    let ctx = Ctx::start().await;
    let user = ctx.user();
    let headers = [("authorization", format!("Bearer {}", user.token))];
    let resp = send(ctx.addr(), "GET", "/chat/threads?api-version=2025-03-15&api-version=bogus", &headers, b"")
        .await
        .unwrap()
        .expect(400);
    assert_eq!(resp.error_code(), "InvalidApiVersionParameter");
}

#[tokio::test]
async fn drop_after_applies_the_request_then_drops_the_answer() {
    let ctx = Ctx::start().await;
    let user = ctx.user();
    let thread = ctx.thread(&user, &[], "drops").await;
    ctx.emu.set_faults(FaultConfig::default().with_drop_after_rate(1.0)).unwrap();
    let pq = with_version(&format!("/chat/threads/{thread}/messages"), CHAT_VERSION);
    let headers = [("authorization", format!("Bearer {}", user.token))];
    let sent = send(ctx.addr(), "POST", &pq, &headers, json!({"content": "hello"}).to_string().as_bytes()).await;
    assert!(sent.is_err() || sent.as_ref().is_ok_and(|r| r.status == 0), "no answer expected, got {sent:?}");
    ctx.emu.set_faults(FaultConfig::none()).unwrap();
    let messages = ctx.chat("GET", &format!("/chat/threads/{thread}/messages"), &user.token, None).await.expect(200);
    let texts: Vec<String> = messages.json()["value"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["content"]["message"].as_str().map(str::to_owned))
        .collect();
    assert!(texts.contains(&"hello".to_owned()), "the message was applied: {texts:?}");
}
