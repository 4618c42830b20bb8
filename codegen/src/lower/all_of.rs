//! `allOf`: the properties a model collects from its parents, computed once per model, with the
//! depth of its ancestry bounded.

//! Schemas to types: structs (with `allOf` parents), enums, discriminated unions, untagged unions,
//! aliases and maps, and the Rust type of every schema position, formats included.

use std::collections::BTreeSet;
use std::rc::Rc;

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};

use super::{Lowerer, SchemaRef};
use crate::error::{Error, Result, SourceLoc};

/// An object's properties (parents first), required names, `additionalProperties`, and the
/// discriminator properties of its ancestors (left to their unions).
use super::schemas::*;

/// An object's properties (parents first), required names, `additionalProperties`, and the
/// discriminator properties of its ancestors (left to their unions).
#[derive(Clone, Default)]
pub(crate) struct Collected<'a> {
    pub(crate) properties: IndexMap<String, (SchemaRef<'a>, SourceLoc)>,
    pub(crate) required: BTreeSet<String>,
    pub(crate) additional: Option<(SchemaRef<'a>, SourceLoc)>,
    pub(crate) discriminators: BTreeSet<String>,
    /// How many models deep the `allOf` ancestry is (a model without parents: 0).
    pub(crate) depth: usize,
}

impl<'a> Collected<'a> {
    fn merge(&mut self, other: &Collected<'a>) {
        for (name, property) in &other.properties {
            // A child may restate a parent's property; the later definition wins.
            self.properties.insert(name.clone(), property.clone());
        }
        self.required.extend(other.required.iter().cloned());
        if other.additional.is_some() {
            self.additional = other.additional.clone();
        }
        self.discriminators.extend(other.discriminators.iter().cloned());
        self.depth = self.depth.max(other.depth);
    }
}

/// An object schema's properties, required names, `allOf` parts and `additionalProperties`.
type ObjectParts<'a> = (
    Option<&'a IndexMap<String, ReferenceOr<Box<Schema>>>>,
    &'a [String],
    &'a [ReferenceOr<Schema>],
    &'a Option<AdditionalProperties>,
);

/// The deepest `allOf` ancestry accepted. Each model gets every inherited property, so a deeper
/// chain would make the output (and the time to make it) grow with the square of the spec's size;
/// real specs stay under ten.
const MAX_ALL_OF_DEPTH: usize = 32;

impl<'a> Lowerer<'a> {
    /// Properties of component `name`, parents first, computed once.
    pub(crate) fn collect_component(
        &mut self,
        name: &'a str,
        loc: &SourceLoc,
        visiting: &mut Vec<&'a str>,
    ) -> Result<Rc<Collected<'a>>> {
        if let Some(done) = self.collected.get(name) {
            return Ok(done.clone());
        }
        if visiting.contains(&name) {
            return Err(Error::at(loc, format!("allOf cycle: `{name}` is its own ancestor")));
        }
        if visiting.len() > MAX_ALL_OF_DEPTH {
            return Err(Error::at(loc, format!("allOf chain deeper than {MAX_ALL_OF_DEPTH} models")));
        }
        let (_, schema) = self.component(&format!("{}{name}", super::SCHEMA_PREFIX), loc)?;
        let schema_loc = self.schema_loc(name);
        visiting.push(name);
        let collected = match schema {
            ReferenceOr::Reference { reference } => {
                let (target, _) = self.component(reference, &schema_loc)?;
                let parent = self.collect_component(target, &schema_loc, visiting)?;
                (*parent).clone()
            }
            ReferenceOr::Item(schema) => {
                let mut collected = self.collect_schema(schema, &schema_loc, visiting)?;
                if let Some(discriminator) = &schema.schema_data.discriminator {
                    collected.discriminators.insert(discriminator.property_name.clone());
                }
                collected
            }
        };
        visiting.pop();
        let collected = Rc::new(collected);
        self.collected.insert(name.to_string(), collected.clone());
        Ok(collected)
    }

    /// Properties of an object schema, parents (allOf) first.
    pub(crate) fn collect_schema(
        &mut self,
        schema: &'a Schema,
        loc: &SourceLoc,
        visiting: &mut Vec<&'a str>,
    ) -> Result<Collected<'a>> {
        let parts: ObjectParts<'a> = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                (Some(&object.properties), &object.required, &[], &object.additional_properties)
            }
            SchemaKind::AllOf { all_of } => (None, &[], all_of, &NO_ADDITIONAL),
            SchemaKind::Any(any) => (Some(&any.properties), &any.required, &any.all_of, &any.additional_properties),
            _ => return Err(Error::at(loc, "unsupported construct: expected an object schema")),
        };
        let (properties, required, all_of, additional) = parts;
        let mut out = Collected::default();
        for (i, part) in all_of.iter().enumerate() {
            let part_loc = loc.join("allOf").join(i.to_string());
            match part {
                ReferenceOr::Reference { reference } => {
                    let (parent_name, _) = self.component(reference, &part_loc)?;
                    if self.is_binary_component(parent_name) {
                        return Err(Error::at(&part_loc, "unsupported construct: allOf of binary content"));
                    }
                    let parent = self.collect_component(parent_name, &part_loc, visiting)?;
                    out.merge(&parent);
                    out.depth = out.depth.max(parent.depth + 1);
                    if out.depth > MAX_ALL_OF_DEPTH {
                        return Err(Error::at(
                            &part_loc,
                            format!(
                                "unsupported construct: an allOf chain more than {MAX_ALL_OF_DEPTH} models deep \
                                 (each model copies every inherited property)"
                            ),
                        ));
                    }
                }
                ReferenceOr::Item(part) => {
                    if !is_object(part) {
                        self.warn(&part_loc, "ignored an allOf part that is not an object schema");
                        continue;
                    }
                    let inline = self.collect_schema(part, &part_loc, visiting)?;
                    out.merge(&inline);
                }
            }
        }
        for (name, property) in properties.into_iter().flatten() {
            out.properties.insert(name.clone(), (property.into(), loc.join("properties").join(name)));
        }
        out.required.extend(required.iter().cloned());
        if let Some(additional) = additional {
            let additional_loc = loc.join("additionalProperties");
            match additional {
                AdditionalProperties::Any(true) => {
                    out.additional = Some((SchemaRef::Inline(&ANY_SCHEMA), additional_loc))
                }
                AdditionalProperties::Any(false) => {}
                AdditionalProperties::Schema(schema) => out.additional = Some(((&**schema).into(), additional_loc)),
            }
        }
        Ok(out)
    }
}
