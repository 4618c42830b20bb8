//! Swagger 2.0 paths and operations to OpenAPI 3.0: parameters, bodies (JSON, binary, forms),
//! responses and their media types.

use serde_json::{json, Map, Value};

use crate::error::{Error, Result, SourceLoc};

use super::*;

impl<'a> Swagger2<'a> {
    pub(super) fn path_item(&self, item: &Value, loc: &SourceLoc) -> Result<Value> {
        let item = item.as_object().ok_or_else(|| Error::at(loc, "a path item must be an object"))?;
        let mut out = Map::new();
        for (key, value) in item {
            let loc = loc.join(key);
            match key.as_str() {
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" => {
                    out.insert(key.clone(), self.operation(value, &loc)?);
                }
                "parameters" => {
                    let mut parameters = Vec::new();
                    for (i, parameter) in value.as_array().into_iter().flatten().enumerate() {
                        let loc = loc.join(i.to_string());
                        if parameter.get("in").and_then(Value::as_str) == Some("body") {
                            return Err(Error::at(&loc, "unsupported construct: a body parameter at path level"));
                        }
                        parameters.push(self.parameter(parameter, &loc)?);
                    }
                    out.insert("parameters".into(), Value::Array(parameters));
                }
                k if k.starts_with("x-") => {
                    out.insert(key.clone(), value.clone());
                }
                _ => return Err(Error::at(&loc, format!("unknown path item field `{key}`"))),
            }
        }
        Ok(Value::Object(out))
    }

    pub(super) fn media_types(&self, operation: &Value, key: &str) -> Vec<String> {
        operation
            .get(key)
            .or_else(|| self.doc.get(key))
            .and_then(Value::as_array)
            .map(|types| types.iter().filter_map(Value::as_str).map(str::to_string).collect::<Vec<_>>())
            .filter(|types| !types.is_empty())
            .unwrap_or_else(|| vec!["application/json".to_string()])
    }

    pub(super) fn operation(&self, operation: &Value, loc: &SourceLoc) -> Result<Value> {
        let map = operation.as_object().ok_or_else(|| Error::at(loc, "an operation must be an object"))?;
        let consumes = self.media_types(operation, "consumes");
        let produces = self.media_types(operation, "produces");
        let mut out = Map::new();
        for key in ["operationId", "summary", "description", "tags", "deprecated", "externalDocs", "security"] {
            if let Some(value) = map.get(key) {
                out.insert(key.into(), value.clone());
            }
        }
        let declared_consumes = operation.get("consumes").or_else(|| self.doc.get("consumes"));
        if let Some(declared) = declared_consumes {
            out.insert("x-acs-consumes".into(), declared.clone());
        }
        let mut parameters = Vec::new();
        let mut form_params: Vec<(&Value, SourceLoc)> = Vec::new();
        for (i, parameter) in map.get("parameters").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let loc = loc.join("parameters").join(i.to_string());
            match parameter.get("in").and_then(Value::as_str) {
                Some("body") => {
                    if out.contains_key("requestBody") {
                        return Err(Error::at(&loc, "an operation can have only one body parameter"));
                    }
                    out.insert("requestBody".into(), self.request_body(parameter, &consumes, &loc)?);
                }
                Some("formData") => form_params.push((parameter, loc)),
                _ => parameters.push(self.parameter(parameter, &loc)?),
            }
        }
        out.insert("parameters".into(), Value::Array(parameters));
        if !form_params.is_empty() {
            if out.contains_key("requestBody") {
                return Err(Error::at(loc, "an operation cannot have both a body parameter and formData parameters"));
            }
            out.insert("requestBody".into(), self.form_body(&form_params, &consumes)?);
        }
        let mut responses = Map::new();
        let source = map
            .get("responses")
            .and_then(Value::as_object)
            .ok_or_else(|| Error::at(loc, "an operation needs a `responses` object"))?;
        for (code, response) in source {
            let loc = loc.join("responses").join(code);
            responses.insert(code.clone(), self.response(response, &produces, &loc)?);
        }
        out.insert("responses".into(), Value::Object(responses));
        copy_extensions(map, &mut out);
        Ok(Value::Object(out))
    }

    /// `formData` parameters as a request body: an object schema of one property per field (files as
    /// binary strings), in `multipart/form-data` or `application/x-www-form-urlencoded` as `consumes` says.
    pub(super) fn form_body(&self, params: &[(&Value, SourceLoc)], consumes: &[String]) -> Result<Value> {
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut has_file = false;
        for (parameter, loc) in params {
            let map = parameter.as_object().ok_or_else(|| Error::at(loc, "a parameter must be an object"))?;
            let name =
                map.get("name").and_then(Value::as_str).ok_or_else(|| Error::at(loc, "a parameter needs a name"))?;
            let mut schema = Map::new();
            for (key, value) in map {
                match key.as_str() {
                    "name" | "in" | "required" | "collectionFormat" | "allowEmptyValue" => {}
                    _ => {
                        schema.insert(key.clone(), value.clone());
                    }
                }
            }
            has_file |= schema.get("type").and_then(Value::as_str) == Some("file");
            properties.insert(name.to_string(), self.schema(&Value::Object(schema), None, loc)?);
            if map.get("required").and_then(Value::as_bool).unwrap_or(false) {
                required.push(json!(name));
            }
        }
        let media_type = ["multipart/form-data", "application/x-www-form-urlencoded"]
            .into_iter()
            .find(|m| consumes.iter().any(|c| c.split(';').next().is_some_and(|e| e.trim().eq_ignore_ascii_case(m))))
            .unwrap_or(if has_file { "multipart/form-data" } else { "application/x-www-form-urlencoded" });
        let schema = json!({ "type": "object", "properties": properties, "required": required });
        Ok(json!({
            "required": !required.is_empty(),
            "content": { media_type: { "schema": schema } },
            "x-ms-requestBody-name": "form",
            "x-acs-form": true,
        }))
    }

    pub(super) fn request_body(&self, parameter: &Value, consumes: &[String], loc: &SourceLoc) -> Result<Value> {
        let schema = parameter.get("schema").ok_or_else(|| Error::at(loc, "a body parameter needs a schema"))?;
        let schema = self.schema(schema, None, &loc.join("schema"))?;
        let mut content = Map::new();
        for media_type in consumes {
            content.insert(media_type.clone(), json!({ "schema": schema }));
        }
        let mut out = Map::new();
        if let Some(description) = parameter.get("description") {
            out.insert("description".into(), description.clone());
        }
        out.insert("required".into(), parameter.get("required").cloned().unwrap_or(json!(false)));
        out.insert("content".into(), Value::Object(content));
        if let Some(name) = parameter.get("name") {
            out.insert("x-ms-requestBody-name".into(), name.clone());
        }
        if let Some(map) = parameter.as_object() {
            copy_extensions(map, &mut out);
        }
        Ok(Value::Object(out))
    }

    pub(super) fn parameter(&self, parameter: &Value, loc: &SourceLoc) -> Result<Value> {
        let map = parameter.as_object().ok_or_else(|| Error::at(loc, "a parameter must be an object"))?;
        let location = map.get("in").and_then(Value::as_str).ok_or_else(|| Error::at(loc, "a parameter needs `in`"))?;
        if !matches!(location, "path" | "query" | "header") {
            return Err(Error::at(&loc.join("in"), format!("unsupported construct: `{location}` parameters")));
        }
        let mut out = Map::new();
        for key in ["name", "in", "description", "required"] {
            if let Some(value) = map.get(key) {
                out.insert(key.into(), value.clone());
            }
        }
        if location == "path" {
            out.insert("required".into(), json!(true));
        }
        let mut schema = Map::new();
        for (key, value) in map {
            match key.as_str() {
                "name" | "in" | "description" | "required" | "collectionFormat" | "allowEmptyValue" => {}
                "items" => {
                    schema.insert(key.clone(), self.schema(value, None, &loc.join(key))?);
                }
                "x-ms-enum" | "x-nullable" => {
                    schema.insert(key.clone(), value.clone());
                    out.insert(key.clone(), value.clone());
                }
                k if k.starts_with("x-") => {
                    out.insert(key.clone(), value.clone());
                }
                _ => {
                    schema.insert(key.clone(), value.clone());
                }
            }
        }
        match map.get("collectionFormat").and_then(Value::as_str) {
            None | Some("csv") => {
                if schema.get("type").and_then(Value::as_str) == Some("array") {
                    out.insert("explode".into(), json!(false));
                }
            }
            Some(format @ ("ssv" | "tsv" | "pipes")) => {
                out.insert("explode".into(), json!(false));
                out.insert("x-acs-collection-format".into(), json!(format));
            }
            Some("multi") => {
                out.insert("explode".into(), json!(true));
                out.insert("x-acs-collection-format".into(), json!("multi"));
            }
            Some(other) => {
                return Err(Error::at(
                    &loc.join("collectionFormat"),
                    format!("unknown collectionFormat `{other}` (expected csv, ssv, tsv, pipes or multi)"),
                ));
            }
        }
        let schema = self.schema(&Value::Object(schema), None, loc)?;
        out.insert("schema".into(), schema);
        Ok(Value::Object(out))
    }

    pub(super) fn response(&self, response: &Value, produces: &[String], loc: &SourceLoc) -> Result<Value> {
        let map = response.as_object().ok_or_else(|| Error::at(loc, "a response must be an object"))?;
        let mut out = Map::new();
        out.insert("description".into(), map.get("description").cloned().unwrap_or(json!("")));
        if let Some(schema) = map.get("schema") {
            let schema = self.schema(schema, None, &loc.join("schema"))?;
            let mut content = Map::new();
            for media_type in produces {
                content.insert(media_type.clone(), json!({ "schema": schema }));
            }
            out.insert("content".into(), Value::Object(content));
        }
        if let Some(headers) = map.get("headers").and_then(Value::as_object) {
            let mut converted = Map::new();
            for (name, header) in headers {
                let mut header_out = Map::new();
                if let Some(description) = header.get("description") {
                    header_out.insert("description".into(), description.clone());
                }
                let mut schema = header.as_object().cloned().unwrap_or_default();
                schema.remove("description");
                if let Some(prefix) = schema.remove("x-ms-header-collection-prefix") {
                    header_out.insert("x-ms-header-collection-prefix".into(), prefix);
                }
                header_out.insert(
                    "schema".into(),
                    self.schema(&Value::Object(schema), None, &loc.join("headers").join(name))?,
                );
                converted.insert(name.clone(), Value::Object(header_out));
            }
            out.insert("headers".into(), Value::Object(converted));
        }
        copy_extensions(map, &mut out);
        Ok(Value::Object(out))
    }
}
