//! The layers every request passes before its handler, in order: fault injection, reading and
//! checking the request, authentication. Each answers the request itself when it must.

use super::routes::{route, Op, Service};
use super::{empty, AppState, Caller, DropConnection, Incoming};
use crate::auth::{require_chat_scope, verify_bearer, verify_hmac, SignedRequest};
use crate::error::ApiError;
use crate::faults::FaultAction;
use crate::limits::MAX_BODY_BYTES;
use crate::{CHAT_API_VERSIONS, IDENTITY_API_VERSIONS};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;
use std::sync::Arc;
use time::OffsetDateTime;

/// Latency, and faults: answered before the operation runs (drop, 429, 503), or after it ran
/// (the connection is dropped once the operation has been applied, so the caller cannot know).
pub(crate) async fn faults(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let (latency, action) = state.faults.decide(request.uri().path());
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let dropped = || {
        let mut response = empty(StatusCode::SERVICE_UNAVAILABLE);
        response.extensions_mut().insert(DropConnection);
        response
    };
    match action {
        FaultAction::Proceed => next.run(request).await,
        FaultAction::Drop => dropped(),
        FaultAction::DropAfter => {
            let response = next.run(request).await;
            tracing::debug!(status = %response.status(), "dropping the connection after applying the request");
            dropped()
        }
        FaultAction::Throttle { retry_after } => ApiError::too_many_requests(retry_after).into_response(),
        FaultAction::Unavailable { retry_after } => ApiError::service_unavailable(retry_after).into_response(),
    }
}

/// Reads the request: its route, one supported api-version, a JSON media type for a body, and
/// the body itself within [`MAX_BODY_BYTES`] and the body read timeout (400 for broken framing,
/// 408 for a body that does not arrive, 413 for one too large, 415 for one that is not JSON).
pub(crate) async fn read_request(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let incoming = match read(&state, &parts, body).await {
        Ok(incoming) => incoming,
        Err(error) => {
            tracing::debug!(status = %error.status, code = %error.error.code, "request refused");
            return error.into_response();
        }
    };
    parts.extensions.insert(incoming);
    next.run(Request::from_parts(parts, axum::body::Body::empty())).await
}

async fn read(
    state: &AppState,
    parts: &axum::http::request::Parts,
    body: axum::body::Body,
) -> Result<Incoming, ApiError> {
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
    check_api_version(op.service(), &path, &query)?;
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| parts.uri.authority().map(|a| a.as_str().to_owned()))
        .unwrap_or_else(|| state.local_addr.to_string());
    let body = match tokio::time::timeout(state.body_read_timeout, axum::body::to_bytes(body, MAX_BODY_BYTES)).await {
        Err(_) => {
            return Err(ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "RequestTimeout",
                "The request body did not arrive in time.",
            ))
        }
        Ok(Err(error)) if is_length_limit(&error) => return Err(ApiError::payload_too_large(MAX_BODY_BYTES)),
        Ok(Err(_)) => return Err(ApiError::bad_request("The request body is not well framed.")),
        Ok(Ok(body)) => body,
    };
    if !body.iter().all(u8::is_ascii_whitespace) {
        check_json_media_type(parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()))?;
    }
    Ok(Incoming {
        op,
        method: parts.method.clone(),
        path,
        path_and_query,
        query,
        headers: parts.headers.clone(),
        host,
        body,
    })
}

fn is_length_limit(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
}

/// Exactly one `api-version`, one the service supports.
fn check_api_version(service: Service, path: &str, query: &[(String, String)]) -> Result<(), ApiError> {
    let versions = match service {
        Service::Chat => CHAT_API_VERSIONS,
        Service::Identity => IDENTITY_API_VERSIONS,
    };
    let given: Vec<&str> = query.iter().filter(|(k, _)| k == "api-version").map(|(_, v)| v.as_str()).collect();
    match given.as_slice() {
        [] => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        )),
        [version] if versions.contains(version) => Ok(()),
        [version] => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "UnsupportedApiVersion",
            format!(
                "The HTTP resource that matches the request URI '{path}' does not support the API version '{version}'. Supported versions: {}.",
                versions.join(", ")
            ),
        )),
        _ => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "InvalidApiVersionParameter",
            "The api-version query parameter must be given once.",
        )),
    }
}

/// JSON bodies only: `application/json`, or a `+json` type such as `application/merge-patch+json`.
fn check_json_media_type(content_type: Option<&str>) -> Result<(), ApiError> {
    let essence = content_type.and_then(|v| v.split(';').next()).map(|v| v.trim().to_ascii_lowercase());
    match essence.as_deref() {
        Some("application/json") => Ok(()),
        Some(other) if other.starts_with("application/") && other.ends_with("+json") => Ok(()),
        other => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            format!("The request body must be JSON (application/json), not '{}'.", other.unwrap_or("unspecified")),
        )),
    }
}

/// Identity requests are HMAC-signed with the access key, except the Teams Phone extension
/// exchange, which carries the Teams user's Microsoft Entra ID token (`Bearer`); Chat requests
/// carry a user token with the chat scope.
pub(crate) async fn authenticate(State(state): State<Arc<AppState>>, mut request: Request, next: Next) -> Response {
    let Some(incoming) = request.extensions().get::<Incoming>() else {
        return ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", "The request was not read.")
            .into_response();
    };
    let now = OffsetDateTime::now_utc();
    let caller = match incoming.op.service() {
        Service::Identity if matches!(incoming.op, Op::TeamsExtensionExchange) => entra_caller(&incoming.headers),
        Service::Identity => {
            let signed = SignedRequest {
                method: &incoming.method,
                path_and_query: &incoming.path_and_query,
                host: &incoming.host,
                headers: &incoming.headers,
                body: &incoming.body,
            };
            verify_hmac(&state.access_key, &signed, now).map(|()| Caller::AccessKey)
        }
        Service::Chat => verify_bearer(&state.signer, &state.store(), &incoming.headers, now)
            .and_then(|claims| require_chat_scope(&claims).map(|()| Caller::User(claims.sub))),
    };
    match caller {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(error) => error.into_response(),
    }
}

/// The caller of a request authenticated with a Microsoft Entra ID token. The emulator cannot
/// validate such a token; it requires one, and reads the `tid` and `oid` claims of a JWT-shaped
/// one (unverified) to name the Teams user.
fn entra_caller(headers: &axum::http::HeaderMap) -> Result<Caller, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("Bearer ").or_else(|| v.trim().strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::unauthorized("This operation needs a Microsoft Entra ID token (Bearer)."))?;
    let claims = token
        .split('.')
        .nth(1)
        .and_then(|payload| {
            use base64::Engine as _;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()
        })
        .and_then(|json| serde_json::from_slice::<serde_json::Value>(&json).ok());
    let claim = |name: &str| {
        claims.as_ref().and_then(|c| c.get(name)).and_then(|v| v.as_str()).filter(|v| !v.is_empty()).map(str::to_owned)
    };
    Ok(Caller::Entra { tenant: claim("tid"), object: claim("oid") })
}
