//! The REST crate: a low-level client on `azure_core` with one async method per operation and one
//! options struct per operation.

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};

use super::docs::doc_attrs;
use super::{ident, lit};
use crate::ir::*;
use crate::names::{bare, type_name};

/// Names the REST crate needs: its client type and the models crate it re-exports.
pub struct RestNames<'a> {
    /// The client type, e.g. `ChatRestClient`.
    pub client: &'a str,
    /// The models crate, e.g. `acs_chat_models`.
    pub models_crate: &'a str,
}

/// A model type as seen from the REST crate.
fn model_type(ty: &TypeRef) -> TokenStream {
    super::models::scoped_type(ty, super::models::TypeScope::Rest)
}

/// The argument type of a required parameter.
fn arg_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(&str),
        TypeRef::Array(inner) => {
            let inner = model_type(inner);
            quote!(&[#inner])
        }
        other => model_type(other),
    }
}

/// An expression of type `&str` for `value` of type `ty`; `by_ref` says whether `value` is a reference.
fn str_expr(value: TokenStream, ty: &TypeRef, by_ref: bool) -> TokenStream {
    match ty {
        TypeRef::String => value,
        TypeRef::Named(_) => quote!(#value.as_str()),
        TypeRef::DateTime if by_ref => quote!(&azure_core::time::to_rfc3339(#value)),
        TypeRef::DateTime => quote!(&azure_core::time::to_rfc3339(&#value)),
        _ => quote!(&#value.to_string()),
    }
}

/// An expression of type `String` for `value` of type `ty`; `by_ref` says whether `value` is a reference.
fn string_expr(value: TokenStream, ty: &TypeRef, by_ref: bool) -> TokenStream {
    match ty {
        TypeRef::Named(_) => quote!(#value.as_str().to_string()),
        TypeRef::DateTime if by_ref => quote!(azure_core::time::to_rfc3339(#value)),
        TypeRef::DateTime => quote!(azure_core::time::to_rfc3339(&#value)),
        _ => quote!(#value.to_string()),
    }
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

fn method_name(method: Method) -> &'static str {
    match method {
        Method::Get => "GET",
        Method::Put => "PUT",
        Method::Post => "POST",
        Method::Patch => "PATCH",
        Method::Delete => "DELETE",
        Method::Head => "HEAD",
    }
}

/// The accessor and struct names of an operation group.
pub fn group_names(group: &OperationGroup) -> (String, String) {
    let base = group.name.strip_suffix("Operations").filter(|b| !b.is_empty()).unwrap_or(&group.name);
    (base.to_snake_case(), format!("{base}Operations"))
}

/// The module file name of an operation group.
pub fn group_module(group: &OperationGroup) -> String {
    let (accessor, _) = group_names(group);
    if accessor.is_empty() {
        "operations".to_string()
    } else {
        accessor
    }
}

/// The code of `src/client.rs`: the client, its options, and shared helpers.
pub fn client_file(service: &Service, names: &RestNames<'_>) -> TokenStream {
    let client = ident(names.client);
    let options = format_ident!("{}Options", names.client);
    let api_version = lit(&service.api_version);
    let endpoint_doc = service
        .endpoint
        .as_ref()
        .map(|e| e.doc.clone())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "The service endpoint.".to_string());
    let endpoint_doc = format!(" `endpoint`: {}", super::docs::escape_line(&endpoint_doc));
    let (prefix, suffix) = match &service.endpoint {
        Some(e) => {
            let placeholder = format!("{{{}}}", e.wire_name);
            let (prefix, suffix) = e.template.split_once(&placeholder).unwrap_or(("", ""));
            (prefix.to_string(), suffix.to_string())
        }
        None => (String::new(), String::new()),
    };
    let build_endpoint = if prefix.is_empty() && suffix.is_empty() {
        quote!(endpoint)
    } else {
        let prefix = lit(&prefix);
        let suffix = lit(&suffix);
        quote!(&format!("{}{}{}", #prefix, endpoint, #suffix))
    };
    let accessors = service.groups.iter().filter(|g| !g.name.is_empty()).map(|group| {
        let (accessor, ty) = group_names(group);
        let accessor = ident(&accessor);
        let ty = ident(&ty);
        let doc = format!("The operations of the `{}` group.", group.name);
        quote! {
            #[doc = #doc]
            pub fn #accessor(&self) -> crate::#ty<'_> {
                crate::#ty { client: self }
            }
        }
    });
    let error_models: BTreeSet<&TypeRef> =
        service.groups.iter().flat_map(|g| &g.operations).filter_map(|o| o.error.as_ref()).collect();
    let error_fns = error_models.into_iter().map(|ty| {
        let model = model_type(ty);
        let TypeRef::Named(name) = ty else { return quote!() };
        let fn_name = ident(&crate::names::value_name(name));
        let doc = format!(" The service's error body (`{name}`) carried by a failed call's error, when it sent one.");
        quote! {
            #[doc = #doc]
            ///
            /// Every operation's error for an unexpected status keeps the response; this reads its body.
            pub fn #fn_name(error: &azure_core::Error) -> Option<#model> {
                match error.kind() {
                    azure_core::error::ErrorKind::HttpResponse { raw_response: Some(response), .. } => {
                        azure_core::json::from_json(response.body()).ok()
                    }
                    _ => None,
                }
            }
        }
    });
    let default_doc = format!(" The api-version this crate was generated for: `{}`.", service.api_version);
    // Client parameters: required ones are constructor arguments, optional ones client options.
    let (required_params, optional_params): (Vec<&Param>, Vec<&Param>) =
        service.client_params.iter().partition(|p| p.required);
    let constructor_args = required_params.iter().map(|p| {
        let name = ident(&p.name);
        let ty = arg_type(&p.ty);
        quote!(#name: #ty)
    });
    let constructor_docs = required_params.iter().map(|p| format!(" `{}`: {}", bare(&p.name), one_line(&p.doc)));
    let client_fields = service.client_params.iter().map(|p| {
        let name = ident(&p.name);
        let ty = model_type(&p.ty);
        if p.required {
            quote!(pub(crate) #name: #ty,)
        } else {
            quote!(pub(crate) #name: Option<#ty>,)
        }
    });
    let client_inits = service.client_params.iter().map(|p| {
        let name = ident(&p.name);
        match (&p.ty, p.required) {
            (_, false) => quote!(#name: options.#name,),
            (TypeRef::String, true) => quote!(#name: #name.to_string(),),
            (TypeRef::Array(_), true) => quote!(#name: #name.to_vec(),),
            (_, true) => quote!(#name,),
        }
    });
    let option_fields = optional_params.iter().map(|p| {
        let docs =
            doc_attrs(&p.doc, &format!("The `{}` parameter, sent with every request that takes it.", p.wire_name));
        let name = ident(&p.name);
        let ty = model_type(&p.ty);
        quote!(#docs pub #name: Option<#ty>,)
    });
    let option_defaults = optional_params.iter().map(|p| {
        let name = ident(&p.name);
        quote!(#name: None,)
    });
    quote! {
        use std::sync::Arc;

        use azure_core::http::{policies::Policy, ClientOptions, Pipeline, Url};

        #[doc = #default_doc]
        pub const DEFAULT_API_VERSION: &str = #api_version;

        /// Options for creating the client.
        #[derive(Clone, Debug)]
        pub struct #options {
            /// The `azure_core` pipeline options: retry, transport, per-call and per-try policies, logging.
            pub client_options: ClientOptions,
            /// The api-version sent with every request (defaults to [`DEFAULT_API_VERSION`]).
            pub api_version: String,
            #( #option_fields )*
        }

        impl Default for #options {
            fn default() -> Self {
                Self { client_options: ClientOptions::default(), api_version: DEFAULT_API_VERSION.to_string(), #( #option_defaults )* }
            }
        }

        /// The low-level client: one method per operation of the spec, grouped as the spec groups them.
        ///
        /// Authentication is not built in: the constructor takes the policy that signs each request
        /// (it runs on every try, after the retry policy).
        #[derive(Clone, Debug)]
        pub struct #client {
            pub(crate) endpoint: Url,
            pub(crate) api_version: String,
            pub(crate) pipeline: Pipeline,
            #( #client_fields )*
        }

        impl #client {
            /// Creates a client.
            ///
            #[doc = #endpoint_doc]
            #( #[doc = #constructor_docs] )*
            pub fn new(endpoint: &str, #( #constructor_args, )* auth_policy: Arc<dyn Policy>, options: Option<#options>) -> azure_core::Result<Self> {
                let options = options.unwrap_or_default();
                let endpoint = crate::support::parse_endpoint(#build_endpoint)?;
                crate::support::check_application_id(&options.client_options)?;
                let pipeline = Pipeline::new(
                    option_env!("CARGO_PKG_NAME"),
                    option_env!("CARGO_PKG_VERSION"),
                    options.client_options,
                    Vec::new(),
                    vec![auth_policy],
                    None,
                );
                Ok(Self { endpoint, api_version: options.api_version, pipeline, #( #client_inits )* })
            }

            /// The endpoint requests are sent to.
            pub fn endpoint(&self) -> &Url {
                &self.endpoint
            }

            /// The api-version sent with every request.
            pub fn api_version(&self) -> &str {
                &self.api_version
            }

            #( #accessors )*
        }

        #( #error_fns )*
    }
}

/// The code of one group's module.
pub fn group_file(group: &OperationGroup, names: &RestNames<'_>) -> TokenStream {
    let client = ident(names.client);
    let (_, group_type) = group_names(group);
    let group_type = ident(&group_type);
    let options_prefix = type_name(&group.name);
    let mut options_structs = Vec::new();
    let methods: Vec<_> = group
        .operations
        .iter()
        .map(|op| {
            let (method, options) = operation_tokens(op, &options_prefix);
            options_structs.push(options);
            method
        })
        .collect();
    let group_doc =
        format!(" The operations of the `{}` group, from [`{}`](crate::{}).", group.name, names.client, names.client);
    let (decl, receiver) = if group.name.is_empty() {
        (quote!(), quote!(crate::#client))
    } else {
        (
            quote! {
                #[doc = #group_doc]
                #[derive(Clone, Copy, Debug)]
                pub struct #group_type<'a> {
                    pub(crate) client: &'a crate::#client,
                }
            },
            quote!(#group_type<'_>),
        )
    };
    let client_expr = if group.name.is_empty() { quote!(self) } else { quote!(self.client) };
    let methods = methods.into_iter().map(|m| m(client_expr.clone()));
    quote! {
        #decl

        impl #receiver {
            #( #methods )*
        }

        #( #options_structs )*
    }
}

type MethodFn = Box<dyn Fn(TokenStream) -> TokenStream>;

fn operation_tokens(op: &Operation, options_prefix: &str) -> (MethodFn, TokenStream) {
    let options_type = format_ident!("{}{}Options", options_prefix, type_name(bare(&op.name)));
    let pageable = op.paging.is_some();
    let method_options_type = if pageable {
        quote!(azure_core::http::pager::PagerOptions<'a>)
    } else {
        quote!(azure_core::http::ClientMethodOptions<'a>)
    };

    // Options struct: every optional parameter, the optional body, and the method options.
    let optional: Vec<&Param> = op.params.iter().filter(|p| !p.required && !p.client).collect();
    let mut option_fields = Vec::new();
    for p in &optional {
        let docs = doc_attrs(&p.doc, &format!("The `{}` parameter.", p.wire_name));
        let name = ident(&p.name);
        let ty = model_type(&p.ty);
        option_fields.push(quote! { #docs pub #name: Option<#ty>, });
    }
    let optional_body = op.body.as_ref().filter(|b| !b.required);
    if let Some(body) = optional_body {
        let docs = doc_attrs(&body.doc, "The request body.");
        let name = ident(&body.name);
        let ty = model_type(&body.ty);
        option_fields.push(quote! { #docs pub #name: Option<azure_core::http::RequestContent<#ty>>, });
    }
    let options_doc = format!(" Optional parameters of `{}`.", op.operation_id);
    let into_owned = pageable.then(|| {
        let names: Vec<_> = optional.iter().map(|p| ident(&p.name)).collect();
        quote! {
            impl #options_type<'_> {
                /// These options with an owned context, as the pager needs.
                pub fn into_owned(self) -> #options_type<'static> {
                    #options_type {
                        #( #names: self.#names, )*
                        method_options: azure_core::http::pager::PagerOptions {
                            context: self.method_options.context.into_owned(),
                            continuation: self.method_options.continuation,
                        },
                    }
                }
            }
        }
    });
    let options_struct = quote! {
        #[doc = #options_doc]
        #[derive(Clone, Default)]
        pub struct #options_type<'a> {
            #( #option_fields )*
            /// Options for this call: context, and for lists the page to resume from.
            pub method_options: #method_options_type,
        }

        impl ::std::fmt::Debug for #options_type<'_> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!(#options_type)).finish_non_exhaustive()
            }
        }

        #into_owned
    };

    // Method signature.
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required && !p.client).collect();
    // Required client parameters are bound to references at the top of the method.
    let client_bindings: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.client && p.required)
        .map(|p| {
            let name = ident(&p.name);
            quote!(let #name = &client.#name;)
        })
        .collect();
    let mut args = Vec::new();
    for p in &required {
        let name = ident(&p.name);
        let ty = arg_type(&p.ty);
        args.push(quote!(#name: #ty));
    }
    let required_body = op.body.as_ref().filter(|b| b.required);
    if let Some(body) = required_body {
        let name = ident(&body.name);
        let ty = model_type(&body.ty);
        args.push(quote!(#name: azure_core::http::RequestContent<#ty>));
    }

    // Doc: the spec's text, then the HTTP line, then the parameters.
    let mut doc = op.doc.clone();
    if doc.trim().is_empty() {
        doc = format!("The `{}` operation.", op.operation_id);
    }
    let mut details = vec![format!("`{} {}` (`{}`).", method_name(op.method), op.path, op.operation_id)];
    let param_docs: Vec<String> = required
        .iter()
        .map(|p| format!("- `{}`: {}", bare(&p.name), one_line(&p.doc)))
        .chain(required_body.map(|b| format!("- `{}`: {}", bare(&b.name), one_line(&b.doc))))
        .collect();
    if !param_docs.is_empty() {
        details.push(String::new());
        details.push("Parameters:".to_string());
        details.extend(param_docs);
    }
    if let Some(TypeRef::Named(error)) = &op.error {
        details.push(String::new());
        details.push(format!(
            "A status other than {} is an error; its body is readable with [`crate::{}`].",
            op.success_codes.iter().map(u16::to_string).collect::<Vec<_>>().join(", "),
            crate::names::value_name(error)
        ));
    }
    let docs = doc_attrs(&doc, "");
    let details: Vec<String> = details.iter().map(|line| format!(" {line}")).collect();
    let visibility = if op.internal { quote!(#[doc(hidden)] pub) } else { quote!(pub) };
    let name = ident(&op.name);

    // URL: path with encoded parameters, then query parameters.
    let mut format_string = String::new();
    let mut format_args = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        format_string.push_str(&rest[..start].replace('{', "{{").replace('}', "}}"));
        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
        let wire = &rest[start + 1..end];
        let param = op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.wire_name == wire)
            .expect("lowering checked path parameters");
        let name = ident(&param.name);
        let value = str_expr(quote!(#name), &param.ty, param.client);
        format_args.push(if param.skip_url_encoding {
            value
        } else {
            quote!(crate::support::encode_path_segment(#value))
        });
        format_string.push_str("{}");
        rest = &rest[(end + 1).min(rest.len())..];
    }
    format_string.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    let path_expr = if format_args.is_empty() {
        lit(&op.path).into_token_stream()
    } else {
        let format_string = lit(&format_string);
        quote!(&format!(#format_string, #( #format_args ),*))
    };

    let query_statements: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .map(|p| {
            let wire = lit(&p.wire_name);
            let name = ident(&p.name);
            let source = match (p.required, p.client) {
                (true, _) => quote!(#name),
                (false, false) => quote!(options.#name),
                (false, true) => quote!(client.#name),
            };
            let append = |value: TokenStream, by_ref: bool| match &p.ty {
                TypeRef::Array(inner) if p.explode => {
                    let item = str_expr(quote!(item), inner, true);
                    quote! { for item in #value.iter() { query.append_pair(#wire, #item); } }
                }
                TypeRef::Array(inner) => {
                    let item = string_expr(quote!(item), inner, true);
                    quote! { query.append_pair(#wire, &#value.iter().map(|item| #item).collect::<Vec<_>>().join(",")); }
                }
                ty => {
                    let text = str_expr(value.clone(), ty, by_ref);
                    quote! { query.append_pair(#wire, #text); }
                }
            };
            if p.required {
                append(source, p.client)
            } else {
                let inner = append(quote!(value), true);
                quote! { if let Some(value) = &#source { #inner } }
            }
        })
        .collect();
    let api_version_pair = op.api_version.then(|| quote!(query.append_pair("api-version", &client.api_version);));
    let query_block = |url: TokenStream| {
        (api_version_pair.is_some() || !query_statements.is_empty()).then(|| {
            quote! {
                {
                    let mut query = #url.query_pairs_mut();
                    #api_version_pair
                    #( #query_statements )*
                }
            }
        })
    };
    let first_url_query = query_block(quote!(first_url));
    let url_query = query_block(quote!(url));

    let header_statements: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Header)
        .map(|p| {
            let wire = lit(&p.wire_name.to_ascii_lowercase());
            let name = ident(&p.name);
            let holder = if p.client { quote!(client) } else { quote!(options) };
            if p.required {
                let text = string_expr(quote!(#name), &p.ty, p.client);
                quote! { request.insert_header(#wire, #text); }
            } else {
                let text = string_expr(quote!(value), &p.ty, true);
                quote! { if let Some(value) = &#holder.#name { request.insert_header(#wire, #text); } }
            }
        })
        .collect();
    let accept = op.response.as_ref().map(|_| quote!(request.insert_header("accept", "application/json");));
    let body_statements = match &op.body {
        Some(body) => {
            let media = lit(&body.media_type);
            let name = ident(&body.name);
            if body.required {
                quote! {
                    request.insert_header("content-type", #media);
                    request.set_body(#name);
                }
            } else {
                quote! {
                    if let Some(body) = options.#name {
                        request.insert_header("content-type", #media);
                        request.set_body(body);
                    }
                }
            }
        }
        None => quote!(),
    };
    let codes: Vec<_> = op.success_codes.iter().map(|c| proc_macro2::Literal::u16_unsuffixed(*c)).collect();
    let operation_id = lit(&op.operation_id);
    let response_type = match &op.response {
        Some(ty) => model_type(ty),
        None => quote!(()),
    };
    let response_format = if op.response.is_some() { quote!() } else { quote!(, azure_core::http::NoFormat) };
    let http_method = method_tokens(op.method);

    let method: MethodFn = if let Some(paging) = &op.paging {
        let next_link = paging.next_link_field.clone();
        let page_model = op.response.clone().expect("pageable operations return a model");
        let page_type = model_type(&page_model);
        let next_link_type = match &next_link {
            Some(wire) => op_page_field(wire),
            None => quote!(crate::support::NoNextLink),
        };
        let codes = codes.clone();
        let header_statements = header_statements.clone();
        let client_bindings = client_bindings.clone();
        Box::new(move |client_expr: TokenStream| {
            let details = details.clone();
            let docs = docs.clone();
            let args = args.clone();
            quote! {
                #docs
                #[doc = ""]
                #( #[doc = #details] )*
                #visibility fn #name(&self, #( #args, )* options: Option<#options_type<'_>>) -> azure_core::Result<azure_core::http::Pager<crate::Paged<#page_type>>> {
                    let options = options.unwrap_or_default().into_owned();
                    let client = #client_expr;
                    #( #client_bindings )*
                    let mut first_url = client.endpoint.clone();
                    crate::support::set_path(&mut first_url, #path_expr);
                    #first_url_query
                    let mut template = azure_core::http::Request::new(first_url, #http_method);
                    let request = &mut template;
                    #accept
                    #( #header_statements )*
                    Ok(crate::support::pager::<#page_type, #next_link_type>(client, template, #operation_id, &[#(#codes),*], options.method_options))
                }
            }
        })
    } else {
        Box::new(move |client_expr: TokenStream| {
            let details = details.clone();
            let docs = docs.clone();
            let args = args.clone();
            quote! {
                #docs
                #[doc = ""]
                #( #[doc = #details] )*
                #visibility async fn #name(&self, #( #args, )* options: Option<#options_type<'_>>) -> azure_core::Result<azure_core::http::Response<#response_type #response_format>> {
                    let options = options.unwrap_or_default();
                    let client = #client_expr;
                    #( #client_bindings )*
                    let mut url = client.endpoint.clone();
                    crate::support::set_path(&mut url, #path_expr);
                    #url_query
                    let mut request = azure_core::http::Request::new(url, #http_method);
                    #accept
                    #( #header_statements )*
                    #body_statements
                    let context = options.method_options.context.to_borrowed();
                    let response = crate::support::send(&client.pipeline, &context, &mut request, #operation_id, &[#(#codes),*]).await?;
                    Ok(response.into())
                }
            }
        })
    };
    (method, options_struct)
}

/// The private type that reads only the next-link property `wire` of a page.
fn op_page_field(wire: &str) -> TokenStream {
    let name = format_ident!("NextLinkIn{}", type_name(wire));
    quote!(crate::support::#name)
}

fn one_line(text: &str) -> String {
    let text = super::docs::escape_line(&text.split_whitespace().collect::<Vec<_>>().join(" "));
    if text.is_empty() {
        "see the spec.".to_string()
    } else {
        text
    }
}

/// The code of `src/support.rs`: helpers shared by the operations, and the page types.
pub fn support_file(service: &Service, names: &RestNames<'_>) -> TokenStream {
    let client = ident(names.client);
    let next_link_names: BTreeSet<&String> = service
        .groups
        .iter()
        .flat_map(|g| &g.operations)
        .filter_map(|o| o.paging.as_ref()?.next_link_field.as_ref())
        .collect();
    let next_link_types = next_link_names.iter().map(|wire| {
        let name = format_ident!("NextLinkIn{}", type_name(wire));
        let wire = lit(wire);
        quote! {
            #[derive(serde::Deserialize)]
            pub(crate) struct #name {
                #[serde(rename = #wire, default)]
                next_link: Option<String>,
            }

            impl From<#name> for Option<String> {
                fn from(page: #name) -> Self {
                    page.next_link
                }
            }
        }
    });
    let pages: BTreeSet<(TypeRef, String, bool, TypeRef)> = service
        .groups
        .iter()
        .flat_map(|g| &g.operations)
        .filter_map(|o| {
            let paging = o.paging.as_ref()?;
            Some((
                o.response.clone()?,
                paging.item_field_rust.clone(),
                paging.item_field_required,
                paging.item_type.clone(),
            ))
        })
        .collect();
    let page_impls = pages.iter().map(|(page, field, required, item)| {
        let page = model_type(page);
        let item = model_type(item);
        let field = ident(field);
        let items = if *required { quote!(self.0.#field) } else { quote!(self.0.#field.unwrap_or_default()) };
        quote! {
            #[async_trait::async_trait]
            impl azure_core::http::pager::Page for crate::Paged<#page> {
                type Item = #item;
                type IntoIter = std::vec::IntoIter<#item>;
                async fn into_items(self) -> azure_core::Result<Self::IntoIter> {
                    Ok(#items.into_iter())
                }
            }
        }
    });
    let has_pages = !pages.is_empty();
    let encodes_paths = service
        .groups
        .iter()
        .flat_map(|g| &g.operations)
        .flat_map(|o| &o.params)
        .any(|p| p.location == ParamLocation::Path && !p.skip_url_encoding);
    let encode_path_segment = encodes_paths.then(|| {
        quote! {
            /// Percent-encodes everything but unreserved characters, so ids such as `19:a@thread.v2` stay one segment.
            pub(crate) fn encode_path_segment(value: &str) -> String {
                url::form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>().replace('+', "%20")
            }
        }
    });
    let without_next_link = service
        .groups
        .iter()
        .flat_map(|g| &g.operations)
        .any(|o| o.paging.as_ref().is_some_and(|p| p.next_link_field.is_none()));
    let no_next_link = without_next_link.then(|| {
        quote! {
            /// Pages of operations without a next link: there is only one page.
            #[derive(serde::Deserialize)]
            pub(crate) struct NoNextLink {}

            impl From<NoNextLink> for Option<String> {
                fn from(_: NoNextLink) -> Self {
                    None
                }
            }
        }
    });
    let paging_support = has_pages.then(|| {
        quote! {
            /// The next page's URL: `link` resolved against the endpoint and kept on the endpoint's
            /// origin (so credentials never go elsewhere), with the client's api-version.
            pub(crate) fn next_page_url(endpoint: &Url, link: &str, api_version: &str) -> azure_core::Result<Url> {
                let mut url = endpoint.join(link).with_context(ErrorKind::DataConversion, "the service sent an invalid next link")?;
                if url.origin() != endpoint.origin() {
                    let mut on_endpoint = endpoint.clone();
                    on_endpoint.set_path(url.path());
                    on_endpoint.set_query(url.query());
                    url = on_endpoint;
                }
                let api_version_pair = format!("api-version={}", url::form_urlencoded::byte_serialize(api_version.as_bytes()).collect::<String>());
                let query: Vec<&str> = url
                    .query()
                    .unwrap_or_default()
                    .split('&')
                    .filter(|pair| !pair.is_empty() && !pair.starts_with("api-version="))
                    .chain(std::iter::once(api_version_pair.as_str()))
                    .collect();
                let query = query.join("&");
                url.set_query(Some(&query));
                Ok(url)
            }

            /// A pager over the pages of a list operation. `request` is the first page's request;
            /// `N` reads a page's next link.
            pub(crate) fn pager<P, N>(
                client: &crate::#client,
                request: azure_core::http::Request,
                operation: &'static str,
                success_codes: &'static [u16],
                options: azure_core::http::pager::PagerOptions<'static>,
            ) -> azure_core::http::Pager<crate::Paged<P>>
            where
                P: serde::de::DeserializeOwned + Send + 'static,
                crate::Paged<P>: azure_core::http::pager::Page + Send,
                N: serde::de::DeserializeOwned + Into<Option<String>>,
            {
                use azure_core::http::pager::{PagerContinuation, PagerResult, PagerState};
                let endpoint = client.endpoint.clone();
                let api_version = client.api_version.clone();
                let pipeline = client.pipeline.clone();
                azure_core::http::Pager::new(
                    move |state: PagerState, pager_options: azure_core::http::pager::PagerOptions<'static>| {
                        let mut request = request.clone();
                        let pipeline = pipeline.clone();
                        let endpoint = endpoint.clone();
                        let next_url = match state {
                            PagerState::More(continuation) => Some(next_page_url(&endpoint, continuation.as_ref(), &api_version)),
                            PagerState::Initial => None,
                        };
                        Box::pin(async move {
                            if let Some(url) = next_url {
                                *request.url_mut() = url?;
                            }
                            let response = send(&pipeline, &pager_options.context, &mut request, operation, success_codes).await?;
                            let (status, headers, body) = response.deconstruct();
                            let next: Option<String> = azure_core::json::from_json::<_, N>(&body)
                                .with_context_fn(ErrorKind::DataConversion, || format!("{operation}: the service sent a page that is not valid JSON"))?
                                .into();
                            let response = azure_core::http::RawResponse::from_bytes(status, headers, body).into();
                            Ok(match next.filter(|link| !link.is_empty()) {
                                Some(link) => PagerResult::More { response, continuation: PagerContinuation::Link(endpoint.join(&link)?) },
                                None => PagerResult::Done { response },
                            })
                        })
                    },
                    Some(options),
                )
            }
        }
    });
    quote! {
        use azure_core::error::{ErrorKind, ResultExt};
        use azure_core::http::{ClientOptions, Url};

        /// Sends `request` and accepts only the operation's success codes. Any other status is an
        /// `HttpResponse` error that keeps the response (for the error-body functions) and says which
        /// operation failed with which status, with the service's error code and message when it sent
        /// them, and never the rest of the body (which may hold secrets such as tokens).
        pub(crate) async fn send(
            pipeline: &azure_core::http::Pipeline,
            context: &azure_core::http::Context<'_>,
            request: &mut azure_core::http::Request,
            operation: &'static str,
            success_codes: &'static [u16],
        ) -> azure_core::Result<azure_core::http::RawResponse> {
            let options = azure_core::http::PipelineSendOptions { skip_checks: true, ..Default::default() };
            let response = pipeline.send(context, request, Some(options)).await?;
            let status = response.status();
            if success_codes.contains(&u16::from(status)) {
                return Ok(response);
            }
            #[derive(serde::Deserialize)]
            struct ErrorBody {
                error: Option<ErrorDetail>,
            }
            #[derive(serde::Deserialize)]
            struct ErrorDetail {
                code: Option<String>,
                message: Option<String>,
            }
            let detail = azure_core::json::from_json::<_, ErrorBody>(response.body()).ok().and_then(|body| body.error);
            let header_code = response.headers().get_optional_string(&azure_core::http::headers::HeaderName::from_static("x-ms-error-code"));
            let error_code = header_code.or_else(|| detail.as_ref().and_then(|d| d.code.clone()));
            let reason = status.canonical_reason();
            let mut message = format!("{operation} failed: the service answered {} {reason}", u16::from(status));
            if let Some(code) = &error_code {
                message.push_str(&format!(" ({code})"));
            }
            if let Some(text) = detail.as_ref().and_then(|d| d.message.as_deref()) {
                message.push_str(": ");
                message.push_str(text);
            }
            let kind = ErrorKind::HttpResponse { status, error_code, raw_response: Some(Box::new(response)) };
            Err(azure_core::Error::with_message(kind, message))
        }

        /// Parses and checks the endpoint a client is created with.
        pub(crate) fn parse_endpoint(endpoint: &str) -> azure_core::Result<Url> {
            let mut url = Url::parse(endpoint).with_context_fn(ErrorKind::DataConversion, || {
                format!("invalid endpoint `{endpoint}`: expected an absolute URL such as https://<resource>.communication.azure.com")
            })?;
            if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none_or(str::is_empty) {
                return Err(azure_core::Error::with_message(
                    ErrorKind::DataConversion,
                    format!("invalid endpoint `{endpoint}`: expected an http(s) URL with a host"),
                ));
            }
            url.set_query(None);
            url.set_fragment(None);
            Ok(url)
        }

        /// `Pipeline::new` panics on an invalid application id: refuse it with an error instead.
        pub(crate) fn check_application_id(options: &ClientOptions) -> azure_core::Result<()> {
            if let Some(id) = &options.user_agent.application_id {
                let token_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
                if id.len() > 24 || !id.chars().all(token_char) {
                    return Err(azure_core::Error::with_message(
                        ErrorKind::DataConversion,
                        format!("invalid user agent application id `{id}`: at most 24 characters, with no spaces or separators"),
                    ));
                }
            }
            Ok(())
        }

        /// Sets the URL's path to the endpoint's path followed by `path` (already encoded).
        pub(crate) fn set_path(url: &mut Url, path: &str) {
            let base = url.path().trim_end_matches('/').to_string();
            url.set_path(&format!("{base}{path}"));
        }

        #encode_path_segment

        #paging_support

        #( #next_link_types )*

        #no_next_link

        #( #page_impls )*
    }
}
