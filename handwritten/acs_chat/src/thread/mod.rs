//! [`ChatThreadClient`]: one thread's properties (here), messages (`messages`), participants
//! (`participants`), read receipts and typing notifications (`receipts`).

mod messages;
mod participants;
mod receipts;

pub use messages::CLIENT_MESSAGE_ID_KEY;

use crate::client::rest_client;
use crate::convert;
use crate::models::ChatThreadProperties;
use crate::options::*;
use crate::typing::TypingThrottle;
use crate::watch::{self, ChatEventStream};
use acs_chat_models as wire;
use acs_chat_rest::*;
use acs_common::args::path_segment;
use acs_common::{CommunicationTokenCredential, ErrorExt};
use azure_core::http::Url;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

/// The client for one chat thread, from [`ChatClient::chat_thread_client`](crate::ChatClient::chat_thread_client)
/// or [`ChatThreadClient::new`].
///
/// Cloning is cheap; clones share the pipeline, the credential and the typing-notification
/// throttle (which all thread clients of one [`ChatClient`](crate::ChatClient) share too).
#[derive(Clone)]
pub struct ChatThreadClient {
    rest: Arc<ChatRestClient>,
    thread_id: Arc<str>,
    typing: TypingThrottle,
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
        path_segment("thread_id", thread_id)?;
        Self::from_parts(Arc::new(rest_client(endpoint, credential, options)?), TypingThrottle::default(), thread_id)
    }

    pub(crate) fn from_parts(
        rest: Arc<ChatRestClient>,
        typing: TypingThrottle,
        thread_id: &str,
    ) -> azure_core::Result<Self> {
        path_segment("thread_id", thread_id)?;
        Ok(Self { rest, thread_id: Arc::from(thread_id), typing })
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

    /// The thread's properties.
    ///
    /// # Errors
    ///
    /// When the service refuses the request (for example 403 for a non-participant, 404 for a
    /// deleted thread).
    #[tracing::instrument(name = "acs_chat.get_properties", skip_all, fields(thread_id = %self.thread_id), err)]
    pub async fn get_properties(
        &self,
        options: Option<GetPropertiesOptions<'_>>,
    ) -> azure_core::Result<ChatThreadProperties> {
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

    /// Changes the thread's topic.
    ///
    /// # Errors
    ///
    /// When the service refuses the request (for example an empty topic).
    pub async fn update_topic(&self, topic: &str, options: Option<UpdateTopicOptions<'_>>) -> azure_core::Result<()> {
        let options = options.unwrap_or_default();
        self.update_properties(Some(UpdatePropertiesOptions {
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
    /// When the service refuses the request.
    #[tracing::instrument(name = "acs_chat.update_properties", skip_all, fields(thread_id = %self.thread_id), err)]
    pub async fn update_properties(&self, options: Option<UpdatePropertiesOptions<'_>>) -> azure_core::Result<()> {
        let options = options.unwrap_or_default();
        let request = wire::UpdateChatThreadRequest {
            topic: options.topic,
            metadata: options.metadata.map(convert::metadata_patch),
            retention_policy: options.retention_policy,
        };
        self.ops()
            .update_chat_thread_properties(
                &self.thread_id,
                request.try_into()?,
                Some(ChatThreadUpdateChatThreadPropertiesOptions { method_options: options.method_options }),
            )
            .await?;
        Ok(())
    }

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

/// Sends a write that the service applies idempotently (adding or removing a participant,
/// marking a message read): when its outcome is unknown (the request may have been applied but
/// its answer was lost, see [`ErrorExt::is_outcome_unknown`]), it is sent once more, and
/// `already_done` says which error of that second try means the first one took effect.
async fn idempotent_write<T, F, Fut>(
    send: F,
    already_done: impl Fn(&azure_core::Error) -> Option<T>,
) -> azure_core::Result<T>
where
    F: Fn() -> Fut,
    Fut: Future<Output = azure_core::Result<T>>,
{
    match send().await {
        Err(error) if error.is_outcome_unknown() => {
            tracing::debug!("the outcome of an idempotent write is unknown: sending it again");
            match send().await {
                Err(again) => already_done(&again).ok_or(again),
                done => done,
            }
        }
        other => other,
    }
}
