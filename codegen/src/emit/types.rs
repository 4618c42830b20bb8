//! Printing types: the Rust type of a [`TypeRef`] in each crate, the serde format of a field, and
//! placeholder values for hand-written `Default`s.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::ir::*;

/// Which crate a type is written in: the path of named models differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeScope {
    /// Inside the models crate.
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
        TypeRef::DateTime(_) => quote!(::time::OffsetDateTime),
        TypeRef::Date => quote!(::time::Date),
        TypeRef::Duration => quote!(::time::Duration),
        TypeRef::Bytes(_) => quote!(Vec<u8>),
        TypeRef::Uuid => quote!(::uuid::Uuid),
        TypeRef::Any => quote!(::serde_json::Value),
        TypeRef::Array(inner) => {
            let inner = scoped_type(inner, scope);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = scoped_type(inner, scope);
            quote!(::std::collections::HashMap<String, #inner>)
        }
        TypeRef::Nullable(inner) => {
            let inner = scoped_type(inner, scope);
            quote!(Option<#inner>)
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

/// The runtime format of `ty` (`Rfc3339`, `Vec<IsoDate>`, …), when it needs one.
pub fn format_tokens(ty: &TypeRef) -> Option<TokenStream> {
    Some(match ty {
        TypeRef::DateTime(DateTimeFormat::Rfc3339) => quote!(::acs_rest_core::formats::Rfc3339),
        TypeRef::DateTime(DateTimeFormat::Rfc7231) => quote!(::acs_rest_core::formats::Rfc7231),
        TypeRef::DateTime(DateTimeFormat::Unix) => quote!(::acs_rest_core::formats::UnixTime),
        TypeRef::Date => quote!(::acs_rest_core::formats::IsoDate),
        TypeRef::Duration => quote!(::acs_rest_core::formats::IsoDuration),
        TypeRef::Bytes(BytesFormat::Base64) => quote!(::acs_rest_core::formats::Base64),
        TypeRef::Bytes(BytesFormat::Base64Url) => quote!(::acs_rest_core::formats::Base64Url),
        TypeRef::Array(inner) => {
            let inner = format_tokens(inner)?;
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = format_tokens(inner)?;
            quote!(::acs_rest_core::formats::Map<#inner>)
        }
        TypeRef::Nullable(inner) => {
            let inner = format_tokens(inner)?;
            quote!(Option<#inner>)
        }
        _ => return None,
    })
}

/// The `with = "…"` serde attribute for a value of `ty`, optional or not, when it needs one.
pub fn serde_with(ty: &TypeRef, optional: bool) -> Option<TokenStream> {
    let format = format_tokens(ty)?;
    let format = if optional { quote!(Option<#format>) } else { format };
    let path = format!("::acs_rest_core::formats::As::<{}>", format.to_string().replace(' ', ""));
    Some(quote!(with = #path))
}

/// A placeholder value for a required field of type `ty` in a hand-written `Default`.
pub fn placeholder(ty: &TypeRef, types: &BTreeMap<String, TypeDef>) -> TokenStream {
    match ty {
        TypeRef::DateTime(_) => quote!(::time::OffsetDateTime::UNIX_EPOCH),
        TypeRef::Date => quote!(::time::OffsetDateTime::UNIX_EPOCH.date()),
        TypeRef::Duration => quote!(::time::Duration::ZERO),
        TypeRef::Uuid => quote!(::uuid::Uuid::nil()),
        TypeRef::Named(name) => match types.get(name) {
            Some(TypeDef::Enum(e)) => {
                let name = ident(name);
                match e.values.first() {
                    Some(first) => {
                        let variant = ident(&first.variant);
                        quote!(#name::#variant)
                    }
                    None => quote!(#name::UnknownValue(String::new())),
                }
            }
            Some(TypeDef::Union(_)) => {
                let name = ident(name);
                quote!(#name::UnknownKind(::serde_json::Value::Null))
            }
            Some(TypeDef::Alias(a)) => placeholder(&a.target, types),
            _ => quote!(Default::default()),
        },
        _ => quote!(Default::default()),
    }
}
