//! The HTTP API: the router and its layers (`layers`: faults, request reading and checks,
//! authentication), the routes (`routes`), and the handlers of each service (`chat`, `identity`).

mod chat;
mod identity;
mod layers;
mod routes;

use crate::error::ApiError;
use crate::faults::Faults;
use crate::state::Store;
use crate::token::{Claims, TokenSigner};
use crate::TeamsExchange;
use acs_common::hmac::AccessKey;
use acs_identity_models::CommunicationIdentityAccessToken;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use time::OffsetDateTime;

pub(crate) use routes::Op;

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

/// The locked store (see [`AppState::store`]).
pub(crate) struct StoreGuard<'a>(MutexGuard<'a, Store>);

impl std::ops::Deref for StoreGuard<'_> {
    type Target = Store;

    fn deref(&self) -> &Store {
        &self.0
    }
}

impl std::ops::DerefMut for StoreGuard<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        &mut self.0
    }
}

impl Drop for StoreGuard<'_> {
    fn drop(&mut self) {
        // A development aid: a failed write is logged, the change stays marked and the next write
        // tries it again; the in-memory state, which answers requests, is unaffected.
        if let Err(error) = self.0.flush() {
            tracing::error!(%error, "could not write the emulator's data file");
        }
    }
}

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
    /// How long a request body may take to arrive.
    pub(crate) body_read_timeout: Duration,
    /// The webhooks chat events go to.
    pub(crate) events: crate::events::Events,
}

impl AppState {
    /// The store, locked; with `--data-dir`, what the caller changed is written to the data file
    /// before the lock is released.
    pub(crate) fn store(&self) -> StoreGuard<'_> {
        StoreGuard(self.store.lock().unwrap_or_else(|e| e.into_inner()))
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

/// The router. One fallback handler does the routing, because ACS paths contain literal `:`
/// segments (`/participants/:add`) that route patterns cannot express; before it, as layers (the
/// first listed runs first): fault injection, reading and checking the request (route,
/// api-version, media type, body within its time and size limits), and authentication.
pub(crate) fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .fallback(dispatch)
        .layer(middleware::from_fn_with_state(state.clone(), layers::authenticate))
        .layer(middleware::from_fn_with_state(state.clone(), layers::read_request))
        .layer(middleware::from_fn_with_state(state.clone(), layers::faults))
        .with_state(state)
}

/// The operation, once the request is read and its caller known.
async fn dispatch(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let (mut parts, _) = request.into_parts();
    let (Some(incoming), Some(caller)) = (parts.extensions.remove::<Incoming>(), parts.extensions.remove::<Caller>())
    else {
        return ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", "The request was not read.")
            .into_response();
    };
    let outcome = match caller {
        Caller::AccessKey => identity::handle(&state, incoming, None),
        Caller::Entra { tenant, object } => identity::handle(&state, incoming, Some((tenant, object))),
        Caller::User(raw_id) => chat::handle(&state, incoming, &raw_id),
    };
    outcome.unwrap_or_else(IntoResponse::into_response)
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

/// A request, read and checked by [`layers::read_request`].
#[derive(Clone, Debug)]
pub(crate) struct Incoming {
    pub(crate) op: Op,
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) path_and_query: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) host: String,
    pub(crate) body: Bytes,
}

impl Incoming {
    pub(crate) fn query(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Who sent a request, as [`layers::authenticate`] established.
#[derive(Clone, Debug)]
pub(crate) enum Caller {
    /// An HMAC-signed request with the resource's access key (Identity).
    AccessKey,
    /// A user token (Chat): the user's raw id.
    User(String),
    /// A Microsoft Entra ID token (the Teams Phone extension exchange), which the emulator
    /// cannot validate: the tenant (`tid`) and object (`oid`) claims it carries, if any.
    Entra { tenant: Option<String>, object: Option<String> },
}
