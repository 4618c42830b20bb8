//! One operation: its options struct and its method (plain, list, or long-running).

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::request::{arg_type, body_statements, header_statements, path_expr, query_block};
use super::responses::{body_response_type, response_enum, response_enum_name};
use super::{model_type, one_line};
use crate::emit::docs::doc_attrs;
use crate::emit::{ident, lit};
use crate::ir::*;
use crate::names::{bare, name_part};

/// What one operation adds to its group's module.
pub(crate) struct OperationTokens {
    pub(crate) method: TokenStream,
    pub(crate) options: TokenStream,
    pub(crate) response_enum: Option<TokenStream>,
}

fn method_tokens(method: Method) -> TokenStream {
    match method {
        Method::Get => quote!(azure_core::http::Method::Get),
        Method::Put => quote!(azure_core::http::Method::Put),
        Method::Post => quote!(azure_core::http::Method::Post),
        Method::Patch => quote!(azure_core::http::Method::Patch),
        Method::Delete => quote!(azure_core::http::Method::Delete),
        Method::Head => quote!(azure_core::http::Method::Head),
    }
}

/// The method's name: `begin_` before long-running operations, as `azure_core` clients name them.
pub fn method_name(op: &Operation) -> String {
    if op.lro.is_some() {
        format!("begin_{}", bare(&op.name))
    } else {
        op.name.clone()
    }
}

/// The `OPERATION` constant of a method.
fn operation_const(op: &Operation) -> TokenStream {
    let id = lit(&op.operation_id);
    let successes = op.responses.iter().map(|r| match r.status {
        StatusMatch::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote!(acs_rest_core::Success::Code(#code))
        }
        StatusMatch::Class(class) => {
            let class = Literal::u16_unsuffixed(class);
            quote!(acs_rest_core::Success::Class(#class))
        }
    });
    let retry = match op.retry {
        RetryClass::Safe => quote!(acs_rest_core::Retry::Safe),
        RetryClass::AtMostOnce => quote!(acs_rest_core::Retry::AtMostOnce),
    };
    quote! {
        const OPERATION: acs_rest_core::Operation = acs_rest_core::Operation::new(#id, &[#( #successes ),*], #retry);
    }
}

pub(crate) fn operation_tokens(
    op: &Operation,
    service: &Service,
    options_prefix: &str,
    on_client: bool,
) -> OperationTokens {
    let options_type = format_ident!("{}{}Options", options_prefix, name_part(bare(&op.name)));
    let method_options_type = if op.paging.is_some() {
        quote!(azure_core::http::pager::PagerOptions<'a>)
    } else if op.lro.is_some() {
        quote!(azure_core::http::poller::PollerOptions<'a>)
    } else {
        quote!(azure_core::http::ClientMethodOptions<'a>)
    };
    let owned = op.paging.is_some() || op.lro.is_some();

    // Options: every optional parameter (repeatability ids included), the optional body, the method options.
    let optional: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| (!p.required || p.repeatability.is_some()) && !p.client && p.constant.is_none())
        .collect();
    let mut option_fields = Vec::new();
    let mut owned_fields = Vec::new();
    for p in &optional {
        let mut doc = p.doc.clone();
        if p.repeatability.is_some() {
            doc.push_str("\n\nFilled automatically (once per call, the same on every retry) when not given.");
        }
        let docs = doc_attrs(&doc, &format!("The `{}` parameter.", p.wire_name));
        let name = ident(&p.name);
        let ty = model_type(&p.ty);
        option_fields.push(quote! { #docs pub #name: Option<#ty>, });
        owned_fields.push(name);
    }
    if let Some(Body { kind: BodyKind::Form(fields), .. }) = &op.body {
        for field in fields.iter().filter(|f| !f.required) {
            let docs = doc_attrs(&field.doc, &format!("The `{}` field of the form.", field.wire_name));
            let name = ident(&field.name);
            let ty = field.ty.as_ref().map(model_type).unwrap_or_else(|| quote!(azure_core::Bytes));
            option_fields.push(quote! { #docs pub #name: Option<#ty>, });
            owned_fields.push(name);
        }
    } else if let Some(body) = op.body.as_ref().filter(|b| !b.required) {
        let docs = doc_attrs(&body.doc, "The request body.");
        let name = ident(&body.name);
        let ty = match &body.kind {
            BodyKind::Json(ty) => {
                let ty = model_type(ty);
                quote!(azure_core::http::RequestContent<#ty>)
            }
            BodyKind::Binary => quote!(azure_core::Bytes),
            BodyKind::Text | BodyKind::Form(_) => quote!(String),
        };
        option_fields.push(quote! { #docs pub #name: Option<#ty>, });
        owned_fields.push(name);
    }
    let options_doc = format!(" Optional parameters of `{}`.", op.operation_id);
    let into_owned = owned.then(|| {
        let rebuilt = if op.lro.is_some() {
            quote!(azure_core::http::poller::PollerOptions {
                context: self.method_options.context.into_owned(),
                frequency: self.method_options.frequency
            })
        } else {
            quote!(azure_core::http::pager::PagerOptions {
                context: self.method_options.context.into_owned(),
                continuation: self.method_options.continuation
            })
        };
        quote! {
            impl #options_type<'_> {
                /// These options with an owned context, as the pager or poller needs.
                pub fn into_owned(self) -> #options_type<'static> {
                    #options_type {
                        #( #owned_fields: self.#owned_fields, )*
                        method_options: #rebuilt,
                    }
                }
            }
        }
    });
    let options = quote! {
        #[doc = #options_doc]
        #[derive(Clone, Default)]
        pub struct #options_type<'a> {
            #( #option_fields )*
            /// Options for this call: its context, and for lists the page to resume from, for
            /// long-running operations the polling frequency.
            pub method_options: #method_options_type,
        }

        impl ::std::fmt::Debug for #options_type<'_> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!(#options_type)).finish_non_exhaustive()
            }
        }

        #into_owned
    };

    // Arguments: required parameters, then the required body (and its content type when it has several).
    let required: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| p.required && !p.client && p.constant.is_none() && p.repeatability.is_none())
        .collect();
    let mut args: Vec<TokenStream> = required
        .iter()
        .map(|p| {
            let name = ident(&p.name);
            let ty = arg_type(&p.ty);
            quote!(#name: #ty)
        })
        .collect();
    let mut param_docs: Vec<String> =
        required.iter().map(|p| format!("- `{}`: {}", bare(&p.name), one_line(&p.doc))).collect();
    if let Some(Body { kind: BodyKind::Form(fields), .. }) = &op.body {
        for field in fields.iter().filter(|f| f.required) {
            let name = ident(&field.name);
            let ty = match &field.ty {
                Some(ty) => arg_type(ty),
                None => quote!(impl Into<azure_core::Bytes>),
            };
            args.push(quote!(#name: #ty));
            param_docs.push(format!("- `{}`: {}", bare(&field.name), one_line(&field.doc)));
        }
    } else if let Some(body) = &op.body {
        let name = ident(&body.name);
        if body.required {
            let ty = match &body.kind {
                BodyKind::Json(ty) => {
                    let ty = model_type(ty);
                    quote!(azure_core::http::RequestContent<#ty>)
                }
                BodyKind::Binary => quote!(impl Into<azure_core::Bytes>),
                BodyKind::Text | BodyKind::Form(_) => quote!(impl Into<String>),
            };
            args.push(quote!(#name: #ty));
            param_docs.push(format!("- `{}`: {}", bare(&body.name), one_line(&body.doc)));
        }
        if body.media_types.len() > 1 && !matches!(body.kind, BodyKind::Json(_)) {
            args.push(quote!(content_type: &str));
            param_docs.push(format!(
                "- `content_type`: the body's media type, one of {}.",
                body.media_types.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
            ));
        }
    }

    // Doc: the spec's text, then the HTTP line, the parameters, the retry rule and the errors.
    let mut doc = op.doc.clone();
    if doc.trim().is_empty() {
        doc = format!("The `{}` operation.", op.operation_id);
    }
    let mut details = vec![format!("`{} {}` (`{}`).", op.method.as_str(), op.path.text, op.operation_id)];
    if !param_docs.is_empty() {
        details.push(String::new());
        details.push("Parameters:".to_string());
        details.extend(param_docs);
    }
    details.push(String::new());
    details.push(match op.retry {
        RetryClass::Safe => "Retried on transient failures (the operation is idempotent or carries a repeatability id).".to_string(),
        RetryClass::AtMostOnce => "Sent at most once: retried only when the request provably did not reach the service; otherwise a failure is an \"outcome unknown\" error (`acs_rest_core::ErrorExt::is_outcome_unknown`).".to_string(),
    });
    if let Some(error) = &op.error {
        let shown = match error {
            TypeRef::Named(name) => format!("crate::models::{name}"),
            other => model_type(other).to_string().replace(' ', ""),
        };
        details.push(String::new());
        details.push(format!(
            "A status other than the declared successes is an error; its body is readable with `acs_rest_core::ErrorExt::error_model::<{shown}>()`."
        ));
    }
    let docs = doc_attrs(&doc, "");
    let details: Vec<String> =
        details.iter().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") }).collect();
    let visibility = if op.internal { quote!(#[doc(hidden)] pub) } else { quote!(pub) };
    let name = ident(&method_name(op));
    let client_expr = if on_client { quote!(self) } else { quote!(self.client) };

    let constant = operation_const(op);
    let path = path_expr(op, service);
    let query = query_block(op, service);
    let http_method = method_tokens(op.method);
    let accept = op.accept.as_ref().map(|accept| {
        let accept = lit(accept);
        quote!(request_.insert_header("accept", #accept);)
    });
    let headers = header_statements(op, service);
    let body = body_statements(op, service);
    let url_binding = if query.is_empty() { quote!(url_) } else { quote!(mut url_) };
    // Sending borrows the request mutably; a pager or poller takes it as built.
    let request_mutated = accept.is_some() || !headers.is_empty() || !body.is_empty();
    let request_binding = if request_mutated || (op.paging.is_none() && op.lro.is_none()) {
        quote!(mut request_)
    } else {
        quote!(request_)
    };
    let build = quote! {
        let client_ = #client_expr;
        let #url_binding = client_.core.url(#path);
        #query
        let #request_binding = azure_core::http::Request::new(url_, #http_method);
        #accept
        #( #headers )*
        #body
    };

    let mut response_enum_tokens = None;
    let method = if let Some(paging) = &op.paging {
        let page = ident(&paging.page);
        let items = lit(&paging.item_field);
        let next_link = match &paging.next_link_field {
            Some(field) => {
                let field = lit(field);
                quote!(Some(#field))
            }
            None => quote!(None),
        };
        let api_version = op.api_version;
        quote! {
            #docs
            #[doc = ""]
            #( #[doc = #details] )*
            #visibility fn #name(&self, #( #args, )* options: Option<#options_type<'_>>) -> azure_core::Result<azure_core::http::Pager<crate::models::#page>> {
                #constant
                let options = options.unwrap_or_default().into_owned();
                #build
                let spec_ = acs_rest_core::PageSpec { items: #items, next_link: #next_link, api_version: #api_version };
                Ok(client_.core.pager(request_, OPERATION, spec_, options.method_options))
            }
        }
    } else if let Some(lro) = &op.lro {
        let output = lro.output.as_ref().map(model_type).unwrap_or_else(|| quote!(()));
        let monitor = match &lro.monitor {
            Some(model) => {
                let model = ident(model);
                quote!(crate::models::#model)
            }
            None => quote!(acs_rest_core::OperationStatus<#output>),
        };
        let via = match lro.final_state_via {
            None => quote!(None),
            Some(FinalStateVia::AzureAsyncOperation) => quote!(Some(acs_rest_core::FinalStateVia::AzureAsyncOperation)),
            Some(FinalStateVia::Location) => quote!(Some(acs_rest_core::FinalStateVia::Location)),
            Some(FinalStateVia::OperationLocation) => quote!(Some(acs_rest_core::FinalStateVia::OperationLocation)),
            Some(FinalStateVia::OriginalUri) => quote!(Some(acs_rest_core::FinalStateVia::OriginalUri)),
        };
        let api_version = op.api_version;
        quote! {
            #docs
            #[doc = ""]
            #( #[doc = #details] )*
            #[doc = ""]
            #[doc = " A long-running operation: the poller sends the request when first polled, then polls its status; await it for the final result, or iterate it for each status."]
            #visibility fn #name(&self, #( #args, )* options: Option<#options_type<'_>>) -> azure_core::Result<azure_core::http::Poller<#monitor>> {
                #constant
                let options = options.unwrap_or_default().into_owned();
                #build
                let spec_ = acs_rest_core::LroSpec { final_state_via: #via, api_version: #api_version };
                client_.core.poller(request_, OPERATION, spec_, options.method_options)
            }
        }
    } else {
        let (return_type, finish) = match op.single_body() {
            Some(body) => (body_response_type(body), quote!(Ok(response_.into()))),
            None => {
                let enum_name = response_enum_name(op, options_prefix);
                let (tokens, finish) = response_enum(op, &enum_name);
                response_enum_tokens = Some(tokens);
                let enum_name = ident(&enum_name);
                (quote!(#enum_name), finish)
            }
        };
        quote! {
            #docs
            #[doc = ""]
            #( #[doc = #details] )*
            #visibility async fn #name(&self, #( #args, )* options: Option<#options_type<'_>>) -> azure_core::Result<#return_type> {
                #constant
                let options = options.unwrap_or_default();
                #build
                let response_ = client_.core.send(&options.method_options.context, &mut request_, &OPERATION).await?;
                #finish
            }
        }
    };
    OperationTokens { method, options, response_enum: response_enum_tokens }
}
