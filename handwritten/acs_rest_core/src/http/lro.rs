//! Long-running operations (`x-ms-long-running-operation`) as `azure_core` [`Poller`]s.
//!
//! The first request is sent when the poller is first polled. Its response names a status monitor
//! (`Operation-Location`, `Azure-AsyncOperation` or `Location`), which is polled after each
//! `Retry-After` (else the poller's frequency), capped by [`Limits::max_retry_after`], until the
//! status is terminal:
//! - `Succeeded`: the final result is fetched as `x-ms-long-running-operation-options.final-state-via`
//!   says (the `Location` URL, the original URI, the monitor's `resourceLocation`, or the monitor's
//!   own body) and is what awaiting the poller returns;
//! - `Failed` or `Canceled`: the poller ends with an error carrying the operation's error code and
//!   message ([`FailureKind::OperationFailed`](crate::FailureKind::OperationFailed));
//! - anything else (`NotStarted`, `Running`, …): still in progress.
//!
//! Links from the service are followed on the endpoint's origin only. The whole operation is bounded
//! by [`Limits::max_operation_time`], and every request by the call limits.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Instant;

use azure_core::error::ErrorKind;
use azure_core::http::headers::{HeaderName, Headers};
use azure_core::http::poller::{
    PollerContinuation, PollerOptions, PollerResult, PollerState, PollerStatus, StatusMonitor,
};
use azure_core::http::{DeserializeWith, JsonFormat, Method, Poller, RawResponse, Request, Response, Url};
use serde::de::DeserializeOwned;

use super::client::ClientCore;
use super::errors::{sanitize, Failure, FailureKind};
use super::limits::Limits;
use super::operation::{Operation, Retry, Success};
use super::url::service_link;

/// Where the final result of a succeeded operation is (`final-state-via`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FinalStateVia {
    /// The status monitor named by `Azure-AsyncOperation` (or `Operation-Location`); the result is
    /// its body, or for PUT and PATCH the original URI.
    AzureAsyncOperation,
    /// A GET of the `Location` header of the first response.
    Location,
    /// The status monitor named by `Operation-Location`: its `resourceLocation`, else its body.
    OperationLocation,
    /// A GET of the first request's URL.
    OriginalUri,
}

/// A long-running operation's rules, from the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LroSpec {
    /// `final-state-via`, when the spec says.
    pub final_state_via: Option<FinalStateVia>,
    /// Whether polls carry the client's api-version.
    pub api_version: bool,
}

/// The status monitor of an operation whose spec describes none: the `status` and `error` of the
/// monitor's JSON body, with everything else it sent kept in `properties`. `T` is the final result.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct OperationStatus<T> {
    /// The operation's id, if the service sent one.
    #[serde(default)]
    pub id: Option<String>,
    /// The status as sent (`NotStarted`, `Running`, `Succeeded`, `Failed`, `Canceled`, …).
    #[serde(default)]
    pub status: Option<String>,
    /// The error of a failed operation.
    #[serde(default)]
    pub error: Option<serde_json::Value>,
    /// Every other property of the monitor's body.
    #[serde(flatten)]
    pub properties: serde_json::Map<String, serde_json::Value>,
    #[serde(skip)]
    output: PhantomData<fn() -> T>,
}

impl<T> StatusMonitor for OperationStatus<T> {
    type Output = T;
    type Format = JsonFormat;

    fn status(&self) -> PollerStatus {
        poller_status(self.status.as_deref().unwrap_or_default())
    }
}

/// The `azure_core` status for a status value: `Succeeded`, `Failed` and `Canceled`/`Cancelled`
/// (any case) are terminal; everything else is in progress.
pub fn poller_status(status: &str) -> PollerStatus {
    if status.eq_ignore_ascii_case("succeeded") {
        PollerStatus::Succeeded
    } else if status.eq_ignore_ascii_case("failed") {
        PollerStatus::Failed
    } else if status.eq_ignore_ascii_case("canceled") || status.eq_ignore_ascii_case("cancelled") {
        PollerStatus::Canceled
    } else {
        PollerStatus::InProgress
    }
}

/// What a monitor's body says, read leniently.
#[derive(Default, serde::Deserialize)]
struct MonitorBody {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    error: Option<ErrorDetail>,
    #[serde(default, rename = "resourceLocation")]
    resource_location: Option<String>,
}

#[derive(Default, serde::Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

/// The future that fetches a succeeded operation's final result.
type TargetFuture<T, F> =
    std::pin::Pin<Box<dyn std::future::Future<Output = azure_core::Result<Response<T, F>>> + Send>>;

const POLL_SUCCESS: &[Success] = &[Success::Code(200), Success::Code(201), Success::Code(202), Success::Code(204)];

fn header(headers: &Headers, name: &'static str) -> Option<String> {
    headers.get_optional_string(&HeaderName::from_static(name)).filter(|v| !v.trim().is_empty())
}

/// The status monitor link of a response, in the order `final-state-via` prefers.
fn monitor_link(headers: &Headers, via: Option<FinalStateVia>) -> Option<String> {
    let order: [&'static str; 3] = match via {
        Some(FinalStateVia::AzureAsyncOperation) => ["azure-asyncoperation", "operation-location", "location"],
        _ => ["operation-location", "azure-asyncoperation", "location"],
    };
    order.iter().find_map(|name| header(headers, name))
}

impl ClientCore {
    /// A poller for a long-running operation whose first request is `initial`. See the module docs.
    ///
    /// # Errors
    ///
    /// A polling frequency under one second (`azure_core` requires at least one).
    pub fn poller<M>(
        &self,
        initial: Request,
        operation: Operation,
        spec: LroSpec,
        options: PollerOptions<'static>,
    ) -> azure_core::Result<Poller<M>>
    where
        M: StatusMonitor + DeserializeOwned + Send + 'static,
        M::Output: DeserializeWith<M::Format> + Send + 'static,
        M::Format: Send + 'static,
    {
        if options.frequency < time::Duration::seconds(1) {
            return Err(azure_core::Error::with_message(
                ErrorKind::Other,
                "invalid argument `frequency`: a poller polls at most once a second",
            ));
        }
        let core = self.clone();
        let started = Arc::new(std::sync::OnceLock::<Instant>::new());
        Ok(Poller::new(
            move |state: PollerState, poller_options: PollerOptions<'static>| {
                let core = core.clone();
                let initial = initial.clone();
                let started = started.clone();
                Box::pin(async move {
                    let started = *started.get_or_init(Instant::now);
                    let limits = Limits::for_call(&poller_options.context, core.limits()).clone();
                    if started.elapsed() > limits.max_operation_time {
                        return Err(Failure::new(
                            FailureKind::OperationFailed,
                            operation.name,
                            format!(
                                "the long-running operation did not finish within {} s (Limits::max_operation_time)",
                                limits.max_operation_time.as_secs()
                            ),
                        )
                        .into_error(ErrorKind::Other));
                    }
                    let api_version = spec.api_version.then(|| core.api_version().to_string());
                    let poll = Operation { name: operation.name, success: POLL_SUCCESS, retry: Retry::Safe };
                    let first = matches!(state, PollerState::Initial);
                    let (response, monitor, final_link) = match state {
                        PollerState::Initial => {
                            let mut request = initial.clone();
                            let response = core.send(&poller_options.context, &mut request, &operation).await?;
                            let monitor = monitor_link(response.headers(), spec.final_state_via)
                                .map(|link| {
                                    service_link(core.endpoint(), &link, api_version.as_deref(), operation.name)
                                })
                                .transpose()?;
                            let final_link = final_link(&core, &initial, response.headers(), spec, operation.name)?;
                            (response, monitor, final_link)
                        }
                        PollerState::More(continuation) => {
                            let (next_link, final_link) = match continuation {
                                PollerContinuation::Links { next_link, final_link } => (next_link, final_link),
                                _ => {
                                    return Err(azure_core::Error::with_message(
                                        ErrorKind::Other,
                                        "unsupported poller continuation",
                                    ));
                                }
                            };
                            let url = service_link(
                                core.endpoint(),
                                next_link.as_str(),
                                api_version.as_deref(),
                                operation.name,
                            )?;
                            let mut request = Request::new(url.clone(), Method::Get);
                            request.insert_header("accept", "application/json");
                            let response = core.send(&poller_options.context, &mut request, &poll).await?;
                            // A monitor may move itself.
                            let moved = header(response.headers(), "operation-location")
                                .or_else(|| header(response.headers(), "azure-asyncoperation"))
                                .map(|link| {
                                    service_link(core.endpoint(), &link, api_version.as_deref(), operation.name)
                                })
                                .transpose()?;
                            (response, Some(moved.unwrap_or(url)), final_link)
                        }
                    };
                    let body: MonitorBody = if response.body().is_empty() {
                        MonitorBody::default()
                    } else {
                        serde_json::from_slice(response.body()).unwrap_or_default()
                    };
                    let status = operation_status(first, response.headers(), response.status(), &body);
                    match status {
                        PollerStatus::Succeeded => {
                            let target_link = final_link.clone().or_else(|| {
                                let location = body.resource_location.as_deref()?;
                                service_link(core.endpoint(), location, api_version.as_deref(), operation.name).ok()
                            });
                            let last = response.clone();
                            let context = poller_options.context.clone();
                            let target = move || -> TargetFuture<M::Output, M::Format> {
                                Box::pin(async move {
                                    match target_link {
                                        Some(url) => {
                                            let mut request = Request::new(url, Method::Get);
                                            request.insert_header("accept", "application/json");
                                            let result = core.send(&context, &mut request, &poll).await?;
                                            Ok(result.into())
                                        }
                                        None => Ok(last.into()),
                                    }
                                })
                            };
                            Ok(PollerResult::Succeeded { response: response.into(), target: Box::new(target) })
                        }
                        PollerStatus::Failed | PollerStatus::Canceled => {
                            Err(operation_failed(operation.name, &status, body.error, response))
                        }
                        _ => {
                            let Some(next_link) = monitor else {
                                return Err(Failure::new(
                                    FailureKind::InvalidLink,
                                    operation.name,
                                    "the operation is still running but the service named no status monitor to poll",
                                )
                                .into_error(ErrorKind::DataConversion));
                            };
                            let hint = super::guard::retry_after(response.headers());
                            let wait = hint
                                .unwrap_or_else(|| poller_options.frequency.unsigned_abs())
                                .min(limits.max_retry_after);
                            Ok(PollerResult::InProgress {
                                response: response.into(),
                                retry_after: time::Duration::try_from(wait).unwrap_or(time::Duration::SECOND),
                                continuation: PollerContinuation::Links { next_link, final_link },
                            })
                        }
                    }
                })
            },
            Some(options),
        ))
    }
}

/// What a response says of the operation. The first response is the operation's own: when it names
/// a status monitor (`Operation-Location`, `Azure-AsyncOperation`) the operation is running until
/// the monitor says otherwise, and any `status` in its body is the resource's, not the operation's,
/// unless it reports a failure. A monitor's response says it in its `status`; without one, `202`
/// means running (a `Location` monitor) and anything else done.
fn operation_status(
    first: bool,
    headers: &Headers,
    code: azure_core::http::StatusCode,
    body: &MonitorBody,
) -> PollerStatus {
    let stated = body.status.as_deref().map(poller_status);
    let running_202 = u16::from(code) == 202;
    if first {
        let named_monitor =
            header(headers, "operation-location").is_some() || header(headers, "azure-asyncoperation").is_some();
        return match stated {
            Some(failed @ (PollerStatus::Failed | PollerStatus::Canceled)) => failed,
            _ if named_monitor => PollerStatus::InProgress,
            Some(PollerStatus::Succeeded) => PollerStatus::Succeeded,
            _ if running_202 => PollerStatus::InProgress,
            _ => PollerStatus::Succeeded,
        };
    }
    match stated {
        Some(status) => status,
        None if running_202 => PollerStatus::InProgress,
        None => PollerStatus::Succeeded,
    }
}

/// Where the final result will be, as far as the first response tells.
fn final_link(
    core: &ClientCore,
    initial: &Request,
    headers: &Headers,
    spec: LroSpec,
    operation: &'static str,
) -> azure_core::Result<Option<Url>> {
    let api_version = spec.api_version.then(|| core.api_version());
    let location =
        || header(headers, "location").map(|l| service_link(core.endpoint(), &l, api_version, operation)).transpose();
    let original = || Ok(Some(initial.url().clone()));
    let put_or_patch = matches!(initial.method(), Method::Put | Method::Patch);
    match spec.final_state_via {
        Some(FinalStateVia::Location) => location(),
        Some(FinalStateVia::OriginalUri) => original(),
        Some(FinalStateVia::AzureAsyncOperation) if put_or_patch => original(),
        Some(FinalStateVia::AzureAsyncOperation | FinalStateVia::OperationLocation) => Ok(None),
        None if put_or_patch => original(),
        None if initial.method() == Method::Post && header(headers, "operation-location").is_none() => location(),
        None => Ok(None),
    }
}

fn operation_failed(
    operation: &'static str,
    status: &PollerStatus,
    error: Option<ErrorDetail>,
    response: RawResponse,
) -> azure_core::Error {
    let what = if matches!(status, PollerStatus::Canceled) { "was canceled" } else { "failed" };
    let mut message = format!("the long-running operation {what}");
    let error = error.unwrap_or_default();
    let code = error.code.map(|c| sanitize(&c, &[], 100));
    if let Some(code) = &code {
        message.push_str(&format!(" ({code})"));
    }
    if let Some(text) = error.message.map(|m| sanitize(&m, &[], 300)).filter(|m| !m.is_empty()) {
        message.push_str(": ");
        message.push_str(&text);
    }
    Failure::new(FailureKind::OperationFailed, operation, message).into_error(ErrorKind::HttpResponse {
        status: response.status(),
        error_code: code,
        raw_response: Some(Box::new(response)),
    })
}
