//! The models callers see: identifiers as [`CommunicationIdentifier`], times as
//! [`OffsetDateTime`], and plain maps for metadata. Kinds and attachments are the generated
//! types of `acs_chat_models`, re-exported (one spelling of the unknown case everywhere:
//! `UnknownValue` for values, `UnknownKind` for kinds of a union). Types only received from the
//! service are `#[non_exhaustive]`, so the next api-version's new fields are a minor release;
//! every model serializes with serde (identifiers as their raw id, times in RFC 3339), so it can be
//! cached or forwarded.

use acs_common::{CommunicationError, CommunicationIdentifier};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use time::OffsetDateTime;

pub use acs_chat_models::{
    ChatAttachment, ChatAttachmentType, ChatMessageType, ChatRetentionPolicy, ChatThreadItem, NoneRetentionPolicy,
    ThreadCreationDateRetentionPolicy,
};

/// Name/value pairs attached to a thread, a message or a participant (up to 1 KB in total on
/// the service).
pub type Metadata = HashMap<String, String>;

/// The content of a message: text for user messages, the topic or participants for system
/// messages.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChatMessageContent {
    /// The text (or HTML) of a `text` or `html` message.
    pub message: Option<String>,
    /// The new topic of a `topicUpdated` message.
    pub topic: Option<String>,
    /// The participants of a `participantAdded` or `participantRemoved` message.
    pub participants: Vec<ChatParticipant>,
    /// Attachments of the message.
    pub attachments: Vec<ChatAttachment>,
    /// Who made the change of a system message.
    pub initiator: Option<CommunicationIdentifier>,
}

/// A message of a chat thread.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChatMessage {
    /// The message id (assigned by the service).
    pub id: String,
    /// The kind of message.
    pub kind: ChatMessageType,
    /// The message's position in the thread.
    pub sequence_id: String,
    /// Changes whenever the message is edited or deleted.
    pub version: String,
    /// The content; `None` once the message is deleted.
    pub content: Option<ChatMessageContent>,
    /// The display name the sender sent with the message.
    pub sender_display_name: Option<String>,
    /// When the message arrived at the service.
    #[serde(with = "time::serde::rfc3339")]
    pub created_on: OffsetDateTime,
    /// Who sent the message (`None` for system messages).
    pub sender: Option<CommunicationIdentifier>,
    /// When the message was deleted.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub deleted_on: Option<OffsetDateTime>,
    /// When the message was last edited.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub edited_on: Option<OffsetDateTime>,
    /// The message's metadata (empty when it has none).
    pub metadata: Metadata,
}

impl ChatMessage {
    /// The text of a `text` or `html` message (`None` for system and deleted messages).
    pub fn text(&self) -> Option<&str> {
        self.content.as_ref().and_then(|c| c.message.as_deref())
    }

    /// The client message id the message was sent with
    /// ([`SendMessageOptions::client_message_id`](crate::SendMessageOptions::client_message_id)).
    pub fn client_message_id(&self) -> Option<&str> {
        self.metadata.get(crate::CLIENT_MESSAGE_ID_KEY).map(String::as_str)
    }
}

/// A participant of a chat thread.
///
/// ```
/// use acs_chat::ChatParticipant;
/// use acs_common::CommunicationIdentifier;
///
/// let jack = ChatParticipant::new(CommunicationIdentifier::from_raw_id("8:acs:resource_jack"))
///     .with_display_name("Jack");
/// assert_eq!(jack.display_name.as_deref(), Some("Jack"));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChatParticipant {
    /// Who the participant is.
    pub identifier: CommunicationIdentifier,
    /// The participant's display name.
    pub display_name: Option<String>,
    /// From when on the participant sees the thread's history (all of it when `None`).
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub share_history_time: Option<OffsetDateTime>,
    /// The participant's metadata (empty when it has none).
    pub metadata: Metadata,
}

impl ChatParticipant {
    /// A participant with no display name, the whole history shared, and no metadata.
    pub fn new(identifier: impl Into<CommunicationIdentifier>) -> Self {
        Self { identifier: identifier.into(), display_name: None, share_history_time: None, metadata: Metadata::new() }
    }

    /// Sets the display name.
    #[must_use]
    pub fn with_display_name(mut self, display_name: impl Into<String>) -> Self {
        self.display_name = Some(display_name.into());
        self
    }

    /// Shares the thread's history from `time` on.
    #[must_use]
    pub fn with_share_history_time(mut self, time: OffsetDateTime) -> Self {
        self.share_history_time = Some(time);
        self
    }

    /// Sets the metadata.
    #[must_use]
    pub fn with_metadata(mut self, metadata: Metadata) -> Self {
        self.metadata = metadata;
        self
    }
}

/// A chat thread's properties.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChatThreadProperties {
    /// The thread id (`19:…@thread.v2`).
    pub id: String,
    /// The topic.
    pub topic: String,
    /// When the thread was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_on: OffsetDateTime,
    /// Who created the thread.
    pub created_by: CommunicationIdentifier,
    /// When the thread was deleted.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub deleted_on: Option<OffsetDateTime>,
    /// The thread's metadata (empty when it has none).
    pub metadata: Metadata,
    /// When the service deletes the thread by itself (`None` when it did not say).
    pub retention_policy: Option<ChatRetentionPolicy>,
}

/// Who read which message when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChatMessageReadReceipt {
    /// The reader.
    pub sender: CommunicationIdentifier,
    /// The id of the last message the reader has read.
    pub chat_message_id: String,
    /// When the message was read.
    #[serde(with = "time::serde::rfc3339")]
    pub read_on: OffsetDateTime,
}

/// A participant the service refused, matched with the participant of the request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ParticipantFailure {
    /// The participant of the request whose raw id is the error's `target`; `None` when no
    /// participant of the request has that raw id.
    pub participant: Option<ChatParticipant>,
    /// Why the participant was refused.
    pub error: CommunicationError,
}

/// What [`ChatClient::create_chat_thread`](crate::ChatClient::create_chat_thread) returns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateChatThreadResult {
    /// The new thread (or, for a repeated idempotency token, the thread made the first time).
    pub thread: ChatThreadProperties,
    /// The participants that could not be added (the thread exists without them).
    pub failed_participants: Vec<ParticipantFailure>,
}

/// What [`ChatThreadClient::send_message`](crate::ChatThreadClient::send_message) returns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SendMessageResult {
    /// The id of the new message.
    pub id: String,
}
