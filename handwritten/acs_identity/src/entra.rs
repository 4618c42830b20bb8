//! [`EntraCommunicationTokenCredential`]: the Communication Services token of a Teams Phone
//! extension user, obtained by exchanging the user's Microsoft Entra ID token, and refreshed
//! before it expires (the counterpart of the JavaScript SDK's `EntraCommunicationTokenCredential`).

use crate::client::{CommunicationIdentityClient, TEAMS_EXTENSION_SCOPE};
use crate::options::CommunicationIdentityClientOptions;
use acs_common::{CommunicationTokenCredential, RefreshOptions};
use azure_core::credentials::{AccessToken, TokenCredential};
use std::fmt;
use std::sync::Arc;

/// What [`EntraCommunicationTokenCredential::new`] needs.
#[derive(Clone)]
pub struct EntraCommunicationTokenCredentialOptions {
    /// The Communication Services resource, for example `https://contoso.communication.azure.com`.
    pub resource_endpoint: String,
    /// The Teams Phone extension user's Microsoft Entra ID credential (for example one of
    /// `azure_identity`).
    pub token_credential: Arc<dyn TokenCredential>,
    /// The scopes asked of `token_credential` (`[TEAMS_EXTENSION_SCOPE]` by default).
    pub scopes: Vec<String>,
    /// The options of the Identity client that makes the exchange (retry, transport, limits).
    pub client_options: CommunicationIdentityClientOptions,
    /// When to refresh (proactively in the background, or on use).
    pub refresh: RefreshOptions,
}

impl EntraCommunicationTokenCredentialOptions {
    /// The options for a resource and an Entra ID credential, with the default scopes.
    pub fn new(resource_endpoint: impl Into<String>, token_credential: Arc<dyn TokenCredential>) -> Self {
        Self {
            resource_endpoint: resource_endpoint.into(),
            token_credential,
            scopes: vec![TEAMS_EXTENSION_SCOPE.to_owned()],
            client_options: CommunicationIdentityClientOptions::default(),
            refresh: RefreshOptions::default(),
        }
    }
}

impl fmt::Debug for EntraCommunicationTokenCredentialOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EntraCommunicationTokenCredentialOptions")
            .field("resource_endpoint", &self.resource_endpoint)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// The Communication Services access token of a Teams Phone extension user: each token comes
/// from exchanging the user's Entra ID token (`POST /access/teamsExtension/:exchangeAccessToken`)
/// and is refreshed before it expires, like any [`CommunicationTokenCredential`], which this
/// turns into for the chat clients.
///
/// ```no_run
/// use acs_identity::{EntraCommunicationTokenCredential, EntraCommunicationTokenCredentialOptions};
/// # async fn demo(entra: std::sync::Arc<dyn azure_core::credentials::TokenCredential>) -> azure_core::Result<()> {
/// let options = EntraCommunicationTokenCredentialOptions::new("https://contoso.communication.azure.com", entra);
/// let credential = EntraCommunicationTokenCredential::new(options)?;
/// let token = credential.get_token().await?;
/// # let _ = token; Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct EntraCommunicationTokenCredential {
    inner: CommunicationTokenCredential,
}

impl EntraCommunicationTokenCredential {
    /// A credential for the resource and Entra ID credential of `options`. Nothing is sent until
    /// a token is needed (or, with proactive refresh, until the background refresh runs).
    ///
    /// # Errors
    ///
    /// When the endpoint or the client options are not acceptable, or no scope is given.
    pub fn new(options: EntraCommunicationTokenCredentialOptions) -> azure_core::Result<Self> {
        let client_options =
            CommunicationIdentityClientOptions { entra_scopes: Some(options.scopes), ..options.client_options };
        let client = Arc::new(CommunicationIdentityClient::new(
            &options.resource_endpoint,
            options.token_credential,
            Some(client_options),
        )?);
        let refresher = move || {
            let client = Arc::clone(&client);
            async move { Ok(client.exchange_teams_extension_token(None).await?.access_token) }
        };
        Ok(Self { inner: CommunicationTokenCredential::with_refresher(refresher, options.refresh)? })
    }

    /// A valid token: the cached one, or a new one from an exchange when it is about to expire.
    ///
    /// # Errors
    ///
    /// When the Entra ID credential or the exchange fails.
    pub async fn get_token(&self) -> azure_core::Result<AccessToken> {
        self.inner.get_token().await
    }

    /// The credential the chat clients take.
    pub fn communication_token_credential(&self) -> CommunicationTokenCredential {
        self.inner.clone()
    }
}

impl From<EntraCommunicationTokenCredential> for CommunicationTokenCredential {
    fn from(credential: EntraCommunicationTokenCredential) -> Self {
        credential.inner
    }
}
