//! The models crate: serde structs, enums and unions, with no HTTP dependency, and behind its
//! `azure_core` feature what the REST crate needs of them (request bodies, pages, status monitors).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::types::{format_tokens, placeholder, serde_with, type_tokens};
use super::{ident, lit};
use crate::ir::*;

pub use super::types::{scoped_type, TypeScope};

/// The code of `src/models.rs`.
pub fn models_file(service: &Service) -> TokenStream {
    let defaults = default_kinds(&service.types);
    let tags = union_kinds(&service.types);
    let items = service.types.values().map(|def| match def {
        TypeDef::Struct(s) => struct_tokens(s, &defaults, tags.get(s.name.as_str()).copied(), &service.types),
        TypeDef::Enum(e) if e.extensible => extensible_enum_tokens(e),
        TypeDef::Enum(e) => fixed_enum_tokens(e),
        TypeDef::Union(u) => union_tokens(u, service),
        TypeDef::Untagged(u) => untagged_tokens(u),
        TypeDef::Alias(a) => {
            let docs = doc_attrs(&a.doc, &format!("The `{}` type.", a.name));
            let name = ident(&a.name);
            let target = type_tokens(&a.target);
            quote! { #docs pub type #name = #target; }
        }
        TypeDef::External(e) => {
            let krate = ident(&e.krate);
            let name = ident(&e.name);
            let doc = format!(" The `{}` model of the shared `{}` crate.", e.name, e.krate);
            quote! { #[doc = #doc] pub use #krate::#name; }
        }
    });
    let has_unions = service.types.values().any(|t| matches!(t, TypeDef::Union(_)));
    let union_support = has_unions.then(|| {
        quote! {
            /// The JSON object of `value` with the discriminator `property` set to `kind`.
            fn tagged<T: ::serde::Serialize, E: ::serde::ser::Error>(value: &T, property: &str, kind: &str) -> Result<::serde_json::Value, E> {
                match ::serde_json::to_value(value).map_err(E::custom)? {
                    ::serde_json::Value::Object(mut map) => {
                        map.insert(property.to_string(), ::serde_json::Value::String(kind.to_string()));
                        Ok(::serde_json::Value::Object(map))
                    }
                    _ => Err(E::custom("a discriminated model must serialize to a JSON object")),
                }
            }
        }
    });
    let azure_core = azure_core_impls(service);
    quote! {
        #( #items )*
        #azure_core
        #union_support
    }
}

/// What the REST crate needs of the models, behind the `azure_core` feature.
fn azure_core_impls(service: &Service) -> TokenStream {
    let operations: Vec<&Operation> = service.groups.iter().flat_map(|g| &g.operations).collect();
    let is_local = |name: &str| {
        matches!(
            service.types.get(name),
            Some(TypeDef::Struct(_) | TypeDef::Union(_) | TypeDef::Untagged(_) | TypeDef::Enum(_))
        )
    };
    let mut bodies: BTreeSet<&str> = BTreeSet::new();
    if operations.is_empty() {
        // A shared or models-only crate: any of its models may be a request body somewhere.
        bodies.extend(
            service
                .types
                .values()
                .filter(|t| matches!(t, TypeDef::Struct(_) | TypeDef::Union(_) | TypeDef::Untagged(_)))
                .map(TypeDef::name),
        );
    }
    for op in &operations {
        if let Some(Body { kind: BodyKind::Json(TypeRef::Named(name)), .. }) = &op.body {
            if is_local(name) {
                bodies.insert(name);
            }
        }
    }
    let request_contents = bodies.into_iter().map(|name| {
        let name = ident(name);
        quote! {
            impl TryFrom<#name> for ::azure_core::http::RequestContent<#name> {
                type Error = ::azure_core::Error;
                fn try_from(value: #name) -> ::azure_core::Result<Self> {
                    Ok(::azure_core::json::to_json(&value)?.into())
                }
            }
        }
    });
    let pages: BTreeMap<&str, &Paging> =
        operations.iter().filter_map(|o| o.paging.as_ref()).map(|p| (p.page.as_str(), p)).collect();
    let page_impls = pages.values().filter(|p| is_local(&p.page)).map(|p| {
        let page = ident(&p.page);
        let item = type_tokens(&p.item_type);
        let field = ident(&p.item_field_rust);
        if p.item_field_required {
            quote! { ::acs_rest_core::impl_page!(#page, #item, #field); }
        } else {
            quote! { ::acs_rest_core::impl_page!(#page, #item, #field, optional); }
        }
    });
    let monitors: BTreeMap<&str, Option<&TypeRef>> = operations
        .iter()
        .filter_map(|o| o.lro.as_ref())
        .filter_map(|l| Some((l.monitor.as_deref()?, l.output.as_ref())))
        .collect();
    let monitor_impls = monitors.into_iter().filter(|(m, _)| is_local(m)).filter_map(|(monitor, output)| {
        let TypeDef::Struct(model) = service.types.get(monitor)? else { return None };
        let status = model.fields.iter().find(|f| f.wire_name == "status")?;
        let field = ident(&status.name);
        let text = match (&status.ty, !is_optional(status, model.usage)) {
            (TypeRef::String, true) => quote!(self.#field.as_str()),
            (TypeRef::String, false) => quote!(self.#field.as_deref().unwrap_or_default()),
            (_, true) => quote!(self.#field.as_str()),
            (_, false) => quote!(self.#field.as_ref().map(|s| s.as_str()).unwrap_or_default()),
        };
        let name = ident(monitor);
        let output = output.map(type_tokens).unwrap_or_else(|| quote!(()));
        Some(quote! {
            impl ::azure_core::http::poller::StatusMonitor for #name {
                type Output = #output;
                type Format = ::azure_core::http::JsonFormat;
                fn status(&self) -> ::azure_core::http::poller::PollerStatus {
                    ::acs_rest_core::lro::poller_status(#text)
                }
            }
        })
    });
    let items: Vec<TokenStream> = request_contents.chain(page_impls).chain(monitor_impls).collect();
    if items.is_empty() {
        return quote!();
    }
    quote! {
        /// The request bodies, pages and status monitors of the REST crate.
        #[cfg(feature = "azure_core")]
        mod azure_core_impls {
            use super::*;
            #( #items )*
        }
    }
}

/// For each struct that is a kind of exactly one union: the discriminator property and its value.
fn union_kinds(types: &BTreeMap<String, TypeDef>) -> BTreeMap<&str, (&str, &str)> {
    let mut kinds: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for def in types.values() {
        if let TypeDef::Union(u) = def {
            for v in &u.variants {
                kinds.entry(v.model.as_str()).or_default().push((u.discriminator.as_str(), v.wire.as_str()));
            }
        }
    }
    kinds.into_iter().filter(|(_, k)| k.len() == 1).map(|(model, k)| (model, k[0])).collect()
}

/// Whether a field is an `Option` in Rust: optional, nullable, or read-only in a model users send.
fn is_optional(field: &Field, usage: Usage) -> bool {
    !field.required || field.nullable || (field.read_only && usage.input)
}

fn struct_tokens(
    s: &StructDef,
    defaults: &BTreeMap<String, DefaultKind>,
    union_kind: Option<(&str, &str)>,
    types: &BTreeMap<String, TypeDef>,
) -> TokenStream {
    let docs = doc_attrs(&s.doc, &format!("The `{}` model.", s.name));
    let name = ident(&s.name);
    let fields = s.fields.iter().map(|f| {
        let fallback = format!("The `{}` property.", f.wire_name);
        let mut doc = if f.doc.trim().is_empty() { fallback.clone() } else { f.doc.clone() };
        if s.usage.patch && matches!(f.ty, TypeRef::Map(_)) {
            doc.push_str("\n\nA merge patch: an entry whose value is `None` is sent as `null` and removes that entry.");
        }
        if f.read_only {
            doc.push_str("\n\nSet by the service; ignored in requests.");
        }
        let docs = doc_attrs(&doc, &fallback);
        let field = ident(&f.name);
        let optional = is_optional(f, s.usage);
        // In a merge-patch body, a map entry set to `null` removes that entry.
        let patch_map = s.usage.patch && matches!(f.ty, TypeRef::Map(_));
        let patch_value = |inner: &'_ TypeRef| match inner {
            TypeRef::Nullable(value) => (**value).clone(),
            value => value.clone(),
        };
        let mut ty = match (&f.ty, patch_map) {
            (TypeRef::Map(inner), true) => {
                let inner = type_tokens(&patch_value(inner));
                quote!(::std::collections::HashMap<String, Option<#inner>>)
            }
            _ => type_tokens(&f.ty),
        };
        if f.boxed {
            ty = quote!(Box<#ty>);
        }
        let mut attrs = Vec::new();
        if crate::names::bare(&f.name) != f.wire_name {
            let wire = &f.wire_name;
            attrs.push(quote!(rename = #wire));
        }
        if optional {
            ty = quote!(Option<#ty>);
            if f.required && f.nullable {
                attrs.push(quote!(default)); // required but nullable: always sent, `null` when `None`
            } else {
                attrs.push(quote!(default, skip_serializing_if = "Option::is_none"));
            }
        }
        let with = match (&f.ty, patch_map) {
            (TypeRef::Map(inner), true) => super::types::format_tokens(&patch_value(inner)).map(|format| {
                let format = quote!(::acs_rest_core::formats::Map<Option<#format>>);
                let format = if optional { quote!(Option<#format>) } else { format };
                let path = format!("::acs_rest_core::formats::As::<{}>", format.to_string().replace(' ', ""));
                quote!(with = #path)
            }),
            _ => serde_with(&f.ty, optional),
        };
        if let Some(with) = with {
            attrs.push(with);
        }
        let serde = (!attrs.is_empty()).then(|| quote!(#[serde(#(#attrs),*)]));
        quote! { #docs #serde pub #field: #ty, }
    });
    let additional = s.additional_properties.as_ref().map(|ty| {
        // A flattened map cannot carry a wire format: such values are kept as JSON.
        let ty = if format_tokens(ty).is_some() { quote!(::serde_json::Value) } else { type_tokens(ty) };
        quote! {
            /// Properties not named above, kept as sent.
            #[serde(flatten)]
            pub additional_properties: ::std::collections::HashMap<String, #ty>,
        }
    });
    let kind = defaults.get(&s.name).copied().unwrap_or(DefaultKind::None);
    let derive_default = (kind == DefaultKind::Derive).then(|| quote!(Default,));
    let manual_default = (kind == DefaultKind::Manual).then(|| {
        let inits = s.fields.iter().map(|f| {
            let field = ident(&f.name);
            let value = if is_optional(f, s.usage) {
                quote!(None)
            } else if f.boxed {
                let inner = placeholder(&f.ty, types);
                quote!(Box::new(#inner))
            } else {
                placeholder(&f.ty, types)
            };
            quote!(#field: #value,)
        });
        let additional = s.additional_properties.as_ref().map(|_| quote!(additional_properties: Default::default(),));
        quote! {
            /// Placeholder values for the required fields (the Unix epoch for times, the first value
            /// of an enum), so that a value can be built and then filled in.
            impl Default for #name {
                fn default() -> Self {
                    Self { #( #inits )* #additional }
                }
            }
        }
    });
    let non_exhaustive = s.usage.output_only().then(|| quote!(#[non_exhaustive]));
    // A kind of a discriminated union sends its discriminator when it is sent on its own, too.
    let tag = union_kind.map(|(property, value)| {
        let property = lit(property);
        let value = lit(value);
        quote!(#[serde(tag = #property, rename = #value)])
    });
    quote! {
        #docs
        #[derive(Clone, Debug, #derive_default PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #tag
        #non_exhaustive
        pub struct #name {
            #( #fields )*
            #additional
        }
        #manual_default
    }
}

fn enum_parts(
    e: &EnumDef,
) -> (TokenStream, proc_macro2::Ident, Vec<TokenStream>, Vec<proc_macro2::Ident>, Vec<proc_macro2::Literal>) {
    let docs = doc_attrs(&e.doc, &format!("The `{}` enum.", e.name));
    let name = ident(&e.name);
    let variant_docs = e.values.iter().map(|v| doc_attrs(&v.doc, &format!("`{}`", v.wire))).collect();
    let variants = e.values.iter().map(|v| ident(&v.variant)).collect();
    let wires = e.values.iter().map(|v| lit(&v.wire)).collect();
    (docs, name, variant_docs, variants, wires)
}

fn extensible_enum_tokens(e: &EnumDef) -> TokenStream {
    let (docs, name, variant_docs, variants, wires) = enum_parts(e);
    quote! {
        #docs
        ///
        /// The service may add values: one this crate does not know is kept as [`Self::UnknownValue`].
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #( #variant_docs #variants, )*
            /// A value this version of the crate does not know, kept as sent.
            UnknownValue(String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #wires, )*
                    Self::UnknownValue(value) => value.as_str(),
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #wires => Self::#variants, )*
                    other => Self::UnknownValue(other.to_string()),
                }
            }
        }

        ::acs_rest_core::extensible_enum!(#name);
    }
}

fn fixed_enum_tokens(e: &EnumDef) -> TokenStream {
    let (docs, name, variant_docs, variants, wires) = enum_parts(e);
    let expected = e.values.iter().map(|v| format!("`{}`", v.wire)).collect::<Vec<_>>().join(", ");
    let error = lit(&format!("unknown {} value `{{}}`; expected one of {expected}", e.name));
    quote! {
        #docs
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub enum #name {
            #( #variant_docs #[serde(rename = #wires)] #variants, )*
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &'static str {
                match self {
                    #( Self::#variants => #wires, )*
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = String;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                match value {
                    #( #wires => Ok(Self::#variants), )*
                    other => Err(format!(#error, other)),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

fn union_tokens(u: &UnionDef, service: &Service) -> TokenStream {
    let docs = doc_attrs(&u.doc, &format!("The `{}` union.", u.name));
    let name = ident(&u.name);
    let property = lit(&u.discriminator);
    let variants: Vec<_> = u.variants.iter().map(|v| ident(&v.variant)).collect();
    let models: Vec<_> = u.variants.iter().map(|v| ident(&v.model)).collect();
    let wires: Vec<_> = u.variants.iter().map(|v| lit(&v.wire)).collect();
    let variant_docs = u.variants.iter().map(|v| {
        let model_doc = match service.types.get(&v.model) {
            Some(TypeDef::Struct(s)) => s.doc.clone(),
            _ => String::new(),
        };
        let text = if v.doc.is_empty() { model_doc } else { v.doc.clone() };
        doc_attrs(&text, &format!("`{}: {}`", u.discriminator, v.wire))
    });
    let missing = lit(&format!("{} needs a string `{}` property", u.name, u.discriminator));
    quote! {
        #docs
        ///
        #[doc = concat!(" Told apart by the `", #property, "` property. A kind this crate does not know is kept as [`Self::UnknownKind`].")]
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)] // models differ in size; boxing would only burden callers
        pub enum #name {
            #( #variant_docs #variants(#models), )*
            /// A kind this version of the crate does not know: the whole JSON object, kept as sent.
            UnknownKind(::serde_json::Value),
        }

        impl #name {
            /// The discriminator value of this kind.
            pub fn kind(&self) -> &str {
                match self {
                    #( Self::#variants(_) => #wires, )*
                    Self::UnknownKind(value) => value.get(#property).and_then(::serde_json::Value::as_str).unwrap_or_default(),
                }
            }
        }

        #(
            impl From<#models> for #name {
                fn from(value: #models) -> Self {
                    Self::#variants(value)
                }
            }
        )*

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #( Self::#variants(value) => ::serde::Serialize::serialize(&tagged::<_, S::Error>(value, #property, #wires)?, serializer), )*
                    Self::UnknownKind(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use ::serde::de::Error as _;
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let kind = value.get(#property).and_then(::serde_json::Value::as_str).ok_or_else(|| D::Error::custom(#missing))?;
                match kind {
                    #( #wires => ::serde_json::from_value(value).map(Self::#variants).map_err(D::Error::custom), )*
                    _ => Ok(Self::UnknownKind(value)),
                }
            }
        }
    }
}

fn untagged_tokens(u: &UntaggedDef) -> TokenStream {
    let docs = doc_attrs(&u.doc, &format!("The `{}` union.", u.name));
    let name = ident(&u.name);
    let variants = u.variants.iter().map(|v| {
        let variant = ident(&v.variant);
        let mut ty = type_tokens(&v.ty);
        if v.boxed {
            ty = quote!(Box<#ty>);
        }
        let with = serde_with(&v.ty, false).map(|with| quote!(#[serde(#with)]));
        let doc = format!(" A value of the `{}` shape.", v.variant);
        quote! { #[doc = #doc] #variant(#with #ty), }
    });
    quote! {
        #docs
        ///
        /// Told apart by shape: the first alternative that the JSON fits is chosen.
        #[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #( #variants )*
        }
    }
}
