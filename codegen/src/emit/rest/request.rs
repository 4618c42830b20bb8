//! The statements that build a request: the path with encoded parameters, the query, the headers
//! (repeatability ids included) and the body.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};

use super::model_type;
use crate::emit::{ident, lit};
use crate::ir::*;

/// The argument type of a required parameter.
pub(crate) fn arg_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(&str),
        TypeRef::Array(inner) => {
            let inner = model_type(inner);
            quote!(&[#inner])
        }
        TypeRef::Named(_) | TypeRef::Map(_) | TypeRef::Any | TypeRef::Bytes(_) => {
            let ty = model_type(ty);
            quote!(&#ty)
        }
        other => model_type(other),
    }
}

/// Whether values of `ty` are `Copy` (no `clone` needed).
pub(crate) fn is_copy(ty: &TypeRef, service: &Service) -> bool {
    match ty {
        TypeRef::Bool
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::F32
        | TypeRef::F64
        | TypeRef::DateTime(_)
        | TypeRef::Date
        | TypeRef::Duration
        | TypeRef::Uuid => true,
        TypeRef::Named(name) => matches!(service.types.get(name), Some(TypeDef::Enum(e)) if !e.extensible),
        _ => false,
    }
}

/// Whether values of `ty` are written as JSON text (object-typed parameters).
fn is_json_text(ty: &TypeRef, service: &Service) -> bool {
    match ty {
        TypeRef::Any | TypeRef::Map(_) => true,
        TypeRef::Named(name) => {
            !matches!(service.types.get(name), Some(TypeDef::Enum(_))) && !is_alias_to_scalar(name, service)
        }
        _ => false,
    }
}

fn is_alias_to_scalar(name: &str, service: &Service) -> bool {
    match service.types.get(name) {
        Some(TypeDef::Alias(a)) => match &a.target {
            TypeRef::Named(inner) => {
                matches!(service.types.get(inner), Some(TypeDef::Enum(_))) || is_alias_to_scalar(inner, service)
            }
            TypeRef::Any | TypeRef::Map(_) | TypeRef::Array(_) => false,
            _ => true,
        },
        _ => false,
    }
}

/// An expression of type `String` for `value`, a reference to a value of type `ty` (written as a
/// function argument, never as a method receiver, so `&x` needs no parentheses).
pub(crate) fn text_expr(value: TokenStream, ty: &TypeRef, service: &Service) -> TokenStream {
    match ty {
        TypeRef::DateTime(DateTimeFormat::Rfc3339) => quote!(acs_rest_core::headers::text::rfc3339(#value)),
        TypeRef::DateTime(DateTimeFormat::Rfc7231) => quote!(acs_rest_core::headers::text::http_date(#value)),
        TypeRef::DateTime(DateTimeFormat::Unix) => quote!(acs_rest_core::headers::text::unix_time(#value)),
        TypeRef::Date => quote!(acs_rest_core::headers::text::date(#value)),
        TypeRef::Duration => quote!(acs_rest_core::headers::text::duration(#value)),
        TypeRef::Bytes(_) => quote!(acs_rest_core::headers::text::base64(#value)),
        TypeRef::Array(inner) => joined(value, inner, ",", service),
        other if is_json_text(other, service) => quote!(acs_rest_core::headers::text::json(#value)?),
        _ => quote!(ToString::to_string(#value)),
    }
}

/// The items of the array `value` (a reference), each as text, joined by `separator`.
fn joined(value: TokenStream, item_type: &TypeRef, separator: &str, service: &Service) -> TokenStream {
    let item = text_expr(quote!(item), item_type, service);
    let to_text = if item.to_string() == quote!(ToString::to_string(item)).to_string() {
        quote!(ToString::to_string)
    } else {
        quote!(|item| #item)
    };
    quote!(acs_rest_core::url::join(IntoIterator::into_iter(#value).map(#to_text), #separator))
}

/// The text of a parameter's value (a reference), arrays joined as its collection format says.
fn param_text(value: TokenStream, p: &Param, service: &Service) -> TokenStream {
    match (&p.ty, p.collection) {
        (TypeRef::Array(inner), Collection::Joined(separator)) => joined(value, inner, separator, service),
        (ty, _) => text_expr(value, ty, service),
    }
}

/// Where a parameter's value is, as a reference: an argument, an option, or the client.
fn source(p: &Param) -> TokenStream {
    let name = ident(&p.name);
    match (p.client, p.required) {
        (true, true) => quote!(&client_.#name),
        (true, false) => quote!(client_.#name.as_ref()),
        (false, true) => match p.ty {
            TypeRef::String
            | TypeRef::Array(_)
            | TypeRef::Named(_)
            | TypeRef::Map(_)
            | TypeRef::Any
            | TypeRef::Bytes(_) => quote!(#name),
            _ => quote!(&#name),
        },
        (false, false) => quote!(options.#name.as_ref()),
    }
}

/// The encoded path expression (`&str`) of an operation.
pub(crate) fn path_expr(op: &Operation, service: &Service) -> TokenStream {
    let mut format = String::new();
    let mut args = Vec::new();
    for part in &op.path.parts {
        match part {
            PathPart::Literal(text) => format.push_str(&text.replace('{', "{{").replace('}', "}}")),
            PathPart::Param(wire) => {
                let param = op
                    .params
                    .iter()
                    .find(|p| p.location == ParamLocation::Path && &p.wire_name == wire)
                    .expect("lowering checked path parameters");
                let value = match &param.constant {
                    Some(constant) => {
                        let constant = lit(constant);
                        quote!(#constant.to_string())
                    }
                    None if param.ty == TypeRef::String => source(param),
                    None => param_text(source(param), param, service),
                };
                let reference = if param.ty == TypeRef::String && param.constant.is_none() {
                    value.clone()
                } else {
                    quote!(&#value)
                };
                args.push(if param.skip_url_encoding {
                    value
                } else {
                    quote!(acs_rest_core::url::encode_path_segment(#reference))
                });
                format.push_str("{}");
            }
        }
    }
    if !op.path.fixed_query.is_empty() {
        format.push('?');
        format.push_str(&op.path.fixed_query.replace('{', "{{").replace('}', "}}"));
    }
    if args.is_empty() {
        lit(&format).into_token_stream()
    } else {
        let format = lit(&format);
        quote!(&format!(#format, #( #args ),*))
    }
}

/// The statements that add the query parameters (and api-version) to `url_`.
pub(crate) fn query_block(op: &Operation, service: &Service) -> TokenStream {
    let statements: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .map(|p| {
            let wire = lit(&p.wire_name);
            if let Some(constant) = &p.constant {
                let constant = lit(constant);
                return quote!(query_.append_pair(#wire, #constant););
            }
            let append = |value: TokenStream| match (&p.ty, p.collection) {
                (TypeRef::Array(inner), Collection::Multi) => {
                    let item = text_expr(quote!(item), inner, service);
                    quote! { for item in IntoIterator::into_iter(#value) { query_.append_pair(#wire, &#item); } }
                }
                (TypeRef::String, _) => quote! { query_.append_pair(#wire, #value); },
                _ => {
                    let text = param_text(value, p, service);
                    quote! { query_.append_pair(#wire, &#text); }
                }
            };
            if p.required {
                append(source(p))
            } else {
                let inner = append(quote!(value));
                let value_source = source(p);
                quote! { if let Some(value) = #value_source { #inner } }
            }
        })
        .collect();
    let api_version = op.api_version.then(|| quote!(query_.append_pair("api-version", client_.core.api_version());));
    if api_version.is_none() && statements.is_empty() {
        return quote!();
    }
    quote! {
        {
            let mut query_ = url_.query_pairs_mut();
            #api_version
            #( #statements )*
        }
    }
}

/// The statements that set the request's headers (other than content-type).
pub(crate) fn header_statements(op: &Operation, service: &Service) -> Vec<TokenStream> {
    op.params
        .iter()
        .filter(|p| p.location == ParamLocation::Header)
        .map(|p| {
            let wire = lit(&p.wire_name.to_ascii_lowercase());
            let name = ident(&p.name);
            if let Some(constant) = &p.constant {
                let constant = lit(constant);
                return quote!(request_.insert_header(#wire, #constant););
            }
            if let Some(prefix) = &p.header_prefix {
                let prefix = lit(prefix);
                let values = source(p);
                return if p.required {
                    quote!(acs_rest_core::headers::insert_collection(&mut request_, #prefix, #values)?;)
                } else {
                    quote! {
                        if let Some(values) = #values {
                            acs_rest_core::headers::insert_collection(&mut request_, #prefix, values)?;
                        }
                    }
                };
            }
            match p.repeatability {
                Some(Repeatability::RequestId) => {
                    let fresh = match p.ty {
                        TypeRef::Uuid => quote!(acs_rest_core::repeatability::request_uuid),
                        _ => quote!(acs_rest_core::repeatability::request_id),
                    };
                    let text = text_expr(quote!(&repeatability_id_), &p.ty, service);
                    let value = if is_copy(&p.ty, service) { quote!(options.#name) } else { quote!(options.#name.clone()) };
                    return quote! {
                        let repeatability_id_ = #value.unwrap_or_else(#fresh);
                        request_.insert_header(#wire, #text);
                    };
                }
                Some(Repeatability::FirstSent) => {
                    return match p.ty {
                        TypeRef::DateTime(_) => quote! {
                            request_.insert_header(#wire, acs_rest_core::headers::text::http_date(&options.#name.unwrap_or_else(acs_rest_core::repeatability::first_sent)));
                        },
                        _ => quote! {
                            request_.insert_header(#wire, options.#name.clone().map(|v| v.to_string()).unwrap_or_else(|| acs_rest_core::headers::text::http_date(&acs_rest_core::repeatability::first_sent())));
                        },
                    };
                }
                None => {}
            }
            if p.required {
                let text = param_text(source(p), p, service);
                quote! { request_.insert_header(#wire, #text); }
            } else {
                let value_source = source(p);
                let text = param_text(quote!(value), p, service);
                quote! { if let Some(value) = #value_source { request_.insert_header(#wire, #text); } }
            }
        })
        .collect()
}

/// The statements that set the body and its content type.
pub(crate) fn body_statements(op: &Operation, service: &Service) -> TokenStream {
    let empty_content_type = op.empty_body_content_type.as_ref().map(|media| {
        let media = lit(media);
        quote!(request_.insert_header("content-type", #media);)
    });
    let Some(body) = &op.body else { return quote!(#empty_content_type) };
    if let BodyKind::Form(fields) = &body.kind {
        return form_statements(fields, body.media_types.first().is_some_and(|m| m.starts_with("multipart/")), service);
    }
    let name = ident(&body.name);
    let content_type = if body.media_types.len() > 1 && !matches!(body.kind, BodyKind::Json(_)) {
        quote!(content_type.to_string())
    } else {
        let media = lit(body.media_types.first().map(String::as_str).unwrap_or("application/json"));
        quote!(#media)
    };
    // A required body is an `impl Into<…>` argument; an optional one already has its type.
    let set = match body.kind {
        BodyKind::Json(_) => quote!(request_.set_body(body_);),
        BodyKind::Binary if !body.required => quote!(request_.set_body(body_);),
        BodyKind::Text if !body.required => quote!(request_.set_body(azure_core::Bytes::from(body_));),
        BodyKind::Binary => quote! {
            let bytes_: azure_core::Bytes = body_.into();
            request_.set_body(bytes_);
        },
        BodyKind::Text | BodyKind::Form(_) => quote! {
            let text_: String = body_.into();
            request_.set_body(azure_core::Bytes::from(text_));
        },
    };
    if body.required {
        quote! {
            let body_ = #name;
            request_.insert_header("content-type", #content_type);
            #set
        }
    } else {
        let otherwise = empty_content_type.map(|set| quote!(else { #set }));
        quote! {
            if let Some(body_) = options.#name {
                request_.insert_header("content-type", #content_type);
                #set
            } #otherwise
        }
    }
}

/// The statements that build a form body from its fields (arguments and options).
fn form_statements(fields: &[FormField], multipart: bool, service: &Service) -> TokenStream {
    let constructor = if multipart { quote!(multipart) } else { quote!(urlencoded) };
    let parts = fields.iter().map(|field| {
        let wire = lit(&field.wire_name);
        let name = ident(&field.name);
        let add = |value: TokenStream| match &field.ty {
            None => quote!(form_.file(#wire, #value);),
            Some(TypeRef::Array(inner)) => {
                let item = text_expr(quote!(item), inner, service);
                quote! { for item in IntoIterator::into_iter(#value) { form_.text(#wire, #item); } }
            }
            Some(ty) => {
                let text = text_expr(value, ty, service);
                quote!(form_.text(#wire, #text);)
            }
        };
        match (field.required, &field.ty) {
            (true, None) => add(quote!(#name)),
            (
                true,
                Some(
                    TypeRef::String
                    | TypeRef::Array(_)
                    | TypeRef::Named(_)
                    | TypeRef::Map(_)
                    | TypeRef::Any
                    | TypeRef::Bytes(_),
                ),
            ) => add(quote!(#name)),
            (true, Some(_)) => add(quote!(&#name)),
            (false, None) => {
                let inner = add(quote!(value));
                quote! { if let Some(value) = options.#name.clone() { #inner } }
            }
            (false, Some(_)) => {
                let inner = add(quote!(value));
                quote! { if let Some(value) = options.#name.as_ref() { #inner } }
            }
        }
    });
    quote! {
        let mut form_ = acs_rest_core::form::Form::#constructor();
        #( #parts )*
        let (content_type_, form_body_) = form_.finish();
        request_.insert_header("content-type", content_type_);
        request_.set_body(form_body_);
    }
}
