//! [`CommunicationIdentityClient`]: the operations of the Identity service.

use crate::models::{CommunicationTokenScope, CommunicationUserToken, IntoCommunicationUser};
use crate::options::{
    CommunicationIdentityClientOptions, CreateUserAndTokenOptions, CreateUserOptions, DeleteUserOptions,
    GetTokenOptions, RevokeTokensOptions,
};
use acs_common::error::{invalid_argument, invalid_data};
use acs_common::{
    AccessKey, BearerTokenPolicy, CommunicationTokenCredential, CommunicationUserIdentifier, ConnectionString,
    HmacAuthPolicy, RefreshOptions,
};
use acs_identity_rest::models::{
    CommunicationIdentityAccessToken, CommunicationIdentityAccessTokenRequest, CommunicationIdentityCreateRequest,
};
use acs_identity_rest::{
    IdentityOperationsCreateOptions, IdentityOperationsDeleteOptions, IdentityOperationsIssueAccessTokenOptions,
    IdentityOperationsRevokeAccessTokensOptions, IdentityRestClient,
};
use acs_rest_core::{ClientCore, CoreOptions};
use azure_core::credentials::{AccessToken, TokenCredential};
use azure_core::http::policies::Policy;
use azure_core::http::Url;
use azure_core::time::Duration;
use std::fmt;
use std::sync::Arc;

/// The api-version sent by default: `2026-09-23`, the version the low-level crate was generated
/// for.
pub const DEFAULT_API_VERSION: &str = acs_identity_rest::DEFAULT_API_VERSION;

/// The Entra ID scope for exchanging a Teams Phone user's token
/// ([`CommunicationIdentityClient::exchange_teams_extension_token`]); put it in
/// [`CommunicationIdentityClientOptions::entra_scopes`].
pub const TEAMS_EXTENSION_SCOPE: &str = "https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls";

/// The client of the Azure Communication Services Identity service: creates and deletes users,
/// issues and revokes their access tokens, exchanges Teams tokens and manages Teams extension
/// assignments.
///
/// Create it from a connection string ([`from_connection_string`](Self::from_connection_string)),
/// an endpoint and access key ([`with_access_key`](Self::with_access_key)), or an endpoint and
/// any Microsoft Entra ID `TokenCredential` ([`new`](Self::new)). The client is cheap to clone
/// and can be shared across tasks. Every method is one request (plus the pipeline's retries)
/// and returns [`azure_core::Result`]; a service error keeps its HTTP status
/// ([`azure_core::Error::http_status`]) and the service's `CommunicationError`
/// ([`acs_common::ErrorExt::communication_error`]).
///
/// See the [crate documentation](crate) for an example of each operation.
#[derive(Clone)]
pub struct CommunicationIdentityClient {
    pub(crate) rest: IdentityRestClient,
}

impl fmt::Debug for CommunicationIdentityClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CommunicationIdentityClient")
            .field("endpoint", &self.rest.endpoint().as_str())
            .field("api_version", &self.rest.api_version())
            .finish_non_exhaustive()
    }
}

impl CommunicationIdentityClient {
    /// A client authenticated with Microsoft Entra ID: tokens for scope
    /// `https://communication.azure.com//.default` (or
    /// [`CommunicationIdentityClientOptions::entra_scopes`]) from any `azure_core`
    /// [`TokenCredential`], for example one from `azure_identity`. Tokens are cached and
    /// refreshed shortly before they expire.
    ///
    /// `endpoint` is the resource's URL, such as `https://contoso.communication.azure.com`:
    /// `https`, or plain `http` only to a loopback host (a local emulator), with no path, query,
    /// fragment or user information.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Other`](azure_core::error::ErrorKind::Other) naming the argument when the
    /// endpoint is not acceptable, `entra_scopes` is empty, or the user agent application id in
    /// the client options is invalid. Nothing is sent.
    pub fn new(
        endpoint: &str,
        credential: Arc<dyn TokenCredential>,
        options: Option<CommunicationIdentityClientOptions>,
    ) -> azure_core::Result<Self> {
        let options = options.unwrap_or_default();
        let endpoint = acs_common::security::parse_endpoint("endpoint", endpoint)?;
        let auth = entra_policy(credential, options.entra_scopes.clone())?;
        Self::build(&endpoint, auth, options)
    }

    /// A client authenticated with the resource's access key (HMAC-SHA256 request signing), from
    /// a connection string `endpoint=https://<resource>.communication.azure.com/;accesskey=<key>`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Other`](azure_core::error::ErrorKind::Other) when the connection string is
    /// malformed, its endpoint is not `https` (or loopback `http`), or its key is not base64.
    /// The message never contains the key. Nothing is sent.
    pub fn from_connection_string(
        connection_string: &str,
        options: Option<CommunicationIdentityClientOptions>,
    ) -> azure_core::Result<Self> {
        let (endpoint, key) = ConnectionString::parse(connection_string)?.into_parts();
        Self::build(&endpoint, Arc::new(HmacAuthPolicy::new(key)), options.unwrap_or_default())
    }

    /// A client authenticated with an endpoint and its access key (HMAC-SHA256 request signing).
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new) for the endpoint and options. Nothing is sent.
    pub fn with_access_key(
        endpoint: &str,
        key: AccessKey,
        options: Option<CommunicationIdentityClientOptions>,
    ) -> azure_core::Result<Self> {
        let endpoint = acs_common::security::parse_endpoint("endpoint", endpoint)?;
        Self::build(&endpoint, Arc::new(HmacAuthPolicy::new(key)), options.unwrap_or_default())
    }

    fn build(
        endpoint: &Url,
        auth: Arc<dyn Policy>,
        options: CommunicationIdentityClientOptions,
    ) -> azure_core::Result<Self> {
        let core = ClientCore::new(
            endpoint.clone(),
            auth,
            CoreOptions {
                client_options: options.client_options,
                api_version: options.api_version.unwrap_or_else(|| DEFAULT_API_VERSION.to_owned()),
                limits: options.limits,
            },
            (env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")),
        )?;
        Ok(Self { rest: IdentityRestClient::from_core(core) })
    }

    /// The endpoint requests are sent to.
    pub fn endpoint(&self) -> &Url {
        self.rest.endpoint()
    }

    /// The api-version sent with every request.
    pub fn api_version(&self) -> &str {
        self.rest.api_version()
    }

    /// Creates a new Communication Services user (`POST /identities`, no body).
    ///
    /// # Errors
    ///
    /// The service's error (status and `CommunicationError`), or a transport error.
    #[tracing::instrument(name = "acs_identity.create_user", skip_all, err(level = "debug"))]
    pub async fn create_user(
        &self,
        options: Option<CreateUserOptions<'_>>,
    ) -> azure_core::Result<CommunicationUserIdentifier> {
        let options = options.unwrap_or_default();
        let result = self
            .rest
            .identity()
            .create(Some(IdentityOperationsCreateOptions { body: None, method_options: options.method_options }))
            .await?
            .into_model()?;
        Ok(CommunicationUserIdentifier::new(result.identity.id))
    }

    /// Creates a new user and an access token for it with the given scopes, in one request
    /// (`POST /identities` with `{createTokenWithScopes, expiresInMinutes}`).
    ///
    /// `scopes` takes [`CommunicationTokenScope`]s or their wire names (`["chat", "voip"]`); the
    /// token's lifetime is [`CreateUserAndTokenOptions::token_expires_in`] (the service's default,
    /// 24 hours, when `None`).
    ///
    /// # Errors
    ///
    /// Before any request: a `token_expires_in` of more minutes than `expiresInMinutes` holds.
    /// The scopes and the lifetime are the service's to judge: for example `400 ValidationError`
    /// for no scope, an unknown one, or a lifetime outside 60 to 1440 minutes.
    #[tracing::instrument(
        name = "acs_identity.create_user_and_token",
        skip_all,
        fields(scopes, expires_in_minutes),
        err(level = "debug")
    )]
    pub async fn create_user_and_token<S>(
        &self,
        scopes: impl IntoIterator<Item = S>,
        options: Option<CreateUserAndTokenOptions<'_>>,
    ) -> azure_core::Result<CommunicationUserToken>
    where
        S: Into<CommunicationTokenScope>,
    {
        let options = options.unwrap_or_default();
        let scopes = scope_list(scopes);
        let expires_in_minutes = expires_in_minutes(options.token_expires_in)?;
        record_token_request(&scopes, expires_in_minutes);
        let body = CommunicationIdentityCreateRequest { create_token_with_scopes: Some(scopes), expires_in_minutes };
        let result = self
            .rest
            .identity()
            .create(Some(IdentityOperationsCreateOptions {
                body: Some(body.try_into()?),
                method_options: options.method_options,
            }))
            .await?
            .into_model()?;
        let access_token = result.access_token.ok_or_else(|| {
            invalid_data(format!(
                "the service created user `{}` but its response has no `accessToken`",
                result.identity.id
            ))
        })?;
        Ok(CommunicationUserToken {
            user: CommunicationUserIdentifier::new(result.identity.id),
            access_token: to_access_token(access_token),
        })
    }

    /// Issues a new access token for an existing user
    /// (`POST /identities/{id}/:issueAccessToken` with `{scopes, expiresInMinutes}`).
    ///
    /// `user` is a [`CommunicationUserIdentifier`] or a [`CommunicationIdentifier`](acs_common::CommunicationIdentifier) of that kind
    /// (see [`IntoCommunicationUser`]); `scopes` and the lifetime are as for
    /// [`create_user_and_token`](Self::create_user_and_token).
    ///
    /// # Errors
    ///
    /// Before any request: `user` is not a communication user (its id goes in the path). Then
    /// the service's error, for example `404` for a deleted user, or `400` for no scope (see
    /// [`create_user_and_token`](Self::create_user_and_token)).
    #[tracing::instrument(
        name = "acs_identity.get_token",
        skip_all,
        fields(user, scopes, expires_in_minutes),
        err(level = "debug")
    )]
    pub async fn get_token<S>(
        &self,
        user: impl IntoCommunicationUser,
        scopes: impl IntoIterator<Item = S>,
        options: Option<GetTokenOptions<'_>>,
    ) -> azure_core::Result<AccessToken>
    where
        S: Into<CommunicationTokenScope>,
    {
        let options = options.unwrap_or_default();
        let user = user_argument(user)?;
        let scopes = scope_list(scopes);
        let expires_in_minutes = expires_in_minutes(options.token_expires_in)?;
        record_token_request(&scopes, expires_in_minutes);
        let body = CommunicationIdentityAccessTokenRequest { scopes, expires_in_minutes };
        let token = self
            .rest
            .identity()
            .issue_access_token(
                user.id(),
                body.try_into()?,
                Some(IdentityOperationsIssueAccessTokenOptions { method_options: options.method_options }),
            )
            .await?
            .into_model()?;
        Ok(to_access_token(token))
    }

    /// Revokes every access token issued for the user so far
    /// (`POST /identities/{id}/:revokeAccessTokens`). Tokens issued afterwards work.
    ///
    /// # Errors
    ///
    /// Before any request: `user` is not a communication user. Then the service's error.
    #[tracing::instrument(name = "acs_identity.revoke_tokens", skip_all, fields(user), err(level = "debug"))]
    pub async fn revoke_tokens(
        &self,
        user: impl IntoCommunicationUser,
        options: Option<RevokeTokensOptions<'_>>,
    ) -> azure_core::Result<()> {
        let options = options.unwrap_or_default();
        let user = user_argument(user)?;
        self.rest
            .identity()
            .revoke_access_tokens(
                user.id(),
                Some(IdentityOperationsRevokeAccessTokensOptions { method_options: options.method_options }),
            )
            .await?;
        Ok(())
    }

    /// Deletes the user, revokes all its tokens and deletes its data (`DELETE /identities/{id}`).
    ///
    /// # Errors
    ///
    /// Before any request: `user` is not a communication user. Then the service's error.
    #[tracing::instrument(name = "acs_identity.delete_user", skip_all, fields(user), err(level = "debug"))]
    pub async fn delete_user(
        &self,
        user: impl IntoCommunicationUser,
        options: Option<DeleteUserOptions<'_>>,
    ) -> azure_core::Result<()> {
        let options = options.unwrap_or_default();
        let user = user_argument(user)?;
        self.rest
            .identity()
            .delete(user.id(), Some(IdentityOperationsDeleteOptions { method_options: options.method_options }))
            .await?;
        Ok(())
    }
}

fn entra_policy(
    credential: Arc<dyn TokenCredential>,
    scopes: Option<Vec<String>>,
) -> azure_core::Result<Arc<dyn Policy>> {
    let Some(scopes) = scopes else {
        return Ok(Arc::new(BearerTokenPolicy::entra(credential)));
    };
    if scopes.is_empty() || scopes.iter().any(|scope| scope.trim().is_empty()) {
        return Err(invalid_argument("options.entra_scopes", "must hold at least one scope, and no empty scope"));
    }
    let refresher = move || {
        let credential = Arc::clone(&credential);
        let scopes = scopes.clone();
        async move {
            let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
            credential.get_token(&scopes, None).await
        }
    };
    let credential = CommunicationTokenCredential::with_refresher(refresher, RefreshOptions::default())?;
    Ok(Arc::new(BearerTokenPolicy::new(credential)))
}

/// The scopes, as given: which scopes (and how many) a token may have is the service's to judge.
fn scope_list<S: Into<CommunicationTokenScope>>(scopes: impl IntoIterator<Item = S>) -> Vec<CommunicationTokenScope> {
    scopes.into_iter().map(Into::into).collect()
}

/// Whole minutes of a token lifetime, as `expiresInMinutes`.
fn expires_in_minutes(expires_in: Option<Duration>) -> azure_core::Result<Option<i32>> {
    let Some(expires_in) = expires_in else {
        return Ok(None);
    };
    let minutes = expires_in.whole_minutes();
    i32::try_from(minutes).map(Some).map_err(|_| {
        invalid_argument(
            "token_expires_in",
            format!("{minutes} minutes does not fit in `expiresInMinutes`; the service accepts 60 to 1440 minutes"),
        )
    })
}

fn record_token_request(scopes: &[CommunicationTokenScope], expires_in_minutes: Option<i32>) {
    let span = tracing::Span::current();
    let scopes: Vec<&str> = scopes.iter().map(CommunicationTokenScope::as_str).collect();
    span.record("scopes", tracing::field::display(scopes.join(",")));
    if let Some(minutes) = expires_in_minutes {
        span.record("expires_in_minutes", minutes);
    }
}

fn user_argument(user: impl IntoCommunicationUser) -> azure_core::Result<CommunicationUserIdentifier> {
    let user = user.into_communication_user()?;
    tracing::Span::current().record("user", user.id());
    Ok(user)
}

pub(crate) fn to_access_token(token: CommunicationIdentityAccessToken) -> AccessToken {
    AccessToken::new(token.token, token.expires_on)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_become_whole_minutes() {
        assert_eq!(expires_in_minutes(None).unwrap(), None);
        assert_eq!(expires_in_minutes(Some(Duration::hours(1))).unwrap(), Some(60));
        assert_eq!(expires_in_minutes(Some(Duration::seconds(119))).unwrap(), Some(1));
        assert_eq!(expires_in_minutes(Some(Duration::seconds(30))).unwrap(), Some(0));
        assert_eq!(expires_in_minutes(Some(Duration::days(1))).unwrap(), Some(1440));
        // The service judges the lifetime; only what does not fit its field is refused here.
        assert_eq!(expires_in_minutes(Some(Duration::seconds(-60))).unwrap(), Some(-1));
        for bad in [Duration::MIN, Duration::MAX] {
            let message = expires_in_minutes(Some(bad)).unwrap_err().to_string();
            assert!(message.contains("`token_expires_in`"), "{message}");
        }
    }

    #[test]
    fn scope_lists_are_sent_as_given() {
        assert_eq!(scope_list(["chat", "voip"]), [CommunicationTokenScope::Chat, CommunicationTokenScope::Voip]);
        assert!(scope_list(Vec::<CommunicationTokenScope>::new()).is_empty());
        assert_eq!(scope_list(["future.scope"]), [CommunicationTokenScope::UnknownValue("future.scope".to_owned())]);
    }
}
