//! Threads and their participants.

use crate::error::ApiError;
use crate::limits::*;
use crate::paging::Cursor;
use acs_chat_models::{
    ChatMessageContent, ChatMessageType, ChatParticipant, ChatThreadItem, ChatThreadProperties, CommunicationError,
    CommunicationIdentifierModel, CreateChatThreadRequest, CreateChatThreadResult, UpdateChatThreadRequest,
};
use std::collections::HashMap;
use time::OffsetDateTime;

use super::rules::*;
use super::*;

impl Store {
    pub(super) fn live_thread(&self, id: &str) -> Result<&ThreadRecord, ApiError> {
        match self.threads.get(id) {
            Some(thread) if thread.properties.deleted_on.is_none() => Ok(thread),
            _ => Err(ApiError::thread_not_found()),
        }
    }

    /// The thread, to change (marked for the data file).
    pub(super) fn live_thread_mut(&mut self, id: &str) -> Result<&mut ThreadRecord, ApiError> {
        if self.threads.contains_key(id) {
            self.dirty.threads.insert(id.to_owned());
        }
        match self.threads.get_mut(id) {
            Some(thread) if thread.properties.deleted_on.is_none() => Ok(thread),
            _ => Err(ApiError::thread_not_found()),
        }
    }

    /// The thread, when `caller` is one of its participants (404 for no thread, 403 otherwise).
    pub(super) fn member_thread(&self, id: &str, caller: &str) -> Result<&ThreadRecord, ApiError> {
        let thread = self.live_thread(id)?;
        if thread.participant(caller).is_none() {
            return Err(ApiError::forbidden());
        }
        Ok(thread)
    }

    pub(super) fn member_thread_mut(&mut self, id: &str, caller: &str) -> Result<&mut ThreadRecord, ApiError> {
        let thread = self.live_thread_mut(id)?;
        if thread.participant(caller).is_none() {
            return Err(ApiError::forbidden());
        }
        Ok(thread)
    }

    /// Validates the participants of a request: the ones to add (deduplicated by raw id) and the
    /// partial failures.
    pub(super) fn sort_participants(
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
            changed_messages: Default::default(),
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
        self.dirty.threads.insert(id.clone());
        self.dirty.counter = true;
        self.threads.insert(id, thread);
        let result = model!(CreateChatThreadResult {
            chat_thread: Some(properties),
            invalid_participants: (!invalid.is_empty()).then_some(invalid)
        });
        if let Some(key) = repeatability_id {
            self.repeatability.insert((caller.to_owned(), key.to_owned()), result.clone());
            self.dirty.repeatability.insert((caller.to_owned(), key.to_owned()));
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

    /// A thread's properties and participants as they are now, without an access check (for the
    /// events of a change the caller was allowed to make); `None` for an unknown thread.
    pub(crate) fn thread_snapshot(&self, id: &str) -> Option<(ChatThreadProperties, Vec<ChatParticipant>)> {
        let thread = self.threads.get(id)?;
        Some((thread.properties.clone(), thread.participants.iter().map(|p| p.participant.clone()).collect()))
    }
}
