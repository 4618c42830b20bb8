//! The client on a mock `azure_core` transport: request shapes, authentication headers, argument
//! checks before any request, error mapping, retries, and secrets kept out of `Debug` and traces.

use acs_common::hmac::{content_hash, string_to_sign, verify_authorization};
use acs_common::{AccessKey, CommunicationIdentifier, CommunicationUserIdentifier, ErrorExt, ENTRA_SCOPE};
use acs_identity::{
    CommunicationIdentityClient, CommunicationIdentityClientOptions, CommunicationTokenScope,
    CreateUserAndTokenOptions, ExchangeTeamsExtensionTokenOptions, GetTokenOptions, TeamsExtensionPrincipalType,
    UpsertTeamsExtensionAssignmentOptions, DEFAULT_API_VERSION, TEAMS_EXTENSION_SCOPE,
};
use acs_test_support::{MockTransport, Recorded, Reply};
use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_core::error::ErrorKind;
use azure_core::http::{ClientOptions, FixedRetryOptions, RetryOptions, StatusCode};
use azure_core::time::{Duration, OffsetDateTime};
use std::sync::{Arc, Mutex};

const KEY: &str = "c2VjcmV0LWFjY2Vzcy1rZXktZm9yLXRlc3Rz";
const ENDPOINT: &str = "https://contoso.communication.azure.com/";
const USER: &str = "8:acs:1b5cc06b-f352-4571-b1e6-d9b259b7c776_0000000a-0b0c";
const ENCODED_USER: &str = "8%3Aacs%3A1b5cc06b-f352-4571-b1e6-d9b259b7c776_0000000a-0b0c";
const TOKEN_JSON: &str = r#"{"token":"issued-secret-token","expiresOn":"2030-01-02T03:04:05.1234567+00:00"}"#;

/// The recording transport of `acs_test_support`, answering with a status code the tests name
/// by `StatusCode`.
type Mock = MockTransport;

trait Respond {
    fn respond_status(&self, status: StatusCode, body: &str);
    fn respond_with(&self, status: StatusCode, headers: &[(&'static str, &str)], body: &str);
}

impl Respond for MockTransport {
    fn respond_status(&self, status: StatusCode, body: &str) {
        self.respond_with(status, &[], body);
    }

    fn respond_with(&self, status: StatusCode, headers: &[(&'static str, &str)], body: &str) {
        let mut headers = headers.to_vec();
        if !body.is_empty() {
            headers.push(("content-type", "application/json"));
        }
        self.push(Reply::with_headers(u16::from(status), &headers, body.as_bytes().to_vec()));
    }
}

fn options(mock: &Arc<Mock>, retry: RetryOptions) -> CommunicationIdentityClientOptions {
    CommunicationIdentityClientOptions {
        client_options: ClientOptions { transport: Some(mock.transport()), retry, ..Default::default() },
        ..Default::default()
    }
}

/// A key-authenticated client without retries on a fresh mock.
fn key_client() -> (CommunicationIdentityClient, Arc<Mock>) {
    let mock = MockTransport::new();
    let connection_string = format!("endpoint={ENDPOINT};accesskey={KEY}");
    let client = CommunicationIdentityClient::from_connection_string(
        &connection_string,
        Some(options(&mock, RetryOptions::none())),
    )
    .unwrap();
    (client, mock)
}

fn user() -> CommunicationUserIdentifier {
    CommunicationUserIdentifier::new(USER)
}

/// Checks the HMAC headers and that the signature verifies over the request as sent.
fn assert_hmac_signed(request: &Recorded) {
    let date = request.header("x-ms-date").expect("x-ms-date");
    let hash = request.header("x-ms-content-sha256").expect("x-ms-content-sha256");
    assert_eq!(hash, content_hash(&request.body));
    let authorization = request.header("authorization").expect("authorization");
    assert!(
        authorization.starts_with("HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature="),
        "{authorization}"
    );
    let to_sign =
        string_to_sign(&request.method, &request.path_and_query(), date, "contoso.communication.azure.com", hash);
    verify_authorization(&AccessKey::new(KEY).unwrap(), &to_sign, authorization).expect("a valid signature");
}

#[tokio::test]
async fn create_user_posts_no_body_and_is_hmac_signed() {
    let (client, mock) = key_client();
    mock.respond_status(StatusCode::Created, &format!(r#"{{"identity":{{"id":"{USER}"}}}}"#));
    let created = client.create_user(None).await.unwrap();
    assert_eq!(created, user());

    let request = mock.only();
    assert_eq!(request.method, "POST");
    assert_eq!(request.url, format!("{ENDPOINT}identities?api-version={DEFAULT_API_VERSION}"));
    assert!(request.body.is_empty());
    assert_eq!(request.header("x-ms-content-sha256"), Some("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="));
    assert_hmac_signed(&request);
}

#[tokio::test]
async fn create_user_and_token_sends_scopes_and_minutes() {
    let (client, mock) = key_client();
    mock.respond_status(
        StatusCode::Created,
        &format!(r#"{{"identity":{{"id":"{USER}"}},"accessToken":{TOKEN_JSON}}}"#),
    );
    let options = CreateUserAndTokenOptions { token_expires_in: Some(Duration::minutes(125)), ..Default::default() };
    let created = client
        .create_user_and_token([CommunicationTokenScope::Chat, CommunicationTokenScope::VoipJoin], Some(options))
        .await
        .unwrap();
    assert_eq!(created.user.id(), USER);
    assert_eq!(created.access_token.token.secret(), "issued-secret-token");
    assert_eq!(created.access_token.expires_on.unix_timestamp(), 1_893_553_445);
    assert!(!format!("{created:?}").contains("issued-secret-token"));

    let request = mock.only();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path_and_query(), format!("/identities?api-version={DEFAULT_API_VERSION}"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.json(),
        serde_json::json!({"createTokenWithScopes": ["chat", "voip.join"], "expiresInMinutes": 125})
    );
    assert_hmac_signed(&request);
}

#[tokio::test]
async fn create_user_and_token_without_token_in_the_response_is_an_error() {
    let (client, mock) = key_client();
    mock.respond_status(StatusCode::Created, &format!(r#"{{"identity":{{"id":"{USER}"}}}}"#));
    let error = client.create_user_and_token(["chat"], None).await.unwrap_err();
    assert_eq!(*error.kind(), ErrorKind::DataConversion);
    assert!(error.to_string().contains(USER), "{error}");
}

#[tokio::test]
async fn get_token_encodes_the_user_and_leaves_out_the_default_lifetime() {
    let (client, mock) = key_client();
    mock.respond_status(StatusCode::Ok, TOKEN_JSON);
    let token = client.get_token(&user(), ["chat.join", "chat.join.limited", "future.scope"], None).await.unwrap();
    assert_eq!(token.token.secret(), "issued-secret-token");

    let request = mock.only();
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.path_and_query(),
        format!("/identities/{ENCODED_USER}/:issueAccessToken?api-version={DEFAULT_API_VERSION}")
    );
    assert_eq!(request.json(), serde_json::json!({"scopes": ["chat.join", "chat.join.limited", "future.scope"]}));
    assert_hmac_signed(&request);
}

#[tokio::test]
async fn get_token_accepts_a_communication_identifier_and_truncates_minutes() {
    let (client, mock) = key_client();
    mock.respond_status(StatusCode::Ok, TOKEN_JSON);
    let id = CommunicationIdentifier::from_raw_id(USER);
    let options = GetTokenOptions { token_expires_in: Some(Duration::seconds(90 * 60 + 59)), ..Default::default() };
    client.get_token(id, [CommunicationTokenScope::Voip], Some(options)).await.unwrap();
    assert_eq!(mock.only().json(), serde_json::json!({"scopes": ["voip"], "expiresInMinutes": 90}));
}

#[tokio::test]
async fn revoke_and_delete() {
    let (client, mock) = key_client();
    mock.respond_status(StatusCode::NoContent, "");
    mock.respond_status(StatusCode::NoContent, "");
    client.revoke_tokens(&user(), None).await.unwrap();
    client.delete_user(user(), None).await.unwrap();

    let requests = mock.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(
        requests[0].path_and_query(),
        format!("/identities/{ENCODED_USER}/:revokeAccessTokens?api-version={DEFAULT_API_VERSION}")
    );
    assert!(requests[0].body.is_empty());
    assert_eq!(requests[1].method, "DELETE");
    assert_eq!(requests[1].path_and_query(), format!("/identities/{ENCODED_USER}?api-version={DEFAULT_API_VERSION}"));
    for request in &requests {
        assert_hmac_signed(request);
    }
}

#[tokio::test]
async fn teams_user_exchange_body() {
    let (client, mock) = key_client();
    mock.respond_status(StatusCode::Ok, TOKEN_JSON);
    let token = client.get_token_for_teams_user("entra-secret-token", "app-id", "object-id", None).await.unwrap();
    assert_eq!(token.token.secret(), "issued-secret-token");
    let request = mock.only();
    assert_eq!(request.path_and_query(), format!("/teamsUser/:exchangeAccessToken?api-version={DEFAULT_API_VERSION}"));
    assert_eq!(
        request.json(),
        serde_json::json!({"token": "entra-secret-token", "appId": "app-id", "userId": "object-id"})
    );
}

#[tokio::test]
async fn teams_extension_exchange_sends_empty_object_or_properties() {
    let (client, mock) = key_client();
    let raw = "8:acs:2dee53b4-368b-45b4-ab52-8493fb117652_c70d068c-2f32-484d-9455-73070cd5aadd_b27b64b9-39d2-44a3-869d-67700b74e805";
    let response = format!(r#"{{"identity":{{"id":"{raw}"}},"accessToken":{TOKEN_JSON}}}"#);
    mock.respond_status(StatusCode::Ok, &response);
    mock.respond_status(StatusCode::Ok, &response);

    let exchanged = client.exchange_teams_extension_token(None).await.unwrap();
    let CommunicationIdentifier::TeamsExtensionUser(user) = &exchanged.user else {
        panic!("expected a Teams extension user, got {:?}", exchanged.user);
    };
    assert_eq!(user.tenant_id(), "c70d068c-2f32-484d-9455-73070cd5aadd");
    assert_eq!(user.user_id(), "b27b64b9-39d2-44a3-869d-67700b74e805");
    assert_eq!(exchanged.access_token.token.secret(), "issued-secret-token");

    let mut properties = serde_json::Map::new();
    properties.insert("userId".to_owned(), "b27b64b9".into());
    let options = ExchangeTeamsExtensionTokenOptions { properties, ..Default::default() };
    assert!(format!("{options:?}").contains("userId"));
    client.exchange_teams_extension_token(Some(options)).await.unwrap();

    let requests = mock.requests();
    assert_eq!(
        requests[0].path_and_query(),
        format!("/access/teamsExtension/:exchangeAccessToken?api-version={DEFAULT_API_VERSION}")
    );
    assert_eq!(requests[0].json(), serde_json::json!({}));
    assert_eq!(requests[1].json(), serde_json::json!({"userId": "b27b64b9"}));
}

#[tokio::test]
async fn teams_extension_assignments() {
    let (client, mock) = key_client();
    let (tenant, object) = ("tenant/1", "object 2");
    let stored = r#"{"objectId":"object 2","tenantId":"tenant/1","principalType":"user","clientIds":["a","b"]}"#;
    mock.respond_status(StatusCode::Created, stored);
    mock.respond_status(
        StatusCode::Ok,
        r#"{"objectId":"object 2","tenantId":"tenant/1","principalType":"resourceAccount"}"#,
    );
    mock.respond_status(StatusCode::Ok, stored);
    mock.respond_status(StatusCode::NoContent, "");

    let options = UpsertTeamsExtensionAssignmentOptions {
        client_ids: Some(vec!["a".to_owned(), "b".to_owned()]),
        ..Default::default()
    };
    let created = client
        .upsert_teams_extension_assignment(tenant, object, TeamsExtensionPrincipalType::User, Some(options))
        .await
        .unwrap();
    assert_eq!(created.client_ids, ["a", "b"]);
    let replaced = client
        .upsert_teams_extension_assignment(tenant, object, TeamsExtensionPrincipalType::ResourceAccount, None)
        .await
        .unwrap();
    assert_eq!(replaced.principal_type, TeamsExtensionPrincipalType::ResourceAccount);
    assert!(replaced.client_ids.is_empty());
    let read = client.get_teams_extension_assignment(tenant, object, None).await.unwrap();
    assert_eq!(read, created);
    client.delete_teams_extension_assignment(tenant, object, None).await.unwrap();

    let requests = mock.requests();
    let path =
        format!("/access/teamsExtension/tenants/tenant%2F1/assignments/object%202?api-version={DEFAULT_API_VERSION}");
    let methods: Vec<&str> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["PUT", "PUT", "GET", "DELETE"]);
    for request in &requests {
        assert_eq!(request.path_and_query(), path);
        assert_hmac_signed(request);
    }
    assert_eq!(requests[0].json(), serde_json::json!({"principalType": "user", "clientIds": ["a", "b"]}));
    assert_eq!(requests[1].json(), serde_json::json!({"principalType": "resourceAccount"}));
}

#[tokio::test]
async fn client_parameters_that_cannot_be_right_fail_before_any_request() {
    let (client, mock) = key_client();
    let lifetime = |d: Duration| Some(GetTokenOptions { token_expires_in: Some(d), ..Default::default() });
    let phone = CommunicationIdentifier::from_raw_id("4:+14255550123");
    let teams = CommunicationIdentifier::from_raw_id("8:orgid:45ab2481-1c1c-4005-be24-0ffb879b1130");
    // What the client needs itself: ids that go in the path, a lifetime its field can hold.
    let cases: Vec<(azure_core::Error, &str)> = vec![
        (client.get_token(&user(), ["chat"], lifetime(Duration::MAX)).await.unwrap_err(), "`token_expires_in`"),
        (client.get_token(&phone, ["chat"], None).await.unwrap_err(), "phoneNumber"),
        (client.revoke_tokens(&teams, None).await.unwrap_err(), "microsoftTeamsUser"),
        (client.delete_user(CommunicationUserIdentifier::new(""), None).await.unwrap_err(), "`user`"),
        (client.get_teams_extension_assignment("", "o", None).await.unwrap_err(), "`tenant_id`"),
        (
            client
                .upsert_teams_extension_assignment("t", "", TeamsExtensionPrincipalType::User, None)
                .await
                .unwrap_err(),
            "`object_id`",
        ),
        (client.delete_teams_extension_assignment("t", "", None).await.unwrap_err(), "`object_id`"),
    ];
    for (error, expected) in cases {
        assert_eq!(*error.kind(), ErrorKind::Other, "{error}");
        assert!(error.to_string().contains(expected), "{error} should mention {expected}");
    }
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn service_parameters_are_sent_for_the_service_to_judge() {
    let (client, mock) = key_client();
    let refused = r#"{"error":{"code":"ValidationError","message":"Not valid."}}"#;
    for _ in 0..5 {
        mock.respond_status(StatusCode::BadRequest, refused);
    }
    let no_scopes: [CommunicationTokenScope; 0] = [];
    let short = Some(CreateUserAndTokenOptions { token_expires_in: Some(Duration::ZERO), ..Default::default() });
    let errors = vec![
        client.create_user_and_token(no_scopes.clone(), None).await.unwrap_err(),
        client.create_user_and_token(["chat"], short).await.unwrap_err(),
        client.get_token(&user(), no_scopes, None).await.unwrap_err(),
        client.get_token_for_teams_user("", "app", "oid", None).await.unwrap_err(),
        client.get_token_for_teams_user("t", "app", "", None).await.unwrap_err(),
    ];
    for error in errors {
        assert_eq!(error.http_status(), Some(StatusCode::BadRequest), "{error}");
        assert_eq!(error.communication_error().map(|e| e.code), Some("ValidationError".to_owned()));
    }
    let requests = mock.requests();
    assert_eq!(requests.len(), 5);
    assert_eq!(requests[0].json()["createTokenWithScopes"], serde_json::json!([]));
    assert_eq!(requests[1].json()["expiresInMinutes"], 0);
    assert_eq!(requests[4].json()["userId"], "");
    // Bodiless POSTs carry the Content-Type the official SDKs send; requests name this crate.
    assert!(requests.iter().all(|r| r.header("content-type") == Some("application/json")));
    assert!(requests[0].header("user-agent").unwrap().starts_with("azsdk-rust-acs_identity/"));
}

#[tokio::test]
async fn bodiless_posts_send_the_json_content_type() {
    let (client, mock) = key_client();
    mock.respond_status(StatusCode::Created, &format!(r#"{{"identity":{{"id":"{USER}"}}}}"#));
    mock.respond_status(StatusCode::NoContent, "");
    client.create_user(None).await.unwrap();
    client.revoke_tokens(&user(), None).await.unwrap();
    for request in mock.requests() {
        assert_eq!(request.method, "POST");
        assert!(request.body.is_empty(), "{}", request.text());
        assert_eq!(request.header("content-type"), Some("application/json"), "{}", request.url);
    }
}

#[tokio::test]
async fn service_errors_keep_status_and_communication_error() {
    let cases = [
        (
            StatusCode::BadRequest,
            "ValidationError",
            "ExpiresInMinutes value 59 is invalid. Value must be within the [60, 1440] interval.",
        ),
        (StatusCode::Unauthorized, "Unauthorized", "The HMAC signature of the request is not valid."),
        (StatusCode::Forbidden, "Forbidden", "Permission denied."),
        (StatusCode::NotFound, "IdentityNotFound", "The identity does not exist."),
        (StatusCode::TooManyRequests, "TooManyRequests", "Slow down."),
        (StatusCode::ServiceUnavailable, "ServiceUnavailable", "Try later."),
    ];
    for (status, code, message) in cases {
        let (client, mock) = key_client();
        let body = format!(r#"{{"error":{{"code":"{code}","message":"{message}","target":"expiresInMinutes"}}}}"#);
        mock.respond_status(status, &body);
        let options = GetTokenOptions { token_expires_in: Some(Duration::minutes(59)), ..Default::default() };
        let error = client.get_token(&user(), ["chat"], Some(options)).await.unwrap_err();
        assert_eq!(error.http_status(), Some(status));
        let service = error.communication_error().expect("the service's CommunicationError");
        assert_eq!(service.code, code);
        assert_eq!(service.message, message);
        assert_eq!(service.target.as_deref(), Some("expiresInMinutes"));
        assert!(error.detailed_message().contains(message), "{}", error.detailed_message());
    }
}

#[tokio::test]
async fn retries_come_from_the_pipeline_and_each_try_is_signed() {
    let mock = MockTransport::new();
    let retry = RetryOptions::fixed(FixedRetryOptions {
        delay: Duration::milliseconds(5),
        max_retries: 3,
        max_total_elapsed: Duration::seconds(10),
    });
    let client = CommunicationIdentityClient::from_connection_string(
        &format!("endpoint={ENDPOINT};accesskey={KEY}"),
        Some(options(&mock, retry)),
    )
    .unwrap();
    mock.respond_with(
        StatusCode::TooManyRequests,
        &[("retry-after-ms", "1")],
        r#"{"error":{"code":"TooManyRequests","message":"m"}}"#,
    );
    mock.respond_status(StatusCode::ServiceUnavailable, r#"{"error":{"code":"ServiceUnavailable","message":"m"}}"#);
    mock.respond_status(
        StatusCode::Created,
        &format!(r#"{{"identity":{{"id":"{USER}"}},"accessToken":{TOKEN_JSON}}}"#),
    );
    let created = client.create_user_and_token(["chat"], None).await.unwrap();
    assert_eq!(created.user.id(), USER);
    let requests = mock.requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(request.body, requests[0].body);
        assert_hmac_signed(request);
    }
}

#[tokio::test]
async fn api_version_override() {
    let mock = MockTransport::new();
    let mut options = options(&mock, RetryOptions::none());
    options.api_version = Some("2023-10-01".to_owned());
    let client =
        CommunicationIdentityClient::with_access_key(ENDPOINT, AccessKey::new(KEY).unwrap(), Some(options)).unwrap();
    assert_eq!(client.api_version(), "2023-10-01");
    mock.respond_status(StatusCode::Created, &format!(r#"{{"identity":{{"id":"{USER}"}}}}"#));
    client.create_user(None).await.unwrap();
    assert_eq!(mock.only().path_and_query(), "/identities?api-version=2023-10-01");

    let mut empty = self::options(&mock, RetryOptions::none());
    empty.api_version = Some(String::new());
    let error =
        CommunicationIdentityClient::with_access_key(ENDPOINT, AccessKey::new(KEY).unwrap(), Some(empty)).unwrap_err();
    assert!(error.to_string().contains("api_version"), "{error}");
}

#[derive(Debug, Default)]
struct FakeEntra {
    scopes: Mutex<Vec<Vec<String>>>,
}

#[async_trait::async_trait]
impl TokenCredential for FakeEntra {
    async fn get_token(&self, scopes: &[&str], _: Option<TokenRequestOptions<'_>>) -> azure_core::Result<AccessToken> {
        self.scopes.lock().unwrap().push(scopes.iter().map(|s| (*s).to_owned()).collect());
        Ok(AccessToken::new("entra-secret", OffsetDateTime::now_utc() + Duration::hours(1)))
    }
}

#[tokio::test]
async fn entra_id_bearer_with_default_and_custom_scopes() {
    for (scopes, expected) in
        [(None, ENTRA_SCOPE), (Some(vec![TEAMS_EXTENSION_SCOPE.to_owned()]), TEAMS_EXTENSION_SCOPE)]
    {
        let mock = MockTransport::new();
        let entra = Arc::new(FakeEntra::default());
        let mut options = options(&mock, RetryOptions::none());
        options.entra_scopes = scopes;
        let client =
            CommunicationIdentityClient::new(ENDPOINT, Arc::clone(&entra) as Arc<dyn TokenCredential>, Some(options))
                .unwrap();
        mock.respond_status(StatusCode::Created, &format!(r#"{{"identity":{{"id":"{USER}"}}}}"#));
        mock.respond_status(StatusCode::Created, &format!(r#"{{"identity":{{"id":"{USER}"}}}}"#));
        client.create_user(None).await.unwrap();
        client.create_user(None).await.unwrap();
        for request in mock.requests() {
            assert_eq!(request.header("authorization"), Some("Bearer entra-secret"));
            assert_eq!(request.header("x-ms-content-sha256"), None);
        }
        // Cached: one token for both requests.
        assert_eq!(*entra.scopes.lock().unwrap(), vec![vec![expected.to_owned()]]);
    }

    let entra: Arc<dyn TokenCredential> = Arc::new(FakeEntra::default());
    let options = CommunicationIdentityClientOptions { entra_scopes: Some(Vec::new()), ..Default::default() };
    let error = CommunicationIdentityClient::new(ENDPOINT, entra, Some(options)).unwrap_err();
    assert!(error.to_string().contains("entra_scopes"), "{error}");
}

#[tokio::test]
async fn endpoints_and_connection_strings_are_checked_before_any_request() {
    let entra: Arc<dyn TokenCredential> = Arc::new(FakeEntra::default());
    let error = CommunicationIdentityClient::new("http://contoso.communication.azure.com", Arc::clone(&entra), None)
        .unwrap_err();
    assert!(error.to_string().contains("plain http"), "{error}");
    assert!(CommunicationIdentityClient::new("http://127.0.0.1:8080", entra, None).is_ok());

    let key = AccessKey::new(KEY).unwrap();
    let error = CommunicationIdentityClient::with_access_key("contoso", key, None).unwrap_err();
    assert!(error.to_string().contains("`endpoint`"), "{error}");

    for bad in [
        format!("endpoint=http://contoso.communication.azure.com/;accesskey={KEY}"),
        format!("endpoint={ENDPOINT}"),
        format!("endpoint={ENDPOINT};accesskey={KEY}!!"),
    ] {
        let error = CommunicationIdentityClient::from_connection_string(&bad, None).unwrap_err();
        assert!(!error.to_string().contains(KEY), "{error}");
        assert!(!format!("{error:?}").contains(KEY));
    }

    let options = CommunicationIdentityClientOptions {
        client_options: ClientOptions {
            user_agent: azure_core::http::UserAgentOptions { application_id: Some("has spaces in it".to_owned()) },
            ..Default::default()
        },
        ..Default::default()
    };
    let connection_string = format!("endpoint={ENDPOINT};accesskey={KEY}");
    assert!(CommunicationIdentityClient::from_connection_string(&connection_string, Some(options)).is_err());

    let client = CommunicationIdentityClient::from_connection_string(&connection_string, None).unwrap();
    let debug = format!("{client:?}");
    assert!(debug.contains("contoso.communication.azure.com") && !debug.contains(KEY), "{debug}");
    assert_eq!(client.endpoint().as_str(), ENDPOINT);
}

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn spans_record_the_operation_but_never_a_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (client, mock) = key_client();
    mock.respond_status(
        StatusCode::Created,
        &format!(r#"{{"identity":{{"id":"{USER}"}},"accessToken":{TOKEN_JSON}}}"#),
    );
    mock.respond_status(StatusCode::Ok, TOKEN_JSON);
    mock.respond_status(StatusCode::BadRequest, r#"{"error":{"code":"ValidationError","message":"bad ids"}}"#);
    let options = CreateUserAndTokenOptions { token_expires_in: Some(Duration::hours(2)), ..Default::default() };
    client.create_user_and_token(["chat", "voip"], Some(options)).await.unwrap();
    client.get_token(&user(), ["chat"], None).await.unwrap();
    client.get_token_for_teams_user("entra-secret-token", "app", "oid", None).await.unwrap_err();

    let output = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for expected in [
        "acs_identity.create_user_and_token",
        "scopes=chat,voip",
        "expires_in_minutes=120",
        "acs_identity.get_token",
        USER,
        "acs_identity.get_token_for_teams_user",
        "bad ids",
    ] {
        assert!(output.contains(expected), "{expected} missing from:\n{output}");
    }
    for secret in ["issued-secret-token", "entra-secret-token", KEY] {
        assert!(!output.contains(secret), "{secret} leaked into:\n{output}");
    }
}
