//! Which models are sent (input), received (output), or both, followed through fields, unions and
//! aliases from the operations. Output-only models can be `#[non_exhaustive]`; models no operation
//! reaches (a models-only spec) count as both, unless the service says they are only received.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::*;

fn named(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Named(name) => out.push(name.clone()),
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => named(inner, out),
        _ => {}
    }
}

/// The named types a type refers to directly.
fn children(def: &TypeDef) -> Vec<String> {
    let mut out = Vec::new();
    match def {
        TypeDef::Struct(s) => {
            for field in &s.fields {
                named(&field.ty, &mut out);
            }
            if let Some(additional) = &s.additional_properties {
                named(additional, &mut out);
            }
        }
        TypeDef::Union(u) => out.extend(u.variants.iter().map(|v| v.model.clone())),
        TypeDef::Untagged(u) => {
            for variant in &u.variants {
                named(&variant.ty, &mut out);
            }
        }
        TypeDef::Alias(a) => named(&a.target, &mut out),
        TypeDef::Enum(_) | TypeDef::External(_) => {}
    }
    out
}

fn reach(types: &BTreeMap<String, TypeDef>, roots: Vec<String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(name) = stack.pop() {
        if seen.insert(name.clone()) {
            if let Some(def) = types.get(&name) {
                stack.extend(children(def));
            }
        }
    }
    seen
}

/// Sets the usage of every type from the operations of `groups`.
pub(crate) fn mark(
    types: &mut BTreeMap<String, TypeDef>,
    groups: &[OperationGroup],
    unreferenced: super::UnreferencedModels,
) {
    let mut inputs = Vec::new();
    let mut outputs = Vec::new();
    let mut patches = Vec::new();
    for op in groups.iter().flat_map(|g| &g.operations) {
        for param in &op.params {
            named(&param.ty, &mut inputs);
        }
        if let Some(Body { kind: BodyKind::Form(fields), .. }) = &op.body {
            for ty in fields.iter().filter_map(|f| f.ty.as_ref()) {
                named(ty, &mut inputs);
            }
        }
        if let Some(Body { kind: BodyKind::Json(ty), media_types, .. }) = &op.body {
            named(ty, &mut inputs);
            if media_types.iter().any(|m| m.to_ascii_lowercase().starts_with("application/merge-patch+json")) {
                named(ty, &mut patches);
            }
        }
        for response in &op.responses {
            if let ResponseBody::Json(ty) = &response.body {
                named(ty, &mut outputs);
            }
            for header in &response.headers {
                named(&header.ty, &mut outputs);
            }
        }
        if let Some(error) = &op.error {
            named(error, &mut outputs);
        }
        if let Some(output) = op.lro.as_ref().and_then(|l| l.output.as_ref()) {
            named(output, &mut outputs);
        }
    }
    let inputs = reach(types, inputs);
    let outputs = reach(types, outputs);
    let patches = reach(types, patches);
    let used: BTreeSet<&String> = inputs.union(&outputs).collect();
    let unused: BTreeSet<String> = types.keys().filter(|k| !used.contains(k)).cloned().collect();
    for (name, def) in types.iter_mut() {
        let usage = if unused.contains(name) {
            Usage { input: unreferenced == super::UnreferencedModels::Both, output: true, patch: false }
        } else {
            Usage { input: inputs.contains(name), output: outputs.contains(name), patch: patches.contains(name) }
        };
        match def {
            TypeDef::Struct(s) => s.usage = usage,
            TypeDef::Enum(e) => e.usage = usage,
            TypeDef::Union(u) => u.usage = usage,
            TypeDef::Untagged(u) => u.usage = usage,
            TypeDef::Alias(_) | TypeDef::External(_) => {}
        }
    }
}
