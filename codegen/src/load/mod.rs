//! Stage 1, **load**: read a root spec (Swagger 2.0 or OpenAPI 3.0, JSON or YAML), follow every `$ref`
//! across files, and bundle the result into one self-contained document whose references are all local.
//!
//! - Schemas referenced in other files are copied into the root's schema section under their own name;
//!   two different schemas wanting one name is an error, identical copies are merged.
//! - A root schema that is only a `$ref` to a schema of the same name in another file (the way the
//!   ACS specs pull in the Common types) collapses into that schema; one with another name stays an alias.
//! - `#/parameters/…` and `#/responses/…` references are inlined.
//! - `x-ms-examples` files are read and kept beside the document.
//! - Event examples (`event_examples`): the example payloads of a spec of events, which no operation
//!   references, read from folders beside the spec.
//!
//! Reference cycles between schemas are legal: schemas are copied once and referred to by name.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use serde_json::{Map, Value};

use crate::error::{escape_pointer, unescape_pointer, Error, Result, SourceLoc};
use crate::ir::Warning;

mod event_examples;

pub use event_examples::{json_files_under, load_event_examples, EventExampleFile};

/// Reads spec files by their `/`-separated path relative to the specs root.
pub trait SpecReader {
    /// The text of the file at `path`, or a one-line reason why it cannot be read.
    fn read(&self, path: &str) -> std::result::Result<String, String>;

    /// The `.json` files below `folder` (relative to the specs root), sorted; readers that cannot
    /// list folders say why.
    fn list_json(&self, folder: &str) -> std::result::Result<Vec<String>, String> {
        Err(format!("cannot list `{folder}`: this reader reads single files only"))
    }
}

impl<F: Fn(&str) -> std::result::Result<String, String>> SpecReader for F {
    fn read(&self, path: &str) -> std::result::Result<String, String> {
        self(path)
    }
}

/// Which specification language a document is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpecKind {
    /// Swagger 2.0 (`"swagger": "2.0"`).
    Swagger2,
    /// OpenAPI 3.0.x (`"openapi": "3.0.…"`).
    OpenApi3,
}

impl SpecKind {
    fn schemas_pointer(self) -> &'static str {
        match self {
            SpecKind::Swagger2 => "/definitions",
            SpecKind::OpenApi3 => "/components/schemas",
        }
    }

    fn inlined_sections(self) -> &'static [&'static str] {
        match self {
            SpecKind::Swagger2 => &["/parameters/", "/responses/"],
            SpecKind::OpenApi3 => &[
                "/components/parameters/",
                "/components/responses/",
                "/components/requestBodies/",
                "/components/headers/",
            ],
        }
    }
}

/// One `x-ms-examples` file, as referenced by an operation.
#[derive(Clone, Debug, PartialEq)]
pub struct ExampleFile {
    /// The `operationId` of the operation that references it.
    pub operation_id: String,
    /// The example's title (its key under `x-ms-examples`).
    pub title: String,
    /// The example file, relative to the specs root.
    pub file: String,
    /// The file's content.
    pub content: Value,
}

/// The result of loading: one bundled document plus where each of its schemas came from.
#[derive(Clone, Debug)]
pub struct LoadedSpec {
    /// The root spec file, relative to the specs root.
    pub root: String,
    /// The language of the root document (every referenced file must be in the same one).
    pub kind: SpecKind,
    /// The bundled document: every `$ref` in it is local.
    pub document: Value,
    /// For each schema of the bundled document, the file and pointer it was copied from.
    pub schema_sources: BTreeMap<String, SourceLoc>,
    /// The `x-ms-examples` files of every operation, in document order.
    pub examples: Vec<ExampleFile>,
    /// Every file read, relative to the specs root.
    pub files_read: BTreeSet<String>,
    /// What was skipped while loading (unreadable example files), with where.
    pub warnings: Vec<Warning>,
}

/// Loads the spec at `root` (relative to the specs root) and everything it references.
pub fn load(reader: &dyn SpecReader, root: &str) -> Result<LoadedSpec> {
    let root = normalize_path("", root, &SourceLoc::new(root, ""))?;
    let mut bundler = Bundler {
        reader,
        docs: HashMap::new(),
        kind: SpecKind::Swagger2,
        names: HashMap::new(),
        taken: BTreeMap::new(),
        schemas: Map::new(),
        sources: BTreeMap::new(),
        queue: VecDeque::new(),
        inlining: Vec::new(),
        files_read: BTreeSet::new(),
        warnings: Vec::new(),
    };
    let document = bundler.document(&root, None)?.clone();
    bundler.kind = detect_kind(&document, &root)?;
    let schemas_pointer = bundler.kind.schemas_pointer();
    let root_loc = SourceLoc::new(&root, "");

    // Root schemas first, in document order, so they keep their names.
    if let Some(schemas) = document.pointer(schemas_pointer) {
        let schemas = schemas
            .as_object()
            .ok_or_else(|| Error::at(&SourceLoc::new(&root, schemas_pointer), "expected an object of schemas"))?;
        for name in schemas.keys() {
            bundler.register(&SchemaKey { file: root.clone(), name: name.clone() })?;
        }
    }
    bundler.drain()?;

    let mut out = document.clone();
    let examples = bundler.examples(&document, &root)?;
    if let Value::Object(map) = &mut out {
        for (key, value) in map.iter_mut() {
            if format!("/{key}") == schemas_pointer {
                continue; // rebuilt from the bundled schemas below
            }
            let loc = root_loc.join(key);
            if key == "components" && bundler.kind == SpecKind::OpenApi3 {
                // Keep non-schema components (security schemes, …); schemas are rebuilt below.
                if let Value::Object(components) = value {
                    for (section, content) in components.iter_mut() {
                        if section != "schemas" {
                            *content = bundler.rewrite(content, &root, &loc.join(section))?;
                        }
                    }
                }
                continue;
            }
            *value = bundler.rewrite(value, &root, &loc)?;
        }
    }
    bundler.drain()?;

    // Inlined parameters and responses no longer need their sections.
    if let Value::Object(map) = &mut out {
        if bundler.kind == SpecKind::Swagger2 {
            map.remove("parameters");
            map.remove("responses");
            map.insert("definitions".into(), Value::Object(std::mem::take(&mut bundler.schemas)));
        } else {
            let components = map.entry("components").or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(components) = components {
                for section in ["parameters", "responses", "requestBodies", "headers"] {
                    components.remove(section);
                }
                components.insert("schemas".into(), Value::Object(std::mem::take(&mut bundler.schemas)));
            }
        }
    }

    Ok(LoadedSpec {
        root,
        kind: bundler.kind,
        document: out,
        schema_sources: bundler.sources,
        examples,
        files_read: bundler.files_read,
        warnings: bundler.warnings,
    })
}

fn detect_kind(document: &Value, file: &str) -> Result<SpecKind> {
    let loc = SourceLoc::new(file, "");
    let Some(map) = document.as_object() else {
        return Err(Error::at(&loc, "a spec must be a JSON or YAML object"));
    };
    match (map.get("swagger"), map.get("openapi")) {
        (Some(Value::String(v)), None) if v == "2.0" => Ok(SpecKind::Swagger2),
        (None, Some(Value::String(v))) if v.starts_with("3.0") => Ok(SpecKind::OpenApi3),
        (Some(v), None) => {
            Err(Error::at(&loc.join("swagger"), format!("unsupported Swagger version {v}; expected \"2.0\"")))
        }
        (None, Some(v)) => {
            Err(Error::at(&loc.join("openapi"), format!("unsupported OpenAPI version {v}; expected 3.0.x")))
        }
        _ => Err(Error::at(
            &loc,
            "not a Swagger 2.0 or OpenAPI 3.0 document: it needs a \"swagger\" or an \"openapi\" field",
        )),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct SchemaKey {
    file: String,
    name: String,
}

struct Bundler<'r> {
    reader: &'r dyn SpecReader,
    docs: HashMap<String, Value>,
    kind: SpecKind,
    /// Component name for each schema registered so far.
    names: HashMap<SchemaKey, String>,
    /// Which schema holds each component name.
    taken: BTreeMap<String, SchemaKey>,
    schemas: Map<String, Value>,
    sources: BTreeMap<String, SourceLoc>,
    queue: VecDeque<(SchemaKey, String)>,
    /// `$ref`s being inlined right now, to report inlining cycles instead of overflowing the stack.
    inlining: Vec<SourceLoc>,
    files_read: BTreeSet<String>,
    warnings: Vec<Warning>,
}

impl Bundler<'_> {
    /// The parsed document at `file`, reading it on first use. `referrer` is the `$ref` that led here.
    fn document(&mut self, file: &str, referrer: Option<&SourceLoc>) -> Result<&Value> {
        if !self.docs.contains_key(file) {
            let text = self.reader.read(file).map_err(|reason| match referrer {
                Some(loc) => Error::at(loc, format!("cannot read referenced file `{file}`: {reason}")),
                None => Error::at(&SourceLoc::new(file, ""), format!("cannot read spec: {reason}")),
            })?;
            let value = parse_document(file, &text)?;
            self.files_read.insert(file.to_string());
            self.docs.insert(file.to_string(), value);
        }
        Ok(&self.docs[file])
    }

    fn schema_value(&mut self, key: &SchemaKey, referrer: Option<&SourceLoc>) -> Result<Value> {
        let pointer = format!("{}/{}", self.kind.schemas_pointer(), escape_pointer(&key.name));
        let document = self.document(&key.file, referrer)?;
        match document.pointer(&pointer) {
            Some(value) => Ok(value.clone()),
            None => {
                let loc = referrer.cloned().unwrap_or_else(|| SourceLoc::new(&key.file, &pointer));
                Err(Error::at(&loc, format!("dangling $ref: `{}#{pointer}` does not exist", key.file)))
            }
        }
    }

    /// Gives `key` a component name (queueing it for copying when new) and returns that name.
    fn register(&mut self, key: &SchemaKey) -> Result<String> {
        if let Some(name) = self.names.get(key) {
            return Ok(name.clone());
        }
        let loc = self.schema_loc(key);
        let value = self.schema_value(key, None)?;
        // An alias to a schema of the same name collapses into it.
        if let Some(target) = self.alias_target(&value, key, &loc)? {
            if target.name == key.name && target != *key {
                self.names.insert(key.clone(), String::new()); // guards against alias cycles
                let name = self.register(&target)?;
                self.names.insert(key.clone(), name.clone());
                return Ok(name);
            }
        }
        let name = key.name.clone();
        if let Some(holder) = self.taken.get(&name).cloned() {
            let holder_value = self.schema_value(&holder, None)?;
            if holder_value == value {
                self.names.insert(key.clone(), name.clone());
                return Ok(name);
            }
            return Err(Error::at(
                &loc,
                format!(
                    "schema name collision: `{name}` is also defined, differently, at {}; give one of them another name",
                    self.schema_loc(&holder)
                ),
            ));
        }
        self.taken.insert(name.clone(), key.clone());
        self.names.insert(key.clone(), name.clone());
        self.queue.push_back((key.clone(), name.clone()));
        Ok(name)
    }

    fn schema_loc(&self, key: &SchemaKey) -> SourceLoc {
        SourceLoc::new(&key.file, format!("{}/{}", self.kind.schemas_pointer(), escape_pointer(&key.name)))
    }

    /// When `value` is a bare `{"$ref": …}` to a schema, the schema it names.
    fn alias_target(&mut self, value: &Value, key: &SchemaKey, loc: &SourceLoc) -> Result<Option<SchemaKey>> {
        let Some(map) = value.as_object() else { return Ok(None) };
        if map.len() != 1 {
            return Ok(None);
        }
        let Some(Value::String(reference)) = map.get("$ref") else { return Ok(None) };
        let target = self.resolve_ref(reference, &key.file, &loc.join("$ref"))?;
        Ok(self.as_schema_key(&target))
    }

    fn as_schema_key(&self, target: &RefTarget) -> Option<SchemaKey> {
        let prefix = format!("{}/", self.kind.schemas_pointer());
        let rest = target.pointer.strip_prefix(&prefix)?;
        if rest.contains('/') {
            return None;
        }
        Some(SchemaKey { file: target.file.clone(), name: unescape_pointer(rest) })
    }

    /// Copies every queued schema into the bundle, rewriting its references.
    fn drain(&mut self) -> Result<()> {
        while let Some((key, name)) = self.queue.pop_front() {
            let loc = self.schema_loc(&key);
            let value = self.schema_value(&key, None)?;
            let rewritten = self.rewrite(&value, &key.file, &loc)?;
            self.schemas.insert(name.clone(), rewritten);
            self.sources.insert(name, loc);
        }
        Ok(())
    }

    /// `value` (found in `file` at `loc`) with every `$ref` made local to the bundle.
    fn rewrite(&mut self, value: &Value, file: &str, loc: &SourceLoc) -> Result<Value> {
        match value {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref") {
                    let Value::String(reference) = reference else {
                        return Err(Error::at(&loc.join("$ref"), "$ref must be a string"));
                    };
                    return self.rewrite_ref(reference, map, file, loc);
                }
                let mut out = Map::new();
                for (key, child) in map {
                    let child = match key.as_str() {
                        // Examples are data, not schema: their files are read separately.
                        "x-ms-examples" | "example" | "examples" => child.clone(),
                        _ => self.rewrite(child, file, &loc.join(key))?,
                    };
                    out.insert(key.clone(), child);
                }
                Ok(Value::Object(out))
            }
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| self.rewrite(item, file, &loc.join(i.to_string())))
                .collect::<Result<Vec<_>>>()
                .map(Value::Array),
            other => Ok(other.clone()),
        }
    }

    fn rewrite_ref(&mut self, reference: &str, map: &Map<String, Value>, file: &str, loc: &SourceLoc) -> Result<Value> {
        let ref_loc = loc.join("$ref");
        let target = self.resolve_ref(reference, file, &ref_loc)?;
        if let Some(key) = self.as_schema_key(&target) {
            // Make sure the target exists before naming it.
            self.schema_value(&key, Some(&ref_loc))?;
            let name = self.register(&key)?;
            let mut out = Map::new();
            out.insert(
                "$ref".into(),
                Value::String(format!("#{}/{}", self.kind.schemas_pointer(), escape_pointer(&name))),
            );
            for (key, sibling) in map {
                if key != "$ref" {
                    out.insert(key.clone(), self.rewrite(sibling, file, &loc.join(key))?);
                }
            }
            return Ok(Value::Object(out));
        }
        let inlinable = self.kind.inlined_sections().iter().any(|section| target.pointer.starts_with(section));
        if !inlinable {
            return Err(Error::at(
                &ref_loc,
                format!("unsupported $ref `{reference}`: only schemas, parameters and responses can be referenced"),
            ));
        }
        let target_loc = SourceLoc::new(&target.file, &target.pointer);
        if self.inlining.contains(&target_loc) {
            return Err(Error::at(&ref_loc, format!("reference cycle while inlining `{reference}`")));
        }
        let document = self.document(&target.file, Some(&ref_loc))?;
        let Some(resolved) = document.pointer(&target.pointer).cloned() else {
            return Err(Error::at(
                &ref_loc,
                format!("dangling $ref: `{}#{}` does not exist", target.file, target.pointer),
            ));
        };
        self.inlining.push(target_loc.clone());
        let result = self.rewrite(&resolved, &target.file.clone(), &target_loc);
        self.inlining.pop();
        let mut resolved = result?;
        if let Value::Object(resolved_map) = &mut resolved {
            for (key, sibling) in map {
                if key != "$ref" {
                    resolved_map.insert(key.clone(), sibling.clone());
                }
            }
        }
        Ok(resolved)
    }

    fn resolve_ref(&mut self, reference: &str, file: &str, loc: &SourceLoc) -> Result<RefTarget> {
        let (path, pointer) = match reference.split_once('#') {
            Some((path, pointer)) => (path, pointer),
            None => (reference, ""),
        };
        let file = if path.is_empty() { file.to_string() } else { normalize_path(parent_dir(file), path, loc)? };
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(Error::at(
                loc,
                format!("invalid $ref `{reference}`: the part after `#` must be a JSON pointer"),
            ));
        }
        Ok(RefTarget { file, pointer: pointer.to_string() })
    }

    /// Reads the `x-ms-examples` files of every operation of the root document.
    fn examples(&mut self, document: &Value, root: &str) -> Result<Vec<ExampleFile>> {
        let mut out = Vec::new();
        let Some(paths) = document.get("paths").and_then(Value::as_object) else { return Ok(out) };
        for (path, item) in paths {
            let Some(item) = item.as_object() else { continue };
            for (method, operation) in item {
                let Some(examples) = operation.get("x-ms-examples").and_then(Value::as_object) else { continue };
                let loc = SourceLoc::new(root, "").join("paths").join(path).join(method).join("x-ms-examples");
                let operation_id = operation.get("operationId").and_then(Value::as_str).unwrap_or_default().to_string();
                for (title, reference) in examples {
                    let ref_loc = loc.join(title).join("$ref");
                    let Some(reference) = reference.get("$ref").and_then(Value::as_str) else {
                        return Err(Error::at(&loc.join(title), "an x-ms-examples entry must be a {\"$ref\": file}"));
                    };
                    let target = self.resolve_ref(reference, root, &ref_loc)?;
                    // Examples document a spec; one that cannot be read is skipped with a warning.
                    let content = match self.document(&target.file, Some(&ref_loc)) {
                        Ok(content) => content.clone(),
                        Err(error) => {
                            self.warnings.push(Warning {
                                location: ref_loc.clone(),
                                message: format!("example skipped: {}", error.message),
                            });
                            continue;
                        }
                    };
                    out.push(ExampleFile {
                        operation_id: operation_id.clone(),
                        title: title.clone(),
                        file: target.file,
                        content,
                    });
                }
            }
        }
        Ok(out)
    }
}

struct RefTarget {
    file: String,
    pointer: String,
}

fn parse_document(file: &str, text: &str) -> Result<Value> {
    let loc = SourceLoc::new(file, "");
    if file.ends_with(".yaml") || file.ends_with(".yml") {
        serde_yaml::from_str::<Value>(text).map_err(|e| Error::at(&loc, format!("invalid YAML: {e}")))
    } else {
        serde_json::from_str::<Value>(text).map_err(|e| Error::at(&loc, format!("invalid JSON: {e}")))
    }
}

pub(crate) fn parent_dir(file: &str) -> &str {
    file.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Joins `relative` onto `base_dir` and removes `.` and `..` segments; a path escaping the root is an error.
pub(crate) fn normalize_path(base_dir: &str, relative: &str, loc: &SourceLoc) -> Result<String> {
    let mut segments: Vec<&str> =
        if relative.starts_with('/') { Vec::new() } else { base_dir.split('/').filter(|s| !s.is_empty()).collect() };
    for segment in relative.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if segments.pop().is_none() {
                    return Err(Error::at(loc, format!("`{relative}` points outside the specs root")));
                }
            }
            other => segments.push(other),
        }
    }
    Ok(segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_relative_paths() {
        let loc = SourceLoc::new("a", "");
        assert_eq!(normalize_path("x/y/z", "../../../C/c.json", &loc).unwrap(), "C/c.json");
        assert_eq!(normalize_path("x", "./e/1.json", &loc).unwrap(), "x/e/1.json");
        assert!(normalize_path("x", "../../c.json", &loc).is_err());
    }
}
