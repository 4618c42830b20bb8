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
        // Inside a container, a model is written by its path in the models crate.
        other => super::types::scoped_type(other, super::types::TypeScope::Rest),
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
        use acs_rest_core::example_checks::*;

        fn load(file: &str) -> serde_json::Value {
            acs_rest_core::example_checks::load(&format!("{}/{}", env!("CARGO_MANIFEST_DIR"), #examples_root), file)
        }

        #( #tests )*
    }
}

#[cfg(test)]
mod tests {
    use super::model_path;
    use crate::ir::TypeRef;

    #[test]
    fn models_inside_containers_are_written_by_path() {
        let named = TypeRef::Named("Record".into());
        assert_eq!(model_path(&named).to_string(), "crate :: Record");
        let array = TypeRef::Array(Box::new(named.clone()));
        assert_eq!(model_path(&array).to_string(), "Vec < crate :: models :: Record >");
        let map = TypeRef::Map(Box::new(named));
        assert_eq!(
            model_path(&map).to_string(),
            ":: std :: collections :: HashMap < String , crate :: models :: Record >"
        );
    }
}
