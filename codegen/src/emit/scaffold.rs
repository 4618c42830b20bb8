//! Crate scaffolding (Cargo.toml, README.md, lib.rs) from `minijinja` templates.

use minijinja::{context, Environment};
use serde::Serialize;

use super::{rest, CrateLinks};
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
    pub(super) fn new(
        key: &str,
        entry: &ServiceEntry,
        service: &Service,
        links: &CrateLinks,
        has_examples: bool,
    ) -> Result<Self> {
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
        let has_headers = rest::responses::headers_file(service).is_some();
        let mut reexports = modules.clone();
        reexports.push("client".to_string());
        if has_headers {
            reexports.push("headers".to_string());
        }
        reexports.sort();
        let operations = service.groups.iter().flat_map(|g| &g.operations);
        let uses_uuid = service.types.values().any(|t| match t {
            TypeDef::Struct(s) => s.fields.iter().any(|f| f.ty.uses_uuid()),
            TypeDef::Untagged(u) => u.variants.iter().any(|v| v.ty.uses_uuid()),
            TypeDef::Alias(a) => a.target.uses_uuid(),
            _ => false,
        }) || operations.clone().any(|o| o.params.iter().any(|p| p.ty.uses_uuid()));
        let example_args: Vec<String> = service
            .host
            .params
            .iter()
            .filter(|p| p.default.is_none() && !p.api_version)
            .map(|p| {
                if p.name == "endpoint" {
                    "\"https://contoso.communication.azure.com\"".to_string()
                } else {
                    format!("\"{}\"", p.wire_name)
                }
            })
            .chain(service.client_params.iter().filter(|p| p.required).map(|p| match p.ty {
                TypeRef::String => format!("\"{}\"", p.wire_name),
                TypeRef::Array(_) => "&[]".to_string(),
                TypeRef::Named(_) => "&Default::default()".to_string(),
                _ => "Default::default()".to_string(),
            }))
            .collect();
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
            rest_crate => entry.rest_crate.clone().unwrap_or_default(),
            client => entry.client.clone().unwrap_or_default(),
            runtime => minijinja::Value::from(minijinja::value::Serde(&links.runtime)),
            shared => minijinja::Value::from(minijinja::value::Serde(&links.shared)),
            groups => minijinja::Value::from(minijinja::value::Serde(&groups)),
            modules => modules,
            reexports => reexports,
            has_types => !service.types.is_empty(),
            has_headers => has_headers,
            uses_uuid => uses_uuid,
            example_args => example_args,
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
        let text =
            template.render(&self.context).map_err(|e| Error::msg(format!("internal error: rendering {name}: {e}")))?;
        Ok(tidy_blank_lines(&text))
    }
}

/// Collapses runs of blank lines left by skipped template blocks and ends the file with one newline.
fn tidy_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.trim_end().lines() {
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
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
