//! [`ChatClient`]: threads of the user the credential belongs to.

use crate::convert;
use crate::models::{ChatThreadItem, CreateChatThreadResult};
use crate::options::{ChatClientOptions, CreateChatThreadOptions, DeleteChatThreadOptions, ListChatThreadsOptions};
use crate::pager::{list, ChatPager};
use crate::thread::ChatThreadClient;
use crate::typing::TypingThrottle;
use acs_chat_models as wire;
use acs_chat_rest::ChatRestClient;
use acs_chat_rest::{ChatCreateChatThreadOptions, ChatDeleteChatThreadOptions, ChatListChatThreadsOptions};
use acs_common::args::{header_value, path_segment, wire_count};
use acs_common::{BearerTokenPolicy, CommunicationTokenCredential};
use acs_rest_core::{ClientCore, CoreOptions};
use azure_core::http::Url;
use std::fmt;
use std::sync::Arc;

/// The api-version this crate sends unless told otherwise
/// ([`ChatClientOptions::api_version`]).
pub const DEFAULT_API_VERSION: &str = acs_chat_rest::DEFAULT_API_VERSION;

/// The client for the chat threads of one user: create, list and delete threads, and make a
/// [`ChatThreadClient`] for each thread.
///
/// Cloning is cheap: clones share the HTTP pipeline and the credential.
///
/// # Example
///
/// ```no_run
/// use acs_chat::{ChatClient, CreateChatThreadOptions};
/// use acs_common::CommunicationTokenCredential;
///
/// # async fn demo(user_token: String) -> azure_core::Result<()> {
/// let credential = CommunicationTokenCredential::new(user_token)?;
/// let chat = ChatClient::new("https://contoso.communication.azure.com", credential, None)?;
/// let created = chat.create_chat_thread("Lunch", None).await?;
/// let thread = chat.chat_thread_client(&created.thread.id)?;
/// thread.send_message("Hello", None).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ChatClient {
    rest: Arc<ChatRestClient>,
    typing: TypingThrottle,
}

impl fmt::Debug for ChatClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChatClient")
            .field("endpoint", &self.rest.endpoint().as_str())
            .field("api_version", &self.rest.api_version())
            .finish_non_exhaustive()
    }
}

/// Checks the endpoint and builds the generated client on a pipeline of its own, with the
/// user-token policy, naming this crate in the `User-Agent`.
pub(crate) fn rest_client(
    endpoint: &str,
    credential: CommunicationTokenCredential,
    options: Option<ChatClientOptions>,
) -> azure_core::Result<ChatRestClient> {
    let options = options.unwrap_or_default();
    let url = acs_common::security::parse_endpoint("endpoint", endpoint)?;
    let core = ClientCore::new(
        url,
        Arc::new(BearerTokenPolicy::new(credential)),
        CoreOptions {
            client_options: options.client_options,
            api_version: options.api_version.unwrap_or_else(|| DEFAULT_API_VERSION.to_owned()),
            limits: options.limits,
        },
        (env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")),
    )?;
    Ok(ChatRestClient::from_core(core))
}

impl ChatClient {
    /// A client for the ACS resource at `endpoint` (for example
    /// `https://contoso.communication.azure.com`), acting as the user of `credential`.
    ///
    /// No request is made.
    ///
    /// # Errors
    ///
    /// When `endpoint` is not an absolute URL of scheme, host and port only, is not `https` (plain
    /// `http` is allowed for loopback hosts only, for the emulator), the api-version is empty, or
    /// the user-agent application id is invalid.
    pub fn new(
        endpoint: &str,
        credential: CommunicationTokenCredential,
        options: Option<ChatClientOptions>,
    ) -> azure_core::Result<Self> {
        Ok(Self { rest: Arc::new(rest_client(endpoint, credential, options)?), typing: TypingThrottle::default() })
    }

    /// The endpoint requests go to.
    pub fn endpoint(&self) -> &Url {
        self.rest.endpoint()
    }

    /// The api-version sent with every request.
    pub fn api_version(&self) -> &str {
        self.rest.api_version()
    }

    /// A client for one thread, sharing this client's pipeline, credential and
    /// typing-notification throttle. No request is made (the thread need not exist yet).
    ///
    /// # Errors
    ///
    /// When `thread_id` is empty.
    pub fn chat_thread_client(&self, thread_id: &str) -> azure_core::Result<ChatThreadClient> {
        ChatThreadClient::from_parts(Arc::clone(&self.rest), self.typing.clone(), thread_id)
    }

    /// Creates a thread with `topic`; the caller becomes a participant.
    ///
    /// Participants the service refuses do not make the call fail: they are in
    /// [`CreateChatThreadResult::failed_participants`], each matched by raw id to the
    /// participant of the request.
    ///
    /// The request carries a `repeatability-request-id` (the
    /// [`idempotency_token`](CreateChatThreadOptions::idempotency_token), or a UUID v4 made
    /// for this call), the same on every retry, so a retried request never makes two threads.
    ///
    /// # Errors
    ///
    /// When the idempotency token is empty (before any request), or the service refuses the
    /// request (for example an empty topic).
    #[tracing::instrument(name = "acs_chat.create_chat_thread", skip_all, fields(thread_id), err)]
    pub async fn create_chat_thread(
        &self,
        topic: &str,
        options: Option<CreateChatThreadOptions<'_>>,
    ) -> azure_core::Result<CreateChatThreadResult> {
        let options = options.unwrap_or_default();
        let token = match options.idempotency_token {
            Some(token) => {
                header_value("idempotency_token", &token)?;
                token
            }
            None => azure_core::Uuid::new_v4().to_string(),
        };
        let request = wire::CreateChatThreadRequest {
            topic: topic.to_owned(),
            participants: Some(options.participants.iter().map(convert::participant_to_wire).collect()),
            metadata: options.metadata,
            retention_policy: options.retention_policy,
        };
        let rest_options = ChatCreateChatThreadOptions {
            repeatability_request_id: Some(token),
            method_options: options.method_options,
        };
        let result = self.rest.chat().create_chat_thread(request.try_into()?, Some(rest_options)).await?;
        let result = result.into_model()?;
        let thread = convert::created_thread(result.chat_thread)?;
        tracing::Span::current().record("thread_id", thread.id.as_str());
        let failed_participants =
            convert::pair_failures(&options.participants, result.invalid_participants.unwrap_or_default());
        Ok(CreateChatThreadResult { thread, failed_participants })
    }

    /// The threads the user is a participant of, most recently active first, as a lazy stream
    /// that requests page after page ([`ChatPager`]).
    ///
    /// An unusable continuation is yielded as an error; the service judges the other options.
    pub fn list_chat_threads(&self, options: Option<ListChatThreadsOptions<'_>>) -> ChatPager<ChatThreadItem> {
        let span = tracing::info_span!("acs_chat.list_chat_threads");
        let options = options.unwrap_or_default();
        let (start_time, max_page_size) = (options.start_time, options.max_page_size);
        list(
            span,
            self.endpoint(),
            options.method_options,
            options.continuation,
            |method_options| {
                let max_page_size = wire_count("max_page_size", max_page_size)?;
                self.rest.chat().list_chat_threads(Some(ChatListChatThreadsOptions {
                    max_page_size,
                    start_time,
                    method_options,
                }))
            },
            |page: wire::ChatThreadsItemCollection| (page.value, page.next_link),
            convert::thread_item,
        )
    }

    /// Deletes a thread (for every participant).
    ///
    /// # Errors
    ///
    /// When `thread_id` is empty (before any request), or the service refuses the request.
    #[tracing::instrument(name = "acs_chat.delete_chat_thread", skip_all, fields(thread_id), err)]
    pub async fn delete_chat_thread(
        &self,
        thread_id: &str,
        options: Option<DeleteChatThreadOptions<'_>>,
    ) -> azure_core::Result<()> {
        tracing::Span::current().record("thread_id", thread_id);
        path_segment("thread_id", thread_id)?;
        let options = options.unwrap_or_default();
        self.rest
            .chat()
            .delete_chat_thread(thread_id, Some(ChatDeleteChatThreadOptions { method_options: options.method_options }))
            .await?;
        Ok(())
    }
}
