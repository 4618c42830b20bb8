//! The runtime of the ACS Rust SDK's generated crates.
//!
//! `cargo xtask regen` emits REST and models crates that call this crate instead of carrying helpers
//! of their own, the way `progenitor`'s output calls `progenitor-client`. What `azure_core` already
//! does (pipeline, retry policy, `Pager`, `Poller`, errors) is used as is; this crate adds what a
//! generated operation needs on top of it:
//!
//! - [`example_checks`] (always built): the assertions of the generated example tests.
//! - [`formats`] (always built, no HTTP dependency): the serde formats of model fields (RFC 3339,
//!   RFC 7231 and Unix times, ISO 8601 dates and durations, base64), also inside options, arrays and
//!   maps.
//! - With the default `http` feature:
//!   - [`ClientCore`]: the endpoint, api-version, pipeline and [`Limits`] a generated client holds;
//!     it sends each request under the rules of its [`Operation`]:
//!     - **bounded**: an overall deadline covering retries and body reads, a maximum response body,
//!       a cap on how long a server may ask us to wait (`Retry-After`);
//!     - **at most once** for writes the service cannot de-duplicate ([`Retry::AtMostOnce`]): they
//!       are retried only when the request provably did not reach the service, and otherwise fail
//!       with an error that [`ErrorExt::is_outcome_unknown`] recognizes;
//!     - **errors that say what failed and never leak**: the operation, the status, the service's
//!       error code and a short, sanitized prefix of its message; never the body or a header value.
//!   - Same-origin `nextLink` paging that always ends ([`ClientCore::pager`]), long-running
//!     operations as `azure_core` `Poller`s ([`ClientCore::poller`]), repeatability headers
//!     ([`repeatability`]), binary and text bodies ([`BinaryFormat`], [`TextFormat`]), path
//!     encoding and endpoint checks ([`url`]), typed response headers ([`headers`]).
#![forbid(unsafe_code)]

pub mod example_checks;
pub mod formats;

#[cfg(feature = "http")]
mod http;

#[cfg(feature = "http")]
pub use http::{
    body::{BinaryFormat, BodyInfo, TextFormat},
    client::{ClientCore, CoreOptions},
    errors::{ErrorExt, Failure, FailureKind},
    form, headers,
    limits::Limits,
    lro::{self, FinalStateVia, LroSpec, OperationStatus},
    operation::{Operation, Retry, Success},
    paging::PageSpec,
    repeatability, url,
};

/// Re-exported for the macros of this crate and the code generated against it.
#[cfg(feature = "http")]
#[doc(hidden)]
pub mod __private {
    pub use async_trait::async_trait;
}

/// Implements `azure_core`'s [`Page`](azure_core::http::pager::Page) for a page model whose items are
/// in field `$field` (a `Vec<$item>`, or an `Option<Vec<$item>>` with `optional`), so that
/// `Pager<$page>` yields the items. Generated models crates call it behind their `azure_core` feature.
#[cfg(feature = "http")]
#[macro_export]
macro_rules! impl_page {
    ($page:ty, $item:ty, $field:ident) => {
        #[$crate::__private::async_trait]
        impl ::azure_core::http::pager::Page for $page {
            type Item = $item;
            type IntoIter = ::std::vec::IntoIter<$item>;
            async fn into_items(self) -> ::azure_core::Result<Self::IntoIter> {
                Ok(self.$field.into_iter())
            }
        }
    };
    ($page:ty, $item:ty, $field:ident, optional) => {
        #[$crate::__private::async_trait]
        impl ::azure_core::http::pager::Page for $page {
            type Item = $item;
            type IntoIter = ::std::vec::IntoIter<$item>;
            async fn into_items(self) -> ::azure_core::Result<Self::IntoIter> {
                Ok(self.$field.unwrap_or_default().into_iter())
            }
        }
    };
}

/// The conversions every generated extensible enum has beside its `as_str` and `From<&str>`: from
/// `String`, `FromStr` (never failing), `AsRef<str>`, `Display`, and serde as a plain string.
#[macro_export]
macro_rules! extensible_enum {
    ($name:ident) => {
        impl From<String> for $name {
            fn from(value: String) -> Self {
                match Self::from(value.as_str()) {
                    Self::UnknownValue(_) => Self::UnknownValue(value),
                    known => known,
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                Ok(Self::from(<String as ::serde::Deserialize>::deserialize(deserializer)?))
            }
        }
    };
}
