//! The events of each chat change, as ACS publishes them: a thread-level event (`…InThread`,
//! `ChatThread…`) and one per participant it concerns (`ChatMessageReceived`, `…WithUser`, …).
//! Every event's data is read into its generated model of the Event Grid spec
//! (`acs_eventgrid_models`) before it is sent, so the emulator never sends what the spec does not
//! describe.

use acs_chat_models as chat;
use acs_eventgrid_models as eg;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use super::Outgoing;
use crate::state::identifier_model;

/// What happened to a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MessageChange {
    Received,
    Edited,
    Deleted,
}

fn text_time(time: OffsetDateTime) -> String {
    time.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

fn identifier(raw_id: &str) -> Value {
    serde_json::to_value(identifier_model(raw_id)).unwrap_or(Value::Null)
}

fn version_now() -> i64 {
    i64::try_from(OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000).unwrap_or_default()
}

/// `data` as the generated model `T` reads and writes it; `None` (and an error in the log) when
/// the spec does not describe it.
fn checked<T: DeserializeOwned + Serialize>(event_type: &str, data: Value) -> Option<Value> {
    match serde_json::from_value::<T>(data) {
        Ok(model) => serde_json::to_value(model).ok(),
        Err(error) => {
            tracing::error!(event_type, %error, "an emulator event does not match the spec; not sent");
            None
        }
    }
}

fn event(event_type: &'static str, subject: String, data: Option<Value>) -> Option<Outgoing> {
    Some(Outgoing {
        id: uuid::Uuid::new_v4().to_string(),
        event_type,
        subject,
        time: OffsetDateTime::now_utc(),
        data: data?,
    })
}

/// The data with `recipientCommunicationIdentifier` set to `recipient`.
fn for_recipient(data: &Value, recipient: &str) -> Value {
    let mut data = data.clone();
    if let Value::Object(map) = &mut data {
        map.insert("recipientCommunicationIdentifier".into(), identifier(recipient));
    }
    data
}

/// A change's thread-level event (`kinds[0]`, `subject`) and one event per recipient (`kinds[1]`,
/// `{subject}/recipient/{raw id}`, the data naming the recipient), each checked against its
/// generated model (`InThread`, `PerUser`).
fn fan_out<InThread, PerUser>(
    kinds: [&'static str; 2],
    subject: &str,
    data: &Value,
    recipients: &[String],
) -> Vec<Outgoing>
where
    InThread: DeserializeOwned + Serialize,
    PerUser: DeserializeOwned + Serialize,
{
    let [in_thread, per_user] = kinds;
    let mut events: Vec<Outgoing> =
        event(in_thread, subject.to_owned(), checked::<InThread>(in_thread, data.clone())).into_iter().collect();
    for recipient in recipients {
        events.extend(event(
            per_user,
            format!("{subject}/recipient/{recipient}"),
            checked::<PerUser>(per_user, for_recipient(data, recipient)),
        ));
    }
    events
}

fn metadata(map: &Option<std::collections::HashMap<String, String>>) -> Value {
    serde_json::to_value(map.clone().unwrap_or_default()).unwrap_or_else(|_| json!({}))
}

/// The events of a message sent, edited or deleted, for the thread and for each `recipient`.
pub(crate) fn message_events(
    change: MessageChange,
    thread_id: &str,
    message: &chat::ChatMessage,
    recipients: &[String],
) -> Vec<Outgoing> {
    let sender = message.sender_communication_identifier.as_ref().and_then(|s| s.raw_id.clone()).unwrap_or_default();
    let kind = message.r#type.as_str();
    let mut kind_title = kind.to_owned();
    if let Some(first) = kind_title.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    let mut data = Map::new();
    data.insert("transactionId".into(), json!(uuid::Uuid::new_v4().to_string()));
    data.insert("threadId".into(), json!(thread_id));
    data.insert("messageId".into(), json!(message.id));
    data.insert("senderCommunicationIdentifier".into(), identifier(&sender));
    if let Some(name) = &message.sender_display_name {
        data.insert("senderDisplayName".into(), json!(name));
    }
    data.insert("composeTime".into(), json!(text_time(message.created_on)));
    data.insert("type".into(), json!(kind_title));
    data.insert("version".into(), json!(message.version.parse::<i64>().unwrap_or_else(|_| version_now())));
    let body = message.content.as_ref().and_then(|c| c.message.clone()).unwrap_or_default();
    match change {
        MessageChange::Received | MessageChange::Edited => {
            data.insert("messageBody".into(), json!(body));
            data.insert("metadata".into(), metadata(&message.metadata));
        }
        MessageChange::Deleted => {}
    }
    if change == MessageChange::Edited {
        data.insert("editTime".into(), json!(text_time(message.edited_on.unwrap_or_else(OffsetDateTime::now_utc))));
    }
    if change == MessageChange::Deleted {
        data.insert("deleteTime".into(), json!(text_time(message.deleted_on.unwrap_or_else(OffsetDateTime::now_utc))));
    }
    let data = Value::Object(data);
    let subject = format!("thread/{thread_id}/sender/{sender}");
    let others: Vec<String> = recipients.iter().filter(|r| **r != sender).cloned().collect();
    match change {
        MessageChange::Received => {
            fan_out::<eg::AcsChatMessageReceivedInThreadEventData, eg::AcsChatMessageReceivedEventData>(
                ["Microsoft.Communication.ChatMessageReceivedInThread", "Microsoft.Communication.ChatMessageReceived"],
                &subject,
                &data,
                &others,
            )
        }
        MessageChange::Edited => {
            fan_out::<eg::AcsChatMessageEditedInThreadEventData, eg::AcsChatMessageEditedEventData>(
                ["Microsoft.Communication.ChatMessageEditedInThread", "Microsoft.Communication.ChatMessageEdited"],
                &subject,
                &data,
                &others,
            )
        }
        MessageChange::Deleted => {
            fan_out::<eg::AcsChatMessageDeletedInThreadEventData, eg::AcsChatMessageDeletedEventData>(
                ["Microsoft.Communication.ChatMessageDeletedInThread", "Microsoft.Communication.ChatMessageDeleted"],
                &subject,
                &data,
                &others,
            )
        }
    }
}

/// A participant as thread events describe one.
fn participant(participant: &chat::ChatParticipant) -> Value {
    let mut value = json!({ "participantCommunicationIdentifier": participant.communication_identifier });
    if let Some(name) = &participant.display_name {
        value["displayName"] = json!(name);
    }
    if let Some(metadata) = &participant.metadata {
        value["metadata"] = json!(metadata);
    }
    value
}

/// The events of a thread created by `creator` with `participants`.
pub(crate) fn thread_created(
    thread: &chat::ChatThreadProperties,
    creator: &str,
    participants: &[chat::ChatParticipant],
) -> Vec<Outgoing> {
    let mut data = json!({
        "transactionId": uuid::Uuid::new_v4().to_string(),
        "threadId": thread.id,
        "createTime": text_time(thread.created_on),
        "version": version_now(),
        "createdByCommunicationIdentifier": identifier(creator),
        "properties": { "topic": thread.topic },
        "metadata": metadata(&thread.metadata),
        "participants": participants.iter().map(participant).collect::<Vec<_>>(),
    });
    if let Some(policy) = &thread.retention_policy {
        data["retentionPolicy"] = serde_json::to_value(policy).unwrap_or(Value::Null);
    }
    let recipients: Vec<String> =
        participants.iter().filter_map(|p| p.communication_identifier.raw_id.clone()).collect();
    fan_out::<eg::AcsChatThreadCreatedEventData, eg::AcsChatThreadCreatedWithUserEventData>(
        ["Microsoft.Communication.ChatThreadCreated", "Microsoft.Communication.ChatThreadCreatedWithUser"],
        &format!("thread/{}/createdBy/{creator}", thread.id),
        &data,
        &recipients,
    )
}

/// The events of a thread's properties changed by `editor`.
pub(crate) fn thread_updated(
    thread: &chat::ChatThreadProperties,
    editor: &str,
    recipients: &[String],
) -> Vec<Outgoing> {
    let mut data = json!({
        "transactionId": uuid::Uuid::new_v4().to_string(),
        "threadId": thread.id,
        "createTime": text_time(thread.created_on),
        "version": version_now(),
        "editedByCommunicationIdentifier": identifier(editor),
        "editTime": text_time(OffsetDateTime::now_utc()),
        "properties": { "topic": thread.topic },
        "metadata": metadata(&thread.metadata),
    });
    if let Some(policy) = &thread.retention_policy {
        data["retentionPolicy"] = serde_json::to_value(policy).unwrap_or(Value::Null);
    }
    fan_out::<eg::AcsChatThreadPropertiesUpdatedEventData, eg::AcsChatThreadPropertiesUpdatedPerUserEventData>(
        [
            "Microsoft.Communication.ChatThreadPropertiesUpdated",
            "Microsoft.Communication.ChatThreadPropertiesUpdatedPerUser",
        ],
        &format!("thread/{}/editedBy/{editor}", thread.id),
        &data,
        recipients,
    )
}

/// The events of a thread deleted by `deleter`.
pub(crate) fn thread_deleted(
    thread: &chat::ChatThreadProperties,
    deleter: &str,
    recipients: &[String],
) -> Vec<Outgoing> {
    let data = json!({
        "transactionId": uuid::Uuid::new_v4().to_string(),
        "threadId": thread.id,
        "createTime": text_time(thread.created_on),
        "version": version_now(),
        "deletedByCommunicationIdentifier": identifier(deleter),
        "deleteTime": text_time(OffsetDateTime::now_utc()),
    });
    fan_out::<eg::AcsChatThreadDeletedEventData, eg::AcsChatThreadWithUserDeletedEventData>(
        ["Microsoft.Communication.ChatThreadDeleted", "Microsoft.Communication.ChatThreadWithUserDeleted"],
        &format!("thread/{}/deletedBy/{deleter}", thread.id),
        &data,
        recipients,
    )
}

/// The events of a participant added (`added`) or removed by `actor`.
pub(crate) fn participant_changed(
    thread: &chat::ChatThreadProperties,
    who: &chat::ChatParticipant,
    actor: &str,
    added: bool,
    recipients: &[String],
) -> Vec<Outgoing> {
    let raw = who.communication_identifier.raw_id.clone().unwrap_or_default();
    let (field, by, word) = if added {
        ("participantAdded", "addedByCommunicationIdentifier", "participantadded")
    } else {
        ("participantRemoved", "removedByCommunicationIdentifier", "participantremoved")
    };
    // `createTime` is read by the per-user models only (the thread-level ones drop it).
    let data = json!({
        "transactionId": uuid::Uuid::new_v4().to_string(),
        "threadId": thread.id,
        "time": text_time(OffsetDateTime::now_utc()),
        "createTime": text_time(thread.created_on),
        by: identifier(actor),
        field: participant(who),
        "version": version_now(),
    });
    let subject = format!("thread/{}/{word}/{raw}", thread.id);
    if added {
        fan_out::<eg::AcsChatParticipantAddedToThreadEventData, eg::AcsChatParticipantAddedToThreadWithUserEventData>(
            [
                "Microsoft.Communication.ChatThreadParticipantAdded",
                "Microsoft.Communication.ChatParticipantAddedToThreadWithUser",
            ],
            &subject,
            &data,
            recipients,
        )
    } else {
        fan_out::<
            eg::AcsChatParticipantRemovedFromThreadEventData,
            eg::AcsChatParticipantRemovedFromThreadWithUserEventData,
        >(
            [
                "Microsoft.Communication.ChatThreadParticipantRemoved",
                "Microsoft.Communication.ChatParticipantRemovedFromThreadWithUser",
            ],
            &subject,
            &data,
            recipients,
        )
    }
}

/// The event of a typing notification.
pub(crate) fn typing(thread_id: &str, sender: &str, display_name: Option<&str>) -> Vec<Outgoing> {
    let mut data = json!({
        "transactionId": uuid::Uuid::new_v4().to_string(),
        "threadId": thread_id,
        "messageId": version_now().to_string(),
        "senderCommunicationIdentifier": identifier(sender),
        "composeTime": text_time(OffsetDateTime::now_utc()),
        "type": "TypingIndicator",
        "messageBody": "",
        "version": version_now(),
    });
    if let Some(name) = display_name {
        data["senderDisplayName"] = json!(name);
    }
    event(
        "Microsoft.Communication.ChatTypingIndicatorReceivedInThread",
        format!("thread/{thread_id}/sender/{sender}"),
        checked::<eg::AcsChatTypingIndicatorReceivedInThreadEventData>(
            "Microsoft.Communication.ChatTypingIndicatorReceivedInThread",
            data,
        ),
    )
    .into_iter()
    .collect()
}
