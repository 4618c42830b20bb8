//! The HTTP API: routing, api-version checks, authentication, request parsing and the Chat and
//! Identity operations.

use crate::auth::{require_chat_scope, verify_bearer, verify_hmac, SignedRequest};
use crate::error::ApiError;
use crate::faults::{FaultAction, Faults};
use crate::limits::*;
use crate::paging::Cursor;
use crate::state::Store;
use crate::token::{Claims, TokenSigner};
use crate::TeamsExchange;
use acs_chat_models::{
    AddChatParticipantsRequest, ChatMessageReadReceiptsCollection, ChatMessagesCollection, ChatParticipantsCollection,
    ChatThreadsItemCollection, CommunicationIdentifierModel, CreateChatThreadRequest, SendChatMessageRequest,
    SendChatMessageResult, SendReadReceiptRequest, SendTypingNotificationRequest, UpdateChatMessageRequest,
    UpdateChatThreadRequest,
};
use acs_common::hmac::AccessKey;
use acs_identity_models::{
    CommunicationIdentity, CommunicationIdentityAccessToken, CommunicationIdentityAccessTokenRequest,
    CommunicationIdentityAccessTokenResult, CommunicationIdentityCreateRequest, CommunicationIdentityTokenScope,
    TeamsExtensionAssignmentCreateOrUpdateRequest, TeamsExtensionAssignmentResponse, TeamsUserExchangeTokenRequest,
};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use percent_encoding::{percent_decode_str, utf8_percent_encode, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use time::OffsetDateTime;

/// The Chat api-versions the emulator accepts: the pinned spec's and those today's official
/// SDKs send.
pub const CHAT_API_VERSIONS: &[&str] =
    &["2021-03-07", "2021-09-07", "2023-11-07", "2024-03-07", "2024-03-15-preview", "2024-09-01", "2025-03-15"];

/// The Identity api-versions the emulator accepts.
pub const IDENTITY_API_VERSIONS: &[&str] =
    &["2021-03-07", "2022-06-01", "2022-10-01", "2023-10-01", "2025-03-02-preview", "2025-06-30", "2026-09-23"];

/// Marks a response whose connection must be closed without answering (fault injection).
#[derive(Clone, Copy, Debug)]
pub(crate) struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DropConnection {}

/// Everything a request handler needs.
#[derive(Debug)]
pub(crate) struct AppState {
    pub(crate) store: Mutex<Store>,
    pub(crate) signer: TokenSigner,
    pub(crate) access_key: AccessKey,
    pub(crate) faults: Faults,
    pub(crate) teams: Mutex<TeamsExchange>,
    pub(crate) scheme: &'static str,
    pub(crate) local_addr: SocketAddr,
    pub(crate) default_token_lifetime: Duration,
}

impl AppState {
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Mints a token for an existing identity.
    pub(crate) fn mint_token(
        &self,
        store: &mut Store,
        raw_id: &str,
        scopes: &[String],
        expires_on: OffsetDateTime,
    ) -> Result<CommunicationIdentityAccessToken, ApiError> {
        let rev = store.token_generation(raw_id)?;
        let issued = OffsetDateTime::now_utc();
        let claims = Claims {
            skypeid: raw_id.strip_prefix("8:").unwrap_or(raw_id).to_owned(),
            scp: 1792,
            acs_scope: scopes.join(","),
            resource_id: store.resource_id().to_owned(),
            sub: raw_id.to_owned(),
            iat: issued.unix_timestamp(),
            exp: expires_on.unix_timestamp(),
            rev,
            jti: uuid::Uuid::new_v4().to_string(),
            pad: String::new(),
        };
        let token = self.signer.issue(claims.clone());
        Ok(model!(CommunicationIdentityAccessToken { token: token, expires_on: claims.expires_on() }))
    }
}

/// The router: one fallback handler does the routing, because ACS paths contain literal `:`
/// segments (`/participants/:add`) that route patterns cannot express.
pub(crate) fn router(state: Arc<AppState>) -> Router {
    Router::new().fallback(dispatch).with_state(state)
}

fn json_response<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => {
            let mut response = (status, body).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
            response
        }
        Err(error) => {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", error.to_string()).into_response()
        }
    }
}

fn empty(status: StatusCode) -> Response {
    (status, Body::empty()).into_response()
}

fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("The request body is required."));
    }
    serde_json::from_slice(body).map_err(|e| ApiError::bad_request(format!("The request body is not valid: {e}.")))
}

/// Which service a route belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Service {
    Chat,
    Identity,
}

/// The operations.
#[derive(Debug)]
enum Op {
    CreateThread,
    ListThreads,
    GetThread(String),
    UpdateThread(String),
    DeleteThread(String),
    SendMessage(String),
    ListMessages(String),
    GetMessage(String, String),
    UpdateMessage(String, String),
    DeleteMessage(String, String),
    ListParticipants(String),
    AddParticipants(String),
    RemoveParticipant(String),
    SendReadReceipt(String),
    ListReadReceipts(String),
    Typing(String),
    CreateIdentity,
    DeleteIdentity(String),
    IssueToken(String),
    RevokeTokens(String),
    TeamsUserExchange,
    TeamsExtensionExchange,
    GetAssignment(String, String),
    PutAssignment(String, String),
    DeleteAssignment(String, String),
}

impl Op {
    fn service(&self) -> Service {
        match self {
            Op::CreateIdentity
            | Op::DeleteIdentity(_)
            | Op::IssueToken(_)
            | Op::RevokeTokens(_)
            | Op::TeamsUserExchange
            | Op::TeamsExtensionExchange
            | Op::GetAssignment(..)
            | Op::PutAssignment(..)
            | Op::DeleteAssignment(..) => Service::Identity,
            _ => Service::Chat,
        }
    }
}

/// Finds the operation for a method and decoded path segments.
fn route(method: &Method, segments: &[String]) -> Result<Op, ApiError> {
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    let m = method;
    let not_allowed = Err(ApiError::method_not_allowed());
    let owned = |x: &str| x.to_owned();
    match s.as_slice() {
        ["chat", "threads"] => match *m {
            Method::POST => Ok(Op::CreateThread),
            Method::GET => Ok(Op::ListThreads),
            _ => not_allowed,
        },
        ["chat", "threads", id] => match *m {
            Method::GET => Ok(Op::GetThread(owned(id))),
            Method::PATCH => Ok(Op::UpdateThread(owned(id))),
            Method::DELETE => Ok(Op::DeleteThread(owned(id))),
            _ => not_allowed,
        },
        ["chat", "threads", id, "messages"] => match *m {
            Method::POST => Ok(Op::SendMessage(owned(id))),
            Method::GET => Ok(Op::ListMessages(owned(id))),
            _ => not_allowed,
        },
        ["chat", "threads", id, "messages", mid] => match *m {
            Method::GET => Ok(Op::GetMessage(owned(id), owned(mid))),
            Method::PATCH => Ok(Op::UpdateMessage(owned(id), owned(mid))),
            Method::DELETE => Ok(Op::DeleteMessage(owned(id), owned(mid))),
            _ => not_allowed,
        },
        ["chat", "threads", id, "participants"] => match *m {
            Method::GET => Ok(Op::ListParticipants(owned(id))),
            _ => not_allowed,
        },
        ["chat", "threads", id, "participants", ":add"] => match *m {
            Method::POST => Ok(Op::AddParticipants(owned(id))),
            _ => not_allowed,
        },
        ["chat", "threads", id, "participants", ":remove"] => match *m {
            Method::POST => Ok(Op::RemoveParticipant(owned(id))),
            _ => not_allowed,
        },
        ["chat", "threads", id, "readReceipts"] => match *m {
            Method::POST => Ok(Op::SendReadReceipt(owned(id))),
            Method::GET => Ok(Op::ListReadReceipts(owned(id))),
            _ => not_allowed,
        },
        ["chat", "threads", id, "typing"] => match *m {
            Method::POST => Ok(Op::Typing(owned(id))),
            _ => not_allowed,
        },
        ["identities"] => match *m {
            Method::POST => Ok(Op::CreateIdentity),
            _ => not_allowed,
        },
        ["identities", id] => match *m {
            Method::DELETE => Ok(Op::DeleteIdentity(owned(id))),
            _ => not_allowed,
        },
        ["identities", id, ":issueAccessToken"] => match *m {
            Method::POST => Ok(Op::IssueToken(owned(id))),
            _ => not_allowed,
        },
        ["identities", id, ":revokeAccessTokens"] => match *m {
            Method::POST => Ok(Op::RevokeTokens(owned(id))),
            _ => not_allowed,
        },
        ["teamsUser", ":exchangeAccessToken"] => match *m {
            Method::POST => Ok(Op::TeamsUserExchange),
            _ => not_allowed,
        },
        ["access", "teamsExtension", ":exchangeAccessToken"] => match *m {
            Method::POST => Ok(Op::TeamsExtensionExchange),
            _ => not_allowed,
        },
        ["access", "teamsExtension", "tenants", tenant, "assignments", object] => match *m {
            Method::GET => Ok(Op::GetAssignment(owned(tenant), owned(object))),
            Method::PUT => Ok(Op::PutAssignment(owned(tenant), owned(object))),
            Method::DELETE => Ok(Op::DeleteAssignment(owned(tenant), owned(object))),
            _ => not_allowed,
        },
        _ => Err(ApiError::not_found("The requested resource does not exist.")),
    }
}

/// A request, read and parsed.
struct Incoming {
    method: Method,
    path: String,
    path_and_query: String,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    host: String,
    body: Bytes,
}

impl Incoming {
    fn query(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

async fn dispatch(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let (latency, action) = state.faults.decide(request.uri().path());
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match action {
        FaultAction::Proceed => {}
        FaultAction::Drop => {
            let mut response = empty(StatusCode::SERVICE_UNAVAILABLE);
            response.extensions_mut().insert(DropConnection);
            return response;
        }
        FaultAction::Throttle { retry_after } => return ApiError::too_many_requests(retry_after).into_response(),
        FaultAction::Unavailable { retry_after } => return ApiError::service_unavailable(retry_after).into_response(),
    }
    match handle(&state, request).await {
        Ok(response) => response,
        Err(error) => {
            tracing::debug!(status = %error.status, code = %error.error.code, message = %error.error.message, "request failed");
            error.into_response()
        }
    }
}

async fn handle(state: &AppState, request: Request) -> Result<Response, ApiError> {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let path_and_query = parts.uri.path_and_query().map_or_else(|| path.clone(), |pq| pq.as_str().to_owned());
    let segments = path
        .trim_start_matches('/')
        .trim_end_matches('/')
        .split('/')
        .map(|segment| {
            percent_decode_str(segment)
                .decode_utf8()
                .map(|s| s.into_owned())
                .map_err(|_| ApiError::bad_request("The request path is not valid UTF-8."))
        })
        .collect::<Result<Vec<String>, ApiError>>()?;
    let op = route(&parts.method, &segments)?;

    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes()).into_owned().collect();
    let versions = match op.service() {
        Service::Chat => CHAT_API_VERSIONS,
        Service::Identity => IDENTITY_API_VERSIONS,
    };
    match query.iter().find(|(k, _)| k == "api-version").map(|(_, v)| v.as_str()) {
        None => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            ))
        }
        Some(version) if !versions.contains(&version) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "UnsupportedApiVersion",
                format!(
                    "The HTTP resource that matches the request URI '{path}' does not support the API version '{version}'. Supported versions: {}.",
                    versions.join(", ")
                ),
            ))
        }
        Some(_) => {}
    }

    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| parts.uri.authority().map(|a| a.as_str().to_owned()))
        .unwrap_or_else(|| state.local_addr.to_string());
    let body =
        axum::body::to_bytes(body, MAX_BODY_BYTES).await.map_err(|_| ApiError::payload_too_large(MAX_BODY_BYTES))?;
    let incoming = Incoming { method: parts.method, path, path_and_query, query, headers: parts.headers, host, body };

    match op.service() {
        Service::Identity => {
            let signed = SignedRequest {
                method: &incoming.method,
                path_and_query: &incoming.path_and_query,
                host: &incoming.host,
                headers: &incoming.headers,
                body: &incoming.body,
            };
            verify_hmac(&state.access_key, &signed, OffsetDateTime::now_utc())?;
            identity(state, op, &incoming)
        }
        Service::Chat => {
            let claims = verify_bearer(&state.signer, &state.store(), &incoming.headers, OffsetDateTime::now_utc())?;
            require_chat_scope(&claims)?;
            chat(state, op, &incoming, &claims.sub)
        }
    }
}

// ----- paging helpers -----

fn page_size(incoming: &Incoming) -> Result<usize, ApiError> {
    match incoming.query("maxPageSize") {
        None => Ok(DEFAULT_PAGE_SIZE),
        Some(text) => match text.trim().parse::<i64>() {
            Ok(n) if n > 0 => Ok(usize::try_from(n).unwrap_or(MAX_PAGE_SIZE).min(MAX_PAGE_SIZE)),
            _ => Err(ApiError::invalid_field(
                "maxPageSize",
                format!("maxPageSize must be a positive integer, not '{text}'."),
            )),
        },
    }
}

fn skip(incoming: &Incoming) -> Result<usize, ApiError> {
    match incoming.query("skip") {
        None => Ok(0),
        Some(text) => match text.trim().parse::<i64>() {
            Ok(n) if n >= 0 => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
            _ => Err(ApiError::invalid_field("skip", format!("skip must be a non-negative integer, not '{text}'."))),
        },
    }
}

fn start_time(incoming: &Incoming) -> Result<Option<OffsetDateTime>, ApiError> {
    let Some(text) = incoming.query("startTime") else { return Ok(None) };
    let text = text.trim();
    if let Ok(time) = OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339) {
        return Ok(Some(time));
    }
    // Epoch milliseconds, as some service nextLinks carry (`startTime=0`).
    if let Ok(ms) = text.parse::<i64>() {
        if let Ok(time) = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000) {
            return Ok(Some(time));
        }
    }
    Err(ApiError::invalid_field("startTime", format!("startTime '{text}' is not an RFC 3339 date-time.")))
}

fn next_link(incoming: &Incoming, scheme: &str, cursor: Option<Cursor>) -> Option<String> {
    let cursor = cursor?;
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    match cursor {
        Cursor::Skip(skip) => {
            query.append_pair("skip", &skip.to_string());
        }
        other => {
            query.append_pair("syncState", &other.sync_state().unwrap_or_default());
        }
    }
    if let Some(start) = incoming.query("startTime") {
        query.append_pair("startTime", start);
    }
    if let Some(size) = incoming.query("maxPageSize") {
        query.append_pair("maxPageSize", size);
    }
    query.append_pair("api-version", incoming.query("api-version").unwrap_or_default());
    Some(format!("{scheme}://{}{}?{}", incoming.host, incoming.path, query.finish()))
}

fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, NON_ALPHANUMERIC).to_string()
}

fn validate_thread_id(id: &str) -> Result<(), ApiError> {
    if id.starts_with("19:") && id.len() <= MAX_ID_LENGTH {
        Ok(())
    } else {
        Err(ApiError::invalid_field("chatThreadId", format!("'{id}' is not a valid chat thread id.")))
    }
}

fn validate_message_id(id: &str) -> Result<(), ApiError> {
    if !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ApiError::invalid_field("chatMessageId", format!("'{id}' is not a valid chat message id.")))
    }
}

fn with_location(mut response: Response, location: String) -> Response {
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

// ----- Chat -----

fn chat(state: &AppState, op: Op, incoming: &Incoming, caller: &str) -> Result<Response, ApiError> {
    let scheme = state.scheme;
    let base = format!("{scheme}://{}", incoming.host);
    match op {
        Op::CreateThread => {
            let request: CreateChatThreadRequest = parse_json(&incoming.body)?;
            let repeatability = incoming.header("repeatability-request-id").map(str::trim).filter(|v| !v.is_empty());
            if repeatability.is_some_and(|v| v.len() > MAX_ID_LENGTH) {
                return Err(ApiError::invalid_field(
                    "repeatability-request-id",
                    "The repeatability-request-id is too long.",
                ));
            }
            let result = state.store().create_thread(caller, request, repeatability)?;
            let location = result
                .chat_thread
                .as_ref()
                .map(|t| format!("{base}/chat/threads/{}", encode_segment(&t.id)))
                .unwrap_or_default();
            Ok(with_location(json_response(StatusCode::CREATED, &result), location))
        }
        Op::ListThreads => {
            let size = page_size(incoming)?;
            let start = start_time(incoming)?;
            let after = incoming.query("syncState").map(Cursor::parse_threads).transpose()?;
            let page = state.store().list_threads(caller, size, start, after);
            let link = next_link(incoming, scheme, page.next);
            Ok(json_response(StatusCode::OK, &model!(ChatThreadsItemCollection { value: page.items, next_link: link })))
        }
        Op::GetThread(id) => {
            validate_thread_id(&id)?;
            let properties = state.store().get_thread(&id, caller)?;
            Ok(json_response(StatusCode::OK, &properties))
        }
        Op::UpdateThread(id) => {
            validate_thread_id(&id)?;
            let request: UpdateChatThreadRequest = parse_json(&incoming.body)?;
            state.store().update_thread(&id, caller, request)?;
            Ok(empty(StatusCode::NO_CONTENT))
        }
        Op::DeleteThread(id) => {
            validate_thread_id(&id)?;
            state.store().delete_thread(&id, caller)?;
            Ok(empty(StatusCode::NO_CONTENT))
        }
        Op::SendMessage(id) => {
            validate_thread_id(&id)?;
            let request: SendChatMessageRequest = parse_json(&incoming.body)?;
            let message_id = state.store().send_message(&id, caller, request)?;
            let location = format!("{base}/chat/threads/{}/messages/{message_id}", encode_segment(&id));
            Ok(with_location(
                json_response(StatusCode::CREATED, &model!(SendChatMessageResult { id: message_id })),
                location,
            ))
        }
        Op::ListMessages(id) => {
            validate_thread_id(&id)?;
            let size = page_size(incoming)?;
            let start = start_time(incoming)?;
            let before = incoming.query("syncState").map(Cursor::parse_messages).transpose()?;
            let page = state.store().list_messages(&id, caller, size, start, before)?;
            let link = next_link(incoming, scheme, page.next);
            Ok(json_response(StatusCode::OK, &model!(ChatMessagesCollection { value: page.items, next_link: link })))
        }
        Op::GetMessage(id, message_id) => {
            validate_thread_id(&id)?;
            validate_message_id(&message_id)?;
            let message = state.store().get_message(&id, caller, &message_id)?;
            Ok(json_response(StatusCode::OK, &message))
        }
        Op::UpdateMessage(id, message_id) => {
            validate_thread_id(&id)?;
            validate_message_id(&message_id)?;
            let request: UpdateChatMessageRequest = parse_json(&incoming.body)?;
            state.store().update_message(&id, caller, &message_id, request)?;
            Ok(empty(StatusCode::NO_CONTENT))
        }
        Op::DeleteMessage(id, message_id) => {
            validate_thread_id(&id)?;
            validate_message_id(&message_id)?;
            state.store().delete_message(&id, caller, &message_id)?;
            Ok(empty(StatusCode::NO_CONTENT))
        }
        Op::ListParticipants(id) => {
            validate_thread_id(&id)?;
            let (size, skip) = (page_size(incoming)?, skip(incoming)?);
            let page = state.store().list_participants(&id, caller, size, skip)?;
            let link = next_link(incoming, scheme, page.next);
            Ok(json_response(
                StatusCode::OK,
                &model!(ChatParticipantsCollection { value: page.items, next_link: link }),
            ))
        }
        Op::AddParticipants(id) => {
            validate_thread_id(&id)?;
            let request: AddChatParticipantsRequest = parse_json(&incoming.body)?;
            let result = state.store().add_participants(&id, caller, request.participants)?;
            Ok(json_response(StatusCode::CREATED, &result))
        }
        Op::RemoveParticipant(id) => {
            validate_thread_id(&id)?;
            let request: CommunicationIdentifierModel = parse_json(&incoming.body)?;
            state.store().remove_participant(&id, caller, &request)?;
            Ok(empty(StatusCode::NO_CONTENT))
        }
        Op::SendReadReceipt(id) => {
            validate_thread_id(&id)?;
            let request: SendReadReceiptRequest = parse_json(&incoming.body)?;
            state.store().send_read_receipt(&id, caller, &request.chat_message_id)?;
            Ok(empty(StatusCode::OK))
        }
        Op::ListReadReceipts(id) => {
            validate_thread_id(&id)?;
            let (size, skip) = (page_size(incoming)?, skip(incoming)?);
            let page = state.store().list_read_receipts(&id, caller, size, skip)?;
            let link = next_link(incoming, scheme, page.next);
            Ok(json_response(
                StatusCode::OK,
                &model!(ChatMessageReadReceiptsCollection { value: page.items, next_link: link }),
            ))
        }
        Op::Typing(id) => {
            validate_thread_id(&id)?;
            let request: SendTypingNotificationRequest = if incoming.body.iter().all(u8::is_ascii_whitespace) {
                Default::default()
            } else {
                parse_json(&incoming.body)?
            };
            if request.sender_display_name.as_ref().is_some_and(|n| n.chars().count() > MAX_DISPLAY_NAME_CHARS) {
                return Err(ApiError::invalid_field("senderDisplayName", "The display name is too long."));
            }
            state.store().check_member(&id, caller)?;
            Ok(empty(StatusCode::OK))
        }
        _ => Err(ApiError::not_found("The requested resource does not exist.")),
    }
}

// ----- Identity -----

fn scopes(field: &str, scopes: &[CommunicationIdentityTokenScope]) -> Result<Vec<String>, ApiError> {
    if scopes.is_empty() {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "ValidationError", "Scopes: The Scopes field is required.")
            .with_target(field));
    }
    scopes
        .iter()
        .map(|scope| match scope {
            CommunicationIdentityTokenScope::UnknownValue(value) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "ValidationError",
                format!(
                    "Scope '{value}' is not valid. Valid scopes: chat, voip, chat.join, chat.join.limited, voip.join."
                ),
            )
            .with_target(field)),
            known => Ok(known.as_str().to_owned()),
        })
        .collect()
}

fn token_expiry(state: &AppState, minutes: Option<i32>) -> Result<OffsetDateTime, ApiError> {
    let lifetime = match minutes {
        Some(m) if !(MIN_TOKEN_MINUTES..=MAX_TOKEN_MINUTES).contains(&m) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "ValidationError",
                format!(
                    "ExpiresInMinutes value {m} is invalid. Value must be within the [{MIN_TOKEN_MINUTES}, {MAX_TOKEN_MINUTES}] interval."
                ),
            )
            .with_target("expiresInMinutes"))
        }
        Some(m) => Duration::from_secs(u64::try_from(m).unwrap_or(60) * 60),
        None => state.default_token_lifetime,
    };
    Ok(OffsetDateTime::now_utc() + lifetime)
}

fn identity(state: &AppState, op: Op, incoming: &Incoming) -> Result<Response, ApiError> {
    match op {
        Op::CreateIdentity => {
            let request: CommunicationIdentityCreateRequest = if incoming.body.iter().all(u8::is_ascii_whitespace) {
                Default::default()
            } else {
                parse_json(&incoming.body)?
            };
            let token_scopes = match &request.create_token_with_scopes {
                Some(list) if !list.is_empty() => Some(scopes("createTokenWithScopes", list)?),
                _ => None,
            };
            let expires_on = token_expiry(state, request.expires_in_minutes)?;
            let mut store = state.store();
            let id = store.create_user();
            let access_token = match token_scopes {
                Some(list) => Some(state.mint_token(&mut store, &id, &list, expires_on)?),
                None => None,
            };
            let result = model!(CommunicationIdentityAccessTokenResult {
                identity: model!(CommunicationIdentity { id: id }),
                access_token: access_token
            });
            Ok(json_response(StatusCode::CREATED, &result))
        }
        Op::DeleteIdentity(id) => {
            state.store().delete_user(&id)?;
            Ok(empty(StatusCode::NO_CONTENT))
        }
        Op::IssueToken(id) => {
            let request: CommunicationIdentityAccessTokenRequest = parse_json(&incoming.body)?;
            let list = scopes("scopes", &request.scopes)?;
            let expires_on = token_expiry(state, request.expires_in_minutes)?;
            let mut store = state.store();
            let token = state.mint_token(&mut store, &id, &list, expires_on)?;
            Ok(json_response(StatusCode::OK, &token))
        }
        Op::RevokeTokens(id) => {
            state.store().revoke_tokens(&id)?;
            Ok(empty(StatusCode::NO_CONTENT))
        }
        Op::TeamsUserExchange => {
            let request: TeamsUserExchangeTokenRequest = parse_json(&incoming.body)?;
            for (field, value) in [("token", &request.token), ("appId", &request.app_id), ("userId", &request.user_id)]
            {
                if value.trim().is_empty() {
                    return Err(ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "ValidationError",
                        format!("The {field} field is required."),
                    )
                    .with_target(field));
                }
            }
            let token = teams_token(state, &format!("8:orgid:{}", request.user_id))?;
            Ok(json_response(StatusCode::OK, &token))
        }
        Op::TeamsExtensionExchange => {
            // The service identifies the Teams Phone user from the caller's Entra token, which the
            // emulator cannot validate: the body may name the user (`tenantId`, `userId`), and
            // otherwise a stable placeholder user of a placeholder tenant is used.
            let request: serde_json::Value = parse_json(&incoming.body)?;
            if !request.is_object() {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "ValidationError",
                    "The request body must be a JSON object.",
                ));
            }
            let field = |name: &str| request.get(name).and_then(|v| v.as_str()).filter(|v| !v.is_empty());
            let tenant = field("tenantId").unwrap_or(PLACEHOLDER_TENANT);
            let user = field("userId").unwrap_or(PLACEHOLDER_TEAMS_USER);
            let raw_id = format!("8:acs:{}_{tenant}_{user}", state.store().resource_id());
            let token = teams_token(state, &raw_id)?;
            let result = model!(CommunicationIdentityAccessTokenResult {
                identity: model!(CommunicationIdentity { id: raw_id }),
                access_token: Some(token)
            });
            Ok(json_response(StatusCode::OK, &result))
        }
        Op::GetAssignment(tenant, object) => {
            let store = state.store();
            match store.assignments.get(&(tenant, object)) {
                Some(body) => Ok(json_response(StatusCode::OK, body)),
                None => Err(ApiError::not_found("The Teams extension assignment was not found.")),
            }
        }
        Op::PutAssignment(tenant, object) => {
            let request: TeamsExtensionAssignmentCreateOrUpdateRequest = parse_json(&incoming.body)?;
            let response = model!(TeamsExtensionAssignmentResponse {
                object_id: object.clone(),
                tenant_id: tenant.clone(),
                principal_type: request.principal_type,
                client_ids: request.client_ids
            });
            let body = serde_json::to_value(&response).unwrap_or_default();
            let existed = state.store().assignments.insert((tenant, object), body.clone()).is_some();
            Ok(json_response(if existed { StatusCode::OK } else { StatusCode::CREATED }, &body))
        }
        Op::DeleteAssignment(tenant, object) => match state.store().assignments.remove(&(tenant, object)) {
            Some(_) => Ok(empty(StatusCode::NO_CONTENT)),
            None => Err(ApiError::not_found("The Teams extension assignment was not found.")),
        },
        _ => Err(ApiError::not_found("The requested resource does not exist.")),
    }
}

/// The Entra tenant of Teams extension users when the exchange request does not name one.
const PLACEHOLDER_TENANT: &str = "00000000-0000-0000-0000-0000000000e1";
/// The Teams user of extension exchanges when the request does not name one.
const PLACEHOLDER_TEAMS_USER: &str = "00000000-0000-0000-0000-0000000000a1";

/// The configured answer to a Teams token exchange for the identity `raw_id`.
fn teams_token(state: &AppState, raw_id: &str) -> Result<CommunicationIdentityAccessToken, ApiError> {
    let answer = state.teams.lock().unwrap_or_else(|e| e.into_inner()).clone();
    match answer {
        TeamsExchange::NotConfigured => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "TeamsExchangeNotConfigured",
            "The emulator cannot validate Microsoft Entra ID tokens. Configure an answer for Teams token exchanges \
             (EmulatorHandle::set_teams_exchange or --teams-exchange issue) to test this flow.",
        )),
        TeamsExchange::Fail { status, code, message } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
            Err(ApiError::new(status, &code, message))
        }
        TeamsExchange::Issue { lifetime } => {
            let mut store = state.store();
            store.ensure_identity(raw_id);
            let lifetime =
                lifetime.unwrap_or(state.default_token_lifetime).min(Duration::from_secs(10 * 365 * 24 * 60 * 60));
            state.mint_token(
                &mut store,
                raw_id,
                &["chat".to_owned(), "voip".to_owned()],
                OffsetDateTime::now_utc() + lifetime,
            )
        }
    }
}
