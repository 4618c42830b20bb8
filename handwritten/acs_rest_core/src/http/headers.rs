//! Typed header values: reading the response headers a spec declares, and writing typed request
//! headers.
//!
//! ```
//! use acs_rest_core::headers;
//! use azure_core::http::headers::Headers;
//!
//! let mut response_headers = Headers::new();
//! response_headers.insert("retry-after", "7");
//! response_headers.insert("last-modified", "Sun, 06 Nov 1994 08:49:37 GMT");
//! assert_eq!(headers::read(&response_headers, "retry-after", headers::parse::<i32>)?, Some(7));
//! let modified = headers::read(&response_headers, "last-modified", headers::http_date)?;
//! assert_eq!(modified.map(|t| t.unix_timestamp()), Some(784111777));
//! assert_eq!(headers::read(&response_headers, "etag", headers::parse::<String>)?, None);
//!
//! // A header collection (`x-ms-header-collection-prefix`): every `x-ms-meta-*` header by its key.
//! response_headers.insert("x-ms-meta-owner", "ada");
//! let metadata = headers::collection(&response_headers, "x-ms-meta-");
//! assert_eq!(metadata.get("owner").map(String::as_str), Some("ada"));
//! # Ok::<(), azure_core::Error>(())
//! ```

use std::collections::HashMap;
use std::str::FromStr;

use azure_core::error::ErrorKind;
use azure_core::http::headers::{HeaderName, Headers};
use azure_core::http::Request;
use time::OffsetDateTime;

/// Reads header `name` (lowercase) with `parse`: `None` when absent, an error naming the header (never
/// its value) when present but invalid.
pub fn read<T>(headers: &Headers, name: &'static str, parse: fn(&str) -> Option<T>) -> azure_core::Result<Option<T>> {
    match headers.get_optional_str(&HeaderName::from_static(name)) {
        None => Ok(None),
        Some(value) => parse(value.trim()).map(Some).ok_or_else(|| {
            azure_core::Error::with_message(
                ErrorKind::DataConversion,
                format!("the service sent a `{name}` header that is not a valid {}", std::any::type_name::<T>()),
            )
        }),
    }
}

/// The headers whose names start with `prefix` (lowercase, as `x-ms-header-collection-prefix`
/// declares it, e.g. `x-ms-meta-`), by the rest of their name. Header names arrive lowercased, so
/// the keys are lowercase.
pub fn collection(headers: &Headers, prefix: &'static str) -> HashMap<String, String> {
    headers
        .iter()
        .filter_map(|(name, value)| {
            let key = name.as_str().strip_prefix(prefix).filter(|key| !key.is_empty())?;
            Some((key.to_string(), value.as_str().to_string()))
        })
        .collect()
}

/// Sets one header `prefix + key` per entry of `values` (an `x-ms-header-collection-prefix`
/// parameter). A key that is not an HTTP token, or a value with a line break or another control
/// character, is an error naming the key, and nothing is sent.
pub fn insert_collection<'v>(
    request: &mut Request,
    prefix: &'static str,
    values: impl IntoIterator<Item = (&'v String, &'v String)>,
) -> azure_core::Result<()> {
    let mut checked = Vec::new();
    for (key, value) in values {
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if key.is_empty() || !key.chars().all(token) {
            return Err(azure_core::Error::with_message(
                ErrorKind::DataConversion,
                format!("`{prefix}{key}` is not a valid header name: a key may hold only letters, digits and !#$%&'*+-.^_`|~"),
            ));
        }
        if value.chars().any(|c| c.is_control() && c != '\t') {
            return Err(azure_core::Error::with_message(
                ErrorKind::DataConversion,
                format!("the value of header `{prefix}{key}` holds a control character"),
            ));
        }
        checked.push((format!("{prefix}{}", key.to_ascii_lowercase()), value.clone()));
    }
    for (name, value) in checked {
        request.insert_header(name, value);
    }
    Ok(())
}

/// A value with `FromStr` (strings, numbers, booleans, enums, UUIDs).
pub fn parse<T: FromStr>(value: &str) -> Option<T> {
    value.parse().ok()
}

/// An HTTP date (`date-time-rfc1123`/`date-time-rfc7231`).
pub fn http_date(value: &str) -> Option<OffsetDateTime> {
    crate::formats::parse_rfc7231(value).ok()
}

/// An RFC 3339 date-time.
pub fn rfc3339(value: &str) -> Option<OffsetDateTime> {
    crate::formats::parse_rfc3339(value).ok()
}

/// Unix seconds.
pub fn unix_time(value: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(value.parse().ok()?).ok()
}

/// An ISO 8601 date.
pub fn date(value: &str) -> Option<time::Date> {
    crate::formats::parse_date(value).ok()
}

/// An ISO 8601 duration.
pub fn duration(value: &str) -> Option<time::Duration> {
    crate::formats::parse_duration(value).ok()
}

/// Base64 bytes.
pub fn base64(value: &str) -> Option<Vec<u8>> {
    crate::formats::decode_base64(value).ok()
}

/// The text of a typed request header or query value.
pub mod text {
    use time::OffsetDateTime;

    /// An HTTP date, as `date-time-rfc1123` headers are sent.
    pub fn http_date(value: &OffsetDateTime) -> String {
        crate::formats::format_rfc7231(value)
    }

    /// An RFC 3339 date-time.
    pub fn rfc3339(value: &OffsetDateTime) -> String {
        crate::formats::format_rfc3339(value).unwrap_or_default()
    }

    /// Unix seconds.
    pub fn unix_time(value: &OffsetDateTime) -> String {
        value.unix_timestamp().to_string()
    }

    /// An ISO 8601 date.
    pub fn date(value: &time::Date) -> String {
        crate::formats::format_date(value).unwrap_or_default()
    }

    /// An ISO 8601 duration.
    pub fn duration(value: &time::Duration) -> String {
        crate::formats::format_duration(*value)
    }

    /// Standard base64.
    pub fn base64(value: &[u8]) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(value)
    }

    /// A value sent as JSON text (an object-typed parameter).
    pub fn json<T: serde::Serialize>(value: &T) -> azure_core::Result<String> {
        serde_json::to_string(value).map_err(Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use azure_core::http::{Method, Url};

    fn request() -> Request {
        Request::new(Url::parse("https://example.com/q").unwrap(), Method::Put)
    }

    #[test]
    fn a_collection_goes_out_as_one_header_per_key() {
        let mut request = request();
        let values = HashMap::from([("Owner".to_string(), "ada".to_string()), ("tier".to_string(), "hot".to_string())]);
        insert_collection(&mut request, "x-ms-meta-", &values).unwrap();
        let sent = collection(request.headers(), "x-ms-meta-");
        assert_eq!(
            sent,
            HashMap::from([("owner".to_string(), "ada".to_string()), ("tier".to_string(), "hot".to_string())])
        );
    }

    #[test]
    fn keys_that_are_not_tokens_and_values_with_line_breaks_are_errors_not_panics() {
        for (key, value) in [("中", "x"), ("a b", "x"), ("", "x"), ("ok", "line\r\nx-injected: 1")] {
            let mut request = request();
            let values = HashMap::from([(key.to_string(), value.to_string())]);
            let error = insert_collection(&mut request, "x-ms-meta-", &values).unwrap_err();
            assert_eq!(*error.kind(), ErrorKind::DataConversion, "{key:?}");
            assert!(collection(request.headers(), "x-ms-meta-").is_empty(), "nothing is sent for {key:?}");
        }
    }
}
