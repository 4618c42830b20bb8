//! Stage 3, **lower**: from [`openapiv3::OpenAPI`] to our intermediate model ([`crate::ir`]).
//!
//! Here the spec's meaning is decided once, so that emitters only print. One module per concern:
//! - `schemas`: models, enums, discriminated and untagged unions, aliases, field types and formats;
//! - `operations`: groups, parameters, bodies and media types, retry safety;
//! - `responses`: success responses, their bodies and headers, the error model;
//! - `paging`: `x-ms-pageable` and `x-ms-long-running-operation`;
//! - `host`: the host template and client-level parameters;
//! - `shared`: types re-used from a shared models crate instead of copied;
//! - `usage`: which models are sent, received or both;
//! - `cycles`: boxes for recursive types.

mod all_of;
mod cycles;
mod host;
mod normalize;
mod operations;
mod paging;
mod responses;
mod schemas;
pub mod shared;
mod type_refs;
mod usage;

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr, Schema};
use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result, SourceLoc};
use crate::ir::*;

pub use shared::SharedTypes;

/// Per-service choices that the spec does not make.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceOptions {
    /// Renames: `Schema` → type name, `Schema.property` → field name, `operationId` → method name.
    #[serde(default)]
    pub renames: BTreeMap<String, String>,
    /// Operation ids generated as `#[doc(hidden)]`, for the hand-written layer to wrap or hide.
    #[serde(default)]
    pub internal_operations: BTreeSet<String>,
    /// Folders (relative to the root spec's folder) of event examples: payloads of the spec's models
    /// that no operation references, such as the `examples/event-grid-schema` of an Event Grid
    /// spec. Each event is tested against the model documented for its event type.
    #[serde(default)]
    pub event_examples: Vec<String>,
    /// What the models no operation reaches are (a models-only spec): built by callers and received
    /// (`both`, the default), or only received (`output`: documents the service sends, such as events,
    /// which are then `#[non_exhaustive]`).
    #[serde(default)]
    pub unreferenced_models: UnreferencedModels,
}

/// See [`ServiceOptions::unreferenced_models`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnreferencedModels {
    /// Sent and received: constructible with struct literals.
    #[default]
    Both,
    /// Only received: `#[non_exhaustive]`.
    Output,
}

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Lowers `openapi` (loaded from `root`, with `schema_sources` saying where each schema came from),
/// re-using the types of `shared` crates where they are the same as (or compatible supersets of)
/// the spec's.
pub fn lower(
    openapi: &OpenAPI,
    root: &str,
    schema_sources: &BTreeMap<String, SourceLoc>,
    options: &ServiceOptions,
    shared: &[SharedTypes],
) -> Result<Service> {
    let mut normalized = openapi.clone();
    let schema_loc = |name: &str| {
        schema_sources.get(name).cloned().unwrap_or_else(|| SourceLoc::new(root, "/components/schemas").join(name))
    };
    let warnings = normalize::normalize(&mut normalized, root, &schema_loc);
    let openapi = &normalized;
    let mut lowerer = Lowerer {
        openapi,
        root,
        schema_sources,
        options,
        types: BTreeMap::new(),
        type_owner: BTreeMap::new(),
        union_children: BTreeMap::new(),
        collected: BTreeMap::new(),
        warnings,
    };
    lowerer.lower_schemas()?;
    let mut groups = lowerer.lower_operations()?;
    let client_params = host::client_params(&groups)?;
    lowerer.check_options_used(&groups)?;
    let host = lowerer.host()?;
    host::check_host_names(&host, &client_params)?;
    let mut types = std::mem::take(&mut lowerer.types);
    usage::mark(&mut types, &groups, options.unreferenced_models);
    shared::substitute(&mut types, shared);
    cycles::box_recursive_fields(&mut types);
    paging::attach_monitors(&mut groups, &types);
    let mut warnings = lowerer.warnings;
    warnings.sort();
    warnings.dedup();
    Ok(Service {
        title: openapi.info.title.clone(),
        description: openapi.info.description.clone().unwrap_or_default(),
        api_version: openapi.info.version.clone(),
        host,
        types,
        groups,
        client_params,
        warnings,
    })
}

/// A schema position: a `$ref` or an inline schema.
#[derive(Clone, Copy)]
pub(crate) enum SchemaRef<'a> {
    Ref(&'a str),
    Inline(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(value: &'a ReferenceOr<Schema>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(value: &'a ReferenceOr<Box<Schema>>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema),
        }
    }
}

pub(crate) struct Lowerer<'a> {
    pub(crate) openapi: &'a OpenAPI,
    pub(crate) root: &'a str,
    pub(crate) schema_sources: &'a BTreeMap<String, SourceLoc>,
    pub(crate) options: &'a ServiceOptions,
    pub(crate) types: BTreeMap<String, TypeDef>,
    /// Which spec schema (or inline position) produced each Rust type name.
    pub(crate) type_owner: BTreeMap<String, SourceLoc>,
    /// Discriminated child schema → (union type, discriminator property).
    pub(crate) union_children: BTreeMap<String, (String, String)>,
    /// The properties of each component schema, parents first, once computed (keeps `allOf` chains linear).
    pub(crate) collected: BTreeMap<String, std::rc::Rc<all_of::Collected<'a>>>,
    pub(crate) warnings: Vec<Warning>,
}

pub(crate) fn extension_str<'v>(extensions: &'v indexmap::IndexMap<String, Value>, key: &str) -> Option<&'v str> {
    extensions.get(key).and_then(Value::as_str)
}

impl<'a> Lowerer<'a> {
    pub(crate) fn schemas(&self) -> impl Iterator<Item = (&'a String, &'a ReferenceOr<Schema>)> {
        self.openapi.components.iter().flat_map(|c| c.schemas.iter())
    }

    pub(crate) fn schema_loc(&self, name: &str) -> SourceLoc {
        self.schema_sources
            .get(name)
            .cloned()
            .unwrap_or_else(|| SourceLoc::new(self.root, "/components/schemas").join(name))
    }

    pub(crate) fn warn(&mut self, location: &SourceLoc, message: impl Into<String>) {
        self.warnings.push(Warning { location: location.clone(), message: message.into() });
    }

    pub(crate) fn component(&self, reference: &str, loc: &SourceLoc) -> Result<(&'a str, &'a ReferenceOr<Schema>)> {
        let name = reference
            .strip_prefix(SCHEMA_PREFIX)
            .ok_or_else(|| Error::at(loc, format!("unsupported $ref `{reference}`: expected {SCHEMA_PREFIX}…")))?;
        self.openapi
            .components
            .as_ref()
            .and_then(|c| c.schemas.get_key_value(name))
            .map(|(k, v)| (k.as_str(), v))
            .ok_or_else(|| Error::at(loc, format!("dangling $ref: schema `{name}` does not exist")))
    }

    /// The Rust type name for spec schema `name`.
    pub(crate) fn rust_type_name(&self, name: &str) -> String {
        self.options.renames.get(name).cloned().unwrap_or_else(|| crate::names::type_name(name))
    }

    pub(crate) fn claim_type_name(&mut self, name: &str, loc: &SourceLoc) -> Result<()> {
        if let Some(owner) = self.type_owner.get(name) {
            if owner != loc {
                return Err(Error::at(
                    loc,
                    format!("name collision: this schema and {owner} both become the Rust type `{name}`; rename one in specs.yaml"),
                ));
            }
        }
        self.type_owner.insert(name.to_string(), loc.clone());
        Ok(())
    }

    pub(crate) fn insert_type(&mut self, def: TypeDef, loc: &SourceLoc) -> Result<()> {
        // A named enum that an inline enum (same `x-ms-enum` name, same values) already brought in,
        // as TypeSpec emits them: one type, documented by the named schema.
        if self.types.get(def.name()).is_some_and(|existing| schemas::same_enum(existing, &def)) {
            self.type_owner.insert(def.name().to_string(), loc.clone());
            self.types.insert(def.name().to_string(), def);
            return Ok(());
        }
        self.claim_type_name(def.name(), loc)?;
        if let Some(existing) = self.types.get(def.name()) {
            if *existing != def {
                return Err(Error::at(loc, format!("name collision: two different types are named `{}`", def.name())));
            }
        }
        self.types.insert(def.name().to_string(), def);
        Ok(())
    }

    fn check_options_used(&self, groups: &[OperationGroup]) -> Result<()> {
        let ids: BTreeSet<&str> =
            groups.iter().flat_map(|g| g.operations.iter().map(|o| o.operation_id.as_str())).collect();
        let schemas: BTreeSet<&str> = self.schemas().map(|(name, _)| name.as_str()).collect();
        let manifest = SourceLoc::new("specs/specs.yaml", "");
        for id in &self.options.internal_operations {
            if !ids.contains(id.as_str()) {
                return Err(Error::at(
                    &manifest,
                    format!("internal_operations names `{id}`, which the spec does not have"),
                ));
            }
        }
        for key in self.options.renames.keys() {
            let known = ids.contains(key.as_str()) || schemas.contains(key.split('.').next().unwrap_or_default());
            if !known {
                return Err(Error::at(&manifest, format!("renames names `{key}`, which the spec does not have")));
            }
        }
        Ok(())
    }
}
