//! Before lowering: schemas that say their `type` but carry keywords of another type (`minLength` on
//! an array, `format` on an object, a numeric `enum` on a string), as real specs do, fail to parse as
//! that type and come out of `openapiv3` as untyped schemas. Here each is given back its declared
//! type, and the stray keywords are dropped with a warning (never an error).

use crate::error::SourceLoc;
use crate::ir::Warning;
use openapiv3::{
    AnySchema, MediaType, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, Type,
    VariantOrUnknownOrEmpty,
};

/// Retypes every such schema of `openapi`, returning a warning for each keyword dropped.
/// `schema_loc` gives the source location of a component schema.
pub(crate) fn normalize(openapi: &mut OpenAPI, root: &str, schema_loc: &dyn Fn(&str) -> SourceLoc) -> Vec<Warning> {
    let mut warnings = Vec::new();
    if let Some(components) = &mut openapi.components {
        for (name, schema) in components.schemas.iter_mut() {
            if let ReferenceOr::Item(schema) = schema {
                visit(schema, &schema_loc(name), &mut warnings);
            }
        }
    }
    for (path, item) in openapi.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else { continue };
        let path_loc = SourceLoc::new(root, "/paths").join(path);
        for (i, parameter) in item.parameters.iter_mut().enumerate() {
            visit_parameter(parameter, &path_loc.join("parameters").join(i.to_string()), &mut warnings);
        }
        let operations = [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("options", &mut item.options),
            ("head", &mut item.head),
            ("patch", &mut item.patch),
            ("trace", &mut item.trace),
        ];
        for (method, operation) in operations {
            let Some(operation) = operation else { continue };
            let loc = path_loc.join(method);
            for (i, parameter) in operation.parameters.iter_mut().enumerate() {
                visit_parameter(parameter, &loc.join("parameters").join(i.to_string()), &mut warnings);
            }
            if let Some(ReferenceOr::Item(body)) = &mut operation.request_body {
                for media in body.content.values_mut() {
                    visit_media(media, &loc.join("requestBody"), &mut warnings);
                }
            }
            let responses = operation.responses.responses.iter_mut().map(|(code, r)| (code.to_string(), r));
            let default = operation.responses.default.iter_mut().map(|r| ("default".to_string(), r));
            for (code, response) in responses.chain(default) {
                let ReferenceOr::Item(response) = response else { continue };
                let response_loc = loc.join("responses").join(code);
                for media in response.content.values_mut() {
                    visit_media(media, &response_loc.join("schema"), &mut warnings);
                }
                for (name, header) in response.headers.iter_mut() {
                    if let ReferenceOr::Item(header) = header {
                        if let ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) = &mut header.format {
                            visit(schema, &response_loc.join("headers").join(name), &mut warnings);
                        }
                    }
                }
            }
        }
    }
    warnings
}

fn visit_parameter(parameter: &mut ReferenceOr<Parameter>, loc: &SourceLoc, warnings: &mut Vec<Warning>) {
    let ReferenceOr::Item(parameter) = parameter else { return };
    let data = match parameter {
        Parameter::Query { parameter_data, .. }
        | Parameter::Header { parameter_data, .. }
        | Parameter::Path { parameter_data, .. }
        | Parameter::Cookie { parameter_data, .. } => parameter_data,
    };
    if let ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) = &mut data.format {
        visit(schema, loc, warnings);
    }
}

fn visit_media(media: &mut MediaType, loc: &SourceLoc, warnings: &mut Vec<Warning>) {
    if let Some(ReferenceOr::Item(schema)) = &mut media.schema {
        visit(schema, loc, warnings);
    }
}

fn visit_boxed(schema: &mut ReferenceOr<Box<Schema>>, loc: &SourceLoc, warnings: &mut Vec<Warning>) {
    if let ReferenceOr::Item(schema) = schema {
        visit(schema, loc, warnings);
    }
}

fn visit_list(list: &mut [ReferenceOr<Schema>], loc: &SourceLoc, warnings: &mut Vec<Warning>) {
    for (i, part) in list.iter_mut().enumerate() {
        if let ReferenceOr::Item(part) = part {
            visit(part, &loc.join(i.to_string()), warnings);
        }
    }
}

/// Retypes `schema` if needed, then its nested schemas.
fn visit(schema: &mut Schema, loc: &SourceLoc, warnings: &mut Vec<Warning>) {
    if let Some(kind) = retyped(&schema.schema_kind, loc, warnings) {
        schema.schema_kind = kind;
    }
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            for (name, property) in object.properties.iter_mut() {
                visit_boxed(property, &loc.join("properties").join(name), warnings);
            }
            if let Some(openapiv3::AdditionalProperties::Schema(values)) = &mut object.additional_properties {
                if let ReferenceOr::Item(values) = &mut **values {
                    visit(values, &loc.join("additionalProperties"), warnings);
                }
            }
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(items) = &mut array.items {
                visit_boxed(items, &loc.join("items"), warnings);
            }
        }
        SchemaKind::AllOf { all_of } => visit_list(all_of, &loc.join("allOf"), warnings),
        SchemaKind::OneOf { one_of } => visit_list(one_of, &loc.join("oneOf"), warnings),
        SchemaKind::AnyOf { any_of } => visit_list(any_of, &loc.join("anyOf"), warnings),
        SchemaKind::Any(any) => {
            for (name, property) in any.properties.iter_mut() {
                visit_boxed(property, &loc.join("properties").join(name), warnings);
            }
            if let Some(items) = &mut any.items {
                visit_boxed(items, &loc.join("items"), warnings);
            }
            if let Some(openapiv3::AdditionalProperties::Schema(values)) = &mut any.additional_properties {
                if let ReferenceOr::Item(values) = &mut **values {
                    visit(values, &loc.join("additionalProperties"), warnings);
                }
            }
            visit_list(&mut any.all_of, &loc.join("allOf"), warnings);
            visit_list(&mut any.one_of, &loc.join("oneOf"), warnings);
            visit_list(&mut any.any_of, &loc.join("anyOf"), warnings);
        }
        SchemaKind::Type(_) | SchemaKind::Not { .. } => {}
    }
}

/// The keywords JSON Schema allows for a type (beyond the annotations every schema may have).
fn keywords_of(typ: &str) -> &'static [&'static str] {
    match typ {
        "string" => &["format", "pattern", "enum", "minLength", "maxLength"],
        "integer" | "number" => {
            &["format", "multipleOf", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"]
        }
        "boolean" => &["enum"],
        "array" => &["items", "minItems", "maxItems", "uniqueItems"],
        "object" => &["properties", "required", "additionalProperties", "minProperties", "maxProperties"],
        _ => &[],
    }
}

/// The keywords set in an `AnySchema`, by their JSON names.
fn keywords_set(any: &AnySchema) -> Vec<&'static str> {
    [
        (any.pattern.is_some(), "pattern"),
        (any.multiple_of.is_some(), "multipleOf"),
        (any.exclusive_minimum.is_some(), "exclusiveMinimum"),
        (any.exclusive_maximum.is_some(), "exclusiveMaximum"),
        (any.minimum.is_some(), "minimum"),
        (any.maximum.is_some(), "maximum"),
        (!any.properties.is_empty(), "properties"),
        (!any.required.is_empty(), "required"),
        (any.additional_properties.is_some(), "additionalProperties"),
        (any.min_properties.is_some(), "minProperties"),
        (any.max_properties.is_some(), "maxProperties"),
        (any.items.is_some(), "items"),
        (any.min_items.is_some(), "minItems"),
        (any.max_items.is_some(), "maxItems"),
        (any.unique_items.is_some(), "uniqueItems"),
        (!any.enumeration.is_empty(), "enum"),
        (any.format.is_some(), "format"),
        (any.min_length.is_some(), "minLength"),
        (any.max_length.is_some(), "maxLength"),
    ]
    .into_iter()
    .filter_map(|(present, name)| present.then_some(name))
    .collect()
}

fn format_of<T: std::str::FromStr>(format: &Option<String>) -> VariantOrUnknownOrEmpty<T> {
    match format.as_deref() {
        None => VariantOrUnknownOrEmpty::Empty,
        Some(f) => f
            .parse()
            .map(VariantOrUnknownOrEmpty::Item)
            .unwrap_or_else(|_| VariantOrUnknownOrEmpty::Unknown(f.to_string())),
    }
}

/// The typed kind for an untyped schema that declares a `type` (or is an enum of strings), when it
/// is such a case.
fn retyped(kind: &SchemaKind, loc: &SourceLoc, warnings: &mut Vec<Warning>) -> Option<SchemaKind> {
    let SchemaKind::Any(any) = kind else { return None };
    // An enum of strings with no `type` (JSON Schema allows it; upstream specs have it) is a string enum.
    let string_enum = !any.enumeration.is_empty()
        && any.enumeration.iter().all(|v| v.is_string() || v.is_null())
        && any.enumeration.iter().any(|v| v.is_string());
    let typ = match any.typ.as_deref() {
        Some(typ) => typ,
        None if string_enum => "string",
        None => return None,
    };
    let allowed = keywords_of(typ);
    if allowed.is_empty()
        || !any.one_of.is_empty()
        || !any.any_of.is_empty()
        || !any.all_of.is_empty()
        || any.not.is_some()
    {
        return None;
    }
    let mut stray: Vec<&str> = keywords_set(any).into_iter().filter(|k| !allowed.contains(k)).collect();
    let kind = match typ {
        "string" => {
            let strings = any.enumeration.iter().all(|v| v.is_string() || v.is_null());
            if !strings {
                stray.push("enum");
            }
            Type::String(openapiv3::StringType {
                format: format_of(&any.format),
                pattern: any.pattern.clone(),
                enumeration: if strings {
                    any.enumeration.iter().map(|v| v.as_str().map(str::to_string)).collect()
                } else {
                    Vec::new()
                },
                min_length: any.min_length,
                max_length: any.max_length,
            })
        }
        "integer" => Type::Integer(openapiv3::IntegerType { format: format_of(&any.format), ..Default::default() }),
        "number" => Type::Number(openapiv3::NumberType { format: format_of(&any.format), ..Default::default() }),
        "boolean" => Type::Boolean(Default::default()),
        "array" => Type::Array(openapiv3::ArrayType {
            items: any.items.clone(),
            min_items: any.min_items,
            max_items: any.max_items,
            unique_items: any.unique_items.unwrap_or(false),
        }),
        "object" => Type::Object(openapiv3::ObjectType {
            properties: any.properties.clone(),
            required: any.required.clone(),
            additional_properties: any.additional_properties.clone(),
            min_properties: any.min_properties,
            max_properties: any.max_properties,
        }),
        _ => return None,
    };
    if !stray.is_empty() {
        let list = stray.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
        warnings.push(Warning {
            location: loc.clone(),
            message: format!("ignored {list} on a `{typ}` schema (not a keyword of that type)"),
        });
    }
    Some(SchemaKind::Type(kind))
}
