//! Messages and read receipts.

use crate::error::ApiError;
use crate::limits::*;
use crate::paging::Cursor;
use acs_chat_models::{
    AddChatParticipantsResult, ChatMessage, ChatMessageContent, ChatMessageReadReceipt, ChatMessageType,
    ChatParticipant, CommunicationIdentifierModel, SendChatMessageRequest, UpdateChatMessageRequest,
};
use time::OffsetDateTime;

use super::rules::*;
use super::*;

impl Store {
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
        thread.changed_messages.insert(index);
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
        thread.changed_messages.insert(index);
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
