//! What a generated operation tells the runtime about itself.

/// Whether an operation may be sent again after it may have reached the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Retry {
    /// Sending it twice has the effect of sending it once: the method is idempotent (GET, HEAD, PUT,
    /// DELETE, or a merge-patch PATCH), or the request carries a repeatability id that the service
    /// de-duplicates. Retried on every transient failure.
    Safe,
    /// A write the service cannot de-duplicate (a POST, or a PATCH that is not a merge patch, without
    /// a repeatability id). Retried only when the request provably did not reach the service:
    /// - the connection could not be made (refused, DNS or TLS failure);
    /// - the service answered 408, 429 or 503, which say the request was not processed.
    ///
    /// Any other failure after the request may have left (a reset, a timeout, a 500/502/504, a lost
    /// or truncated response) ends the call with an "outcome unknown" error
    /// ([`ErrorExt::is_outcome_unknown`](crate::ErrorExt::is_outcome_unknown)).
    AtMostOnce,
}

/// A class of HTTP statuses that count as success, as the spec declares them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Success {
    /// One status code, e.g. 201.
    Code(u16),
    /// A whole class, e.g. `2XX` is `Class(2)`.
    Class(u16),
}

impl Success {
    /// Whether `status` is in this class.
    pub fn contains(self, status: u16) -> bool {
        match self {
            Success::Code(code) => code == status,
            Success::Class(hundreds) => status / 100 == hundreds,
        }
    }
}

/// A generated operation's identity and rules, as a constant in its method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The spec's operationId, used in errors and traces.
    pub name: &'static str,
    /// The statuses the spec declares as success.
    pub success: &'static [Success],
    /// Whether the request may be sent again after it may have reached the service.
    pub retry: Retry,
}

impl Operation {
    /// An operation whose successes are exact status codes.
    pub const fn new(name: &'static str, success: &'static [Success], retry: Retry) -> Self {
        Self { name, success, retry }
    }

    /// Whether `status` is one of the operation's successes.
    pub fn is_success(&self, status: u16) -> bool {
        self.success.iter().any(|s| s.contains(status))
    }
}
