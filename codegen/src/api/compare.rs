//! What changed between two [`ApiSurface`]s, each change classified by what it means for users
//! of the published crates under Cargo's SemVer rules.
//!
//! - **major**: code that compiled against the old crate may not compile, or may behave
//!   differently where it matters: anything removed or renamed, a type changed, a required argument
//!   added, a field added to a model without `Default` (struct literals must name it), a model
//!   becoming `#[non_exhaustive]`, an enum gaining or losing `UnknownValue` (and so `Copy`).
//! - **minor**: new API that old code does not see: types, operations, enum values and union kinds
//!   (enums are `#[non_exhaustive]`), fields of `#[non_exhaustive]` models, and fields and options
//!   of structs that have `Default`: the crates' contract is that such structs are built with
//!   `..Default::default()`, as in the Azure SDKs (Cargo's reference calls a new field of a
//!   struct with all-public fields breaking, for literals that name every field; the generated
//!   crates tell cargo-semver-checks about the contract in their `Cargo.toml`);
//!   a new default api-version.
//! - **patch**: nothing a caller's code can see: the wire only (path, operationId, a wire name).

use std::collections::BTreeMap;

use serde::Serialize;

use super::surface::{ApiSurface, Arg, FieldApi, OperationApi, TypeApi};

/// How large a version bump a change needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Nothing a caller's code can see.
    Patch,
    /// New API, old code unaffected.
    Minor,
    /// Old code may break.
    Major,
}

impl Level {
    /// `patch`, `minor` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
        }
    }
}

/// Which of a service's crates a change is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The models crate (the REST crate re-exports it, so it changes too).
    Models,
    /// The REST crate only.
    Rest,
}

/// One change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Its SemVer level.
    pub level: Level,
    /// The crate it is in.
    pub side: Side,
    /// What changed: a type, field, value or method.
    pub item: String,
    /// How it changed.
    pub what: String,
}

struct Changes(Vec<Change>);

impl Changes {
    fn add(&mut self, level: Level, side: Side, item: impl Into<String>, what: impl Into<String>) {
        self.0.push(Change { level, side, item: item.into(), what: what.into() });
    }
}

/// Every change from `old` to `new`, most severe first.
pub fn compare(old: &ApiSurface, new: &ApiSurface) -> Vec<Change> {
    let mut changes = Changes(Vec::new());
    if old.api_version != new.api_version {
        changes.add(
            Level::Minor,
            Side::Rest,
            "DEFAULT_API_VERSION",
            format!("default api-version `{}` → `{}`", old.api_version, new.api_version),
        );
    }
    for (name, old_type) in &old.types {
        match new.types.get(name) {
            None => changes.add(Level::Major, Side::Models, name, "type removed"),
            Some(new_type) => compare_type(&mut changes, name, old_type, new_type),
        }
    }
    for (name, new_type) in &new.types {
        if !old.types.contains_key(name) {
            changes.add(Level::Minor, Side::Models, name, format!("{} added", kind_name(new_type)));
        }
    }
    if old.client_args != new.client_args {
        changes.add(
            Level::Major,
            Side::Rest,
            "client constructor",
            format!("arguments ({}) → ({})", args_text(&old.client_args), args_text(&new.client_args)),
        );
    }
    for (name, old_op) in &old.operations {
        match new.operations.get(name) {
            None => changes.add(Level::Major, Side::Rest, format!("{name}()"), "method removed"),
            Some(new_op) => compare_operation(&mut changes, name, old_op, new_op),
        }
    }
    for (name, new_op) in &new.operations {
        if !old.operations.contains_key(name) {
            changes.add(Level::Minor, Side::Rest, format!("{name}()"), format!("method added (`{}`)", new_op.request));
        }
    }
    let mut changes = changes.0;
    changes.sort_by(|a, b| b.level.cmp(&a.level).then(a.side.cmp(&b.side)).then(a.item.cmp(&b.item)));
    changes
}

fn kind_name(t: &TypeApi) -> &'static str {
    match t {
        TypeApi::Struct { .. } => "model",
        TypeApi::Enum { .. } => "enum",
        TypeApi::Union { .. } => "union",
        TypeApi::Untagged { .. } => "untagged union",
        TypeApi::Alias { .. } => "type alias",
        TypeApi::External { .. } => "shared type",
    }
}

fn args_text(args: &[Arg]) -> String {
    args.iter().map(|a| format!("{}: {}", a.name, a.ty)).collect::<Vec<_>>().join(", ")
}

fn compare_type(changes: &mut Changes, name: &str, old: &TypeApi, new: &TypeApi) {
    let side = Side::Models;
    match (old, new) {
        (
            TypeApi::Struct { non_exhaustive: old_ne, default: old_default, fields: old_fields },
            TypeApi::Struct { non_exhaustive: new_ne, default: new_default, fields: new_fields },
        ) => {
            match (old_ne, new_ne) {
                (false, true) => changes.add(
                    Level::Major,
                    side,
                    name,
                    "now `#[non_exhaustive]` (only received from the service): struct literals no longer compile",
                ),
                (true, false) => changes.add(Level::Minor, side, name, "no longer `#[non_exhaustive]` (now also sent)"),
                _ => {}
            }
            match (old_default, new_default) {
                (true, false) if !new_ne => changes.add(Level::Major, side, name, "no longer implements `Default`"),
                (false, true) => changes.add(Level::Minor, side, name, "now implements `Default`"),
                _ => {}
            }
            compare_fields(changes, name, old_fields, new_fields, *new_ne, *new_default);
        }
        (
            TypeApi::Enum { extensible: old_ext, values: old_values },
            TypeApi::Enum { extensible: new_ext, values: new_values },
        ) => {
            if old_ext != new_ext {
                let what = if *new_ext {
                    "now extensible (`UnknownValue(String)`, no longer `Copy`)"
                } else {
                    "no longer extensible (`UnknownValue` removed)"
                };
                changes.add(Level::Major, side, name, what);
            }
            for value in old_values.iter().filter(|v| !new_values.contains(v)) {
                changes.add(Level::Major, side, format!("{name}::{value}"), "enum value removed");
            }
            for value in new_values.iter().filter(|v| !old_values.contains(v)) {
                changes.add(
                    Level::Minor,
                    side,
                    format!("{name}::{value}"),
                    "enum value added (the enum is `#[non_exhaustive]`)",
                );
            }
        }
        (
            TypeApi::Union { discriminator: old_d, kinds: old_kinds },
            TypeApi::Union { discriminator: new_d, kinds: new_kinds },
        ) => {
            if old_d != new_d {
                changes.add(Level::Major, side, name, format!("discriminator `{old_d}` → `{new_d}`"));
            }
            compare_maps(changes, name, old_kinds, new_kinds, "kind", Level::Minor);
        }
        (TypeApi::Untagged { variants: old_v }, TypeApi::Untagged { variants: new_v }) => {
            compare_maps(changes, name, old_v, new_v, "variant", Level::Minor);
        }
        (TypeApi::Alias { target: old_t }, TypeApi::Alias { target: new_t }) if old_t != new_t => {
            changes.add(Level::Major, side, name, format!("alias of `{old_t}` → `{new_t}`"));
        }
        (TypeApi::External { krate: old_k }, TypeApi::External { krate: new_k }) if old_k != new_k => {
            changes.add(Level::Major, side, name, format!("now from `{new_k}` (was `{old_k}`)"));
        }
        (TypeApi::Alias { .. }, TypeApi::Alias { .. }) | (TypeApi::External { .. }, TypeApi::External { .. }) => {}
        (old, new) => {
            changes.add(Level::Major, side, name, format!("{} → {}", kind_name(old), kind_name(new)));
        }
    }
}

fn compare_fields(
    changes: &mut Changes,
    model: &str,
    old: &BTreeMap<String, FieldApi>,
    new: &BTreeMap<String, FieldApi>,
    non_exhaustive: bool,
    default: bool,
) {
    let side = Side::Models;
    for (field, old_field) in old {
        let item = format!("{model}.{field}");
        match new.get(field) {
            None => changes.add(Level::Major, side, item, "field removed"),
            Some(new_field) => {
                if old_field.ty != new_field.ty {
                    changes.add(Level::Major, side, &item, format!("type `{}` → `{}`", old_field.ty, new_field.ty));
                }
                if old_field.wire != new_field.wire {
                    changes.add(
                        Level::Patch,
                        side,
                        &item,
                        format!("wire name `{}` → `{}`", old_field.wire, new_field.wire),
                    );
                }
            }
        }
    }
    for (field, new_field) in new {
        if old.contains_key(field) {
            continue;
        }
        let item = format!("{model}.{field}");
        let (level, why) = if non_exhaustive {
            (Level::Minor, "the model is `#[non_exhaustive]`")
        } else if default {
            (Level::Minor, "literals end in `..Default::default()`")
        } else {
            (Level::Major, "the model has no `Default`: struct literals must name it")
        };
        changes.add(level, side, item, format!("field added: `{}` ({why})", new_field.ty));
    }
}

fn compare_maps(
    changes: &mut Changes,
    name: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    what: &str,
    added: Level,
) {
    for (key, old_value) in old {
        match new.get(key) {
            None => changes.add(Level::Major, Side::Models, format!("{name}::{key}"), format!("{what} removed")),
            Some(new_value) if new_value != old_value => changes.add(
                Level::Major,
                Side::Models,
                format!("{name}::{key}"),
                format!("{what} `{old_value}` → `{new_value}`"),
            ),
            Some(_) => {}
        }
    }
    for (key, value) in new {
        if !old.contains_key(key) {
            changes.add(
                added,
                Side::Models,
                format!("{name}::{key}"),
                format!("{what} added: `{value}` (the enum is `#[non_exhaustive]`)"),
            );
        }
    }
}

fn compare_operation(changes: &mut Changes, name: &str, old: &OperationApi, new: &OperationApi) {
    let item = format!("{name}()");
    let side = Side::Rest;
    if old.request != new.request {
        changes.add(Level::Patch, side, &item, format!("request `{}` → `{}`", old.request, new.request));
    }
    if old.operation_id != new.operation_id {
        changes.add(Level::Patch, side, &item, format!("operationId `{}` → `{}`", old.operation_id, new.operation_id));
    }
    if old.args != new.args {
        changes.add(
            Level::Major,
            side,
            &item,
            format!("arguments ({}) → ({})", args_text(&old.args), args_text(&new.args)),
        );
    }
    if old.options != new.options {
        changes.add(Level::Major, side, &item, format!("options struct `{}` → `{}`", old.options, new.options));
    }
    for old_field in &old.option_fields {
        match new.option_fields.iter().find(|f| f.name == old_field.name) {
            None => changes.add(Level::Major, side, format!("{}.{}", new.options, old_field.name), "option removed"),
            Some(new_field) if new_field.ty != old_field.ty => changes.add(
                Level::Major,
                side,
                format!("{}.{}", new.options, old_field.name),
                format!("option type `{}` → `{}`", old_field.ty, new_field.ty),
            ),
            Some(_) => {}
        }
    }
    for new_field in &new.option_fields {
        if !old.option_fields.iter().any(|f| f.name == new_field.name) {
            changes.add(
                Level::Minor,
                side,
                format!("{}.{}", new.options, new_field.name),
                format!("option added: `{}` (options end in `..Default::default()`)", new_field.ty),
            );
        }
    }
    if old.returns != new.returns {
        changes.add(Level::Major, side, &item, format!("returns `{}` → `{}`", old.returns, new.returns));
    }
    for status in old.success.iter().filter(|s| !new.success.contains(s)) {
        changes.add(Level::Major, side, &item, format!("status {status} is no longer a success"));
    }
    for status in new.success.iter().filter(|s| !old.success.contains(s)) {
        changes.add(Level::Minor, side, &item, format!("status {status} is now a success"));
    }
}
