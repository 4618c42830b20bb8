//! [`ChatThreadClient`]: one thread's properties, messages, participants, read receipts and
//! typing notifications.

use crate::client::rest_client;
use crate::models::{
    convert, ChatMessage, ChatMessageReadReceipt, ChatParticipant, ChatThreadProperties, ParticipantFailure,
    SendChatMessageResult,
};
use crate::options::*;
use crate::pager::{convert_pages, pager_options, wire_count, ChatPager};
use crate::validate::{json_body, non_blank, non_empty};
use crate::watch::{self, ChatEventStream};
use acs_chat_models as wire;
use acs_chat_rest::*;
use acs_common::error::invalid_argument;
use acs_common::{CommunicationIdentifier, CommunicationTokenCredential};
use azure_core::http::Url;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::time::Instant;
use tracing::Instrument;

/// The span of an operation on the thread: `acs_chat.<operation>` with the thread id (never
/// a token or message content).
macro_rules! op_span {
    ($client:expr, $name:literal $(, $($field:tt)*)?) => {
        tracing::info_span!(concat!("acs_chat.", $name), thread_id = &*$client.thread_id $(, $($field)*)?)
    };
}

/// The shortest time between two typing notifications of one [`ChatThreadClient`] (8 seconds,
/// as in the official JavaScript SDK). Calls within it send nothing.
pub const TYPING_NOTIFICATION_INTERVAL: Duration = Duration::from_secs(8);

/// The client for one chat thread, from [`ChatClient::chat_thread_client`](crate::ChatClient::chat_thread_client)
/// or [`ChatThreadClient::new`].
///
/// Cloning is cheap; clones share the pipeline, the credential and the typing-notification
/// throttle.
#[derive(Clone)]
pub struct ChatThreadClient {
    rest: Arc<ChatRestClient>,
    thread_id: Arc<str>,
    /// When the last typing notification was sent (claimed before sending).
    last_typing: Arc<Mutex<Option<Instant>>>,
}

impl fmt::Debug for ChatThreadClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChatThreadClient")
            .field("endpoint", &self.rest.endpoint().as_str())
            .field("thread_id", &&*self.thread_id)
            .finish_non_exhaustive()
    }
}

impl ChatThreadClient {
    /// A client for thread `thread_id` of the ACS resource at `endpoint`, acting as the user of
    /// `credential`; the same as [`ChatClient::new`](crate::ChatClient::new) followed by
    /// [`chat_thread_client`](crate::ChatClient::chat_thread_client).
    ///
    /// # Errors
    ///
    /// As [`ChatClient::new`](crate::ChatClient::new), and when `thread_id` is empty.
    pub fn new(
        endpoint: &str,
        credential: CommunicationTokenCredential,
        thread_id: &str,
        options: Option<ChatClientOptions>,
    ) -> azure_core::Result<Self> {
        non_blank("thread_id", thread_id)?;
        Self::from_rest(Arc::new(rest_client(endpoint, credential, options)?), thread_id)
    }

    pub(crate) fn from_rest(rest: Arc<ChatRestClient>, thread_id: &str) -> azure_core::Result<Self> {
        non_blank("thread_id", thread_id)?;
        Ok(Self { rest, thread_id: Arc::from(thread_id), last_typing: Arc::new(Mutex::new(None)) })
    }

    /// The thread's id.
    pub fn thread_id(&self) -> &str {
        &self.thread_id
    }

    /// The endpoint requests go to.
    pub fn endpoint(&self) -> &Url {
        self.rest.endpoint()
    }

    fn ops(&self) -> ChatThreadOperations<'_> {
        self.rest.chat_thread()
    }

    // ----- properties -----

    /// The thread's properties.
    ///
    /// # Errors
    ///
    /// When the service refuses the request (for example 403 for a non-participant, 404 for a
    /// deleted thread).
    pub async fn get_properties(
        &self,
        options: Option<GetChatThreadPropertiesOptions<'_>>,
    ) -> azure_core::Result<ChatThreadProperties> {
        async {
            let options = options.unwrap_or_default();
            let response = self
                .ops()
                .get_chat_thread_properties(
                    &self.thread_id,
                    Some(ChatThreadGetChatThreadPropertiesOptions { method_options: options.method_options }),
                )
                .await?;
            convert::thread_properties(response.into_model()?)
        }
        .instrument(op_span!(self, "get_properties"))
        .await
    }

    /// Changes the thread's topic.
    ///
    /// # Errors
    ///
    /// When `topic` is empty (before any request), or the service refuses the request.
    pub async fn update_topic(&self, topic: &str, options: Option<UpdateTopicOptions<'_>>) -> azure_core::Result<()> {
        non_empty("topic", topic)?;
        let options = options.unwrap_or_default();
        self.update_properties(Some(UpdateChatThreadPropertiesOptions {
            topic: Some(topic.to_owned()),
            method_options: options.method_options,
            ..Default::default()
        }))
        .await
    }

    /// Changes the topic, metadata and retention policy together; fields left `None` are not
    /// changed.
    ///
    /// # Errors
    ///
    /// When the topic is `Some("")` (before any request), or the service refuses the request.
    pub async fn update_properties(
        &self,
        options: Option<UpdateChatThreadPropertiesOptions<'_>>,
    ) -> azure_core::Result<()> {
        async {
            let options = options.unwrap_or_default();
            if let Some(topic) = &options.topic {
                non_empty("topic", topic)?;
            }
            let request = wire::UpdateChatThreadRequest {
                topic: options.topic,
                metadata: options.metadata.map(crate::models::convert::metadata_patch),
                retention_policy: options.retention_policy.as_ref().map(convert::retention_policy_to_wire),
            };
            self.ops()
                .update_chat_thread_properties(
                    &self.thread_id,
                    json_body(&request)?,
                    Some(ChatThreadUpdateChatThreadPropertiesOptions { method_options: options.method_options }),
                )
                .await?;
            Ok(())
        }
        .instrument(op_span!(self, "update_properties"))
        .await
    }

    // ----- messages -----

    /// Sends a message and returns its id. Also resets the typing-notification throttle, as the
    /// official JavaScript SDK does: the next
    /// [`send_typing_notification`](Self::send_typing_notification) goes out at once.
    ///
    /// # Errors
    ///
    /// When `content` is empty or the message type is one the service writes itself (before any
    /// request), or the service refuses the request.
    pub async fn send_message(
        &self,
        content: &str,
        options: Option<SendChatMessageOptions<'_>>,
    ) -> azure_core::Result<SendChatMessageResult> {
        async {
            non_empty("content", content)?;
            let options = options.unwrap_or_default();
            if options.message_type.is_system() {
                return Err(invalid_argument(
                    "message_type",
                    format!("`{}` messages are written by the service; send text or html", options.message_type),
                ));
            }
            let request = wire::SendChatMessageRequest {
                content: content.to_owned(),
                sender_display_name: options.sender_display_name,
                r#type: Some((&options.message_type).into()),
                metadata: options.metadata,
            };
            let response = self
                .ops()
                .send_chat_message(
                    &self.thread_id,
                    json_body(&request)?,
                    Some(ChatThreadSendChatMessageOptions { method_options: options.method_options }),
                )
                .await?;
            let id = response.into_model()?.id;
            tracing::Span::current().record("message_id", id.as_str());
            *self.last_typing.lock().unwrap_or_else(PoisonError::into_inner) = None;
            Ok(SendChatMessageResult { id })
        }
        .instrument(op_span!(self, "send_message", message_id = tracing::field::Empty))
        .await
    }

    /// One message.
    ///
    /// # Errors
    ///
    /// When `message_id` is empty (before any request), or the service refuses the request.
    pub async fn get_message(
        &self,
        message_id: &str,
        options: Option<GetChatMessageOptions<'_>>,
    ) -> azure_core::Result<ChatMessage> {
        async {
            non_blank("message_id", message_id)?;
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
        .instrument(op_span!(self, "get_message"))
        .await
    }

    /// The thread's messages, newest first, as a lazy stream that requests page after page
    /// ([`ChatPager`]). System messages (topic and participant changes) are included; deleted
    /// messages are included with [`deleted_on`](ChatMessage::deleted_on) set and no content.
    ///
    /// Invalid options (a page size of 0, an unusable continuation) are yielded as an error.
    pub fn list_messages(&self, options: Option<ListChatMessagesOptions<'_>>) -> ChatPager<ChatMessage> {
        let span = op_span!(self, "list_messages");
        let pages = (|| {
            let options = options.unwrap_or_default();
            let max_page_size = wire_count("max_page_size", options.max_page_size, false)?;
            let method_options = pager_options(self.endpoint(), options.method_options, options.continuation)?;
            let pager = self.ops().list_chat_messages(
                &self.thread_id,
                Some(ChatThreadListChatMessagesOptions {
                    max_page_size,
                    start_time: options.start_time,
                    method_options,
                }),
            )?;
            Ok(convert_pages(
                pager,
                self.endpoint().clone(),
                |page: wire::ChatMessagesCollection| (page.value, page.next_link),
                convert::message,
            ))
        })();
        match pages {
            Ok(pages) => ChatPager::new(pages, span),
            Err(error) => ChatPager::failed(error, span),
        }
    }

    /// Changes a message's content and/or metadata (only its sender may); fields left `None`
    /// are not changed.
    ///
    /// # Errors
    ///
    /// When `message_id` or the new content is empty (before any request), or the service
    /// refuses the request.
    pub async fn update_message(
        &self,
        message_id: &str,
        options: Option<UpdateChatMessageOptions<'_>>,
    ) -> azure_core::Result<()> {
        async {
            non_blank("message_id", message_id)?;
            let options = options.unwrap_or_default();
            if let Some(content) = &options.content {
                non_empty("content", content)?;
            }
            let request = wire::UpdateChatMessageRequest {
                content: options.content,
                metadata: options.metadata.map(crate::models::convert::metadata_patch),
            };
            self.ops()
                .update_chat_message(
                    &self.thread_id,
                    message_id,
                    json_body(&request)?,
                    Some(ChatThreadUpdateChatMessageOptions { method_options: options.method_options }),
                )
                .await?;
            Ok(())
        }
        .instrument(op_span!(self, "update_message"))
        .await
    }

    /// Deletes a message (only its sender may).
    ///
    /// # Errors
    ///
    /// When `message_id` is empty (before any request), or the service refuses the request.
    pub async fn delete_message(
        &self,
        message_id: &str,
        options: Option<DeleteChatMessageOptions<'_>>,
    ) -> azure_core::Result<()> {
        async {
            non_blank("message_id", message_id)?;
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
        .instrument(op_span!(self, "delete_message"))
        .await
    }

    // ----- participants -----

    /// The thread's participants, as a lazy stream that requests page after page
    /// ([`ChatPager`]).
    ///
    /// Invalid options (a page size of 0, an unusable continuation) are yielded as an error.
    pub fn list_participants(&self, options: Option<ListChatParticipantsOptions<'_>>) -> ChatPager<ChatParticipant> {
        let span = op_span!(self, "list_participants");
        let pages = (|| {
            let options = options.unwrap_or_default();
            let max_page_size = wire_count("max_page_size", options.max_page_size, false)?;
            let skip = wire_count("skip", options.skip, true)?;
            let method_options = pager_options(self.endpoint(), options.method_options, options.continuation)?;
            let pager = self.ops().list_chat_participants(
                &self.thread_id,
                Some(ChatThreadListChatParticipantsOptions { max_page_size, skip, method_options }),
            )?;
            Ok(convert_pages(
                pager,
                self.endpoint().clone(),
                |page: wire::ChatParticipantsCollection| (page.value, page.next_link),
                convert::participant,
            ))
        })();
        match pages {
            Ok(pages) => ChatPager::new(pages, span),
            Err(error) => ChatPager::failed(error, span),
        }
    }

    /// Adds participants. Participants the service refuses do not make the call fail: they are
    /// returned, each matched by raw id to the participant of the request (an empty list when
    /// all were added). An empty `participants` makes no request and returns an empty list.
    ///
    /// # Errors
    ///
    /// When the service refuses the whole request.
    pub async fn add_participants(
        &self,
        participants: Vec<ChatParticipant>,
        options: Option<AddChatParticipantsOptions<'_>>,
    ) -> azure_core::Result<Vec<ParticipantFailure>> {
        async {
            if participants.is_empty() {
                return Ok(Vec::new());
            }
            let options = options.unwrap_or_default();
            let request = wire::AddChatParticipantsRequest {
                participants: participants.iter().map(convert::participant_to_wire).collect(),
            };
            let response = self
                .ops()
                .add_chat_participants(
                    &self.thread_id,
                    json_body(&request)?,
                    Some(ChatThreadAddChatParticipantsOptions { method_options: options.method_options }),
                )
                .await?;
            let errors = response.into_model()?.invalid_participants.unwrap_or_default();
            Ok(convert::pair_failures(&participants, errors))
        }
        .instrument(op_span!(self, "add_participants"))
        .await
    }

    /// Removes a participant (of any identifier kind).
    ///
    /// # Errors
    ///
    /// When the identifier's raw id is empty (before any request), or the service refuses the
    /// request.
    pub async fn remove_participant(
        &self,
        identifier: &CommunicationIdentifier,
        options: Option<RemoveChatParticipantOptions<'_>>,
    ) -> azure_core::Result<()> {
        async {
            non_blank("identifier", identifier.raw_id())?;
            let options = options.unwrap_or_default();
            let model = wire::CommunicationIdentifierModel::from(identifier);
            self.ops()
                .remove_chat_participant(
                    &self.thread_id,
                    json_body(&model)?,
                    Some(ChatThreadRemoveChatParticipantOptions { method_options: options.method_options }),
                )
                .await?;
            Ok(())
        }
        .instrument(op_span!(self, "remove_participant"))
        .await
    }

    // ----- read receipts and typing -----

    /// Marks the messages up to `message_id` as read by the user.
    ///
    /// # Errors
    ///
    /// When `message_id` is empty (before any request), or the service refuses the request.
    pub async fn send_read_receipt(
        &self,
        message_id: &str,
        options: Option<SendReadReceiptOptions<'_>>,
    ) -> azure_core::Result<()> {
        async {
            non_blank("message_id", message_id)?;
            let options = options.unwrap_or_default();
            let request = wire::SendReadReceiptRequest { chat_message_id: message_id.to_owned() };
            self.ops()
                .send_chat_read_receipt(
                    &self.thread_id,
                    json_body(&request)?,
                    Some(ChatThreadSendChatReadReceiptOptions { method_options: options.method_options }),
                )
                .await?;
            Ok(())
        }
        .instrument(op_span!(self, "send_read_receipt"))
        .await
    }

    /// The thread's read receipts, as a lazy stream that requests page after page
    /// ([`ChatPager`]).
    ///
    /// Invalid options (a page size of 0, an unusable continuation) are yielded as an error.
    pub fn list_read_receipts(
        &self,
        options: Option<ListReadReceiptsOptions<'_>>,
    ) -> ChatPager<ChatMessageReadReceipt> {
        let span = op_span!(self, "list_read_receipts");
        let pages = (|| {
            let options = options.unwrap_or_default();
            let max_page_size = wire_count("max_page_size", options.max_page_size, false)?;
            let skip = wire_count("skip", options.skip, true)?;
            let method_options = pager_options(self.endpoint(), options.method_options, options.continuation)?;
            let pager = self.ops().list_chat_read_receipts(
                &self.thread_id,
                Some(ChatThreadListChatReadReceiptsOptions { max_page_size, skip, method_options }),
            )?;
            Ok(convert_pages(
                pager,
                self.endpoint().clone(),
                |page: wire::ChatMessageReadReceiptsCollection| (page.value, page.next_link),
                convert::read_receipt,
            ))
        })();
        match pages {
            Ok(pages) => ChatPager::new(pages, span),
            Err(error) => ChatPager::failed(error, span),
        }
    }

    /// Tells the other participants that the user is typing. Returns whether a notification
    /// was sent.
    ///
    /// Like the official JavaScript SDK, a client sends at most one notification per
    /// [`TYPING_NOTIFICATION_INTERVAL`] (8 s): a call sooner after the last one sent makes no
    /// request and returns `false`, unless
    /// [`ignore_throttle`](SendTypingNotificationOptions::ignore_throttle) is set. Sending a
    /// message resets the throttle. A notification that fails does not count.
    ///
    /// # Errors
    ///
    /// When the service refuses the request.
    pub async fn send_typing_notification(
        &self,
        options: Option<SendTypingNotificationOptions<'_>>,
    ) -> azure_core::Result<bool> {
        let span = op_span!(self, "send_typing_notification", sent = tracing::field::Empty);
        async {
            let options = options.unwrap_or_default();
            let now = Instant::now();
            let previous = {
                let mut last = self.last_typing.lock().unwrap_or_else(PoisonError::into_inner);
                let throttled = last.is_some_and(|at| now.saturating_duration_since(at) < TYPING_NOTIFICATION_INTERVAL);
                if throttled && !options.ignore_throttle {
                    tracing::Span::current().record("sent", false);
                    return Ok(false);
                }
                last.replace(now)
            };
            let request = wire::SendTypingNotificationRequest { sender_display_name: options.sender_display_name };
            let result = match json_body(&request) {
                Ok(body) => {
                    self.ops()
                        .send_typing_notification(
                            &self.thread_id,
                            Some(ChatThreadSendTypingNotificationOptions {
                                send_typing_notification_request: Some(body),
                                method_options: options.method_options,
                            }),
                        )
                        .await
                }
                Err(error) => Err(error),
            };
            if let Err(error) = result {
                let mut last = self.last_typing.lock().unwrap_or_else(PoisonError::into_inner);
                if *last == Some(now) {
                    *last = previous;
                }
                return Err(error);
            }
            tracing::Span::current().record("sent", true);
            Ok(true)
        }
        .instrument(span)
        .await
    }

    // ----- watching -----

    /// Watches the thread: a stream of [`ChatThreadEvent`](crate::ChatThreadEvent)s (messages
    /// received, edited and deleted; topic changes; participants added and removed), made by
    /// polling [`list_messages`](Self::list_messages). It works against Azure and the
    /// emulator alike, outside the browser, where the official SDKs offer no events.
    ///
    /// How it works, and its limits:
    ///
    /// * Each poll lists the messages created since a moving start time: the creation time of
    ///   the newest message seen, minus [`edit_window`](WatchMessagesOptions::edit_window).
    ///   The service filters `startTime` on creation time, and an edit or deletion does not
    ///   change a message's creation time; looking back over the window is what lets a poll see
    ///   edits and deletions of recent messages. **Edits and deletions of messages created more
    ///   than `edit_window` before the newest message are not reported.**
    /// * Messages are told apart by id and version: a new id is a new message (or a topic or
    ///   participant change), a new version an edit, a new version with `deletedOn` a
    ///   deletion. Each change is reported once, and the events of one poll come in the order
    ///   they happened (creation, edit or deletion time; within one millisecond, creations
    ///   first).
    /// * Changes are seen one poll late at most ([`poll_interval`](WatchMessagesOptions::poll_interval)).
    ///   Several edits between two polls are reported as one edit. A message created and then
    ///   edited or deleted between two polls is reported as received and then edited or deleted
    ///   (both events carry the message as the poll found it), so the sequence of events does
    ///   not depend on when the polls happen.
    /// * Without [`start_time`](WatchMessagesOptions::start_time), the first poll only records
    ///   what exists (looking back `edit_window`, which also absorbs clock differences between
    ///   this machine and the service up to that much).
    /// * Transient failures (429, 5xx, connection errors, after the pipeline's own retries) are
    ///   retried with exponential back-off up to
    ///   [`max_backoff`](WatchMessagesOptions::max_backoff); other errors (401 after revocation,
    ///   403 after removal, 404 after deletion, …) are yielded and end the stream.
    /// * Each poll costs one request per page of messages in the window, so keep the window
    ///   small on very busy threads.
    /// * Nothing runs in the background: polls happen while the stream is polled, and dropping
    ///   the stream stops everything. The waits between polls use Tokio's timer, so the stream
    ///   must be polled on a Tokio runtime (as `azure_core`'s default HTTP transport requires).
    ///
    /// Typing notifications and read receipts are not messages and are not reported.
    pub fn watch_messages(&self, options: Option<WatchMessagesOptions>) -> ChatEventStream {
        watch::watch(self.clone(), options.unwrap_or_default())
    }
}
