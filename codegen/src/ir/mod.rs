//! The intermediate model: what the emitters see, and all they see. Names here are already Rust
//! names; wire names are kept beside them. Everything is in a deterministic order.

mod defaults;
mod operations;
mod types;

use std::collections::BTreeMap;

use crate::error::SourceLoc;

pub use defaults::{default_kinds, DefaultKind};
pub use operations::*;
pub use types::*;

/// One service (one spec) lowered for emission.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    /// The spec's title.
    pub title: String,
    /// The spec's description.
    pub description: String,
    /// The api-version the spec describes (its `info.version`).
    pub api_version: String,
    /// Where requests go: the host template and its parameters.
    pub host: Host,
    /// Named types, sorted by name.
    pub types: BTreeMap<String, TypeDef>,
    /// Operation groups, sorted by name.
    pub groups: Vec<OperationGroup>,
    /// Parameters given once to the client (`x-ms-parameter-location: client`), other than the host's
    /// and api-version, sorted by name; operations refer to them by wire name.
    pub client_params: Vec<Param>,
    /// Things in the spec that were ignored, each with where and why (printed by the regen).
    pub warnings: Vec<Warning>,
}

/// A spec construct that was ignored rather than refused (a misused JSON-schema keyword, …).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// Where it is.
    pub location: SourceLoc,
    /// What was ignored, and why.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// The service's host: a URL template such as `{endpoint}` or `https://{account}.{region}.example.com/v2`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Host {
    /// The template; `{wire_name}` is replaced by each parameter's value.
    pub template: String,
    /// The template's parameters, in template order.
    pub params: Vec<HostParam>,
}

/// A parameter of the host template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostParam {
    /// Rust name.
    pub name: String,
    /// Name in the template.
    pub wire_name: String,
    /// Doc comment text.
    pub doc: String,
    /// The value used when the caller gives none, when the spec has one.
    pub default: Option<String>,
    /// `x-ms-api-version`: the client's api-version goes here (no argument or option of its own).
    pub api_version: bool,
}
