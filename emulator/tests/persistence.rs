//! `--data-dir`: everything a developer made survives a restart (users, tokens and their
//! revocations, threads, messages with their edits and deletions, participants, read receipts,
//! Teams assignments, event subscriptions, the connection string); a damaged, foreign or busy data
//! file is a clear error.

mod common;

use acs_emulator::{Emulator, EmulatorError, EventSchema, EventSubscription};
use common::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("acs-emulator-{name}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn start_in(dir: &Path) -> Ctx {
    Ctx { emu: Emulator::builder().data_dir(dir).start().await.expect("the emulator starts on its data") }
}

/// Everything the API shows of a thread, as a member sees it.
async fn thread_view(ctx: &Ctx, thread: &str, token: &str) -> Value {
    let path = |what: &str| format!("/chat/threads/{}{what}", enc(thread));
    let properties = ctx.chat("GET", &path(""), token, None).await.expect(200).json();
    let messages = all_pages(ctx, &path("/messages?maxPageSize=2"), token).await;
    let participants = all_pages(ctx, &path("/participants"), token).await;
    let receipts = all_pages(ctx, &path("/readReceipts"), token).await;
    json!({ "properties": properties, "messages": messages, "participants": participants, "receipts": receipts })
}

#[tokio::test]
async fn a_restart_loses_nothing() {
    let dir = scratch("restart");
    let ctx = start_in(&dir).await;
    let connection_string = ctx.emu.connection_string().to_owned();
    let resource_id = ctx.emu.resource_id().to_owned();
    let alice = ctx.user();
    let bob = ctx.user();
    let revoked = ctx.user();
    let deleted = ctx.user();
    let thread = ctx.thread(&alice, &[&bob], "Kept").await;
    let first = ctx.send_text(&thread, &alice, "first").await;
    let second = ctx.send_text(&thread, &bob, "second").await;
    let third = ctx.send_text(&thread, &alice, "third").await;
    let edit = json!({ "content": "first, edited", "metadata": { "k": "v" } });
    ctx.chat("PATCH", &format!("/chat/threads/{}/messages/{first}", enc(&thread)), &alice.token, Some(edit))
        .await
        .expect(204);
    ctx.chat("DELETE", &format!("/chat/threads/{}/messages/{third}", enc(&thread)), &alice.token, None)
        .await
        .expect(204);
    ctx.chat(
        "POST",
        &format!("/chat/threads/{}/readReceipts", enc(&thread)),
        &bob.token,
        Some(json!({ "chatMessageId": second })),
    )
    .await
    .expect(200);
    ctx.chat(
        "PATCH",
        &format!("/chat/threads/{}", enc(&thread)),
        &alice.token,
        Some(json!({ "topic": "Kept, renamed" })),
    )
    .await
    .expect(204);
    ctx.emu.revoke_tokens(&revoked.user_id).unwrap();
    ctx.identity("DELETE", &format!("/identities/{}", enc(&deleted.user_id)), b"").await.expect(204);
    ctx.emu
        .subscribe_events(EventSubscription::new("https://hooks.example/events?key=k", EventSchema::CloudEvents))
        .unwrap();
    let before = thread_view(&ctx, &thread, &alice.token).await;
    let threads_before = all_pages(&ctx, "/chat/threads", &bob.token).await;
    ctx.emu.shutdown().await;

    let ctx = start_in(&dir).await;
    assert_eq!(ctx.emu.resource_id(), resource_id);
    assert_eq!(ctx.emu.access_key(), connection_string.rsplit("accesskey=").next().unwrap(), "the same access key");
    // Tokens issued before the restart still work: the signing key was kept.
    let after = thread_view(&ctx, &thread, &alice.token).await;
    assert_eq!(after, before, "the thread as its members see it");
    assert_eq!(all_pages(&ctx, "/chat/threads", &bob.token).await, threads_before);
    // Revocations and deletions were kept too.
    for gone in [&revoked, &deleted] {
        let response = ctx.chat("GET", "/chat/threads", &gone.token, None).await;
        assert_eq!(response.status, 401, "a revoked or deleted identity's old token");
    }
    // The store goes on where it was: new ids do not collide, new messages come after the old.
    let later = ctx.send_text(&thread, &bob, "after the restart").await;
    assert!(later.parse::<u64>().unwrap() > third.parse::<u64>().unwrap());
    let other = ctx.thread(&bob, &[], "Another").await;
    assert_ne!(other, thread);
    let subscriptions = ctx.emu.event_subscriptions();
    assert_eq!(subscriptions.len(), 1);
    assert_eq!(subscriptions[0].schema, EventSchema::CloudEvents);
    ctx.emu.shutdown().await;

    // And a third start sees the changes of the second.
    let ctx = start_in(&dir).await;
    let view = thread_view(&ctx, &thread, &alice.token).await;
    let texts: Vec<&str> = view["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|page| page.as_array().unwrap())
        .filter_map(|m| m["content"]["message"].as_str())
        .collect();
    assert!(texts.contains(&"after the restart") && texts.contains(&"first, edited"), "{texts:?}");
    ctx.emu.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}

fn config_error(result: Result<acs_emulator::EmulatorHandle, EmulatorError>) -> String {
    match result {
        Err(EmulatorError::Config(message)) => message,
        Err(other) => panic!("not a configuration error: {other}"),
        Ok(_) => panic!("the emulator started on a bad data file"),
    }
}

#[tokio::test]
async fn a_damaged_file_is_a_clear_error() {
    let dir = scratch("damaged");
    std::fs::write(dir.join("acs_emulator.redb"), b"this is not a database, just some text\n".repeat(200)).unwrap();
    let message = config_error(Emulator::builder().data_dir(&dir).start().await);
    assert!(message.contains("acs_emulator.redb") && message.contains("not an acs_emulator data file"), "{message}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_foreign_database_is_a_clear_error() {
    let dir = scratch("foreign");
    {
        let db = redb::Database::create(dir.join("acs_emulator.redb")).unwrap();
        let write = db.begin_write().unwrap();
        {
            let mut table = write.open_table(redb::TableDefinition::<&str, u64>::new("inventory")).unwrap();
            table.insert("apples", 3).unwrap();
        }
        write.commit().unwrap();
    }
    let message = config_error(Emulator::builder().data_dir(&dir).start().await);
    assert!(message.contains("something else"), "{message}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn one_data_folder_serves_one_emulator_and_one_resource() {
    let dir = scratch("busy");
    let first = Emulator::builder().data_dir(&dir).start().await.unwrap();
    let message = config_error(Emulator::builder().data_dir(&dir).start().await);
    assert!(message.contains("another emulator is using it"), "{message}");
    let resource = first.resource_id().to_owned();
    first.shutdown().await;
    let other = uuid::Uuid::new_v4();
    let message = config_error(Emulator::builder().data_dir(&dir).resource_id(other).start().await);
    assert!(message.contains(&resource) && message.contains(&other.to_string()), "{message}");
    let _ = std::fs::remove_dir_all(dir);
}
