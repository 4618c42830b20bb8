//! The generated tests of the spec's examples: each request body of an `x-ms-examples` file
//! re-serializes to the same JSON and each response body deserializes into its model; each event of
//! an event example deserializes into its event type's model, or, where upstream's example
//! contradicts the spec, is shown to (so the test says so instead of skipping it).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{ident, lit};
use crate::ir::TypeRef;

/// What one example's response must be.
#[derive(Clone, Debug, PartialEq)]
pub enum ExpectedBody {
    /// A JSON body of this model.
    Json(TypeRef),
    /// No body.
    None,
    /// A body that is not JSON (binary or text): only its presence is checked.
    Opaque,
}

/// One `x-ms-examples` file and what its bodies must be.
#[derive(Clone, Debug, PartialEq)]
pub struct ExampleCase {
    /// The example file, relative to the specs root.
    pub file: String,
    /// Name of the generated test.
    pub test_name: String,
    /// The request body: the example parameter that holds it, and its model.
    pub request: Option<(String, TypeRef)>,
    /// Responses: status code, and what its body must be.
    pub responses: Vec<(String, ExpectedBody)>,
    /// Events (event examples).
    pub events: Vec<EventCheck>,
}

/// One event of an event example and the model its data must fit.
#[derive(Clone, Debug, PartialEq)]
pub struct EventCheck {
    /// JSON pointer to the event's data in the file (`/0/data`, `/data`).
    pub pointer: String,
    /// The event's type.
    pub event_type: String,
    /// The model of its data; `None` when the spec documents none for the event type (the test
    /// then says so, and checks only that the event carries data).
    pub model: Option<String>,
    /// Why the data contradicts the model, when it does (upstream's example predates the spec).
    pub contradiction: Option<String>,
}

fn model_path(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(crate::#name)
        }
        other => super::types::type_tokens(other),
    }
}

/// The `example_tests` module of the models crate: one test per example file.
pub(super) fn example_tests(cases: &[ExampleCase], examples_root: &str) -> TokenStream {
    let tests = cases.iter().map(|case| {
        let name = format_ident!("{}", case.test_name);
        let file = lit(&case.file);
        let request = case.request.as_ref().map(|(parameter, ty)| {
            let ty = model_path(ty);
            let parameter = lit(parameter);
            quote! { request_round_trips::<#ty>(&example, #parameter); }
        });
        let responses = case.responses.iter().map(|(code, expected)| {
            let code = lit(code);
            match expected {
                ExpectedBody::Json(ty) => {
                    let ty = model_path(ty);
                    quote! { response_deserializes::<#ty>(&example, #code); }
                }
                ExpectedBody::None => quote! { response_has_no_body(&example, #code); },
                ExpectedBody::Opaque => quote! { response_exists(&example, #code); },
            }
        });
        let events = case.events.iter().map(|check| {
            let pointer = lit(&check.pointer);
            let Some(model) = &check.model else {
                let event_type = lit(&check.event_type);
                return quote! { event_has_no_model(&example, #pointer, #event_type); };
            };
            let model = ident(model);
            match &check.contradiction {
                None => quote! { event_data_deserializes::<crate::#model>(&example, #pointer); },
                Some(why) => {
                    let why = lit(why);
                    quote! { event_data_contradicts_spec::<crate::#model>(&example, #pointer, #why); }
                }
            }
        });
        quote! {
            #[test]
            fn #name() {
                let example = load(#file);
                #request
                #( #responses )*
                #( #events )*
            }
        }
    });
    quote! {
        //! Every example file of the spec: request bodies re-serialize to the same JSON, response
        //! bodies and event data deserialize (or, where upstream's example contradicts the spec, are
        //! shown not to). The files are read from `$ACS_SPECS_ROOT`, else
        //! `$AZURE_REST_API_SPECS`, else the specs root the crate was generated from.
        #![allow(dead_code)] // a spec's examples may not need every helper

        use serde::{de::DeserializeOwned, Serialize};
        use serde_json::Value;

        fn load(file: &str) -> Value {
            let root = std::env::var("ACS_SPECS_ROOT")
                .or_else(|_| std::env::var("AZURE_REST_API_SPECS"))
                .unwrap_or_else(|_| format!("{}/{}", env!("CARGO_MANIFEST_DIR"), #examples_root));
            let path = std::path::Path::new(&root).join(file);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read example {}: {e}; set ACS_SPECS_ROOT to the specs root", path.display()));
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("example {} is not JSON: {e}", path.display()))
        }

        /// Values compare by meaning, whatever their textual form: times as instants, numbers as
        /// numbers, UUIDs in lowercase, durations as seconds, a `null` property as an absent one.
        fn normalize(value: Value) -> Value {
            match value {
                Value::String(text) => {
                    if let Ok(instant) = acs_rest_core::formats::parse_rfc3339(&text) {
                        return Value::String(format!("instant:{}", instant.unix_timestamp_nanos()));
                    }
                    if let Ok(instant) = acs_rest_core::formats::parse_rfc7231(&text) {
                        return Value::String(format!("instant:{}", instant.unix_timestamp_nanos()));
                    }
                    if let Ok(duration) = acs_rest_core::formats::parse_duration(&text) {
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
                // `null` and absent mean the same.
                Value::Object(map) => {
                    Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, normalize(v))).collect())
                }
                other => other,
            }
        }

        fn request_round_trips<T: DeserializeOwned + Serialize>(example: &Value, parameter: &str) {
            let body = example["parameters"].get(parameter).unwrap_or_else(|| panic!("the example has no `{parameter}` parameter"));
            let model: T = serde_json::from_value(body.clone()).unwrap_or_else(|e| panic!("request `{parameter}` does not deserialize: {e}"));
            let again = serde_json::to_value(&model).expect("models serialize");
            assert_eq!(normalize(again), normalize(body.clone()), "request `{parameter}` does not round-trip");
        }

        fn response_deserializes<T: DeserializeOwned>(example: &Value, code: &str) {
            let body = example["responses"][code].get("body").unwrap_or_else(|| panic!("response {code} of the example has no body"));
            serde_json::from_value::<T>(body.clone()).unwrap_or_else(|e| panic!("response {code} does not deserialize: {e}"));
        }

        fn response_has_no_body(example: &Value, code: &str) {
            let response = &example["responses"][code];
            assert!(response.is_object(), "the example has no response {code}");
            assert!(response.get("body").is_none_or(Value::is_null), "response {code} has a body, but the operation declares none");
        }

        fn event_data_deserializes<T: DeserializeOwned>(example: &Value, pointer: &str) {
            let data = example.pointer(pointer).unwrap_or_else(|| panic!("the example has no {pointer}"));
            serde_json::from_value::<T>(data.clone()).unwrap_or_else(|e| panic!("event data {pointer} does not deserialize: {e}"));
        }

        /// Upstream's example predates the spec: the test shows the contradiction, and fails once
        /// the example is fixed (regenerate then).
        fn event_data_contradicts_spec<T: DeserializeOwned>(example: &Value, pointer: &str, why: &str) {
            let data = example.pointer(pointer).unwrap_or_else(|| panic!("the example has no {pointer}"));
            assert!(
                serde_json::from_value::<T>(data.clone()).is_err(),
                "event data {pointer} was generated as contradicting the spec ({why}) but now deserializes: regenerate"
            );
        }

        /// The spec documents no model for the event type: nothing to check the data against, and
        /// the test says so rather than skipping the example.
        fn event_has_no_model(example: &Value, pointer: &str, event_type: &str) {
            let data = example.pointer(pointer).unwrap_or_else(|| panic!("the example has no {pointer}"));
            assert!(!data.is_null(), "event data {pointer} is missing");
            eprintln!("{event_type}: the spec documents no model for this event type; its data is not checked");
        }

        fn response_exists(example: &Value, code: &str) {
            assert!(example["responses"][code].is_object(), "the example has no response {code}");
        }

        #( #tests )*
    }
}
