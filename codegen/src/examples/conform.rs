//! Whether an example value is what the spec declares: shapes, required properties and enum
//! values (formats are left to the generated tests, which parse them).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::ir::{self, TypeDef, TypeRef};

/// How strictly an example body is read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strictness {
    /// A request must round-trip, so a property the spec does not declare contradicts it.
    Request,
    /// A response need only be readable: undeclared properties are ignored, as clients do.
    Response,
}

/// Whether `value` is a valid JSON value of `ty`: the first place it is not, as `path: reason`.
/// Formats are not checked here (the generated test parses them); shapes and required properties are.
pub(crate) fn conforms(
    value: &Value,
    ty: &TypeRef,
    types: &BTreeMap<String, TypeDef>,
    strictness: Strictness,
) -> std::result::Result<(), String> {
    let mut discriminators: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for def in types.values() {
        if let TypeDef::Union(u) = def {
            for variant in &u.variants {
                discriminators
                    .entry(variant.model.as_str())
                    .or_default()
                    .push((u.discriminator.as_str(), variant.wire.as_str()));
            }
        }
    }
    let mut path = String::from("$");
    Checker { types, strictness, discriminators }.check(value, ty, &mut path, 0)
}

struct Checker<'t> {
    types: &'t BTreeMap<String, TypeDef>,
    strictness: Strictness,
    /// The discriminator property and value of each kind of a union (not one of the kind's own
    /// fields), by the kind's model.
    discriminators: BTreeMap<&'t str, Vec<(&'t str, &'t str)>>,
}

/// Deeper than this, the example is taken as it is (it is checked by the generated test anyway).
const MAX_DEPTH: usize = 64;

impl Checker<'_> {
    fn check(&self, value: &Value, ty: &TypeRef, path: &mut String, depth: usize) -> std::result::Result<(), String> {
        let types = self.types;
        if depth > MAX_DEPTH {
            return Ok(());
        }
        let wrong = |path: &str, expected: &str| Err(format!("{path}: expected {expected}, found {}", kind(value)));
        match ty {
            TypeRef::Any => Ok(()),
            TypeRef::Nullable(_) if value.is_null() => Ok(()),
            TypeRef::Nullable(inner) => self.check(value, inner, path, depth + 1),
            TypeRef::String
            | TypeRef::DateTime(ir::DateTimeFormat::Rfc3339 | ir::DateTimeFormat::Rfc7231)
            | TypeRef::Date
            | TypeRef::Duration
            | TypeRef::Bytes(_)
            | TypeRef::Uuid => {
                if value.is_string() {
                    Ok(())
                } else {
                    wrong(path, "a string")
                }
            }
            TypeRef::DateTime(ir::DateTimeFormat::Unix) | TypeRef::I32 | TypeRef::I64 => {
                if value.is_i64() || value.is_u64() {
                    Ok(())
                } else {
                    wrong(path, "an integer")
                }
            }
            TypeRef::F32 | TypeRef::F64 => {
                if value.is_number() {
                    Ok(())
                } else {
                    wrong(path, "a number")
                }
            }
            TypeRef::Bool => {
                if value.is_boolean() {
                    Ok(())
                } else {
                    wrong(path, "a boolean")
                }
            }
            TypeRef::Array(item) => {
                let Value::Array(items) = value else { return wrong(path, "an array") };
                for (i, element) in items.iter().enumerate() {
                    within(path, &format!("[{i}]"), |path| self.check(element, item, path, depth + 1))?;
                }
                Ok(())
            }
            TypeRef::Map(item) => {
                let Value::Object(entries) = value else { return wrong(path, "an object") };
                for (key, element) in entries {
                    within(path, &format!(".{key}"), |path| self.check(element, item, path, depth + 1))?;
                }
                Ok(())
            }
            TypeRef::Named(name) => match types.get(name) {
                // Types of another crate, and anything unknown, are checked by the generated test.
                None | Some(TypeDef::External(_)) => Ok(()),
                Some(TypeDef::Alias(alias)) => self.check(value, &alias.target, path, depth + 1),
                Some(TypeDef::Enum(e)) => match value.as_str() {
                    Some(text) if e.extensible || e.values.iter().any(|v| v.wire == text) => Ok(()),
                    Some(text) => Err(format!("{path}: `{text}` is not a value of `{}`", e.name)),
                    None => wrong(path, "a string"),
                },
                Some(TypeDef::Struct(s)) => {
                    let Value::Object(object) = value else { return wrong(path, "an object") };
                    for field in &s.fields {
                        match object.get(&field.wire_name) {
                            // A read-only property is optional in a model that is also sent.
                            None if field.required && !field.nullable && !(field.read_only && s.usage.input) => {
                                return Err(format!("{path}: the required property `{}` is missing", field.wire_name));
                            }
                            None => {}
                            Some(Value::Null) if field.nullable || !field.required => {}
                            Some(element) => {
                                // In a merge patch, a map entry may be `null` (it removes the entry).
                                let ty = match &field.ty {
                                    TypeRef::Map(inner) if s.usage.patch => {
                                        TypeRef::Map(Box::new(TypeRef::Nullable(inner.clone())))
                                    }
                                    ty => ty.clone(),
                                };
                                within(path, &format!(".{}", field.wire_name), |path| {
                                    self.check(element, &ty, path, depth + 1)
                                })?
                            }
                        }
                    }
                    let tags = self.discriminators.get(s.name.as_str()).map(Vec::as_slice).unwrap_or_default();
                    for (key, element) in object {
                        if s.fields.iter().any(|f| &f.wire_name == key) {
                            continue;
                        }
                        let values: Vec<&str> =
                            tags.iter().filter(|(tag, _)| tag == key).map(|(_, value)| *value).collect();
                        if !values.is_empty() {
                            // A kind read directly (not through its union) is only that kind.
                            if element.as_str().is_some_and(|found| values.contains(&found)) {
                                continue;
                            }
                            return Err(format!("{path}.{key}: expected `{}`, found {element}", values.join("` or `")));
                        }
                        match &s.additional_properties {
                            Some(additional) => within(path, &format!(".{key}"), |path| {
                                self.check(element, additional, path, depth + 1)
                            })?,
                            None if self.strictness == Strictness::Request => {
                                return Err(format!("{path}: the property `{key}` is not in the spec"));
                            }
                            None => {}
                        }
                    }
                    Ok(())
                }
                Some(TypeDef::Union(u)) => {
                    let Value::Object(object) = value else { return wrong(path, "an object") };
                    let kind = object.get(&u.discriminator).and_then(Value::as_str);
                    match kind.and_then(|k| u.variants.iter().find(|v| v.wire == k)) {
                        Some(variant) => self.check(value, &TypeRef::Named(variant.model.clone()), path, depth + 1),
                        // An unknown kind is kept as JSON; a missing discriminator cannot be read.
                        None if kind.is_some() => Ok(()),
                        None => Err(format!("{path}: the discriminator `{}` is missing", u.discriminator)),
                    }
                }
                Some(TypeDef::Untagged(u)) => {
                    let mut reasons = Vec::new();
                    for variant in &u.variants {
                        match self.check(value, &variant.ty, &mut path.clone(), depth + 1) {
                            Ok(()) => return Ok(()),
                            Err(why) => reasons.push(why),
                        }
                    }
                    Err(format!("{path}: fits none of the shapes of `{}` ({})", u.name, reasons.join("; ")))
                }
            },
        }
    }
}

/// Runs `f` with `step` appended to `path`, then restores `path`.
fn within<T>(path: &mut String, step: &str, f: impl FnOnce(&mut String) -> T) -> T {
    let length = path.len();
    path.push_str(step);
    let outcome = f(path);
    path.truncate(length);
    outcome
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::SourceLoc;
    use crate::ir::{Field, StructDef, UnionDef, UnionVariant, Usage};

    /// A union `Content` (discriminator `kind`) with one kind `Button` (`"button"`, field `id`).
    fn content_types() -> BTreeMap<String, TypeDef> {
        let source = SourceLoc::new("spec.json", "");
        let button = StructDef {
            name: "Button".into(),
            doc: String::new(),
            fields: vec![Field {
                name: "id".into(),
                wire_name: "id".into(),
                doc: String::new(),
                ty: TypeRef::String,
                required: true,
                read_only: false,
                nullable: false,
                boxed: false,
            }],
            additional_properties: None,
            usage: Usage { input: true, ..Default::default() },
            source: source.clone(),
        };
        let content = UnionDef {
            name: "Content".into(),
            doc: String::new(),
            discriminator: "kind".into(),
            variants: vec![UnionVariant {
                variant: "Button".into(),
                wire: "button".into(),
                model: "Button".into(),
                doc: String::new(),
            }],
            usage: Usage { input: true, ..Default::default() },
            source,
        };
        BTreeMap::from([("Button".into(), TypeDef::Struct(button)), ("Content".into(), TypeDef::Union(content))])
    }

    #[test]
    fn a_kind_read_directly_takes_only_its_own_discriminator_value() {
        let types = content_types();
        let buttons = TypeRef::Array(Box::new(TypeRef::Named("Button".into())));
        let good = serde_json::json!([{"kind": "button", "id": "a"}]);
        assert_eq!(conforms(&good, &buttons, &types, Strictness::Request), Ok(()));
        // Upstream examples have such slips (`"button "`): the kind's struct would read it and write `"button"`.
        let slip = serde_json::json!([{"kind": "button ", "id": "a"}]);
        assert_eq!(
            conforms(&slip, &buttons, &types, Strictness::Request),
            Err("$[0].kind: expected `button`, found \"button \"".to_string())
        );
        // Through the union, an unknown kind is kept as JSON.
        let content = TypeRef::Named("Content".into());
        assert_eq!(conforms(&serde_json::json!({"kind": "button "}), &content, &types, Strictness::Request), Ok(()));
    }
}
