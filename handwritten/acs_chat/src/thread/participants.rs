//! Participants: list, add, remove.

use super::{idempotent_write, ChatThreadClient};
use crate::convert;
use crate::models::{ChatParticipant, ParticipantFailure};
use crate::options::*;
use crate::pager::{list, ChatPager};
use acs_chat_models as wire;
use acs_chat_rest::*;
use acs_common::args::wire_count;
use acs_common::CommunicationIdentifier;

impl ChatThreadClient {
    /// The thread's participants, as a lazy stream that requests page after page
    /// ([`ChatPager`]).
    ///
    /// An unusable continuation is yielded as an error; the service judges the other options.
    pub fn list_participants(&self, options: Option<ListParticipantsOptions<'_>>) -> ChatPager<ChatParticipant> {
        let span = tracing::info_span!("acs_chat.list_participants", thread_id = %self.thread_id);
        let options = options.unwrap_or_default();
        let (max_page_size, skip) = (options.max_page_size, options.skip);
        list(
            span,
            self.endpoint(),
            options.method_options,
            options.continuation,
            |method_options| {
                let max_page_size = wire_count("max_page_size", max_page_size)?;
                let skip = wire_count("skip", skip)?;
                self.ops().list_chat_participants(
                    &self.thread_id,
                    Some(ChatThreadListChatParticipantsOptions { max_page_size, skip, method_options }),
                )
            },
            |page: wire::ChatParticipantsCollection| (page.value, page.next_link),
            convert::participant,
        )
    }

    /// Adds participants. Participants the service refuses do not make the call fail: they are
    /// returned, each matched by raw id to the participant of the request (an empty list when
    /// all were added).
    ///
    /// Adding is idempotent on the service, so when the outcome of the request is unknown (its
    /// answer was lost), it is sent once more.
    ///
    /// # Errors
    ///
    /// When the service refuses the whole request.
    #[tracing::instrument(name = "acs_chat.add_participants", skip_all, fields(thread_id = %self.thread_id), err)]
    pub async fn add_participants(
        &self,
        participants: Vec<ChatParticipant>,
        options: Option<AddParticipantsOptions<'_>>,
    ) -> azure_core::Result<Vec<ParticipantFailure>> {
        let options = options.unwrap_or_default();
        let request = wire::AddChatParticipantsRequest {
            participants: participants.iter().map(convert::participant_to_wire).collect(),
        };
        let response = idempotent_write(
            || {
                let body = request.clone().try_into();
                let method_options = options.method_options.clone();
                async move {
                    self.ops()
                        .add_chat_participants(
                            &self.thread_id,
                            body?,
                            Some(ChatThreadAddChatParticipantsOptions { method_options }),
                        )
                        .await
                }
            },
            |_| None,
        )
        .await?;
        let errors = response.into_model()?.invalid_participants.unwrap_or_default();
        Ok(convert::pair_failures(&participants, errors))
    }

    /// Removes a participant (of any identifier kind).
    ///
    /// Removing is idempotent on the service: when the outcome of the request is unknown (its
    /// answer was lost), it is sent once more, and a `404` then means the first one removed the
    /// participant, so the call succeeds. (A `404` on the first try is returned as is.)
    ///
    /// # Errors
    ///
    /// When the service refuses the request.
    #[tracing::instrument(name = "acs_chat.remove_participant", skip_all, fields(thread_id = %self.thread_id), err)]
    pub async fn remove_participant(
        &self,
        identifier: &CommunicationIdentifier,
        options: Option<RemoveParticipantOptions<'_>>,
    ) -> azure_core::Result<()> {
        let options = options.unwrap_or_default();
        let model = wire::CommunicationIdentifierModel::from(identifier);
        idempotent_write(
            || {
                let body = model.clone().try_into();
                let method_options = options.method_options.clone();
                async move {
                    self.ops()
                        .remove_chat_participant(
                            &self.thread_id,
                            body?,
                            Some(ChatThreadRemoveChatParticipantOptions { method_options }),
                        )
                        .await
                        .map(|_| ())
                }
            },
            |error| (error.http_status().map(u16::from) == Some(404)).then_some(()),
        )
        .await
    }
}
