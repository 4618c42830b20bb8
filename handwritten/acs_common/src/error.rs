//! One error story for the whole SDK.
//!
//! Every crate of the SDK returns [`azure_core::Result`]; there is no error enum wrapping
//! [`azure_core::Error`]. What this module adds on top:
//!
//! * [`CommunicationError`]: the service's structured error (`code`, `message`, `target`,
//!   `details`, `innererror`), read from the buffered response of an HTTP error through
//!   [`ErrorExt::communication_error`] (or the free function [`communication_error`]), without
//!   any string parsing by the caller.
//! * [`ErrorExt::detailed_message`]: the messages of an error and of all its sources. The
//!   `azure_core` retry policy wraps errors raised by per-try policies (for example an
//!   authentication policy refusing plain `http`) in a generic "will not be retried" message;
//!   the original message is still in the source chain, and this method shows it.
//! * Constructors for the kinds of errors the hand-written layer raises itself:
//!   [`invalid_argument`] ([`ErrorKind::Other`]), [`invalid_data`] ([`ErrorKind::DataConversion`])
//!   and [`credential_error`] ([`ErrorKind::Credential`]).
//!
//! Errors built here never contain keys, tokens or connection strings.

use azure_core::error::{Error, ErrorKind};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// The structured error returned by Azure Communication Services.
///
/// On the wire it is the `error` member of a `CommunicationErrorResponse`:
/// `{"error": {"code": "...", "message": "...", "target": "...", "details": [...], "innererror": {...}}}`.
/// The same shape is used for partial failures, such as the `invalidParticipants` of a
/// create-thread response, where `target` is the raw id of the participant that failed.
///
/// # Example
///
/// ```
/// use acs_common::error::CommunicationError;
///
/// let error: CommunicationError = serde_json::from_str(
///     r#"{"code":"Forbidden","message":"Permission check failed","target":"8:acs:r_u"}"#,
/// )?;
/// assert_eq!(error.code, "Forbidden");
/// assert_eq!(error.target.as_deref(), Some("8:acs:r_u"));
/// assert_eq!(error.to_string(), "Forbidden: Permission check failed (target: 8:acs:r_u)");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CommunicationError {
    /// The error code, for example `Unauthorized` or `NotFound`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub code: String,
    /// A human-readable description of the error.
    #[serde(default, deserialize_with = "null_as_default")]
    pub message: String,
    /// What the error is about, for example the raw id of a participant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Further errors that led to this one.
    #[serde(default, deserialize_with = "null_as_default", skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<CommunicationError>,
    /// A more specific error, when the service gives one (wire name `innererror`).
    #[serde(default, rename = "innererror", alias = "innerError", skip_serializing_if = "Option::is_none")]
    pub inner_error: Option<Box<CommunicationError>>,
}

impl CommunicationError {
    /// Creates an error with a code and a message and no other information.
    ///
    /// ```
    /// let error = acs_common::error::CommunicationError::new("NotFound", "no such thread");
    /// assert!(error.details.is_empty());
    /// ```
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { code: code.into(), message: message.into(), ..Self::default() }
    }

    /// Sets [`target`](Self::target).
    #[must_use]
    pub fn with_target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// Parses a response body: either `{"error": {...}}` (the usual envelope) or a bare error
    /// object with a non-empty `code`. Returns `None` for anything else.
    ///
    /// ```
    /// use acs_common::error::CommunicationError;
    ///
    /// let body = br#"{"error":{"code":"BadRequest","message":"Invalid topic"}}"#;
    /// assert_eq!(CommunicationError::from_response_body(body).unwrap().code, "BadRequest");
    /// assert!(CommunicationError::from_response_body(b"<html>").is_none());
    /// ```
    pub fn from_response_body(body: &[u8]) -> Option<Self> {
        #[derive(Deserialize)]
        struct Envelope {
            error: Option<CommunicationError>,
        }
        if let Ok(Envelope { error: Some(error) }) = serde_json::from_slice::<Envelope>(body) {
            return Some(error);
        }
        match serde_json::from_slice::<CommunicationError>(body) {
            Ok(error) if !error.code.is_empty() => Some(error),
            _ => None,
        }
    }
}

impl fmt::Display for CommunicationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.code.is_empty(), self.message.is_empty()) {
            (false, false) => write!(f, "{}: {}", self.code, self.message)?,
            (false, true) => f.write_str(&self.code)?,
            (true, false) => f.write_str(&self.message)?,
            (true, true) => f.write_str("unspecified communication error")?,
        }
        if let Some(target) = &self.target {
            write!(f, " (target: {target})")?;
        }
        Ok(())
    }
}

impl std::error::Error for CommunicationError {}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Reads the service's [`CommunicationError`] from an [`azure_core::Error`].
///
/// Looks at the error and at every `azure_core::Error` in its source chain for
/// [`ErrorKind::HttpResponse`] with a buffered `raw_response`, and parses its body. Returns
/// `None` when there is no HTTP response or its body is not a communication error.
///
/// # Example
///
/// ```
/// use acs_common::error::communication_error;
/// use azure_core::error::{Error, ErrorKind};
/// use azure_core::http::{headers::Headers, RawResponse, StatusCode};
///
/// let body = r#"{"error":{"code":"NotFound","message":"Thread not found"}}"#;
/// let response = RawResponse::from_bytes(StatusCode::NotFound, Headers::new(), body);
/// let error = Error::with_message(
///     ErrorKind::HttpResponse {
///         status: StatusCode::NotFound,
///         error_code: Some("NotFound".into()),
///         raw_response: Some(Box::new(response)),
///     },
///     "Thread not found",
/// );
/// assert_eq!(communication_error(&error).unwrap().message, "Thread not found");
/// ```
pub fn communication_error(error: &Error) -> Option<CommunicationError> {
    azure_errors(error).find_map(|e| match e.kind() {
        ErrorKind::HttpResponse { raw_response: Some(response), .. } => {
            CommunicationError::from_response_body(response.body())
        }
        _ => None,
    })
}

/// The error itself followed by every [`azure_core::Error`] in its source chain.
fn azure_errors(error: &Error) -> impl Iterator<Item = &Error> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
    std::iter::from_fn(move || loop {
        let current = next?;
        next = current.source();
        if let Some(azure) = current.downcast_ref::<Error>() {
            return Some(azure);
        }
    })
}

/// Extension methods on [`azure_core::Error`].
///
/// # Example
///
/// ```no_run
/// use acs_common::error::ErrorExt;
///
/// # async fn run(result: azure_core::Result<()>) {
/// if let Err(error) = result {
///     match error.communication_error() {
///         Some(service) => eprintln!("the service said {}: {}", service.code, service.message),
///         None => eprintln!("request failed: {}", error.detailed_message()),
///     }
/// }
/// # }
/// ```
pub trait ErrorExt: private::Sealed {
    /// The service's structured error, when this is an HTTP error with a communication error
    /// body. See [`communication_error`].
    fn communication_error(&self) -> Option<CommunicationError>;

    /// The message of this error followed by the messages of its sources, separated by `: `
    /// (repeated messages are shown once).
    fn detailed_message(&self) -> String;
}

impl ErrorExt for Error {
    fn communication_error(&self) -> Option<CommunicationError> {
        communication_error(self)
    }

    fn detailed_message(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut next: Option<&(dyn std::error::Error + 'static)> = Some(self);
        while let Some(current) = next {
            let text = current.to_string();
            if !text.is_empty() && !parts.iter().any(|p| p == &text) {
                parts.push(text);
            }
            next = current.source();
        }
        parts.join(": ")
    }
}

mod private {
    pub trait Sealed {}
    impl Sealed for azure_core::Error {}
}

/// An error for an argument the caller passed that cannot be used ([`ErrorKind::Other`]).
///
/// The message names the argument; it must not contain the argument's value when that value
/// may be secret.
///
/// ```
/// let error = acs_common::error::invalid_argument("thread_id", "must not be empty");
/// assert_eq!(error.to_string(), "invalid argument `thread_id`: must not be empty");
/// ```
pub fn invalid_argument(name: &str, problem: impl fmt::Display) -> Error {
    Error::with_message(ErrorKind::Other, format!("invalid argument `{name}`: {problem}"))
}

/// An error for data that cannot be parsed or converted ([`ErrorKind::DataConversion`]).
///
/// ```
/// let error = acs_common::error::invalid_data("the token has no `exp` claim");
/// assert_eq!(*error.kind(), azure_core::error::ErrorKind::DataConversion);
/// ```
pub fn invalid_data(message: impl Into<String>) -> Error {
    Error::with_message(ErrorKind::DataConversion, message.into())
}

/// An error about a credential: expired token, failed refresh ([`ErrorKind::Credential`]).
///
/// ```
/// let error = acs_common::error::credential_error("the token expired");
/// assert_eq!(*error.kind(), azure_core::error::ErrorKind::Credential);
/// ```
pub fn credential_error(message: impl Into<String>) -> Error {
    Error::with_message(ErrorKind::Credential, message.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use azure_core::http::{headers::Headers, RawResponse, StatusCode};

    fn http_error(status: StatusCode, body: &'static str) -> Error {
        let response = RawResponse::from_bytes(status, Headers::new(), body);
        Error::with_message(
            ErrorKind::HttpResponse { status, error_code: None, raw_response: Some(Box::new(response)) },
            "http error",
        )
    }

    #[test]
    fn reads_nested_details_and_inner_error() {
        let body = r#"{"error":{"code":"BadRequest","message":"Invalid","target":"topic",
            "details":[{"code":"TooLong","message":"Topic too long","details":null}],
            "innererror":{"code":"Inner","message":"inner message"}}}"#;
        let error = http_error(StatusCode::BadRequest, body);
        let parsed = error.communication_error().expect("communication error");
        assert_eq!(parsed.code, "BadRequest");
        assert_eq!(parsed.target.as_deref(), Some("topic"));
        assert_eq!(parsed.details.len(), 1);
        assert_eq!(parsed.details[0].code, "TooLong");
        assert!(parsed.details[0].details.is_empty());
        assert_eq!(parsed.inner_error.as_ref().unwrap().code, "Inner");
    }

    #[test]
    fn found_through_context_wrapping() {
        let error = http_error(StatusCode::Forbidden, r#"{"error":{"code":"Forbidden"}}"#)
            .with_context("non-transport error occurred which will not be retried");
        assert_eq!(error.communication_error().unwrap().code, "Forbidden");
    }

    #[test]
    fn none_for_other_bodies_and_kinds() {
        assert!(http_error(StatusCode::BadGateway, "<html>bad gateway</html>").communication_error().is_none());
        assert!(http_error(StatusCode::BadGateway, r#"{"error":"text"}"#).communication_error().is_none());
        assert!(invalid_data("x").communication_error().is_none());
    }

    #[test]
    fn bare_error_object_is_accepted() {
        let e = CommunicationError::from_response_body(br#"{"code":"C","message":"M"}"#).unwrap();
        assert_eq!(e, CommunicationError::new("C", "M"));
        assert!(CommunicationError::from_response_body(br#"{"message":"M"}"#).is_none());
    }

    #[test]
    fn detailed_message_shows_wrapped_cause() {
        let error = invalid_argument("endpoint", "must use https")
            .with_context("non-transport error occurred which will not be retried");
        assert_eq!(error.to_string(), "non-transport error occurred which will not be retried");
        assert_eq!(
            error.detailed_message(),
            "non-transport error occurred which will not be retried: invalid argument `endpoint`: must use https"
        );
    }

    #[test]
    fn serializes_with_wire_names() {
        let mut error = CommunicationError::new("A", "B");
        error.inner_error = Some(Box::new(CommunicationError::new("C", "D")));
        let json = serde_json::to_string(&error).unwrap();
        assert_eq!(json, r#"{"code":"A","message":"B","innererror":{"code":"C","message":"D"}}"#);
    }
}
