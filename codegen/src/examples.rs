//! The spec's `x-ms-examples` as test cases for the models crate. Each example is first checked
//! against the spec here: a body that contradicts its own spec (a missing required property, a
//! string where an object is declared, a body on a response that declares none) is upstream's
//! mistake, not ours, so that part of the example is left out of the tests with a warning that
//! says where and why, and the rest is still tested.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::emit::{ExampleCase, ExpectedBody};
use crate::error::{Error, Result, SourceLoc};
use crate::ir::{self, BodyKind, ResponseBody, Service, StatusMatch, TypeDef, TypeRef};
use crate::load::ExampleFile;

/// What each example file must satisfy, from the operation it belongs to, with a warning for each
/// part of an example that contradicts the spec and is therefore not tested.
pub fn example_cases(service: &Service, examples: &[ExampleFile]) -> Result<(Vec<ExampleCase>, Vec<ir::Warning>)> {
    let mut cases = Vec::new();
    let mut warnings = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    for example in examples {
        let loc = SourceLoc::new(&example.file, "");
        let mut skip = |location: SourceLoc, message: String| warnings.push(ir::Warning { location, message });
        let operation = service
            .groups
            .iter()
            .flat_map(|g| &g.operations)
            .find(|o| o.operation_id == example.operation_id)
            .ok_or_else(|| Error::at(&loc, format!("example of unknown operation `{}`", example.operation_id)))?;
        let stem = example.file.rsplit('/').next().unwrap_or(&example.file).trim_end_matches(".json");
        let mut test_name = crate::names::value_name(stem);
        if test_name.starts_with("r#") || test_name.ends_with('_') {
            test_name = format!("example_{}", crate::names::bare(&test_name).trim_end_matches('_'));
        }
        while !names.insert(test_name.clone()) {
            test_name.push_str("_again");
        }
        let request = operation.body.as_ref().and_then(|body| {
            let BodyKind::Json(ty) = &body.kind else { return None };
            let value = example.content.get("parameters").and_then(|p| p.get(&body.wire_name));
            match value {
                None if !body.required => None,
                None => {
                    skip(
                        loc.join("parameters"),
                        format!("example request skipped: it has no `{}` body parameter", body.wire_name),
                    );
                    None
                }
                Some(value) => match conforms(value, ty, &service.types, Strictness::Request) {
                    Ok(()) => Some((body.wire_name.clone(), ty.clone())),
                    Err(why) => {
                        skip(
                            loc.join("parameters").join(&body.wire_name),
                            format!("example request skipped: it contradicts the spec ({why})"),
                        );
                        None
                    }
                },
            }
        });
        let responses = example
            .content
            .get("responses")
            .and_then(|r| r.as_object())
            .ok_or_else(|| Error::at(&loc.join("responses"), "an example needs a `responses` object"))?;
        let mut checks = Vec::new();
        for (code, response) in responses {
            let response_loc = loc.join("responses").join(code);
            let numeric: u16 = code.parse().map_err(|_| Error::at(&response_loc, "status codes must be numbers"))?;
            let declared = operation
                .responses
                .iter()
                .find(|r| r.status == StatusMatch::Code(numeric))
                .or_else(|| operation.responses.iter().find(|r| r.status == StatusMatch::Class(numeric / 100)));
            let expected = match declared {
                Some(response) => match &response.body {
                    ResponseBody::Json(ty) => ExpectedBody::Json(ty.clone()),
                    ResponseBody::None => ExpectedBody::None,
                    ResponseBody::Binary | ResponseBody::Text => ExpectedBody::Opaque,
                },
                None if (200..300).contains(&numeric) => {
                    skip(
                        response_loc,
                        format!("example response skipped: `{}` declares no {code} response", operation.operation_id),
                    );
                    continue;
                }
                None => match &operation.error {
                    Some(ty) => ExpectedBody::Json(ty.clone()),
                    None => ExpectedBody::Opaque,
                },
            };
            let body = response.get("body").filter(|b| !b.is_null());
            let verdict = match (&expected, body) {
                (ExpectedBody::Json(_), None) => Err("it has no body, but the spec declares one".to_string()),
                (ExpectedBody::Json(ty), Some(body)) => conforms(body, ty, &service.types, Strictness::Response),
                (ExpectedBody::None, Some(_)) => Err("it has a body, but the spec declares none".to_string()),
                _ => Ok(()),
            };
            match verdict {
                Ok(()) => checks.push((code.clone(), expected)),
                Err(why) => skip(response_loc, format!("example response skipped: it contradicts the spec ({why})")),
            }
        }
        if request.is_some() || !checks.is_empty() {
            cases.push(ExampleCase { file: example.file.clone(), test_name, request, responses: checks });
        }
    }
    Ok((cases, warnings))
}

/// How strictly an example body is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Strictness {
    /// A request must round-trip, so a property the spec does not declare contradicts it.
    Request,
    /// A response need only be readable: undeclared properties are ignored, as clients do.
    Response,
}

/// Whether `value` is a valid JSON value of `ty`: the first place it is not, as `path: reason`.
/// Formats are not checked here (the generated test parses them); shapes and required properties are.
fn conforms(
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
