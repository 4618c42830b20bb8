//! Server behaviour: parallel instances, shutdown, TLS, faults, concurrency, the CLI.

mod common;

use acs_emulator::{Emulator, FaultConfig, FaultScope, TlsMode};
use common::*;
use serde_json::json;
use std::collections::HashSet;
use std::time::{Duration, Instant};

#[tokio::test]
async fn many_emulators_in_parallel_and_shutdown_on_drop() {
    let mut handles = Vec::new();
    for _ in 0..8 {
        handles.push(Emulator::start().await.unwrap());
    }
    let ports: HashSet<u16> = handles.iter().map(|h| h.local_addr().port()).collect();
    assert_eq!(ports.len(), 8);
    for handle in &handles {
        assert_eq!(handle.endpoint(), format!("http://127.0.0.1:{}/", handle.local_addr().port()));
        assert!(handle.connection_string().starts_with(&format!("endpoint={};accesskey=", handle.endpoint())));
        assert!(handle.ca_certificate_pem().is_none());
    }
    // Users and tokens are per emulator.
    let user = handles[0].create_user_and_token().unwrap();
    let ctx1 = Ctx { emu: handles.remove(1) };
    ctx1.chat("GET", "/chat/threads", &user.token, None).await.expect(401);

    let addr = ctx1.addr();
    send(addr, "GET", "/", &[], b"").await.unwrap();
    drop(ctx1);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(send(addr, "GET", "/", &[], b"").await.is_err(), "the port still answers after drop");

    let last = handles.pop().unwrap();
    let addr = last.local_addr();
    last.shutdown().await;
    assert!(send(addr, "GET", "/", &[], b"").await.is_err());
}

#[tokio::test]
async fn https_with_generated_certificate() {
    let emu = Emulator::builder().tls(TlsMode::SelfSigned).start().await.unwrap();
    assert!(emu.endpoint().starts_with("https://127.0.0.1:"));
    let pem = emu.ca_certificate_pem().unwrap().to_owned();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let user = emu.create_user_and_token().unwrap();
    let auth = vec![("authorization", format!("Bearer {}", user.token))];
    for name in ["localhost", "127.0.0.1"] {
        let resp = send_tls(emu.local_addr(), name, &pem, "GET", "/chat/threads?api-version=2024-03-07", &auth, b"")
            .await
            .unwrap()
            .expect(200);
        assert_eq!(resp.json(), json!({"value": []}));
    }
    // nextLinks and Locations use https.
    let body = serde_json::to_vec(&json!({"topic": "tls"})).unwrap();
    let resp =
        send_tls(emu.local_addr(), "localhost", &pem, "POST", "/chat/threads?api-version=2025-03-15", &auth, &body)
            .await
            .unwrap()
            .expect(201);
    assert!(resp.header("location").unwrap().starts_with("https://localhost:"));
    // A client trusting another CA refuses the connection.
    let other = Emulator::builder().tls(TlsMode::SelfSigned).start().await.unwrap();
    let wrong = other.ca_certificate_pem().unwrap();
    assert!(send_tls(emu.local_addr(), "localhost", wrong, "GET", "/", &[], b"").await.is_err());
    // Plain HTTP to the TLS port gets no HTTP answer.
    assert!(send(emu.local_addr(), "GET", "/chat/threads?api-version=2025-03-15", &auth, b"").await.is_err());
}

#[tokio::test]
async fn https_with_certificate_files() {
    let dir = std::env::temp_dir().join(format!("acs-emulator-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    let emu = Emulator::builder().tls(TlsMode::Files { cert: cert.clone(), key: key.clone() }).start().await.unwrap();
    assert_eq!(emu.ca_certificate_pem().unwrap(), certified.cert.pem());
    let missing = Emulator::builder().tls(TlsMode::Files { cert: dir.join("none.pem"), key }).start().await;
    assert!(matches!(missing, Err(acs_emulator::EmulatorError::Tls(_))));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn faults_throttle_unavailable_drop_and_latency() {
    let ctx = Ctx::start().await;
    let user = ctx.user();

    ctx.emu
        .set_faults(FaultConfig::default().with_throttle_rate(1.0).with_retry_after(Duration::from_secs(3)))
        .unwrap();
    let resp = ctx.chat("GET", "/chat/threads", &user.token, None).await.expect(429);
    assert_eq!(resp.error_code(), "TooManyRequests");
    assert_eq!(resp.header("retry-after"), Some("3"));

    let mut faults = FaultConfig::default().with_unavailable_rate(1.0);
    faults.retry_after_on_503 = true;
    ctx.emu.set_faults(faults).unwrap();
    let resp = ctx.chat("GET", "/chat/threads", &user.token, None).await.expect(503);
    assert_eq!(resp.error_code(), "ServiceUnavailable");
    assert_eq!(resp.header("retry-after"), Some("1"));

    ctx.emu.set_faults(FaultConfig::default().with_drop_rate(1.0)).unwrap();
    let pq = with_version("/chat/threads", CHAT_VERSION);
    let dropped = send(ctx.addr(), "GET", &pq, &[("authorization", format!("Bearer {}", user.token))], b"").await;
    assert!(dropped.is_err(), "expected a dropped connection, got {dropped:?}");

    // Scope: identity faults leave chat alone.
    ctx.emu.set_faults(FaultConfig::default().with_unavailable_rate(1.0).with_scope(FaultScope::Identity)).unwrap();
    ctx.chat("GET", "/chat/threads", &user.token, None).await.expect(200);
    ctx.identity("POST", "/identities", b"").await.expect(503);

    ctx.emu.set_faults(FaultConfig::default().with_latency(Duration::from_millis(150))).unwrap();
    let started = Instant::now();
    ctx.chat("GET", "/chat/threads", &user.token, None).await.expect(200);
    assert!(started.elapsed() >= Duration::from_millis(150));

    // A share of requests: 50% throttled with a fixed seed, out of 200.
    ctx.emu.set_faults(FaultConfig::default().with_throttle_rate(0.5).with_seed(42)).unwrap();
    let mut throttled = 0;
    for _ in 0..200 {
        if ctx.chat("GET", "/chat/threads", &user.token, None).await.status == 429 {
            throttled += 1;
        }
    }
    assert!((70..=130).contains(&throttled), "{throttled}");

    assert!(ctx.emu.set_faults(FaultConfig::default().with_drop_rate(2.0)).is_err());
    ctx.emu.set_faults(FaultConfig::none()).unwrap();
    assert!(!ctx.emu.faults().is_active());
    ctx.chat("GET", "/chat/threads", &user.token, None).await.expect(200);
}

#[tokio::test]
async fn a_retrying_client_gets_through_throttling() {
    use acs_chat_models::SendChatMessageRequest;
    use acs_chat_rest::ChatRestClient;
    use acs_common::{BearerTokenPolicy, CommunicationTokenCredential};
    use azure_core::http::RequestContent;
    use std::sync::Arc;

    let ctx = Ctx::start().await;
    let user = ctx.user();
    let thread = ctx.thread(&user, &[], "retries").await;
    ctx.emu
        .set_faults(
            FaultConfig::default()
                .with_throttle_rate(0.3)
                .with_retry_after(Duration::ZERO)
                .with_scope(FaultScope::Chat)
                .with_seed(3),
        )
        .unwrap();
    let credential = CommunicationTokenCredential::new(user.token.clone()).unwrap();
    let client = ChatRestClient::new(ctx.emu.endpoint(), Arc::new(BearerTokenPolicy::new(credential)), None).unwrap();
    for i in 0..10 {
        let body =
            serde_json::to_vec(&SendChatMessageRequest { content: format!("try {i}"), ..Default::default() }).unwrap();
        client.chat_thread().send_chat_message(&thread, RequestContent::from(body), None).await.unwrap();
    }
    ctx.emu.set_faults(FaultConfig::none()).unwrap();
    let pages = all_pages(&ctx, &format!("/chat/threads/{}/messages", enc(&thread)), &user.token).await;
    let texts = pages.concat().iter().filter(|m| m["type"] == "text").count();
    assert_eq!(texts, 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_lose_nothing() {
    let ctx = std::sync::Arc::new(Ctx::start().await);
    let users: Vec<_> = (0..8).map(|_| ctx.user()).collect();
    let refs: Vec<&_> = users[1..].iter().collect();
    let thread = ctx.thread(&users[0], &refs, "busy").await;
    let mut tasks = Vec::new();
    for (w, user) in users.iter().cloned().enumerate() {
        let ctx = ctx.clone();
        let thread = thread.clone();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in 0..25 {
                ids.push(ctx.send_text(&thread, &user, &format!("{w}-{i}")).await);
            }
            ids
        }));
    }
    let mut sent = HashSet::new();
    for task in tasks {
        for id in task.await.unwrap() {
            assert!(sent.insert(id), "duplicate message id");
        }
    }
    assert_eq!(sent.len(), 200);
    let pages =
        all_pages(&ctx, &format!("/chat/threads/{}/messages?maxPageSize=200", enc(&thread)), &users[0].token).await;
    let messages = pages.concat();
    let texts: Vec<_> = messages.iter().filter(|m| m["type"] == "text").collect();
    assert_eq!(texts.len(), 200);
    // Sequence ids are unique and gap-free; per writer, order is kept.
    let seqs: Vec<u64> = messages.iter().map(|m| m["sequenceId"].as_str().unwrap().parse().unwrap()).collect();
    assert_eq!(seqs, (1..=messages.len() as u64).rev().collect::<Vec<_>>());
    for w in 0..8 {
        let mine: Vec<u32> = texts
            .iter()
            .rev()
            .filter_map(|m| {
                m["content"]["message"].as_str().unwrap().strip_prefix(&format!("{w}-")).map(|i| i.parse().unwrap())
            })
            .collect();
        assert_eq!(mine, (0..25).collect::<Vec<_>>());
    }
}

#[test]
fn cli_help_documents_every_flag() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_acs_emulator")).arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for flag in [
        "--port",
        "--bind",
        "--tls",
        "--cert",
        "--key",
        "--ca-out",
        "--access-key",
        "--resource-id",
        "--token-lifetime-secs",
        "--fault-429",
        "--fault-503",
        "--fault-drop",
        "--retry-after",
        "--retry-after-on-503",
        "--fault-scope",
        "--fault-seed",
        "--latency-ms",
        "--latency-jitter-ms",
        "--teams-exchange",
        "--log",
    ] {
        assert!(help.contains(flag), "--help does not mention {flag}:\n{help}");
    }
}

#[test]
fn cli_prints_endpoint_and_connection_string() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_acs_emulator"))
        .args(["--port", "0", "--access-key", "cHc=", "--log", "warn"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let endpoint = lines.next().unwrap().unwrap();
    let connection_string = lines.next().unwrap().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let endpoint = endpoint.strip_prefix("ACS_EMULATOR_ENDPOINT=").unwrap();
    assert!(endpoint.starts_with("http://127.0.0.1:") && endpoint.ends_with('/'));
    assert_eq!(connection_string, format!("ACS_EMULATOR_CONNECTION_STRING=endpoint={endpoint};accesskey=cHc="));
}
