//! Every chat event example of the Event Grid ACS spec, in both schemas, parses into the variant
//! of its event type, with the fields that identify it.

mod common;

use acs_chat_events::{parse_delivery, ChatEvent, Delivery, EventSchema, CHAT_EVENT_TYPES};
use common::chat_examples;

/// The variant's own fields are there: who and what the event is about.
fn assert_identifies(event: &ChatEvent, file: &str) {
    match event {
        ChatEvent::TypingIndicatorReceivedInThread(typing) => {
            assert!(typing.sender.is_some(), "{file}: no sender");
        }
        ChatEvent::MessageReceived(message)
        | ChatEvent::MessageReceivedInThread(message)
        | ChatEvent::MessageEdited(message)
        | ChatEvent::MessageEditedInThread(message)
        | ChatEvent::MessageDeleted(message)
        | ChatEvent::MessageDeletedInThread(message)
        | ChatEvent::AzureBotCommand(message)
        | ChatEvent::AzureBotCommandReceivedInThread(message) => {
            assert!(!message.message_id.is_empty(), "{file}: no message id");
            assert!(message.sender.is_some(), "{file}: no sender");
            assert!(message.compose_time.is_some(), "{file}: no compose time");
            if matches!(event, ChatEvent::MessageDeleted(_) | ChatEvent::MessageDeletedInThread(_)) {
                assert!(message.delete_time.is_some(), "{file}: no delete time");
            } else {
                assert!(message.body.is_some(), "{file}: no body");
            }
            if matches!(event, ChatEvent::MessageEdited(_) | ChatEvent::MessageEditedInThread(_)) {
                assert!(message.edit_time.is_some(), "{file}: no edit time");
            }
        }
        ChatEvent::ThreadCreated(thread) | ChatEvent::ThreadCreatedWithUser(thread) => {
            assert!(thread.actor.is_some(), "{file}: no creator");
            assert!(!thread.participants.is_empty(), "{file}: no participants");
            assert!(thread.create_time.is_some(), "{file}: no create time");
        }
        ChatEvent::ThreadDeleted(thread) | ChatEvent::ThreadWithUserDeleted(thread) => {
            assert!(thread.actor.is_some(), "{file}: no deleter");
            assert!(thread.delete_time.is_some(), "{file}: no delete time");
        }
        ChatEvent::ThreadPropertiesUpdated(thread) | ChatEvent::ThreadPropertiesUpdatedPerUser(thread) => {
            assert!(thread.actor.is_some(), "{file}: no editor");
            assert!(thread.topic().is_some(), "{file}: no topic in the properties");
        }
        ChatEvent::ParticipantAdded(change)
        | ChatEvent::ParticipantAddedToThreadWithUser(change)
        | ChatEvent::ParticipantRemoved(change)
        | ChatEvent::ParticipantRemovedFromThreadWithUser(change) => {
            assert!(change.participant.is_some(), "{file}: no participant");
            assert!(change.actor.is_some(), "{file}: no actor");
        }
        other => panic!("{file}: not a chat event: {other:?}"),
    }
    let per_user = matches!(
        event,
        ChatEvent::MessageReceived(_)
            | ChatEvent::MessageEdited(_)
            | ChatEvent::MessageDeleted(_)
            | ChatEvent::ThreadCreatedWithUser(_)
            | ChatEvent::ThreadWithUserDeleted(_)
            | ChatEvent::ThreadPropertiesUpdatedPerUser(_)
            | ChatEvent::ParticipantAddedToThreadWithUser(_)
            | ChatEvent::ParticipantRemovedFromThreadWithUser(_)
    );
    if per_user {
        let recipient = match event {
            ChatEvent::MessageReceived(m) | ChatEvent::MessageEdited(m) | ChatEvent::MessageDeleted(m) => &m.recipient,
            ChatEvent::ThreadCreatedWithUser(t)
            | ChatEvent::ThreadWithUserDeleted(t)
            | ChatEvent::ThreadPropertiesUpdatedPerUser(t) => &t.recipient,
            ChatEvent::ParticipantAddedToThreadWithUser(p) | ChatEvent::ParticipantRemovedFromThreadWithUser(p) => {
                &p.recipient
            }
            _ => unreachable!(),
        };
        assert!(recipient.is_some(), "{file}: a per-user event without its recipient");
    }
}

/// Reads the chat examples of `schema_folder`. Upstream filed a few CloudEvents examples in the
/// Event Grid schema's folder, so each event's schema is told from its own fields.
fn check_folder(schema_folder: &str, content_type: &str) -> Vec<String> {
    let files = chat_examples(schema_folder);
    assert!(files.len() >= 13, "{schema_folder}: only {} chat examples found", files.len());
    let mut types = Vec::new();
    for path in files {
        let file = path.display().to_string();
        let body = std::fs::read(&path).expect("readable");
        let declared: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        let Delivery::Events(events) =
            parse_delivery(Some(content_type), &body).unwrap_or_else(|e| panic!("{file}: {e}"))
        else {
            panic!("{file}: read as a subscription validation")
        };
        let declared: Vec<serde_json::Value> = match declared {
            serde_json::Value::Array(items) => items,
            one => vec![one],
        };
        assert_eq!(events.len(), declared.len(), "{file}: events lost");
        for (envelope, declared) in events.iter().zip(&declared) {
            let wire_type = declared.get("eventType").or_else(|| declared.get("type")).and_then(|t| t.as_str());
            assert_eq!(Some(envelope.event_type.as_str()), wire_type, "{file}");
            assert_eq!(envelope.event.event_type(), envelope.event_type, "{file}: the wrong variant");
            assert!(CHAT_EVENT_TYPES.contains(&envelope.event_type.as_str()), "{file}: not a chat event type");
            let schema =
                if declared.get("eventType").is_some() { EventSchema::EventGrid } else { EventSchema::CloudEvents };
            assert_eq!(envelope.schema, schema, "{file}");
            assert!(envelope.time.is_some(), "{file}: no event time");
            assert!(envelope.event.thread_id().is_some_and(|t| t.starts_with("19:")), "{file}: no thread id");
            assert_identifies(&envelope.event, &file);
            types.push(envelope.event_type.clone());
        }
    }
    types.sort();
    types.dedup();
    types
}

#[test]
fn every_event_grid_schema_example_is_its_typed_event() {
    let types = check_folder("event-grid-schema", "application/json");
    assert!(types.len() >= 13, "{types:?}");
}

#[test]
fn every_cloud_events_schema_example_is_its_typed_event() {
    let types = check_folder("cloud-events-schema", "application/cloudevents+json; charset=utf-8");
    assert!(types.len() >= 13, "{types:?}");
}

/// Together the two folders show every event type the crate knows.
#[test]
fn the_examples_cover_every_chat_event_type() {
    let mut seen = check_folder("event-grid-schema", "application/json");
    seen.extend(check_folder("cloud-events-schema", "application/cloudevents+json"));
    let missing: Vec<&&str> = CHAT_EVENT_TYPES.iter().filter(|t| !seen.iter().any(|s| s == *t)).collect();
    assert!(missing.is_empty(), "no example of {missing:?}");
}
