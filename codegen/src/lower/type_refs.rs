//! Type references: the Rust type of a schema (scalars with their formats, arrays, maps, named
//! and inline types).

//! Schemas to types: structs (with `allOf` parents), enums, discriminated unions, untagged unions,
//! aliases and maps, and the Rust type of every schema position, formats included.

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::{Lowerer, SchemaRef};
use crate::error::{unescape_pointer, Error, Result, SourceLoc};
use crate::ir::*;

/// An object's properties (parents first), required names, `additionalProperties`, and the
/// discriminator properties of its ancestors (left to their unions).
use super::schemas::*;

impl<'a> Lowerer<'a> {
    /// The type of a schema position; inline enums and objects become named types called `inline_name`.
    /// The type of an array's items or a map's values: `Option` when they may be `null` (`x-nullable`).
    pub(crate) fn element_ref(&mut self, schema: SchemaRef<'a>, inline_name: &str, loc: &SourceLoc) -> Result<TypeRef> {
        let nullable = matches!(schema, SchemaRef::Inline(s) if s.schema_data.nullable);
        let ty = self.type_ref(schema, inline_name, loc)?;
        Ok(match ty {
            TypeRef::Any => TypeRef::Any,
            ty if nullable => TypeRef::Nullable(Box::new(ty)),
            ty => ty,
        })
    }

    pub(crate) fn type_ref(&mut self, schema: SchemaRef<'a>, inline_name: &str, loc: &SourceLoc) -> Result<TypeRef> {
        let schema = match schema {
            SchemaRef::Ref(reference) => {
                let (name, _) = self.component(reference, loc)?;
                if self.is_binary_component(name) {
                    return Err(Error::at(loc, "unsupported construct: binary content inside a JSON model"));
                }
                if self.is_file_form_component(name) {
                    return Err(Error::at(
                        loc,
                        format!("unsupported construct: `{name}` has a binary (file) property, so it can only be a form body"),
                    ));
                }
                return Ok(TypeRef::Named(self.rust_type_name(name)));
            }
            SchemaRef::Inline(schema) => schema,
        };
        if let Some(reference) = wrapped_ref(schema) {
            return self.type_ref(SchemaRef::Ref(reference), inline_name, loc);
        }
        Ok(match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                if string.enumeration.iter().flatten().next().is_some() {
                    let name = schema
                        .schema_data
                        .extensions
                        .get("x-ms-enum")
                        .and_then(|e| e.get("name"))
                        .and_then(Value::as_str)
                        .map(|n| self.rust_type_name(n))
                        .unwrap_or_else(|| inline_name.to_string());
                    let mut def = self.enum_def(&name, schema, loc)?.expect("string schema with values");
                    // Two inline enums given one `x-ms-enum` name but different values: the later one
                    // is named after the schema property that declares it (one type however often
                    // `allOf` copies that property), as AutoRest's lenient de-duplication does.
                    let taken = self.types.get(&name).is_some_and(|existing| {
                        matches!(existing, TypeDef::Enum(_)) && !super::schemas::same_enum(existing, &def)
                    });
                    let renamed = declaring_property_name(loc).unwrap_or_else(|| inline_name.to_string());
                    // Free, or that same enum already (the names do not take part in the comparison).
                    let renamed_free =
                        self.types.get(&renamed).is_none_or(|existing| super::schemas::same_enum(existing, &def));
                    if taken && renamed != name && renamed_free {
                        self.warn(
                            loc,
                            format!("the enum `{name}` is already defined with other values; this one is `{renamed}`"),
                        );
                        if let TypeDef::Enum(def) = &mut def {
                            def.name = renamed.clone();
                        }
                        self.insert_inline_type(def, loc)?;
                        return Ok(TypeRef::Named(renamed));
                    }
                    self.insert_inline_type(def, loc)?;
                    return Ok(TypeRef::Named(name));
                }
                match &string.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime(DateTimeFormat::Rfc3339),
                    VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
                    VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => TypeRef::Bytes(BytesFormat::Base64),
                    VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => {
                        return Err(Error::at(loc, "unsupported construct: binary content inside a JSON model"));
                    }
                    VariantOrUnknownOrEmpty::Unknown(format) => match format.to_ascii_lowercase().as_str() {
                        "date-time-rfc1123" | "date-time-rfc7231" => TypeRef::DateTime(DateTimeFormat::Rfc7231),
                        "duration" => TypeRef::Duration,
                        "uuid" => TypeRef::Uuid,
                        "base64url" => TypeRef::Bytes(BytesFormat::Base64Url),
                        "unixtime" => TypeRef::DateTime(DateTimeFormat::Unix),
                        "byte" => TypeRef::Bytes(BytesFormat::Base64),
                        _ => TypeRef::String,
                    },
                    _ => TypeRef::String,
                }
            }
            SchemaKind::Type(Type::Integer(integer)) => match &integer.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                VariantOrUnknownOrEmpty::Unknown(format) if format == "unixtime" => {
                    TypeRef::DateTime(DateTimeFormat::Unix)
                }
                VariantOrUnknownOrEmpty::Unknown(format)
                    if matches!(format.as_str(), "int8" | "int16" | "uint8" | "uint16") =>
                {
                    TypeRef::I32
                }
                _ => TypeRef::I64,
            },
            SchemaKind::Type(Type::Number(number)) => match &number.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(array)) => {
                let items = array.items.as_ref().ok_or_else(|| Error::at(loc, "an array schema needs `items`"))?;
                TypeRef::Array(Box::new(self.element_ref(
                    items.into(),
                    &format!("{inline_name}Item"),
                    &loc.join("items"),
                )?))
            }
            SchemaKind::Type(Type::Object(object)) if object.properties.is_empty() => {
                match &object.additional_properties {
                    Some(AdditionalProperties::Schema(values)) => TypeRef::Map(Box::new(self.element_ref(
                        (&**values).into(),
                        &format!("{inline_name}Value"),
                        &loc.join("additionalProperties"),
                    )?)),
                    Some(AdditionalProperties::Any(true)) => TypeRef::Map(Box::new(TypeRef::Any)),
                    // A bare `type: object` is how specs say "any JSON value" (AutoRest reads it so too).
                    None => TypeRef::Any,
                    Some(AdditionalProperties::Any(false)) => {
                        let def = self.struct_def(inline_name, None, schema, loc)?;
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
            _ if is_object(schema) && !has_alternatives(schema) => {
                let def = self.struct_def(inline_name, None, schema, loc)?;
                self.insert_inline_type(TypeDef::Struct(def), loc)?;
                TypeRef::Named(inline_name.to_string())
            }
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } | SchemaKind::Any(_) if has_alternatives(schema) => {
                match self.untagged(inline_name, schema, loc)? {
                    Some(TypeDef::Alias(alias)) => alias.target,
                    Some(def) => {
                        self.insert_inline_type(def, loc)?;
                        TypeRef::Named(inline_name.to_string())
                    }
                    None => return Err(Error::at(loc, "unsupported construct: oneOf/anyOf mixed with properties")),
                }
            }
            SchemaKind::Not { .. } => return Err(Error::at(loc, "unsupported construct: `not` schemas")),
            SchemaKind::Any(any) => {
                let what = any.typ.clone().unwrap_or_else(|| "untyped".to_string());
                return Err(Error::at(loc, format!("unknown type `{what}`")));
            }
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => {
                return Err(Error::at(loc, "unsupported construct: an empty oneOf/anyOf"));
            }
            SchemaKind::AllOf { .. } | SchemaKind::Type(Type::Object(_)) => unreachable!("objects are handled above"),
        })
    }
}

/// `SchemaProperty` for a location `…/definitions/Schema/properties/property` (or
/// `…/components/schemas/…`): the name of an inline type after the property that declares it.
fn declaring_property_name(loc: &SourceLoc) -> Option<String> {
    let segments: Vec<&str> = loc.pointer.split('/').collect();
    match segments.as_slice() {
        [.., "definitions" | "schemas", schema, "properties", property] => Some(format!(
            "{}{}",
            crate::names::type_name(&unescape_pointer(schema)),
            crate::names::name_part(&unescape_pointer(property))
        )),
        _ => None,
    }
}
