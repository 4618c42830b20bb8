//! The ACS user-token credential used by the Chat client.
//!
//! A [`CommunicationTokenCredential`] holds an ACS user access token (a JWT) and hands it to the
//! [`BearerTokenPolicy`](crate::bearer::BearerTokenPolicy). It is either
//!
//! * **static**: made from one token; once that token has expired, using the credential is an
//!   error; or
//! * **refreshing**: made from an async [`TokenRefresher`]. A token with less than
//!   [`ON_DEMAND_REFRESH_WINDOW`] (2 minutes) left is refreshed when asked for. With
//!   [`RefreshOptions::proactive_refresh`] a background task also refreshes
//!   [`PROACTIVE_REFRESH_WINDOW`] (10 minutes) before expiry; when a token arrives with less than
//!   that left, the background refresh happens after half the remaining lifetime (at least one
//!   second later), so a refresher that keeps returning short-lived tokens cannot make it loop.
//!
//! Concurrent callers share one refresh: while a refresh runs, other callers wait for it and get
//! its result, token or error. A refresher that fails, or returns a token that is already
//! expired, makes the waiting calls fail; the next call tries again.
//!
//! The credential is an `Arc` inside: clone it freely and share it across tasks. Dropping the last
//! clone stops the background task.

use crate::error::credential_error;
use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_core::error::{Error, ErrorKind};
use azure_core::time::{Duration, OffsetDateTime};
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard, Weak};
use tokio::sync::Notify;
use tokio::task::AbortHandle;

/// A token with less than this left is refreshed when it is asked for.
pub const ON_DEMAND_REFRESH_WINDOW: Duration = Duration::minutes(2);

/// With proactive refresh, the background task refreshes this long before expiry.
pub const PROACTIVE_REFRESH_WINDOW: Duration = Duration::minutes(10);

/// The shortest wait between two background refreshes.
const MIN_PROACTIVE_DELAY: Duration = Duration::seconds(1);

/// Fetches a new ACS user token, typically from your own server (which gets it from the
/// Identity service).
///
/// Any `Fn() -> impl Future<Output = azure_core::Result<AccessToken>>` closure that is `Send +
/// Sync` is a refresher. When you only have the token text, [`crate::jwt::access_token`] reads its
/// expiry.
///
/// # Example
///
/// ```
/// use acs_common::credential::TokenRefresher;
/// use azure_core::credentials::AccessToken;
///
/// #[derive(Debug)]
/// struct FromMyServer;
///
/// #[async_trait::async_trait]
/// impl TokenRefresher for FromMyServer {
///     async fn refresh(&self) -> azure_core::Result<AccessToken> {
///         let token: String = fetch_token_text().await?;
///         acs_common::jwt::access_token(token)
///     }
/// }
/// # async fn fetch_token_text() -> azure_core::Result<String> { unimplemented!() }
/// ```
#[async_trait::async_trait]
pub trait TokenRefresher: Send + Sync {
    /// Returns a new, unexpired token.
    async fn refresh(&self) -> azure_core::Result<AccessToken>;
}

#[async_trait::async_trait]
impl<F, Fut> TokenRefresher for F
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = azure_core::Result<AccessToken>> + Send,
{
    async fn refresh(&self) -> azure_core::Result<AccessToken> {
        (self)().await
    }
}

/// Options of a refreshing [`CommunicationTokenCredential`].
///
/// ```
/// let options = acs_common::credential::RefreshOptions {
///     proactive_refresh: true,
///     ..Default::default()
/// };
/// assert!(options.initial_token.is_none());
/// ```
#[derive(Clone, Default)]
pub struct RefreshOptions {
    /// A token to use until it needs refreshing. Without one, the first use calls the refresher.
    pub initial_token: Option<String>,
    /// Refresh in the background before the token expires (needs a Tokio runtime; when the
    /// credential is created outside one, the background task starts on first use).
    pub proactive_refresh: bool,
}

impl fmt::Debug for RefreshOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshOptions")
            .field("initial_token", &self.initial_token.as_ref().map(|_| "<redacted>"))
            .field("proactive_refresh", &self.proactive_refresh)
            .finish()
    }
}

/// The ACS user-token credential: static, or refreshing with a [`TokenRefresher`].
///
/// See the [module documentation](self) for the refresh rules.
///
/// # Example
///
/// ```
/// use acs_common::credential::{CommunicationTokenCredential, RefreshOptions};
/// use azure_core::credentials::AccessToken;
/// use azure_core::time::{Duration, OffsetDateTime};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> azure_core::Result<()> {
/// // A static credential from a token (here a fake JWT expiring in one hour).
/// let exp = (OffsetDateTime::now_utc() + Duration::hours(1)).unix_timestamp();
/// let payload = azure_core::base64::encode_url_safe(format!(r#"{{"exp":{exp}}}"#));
/// let token = format!("eyJhbGciOiJSUzI1NiJ9.{payload}.c2ln");
/// let credential = CommunicationTokenCredential::new(token.clone())?;
/// assert_eq!(credential.get_token().await?.token.secret(), token);
///
/// // A refreshing credential.
/// let refreshing = CommunicationTokenCredential::with_refresher(
///     || async {
///         Ok(AccessToken::new("fresh-token", OffsetDateTime::now_utc() + Duration::hours(1)))
///     },
///     RefreshOptions { proactive_refresh: true, ..Default::default() },
/// )?;
/// assert_eq!(refreshing.get_token().await?.token.secret(), "fresh-token");
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct CommunicationTokenCredential {
    inner: Arc<Inner>,
}

struct Inner {
    mode: Mode,
    state: RwLock<State>,
    /// Held while a refresh runs: the single flight.
    refresh_lock: tokio::sync::Mutex<()>,
    /// Notified after every refresh attempt, to reschedule the background task.
    changed: Arc<Notify>,
    background_started: AtomicBool,
    background: Mutex<Option<AbortHandle>>,
}

enum Mode {
    Static,
    Refreshing { refresher: Arc<dyn TokenRefresher>, proactive: bool },
}

struct State {
    token: Option<AccessToken>,
    /// Incremented by every refresh attempt.
    generation: u64,
    /// Why the last refresh attempt failed, if it did.
    failure: Option<(ErrorKind, String)>,
    /// When the background task should refresh next (proactive mode).
    due: Option<OffsetDateTime>,
}

impl CommunicationTokenCredential {
    /// A static credential from a token. Its expiry is read from the JWT `exp` claim.
    ///
    /// The token may already be expired: the error comes when it is used.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::DataConversion`] when the token is not a JWT with a valid `exp` claim.
    pub fn new(token: impl Into<String>) -> azure_core::Result<Self> {
        let token = crate::jwt::access_token(token)?;
        Ok(Self::from_parts(Mode::Static, Some(token)))
    }

    /// A static credential from a token whose expiry is already known (no JWT parsing).
    ///
    /// ```
    /// use acs_common::credential::CommunicationTokenCredential;
    /// use azure_core::{credentials::AccessToken, time::{Duration, OffsetDateTime}};
    ///
    /// let credential = CommunicationTokenCredential::from_access_token(AccessToken::new(
    ///     "opaque", OffsetDateTime::now_utc() + Duration::hours(1)));
    /// assert!(format!("{credential:?}").contains("static"));
    /// ```
    pub fn from_access_token(token: AccessToken) -> Self {
        Self::from_parts(Mode::Static, Some(token))
    }

    /// A refreshing credential.
    ///
    /// The refresher fetches a new token, typically from your server. It must not call
    /// `get_token` on the credential it refreshes: that call would wait for the refresh it is part
    /// of, forever.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::DataConversion`] when `options.initial_token` is not a JWT with a valid `exp`
    /// claim.
    pub fn with_refresher(
        refresher: impl TokenRefresher + 'static,
        options: RefreshOptions,
    ) -> azure_core::Result<Self> {
        let initial = options.initial_token.map(crate::jwt::access_token).transpose()?;
        Ok(Self::from_parts(
            Mode::Refreshing { refresher: Arc::new(refresher), proactive: options.proactive_refresh },
            initial,
        ))
    }

    /// A refreshing credential without an initial token and without proactive refresh.
    pub(crate) fn refreshing(refresher: impl TokenRefresher + 'static) -> Self {
        Self::from_parts(Mode::Refreshing { refresher: Arc::new(refresher), proactive: false }, None)
    }

    fn from_parts(mode: Mode, token: Option<AccessToken>) -> Self {
        let proactive = matches!(mode, Mode::Refreshing { proactive: true, .. });
        let now = OffsetDateTime::now_utc();
        let due = if proactive {
            match &token {
                Some(token) => proactive_due(token, now),
                None => Some(now),
            }
        } else {
            None
        };
        let inner = Arc::new(Inner {
            mode,
            state: RwLock::new(State { token, generation: 0, failure: None, due }),
            refresh_lock: tokio::sync::Mutex::new(()),
            changed: Arc::new(Notify::new()),
            background_started: AtomicBool::new(false),
            background: Mutex::new(None),
        });
        if proactive {
            inner.ensure_background();
        }
        Self { inner }
    }

    /// Returns a valid token, refreshing it first when needed (see the [module docs](self)).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Credential`] when a static token has expired, or the refresher failed or
    /// returned an expired token.
    pub async fn get_token(&self) -> azure_core::Result<AccessToken> {
        let inner = &self.inner;
        let now = OffsetDateTime::now_utc();
        match &inner.mode {
            Mode::Static => {
                let token = inner.read().token.clone();
                match token {
                    Some(token) if token.expires_on > now => Ok(token),
                    Some(token) => Err(credential_error(format!(
                        "the static access token expired at {}; create the credential with a token \
                         refresher to get new tokens",
                        token.expires_on
                    ))),
                    None => Err(credential_error("the credential has no access token")),
                }
            }
            Mode::Refreshing { proactive, .. } => {
                if *proactive {
                    inner.ensure_background();
                }
                let (token, generation) = {
                    let state = inner.read();
                    let usable =
                        state.token.as_ref().filter(|t| t.expires_on - now > ON_DEMAND_REFRESH_WINDOW).cloned();
                    (usable, state.generation)
                };
                match token {
                    Some(token) => Ok(token),
                    None => inner.refresh(generation).await,
                }
            }
        }
    }
}

impl Inner {
    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Refreshes unless another refresh finished since the caller read `observed_generation`,
    /// in which case that refresh's outcome is returned.
    async fn refresh(&self, observed_generation: u64) -> azure_core::Result<AccessToken> {
        let Mode::Refreshing { refresher, .. } = &self.mode else {
            return Err(credential_error("a static credential cannot be refreshed"));
        };
        let _flight = self.refresh_lock.lock().await;
        {
            let state = self.read();
            if state.generation != observed_generation {
                if let Some((kind, message)) = &state.failure {
                    return Err(Error::with_message(kind.clone(), message.clone()));
                }
                if let Some(token) = state.token.as_ref().filter(|t| t.expires_on > OffsetDateTime::now_utc()) {
                    return Ok(token.clone());
                }
            }
        }
        let result = refresher.refresh().await;
        let now = OffsetDateTime::now_utc();
        let outcome = match result {
            Ok(token) if token.expires_on > now => Ok(token),
            Ok(token) => Err(credential_error(format!(
                "the token returned by the token refresher is already expired (it expired at {})",
                token.expires_on
            ))),
            Err(error) => {
                let message = format!("the token refresher failed: {error}");
                Err(Error::with_error(ErrorKind::Credential, error, message))
            }
        };
        {
            let mut state = self.write();
            state.generation = state.generation.wrapping_add(1);
            match &outcome {
                Ok(token) => {
                    state.due = proactive_due(token, now);
                    state.token = Some(token.clone());
                    state.failure = None;
                }
                Err(error) => {
                    // Back off by half the remaining lifetime; nothing left: wait for a caller.
                    state.due = state.token.as_ref().and_then(|t| proactive_due(t, now));
                    state.failure = Some((error.kind().clone(), error.to_string()));
                }
            }
        }
        self.changed.notify_waiters();
        outcome
    }

    fn ensure_background(self: &Arc<Self>) {
        if self.background_started.load(Ordering::Acquire) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let mut slot = self.background.lock().unwrap_or_else(|e| e.into_inner());
        if self.background_started.load(Ordering::Acquire) {
            return;
        }
        let task = runtime.spawn(background_refresh(Arc::downgrade(self), Arc::clone(&self.changed)));
        *slot = Some(task.abort_handle());
        self.background_started.store(true, Ordering::Release);
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        let slot = self.background.get_mut().unwrap_or_else(|e| e.into_inner());
        if let Some(task) = slot.take() {
            task.abort();
        }
    }
}

/// When a background refresh is due for a token received at `now`: `PROACTIVE_REFRESH_WINDOW`
/// before expiry, or after half the remaining lifetime (at least `MIN_PROACTIVE_DELAY`) when less
/// is left. `None` for an expired token.
fn proactive_due(token: &AccessToken, now: OffsetDateTime) -> Option<OffsetDateTime> {
    proactive_delay(token.expires_on - now).map(|delay| now + delay)
}

/// The delay before a background refresh, given the remaining lifetime.
pub(crate) fn proactive_delay(remaining: Duration) -> Option<Duration> {
    if remaining > PROACTIVE_REFRESH_WINDOW {
        Some(remaining - PROACTIVE_REFRESH_WINDOW)
    } else if remaining > Duration::ZERO {
        Some(std::cmp::max(remaining / 2_i32, MIN_PROACTIVE_DELAY))
    } else {
        None
    }
}

/// The background task of a proactive credential. Holds only a `Weak`, so it ends when the
/// last clone of the credential is dropped (the drop also aborts it).
async fn background_refresh(inner: Weak<Inner>, changed: Arc<Notify>) {
    loop {
        let notified = changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let (due, generation) = {
            let Some(inner) = inner.upgrade() else {
                return;
            };
            let state = inner.read();
            (state.due, state.generation)
        };
        let Some(due) = due else {
            notified.await;
            continue;
        };
        let delay = due - OffsetDateTime::now_utc();
        if delay > Duration::ZERO {
            let delay = std::time::Duration::try_from(delay).unwrap_or(std::time::Duration::MAX);
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                () = &mut notified => continue,
            }
        }
        let Some(inner) = inner.upgrade() else {
            return;
        };
        if let Err(error) = inner.refresh(generation).await {
            tracing::warn!(
                error = %error,
                "proactive refresh of the communication token failed; it will be retried"
            );
        }
    }
}

impl fmt::Debug for CommunicationTokenCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let expires_on = self.inner.read().token.as_ref().map(|t| t.expires_on);
        let mut debug = f.debug_struct("CommunicationTokenCredential");
        match &self.inner.mode {
            Mode::Static => debug.field("kind", &"static"),
            Mode::Refreshing { proactive, .. } => {
                debug.field("kind", &"refreshing").field("proactive_refresh", proactive)
            }
        };
        debug.field("expires_on", &expires_on).finish()
    }
}

#[async_trait::async_trait]
impl TokenCredential for CommunicationTokenCredential {
    /// Same as [`CommunicationTokenCredential::get_token`]; `scopes` are ignored (an ACS user
    /// token carries its scopes).
    async fn get_token(
        &self,
        _scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        CommunicationTokenCredential::get_token(self).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proactive_delay_rules() {
        assert_eq!(proactive_delay(Duration::minutes(60)), Some(Duration::minutes(50)));
        assert_eq!(proactive_delay(Duration::minutes(10) + Duration::seconds(1)), Some(Duration::seconds(1)));
        // Inside the window: half the remaining lifetime.
        assert_eq!(proactive_delay(Duration::minutes(10)), Some(Duration::minutes(5)));
        assert_eq!(proactive_delay(Duration::minutes(3)), Some(Duration::seconds(90)));
        // Never faster than once a second.
        assert_eq!(proactive_delay(Duration::milliseconds(500)), Some(Duration::seconds(1)));
        assert_eq!(proactive_delay(Duration::ZERO), None);
        assert_eq!(proactive_delay(Duration::minutes(-5)), None);
    }

    #[test]
    fn repeated_short_tokens_back_off_geometrically() {
        // A refresher that always returns a token with 9 minutes left: each background refresh
        // waits 4.5 minutes, so at most a handful of calls happen per hour.
        let mut remaining = Duration::minutes(9);
        let mut total = Duration::ZERO;
        let mut calls = 0;
        while total < Duration::hours(1) {
            let delay = proactive_delay(remaining).unwrap();
            assert!(delay >= Duration::seconds(1));
            total += delay;
            calls += 1;
            remaining = Duration::minutes(9);
        }
        assert!(calls <= 14, "{calls}");
    }
}
