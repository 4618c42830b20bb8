//! Reading the expiry of an access token.
//!
//! ACS user tokens (and Entra tokens) are JWTs: three base64url segments separated by `.`. The
//! expiry is the `exp` claim of the middle segment, in seconds since the Unix epoch. The
//! signature is *not* checked: the token is opaque to clients and only the service validates it.
//! Tokens are untrusted input, so every malformed token gives an error (never a panic), and no
//! error message contains any part of the token.

use crate::error::invalid_data;
use azure_core::credentials::AccessToken;
use azure_core::time::OffsetDateTime;

/// The longest token accepted, in bytes. Real tokens are a few kilobytes.
pub const MAX_TOKEN_LEN: usize = 64 * 1024;

/// Reads the expiry (`exp` claim) of a JWT.
///
/// The payload is decoded as base64url, with or without padding. `exp` may be an integer or a
/// fractional number of seconds (the fraction is dropped).
///
/// # Example
///
/// ```
/// use azure_core::base64;
///
/// let payload = base64::encode_url_safe(br#"{"exp":1700000000}"#);
/// let token = format!("eyJhbGciOiJub25lIn0.{payload}.signature");
/// let expiry = acs_common::jwt::token_expiry(&token)?;
/// assert_eq!(expiry.unix_timestamp(), 1_700_000_000);
///
/// assert!(acs_common::jwt::token_expiry("not-a-token").is_err());
/// # Ok::<(), azure_core::Error>(())
/// ```
///
/// # Errors
///
/// [`ErrorKind::DataConversion`](azure_core::error::ErrorKind::DataConversion) when the token is
/// not three `.`-separated segments, the payload is not base64url-encoded JSON, or `exp` is
/// missing, not a number, or out of range.
pub fn token_expiry(token: &str) -> azure_core::Result<OffsetDateTime> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(invalid_data(format!("the access token is longer than {MAX_TOKEN_LEN} bytes")));
    }
    let segments = token.split('.').count();
    if segments != 3 {
        return Err(invalid_data(format!(
            "the access token is not a JWT: expected 3 `.`-separated segments, found {segments}"
        )));
    }
    let payload = token.split('.').nth(1).unwrap_or_default();
    let bytes = azure_core::base64::decode_url_safe(payload)
        .map_err(|_| invalid_data("the access token is not a JWT: its payload is not valid base64url"))?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|_| invalid_data("the access token is not a JWT: its payload is not valid JSON"))?;
    let claims = claims
        .as_object()
        .ok_or_else(|| invalid_data("the access token is not a JWT: its payload is not a JSON object"))?;
    let exp = claims.get("exp").ok_or_else(|| invalid_data("the access token has no `exp` claim"))?;
    let seconds = if let Some(seconds) = exp.as_i64() {
        seconds
    } else if let Some(seconds) = exp.as_f64().filter(|s| s.is_finite()) {
        // Saturating cast; out-of-range values are rejected just below.
        seconds.floor() as i64
    } else {
        return Err(invalid_data("the access token's `exp` claim is not a number"));
    };
    OffsetDateTime::from_unix_timestamp(seconds)
        .map_err(|_| invalid_data("the access token's `exp` claim is out of range"))
}

/// Builds an [`AccessToken`] from a JWT, with the expiry read from its `exp` claim.
///
/// Handy in a token refresher that only gets the token text.
///
/// ```
/// use azure_core::base64;
///
/// let token = format!("h.{}.s", base64::encode_url_safe(br#"{"exp":4102444800}"#));
/// let access_token = acs_common::jwt::access_token(token)?;
/// assert_eq!(access_token.expires_on.year(), 2100);
/// # Ok::<(), azure_core::Error>(())
/// ```
///
/// # Errors
///
/// As [`token_expiry`].
pub fn access_token(token: impl Into<String>) -> azure_core::Result<AccessToken> {
    let token = token.into();
    let expires_on = token_expiry(&token)?;
    Ok(AccessToken::new(token, expires_on))
}

#[cfg(test)]
mod tests {
    use super::*;
    use azure_core::base64::encode_url_safe;

    fn token_with_payload(payload: &str) -> String {
        format!("header.{}.sig", encode_url_safe(payload))
    }

    #[test]
    fn reads_integer_and_fractional_exp() {
        assert_eq!(token_expiry(&token_with_payload(r#"{"exp":10}"#)).unwrap().unix_timestamp(), 10);
        assert_eq!(token_expiry(&token_with_payload(r#"{"exp":10.9}"#)).unwrap().unix_timestamp(), 10);
    }

    #[test]
    fn accepts_padded_payload() {
        let payload = azure_core::base64::encode(br#"{"exp":1}"#).replace('+', "-");
        assert_eq!(token_expiry(&format!("h.{payload}.s")).unwrap().unix_timestamp(), 1);
    }

    #[test]
    fn decodes_url_safe_characters() {
        // `{"sub":"??>","exp":5}` encodes with `-` or `_` in base64url.
        let payload = br#"{"sub":"??>>?","exp":5}"#;
        let encoded = encode_url_safe(payload);
        assert!(encoded.contains('-') || encoded.contains('_'));
        assert_eq!(token_expiry(&format!("h.{encoded}.s")).unwrap().unix_timestamp(), 5);
    }

    #[test]
    fn malformed_tokens_are_errors() {
        let secret_part = "c2VjcmV0LXRva2VuLXRleHQ";
        let cases = [
            String::new(),
            "only-one-segment".to_owned(),
            format!("a.{secret_part}"),
            format!("a.b.c.{secret_part}"),
            format!("a.!!{secret_part}.c"),
            token_with_payload("not json"),
            token_with_payload("[1,2]"),
            token_with_payload(r#"{"nbf":1}"#),
            token_with_payload(r#"{"exp":"1700000000"}"#),
            token_with_payload(r#"{"exp":1e300}"#),
            token_with_payload(r#"{"exp":-1e300}"#),
            token_with_payload(r#"{"exp":9223372036854775807}"#),
            token_with_payload(r#"{"exp":null}"#),
            "a.\u{e9}\u{e9}.c".to_owned(),
            "x".repeat(MAX_TOKEN_LEN + 1),
        ];
        for token in cases {
            let error = token_expiry(&token).expect_err("malformed token");
            let message = error.to_string();
            assert_eq!(*error.kind(), azure_core::error::ErrorKind::DataConversion);
            assert!(!message.contains(secret_part), "{message}");
        }
    }
}
