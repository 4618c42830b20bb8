//! Bearer-token authentication: ACS user tokens (Chat) and Microsoft Entra ID tokens (Identity).
//!
//! [`BearerTokenPolicy`] puts `Authorization: Bearer <token>` on every try of a request. Unlike
//! `azure_core`'s own bearer policy, which refuses every plain-`http` URL, it allows `http` to
//! loopback hosts, so that clients can talk to a local emulator; any other `http` URL is refused
//! before the request is sent.

use crate::credential::CommunicationTokenCredential;
use crate::security::ensure_credential_safe_url;
use azure_core::credentials::TokenCredential;
use azure_core::error::{Error, ErrorKind};
use azure_core::http::headers::AUTHORIZATION;
use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::{Context, Request};
use std::sync::Arc;

/// The Microsoft Entra ID scope of Azure Communication Services (note the double slash).
pub const ENTRA_SCOPE: &str = "https://communication.azure.com//.default";

/// An `azure_core` policy that authenticates each try of a request with a bearer token.
///
/// Add it to the per-try policies of a pipeline. The token comes from a
/// [`CommunicationTokenCredential`] ([`new`](Self::new)), or from any `azure_core`
/// [`TokenCredential`] for scope [`ENTRA_SCOPE`] ([`entra`](Self::entra)); either way tokens are
/// cached and refreshed once for all concurrent requests.
///
/// # Example
///
/// ```
/// use acs_common::{bearer::BearerTokenPolicy, credential::{CommunicationTokenCredential, RefreshOptions}};
/// use azure_core::credentials::AccessToken;
/// use azure_core::http::{policies::Policy, ClientOptions, Pipeline};
/// use azure_core::time::{Duration, OffsetDateTime};
/// use std::sync::Arc;
///
/// let credential = CommunicationTokenCredential::with_refresher(
///     || async { Ok(AccessToken::new("token", OffsetDateTime::now_utc() + Duration::hours(1))) },
///     RefreshOptions::default(),
/// )?;
/// let auth: Arc<dyn Policy> = Arc::new(BearerTokenPolicy::new(credential));
/// let pipeline = Pipeline::new(Some("acs_chat"), Some("0.1.0"), ClientOptions::default(),
///     Vec::new(), vec![auth], None);
/// # let _ = pipeline;
/// # Ok::<(), azure_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct BearerTokenPolicy {
    credential: CommunicationTokenCredential,
}

impl BearerTokenPolicy {
    /// A policy sending the tokens of an ACS user-token credential.
    pub fn new(credential: CommunicationTokenCredential) -> Self {
        Self { credential }
    }

    /// A policy sending Microsoft Entra ID tokens for [`ENTRA_SCOPE`], from any `azure_core`
    /// token credential (for example one from `azure_identity`).
    ///
    /// ```
    /// use acs_common::bearer::BearerTokenPolicy;
    /// use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
    /// use azure_core::time::{Duration, OffsetDateTime};
    /// use std::sync::Arc;
    ///
    /// #[derive(Debug)]
    /// struct MyEntraCredential;
    ///
    /// #[async_trait::async_trait]
    /// impl TokenCredential for MyEntraCredential {
    ///     async fn get_token(&self, scopes: &[&str], _: Option<TokenRequestOptions<'_>>)
    ///         -> azure_core::Result<AccessToken> {
    ///         assert_eq!(scopes, [acs_common::bearer::ENTRA_SCOPE]);
    ///         Ok(AccessToken::new("entra-token", OffsetDateTime::now_utc() + Duration::hours(1)))
    ///     }
    /// }
    ///
    /// let policy = BearerTokenPolicy::entra(Arc::new(MyEntraCredential));
    /// # let _ = policy;
    /// ```
    pub fn entra(credential: Arc<dyn TokenCredential>) -> Self {
        let refresher = move || {
            let credential = Arc::clone(&credential);
            async move { credential.get_token(&[ENTRA_SCOPE], None).await }
        };
        Self { credential: CommunicationTokenCredential::refreshing(refresher) }
    }

    /// The credential the tokens come from.
    pub fn credential(&self) -> &CommunicationTokenCredential {
        &self.credential
    }
}

#[async_trait::async_trait]
impl Policy for BearerTokenPolicy {
    async fn send(&self, ctx: &Context, request: &mut Request, next: &[Arc<dyn Policy>]) -> PolicyResult {
        ensure_credential_safe_url(request.url())?;
        let Some((first, rest)) = next.split_first() else {
            return Err(Error::with_message(
                ErrorKind::Other,
                "BearerTokenPolicy must not be the last policy of a pipeline",
            ));
        };
        let token = self.credential.get_token().await?;
        request.insert_header(AUTHORIZATION, format!("Bearer {}", token.token.secret()));
        first.send(ctx, request, rest).await
    }
}
