//! The in-memory state of one emulator, and the operations on it. Every operation runs under one
//! lock, so concurrent clients never lose or reorder writes.
//!
//! - this module: the records, the [`Store`] and its identities;
//! - `identifiers`: identifiers from and to the wire;
//! - `rules`: the service's validation rules;
//! - `threads`: threads and their participants;
//! - `messages`: messages and read receipts;
//! - `persist`: the data file of `--data-dir`.

mod identifiers;
mod messages;
mod persist;
mod rules;
mod threads;

pub(crate) use persist::Kept;

pub(crate) use identifiers::{canonical_identifier, identifier_model};

use crate::error::ApiError;
use crate::paging::Cursor;
use acs_chat_models::{
    ChatMessage, ChatMessageContent, ChatMessageReadReceipt, ChatMessageType, ChatParticipant, ChatThreadProperties,
    CreateChatThreadResult,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
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

/// An identity of the identity endpoint.
#[derive(Debug, Serialize, Deserialize)]
struct UserRecord {
    deleted: bool,
    /// Tokens issued with an older generation are revoked.
    revocation: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct ParticipantRecord {
    raw_id: String,
    participant: ChatParticipant,
}

impl ParticipantRecord {
    fn sees(&self, message: &ChatMessage) -> bool {
        self.participant.share_history_time.is_none_or(|t| message.created_on >= t)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct MessageRecord {
    seq: u64,
    sender: Option<String>,
    message: ChatMessage,
}

/// A thread. Its header (all but the messages) is stored as one record, each message as another.
#[derive(Debug, Serialize, Deserialize)]
struct ThreadRecord {
    /// Creation order among all threads.
    order: u64,
    properties: ChatThreadProperties,
    participants: Vec<ParticipantRecord>,
    #[serde(skip)]
    messages: Vec<MessageRecord>,
    #[serde(skip)]
    message_index: HashMap<String, usize>,
    /// Messages added or changed since the last flush (indexes into `messages`).
    #[serde(skip)]
    changed_messages: BTreeSet<usize>,
    last_stamp: i64,
    #[serde(with = "time::serde::rfc3339")]
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
        self.changed_messages.insert(self.messages.len());
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
    assignments: HashMap<AssignmentKey, serde_json::Value>,
    /// The data file, with `--data-dir`.
    disk: Option<persist::Disk>,
    /// What changed since the last flush to the data file.
    dirty: persist::Dirty,
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
            disk: None,
            dirty: persist::Dirty::default(),
        }
    }

    pub(crate) fn resource_id(&self) -> &str {
        &self.resource_id
    }

    // ----- identities -----

    pub(crate) fn create_user(&mut self) -> String {
        let id = format!("8:acs:{}_{}", self.resource_id, uuid::Uuid::new_v4());
        self.dirty.users.insert(id.clone());
        self.users.insert(id.clone(), UserRecord { deleted: false, revocation: 0 });
        id
    }

    /// Registers an identity that did not come from `create_user` (Teams users of token exchanges).
    pub(crate) fn ensure_identity(&mut self, raw_id: &str) -> u64 {
        self.dirty.users.insert(raw_id.to_owned());
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

    /// The user, to change (marked for the data file).
    fn active_user(&mut self, id: &str) -> Result<&mut UserRecord, ApiError> {
        self.dirty.users.insert(id.to_owned());
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

    // ----- Teams extension assignments -----

    pub(crate) fn assignment(&self, key: &AssignmentKey) -> Option<&serde_json::Value> {
        self.assignments.get(key)
    }

    /// Sets an assignment; whether one was replaced.
    pub(crate) fn set_assignment(&mut self, key: AssignmentKey, body: serde_json::Value) -> bool {
        self.dirty.assignments = true;
        self.assignments.insert(key, body).is_some()
    }

    pub(crate) fn remove_assignment(&mut self, key: &AssignmentKey) -> Option<serde_json::Value> {
        self.dirty.assignments = true;
        self.assignments.remove(key)
    }
}
