//! The assertions of the example tests that `cargo xtask regen` emits into each models crate: each
//! request body of an `x-ms-examples` file re-serializes to the same JSON, each response body
//! deserializes into its model, and each event of an event example deserializes into its event
//! type's model (or, where upstream's example contradicts the spec, is shown not to).
//!
//! These are test assertions: every function here panics, with a message naming the example's
//! part, when the check fails.

use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

/// Reads the example `file` (relative to the specs root): below `$ACS_SPECS_ROOT`, else
/// `$AZURE_REST_API_SPECS`, else `default_root` (the specs root the crate was generated from).
///
/// # Panics
///
/// When the file cannot be read or is not JSON.
pub fn load(default_root: &str, file: &str) -> Value {
    let root = std::env::var("ACS_SPECS_ROOT")
        .or_else(|_| std::env::var("AZURE_REST_API_SPECS"))
        .unwrap_or_else(|_| default_root.to_owned());
    let path = std::path::Path::new(&root).join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("cannot read example {}: {e}; set ACS_SPECS_ROOT to the specs root", path.display())
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("example {} is not JSON: {e}", path.display()))
}

/// The value in a form where equal meanings compare equal, whatever their text: times as
/// instants, numbers as numbers, UUIDs in lowercase, durations in nanoseconds, a `null` property
/// as an absent one.
pub fn normalize(value: Value) -> Value {
    match value {
        Value::String(text) => {
            if let Ok(instant) = crate::formats::parse_rfc3339(&text) {
                return Value::String(format!("instant:{}", instant.unix_timestamp_nanos()));
            }
            if let Ok(instant) = crate::formats::parse_rfc7231(&text) {
                return Value::String(format!("instant:{}", instant.unix_timestamp_nanos()));
            }
            if let Ok(duration) = crate::formats::parse_duration(&text) {
                return Value::String(format!("duration:{}", duration.whole_nanoseconds()));
            }
            if text.len() == 36 && text.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
                return Value::String(text.to_ascii_lowercase());
            }
            Value::String(text)
        }
        Value::Number(number) => match number.as_f64() {
            Some(float) => Value::String(format!("number:{float}")),
            None => Value::Number(number),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(normalize).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, normalize(v))).collect())
        }
        other => other,
    }
}

/// The request parameter `parameter` of `example` reads into `T` and writes back the same JSON
/// (by meaning, see [`normalize`]).
///
/// # Panics
///
/// When the parameter is missing, does not deserialize, or does not round-trip.
pub fn request_round_trips<T: DeserializeOwned + Serialize>(example: &Value, parameter: &str) {
    let body =
        example["parameters"].get(parameter).unwrap_or_else(|| panic!("the example has no `{parameter}` parameter"));
    let model: T = serde_json::from_value(body.clone())
        .unwrap_or_else(|e| panic!("request `{parameter}` does not deserialize: {e}"));
    let again =
        serde_json::to_value(&model).unwrap_or_else(|e| panic!("request `{parameter}` does not serialize: {e}"));
    assert_eq!(normalize(again), normalize(body.clone()), "request `{parameter}` does not round-trip");
}

/// The body of response `code` reads into `T`.
///
/// # Panics
///
/// When the response has no body or it does not deserialize.
pub fn response_deserializes<T: DeserializeOwned>(example: &Value, code: &str) {
    let body =
        example["responses"][code].get("body").unwrap_or_else(|| panic!("response {code} of the example has no body"));
    serde_json::from_value::<T>(body.clone()).unwrap_or_else(|e| panic!("response {code} does not deserialize: {e}"));
}

/// Response `code` exists and has no body (the operation declares none).
///
/// # Panics
///
/// When the response is missing or has a body.
pub fn response_has_no_body(example: &Value, code: &str) {
    let response = &example["responses"][code];
    assert!(response.is_object(), "the example has no response {code}");
    assert!(
        response.get("body").is_none_or(Value::is_null),
        "response {code} has a body, but the operation declares none"
    );
}

/// Response `code` exists (its body is not JSON, so only its presence is checked).
///
/// # Panics
///
/// When the response is missing.
pub fn response_exists(example: &Value, code: &str) {
    assert!(example["responses"][code].is_object(), "the example has no response {code}");
}

/// The event data at `pointer` reads into `T`.
///
/// # Panics
///
/// When the data is missing or does not deserialize.
pub fn event_data_deserializes<T: DeserializeOwned>(example: &Value, pointer: &str) {
    let data = example.pointer(pointer).unwrap_or_else(|| panic!("the example has no {pointer}"));
    serde_json::from_value::<T>(data.clone())
        .unwrap_or_else(|e| panic!("event data {pointer} does not deserialize: {e}"));
}

/// Upstream's example predates the spec (`why`): the data at `pointer` does not read into `T`.
/// Once the example is fixed this fails, and regenerating turns the test into
/// [`event_data_deserializes`].
///
/// # Panics
///
/// When the data is missing, or deserializes after all.
pub fn event_data_contradicts_spec<T: DeserializeOwned>(example: &Value, pointer: &str, why: &str) {
    let data = example.pointer(pointer).unwrap_or_else(|| panic!("the example has no {pointer}"));
    assert!(
        serde_json::from_value::<T>(data.clone()).is_err(),
        "event data {pointer} was generated as contradicting the spec ({why}) but now deserializes: regenerate"
    );
}

/// The spec documents no model for `event_type`: the event must carry data, which is not checked
/// further (the test says so rather than skipping the example).
///
/// # Panics
///
/// When the data is missing.
pub fn event_has_no_model(example: &Value, pointer: &str, event_type: &str) {
    let data = example.pointer(pointer).unwrap_or_else(|| panic!("the example has no {pointer}"));
    assert!(!data.is_null(), "event data {pointer} is missing");
    eprintln!("{event_type}: the spec documents no model for this event type; its data is not checked");
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equal_meanings_normalize_equal() {
        let a =
            json!({ "at": "2026-01-01T00:00:00Z", "n": 1, "id": "0F8FAD5B-D9CB-469F-A165-70867728950E", "gone": null });
        let b =
            json!({ "at": "2026-01-01T00:00:00.000+00:00", "n": 1.0, "id": "0f8fad5b-d9cb-469f-a165-70867728950e" });
        assert_eq!(normalize(a), normalize(b));
        assert_ne!(normalize(json!({ "n": 1 })), normalize(json!({ "n": 2 })));
    }

    #[derive(serde::Deserialize)]
    struct Needs {
        #[allow(dead_code)]
        id: String,
    }

    #[test]
    fn event_checks_tell_fitting_data_from_contradicting_data() {
        let example = json!([{ "data": { "id": "1" } }, { "data": {} }]);
        event_data_deserializes::<Needs>(&example, "/0/data");
        event_data_contradicts_spec::<Needs>(&example, "/1/data", "no id");
        let fits = std::panic::catch_unwind(|| event_data_contradicts_spec::<Needs>(&example, "/0/data", "x"));
        assert!(fits.is_err(), "a contradiction that no longer holds fails");
    }
}
