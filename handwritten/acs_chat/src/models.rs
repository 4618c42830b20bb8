//! The models callers see: identifiers as [`CommunicationIdentifier`], times as
//! [`OffsetDateTime`], extensible enums for the kinds the service may extend, and plain maps for
//! metadata. They are converted from and to the generated wire models of `acs_chat_models`
//! inside this crate; no wire model appears in the public API.

use acs_chat_models as wire;
use acs_common::{CommunicationError, CommunicationIdentifier};
use std::collections::HashMap;
use std::fmt;
use time::OffsetDateTime;

/// Name/value pairs attached to a thread, a message or a participant (up to 1 KB in total on
/// the service).
pub type Metadata = HashMap<String, String>;

/// The kind of a chat message.
///
/// Messages users send are [`Text`](Self::Text) or [`Html`](Self::Html); the service writes the
/// others when the thread changes. Kinds this version does not know are kept as
/// [`Unknown`](Self::Unknown) with the service's name.
///
/// ```
/// use acs_chat::ChatMessageType;
///
/// assert_eq!(ChatMessageType::from("topicUpdated"), ChatMessageType::TopicUpdated);
/// assert_eq!(ChatMessageType::from("richText"), ChatMessageType::Unknown("richText".into()));
/// assert_eq!(ChatMessageType::Html.as_str(), "html");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum ChatMessageType {
    /// Plain text (`text`), the default for sent messages.
    #[default]
    Text,
    /// HTML (`html`).
    Html,
    /// The thread's topic changed (`topicUpdated`); written by the service.
    TopicUpdated,
    /// Participants were added (`participantAdded`); written by the service.
    ParticipantAdded,
    /// Participants were removed (`participantRemoved`); written by the service.
    ParticipantRemoved,
    /// A kind this version of the crate does not know, with its wire name.
    Unknown(String),
}

impl ChatMessageType {
    /// The wire name of the kind.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Text => "text",
            Self::Html => "html",
            Self::TopicUpdated => "topicUpdated",
            Self::ParticipantAdded => "participantAdded",
            Self::ParticipantRemoved => "participantRemoved",
            Self::Unknown(name) => name,
        }
    }

    /// Whether the service writes messages of this kind itself (topic and participant changes).
    pub fn is_system(&self) -> bool {
        matches!(self, Self::TopicUpdated | Self::ParticipantAdded | Self::ParticipantRemoved)
    }
}

impl From<&str> for ChatMessageType {
    fn from(name: &str) -> Self {
        match name {
            "text" => Self::Text,
            "html" => Self::Html,
            "topicUpdated" => Self::TopicUpdated,
            "participantAdded" => Self::ParticipantAdded,
            "participantRemoved" => Self::ParticipantRemoved,
            other => Self::Unknown(other.to_owned()),
        }
    }
}

impl fmt::Display for ChatMessageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<wire::ChatMessageType> for ChatMessageType {
    fn from(kind: wire::ChatMessageType) -> Self {
        match kind {
            wire::ChatMessageType::UnknownValue(name) => Self::Unknown(name),
            known => Self::from(known.as_str()),
        }
    }
}

impl From<&ChatMessageType> for wire::ChatMessageType {
    fn from(kind: &ChatMessageType) -> Self {
        wire::ChatMessageType::from(kind.as_str())
    }
}

/// The kind of a message attachment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ChatAttachmentType {
    /// An image (`image`).
    Image,
    /// A file (`file`).
    File,
    /// A kind this version of the crate does not know, with its wire name.
    Unknown(String),
}

impl ChatAttachmentType {
    /// The wire name of the kind.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Image => "image",
            Self::File => "file",
            Self::Unknown(name) => name,
        }
    }
}

impl fmt::Display for ChatAttachmentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A file or image attached to a message (messages from Teams interop carry them).
#[derive(Clone, Debug, PartialEq)]
pub struct ChatAttachment {
    /// The attachment's id.
    pub id: String,
    /// Image, file, or a newer kind.
    pub attachment_type: ChatAttachmentType,
    /// The attachment's name, for example a file name.
    pub name: Option<String>,
    /// Where the attachment can be downloaded.
    pub url: Option<String>,
    /// Where a preview of the attachment can be downloaded.
    pub preview_url: Option<String>,
}

/// The content of a message: text for user messages, the topic or participants for system
/// messages.
#[derive(Clone, Debug, Default, PartialEq)]
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
#[derive(Clone, Debug, PartialEq)]
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
    pub created_on: OffsetDateTime,
    /// Who sent the message (`None` for system messages).
    pub sender: Option<CommunicationIdentifier>,
    /// When the message was deleted.
    pub deleted_on: Option<OffsetDateTime>,
    /// When the message was last edited.
    pub edited_on: Option<OffsetDateTime>,
    /// The message's metadata (empty when it has none).
    pub metadata: Metadata,
}

impl ChatMessage {
    /// The text of a `text` or `html` message (`None` for system and deleted messages).
    pub fn text(&self) -> Option<&str> {
        self.content.as_ref().and_then(|c| c.message.as_deref())
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
#[derive(Clone, Debug, PartialEq)]
pub struct ChatParticipant {
    /// Who the participant is.
    pub identifier: CommunicationIdentifier,
    /// The participant's display name.
    pub display_name: Option<String>,
    /// From when on the participant sees the thread's history (all of it when `None`).
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

/// When the service deletes a thread by itself.
///
/// ```
/// use acs_chat::ChatRetentionPolicy;
///
/// let policy = ChatRetentionPolicy::ThreadCreationDate { delete_thread_after_days: 90 };
/// assert_eq!(policy.kind(), "threadCreationDate");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum ChatRetentionPolicy {
    /// Delete the thread this many days after it was created.
    ThreadCreationDate {
        /// Days after creation.
        delete_thread_after_days: i32,
    },
    /// Never delete the thread automatically.
    None,
    /// A policy kind this version of the crate does not know: the JSON object as the service
    /// sent it (it is sent back unchanged).
    Unknown(serde_json::Value),
}

impl ChatRetentionPolicy {
    /// The wire name of the policy kind.
    pub fn kind(&self) -> &str {
        match self {
            Self::ThreadCreationDate { .. } => "threadCreationDate",
            Self::None => "none",
            Self::Unknown(value) => value.get("kind").and_then(serde_json::Value::as_str).unwrap_or_default(),
        }
    }
}

/// A chat thread's properties.
#[derive(Clone, Debug, PartialEq)]
pub struct ChatThreadProperties {
    /// The thread id (`19:…@thread.v2`).
    pub id: String,
    /// The topic.
    pub topic: String,
    /// When the thread was created.
    pub created_on: OffsetDateTime,
    /// Who created the thread.
    pub created_by: CommunicationIdentifier,
    /// When the thread was deleted.
    pub deleted_on: Option<OffsetDateTime>,
    /// The thread's metadata (empty when it has none).
    pub metadata: Metadata,
    /// When the service deletes the thread by itself (`None` when it did not say).
    pub retention_policy: Option<ChatRetentionPolicy>,
}

/// A thread in the list of threads of a user.
#[derive(Clone, Debug, PartialEq)]
pub struct ChatThreadItem {
    /// The thread id.
    pub id: String,
    /// The topic.
    pub topic: String,
    /// When the thread was deleted.
    pub deleted_on: Option<OffsetDateTime>,
    /// When the last message arrived.
    pub last_message_received_on: Option<OffsetDateTime>,
}

/// Who read which message when.
#[derive(Clone, Debug, PartialEq)]
pub struct ChatMessageReadReceipt {
    /// The reader.
    pub sender: CommunicationIdentifier,
    /// The id of the last message the reader has read.
    pub chat_message_id: String,
    /// When the message was read.
    pub read_on: OffsetDateTime,
}

/// A participant the service refused, matched with the participant of the request.
#[derive(Clone, Debug, PartialEq)]
pub struct ParticipantFailure {
    /// The participant of the request whose raw id is the error's `target`; `None` when no
    /// participant of the request has that raw id.
    pub participant: Option<ChatParticipant>,
    /// Why the participant was refused.
    pub error: CommunicationError,
}

/// What [`ChatClient::create_chat_thread`](crate::ChatClient::create_chat_thread) returns.
#[derive(Clone, Debug, PartialEq)]
pub struct CreateChatThreadResult {
    /// The new thread (or, for a repeated idempotency token, the thread made the first time).
    pub thread: ChatThreadProperties,
    /// The participants that could not be added (the thread exists without them).
    pub failed_participants: Vec<ParticipantFailure>,
}

/// What [`ChatThreadClient::send_message`](crate::ChatThreadClient::send_message) returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendChatMessageResult {
    /// The id of the new message.
    pub id: String,
}

// ----- wire conversions (crate-private) -----

pub(crate) mod convert {
    use super::*;
    use acs_common::error::invalid_data;

    /// Metadata as a merge patch: every entry set (none removed).
    pub(crate) fn metadata_patch(metadata: Metadata) -> HashMap<String, Option<String>> {
        metadata.into_iter().map(|(key, value)| (key, Some(value))).collect()
    }

    /// An identifier from the wire. A model the identifier rules refuse (for example two nested
    /// identifiers) still converts when it carries a raw id: the raw id decides.
    pub(crate) fn identifier(model: wire::CommunicationIdentifierModel) -> azure_core::Result<CommunicationIdentifier> {
        let raw_id = model.raw_id.clone();
        match CommunicationIdentifier::try_from(model) {
            Ok(identifier) => Ok(identifier),
            Err(error) => match raw_id {
                Some(raw_id) if !raw_id.is_empty() => Ok(CommunicationIdentifier::from_raw_id(&raw_id)),
                _ => Err(error),
            },
        }
    }

    pub(crate) fn participant(model: wire::ChatParticipant) -> azure_core::Result<ChatParticipant> {
        Ok(ChatParticipant {
            identifier: identifier(model.communication_identifier)?,
            display_name: model.display_name,
            share_history_time: model.share_history_time,
            metadata: model.metadata.unwrap_or_default(),
        })
    }

    pub(crate) fn participant_to_wire(participant: &ChatParticipant) -> wire::ChatParticipant {
        wire::ChatParticipant {
            communication_identifier: (&participant.identifier).into(),
            display_name: participant.display_name.clone(),
            share_history_time: participant.share_history_time,
            metadata: (!participant.metadata.is_empty()).then(|| participant.metadata.clone()),
        }
    }

    fn attachment(model: wire::ChatAttachment) -> ChatAttachment {
        let attachment_type = match model.attachment_type {
            wire::ChatAttachmentType::Image => ChatAttachmentType::Image,
            wire::ChatAttachmentType::File => ChatAttachmentType::File,
            other => ChatAttachmentType::Unknown(other.as_str().to_owned()),
        };
        ChatAttachment {
            id: model.id,
            attachment_type,
            name: model.name,
            url: model.url,
            preview_url: model.preview_url,
        }
    }

    pub(crate) fn message(model: wire::ChatMessage) -> azure_core::Result<ChatMessage> {
        let content = match model.content {
            Some(content) => Some(ChatMessageContent {
                message: content.message,
                topic: content.topic,
                participants: content
                    .participants
                    .unwrap_or_default()
                    .into_iter()
                    .map(participant)
                    .collect::<azure_core::Result<_>>()?,
                attachments: content.attachments.unwrap_or_default().into_iter().map(attachment).collect(),
                initiator: content.initiator_communication_identifier.map(identifier).transpose()?,
            }),
            None => None,
        };
        Ok(ChatMessage {
            id: model.id,
            kind: model.r#type.into(),
            sequence_id: model.sequence_id,
            version: model.version,
            content,
            sender_display_name: model.sender_display_name,
            created_on: model.created_on,
            sender: model.sender_communication_identifier.map(identifier).transpose()?,
            deleted_on: model.deleted_on,
            edited_on: model.edited_on,
            metadata: model.metadata.unwrap_or_default(),
        })
    }

    pub(crate) fn retention_policy(model: wire::ChatRetentionPolicy) -> ChatRetentionPolicy {
        match model {
            wire::ChatRetentionPolicy::ThreadCreationDate(policy) => {
                ChatRetentionPolicy::ThreadCreationDate { delete_thread_after_days: policy.delete_thread_after_days }
            }
            wire::ChatRetentionPolicy::None(_) => ChatRetentionPolicy::None,
            wire::ChatRetentionPolicy::UnknownKind(value) => ChatRetentionPolicy::Unknown(value),
            other => ChatRetentionPolicy::Unknown(serde_json::to_value(&other).unwrap_or_default()),
        }
    }

    pub(crate) fn retention_policy_to_wire(policy: &ChatRetentionPolicy) -> wire::ChatRetentionPolicy {
        match policy {
            ChatRetentionPolicy::ThreadCreationDate { delete_thread_after_days } => {
                wire::ChatRetentionPolicy::ThreadCreationDate(wire::ThreadCreationDateRetentionPolicy {
                    delete_thread_after_days: *delete_thread_after_days,
                })
            }
            ChatRetentionPolicy::None => wire::ChatRetentionPolicy::None(wire::NoneRetentionPolicy {}),
            ChatRetentionPolicy::Unknown(value) => wire::ChatRetentionPolicy::UnknownKind(value.clone()),
        }
    }

    pub(crate) fn thread_properties(model: wire::ChatThreadProperties) -> azure_core::Result<ChatThreadProperties> {
        Ok(ChatThreadProperties {
            id: model.id,
            topic: model.topic,
            created_on: model.created_on,
            created_by: identifier(model.created_by_communication_identifier)?,
            deleted_on: model.deleted_on,
            metadata: model.metadata.unwrap_or_default(),
            retention_policy: model.retention_policy.map(retention_policy),
        })
    }

    pub(crate) fn thread_item(model: wire::ChatThreadItem) -> azure_core::Result<ChatThreadItem> {
        Ok(ChatThreadItem {
            id: model.id,
            topic: model.topic,
            deleted_on: model.deleted_on,
            last_message_received_on: model.last_message_received_on,
        })
    }

    pub(crate) fn read_receipt(model: wire::ChatMessageReadReceipt) -> azure_core::Result<ChatMessageReadReceipt> {
        Ok(ChatMessageReadReceipt {
            sender: identifier(model.sender_communication_identifier)?,
            chat_message_id: model.chat_message_id,
            read_on: model.read_on,
        })
    }

    /// Pairs each error of a partial failure with the request participant whose raw id is the
    /// error's `target` (every identifier kind has a raw id, so every kind can be matched).
    /// Each participant is matched at most once, so duplicates in the request pair up in order.
    pub(crate) fn pair_failures(
        requested: &[ChatParticipant],
        errors: Vec<wire::CommunicationError>,
    ) -> Vec<ParticipantFailure> {
        let mut used = vec![false; requested.len()];
        errors
            .into_iter()
            .map(|error| {
                let found = error.target.as_deref().and_then(|target| {
                    (0..requested.len()).find(|&i| !used[i] && requested[i].identifier.raw_id() == target)
                });
                let participant = found.map(|i| {
                    used[i] = true;
                    requested[i].clone()
                });
                ParticipantFailure { participant, error }
            })
            .collect()
    }

    /// The thread of a create-thread response, which the spec marks optional.
    pub(crate) fn created_thread(
        model: Option<wire::ChatThreadProperties>,
    ) -> azure_core::Result<ChatThreadProperties> {
        thread_properties(model.ok_or_else(|| invalid_data("the create-thread response has no `chatThread`"))?)
    }
}

#[cfg(test)]
mod tests {
    use super::convert::*;
    use super::*;
    use acs_common::{
        CommunicationCloudEnvironment, MicrosoftTeamsAppIdentifier, MicrosoftTeamsUserIdentifier,
        PhoneNumberIdentifier, TeamsExtensionUserIdentifier, UnknownIdentifier,
    };

    fn error(target: Option<&str>) -> wire::CommunicationError {
        wire::CommunicationError {
            code: "403".into(),
            message: "refused".into(),
            target: target.map(str::to_owned),
            details: None,
            inner_error: None,
        }
    }

    #[test]
    fn failures_pair_by_raw_id_for_every_kind() {
        let identifiers: Vec<CommunicationIdentifier> = vec![
            CommunicationIdentifier::from_raw_id("8:acs:resource_user"),
            PhoneNumberIdentifier::new("+14255550123").into(),
            MicrosoftTeamsUserIdentifier::new("teams-user", CommunicationCloudEnvironment::Gcch).into(),
            MicrosoftTeamsUserIdentifier::anonymous("visitor").into(),
            MicrosoftTeamsAppIdentifier::new("app", CommunicationCloudEnvironment::Dod).into(),
            TeamsExtensionUserIdentifier::new("user", "tenant", "resource", CommunicationCloudEnvironment::Public)
                .into(),
            UnknownIdentifier::new("28:ag08-global:bot").into(),
        ];
        let requested: Vec<ChatParticipant> =
            identifiers.iter().cloned().map(|id| ChatParticipant::new(id).with_display_name("x")).collect();
        // Errors in reverse order, plus one whose target matches nobody and one without target.
        let mut errors: Vec<_> = identifiers.iter().rev().map(|id| error(Some(id.raw_id()))).collect();
        errors.push(error(Some("8:acs:resource_stranger")));
        errors.push(error(None));
        let failures = pair_failures(&requested, errors);
        assert_eq!(failures.len(), identifiers.len() + 2);
        for (failure, id) in failures.iter().zip(identifiers.iter().rev()) {
            assert_eq!(failure.participant.as_ref().map(|p| &p.identifier), Some(id), "{id}");
            assert_eq!(failure.error.target.as_deref(), Some(id.raw_id()));
        }
        assert!(failures[identifiers.len()].participant.is_none());
        assert!(failures[identifiers.len() + 1].participant.is_none());
    }

    #[test]
    fn duplicate_participants_pair_in_order() {
        let id = CommunicationIdentifier::from_raw_id("4:+1555");
        let requested = vec![ChatParticipant::new(id.clone()).with_display_name("a"), ChatParticipant::new(id.clone())];
        let failures = pair_failures(&requested, vec![error(Some("4:+1555")), error(Some("4:+1555"))]);
        assert_eq!(failures[0].participant.as_ref().unwrap().display_name.as_deref(), Some("a"));
        assert_eq!(failures[1].participant.as_ref().unwrap().display_name, None);
    }

    #[test]
    fn identifier_falls_back_to_raw_id() {
        let model = wire::CommunicationIdentifierModel {
            raw_id: Some("8:acs:r_u".into()),
            communication_user: Some(wire::CommunicationUserIdentifierModel { id: "8:acs:r_u".into() }),
            phone_number: Some(wire::PhoneNumberIdentifierModel { value: "+1".into(), ..Default::default() }),
            ..Default::default()
        };
        assert_eq!(identifier(model).unwrap().raw_id(), "8:acs:r_u");
        assert!(identifier(wire::CommunicationIdentifierModel::default()).is_err());
    }

    #[test]
    fn message_kinds_round_trip() {
        for name in ["text", "html", "topicUpdated", "participantAdded", "participantRemoved", "later"] {
            let kind = ChatMessageType::from(wire::ChatMessageType::from(name));
            assert_eq!(kind.as_str(), name);
            assert_eq!(wire::ChatMessageType::from(&kind).as_str(), name);
        }
        assert!(ChatMessageType::TopicUpdated.is_system());
        assert!(!ChatMessageType::Html.is_system());
    }

    #[test]
    fn retention_policies_round_trip() {
        let unknown = serde_json::json!({"kind": "later", "x": 1});
        for policy in [
            ChatRetentionPolicy::ThreadCreationDate { delete_thread_after_days: 7 },
            ChatRetentionPolicy::None,
            ChatRetentionPolicy::Unknown(unknown),
        ] {
            assert_eq!(retention_policy(retention_policy_to_wire(&policy)), policy);
        }
        assert_eq!(ChatRetentionPolicy::Unknown(serde_json::json!({"kind": "later"})).kind(), "later");
    }
}
