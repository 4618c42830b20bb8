//! Repeatable requests (OASIS "Repeatable Requests Version 1.0"): a write that carries
//! `Repeatability-Request-ID` (and `Repeatability-First-Sent`) is executed once by the service
//! however often it arrives, so it may be retried like a read.
//!
//! Generated operations that declare these headers fill them once per call, before the pipeline, so
//! every retry of that call carries the same values; callers may give their own in the options (to
//! repeat a call across process restarts, say).

use time::OffsetDateTime;

/// A new request id: a random UUID.
pub fn request_id() -> String {
    azure_core::Uuid::new_v4().to_string()
}

/// A new request id as a UUID, for specs that type the header as one.
pub fn request_uuid() -> azure_core::Uuid {
    azure_core::Uuid::new_v4()
}

/// The time of the first attempt: now, in UTC.
pub fn first_sent() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// Whether a header of this name is one of the repeatability headers (any case).
pub fn is_repeatability_header(name: &str) -> bool {
    name.eq_ignore_ascii_case("repeatability-request-id") || name.eq_ignore_ascii_case("repeatability-first-sent")
}
