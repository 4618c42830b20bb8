//! End to end: the emulator delivers the events of a chat session to a webhook served by this
//! crate's axum router, over loopback HTTP, in both schemas: the handshake first, then each change
//! as its typed event, in order; a webhook that fails twice still receives everything.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use acs_chat::{
    ChatClient, ChatParticipant, CommunicationTokenCredential, CreateChatThreadOptions, UpdateMessageOptions,
};
use acs_chat_events::{router, ChatEvent, EventEnvelope, Webhook, WebhookOptions};
use acs_emulator::{Emulator, EmulatorHandle, EventSchema, EventSubscription};
use acs_identity::{CommunicationIdentityClient, CommunicationTokenScope};
use axum::extract::Request;
use axum::middleware::Next;

/// What the test webhook saw, in order.
#[derive(Clone, Debug)]
enum Seen {
    /// A validation handshake (Event Grid's validation event, or the CloudEvents `OPTIONS`).
    Handshake,
    /// A delivery the handler refused (answered 500).
    Refused,
    /// Events handled.
    Events(Vec<EventEnvelope>),
}

struct TestWebhook {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    server: tokio::task::JoinHandle<()>,
}

impl TestWebhook {
    /// A webhook whose handler fails the first `failures` deliveries.
    async fn start(failures: usize) -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let left = Arc::new(AtomicUsize::new(failures));
        let webhook = Webhook::new(WebhookOptions { secret: Some("t0ps3cret".into()), ..Default::default() });
        let handler_seen = Arc::clone(&seen);
        let app = router("/events", webhook, move |events| {
            let (seen, left) = (Arc::clone(&handler_seen), Arc::clone(&left));
            async move {
                if left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok() {
                    seen.lock().unwrap().push(Seen::Refused);
                    return Err("the application is down (simulated)");
                }
                seen.lock().unwrap().push(Seen::Events(events));
                Ok(())
            }
        });
        let handshake_seen = Arc::clone(&seen);
        let app = app.layer(axum::middleware::from_fn(move |request: Request, next: Next| {
            let seen = Arc::clone(&handshake_seen);
            async move {
                let validation = request.method() == axum::http::Method::OPTIONS
                    || request.headers().get("aeg-event-type").is_some_and(|v| v == "SubscriptionValidation");
                let response = next.run(request).await;
                if validation && response.status().is_success() {
                    seen.lock().unwrap().push(Seen::Handshake);
                }
                response
            }
        }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/events?key=t0ps3cret", listener.local_addr().unwrap());
        let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, seen, server }
    }

    fn events(&self) -> Vec<EventEnvelope> {
        let seen = self.seen.lock().unwrap();
        seen.iter().filter_map(|s| if let Seen::Events(e) = s { Some(e.clone()) } else { None }).flatten().collect()
    }

    /// Waits until `done` holds for the events received (at most 60 s).
    async fn wait_for(&self, what: &str, done: impl Fn(&[EventEnvelope]) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while !done(&self.events()) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {what}; seen {:#?}",
                self.seen.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for TestWebhook {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The thread-level events (one per thread, not per participant) of `thread`, in order.
fn thread_level(events: &[EventEnvelope], thread: &str) -> Vec<EventEnvelope> {
    events
        .iter()
        .filter(|e| e.event.thread_id() == Some(thread))
        .filter(|e| {
            matches!(
                e.event,
                ChatEvent::ThreadCreated(_)
                    | ChatEvent::MessageReceivedInThread(_)
                    | ChatEvent::MessageEditedInThread(_)
                    | ChatEvent::MessageDeletedInThread(_)
                    | ChatEvent::ParticipantAdded(_)
                    | ChatEvent::ParticipantRemoved(_)
                    | ChatEvent::ThreadPropertiesUpdated(_)
            )
        })
        .cloned()
        .collect()
}

struct Session {
    thread_id: String,
    alice: String,
    bob: String,
    message_ids: Vec<String>,
}

/// A thread, three messages, an edit, a delete, Bob added and removed, a topic change.
async fn chat_session(emulator: &EmulatorHandle) -> Session {
    let identity = CommunicationIdentityClient::from_connection_string(emulator.connection_string(), None).unwrap();
    let alice = identity.create_user_and_token([CommunicationTokenScope::Chat], None).await.unwrap();
    let bob = identity.create_user(None).await.unwrap();
    let chat =
        ChatClient::new(emulator.endpoint(), CommunicationTokenCredential::from_access_token(alice.access_token), None)
            .unwrap();
    let participants = vec![ChatParticipant::new(alice.user.clone()).with_display_name("Alice")];
    let created = chat
        .create_chat_thread("Plans", Some(CreateChatThreadOptions { participants, ..Default::default() }))
        .await
        .unwrap();
    let thread = chat.chat_thread_client(&created.thread.id).unwrap();
    let mut message_ids = Vec::new();
    for text in ["one", "two", "three"] {
        message_ids.push(thread.send_message(text, None).await.unwrap().id);
    }
    let edit = UpdateMessageOptions { content: Some("two, edited".into()), ..Default::default() };
    thread.update_message(&message_ids[1], Some(edit)).await.unwrap();
    thread.delete_message(&message_ids[2], None).await.unwrap();
    thread.add_participants(vec![ChatParticipant::new(bob.clone()).with_display_name("Bob")], None).await.unwrap();
    thread.remove_participant(&bob.clone().into(), None).await.unwrap();
    thread.update_topic("New plans", None).await.unwrap();
    Session {
        thread_id: created.thread.id,
        alice: alice.user.raw_id().to_owned(),
        bob: bob.raw_id().to_owned(),
        message_ids,
    }
}

fn assert_session_events(events: &[EventEnvelope], session: &Session) {
    let ordered = thread_level(events, &session.thread_id);
    let types: Vec<&str> = ordered.iter().map(|e| e.event.event_type()).collect();
    assert_eq!(
        types,
        [
            "Microsoft.Communication.ChatThreadCreated",
            "Microsoft.Communication.ChatMessageReceivedInThread",
            "Microsoft.Communication.ChatMessageReceivedInThread",
            "Microsoft.Communication.ChatMessageReceivedInThread",
            "Microsoft.Communication.ChatMessageEditedInThread",
            "Microsoft.Communication.ChatMessageDeletedInThread",
            "Microsoft.Communication.ChatThreadParticipantAdded",
            "Microsoft.Communication.ChatThreadParticipantRemoved",
            "Microsoft.Communication.ChatThreadPropertiesUpdated",
        ],
        "the thread's events, in order"
    );
    let ChatEvent::ThreadCreated(created) = &ordered[0].event else { unreachable!() };
    assert_eq!(created.topic(), Some("Plans"));
    assert_eq!(created.actor.as_ref().map(|a| a.raw_id()), Some(session.alice.as_str()));
    for (envelope, (id, text)) in ordered[1..4].iter().zip(session.message_ids.iter().zip(["one", "two", "three"])) {
        let ChatEvent::MessageReceivedInThread(message) = &envelope.event else { unreachable!() };
        assert_eq!((&message.message_id, message.body.as_deref()), (id, Some(text)));
        assert_eq!(message.sender.as_ref().map(|s| s.raw_id()), Some(session.alice.as_str()));
        assert!(message.compose_time.is_some());
    }
    let ChatEvent::MessageEditedInThread(edited) = &ordered[4].event else { unreachable!() };
    assert_eq!(
        (edited.message_id.as_str(), edited.body.as_deref()),
        (session.message_ids[1].as_str(), Some("two, edited"))
    );
    assert!(edited.edit_time.is_some());
    let ChatEvent::MessageDeletedInThread(deleted) = &ordered[5].event else { unreachable!() };
    assert_eq!(deleted.message_id, session.message_ids[2]);
    assert!(deleted.delete_time.is_some());
    for envelope in &ordered[6..8] {
        let (ChatEvent::ParticipantAdded(change) | ChatEvent::ParticipantRemoved(change)) = &envelope.event else {
            unreachable!()
        };
        let participant = change.participant.as_ref().expect("the participant");
        assert_eq!(participant.identifier.raw_id(), session.bob);
        assert_eq!(change.actor.as_ref().map(|a| a.raw_id()), Some(session.alice.as_str()));
    }
    let ChatEvent::ThreadPropertiesUpdated(updated) = &ordered[8].event else { unreachable!() };
    assert_eq!(updated.topic(), Some("New plans"));

    // Per-participant events go to the participants, each naming its recipient.
    // (Messages have no other recipient than their sender here, so no ChatMessageReceived.)
    let created_for = events.iter().find_map(|e| match &e.event {
        ChatEvent::ThreadCreatedWithUser(t) if t.thread_id == session.thread_id => t.recipient.clone(),
        _ => None,
    });
    assert_eq!(created_for.as_ref().map(|r| r.raw_id()), Some(session.alice.as_str()));
    let added_for: Vec<String> = events
        .iter()
        .filter_map(|e| match &e.event {
            ChatEvent::ParticipantAddedToThreadWithUser(p) => p.recipient.as_ref().map(|r| r.raw_id().to_owned()),
            _ => None,
        })
        .collect();
    assert!(added_for.contains(&session.alice), "{added_for:?}");
    assert!(events.iter().all(|e| !matches!(e.event, ChatEvent::MessageReceived(_))), "no message to its own sender");
    let mut ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    ids.sort();
    let before = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), before, "an event was delivered twice");
}

async fn delivers_a_session(schema: EventSchema, failures: usize) {
    let webhook = TestWebhook::start(failures).await;
    let emulator =
        Emulator::builder().event_subscription(EventSubscription::new(&webhook.url, schema)).start().await.unwrap();
    let session = chat_session(&emulator).await;
    webhook.wait_for("the session's events", |events| thread_level(events, &session.thread_id).len() >= 9).await;
    let seen = webhook.seen.lock().unwrap().clone();
    assert!(matches!(seen.first(), Some(Seen::Handshake)), "the handshake comes first: {seen:?}");
    assert_eq!(seen.iter().filter(|s| matches!(s, Seen::Handshake)).count(), 1, "one handshake");
    assert_eq!(seen.iter().filter(|s| matches!(s, Seen::Refused)).count(), failures);
    assert!(webhook.events().iter().all(|e| e.schema == schema_of(schema)));
    assert_session_events(&webhook.events(), &session);
    emulator.shutdown().await;
}

fn schema_of(schema: EventSchema) -> acs_chat_events::EventSchema {
    match schema {
        EventSchema::EventGrid => acs_chat_events::EventSchema::EventGrid,
        EventSchema::CloudEvents => acs_chat_events::EventSchema::CloudEvents,
    }
}

#[tokio::test]
async fn event_grid_schema_delivers_every_change_in_order() {
    delivers_a_session(EventSchema::EventGrid, 0).await;
}

#[tokio::test]
async fn cloud_events_schema_delivers_every_change_in_order() {
    delivers_a_session(EventSchema::CloudEvents, 0).await;
}

#[tokio::test]
async fn a_webhook_that_fails_twice_still_receives_everything() {
    delivers_a_session(EventSchema::EventGrid, 2).await;
}

#[tokio::test]
async fn a_type_filter_delivers_only_those_types() {
    let webhook = TestWebhook::start(0).await;
    let subscription = EventSubscription::new(&webhook.url, EventSchema::CloudEvents)
        .with_event_types(["Microsoft.Communication.ChatMessageReceivedInThread"]);
    let emulator = Emulator::builder().event_subscription(subscription).start().await.unwrap();
    let session = chat_session(&emulator).await;
    webhook
        .wait_for("three messages", |events| {
            events.iter().filter(|e| matches!(e.event, ChatEvent::MessageReceivedInThread(_))).count() >= 3
        })
        .await;
    // The session's last change was made before the third message arrived; anything else would be here.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let events = webhook.events();
    assert!(
        events.iter().all(|e| e.event_type == "Microsoft.Communication.ChatMessageReceivedInThread"),
        "{events:#?}"
    );
    assert_eq!(events.len(), 3);
    assert!(events.iter().all(|e| e.event.thread_id() == Some(session.thread_id.as_str())));
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_wrong_key_is_refused_and_nothing_is_handled() {
    let webhook = TestWebhook::start(0).await;
    let wrong = webhook.url.replace("t0ps3cret", "guess");
    let response =
        reqwest::Client::new().post(&wrong).header("content-type", "application/json").body("[]").send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert!(webhook.seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn plain_http_to_another_host_is_refused() {
    let emulator = Emulator::start().await.unwrap();
    let error = emulator
        .subscribe_events(EventSubscription::new("http://example.com/events?key=s", EventSchema::EventGrid))
        .expect_err("plain http off loopback");
    let text = error.to_string();
    assert!(text.contains("https") && !text.contains("key=s"), "{text}");
    emulator.shutdown().await;
}

/// `data` of an event of `event_type`, read into the generated model of its type and written
/// back: what the spec knows of it.
fn through_model(event_type: &str, data: &serde_json::Value) -> Result<serde_json::Value, String> {
    use acs_eventgrid_models as eg;
    fn read<T: serde::de::DeserializeOwned + serde::Serialize>(
        data: &serde_json::Value,
    ) -> Result<serde_json::Value, String> {
        let model = serde_json::from_value::<T>(data.clone()).map_err(|e| e.to_string())?;
        serde_json::to_value(model).map_err(|e| e.to_string())
    }
    match event_type.trim_start_matches("Microsoft.Communication.") {
        "ChatMessageReceived" => read::<eg::AcsChatMessageReceivedEventData>(data),
        "ChatMessageReceivedInThread" => read::<eg::AcsChatMessageReceivedInThreadEventData>(data),
        "ChatMessageEdited" => read::<eg::AcsChatMessageEditedEventData>(data),
        "ChatMessageEditedInThread" => read::<eg::AcsChatMessageEditedInThreadEventData>(data),
        "ChatMessageDeleted" => read::<eg::AcsChatMessageDeletedEventData>(data),
        "ChatMessageDeletedInThread" => read::<eg::AcsChatMessageDeletedInThreadEventData>(data),
        "ChatThreadCreated" => read::<eg::AcsChatThreadCreatedEventData>(data),
        "ChatThreadCreatedWithUser" => read::<eg::AcsChatThreadCreatedWithUserEventData>(data),
        "ChatThreadDeleted" => read::<eg::AcsChatThreadDeletedEventData>(data),
        "ChatThreadWithUserDeleted" => read::<eg::AcsChatThreadWithUserDeletedEventData>(data),
        "ChatThreadPropertiesUpdated" => read::<eg::AcsChatThreadPropertiesUpdatedEventData>(data),
        "ChatThreadPropertiesUpdatedPerUser" => read::<eg::AcsChatThreadPropertiesUpdatedPerUserEventData>(data),
        "ChatThreadParticipantAdded" => read::<eg::AcsChatParticipantAddedToThreadEventData>(data),
        "ChatParticipantAddedToThreadWithUser" => read::<eg::AcsChatParticipantAddedToThreadWithUserEventData>(data),
        "ChatThreadParticipantRemoved" => read::<eg::AcsChatParticipantRemovedFromThreadEventData>(data),
        "ChatParticipantRemovedFromThreadWithUser" => {
            read::<eg::AcsChatParticipantRemovedFromThreadWithUserEventData>(data)
        }
        "ChatTypingIndicatorReceivedInThread" => read::<eg::AcsChatTypingIndicatorReceivedInThreadEventData>(data),
        other => Err(format!("no model for {other}")),
    }
}

/// The data fields that the spec's examples of `event_type` carry and its model declares (older
/// examples also carry fields the spec dropped), from the first example that fits the model.
fn example_fields(event_type: &str) -> Option<Vec<String>> {
    let files = ["event-grid-schema", "cloud-events-schema"].into_iter().flat_map(common::chat_examples);
    for file in files {
        let example: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        let events = match example {
            serde_json::Value::Array(items) => items,
            one => vec![one],
        };
        for event in events {
            let kind = event.get("eventType").or_else(|| event.get("type")).and_then(|t| t.as_str());
            if kind == Some(event_type) {
                if let Ok(known) = through_model(event_type, &event["data"]) {
                    return known.as_object().map(|data| data.keys().cloned().collect());
                }
            }
        }
    }
    None
}

#[tokio::test]
async fn emulator_events_fit_the_generated_models_and_the_spec_examples() {
    let webhook = TestWebhook::start(0).await;
    let emulator = Emulator::builder()
        .event_subscription(EventSubscription::new(&webhook.url, EventSchema::EventGrid))
        .start()
        .await
        .unwrap();
    let session = chat_session(&emulator).await;
    webhook.wait_for("the session's events", |events| thread_level(events, &session.thread_id).len() >= 9).await;
    let mut compared = 0;
    for envelope in webhook.events() {
        through_model(&envelope.event_type, &envelope.data)
            .unwrap_or_else(|e| panic!("{}: {e}\n{:#}", envelope.event_type, envelope.data));
        if let Some(fields) = example_fields(&envelope.event_type) {
            let missing: Vec<&String> = fields.iter().filter(|f| envelope.data.get(f.as_str()).is_none()).collect();
            assert!(
                missing.is_empty(),
                "{}: the spec's example has {missing:?}, the emulator's event not",
                envelope.event_type
            );
            compared += 1;
        }
    }
    assert!(compared >= 9, "only {compared} events compared with an example");
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_axum_route_refuses_a_body_over_the_bound() {
    let webhook = TestWebhook::start(0).await;
    let response = reqwest::Client::new()
        .post(&webhook.url)
        .header("content-type", "application/json")
        .body(vec![b' '; (1 << 20) + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert!(webhook.seen.lock().unwrap().is_empty());
}

/// Eight senders at once into one thread: the events arrive in the order the emulator applied the
/// messages (message ids grow with each message of a thread).
#[tokio::test]
async fn concurrent_changes_are_delivered_in_the_order_they_were_made() {
    let webhook = TestWebhook::start(0).await;
    let subscription = EventSubscription::new(&webhook.url, EventSchema::EventGrid)
        .with_event_types(["Microsoft.Communication.ChatMessageReceivedInThread"]);
    let emulator = Emulator::builder().event_subscription(subscription).start().await.unwrap();
    let identity = CommunicationIdentityClient::from_connection_string(emulator.connection_string(), None).unwrap();
    let user = identity.create_user_and_token([CommunicationTokenScope::Chat], None).await.unwrap();
    let chat =
        ChatClient::new(emulator.endpoint(), CommunicationTokenCredential::from_access_token(user.access_token), None)
            .unwrap();
    let participants = vec![ChatParticipant::new(user.user.clone())];
    let created = chat
        .create_chat_thread("Busy", Some(CreateChatThreadOptions { participants, ..Default::default() }))
        .await
        .unwrap();
    let thread = chat.chat_thread_client(&created.thread.id).unwrap();
    use futures::StreamExt;
    let sends = futures::stream::iter(0..200)
        .map(|i| {
            let thread = &thread;
            async move { thread.send_message(&format!("m{i}"), None).await.unwrap() }
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
    webhook.wait_for("200 messages", |events| events.len() >= 200).await;
    let ids: Vec<u64> = webhook
        .events()
        .iter()
        .map(|e| match &e.event {
            ChatEvent::MessageReceivedInThread(m) => m.message_id.parse().unwrap(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(ids.len(), sends.len());
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "out of order: {ids:?}");
    emulator.shutdown().await;
}
