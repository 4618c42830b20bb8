//! Stage 2, **upgrade**: turn the bundled Swagger 2.0 document into an [`openapiv3::OpenAPI`].
//!
//! The conversion is ours: definitions become `components/schemas`; the body parameter and `consumes`
//! become a `requestBody` (`x-ms-requestBody-name` keeps the parameter's name); `produces` becomes the
//! content of each response; `x-ms-parameterized-host` becomes a server with variables; `discriminator`
//! plus each child's `x-ms-discriminator-value` becomes a discriminator mapping; a `$ref` with sibling
//! keywords becomes a one-element `allOf` that keeps them; every `x-ms-*` extension is kept. OpenAPI 3.0
//! documents pass through unchanged. Each part is parsed on its own so that a problem is reported at
//! its place in the original spec file.

mod operations;
mod schemas;

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
                if parameter.get("x-ms-api-version").and_then(Value::as_bool) == Some(true) {
                    variable.insert("x-ms-api-version".into(), json!(true));
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
