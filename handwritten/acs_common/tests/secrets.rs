//! Keys, tokens and connection strings never appear in `Debug`, `Display`, error messages or logs.

mod common;

use acs_common::bearer::BearerTokenPolicy;
use acs_common::connection_string::ConnectionString;
use acs_common::credential::{CommunicationTokenCredential, RefreshOptions};
use acs_common::error::ErrorExt;
use acs_common::hmac::{self, AccessKey, HmacAuthPolicy};
use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_core::http::policies::Policy;
use azure_core::http::{Context, Method, Request, RetryOptions, Url};
use azure_core::time::{Duration, OffsetDateTime};
use common::{jwt_in, pipeline, MockTransport};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

const TOKEN_MARKER: &str = "TOKENMARKER7731";
/// base64 of "KEY-MATERIAL-9462-secret-bytes!!"
const KEY: &str = "S0VZLU1BVEVSSUFMLTk0NjItc2VjcmV0LWJ5dGVzISE=";
const KEY_BODY: &str = "S0VZLU1BVEVSSUFMLTk0NjItc2VjcmV0LWJ5dGVzIS";

struct Secrets {
    token: String,
    connection_string: String,
}

impl Secrets {
    fn new() -> Self {
        Self {
            token: jwt_in(Duration::hours(1), TOKEN_MARKER),
            connection_string: format!("endpoint=https://contoso.communication.azure.com/;accesskey={KEY}"),
        }
    }

    fn assert_absent(&self, what: &str, text: &str) {
        for secret in [
            self.token.as_str(),
            self.token.split('.').nth(1).unwrap(),
            TOKEN_MARKER,
            KEY,
            KEY_BODY,
            self.connection_string.as_str(),
        ] {
            assert!(!text.contains(secret), "{what} leaks a secret: {text}");
        }
    }

    fn assert_error_clean(&self, what: &str, error: &azure_core::Error) {
        self.assert_absent(what, &error.to_string());
        self.assert_absent(what, &format!("{error:?}"));
        self.assert_absent(what, &error.detailed_message());
    }
}

#[derive(Debug)]
struct Entra;

#[async_trait::async_trait]
impl TokenCredential for Entra {
    async fn get_token(&self, _: &[&str], _: Option<TokenRequestOptions<'_>>) -> azure_core::Result<AccessToken> {
        Ok(AccessToken::new(format!("entra-{TOKEN_MARKER}"), OffsetDateTime::now_utc() + Duration::hours(1)))
    }
}

#[tokio::test]
async fn debug_and_display_of_every_type_are_redacted() {
    let secrets = Secrets::new();
    let key = AccessKey::new(KEY).unwrap();
    let cs = ConnectionString::parse(&secrets.connection_string).unwrap();
    let static_credential = CommunicationTokenCredential::new(secrets.token.clone()).unwrap();
    static_credential.get_token().await.unwrap();
    let token = secrets.token.clone();
    let options = RefreshOptions { initial_token: Some(secrets.token.clone()), proactive_refresh: false };
    let refreshing = CommunicationTokenCredential::with_refresher(
        move || {
            let token = token.clone();
            async move { acs_common::jwt::access_token(token) }
        },
        options.clone(),
    )
    .unwrap();
    refreshing.get_token().await.unwrap();
    let entra = BearerTokenPolicy::entra(Arc::new(Entra));
    let renderings = [
        ("AccessKey", format!("{key:?}")),
        ("ConnectionString", format!("{cs:?}")),
        ("ConnectionString parts", format!("{:?}", cs.clone().into_parts())),
        ("HmacAuthPolicy", format!("{:?}", HmacAuthPolicy::new(key.clone()))),
        ("RefreshOptions", format!("{options:?}")),
        ("static credential", format!("{static_credential:?}")),
        ("refreshing credential", format!("{refreshing:?}")),
        ("BearerTokenPolicy", format!("{:?}", BearerTokenPolicy::new(refreshing.clone()))),
        ("entra BearerTokenPolicy", format!("{entra:?}")),
        ("AccessToken", format!("{:?}", acs_common::jwt::access_token(secrets.token.clone()).unwrap())),
    ];
    for (what, text) in renderings {
        assert!(!text.is_empty());
        secrets.assert_absent(what, &text);
    }
    assert!(format!("{cs:?}").contains("contoso.communication.azure.com"));
}

#[tokio::test]
async fn errors_are_redacted() {
    let secrets = Secrets::new();
    let mut errors: Vec<(String, azure_core::Error)> = Vec::new();
    for text in [
        format!("endpoint=https://a.b/;accesskey={KEY}!"),
        format!("endpoint=http://a.b/;accesskey={KEY}"),
        format!("endpoint=https://a.b/path;accesskey={KEY}"),
        format!("endpoint=https://a.b/;accesskey={KEY};accesskey={KEY}"),
        format!("endpoint=https://a.b/,accesskey={KEY}"),
        format!("endpoint={KEY};accesskey={KEY}"),
        KEY.to_owned(),
        format!("accesskey={KEY}"),
    ] {
        errors.push((format!("connection string {text}"), ConnectionString::parse(&text).unwrap_err()));
    }
    errors.push(("AccessKey".into(), AccessKey::new(format!("{KEY}!")).unwrap_err()));
    for token in [
        format!("{}.extra", secrets.token),
        secrets.token.replace('.', ""),
        format!("x.{TOKEN_MARKER}!.y"),
        format!("x.{}.{TOKEN_MARKER}", azure_core::base64::encode_url_safe(TOKEN_MARKER)),
    ] {
        errors.push(("jwt".into(), acs_common::jwt::token_expiry(&token).unwrap_err()));
        errors.push(("static credential".into(), CommunicationTokenCredential::new(token).unwrap_err()));
    }
    let expired = CommunicationTokenCredential::new(common::jwt_in(-Duration::hours(1), TOKEN_MARKER)).unwrap();
    errors.push(("expired static".into(), expired.get_token().await.unwrap_err()));
    let stale = CommunicationTokenCredential::with_refresher(
        || async {
            Ok(AccessToken::new(format!("stale-{TOKEN_MARKER}"), OffsetDateTime::now_utc() - Duration::hours(1)))
        },
        RefreshOptions::default(),
    )
    .unwrap();
    errors.push(("stale refresh".into(), stale.get_token().await.unwrap_err()));
    let key = AccessKey::new(KEY).unwrap();
    let signature = hmac::compute_signature(&key, "GET\n/\nx;y;z").unwrap();
    errors.push((
        "verify".into(),
        hmac::verify_authorization(&key, "GET\n/other\nx;y;z", &hmac::authorization_value(&signature)).unwrap_err(),
    ));
    errors.push(("verify malformed".into(), hmac::verify_authorization(&key, "x", KEY).unwrap_err()));
    for policy in [
        Arc::new(HmacAuthPolicy::new(key.clone())) as Arc<dyn Policy>,
        Arc::new(BearerTokenPolicy::new(CommunicationTokenCredential::new(secrets.token.clone()).unwrap())),
    ] {
        let pipeline = pipeline(policy, MockTransport::new(), RetryOptions::none());
        let mut request = Request::new(Url::parse(&format!("http://example.com/?q={KEY}")).unwrap(), Method::Get);
        errors.push(("policy".into(), pipeline.send(&Context::new(), &mut request, None).await.unwrap_err()));
    }
    for (what, error) in &errors {
        secrets.assert_error_clean(what, error);
    }
    // Sanity check of the check itself.
    assert!(std::panic::catch_unwind(|| secrets.assert_absent("self-test", KEY)).is_err());
}

/// A tracing subscriber that writes every event and span field into a string.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<String>>);

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, "{}={:?} ", field.name(), value);
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        span.record(&mut Fields(&mut self.0.lock().unwrap()));
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut Fields(&mut self.0.lock().unwrap()));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut log = self.0.lock().unwrap();
        log.push('\n');
        event.record(&mut Fields(&mut log));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn logs_are_redacted() {
    let secrets = Secrets::new();
    let capture = Capture::default();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    tracing::subscriber::with_default(capture.clone(), || {
        runtime.block_on(async {
            let key = AccessKey::new(KEY).unwrap();
            let credential = CommunicationTokenCredential::new(secrets.token.clone()).unwrap();
            for policy in [
                Arc::new(HmacAuthPolicy::new(key)) as Arc<dyn Policy>,
                Arc::new(BearerTokenPolicy::new(credential)),
                Arc::new(BearerTokenPolicy::entra(Arc::new(Entra))),
            ] {
                let transport = MockTransport::new();
                let pipeline = pipeline(policy, transport.clone(), RetryOptions::none());
                let mut request = Request::new(
                    Url::parse("https://contoso.communication.azure.com/identities?api-version=2023-10-01").unwrap(),
                    Method::Post,
                );
                request.set_body(r#"{"scopes":["chat"]}"#);
                pipeline.send(&Context::new(), &mut request, None).await.unwrap();
                let sent = &transport.requests()[0];
                let authorization = sent.header("authorization").unwrap().to_owned();
                let log = capture.0.lock().unwrap().clone();
                assert!(!log.contains(&authorization), "authorization header logged: {log}");
            }
            // A failing proactive refresh logs a warning, without any token.
            let refresh_fails = CommunicationTokenCredential::with_refresher(
                || async { Err(azure_core::Error::with_message(azure_core::error::ErrorKind::Io, "unreachable")) },
                RefreshOptions { initial_token: None, proactive_refresh: true },
            )
            .unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            drop(refresh_fails);
        });
    });
    let log = capture.0.lock().unwrap().clone();
    assert!(log.contains("authorization"), "the pipeline's request log was not captured: {log}");
    assert!(log.contains("proactive refresh"), "the refresh warning was not captured: {log}");
    secrets.assert_absent("logs", &log);
}
