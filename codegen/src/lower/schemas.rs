//! Schemas to types: structs (with `allOf` parents), enums, discriminated unions, untagged unions,
//! aliases and maps, and the Rust type of every schema position, formats included.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};
use serde_json::Value;

use super::all_of::Collected;
use super::{extension_str, Lowerer, SchemaRef};
use crate::error::{Error, Result, SourceLoc};
use crate::ir::*;
use crate::names::{bare, name_part, value_name};

/// The single `$ref` of an `allOf` wrapper that only annotates a reference (description, readOnly, …).
pub(crate) fn wrapped_ref(schema: &Schema) -> Option<&str> {
    fn single(all_of: &[ReferenceOr<Schema>]) -> Option<&str> {
        match all_of {
            [ReferenceOr::Reference { reference }] => Some(reference.as_str()),
            _ => None,
        }
    }
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => single(all_of),
        SchemaKind::Any(any)
            if any.properties.is_empty()
                && any.additional_properties.is_none()
                && any.typ.as_deref().is_none_or(|t| t == "object") =>
        {
            single(&any.all_of)
        }
        _ => None,
    }
}

pub(crate) fn is_object(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => true,
        SchemaKind::Any(any) => {
            any.typ.as_deref() == Some("object")
                || !any.properties.is_empty()
                || !any.all_of.is_empty()
                || any.additional_properties.is_some()
        }
        _ => false,
    }
}

/// Whether a schema is binary content (`type: file`, `format: binary`): a body, never a model.
pub(crate) fn is_binary(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => matches!(s.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary)),
        SchemaKind::Any(any) => {
            any.format.as_deref() == Some("binary") && any.typ.as_deref().is_none_or(|t| t == "string")
        }
        _ => false,
    }
}

/// Whether a schema is a plain string (no enum, no format that makes it something else).
pub(crate) fn is_plain_string(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            s.enumeration.is_empty()
                && matches!(&s.format, VariantOrUnknownOrEmpty::Empty | VariantOrUnknownOrEmpty::Unknown(_))
        }
        _ => false,
    }
}

impl<'a> Lowerer<'a> {
    /// Whether component `name` is binary content (a body type, not a model).
    pub(crate) fn is_binary_component(&self, name: &str) -> bool {
        let mut current = name;
        for _ in 0..16 {
            match self.openapi.components.as_ref().and_then(|c| c.schemas.get(current)) {
                Some(ReferenceOr::Item(schema)) => return is_binary(schema),
                Some(ReferenceOr::Reference { reference }) => {
                    let Some(next) = reference.strip_prefix(super::SCHEMA_PREFIX) else { return false };
                    current = next;
                }
                None => return false,
            }
        }
        false
    }

    /// Whether component `name` is an object with a binary (file) property: only ever a form body
    /// (OpenAPI 3 `multipart/form-data`), never a model.
    pub(crate) fn is_file_form_component(&self, name: &str) -> bool {
        match self.openapi.components.as_ref().and_then(|c| c.schemas.get(name)) {
            Some(ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::Object(object)), .. })) => {
                object.properties.values().any(|p| matches!(p, ReferenceOr::Item(s) if is_binary(s)))
            }
            _ => false,
        }
    }

    pub(crate) fn lower_schemas(&mut self) -> Result<()> {
        // Unions first, so that their children know to leave the discriminator out.
        for (name, schema) in self.schemas() {
            if let ReferenceOr::Item(schema) = schema {
                if let Some(discriminator) = &schema.schema_data.discriminator {
                    let loc = self.schema_loc(name);
                    let union_name = self.rust_type_name(name);
                    for child in discriminator.mapping.values() {
                        let (child_name, _) = self.component(child, &loc.join("discriminator").join("mapping"))?;
                        self.union_children
                            .insert(child_name.to_string(), (union_name.clone(), discriminator.property_name.clone()));
                    }
                }
            }
        }
        for (name, schema) in self.schemas() {
            if self.is_binary_component(name) || self.is_file_form_component(name) {
                continue; // binary content, or a form with files: only ever a body
            }
            let loc = self.schema_loc(name);
            let rust_name = self.rust_type_name(name);
            // An inline enum of an earlier schema may have taken the name already: `insert_type`
            // merges it with this one if they are the same enum, and refuses it otherwise.
            if !matches!(self.types.get(&rust_name), Some(TypeDef::Enum(_))) {
                self.claim_type_name(&rust_name, &loc)?;
            }
            let doc_of = |schema: &Schema| schema.schema_data.description.clone().unwrap_or_default();
            let def = match schema {
                ReferenceOr::Reference { reference } => {
                    let (target, _) = self.component(reference, &loc)?;
                    self.alias_to(&rust_name, target, String::new(), &loc)?
                }
                ReferenceOr::Item(schema) => {
                    if let Some(discriminator) = &schema.schema_data.discriminator {
                        self.union(&rust_name, name, schema, discriminator, &loc)?
                    } else if let Some(def) = self.enum_def(&rust_name, schema, &loc)? {
                        def
                    } else if self.union_children.contains_key(name.as_str()) {
                        TypeDef::Struct(self.struct_def(&rust_name, Some(name), schema, &loc)?)
                    } else if let Some(reference) = wrapped_ref(schema) {
                        let (target, _) = self.component(reference, &loc)?;
                        self.alias_to(&rust_name, target, doc_of(schema), &loc)?
                    } else if let Some(values) = map_only(schema) {
                        let target =
                            self.type_ref(values, &format!("{rust_name}Value"), &loc.join("additionalProperties"))?;
                        TypeDef::Alias(AliasDef {
                            name: rust_name.clone(),
                            doc: doc_of(schema),
                            target: TypeRef::Map(Box::new(target)),
                        })
                    } else if is_object(schema) {
                        TypeDef::Struct(self.struct_def(&rust_name, Some(name), schema, &loc)?)
                    } else if let Some(def) = self.untagged(&rust_name, schema, &loc)? {
                        def
                    } else {
                        let target = self.type_ref(SchemaRef::Inline(schema), &rust_name, &loc)?;
                        TypeDef::Alias(AliasDef { name: rust_name.clone(), doc: doc_of(schema), target })
                    }
                }
            };
            self.insert_type(def, &loc)?;
        }
        Ok(())
    }

    /// `type rust_name = target;`, refusing aliases that lead back to themselves.
    fn alias_to(&mut self, rust_name: &str, target: &str, doc: String, loc: &SourceLoc) -> Result<TypeDef> {
        let mut seen = BTreeSet::from([self.rust_type_name(target)]);
        let mut current = target.to_string();
        loop {
            if self.rust_type_name(&current) == rust_name {
                return Err(Error::at(loc, format!("alias cycle: `{rust_name}` refers back to itself through $ref")));
            }
            let next = match self.openapi.components.as_ref().and_then(|c| c.schemas.get(&current)) {
                Some(ReferenceOr::Reference { reference }) => {
                    reference.strip_prefix(super::SCHEMA_PREFIX).map(str::to_string)
                }
                Some(ReferenceOr::Item(schema)) => {
                    wrapped_ref(schema).and_then(|r| r.strip_prefix(super::SCHEMA_PREFIX)).map(str::to_string)
                }
                None => None,
            };
            match next {
                Some(next) if seen.insert(self.rust_type_name(&next)) => current = next,
                Some(_) => {
                    return Err(Error::at(
                        loc,
                        format!("alias cycle: `{rust_name}` refers to a chain of $refs that never reaches a type"),
                    ))
                }
                None => break,
            }
        }
        if self.is_binary_component(target) {
            return Err(Error::at(
                loc,
                "unsupported construct: binary content used as a model (it can only be a body)",
            ));
        }
        let doc = if doc.is_empty() { format!("Another name for `{}`.", self.rust_type_name(target)) } else { doc };
        Ok(TypeDef::Alias(AliasDef {
            name: rust_name.to_string(),
            doc,
            target: TypeRef::Named(self.rust_type_name(target)),
        }))
    }

    fn union(
        &mut self,
        rust_name: &str,
        name: &str,
        schema: &Schema,
        discriminator: &openapiv3::Discriminator,
        loc: &SourceLoc,
    ) -> Result<TypeDef> {
        let mut mapping: BTreeMap<String, String> =
            discriminator.mapping.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        // OpenAPI 3: `oneOf` alternatives without a mapping are told apart by their schema names.
        if mapping.is_empty() {
            let alternatives = match &schema.schema_kind {
                SchemaKind::OneOf { one_of } | SchemaKind::AnyOf { any_of: one_of } => one_of.as_slice(),
                SchemaKind::Any(any) if !any.one_of.is_empty() => any.one_of.as_slice(),
                SchemaKind::Any(any) => any.any_of.as_slice(),
                _ => &[],
            };
            for alternative in alternatives {
                if let ReferenceOr::Reference { reference } = alternative {
                    let (child, _) = self.component(reference, &loc.join("oneOf"))?;
                    mapping.insert(child.to_string(), reference.clone());
                }
            }
        }
        let mut variants = Vec::new();
        let mut seen = BTreeSet::new();
        for (value, child) in &mapping {
            let (child_name, child_schema) =
                self.component(child, &loc.join("discriminator").join("mapping").join(value))?;
            let variant = crate::names::variant_name(value);
            if !seen.insert(variant.clone()) || variant == "UnknownKind" {
                return Err(Error::at(
                    loc,
                    format!("name collision: discriminator values of `{name}` give two variants named `{variant}`"),
                ));
            }
            let doc = match child_schema {
                ReferenceOr::Item(s) => s.schema_data.description.clone().unwrap_or_default(),
                ReferenceOr::Reference { .. } => String::new(),
            };
            variants.push(UnionVariant { variant, wire: value.clone(), model: self.rust_type_name(child_name), doc });
        }
        if variants.is_empty() {
            return Err(Error::at(
                &loc.join("discriminator"),
                format!(
                    "discriminator of `{name}` has no known kinds (no schema extends it with x-ms-discriminator-value)"
                ),
            ));
        }
        Ok(TypeDef::Union(UnionDef {
            name: rust_name.to_string(),
            doc: schema.schema_data.description.clone().unwrap_or_default(),
            discriminator: discriminator.property_name.clone(),
            variants,
            usage: Usage::default(),
            source: loc.clone(),
        }))
    }

    pub(crate) fn enum_def(&mut self, rust_name: &str, schema: &Schema, loc: &SourceLoc) -> Result<Option<TypeDef>> {
        let SchemaKind::Type(Type::String(string)) = &schema.schema_kind else { return Ok(None) };
        if string.enumeration.iter().flatten().next().is_none() {
            return Ok(None);
        }
        let x_ms_enum = schema.schema_data.extensions.get("x-ms-enum");
        let extensible = x_ms_enum.and_then(|e| e.get("modelAsString")).and_then(Value::as_bool).unwrap_or(false);
        let described: BTreeMap<String, (Option<String>, String)> = x_ms_enum
            .and_then(|e| e.get("values"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| {
                let value = match v.get("value")? {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let name = v.get("name").and_then(Value::as_str).map(str::to_string);
                let doc = v.get("description").and_then(Value::as_str).unwrap_or_default().to_string();
                Some((value, (name, doc)))
            })
            .collect();
        let mut values = Vec::new();
        let mut seen = BTreeSet::new();
        let mut seen_wire = BTreeSet::new();
        for value in string.enumeration.iter().flatten() {
            if !seen_wire.insert(value.clone()) {
                continue; // a value listed twice
            }
            let (variant_source, doc) = described.get(value).cloned().unwrap_or((None, String::new()));
            let variant = crate::names::variant_name(variant_source.as_deref().unwrap_or(value));
            if variant == "UnknownValue" || !seen.insert(variant.clone()) {
                return Err(Error::at(
                    &loc.join("enum"),
                    format!("name collision: enum `{rust_name}` has two values that become the variant `{variant}`"),
                ));
            }
            values.push(EnumValue { variant, wire: value.clone(), doc });
        }
        Ok(Some(TypeDef::Enum(EnumDef {
            name: rust_name.to_string(),
            doc: schema.schema_data.description.clone().unwrap_or_default(),
            values,
            extensible,
            usage: Usage::default(),
            source: loc.clone(),
        })))
    }

    /// `oneOf`/`anyOf` without a discriminator: an untagged union (or, with one non-null alternative,
    /// that alternative).
    pub(crate) fn untagged(&mut self, rust_name: &str, schema: &'a Schema, loc: &SourceLoc) -> Result<Option<TypeDef>> {
        let (keyword, alternatives) = match &schema.schema_kind {
            SchemaKind::OneOf { one_of } => ("oneOf", one_of),
            SchemaKind::AnyOf { any_of } => ("anyOf", any_of),
            SchemaKind::Any(any) if !any.one_of.is_empty() && any.properties.is_empty() => ("oneOf", &any.one_of),
            SchemaKind::Any(any) if !any.any_of.is_empty() && any.properties.is_empty() => ("anyOf", &any.any_of),
            _ => return Ok(None),
        };
        let mut variants = Vec::new();
        let mut names = BTreeSet::new();
        for (i, alternative) in alternatives.iter().enumerate() {
            let alt_loc = loc.join(keyword).join(i.to_string());
            if let ReferenceOr::Item(s) = alternative {
                if matches!(&s.schema_kind, SchemaKind::Any(any) if any.typ.as_deref() == Some("null")) {
                    continue;
                }
            }
            let ty = self.type_ref(alternative.into(), &format!("{rust_name}Variant{i}"), &alt_loc)?;
            let base = match &ty {
                TypeRef::Named(name) => name.clone(),
                other => shape_name(other).to_string(),
            };
            let mut variant = base.clone();
            let mut n = 2;
            while !names.insert(variant.clone()) {
                variant = format!("{base}{n}");
                n += 1;
            }
            variants.push(UntaggedVariant { variant, ty, boxed: false });
        }
        if variants.is_empty() {
            return Err(Error::at(&loc.join(keyword), format!("`{keyword}` has no alternative other than null")));
        }
        if variants.len() == 1 {
            let only = variants.remove(0);
            return Ok(Some(TypeDef::Alias(AliasDef {
                name: rust_name.to_string(),
                doc: schema.schema_data.description.clone().unwrap_or_default(),
                target: only.ty,
            })));
        }
        Ok(Some(TypeDef::Untagged(UntaggedDef {
            name: rust_name.to_string(),
            doc: schema.schema_data.description.clone().unwrap_or_default(),
            variants,
            usage: Usage::default(),
            source: loc.clone(),
        })))
    }

    pub(crate) fn struct_def(
        &mut self,
        rust_name: &str,
        spec_name: Option<&'a str>,
        schema: &'a Schema,
        loc: &SourceLoc,
    ) -> Result<StructDef> {
        let collected = match spec_name {
            Some(name) if self.schemas().any(|(n, _)| n == name) => {
                (*self.collect_component(name, loc, &mut Vec::new())?).clone()
            }
            _ => self.collect_schema(schema, loc, &mut Vec::new())?,
        };
        let Collected { properties, mut required, additional, discriminators, .. } = collected;
        // A discriminated child leaves the discriminator to its union.
        let own_discriminator = schema.schema_data.discriminator.as_ref().map(|d| d.property_name.clone());
        let skip: BTreeSet<String> =
            discriminators.into_iter().filter(|d| Some(d) != own_discriminator.as_ref()).collect();
        required.retain(|r| !skip.contains(r));
        let display_name = spec_name.unwrap_or(rust_name);
        let mut fields = Vec::new();
        let mut names = BTreeMap::new();
        for (wire_name, (property, property_loc)) in properties {
            if skip.contains(&wire_name) {
                continue;
            }
            let (annotations, client_name) = match property {
                SchemaRef::Inline(s) => (Some(s), extension_str(&s.schema_data.extensions, "x-ms-client-name")),
                SchemaRef::Ref(_) => (None, None),
            };
            let rename_key = format!("{display_name}.{wire_name}");
            let name = match self.options.renames.get(&rename_key) {
                Some(renamed) => value_name(renamed),
                None => value_name(client_name.unwrap_or(&wire_name)),
            };
            if let Some(other) = names.insert(name.clone(), wire_name.clone()) {
                return Err(Error::at(
                    &property_loc,
                    format!("name collision: properties `{other}` and `{wire_name}` of `{display_name}` both become the field `{name}`"),
                ));
            }
            let inline_name = format!("{rust_name}{}", name_part(bare(&name)));
            let ty = self.type_ref(property, &inline_name, &property_loc)?;
            let mut doc = annotations.and_then(|s| s.schema_data.description.clone()).unwrap_or_default();
            let mut read_only = annotations.is_some_and(|s| s.schema_data.read_only);
            let mut nullable = annotations.is_some_and(|s| s.schema_data.nullable);
            if let SchemaRef::Ref(reference) = property {
                if let (_, ReferenceOr::Item(target)) = self.component(reference, &property_loc)? {
                    read_only |= target.schema_data.read_only;
                    nullable |= target.schema_data.nullable;
                    if doc.is_empty() {
                        doc = target.schema_data.description.clone().unwrap_or_default();
                    }
                }
            }
            fields.push(Field {
                name,
                required: required.contains(&wire_name),
                wire_name,
                doc,
                ty,
                read_only,
                nullable,
                boxed: false,
            });
        }
        for missing in required.iter().filter(|r| !fields.iter().any(|f| &f.wire_name == *r)) {
            self.warn(
                &loc.join("required"),
                format!("`{missing}` is listed as required but is not a property of `{display_name}`: ignored"),
            );
        }
        let additional_properties = match additional {
            Some((schema, additional_loc)) => {
                if names.contains_key("additional_properties") {
                    return Err(Error::at(
                        &additional_loc,
                        "name collision: a property is already named additional_properties",
                    ));
                }
                Some(self.type_ref(schema, &format!("{rust_name}Value"), &additional_loc)?)
            }
            None => None,
        };
        Ok(StructDef {
            name: rust_name.to_string(),
            doc: schema.schema_data.description.clone().unwrap_or_default(),
            fields,
            additional_properties,
            usage: Usage::default(),
            source: loc.clone(),
        })
    }

    pub(crate) fn insert_inline_type(&mut self, def: TypeDef, loc: &SourceLoc) -> Result<()> {
        // An inline enum may be repeated verbatim (same x-ms-enum name) in several places.
        if let Some(existing) = self.types.get(def.name()) {
            if same_enum(existing, &def) {
                return Ok(());
            }
            let owner = self.type_owner.get(def.name()).cloned().unwrap_or_else(|| loc.clone());
            return Err(Error::at(
                loc,
                format!("name collision: `{}` is already defined differently at {owner}", def.name()),
            ));
        }
        self.insert_type(def, loc)
    }
}

/// Whether both are enums with the same values and extensibility: one type, however often it is
/// declared (the docs may differ).
pub(crate) fn same_enum(a: &TypeDef, b: &TypeDef) -> bool {
    match (a, b) {
        (TypeDef::Enum(a), TypeDef::Enum(b)) => {
            let values = |e: &'_ crate::ir::EnumDef| -> Vec<(String, String)> {
                e.values.iter().map(|v| (v.variant.clone(), v.wire.clone())).collect()
            };
            a.extensible == b.extensible && values(a) == values(b)
        }
        _ => false,
    }
}

pub(crate) static NO_ADDITIONAL: Option<AdditionalProperties> = None;

pub(crate) static ANY_SCHEMA: std::sync::LazyLock<Schema> = std::sync::LazyLock::new(|| Schema {
    schema_data: Default::default(),
    schema_kind: SchemaKind::Any(Default::default()),
});

/// Whether the schema is a `oneOf`/`anyOf`.
pub(crate) fn has_alternatives(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => true,
        SchemaKind::Any(any) => (!any.one_of.is_empty() || !any.any_of.is_empty()) && any.properties.is_empty(),
        _ => false,
    }
}

/// A variant name for an unnamed alternative of an untagged union.
fn shape_name(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::String => "String",
        TypeRef::Bool => "Boolean",
        TypeRef::I32 | TypeRef::I64 => "Integer",
        TypeRef::F32 | TypeRef::F64 => "Number",
        TypeRef::DateTime(_) => "DateTime",
        TypeRef::Date => "Date",
        TypeRef::Duration => "Duration",
        TypeRef::Bytes(_) => "Bytes",
        TypeRef::Uuid => "Uuid",
        TypeRef::Any => "Value",
        TypeRef::Array(_) => "Array",
        TypeRef::Map(_) => "Map",
        TypeRef::Nullable(inner) => shape_name(inner),
        TypeRef::Named(_) => "Model",
    }
}

/// The value schema of an object that has nothing but `additionalProperties`: a map.
pub(crate) fn map_only(schema: &Schema) -> Option<SchemaRef<'_>> {
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else { return None };
    if !object.properties.is_empty() {
        return None;
    }
    match &object.additional_properties {
        Some(AdditionalProperties::Schema(values)) => Some((&**values).into()),
        Some(AdditionalProperties::Any(true)) => Some(SchemaRef::Inline(&ANY_SCHEMA)),
        _ => None,
    }
}
