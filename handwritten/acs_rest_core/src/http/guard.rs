//! The per-try policy that makes `azure_core`'s retry policy safe for writes and bounded for
//! everything: it runs after the retry policy (and after authentication), once per try.
//!
//! `azure_core` retries every method alike on 408/429/5xx and on I/O errors, honours any
//! `Retry-After`, and reads any body in full. For each try of a call made through
//! [`ClientCore::send`](crate::ClientCore::send), this policy:
//! - turns a failure that happened after the request may have reached the service into an error the
//!   retry policy does not retry, when the operation is [`Retry::AtMostOnce`];
//! - refuses a `Retry-After` longer than the limit, instead of sleeping on it;
//! - refuses malformed responses (they are not transient) instead of letting them be retried;
//! - reads the body itself, up to the size limit, so a failure while reading is seen (and retried
//!   or not) here, and nothing past the limit is ever buffered.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use azure_core::error::ErrorKind;
use azure_core::http::headers::HeaderName;
use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::{AsyncRawResponse, Context, RawResponse, Request, StatusCode};
use azure_core::Error;
use futures::StreamExt;

use super::errors::{request_secrets, status_error, Failure, FailureKind};
use super::limits::Limits;
use super::operation::{Operation, Retry};

/// What the guard needs to know about the call a try belongs to, carried in the context.
#[derive(Debug)]
pub(crate) struct CallState {
    pub(crate) operation: Operation,
    pub(crate) limits: Limits,
    /// The credential header values of the last try, to keep them out of error messages.
    secrets: std::sync::Mutex<Vec<String>>,
    /// Whether a try is between sending its first byte and having its whole response.
    in_flight: AtomicBool,
}

impl CallState {
    pub(crate) fn new(operation: Operation, limits: Limits) -> Self {
        Self { operation, limits, secrets: Default::default(), in_flight: AtomicBool::new(false) }
    }

    /// The credential header values seen on the request, as signed for its last try.
    pub(crate) fn secrets(&self) -> Vec<String> {
        self.secrets.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Whether a request may have reached the service without its response having been read.
    pub(crate) fn in_flight(&self) -> bool {
        self.in_flight.load(Ordering::SeqCst)
    }
}

/// The guard policy; see the module docs.
#[derive(Debug, Default)]
pub(crate) struct AttemptPolicy;

/// Statuses that say the service did not process the request.
fn not_processed(status: StatusCode) -> bool {
    matches!(u16::from(status), 408 | 429 | 503)
}

/// Statuses the `azure_core` retry policy retries.
fn retried_by_azure_core(status: StatusCode) -> bool {
    matches!(u16::from(status), 408 | 429 | 500 | 502 | 503 | 504)
}

#[async_trait::async_trait]
impl Policy for AttemptPolicy {
    async fn send(&self, ctx: &Context, request: &mut Request, next: &[Arc<dyn Policy>]) -> PolicyResult {
        let Some(call) = ctx.value::<Arc<CallState>>().cloned() else {
            return next[0].send(ctx, request, &next[1..]).await;
        };
        if let Ok(mut secrets) = call.secrets.lock() {
            *secrets = request_secrets(request);
        }
        call.in_flight.store(true, Ordering::SeqCst);
        let result = self.attempt(&call, ctx, request, next).await;
        call.in_flight.store(false, Ordering::SeqCst);
        result
    }
}

impl AttemptPolicy {
    async fn attempt(
        &self,
        call: &CallState,
        ctx: &Context<'_>,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        let operation = call.operation;
        let at_most_once = operation.retry == Retry::AtMostOnce;
        let response = match next[0].send(ctx, request, &next[1..]).await {
            Ok(response) => response,
            Err(error) => return Err(classify_transport_error(error, &operation, at_most_once)),
        };
        let status = response.status();
        if matches!(u16::from(status), 429 | 503) {
            if let Some(hint) = retry_after(response.headers()) {
                if hint > call.limits.max_retry_after {
                    let message = format!(
                        "the service answered {} and asked to retry after {} s, longer than the limit of {} s (Limits::max_retry_after)",
                        u16::from(status),
                        hint.as_secs(),
                        call.limits.max_retry_after.as_secs()
                    );
                    let raw = headers_only(status, response.headers().clone());
                    return Err(Failure::new(FailureKind::RetryAfterTooLong, operation.name, message)
                        .with_retry_after(hint)
                        .into_error(ErrorKind::HttpResponse {
                            status,
                            error_code: None,
                            raw_response: Some(Box::new(raw)),
                        }));
                }
            }
        }
        if retried_by_azure_core(status) && !operation.is_success(u16::from(status)) {
            if at_most_once && !not_processed(status) {
                // A 500/502/504 after a write: it may have been applied, so it must not be sent again.
                let raw = read_body(response, call).await.unwrap_or_else(|cut| headers_only(cut.status, cut.headers));
                return Err(status_error(operation.name, raw, &call.secrets(), true));
            }
            // Retried by azure_core without reading the body: hand the response back unread.
            return Ok(response);
        }
        match read_body(response, call).await {
            Ok(raw) => {
                let (status, headers, body) = raw.deconstruct();
                Ok(AsyncRawResponse::from_bytes(status, headers, body))
            }
            Err(cut) => Err(body_read_failed(call, &cut)),
        }
    }
}

/// The error for a body that could not be read whole (cut off, or over the limit).
pub(crate) fn body_read_failed(call: &CallState, cut: &Unread) -> Error {
    let operation = call.operation;
    let status = cut.status;
    if cut.too_large {
        let message = format!(
            "the service answered {} with a body larger than the limit of {} bytes (Limits::max_response_body); it was not read",
            u16::from(status),
            call.limits.max_response_body
        );
        return Failure::new(FailureKind::BodyTooLarge, operation.name, message).into_error(ErrorKind::DataConversion);
    }
    if call.operation.retry == Retry::AtMostOnce {
        let message = format!(
            "the service answered {} but the response could not be read whole; the request may or may not have been applied (outcome unknown)",
            u16::from(status)
        );
        return Failure::new(FailureKind::OutcomeUnknown, operation.name, message).into_error(ErrorKind::Io);
    }
    // An I/O error: azure_core's retry policy retries it.
    Error::with_message(ErrorKind::Io, format!("{} failed: the response body was cut off", operation.name))
}

/// A response without its body, to keep status and headers in an error.
fn headers_only(status: StatusCode, headers: azure_core::http::headers::Headers) -> RawResponse {
    RawResponse::from_bytes(status, headers, Vec::<u8>::new())
}

/// A response whose body was not read whole.
pub(crate) struct Unread {
    pub(crate) status: StatusCode,
    pub(crate) headers: azure_core::http::headers::Headers,
    /// Over the size limit (else cut off by a transport error).
    pub(crate) too_large: bool,
}

/// Reads the whole body, refusing to buffer more than the limit.
pub(crate) async fn read_body(response: AsyncRawResponse, call: &CallState) -> Result<RawResponse, Unread> {
    let (status, headers, mut body) = response.deconstruct();
    let max = call.limits.max_response_body;
    let declared =
        headers.get_optional_str(&HeaderName::from_static("content-length")).and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > max as u64) {
        return Err(Unread { status, headers, too_large: true });
    }
    let mut buffer = Vec::with_capacity(declared.map_or(0, |len| len as usize).min(max));
    while let Some(chunk) = body.next().await {
        let Ok(chunk) = chunk else { return Err(Unread { status, headers, too_large: false }) };
        if buffer.len() + chunk.len() > max {
            return Err(Unread { status, headers, too_large: true });
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(RawResponse::from_bytes(status, headers, buffer))
}

/// The wait a 429/503 asks for: `x-ms-retry-after-ms`, `retry-after-ms` (milliseconds) or
/// `retry-after` (seconds or an HTTP date), as `azure_core` reads them.
pub(crate) fn retry_after(headers: &azure_core::http::headers::Headers) -> Option<Duration> {
    for name in ["x-ms-retry-after-ms", "retry-after-ms"] {
        if let Some(value) = headers.get_optional_str(&HeaderName::from_static(name)) {
            if let Ok(ms) = value.trim().parse::<u64>() {
                return Some(Duration::from_millis(ms));
            }
        }
    }
    let value = headers.get_optional_str(&HeaderName::from_static("retry-after"))?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = crate::formats::parse_rfc7231(value).ok()?;
    let wait = date - time::OffsetDateTime::now_utc();
    Some(if wait.is_negative() { Duration::ZERO } else { wait.unsigned_abs() })
}

/// Classifies an error from the transport (after the retry policy would see it).
fn classify_transport_error(error: Error, operation: &Operation, at_most_once: bool) -> Error {
    if is_malformed_response(&error) {
        let message =
            "the response was not valid HTTP (malformed or too many headers, or bad framing); it is not retried";
        return Failure::new(FailureKind::MalformedResponse, operation.name, message).into_error(ErrorKind::Other);
    }
    match error.kind() {
        // Could not connect: the request never left, so any operation may be retried.
        ErrorKind::Connection => error,
        ErrorKind::Io if at_most_once => {
            let message = format!(
                "the connection failed after the request may have reached the service ({}); it was not sent again (outcome unknown)",
                transport_cause(&error)
            );
            Failure::new(FailureKind::OutcomeUnknown, operation.name, message).into_error(ErrorKind::Other)
        }
        _ => error,
    }
}

/// Whether hyper refused to parse the response.
fn is_malformed_response(error: &Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if let Some(hyper) = e.downcast_ref::<hyper::Error>() {
            return hyper.is_parse() || hyper.is_parse_status();
        }
        source = e.source();
    }
    false
}

/// A short description of a transport failure, from the innermost error (never a URL or header).
fn transport_cause(error: &Error) -> String {
    let mut source: &(dyn std::error::Error + 'static) = error;
    while let Some(next) = source.source() {
        source = next;
    }
    super::errors::sanitize(&source.to_string(), &[], 120)
}
