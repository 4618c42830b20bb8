//! Crate scaffolding from `minijinja` templates, and the generated tests of the spec's examples.

use minijinja::{context, Environment};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde::Serialize;

use super::{ident, lit, rest};
use crate::error::{Error, Result};
use crate::ir::{Service, TypeDef, TypeRef};
use crate::manifest::ServiceEntry;

const TEMPLATES: &[(&str, &str)] = &[
    ("models_Cargo.toml", include_str!("../../templates/models_Cargo.toml")),
    ("models_README.md", include_str!("../../templates/models_README.md")),
    ("models_lib.rs", include_str!("../../templates/models_lib.rs")),
    ("rest_Cargo.toml", include_str!("../../templates/rest_Cargo.toml")),
    ("rest_README.md", include_str!("../../templates/rest_README.md")),
    ("rest_lib.rs", include_str!("../../templates/rest_lib.rs")),
];

#[derive(Serialize)]
struct GroupInfo {
    accessor: String,
    operations: Vec<String>,
}

pub(super) struct Scaffold {
    env: Environment<'static>,
    context: minijinja::Value,
}

impl Scaffold {
    pub(super) fn new(key: &str, entry: &ServiceEntry, service: &Service, has_examples: bool) -> Result<Self> {
        let mut env = Environment::new();
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
            .map_err(|e| Error::msg(format!("internal error: template syntax: {e}")))?;
        env.set_syntax(syntax);
        for (name, source) in TEMPLATES {
            env.add_template(name, source).map_err(|e| Error::msg(format!("internal error: template {name}: {e}")))?;
        }
        let groups: Vec<GroupInfo> = service
            .groups
            .iter()
            .map(|g| {
                let (accessor, _) = rest::group_names(g);
                let accessor = if accessor.is_empty() { "(client)".to_string() } else { format!("{accessor}()") };
                GroupInfo {
                    accessor,
                    operations: g.operations.iter().map(|o| format!("`{}`", crate::names::bare(&o.name))).collect(),
                }
            })
            .collect();
        let modules: Vec<String> = service.groups.iter().map(rest::group_module).collect();
        let mut reexports = modules.clone();
        reexports.push("client".to_string());
        reexports.sort();
        let context = context! {
            key => key,
            spec => entry.spec.clone(),
            commit => entry.commit.clone(),
            title => service.title.clone(),
            api_version => service.api_version.clone(),
            version => entry.version.clone(),
            repository => entry.repository.clone(),
            keyword => entry.keyword.clone().unwrap_or_else(|| key.to_string()),
            models_crate => entry.models_crate.clone(),
            rest_crate => entry.rest_crate.clone(),
            client => entry.client.clone(),
            groups => minijinja::Value::from(minijinja::value::Serde(&groups)),
            modules => modules,
            reexports => reexports,
            has_types => !service.types.is_empty(),
            example_args => service.client_params.iter().filter(|p| p.required).map(|p| match p.ty {
                crate::ir::TypeRef::String => format!("\"{}\"", p.wire_name),
                _ => "Default::default()".to_string(),
            }).collect::<Vec<_>>(),
            has_examples => has_examples,
            has_extensible => service.types.values().any(|t| matches!(t, TypeDef::Enum(e) if e.extensible)),
            operation_count => service.groups.iter().map(|g| g.operations.len()).sum::<usize>(),
            model_count => service.types.values().filter(|t| !matches!(t, TypeDef::Alias(_))).count(),
            example => models_example(&entry.models_crate, service),
        };
        Ok(Self { env, context })
    }

    pub(super) fn render(&self, name: &str) -> Result<String> {
        let template =
            self.env.get_template(name).map_err(|e| Error::msg(format!("internal error: template {name}: {e}")))?;
        template.render(&self.context).map_err(|e| Error::msg(format!("internal error: rendering {name}: {e}")))
    }
}

/// A doc-test example for the models crate: an extensible enum keeping a value it does not know.
fn models_example(krate: &str, service: &Service) -> Vec<String> {
    let extensible = service.types.values().find_map(|t| match t {
        TypeDef::Enum(e) if e.extensible && !e.values.is_empty() => Some(e),
        _ => None,
    });
    match extensible {
        Some(e) => vec![
            format!("use {krate}::{};", e.name),
            String::new(),
            format!("let known: {} = serde_json::from_str(\"\\\"{}\\\"\").unwrap();", e.name, e.values[0].wire),
            format!("assert_eq!(known, {}::{});", e.name, e.values[0].variant),
            format!("let newer: {} = serde_json::from_str(\"\\\"notYetKnown\\\"\").unwrap();", e.name),
            format!("assert_eq!(newer, {}::UnknownValue(\"notYetKnown\".into()));", e.name),
            "assert_eq!(serde_json::to_string(&newer).unwrap(), \"\\\"notYetKnown\\\"\");".to_string(),
        ],
        None => match service.types.values().next() {
            Some(first) => vec![
                format!("let name = std::any::type_name::<{krate}::{}>();", first.name()),
                "assert!(!name.is_empty());".to_string(),
            ],
            None => vec![format!("use {krate} as _;")],
        },
    }
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
    /// Responses: status code, and the model of its body (`None` when the operation has no body).
    pub responses: Vec<(String, Option<TypeRef>)>,
}

fn model_path(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(crate::#name)
        }
        other => super::models::type_tokens(other),
    }
}

/// The `example_tests` module of the models crate: one test per example file.
pub(super) fn example_tests(cases: &[ExampleCase], _service: &Service) -> Result<TokenStream> {
    let tests = cases.iter().map(|case| {
        let name = format_ident!("{}", case.test_name);
        let file = lit(&case.file);
        let request = case.request.as_ref().map(|(parameter, ty)| {
            let ty = model_path(ty);
            let parameter = lit(parameter);
            quote! { request_round_trips::<#ty>(&example, #parameter); }
        });
        let responses = case.responses.iter().map(|(code, ty)| {
            let code = lit(code);
            match ty {
                Some(ty) => {
                    let ty = model_path(ty);
                    quote! { response_deserializes::<#ty>(&example, #code); }
                }
                None => quote! { response_has_no_body(&example, #code); },
            }
        });
        quote! {
            #[test]
            fn #name() {
                let example = load(#file);
                #request
                #( #responses )*
            }
        }
    });
    Ok(quote! {
        //! Every `x-ms-examples` file of the spec: request bodies re-serialize to the same JSON and
        //! response bodies deserialize. The files are read from `$ACS_SPECS_ROOT`, else
        //! `$AZURE_REST_API_SPECS`, else `../shared/specs` beside the repository.
        #![allow(dead_code)] // a spec's examples may not need every helper

        use serde::{de::DeserializeOwned, Serialize};
        use serde_json::Value;

        fn load(file: &str) -> Value {
            let root = std::env::var("ACS_SPECS_ROOT")
                .or_else(|_| std::env::var("AZURE_REST_API_SPECS"))
                .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/specs").to_string());
            let path = std::path::Path::new(&root).join(file);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read example {}: {e}; set ACS_SPECS_ROOT to the specs root", path.display()));
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("example {} is not JSON: {e}", path.display()))
        }

        /// Times compare as instants, whatever their textual form.
        fn normalize(value: Value) -> Value {
            match value {
                Value::String(text) => match time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339) {
                    Ok(instant) => Value::String(format!("instant:{}", instant.unix_timestamp_nanos())),
                    Err(_) => Value::String(text),
                },
                Value::Array(items) => Value::Array(items.into_iter().map(normalize).collect()),
                Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, normalize(v))).collect()),
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

        #( #tests )*
    })
}
