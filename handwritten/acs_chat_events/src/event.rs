//! [`ChatEvent`]: every chat event type Azure Communication Services publishes, with identifiers
//! as [`CommunicationIdentifier`] and times as [`OffsetDateTime`].
//!
//! Event data is read leniently, as deliveries from the service are: a property the schema calls
//! required but a delivery lacks is `None` (older payloads omit some), and a version may come as a
//! number or a string. An event type this crate does not know is kept, with its data as JSON.

use std::collections::HashMap;

use acs_common::CommunicationIdentifier;
use serde_json::{Map, Value};
use time::OffsetDateTime;

/// A chat event. The `…InThread` and thread-level events go once per thread; the others
/// (`MessageReceived`, `ThreadCreatedWithUser`, …) once per participant, who is their
/// [`recipient`](ChatMessageEvent::recipient).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ChatEvent {
    /// `Microsoft.Communication.ChatMessageReceived`: a message, for one recipient.
    MessageReceived(ChatMessageEvent),
    /// `Microsoft.Communication.ChatMessageReceivedInThread`: a message, once per thread.
    MessageReceivedInThread(ChatMessageEvent),
    /// `Microsoft.Communication.ChatMessageEdited`: an edit, for one recipient.
    MessageEdited(ChatMessageEvent),
    /// `Microsoft.Communication.ChatMessageEditedInThread`: an edit, once per thread.
    MessageEditedInThread(ChatMessageEvent),
    /// `Microsoft.Communication.ChatMessageDeleted`: a deletion, for one recipient.
    MessageDeleted(ChatMessageEvent),
    /// `Microsoft.Communication.ChatMessageDeletedInThread`: a deletion, once per thread.
    MessageDeletedInThread(ChatMessageEvent),
    /// `Microsoft.Communication.ChatAzureBotCommand`: a command to an Azure bot.
    AzureBotCommand(ChatMessageEvent),
    /// `Microsoft.Communication.ChatAzureBotCommandReceivedInThread`: a bot command, once per thread.
    AzureBotCommandReceivedInThread(ChatMessageEvent),
    /// `Microsoft.Communication.ChatTypingIndicatorReceivedInThread`: someone is typing.
    TypingIndicatorReceivedInThread(ChatMessageEvent),
    /// `Microsoft.Communication.ChatThreadCreated`: a thread was created, once per thread.
    ThreadCreated(ChatThreadEvent),
    /// `Microsoft.Communication.ChatThreadCreatedWithUser`: a thread was created, for one participant.
    ThreadCreatedWithUser(ChatThreadEvent),
    /// `Microsoft.Communication.ChatThreadDeleted`: a thread was deleted, once per thread.
    ThreadDeleted(ChatThreadEvent),
    /// `Microsoft.Communication.ChatThreadWithUserDeleted`: a thread was deleted, for one participant.
    ThreadWithUserDeleted(ChatThreadEvent),
    /// `Microsoft.Communication.ChatThreadPropertiesUpdated`: topic, metadata or retention changed.
    ThreadPropertiesUpdated(ChatThreadEvent),
    /// `Microsoft.Communication.ChatThreadPropertiesUpdatedPerUser`: the same, for one participant.
    ThreadPropertiesUpdatedPerUser(ChatThreadEvent),
    /// `Microsoft.Communication.ChatThreadParticipantAdded`: a participant joined, once per thread.
    ParticipantAdded(ChatParticipantEvent),
    /// `Microsoft.Communication.ChatParticipantAddedToThreadWithUser`: the same, for one participant.
    ParticipantAddedToThreadWithUser(ChatParticipantEvent),
    /// `Microsoft.Communication.ChatThreadParticipantRemoved`: a participant left, once per thread.
    ParticipantRemoved(ChatParticipantEvent),
    /// `Microsoft.Communication.ChatParticipantRemovedFromThreadWithUser`: the same, for one participant.
    ParticipantRemovedFromThreadWithUser(ChatParticipantEvent),
    /// An event type this version of the crate does not know, kept as sent.
    UnknownKind {
        /// The event type, e.g. `Microsoft.Communication.ChatSomethingNew`.
        event_type: String,
        /// The event's data.
        data: Value,
    },
}

/// The event types of [`ChatEvent`], by wire name.
pub const CHAT_EVENT_TYPES: &[&str] = &[
    "Microsoft.Communication.ChatMessageReceived",
    "Microsoft.Communication.ChatMessageReceivedInThread",
    "Microsoft.Communication.ChatMessageEdited",
    "Microsoft.Communication.ChatMessageEditedInThread",
    "Microsoft.Communication.ChatMessageDeleted",
    "Microsoft.Communication.ChatMessageDeletedInThread",
    "Microsoft.Communication.ChatAzureBotCommand",
    "Microsoft.Communication.ChatAzureBotCommandReceivedInThread",
    "Microsoft.Communication.ChatTypingIndicatorReceivedInThread",
    "Microsoft.Communication.ChatThreadCreated",
    "Microsoft.Communication.ChatThreadCreatedWithUser",
    "Microsoft.Communication.ChatThreadDeleted",
    "Microsoft.Communication.ChatThreadWithUserDeleted",
    "Microsoft.Communication.ChatThreadPropertiesUpdated",
    "Microsoft.Communication.ChatThreadPropertiesUpdatedPerUser",
    "Microsoft.Communication.ChatThreadParticipantAdded",
    "Microsoft.Communication.ChatParticipantAddedToThreadWithUser",
    "Microsoft.Communication.ChatThreadParticipantRemoved",
    "Microsoft.Communication.ChatParticipantRemovedFromThreadWithUser",
];

/// A message event (received, edited, deleted, bot command, typing).
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ChatMessageEvent {
    /// The thread.
    pub thread_id: String,
    /// The message.
    pub message_id: String,
    /// Who sent the message.
    pub sender: Option<CommunicationIdentifier>,
    /// The sender's display name.
    pub sender_display_name: Option<String>,
    /// The participant this event is for (per-participant events only).
    pub recipient: Option<CommunicationIdentifier>,
    /// The message kind as sent (`Text`, `Html`, …).
    pub message_type: Option<String>,
    /// The message text (none for deletions).
    pub body: Option<String>,
    /// The message's metadata.
    pub metadata: HashMap<String, String>,
    /// When the message was sent.
    pub compose_time: Option<OffsetDateTime>,
    /// When it was edited (edits).
    pub edit_time: Option<OffsetDateTime>,
    /// When it was deleted (deletions).
    pub delete_time: Option<OffsetDateTime>,
    /// The message's version.
    pub version: Option<i64>,
    /// The service's transaction id.
    pub transaction_id: Option<String>,
}

/// A participant of a thread, as events describe one.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct EventParticipant {
    /// Who the participant is.
    pub identifier: CommunicationIdentifier,
    /// The display name.
    pub display_name: Option<String>,
    /// The participant's metadata.
    pub metadata: HashMap<String, String>,
}

/// A thread event (created, deleted, properties updated).
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ChatThreadEvent {
    /// The thread.
    pub thread_id: String,
    /// Who made the change (creator, deleter, editor).
    pub actor: Option<CommunicationIdentifier>,
    /// The participant this event is for (per-participant events only).
    pub recipient: Option<CommunicationIdentifier>,
    /// The thread's properties after the change (`topic`, …).
    pub properties: Map<String, Value>,
    /// The thread's metadata.
    pub metadata: HashMap<String, String>,
    /// The participants (creation).
    pub participants: Vec<EventParticipant>,
    /// When the thread was created.
    pub create_time: Option<OffsetDateTime>,
    /// When the properties changed.
    pub edit_time: Option<OffsetDateTime>,
    /// When the thread was deleted.
    pub delete_time: Option<OffsetDateTime>,
    /// The thread's version.
    pub version: Option<i64>,
    /// The service's transaction id.
    pub transaction_id: Option<String>,
}

impl ChatThreadEvent {
    /// The thread's topic, when the event carries its properties.
    pub fn topic(&self) -> Option<&str> {
        self.properties.get("topic").and_then(Value::as_str)
    }
}

/// A participant event (added, removed).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ChatParticipantEvent {
    /// The thread.
    pub thread_id: String,
    /// The participant added or removed.
    pub participant: Option<EventParticipant>,
    /// Who added or removed them.
    pub actor: Option<CommunicationIdentifier>,
    /// The participant this event is for (per-participant events only).
    pub recipient: Option<CommunicationIdentifier>,
    /// When it happened.
    pub time: Option<OffsetDateTime>,
    /// The thread's version.
    pub version: Option<i64>,
    /// The service's transaction id.
    pub transaction_id: Option<String>,
}

impl ChatEvent {
    /// The event's type on the wire.
    pub fn event_type(&self) -> &str {
        use ChatEvent::*;
        let index = match self {
            MessageReceived(_) => 0,
            MessageReceivedInThread(_) => 1,
            MessageEdited(_) => 2,
            MessageEditedInThread(_) => 3,
            MessageDeleted(_) => 4,
            MessageDeletedInThread(_) => 5,
            AzureBotCommand(_) => 6,
            AzureBotCommandReceivedInThread(_) => 7,
            TypingIndicatorReceivedInThread(_) => 8,
            ThreadCreated(_) => 9,
            ThreadCreatedWithUser(_) => 10,
            ThreadDeleted(_) => 11,
            ThreadWithUserDeleted(_) => 12,
            ThreadPropertiesUpdated(_) => 13,
            ThreadPropertiesUpdatedPerUser(_) => 14,
            ParticipantAdded(_) => 15,
            ParticipantAddedToThreadWithUser(_) => 16,
            ParticipantRemoved(_) => 17,
            ParticipantRemovedFromThreadWithUser(_) => 18,
            UnknownKind { event_type, .. } => return event_type,
        };
        CHAT_EVENT_TYPES[index]
    }

    /// The thread the event is about.
    pub fn thread_id(&self) -> Option<&str> {
        use ChatEvent::*;
        match self {
            MessageReceived(e)
            | MessageReceivedInThread(e)
            | MessageEdited(e)
            | MessageEditedInThread(e)
            | MessageDeleted(e)
            | MessageDeletedInThread(e)
            | AzureBotCommand(e)
            | AzureBotCommandReceivedInThread(e)
            | TypingIndicatorReceivedInThread(e) => Some(&e.thread_id),
            ThreadCreated(e)
            | ThreadCreatedWithUser(e)
            | ThreadDeleted(e)
            | ThreadWithUserDeleted(e)
            | ThreadPropertiesUpdated(e)
            | ThreadPropertiesUpdatedPerUser(e) => Some(&e.thread_id),
            ParticipantAdded(e)
            | ParticipantAddedToThreadWithUser(e)
            | ParticipantRemoved(e)
            | ParticipantRemovedFromThreadWithUser(e) => Some(&e.thread_id),
            UnknownKind { data, .. } => data.get("threadId").and_then(Value::as_str),
        }
    }

    /// The event of type `event_type` with `data`, read leniently (see the module docs).
    pub fn from_data(event_type: &str, data: &Value) -> Self {
        let Some(short) = event_type.strip_prefix(PREFIX) else {
            return Self::UnknownKind { event_type: event_type.to_owned(), data: data.clone() };
        };
        let d = Data(data);
        use ChatEvent::*;
        match short {
            "ChatMessageReceived" => MessageReceived(d.message()),
            "ChatMessageReceivedInThread" => MessageReceivedInThread(d.message()),
            "ChatMessageEdited" => MessageEdited(d.message()),
            "ChatMessageEditedInThread" => MessageEditedInThread(d.message()),
            "ChatMessageDeleted" => MessageDeleted(d.message()),
            "ChatMessageDeletedInThread" => MessageDeletedInThread(d.message()),
            "ChatAzureBotCommand" => AzureBotCommand(d.message()),
            "ChatAzureBotCommandReceivedInThread" => AzureBotCommandReceivedInThread(d.message()),
            "ChatTypingIndicatorReceivedInThread" => TypingIndicatorReceivedInThread(d.message()),
            "ChatThreadCreated" => ThreadCreated(d.thread()),
            "ChatThreadCreatedWithUser" => ThreadCreatedWithUser(d.thread()),
            "ChatThreadDeleted" => ThreadDeleted(d.thread()),
            "ChatThreadWithUserDeleted" => ThreadWithUserDeleted(d.thread()),
            "ChatThreadPropertiesUpdated" => ThreadPropertiesUpdated(d.thread()),
            "ChatThreadPropertiesUpdatedPerUser" => ThreadPropertiesUpdatedPerUser(d.thread()),
            "ChatThreadParticipantAdded" => ParticipantAdded(d.participant_change("participantAdded", "addedBy")),
            "ChatParticipantAddedToThreadWithUser" => {
                ParticipantAddedToThreadWithUser(d.participant_change("participantAdded", "addedBy"))
            }
            "ChatThreadParticipantRemoved" => {
                ParticipantRemoved(d.participant_change("participantRemoved", "removedBy"))
            }
            "ChatParticipantRemovedFromThreadWithUser" => {
                ParticipantRemovedFromThreadWithUser(d.participant_change("participantRemoved", "removedBy"))
            }
            _ => UnknownKind { event_type: event_type.to_owned(), data: data.clone() },
        }
    }
}

const PREFIX: &str = "Microsoft.Communication.";

/// Lenient reads of an event's data.
struct Data<'a>(&'a Value);

impl Data<'_> {
    fn text(&self, name: &str) -> Option<String> {
        self.0.get(name).and_then(Value::as_str).map(str::to_owned)
    }

    fn time(&self, name: &str) -> Option<OffsetDateTime> {
        let text = self.0.get(name)?.as_str()?;
        OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
    }

    /// A number, or a string holding one (older payloads send versions as strings).
    fn integer(&self, name: &str) -> Option<i64> {
        match self.0.get(name)? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// An identifier model (`…CommunicationIdentifier`), else a bare raw id (`…Id`, older payloads).
    fn identifier(&self, stem: &str) -> Option<CommunicationIdentifier> {
        identifier(self.0.get(format!("{stem}CommunicationIdentifier")))
            .or_else(|| self.text(&format!("{stem}Id")).map(|raw| CommunicationIdentifier::from_raw_id(&raw)))
    }

    fn metadata(&self, name: &str) -> HashMap<String, String> {
        metadata(self.0.get(name))
    }

    fn message(&self) -> ChatMessageEvent {
        ChatMessageEvent {
            thread_id: self.text("threadId").unwrap_or_default(),
            message_id: self.text("messageId").unwrap_or_default(),
            sender: self.identifier("sender"),
            sender_display_name: self.text("senderDisplayName"),
            recipient: self.identifier("recipient"),
            message_type: self.text("type"),
            body: self.text("messageBody"),
            metadata: self.metadata("metadata"),
            compose_time: self.time("composeTime"),
            edit_time: self.time("editTime"),
            delete_time: self.time("deleteTime"),
            version: self.integer("version"),
            transaction_id: self.text("transactionId"),
        }
    }

    fn thread(&self) -> ChatThreadEvent {
        let actor = self
            .identifier("createdBy")
            .or_else(|| self.identifier("deletedBy"))
            .or_else(|| self.identifier("editedBy"));
        let participants = self
            .0
            .get("participants")
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(participant).collect())
            .unwrap_or_default();
        ChatThreadEvent {
            thread_id: self.text("threadId").unwrap_or_default(),
            actor,
            recipient: self.identifier("recipient"),
            properties: self.0.get("properties").and_then(Value::as_object).cloned().unwrap_or_default(),
            metadata: self.metadata("metadata"),
            participants,
            create_time: self.time("createTime"),
            edit_time: self.time("editTime"),
            delete_time: self.time("deleteTime"),
            version: self.integer("version"),
            transaction_id: self.text("transactionId"),
        }
    }

    fn participant_change(&self, participant: &str, actor: &str) -> ChatParticipantEvent {
        ChatParticipantEvent {
            thread_id: self.text("threadId").unwrap_or_default(),
            participant: self.0.get(participant).and_then(self::participant),
            actor: self.identifier(actor),
            recipient: self.identifier("recipient"),
            time: self.time("time"),
            version: self.integer("version"),
            transaction_id: self.text("transactionId"),
        }
    }
}

/// A participant: its identifier model, display name and metadata (older payloads put the
/// metadata inside the identifier model).
fn participant(value: &Value) -> Option<EventParticipant> {
    let model = value.get("participantCommunicationIdentifier");
    let identifier = identifier(model)?;
    let mut metadata = metadata(value.get("metadata"));
    if metadata.is_empty() {
        metadata = self::metadata(model.and_then(|m| m.get("metadata")));
    }
    Some(EventParticipant {
        identifier,
        display_name: value.get("displayName").and_then(Value::as_str).map(str::to_owned),
        metadata,
    })
}

fn identifier(model: Option<&Value>) -> Option<CommunicationIdentifier> {
    let model = model?;
    let parsed: acs_common_models::CommunicationIdentifierModel = serde_json::from_value(model.clone()).ok()?;
    CommunicationIdentifier::try_from(parsed).ok()
}

fn metadata(value: Option<&Value>) -> HashMap<String, String> {
    value
        .and_then(Value::as_object)
        .map(|map| map.iter().filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned()))).collect())
        .unwrap_or_default()
}
