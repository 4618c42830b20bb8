//! Errors: the service-style `CommunicationErrorResponse` bodies the emulator answers with, and
//! the error type of the library API.

use acs_chat_models::{CommunicationError, CommunicationErrorResponse};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::fmt;

/// An error answer of the HTTP API: a status and a `CommunicationErrorResponse` body.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) error: Box<CommunicationError>,
    /// Seconds for a `Retry-After` header (429 and 503 answers).
    pub(crate) retry_after: Option<u64>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            error: Box::new(CommunicationError {
                code: code.to_owned(),
                message: message.into(),
                ..Default::default()
            }),
            retry_after: None,
        }
    }

    pub(crate) fn with_target(mut self, target: impl Into<String>) -> Self {
        self.error.target = Some(target.into());
        self
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    /// A 400 for one invalid field of the request (the field is the error's `target`).
    pub(crate) fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        Self::bad_request(message).with_target(field)
    }

    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Unauthorized", message)
    }

    pub(crate) fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "Forbidden", "User is not allowed to perform specified action.")
    }

    pub(crate) fn forbidden_because(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "Forbidden", message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NotFound", message)
    }

    pub(crate) fn thread_not_found() -> Self {
        Self::not_found("The chat thread was not found.")
    }

    pub(crate) fn message_not_found() -> Self {
        Self::not_found("The chat message was not found.")
    }

    pub(crate) fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "The HTTP method is not supported for this resource.",
        )
    }

    pub(crate) fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLarge",
            format!("The request body is larger than the {limit} bytes accepted."),
        )
    }

    pub(crate) fn too_many_requests(retry_after: u64) -> Self {
        let mut error = Self::new(StatusCode::TOO_MANY_REQUESTS, "TooManyRequests", "Rate limit exceeded.");
        error.retry_after = Some(retry_after);
        error
    }

    pub(crate) fn service_unavailable(retry_after: Option<u64>) -> Self {
        let mut error = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "The server is currently unable to handle the request.",
        );
        error.retry_after = retry_after;
        error
    }

    /// The error body as JSON.
    pub(crate) fn body(&self) -> CommunicationErrorResponse {
        CommunicationErrorResponse { error: (*self.error).clone() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.body()).unwrap_or_else(|_| b"{\"error\":{}}".to_vec());
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
        if let Ok(code) = HeaderValue::from_str(&self.error.code) {
            headers.insert("x-ms-error-code", code);
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// The error of the library API: starting the emulator or minting users and tokens directly.
#[derive(Debug)]
pub enum EmulatorError {
    /// Binding the listening socket or another I/O step failed.
    Io(std::io::Error),
    /// The TLS certificate could not be made, read or used.
    Tls(String),
    /// A setting is invalid (for example an access key that is not base64).
    Config(String),
    /// The request to the emulator's state was refused (for example an unknown user).
    Rejected {
        /// The service-style error code.
        code: String,
        /// What went wrong.
        message: String,
    },
}

impl fmt::Display for EmulatorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(error) => write!(f, "I/O error: {error}"),
            Self::Tls(message) => write!(f, "TLS error: {message}"),
            Self::Config(message) => write!(f, "invalid configuration: {message}"),
            Self::Rejected { code, message } => write!(f, "{code}: {message}"),
        }
    }
}

impl std::error::Error for EmulatorError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io(error) => Some(error),
            _ => None,
        }
    }
}

impl From<std::io::Error> for EmulatorError {
    fn from(error: std::io::Error) -> Self {
        Self::Io(error)
    }
}

impl From<ApiError> for EmulatorError {
    fn from(error: ApiError) -> Self {
        let error = *error.error;
        Self::Rejected { code: error.code, message: error.message }
    }
}
