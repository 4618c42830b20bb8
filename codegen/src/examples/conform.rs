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
    let mut discriminators = BTreeMap::new();
    for def in types.values() {
        if let TypeDef::Union(u) = def {
            for variant in &u.variants {
                discriminators.insert(variant.model.as_str(), u.discriminator.as_str());
            }
        }
    }
    let mut path = String::from("$");
    Checker { types, strictness, discriminators }.check(value, ty, &mut path, 0)
}

struct Checker<'t> {
    types: &'t BTreeMap<String, TypeDef>,
    strictness: Strictness,
    /// The discriminator property of each kind of a union (not one of the kind's own fields).
    discriminators: BTreeMap<&'t str, &'t str>,
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
                    let discriminator = self.discriminators.get(s.name.as_str());
                    for (key, element) in object {
                        if s.fields.iter().any(|f| &f.wire_name == key) || discriminator == Some(&key.as_str()) {
                            continue;
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
