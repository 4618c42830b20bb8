//! Which generated types implement `Default`, and how.
//!
//! - A struct whose required fields all have a natural empty value (strings, numbers, booleans,
//!   lists, maps, JSON values, bytes, and structs like that) derives `Default`, so input models can
//!   be built with `..Default::default()`.
//! - An output-only struct (`#[non_exhaustive]`, so it cannot be built with a literal) implements
//!   `Default` by hand otherwise, with placeholders for required fields that have no empty value
//!   (the Unix epoch for times, the first value of an enum, `UnknownKind(null)` for a union), so that
//!   tests and servers can build one and set its fields.
//! - Anything else has no `Default`: users must give every required field.

use std::collections::BTreeMap;

use super::*;

/// How a type gets `Default`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultKind {
    /// `#[derive(Default)]`.
    Derive,
    /// A hand-written `impl Default` with placeholders for some required fields.
    Manual,
    /// No `Default`.
    None,
}

/// The `Default` of every struct of `types` (other types are absent).
pub fn default_kinds(types: &BTreeMap<String, TypeDef>) -> BTreeMap<String, DefaultKind> {
    let mut memo = BTreeMap::new();
    for name in types.keys() {
        kind_of(name, types, &mut memo);
    }
    memo
}

fn kind_of(name: &str, types: &BTreeMap<String, TypeDef>, memo: &mut BTreeMap<String, DefaultKind>) -> DefaultKind {
    if let Some(known) = memo.get(name) {
        return *known;
    }
    memo.insert(name.to_string(), DefaultKind::None); // cycles: assume none while computing
    let kind = match types.get(name) {
        Some(TypeDef::Struct(s)) => {
            let required: Vec<&Field> = s.fields.iter().filter(|f| f.required && !f.nullable).collect();
            if required.iter().all(|f| natural(&f.ty, types, memo)) {
                DefaultKind::Derive
            } else if s.usage.output_only() && required.iter().all(|f| placeholder(&f.ty, types, memo)) {
                DefaultKind::Manual
            } else {
                DefaultKind::None
            }
        }
        _ => DefaultKind::None,
    };
    memo.insert(name.to_string(), kind);
    kind
}

/// Whether the type has an empty value that `Default` can give without inventing data.
pub(crate) fn natural(
    ty: &TypeRef,
    types: &BTreeMap<String, TypeDef>,
    memo: &mut BTreeMap<String, DefaultKind>,
) -> bool {
    match ty {
        TypeRef::String
        | TypeRef::Bool
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::F32
        | TypeRef::F64
        | TypeRef::Any
        | TypeRef::Array(_)
        | TypeRef::Map(_)
        | TypeRef::Nullable(_)
        | TypeRef::Bytes(_) => true,
        TypeRef::DateTime(_) | TypeRef::Date | TypeRef::Duration | TypeRef::Uuid => false,
        TypeRef::Named(name) => match types.get(name) {
            Some(TypeDef::Struct(_)) => kind_of(name, types, memo) == DefaultKind::Derive,
            Some(TypeDef::Alias(a)) => natural(&a.target.clone(), types, memo),
            Some(TypeDef::External(e)) => e.has_default,
            _ => false,
        },
    }
}

/// Whether a placeholder value exists for the type (see the module docs).
pub(crate) fn placeholder(
    ty: &TypeRef,
    types: &BTreeMap<String, TypeDef>,
    memo: &mut BTreeMap<String, DefaultKind>,
) -> bool {
    match ty {
        TypeRef::DateTime(_) | TypeRef::Date | TypeRef::Duration | TypeRef::Uuid => true,
        TypeRef::Named(name) => match types.get(name) {
            Some(TypeDef::Struct(_)) => kind_of(name, types, memo) != DefaultKind::None,
            Some(TypeDef::Enum(_) | TypeDef::Union(_)) => true,
            Some(TypeDef::Alias(a)) => placeholder(&a.target.clone(), types, memo),
            Some(TypeDef::External(e)) => e.has_default,
            _ => false,
        },
        other => natural(other, types, memo),
    }
}
