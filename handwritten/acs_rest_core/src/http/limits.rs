//! The bounds every call runs under, whatever the server does.

use std::time::Duration;

/// Bounds on time and memory for each call of a client.
///
/// Set them for a whole client in its options (`limits`), or for one call by putting a `Limits` in
/// the call's context:
///
/// ```
/// use std::time::Duration;
/// use acs_rest_core::Limits;
/// use azure_core::http::{ClientMethodOptions, Context};
///
/// let quick = Limits { deadline: Duration::from_secs(5), ..Limits::default() };
/// let method_options = ClientMethodOptions { context: Context::new().with_value(quick) };
/// # let _ = method_options;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The longest one call may take, from its first byte sent to its last byte read, including
    /// every retry and the waits between them. Default: 120 seconds.
    pub deadline: Duration,
    /// The largest response body read into memory; a larger one is an error, and nothing past this
    /// many bytes is read. Default: 64 MiB.
    pub max_response_body: usize,
    /// The longest wait a server may ask for with `Retry-After` (or `retry-after-ms`) on a 429 or
    /// 503; a longer hint fails the call at once, quoting the hint. Default: 60 seconds.
    pub max_retry_after: Duration,
    /// The most pages one list may fetch. Default: 100,000.
    pub max_pages: usize,
    /// The most pages in a row that may come back empty while still pointing to a next page.
    /// Default: 20.
    pub max_empty_pages: usize,
    /// The longest a long-running operation is polled before its poller gives up. Default: 1 hour.
    pub max_operation_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            deadline: Duration::from_secs(120),
            max_response_body: 64 * 1024 * 1024,
            max_retry_after: Duration::from_secs(60),
            max_pages: 100_000,
            max_empty_pages: 20,
            max_operation_time: Duration::from_secs(3600),
        }
    }
}

impl Limits {
    /// The limits of one call: those in its context, else the client's.
    pub(crate) fn for_call<'a>(context: &'a azure_core::http::Context<'_>, client: &'a Limits) -> &'a Limits {
        context.value::<Limits>().unwrap_or(client)
    }

    /// Refuses limits that would make every call fail.
    pub(crate) fn check(&self) -> azure_core::Result<()> {
        let invalid = |what: &str| {
            Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Other,
                format!("invalid client limits: {what}"),
            ))
        };
        if self.deadline.is_zero() {
            return invalid("the deadline must be more than zero");
        }
        if self.max_response_body == 0 {
            return invalid("max_response_body must be more than zero");
        }
        if self.max_pages == 0 {
            return invalid("max_pages must be more than zero");
        }
        Ok(())
    }
}
