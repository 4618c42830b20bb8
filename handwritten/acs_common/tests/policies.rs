//! The HMAC and bearer policies in an `azure_core` pipeline with a recording mock transport.

mod common;

use acs_common::bearer::{BearerTokenPolicy, ENTRA_SCOPE};
use acs_common::credential::{CommunicationTokenCredential, RefreshOptions};
use acs_common::error::ErrorExt;
use acs_common::hmac::*;
use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_core::error::ErrorKind;
use azure_core::http::policies::Policy;
use azure_core::http::{Context, FixedRetryOptions, Method, Request, RetryOptions, StatusCode, Url};
use azure_core::time::{Duration, OffsetDateTime};
use common::{jwt_in, pipeline, MockTransport, Recorded};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const KEY: &str = "pw==";
const DATE: &str = "Wed, 13 Apr 2022 18:09:12 GMT";

fn fixed_date() -> OffsetDateTime {
    azure_core::time::parse_rfc7231(DATE).unwrap()
}

fn signed(method: Method, url: &str, body: Option<&'static str>) -> Request {
    let mut request = Request::new(Url::parse(url).unwrap(), method);
    if let Some(body) = body {
        request.set_body(body);
    }
    sign_request(&mut request, &AccessKey::new(KEY).unwrap(), fixed_date()).unwrap();
    request
}

fn header<'a>(request: &'a Request, name: &'static str) -> &'a str {
    request.headers().get_optional_str(&name.into()).unwrap()
}

fn signature_of(request: &Request) -> String {
    parse_authorization(header(request, "authorization")).unwrap().to_owned()
}

/// Known-answer vectors (the first is the official SDKs' published one; the others were computed
/// with an independent implementation).
#[test]
fn signing_vectors() {
    let cases = [
        (
            Method::Get,
            "https://contoso.communicationservices.azure.com/",
            None,
            "88MDmJhUR3m5QhFxb8ztShsSwlGrg7g/6XPnWf7QEO4=",
        ),
        (
            Method::Get,
            "https://contoso.communicationservices.azure.com/testPath",
            None,
            "RoCrHjw7fb9fpHSbqvRUY2xa8RBS0YvI1cxI1x8AS38=",
        ),
        (
            Method::Get,
            "https://contoso.communicationservices.azure.com/testPath?testQuery=yes",
            None,
            "il99+rd6V5O136roX/zVePCNle78HmvC4B7tu9zRH3I=",
        ),
        (
            Method::Get,
            "https://contoso.communicationservices.azure.com/chat/threads?api-version=2024-03-07&maxPageSize=5",
            None,
            "OWilPrhktTBqobX0mcbMHGWIOPbhZdbE3buLtUj+k7E=",
        ),
        (
            Method::Get,
            "https://contoso.communicationservices.azure.com:8443/identities?api-version=2023-10-01",
            None,
            "MabG6uv5q6EQh/TjlrbWCa2aL+0/rGclnv05hhtLHDc=",
        ),
        (
            Method::Post,
            "https://contoso.communicationservices.azure.com/identities?api-version=2023-10-01",
            Some(r#"{"createTokenWithScopes":["chat","voip"],"expiresInMinutes":60}"#),
            "rnYTgATUIBNZw+xli2O9uAjg+Ximsc+yJOrcAzzzrk0=",
        ),
        (
            Method::Delete,
            "http://127.0.0.1:8080/identities/8%3Aacs%3Aresource_user?api-version=2023-10-01",
            None,
            "mZHdj3aMXXDBwYIUW7ga/AJzZ2ouWpl3dtiBgLEQmJo=",
        ),
    ];
    for (method, url, body, expected) in cases {
        let request = signed(method, url, body);
        assert_eq!(signature_of(&request), expected, "{url}");
        assert_eq!(header(&request, "x-ms-date"), DATE);
    }
    let json = signed(
        Method::Post,
        "https://contoso.communicationservices.azure.com/identities?api-version=2023-10-01",
        Some(r#"{"createTokenWithScopes":["chat","voip"],"expiresInMinutes":60}"#),
    );
    assert_eq!(header(&json, "x-ms-content-sha256"), "jENEeifYNCidF9FcfXJ54WzhK3ED/2UrQyA4+oWOZKc=");
    let empty = signed(Method::Get, "https://h/", None);
    assert_eq!(header(&empty, "x-ms-content-sha256"), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    assert_eq!(
        header(&empty, "authorization").split("&Signature=").next(),
        Some("HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256")
    );
}

#[test]
fn streaming_body_cannot_be_signed() {
    let mut request = Request::new(Url::parse("https://h/").unwrap(), Method::Put);
    request.set_body(azure_core::http::Body::SeekableStream(Box::new(azure_core::stream::BytesStream::new(
        b"data".to_vec(),
    ))));
    let error = sign_request(&mut request, &AccessKey::new(KEY).unwrap(), fixed_date()).unwrap_err();
    assert!(error.to_string().contains("streaming"));
}

/// What a server does: rebuild the string to sign from the request it received and verify.
fn verify_as_server(recorded: &Recorded) -> azure_core::Result<()> {
    let url = Url::parse(&recorded.url).unwrap();
    assert_eq!(recorded.header("x-ms-content-sha256").unwrap(), content_hash(&recorded.body));
    let to_sign = string_to_sign(
        &recorded.method,
        path_and_query(&url),
        recorded.header("x-ms-date").unwrap(),
        &host(&url).unwrap(),
        &content_hash(&recorded.body),
    );
    verify_authorization(&AccessKey::new(KEY).unwrap(), &to_sign, recorded.header("authorization").unwrap())
}

#[tokio::test]
async fn hmac_policy_signs_what_is_sent() {
    let transport = MockTransport::new();
    let policy: Arc<dyn Policy> = Arc::new(HmacAuthPolicy::new(AccessKey::new(KEY).unwrap()));
    let pipeline = pipeline(policy, transport.clone(), RetryOptions::none());
    let mut request = Request::new(
        Url::parse("https://contoso.communication.azure.com:8443/identities/8%3Aacs%3Ar_u/:issueAccessToken?api-version=2023-10-01").unwrap(),
        Method::Post,
    );
    request.set_body(r#"{"scopes":["chat"]}"#);
    pipeline.send(&Context::new(), &mut request, None).await.unwrap();

    let sent = transport.requests();
    assert_eq!(sent.len(), 1);
    let sent = &sent[0];
    assert_eq!(sent.body, br#"{"scopes":["chat"]}"#);
    let date = azure_core::time::parse_rfc7231(sent.header("x-ms-date").unwrap()).unwrap();
    assert!((OffsetDateTime::now_utc() - date).abs() < Duration::minutes(1));
    verify_as_server(sent).unwrap();
    // A tampered body no longer verifies.
    let mut tampered = sent.clone();
    tampered.body = br#"{"scopes":["voip"]}"#.to_vec();
    tampered.headers.retain(|(n, _)| n != "x-ms-content-sha256");
    tampered.headers.push(("x-ms-content-sha256".into(), content_hash(&tampered.body)));
    assert!(verify_as_server(&tampered).is_err());
}

#[tokio::test]
async fn hmac_policy_signs_every_try_with_a_fresh_date() {
    let transport = MockTransport::new();
    common::queue(&transport, StatusCode::ServiceUnavailable, &[], "");
    let policy: Arc<dyn Policy> = Arc::new(HmacAuthPolicy::new(AccessKey::new(KEY).unwrap()));
    let retry = RetryOptions::fixed(FixedRetryOptions {
        delay: Duration::milliseconds(1100),
        max_retries: 1,
        ..Default::default()
    });
    let pipeline = pipeline(policy, transport.clone(), retry);
    let mut request = Request::new(Url::parse("https://h.com/identities").unwrap(), Method::Get);
    pipeline.send(&Context::new(), &mut request, None).await.unwrap();
    let sent = transport.requests();
    assert_eq!(sent.len(), 2);
    assert_ne!(sent[0].header("x-ms-date"), sent[1].header("x-ms-date"));
    for try_ in &sent {
        verify_as_server(try_).unwrap();
    }
}

#[tokio::test]
async fn policies_refuse_plain_http_before_sending() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let credential = CommunicationTokenCredential::with_refresher(
        move || {
            counter.fetch_add(1, Ordering::SeqCst);
            async { Ok(AccessToken::new("t", OffsetDateTime::now_utc() + Duration::hours(1))) }
        },
        RefreshOptions::default(),
    )
    .unwrap();
    let policies: [Arc<dyn Policy>; 2] =
        [Arc::new(HmacAuthPolicy::new(AccessKey::new(KEY).unwrap())), Arc::new(BearerTokenPolicy::new(credential))];
    for policy in policies {
        let transport = MockTransport::new();
        let pipeline = pipeline(policy, transport.clone(), RetryOptions::default());
        for url in ["http://contoso.communication.azure.com/chat/threads", "http://10.0.0.1/", "ftp://localhost/"] {
            let mut request = Request::new(Url::parse(url).unwrap(), Method::Get);
            let error = pipeline.send(&Context::new(), &mut request, None).await.unwrap_err();
            assert_eq!(*error.kind(), ErrorKind::Other);
            assert!(error.detailed_message().contains("refusing to send credentials"), "{}", error.detailed_message());
        }
        assert!(transport.requests().is_empty());
        // Loopback over http is allowed.
        for url in ["http://localhost:8080/chat/threads", "http://127.0.0.1:9/x", "http://[::1]:8080/"] {
            let mut request = Request::new(Url::parse(url).unwrap(), Method::Get);
            pipeline.send(&Context::new(), &mut request, None).await.unwrap();
        }
        assert_eq!(transport.requests().len(), 3);
    }
    // The refused requests never asked for a token.
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn bearer_policy_sends_the_user_token_on_each_try() {
    let token = jwt_in(Duration::hours(1), "user-token");
    let credential = CommunicationTokenCredential::new(token.clone()).unwrap();
    let transport = MockTransport::new();
    common::queue(&transport, StatusCode::InternalServerError, &[], "");
    let retry = RetryOptions::fixed(FixedRetryOptions {
        delay: Duration::milliseconds(10),
        max_retries: 2,
        ..Default::default()
    });
    let pipeline = pipeline(Arc::new(BearerTokenPolicy::new(credential)), transport.clone(), retry);
    let mut request =
        Request::new(Url::parse("https://contoso.communication.azure.com/chat/threads").unwrap(), Method::Get);
    pipeline.send(&Context::new(), &mut request, None).await.unwrap();
    let sent = transport.requests();
    assert_eq!(sent.len(), 2);
    for try_ in sent {
        assert_eq!(try_.header("authorization"), Some(format!("Bearer {token}").as_str()));
    }
}

#[tokio::test]
async fn bearer_policy_with_expired_static_token_fails_before_sending() {
    let credential = CommunicationTokenCredential::new(jwt_in(-Duration::hours(1), "old")).unwrap();
    let transport = MockTransport::new();
    let pipeline = pipeline(Arc::new(BearerTokenPolicy::new(credential)), transport.clone(), RetryOptions::default());
    let mut request = Request::new(Url::parse("https://h.com/").unwrap(), Method::Get);
    let error = pipeline.send(&Context::new(), &mut request, None).await.unwrap_err();
    assert_eq!(*error.kind(), ErrorKind::Credential);
    assert!(error.detailed_message().contains("expired"));
    assert!(transport.requests().is_empty());
}

#[derive(Debug, Default)]
struct FakeEntra {
    scopes: Mutex<Vec<Vec<String>>>,
}

#[async_trait::async_trait]
impl TokenCredential for FakeEntra {
    async fn get_token(
        &self,
        scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        self.scopes.lock().unwrap().push(scopes.iter().map(|s| s.to_string()).collect());
        Ok(AccessToken::new("entra-token", OffsetDateTime::now_utc() + Duration::hours(1)))
    }
}

#[tokio::test]
async fn entra_policy_uses_the_acs_scope_and_caches() {
    let entra = Arc::new(FakeEntra::default());
    let transport = MockTransport::new();
    let pipeline = pipeline(Arc::new(BearerTokenPolicy::entra(entra.clone())), transport.clone(), RetryOptions::none());
    for _ in 0..3 {
        let mut request =
            Request::new(Url::parse("https://contoso.communication.azure.com/identities").unwrap(), Method::Post);
        pipeline.send(&Context::new(), &mut request, None).await.unwrap();
    }
    assert_eq!(*entra.scopes.lock().unwrap(), vec![vec![ENTRA_SCOPE.to_owned()]]);
    assert_eq!(ENTRA_SCOPE, "https://communication.azure.com//.default");
    for sent in transport.requests() {
        assert_eq!(sent.header("authorization"), Some("Bearer entra-token"));
    }
}
