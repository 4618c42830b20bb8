//! Checks of *client* parameters, made before any request by the Chat and Identity clients.
//!
//! Following the Azure SDK guidelines, a client checks only what it needs itself to make a
//! request (an endpoint it can call, a path segment it can put in a URL, a value it must use
//! locally); everything else (topics, contents, scopes, page sizes, …) is the service's to judge,
//! so its answer and its rules reach the caller unchanged.

use crate::error::invalid_argument;

/// A value that becomes one segment of a request path (a thread, message or user id): an empty
/// one would change which resource the request names.
pub fn path_segment(name: &str, value: &str) -> azure_core::Result<()> {
    if value.trim().is_empty() {
        return Err(invalid_argument(name, "must not be empty (it names the resource in the request path)"));
    }
    Ok(())
}

/// A value the client itself sends in a header it must get right (an idempotency token).
pub fn header_value(name: &str, value: &str) -> azure_core::Result<()> {
    if value.trim().is_empty() || value.chars().any(char::is_control) {
        return Err(invalid_argument(name, "must be non-empty text without control characters"));
    }
    Ok(())
}

/// A count the client converts to the service's 32-bit integer.
pub fn wire_count(name: &str, value: Option<u32>) -> azure_core::Result<Option<i32>> {
    value
        .map(|n| i32::try_from(n).map_err(|_| invalid_argument(name, format!("{n} is larger than {}", i32::MAX))))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_parameters() {
        assert!(path_segment("thread_id", " \t").is_err());
        assert!(path_segment("thread_id", "19:a@thread.v2").is_ok());
        assert!(header_value("idempotency_token", "a\nb").is_err());
        assert_eq!(wire_count("max_page_size", Some(5)).unwrap(), Some(5));
        assert!(wire_count("max_page_size", Some(u32::MAX)).is_err());
        assert_eq!(
            path_segment("thread_id", "").unwrap_err().to_string(),
            "invalid argument `thread_id`: must not be empty (it names the resource in the request path)"
        );
    }
}
