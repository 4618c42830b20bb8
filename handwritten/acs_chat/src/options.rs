//! Options: one struct per operation, every field optional, `Default` for "none of them".
//!
//! Every struct has a `method_options` field with the `azure_core` per-call
//! [`ClientMethodOptions`] (its `context` reaches every policy of the pipeline).

use crate::models::{ChatMessageType, ChatParticipant, ChatRetentionPolicy, Metadata};
use azure_core::http::{ClientMethodOptions, ClientOptions};
use std::time::Duration;
use time::OffsetDateTime;

/// Options of [`ChatClient::new`](crate::ChatClient::new).
#[derive(Clone, Debug, Default)]
pub struct ChatClientOptions {
    /// The `azure_core` pipeline options: retry, transport, per-call and per-try policies,
    /// logging, user agent.
    pub client_options: ClientOptions,
    /// The api-version sent with every request; [`DEFAULT_API_VERSION`](crate::DEFAULT_API_VERSION)
    /// when `None`.
    pub api_version: Option<String>,
    /// Bounds on each call: deadline, response size, `Retry-After`, pages (see
    /// [`acs_rest_core::Limits`]).
    pub limits: acs_rest_core::Limits,
}

macro_rules! plain_options {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Debug, Default)]
        pub struct $name<'a> {
            /// Per-call `azure_core` options (context).
            pub method_options: ClientMethodOptions<'a>,
        }
    )*};
}

plain_options! {
    /// Options of [`ChatClient::delete_chat_thread`](crate::ChatClient::delete_chat_thread).
    DeleteChatThreadOptions;
    /// Options of [`ChatThreadClient::get_properties`](crate::ChatThreadClient::get_properties).
    GetPropertiesOptions;
    /// Options of [`ChatThreadClient::update_topic`](crate::ChatThreadClient::update_topic).
    UpdateTopicOptions;
    /// Options of [`ChatThreadClient::get_message`](crate::ChatThreadClient::get_message).
    GetMessageOptions;
    /// Options of [`ChatThreadClient::delete_message`](crate::ChatThreadClient::delete_message).
    DeleteMessageOptions;
    /// Options of [`ChatThreadClient::add_participants`](crate::ChatThreadClient::add_participants).
    AddParticipantsOptions;
    /// Options of [`ChatThreadClient::remove_participant`](crate::ChatThreadClient::remove_participant).
    RemoveParticipantOptions;
    /// Options of [`ChatThreadClient::send_read_receipt`](crate::ChatThreadClient::send_read_receipt).
    SendReadReceiptOptions;
}

/// Options of [`ChatClient::create_chat_thread`](crate::ChatClient::create_chat_thread).
#[derive(Clone, Debug, Default)]
pub struct CreateChatThreadOptions<'a> {
    /// The participants to add. The creator is always a participant, listed or not.
    pub participants: Vec<ChatParticipant>,
    /// Makes the request repeatable: a second request with the same token returns the thread
    /// the first one made instead of making another (sent as `repeatability-request-id`). A
    /// new UUID v4 is made for each call when `None`, and kept across the pipeline's retries.
    pub idempotency_token: Option<String>,
    /// The thread's metadata.
    pub metadata: Option<Metadata>,
    /// When the service deletes the thread by itself.
    pub retention_policy: Option<ChatRetentionPolicy>,
    /// Per-call `azure_core` options (context).
    pub method_options: ClientMethodOptions<'a>,
}

/// Options of [`ChatClient::list_chat_threads`](crate::ChatClient::list_chat_threads).
#[derive(Clone, Debug, Default)]
pub struct ListChatThreadsOptions<'a> {
    /// The most threads per page (the service's default when `None`; must not be 0).
    pub max_page_size: Option<u32>,
    /// Only threads with activity at or after this time.
    pub start_time: Option<OffsetDateTime>,
    /// Resume from a page's [`continuation`](crate::ChatPage::continuation) instead of starting
    /// over (the other list parameters then come from the continuation).
    pub continuation: Option<String>,
    /// Per-call `azure_core` options (context).
    pub method_options: ClientMethodOptions<'a>,
}

/// Options of [`ChatThreadClient::update_properties`](crate::ChatThreadClient::update_properties).
/// Fields left `None` are not changed.
#[derive(Clone, Debug, Default)]
pub struct UpdatePropertiesOptions<'a> {
    /// The new topic (must not be empty).
    pub topic: Option<String>,
    /// The new metadata (replaces the thread's metadata).
    pub metadata: Option<Metadata>,
    /// The new retention policy.
    pub retention_policy: Option<ChatRetentionPolicy>,
    /// Per-call `azure_core` options (context).
    pub method_options: ClientMethodOptions<'a>,
}

/// Options of [`ChatThreadClient::send_message`](crate::ChatThreadClient::send_message).
#[derive(Clone, Debug, Default)]
pub struct SendMessageOptions<'a> {
    /// The kind of message: text when `None` (the service's default), or HTML.
    pub message_type: Option<ChatMessageType>,
    /// The sender's display name, shown in push notifications.
    pub sender_display_name: Option<String>,
    /// The message's metadata.
    pub metadata: Option<Metadata>,
    /// An id of the caller's choosing that makes sending safe to repeat (exactly once, as far as
    /// the service allows): it is kept in the message's metadata (under
    /// [`CLIENT_MESSAGE_ID_KEY`](crate::CLIENT_MESSAGE_ID_KEY)), and when a send fails with an
    /// unknown outcome the client looks for a message carrying it before sending again. Without
    /// it, such a failure is returned as is ([`ErrorExt::is_outcome_unknown`](crate::ErrorExt::is_outcome_unknown)).
    pub client_message_id: Option<String>,
    /// Per-call `azure_core` options (context).
    pub method_options: ClientMethodOptions<'a>,
}

/// Options of [`ChatThreadClient::list_messages`](crate::ChatThreadClient::list_messages).
#[derive(Clone, Debug, Default)]
pub struct ListMessagesOptions<'a> {
    /// The most messages per page (the service's default when `None`; must not be 0).
    pub max_page_size: Option<u32>,
    /// Only messages from this time on.
    pub start_time: Option<OffsetDateTime>,
    /// Resume from a page's [`continuation`](crate::ChatPage::continuation).
    pub continuation: Option<String>,
    /// Per-call `azure_core` options (context).
    pub method_options: ClientMethodOptions<'a>,
}

/// Options of [`ChatThreadClient::update_message`](crate::ChatThreadClient::update_message).
/// Fields left `None` are not changed.
#[derive(Clone, Debug, Default)]
pub struct UpdateMessageOptions<'a> {
    /// The new content (must not be empty).
    pub content: Option<String>,
    /// The new metadata.
    pub metadata: Option<Metadata>,
    /// Per-call `azure_core` options (context).
    pub method_options: ClientMethodOptions<'a>,
}

/// Options of [`ChatThreadClient::list_participants`](crate::ChatThreadClient::list_participants).
#[derive(Clone, Debug, Default)]
pub struct ListParticipantsOptions<'a> {
    /// The most participants per page (the service's default when `None`; must not be 0).
    pub max_page_size: Option<u32>,
    /// Skip this many participants.
    pub skip: Option<u32>,
    /// Resume from a page's [`continuation`](crate::ChatPage::continuation).
    pub continuation: Option<String>,
    /// Per-call `azure_core` options (context).
    pub method_options: ClientMethodOptions<'a>,
}

/// Options of [`ChatThreadClient::list_read_receipts`](crate::ChatThreadClient::list_read_receipts).
#[derive(Clone, Debug, Default)]
pub struct ListReadReceiptsOptions<'a> {
    /// The most read receipts per page (the service's default when `None`; must not be 0).
    pub max_page_size: Option<u32>,
    /// Skip this many read receipts.
    pub skip: Option<u32>,
    /// Resume from a page's [`continuation`](crate::ChatPage::continuation).
    pub continuation: Option<String>,
    /// Per-call `azure_core` options (context).
    pub method_options: ClientMethodOptions<'a>,
}

/// Options of [`ChatThreadClient::send_typing_notification`](crate::ChatThreadClient::send_typing_notification).
#[derive(Clone, Debug, Default)]
pub struct SendTypingNotificationOptions<'a> {
    /// The sender's display name, shown in push notifications.
    pub sender_display_name: Option<String>,
    /// Send even when the last typing notification of this client went out less than
    /// [`TYPING_NOTIFICATION_INTERVAL`](crate::TYPING_NOTIFICATION_INTERVAL) ago.
    pub ignore_throttle: bool,
    /// Per-call `azure_core` options (context).
    pub method_options: ClientMethodOptions<'a>,
}

/// Options of [`ChatThreadClient::watch_messages`](crate::ChatThreadClient::watch_messages).
///
/// ```
/// use acs_chat::WatchMessagesOptions;
/// use std::time::Duration;
///
/// let options = WatchMessagesOptions { poll_interval: Duration::from_millis(250), ..Default::default() };
/// assert_eq!(options.edit_window, Duration::from_secs(120));
/// ```
#[derive(Clone, Debug)]
pub struct WatchMessagesOptions {
    /// Time between two polls (1 s by default; must not be zero).
    pub poll_interval: Duration,
    /// How far back, from the newest message seen, each poll looks again for edits and
    /// deletions (2 minutes by default). Edits and deletions of messages created earlier than
    /// that are not reported (see [`watch_messages`](crate::ChatThreadClient::watch_messages)).
    pub edit_window: Duration,
    /// Report every message from this time on as new, first. When `None` (the default), only
    /// what happens after the watch starts is reported.
    pub start_time: Option<OffsetDateTime>,
    /// Page size of the polls (the service's default when `None`; must not be 0).
    pub max_page_size: Option<u32>,
    /// Longest wait between polls after failures (30 s by default); the wait doubles from
    /// `poll_interval` with each consecutive failure.
    pub max_backoff: Duration,
    /// End the stream with the error after this many consecutive transient failures (429,
    /// 5xx, connection errors). `None` (the default) keeps trying. Other errors (401, 403,
    /// 404, …) always end the stream.
    pub max_consecutive_failures: Option<u32>,
}

impl Default for WatchMessagesOptions {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(1),
            edit_window: Duration::from_secs(120),
            start_time: None,
            max_page_size: None,
            max_backoff: Duration::from_secs(30),
            max_consecutive_failures: None,
        }
    }
}
