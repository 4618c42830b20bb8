//! Stage 3, **lower**: from [`openapiv3::OpenAPI`] to our intermediate model ([`crate::ir`]).
//!
//! Here the spec's meaning is decided once, so that emitters only print: operation groups from
//! `Group_Operation` ids, parameters by location, bodies and media types, success codes, the error
//! model, paging, required/optional/read-only fields, maps, boxes for recursion, extensible enums,
//! discriminated unions, `x-ms-client-name` and manifest renames, and Rust names (with collisions
//! reported as errors).

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, OpenAPI, Operation as OaOperation, Parameter,
    ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result, SourceLoc};
use crate::ir::*;
use crate::names::{bare, type_name, value_name};

/// Per-service choices that the spec does not make.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceOptions {
    /// Renames: `Schema` → type name, `Schema.property` → field name, `operationId` → method name.
    #[serde(default)]
    pub renames: BTreeMap<String, String>,
    /// Operation ids generated as `pub(crate)`, for the hand-written layer to wrap or hide.
    #[serde(default)]
    pub internal_operations: BTreeSet<String>,
}

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Lowers `openapi` (loaded from `root`, with `schema_sources` saying where each schema came from).
pub fn lower(
    openapi: &OpenAPI,
    root: &str,
    schema_sources: &BTreeMap<String, SourceLoc>,
    options: &ServiceOptions,
) -> Result<Service> {
    let mut lowerer = Lowerer {
        openapi,
        root,
        schema_sources,
        options,
        types: BTreeMap::new(),
        type_owner: BTreeMap::new(),
        union_children: BTreeMap::new(),
    };
    lowerer.lower_schemas()?;
    let groups = lowerer.lower_operations()?;
    let client_params = client_params(&groups)?;
    lowerer.check_options_used(&groups)?;
    lowerer.box_recursive_fields();
    let endpoint = lowerer.endpoint()?;
    Ok(Service {
        title: openapi.info.title.clone(),
        description: openapi.info.description.clone().unwrap_or_default(),
        api_version: openapi.info.version.clone(),
        endpoint,
        types: lowerer.types,
        groups,
        client_params,
    })
}

/// A schema position: a `$ref` or an inline schema.
#[derive(Clone, Copy)]
enum SchemaRef<'a> {
    Ref(&'a str),
    Inline(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(value: &'a ReferenceOr<Schema>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(value: &'a ReferenceOr<Box<Schema>>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema),
        }
    }
}

/// An object's properties (parents first), required names and `additionalProperties`.
#[derive(Default)]
struct Collected<'a> {
    properties: Vec<(String, SchemaRef<'a>, SourceLoc)>,
    required: BTreeSet<String>,
    additional: Option<(SchemaRef<'a>, SourceLoc)>,
}

struct Lowerer<'a> {
    openapi: &'a OpenAPI,
    root: &'a str,
    schema_sources: &'a BTreeMap<String, SourceLoc>,
    options: &'a ServiceOptions,
    types: BTreeMap<String, TypeDef>,
    /// Which spec schema (or inline position) produced each Rust type name.
    type_owner: BTreeMap<String, SourceLoc>,
    /// Discriminated child schema → (union type, discriminator property).
    union_children: BTreeMap<String, (String, String)>,
}

/// The single `$ref` of an `allOf` wrapper that only annotates a reference (description, readOnly, …).
fn wrapped_ref(schema: &Schema) -> Option<&str> {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => match &all_of[0] {
            ReferenceOr::Reference { reference } => Some(reference),
            ReferenceOr::Item(_) => None,
        },
        SchemaKind::Any(any)
            if any.all_of.len() == 1
                && any.properties.is_empty()
                && any.typ.as_deref().is_none_or(|t| t == "object") =>
        {
            match &any.all_of[0] {
                ReferenceOr::Reference { reference } => Some(reference),
                ReferenceOr::Item(_) => None,
            }
        }
        _ => None,
    }
}

fn extension_str<'v>(extensions: &'v indexmap::IndexMap<String, Value>, key: &str) -> Option<&'v str> {
    extensions.get(key).and_then(Value::as_str)
}

impl<'a> Lowerer<'a> {
    fn schemas(&self) -> impl Iterator<Item = (&'a String, &'a ReferenceOr<Schema>)> {
        self.openapi.components.iter().flat_map(|c| c.schemas.iter())
    }

    fn schema_loc(&self, name: &str) -> SourceLoc {
        self.schema_sources
            .get(name)
            .cloned()
            .unwrap_or_else(|| SourceLoc::new(self.root, "/components/schemas").join(name))
    }

    fn component(&self, reference: &str, loc: &SourceLoc) -> Result<(&'a str, &'a ReferenceOr<Schema>)> {
        let name = reference
            .strip_prefix(SCHEMA_PREFIX)
            .ok_or_else(|| Error::at(loc, format!("unsupported $ref `{reference}`: expected {SCHEMA_PREFIX}…")))?;
        self.openapi
            .components
            .as_ref()
            .and_then(|c| c.schemas.get_key_value(name))
            .map(|(k, v)| (k.as_str(), v))
            .ok_or_else(|| Error::at(loc, format!("dangling $ref: schema `{name}` does not exist")))
    }

    /// The Rust type name for spec schema `name`.
    fn rust_type_name(&self, name: &str) -> String {
        self.options.renames.get(name).cloned().unwrap_or_else(|| type_name(name))
    }

    fn claim_type_name(&mut self, name: &str, loc: &SourceLoc) -> Result<()> {
        if let Some(owner) = self.type_owner.get(name) {
            if owner != loc {
                return Err(Error::at(
                    loc,
                    format!("name collision: this schema and {owner} both become the Rust type `{name}`; rename one in specs.yaml"),
                ));
            }
        }
        self.type_owner.insert(name.to_string(), loc.clone());
        Ok(())
    }

    fn insert_type(&mut self, def: TypeDef, loc: &SourceLoc) -> Result<()> {
        self.claim_type_name(def.name(), loc)?;
        if let Some(existing) = self.types.get(def.name()) {
            if *existing != def {
                return Err(Error::at(loc, format!("name collision: two different types are named `{}`", def.name())));
            }
        }
        self.types.insert(def.name().to_string(), def);
        Ok(())
    }

    // ----- schemas ---------------------------------------------------------------------------------------

    fn lower_schemas(&mut self) -> Result<()> {
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
            let loc = self.schema_loc(name);
            let rust_name = self.rust_type_name(name);
            self.claim_type_name(&rust_name, &loc)?;
            let doc_of = |schema: &Schema| schema.schema_data.description.clone().unwrap_or_default();
            let def = match schema {
                ReferenceOr::Reference { reference } => {
                    let (target, _) = self.component(reference, &loc)?;
                    TypeDef::Alias(AliasDef {
                        name: rust_name.clone(),
                        doc: format!("Another name for `{}`.", self.rust_type_name(target)),
                        target: TypeRef::Named(self.rust_type_name(target)),
                    })
                }
                ReferenceOr::Item(schema) => {
                    if let Some(discriminator) = &schema.schema_data.discriminator {
                        self.union(&rust_name, name, schema, discriminator, &loc)?
                    } else if let Some(def) = self.enum_def(&rust_name, schema, &loc)? {
                        def
                    } else if self.union_children.contains_key(name.as_str()) {
                        TypeDef::Struct(self.struct_def(&rust_name, name, schema, &loc)?)
                    } else if let Some(reference) = wrapped_ref(schema) {
                        let (target, _) = self.component(reference, &loc)?;
                        TypeDef::Alias(AliasDef {
                            name: rust_name.clone(),
                            doc: doc_of(schema),
                            target: TypeRef::Named(self.rust_type_name(target)),
                        })
                    } else if let Some(values) = map_only(schema) {
                        let target =
                            self.type_ref(values, &format!("{rust_name}Value"), &loc.join("additionalProperties"))?;
                        TypeDef::Alias(AliasDef {
                            name: rust_name.clone(),
                            doc: doc_of(schema),
                            target: TypeRef::Map(Box::new(target)),
                        })
                    } else if is_object(schema) {
                        TypeDef::Struct(self.struct_def(&rust_name, name, schema, &loc)?)
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

    fn union(
        &mut self,
        rust_name: &str,
        name: &str,
        schema: &Schema,
        discriminator: &openapiv3::Discriminator,
        loc: &SourceLoc,
    ) -> Result<TypeDef> {
        let mut variants = Vec::new();
        let mut seen = BTreeSet::new();
        for (value, child) in &discriminator.mapping {
            let (child_name, child_schema) =
                self.component(child, &loc.join("discriminator").join("mapping").join(value))?;
            let variant = type_name(value);
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
            source: loc.clone(),
        }))
    }

    fn enum_def(&mut self, rust_name: &str, schema: &Schema, loc: &SourceLoc) -> Result<Option<TypeDef>> {
        let SchemaKind::Type(Type::String(string)) = &schema.schema_kind else { return Ok(None) };
        if string.enumeration.is_empty() {
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
                let value = v.get("value")?.as_str()?.to_string();
                let name = v.get("name").and_then(Value::as_str).map(str::to_string);
                let doc = v.get("description").and_then(Value::as_str).unwrap_or_default().to_string();
                Some((value, (name, doc)))
            })
            .collect();
        let mut values = Vec::new();
        let mut seen = BTreeSet::new();
        for value in string.enumeration.iter().flatten() {
            let (variant_source, doc) = described.get(value).cloned().unwrap_or((None, String::new()));
            let variant = type_name(variant_source.as_deref().unwrap_or(value));
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
            source: loc.clone(),
        })))
    }

    /// Properties and required names of an object schema, parents (allOf) first.
    fn collect_properties(
        &self,
        schema: &'a Schema,
        loc: &SourceLoc,
        skip: Option<&str>,
        into: &mut Collected<'a>,
        depth: usize,
    ) -> Result<()> {
        if depth > 32 {
            return Err(Error::at(loc, "allOf chain is too deep (a cycle?)"));
        }
        let (properties, req, all_of, additional_properties) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                (&object.properties, &object.required, &[][..], &object.additional_properties)
            }
            SchemaKind::AllOf { all_of } => {
                static EMPTY: std::sync::LazyLock<indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>> =
                    std::sync::LazyLock::new(Default::default);
                (&*EMPTY, &Vec::new() as &Vec<String>, &all_of[..], &None)
            }
            SchemaKind::Any(any) => (&any.properties, &any.required, &any.all_of[..], &any.additional_properties),
            _ => return Err(Error::at(loc, "unsupported construct: expected an object schema")),
        };
        for (i, part) in all_of.iter().enumerate() {
            let part_loc = loc.join("allOf").join(i.to_string());
            match part {
                ReferenceOr::Reference { reference } => {
                    let (parent_name, parent) = self.component(reference, &part_loc)?;
                    let ReferenceOr::Item(parent) = parent else {
                        return Err(Error::at(&part_loc, "unsupported construct: allOf of an alias"));
                    };
                    let parent_loc = self.schema_loc(parent_name);
                    // A discriminated child leaves the discriminator to its union.
                    let skip = parent.schema_data.discriminator.as_ref().map(|d| d.property_name.as_str()).or(skip);
                    self.collect_properties(parent, &parent_loc, skip, into, depth + 1)?;
                }
                ReferenceOr::Item(part) => {
                    self.collect_properties(part, &part_loc, skip, into, depth + 1)?;
                }
            }
        }
        let Collected { properties: out, required, additional } = into;
        for (name, property) in properties {
            if Some(name.as_str()) == skip {
                continue;
            }
            let property_loc = loc.join("properties").join(name);
            if let Some(existing) = out.iter_mut().find(|(n, _, _)| n == name) {
                // A child may restate a parent's property; the child's definition wins.
                *existing = (name.clone(), property.into(), property_loc);
            } else {
                out.push((name.clone(), property.into(), property_loc));
            }
        }
        required.extend(req.iter().filter(|r| Some(r.as_str()) != skip).cloned());
        if let Some(additional_properties) = additional_properties {
            let additional_loc = loc.join("additionalProperties");
            match additional_properties {
                AdditionalProperties::Any(true) => *additional = Some((SchemaRef::Inline(&ANY_SCHEMA), additional_loc)),
                AdditionalProperties::Any(false) => {}
                AdditionalProperties::Schema(schema) => *additional = Some(((&**schema).into(), additional_loc)),
            }
        }
        Ok(())
    }

    fn struct_def(
        &mut self,
        rust_name: &str,
        spec_name: &str,
        schema: &'a Schema,
        loc: &SourceLoc,
    ) -> Result<StructDef> {
        let skip = self.union_children.get(spec_name).map(|(_, property)| property.clone());
        let mut collected = Collected::default();
        self.collect_properties(schema, loc, skip.as_deref(), &mut collected, 0)?;
        let Collected { properties, required, additional } = collected;
        let mut fields = Vec::new();
        let mut names = BTreeMap::new();
        for (wire_name, property, property_loc) in properties {
            let (annotations, client_name) = match property {
                SchemaRef::Inline(s) => (Some(s), extension_str(&s.schema_data.extensions, "x-ms-client-name")),
                SchemaRef::Ref(_) => (None, None),
            };
            let rename_key = format!("{spec_name}.{wire_name}");
            let name = match self.options.renames.get(&rename_key) {
                Some(renamed) => value_name(renamed),
                None => value_name(client_name.unwrap_or(&wire_name)),
            };
            if let Some(other) = names.insert(name.clone(), wire_name.clone()) {
                return Err(Error::at(
                    &property_loc,
                    format!("name collision: properties `{other}` and `{wire_name}` of `{spec_name}` both become the field `{name}`"),
                ));
            }
            let inline_name = format!("{rust_name}{}", type_name(bare(&name)));
            let ty = self.type_ref(property, &inline_name, &property_loc)?;
            if nested_date_time(&ty) {
                return Err(Error::at(&property_loc, "unsupported construct: date-time values inside an array or map"));
            }
            let mut doc = annotations.and_then(|s| s.schema_data.description.clone()).unwrap_or_default();
            let mut read_only = annotations.is_some_and(|s| s.schema_data.read_only);
            if let SchemaRef::Ref(reference) = property {
                if let (_, ReferenceOr::Item(target)) = self.component(reference, &property_loc)? {
                    read_only |= target.schema_data.read_only;
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
                boxed: false,
            });
        }
        if let Some(missing) = required.iter().find(|r| !fields.iter().any(|f| &f.wire_name == *r)) {
            return Err(Error::at(
                &loc.join("required"),
                format!("`{missing}` is required but is not a property of `{spec_name}`"),
            ));
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
            source: loc.clone(),
        })
    }

    /// The type of a schema position; inline enums and objects become named types called `inline_name`.
    fn type_ref(&mut self, schema: SchemaRef<'a>, inline_name: &str, loc: &SourceLoc) -> Result<TypeRef> {
        let schema = match schema {
            SchemaRef::Ref(reference) => {
                let (name, _) = self.component(reference, loc)?;
                return Ok(TypeRef::Named(self.rust_type_name(name)));
            }
            SchemaRef::Inline(schema) => schema,
        };
        if let Some(reference) = wrapped_ref(schema) {
            return self.type_ref(SchemaRef::Ref(reference), inline_name, loc);
        }
        Ok(match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                if !string.enumeration.is_empty() {
                    let name = schema
                        .schema_data
                        .extensions
                        .get("x-ms-enum")
                        .and_then(|e| e.get("name"))
                        .and_then(Value::as_str)
                        .map(|n| self.rust_type_name(n))
                        .unwrap_or_else(|| inline_name.to_string());
                    let def = self.enum_def(&name, schema, loc)?.expect("string schema with values");
                    self.insert_inline_type(def, loc)?;
                    return Ok(TypeRef::Named(name));
                }
                match &string.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
                    VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => {
                        return Err(Error::at(loc, "unsupported construct: binary (file) content"));
                    }
                    VariantOrUnknownOrEmpty::Unknown(format)
                        if format == "date-time-rfc1123" || format == "date-time-rfc7231" =>
                    {
                        return Err(Error::at(loc, format!("unsupported construct: string format `{format}`")));
                    }
                    _ => TypeRef::String,
                }
            }
            SchemaKind::Type(Type::Integer(integer)) => match &integer.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            },
            SchemaKind::Type(Type::Number(number)) => match &number.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(array)) => {
                let items = array.items.as_ref().ok_or_else(|| Error::at(loc, "an array schema needs `items`"))?;
                TypeRef::Array(Box::new(self.type_ref(
                    items.into(),
                    &format!("{inline_name}Item"),
                    &loc.join("items"),
                )?))
            }
            SchemaKind::Type(Type::Object(object)) if object.properties.is_empty() => {
                match &object.additional_properties {
                    Some(AdditionalProperties::Schema(values)) => TypeRef::Map(Box::new(self.type_ref(
                        (&**values).into(),
                        &format!("{inline_name}Value"),
                        &loc.join("additionalProperties"),
                    )?)),
                    Some(AdditionalProperties::Any(true)) | None => TypeRef::Map(Box::new(TypeRef::Any)),
                    Some(AdditionalProperties::Any(false)) => {
                        let def = self.struct_def(inline_name, inline_name, schema, loc)?;
                        self.insert_inline_type(TypeDef::Struct(def), loc)?;
                        TypeRef::Named(inline_name.to_string())
                    }
                }
            }
            SchemaKind::Any(any)
                if any.typ.is_none()
                    && any.properties.is_empty()
                    && any.all_of.is_empty()
                    && any.one_of.is_empty()
                    && any.any_of.is_empty()
                    && any.items.is_none()
                    && any.enumeration.is_empty()
                    && any.additional_properties.is_none() =>
            {
                TypeRef::Any
            }
            _ if is_object(schema) => {
                let def = self.struct_def(inline_name, inline_name, schema, loc)?;
                self.insert_inline_type(TypeDef::Struct(def), loc)?;
                TypeRef::Named(inline_name.to_string())
            }
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => {
                return Err(Error::at(loc, "unsupported construct: oneOf/anyOf without a discriminator"));
            }
            SchemaKind::Not { .. } => return Err(Error::at(loc, "unsupported construct: `not` schemas")),
            SchemaKind::Any(any) => {
                let what = any.typ.clone().unwrap_or_else(|| "untyped".to_string());
                return Err(Error::at(loc, format!("unknown type `{what}`")));
            }
            SchemaKind::AllOf { .. } | SchemaKind::Type(Type::Object(_)) => unreachable!("objects are handled above"),
        })
    }

    fn insert_inline_type(&mut self, def: TypeDef, loc: &SourceLoc) -> Result<()> {
        // An inline enum may be repeated verbatim (same x-ms-enum name) in several places.
        if let Some(existing) = self.types.get(def.name()) {
            let same = match (existing, &def) {
                (TypeDef::Enum(a), TypeDef::Enum(b)) => a.values == b.values && a.extensible == b.extensible,
                _ => false,
            };
            if same {
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

    // ----- operations ------------------------------------------------------------------------------------

    fn lower_operations(&mut self) -> Result<Vec<OperationGroup>> {
        let mut groups: BTreeMap<String, Vec<Operation>> = BTreeMap::new();
        let mut ids: BTreeMap<String, SourceLoc> = BTreeMap::new();
        for (path, item) in &self.openapi.paths.paths {
            let path_loc = SourceLoc::new(self.root, "/paths").join(path);
            let ReferenceOr::Item(item) = item else {
                return Err(Error::at(&path_loc, "unsupported construct: $ref path items"));
            };
            let methods = [
                (Method::Get, "get", &item.get),
                (Method::Put, "put", &item.put),
                (Method::Post, "post", &item.post),
                (Method::Patch, "patch", &item.patch),
                (Method::Delete, "delete", &item.delete),
                (Method::Head, "head", &item.head),
            ];
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
                    Some((group, name)) => (type_name(group), name.to_string()),
                    None => (String::new(), id.clone()),
                };
                let lowered = self.operation(method, path, &item.parameters, operation, &id, &name, &loc)?;
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
        path: &str,
        path_parameters: &'a [ReferenceOr<Parameter>],
        operation: &'a OaOperation,
        id: &str,
        name: &str,
        loc: &SourceLoc,
    ) -> Result<Operation> {
        let method_name = value_name(self.options.renames.get(id).map(String::as_str).unwrap_or(name));
        let context = type_name(id.replace('_', " ").as_str());
        // Path-level parameters apply unless the operation redefines them.
        let mut parameters: Vec<(&Parameter, SourceLoc)> = Vec::new();
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
                continue;
            }
            let client = extension_str(&data.extensions, "x-ms-parameter-location") == Some("client");
            let rust_name = value_name(extension_str(&data.extensions, "x-ms-client-name").unwrap_or(&data.name));
            if let Some(other) = names.insert(rust_name.clone(), data.name.clone()) {
                return Err(Error::at(
                    &parameter_loc,
                    format!("name collision: parameters `{other}` and `{}` both become `{rust_name}`", data.name),
                ));
            }
            let ParameterSchemaOrContent::Schema(schema) = &data.format else {
                return Err(Error::at(&parameter_loc, "unsupported construct: a parameter with `content`"));
            };
            let ty =
                self.type_ref(schema.into(), &format!("{context}{}", type_name(bare(&rust_name))), &parameter_loc)?;
            if matches!(ty, TypeRef::Map(_) | TypeRef::Any)
                || matches!(&ty, TypeRef::Named(n) if !matches!(self.types.get(n), Some(TypeDef::Enum(_))))
            {
                return Err(Error::at(&parameter_loc, "unsupported construct: an object-typed parameter"));
            }
            if location == ParamLocation::Path && !path.contains(&format!("{{{}}}", data.name)) {
                return Err(Error::at(
                    &parameter_loc,
                    format!("path parameter `{}` does not appear in the path `{path}`", data.name),
                ));
            }
            params.push(Param {
                name: rust_name,
                wire_name: data.name.clone(),
                doc: data.description.clone().unwrap_or_default(),
                location,
                ty,
                required: data.required || location == ParamLocation::Path,
                client,
                skip_url_encoding: data
                    .extensions
                    .get("x-ms-skip-url-encoding")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                explode: data.explode.unwrap_or(true),
            });
        }
        for segment in path.split('{').skip(1) {
            let name = segment.split('}').next().unwrap_or_default();
            if !params.iter().any(|p| p.location == ParamLocation::Path && p.wire_name == name) {
                return Err(Error::at(
                    loc,
                    format!("path `{path}` uses `{{{name}}}` but the operation has no such path parameter"),
                ));
            }
        }

        let body = match &operation.request_body {
            None => None,
            Some(ReferenceOr::Reference { .. }) => {
                return Err(Error::at(loc, "unexpected requestBody $ref after bundling"))
            }
            Some(ReferenceOr::Item(body)) => {
                let body_loc = loc.join("requestBody");
                let (media_type, content) =
                    body.content.iter().find(|(media_type, _)| media_type.contains("json")).ok_or_else(|| {
                        Error::at(&body_loc, "unsupported construct: a request body that is not JSON")
                    })?;
                let schema =
                    content.schema.as_ref().ok_or_else(|| Error::at(&body_loc, "the request body has no schema"))?;
                let wire_name = extension_str(&body.extensions, "x-ms-requestBody-name").unwrap_or("body");
                let body_name = extension_str(&body.extensions, "x-ms-client-name").unwrap_or(wire_name);
                let ty = self.type_ref(schema.into(), &format!("{context}Request"), &body_loc)?;
                let name = value_name(body_name);
                if names.contains_key(&name) {
                    return Err(Error::at(
                        &body_loc,
                        format!("name collision: the body and a parameter are both named `{name}`"),
                    ));
                }
                Some(Body {
                    name,
                    wire_name: wire_name.to_string(),
                    doc: body.description.clone().unwrap_or_default(),
                    ty,
                    required: body.required,
                    media_type: media_type.clone(),
                })
            }
        };

        let mut success_codes = Vec::new();
        let mut response: Option<Option<TypeRef>> = None;
        let mut error: Option<TypeRef> = None;
        let responses = operation.responses.responses.iter().map(|(code, r)| (Some(code), r));
        for (code, r) in responses.chain(operation.responses.default.iter().map(|r| (None, r))) {
            let code_text = code.map_or("default".to_string(), |c| c.to_string());
            let response_loc = loc.join("responses").join(&code_text);
            let ReferenceOr::Item(r) = r else {
                return Err(Error::at(&response_loc, "unexpected response $ref after bundling"));
            };
            let ty = match r
                .content
                .iter()
                .find(|(media_type, _)| media_type.contains("json"))
                .and_then(|(_, m)| m.schema.as_ref())
            {
                Some(schema) => Some(self.type_ref(schema.into(), &format!("{context}Response"), &response_loc)?),
                None if r.content.is_empty() => None,
                None => {
                    return Err(Error::at(&response_loc, "unsupported construct: a response body that is not JSON"))
                }
            };
            let numeric = match code {
                Some(openapiv3::StatusCode::Code(n)) => Some(*n),
                Some(openapiv3::StatusCode::Range(_)) => {
                    return Err(Error::at(&response_loc, "unsupported construct: status code ranges"));
                }
                None => None,
            };
            let is_error = r.extensions.get("x-ms-error-response").and_then(Value::as_bool).unwrap_or(false)
                || numeric.is_none_or(|n| !(200..300).contains(&n));
            if is_error {
                if let Some(ty) = ty {
                    if error.as_ref().is_some_and(|e| *e != ty) {
                        return Err(Error::at(
                            &response_loc,
                            "unsupported construct: error responses with different models",
                        ));
                    }
                    error = Some(ty);
                }
                continue;
            }
            let n = numeric.expect("success codes are numeric");
            if let Some(previous) = &response {
                if *previous != ty {
                    return Err(Error::at(
                        &response_loc,
                        "unsupported construct: success responses with different bodies",
                    ));
                }
            }
            response = Some(ty);
            success_codes.push(n);
        }
        if success_codes.is_empty() {
            return Err(Error::at(&loc.join("responses"), "the operation has no success (2xx) response"));
        }
        success_codes.sort_unstable();
        let response = response.flatten();

        let paging = match operation.extensions.get("x-ms-pageable") {
            None => None,
            Some(_) if body.is_some() => {
                return Err(Error::at(
                    &loc.join("x-ms-pageable"),
                    "unsupported construct: a pageable operation with a request body",
                ));
            }
            Some(pageable) => Some(self.paging(pageable, response.as_ref(), &loc.join("x-ms-pageable"))?),
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
            path: path.to_string(),
            params,
            api_version,
            body,
            success_codes,
            response,
            error,
            paging,
            internal: self.options.internal_operations.contains(id),
            source: loc.clone(),
        })
    }

    fn paging(&self, pageable: &Value, response: Option<&TypeRef>, loc: &SourceLoc) -> Result<Paging> {
        let item_name = pageable.get("itemName").and_then(Value::as_str).unwrap_or("value");
        let next_link = match pageable.get("nextLinkName") {
            None | Some(Value::Null) => None,
            Some(Value::String(name)) => Some(name.clone()),
            Some(_) => return Err(Error::at(loc, "x-ms-pageable nextLinkName must be a string or null")),
        };
        if pageable.get("operationName").is_some() {
            return Err(Error::at(loc, "unsupported construct: x-ms-pageable operationName"));
        }
        let Some(TypeRef::Named(model)) = response else {
            return Err(Error::at(loc, "a pageable operation must return a model"));
        };
        let Some(TypeDef::Struct(page)) = self.types.get(model) else {
            return Err(Error::at(loc, format!("a pageable operation must return an object model, not `{model}`")));
        };
        let items = page
            .fields
            .iter()
            .find(|f| f.wire_name == item_name)
            .ok_or_else(|| Error::at(loc, format!("`{model}` has no item property `{item_name}`")))?;
        let TypeRef::Array(item_type) = &items.ty else {
            return Err(Error::at(loc, format!("`{model}.{item_name}` must be an array")));
        };
        if let Some(next_link) = &next_link {
            let field = page
                .fields
                .iter()
                .find(|f| &f.wire_name == next_link)
                .ok_or_else(|| Error::at(loc, format!("`{model}` has no next-link property `{next_link}`")))?;
            if field.ty != TypeRef::String {
                return Err(Error::at(loc, format!("`{model}.{next_link}` must be a string")));
            }
        }
        Ok(Paging {
            item_field: item_name.to_string(),
            item_field_rust: items.name.clone(),
            item_field_required: items.required,
            item_type: (**item_type).clone(),
            next_link_field: next_link,
        })
    }

    fn check_options_used(&self, groups: &[OperationGroup]) -> Result<()> {
        let ids: BTreeSet<&str> =
            groups.iter().flat_map(|g| g.operations.iter().map(|o| o.operation_id.as_str())).collect();
        let schemas: BTreeSet<&str> = self.schemas().map(|(name, _)| name.as_str()).collect();
        let manifest = SourceLoc::new("specs/specs.yaml", "");
        for id in &self.options.internal_operations {
            if !ids.contains(id.as_str()) {
                return Err(Error::at(
                    &manifest,
                    format!("internal_operations names `{id}`, which the spec does not have"),
                ));
            }
        }
        for key in self.options.renames.keys() {
            let known = ids.contains(key.as_str()) || schemas.contains(key.split('.').next().unwrap_or_default());
            if !known {
                return Err(Error::at(&manifest, format!("renames names `{key}`, which the spec does not have")));
            }
        }
        Ok(())
    }

    // ----- recursion ---------------------------------------------------------------------------------------

    /// Boxes every field whose type contains, without indirection, the struct the field is in.
    fn box_recursive_fields(&mut self) {
        let direct = |ty: &TypeRef| -> Option<String> {
            match ty {
                TypeRef::Named(name) => Some(name.clone()),
                _ => None,
            }
        };
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (name, def) in &self.types {
            let targets: BTreeSet<String> = match def {
                TypeDef::Struct(s) => s.fields.iter().filter_map(|f| direct(&f.ty)).collect(),
                TypeDef::Union(u) => u.variants.iter().map(|v| v.model.clone()).collect(),
                TypeDef::Alias(a) => direct(&a.target).into_iter().collect(),
                TypeDef::Enum(_) => BTreeSet::new(),
            };
            edges.insert(name.clone(), targets);
        }
        let reaches = |from: &str, to: &str| -> bool {
            let mut stack = vec![from.to_string()];
            let mut seen = BTreeSet::new();
            while let Some(node) = stack.pop() {
                if node == to {
                    return true;
                }
                if seen.insert(node.clone()) {
                    stack.extend(edges.get(&node).into_iter().flatten().cloned());
                }
            }
            false
        };
        let mut boxed = Vec::new();
        for (name, def) in &self.types {
            if let TypeDef::Struct(s) = def {
                for (i, field) in s.fields.iter().enumerate() {
                    if let Some(target) = direct(&field.ty) {
                        if reaches(&target, name) {
                            boxed.push((name.clone(), i));
                        }
                    }
                }
            }
        }
        for (name, i) in boxed {
            if let Some(TypeDef::Struct(s)) = self.types.get_mut(&name) {
                s.fields[i].boxed = true;
            }
        }
    }

    fn endpoint(&self) -> Result<Option<EndpointParam>> {
        let Some(server) = self.openapi.servers.first() else { return Ok(None) };
        let variables = server.variables.clone().unwrap_or_default();
        if variables.is_empty() {
            return Ok(None);
        }
        let loc = SourceLoc::new(self.root, "/x-ms-parameterized-host");
        if variables.len() > 1 {
            return Err(Error::at(&loc, "unsupported construct: a host template with more than one parameter"));
        }
        let (name, variable) = variables.iter().next().expect("one variable");
        Ok(Some(EndpointParam {
            wire_name: name.clone(),
            doc: variable.description.clone().unwrap_or_default(),
            template: server.url.clone(),
        }))
    }
}

static ANY_SCHEMA: std::sync::LazyLock<Schema> = std::sync::LazyLock::new(|| Schema {
    schema_data: Default::default(),
    schema_kind: SchemaKind::Any(Default::default()),
});

fn is_object(schema: &Schema) -> bool {
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

fn nested_date_time(ty: &TypeRef) -> bool {
    fn contains(ty: &TypeRef) -> bool {
        match ty {
            TypeRef::DateTime => true,
            TypeRef::Array(inner) | TypeRef::Map(inner) => contains(inner),
            _ => false,
        }
    }
    matches!(ty, TypeRef::Array(inner) | TypeRef::Map(inner) if contains(inner))
}

/// The value schema of an object that has nothing but `additionalProperties`: a map.
fn map_only(schema: &Schema) -> Option<SchemaRef<'_>> {
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

/// The client parameters of all operations; one name must mean one parameter everywhere.
fn client_params(groups: &[OperationGroup]) -> Result<Vec<Param>> {
    let mut params: BTreeMap<String, (Param, SourceLoc)> = BTreeMap::new();
    for operation in groups.iter().flat_map(|g| &g.operations) {
        for param in operation.params.iter().filter(|p| p.client) {
            match params.get(&param.wire_name) {
                Some((first, first_loc))
                    if (first.ty != param.ty
                        || first.location != param.location
                        || first.required != param.required) =>
                {
                    return Err(Error::at(
                        &operation.source,
                        format!("client parameter `{}` differs from its definition at {first_loc}", param.wire_name),
                    ));
                }
                Some(_) => {}
                None => {
                    params.insert(param.wire_name.clone(), (param.clone(), operation.source.clone()));
                }
            }
        }
    }
    let mut names = BTreeSet::new();
    for (param, loc) in params.values() {
        if !names.insert(param.name.clone())
            || matches!(crate::names::bare(&param.name), "endpoint" | "auth_policy" | "options")
        {
            return Err(Error::at(
                loc,
                format!(
                    "name collision: client parameter `{}` becomes `{}`, which is taken",
                    param.wire_name, param.name
                ),
            ));
        }
    }
    Ok(params.into_values().map(|(param, _)| param).collect())
}
