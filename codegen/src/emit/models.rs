//! The models crate: serde structs, enums and unions, with no HTTP dependency.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::{ident, lit};
use crate::ir::*;

/// Which crate a type is written in: the paths of times, JSON values and named models differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeScope {
    /// Inside the models crate (no HTTP dependency).
    Models,
    /// Inside the REST crate, which re-exports the models crate as `crate::models`.
    Rest,
}

/// The Rust type for `ty` inside the models crate.
pub fn type_tokens(ty: &TypeRef) -> TokenStream {
    scoped_type(ty, TypeScope::Models)
}

/// The Rust type for `ty` as written in `scope`.
pub fn scoped_type(ty: &TypeRef, scope: TypeScope) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::DateTime if scope == TypeScope::Models => quote!(::time::OffsetDateTime),
        TypeRef::DateTime => quote!(azure_core::time::OffsetDateTime),
        TypeRef::Any if scope == TypeScope::Models => quote!(::serde_json::Value),
        TypeRef::Any => quote!(azure_core::Value),
        TypeRef::Array(inner) => {
            let inner = scoped_type(inner, scope);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = scoped_type(inner, scope);
            quote!(::std::collections::HashMap<String, #inner>)
        }
        TypeRef::Named(name) => {
            let name = ident(name);
            match scope {
                TypeScope::Models => quote!(#name),
                TypeScope::Rest => quote!(crate::models::#name),
            }
        }
    }
}

/// The code of `src/models.rs`.
pub fn models_file(service: &Service) -> TokenStream {
    let defaults = defaultable(service);
    let items = service.types.values().map(|def| match def {
        TypeDef::Struct(s) => struct_tokens(s, &defaults),
        TypeDef::Enum(e) if e.extensible => extensible_enum_tokens(e),
        TypeDef::Enum(e) => fixed_enum_tokens(e),
        TypeDef::Union(u) => union_tokens(u, service),
        TypeDef::Alias(a) => {
            let docs = doc_attrs(&a.doc, &format!("The `{}` type.", a.name));
            let name = ident(&a.name);
            let target = type_tokens(&a.target);
            quote! { #docs pub type #name = #target; }
        }
    });
    let request_bodies: std::collections::BTreeSet<&str> = service
        .groups
        .iter()
        .flat_map(|g| &g.operations)
        .filter_map(|o| match &o.body.as_ref()?.ty {
            TypeRef::Named(name) if !matches!(service.types.get(name), Some(TypeDef::Alias(_)) | None) => {
                Some(name.as_str())
            }
            _ => None,
        })
        .collect();
    let request_contents = request_bodies.into_iter().map(|name| {
        let name = ident(name);
        quote! {
            #[cfg(feature = "azure_core")]
            impl TryFrom<#name> for azure_core::http::RequestContent<#name> {
                type Error = azure_core::Error;
                fn try_from(value: #name) -> azure_core::Result<Self> {
                    Ok(azure_core::json::to_json(&value)?.into())
                }
            }
        }
    });
    let has_unions = service.types.values().any(|t| matches!(t, TypeDef::Union(_)));
    let union_support = has_unions.then(|| {
        quote! {
            /// The JSON object of `value` with the discriminator `property` set to `kind`.
            fn tagged<T: Serialize, E: serde::ser::Error>(value: &T, property: &str, kind: &str) -> Result<::serde_json::Value, E> {
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
    let uses_serde = service.types.values().any(|t| match t {
        TypeDef::Struct(_) | TypeDef::Union(_) => true,
        TypeDef::Enum(e) => !e.extensible,
        TypeDef::Alias(_) => false,
    });
    let imports = uses_serde.then(|| {
        quote!(
            use serde::{Deserialize, Serialize};
        )
    });
    quote! {
        #imports
        #( #items )*
        #( #request_contents )*
        #union_support
    }
}

/// Which types can derive `Default` (every field of theirs has a default).
fn defaultable(service: &Service) -> BTreeMap<String, bool> {
    fn check(ty: &TypeRef, service: &Service, memo: &mut BTreeMap<String, bool>) -> bool {
        match ty {
            TypeRef::DateTime => false,
            TypeRef::Named(name) => {
                if let Some(known) = memo.get(name) {
                    return *known;
                }
                memo.insert(name.clone(), false); // cycles: assume no
                let result = match service.types.get(name) {
                    Some(TypeDef::Struct(s)) => s.fields.iter().all(|f| !f.required || check(&f.ty, service, memo)),
                    Some(TypeDef::Alias(a)) => check(&a.target, service, memo),
                    _ => false,
                };
                memo.insert(name.clone(), result);
                result
            }
            _ => true,
        }
    }
    let mut memo = BTreeMap::new();
    for name in service.types.keys() {
        check(&TypeRef::Named(name.clone()), service, &mut memo);
    }
    memo
}

fn struct_tokens(s: &StructDef, defaults: &BTreeMap<String, bool>) -> TokenStream {
    let docs = doc_attrs(&s.doc, &format!("The `{}` model.", s.name));
    let name = ident(&s.name);
    let fields = s.fields.iter().map(|f| {
        let fallback = format!("The `{}` property.", f.wire_name);
        let mut doc = f.doc.clone();
        if f.read_only {
            doc = if doc.trim().is_empty() { fallback.clone() } else { doc };
            doc.push_str("\n\nSet by the service; ignored in requests.");
        }
        let docs = doc_attrs(&doc, &fallback);
        let field = ident(&f.name);
        let mut ty = type_tokens(&f.ty);
        if f.boxed {
            ty = quote!(Box<#ty>);
        }
        let mut attrs = Vec::new();
        if crate::names::bare(&f.name) != f.wire_name {
            let wire = &f.wire_name;
            attrs.push(quote!(rename = #wire));
        }
        if !f.required {
            ty = quote!(Option<#ty>);
            attrs.push(quote!(default, skip_serializing_if = "Option::is_none"));
        }
        if f.ty == TypeRef::DateTime {
            let with = if f.required { "::time::serde::rfc3339" } else { "::time::serde::rfc3339::option" };
            attrs.push(quote!(with = #with));
        }
        let serde = (!attrs.is_empty()).then(|| quote!(#[serde(#(#attrs),*)]));
        quote! { #docs #serde pub #field: #ty, }
    });
    let additional = s.additional_properties.as_ref().map(|ty| {
        let ty = type_tokens(ty);
        quote! {
            /// Properties not named above, kept as sent.
            #[serde(flatten)]
            pub additional_properties: ::std::collections::HashMap<String, #ty>,
        }
    });
    let default = defaults.get(&s.name).copied().unwrap_or(false).then(|| quote!(Default,));
    quote! {
        #docs
        #[derive(Clone, Debug, #default PartialEq, Serialize, Deserialize)]
        pub struct #name {
            #( #fields )*
            #additional
        }
    }
}

fn enum_common(
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
    let (docs, name, variant_docs, variants, wires) = enum_common(e);
    quote! {
        #docs
        ///
        /// The service may add values: one this crate does not know is kept as [`Self::UnknownValue`].
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
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

        extensible_enum!(#name);
    }
}

fn fixed_enum_tokens(e: &EnumDef) -> TokenStream {
    let (docs, name, variant_docs, variants, wires) = enum_common(e);
    let expected = e.values.iter().map(|v| format!("`{}`", v.wire)).collect::<Vec<_>>().join(", ");
    let error = lit(&format!("unknown {} value `{{}}`; expected one of {expected}", e.name));
    quote! {
        #docs
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #( Self::#variants(value) => tagged::<_, S::Error>(value, #property, #wires)?.serialize(serializer), )*
                    Self::UnknownKind(value) => value.serialize(serializer),
                }
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use serde::de::Error as _;
                let value = ::serde_json::Value::deserialize(deserializer)?;
                let kind = value.get(#property).and_then(::serde_json::Value::as_str).ok_or_else(|| D::Error::custom(#missing))?;
                match kind {
                    #( #wires => ::serde_json::from_value(value).map(Self::#variants).map_err(D::Error::custom), )*
                    _ => Ok(Self::UnknownKind(value)),
                }
            }
        }
    }
}
