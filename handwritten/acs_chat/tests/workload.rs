//! A bounded workload under faults of every kind, before and after the write, against the
//! emulator over real HTTP: 2,000 operations (400 per fault mode; 10% of requests faulted), then
//! the service state is read back with faults off. Run with `--nocapture` for the table that
//! BENCHMARKS.md records:
//!
//! ```text
//! cargo test -p acs_chat --test workload -- --nocapture
//! ```
//!
//! Every acknowledged write is stored exactly once (0 lost, 0 duplicated), and no call that
//! failed for a reason other than an unknown outcome had taken effect (0 false failures).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use acs_chat::*;
use acs_common::CommunicationTokenCredential;
use acs_emulator::{Emulator, EmulatorHandle, FaultConfig, FaultScope};
use azure_core::http::{ClientOptions, FixedRetryOptions, RetryOptions};
use futures::TryStreamExt;

const OPERATIONS_PER_MODE: usize = 400;

fn chat_client(emulator: &EmulatorHandle) -> (ChatClient, CommunicationIdentifier) {
    let user = emulator.create_user_and_token().unwrap();
    let options = ChatClientOptions {
        client_options: ClientOptions {
            retry: RetryOptions::fixed(FixedRetryOptions {
                delay: azure_core::time::Duration::milliseconds(1),
                max_retries: 6,
                max_total_elapsed: azure_core::time::Duration::seconds(30),
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    let credential = CommunicationTokenCredential::new(user.token).unwrap();
    (
        ChatClient::new(emulator.endpoint(), credential, Some(options)).unwrap(),
        CommunicationIdentifier::from_raw_id(&user.user_id),
    )
}

#[derive(Default, Debug)]
struct Tally {
    operations: usize,
    acknowledged: usize,
    unknown: usize,
    refused: usize,
    lost: usize,
    duplicates: usize,
    false_failures: usize,
}

/// One fault mode: thread creations, sends with client message ids, and participant changes,
/// then the state read back.
async fn run_mode(name: &str, faults: FaultConfig) -> Tally {
    let emulator = Emulator::start().await.unwrap();
    let (chat, _me) = chat_client(&emulator);
    let (_, guest) = chat_client(&emulator);
    let home = chat.create_chat_thread("home", None).await.unwrap().thread.id;
    let home = chat.chat_thread_client(&home).unwrap();
    emulator.set_faults(faults.with_scope(FaultScope::Chat).with_seed(7)).unwrap();

    let mut tally = Tally::default();
    let mut created_topics: HashMap<String, bool> = HashMap::new();
    let mut sent: HashMap<String, bool> = HashMap::new();
    let mut guest_present = false;
    let mut guest_failures = 0;
    for i in 0..OPERATIONS_PER_MODE {
        tally.operations += 1;
        match i % 8 {
            0 => {
                let topic = format!("{name}-{i}");
                let outcome = chat.create_chat_thread(&topic, None).await;
                created_topics.insert(topic, outcome.is_ok());
                count(&mut tally, outcome.map(|_| ()));
            }
            1 => {
                let outcome = if guest_present {
                    home.remove_participant(&guest, None).await
                } else {
                    home.add_participants(vec![ChatParticipant::new(guest.clone())], None).await.map(|_| ())
                };
                match &outcome {
                    Ok(()) => guest_present = !guest_present,
                    Err(error) if !error.is_outcome_unknown() => guest_failures += 1,
                    Err(_) => {}
                }
                count(&mut tally, outcome);
            }
            _ => {
                let id = format!("{name}-message-{i}");
                let options = SendMessageOptions { client_message_id: Some(id.clone()), ..Default::default() };
                let outcome = home.send_message(&format!("text {i}"), Some(options)).await;
                sent.insert(id, outcome.is_ok());
                count(&mut tally, outcome.map(|_| ()));
            }
        }
    }

    // Read back with faults off.
    emulator.set_faults(FaultConfig::none()).unwrap();
    let threads: Vec<ChatThreadItem> = chat.list_chat_threads(None).try_collect().await.unwrap();
    let mut topics: HashMap<String, usize> = HashMap::new();
    for thread in threads {
        *topics.entry(thread.topic).or_default() += 1;
    }
    for (topic, acknowledged) in &created_topics {
        let stored = topics.get(topic).copied().unwrap_or(0);
        tally.duplicates += stored.saturating_sub(1);
        if *acknowledged && stored == 0 {
            tally.lost += 1;
        }
    }
    let messages: Vec<ChatMessage> = home.list_messages(None).try_collect().await.unwrap();
    let mut ids: HashMap<String, usize> = HashMap::new();
    for message in &messages {
        if let Some(id) = message.client_message_id() {
            *ids.entry(id.to_owned()).or_default() += 1;
        }
    }
    for (id, acknowledged) in &sent {
        let stored = ids.get(id).copied().unwrap_or(0);
        tally.duplicates += stored.saturating_sub(1);
        if *acknowledged && stored == 0 {
            tally.lost += 1;
        }
    }
    let participants: Vec<ChatParticipant> = home.list_participants(None).try_collect().await.unwrap();
    let guest_stored = participants.iter().any(|p| p.identifier == guest);
    // Every participant change reported as done is the state; a refused one (not an unknown
    // outcome) that took effect would be a false failure.
    if guest_stored != guest_present {
        tally.false_failures += 1;
    }
    tally.false_failures += guest_failures;
    tally
}

fn count(tally: &mut Tally, outcome: azure_core::Result<()>) {
    match outcome {
        Ok(()) => tally.acknowledged += 1,
        Err(error) if error.is_outcome_unknown() => tally.unknown += 1,
        Err(_) => tally.refused += 1,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_write_is_lost_duplicated_or_falsely_failed_under_faults() {
    let zero = Duration::ZERO;
    let modes = [
        ("drop before the write", FaultConfig::default().with_drop_rate(0.10)),
        ("drop after the write", FaultConfig::default().with_drop_after_rate(0.10)),
        ("429 Too Many Requests", FaultConfig::default().with_throttle_rate(0.10).with_retry_after(zero)),
        ("503 Service Unavailable", FaultConfig::default().with_unavailable_rate(0.10)),
        (
            "all of them",
            FaultConfig::default()
                .with_drop_rate(0.025)
                .with_drop_after_rate(0.025)
                .with_throttle_rate(0.025)
                .with_unavailable_rate(0.025)
                .with_retry_after(zero),
        ),
    ];
    let started = Instant::now();
    println!("| faults (10% of requests) | operations | acknowledged | outcome unknown | refused | lost | duplicated | false failures |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut totals = Tally::default();
    for (name, faults) in modes {
        let tally = run_mode(name, faults).await;
        println!(
            "| {name} | {} | {} | {} | {} | {} | {} | {} |",
            tally.operations,
            tally.acknowledged,
            tally.unknown,
            tally.refused,
            tally.lost,
            tally.duplicates,
            tally.false_failures
        );
        assert_eq!((tally.lost, tally.duplicates, tally.false_failures), (0, 0, 0), "{name}: {tally:?}");
        totals.operations += tally.operations;
        totals.acknowledged += tally.acknowledged;
    }
    println!("{} operations in {:.1?}", totals.operations, started.elapsed());
    assert_eq!(totals.operations, 2_000);
    assert!(totals.acknowledged > 1_900, "{totals:?}");
}
