//! Shared base of the hand-written Azure Communication Services (ACS) Rust SDK.
//!
//! Used by the Chat and Identity clients and by the local emulator:
//!
//! * [`identifier`]: [`CommunicationIdentifier`] and the service's raw-id rules
//!   ([`CommunicationIdentifier::raw_id`], [`CommunicationIdentifier::from_raw_id`]), plus
//!   conversions to and from the generated wire model ([`model`]).
//! * [`credential`]: [`CommunicationTokenCredential`], the ACS user-token credential (static or
//!   refreshing, single-flight refresh, optional proactive background refresh).
//! * [`bearer`]: [`BearerTokenPolicy`], an `azure_core` policy sending user tokens or Microsoft
//!   Entra ID tokens.
//! * [`hmac`]: access keys, the HMAC-SHA256 string-to-sign and signature as plain functions (to
//!   sign and to verify), and [`HmacAuthPolicy`].
//! * [`connection_string`]: [`ConnectionString`] (`endpoint=…;accesskey=…`).
//! * [`jwt`]: reading a token's expiry.
//! * [`security`]: the rule that credentials travel only over `https`, or `http` to loopback.
//! * [`error`]: the error story: [`azure_core::Error`] everywhere, with the service's
//!   [`CommunicationError`] readable through
//!   [`ErrorExt`].
//!
//! Keys, tokens and connection strings never appear in `Debug` output, `Display` output, error
//! messages or logs of this crate.
//!
//! # Example
//!
//! ```
//! use acs_common::{CommunicationIdentifier, ConnectionString, HmacAuthPolicy};
//!
//! let id = CommunicationIdentifier::from_raw_id("8:acs:resource_user");
//! assert!(matches!(id, CommunicationIdentifier::CommunicationUser(_)));
//!
//! let cs = ConnectionString::parse("endpoint=https://contoso.communication.azure.com/;accesskey=pw==")?;
//! let policy = HmacAuthPolicy::new(cs.access_key().clone());
//! # let _ = policy;
//! # Ok::<(), azure_core::Error>(())
//! ```

pub mod args;
pub mod bearer;
pub mod connection_string;
pub mod credential;
pub mod error;
pub mod hmac;
pub mod identifier;
pub mod jwt;
pub mod model;
pub mod security;

pub use bearer::{BearerTokenPolicy, ENTRA_SCOPE};
pub use connection_string::ConnectionString;
pub use credential::{CommunicationTokenCredential, RefreshOptions, TokenRefresher};
pub use error::{CommunicationError, ErrorExt};
pub use hmac::{AccessKey, HmacAuthPolicy};
pub use identifier::{
    CommunicationCloudEnvironment, CommunicationIdentifier, CommunicationUserIdentifier, MicrosoftTeamsAppIdentifier,
    MicrosoftTeamsUserIdentifier, PhoneNumberIdentifier, TeamsExtensionUserIdentifier, UnknownIdentifier,
};

/// The README's examples, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
