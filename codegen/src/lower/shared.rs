//! Types defined once: when a service's spec has a type that a shared models crate (one the manifest
//! lists in `shared`) already defines under the same name, with the same shape or a compatible
//! superset of it (more optional fields, more enum values or union kinds, as a newer Common spec
//! has), the service re-exports the shared type instead of emitting its own copy. Docs do not count;
//! wire names, Rust names, types and requiredness do.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::*;

/// The types of a shared models crate, as lowered from its own spec.
#[derive(Clone, Debug)]
pub struct SharedTypes {
    /// The crate's name, e.g. `acs_common_models`.
    pub krate: String,
    /// Its types.
    pub types: BTreeMap<String, TypeDef>,
}

/// Replaces each local type that a shared crate defines compatibly with a re-export of it.
pub(crate) fn substitute(types: &mut BTreeMap<String, TypeDef>, shared: &[SharedTypes]) {
    // Candidates: same name in a shared crate (the first crate listed wins).
    let mut candidates: BTreeMap<String, &SharedTypes> = BTreeMap::new();
    for crate_types in shared {
        for name in crate_types.types.keys() {
            let defined = !matches!(crate_types.types[name], TypeDef::External(_));
            if types.contains_key(name) && !candidates.contains_key(name) && defined {
                candidates.insert(name.clone(), crate_types);
            }
        }
    }
    // Drop candidates that are not compatible, until none is dropped (compatibility of a field's
    // named type needs that type to be shared too).
    loop {
        let names: BTreeSet<String> = candidates.keys().cloned().collect();
        let before = candidates.len();
        candidates.retain(|name, crate_types| compatible(&types[name], &crate_types.types[name], &names));
        if candidates.len() == before {
            break;
        }
    }
    let mut defaults: BTreeMap<&str, BTreeMap<String, DefaultKind>> = BTreeMap::new();
    for (name, crate_types) in candidates {
        let kinds = defaults.entry(crate_types.krate.as_str()).or_insert_with(|| default_kinds(&crate_types.types));
        let has_default = kinds.get(&name).is_some_and(|k| *k != DefaultKind::None);
        types.insert(
            name.clone(),
            TypeDef::External(ExternalDef { name, krate: crate_types.krate.clone(), has_default }),
        );
    }
}

/// Whether `shared` can stand for `local`: the same shape, or a superset a reader and writer of
/// `local` can use unchanged.
fn compatible(local: &TypeDef, shared: &TypeDef, substituted: &BTreeSet<String>) -> bool {
    let same_type = |a: &TypeRef, b: &TypeRef| same_ref(a, b, substituted);
    match (local, shared) {
        (TypeDef::Struct(l), TypeDef::Struct(s)) => {
            let fields_match = l.fields.iter().all(|lf| {
                s.fields.iter().any(|sf| {
                    sf.wire_name == lf.wire_name
                        && sf.name == lf.name
                        && sf.required == lf.required
                        && same_type(&lf.ty, &sf.ty)
                })
            });
            let extras_optional =
                s.fields.iter().all(|sf| l.fields.iter().any(|lf| lf.wire_name == sf.wire_name) || !sf.required);
            let additional = match (&l.additional_properties, &s.additional_properties) {
                (None, None) => true,
                (Some(a), Some(b)) => same_type(a, b),
                _ => false,
            };
            fields_match && extras_optional && additional
        }
        (TypeDef::Enum(l), TypeDef::Enum(s)) => {
            l.extensible == s.extensible
                && l.values.iter().all(|lv| s.values.iter().any(|sv| sv.wire == lv.wire && sv.variant == lv.variant))
        }
        (TypeDef::Union(l), TypeDef::Union(s)) => {
            l.discriminator == s.discriminator
                && l.variants.iter().all(|lv| {
                    s.variants.iter().any(|sv| {
                        sv.wire == lv.wire
                            && sv.variant == lv.variant
                            && sv.model == lv.model
                            && substituted.contains(&lv.model)
                    })
                })
        }
        (TypeDef::Untagged(l), TypeDef::Untagged(s)) => {
            l.variants.len() == s.variants.len()
                && l.variants.iter().zip(&s.variants).all(|(a, b)| a.variant == b.variant && same_type(&a.ty, &b.ty))
        }
        (TypeDef::Alias(l), TypeDef::Alias(s)) => same_type(&l.target, &s.target),
        _ => false,
    }
}

fn same_ref(local: &TypeRef, shared: &TypeRef, substituted: &BTreeSet<String>) -> bool {
    match (local, shared) {
        (TypeRef::Named(a), TypeRef::Named(b)) => a == b && substituted.contains(a),
        (TypeRef::Array(a), TypeRef::Array(b))
        | (TypeRef::Map(a), TypeRef::Map(b))
        | (TypeRef::Nullable(a), TypeRef::Nullable(b)) => same_ref(a, b, substituted),
        (a, b) => a == b,
    }
}
