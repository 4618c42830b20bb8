//! The wire formats of model fields, for serde: times in RFC 3339, RFC 7231 (`date-time-rfc1123`) and
//! Unix seconds, ISO 8601 dates and durations, base64 bytes, and the same inside `Option`, `Vec` and
//! maps, to any depth.
//!
//! A field names its format with `#[serde(with = "As::<Format>")]`, where `Format` is one of the unit
//! types below, or a composition of them: `Option<F>`, `Vec<F>` and `Map<F>`
//! (`HashMap<String, _>`). Generated models write it out; you rarely need to.
//!
//! ```
//! use acs_rest_core::formats::{As, Rfc7231, Base64};
//! use serde::{Deserialize, Serialize};
//! use time::OffsetDateTime;
//!
//! #[derive(Serialize, Deserialize)]
//! struct Sample {
//!     #[serde(with = "As::<Rfc7231>")]
//!     sent: OffsetDateTime,
//!     #[serde(default, skip_serializing_if = "Option::is_none", with = "As::<Option<Vec<Base64>>>")]
//!     chunks: Option<Vec<Vec<u8>>>,
//! }
//!
//! let sample: Sample = serde_json::from_str(r#"{"sent":"Sun, 06 Nov 1994 08:49:37 GMT","chunks":["aGk="]}"#)?;
//! assert_eq!(sample.sent.unix_timestamp(), 784111777);
//! assert_eq!(sample.chunks.as_deref(), Some(&[b"hi".to_vec()][..]));
//! assert_eq!(serde_json::to_string(&sample)?, r#"{"sent":"Sun, 06 Nov 1994 08:49:37 GMT","chunks":["aGk="]}"#);
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use base64::Engine as _;
use serde::de::{Deserialize, Deserializer, Error as _};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use time::format_description::well_known::Rfc3339 as WellKnownRfc3339;
use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime};

/// A value's wire format: how to write it and read it back.
pub trait Format<T> {
    /// Writes `value` in this format.
    fn serialize<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error>;
    /// Reads a value in this format.
    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error>;
}

/// The adapter that `#[serde(with = "As::<F>")]` names: serde calls its two functions.
pub struct As<F>(PhantomData<F>);

impl<F> As<F> {
    /// Serializes `value` in format `F`.
    pub fn serialize<T, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error>
    where
        F: Format<T>,
    {
        F::serialize(value, serializer)
    }

    /// Deserializes a value in format `F`.
    pub fn deserialize<'de, T, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error>
    where
        F: Format<T>,
    {
        F::deserialize(deserializer)
    }
}

/// Serializes `value` with format `F` (used by the composite formats).
struct With<'a, T, F>(&'a T, PhantomData<F>);

impl<T, F: Format<T>> Serialize for With<'_, T, F> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        F::serialize(self.0, serializer)
    }
}

/// Deserializes a value with format `F` (used by the composite formats).
struct Read<T, F>(T, PhantomData<F>);

impl<'de, T, F: Format<T>> Deserialize<'de> for Read<T, F> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        F::deserialize(deserializer).map(|value| Read(value, PhantomData))
    }
}

impl<T, F: Format<T>> Format<Option<T>> for Option<F> {
    fn serialize<S: Serializer>(value: &Option<T>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => serializer.serialize_some(&With::<T, F>(value, PhantomData)),
            None => serializer.serialize_none(),
        }
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
        Ok(Option::<Read<T, F>>::deserialize(deserializer)?.map(|read| read.0))
    }
}

impl<T, F: Format<T>> Format<Vec<T>> for Vec<F> {
    fn serialize<S: Serializer>(value: &Vec<T>, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(value.len()))?;
        for item in value {
            seq.serialize_element(&With::<T, F>(item, PhantomData))?;
        }
        seq.end()
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
        Ok(Vec::<Read<T, F>>::deserialize(deserializer)?.into_iter().map(|read| read.0).collect())
    }
}

/// The format of a `HashMap<String, T>` whose values are in format `F`.
pub struct Map<F>(PhantomData<F>);

impl<T, F: Format<T>> Format<HashMap<String, T>> for Map<F> {
    fn serialize<S: Serializer>(value: &HashMap<String, T>, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(value.len()))?;
        for (key, item) in value {
            map.serialize_entry(key, &With::<T, F>(item, PhantomData))?;
        }
        map.end()
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<HashMap<String, T>, D::Error> {
        Ok(HashMap::<String, Read<T, F>>::deserialize(deserializer)?.into_iter().map(|(k, v)| (k, v.0)).collect())
    }
}

/// A string the value is parsed from and printed to.
fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<std::borrow::Cow<'de, str>, D::Error> {
    struct TextVisitor;
    impl<'de> serde::de::Visitor<'de> for TextVisitor {
        type Value = std::borrow::Cow<'de, str>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(std::borrow::Cow::Borrowed(v))
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(std::borrow::Cow::Owned(v.to_owned()))
        }
    }
    deserializer.deserialize_str(TextVisitor)
}

/// `date-time`: RFC 3339 (`2024-05-01T10:00:00.1234567Z`), any number of fraction digits.
pub struct Rfc3339;

impl Format<OffsetDateTime> for Rfc3339 {
    fn serialize<S: Serializer>(value: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format_rfc3339(value).map_err(serde::ser::Error::custom)?)
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<OffsetDateTime, D::Error> {
        parse_rfc3339(&text(deserializer)?).map_err(D::Error::custom)
    }
}

/// `date-time-rfc1123` / `date-time-rfc7231`: the HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub struct Rfc7231;

impl Format<OffsetDateTime> for Rfc7231 {
    fn serialize<S: Serializer>(value: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format_rfc7231(value))
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<OffsetDateTime, D::Error> {
        parse_rfc7231(&text(deserializer)?).map_err(D::Error::custom)
    }
}

/// `unixtime`: whole seconds since 1970-01-01 UTC, as a JSON number.
pub struct UnixTime;

impl Format<OffsetDateTime> for UnixTime {
    fn serialize<S: Serializer>(value: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(value.unix_timestamp())
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<OffsetDateTime, D::Error> {
        let seconds = i64::deserialize(deserializer)?;
        OffsetDateTime::from_unix_timestamp(seconds).map_err(D::Error::custom)
    }
}

/// `date`: an ISO 8601 calendar date (`2024-05-01`).
pub struct IsoDate;

impl Format<Date> for IsoDate {
    fn serialize<S: Serializer>(value: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format_date(value).map_err(serde::ser::Error::custom)?)
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        parse_date(&text(deserializer)?).map_err(D::Error::custom)
    }
}

/// `duration`: an ISO 8601 duration of days, hours, minutes and seconds (`P1DT2H30M`, `PT0.5S`).
/// Years and months have no fixed length and are refused with an error, never guessed.
pub struct IsoDuration;

impl Format<Duration> for IsoDuration {
    fn serialize<S: Serializer>(value: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format_duration(*value))
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        parse_duration(&text(deserializer)?).map_err(D::Error::custom)
    }
}

/// `byte`: standard base64 with padding. Reading also accepts the URL-safe alphabet and missing
/// padding, as services send both.
pub struct Base64;

impl Format<Vec<u8>> for Base64 {
    fn serialize<S: Serializer>(value: &Vec<u8>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(value))
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        decode_base64(&text(deserializer)?).map_err(D::Error::custom)
    }
}

/// `base64url`: URL-safe base64 without padding.
pub struct Base64Url;

impl Format<Vec<u8>> for Base64Url {
    fn serialize<S: Serializer>(value: &Vec<u8>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value))
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        decode_base64(&text(deserializer)?).map_err(D::Error::custom)
    }
}

/// A problem with a formatted value: what was expected, never the whole input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError(String);

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FormatError {}

/// A short, printable prefix of `text` for error messages.
fn excerpt(text: &str) -> String {
    const MAX: usize = 40;
    let cleaned: String = text.chars().filter(|c| !c.is_control()).take(MAX).collect();
    if text.chars().count() > MAX {
        format!("{cleaned}…")
    } else {
        cleaned
    }
}

/// Parses an RFC 3339 date-time.
pub fn parse_rfc3339(text: &str) -> Result<OffsetDateTime, FormatError> {
    OffsetDateTime::parse(text, &WellKnownRfc3339)
        .map_err(|_| FormatError(format!("`{}` is not an RFC 3339 date-time", excerpt(text))))
}

/// Formats an RFC 3339 date-time.
pub fn format_rfc3339(value: &OffsetDateTime) -> Result<String, FormatError> {
    value.format(&WellKnownRfc3339).map_err(|e| FormatError(format!("cannot format an RFC 3339 date-time: {e}")))
}

const HTTP_DATE: &[time::format_description::FormatItem<'static>] =
    format_description!("[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT");

/// Parses an HTTP date (RFC 7231 IMF-fixdate, which RFC 1123 dates are).
pub fn parse_rfc7231(text: &str) -> Result<OffsetDateTime, FormatError> {
    PrimitiveDateTime::parse(text.trim(), HTTP_DATE).map(PrimitiveDateTime::assume_utc).map_err(|_| {
        FormatError(format!("`{}` is not an HTTP date such as `Sun, 06 Nov 1994 08:49:37 GMT`", excerpt(text)))
    })
}

/// Formats an HTTP date (RFC 7231 IMF-fixdate) in UTC.
pub fn format_rfc7231(value: &OffsetDateTime) -> String {
    let utc = value.to_offset(time::UtcOffset::UTC);
    // The description has no component that can fail for a valid date-time.
    utc.format(HTTP_DATE).unwrap_or_default()
}

const ISO_DATE: &[time::format_description::FormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// Parses an ISO 8601 calendar date (`2024-05-01`).
pub fn parse_date(text: &str) -> Result<Date, FormatError> {
    Date::parse(text, ISO_DATE)
        .map_err(|_| FormatError(format!("`{}` is not a date such as `2024-05-01`", excerpt(text))))
}

/// Formats an ISO 8601 calendar date.
pub fn format_date(value: &Date) -> Result<String, FormatError> {
    value.format(ISO_DATE).map_err(|e| FormatError(format!("cannot format a date: {e}")))
}

/// Decodes base64 in the standard or URL-safe alphabet, with or without padding.
pub fn decode_base64(text: &str) -> Result<Vec<u8>, FormatError> {
    let trimmed = text.trim_end_matches('=');
    let normalized: String = trimmed
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            other => other,
        })
        .collect();
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(normalized.as_bytes())
        .map_err(|_| FormatError(format!("`{}` is not base64", excerpt(text))))
}

/// Parses an ISO 8601 duration made of weeks, days, hours, minutes and seconds (fractions allowed on
/// the last component), with an optional leading `-`.
pub fn parse_duration(text: &str) -> Result<Duration, FormatError> {
    let invalid = || FormatError(format!("`{}` is not an ISO 8601 duration such as `P1DT2H30M`", excerpt(text)));
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let rest = rest.strip_prefix('P').ok_or_else(invalid)?;
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total = 0f64;
    let mut in_time = false;
    let mut number = String::new();
    let mut components = 0;
    for c in rest.chars() {
        match c {
            '0'..='9' | '.' | ',' => number.push(if c == ',' { '.' } else { c }),
            'T' if !in_time && number.is_empty() => in_time = true,
            unit => {
                let value: f64 = number.parse().map_err(|_| invalid())?;
                number.clear();
                components += 1;
                let seconds = match (in_time, unit) {
                    (false, 'W') => 604_800.0,
                    (false, 'D') => 86_400.0,
                    (true, 'H') => 3_600.0,
                    (true, 'M') => 60.0,
                    (true, 'S') => 1.0,
                    (false, 'Y' | 'M') => {
                        return Err(FormatError(format!(
                            "`{}` has years or months, which have no fixed length; only weeks, days, hours, minutes and seconds are supported",
                            excerpt(text)
                        )))
                    }
                    _ => return Err(invalid()),
                };
                total += value * seconds;
            }
        }
    }
    if !number.is_empty() || components == 0 || !total.is_finite() {
        return Err(invalid());
    }
    let duration = Duration::checked_seconds_f64(total).ok_or_else(invalid)?;
    Ok(if negative { -duration } else { duration })
}

/// Formats a duration as ISO 8601 days, hours, minutes and seconds (`P1DT2H30M`, `PT0.5S`, `PT0S`).
pub fn format_duration(value: Duration) -> String {
    let mut out = String::new();
    if value.is_negative() {
        out.push('-');
    }
    let value = value.abs();
    out.push('P');
    let days = value.whole_days();
    if days > 0 {
        out.push_str(&format!("{days}D"));
    }
    let rest = value - Duration::days(days);
    if rest.is_zero() {
        if days == 0 {
            out.push_str("T0S");
        }
        return out;
    }
    out.push('T');
    let hours = rest.whole_hours();
    let minutes = (rest - Duration::hours(hours)).whole_minutes();
    let seconds = rest - Duration::hours(hours) - Duration::minutes(minutes);
    if hours > 0 {
        out.push_str(&format!("{hours}H"));
    }
    if minutes > 0 {
        out.push_str(&format!("{minutes}M"));
    }
    if !seconds.is_zero() {
        let whole = seconds.whole_seconds();
        let nanos = seconds.subsec_nanoseconds();
        if nanos == 0 {
            out.push_str(&format!("{whole}S"));
        } else {
            let fraction = format!("{nanos:09}");
            out.push_str(&format!("{whole}.{}S", fraction.trim_end_matches('0')));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("P1DT2H30M").unwrap(), Duration::minutes(1590));
        assert_eq!(parse_duration("PT0.5S").unwrap(), Duration::milliseconds(500));
        assert_eq!(parse_duration("P2W").unwrap(), Duration::days(14));
        assert_eq!(parse_duration("-PT1M").unwrap(), Duration::minutes(-1));
        assert!(parse_duration("P1Y").unwrap_err().to_string().contains("years or months"));
        assert!(parse_duration("P").is_err());
        assert!(parse_duration("PT").is_err());
        assert!(parse_duration("1D").is_err());
        assert!(parse_duration("PT1").is_err());
        assert!(parse_duration("P1H").is_err());
        for text in ["P1DT2H30M", "PT0.5S", "PT0S", "P3D", "PT1H0.25S", "-PT1M"] {
            assert_eq!(format_duration(parse_duration(text).unwrap()), text);
        }
    }

    #[test]
    fn http_dates() {
        let date = parse_rfc7231("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(date.unix_timestamp(), 784111777);
        assert_eq!(format_rfc7231(&date), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert!(parse_rfc7231("06 Nov 1994").is_err());
    }

    #[test]
    fn base64_alphabets() {
        assert_eq!(decode_base64("aGk=").unwrap(), b"hi");
        assert_eq!(decode_base64("aGk").unwrap(), b"hi");
        assert_eq!(decode_base64("-_8").unwrap(), vec![0xfb, 0xff]);
        assert!(decode_base64("***").is_err());
    }

    #[test]
    fn errors_quote_a_short_excerpt() {
        let long = "x".repeat(10_000);
        let message = parse_rfc3339(&long).unwrap_err().to_string();
        assert!(message.len() < 120, "{message}");
    }
}
