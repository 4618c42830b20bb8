//! One error story for the whole SDK.
//!
//! Every crate of the SDK returns [`azure_core::Result`]; there is no error enum wrapping
//! [`azure_core::Error`]. What this module adds on top, through one trait, [`ErrorExt`]:
//!
//! * [`CommunicationError`] (defined once, in `acs_common_models`): the service's structured error
//!   (`code`, `message`, `target`, `details`, `innererror`), read from the response of an HTTP
//!   error with [`ErrorExt::communication_error`], without any string parsing by the caller.
//! * Whether a failed write may still have been applied ([`ErrorExt::is_outcome_unknown`]), or
//!   the call ran out of time ([`ErrorExt::is_timeout`]): see `acs_rest_core`'s rules.
//! * [`ErrorExt::detailed_message`]: the messages of an error and of all its sources.
//! * Constructors for the kinds of errors the hand-written layer raises itself:
//!   [`invalid_argument`] ([`ErrorKind::Other`]), [`invalid_data`] ([`ErrorKind::DataConversion`])
//!   and [`credential_error`] ([`ErrorKind::Credential`]).
//!
//! Errors built here never contain keys, tokens or connection strings.

use std::fmt;

use azure_core::error::{Error, ErrorKind};

pub use acs_common_models::{CommunicationError, CommunicationErrorResponse};
pub use acs_rest_core::{Failure, FailureKind};

/// What callers ask of an SDK error. Implemented for [`azure_core::Error`]; `acs_chat` and
/// `acs_identity` re-export it.
///
/// # Example
///
/// ```no_run
/// use acs_common::ErrorExt;
///
/// # async fn run(result: azure_core::Result<()>) {
/// if let Err(error) = result {
///     if error.is_outcome_unknown() {
///         eprintln!("the write may have been applied; check before repeating it");
///     }
///     match error.communication_error() {
///         Some(service) => eprintln!("the service said {}: {}", service.code, service.message),
///         None => eprintln!("request failed: {}", error.detailed_message()),
///     }
/// }
/// # }
/// ```
pub trait ErrorExt: private::Sealed {
    /// The service's structured error, when this is an HTTP error whose body is a
    /// `CommunicationErrorResponse` (wherever the HTTP error is in the chain of sources).
    fn communication_error(&self) -> Option<CommunicationError>;

    /// Whether a write may or may not have been applied by the service: it failed after the
    /// request may have reached the service, and was not sent again.
    fn is_outcome_unknown(&self) -> bool;

    /// Whether the call ran past its deadline.
    fn is_timeout(&self) -> bool;

    /// What kind of failure the runtime recorded, when it made the error.
    fn failure(&self) -> Option<&Failure>;

    /// The message of this error followed by the messages of its sources, separated by `: `
    /// (repeated messages are shown once).
    fn detailed_message(&self) -> String;
}

impl ErrorExt for Error {
    fn communication_error(&self) -> Option<CommunicationError> {
        acs_rest_core::ErrorExt::error_model::<CommunicationErrorResponse>(self).map(|response| response.error)
    }

    fn is_outcome_unknown(&self) -> bool {
        acs_rest_core::ErrorExt::is_outcome_unknown(self)
    }

    fn is_timeout(&self) -> bool {
        acs_rest_core::ErrorExt::is_timeout(self)
    }

    fn failure(&self) -> Option<&Failure> {
        acs_rest_core::ErrorExt::failure(self)
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
            "details":[{"code":"TooLong","message":"Topic too long"}],
            "innererror":{"code":"Inner","message":"inner message"}}}"#;
        let error = http_error(StatusCode::BadRequest, body);
        let parsed = error.communication_error().expect("communication error");
        assert_eq!(parsed.code, "BadRequest");
        assert_eq!(parsed.target.as_deref(), Some("topic"));
        assert_eq!(parsed.details.as_ref().map(Vec::len), Some(1));
        assert_eq!(parsed.inner_error.as_ref().unwrap().code, "Inner");
    }

    #[test]
    fn found_through_context_wrapping() {
        let error = http_error(StatusCode::Forbidden, r#"{"error":{"code":"Forbidden","message":"no"}}"#)
            .with_context("non-transport error occurred which will not be retried");
        assert_eq!(error.communication_error().unwrap().code, "Forbidden");
    }

    #[test]
    fn none_for_other_bodies_and_kinds() {
        assert!(http_error(StatusCode::BadGateway, "<html>bad gateway</html>").communication_error().is_none());
        assert!(http_error(StatusCode::BadGateway, r#"{"error":"text"}"#).communication_error().is_none());
        assert!(invalid_data("x").communication_error().is_none());
        assert!(!invalid_data("x").is_outcome_unknown());
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
}
