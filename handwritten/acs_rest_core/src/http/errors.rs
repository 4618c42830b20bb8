//! The errors of a call: what failed and why, in words that never carry a secret, and a typed
//! [`Failure`] inside every `azure_core::Error` this crate makes so callers can match on it.

use std::fmt;

use azure_core::error::ErrorKind;
use azure_core::http::RawResponse;
use azure_core::Error;
use serde::de::DeserializeOwned;

/// What kind of failure a call ended with, beyond the `azure_core` [`ErrorKind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailureKind {
    /// The service answered with a status the operation does not declare as success.
    Status,
    /// A write that the service cannot de-duplicate may or may not have been applied: the
    /// connection failed, timed out or answered a 500/502/504 after the request may have reached
    /// the service, so it was not sent again. Check the service's state before repeating it.
    OutcomeUnknown,
    /// The call's deadline passed before it finished ([`Limits::deadline`](crate::Limits::deadline)).
    Timeout,
    /// The service asked to wait longer than [`Limits::max_retry_after`](crate::Limits::max_retry_after)
    /// before retrying; the hint is in [`Failure::retry_after`].
    RetryAfterTooLong,
    /// The response body was larger than [`Limits::max_response_body`](crate::Limits::max_response_body).
    BodyTooLarge,
    /// The response was not valid HTTP (too many or malformed headers, bad framing).
    MalformedResponse,
    /// A list did not end: its next link repeated, or it passed the page limits.
    PagingLoop,
    /// A link from the service (next page, operation status) was not valid or pointed elsewhere.
    InvalidLink,
    /// A long-running operation ended as failed or canceled, or ran past its time limit.
    OperationFailed,
}

/// The detail inside an `azure_core::Error` made by this crate: read it with [`ErrorExt::failure`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    kind: FailureKind,
    operation: &'static str,
    message: String,
    retry_after: Option<std::time::Duration>,
}

impl Failure {
    pub(crate) fn new(kind: FailureKind, operation: &'static str, message: impl Into<String>) -> Self {
        Self { kind, operation, message: message.into(), retry_after: None }
    }

    pub(crate) fn with_retry_after(mut self, hint: std::time::Duration) -> Self {
        self.retry_after = Some(hint);
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> FailureKind {
        self.kind
    }

    /// The operationId of the call that failed.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The wait the service asked for, when it asked for too long a one.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.retry_after
    }

    /// Wraps this failure in an `azure_core::Error` of `kind`.
    pub(crate) fn into_error(self, kind: ErrorKind) -> Error {
        Error::new(kind, self)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: {}", self.operation, self.message)
    }
}

impl std::error::Error for Failure {}

/// What callers ask of an error from a generated client.
pub trait ErrorExt {
    /// The [`Failure`] inside the error (wherever it is in the chain of sources), when this crate made it.
    fn failure(&self) -> Option<&Failure>;

    /// Whether a write may or may not have been applied by the service
    /// ([`FailureKind::OutcomeUnknown`]).
    fn is_outcome_unknown(&self) -> bool {
        self.failure().is_some_and(|f| f.kind() == FailureKind::OutcomeUnknown)
    }

    /// Whether the call ran past its deadline ([`FailureKind::Timeout`]).
    fn is_timeout(&self) -> bool {
        self.failure().is_some_and(|f| f.kind() == FailureKind::Timeout)
    }

    /// The service's error body, parsed as `M` (the spec's error model), when the error came from a
    /// response that had one.
    fn error_model<M: DeserializeOwned>(&self) -> Option<M>;
}

impl ErrorExt for Error {
    fn failure(&self) -> Option<&Failure> {
        chain(self).find_map(|e| e.downcast_ref::<Failure>())
    }

    fn error_model<M: DeserializeOwned>(&self) -> Option<M> {
        let response = chain(self).find_map(|e| match e.downcast_ref::<Error>()?.kind() {
            ErrorKind::HttpResponse { raw_response: Some(response), .. } => Some(response),
            _ => None,
        })?;
        serde_json::from_slice(response.body()).ok()
    }
}

/// `error` and its sources.
fn chain(error: &Error) -> impl Iterator<Item = &(dyn std::error::Error + 'static)> {
    std::iter::successors(Some(error as &(dyn std::error::Error + 'static)), |e| e.source())
}

/// The service's error code and message, read from the `x-ms-error-code` header and an
/// `{"error": {"code", "message"}}` body (or a bare `{"code", "message"}`).
pub(crate) fn service_error(response: &RawResponse) -> (Option<String>, Option<String>) {
    #[derive(serde::Deserialize)]
    struct Envelope {
        error: Option<Detail>,
        code: Option<String>,
        message: Option<String>,
    }
    #[derive(serde::Deserialize)]
    struct Detail {
        code: Option<String>,
        message: Option<String>,
    }
    let body = serde_json::from_slice::<Envelope>(response.body()).ok();
    let (body_code, message) = match body {
        Some(Envelope { error: Some(detail), .. }) => (detail.code, detail.message),
        Some(Envelope { code, message, .. }) => (code, message),
        None => (None, None),
    };
    let header_code =
        response.headers().get_optional_string(&azure_core::http::headers::HeaderName::from_static("x-ms-error-code"));
    (header_code.or(body_code).map(|c| sanitize(&c, &[], 100)), message)
}

/// The error for a response with a status the operation does not accept.
pub(crate) fn status_error(
    operation: &'static str,
    response: RawResponse,
    secrets: &[String],
    outcome_unknown: bool,
) -> Error {
    let status = response.status();
    let (error_code, service_message) = service_error(&response);
    let mut message = format!("the service answered {} {}", u16::from(status), status.canonical_reason());
    if let Some(code) = &error_code {
        message.push_str(&format!(" ({code})"));
    }
    if let Some(text) = service_message.as_deref().map(|m| sanitize(m, secrets, 300)).filter(|m| !m.is_empty()) {
        message.push_str(": ");
        message.push_str(&text);
    }
    let kind = if outcome_unknown {
        message.push_str("; the request may or may not have been applied (outcome unknown)");
        FailureKind::OutcomeUnknown
    } else {
        FailureKind::Status
    };
    Failure::new(kind, operation, message).into_error(ErrorKind::HttpResponse {
        status,
        error_code,
        raw_response: Some(Box::new(response)),
    })
}

/// At most `max` characters of the service's `text`, on one line, with control characters removed
/// and anything that could be a credential replaced by `[redacted]`: each of `secrets` (the values
/// of the request's credential headers) and anything shaped like a token (a JWT, a long run of
/// base64 or hex).
pub fn sanitize(text: &str, secrets: &[String], max: usize) -> String {
    let mut cleaned: String =
        text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_string();
    for secret in secrets.iter().filter(|s| s.len() >= 8) {
        cleaned = cleaned.replace(secret.as_str(), "[redacted]");
    }
    let mut out = String::with_capacity(cleaned.len().min(max + 16));
    for (i, word) in cleaned.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if looks_like_a_token(word) {
            out.push_str("[redacted]");
        } else {
            out.push_str(word);
        }
    }
    if out.chars().count() > max {
        let cut: String = out.chars().take(max).collect();
        format!("{cut}…")
    } else {
        out
    }
}

/// A word long enough and made only of token characters: a JWT, an access key, a signature.
fn looks_like_a_token(word: &str) -> bool {
    let word = word.trim_matches(|c: char| matches!(c, '"' | '\'' | ',' | ';' | '(' | ')' | '[' | ']'));
    let token_chars = word.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '/' | '='));
    let jwt = word.split('.').count() == 3 && word.len() >= 40;
    token_chars && (jwt || (word.len() >= 40 && word.chars().any(|c| c.is_ascii_digit())))
}

/// The values of the request's credential headers, to keep them out of error messages.
pub(crate) fn request_secrets(request: &azure_core::http::Request) -> Vec<String> {
    let mut secrets = Vec::new();
    for (name, value) in request.headers().iter() {
        let name = name.as_str();
        if matches!(name, "authorization" | "x-ms-content-sha256" | "ocp-apim-subscription-key" | "api-key")
            || name.contains("key")
            || name.contains("token")
        {
            let value = value.as_str();
            secrets.push(value.to_string());
            // The token or signature part alone, as a server may echo just that.
            if let Some((_, rest)) = value.split_once(' ') {
                secrets.push(rest.to_string());
                secrets.extend(rest.split(['&', '=', ',']).filter(|p| p.len() >= 16).map(str::to_string));
            }
        }
    }
    secrets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_keeps_messages_short_and_secret_free() {
        let jwt = format!("eyJhbGciOiJIUzI1NiJ9.{}.{}", "a".repeat(40), "b".repeat(30));
        let text = format!("Invalid token {jwt} for\nuser x");
        assert_eq!(sanitize(&text, &[], 300), "Invalid token [redacted] for user x");
        assert_eq!(
            sanitize("echo: Bearer secret-value-1234", &["secret-value-1234".into()], 300),
            "echo: Bearer [redacted]"
        );
        let long = "word ".repeat(500);
        assert!(sanitize(&long, &[], 300).chars().count() <= 301);
        assert_eq!(sanitize("Thread 19:abc@thread.v2 not found", &[], 300), "Thread 19:abc@thread.v2 not found");
    }
}
