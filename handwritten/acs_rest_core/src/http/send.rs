//! One call: the request through the pipeline under the call's deadline, its response read within
//! the body limit, and the outcome turned into the response or one clean error.

use std::future::Future;
use std::sync::Arc;

use azure_core::error::ErrorKind;
use azure_core::http::{Context, Pipeline, RawResponse, Request};
use azure_core::Error;

use super::errors::{status_error, Failure, FailureKind};
use super::guard::{body_read_failed, read_body, CallState};
use super::limits::Limits;
use super::operation::{Operation, Retry};

/// Sends `request` for `operation` and returns its response when its status is a success.
pub(crate) async fn send(
    pipeline: &Pipeline,
    context: &Context<'_>,
    request: &mut Request,
    operation: &Operation,
    client_limits: &Limits,
) -> azure_core::Result<RawResponse> {
    let limits = Limits::for_call(context, client_limits).clone();
    let call = Arc::new(CallState::new(*operation, limits.clone()));
    let context = context.clone().with_value(call.clone());
    let exchange = async {
        // `skip_checks`: the status is judged below, without azure_core reading the whole body.
        let stream_options = azure_core::http::PipelineStreamOptions { skip_checks: true, ..Default::default() };
        let response = match pipeline.stream(&context, request, Some(stream_options)).await {
            Ok(response) => response,
            Err(error) => return Err(clean_error(error, operation)),
        };
        // The guard has read the body already, unless this is a retried status after the last try.
        read_body(response, &call).await.map_err(|cut| body_read_failed(&call, &cut))
    };
    let response = match within(limits.deadline, exchange).await {
        Some(result) => result?,
        None => return Err(deadline_error(&call, operation, &limits)),
    };
    if operation.is_success(u16::from(response.status())) {
        return Ok(response);
    }
    Err(status_error(operation.name, response, &call.secrets(), false))
}

/// Runs `future` to completion unless `deadline` passes first.
pub(crate) async fn within<T>(deadline: std::time::Duration, future: impl Future<Output = T>) -> Option<T> {
    let timer = azure_core::sleep(time::Duration::try_from(deadline).unwrap_or(time::Duration::MAX));
    futures::pin_mut!(future);
    futures::pin_mut!(timer);
    match futures::future::select(future, timer).await {
        futures::future::Either::Left((value, _)) => Some(value),
        futures::future::Either::Right(_) => None,
    }
}

fn deadline_error(call: &CallState, operation: &Operation, limits: &Limits) -> Error {
    let seconds = limits.deadline.as_secs_f64();
    if call.in_flight() && operation.retry == Retry::AtMostOnce {
        let message = format!(
            "the deadline of {seconds} s (Limits::deadline) passed while the request was in flight; the request may or may not have been applied (outcome unknown)"
        );
        return Failure::new(FailureKind::OutcomeUnknown, operation.name, message).into_error(ErrorKind::Io);
    }
    let message = format!("the deadline of {seconds} s (Limits::deadline) passed before the call finished");
    Failure::new(FailureKind::Timeout, operation.name, message).into_error(ErrorKind::Io)
}

/// The error a call ends with: ours as the guard made it (without the retry policy's wrapping), or
/// a transport error stated in one line with the operation's name.
pub(crate) fn clean_error(error: Error, operation: &Operation) -> Error {
    let mut current = error;
    loop {
        if current.downcast_ref::<Failure>().is_some() {
            return current;
        }
        let wraps_error = current.get_ref().is_some_and(|inner| inner.downcast_ref::<Error>().is_some());
        if !wraps_error {
            break;
        }
        match current.into_inner() {
            Ok(inner) => match inner.downcast::<Error>() {
                Ok(inner) => current = *inner,
                Err(_) => unreachable!("checked above that the inner error is an azure_core::Error"),
            },
            Err(same) => {
                current = same;
                break;
            }
        }
    }
    let kind = current.kind().clone();
    let message = match kind {
        ErrorKind::Connection => {
            format!("{} failed: could not connect to the service: {}", operation.name, cause(&current))
        }
        ErrorKind::Io => {
            format!("{} failed: the connection to the service failed: {}", operation.name, cause(&current))
        }
        _ => format!("{} failed: {}", operation.name, super::errors::sanitize(&current.to_string(), &[], 300)),
    };
    Error::with_error(kind, current, message)
}

/// The innermost error's text, short and on one line.
fn cause(error: &Error) -> String {
    let mut source: &(dyn std::error::Error + 'static) = error;
    while let Some(next) = source.source() {
        source = next;
    }
    super::errors::sanitize(&source.to_string(), &[], 160)
}
