//! The Chat quickstart: a user and a token, a chat client, a thread, messages, participants, a
//! read receipt, a typing notification and a watched thread.
//!
//! ```sh
//! cargo run -p acs_chat --example quickstart                       # against a local emulator
//! ACS_CONNECTION_STRING="endpoint=https://<resource>.communication.azure.com/;accesskey=<key>" \
//!     cargo run -p acs_chat --example quickstart                   # against Azure
//! ```
//!
//! Without `ACS_CONNECTION_STRING` the example starts the emulator in this process, so it runs
//! on a fresh machine with no Azure account.

use acs_chat::{
    ChatClient, ChatParticipant, ChatThreadEvent, CommunicationTokenCredential, CreateChatThreadOptions,
    ListMessagesOptions, SendMessageOptions, SendTypingNotificationOptions, WatchMessagesOptions,
};
use acs_common::ConnectionString;
use acs_identity::{CommunicationIdentityClient, CommunicationTokenScope};
use futures::{StreamExt, TryStreamExt};
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Azure when a connection string is given, otherwise an emulator in this process (kept alive
    // by `_emulator` until the end of `main`).
    let (connection_string, _emulator) = match std::env::var("ACS_CONNECTION_STRING") {
        Ok(connection_string) if !connection_string.trim().is_empty() => {
            println!("Using the Azure Communication Services resource of ACS_CONNECTION_STRING");
            (connection_string, None)
        }
        _ => {
            let emulator = acs_emulator::Emulator::start().await?;
            println!("ACS_CONNECTION_STRING is not set: started a local emulator at {}", emulator.endpoint());
            (emulator.connection_string().to_owned(), Some(emulator))
        }
    };
    let endpoint = ConnectionString::parse(&connection_string)?.endpoint().to_string();

    // 1. Identity: two users, and a chat token for the first.
    let identity = CommunicationIdentityClient::from_connection_string(&connection_string, None)?;
    let alice = identity.create_user_and_token([CommunicationTokenScope::Chat], None).await?;
    let bob = identity.create_user(None).await?;
    println!("Created users {} and {}", alice.user.raw_id(), bob.raw_id());

    // 2. A chat client acting as Alice.
    let chat = ChatClient::new(&endpoint, CommunicationTokenCredential::from_access_token(alice.access_token), None)?;

    // 3. A thread.
    let created = chat
        .create_chat_thread(
            "Lunch",
            Some(CreateChatThreadOptions {
                participants: vec![ChatParticipant::new(alice.user.clone()).with_display_name("Alice")],
                ..Default::default()
            }),
        )
        .await?;
    println!("Created thread {} ({:?})", created.thread.id, created.thread.topic);
    let thread = chat.chat_thread_client(&created.thread.id)?;

    // 4. Watch the thread while we work in it (polling; stops when dropped).
    let watch_options = WatchMessagesOptions { poll_interval: Duration::from_millis(200), ..Default::default() };
    let mut events = thread.watch_messages(Some(watch_options));
    // Let the watch take its first look before anything happens.
    let _ = tokio::time::timeout(Duration::from_millis(500), events.next()).await;

    // 5. Messages.
    let options = SendMessageOptions { sender_display_name: Some("Alice".into()), ..Default::default() };
    let hello = thread.send_message("Hello, who's in for lunch?", Some(options)).await?;
    println!("Sent message {}", hello.id);
    let mut messages =
        thread.list_messages(Some(ListMessagesOptions { max_page_size: Some(10), ..Default::default() }));
    while let Some(message) = messages.try_next().await? {
        println!(
            "  [{}] {} {}",
            message.sequence_id,
            message.kind,
            message.text().or(message.content.as_ref().and_then(|c| c.topic.as_deref())).unwrap_or("")
        );
    }

    // 6. Participants: add Bob, list, remove him.
    let failures =
        thread.add_participants(vec![ChatParticipant::new(bob.clone()).with_display_name("Bob")], None).await?;
    println!("Added Bob ({} failures)", failures.len());
    let participants: Vec<ChatParticipant> = thread.list_participants(None).try_collect().await?;
    for participant in &participants {
        println!(
            "  participant {} {}",
            participant.identifier.raw_id(),
            participant.display_name.as_deref().unwrap_or("")
        );
    }
    thread.remove_participant(&bob.clone().into(), None).await?;
    println!("Removed Bob");

    // 7. Read receipt and typing notification.
    thread.send_read_receipt(&hello.id, None).await?;
    let receipts: Vec<_> = thread.list_read_receipts(None).try_collect().await?;
    println!("{} read receipt(s); the last one for message {}", receipts.len(), hello.id);
    let typing = SendTypingNotificationOptions { sender_display_name: Some("Alice".into()), ..Default::default() };
    let sent = thread.send_typing_notification(Some(typing.clone())).await?;
    let again = thread.send_typing_notification(Some(typing)).await?;
    println!("Typing notification sent: {sent}; again right away (throttled for 8 s): {again}");

    // 8. What the watch saw: the message, Bob joining and leaving.
    for _ in 0..3 {
        match tokio::time::timeout(Duration::from_secs(10), events.next()).await {
            Ok(Some(Ok(event))) => match event {
                ChatThreadEvent::MessageReceived(message) => {
                    println!("Watch: message {:?}", message.text().unwrap_or(""))
                }
                ChatThreadEvent::ParticipantsAdded { participants, .. } => {
                    println!("Watch: {} participant(s) added", participants.len())
                }
                ChatThreadEvent::ParticipantsRemoved { participants, .. } => {
                    println!("Watch: {} participant(s) removed", participants.len())
                }
                other => println!("Watch: {other:?}"),
            },
            Ok(Some(Err(error))) => return Err(error.into()),
            Ok(None) | Err(_) => break,
        }
    }
    drop(events);

    // 9. Clean up.
    chat.delete_chat_thread(thread.thread_id(), None).await?;
    identity.delete_user(&alice.user, None).await?;
    identity.delete_user(&bob, None).await?;
    println!("Deleted the thread and both users");
    Ok(())
}
