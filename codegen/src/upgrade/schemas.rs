//! Swagger 2.0 schemas to OpenAPI 3.0 schemas: files, `x-nullable`, discriminators, `allOf`.

use serde_json::{json, Map, Value};

use crate::error::{Error, Result, SourceLoc};

use super::*;

impl<'a> Swagger2<'a> {
    /// Converts one Swagger schema; `name` is the definition's name when it is a top-level definition.
    pub(super) fn schema(&self, schema: &Value, name: Option<&str>, loc: &SourceLoc) -> Result<Value> {
        let Some(map) = schema.as_object() else {
            if schema.as_bool() == Some(true) {
                return Ok(json!({}));
            }
            return Err(Error::at(loc, "a schema must be an object"));
        };
        if let Some(reference) = map.get("$ref") {
            let reference = reference.as_str().ok_or_else(|| Error::at(&loc.join("$ref"), "$ref must be a string"))?;
            let target = reference
                .strip_prefix(SCHEMA_PREFIX_V2)
                .ok_or_else(|| Error::at(&loc.join("$ref"), format!("unexpected $ref `{reference}` after bundling")))?;
            let reference = json!({ "$ref": format!("{SCHEMA_PREFIX_V3}{target}") });
            if map.len() == 1 {
                return Ok(reference);
            }
            // Keywords beside a $ref (description, readOnly, x-ms-client-name, …) are kept on a wrapper.
            let mut rest = map.clone();
            rest.remove("$ref");
            let mut out = self.schema(&Value::Object(rest), None, loc)?;
            if let Value::Object(out) = &mut out {
                out.insert("allOf".into(), json!([reference]));
            }
            return Ok(out);
        }
        let mut out = Map::new();
        let mut own_object = Map::new(); // properties beside an allOf, moved into an allOf part
        let has_all_of = map.contains_key("allOf");
        for (key, value) in map {
            let child = loc.join(key);
            match key.as_str() {
                "properties" => {
                    let properties =
                        value.as_object().ok_or_else(|| Error::at(&child, "`properties` must be an object"))?;
                    let mut converted = Map::new();
                    for (property, schema) in properties {
                        converted.insert(property.clone(), self.schema(schema, None, &child.join(property))?);
                    }
                    if has_all_of {
                        own_object.insert("properties".into(), Value::Object(converted));
                    } else {
                        out.insert(key.clone(), Value::Object(converted));
                    }
                }
                "required" if has_all_of => {
                    own_object.insert(key.clone(), value.clone());
                }
                "additionalProperties" if has_all_of => {
                    let converted = match value {
                        Value::Bool(_) => value.clone(),
                        _ => self.schema(value, None, &child)?,
                    };
                    own_object.insert(key.clone(), converted);
                }
                "type" if has_all_of && value == "object" => {}
                "items" | "not" => {
                    out.insert(key.clone(), self.schema(value, None, &child)?);
                }
                "additionalProperties" => {
                    let converted = match value {
                        Value::Bool(_) => value.clone(),
                        _ => self.schema(value, None, &child)?,
                    };
                    out.insert(key.clone(), converted);
                }
                "allOf" | "anyOf" | "oneOf" => {
                    let parts =
                        value.as_array().ok_or_else(|| Error::at(&child, format!("`{key}` must be an array")))?;
                    let converted = parts
                        .iter()
                        .enumerate()
                        .map(|(i, part)| self.schema(part, None, &child.join(i.to_string())))
                        .collect::<Result<Vec<_>>>()?;
                    out.insert(key.clone(), Value::Array(converted));
                }
                "discriminator" => {
                    let property = value
                        .as_str()
                        .ok_or_else(|| Error::at(&child, "a Swagger 2.0 discriminator must be a property name"))?;
                    let mapping = name.and_then(|name| self.mappings.get(name)).cloned().unwrap_or_default();
                    out.insert(key.clone(), json!({ "propertyName": property, "mapping": mapping }));
                }
                "x-nullable" => {
                    out.insert("nullable".into(), value.clone());
                    out.insert(key.clone(), value.clone());
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        // A file: `type: file`, or `format: file` on whatever type (real specs have `type: object`).
        if out.get("type").is_some_and(|t| t == "file") || out.get("format").is_some_and(|f| f == "file") {
            out.insert("type".into(), json!("string"));
            out.insert("format".into(), json!("binary"));
        }
        if has_all_of && !own_object.is_empty() {
            own_object.insert("type".into(), json!("object"));
            if let Some(Value::Array(parts)) = out.get_mut("allOf") {
                parts.push(Value::Object(own_object));
            }
        }
        Ok(Value::Object(out))
    }
}
