//! Every operation against the local emulator, over real HTTP on loopback.

use acs_chat::*;
use acs_common::{
    CommunicationCloudEnvironment, MicrosoftTeamsAppIdentifier, MicrosoftTeamsUserIdentifier, PhoneNumberIdentifier,
    TeamsExtensionUserIdentifier, UnknownIdentifier,
};
use acs_emulator::{Emulator, EmulatorHandle, FaultConfig, FaultScope};
use azure_core::http::{ClientOptions, FixedRetryOptions, RetryOptions};
use futures::{StreamExt, TryStreamExt};
use std::collections::HashMap;
use std::time::Duration;

/// A user of the emulator with its chat client.
struct User {
    id: CommunicationIdentifier,
    chat: ChatClient,
}

fn fast_retries() -> ClientOptions {
    ClientOptions {
        retry: RetryOptions::fixed(FixedRetryOptions {
            delay: azure_core::time::Duration::milliseconds(5),
            max_retries: 8,
            max_total_elapsed: azure_core::time::Duration::seconds(60),
        }),
        ..Default::default()
    }
}

fn user_with(emulator: &EmulatorHandle, client_options: ClientOptions) -> User {
    let user = emulator.create_user_and_token().expect("user");
    let credential = CommunicationTokenCredential::new(user.token).expect("token");
    let options = ChatClientOptions { client_options, ..Default::default() };
    let chat = ChatClient::new(emulator.endpoint(), credential, Some(options)).expect("client");
    User { id: CommunicationIdentifier::from_raw_id(&user.user_id), chat }
}

fn user(emulator: &EmulatorHandle) -> User {
    user_with(emulator, fast_retries())
}

async fn thread_with(owner: &User, topic: &str, others: &[&User]) -> ChatThreadClient {
    let options = CreateChatThreadOptions {
        participants: others.iter().map(|u| ChatParticipant::new(u.id.clone())).collect(),
        ..Default::default()
    };
    let created = owner.chat.create_chat_thread(topic, Some(options)).await.expect("thread");
    assert!(created.failed_participants.is_empty(), "{:?}", created.failed_participants);
    owner.chat.chat_thread_client(&created.thread.id).expect("thread client")
}

fn status(error: &azure_core::Error) -> Option<u16> {
    error.http_status().map(u16::from)
}

#[tokio::test]
async fn threads_are_created_read_updated_listed_and_deleted() {
    let emulator = Emulator::start().await.unwrap();
    let (alice, bob) = (user(&emulator), user(&emulator));
    let options = CreateChatThreadOptions {
        participants: vec![ChatParticipant::new(bob.id.clone()).with_display_name("Bob")],
        metadata: Some(HashMap::from([("team".into(), "kitchen".into())])),
        retention_policy: Some(ChatRetentionPolicy::ThreadCreationDate(ThreadCreationDateRetentionPolicy {
            delete_thread_after_days: 40,
        })),
        idempotency_token: Some("lunch-1".into()),
        ..Default::default()
    };
    let created = alice.chat.create_chat_thread("Lunch", Some(options.clone())).await.unwrap();
    assert!(created.thread.id.starts_with("19:"));
    assert_eq!(created.thread.topic, "Lunch");
    assert_eq!(created.thread.created_by, alice.id);
    assert_eq!(created.thread.metadata.get("team").map(String::as_str), Some("kitchen"));
    assert!(created.failed_participants.is_empty());
    // The same idempotency token gives the same thread.
    let again = alice.chat.create_chat_thread("Lunch", Some(options)).await.unwrap();
    assert_eq!(again.thread.id, created.thread.id);
    assert_eq!(again.thread.created_on, created.thread.created_on);

    let thread = bob.chat.chat_thread_client(&created.thread.id).unwrap();
    let properties = thread.get_properties(None).await.unwrap();
    assert_eq!(properties.topic, "Lunch");
    assert_eq!(
        properties.retention_policy,
        Some(ChatRetentionPolicy::ThreadCreationDate(ThreadCreationDateRetentionPolicy {
            delete_thread_after_days: 40
        }))
    );

    thread.update_topic("Dinner", None).await.unwrap();
    let update = UpdatePropertiesOptions {
        metadata: Some(HashMap::from([("team".into(), "bar".into())])),
        retention_policy: Some(ChatRetentionPolicy::None(NoneRetentionPolicy {})),
        ..Default::default()
    };
    thread.update_properties(Some(update)).await.unwrap();
    let properties = thread.get_properties(None).await.unwrap();
    assert_eq!(properties.topic, "Dinner");
    assert_eq!(properties.metadata.get("team").map(String::as_str), Some("bar"));
    assert_eq!(properties.retention_policy, Some(ChatRetentionPolicy::None(NoneRetentionPolicy {})));

    // Two more threads, then list them one and two per page.
    for topic in ["Second", "Third"] {
        thread_with(&alice, topic, &[&bob]).await;
    }
    for size in [1, 2] {
        let options = ListChatThreadsOptions { max_page_size: Some(size), ..Default::default() };
        let pages: Vec<ChatPage<ChatThreadItem>> =
            bob.chat.list_chat_threads(Some(options)).into_pages().try_collect().await.unwrap();
        assert_eq!(pages.len(), 3_usize.div_ceil(size as usize), "page size {size}");
        assert!(pages.iter().all(|p| p.items.len() <= size as usize));
        let mut topics: Vec<String> = pages.into_iter().flat_map(|p| p.items).map(|t| t.topic).collect();
        topics.sort();
        assert_eq!(topics, ["Dinner", "Second", "Third"]);
    }
    // start_time in the future: nothing.
    let later = ListChatThreadsOptions {
        start_time: Some(time::OffsetDateTime::now_utc() + time::Duration::hours(1)),
        ..Default::default()
    };
    assert_eq!(bob.chat.list_chat_threads(Some(later)).try_collect::<Vec<_>>().await.unwrap().len(), 0);

    alice.chat.delete_chat_thread(&created.thread.id, None).await.unwrap();
    let error = thread.get_properties(None).await.unwrap_err();
    assert_eq!(status(&error), Some(404));
    assert!(error.communication_error().is_some());
    let listed: Vec<ChatThreadItem> = bob.chat.list_chat_threads(None).try_collect().await.unwrap();
    let deleted = listed.iter().find(|t| t.id == created.thread.id).expect("still listed");
    assert!(deleted.deleted_on.is_some());
}

#[tokio::test]
async fn messages_are_sent_listed_across_pages_edited_and_deleted() {
    let emulator = Emulator::start().await.unwrap();
    let (alice, bob) = (user(&emulator), user(&emulator));
    let thread = thread_with(&alice, "Messages", &[&bob]).await;
    let bob_thread = bob.chat.chat_thread_client(thread.thread_id()).unwrap();
    let before = time::OffsetDateTime::now_utc() - time::Duration::seconds(1);

    let options = SendMessageOptions {
        message_type: Some(ChatMessageType::Html),
        sender_display_name: Some("Alice".into()),
        metadata: Some(HashMap::from([("k".into(), "v".into())])),
        ..Default::default()
    };
    let html = thread.send_message("<b>hello</b>", Some(options)).await.unwrap();
    let mut ids = vec![html.id.clone()];
    for i in 0..4 {
        ids.push(bob_thread.send_message(&format!("text {i}"), None).await.unwrap().id);
    }

    let message = bob_thread.get_message(&html.id, None).await.unwrap();
    assert_eq!(message.kind, ChatMessageType::Html);
    assert_eq!(message.text(), Some("<b>hello</b>"));
    assert_eq!(message.sender.as_ref(), Some(&alice.id));
    assert_eq!(message.sender_display_name.as_deref(), Some("Alice"));
    assert_eq!(message.metadata.get("k").map(String::as_str), Some("v"));
    assert!(message.created_on >= before);

    // All messages (2 system messages from creation + 5), newest first, one and two per page.
    let all: Vec<ChatMessage> = thread.list_messages(None).try_collect().await.unwrap();
    assert_eq!(all.len(), 7);
    assert!(all.windows(2).all(|w| w[0].created_on >= w[1].created_on));
    let text_ids: Vec<&str> = all
        .iter()
        .filter(|m| matches!(m.kind, ChatMessageType::Text | ChatMessageType::Html))
        .map(|m| m.id.as_str())
        .rev()
        .collect();
    assert_eq!(text_ids, ids.iter().map(String::as_str).collect::<Vec<_>>());
    for size in [1u32, 2] {
        let options = ListMessagesOptions { max_page_size: Some(size), ..Default::default() };
        let pages: Vec<ChatPage<ChatMessage>> =
            thread.list_messages(Some(options)).into_pages().try_collect().await.unwrap();
        assert_eq!(pages.len(), 7_usize.div_ceil(size as usize), "page size {size}");
        let paged: Vec<&ChatMessage> = pages.iter().flat_map(|p| p.items.iter()).collect();
        assert_eq!(paged.iter().map(|m| &m.id).collect::<Vec<_>>(), all.iter().map(|m| &m.id).collect::<Vec<_>>());
        // Resume from the first page's continuation.
        let options = ListMessagesOptions { continuation: pages[0].continuation.clone(), ..Default::default() };
        let resumed: Vec<ChatMessage> = thread.list_messages(Some(options)).try_collect().await.unwrap();
        assert_eq!(resumed.len(), 7 - size as usize);
    }
    // start_time keeps messages created from then on.
    let third = all.iter().find(|m| m.id == ids[2]).unwrap();
    let options =
        ListMessagesOptions { start_time: Some(third.created_on), max_page_size: Some(1), ..Default::default() };
    let recent: Vec<ChatMessage> = thread.list_messages(Some(options)).try_collect().await.unwrap();
    // Messages sent within one clock tick share a timestamp, so count what was created from then on.
    let expected: Vec<&str> = all.iter().filter(|m| m.created_on >= third.created_on).map(|m| m.id.as_str()).collect();
    assert!(expected.len() >= 3, "{expected:?}");
    assert_eq!(recent.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), expected);

    // Edit and delete (only the sender may).
    let update = UpdateMessageOptions {
        content: Some("<i>edited</i>".into()),
        metadata: Some(HashMap::from([("k".into(), "w".into())])),
        ..Default::default()
    };
    thread.update_message(&html.id, Some(update)).await.unwrap();
    let edited = thread.get_message(&html.id, None).await.unwrap();
    assert_eq!(edited.text(), Some("<i>edited</i>"));
    assert_eq!(edited.metadata.get("k").map(String::as_str), Some("w"));
    assert!(edited.edited_on.is_some());
    assert_ne!(edited.version, message.version);
    let error = bob_thread.delete_message(&html.id, None).await.unwrap_err();
    assert_eq!(status(&error), Some(403));
    thread.delete_message(&html.id, None).await.unwrap();
    let deleted = thread.get_message(&html.id, None).await.unwrap();
    assert!(deleted.deleted_on.is_some());
    assert_eq!(deleted.text(), None);
    let error = thread.get_message("999", None).await.unwrap_err();
    assert_eq!(status(&error), Some(404));
}

#[tokio::test]
async fn participants_of_every_kind_are_added_matched_listed_and_removed() {
    let emulator = Emulator::start().await.unwrap();
    let (alice, bob, carol) = (user(&emulator), user(&emulator), user(&emulator));
    let thread = thread_with(&alice, "People", &[]).await;

    let other_resource = CommunicationIdentifier::from_raw_id("8:acs:00000000-0000-0000-0000-000000000000_abc");
    let unknown_here = CommunicationIdentifier::from_raw_id(&format!(
        "8:acs:{}_00000000-0000-0000-0000-000000000001",
        emulator.resource_id()
    ));
    let refused: Vec<CommunicationIdentifier> = vec![
        other_resource,
        unknown_here,
        PhoneNumberIdentifier::new("+14255550123").into(),
        MicrosoftTeamsUserIdentifier::new("aad-user", CommunicationCloudEnvironment::Public).into(),
        MicrosoftTeamsUserIdentifier::anonymous("visitor").into(),
        MicrosoftTeamsAppIdentifier::new("bot", CommunicationCloudEnvironment::Gcch).into(),
        TeamsExtensionUserIdentifier::new("user", "tenant", "resource", CommunicationCloudEnvironment::Dod).into(),
        UnknownIdentifier::new("28:ag08-global:thing").into(),
    ];
    let mut participants = vec![ChatParticipant::new(bob.id.clone()).with_display_name("Bob")];
    participants.extend(refused.iter().cloned().map(ChatParticipant::new));
    participants.push(
        ChatParticipant::new(carol.id.clone())
            .with_display_name("Carol")
            .with_share_history_time(time::OffsetDateTime::now_utc()),
    );
    let failures = thread.add_participants(participants, None).await.unwrap();
    assert_eq!(failures.len(), refused.len(), "{failures:?}");
    for id in &refused {
        let failure = failures
            .iter()
            .find(|f| f.participant.as_ref().map(|p| &p.identifier) == Some(id))
            .unwrap_or_else(|| panic!("no failure matched to {id}"));
        assert_eq!(failure.error.target.as_deref(), Some(id.raw_id()));
        assert!(!failure.error.code.is_empty());
    }

    // The same refusals when creating a thread.
    let options = CreateChatThreadOptions {
        participants: refused.iter().cloned().map(ChatParticipant::new).collect(),
        ..Default::default()
    };
    let created = alice.chat.create_chat_thread("Refusals", Some(options)).await.unwrap();
    assert_eq!(created.failed_participants.len(), refused.len());
    assert!(created.failed_participants.iter().all(|f| f.participant.is_some()));

    // Listing: alice, bob, carol; one and two per page; skip.
    for size in [1u32, 2] {
        let options = ListParticipantsOptions { max_page_size: Some(size), ..Default::default() };
        let pages: Vec<ChatPage<ChatParticipant>> =
            thread.list_participants(Some(options)).into_pages().try_collect().await.unwrap();
        assert_eq!(pages.len(), 3_usize.div_ceil(size as usize));
        let ids: Vec<&CommunicationIdentifier> =
            pages.iter().flat_map(|p| p.items.iter()).map(|p| &p.identifier).collect();
        assert_eq!(ids, [&alice.id, &bob.id, &carol.id]);
    }
    let options = ListParticipantsOptions { skip: Some(1), ..Default::default() };
    let rest: Vec<ChatParticipant> = thread.list_participants(Some(options)).try_collect().await.unwrap();
    assert_eq!(rest.len(), 2);
    assert_eq!(rest[0].display_name.as_deref(), Some("Bob"));

    thread.remove_participant(&bob.id, None).await.unwrap();
    let left: Vec<ChatParticipant> = thread.list_participants(None).try_collect().await.unwrap();
    assert_eq!(left.len(), 2);
    let bob_thread = bob.chat.chat_thread_client(thread.thread_id()).unwrap();
    assert_eq!(status(&bob_thread.get_properties(None).await.unwrap_err()), Some(403));
}

#[tokio::test]
async fn read_receipts_and_typing_notifications() {
    let emulator = Emulator::start().await.unwrap();
    let (alice, bob, carol) = (user(&emulator), user(&emulator), user(&emulator));
    let thread = thread_with(&alice, "Receipts", &[&bob, &carol]).await;
    let id = thread.send_message("read me", None).await.unwrap().id;
    for reader in [&alice, &bob, &carol] {
        reader.chat.chat_thread_client(thread.thread_id()).unwrap().send_read_receipt(&id, None).await.unwrap();
    }
    for size in [1u32, 2] {
        let options = ListReadReceiptsOptions { max_page_size: Some(size), ..Default::default() };
        let pages: Vec<ChatPage<ChatMessageReadReceipt>> =
            thread.list_read_receipts(Some(options)).into_pages().try_collect().await.unwrap();
        assert_eq!(pages.len(), 3_usize.div_ceil(size as usize));
        let receipts: Vec<&ChatMessageReadReceipt> = pages.iter().flat_map(|p| p.items.iter()).collect();
        assert!(receipts.iter().all(|r| r.chat_message_id == id));
        let mut readers: Vec<&str> = receipts.iter().map(|r| r.sender.raw_id()).collect();
        readers.sort_unstable();
        let mut expected = vec![alice.id.raw_id(), bob.id.raw_id(), carol.id.raw_id()];
        expected.sort_unstable();
        assert_eq!(readers, expected);
    }
    let options = ListReadReceiptsOptions { skip: Some(2), ..Default::default() };
    assert_eq!(thread.list_read_receipts(Some(options)).try_collect::<Vec<_>>().await.unwrap().len(), 1);

    let named = SendTypingNotificationOptions { sender_display_name: Some("Alice".into()), ..Default::default() };
    assert!(thread.send_typing_notification(Some(named)).await.unwrap());
    assert!(!thread.send_typing_notification(None).await.unwrap());
    let force = SendTypingNotificationOptions { ignore_throttle: true, ..Default::default() };
    assert!(thread.send_typing_notification(Some(force)).await.unwrap());
    thread.send_message("typed", None).await.unwrap();
    assert!(thread.send_typing_notification(None).await.unwrap());
}

#[tokio::test]
async fn errors_carry_status_and_the_service_error() {
    let emulator = Emulator::start().await.unwrap();
    let (alice, outsider) = (user(&emulator), user(&emulator));
    let thread = thread_with(&alice, "Private", &[]).await;

    // 403 for a non-participant.
    let theirs = outsider.chat.chat_thread_client(thread.thread_id()).unwrap();
    let error = theirs.send_message("let me in", None).await.unwrap_err();
    assert_eq!(status(&error), Some(403));
    assert!(error.communication_error().is_some_and(|e| !e.code.is_empty()));

    // 404 after deletion.
    alice.chat.delete_chat_thread(thread.thread_id(), None).await.unwrap();
    let error = thread.list_messages(None).try_next().await.unwrap_err();
    assert_eq!(status(&error), Some(404));
    assert!(error.communication_error().is_some());

    // 401 after revocation.
    let thread = thread_with(&alice, "Before revocation", &[]).await;
    thread.get_properties(None).await.unwrap();
    emulator.revoke_tokens(alice.id.raw_id()).unwrap();
    let error = thread.get_properties(None).await.unwrap_err();
    assert_eq!(status(&error), Some(401));
    let service = error.communication_error().expect("service error");
    assert!(!service.code.is_empty());
    assert_eq!(status(&alice.chat.create_chat_thread("x", None).await.unwrap_err()), Some(401));
}

#[tokio::test]
async fn injected_429_and_503_are_retried_by_the_pipeline() {
    let emulator = Emulator::start().await.unwrap();
    let alice = user(&emulator);
    let thread = thread_with(&alice, "Flaky", &[]).await;

    // Without retries the faults are visible, with the service's error.
    let no_retries = user_with(&emulator, ClientOptions { retry: RetryOptions::none(), ..Default::default() });
    let mine = thread_with(&no_retries, "No retries", &[]).await;
    emulator.set_faults(FaultConfig::default().with_throttle_rate(1.0).with_scope(FaultScope::Chat)).unwrap();
    let error = mine.get_properties(None).await.unwrap_err();
    assert_eq!(status(&error), Some(429));
    assert!(error.communication_error().is_some());
    emulator.set_faults(FaultConfig::default().with_unavailable_rate(1.0).with_scope(FaultScope::Chat)).unwrap();
    assert_eq!(status(&mine.get_properties(None).await.unwrap_err()), Some(503));

    // With retries, every call gets through.
    emulator
        .set_faults(
            FaultConfig::default()
                .with_throttle_rate(0.2)
                .with_unavailable_rate(0.3)
                .with_retry_after(Duration::from_secs(1))
                .with_scope(FaultScope::Chat)
                .with_seed(7),
        )
        .unwrap();
    for i in 0..8 {
        thread.send_message(&format!("m{i}"), None).await.unwrap();
    }
    let created = alice.chat.create_chat_thread("Under faults", None).await.unwrap();
    let listed: Vec<ChatMessage> = thread
        .list_messages(Some(ListMessagesOptions { max_page_size: Some(2), ..Default::default() }))
        .try_collect()
        .await
        .unwrap();
    emulator.set_faults(FaultConfig::none()).unwrap();
    assert_eq!(listed.iter().filter(|m| m.kind == ChatMessageType::Text).count(), 8);
    // One thread per create call, whatever the retries.
    let threads: Vec<ChatThreadItem> = alice.chat.list_chat_threads(None).try_collect().await.unwrap();
    assert_eq!(threads.iter().filter(|t| t.topic == "Under faults").count(), 1);
    assert!(threads.iter().any(|t| t.id == created.thread.id));
}

async fn next_event(events: &mut ChatEventStream) -> ChatThreadEvent {
    tokio::time::timeout(Duration::from_secs(10), events.next())
        .await
        .expect("an event within 10 s")
        .expect("the stream goes on")
        .expect("no error")
}

#[tokio::test]
async fn watch_sees_sends_edits_deletes_and_thread_changes_in_order() {
    let emulator = Emulator::start().await.unwrap();
    let (alice, bob, carol) = (user(&emulator), user(&emulator), user(&emulator));
    let thread = thread_with(&alice, "Watched", &[&bob]).await;
    let bob_thread = bob.chat.chat_thread_client(thread.thread_id()).unwrap();
    let options = WatchMessagesOptions { poll_interval: Duration::from_millis(50), ..Default::default() };
    let mut events = thread.watch_messages(Some(options));
    // Let the first poll record what exists (the creation's system messages).
    assert!(tokio::time::timeout(Duration::from_millis(300), events.next()).await.is_err());

    let sent = bob_thread.send_message("hello", None).await.unwrap().id;
    match next_event(&mut events).await {
        ChatThreadEvent::MessageReceived(m) => {
            assert_eq!(m.id, sent);
            assert_eq!(m.text(), Some("hello"));
            assert_eq!(m.sender.as_ref(), Some(&bob.id));
        }
        other => panic!("{other:?}"),
    }
    let update = UpdateMessageOptions { content: Some("hello, edited".into()), ..Default::default() };
    bob_thread.update_message(&sent, Some(update)).await.unwrap();
    match next_event(&mut events).await {
        ChatThreadEvent::MessageEdited(m) => {
            assert_eq!((m.id.as_str(), m.text()), (sent.as_str(), Some("hello, edited")))
        }
        other => panic!("{other:?}"),
    }
    bob_thread.delete_message(&sent, None).await.unwrap();
    match next_event(&mut events).await {
        ChatThreadEvent::MessageDeleted(m) => assert!(m.id == sent && m.deleted_on.is_some()),
        other => panic!("{other:?}"),
    }
    thread.update_topic("Watched closely", None).await.unwrap();
    match next_event(&mut events).await {
        ChatThreadEvent::TopicUpdated { topic, updated_by, .. } => {
            assert_eq!(topic.as_deref(), Some("Watched closely"));
            assert_eq!(updated_by.as_ref(), Some(&alice.id));
        }
        other => panic!("{other:?}"),
    }
    thread.add_participants(vec![ChatParticipant::new(carol.id.clone())], None).await.unwrap();
    match next_event(&mut events).await {
        ChatThreadEvent::ParticipantsAdded { participants, .. } => assert_eq!(participants[0].identifier, carol.id),
        other => panic!("{other:?}"),
    }
    thread.remove_participant(&carol.id, None).await.unwrap();
    match next_event(&mut events).await {
        ChatThreadEvent::ParticipantsRemoved { participants, .. } => assert_eq!(participants[0].identifier, carol.id),
        other => panic!("{other:?}"),
    }

    // A burst between two polls arrives in order, each change once.
    let a = bob_thread.send_message("a", None).await.unwrap().id;
    let b = bob_thread.send_message("b", None).await.unwrap().id;
    let update = UpdateMessageOptions { content: Some("a2".into()), ..Default::default() };
    bob_thread.update_message(&a, Some(update)).await.unwrap();
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let event = next_event(&mut events).await;
        seen.push(match event {
            ChatThreadEvent::MessageReceived(m) => format!("received {}", m.id),
            ChatThreadEvent::MessageEdited(m) => format!("edited {}", m.id),
            other => panic!("{other:?}"),
        });
    }
    // Whether a poll fell between the sends and the edit or not, the same events in order.
    assert_eq!(seen, [format!("received {a}"), format!("received {b}"), format!("edited {a}")]);
    assert!(tokio::time::timeout(Duration::from_millis(300), events.next()).await.is_err(), "nothing more");

    // Bob is removed: his watch ends with 403.
    let mut bobs = bob_thread
        .watch_messages(Some(WatchMessagesOptions { poll_interval: Duration::from_millis(50), ..Default::default() }));
    assert!(tokio::time::timeout(Duration::from_millis(200), bobs.next()).await.is_err());
    thread.remove_participant(&bob.id, None).await.unwrap();
    let error = tokio::time::timeout(Duration::from_secs(10), bobs.next()).await.unwrap().unwrap().unwrap_err();
    assert_eq!(status(&error), Some(403));
    assert!(bobs.next().await.is_none());
}

#[tokio::test]
async fn watch_from_a_start_time_replays_the_thread() {
    let emulator = Emulator::start().await.unwrap();
    let alice = user(&emulator);
    let start = time::OffsetDateTime::now_utc() - time::Duration::seconds(5);
    let thread = thread_with(&alice, "Replay", &[]).await;
    thread.send_message("one", None).await.unwrap();
    let options = WatchMessagesOptions {
        start_time: Some(start),
        poll_interval: Duration::from_millis(50),
        max_page_size: Some(1),
        ..Default::default()
    };
    let mut events = thread.watch_messages(Some(options));
    let kinds: Vec<&'static str> = {
        let mut kinds = Vec::new();
        for _ in 0..3 {
            kinds.push(match next_event(&mut events).await {
                ChatThreadEvent::ParticipantsAdded { .. } => "added",
                ChatThreadEvent::TopicUpdated { .. } => "topic",
                ChatThreadEvent::MessageReceived(_) => "received",
                other => panic!("{other:?}"),
            });
        }
        kinds
    };
    assert_eq!(kinds, ["added", "topic", "received"]);
}
