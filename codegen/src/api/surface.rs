//! The public API of a service's generated crates, as the Rust compiler sees it: every type with
//! its fields, values or kinds and whether users can build it, and every method with its
//! arguments, options and return type. Written next to the generated crates (`api.json`), so the
//! committed tree holds the baseline that the next regen is compared with.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::emit::rest::{group_names, method_name, response_enum_name, rust_arg_type, rust_model_type};
use crate::emit::types::type_tokens;
use crate::ir::*;
use crate::lower::SharedTypes;
use crate::names::{bare, name_part};

/// The public API of one service's crates.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiSurface {
    /// The crates' version when this was generated.
    pub version: String,
    /// The api-version the client sends by default.
    pub api_version: String,
    /// The models crate's types, by name.
    pub types: BTreeMap<String, TypeApi>,
    /// The client constructor's arguments after the endpoint (client parameters), in order.
    #[serde(default)]
    pub client_args: Vec<Arg>,
    /// The REST crate's methods, by `group.method` (`chat_thread.send_chat_message`).
    #[serde(default)]
    pub operations: BTreeMap<String, OperationApi>,
}

/// A type of the models crate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeApi {
    /// A struct.
    Struct {
        /// `#[non_exhaustive]`: users cannot build it with a struct literal.
        non_exhaustive: bool,
        /// It implements `Default`, so a literal can end in `..Default::default()`.
        default: bool,
        /// Fields by Rust name.
        fields: BTreeMap<String, FieldApi>,
    },
    /// An enum of string values.
    Enum {
        /// Unknown values are kept as `UnknownValue(String)` (the enum is not `Copy`).
        extensible: bool,
        /// Values on the wire.
        values: Vec<String>,
    },
    /// A discriminated union.
    Union {
        /// The discriminator property.
        discriminator: String,
        /// Kinds: discriminator value → model.
        kinds: BTreeMap<String, String>,
    },
    /// An untagged union: its variants' types.
    Untagged {
        /// Variant name → type.
        variants: BTreeMap<String, String>,
    },
    /// A type alias.
    Alias {
        /// The aliased type.
        target: String,
    },
    /// A type re-exported from a shared models crate.
    External {
        /// That crate.
        krate: String,
    },
}

/// A struct field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldApi {
    /// The Rust type, `Option<…>` included.
    pub ty: String,
    /// The property's name on the wire.
    pub wire: String,
}

/// A method argument or option field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arg {
    /// Rust name.
    pub name: String,
    /// Rust type.
    pub ty: String,
}

/// A method of the REST crate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OperationApi {
    /// The spec's operationId.
    pub operation_id: String,
    /// HTTP method and path template (`POST /chat/threads`).
    pub request: String,
    /// Required arguments, in order.
    pub args: Vec<Arg>,
    /// The options struct's name.
    pub options: String,
    /// Its fields (optional parameters), besides `method_options`.
    pub option_fields: Vec<Arg>,
    /// What the method returns.
    pub returns: String,
    /// Success statuses (`200`, `2XX`).
    pub success: Vec<String>,
    /// Whether it returns a `Pager`.
    pub paging: bool,
    /// Whether it returns a `Poller`.
    pub long_running: bool,
}

fn text(tokens: proc_macro2::TokenStream) -> String {
    tokens.to_string().replace(' ', "")
}

/// Whether a field is an `Option` in Rust (as the models emitter decides).
fn optional(field: &Field, usage: Usage) -> bool {
    !field.required || field.nullable || (field.read_only && usage.input)
}

/// The public API of `service`'s crates at `version`. A type re-exported from a shared crate is
/// described as that crate has it (`shared`), so that moving a type there shows as what it changes.
pub fn surface(service: &Service, version: &str, shared: &[SharedTypes]) -> ApiSurface {
    let defaults = default_kinds(&service.types);
    let types = service
        .types
        .iter()
        .map(|(name, def)| {
            let resolved = match def {
                TypeDef::External(e) => shared
                    .iter()
                    .filter(|s| s.krate == e.krate)
                    .find_map(|s| s.types.get(&e.name).map(|t| (t, default_kinds(&s.types))))
                    .filter(|(t, _)| !matches!(t, TypeDef::External(_))),
                _ => None,
            };
            let (def, defaults) = match &resolved {
                Some((t, shared_defaults)) => (*t, shared_defaults),
                None => (def, &defaults),
            };
            let api = match def {
                TypeDef::Struct(s) => TypeApi::Struct {
                    non_exhaustive: s.usage.output_only(),
                    default: matches!(defaults.get(name), Some(DefaultKind::Derive | DefaultKind::Manual)),
                    fields: s
                        .fields
                        .iter()
                        .map(|f| {
                            let ty = text(type_tokens(&f.ty));
                            let ty = if optional(f, s.usage) { format!("Option<{ty}>") } else { ty };
                            (bare(&f.name).to_string(), FieldApi { ty, wire: f.wire_name.clone() })
                        })
                        .collect(),
                },
                TypeDef::Enum(e) => TypeApi::Enum {
                    extensible: e.extensible,
                    values: e.values.iter().map(|v| v.wire.clone()).collect(),
                },
                TypeDef::Union(u) => TypeApi::Union {
                    discriminator: u.discriminator.clone(),
                    kinds: u.variants.iter().map(|v| (v.wire.clone(), v.model.clone())).collect(),
                },
                TypeDef::Untagged(u) => TypeApi::Untagged {
                    variants: u.variants.iter().map(|v| (v.variant.clone(), text(type_tokens(&v.ty)))).collect(),
                },
                TypeDef::Alias(a) => TypeApi::Alias { target: text(type_tokens(&a.target)) },
                TypeDef::External(e) => TypeApi::External { krate: e.krate.clone() },
            };
            (name.clone(), api)
        })
        .collect();
    let client_args = service
        .client_params
        .iter()
        .filter(|p| p.required)
        .map(|p| Arg { name: bare(&p.name).to_string(), ty: text(rust_arg_type(&p.ty)) })
        .collect();
    let mut operations = BTreeMap::new();
    for group in &service.groups {
        let (accessor, _) = group_names(group);
        let prefix = name_part(&group.name);
        for op in &group.operations {
            if op.internal {
                continue;
            }
            let key = if group.name.is_empty() { method_name(op) } else { format!("{accessor}.{}", method_name(op)) };
            operations.insert(key, operation_api(op, &prefix));
        }
    }
    ApiSurface {
        version: version.to_string(),
        api_version: service.api_version.clone(),
        types,
        client_args,
        operations,
    }
}

fn operation_api(op: &Operation, prefix: &str) -> OperationApi {
    let arg = |p: &Param| Arg { name: bare(&p.name).to_string(), ty: text(rust_arg_type(&p.ty)) };
    let option =
        |p: &Param| Arg { name: bare(&p.name).to_string(), ty: format!("Option<{}>", text(rust_model_type(&p.ty))) };
    let mut args: Vec<Arg> = op
        .params
        .iter()
        .filter(|p| p.required && !p.client && p.constant.is_none() && p.repeatability.is_none())
        .map(arg)
        .collect();
    let mut option_fields: Vec<Arg> = op
        .params
        .iter()
        .filter(|p| (!p.required || p.repeatability.is_some()) && !p.client && p.constant.is_none())
        .map(option)
        .collect();
    if let Some(body) = &op.body {
        let ty = match &body.kind {
            BodyKind::Json(ty) => format!("RequestContent<{}>", text(rust_model_type(ty))),
            BodyKind::Binary => "Bytes".to_string(),
            BodyKind::Text => "String".to_string(),
            BodyKind::Form(_) => "form".to_string(),
        };
        if let BodyKind::Form(fields) = &body.kind {
            for field in fields {
                let ty = field.ty.as_ref().map_or("Bytes".to_string(), |t| text(rust_model_type(t)));
                let target = if field.required { &mut args } else { &mut option_fields };
                let ty = if field.required { ty } else { format!("Option<{ty}>") };
                target.push(Arg { name: bare(&field.name).to_string(), ty });
            }
        } else if body.required {
            args.push(Arg { name: bare(&body.name).to_string(), ty });
        } else {
            option_fields.push(Arg { name: bare(&body.name).to_string(), ty: format!("Option<{ty}>") });
        }
    }
    let single = |body: &ResponseBody| match body {
        ResponseBody::None => "()".to_string(),
        ResponseBody::Json(ty) => text(rust_model_type(ty)),
        ResponseBody::Binary => "Bytes".to_string(),
        ResponseBody::Text => "String".to_string(),
    };
    let returns = if let Some(paging) = &op.paging {
        format!("Pager<{}>", paging.page)
    } else if let Some(lro) = &op.lro {
        match &lro.monitor {
            Some(monitor) => format!("Poller<{monitor}>"),
            None => format!(
                "Poller<OperationStatus<{}>>",
                lro.output.as_ref().map_or("()".to_string(), |t| text(rust_model_type(t)))
            ),
        }
    } else {
        match op.single_body() {
            Some(body) => format!("Response<{}>", single(body)),
            None => response_enum_name(op, prefix),
        }
    };
    let success = op
        .responses
        .iter()
        .map(|r| match r.status {
            StatusMatch::Code(code) => code.to_string(),
            StatusMatch::Class(class) => format!("{class}XX"),
        })
        .collect();
    OperationApi {
        operation_id: op.operation_id.clone(),
        request: format!("{} {}", op.method.as_str(), op.path.text),
        args,
        options: format!("{prefix}{}Options", name_part(bare(&op.name))),
        option_fields,
        returns,
        success,
        paging: op.paging.is_some(),
        long_running: op.lro.is_some(),
    }
}
