//! The REST crate: a low-level client on `acs_rest_core` and `azure_core`, with one method and one
//! options struct per operation. One module per concern:
//! - this one: the client (constructor, options, group accessors) and group modules;
//! - `operation`: an operation's method and options struct;
//! - `request`: the statements that build a request (path, query, headers, body);
//! - `responses`: multi-status response enums and typed response-header traits.

mod operation;
mod request;
pub mod responses;

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::doc_attrs;
use super::{ident, lit};
use crate::ir::*;
use crate::names::{bare, name_part};

/// Names the REST crate needs: its client type and the models crate it re-exports.
pub struct RestNames<'a> {
    /// The client type, e.g. `ChatRestClient`.
    pub client: &'a str,
    /// The models crate, e.g. `acs_chat_models`.
    pub models_crate: &'a str,
}

/// A model type as seen from the REST crate.
fn model_type(ty: &TypeRef) -> TokenStream {
    super::types::scoped_type(ty, super::types::TypeScope::Rest)
}

/// The Rust type of a value of `ty` as the REST crate writes it (`crate::models::…`).
pub fn rust_model_type(ty: &TypeRef) -> TokenStream {
    model_type(ty)
}

/// The argument type of a required parameter of `ty`.
pub fn rust_arg_type(ty: &TypeRef) -> TokenStream {
    request::arg_type(ty)
}

pub use operation::method_name;
pub use responses::response_enum_name;

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

fn one_line(text: &str) -> String {
    let text = super::docs::escape_line(&text.split_whitespace().collect::<Vec<_>>().join(" "));
    if text.is_empty() {
        "see the spec.".to_string()
    } else {
        text
    }
}

/// The expression that builds the endpoint URL text from the host template.
fn endpoint_text(host: &Host) -> TokenStream {
    let mut format = String::new();
    let mut args = Vec::new();
    let mut rest = host.template.as_str();
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
        format.push_str(&rest[..start].replace('{', "{{").replace('}', "}}"));
        let wire = &rest[start + 1..end];
        let param = host.params.iter().find(|p| p.wire_name == wire).expect("lowering checked the host template");
        let name = ident(&param.name);
        let value = match &param.default {
            _ if param.api_version => quote!(options.api_version.as_str()),
            None => quote!(#name),
            Some(default) => quote!(options.#name.as_deref().unwrap_or(#default)),
        };
        // `https://h/` followed by `/path` must not give `//path`.
        let followed_by_slash = rest[(end + 1).min(rest.len())..].starts_with('/');
        args.push(if followed_by_slash { quote!(#value.trim_end_matches('/')) } else { value });
        format.push_str("{}");
        rest = &rest[(end + 1).min(rest.len())..];
    }
    format.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    if format == "{}" && args.len() == 1 {
        let only = &args[0];
        return quote!(#only);
    }
    let format = lit(&format);
    quote!(&format!(#format, #( #args ),*))
}

/// The code of `src/client.rs`: the client and its options.
pub fn client_file(service: &Service, names: &RestNames<'_>) -> TokenStream {
    let client = ident(names.client);
    let options = format_ident!("{}Options", names.client);
    let api_version = lit(&service.api_version);
    let default_doc = format!(" The api-version this crate was generated for: `{}`.", service.api_version);
    let accessors = service.groups.iter().filter(|g| !g.name.is_empty()).map(|group| {
        let (accessor, ty) = group_names(group);
        let accessor = ident(&accessor);
        let ty = ident(&ty);
        let doc = format!(" The operations of the `{}` group.", group.name);
        quote! {
            #[doc = #doc]
            pub fn #accessor(&self) -> crate::#ty<'_> {
                crate::#ty { client: self }
            }
        }
    });
    // Host parameters: required ones are constructor arguments, ones with a default client options.
    let (required_host, default_host): (Vec<&HostParam>, Vec<&HostParam>) =
        service.host.params.iter().filter(|p| !p.api_version).partition(|p| p.default.is_none());
    // Client parameters: required ones are constructor arguments, optional ones client options.
    let (required_params, optional_params): (Vec<&Param>, Vec<&Param>) =
        service.client_params.iter().partition(|p| p.required);
    let host_args = required_host.iter().map(|p| {
        let name = ident(&p.name);
        quote!(#name: &str)
    });
    let param_args: Vec<TokenStream> = required_params
        .iter()
        .map(|p| {
            let name = ident(&p.name);
            let ty = request::arg_type(&p.ty);
            quote!(#name: #ty)
        })
        .collect();
    let constructor_docs: Vec<String> = required_host
        .iter()
        .map(|p| format!(" - `{}`: {}", bare(&p.name), one_line(&p.doc)))
        .chain(required_params.iter().map(|p| format!(" - `{}`: {}", bare(&p.name), one_line(&p.doc))))
        .collect();
    let client_fields = service.client_params.iter().map(|p| {
        let name = ident(&p.name);
        let ty = model_type(&p.ty);
        if p.required {
            quote!(pub(crate) #name: #ty,)
        } else {
            quote!(pub(crate) #name: Option<#ty>,)
        }
    });
    let field_inits: Vec<TokenStream> = service
        .client_params
        .iter()
        .map(|p| {
            let name = ident(&p.name);
            match (&p.ty, p.required) {
                (_, false) => quote!(#name: None,),
                (TypeRef::String, true) => quote!(#name: #name.to_string(),),
                (TypeRef::Array(_), true) => quote!(#name: #name.to_vec(),),
                (TypeRef::Named(_) | TypeRef::Map(_) | TypeRef::Any | TypeRef::Bytes(_), true) => {
                    quote!(#name: #name.clone(),)
                }
                (_, true) => quote!(#name,),
            }
        })
        .collect();
    let option_inits = optional_params.iter().map(|p| {
        let name = ident(&p.name);
        quote!(client_.#name = options.#name.clone();)
    });
    let option_fields = default_host
        .iter()
        .map(|p| {
            let name = ident(&p.name);
            let default = p.default.as_deref().unwrap_or_default();
            let docs = doc_attrs(
                &format!("{}\n\nDefault: `{default}`.", p.doc),
                &format!("The `{}` of the host. Default: `{default}`.", p.wire_name),
            );
            quote!(#docs pub #name: Option<String>,)
        })
        .chain(optional_params.iter().map(|p| {
            let docs =
                doc_attrs(&p.doc, &format!("The `{}` parameter, sent with every request that takes it.", p.wire_name));
            let name = ident(&p.name);
            let ty = model_type(&p.ty);
            quote!(#docs pub #name: Option<#ty>,)
        }));
    let option_defaults = default_host
        .iter()
        .map(|p| ident(&p.name))
        .chain(optional_params.iter().map(|p| ident(&p.name)))
        .map(|name| quote!(#name: None,));
    let endpoint = endpoint_text(&service.host);
    let from_core_args = param_args.clone();
    let mutable = (!optional_params.is_empty()).then(|| quote!(mut));
    quote! {
        use std::sync::Arc;

        use azure_core::http::policies::Policy;

        #[doc = #default_doc]
        pub const DEFAULT_API_VERSION: &str = #api_version;

        /// Options for creating the client.
        #[derive(Clone, Debug)]
        pub struct #options {
            /// The `azure_core` pipeline options: retry, transport, per-call and per-try policies, logging.
            pub client_options: azure_core::http::ClientOptions,
            /// The api-version sent with every request (defaults to [`DEFAULT_API_VERSION`]).
            pub api_version: String,
            /// Bounds on each call's time and memory (deadline, response size, `Retry-After`, paging).
            pub limits: acs_rest_core::Limits,
            #( #option_fields )*
        }

        impl Default for #options {
            fn default() -> Self {
                Self {
                    client_options: Default::default(),
                    api_version: DEFAULT_API_VERSION.to_string(),
                    limits: Default::default(),
                    #( #option_defaults )*
                }
            }
        }

        /// The low-level client: one method per operation of the spec, grouped as the spec groups them.
        ///
        /// Authentication is not built in: the constructor takes the policy that signs each request
        /// (it runs on every try, after the retry policy). Clones share one pipeline.
        #[derive(Clone, Debug)]
        pub struct #client {
            pub(crate) core: acs_rest_core::ClientCore,
            #( #client_fields )*
        }

        impl #client {
            /// Creates a client.
            ///
            #( #[doc = #constructor_docs] )*
            pub fn new(#( #host_args, )* #( #param_args, )* auth_policy: Arc<dyn Policy>, options: Option<#options>) -> azure_core::Result<Self> {
                let options = options.unwrap_or_default();
                let endpoint_ = acs_rest_core::url::parse_endpoint(#endpoint)?;
                let core = acs_rest_core::ClientCore::new(
                    endpoint_,
                    auth_policy,
                    acs_rest_core::CoreOptions {
                        client_options: options.client_options.clone(),
                        api_version: options.api_version.clone(),
                        limits: options.limits.clone(),
                    },
                    (env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")),
                )?;
                let #mutable client_ = Self { core, #( #field_inits )* };
                #( #option_inits )*
                Ok(client_)
            }

            /// A client on an existing [`ClientCore`](acs_rest_core::ClientCore): to share one pipeline and
            /// connection pool between clients, or to name another crate in the `User-Agent`.
            pub fn from_core(core: acs_rest_core::ClientCore, #( #from_core_args, )*) -> Self {
                Self { core, #( #field_inits )* }
            }

            /// The endpoint, pipeline, api-version and limits this client sends with.
            pub fn core(&self) -> &acs_rest_core::ClientCore {
                &self.core
            }

            /// The endpoint requests are sent to.
            pub fn endpoint(&self) -> &azure_core::http::Url {
                self.core.endpoint()
            }

            /// The api-version sent with every request.
            pub fn api_version(&self) -> &str {
                self.core.api_version()
            }

            #( #accessors )*
        }
    }
}

/// The code of one group's module.
pub fn group_file(group: &OperationGroup, service: &Service, names: &RestNames<'_>) -> TokenStream {
    let client = ident(names.client);
    let (_, group_type) = group_names(group);
    let group_type = ident(&group_type);
    let options_prefix = name_part(&group.name);
    let mut items = Vec::new();
    let methods: Vec<TokenStream> = group
        .operations
        .iter()
        .map(|op| {
            let generated = operation::operation_tokens(op, service, &options_prefix, group.name.is_empty());
            items.push(generated.options);
            items.extend(generated.response_enum);
            generated.method
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
    quote! {
        #decl

        impl #receiver {
            #( #methods )*
        }

        #( #items )*
    }
}
