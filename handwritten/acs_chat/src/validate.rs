//! Argument checks made before any request, and request bodies.

use acs_common::error::invalid_argument;
use azure_core::http::RequestContent;

/// Refuses an empty argument (text such as a topic or message content).
pub(crate) fn non_empty(name: &str, value: &str) -> azure_core::Result<()> {
    if value.is_empty() {
        return Err(invalid_argument(name, "must not be empty"));
    }
    Ok(())
}

/// Refuses an empty or all-whitespace argument (ids).
pub(crate) fn non_blank(name: &str, value: &str) -> azure_core::Result<()> {
    if value.trim().is_empty() {
        return Err(invalid_argument(name, "must not be empty"));
    }
    Ok(())
}

/// The JSON body of a request.
pub(crate) fn json_body<T: serde::Serialize>(value: &T) -> azure_core::Result<RequestContent<T>> {
    Ok(azure_core::json::to_json(value)?.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_blank_are_refused() {
        assert!(non_empty("topic", "").is_err());
        assert!(non_empty("topic", " ").is_ok());
        assert!(non_blank("thread_id", " \t").is_err());
        assert!(non_blank("thread_id", "19:a").is_ok());
        assert_eq!(non_empty("topic", "").unwrap_err().to_string(), "invalid argument `topic`: must not be empty");
    }
}
