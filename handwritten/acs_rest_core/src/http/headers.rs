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
//! # Ok::<(), azure_core::Error>(())
//! ```

use std::str::FromStr;

use azure_core::error::ErrorKind;
use azure_core::http::headers::{HeaderName, Headers};
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
