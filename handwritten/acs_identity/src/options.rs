//! Options of the client and of each operation.
//!
//! Every operation takes an `Option<…Options>`: pass `None` for the defaults, or build one with
//! `..Default::default()` so that options added in later versions never break your code. Each
//! holds `method_options` (an `azure_core` [`ClientMethodOptions`], for a per-call
//! [`Context`](azure_core::http::Context)).

use azure_core::http::{ClientMethodOptions, ClientOptions};
use azure_core::time::Duration;
use std::fmt;

/// Options for creating a [`CommunicationIdentityClient`](crate::CommunicationIdentityClient).
///
/// ```
/// use acs_identity::CommunicationIdentityClientOptions;
/// use azure_core::http::{ClientOptions, RetryOptions};
///
/// let options = CommunicationIdentityClientOptions {
///     client_options: ClientOptions { retry: RetryOptions::none(), ..Default::default() },
///     api_version: Some("2023-10-01".to_owned()),
///     ..Default::default()
/// };
/// # let _ = options;
/// ```
#[derive(Clone, Debug, Default)]
pub struct CommunicationIdentityClientOptions {
    /// The `azure_core` pipeline options: retry, transport, extra policies, user agent, logging.
    pub client_options: ClientOptions,
    /// The api-version sent with every request; [`DEFAULT_API_VERSION`](crate::DEFAULT_API_VERSION)
    /// when `None`. Older versions lack some operations (Teams extension operations need
    /// `2026-09-23`); the service answers those with an error.
    pub api_version: Option<String>,
    /// Bounds on each call: deadline, response size, `Retry-After` (see
    /// [`acs_rest_core::Limits`]).
    pub limits: acs_rest_core::Limits,
    /// The scopes asked of the `TokenCredential` given to
    /// [`CommunicationIdentityClient::new`](crate::CommunicationIdentityClient::new);
    /// `[ENTRA_SCOPE]` (`https://communication.azure.com//.default`) when `None`. Set
    /// `[TEAMS_EXTENSION_SCOPE]` for a client that exchanges a Teams Phone user's Entra ID token
    /// with [`exchange_teams_extension_token`](crate::CommunicationIdentityClient::exchange_teams_extension_token).
    /// Ignored by the access-key constructors.
    ///
    /// [`ENTRA_SCOPE`]: acs_common::ENTRA_SCOPE
    /// [`TEAMS_EXTENSION_SCOPE`]: crate::TEAMS_EXTENSION_SCOPE
    pub entra_scopes: Option<Vec<String>>,
}

/// Options of [`create_user`](crate::CommunicationIdentityClient::create_user).
#[derive(Clone, Debug, Default)]
pub struct CreateUserOptions<'a> {
    /// Per-call `azure_core` options (context).
    pub method_options: ClientMethodOptions<'a>,
}

/// Options of [`create_user_and_token`](crate::CommunicationIdentityClient::create_user_and_token).
#[derive(Clone, Debug, Default)]
pub struct CreateUserAndTokenOptions<'a> {
    /// How long the token is valid, sent as whole minutes (`expiresInMinutes`, the fraction of a
    /// minute dropped, as the official SDKs do). The service accepts 60 to 1440 minutes and
    /// answers anything else with `400 ValidationError`; its default is 1440 minutes (24 hours).
    /// A zero or negative duration is refused before any request.
    pub token_expires_in: Option<Duration>,
    /// Per-call `azure_core` options (context).
    pub method_options: ClientMethodOptions<'a>,
}

/// Options of [`get_token`](crate::CommunicationIdentityClient::get_token).
#[derive(Clone, Debug, Default)]
pub struct GetTokenOptions<'a> {
    /// How long the token is valid; see [`CreateUserAndTokenOptions::token_expires_in`].
    pub token_expires_in: Option<Duration>,
    /// Per-call `azure_core` options (context).
    pub method_options: ClientMethodOptions<'a>,
}

/// Options of [`revoke_tokens`](crate::CommunicationIdentityClient::revoke_tokens).
#[derive(Clone, Debug, Default)]
pub struct RevokeTokensOptions<'a> {
    /// Per-call `azure_core` options (context).
    pub method_options: ClientMethodOptions<'a>,
}

/// Options of [`delete_user`](crate::CommunicationIdentityClient::delete_user).
#[derive(Clone, Debug, Default)]
pub struct DeleteUserOptions<'a> {
    /// Per-call `azure_core` options (context).
    pub method_options: ClientMethodOptions<'a>,
}

/// Options of [`get_token_for_teams_user`](crate::CommunicationIdentityClient::get_token_for_teams_user).
#[derive(Clone, Debug, Default)]
pub struct GetTokenForTeamsUserOptions<'a> {
    /// Per-call `azure_core` options (context).
    pub method_options: ClientMethodOptions<'a>,
}

/// Options of [`exchange_teams_extension_token`](crate::CommunicationIdentityClient::exchange_teams_extension_token).
#[derive(Clone, Default)]
pub struct ExchangeTeamsExtensionTokenOptions<'a> {
    /// Members of the JSON request body. The api-version `2026-09-23` spec defines the body as a
    /// free-form object and the official SDKs send `{}` (the caller is identified by the Entra ID
    /// token the request is authenticated with), so this is empty by default. `Debug` shows only
    /// the member names.
    pub properties: serde_json::Map<String, serde_json::Value>,
    /// Per-call `azure_core` options (context).
    pub method_options: ClientMethodOptions<'a>,
}

impl fmt::Debug for ExchangeTeamsExtensionTokenOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExchangeTeamsExtensionTokenOptions")
            .field("properties", &self.properties.keys().collect::<Vec<_>>())
            .field("method_options", &self.method_options)
            .finish()
    }
}

/// Options of [`get_teams_extension_assignment`](crate::CommunicationIdentityClient::get_teams_extension_assignment).
#[derive(Clone, Debug, Default)]
pub struct GetTeamsExtensionAssignmentOptions<'a> {
    /// Per-call `azure_core` options (context).
    pub method_options: ClientMethodOptions<'a>,
}

/// Options of [`upsert_teams_extension_assignment`](crate::CommunicationIdentityClient::upsert_teams_extension_assignment).
#[derive(Clone, Debug, Default)]
pub struct UpsertTeamsExtensionAssignmentOptions<'a> {
    /// The client (application) ids the assignment allows (`clientIds`); not sent when `None`.
    pub client_ids: Option<Vec<String>>,
    /// Per-call `azure_core` options (context).
    pub method_options: ClientMethodOptions<'a>,
}

/// Options of [`delete_teams_extension_assignment`](crate::CommunicationIdentityClient::delete_teams_extension_assignment).
#[derive(Clone, Debug, Default)]
pub struct DeleteTeamsExtensionAssignmentOptions<'a> {
    /// Per-call `azure_core` options (context).
    pub method_options: ClientMethodOptions<'a>,
}
