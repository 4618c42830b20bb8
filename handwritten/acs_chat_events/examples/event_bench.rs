//! Event delivery of the emulator: events per second delivered to a loopback webhook served by
//! this crate's axum router, and the latency from the `send_message` call to the handled event.
//!
//! ```sh
//! cargo run --release -p acs_chat_events --example event_bench           # optional: EVENTS (2000)
//! ```
//!
//! One emulator and one webhook in this process (2-core machine, both sharing it). The webhook
//! subscribes to `ChatMessageReceivedInThread` only, so each send is one event. Rows: sequential
//! sends (each event delivered while the next send runs), and bursts of 8 concurrent senders;
//! each in the Event Grid and the CloudEvents schema.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use acs_chat::{ChatClient, ChatParticipant, CommunicationTokenCredential, CreateChatThreadOptions};
use acs_chat_events::{router, ChatEvent, Webhook, WebhookOptions};
use acs_emulator::{Emulator, EventSchema, EventSubscription};
use acs_identity::{CommunicationIdentityClient, CommunicationTokenScope};
use futures::{StreamExt, TryStreamExt};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Arrival times of events by message id.
type Arrivals = Arc<Mutex<HashMap<String, Instant>>>;

struct Row {
    workload: String,
    events: usize,
    seconds: f64,
    p50: Duration,
    p99: Duration,
}

async fn run(schema: EventSchema, events: usize, concurrency: usize) -> Result<Row, BoxError> {
    let arrivals: Arrivals = Arc::default();
    let seen = Arc::clone(&arrivals);
    let app = router("/events", Webhook::new(WebhookOptions::default()), move |delivered| {
        let seen = Arc::clone(&seen);
        async move {
            let now = Instant::now();
            let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
            for envelope in delivered {
                if let ChatEvent::MessageReceivedInThread(message) = envelope.event {
                    seen.insert(message.message_id, now);
                }
            }
            Ok::<(), std::convert::Infallible>(())
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/events", listener.local_addr()?);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let subscription =
        EventSubscription::new(url, schema).with_event_types(["Microsoft.Communication.ChatMessageReceivedInThread"]);
    let emulator = Emulator::builder().event_subscription(subscription).start().await?;

    let identity = CommunicationIdentityClient::from_connection_string(emulator.connection_string(), None)?;
    let user = identity.create_user_and_token([CommunicationTokenScope::Chat], None).await?;
    let chat =
        ChatClient::new(emulator.endpoint(), CommunicationTokenCredential::from_access_token(user.access_token), None)?;
    let participants = vec![ChatParticipant::new(user.user.clone())];
    let created =
        chat.create_chat_thread("bench", Some(CreateChatThreadOptions { participants, ..Default::default() })).await?;
    let thread = chat.chat_thread_client(&created.thread.id)?;
    // Warm up (the handshake happens before the first delivery).
    thread.send_message("warm-up", None).await?;
    wait_for(&arrivals, 1).await?;
    arrivals.lock().unwrap_or_else(|e| e.into_inner()).clear();

    let started = Instant::now();
    let sent: Vec<(String, Instant)> = futures::stream::iter(0..events)
        .map(|i| {
            let thread = &thread;
            async move {
                let at = Instant::now();
                let id = thread.send_message(&format!("event {i}"), None).await?.id;
                Ok::<_, azure_core::Error>((id, at))
            }
        })
        .buffer_unordered(concurrency)
        .try_collect()
        .await?;
    wait_for(&arrivals, events).await?;
    let arrived = arrivals.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let last = arrived.values().max().copied().unwrap_or(started);
    let mut latencies: Vec<Duration> =
        sent.iter().filter_map(|(id, at)| arrived.get(id).map(|arrival| arrival.duration_since(*at))).collect();
    latencies.sort();
    if latencies.len() != events {
        return Err(format!("{} of {events} events arrived for the messages sent", latencies.len()).into());
    }
    emulator.shutdown().await;
    server.abort();
    let schema_name = match schema {
        EventSchema::EventGrid => "Event Grid schema",
        _ => "CloudEvents",
    };
    let mode =
        if concurrency == 1 { "sequential sends".to_owned() } else { format!("{concurrency} concurrent senders") };
    Ok(Row {
        workload: format!("{schema_name}, {mode}"),
        events,
        seconds: last.duration_since(started).as_secs_f64(),
        p50: latencies[latencies.len() / 2],
        p99: latencies[(latencies.len() * 99 / 100).min(latencies.len() - 1)],
    })
}

async fn wait_for(arrivals: &Arrivals, count: usize) -> Result<(), BoxError> {
    let deadline = Instant::now() + Duration::from_secs(120);
    while arrivals.lock().unwrap_or_else(|e| e.into_inner()).len() < count {
        if Instant::now() > deadline {
            return Err("events did not arrive within 120 s".into());
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let events = std::env::var("EVENTS").ok().and_then(|v| v.parse().ok()).filter(|n| *n > 0).unwrap_or(2000);
    let mut rows = Vec::new();
    for schema in [EventSchema::EventGrid, EventSchema::CloudEvents] {
        for concurrency in [1, 8] {
            rows.push(run(schema, events, concurrency).await?);
        }
    }
    println!("acs_emulator event delivery to a loopback acs_chat_events webhook ({events} events per row)");
    println!("| workload | events | seconds | events/s | p50 ms (call → handled) | p99 ms |");
    println!("|---|---:|---:|---:|---:|---:|");
    for row in rows {
        println!(
            "| {} | {} | {:.2} | {:.0} | {:.2} | {:.2} |",
            row.workload,
            row.events,
            row.seconds,
            row.events as f64 / row.seconds,
            row.p50.as_secs_f64() * 1e3,
            row.p99.as_secs_f64() * 1e3
        );
    }
    Ok(())
}
