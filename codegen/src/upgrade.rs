//! Stage 2, **upgrade**: turn the bundled Swagger 2.0 document into an [`openapiv3::OpenAPI`].
//!
//! The conversion is ours: definitions become `components/schemas`; the body parameter and `consumes`
//! become a `requestBody` (`x-ms-requestBody-name` keeps the parameter's name); `produces` becomes the
//! content of each response; `x-ms-parameterized-host` becomes a server with variables; `discriminator`
//! plus each child's `x-ms-discriminator-value` becomes a discriminator mapping; a `$ref` with sibling
//! keywords becomes a one-element `allOf` that keeps them; every `x-ms-*` extension is kept. OpenAPI 3.0
//! documents pass through unchanged. Each part is parsed on its own so that a problem is reported at
//! its place in the original spec file.

use std::collections::{BTreeMap, HashMap, HashSet};

use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, PathItem, Paths, ReferenceOr, Schema};
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

use crate::error::{Error, Result, SourceLoc};
use crate::load::{LoadedSpec, SpecKind};

/// Upgrades a loaded spec to OpenAPI 3.0.
pub fn upgrade(spec: &LoadedSpec) -> Result<OpenAPI> {
    let document = match spec.kind {
        SpecKind::OpenApi3 => spec.document.clone(),
        SpecKind::Swagger2 => Swagger2::new(spec).convert()?,
    };
    parse_openapi(&document, spec)
}

struct Swagger2<'a> {
    spec: &'a LoadedSpec,
    doc: &'a Map<String, Value>,
    /// Discriminator value → child schema reference, for each base schema with a discriminator.
    mappings: BTreeMap<String, Map<String, Value>>,
}

const SCHEMA_PREFIX_V2: &str = "#/definitions/";
const SCHEMA_PREFIX_V3: &str = "#/components/schemas/";

impl<'a> Swagger2<'a> {
    fn new(spec: &'a LoadedSpec) -> Self {
        let doc = spec.document.as_object().expect("load checked that the document is an object");
        let mut this = Self { spec, doc, mappings: BTreeMap::new() };
        this.mappings = this.discriminator_mappings();
        this
    }

    fn definitions(&self) -> impl Iterator<Item = (&'a String, &'a Value)> {
        self.doc.get("definitions").and_then(Value::as_object).into_iter().flatten()
    }

    /// For each definition with a `discriminator`, the tag → schema mapping of every definition
    /// that extends it (directly or through other `allOf` parents). Linear in the number of
    /// definitions times their discriminated ancestors, whatever the depth of the chains.
    fn discriminator_mappings(&self) -> BTreeMap<String, Map<String, Value>> {
        let parents = |value: &'a Value| -> Vec<&'a str> {
            value
                .get("allOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|part| part.get("$ref")?.as_str()?.strip_prefix(SCHEMA_PREFIX_V2))
                .collect()
        };
        let definitions: HashMap<&'a str, &'a Value> = self.definitions().map(|(k, v)| (k.as_str(), v)).collect();
        let discriminated: HashSet<&str> =
            definitions.iter().filter(|(_, v)| v.get("discriminator").is_some()).map(|(k, _)| *k).collect();
        let mut mappings: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
        if discriminated.is_empty() {
            return mappings;
        }
        // The discriminated ancestors of each definition, computed bottom-up without recursion.
        let mut ancestors: HashMap<&'a str, Vec<&'a str>> = HashMap::new();
        for start in definitions.keys() {
            let mut stack = vec![(*start, false)];
            let mut visiting: HashSet<&str> = HashSet::new();
            while let Some((name, expanded)) = stack.pop() {
                if ancestors.contains_key(name) {
                    continue;
                }
                let own_parents: Vec<&str> = definitions
                    .get(name)
                    .map(|v| parents(v))
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|p| definitions.contains_key(p))
                    .collect();
                if expanded {
                    let mut found: Vec<&str> = Vec::new();
                    for parent in own_parents {
                        if discriminated.contains(parent) && !found.contains(&parent) {
                            found.push(parent);
                        }
                        for ancestor in ancestors.get(parent).into_iter().flatten() {
                            if !found.contains(ancestor) {
                                found.push(ancestor);
                            }
                        }
                    }
                    ancestors.insert(name, found);
                    continue;
                }
                if !visiting.insert(name) {
                    ancestors.insert(name, Vec::new()); // an allOf cycle: lowering reports it
                    continue;
                }
                stack.push((name, true));
                for parent in own_parents {
                    if !ancestors.contains_key(parent) && !visiting.contains(parent) {
                        stack.push((parent, false));
                    }
                }
            }
        }
        for (name, value) in self.definitions() {
            for ancestor in ancestors.get(name.as_str()).into_iter().flatten() {
                let tag = value.get("x-ms-discriminator-value").and_then(Value::as_str).unwrap_or(name);
                mappings
                    .entry(ancestor.to_string())
                    .or_default()
                    .insert(tag.to_string(), Value::String(format!("{SCHEMA_PREFIX_V3}{name}")));
            }
        }
        mappings
    }

    fn root(&self) -> SourceLoc {
        SourceLoc::new(&self.spec.root, "")
    }

    fn convert(&self) -> Result<Value> {
        let mut out = Map::new();
        out.insert("openapi".into(), json!("3.0.3"));
        out.insert("info".into(), self.doc.get("info").cloned().unwrap_or_else(|| json!({"title": "", "version": ""})));
        out.insert("servers".into(), self.servers()?);
        let mut paths = Map::new();
        for section in ["paths", "x-ms-paths"] {
            for (path, item) in self.doc.get(section).and_then(Value::as_object).into_iter().flatten() {
                let loc = self.root().join(section).join(path);
                if paths.contains_key(path) {
                    return Err(Error::at(&loc, format!("the path `{path}` is declared twice")));
                }
                paths.insert(path.clone(), self.path_item(item, &loc)?);
            }
        }
        out.insert("paths".into(), Value::Object(paths));
        let mut schemas = Map::new();
        for (name, value) in self.definitions() {
            let loc = self
                .spec
                .schema_sources
                .get(name)
                .cloned()
                .unwrap_or_else(|| self.root().join("definitions").join(name));
            schemas.insert(name.clone(), self.schema(value, Some(name), &loc)?);
        }
        let mut components = Map::new();
        components.insert("schemas".into(), Value::Object(schemas));
        if let Some(security) = self.doc.get("securityDefinitions").and_then(Value::as_object) {
            let mut schemes = Map::new();
            for (name, scheme) in security {
                schemes.insert(name.clone(), security_scheme(scheme));
            }
            components.insert("securitySchemes".into(), Value::Object(schemes));
        }
        out.insert("components".into(), Value::Object(components));
        for key in ["security", "tags", "externalDocs"] {
            if let Some(value) = self.doc.get(key) {
                out.insert(key.into(), value.clone());
            }
        }
        copy_extensions(self.doc, &mut out);
        Ok(Value::Object(out))
    }

    fn servers(&self) -> Result<Value> {
        let base_path = self.doc.get("basePath").and_then(Value::as_str).unwrap_or("");
        let base_path = base_path.trim_end_matches('/');
        if let Some(host) = self.doc.get("x-ms-parameterized-host") {
            let loc = self.root().join("x-ms-parameterized-host");
            let template = host
                .get("hostTemplate")
                .and_then(Value::as_str)
                .ok_or_else(|| Error::at(&loc, "x-ms-parameterized-host needs a hostTemplate"))?;
            let scheme_prefix = host.get("useSchemePrefix").and_then(Value::as_bool).unwrap_or(true);
            let url =
                if scheme_prefix { format!("https://{template}{base_path}") } else { format!("{template}{base_path}") };
            let mut variables = Map::new();
            for (i, parameter) in host.get("parameters").and_then(Value::as_array).into_iter().flatten().enumerate() {
                let name = parameter.get("name").and_then(Value::as_str).ok_or_else(|| {
                    Error::at(&loc.join("parameters").join(i.to_string()), "host parameter needs a name")
                })?;
                let mut variable = Map::new();
                variable.insert("default".into(), parameter.get("default").cloned().unwrap_or(json!("")));
                if let Some(description) = parameter.get("description") {
                    variable.insert("description".into(), description.clone());
                }
                variables.insert(name.to_string(), Value::Object(variable));
            }
            return Ok(json!([{ "url": url, "variables": variables }]));
        }
        match self.doc.get("host").and_then(Value::as_str) {
            Some(host) => {
                let scheme = self
                    .doc
                    .get("schemes")
                    .and_then(Value::as_array)
                    .and_then(|s| s.first())
                    .and_then(Value::as_str)
                    .unwrap_or("https");
                Ok(json!([{ "url": format!("{scheme}://{host}{base_path}") }]))
            }
            None => Ok(json!([])),
        }
    }

    fn path_item(&self, item: &Value, loc: &SourceLoc) -> Result<Value> {
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

    fn media_types(&self, operation: &Value, key: &str) -> Vec<String> {
        operation
            .get(key)
            .or_else(|| self.doc.get(key))
            .and_then(Value::as_array)
            .map(|types| types.iter().filter_map(Value::as_str).map(str::to_string).collect::<Vec<_>>())
            .filter(|types| !types.is_empty())
            .unwrap_or_else(|| vec!["application/json".to_string()])
    }

    fn operation(&self, operation: &Value, loc: &SourceLoc) -> Result<Value> {
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
    fn form_body(&self, params: &[(&Value, SourceLoc)], consumes: &[String]) -> Result<Value> {
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

    fn request_body(&self, parameter: &Value, consumes: &[String], loc: &SourceLoc) -> Result<Value> {
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

    fn parameter(&self, parameter: &Value, loc: &SourceLoc) -> Result<Value> {
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

    fn response(&self, response: &Value, produces: &[String], loc: &SourceLoc) -> Result<Value> {
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

    /// Converts one Swagger schema; `name` is the definition's name when it is a top-level definition.
    fn schema(&self, schema: &Value, name: Option<&str>, loc: &SourceLoc) -> Result<Value> {
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

fn security_scheme(scheme: &Value) -> Value {
    let mut out = scheme.as_object().cloned().unwrap_or_default();
    if out.get("type").and_then(Value::as_str) == Some("basic") {
        out.insert("type".into(), json!("http"));
        out.insert("scheme".into(), json!("basic"));
    }
    if out.get("type").and_then(Value::as_str) == Some("oauth2") {
        let flow = out.remove("flow").and_then(|f| f.as_str().map(str::to_string)).unwrap_or_default();
        let mut flow_out = Map::new();
        for key in ["authorizationUrl", "tokenUrl", "scopes"] {
            if let Some(value) = out.remove(key) {
                flow_out.insert(key.into(), value);
            }
        }
        flow_out.entry("scopes").or_insert(json!({}));
        let flow_name = match flow.as_str() {
            "accessCode" => "authorizationCode",
            "application" => "clientCredentials",
            other => other,
        };
        out.insert("flows".into(), json!({ flow_name: flow_out }));
    }
    Value::Object(out)
}

fn copy_extensions(from: &Map<String, Value>, to: &mut Map<String, Value>) {
    for (key, value) in from {
        if key.starts_with("x-") && !to.contains_key(key) {
            to.insert(key.clone(), value.clone());
        }
    }
}

/// Parses `value` as `T`, reporting a failure at `loc` extended by the path serde was at.
fn parse_at<T: DeserializeOwned>(value: &Value, loc: &SourceLoc) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let mut loc = loc.clone();
        for segment in e.path().iter() {
            if let serde_path_to_error::Segment::Map { key } | serde_path_to_error::Segment::Enum { variant: key } =
                segment
            {
                loc = loc.join(key);
            } else if let serde_path_to_error::Segment::Seq { index } = segment {
                loc = loc.join(index.to_string());
            }
        }
        Error::at(&loc, format!("invalid OpenAPI: {}", e.inner()))
    })
}

/// Builds the [`OpenAPI`] value piece by piece, so that errors point into the original files.
fn parse_openapi(document: &Value, spec: &LoadedSpec) -> Result<OpenAPI> {
    let root = SourceLoc::new(&spec.root, "");
    let map = document.as_object().ok_or_else(|| Error::at(&root, "a spec must be an object"))?;
    let mut skeleton = map.clone();
    let paths = skeleton.remove("paths").unwrap_or(json!({}));
    let mut components = skeleton.remove("components").unwrap_or(json!({}));
    let schemas = components.as_object_mut().and_then(|c| c.remove("schemas")).unwrap_or(json!({}));
    skeleton.insert("paths".into(), json!({}));
    let mut openapi: OpenAPI = parse_at(&Value::Object(skeleton), &root)?;

    let mut parsed_paths = IndexMap::new();
    for (path, item) in paths.as_object().into_iter().flatten() {
        let loc = match spec.kind {
            SpecKind::Swagger2 => root.join("paths").join(path),
            SpecKind::OpenApi3 => root.join("paths").join(path),
        };
        let item: PathItem = parse_at(item, &loc)?;
        parsed_paths.insert(path.clone(), ReferenceOr::Item(item));
    }
    openapi.paths = Paths { paths: parsed_paths, extensions: openapi.paths.extensions };

    let mut parsed_components: Components = parse_at(&components, &root.join("components"))?;
    for (name, schema) in schemas.as_object().into_iter().flatten() {
        let loc = spec
            .schema_sources
            .get(name)
            .cloned()
            .unwrap_or_else(|| root.join("components").join("schemas").join(name));
        let schema: ReferenceOr<Schema> = parse_at(schema, &loc)?;
        parsed_components.schemas.insert(name.clone(), schema);
    }
    openapi.components = Some(parsed_components);
    Ok(openapi)
}
