//! Throughput of `send_message` and of listing 10,000 messages through this SDK, next to the
//! same workload as raw `reqwest` requests and through Microsoft's official Python SDK
//! (`azure-communication-chat` 1.3.0), all against one emulator over HTTPS on loopback.
//!
//! ```sh
//! cargo run --release -p acs_chat --example bench            # prints one table
//! BENCH_SENDS=500 BENCH_RUNS=5 cargo run --release -p acs_chat --example bench
//! ```
//!
//! The emulator runs in this process (on the same 2-core machine as the clients), so the numbers
//! are client + server together: they compare the clients with each other, not with Azure.
//! Request counts are bounded: per client, 50 warm-up sends, then `BENCH_RUNS` rounds (3 by
//! default; medians are shown) of `BENCH_SENDS` sequential sends (2,000 by default) and of full
//! listings of a thread holding 10,000 messages, 200 per page. The Python SDK is run with `python3` (or `$PYTHON`); if
//! it is not installed its rows say so.

use acs_chat::{ChatClient, ChatClientOptions, ChatThreadClient, CommunicationTokenCredential, ListMessagesOptions};
use acs_emulator::{Emulator, TlsMode};
use azure_core::http::{ClientOptions, Transport};
use futures::{StreamExt, TryStreamExt};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

const LISTED: usize = 10_000;
const PAGE: u32 = 200;
const WARM_UP: usize = 50;
const API_VERSION: &str = acs_chat::DEFAULT_API_VERSION;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

struct Row {
    workload: String,
    client: String,
    result: Result<(usize, Duration), String>,
    unit: &'static str,
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).filter(|n| *n > 0).unwrap_or(default)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Raw HTTP: the requests the SDK makes, written by hand.
struct Raw {
    http: reqwest::Client,
    endpoint: String,
    token: String,
}

impl Raw {
    async fn create_thread(&self, topic: &str) -> Result<String, BoxError> {
        let url = format!("{}chat/threads?api-version={API_VERSION}", self.endpoint);
        let body = serde_json::json!({ "topic": topic, "participants": [] }).to_string();
        let response = self
            .http
            .post(url)
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .header("repeatability-request-id", azure_core::Uuid::new_v4().to_string())
            .body(body)
            .send()
            .await?
            .error_for_status()?;
        let created: serde_json::Value = serde_json::from_slice(&response.bytes().await?)?;
        Ok(created["chatThread"]["id"].as_str().ok_or("no thread id")?.to_owned())
    }

    fn messages_url(&self, thread: &str) -> String {
        let encoded: String = url::form_urlencoded::byte_serialize(thread.as_bytes()).collect();
        format!("{}chat/threads/{encoded}/messages", self.endpoint)
    }

    async fn send(&self, thread: &str, content: &str) -> Result<String, BoxError> {
        let url = format!("{}?api-version={API_VERSION}", self.messages_url(thread));
        let body = serde_json::json!({ "content": content, "type": "text" }).to_string();
        let response = self
            .http
            .post(url)
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await?
            .error_for_status()?;
        let sent: serde_json::Value = serde_json::from_slice(&response.bytes().await?)?;
        Ok(sent["id"].as_str().ok_or("no message id")?.to_owned())
    }

    async fn list_all(&self, thread: &str) -> Result<usize, BoxError> {
        let mut url = format!("{}?maxPageSize={PAGE}&api-version={API_VERSION}", self.messages_url(thread));
        let mut count = 0;
        loop {
            let response = self.http.get(&url).bearer_auth(&self.token).send().await?.error_for_status()?;
            let page: serde_json::Value = serde_json::from_slice(&response.bytes().await?)?;
            count += page["value"].as_array().map_or(0, Vec::len);
            match page["nextLink"].as_str() {
                Some(next) if !next.is_empty() => url = next.to_owned(),
                _ => return Ok(count),
            }
        }
    }
}

/// The Rust clients compared, each with the thread it sends to.
enum Client {
    /// This crate.
    Sdk(ChatClient, ChatThreadClient),
    /// The generated low-level client alone (the `azure_core` pipeline without this crate's layer).
    Generated(Arc<acs_chat_rest::ChatRestClient>, String),
    /// Hand-written `reqwest` requests.
    Raw(Arc<Raw>, String),
    /// The same hand-made request and body through the `azure_core` pipeline alone (its default
    /// policies, no authentication policy, no serde, none of our layers).
    Pipeline(Arc<azure_core::http::Pipeline>, Arc<Raw>, String),
}

impl Client {
    async fn send(&self, text: String) -> Result<String, BoxError> {
        Ok(match self {
            Self::Sdk(_, thread) => thread.send_message(&text, None).await?.id,
            Self::Generated(rest, thread) => {
                let request = acs_chat_models::SendChatMessageRequest { content: text, ..Default::default() };
                let body = azure_core::json::to_json(&request)?.into();
                rest.chat_thread().send_chat_message(thread, body, None).await?.into_model()?.id
            }
            Self::Raw(raw, thread) => raw.send(thread, &text).await?,
            Self::Pipeline(pipeline, raw, thread) => {
                let url =
                    azure_core::http::Url::parse(&format!("{}?api-version={API_VERSION}", raw.messages_url(thread)))?;
                let mut request = azure_core::http::Request::new(url, azure_core::http::Method::Post);
                request.insert_header("authorization", format!("Bearer {}", raw.token));
                request.insert_header("content-type", "application/json");
                request.insert_header("accept", "application/json");
                request.set_body(format!(r#"{{"content":"{text}","type":"text"}}"#));
                let response = pipeline.send(&azure_core::http::Context::new(), &mut request, None).await?;
                let body: serde_json::Value = serde_json::from_slice(response.body())?;
                body["id"].as_str().unwrap_or_default().to_owned()
            }
        })
    }

    /// Lists every message of `thread`, 200 per page; returns how many.
    async fn list(&self, thread: &str) -> Result<usize, BoxError> {
        Ok(match self {
            Self::Sdk(chat, _) => {
                let options = ListMessagesOptions { max_page_size: Some(PAGE), ..Default::default() };
                chat.chat_thread_client(thread)?
                    .list_messages(Some(options))
                    .try_fold(0usize, |n, _| async move { Ok(n + 1) })
                    .await?
            }
            Self::Generated(rest, _) => {
                let options = acs_chat_rest::ChatThreadListChatMessagesOptions {
                    max_page_size: Some(PAGE as i32),
                    ..Default::default()
                };
                rest.chat_thread()
                    .list_chat_messages(thread, Some(options))?
                    .try_fold(0usize, |n, _| async move { Ok(n + 1) })
                    .await?
            }
            Self::Raw(raw, _) | Self::Pipeline(_, raw, _) => raw.list_all(thread).await?,
        })
    }

    async fn timed_sends(&self, count: usize) -> Result<Duration, BoxError> {
        let start = Instant::now();
        for i in 0..count {
            self.send(format!("message {i}")).await?;
        }
        Ok(start.elapsed())
    }

    async fn timed_concurrent_sends(&self, count: usize, in_flight: usize) -> Result<Duration, BoxError> {
        let start = Instant::now();
        futures::stream::iter(0..count)
            .map(|i| self.send(format!("concurrent {i}")))
            .buffer_unordered(in_flight)
            .try_collect::<Vec<_>>()
            .await?;
        Ok(start.elapsed())
    }
}

/// Timings of one client and workload, one per round.
#[derive(Default)]
struct Timings {
    items: usize,
    times: Vec<Duration>,
}

impl Timings {
    fn result(self) -> Result<(usize, Duration), String> {
        if self.times.is_empty() {
            return Err("no measurement".into());
        }
        Ok((self.items, median(self.times)))
    }
}

const PYTHON_SCRIPT: &str = r#"
import json, os, time
from azure.communication.chat import ChatThreadClient, CommunicationTokenCredential

endpoint = os.environ["BENCH_ENDPOINT"]
credential = CommunicationTokenCredential(os.environ["BENCH_TOKEN"])
sends, runs, warm_up = int(os.environ["BENCH_SENDS"]), int(os.environ["BENCH_RUNS"]), int(os.environ["BENCH_WARM_UP"])
sender = ChatThreadClient(endpoint, credential, os.environ["BENCH_SEND_THREAD"])
for i in range(warm_up):
    sender.send_message(f"warm-up {i}")
send_times = []
for _ in range(runs):
    start = time.perf_counter()
    for i in range(sends):
        sender.send_message(f"message {i}")
    send_times.append(time.perf_counter() - start)
send_times.sort()
send_seconds = send_times[len(send_times) // 2]
lister = ChatThreadClient(endpoint, credential, os.environ["BENCH_LIST_THREAD"])
times, listed = [], 0
for _ in range(runs):
    start = time.perf_counter()
    listed = sum(1 for _ in lister.list_messages(results_per_page=int(os.environ["BENCH_PAGE"])))
    times.append(time.perf_counter() - start)
times.sort()
print(json.dumps({"send_seconds": send_seconds, "listed": listed, "list_seconds": times[len(times) // 2]}))
"#;

struct PythonResult {
    send: Result<Duration, String>,
    list: Result<(usize, Duration), String>,
}

#[allow(clippy::too_many_arguments)]
fn run_python(
    endpoint: &str,
    token: &str,
    send_thread: &str,
    list_thread: &str,
    ca_path: &std::path::Path,
    sends: usize,
    runs: usize,
) -> PythonResult {
    let failed = |why: String| PythonResult { send: Err(why.clone()), list: Err(why) };
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let script = std::env::temp_dir().join(format!("acs_chat_bench_{}.py", std::process::id()));
    if let Err(error) = std::fs::write(&script, PYTHON_SCRIPT) {
        return failed(format!("cannot write the script: {error}"));
    }
    let output = Command::new(&python)
        .arg(&script)
        .env("BENCH_ENDPOINT", endpoint)
        .env("BENCH_TOKEN", token)
        .env("BENCH_SEND_THREAD", send_thread)
        .env("BENCH_LIST_THREAD", list_thread)
        .env("BENCH_SENDS", sends.to_string())
        .env("BENCH_RUNS", runs.to_string())
        .env("BENCH_WARM_UP", WARM_UP.to_string())
        .env("BENCH_PAGE", PAGE.to_string())
        .env("REQUESTS_CA_BUNDLE", ca_path)
        .env("SSL_CERT_FILE", ca_path)
        .env("NO_PROXY", "127.0.0.1,localhost")
        .output();
    let _ = std::fs::remove_file(&script);
    let output = match output {
        Ok(output) => output,
        Err(error) => return failed(format!("cannot run {python}: {error}")),
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let reason = if stderr.contains("No module named") {
            "not installed (pip install azure-communication-chat==1.3.0)".to_owned()
        } else {
            format!("failed: {}", stderr.lines().last().unwrap_or("no output"))
        };
        return failed(reason);
    }
    let parsed: serde_json::Value = match serde_json::from_slice(&output.stdout) {
        Ok(parsed) => parsed,
        Err(error) => return failed(format!("unexpected output: {error}")),
    };
    let seconds = |key: &str| parsed[key].as_f64().map(Duration::from_secs_f64).ok_or_else(|| format!("no {key}"));
    PythonResult {
        send: seconds("send_seconds"),
        list: seconds("list_seconds").map(|d| (parsed["listed"].as_u64().unwrap_or(0) as usize, d)),
    }
}

fn print_table(rows: &[Row]) {
    println!("{:<44} {:<46} {:>8} {:>10} {:>14}", "workload", "client", "items", "time", "throughput");
    println!("{}", "-".repeat(126));
    for row in rows {
        match &row.result {
            Ok((items, time)) => println!(
                "{:<44} {:<46} {:>8} {:>8.3} s {:>9.0} {}",
                row.workload,
                row.client,
                items,
                time.as_secs_f64(),
                *items as f64 / time.as_secs_f64(),
                row.unit
            ),
            Err(why) => println!("{:<44} {:<46} {why}", row.workload, row.client),
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let sends = env_number("BENCH_SENDS", 5_000);
    let rounds = env_number("BENCH_RUNS", 3);
    const IN_FLIGHT: usize = 16;

    let emulator = Emulator::builder().tls(TlsMode::SelfSigned).start().await?;
    let plain = Emulator::start().await?;
    let ca_pem = emulator.ca_certificate_pem().ok_or("the TLS emulator has no CA")?.to_owned();
    let ca_path = std::env::temp_dir().join(format!("acs_chat_bench_ca_{}.pem", std::process::id()));
    std::fs::write(&ca_path, &ca_pem)?;
    let certificate = reqwest::Certificate::from_pem(ca_pem.as_bytes())?;
    let https = reqwest::Client::builder().tls_certs_only([certificate]).build()?;
    // The host name the certificate names, as the Python SDK checks it.
    let endpoint = emulator.endpoint().replace("127.0.0.1", "localhost");
    let user = emulator.create_user_and_token()?;
    let raw = Arc::new(Raw { http: https.clone(), endpoint: endpoint.clone(), token: user.token.clone() });

    let transport = Transport::new(Arc::new(https));
    let client_options = ClientOptions { transport: Some(transport), ..Default::default() };
    let credential = CommunicationTokenCredential::new(user.token.clone())?;
    let chat = ChatClient::new(
        &endpoint,
        credential.clone(),
        Some(ChatClientOptions { client_options: client_options.clone(), ..Default::default() }),
    )?;
    let rest = Arc::new(acs_chat_rest::ChatRestClient::new(
        &endpoint,
        Arc::new(acs_common::BearerTokenPolicy::new(credential)),
        Some(acs_chat_rest::ChatRestClientOptions { client_options: client_options.clone(), ..Default::default() }),
    )?);
    let pipeline = Arc::new(azure_core::http::Pipeline::new(
        Some("bench"),
        Some("0"),
        client_options,
        Vec::new(),
        Vec::new(),
        None,
    ));
    let plain_user = plain.create_user_and_token()?;
    let plain_chat = ChatClient::new(plain.endpoint(), CommunicationTokenCredential::new(plain_user.token)?, None)?;

    // The thread to list: 10,000 messages, sent 32 at a time.
    eprintln!("filling a thread with {LISTED} messages…");
    let list_thread = raw.create_thread("10k").await?;
    futures::stream::iter(0..LISTED)
        .map(|i| {
            let (raw, thread) = (&raw, &list_thread);
            async move { raw.send(thread, &format!("listed {i}")).await }
        })
        .buffer_unordered(32)
        .try_collect::<Vec<_>>()
        .await?;
    let listed = chat.chat_thread_client(&list_thread)?.list_messages(None).try_collect::<Vec<_>>().await?.len();

    const SDK: &str = "acs_chat (this SDK, HTTPS)";
    const REST: &str = "acs_chat_rest (generated layer only, HTTPS)";
    const RAW: &str = "raw reqwest (HTTPS)";
    const PYTHON: &str = "Python azure-communication-chat 1.3.0 (HTTPS)";
    const SDK_HTTP: &str = "acs_chat (this SDK, plain HTTP)";
    const PIPELINE: &str = "azure_core pipeline alone (HTTPS)";
    let new_thread = |chat: &ChatClient, topic: &'static str| {
        let chat = chat.clone();
        async move { chat.chat_thread_client(&chat.create_chat_thread(topic, None).await?.thread.id) }
    };
    let clients = vec![
        (SDK, Client::Sdk(chat.clone(), new_thread(&chat, "sdk").await?)),
        (REST, Client::Generated(rest, new_thread(&chat, "generated").await?.thread_id().to_owned())),
        (RAW, Client::Raw(Arc::clone(&raw), raw.create_thread("raw").await?)),
        (PIPELINE, Client::Pipeline(pipeline, Arc::clone(&raw), raw.create_thread("pipeline").await?)),
        (SDK_HTTP, Client::Sdk(plain_chat.clone(), new_thread(&plain_chat, "plain").await?)),
    ];
    // Warm up every client, then run the rounds interleaved, so that every client sees the same
    // conditions (other load on the machine, the emulator's state).
    for (_, client) in &clients {
        for i in 0..WARM_UP {
            client.send(format!("warm-up {i}")).await?;
        }
    }
    let mut sequential: Vec<Timings> = clients.iter().map(|_| Timings::default()).collect();
    let mut concurrent = Timings::default();
    let mut listing: Vec<Timings> = clients.iter().map(|_| Timings::default()).collect();
    for round in 0..rounds {
        eprintln!("round {} of {rounds}…", round + 1);
        for (index, (_, client)) in clients.iter().enumerate() {
            sequential[index].items = sends;
            sequential[index].times.push(client.timed_sends(sends).await?);
            if index == 0 {
                concurrent.items = sends;
                concurrent.times.push(client.timed_concurrent_sends(sends, IN_FLIGHT).await?);
            }
            if matches!(client, Client::Sdk(chat, _) if chat.endpoint().scheme() == "http") {
                continue; // the plain-HTTP emulator does not hold the 10,000 messages
            }
            let start = Instant::now();
            listing[index].items = client.list(&list_thread).await?;
            listing[index].times.push(start.elapsed());
        }
    }

    eprintln!("Python SDK…");
    let python_thread = raw.create_thread("python").await?;
    let python = run_python(&endpoint, &user.token, &python_thread, &list_thread, &ca_path, sends, rounds);
    let _ = std::fs::remove_file(&ca_path);

    let send_workload = format!("send_message x{sends} (sequential)");
    let concurrent_workload = format!("send_message x{sends} ({IN_FLIGHT} in flight)");
    let list_workload = format!("list {listed} messages ({PAGE}/page)");
    let mut rows = Vec::new();
    let mut sequential = sequential.into_iter();
    let mut listing = listing.into_iter();
    for (name, client) in &clients {
        let (send, list) = (sequential.next().unwrap_or_default(), listing.next().unwrap_or_default());
        rows.push(Row {
            workload: send_workload.clone(),
            client: (*name).into(),
            result: send.result(),
            unit: "msg/s",
        });
        if name == &SDK {
            rows.push(Row {
                workload: concurrent_workload.clone(),
                client: SDK.into(),
                result: std::mem::take(&mut concurrent).result(),
                unit: "msg/s",
            });
        }
        if !matches!(client, Client::Sdk(chat, _) if chat.endpoint().scheme() == "http") {
            rows.push(Row {
                workload: list_workload.clone(),
                client: (*name).into(),
                result: list.result(),
                unit: "msg/s",
            });
        }
    }
    rows.push(Row {
        workload: send_workload,
        client: PYTHON.into(),
        result: python.send.map(|d| (sends, d)),
        unit: "msg/s",
    });
    rows.push(Row { workload: list_workload, client: PYTHON.into(), result: python.list, unit: "msg/s" });
    rows.sort_by_key(|row| row.workload.starts_with("list"));
    if rows.iter().any(|r| matches!(&r.result, Ok((n, _)) if *n != sends && *n != listed)) {
        eprintln!("warning: a listing returned an unexpected number of messages (expected {listed})");
    }
    println!();
    println!(
        "acs_chat benchmark: one emulator in this process, loopback, {} CPUs; medians of {rounds} rounds after {WARM_UP} warm-up sends",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    print_table(&rows);
    print_breakdown(&rows, sends, [RAW, PIPELINE, REST, SDK]);
    Ok(())
}

/// What a `send_message` costs over raw `reqwest`, layer by layer, per request: the `azure_core`
/// pipeline (its default policies), serde (measured alone), the generated layer's own part (our
/// guard, deadline and body reading in `acs_rest_core`), and the hand-written layer.
fn print_breakdown(rows: &[Row], sends: usize, [raw, pipeline, rest, sdk]: [&str; 4]) {
    let per_request = |client: &str| {
        rows.iter()
            .find(|r| r.client == client && r.workload.contains("sequential"))
            .and_then(|r| r.result.as_ref().ok())
            .map(|(_, time)| time.as_secs_f64() * 1e6 / sends as f64)
    };
    let (Some(raw), Some(pipeline), Some(rest), Some(sdk)) =
        (per_request(raw), per_request(pipeline), per_request(rest), per_request(sdk))
    else {
        return;
    };
    let serde = serde_per_request();
    println!();
    println!("per-request cost of send_message over raw reqwest (sequential, µs per request)");
    println!("{:<58} {:>10}", "layer", "µs");
    println!("{}", "-".repeat(69));
    println!("{:<58} {:>10.1}", "raw reqwest (the baseline, total per request)", raw);
    println!("{:<58} {:>10.1}", "azure_core pipeline (default policies)", pipeline - raw);
    println!("{:<58} {:>10.1}", "serde (request to JSON, response from JSON; measured alone)", serde);
    println!("{:<58} {:>10.1}", "generated layer + acs_rest_core (guard, deadline, body cap)", rest - pipeline - serde);
    println!("{:<58} {:>10.1}", "hand-written acs_chat (conversions, span, throttle reset)", sdk - rest);
    println!("{:<58} {:>10.1}", "total over raw", sdk - raw);
}

/// Serializing a send request and parsing its result, in µs.
fn serde_per_request() -> f64 {
    const N: usize = 100_000;
    let start = Instant::now();
    for i in 0..N {
        let request = acs_chat_models::SendChatMessageRequest { content: format!("message {i}"), ..Default::default() };
        let body = azure_core::json::to_json(&request).unwrap_or_default();
        std::hint::black_box(&body);
        let result: acs_chat_models::SendChatMessageResult =
            serde_json::from_slice(br#"{"id":"1732000000000"}"#).expect("a result");
        std::hint::black_box(result);
    }
    start.elapsed().as_secs_f64() * 1e6 / N as f64
}
