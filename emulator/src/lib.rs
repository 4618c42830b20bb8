//! A local Azure Communication Services (ACS) Chat + Identity emulator.
//!
//! It serves the Chat REST API (all 16 operations of api-version `2025-03-15`, also under the
//! api-versions today's official SDKs send) and the Identity REST API on loopback, over HTTP or
//! HTTPS, with the service's authentication (HMAC-SHA256 access-key signatures for Identity,
//! user access tokens for Chat), authorization, paging, validation and error bodies. State lives
//! in memory. Faults (429, 503, dropped connections, latency) can be switched on for reliability
//! tests.
//!
//! # In tests
//!
//! ```no_run
//! # async fn demo() -> Result<(), acs_emulator::EmulatorError> {
//! let emulator = acs_emulator::Emulator::start().await?;
//! let alice = emulator.create_user_and_token()?;
//! println!("{} {}", emulator.endpoint(), emulator.connection_string());
//! println!("user {} token {}", alice.user_id, alice.token);
//! // ... point a Chat client at emulator.endpoint() with alice.token ...
//! # Ok(()) }
//! ```
//!
//! The handle stops the server when dropped. Each emulator listens on its own port (port 0 by
//! default), so tests can run many in parallel.
//!
//! # As a program
//!
//! `cargo run -p acs_emulator -- --port 0` prints the endpoint and a connection string, then
//! serves until Ctrl-C; `--tls` serves HTTPS with a certificate made at start-up and writes the
//! CA certificate to trust. See `--help`.

/// Builds a `#[non_exhaustive]` model of a generated crate: its `Default`, then the given fields.
macro_rules! model {
    ($ty:path { $($field:ident : $value:expr),* $(,)? }) => {{
        let mut model = <$ty>::default();
        $( model.$field = $value; )*
        model
    }};
}

mod auth;
mod error;
mod events;
mod faults;
mod http;
pub mod limits;
mod paging;
mod server;
mod state;
mod tls;
mod token;

pub use error::EmulatorError;
pub use events::{EventSchema, EventSubscription};
pub use faults::{FaultConfig, FaultScope};
pub use http::{CHAT_API_VERSIONS, IDENTITY_API_VERSIONS};

use acs_common::hmac::AccessKey;
use base64::Engine as _;
use http::AppState;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Longest token lifetime the emulator uses (longer settings are lowered to it): ten years.
const MAX_LIFETIME: Duration = Duration::from_secs(10 * 365 * 24 * 60 * 60);

/// How Teams token exchanges (`/teamsUser/:exchangeAccessToken`,
/// `/access/teamsExtension/:exchangeAccessToken`) are answered. The emulator cannot check
/// Microsoft Entra ID tokens, so by default they fail with a clear 400.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum TeamsExchange {
    /// Answer `400 TeamsExchangeNotConfigured` (the default).
    #[default]
    NotConfigured,
    /// Accept any well-formed request and issue an ACS token (scopes `chat`, `voip`) for the
    /// Teams identity: `8:orgid:<userId>` for Teams users; for the Teams Phone extension exchange,
    /// `8:acs:<resource>_<tenantId>_<userId>` with the ids the body names, else placeholders (the
    /// service reads them from the caller's Entra token). The token works on the Chat API.
    Issue {
        /// Token lifetime (the emulator's default token lifetime when `None`).
        lifetime: Option<Duration>,
    },
    /// Answer with this error.
    Fail {
        /// HTTP status (400 when not a valid status).
        status: u16,
        /// Error code of the `CommunicationErrorResponse`.
        code: String,
        /// Error message.
        message: String,
    },
}

/// Where the HTTPS certificate comes from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain HTTP (the default).
    #[default]
    Off,
    /// HTTPS with a CA and server certificate (for `localhost`, `127.0.0.1`, `::1`) made at start-up.
    SelfSigned,
    /// HTTPS with a certificate chain and private key read from PEM files.
    Files {
        /// The certificate chain (server certificate first).
        cert: PathBuf,
        /// The private key (PKCS#8, PKCS#1 or SEC1).
        key: PathBuf,
    },
}

/// A user created on the emulator and an access token for it.
#[derive(Clone, Debug, PartialEq)]
pub struct UserAndToken {
    /// The user's raw id, `8:acs:<resource>_<guid>`.
    pub user_id: String,
    /// The access token (JWT-shaped, accepted by the Chat API of this emulator only).
    pub token: String,
    /// When the token expires.
    pub expires_on: OffsetDateTime,
}

/// Entry point: [`Emulator::start`] with the defaults, or [`Emulator::builder`].
#[derive(Debug)]
pub struct Emulator;

impl Emulator {
    /// A builder with the defaults: `127.0.0.1`, port 0 (any free port), plain HTTP, a random
    /// access key and resource id, tokens valid 24 hours, no faults.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// Starts an emulator with the defaults.
    ///
    /// # Errors
    ///
    /// When the socket cannot be bound.
    pub async fn start() -> Result<EmulatorHandle, EmulatorError> {
        Self::builder().start().await
    }
}

/// Settings of an emulator; [`EmulatorBuilder::start`] runs it.
#[derive(Clone, Debug)]
pub struct EmulatorBuilder {
    bind: IpAddr,
    port: u16,
    tls: TlsMode,
    access_key: Option<String>,
    resource_id: Option<uuid::Uuid>,
    token_lifetime: Duration,
    faults: FaultConfig,
    teams: TeamsExchange,
    timeouts: Timeouts,
    event_subscriptions: Vec<EventSubscription>,
    data_dir: Option<std::path::PathBuf>,
}

/// How long the emulator waits for clients; a client slower than these is cut off, so a slow or
/// idle client cannot hold a connection (or the memory it costs) for ever.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// To receive a request's headers, counted from the first byte (10 s by default).
    pub header_read: Duration,
    /// To receive a request's body once its headers are in (30 s by default); 408 after it.
    pub body_read: Duration,
    /// A keep-alive connection with no request in progress (60 s by default); closed after it.
    pub idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self { header_read: Duration::from_secs(10), body_read: Duration::from_secs(30), idle: Duration::from_secs(60) }
    }
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            tls: TlsMode::Off,
            access_key: None,
            resource_id: None,
            token_lifetime: Duration::from_secs(24 * 60 * 60),
            faults: FaultConfig::default(),
            teams: TeamsExchange::NotConfigured,
            timeouts: Timeouts::default(),
            event_subscriptions: Vec::new(),
            data_dir: None,
        }
    }
}

impl EmulatorBuilder {
    /// The address to listen on (`127.0.0.1` by default; keep it on loopback).
    pub fn bind(mut self, address: IpAddr) -> Self {
        self.bind = address;
        self
    }

    /// The port (0, the default, picks a free one).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// HTTPS settings.
    pub fn tls(mut self, tls: TlsMode) -> Self {
        self.tls = tls;
        self
    }

    /// The access key (base64) of the connection string and HMAC checks; random by default.
    pub fn access_key(mut self, key: impl Into<String>) -> Self {
        self.access_key = Some(key.into());
        self
    }

    /// The resource id in user ids (`8:acs:<resource>_<guid>`); random by default.
    pub fn resource_id(mut self, id: uuid::Uuid) -> Self {
        self.resource_id = Some(id);
        self
    }

    /// Lifetime of tokens issued without `expiresInMinutes` (24 hours by default). Unlike
    /// `expiresInMinutes`, this may be short, to test expiry.
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// Faults and latency from the start (see [`EmulatorHandle::set_faults`]).
    pub fn faults(mut self, faults: FaultConfig) -> Self {
        self.faults = faults;
        self
    }

    /// How long clients may take (see [`Timeouts`]).
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Keeps the emulator's data in `dir` (created if needed), so that it survives a restart: users,
    /// token revocations and the token signing key (tokens stay valid), threads, messages,
    /// participants, read receipts, Teams extension assignments, event subscriptions, and the
    /// access key unless [`access_key`](Self::access_key) sets another. Without it everything is
    /// in memory. For development use: every change is committed to disk before its answer.
    pub fn data_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }

    /// A webhook that receives chat events (see [`EventSubscription`]); may be given more than once.
    pub fn event_subscription(mut self, subscription: EventSubscription) -> Self {
        self.event_subscriptions.push(subscription);
        self
    }

    /// How Teams token exchanges are answered.
    pub fn teams_exchange(mut self, answer: TeamsExchange) -> Self {
        self.teams = answer;
        self
    }

    /// Binds the socket and starts serving in the background on the current Tokio runtime.
    ///
    /// # Errors
    ///
    /// When the socket cannot be bound, the TLS certificate cannot be made or read, or a setting
    /// is invalid.
    pub async fn start(self) -> Result<EmulatorHandle, EmulatorError> {
        self.faults.validate().map_err(EmulatorError::Config)?;
        let (mut store, kept) = match &self.data_dir {
            Some(dir) => state::Store::open(dir, self.resource_id.map(|id| id.to_string()))?,
            None => {
                let id = self.resource_id.unwrap_or_else(uuid::Uuid::new_v4).to_string();
                (state::Store::new(id), state::Kept::default())
            }
        };
        let key_text = match self.access_key.or(kept.access_key) {
            Some(key) => key,
            None => {
                let mut bytes = [0u8; 32];
                bytes[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
                bytes[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
                base64::engine::general_purpose::STANDARD.encode(bytes)
            }
        };
        let access_key = AccessKey::new(key_text.clone())
            .map_err(|_| EmulatorError::Config("the access key is not base64".into()))?;
        let material = match &self.tls {
            TlsMode::Off => None,
            TlsMode::SelfSigned => Some(tls::generate()?),
            TlsMode::Files { cert, key } => Some(tls::from_files(cert, key)?),
        };
        let acceptor = material.as_ref().map(tls::acceptor).transpose()?;
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(self.bind, self.port)).await?;
        let local_addr = listener.local_addr()?;
        let scheme = if material.is_some() { "https" } else { "http" };
        let host = match local_addr.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        };
        let endpoint = format!("{scheme}://{host}:{}/", local_addr.port());
        let resource_id = store.resource_id().to_owned();
        let signer = kept.signing_secret.map_or_else(token::TokenSigner::random, token::TokenSigner::from_secret);
        let mut subscriptions = Vec::new();
        for stored in kept.subscriptions {
            let subscription: EventSubscription = serde_json::from_value(stored)
                .map_err(|e| EmulatorError::Config(format!("a stored event subscription is unreadable ({e})")))?;
            subscriptions.push(subscription);
        }
        for subscription in self.event_subscriptions {
            if !subscriptions.contains(&subscription) {
                subscriptions.push(subscription);
            }
        }
        store.keep(&state::Kept {
            signing_secret: Some(signer.secret()),
            access_key: Some(key_text.clone()),
            subscriptions: subscriptions.iter().map(|s| serde_json::to_value(s).unwrap_or_default()).collect(),
        })?;
        let state = Arc::new(AppState {
            store: Mutex::new(store),
            signer,
            access_key,
            faults: faults::Faults::new(self.faults),
            teams: Mutex::new(self.teams),
            scheme,
            local_addr,
            default_token_lifetime: self.token_lifetime.min(MAX_LIFETIME),
            body_read_timeout: self.timeouts.body_read,
            events: events::Events::new(&resource_id),
        });
        for subscription in subscriptions {
            state.events.subscribe(subscription)?;
        }
        let (shutdown, signal) = oneshot::channel();
        let task = tokio::spawn(server::serve(listener, acceptor, http::router(state.clone()), self.timeouts, signal));
        tracing::info!(%endpoint, "ACS emulator listening");
        Ok(EmulatorHandle {
            connection_string: format!("endpoint={endpoint};accesskey={key_text}"),
            endpoint,
            access_key: key_text,
            resource_id,
            local_addr,
            ca_pem: material.map(|m| m.trust_pem),
            state,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }
}

/// A running emulator. Dropping it stops the server and closes its connections.
#[derive(Debug)]
pub struct EmulatorHandle {
    endpoint: String,
    connection_string: String,
    access_key: String,
    resource_id: String,
    local_addr: SocketAddr,
    ca_pem: Option<String>,
    state: Arc<AppState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl EmulatorHandle {
    /// The endpoint, for example `http://127.0.0.1:49152/` (with a trailing slash).
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// A connection string for Identity clients: `endpoint=<endpoint>;accesskey=<key>`.
    pub fn connection_string(&self) -> &str {
        &self.connection_string
    }

    /// The access key (base64).
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The emulated resource id (the `<resource>` of `8:acs:<resource>_<guid>` user ids).
    pub fn resource_id(&self) -> &str {
        &self.resource_id
    }

    /// The socket address the emulator listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The PEM certificate clients should trust when serving HTTPS: the CA made at start-up, or
    /// the given certificate file. `None` over plain HTTP.
    pub fn ca_certificate_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// Creates a user, as `POST /identities` does.
    pub fn create_user(&self) -> String {
        self.state.store().create_user()
    }

    /// Creates a user and a `chat` + `voip` token with the default lifetime.
    ///
    /// # Errors
    ///
    /// Not expected; kept for symmetry with [`EmulatorHandle::issue_token`].
    pub fn create_user_and_token(&self) -> Result<UserAndToken, EmulatorError> {
        let user_id = self.create_user();
        let expires_on = OffsetDateTime::now_utc() + self.state.default_token_lifetime;
        self.issue_token_expiring_at(&user_id, &["chat", "voip"], expires_on)
    }

    /// Issues a token for an existing user, valid for `lifetime`.
    ///
    /// # Errors
    ///
    /// [`EmulatorError::Rejected`] when the user does not exist or was deleted.
    pub fn issue_token(
        &self,
        user_id: &str,
        scopes: &[&str],
        lifetime: Duration,
    ) -> Result<UserAndToken, EmulatorError> {
        self.issue_token_expiring_at(user_id, scopes, OffsetDateTime::now_utc() + lifetime.min(MAX_LIFETIME))
    }

    /// Issues a token with any expiry, including one in the past (to test expired tokens).
    ///
    /// # Errors
    ///
    /// [`EmulatorError::Rejected`] when the user does not exist or was deleted.
    pub fn issue_token_expiring_at(
        &self,
        user_id: &str,
        scopes: &[&str],
        expires_on: OffsetDateTime,
    ) -> Result<UserAndToken, EmulatorError> {
        let scopes: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
        let mut store = self.state.store();
        let token = self.state.mint_token(&mut store, user_id, &scopes, expires_on)?;
        Ok(UserAndToken { user_id: user_id.to_owned(), token: token.token, expires_on: token.expires_on })
    }

    /// Revokes all tokens of a user issued so far.
    ///
    /// # Errors
    ///
    /// [`EmulatorError::Rejected`] when the user does not exist or was deleted.
    pub fn revoke_tokens(&self, user_id: &str) -> Result<(), EmulatorError> {
        Ok(self.state.store().revoke_tokens(user_id)?)
    }

    /// Starts delivering chat events to another webhook (the validation handshake runs before the
    /// first delivery).
    ///
    /// # Errors
    ///
    /// [`EmulatorError::Config`] when the URL is not `https`, or `http` to a loopback host.
    pub fn subscribe_events(&self, subscription: EventSubscription) -> Result<(), EmulatorError> {
        self.state.events.subscribe(subscription)?;
        let subscriptions = self.state.events.subscriptions();
        self.state.store().keep(&state::Kept {
            subscriptions: subscriptions.iter().map(|s| serde_json::to_value(s).unwrap_or_default()).collect(),
            ..Default::default()
        })
    }

    /// The webhooks that receive chat events.
    pub fn event_subscriptions(&self) -> Vec<EventSubscription> {
        self.state.events.subscriptions()
    }

    /// Replaces the fault settings; applies to the next requests.
    ///
    /// # Errors
    ///
    /// [`EmulatorError::Config`] when a rate is outside `[0, 1]` or the rates add up to more than 1.
    pub fn set_faults(&self, faults: FaultConfig) -> Result<(), EmulatorError> {
        faults.validate().map_err(EmulatorError::Config)?;
        self.state.faults.set(faults);
        Ok(())
    }

    /// The current fault settings.
    pub fn faults(&self) -> FaultConfig {
        self.state.faults.get()
    }

    /// Sets how Teams token exchanges are answered.
    pub fn set_teams_exchange(&self, answer: TeamsExchange) {
        *self.state.teams.lock().unwrap_or_else(|e| e.into_inner()) = answer;
    }

    /// Stops the server and waits until it has closed its connections.
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
