//! Responses beyond one body type: an enum for operations whose success statuses have different
//! bodies (or none), and traits that read the headers a spec declares as typed values.

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::model_type;
use crate::emit::docs::doc_attrs;
use crate::emit::ident;
use crate::ir::*;
use crate::names::{bare, name_part, value_name};

/// The name of an operation's response enum.
pub fn response_enum_name(op: &Operation, options_prefix: &str) -> String {
    format!("{}{}Response", options_prefix, name_part(bare(&op.name)))
}

/// The variant name for a status: its reason phrase, else `Status…`.
fn variant_for(status: StatusMatch) -> String {
    let reason = match status {
        StatusMatch::Code(200) => "Ok",
        StatusMatch::Code(201) => "Created",
        StatusMatch::Code(202) => "Accepted",
        StatusMatch::Code(203) => "NonAuthoritativeInformation",
        StatusMatch::Code(204) => "NoContent",
        StatusMatch::Code(205) => "ResetContent",
        StatusMatch::Code(206) => "PartialContent",
        StatusMatch::Code(207) => "MultiStatus",
        StatusMatch::Code(300) => "MultipleChoices",
        StatusMatch::Code(301) => "MovedPermanently",
        StatusMatch::Code(302) => "Found",
        StatusMatch::Code(303) => "SeeOther",
        StatusMatch::Code(304) => "NotModified",
        StatusMatch::Code(307) => "TemporaryRedirect",
        StatusMatch::Code(308) => "PermanentRedirect",
        StatusMatch::Code(code) => return format!("Status{code}"),
        StatusMatch::Class(class) => return format!("Status{class}xx"),
    };
    reason.to_string()
}

/// The type of a response with this body.
pub(crate) fn body_response_type(body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::None => quote!(azure_core::http::Response<(), azure_core::http::NoFormat>),
        ResponseBody::Json(ty) => {
            let ty = model_type(ty);
            quote!(azure_core::http::Response<#ty>)
        }
        ResponseBody::Binary => quote!(azure_core::http::Response<azure_core::Bytes, acs_rest_core::BinaryFormat>),
        ResponseBody::Text => quote!(azure_core::http::Response<String, acs_rest_core::TextFormat>),
    }
}

/// The enum of an operation's success responses, and the statement that turns `response_` into it.
pub(crate) fn response_enum(op: &Operation, name: &str) -> (TokenStream, TokenStream) {
    let enum_name = ident(name);
    let doc = format!(" The success responses of `{}`, one variant per status: their bodies differ.", op.operation_id);
    let mut variants = Vec::new();
    let mut exact_arms = Vec::new();
    let mut class_arms = Vec::new();
    let mut seen = BTreeMap::new();
    for response in &op.responses {
        let mut variant = variant_for(response.status);
        if seen.insert(variant.clone(), ()).is_some() {
            variant = format!("{variant}{}", seen.len());
        }
        let variant_ident = ident(&variant);
        let ty = body_response_type(&response.body);
        let what = match &response.body {
            ResponseBody::None => "no body".to_string(),
            ResponseBody::Json(TypeRef::Named(model)) => format!("a `{model}`"),
            ResponseBody::Json(_) => "a JSON body".to_string(),
            ResponseBody::Binary => "a binary body".to_string(),
            ResponseBody::Text => "a text body".to_string(),
        };
        let status_text = match response.status {
            StatusMatch::Code(code) => code.to_string(),
            StatusMatch::Class(class) => format!("{class}XX"),
        };
        let variant_doc = format!(" {status_text}: {what}.");
        variants.push(quote! { #[doc = #variant_doc] #variant_ident(#ty), });
        match response.status {
            StatusMatch::Code(code) => {
                let code = Literal::u16_unsuffixed(code);
                exact_arms.push(quote!(#code => #enum_name::#variant_ident(raw_.into()),));
            }
            StatusMatch::Class(class) => {
                let class = Literal::u16_unsuffixed(class);
                class_arms.push(quote!(status if status / 100 == #class => #enum_name::#variant_ident(raw_.into()),));
            }
        }
    }
    let operation = crate::emit::lit(&op.operation_id);
    let tokens = quote! {
        #[doc = #doc]
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum #enum_name {
            #( #variants )*
        }
    };
    let finish = quote! {
        let raw_ = response_;
        Ok(match u16::from(raw_.status()) {
            #( #exact_arms )*
            #( #class_arms )*
            status => {
                return Err(azure_core::Error::with_message(
                    azure_core::error::ErrorKind::Other,
                    format!("{}: status {status} was accepted but has no response variant", #operation),
                ))
            }
        })
    };
    (tokens, finish)
}

/// Methods of `Response` that a header accessor must not shadow.
const RESPONSE_METHODS: &[&str] =
    &["status", "headers", "body", "into_body", "into_model", "deconstruct", "to_raw_response"];

/// A header trait's headers by wire name, each with the operations that declare it.
type TraitHeaders = BTreeMap<String, (ResponseHeader, Vec<String>)>;

/// The response types that carry declared headers (trait name and body), with the union of their headers.
fn headers_by_type(service: &Service) -> BTreeMap<(String, ResponseBody), TraitHeaders> {
    let mut by_type: BTreeMap<(String, ResponseBody), TraitHeaders> = BTreeMap::new();
    for op in service.groups.iter().flat_map(|g| &g.operations) {
        for response in &op.responses {
            if response.headers.is_empty() {
                continue;
            }
            let trait_name = match &response.body {
                ResponseBody::None => "EmptyResponseHeaders".to_string(),
                ResponseBody::Json(TypeRef::Named(model)) => format!("{model}Headers"),
                ResponseBody::Json(_) => continue, // lists and maps: no named type to hang a trait on
                ResponseBody::Binary => "BinaryResponseHeaders".to_string(),
                ResponseBody::Text => "TextResponseHeaders".to_string(),
            };
            let headers = by_type.entry((trait_name, response.body.clone())).or_default();
            for header in &response.headers {
                let entry = headers.entry(header.wire_name.clone()).or_insert_with(|| (header.clone(), Vec::new()));
                if entry.0.ty != header.ty {
                    entry.0.ty = TypeRef::String; // declared differently by two operations: read as text
                }
                if !entry.1.contains(&op.operation_id) {
                    entry.1.push(op.operation_id.clone());
                }
            }
        }
    }
    by_type
}

/// How to read a header of type `ty`: the parser of `acs_rest_core::headers`, and the value type.
fn header_reader(ty: &TypeRef, service: &Service) -> (TokenStream, TokenStream) {
    let value = model_type(ty);
    let parser = match ty {
        TypeRef::DateTime(DateTimeFormat::Rfc3339) => quote!(acs_rest_core::headers::rfc3339),
        TypeRef::DateTime(DateTimeFormat::Rfc7231) => quote!(acs_rest_core::headers::http_date),
        TypeRef::DateTime(DateTimeFormat::Unix) => quote!(acs_rest_core::headers::unix_time),
        TypeRef::Date => quote!(acs_rest_core::headers::date),
        TypeRef::Duration => quote!(acs_rest_core::headers::duration),
        TypeRef::Bytes(_) => quote!(acs_rest_core::headers::base64),
        TypeRef::Named(name) if matches!(service.types.get(name), Some(TypeDef::Enum(_))) => {
            quote!(acs_rest_core::headers::parse::<#value>)
        }
        TypeRef::String | TypeRef::Named(_) | TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Any => {
            return (quote!(acs_rest_core::headers::parse::<String>), quote!(String));
        }
        _ => quote!(acs_rest_core::headers::parse::<#value>),
    };
    (parser, value)
}

/// The code of `src/headers.rs`: one trait per response type that has declared headers.
pub fn headers_file(service: &Service) -> Option<TokenStream> {
    let by_type = headers_by_type(service);
    if by_type.is_empty() {
        return None;
    }
    let traits = by_type.into_iter().map(|((trait_name, body), headers)| {
        let trait_ident = ident(&trait_name);
        let target = body_response_type(&body);
        let mut used = BTreeMap::new();
        let mut declarations = Vec::new();
        let mut implementations = Vec::new();
        for (wire, (header, operations)) in headers {
            let mut accessor = header.name.clone();
            if RESPONSE_METHODS.contains(&bare(&accessor)) || used.contains_key(&accessor) {
                accessor = value_name(&format!("{wire}_header"));
            }
            used.insert(accessor.clone(), ());
            let accessor = ident(&accessor);
            let ops = operations.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", ");
            if let Some(prefix) = &header.prefix {
                let text = format!(
                    "{}\n\nEvery `{prefix}*` header, declared by {ops}, by the rest of its name (lowercase); empty when there are none.",
                    header.doc
                );
                let docs = doc_attrs(&text, &format!("The `{prefix}*` headers."));
                let prefix = crate::emit::lit(prefix);
                declarations.push(quote! {
                    #docs
                    fn #accessor(&self) -> ::std::collections::HashMap<String, String>;
                });
                implementations.push(quote! {
                    fn #accessor(&self) -> ::std::collections::HashMap<String, String> {
                        acs_rest_core::headers::collection(self.headers(), #prefix)
                    }
                });
                continue;
            }
            let (parser, value) = header_reader(&header.ty, service);
            let fallback = format!("The `{wire}` header.");
            let docs = doc_attrs(&format!("{}\n\nThe `{wire}` header, declared by {ops}; `None` when absent.", header.doc), &fallback);
            let wire_literal = crate::emit::lit(&wire);
            declarations.push(quote! {
                #docs
                fn #accessor(&self) -> azure_core::Result<Option<#value>>;
            });
            implementations.push(quote! {
                fn #accessor(&self) -> azure_core::Result<Option<#value>> {
                    acs_rest_core::headers::read(self.headers(), #wire_literal, #parser)
                }
            });
        }
        let doc = " The headers the spec declares on these responses, as typed values (an invalid value is an error naming the header).".to_string();
        quote! {
            #[doc = #doc]
            pub trait #trait_ident {
                #( #declarations )*
            }

            impl #trait_ident for #target {
                #( #implementations )*
            }
        }
    });
    Some(quote! { #( #traits )* })
}
