//! Operations: groups from `Group_Operation` ids, paths (with `x-ms-paths` queries), parameters by
//! location, request bodies by media type, and whether each may be retried after reaching the
//! service.

use std::collections::BTreeMap;

use openapiv3::{Operation as OaOperation, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

use super::schemas::{is_binary, is_plain_string};
use super::{extension_str, Lowerer, SchemaRef};
use crate::error::{Error, Result, SourceLoc};
use crate::ir::*;
use crate::names::{bare, name_part, type_name, value_name};

/// Whether a media type is JSON (`application/json`, `…+json`, with or without parameters).
pub(crate) fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json") || essence == "text/json"
}

/// Whether a media type is plain JSON, with no parameters that change its meaning.
fn is_plain_json(media_type: &str) -> bool {
    let mut parts = media_type.split(';');
    let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let only_charset = parts.all(|p| p.trim().to_ascii_lowercase().starts_with("charset="));
    (essence == "application/json" || essence.ends_with("+json") || essence == "text/json") && only_charset
}

/// Whether a media type is text.
pub(crate) fn is_text(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence.starts_with("text/") || is_json(media_type)
}

/// The media types the operation declares it consumes (Swagger's `consumes`, kept by the upgrade).
fn consumes(operation: &OaOperation) -> Vec<String> {
    operation
        .extensions
        .get("x-acs-consumes")
        .and_then(Value::as_array)
        .map(|types| types.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

/// The `accept` header: every media type of the success responses, JSON first.
fn accept_header(operation: &OaOperation) -> Option<String> {
    let mut types: Vec<&str> = Vec::new();
    for (code, response) in &operation.responses.responses {
        let success = match code {
            openapiv3::StatusCode::Code(n) => *n < 400,
            openapiv3::StatusCode::Range(c) => *c < 4,
        };
        if let (true, ReferenceOr::Item(response)) = (success, response) {
            for media_type in response.content.keys() {
                if !types.contains(&media_type.as_str()) {
                    types.push(media_type);
                }
            }
        }
    }
    types.sort_by_key(|m| !is_json(m));
    (!types.is_empty()).then(|| types.join(", "))
}

/// Splits a path key into the path template and a fixed query (`x-ms-paths` keys carry one).
pub(crate) fn parse_path(key: &str, loc: &SourceLoc) -> Result<PathTemplate> {
    let (path, fixed_query) = match key.split_once('?') {
        Some((path, query)) => (path, query.to_string()),
        None => (key, String::new()),
    };
    let mut parts = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .ok_or_else(|| Error::at(loc, format!("path `{key}` has a `{{` without its `}}`")))?;
        if start > 0 {
            parts.push(PathPart::Literal(rest[..start].to_string()));
        }
        let name = &rest[start + 1..end];
        if name.is_empty() || name.contains('{') {
            return Err(Error::at(loc, format!("path `{key}` has an empty or nested parameter")));
        }
        parts.push(PathPart::Param(name.to_string()));
        rest = &rest[end + 1..];
    }
    if rest.contains('}') {
        return Err(Error::at(loc, format!("path `{key}` has a `}}` without its `{{`")));
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_string()));
    }
    Ok(PathTemplate { text: path.to_string(), parts, fixed_query })
}

impl<'a> Lowerer<'a> {
    pub(crate) fn lower_operations(&mut self) -> Result<Vec<OperationGroup>> {
        let mut groups: BTreeMap<String, Vec<Operation>> = BTreeMap::new();
        let mut ids: BTreeMap<String, SourceLoc> = BTreeMap::new();
        for (path, item) in &self.openapi.paths.paths {
            let path_loc = SourceLoc::new(self.root, "/paths").join(path);
            let ReferenceOr::Item(item) = item else {
                return Err(Error::at(&path_loc, "unsupported construct: $ref path items"));
            };
            let template = parse_path(path, &path_loc)?;
            let methods = [
                (Method::Get, "get", &item.get),
                (Method::Put, "put", &item.put),
                (Method::Post, "post", &item.post),
                (Method::Patch, "patch", &item.patch),
                (Method::Delete, "delete", &item.delete),
                (Method::Head, "head", &item.head),
            ];
            for (extra, operation) in [("options", &item.options), ("trace", &item.trace)] {
                if operation.is_some() {
                    self.warn(&path_loc.join(extra), format!("ignored the `{extra}` operation (not generated)"));
                }
            }
            for (method, key, operation) in methods {
                let Some(operation) = operation else { continue };
                let loc = path_loc.join(key);
                let id =
                    operation.operation_id.clone().ok_or_else(|| Error::at(&loc, "operation has no operationId"))?;
                if let Some(first) = ids.insert(id.clone(), loc.clone()) {
                    return Err(Error::at(
                        &loc.join("operationId"),
                        format!("duplicate operationId `{id}` (first at {first})"),
                    ));
                }
                let (group, name) = match id.split_once('_') {
                    Some((group, name)) if !group.is_empty() && !name.is_empty() => {
                        (name_part(group), name.to_string())
                    }
                    _ => (String::new(), id.clone()),
                };
                let lowered = self.operation(method, &template, &item.parameters, operation, &id, &name, &loc)?;
                let group_ops = groups.entry(group.clone()).or_default();
                if let Some(twin) = group_ops.iter().find(|o| o.name == lowered.name) {
                    return Err(Error::at(
                        &loc.join("operationId"),
                        format!(
                            "name collision: `{id}` and `{}` both become the method `{}`",
                            twin.operation_id, lowered.name
                        ),
                    ));
                }
                group_ops.push(lowered);
            }
        }
        Ok(groups.into_iter().map(|(name, operations)| OperationGroup { name, operations }).collect())
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        method: Method,
        path: &PathTemplate,
        path_parameters: &'a [ReferenceOr<Parameter>],
        operation: &'a OaOperation,
        id: &str,
        name: &str,
        loc: &SourceLoc,
    ) -> Result<Operation> {
        let method_name = value_name(self.options.renames.get(id).map(String::as_str).unwrap_or(name));
        if matches!(bare(&method_name), "new" | "endpoint" | "api_version" | "core") {
            return Err(Error::at(
                &loc.join("operationId"),
                format!("name collision: `{id}` becomes the method `{method_name}`, which the client has already; rename it in specs.yaml"),
            ));
        }
        let context = type_name(id.replace('_', " ").as_str());
        let (params, api_version) = self.parameters(path, path_parameters, operation, &context, loc)?;
        let body = self.body(operation, &params, &context, loc)?;
        let (responses, error) = self.responses(operation, method, &context, loc)?;
        let raw_pages =
            responses.iter().all(|r| matches!(r.body, ResponseBody::Binary | ResponseBody::Text | ResponseBody::None))
                && responses.iter().any(|r| matches!(r.body, ResponseBody::Binary | ResponseBody::Text));
        let paging = match operation.extensions.get("x-ms-pageable") {
            None => None,
            Some(_) if raw_pages => {
                self.warn(
                    &loc.join("x-ms-pageable"),
                    "x-ms-pageable ignored: the pages are not JSON (e.g. XML), so the method returns one page's raw body",
                );
                None
            }
            Some(pageable) => Some(self.paging(pageable, &responses, &loc.join("x-ms-pageable"))?),
        };
        let lro = match operation.extensions.get("x-ms-long-running-operation").and_then(Value::as_bool) {
            Some(true) if paging.is_some() => {
                return Err(Error::at(
                    &loc.join("x-ms-long-running-operation"),
                    "unsupported construct: an operation that is both long-running and pageable",
                ));
            }
            Some(true) => Some(self.lro(operation, &responses, loc)?),
            _ => None,
        };
        let merge_patch = body.as_ref().is_some_and(|b| {
            b.media_types.first().is_some_and(|m| m.to_ascii_lowercase().starts_with("application/merge-patch+json"))
        });
        let repeatable = params.iter().any(|p| p.repeatability == Some(Repeatability::RequestId));
        let retry = match method {
            Method::Get | Method::Head | Method::Put | Method::Delete => RetryClass::Safe,
            Method::Patch if merge_patch => RetryClass::Safe,
            _ if repeatable || paging.is_some() => RetryClass::Safe,
            _ => RetryClass::AtMostOnce,
        };
        let accept = accept_header(operation);
        let empty_body_content_type = match (method, &body) {
            (Method::Post | Method::Put | Method::Patch, None) => consumes(operation).into_iter().find(|m| is_json(m)),
            (
                Method::Post | Method::Put | Method::Patch,
                Some(Body { kind: BodyKind::Json(_), required: false, media_types, .. }),
            ) => media_types.first().cloned(),
            _ => None,
        };
        let mut doc = operation.summary.clone().unwrap_or_default();
        if let Some(description) = &operation.description {
            if description.trim() != doc.trim() {
                if !doc.is_empty() {
                    doc.push_str("\n\n");
                }
                doc.push_str(description);
            }
        }
        Ok(Operation {
            name: method_name,
            operation_id: id.to_string(),
            doc,
            method,
            path: path.clone(),
            params,
            api_version,
            body,
            responses,
            error,
            paging,
            lro,
            retry,
            accept,
            empty_body_content_type,
            internal: self.options.internal_operations.contains(id),
            source: loc.clone(),
        })
    }

    fn parameters(
        &mut self,
        path: &PathTemplate,
        path_parameters: &'a [ReferenceOr<Parameter>],
        operation: &'a OaOperation,
        context: &str,
        loc: &SourceLoc,
    ) -> Result<(Vec<Param>, bool)> {
        // Path-level parameters apply unless the operation redefines them.
        let mut parameters: Vec<(&'a Parameter, SourceLoc)> = Vec::new();
        for (i, p) in operation.parameters.iter().enumerate() {
            let ReferenceOr::Item(p) = p else {
                return Err(Error::at(loc, "unexpected parameter $ref after bundling"));
            };
            parameters.push((p, loc.join("parameters").join(i.to_string())));
        }
        for (i, p) in path_parameters.iter().enumerate() {
            let ReferenceOr::Item(p) = p else {
                return Err(Error::at(loc, "unexpected parameter $ref after bundling"));
            };
            let data = p.parameter_data_ref();
            if !parameters.iter().any(|(q, _)| q.parameter_data_ref().name == data.name) {
                let path_loc = SourceLoc::new(&loc.file, loc.pointer.rsplit_once('/').map_or("", |(parent, _)| parent));
                parameters.push((p, path_loc.join("parameters").join(i.to_string())));
            }
        }
        let mut params = Vec::new();
        let mut api_version = false;
        let mut names = BTreeMap::new();
        for (parameter, parameter_loc) in parameters {
            let data = parameter.parameter_data_ref();
            let location = match parameter {
                Parameter::Path { .. } => ParamLocation::Path,
                Parameter::Query { .. } => ParamLocation::Query,
                Parameter::Header { .. } => ParamLocation::Header,
                Parameter::Cookie { .. } => {
                    return Err(Error::at(&parameter_loc, "unsupported construct: cookie parameters"))
                }
            };
            if location == ParamLocation::Query && data.name == "api-version" {
                api_version = true;
                continue;
            }
            if location == ParamLocation::Header
                && matches!(data.name.to_ascii_lowercase().as_str(), "content-type" | "accept")
            {
                continue; // set from the body's and responses' media types
            }
            let client = extension_str(&data.extensions, "x-ms-parameter-location") == Some("client");
            let mut rust_name = value_name(extension_str(&data.extensions, "x-ms-client-name").unwrap_or(&data.name));
            if matches!(bare(&rust_name), "options" | "content_type") {
                // The method's own arguments keep these names.
                rust_name = format!("{}_param", bare(&rust_name));
            }
            if let Some(other) = names.insert(rust_name.clone(), data.name.clone()) {
                return Err(Error::at(
                    &parameter_loc,
                    format!("name collision: parameters `{other}` and `{}` both become `{rust_name}`", data.name),
                ));
            }
            let ParameterSchemaOrContent::Schema(schema) = &data.format else {
                return Err(Error::at(&parameter_loc, "unsupported construct: a parameter with `content`"));
            };
            if let ReferenceOr::Item(s) = schema {
                if is_binary(s) {
                    return Err(Error::at(
                        &parameter_loc,
                        "unsupported construct: a binary (file) parameter outside the body",
                    ));
                }
            }
            // A client parameter is one value for every operation, so its inline type is named alone.
            let inline_name =
                if client { name_part(bare(&rust_name)) } else { format!("{context}{}", name_part(bare(&rust_name))) };
            let header_prefix = extension_str(&data.extensions, "x-ms-header-collection-prefix")
                .filter(|_| location == ParamLocation::Header)
                .map(str::to_ascii_lowercase);
            let ty = match header_prefix {
                Some(_) => TypeRef::Map(Box::new(TypeRef::String)),
                None => self.type_ref(schema.into(), &inline_name, &parameter_loc)?.without_nullable(),
            };
            if location == ParamLocation::Path && !path.params().any(|p| p == data.name) {
                return Err(Error::at(
                    &parameter_loc,
                    format!("path parameter `{}` does not appear in the path `{}`", data.name, path.text),
                ));
            }
            let collection = match (extension_str(&data.extensions, "x-acs-collection-format"), parameter) {
                (Some("ssv"), _) => Collection::Joined(" "),
                (Some("tsv"), _) => Collection::Joined("\t"),
                (Some("pipes"), _) => Collection::Joined("|"),
                (Some("multi"), _) => Collection::Multi,
                (Some(_), _) => Collection::Joined(","),
                // OpenAPI 3: the query style, exploded by default.
                (None, Parameter::Query { style, .. }) => match style {
                    openapiv3::QueryStyle::SpaceDelimited => Collection::Joined(" "),
                    openapiv3::QueryStyle::PipeDelimited => Collection::Joined("|"),
                    _ if data.explode.unwrap_or(true) => Collection::Multi,
                    _ => Collection::Joined(","),
                },
                (None, _) => Collection::Joined(","),
            };
            let repeatability = (location == ParamLocation::Header)
                .then(|| match data.name.to_ascii_lowercase().as_str() {
                    "repeatability-request-id" => Some(Repeatability::RequestId),
                    "repeatability-first-sent" => Some(Repeatability::FirstSent),
                    _ => None,
                })
                .flatten();
            let required = data.required || location == ParamLocation::Path;
            let constant = if required && repeatability.is_none() { self.constant_of(&ty) } else { None };
            params.push(Param {
                name: rust_name,
                wire_name: data.name.clone(),
                doc: data.description.clone().unwrap_or_default(),
                location,
                ty,
                required,
                client,
                skip_url_encoding: data
                    .extensions
                    .get("x-ms-skip-url-encoding")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                collection,
                repeatability,
                constant,
                header_prefix,
            });
        }
        for name in path.params() {
            if !params.iter().any(|p| p.location == ParamLocation::Path && p.wire_name == name) {
                return Err(Error::at(
                    loc,
                    format!("path `{}` uses `{{{name}}}` but the operation has no such path parameter", path.text),
                ));
            }
        }
        Ok((params, api_version))
    }

    /// The value of a fixed enum with exactly one value: a parameter that is a constant.
    fn constant_of(&self, ty: &TypeRef) -> Option<String> {
        let TypeRef::Named(name) = ty else { return None };
        match self.types.get(name) {
            Some(TypeDef::Enum(e)) if !e.extensible && e.values.len() == 1 => Some(e.values[0].wire.clone()),
            _ => None,
        }
    }

    /// Whether a body schema (inline or a reference) is binary content.
    fn body_is_binary(&self, schema: &ReferenceOr<Schema>) -> bool {
        match schema {
            ReferenceOr::Item(schema) => is_binary(schema),
            ReferenceOr::Reference { reference } => {
                reference.strip_prefix(super::SCHEMA_PREFIX).is_some_and(|name| self.is_binary_component(name))
            }
        }
    }

    /// Whether a body schema is a plain string.
    fn body_is_string(&self, schema: &ReferenceOr<Schema>) -> bool {
        match schema {
            ReferenceOr::Item(schema) => is_plain_string(schema),
            ReferenceOr::Reference { reference } => matches!(
                reference.strip_prefix(super::SCHEMA_PREFIX).and_then(|name| self.openapi.components.as_ref()?.schemas.get(name)),
                Some(ReferenceOr::Item(schema)) if is_plain_string(schema)
            ),
        }
    }

    fn body(
        &mut self,
        operation: &'a OaOperation,
        params: &[Param],
        context: &str,
        loc: &SourceLoc,
    ) -> Result<Option<Body>> {
        let body = match &operation.request_body {
            None => return Ok(None),
            Some(ReferenceOr::Reference { .. }) => {
                return Err(Error::at(loc, "unexpected requestBody $ref after bundling"))
            }
            Some(ReferenceOr::Item(body)) => body,
        };
        let body_loc = loc.join("requestBody");
        let media_types: Vec<&String> = body.content.keys().collect();
        let Some((_, first)) = body.content.iter().next() else {
            return Err(Error::at(&body_loc, "the request body has no media type"));
        };
        let schema = first.schema.as_ref().ok_or_else(|| Error::at(&body_loc, "the request body has no schema"))?;
        let wire_name = extension_str(&body.extensions, "x-ms-requestBody-name").unwrap_or("body");
        let body_name = extension_str(&body.extensions, "x-ms-client-name").unwrap_or(wire_name);
        let mut name = value_name(body_name);
        if matches!(bare(&name), "options" | "content_type") {
            name = format!("{}_body", bare(&name));
        }
        if params.iter().any(|p| p.name == name) {
            return Err(Error::at(
                &body_loc,
                format!("name collision: the body and a parameter are both named `{name}`"),
            ));
        }
        let json_types: Vec<String> = media_types.iter().filter(|m| is_json(m)).map(|m| m.to_string()).collect();
        // A form: Swagger's formData parameters, or an OpenAPI 3 body with only form media types.
        let form_declared = body.extensions.get("x-acs-form").and_then(Value::as_bool).unwrap_or(false);
        let form = media_types.iter().find(|m| {
            let essence = m.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
            essence == "multipart/form-data" || essence == "application/x-www-form-urlencoded"
        });
        let form = form.filter(|_| form_declared || json_types.is_empty());
        let (kind, media_types) = if let Some(form) = form {
            (BodyKind::Form(self.form_fields(schema, params, context, &body_loc)?), vec![form.to_string()])
        } else if self.body_is_binary(schema) {
            (BodyKind::Binary, media_types.iter().map(|m| m.to_string()).collect::<Vec<_>>())
        } else if self.body_is_string(schema) && !media_types.iter().any(|m| is_plain_json(m)) {
            let text: Vec<String> = media_types.iter().filter(|m| is_text(m)).map(|m| m.to_string()).collect();
            if text.is_empty() {
                return Err(Error::at(
                    &body_loc,
                    format!("unsupported construct: a string body of media type `{}`", media_types[0]),
                ));
            }
            (BodyKind::Text, text)
        } else if !json_types.is_empty() {
            let ty = self.type_ref(schema.into(), &format!("{context}Request"), &body_loc)?;
            let mut ordered = json_types;
            // Plain JSON first, so it is what we send unless the spec only takes something else.
            ordered.sort_by_key(|m| !m.eq_ignore_ascii_case("application/json"));
            (BodyKind::Json(ty), ordered)
        } else {
            // XML and other structured media the generator cannot write: the caller gives the bytes.
            self.warn(
                &body_loc,
                format!(
                    "a request body of media type `{}` with a schema is sent as bytes the caller gives",
                    media_types[0]
                ),
            );
            (BodyKind::Binary, media_types.iter().map(|m| m.to_string()).collect::<Vec<_>>())
        };
        Ok(Some(Body {
            name,
            wire_name: wire_name.to_string(),
            doc: body.description.clone().unwrap_or_default(),
            kind,
            required: body.required,
            media_types,
        }))
    }

    /// The fields of a form body: the properties of its object schema (binary ones are files).
    fn form_fields(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        params: &[Param],
        context: &str,
        loc: &SourceLoc,
    ) -> Result<Vec<FormField>> {
        let schema = match schema {
            ReferenceOr::Item(schema) => schema,
            // OpenAPI 3: a named schema of the form's fields.
            ReferenceOr::Reference { reference } => match self.component(reference, loc)? {
                (_, ReferenceOr::Item(schema)) => schema,
                (name, ReferenceOr::Reference { .. }) => {
                    return Err(Error::at(
                        loc,
                        format!("unsupported construct: a form body whose schema `{name}` is another $ref"),
                    ));
                }
            },
        };
        let (properties, required) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => (&object.properties, &object.required),
            _ => return Err(Error::at(loc, "unsupported construct: a form body that is not an object of fields")),
        };
        let mut fields = Vec::new();
        for (wire, property) in properties {
            let field_loc = loc.join("properties").join(wire);
            let client_name = match property {
                ReferenceOr::Item(s) => extension_str(&s.schema_data.extensions, "x-ms-client-name"),
                ReferenceOr::Reference { .. } => None,
            };
            let mut name = value_name(client_name.unwrap_or(wire));
            if matches!(bare(&name), "options" | "content_type") || params.iter().any(|p| p.name == name) {
                name = format!("{}_field", bare(&name));
            }
            let (doc, ty) = match property {
                ReferenceOr::Item(s) if is_binary(s) => (s.schema_data.description.clone().unwrap_or_default(), None),
                ReferenceOr::Item(s) => (
                    s.schema_data.description.clone().unwrap_or_default(),
                    Some(self.type_ref(
                        property.into(),
                        &format!("{context}{}", name_part(bare(&name))),
                        &field_loc,
                    )?),
                ),
                ReferenceOr::Reference { .. } => (
                    String::new(),
                    Some(self.type_ref(
                        property.into(),
                        &format!("{context}{}", name_part(bare(&name))),
                        &field_loc,
                    )?),
                ),
            };
            let ty = ty.map(TypeRef::without_nullable);
            fields.push(FormField { name, wire_name: wire.clone(), doc, ty, required: required.contains(wire) });
        }
        Ok(fields)
    }

    /// The type of a response header's schema; arrays and objects are read as text.
    pub(crate) fn header_type(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        inline_name: &str,
        loc: &SourceLoc,
    ) -> Result<TypeRef> {
        if let ReferenceOr::Item(s) = schema {
            if matches!(s.schema_kind, SchemaKind::Type(Type::Array(_)) | SchemaKind::Type(Type::Object(_))) {
                self.warn(loc, "a header of array or object type is read as text");
                return Ok(TypeRef::String);
            }
        }
        let ty = self.type_ref(SchemaRef::from(schema), inline_name, loc)?;
        Ok(match ty {
            TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Any => TypeRef::String,
            TypeRef::Named(ref name) if !matches!(self.types.get(name), Some(TypeDef::Enum(_))) => TypeRef::String,
            other => other,
        })
    }
}
