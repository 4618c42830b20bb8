//! Authentication: HMAC-SHA256 request signatures for Identity, emulator-issued bearer tokens
//! for Chat.

use crate::error::ApiError;
use crate::limits::MAX_CLOCK_SKEW_SECONDS;
use crate::state::{IdentityStatus, Store};
use crate::token::{Claims, TokenProblem, TokenSigner};
use acs_common::hmac::{content_hash, string_to_sign, verify_authorization, AccessKey};
use axum::http::{HeaderMap, Method};
use time::format_description::FormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

const RFC1123: &[FormatItem<'static>] =
    format_description!("[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT");

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Parses an RFC 1123 `x-ms-date` value.
pub(crate) fn parse_http_date(value: &str) -> Option<OffsetDateTime> {
    PrimitiveDateTime::parse(value.trim(), RFC1123).ok().map(PrimitiveDateTime::assume_utc)
}

/// The parts of a request an HMAC signature covers.
pub(crate) struct SignedRequest<'a> {
    pub(crate) method: &'a Method,
    pub(crate) path_and_query: &'a str,
    pub(crate) host: &'a str,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
}

/// Checks an HMAC-SHA256 signed request: the signature over the exact string to sign, the body
/// hash, and that `x-ms-date` is within 15 minutes of now.
pub(crate) fn verify_hmac(key: &AccessKey, request: &SignedRequest<'_>, now: OffsetDateTime) -> Result<(), ApiError> {
    let authorization = header(request.headers, "authorization")
        .ok_or_else(|| ApiError::unauthorized("The request has no Authorization header."))?;
    if authorization.trim_start().to_ascii_lowercase().starts_with("bearer ") {
        return Err(ApiError::unauthorized(
            "The emulator accepts only HMAC-SHA256 access-key signatures on identity operations (no Microsoft Entra ID tokens).",
        ));
    }
    let date_text = header(request.headers, "x-ms-date")
        .or_else(|| header(request.headers, "date"))
        .ok_or_else(|| ApiError::unauthorized("The signed request has no x-ms-date header."))?;
    let date = parse_http_date(date_text)
        .ok_or_else(|| ApiError::unauthorized("The x-ms-date header is not an RFC 1123 date."))?;
    if (now - date).whole_seconds().abs() > MAX_CLOCK_SKEW_SECONDS {
        return Err(ApiError::unauthorized("The x-ms-date header is more than 15 minutes away from the server time."));
    }
    let claimed_hash = header(request.headers, "x-ms-content-sha256")
        .ok_or_else(|| ApiError::unauthorized("The signed request has no x-ms-content-sha256 header."))?;
    let actual_hash = content_hash(request.body);
    if claimed_hash != actual_hash {
        return Err(ApiError::unauthorized(
            "The x-ms-content-sha256 header differs from the hash of the request body.",
        ));
    }
    let to_sign =
        string_to_sign(request.method.as_str(), request.path_and_query, date_text, request.host, &actual_hash);
    verify_authorization(key, &to_sign, authorization)
        .map_err(|_| ApiError::unauthorized("The HMAC signature of the request is not valid."))
}

/// Checks a bearer token: issued by this emulator, not expired, not revoked, its identity not
/// deleted. Returns the token's claims.
pub(crate) fn verify_bearer(
    signer: &TokenSigner,
    store: &Store,
    headers: &HeaderMap,
    now: OffsetDateTime,
) -> Result<Claims, ApiError> {
    let authorization = header(headers, "authorization")
        .ok_or_else(|| ApiError::unauthorized("The request has no Authorization header."))?;
    let token = authorization
        .trim()
        .strip_prefix("Bearer ")
        .or_else(|| authorization.trim().strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::unauthorized("The Authorization header is not a Bearer token."))?;
    let claims = signer.verify(token, now).map_err(|problem| match problem {
        TokenProblem::Malformed => ApiError::unauthorized("The access token is malformed."),
        TokenProblem::BadSignature => ApiError::unauthorized("The access token was not issued by this emulator."),
        TokenProblem::Expired => ApiError::unauthorized("The access token has expired."),
    })?;
    match store.identity_status(&claims.sub) {
        IdentityStatus::Active { revocation } if revocation == claims.rev => Ok(claims),
        IdentityStatus::Active { .. } => Err(ApiError::unauthorized("The access token has been revoked.")),
        IdentityStatus::Deleted => Err(ApiError::unauthorized("The identity of the access token has been deleted.")),
        IdentityStatus::Unknown => Err(ApiError::unauthorized("The identity of the access token is unknown.")),
    }
}

/// Checks that the token may use Chat.
pub(crate) fn require_chat_scope(claims: &Claims) -> Result<(), ApiError> {
    if claims.scopes().any(|s| s == "chat" || s.starts_with("chat.")) {
        Ok(())
    } else {
        Err(ApiError::forbidden_because("The access token does not have the chat scope."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use acs_common::hmac::{authorization_value, compute_signature};

    #[test]
    fn http_dates() {
        let date = parse_http_date("Wed, 13 Apr 2022 18:09:12 GMT").unwrap();
        assert_eq!(date.unix_timestamp(), 1_649_873_352);
        assert_eq!(acs_common::hmac::format_date(date), "Wed, 13 Apr 2022 18:09:12 GMT");
        assert!(parse_http_date("2022-04-13T18:09:12Z").is_none());
    }

    fn signed(key: &AccessKey, method: &str, pq: &str, host: &str, date: &str, body: &[u8]) -> HeaderMap {
        let to_sign = string_to_sign(method, pq, date, host, &content_hash(body));
        let mut headers = HeaderMap::new();
        headers.insert("x-ms-date", date.parse().unwrap());
        headers.insert("x-ms-content-sha256", content_hash(body).parse().unwrap());
        headers
            .insert("authorization", authorization_value(&compute_signature(key, &to_sign).unwrap()).parse().unwrap());
        headers
    }

    #[test]
    fn hmac_checks() {
        let key = AccessKey::new("c2VjcmV0LWtleS1mb3ItdGVzdHM=").unwrap();
        let now = OffsetDateTime::from_unix_timestamp(1_649_873_352).unwrap();
        let date = "Wed, 13 Apr 2022 18:09:12 GMT";
        let body = br#"{"scopes":["chat"]}"#;
        let headers = signed(&key, "POST", "/identities?api-version=2023-10-01", "127.0.0.1:8080", date, body);
        let request = |headers: &HeaderMap, body: &'static [u8], host: &'static str, pq: &'static str| {
            let method = Method::POST;
            let signed = SignedRequest { method: &method, path_and_query: pq, host, headers, body };
            verify_hmac(&key, &signed, now)
        };
        assert!(request(&headers, body, "127.0.0.1:8080", "/identities?api-version=2023-10-01").is_ok());
        // Tampered body, other host, other path.
        assert!(request(&headers, br#"{"scopes":["voip"]}"#, "127.0.0.1:8080", "/identities?api-version=2023-10-01")
            .is_err());
        assert!(request(&headers, body, "127.0.0.1:8081", "/identities?api-version=2023-10-01").is_err());
        assert!(request(&headers, body, "127.0.0.1:8080", "/identities?api-version=2022-10-01").is_err());
        // Wrong key.
        let other = AccessKey::new("b3RoZXIta2V5").unwrap();
        let headers = signed(&other, "POST", "/identities?api-version=2023-10-01", "127.0.0.1:8080", date, body);
        assert!(request(&headers, body, "127.0.0.1:8080", "/identities?api-version=2023-10-01").is_err());
        // Stale date.
        let stale = "Wed, 13 Apr 2022 17:50:00 GMT";
        let headers = signed(&key, "POST", "/identities?api-version=2023-10-01", "127.0.0.1:8080", stale, body);
        let error = request(&headers, body, "127.0.0.1:8080", "/identities?api-version=2023-10-01").unwrap_err();
        assert!(error.error.message.contains("15 minutes"));
    }
}
