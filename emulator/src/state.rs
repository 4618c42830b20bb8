//! The in-memory state of one emulator: identities, threads, messages, participants, receipts,
//! and the operations on them. Every operation runs under one lock, so concurrent clients never
//! lose or reorder writes.

use crate::error::ApiError;
use crate::limits::*;
use crate::paging::Cursor;
use acs_chat_models::{
    AddChatParticipantsResult, ChatMessage, ChatMessageContent, ChatMessageReadReceipt, ChatMessageType,
    ChatParticipant, ChatRetentionPolicy, ChatThreadItem, ChatThreadProperties, CommunicationError,
    CommunicationIdentifierModel, CreateChatThreadRequest, CreateChatThreadResult, SendChatMessageRequest,
    UpdateChatMessageRequest, UpdateChatThreadRequest,
};
use acs_common::CommunicationIdentifier;
use std::collections::HashMap;
use time::OffsetDateTime;

/// The current time, truncated to milliseconds (the precision the emulator stores and sends).
pub(crate) fn now() -> OffsetDateTime {
    truncate_ms(OffsetDateTime::now_utc())
}

pub(crate) fn truncate_ms(time: OffsetDateTime) -> OffsetDateTime {
    let time = time.to_offset(time::UtcOffset::UTC);
    time.replace_nanosecond(time.nanosecond() / 1_000_000 * 1_000_000).unwrap_or(time)
}

fn unix_ms(time: OffsetDateTime) -> i64 {
    i64::try_from(time.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// Canonical identifier of a wire model: the model's nested identifier or kind when given,
/// otherwise its raw id parsed with the service's rules.
pub(crate) fn canonical_identifier(
    model: &CommunicationIdentifierModel,
    field: &str,
) -> Result<CommunicationIdentifier, ApiError> {
    let nested = model.communication_user.is_some()
        || model.phone_number.is_some()
        || model.microsoft_teams_user.is_some()
        || model.microsoft_teams_app.is_some()
        || model.teams_extension_user.is_some();
    let identifier = if nested {
        CommunicationIdentifier::try_from(model)
            .map_err(|e| ApiError::invalid_field(field, format!("Invalid communication identifier: {e}")))?
    } else {
        match model.raw_id.as_deref() {
            Some(raw) if !raw.trim().is_empty() => CommunicationIdentifier::from_raw_id(raw),
            _ => {
                return Err(ApiError::invalid_field(
                    field,
                    "The communication identifier needs a rawId or a nested identifier.",
                ))
            }
        }
    };
    if identifier.raw_id().is_empty() || identifier.raw_id().len() > MAX_ID_LENGTH {
        return Err(ApiError::invalid_field(field, "The communication identifier is empty or too long."));
    }
    Ok(identifier)
}

/// The response model of an identifier (kind, rawId and the nested identifier).
pub(crate) fn identifier_model(raw_id: &str) -> CommunicationIdentifierModel {
    CommunicationIdentifierModel::from(&CommunicationIdentifier::from_raw_id(raw_id))
}

/// The metadata an update sets: it replaces the whole map, as the service does; entries sent as
/// `null` (the merge-patch way to remove a key) are left out.
fn metadata_update(patch: HashMap<String, Option<String>>) -> Result<HashMap<String, String>, ApiError> {
    let replaced: HashMap<String, String> = patch.into_iter().filter_map(|(key, value)| Some((key, value?))).collect();
    validate_metadata("metadata", &Some(replaced.clone()))?;
    Ok(replaced)
}

fn validate_metadata(field: &str, metadata: &Option<HashMap<String, String>>) -> Result<(), ApiError> {
    if let Some(metadata) = metadata {
        let size: usize = metadata.iter().map(|(k, v)| k.len() + v.len()).sum();
        if size > MAX_METADATA_BYTES {
            return Err(ApiError::invalid_field(
                field,
                format!("The metadata is {size} bytes; at most {MAX_METADATA_BYTES} bytes are allowed."),
            ));
        }
        if metadata.keys().any(|k| k.is_empty()) {
            return Err(ApiError::invalid_field(field, "Metadata keys must not be empty."));
        }
    }
    Ok(())
}

fn validate_display_name(field: &str, name: &Option<String>) -> Result<(), ApiError> {
    match name {
        Some(name) if name.chars().count() > MAX_DISPLAY_NAME_CHARS => Err(ApiError::invalid_field(
            field,
            format!("The display name is longer than {MAX_DISPLAY_NAME_CHARS} characters."),
        )),
        _ => Ok(()),
    }
}

fn validate_topic(topic: &str) -> Result<(), ApiError> {
    if topic.trim().is_empty() {
        return Err(ApiError::invalid_field("topic", "The topic must not be empty."));
    }
    if topic.chars().count() > MAX_TOPIC_CHARS {
        return Err(ApiError::invalid_field(
            "topic",
            format!("The topic is longer than {MAX_TOPIC_CHARS} characters."),
        ));
    }
    Ok(())
}

fn validate_retention(policy: &Option<ChatRetentionPolicy>) -> Result<(), ApiError> {
    match policy {
        None | Some(ChatRetentionPolicy::None(_)) => Ok(()),
        Some(ChatRetentionPolicy::ThreadCreationDate(p)) => {
            if (MIN_RETENTION_DAYS..=MAX_RETENTION_DAYS).contains(&p.delete_thread_after_days) {
                Ok(())
            } else {
                Err(ApiError::invalid_field(
                    "retentionPolicy.deleteThreadAfterDays",
                    format!(
                        "deleteThreadAfterDays must be within [{MIN_RETENTION_DAYS}, {MAX_RETENTION_DAYS}], not {}.",
                        p.delete_thread_after_days
                    ),
                ))
            }
        }
        Some(other) => Err(ApiError::invalid_field(
            "retentionPolicy.kind",
            format!("Unknown retention policy kind {}.", other.kind()),
        )),
    }
}

fn validate_content(field: &str, content: &str) -> Result<(), ApiError> {
    if content.is_empty() {
        return Err(ApiError::invalid_field(field, "The message content must not be empty."));
    }
    if content.len() > MAX_MESSAGE_BYTES {
        return Err(ApiError::invalid_field(
            field,
            format!("The message content is {} bytes; at most {MAX_MESSAGE_BYTES} bytes are allowed.", content.len()),
        ));
    }
    Ok(())
}

/// An identity of the identity endpoint.
#[derive(Debug)]
struct UserRecord {
    deleted: bool,
    /// Tokens issued with an older generation are revoked.
    revocation: u64,
}

#[derive(Clone, Debug)]
struct ParticipantRecord {
    raw_id: String,
    participant: ChatParticipant,
}

impl ParticipantRecord {
    fn sees(&self, message: &ChatMessage) -> bool {
        self.participant.share_history_time.is_none_or(|t| message.created_on >= t)
    }
}

#[derive(Clone, Debug)]
struct MessageRecord {
    seq: u64,
    sender: Option<String>,
    message: ChatMessage,
}

#[derive(Debug)]
struct ThreadRecord {
    /// Creation order among all threads.
    order: u64,
    properties: ChatThreadProperties,
    participants: Vec<ParticipantRecord>,
    messages: Vec<MessageRecord>,
    message_index: HashMap<String, usize>,
    last_stamp: i64,
    last_message_received_on: OffsetDateTime,
    read_receipts: Vec<ChatMessageReadReceipt>,
}

impl ThreadRecord {
    fn participant(&self, raw_id: &str) -> Option<&ParticipantRecord> {
        self.participants.iter().find(|p| p.raw_id == raw_id)
    }

    /// A new, strictly increasing millisecond stamp (message ids and versions).
    fn next_stamp(&mut self, now: OffsetDateTime) -> i64 {
        self.last_stamp = unix_ms(now).max(self.last_stamp + 1);
        self.last_stamp
    }

    fn push_message(&mut self, now: OffsetDateTime, sender: Option<String>, mut message: ChatMessage) -> String {
        let stamp = self.next_stamp(now);
        let seq = self.messages.len() as u64 + 1;
        message.id = stamp.to_string();
        message.version = stamp.to_string();
        message.sequence_id = seq.to_string();
        message.created_on = now;
        let id = message.id.clone();
        self.message_index.insert(id.clone(), self.messages.len());
        self.messages.push(MessageRecord { seq, sender, message });
        self.last_message_received_on = now;
        id
    }

    fn system_message(&mut self, now: OffsetDateTime, kind: ChatMessageType, content: ChatMessageContent) {
        let message = model!(ChatMessage {
            id: String::new(),
            r#type: kind,
            sequence_id: String::new(),
            version: String::new(),
            content: Some(content),
            sender_display_name: None,
            created_on: now,
            sender_communication_identifier: None,
            deleted_on: None,
            edited_on: None,
            metadata: None
        });
        self.push_message(now, None, message);
    }

    fn activity_ms(&self) -> i64 {
        unix_ms(self.last_message_received_on)
    }
}

/// Why a participant cannot be added.
fn participant_problem(
    resource_id: &str,
    users: &HashMap<String, UserRecord>,
    id: &CommunicationIdentifier,
) -> Option<CommunicationError> {
    let raw = id.raw_id();
    let error = |code: &str, message: &str| CommunicationError {
        code: code.to_owned(),
        message: message.to_owned(),
        target: Some(raw.to_owned()),
        ..Default::default()
    };
    match id {
        CommunicationIdentifier::CommunicationUser(_) => {
            let own = raw.strip_prefix("8:acs:").is_some_and(|rest| rest.starts_with(&format!("{resource_id}_")));
            if !own {
                return Some(error("403", "Permissions check failed"));
            }
            match users.get(raw) {
                Some(user) if !user.deleted => None,
                _ => Some(error("404", "Not found")),
            }
        }
        CommunicationIdentifier::MicrosoftTeamsUser(_) if users.get(raw).is_some_and(|u| !u.deleted) => None,
        _ => Some(error("403", "Permissions check failed")),
    }
}

/// A page of a listing and the cursor of the next page, if any.
pub(crate) struct Page<T> {
    pub(crate) items: Vec<T>,
    pub(crate) next: Option<Cursor>,
}

/// A Teams extension assignment (tenant, object) and its JSON body.
pub(crate) type AssignmentKey = (String, String);

/// All state of one emulator.
#[derive(Debug)]
pub(crate) struct Store {
    resource_id: String,
    users: HashMap<String, UserRecord>,
    threads: HashMap<String, ThreadRecord>,
    thread_counter: u64,
    repeatability: HashMap<(String, String), CreateChatThreadResult>,
    pub(crate) assignments: HashMap<AssignmentKey, serde_json::Value>,
}

/// The state of a token's identity, for bearer checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IdentityStatus {
    Active { revocation: u64 },
    Deleted,
    Unknown,
}

impl Store {
    pub(crate) fn new(resource_id: String) -> Self {
        Self {
            resource_id,
            users: HashMap::new(),
            threads: HashMap::new(),
            thread_counter: 0,
            repeatability: HashMap::new(),
            assignments: HashMap::new(),
        }
    }

    pub(crate) fn resource_id(&self) -> &str {
        &self.resource_id
    }

    // ----- identities -----

    pub(crate) fn create_user(&mut self) -> String {
        let id = format!("8:acs:{}_{}", self.resource_id, uuid::Uuid::new_v4());
        self.users.insert(id.clone(), UserRecord { deleted: false, revocation: 0 });
        id
    }

    /// Registers an identity that did not come from `create_user` (Teams users of token exchanges).
    pub(crate) fn ensure_identity(&mut self, raw_id: &str) -> u64 {
        let user = self.users.entry(raw_id.to_owned()).or_insert(UserRecord { deleted: false, revocation: 0 });
        user.deleted = false;
        user.revocation
    }

    pub(crate) fn identity_status(&self, raw_id: &str) -> IdentityStatus {
        match self.users.get(raw_id) {
            Some(user) if user.deleted => IdentityStatus::Deleted,
            Some(user) => IdentityStatus::Active { revocation: user.revocation },
            None => IdentityStatus::Unknown,
        }
    }

    fn active_user(&mut self, id: &str) -> Result<&mut UserRecord, ApiError> {
        match self.users.get_mut(id) {
            Some(user) if !user.deleted => Ok(user),
            _ => Err(ApiError::not_found(format!("Identity {id} was not found.")).with_target("id")),
        }
    }

    /// The revocation generation to put in a new token of `id`.
    pub(crate) fn token_generation(&mut self, id: &str) -> Result<u64, ApiError> {
        Ok(self.active_user(id)?.revocation)
    }

    pub(crate) fn revoke_tokens(&mut self, id: &str) -> Result<(), ApiError> {
        let user = self.active_user(id)?;
        user.revocation += 1;
        Ok(())
    }

    pub(crate) fn delete_user(&mut self, id: &str) -> Result<(), ApiError> {
        let user = self.active_user(id)?;
        user.deleted = true;
        user.revocation += 1;
        Ok(())
    }

    // ----- threads -----

    fn live_thread(&self, id: &str) -> Result<&ThreadRecord, ApiError> {
        match self.threads.get(id) {
            Some(thread) if thread.properties.deleted_on.is_none() => Ok(thread),
            _ => Err(ApiError::thread_not_found()),
        }
    }

    fn live_thread_mut(&mut self, id: &str) -> Result<&mut ThreadRecord, ApiError> {
        match self.threads.get_mut(id) {
            Some(thread) if thread.properties.deleted_on.is_none() => Ok(thread),
            _ => Err(ApiError::thread_not_found()),
        }
    }

    /// The thread, when `caller` is one of its participants (404 for no thread, 403 otherwise).
    fn member_thread(&self, id: &str, caller: &str) -> Result<&ThreadRecord, ApiError> {
        let thread = self.live_thread(id)?;
        if thread.participant(caller).is_none() {
            return Err(ApiError::forbidden());
        }
        Ok(thread)
    }

    fn member_thread_mut(&mut self, id: &str, caller: &str) -> Result<&mut ThreadRecord, ApiError> {
        let thread = self.live_thread_mut(id)?;
        if thread.participant(caller).is_none() {
            return Err(ApiError::forbidden());
        }
        Ok(thread)
    }

    /// Validates the participants of a request: the ones to add (deduplicated by raw id) and the
    /// partial failures.
    fn sort_participants(
        &self,
        field: &str,
        participants: &[ChatParticipant],
        caller: &str,
    ) -> Result<(Vec<ParticipantRecord>, Vec<CommunicationError>), ApiError> {
        let mut valid: Vec<ParticipantRecord> = Vec::new();
        let mut invalid = Vec::new();
        for (index, participant) in participants.iter().enumerate() {
            let field = format!("{field}[{index}]");
            let id = canonical_identifier(
                &participant.communication_identifier,
                &format!("{field}.communicationIdentifier"),
            )?;
            validate_display_name(&format!("{field}.displayName"), &participant.display_name)?;
            validate_metadata(&format!("{field}.metadata"), &participant.metadata)?;
            let raw = id.raw_id().to_owned();
            if raw != caller {
                if let Some(problem) = participant_problem(&self.resource_id, &self.users, &id) {
                    if !invalid.iter().any(|e: &CommunicationError| e.target.as_deref() == Some(raw.as_str())) {
                        invalid.push(problem);
                    }
                    continue;
                }
            }
            let record = ParticipantRecord {
                raw_id: raw.clone(),
                participant: ChatParticipant {
                    communication_identifier: CommunicationIdentifierModel::from(&id),
                    display_name: participant.display_name.clone(),
                    share_history_time: participant.share_history_time.map(truncate_ms),
                    metadata: participant.metadata.clone(),
                },
            };
            match valid.iter_mut().find(|p| p.raw_id == raw) {
                Some(existing) => *existing = record,
                None => valid.push(record),
            }
        }
        Ok((valid, invalid))
    }

    pub(crate) fn create_thread(
        &mut self,
        caller: &str,
        request: CreateChatThreadRequest,
        repeatability_id: Option<&str>,
    ) -> Result<CreateChatThreadResult, ApiError> {
        if let Some(key) = repeatability_id {
            if let Some(result) = self.repeatability.get(&(caller.to_owned(), key.to_owned())) {
                return Ok(result.clone());
            }
        }
        validate_topic(&request.topic)?;
        validate_metadata("metadata", &request.metadata)?;
        validate_retention(&request.retention_policy)?;
        let requested = request.participants.unwrap_or_default();
        let (mut valid, invalid) = self.sort_participants("participants", &requested, caller)?;
        if !valid.iter().any(|p| p.raw_id == caller) {
            // The service adds the creator (without a display name) when the request leaves it out.
            valid.insert(
                0,
                ParticipantRecord {
                    raw_id: caller.to_owned(),
                    participant: ChatParticipant {
                        communication_identifier: identifier_model(caller),
                        ..Default::default()
                    },
                },
            );
        }
        if valid.len() > MAX_PARTICIPANTS {
            return Err(ApiError::invalid_field(
                "participants",
                format!("A chat thread can have at most {MAX_PARTICIPANTS} participants."),
            ));
        }
        let now = now();
        self.thread_counter += 1;
        let id = format!("19:{}@thread.v2", uuid::Uuid::new_v4().simple());
        let properties = model!(ChatThreadProperties {
            id: id.clone(),
            topic: request.topic.clone(),
            created_on: now,
            created_by_communication_identifier: identifier_model(caller),
            deleted_on: None,
            metadata: request.metadata,
            retention_policy: request.retention_policy
        });
        let mut thread = ThreadRecord {
            order: self.thread_counter,
            properties: properties.clone(),
            participants: valid.clone(),
            messages: Vec::new(),
            message_index: HashMap::new(),
            last_stamp: 0,
            last_message_received_on: now,
            read_receipts: Vec::new(),
        };
        let initiator = Some(identifier_model(caller));
        thread.system_message(
            now,
            ChatMessageType::ParticipantAdded,
            model!(ChatMessageContent {
                participants: Some(valid.into_iter().map(|p| p.participant).collect()),
                initiator_communication_identifier: initiator.clone()
            }),
        );
        thread.system_message(
            now,
            ChatMessageType::TopicUpdated,
            model!(ChatMessageContent { topic: Some(request.topic), initiator_communication_identifier: initiator }),
        );
        self.threads.insert(id, thread);
        let result = model!(CreateChatThreadResult {
            chat_thread: Some(properties),
            invalid_participants: (!invalid.is_empty()).then_some(invalid)
        });
        if let Some(key) = repeatability_id {
            self.repeatability.insert((caller.to_owned(), key.to_owned()), result.clone());
        }
        Ok(result)
    }

    pub(crate) fn get_thread(&self, id: &str, caller: &str) -> Result<ChatThreadProperties, ApiError> {
        Ok(self.member_thread(id, caller)?.properties.clone())
    }

    pub(crate) fn update_thread(
        &mut self,
        id: &str,
        caller: &str,
        request: UpdateChatThreadRequest,
    ) -> Result<(), ApiError> {
        if let Some(topic) = &request.topic {
            validate_topic(topic)?;
        }
        validate_retention(&request.retention_policy)?;
        let thread = self.member_thread_mut(id, caller)?;
        let metadata = request.metadata.map(metadata_update).transpose()?;
        let now = now();
        if let Some(topic) = request.topic {
            thread.properties.topic = topic.clone();
            thread.system_message(
                now,
                ChatMessageType::TopicUpdated,
                model!(ChatMessageContent {
                    topic: Some(topic),
                    initiator_communication_identifier: Some(identifier_model(caller))
                }),
            );
        }
        if let Some(metadata) = metadata {
            thread.properties.metadata = Some(metadata);
        }
        if let Some(policy) = request.retention_policy {
            thread.properties.retention_policy = Some(policy);
        }
        Ok(())
    }

    pub(crate) fn delete_thread(&mut self, id: &str, caller: &str) -> Result<(), ApiError> {
        let thread = self.member_thread_mut(id, caller)?;
        thread.properties.deleted_on = Some(now());
        Ok(())
    }

    /// The caller's threads, most recent activity first.
    pub(crate) fn list_threads(
        &self,
        caller: &str,
        page_size: usize,
        start_time: Option<OffsetDateTime>,
        after: Option<(i64, u64)>,
    ) -> Page<ChatThreadItem> {
        let start_ms = start_time.map(unix_ms);
        let mut threads: Vec<&ThreadRecord> = self
            .threads
            .values()
            .filter(|t| t.participant(caller).is_some())
            .filter(|t| start_ms.is_none_or(|s| t.activity_ms() >= s))
            .filter(|t| after.is_none_or(|cursor| (t.activity_ms(), t.order) < cursor))
            .collect();
        threads.sort_by_key(|t| std::cmp::Reverse((t.activity_ms(), t.order)));
        let more = threads.len() > page_size;
        threads.truncate(page_size);
        let next = match threads.last() {
            Some(last) if more => Some(Cursor::Threads { activity_ms: last.activity_ms(), order: last.order }),
            _ => None,
        };
        let items = threads
            .into_iter()
            .map(|t| {
                model!(ChatThreadItem {
                    id: t.properties.id.clone(),
                    topic: t.properties.topic.clone(),
                    deleted_on: t.properties.deleted_on,
                    last_message_received_on: Some(t.last_message_received_on)
                })
            })
            .collect();
        Page { items, next }
    }

    // ----- messages -----

    pub(crate) fn send_message(
        &mut self,
        id: &str,
        caller: &str,
        request: SendChatMessageRequest,
    ) -> Result<String, ApiError> {
        validate_content("content", &request.content)?;
        validate_display_name("senderDisplayName", &request.sender_display_name)?;
        validate_metadata("metadata", &request.metadata)?;
        let kind = match request.r#type {
            None | Some(ChatMessageType::Text) => ChatMessageType::Text,
            Some(ChatMessageType::Html) => ChatMessageType::Html,
            Some(other) => {
                return Err(ApiError::invalid_field(
                    "type",
                    format!("Messages of type {other} cannot be sent; use text or html."),
                ))
            }
        };
        let thread = self.member_thread_mut(id, caller)?;
        let now = now();
        let message = model!(ChatMessage {
            id: String::new(),
            r#type: kind,
            sequence_id: String::new(),
            version: String::new(),
            content: Some(model!(ChatMessageContent { message: Some(request.content) })),
            sender_display_name: request.sender_display_name,
            created_on: now,
            sender_communication_identifier: Some(identifier_model(caller)),
            deleted_on: None,
            edited_on: None,
            metadata: request.metadata
        });
        Ok(thread.push_message(now, Some(caller.to_owned()), message))
    }

    fn visible_message_index(thread: &ThreadRecord, caller: &str, message_id: &str) -> Result<usize, ApiError> {
        let participant = thread.participant(caller).ok_or_else(ApiError::forbidden)?;
        match thread.message_index.get(message_id) {
            Some(&index) if participant.sees(&thread.messages[index].message) => Ok(index),
            _ => Err(ApiError::message_not_found()),
        }
    }

    pub(crate) fn get_message(&self, id: &str, caller: &str, message_id: &str) -> Result<ChatMessage, ApiError> {
        let thread = self.member_thread(id, caller)?;
        let index = Self::visible_message_index(thread, caller, message_id)?;
        Ok(thread.messages[index].message.clone())
    }

    pub(crate) fn update_message(
        &mut self,
        id: &str,
        caller: &str,
        message_id: &str,
        request: UpdateChatMessageRequest,
    ) -> Result<(), ApiError> {
        if let Some(content) = &request.content {
            validate_content("content", content)?;
        }
        let thread = self.member_thread_mut(id, caller)?;
        let index = Self::visible_message_index(thread, caller, message_id)?;
        let record = &thread.messages[index];
        if record.sender.as_deref() != Some(caller) {
            return Err(ApiError::forbidden_because("Only the sender of a message can edit it."));
        }
        if record.message.deleted_on.is_some() {
            return Err(ApiError::message_not_found());
        }
        let metadata = request.metadata.map(metadata_update).transpose()?;
        let now = now();
        let stamp = thread.next_stamp(now);
        let message = &mut thread.messages[index].message;
        if let Some(content) = request.content {
            message.content.get_or_insert_with(Default::default).message = Some(content);
        }
        if let Some(metadata) = metadata {
            message.metadata = Some(metadata);
        }
        message.edited_on = Some(now);
        message.version = stamp.to_string();
        Ok(())
    }

    pub(crate) fn delete_message(&mut self, id: &str, caller: &str, message_id: &str) -> Result<(), ApiError> {
        let thread = self.member_thread_mut(id, caller)?;
        let index = Self::visible_message_index(thread, caller, message_id)?;
        if thread.messages[index].sender.as_deref() != Some(caller) {
            return Err(ApiError::forbidden_because("Only the sender of a message can delete it."));
        }
        if thread.messages[index].message.deleted_on.is_some() {
            return Ok(());
        }
        let now = now();
        let stamp = thread.next_stamp(now);
        let message = &mut thread.messages[index].message;
        message.deleted_on = Some(now);
        message.version = stamp.to_string();
        message.content = None;
        message.metadata = None;
        Ok(())
    }

    /// The messages the caller may see, newest first.
    pub(crate) fn list_messages(
        &self,
        id: &str,
        caller: &str,
        page_size: usize,
        start_time: Option<OffsetDateTime>,
        before_seq: Option<u64>,
    ) -> Result<Page<ChatMessage>, ApiError> {
        let thread = self.member_thread(id, caller)?;
        let participant = thread.participant(caller).ok_or_else(ApiError::forbidden)?;
        let end =
            before_seq.map_or(thread.messages.len(), |seq| (seq.saturating_sub(1) as usize).min(thread.messages.len()));
        let mut visible = thread.messages[..end]
            .iter()
            .rev()
            .filter(|m| participant.sees(&m.message))
            .filter(|m| start_time.is_none_or(|s| m.message.created_on >= s));
        let items: Vec<&MessageRecord> = visible.by_ref().take(page_size).collect();
        let more = visible.next().is_some();
        let next = match items.last() {
            Some(last) if more => Some(Cursor::Messages { before_seq: last.seq }),
            _ => None,
        };
        Ok(Page { items: items.into_iter().map(|m| m.message.clone()).collect(), next })
    }

    // ----- participants -----

    pub(crate) fn list_participants(
        &self,
        id: &str,
        caller: &str,
        page_size: usize,
        skip: usize,
    ) -> Result<Page<ChatParticipant>, ApiError> {
        let thread = self.member_thread(id, caller)?;
        let items: Vec<ChatParticipant> = thread
            .participants
            .iter()
            .skip(skip)
            .take(page_size)
            .map(|p| {
                let mut participant = p.participant.clone();
                participant.share_history_time.get_or_insert(OffsetDateTime::UNIX_EPOCH);
                participant
            })
            .collect();
        let next_skip = skip.saturating_add(items.len());
        let next = (next_skip < thread.participants.len()).then_some(Cursor::Skip(next_skip));
        Ok(Page { items, next })
    }

    pub(crate) fn add_participants(
        &mut self,
        id: &str,
        caller: &str,
        participants: Vec<ChatParticipant>,
    ) -> Result<AddChatParticipantsResult, ApiError> {
        if participants.is_empty() {
            return Err(ApiError::invalid_field("participants", "The participants field is required."));
        }
        self.member_thread(id, caller)?;
        let (valid, invalid) = self.sort_participants("participants", &participants, caller)?;
        let thread = self.member_thread_mut(id, caller)?;
        let added: Vec<ParticipantRecord> =
            valid.into_iter().filter(|p| thread.participant(&p.raw_id).is_none()).collect();
        if thread.participants.len() + added.len() > MAX_PARTICIPANTS {
            return Err(ApiError::invalid_field(
                "participants",
                format!("A chat thread can have at most {MAX_PARTICIPANTS} participants."),
            ));
        }
        if !added.is_empty() {
            thread.participants.extend(added.iter().cloned());
            thread.system_message(
                now(),
                ChatMessageType::ParticipantAdded,
                model!(ChatMessageContent {
                    participants: Some(added.into_iter().map(|p| p.participant).collect()),
                    initiator_communication_identifier: Some(identifier_model(caller))
                }),
            );
        }
        Ok(model!(AddChatParticipantsResult { invalid_participants: (!invalid.is_empty()).then_some(invalid) }))
    }

    pub(crate) fn remove_participant(
        &mut self,
        id: &str,
        caller: &str,
        participant: &CommunicationIdentifierModel,
    ) -> Result<(), ApiError> {
        let target = canonical_identifier(participant, "participantCommunicationIdentifier")?;
        let thread = self.member_thread_mut(id, caller)?;
        let Some(position) = thread.participants.iter().position(|p| p.raw_id == target.raw_id()) else {
            return Err(ApiError::not_found("The participant was not found in the chat thread.")
                .with_target(target.raw_id().to_owned()));
        };
        let removed = thread.participants.remove(position);
        thread.system_message(
            now(),
            ChatMessageType::ParticipantRemoved,
            model!(ChatMessageContent {
                participants: Some(vec![removed.participant]),
                initiator_communication_identifier: Some(identifier_model(caller))
            }),
        );
        Ok(())
    }

    // ----- read receipts and typing -----

    pub(crate) fn send_read_receipt(&mut self, id: &str, caller: &str, message_id: &str) -> Result<(), ApiError> {
        if message_id.is_empty() {
            return Err(ApiError::invalid_field("chatMessageId", "The chatMessageId field is required."));
        }
        let thread = self.member_thread_mut(id, caller)?;
        let index = Self::visible_message_index(thread, caller, message_id)?;
        let seq = thread.messages[index].seq;
        let receipt = model!(ChatMessageReadReceipt {
            sender_communication_identifier: identifier_model(caller),
            chat_message_id: message_id.to_owned(),
            read_on: now()
        });
        let existing = thread
            .read_receipts
            .iter()
            .position(|r| r.sender_communication_identifier.raw_id.as_deref() == Some(caller));
        match existing {
            Some(position) => {
                let previous_seq = thread
                    .message_index
                    .get(&thread.read_receipts[position].chat_message_id)
                    .map_or(0, |&i| thread.messages[i].seq);
                if seq >= previous_seq {
                    thread.read_receipts[position] = receipt;
                }
            }
            None => thread.read_receipts.push(receipt),
        }
        Ok(())
    }

    pub(crate) fn list_read_receipts(
        &self,
        id: &str,
        caller: &str,
        page_size: usize,
        skip: usize,
    ) -> Result<Page<ChatMessageReadReceipt>, ApiError> {
        let thread = self.member_thread(id, caller)?;
        let items: Vec<ChatMessageReadReceipt> =
            thread.read_receipts.iter().skip(skip).take(page_size).cloned().collect();
        let next_skip = skip.saturating_add(items.len());
        let next = (next_skip < thread.read_receipts.len()).then_some(Cursor::Skip(next_skip));
        Ok(Page { items, next })
    }

    pub(crate) fn check_member(&self, id: &str, caller: &str) -> Result<(), ApiError> {
        self.member_thread(id, caller).map(|_| ())
    }
}
