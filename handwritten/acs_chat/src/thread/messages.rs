//! Messages: send (at most once, or exactly once with a client message id), get, list, update
//! and delete.

use super::ChatThreadClient;
use crate::convert;
use crate::models::{ChatMessage, SendMessageResult};
use crate::options::*;
use crate::pager::{list, ChatPager};
use acs_chat_models as wire;
use acs_chat_rest::*;
use acs_common::args::{path_segment, wire_count};
use acs_common::ErrorExt;
use futures::TryStreamExt;
use time::OffsetDateTime;

/// The metadata key under which a message keeps its client message id
/// ([`SendMessageOptions::client_message_id`]).
pub const CLIENT_MESSAGE_ID_KEY: &str = "acsClientMessageId";

/// How many times a send with a client message id is tried when outcomes stay unknown.
const EXACTLY_ONCE_TRIES: usize = 3;

/// How far before the first try the search for a client message id starts: room for the
/// difference between this machine's clock and the service's.
const CLOCK_SKEW_MARGIN: time::Duration = time::Duration::minutes(5);

impl ChatThreadClient {
    /// Sends a message and returns its id. Also resets the typing-notification throttle of the
    /// thread, as the official JavaScript SDK does: the next
    /// [`send_typing_notification`](Self::send_typing_notification) goes out at once.
    ///
    /// A send is never repeated by the pipeline once it may have reached the service: a
    /// connection lost after sending, or a 500/502/504, fails with an error whose
    /// [`is_outcome_unknown`](ErrorExt::is_outcome_unknown) is true (the message may or may not
    /// have been stored). With a [`client_message_id`](SendMessageOptions::client_message_id),
    /// the client resolves that itself: it looks in the thread for a message carrying the id,
    /// returns it when found, and sends again (up to three tries) when not. That gives exactly
    /// one message per id as far as the service allows; the window left is a first try that
    /// the service applies only after the search ran (the service does not de-duplicate
    /// messages itself).
    ///
    /// # Errors
    ///
    /// When the service refuses the request (for example empty content, or a kind only the
    /// service writes), or the outcome stays unknown.
    #[tracing::instrument(name = "acs_chat.send_message", skip_all, fields(thread_id = %self.thread_id, message_id), err)]
    pub async fn send_message(
        &self,
        content: &str,
        options: Option<SendMessageOptions<'_>>,
    ) -> azure_core::Result<SendMessageResult> {
        let options = options.unwrap_or_default();
        let mut metadata = options.metadata.clone();
        if let Some(id) = &options.client_message_id {
            acs_common::args::header_value("client_message_id", id)?;
            metadata.get_or_insert_with(Default::default).insert(CLIENT_MESSAGE_ID_KEY.to_owned(), id.clone());
        }
        let request = wire::SendChatMessageRequest {
            content: content.to_owned(),
            sender_display_name: options.sender_display_name.clone(),
            r#type: options.message_type.clone(),
            metadata,
        };
        let started = OffsetDateTime::now_utc();
        // Without a client message id there is one try: nothing needs to be kept for another.
        let repeatable = options.client_message_id.is_some();
        let mut request = Some(request);
        let mut tries = 0;
        let id = loop {
            tries += 1;
            let body = if repeatable { request.clone() } else { request.take() };
            let body = body.expect("a request for every try").try_into()?;
            let sent = self
                .ops()
                .send_chat_message(
                    &self.thread_id,
                    body,
                    Some(ChatThreadSendChatMessageOptions { method_options: options.method_options.clone() }),
                )
                .await;
            match (sent, &options.client_message_id) {
                (Ok(response), _) => break response.into_model()?.id,
                (Err(error), Some(client_id)) if error.is_outcome_unknown() => {
                    match self.find_client_message(client_id, started - CLOCK_SKEW_MARGIN, &options).await {
                        Ok(Some(id)) => {
                            tracing::debug!("the message of an unknown outcome was stored: not sending it again");
                            break id;
                        }
                        Ok(None) if tries < EXACTLY_ONCE_TRIES => {
                            tracing::debug!("the message of an unknown outcome was not stored: sending it again");
                        }
                        _ => return Err(error),
                    }
                }
                (Err(error), _) => return Err(error),
            }
        };
        tracing::Span::current().record("message_id", id.as_str());
        self.typing.reset(&self.thread_id);
        Ok(SendMessageResult { id })
    }

    /// The id of the message created since `since` that carries `client_id`.
    async fn find_client_message(
        &self,
        client_id: &str,
        since: OffsetDateTime,
        options: &SendMessageOptions<'_>,
    ) -> azure_core::Result<Option<String>> {
        let messages = self.list_messages(Some(ListMessagesOptions {
            start_time: Some(since),
            max_page_size: Some(200),
            method_options: options.method_options.clone(),
            ..Default::default()
        }));
        futures::pin_mut!(messages);
        while let Some(message) = messages.try_next().await? {
            if message.client_message_id() == Some(client_id) {
                return Ok(Some(message.id));
            }
        }
        Ok(None)
    }

    /// One message.
    ///
    /// # Errors
    ///
    /// When `message_id` is empty (before any request), or the service refuses the request.
    #[tracing::instrument(name = "acs_chat.get_message", skip_all, fields(thread_id = %self.thread_id), err)]
    pub async fn get_message(
        &self,
        message_id: &str,
        options: Option<GetMessageOptions<'_>>,
    ) -> azure_core::Result<ChatMessage> {
        path_segment("message_id", message_id)?;
        let options = options.unwrap_or_default();
        let response = self
            .ops()
            .get_chat_message(
                &self.thread_id,
                message_id,
                Some(ChatThreadGetChatMessageOptions { method_options: options.method_options }),
            )
            .await?;
        convert::message(response.into_model()?)
    }

    /// The thread's messages, newest first, as a lazy stream that requests page after page
    /// ([`ChatPager`]). System messages (topic and participant changes) are included; deleted
    /// messages are included with [`deleted_on`](ChatMessage::deleted_on) set and no content.
    ///
    /// An unusable continuation is yielded as an error; the service judges the other options.
    pub fn list_messages(&self, options: Option<ListMessagesOptions<'_>>) -> ChatPager<ChatMessage> {
        let span = tracing::info_span!("acs_chat.list_messages", thread_id = %self.thread_id);
        let options = options.unwrap_or_default();
        let (start_time, max_page_size) = (options.start_time, options.max_page_size);
        list(
            span,
            self.endpoint(),
            options.method_options,
            options.continuation,
            |method_options| {
                let max_page_size = wire_count("max_page_size", max_page_size)?;
                self.ops().list_chat_messages(
                    &self.thread_id,
                    Some(ChatThreadListChatMessagesOptions { max_page_size, start_time, method_options }),
                )
            },
            |page: wire::ChatMessagesCollection| (page.value, page.next_link),
            convert::message,
        )
    }

    /// Changes a message's content and/or metadata (only its sender may); fields left `None`
    /// are not changed.
    ///
    /// # Errors
    ///
    /// When `message_id` is empty (before any request), or the service refuses the request.
    #[tracing::instrument(name = "acs_chat.update_message", skip_all, fields(thread_id = %self.thread_id), err)]
    pub async fn update_message(
        &self,
        message_id: &str,
        options: Option<UpdateMessageOptions<'_>>,
    ) -> azure_core::Result<()> {
        path_segment("message_id", message_id)?;
        let options = options.unwrap_or_default();
        let request = wire::UpdateChatMessageRequest {
            content: options.content,
            metadata: options.metadata.map(convert::metadata_patch),
        };
        self.ops()
            .update_chat_message(
                &self.thread_id,
                message_id,
                request.try_into()?,
                Some(ChatThreadUpdateChatMessageOptions { method_options: options.method_options }),
            )
            .await?;
        Ok(())
    }

    /// Deletes a message (only its sender may).
    ///
    /// # Errors
    ///
    /// When `message_id` is empty (before any request), or the service refuses the request.
    #[tracing::instrument(name = "acs_chat.delete_message", skip_all, fields(thread_id = %self.thread_id), err)]
    pub async fn delete_message(
        &self,
        message_id: &str,
        options: Option<DeleteMessageOptions<'_>>,
    ) -> azure_core::Result<()> {
        path_segment("message_id", message_id)?;
        let options = options.unwrap_or_default();
        self.ops()
            .delete_chat_message(
                &self.thread_id,
                message_id,
                Some(ChatThreadDeleteChatMessageOptions { method_options: options.method_options }),
            )
            .await?;
        Ok(())
    }
}
