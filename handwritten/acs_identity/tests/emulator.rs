//! Every operation against the local emulator (`acs_emulator`) over real HTTP on loopback.

use acs_chat_rest::ChatRestClient;
use acs_common::{BearerTokenPolicy, CommunicationIdentifier, CommunicationTokenCredential, ErrorExt};
use acs_emulator::{Emulator, EmulatorHandle, TeamsExchange};
use acs_identity::{
    CommunicationIdentityClient, CommunicationIdentityClientOptions, CommunicationTokenScope,
    CreateUserAndTokenOptions, EntraCommunicationTokenCredential, EntraCommunicationTokenCredentialOptions,
    ExchangeTeamsExtensionTokenOptions, GetTokenOptions, TeamsExtensionPrincipalType,
    UpsertTeamsExtensionAssignmentOptions,
};
use azure_core::credentials::AccessToken;
use azure_core::http::{ClientOptions, RetryOptions, StatusCode};
use azure_core::time::{Duration, OffsetDateTime};
use futures::TryStreamExt;
use std::sync::Arc;

fn no_retries() -> Option<CommunicationIdentityClientOptions> {
    Some(CommunicationIdentityClientOptions {
        client_options: ClientOptions { retry: RetryOptions::none(), ..Default::default() },
        ..Default::default()
    })
}

/// A Microsoft Entra ID credential of a Teams Phone extension user (the emulator reads, without
/// verifying, the tenant and object claims of its JWT-shaped token).
#[derive(Debug)]
struct TeamsPhoneUser {
    tenant: &'static str,
    object: &'static str,
    calls: std::sync::atomic::AtomicUsize,
}

#[async_trait::async_trait]
impl azure_core::credentials::TokenCredential for TeamsPhoneUser {
    async fn get_token(
        &self,
        scopes: &[&str],
        _: Option<azure_core::credentials::TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        assert_eq!(scopes, [acs_identity::TEAMS_EXTENSION_SCOPE]);
        self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let claims = format!(r#"{{"tid":"{}","oid":"{}"}}"#, self.tenant, self.object);
        use base64::Engine as _;
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims);
        Ok(AccessToken::new(format!("e30.{payload}.sig"), OffsetDateTime::now_utc() + Duration::hours(1)))
    }
}

fn teams_phone_user() -> Arc<TeamsPhoneUser> {
    Arc::new(TeamsPhoneUser {
        tenant: "c70d068c-2f32-484d-9455-73070cd5aadd",
        object: "b27b64b9-39d2-44a3-869d-67700b74e805",
        calls: Default::default(),
    })
}

/// A client authenticated as the Teams Phone extension user, as the exchange requires.
fn extension_client(emulator: &EmulatorHandle, user: Arc<TeamsPhoneUser>) -> CommunicationIdentityClient {
    let options = CommunicationIdentityClientOptions {
        entra_scopes: Some(vec![acs_identity::TEAMS_EXTENSION_SCOPE.to_owned()]),
        ..no_retries().unwrap()
    };
    CommunicationIdentityClient::new(emulator.endpoint(), user, Some(options)).unwrap()
}

async fn start() -> (EmulatorHandle, CommunicationIdentityClient) {
    let emulator = Emulator::start().await.expect("the emulator starts");
    let client = CommunicationIdentityClient::from_connection_string(emulator.connection_string(), no_retries())
        .expect("a client for the emulator");
    (emulator, client)
}

/// Lists chat threads on the emulator with `token`: `Ok` when the Chat API accepts the token.
async fn chat_call(emulator: &EmulatorHandle, token: &AccessToken) -> azure_core::Result<()> {
    let credential = CommunicationTokenCredential::from_access_token(token.clone());
    let options = acs_chat_rest::ChatRestClientOptions {
        client_options: ClientOptions { retry: RetryOptions::none(), ..Default::default() },
        ..Default::default()
    };
    let chat = ChatRestClient::new(emulator.endpoint(), Arc::new(BearerTokenPolicy::new(credential)), Some(options))?;
    let mut threads = chat.chat().list_chat_threads(None)?;
    while threads.try_next().await?.is_some() {}
    Ok(())
}

fn assert_service_error(error: &azure_core::Error, status: StatusCode, code: &str) {
    assert_eq!(error.http_status(), Some(status), "{}", error.detailed_message());
    let service = error.communication_error().expect("the service's CommunicationError");
    assert_eq!(service.code, code, "{service:?}");
    assert!(!service.message.is_empty());
}

#[tokio::test]
async fn create_user() {
    let (emulator, client) = start().await;
    let user = client.create_user(None).await.unwrap();
    let prefix = format!("8:acs:{}_", emulator.resource_id());
    assert!(user.id().starts_with(&prefix), "{}", user.id());
    assert!(matches!(CommunicationIdentifier::from_raw_id(user.id()), CommunicationIdentifier::CommunicationUser(_)));
    let other = client.create_user(None).await.unwrap();
    assert_ne!(user, other);
}

#[tokio::test]
async fn create_user_and_token_gives_a_working_token_whose_exp_is_expires_on() {
    let (emulator, client) = start().await;
    let before = OffsetDateTime::now_utc();
    let created = client
        .create_user_and_token([CommunicationTokenScope::Chat, CommunicationTokenScope::Voip], None)
        .await
        .unwrap();
    assert!(created.user.id().starts_with("8:acs:"));

    let exp = acs_common::jwt::token_expiry(created.access_token.token.secret()).unwrap();
    assert!(
        (exp - created.access_token.expires_on).abs() < Duration::seconds(1),
        "{exp} vs {}",
        created.access_token.expires_on
    );
    // The service's default lifetime is 24 hours.
    let lifetime = created.access_token.expires_on - before;
    assert!((lifetime - Duration::hours(24)).abs() < Duration::minutes(1), "{lifetime}");

    chat_call(&emulator, &created.access_token).await.unwrap();
}

#[tokio::test]
async fn get_token_with_a_custom_lifetime() {
    let (emulator, client) = start().await;
    let user = client.create_user(None).await.unwrap();
    let before = OffsetDateTime::now_utc();
    let options = GetTokenOptions { token_expires_in: Some(Duration::minutes(90)), ..Default::default() };
    let token = client.get_token(&user, ["chat"], Some(options)).await.unwrap();
    let lifetime = token.expires_on - before;
    assert!((lifetime - Duration::minutes(90)).abs() < Duration::minutes(1), "{lifetime}");
    let exp = acs_common::jwt::token_expiry(token.token.secret()).unwrap();
    assert!((exp - token.expires_on).abs() < Duration::seconds(1));
    chat_call(&emulator, &token).await.unwrap();

    let options = CreateUserAndTokenOptions { token_expires_in: Some(Duration::minutes(60)), ..Default::default() };
    let created = client.create_user_and_token(["voip"], Some(options)).await.unwrap();
    assert!(
        (created.access_token.expires_on - OffsetDateTime::now_utc() - Duration::minutes(60)).abs()
            < Duration::minutes(1)
    );
}

#[tokio::test]
async fn lifetimes_outside_60_to_1440_minutes_give_a_readable_service_error() {
    let (_emulator, client) = start().await;
    let user = client.create_user(None).await.unwrap();
    for minutes in [59, 1441] {
        let options = GetTokenOptions { token_expires_in: Some(Duration::minutes(minutes)), ..Default::default() };
        let error = client.get_token(&user, ["chat"], Some(options)).await.unwrap_err();
        assert_service_error(&error, StatusCode::BadRequest, "ValidationError");
        let message = error.communication_error().unwrap().message;
        assert!(message.contains(&minutes.to_string()) && message.contains("[60, 1440]"), "{message}");
        assert!(error.to_string().contains("[60, 1440]"), "{error}");
    }
    let options = CreateUserAndTokenOptions { token_expires_in: Some(Duration::minutes(30)), ..Default::default() };
    let error = client.create_user_and_token(["chat"], Some(options)).await.unwrap_err();
    assert_service_error(&error, StatusCode::BadRequest, "ValidationError");
}

#[tokio::test]
async fn unknown_scopes_are_sent_and_judged_by_the_service() {
    let (_emulator, client) = start().await;
    let user = client.create_user(None).await.unwrap();
    let error = client.get_token(&user, ["chat", "not.a.scope"], None).await.unwrap_err();
    assert_service_error(&error, StatusCode::BadRequest, "ValidationError");
    assert!(error.communication_error().unwrap().message.contains("not.a.scope"));
}

#[tokio::test]
async fn revoked_tokens_stop_working_and_new_ones_work() {
    let (emulator, client) = start().await;
    let created = client.create_user_and_token(["chat"], None).await.unwrap();
    chat_call(&emulator, &created.access_token).await.unwrap();

    client.revoke_tokens(&created.user, None).await.unwrap();
    let error = chat_call(&emulator, &created.access_token).await.unwrap_err();
    assert_service_error(&error, StatusCode::Unauthorized, "Unauthorized");

    let fresh = client.get_token(&created.user, ["chat"], None).await.unwrap();
    chat_call(&emulator, &fresh).await.unwrap();
}

#[tokio::test]
async fn deleted_users_get_no_tokens() {
    let (emulator, client) = start().await;
    let created = client.create_user_and_token(["chat"], None).await.unwrap();
    client.delete_user(&created.user, None).await.unwrap();

    let error = client.get_token(&created.user, ["chat"], None).await.unwrap_err();
    assert_service_error(&error, StatusCode::NotFound, "NotFound");
    let error = chat_call(&emulator, &created.access_token).await.unwrap_err();
    assert_eq!(error.http_status(), Some(StatusCode::Unauthorized));
    let error = client.delete_user(created.user.clone(), None).await.unwrap_err();
    assert_service_error(&error, StatusCode::NotFound, "NotFound");
    let error = client.revoke_tokens(&created.user, None).await.unwrap_err();
    assert_service_error(&error, StatusCode::NotFound, "NotFound");
}

#[tokio::test]
async fn teams_exchanges_give_a_clear_error_unless_configured() {
    let (_emulator, client) = start().await;
    let error = client.get_token_for_teams_user("entra-token", "app-id", "user-object-id", None).await.unwrap_err();
    assert_service_error(&error, StatusCode::BadRequest, "TeamsExchangeNotConfigured");

    let extension = extension_client(&_emulator, teams_phone_user());
    let error = extension.exchange_teams_extension_token(None).await.unwrap_err();
    assert_service_error(&error, StatusCode::BadRequest, "TeamsExchangeNotConfigured");
    // The exchange takes the user's Entra token: the access key is refused.
    let error = client.exchange_teams_extension_token(None).await.unwrap_err();
    assert_eq!(error.http_status(), Some(StatusCode::Unauthorized), "{error}");
}

#[tokio::test]
async fn teams_user_exchange_when_configured() {
    let (emulator, client) = start().await;
    emulator.set_teams_exchange(TeamsExchange::Issue { lifetime: None });
    let token = client
        .get_token_for_teams_user("entra-token", "app-id", "45ab2481-1c1c-4005-be24-0ffb879b1130", None)
        .await
        .unwrap();
    assert!(token.expires_on > OffsetDateTime::now_utc());
    chat_call(&emulator, &token).await.unwrap();

    emulator.set_teams_exchange(TeamsExchange::Fail {
        status: 401,
        code: "InvalidAccessToken".to_owned(),
        message: "The Entra ID token is not valid.".to_owned(),
    });
    let error = client.get_token_for_teams_user("entra-token", "app-id", "user", None).await.unwrap_err();
    assert_service_error(&error, StatusCode::Unauthorized, "InvalidAccessToken");
}

#[tokio::test]
async fn teams_extension_exchange_when_configured() {
    let (emulator, _) = start().await;
    emulator.set_teams_exchange(TeamsExchange::Issue { lifetime: None });
    let client = extension_client(&emulator, teams_phone_user());
    // The official SDKs send `{}`: the service identifies the user from the caller's Entra token.
    let exchanged = client.exchange_teams_extension_token(None).await.unwrap();
    let CommunicationIdentifier::TeamsExtensionUser(user) = &exchanged.user else {
        panic!("expected a Teams extension user, got {:?}", exchanged.user);
    };
    assert_eq!(user.resource_id(), emulator.resource_id());
    assert_eq!(user.tenant_id(), "c70d068c-2f32-484d-9455-73070cd5aadd");
    assert_eq!(user.user_id(), "b27b64b9-39d2-44a3-869d-67700b74e805");
    chat_call(&emulator, &exchanged.access_token).await.unwrap();
    let _ = ExchangeTeamsExtensionTokenOptions::default();
}

#[tokio::test]
async fn entra_communication_token_credential_exchanges_and_caches() {
    let emulator = Emulator::start().await.unwrap();
    emulator.set_teams_exchange(TeamsExchange::Issue { lifetime: None });
    let user = teams_phone_user();
    let mut options = EntraCommunicationTokenCredentialOptions::new(emulator.endpoint(), user.clone());
    options.client_options = no_retries().unwrap();
    let credential = EntraCommunicationTokenCredential::new(options).unwrap();
    let token = credential.get_token().await.unwrap();
    chat_call(&emulator, &token).await.unwrap();
    let again = credential.get_token().await.unwrap();
    assert_eq!(again.token.secret(), token.token.secret(), "a valid token is reused");
    assert_eq!(user.calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    // It is a `CommunicationTokenCredential`, as the chat clients take.
    let for_chat: CommunicationTokenCredential = credential.into();
    assert_eq!(for_chat.get_token().await.unwrap().token.secret(), token.token.secret());
}

#[tokio::test]
async fn service_parameters_reach_the_service() {
    let (_emulator, client) = start().await;
    let user = client.create_user(None).await.unwrap();
    // No scopes: the service's 400, not a local error.
    let error = client.get_token(&user, Vec::<CommunicationTokenScope>::new(), None).await.unwrap_err();
    assert_service_error(&error, StatusCode::BadRequest, "ValidationError");
    // An empty Teams user object id: the service judges it too.
    _emulator.set_teams_exchange(TeamsExchange::Issue { lifetime: None });
    let error = client.get_token_for_teams_user("entra-token", "app-id", "", None).await.unwrap_err();
    assert_eq!(error.http_status(), Some(StatusCode::BadRequest), "{error}");
}

#[tokio::test]
async fn teams_extension_assignments() {
    let (_emulator, client) = start().await;
    let (tenant, object) = ("c70d068c-2f32-484d-9455-73070cd5aadd", "b27b64b9-39d2-44a3-869d-67700b74e805");
    let error = client.get_teams_extension_assignment(tenant, object, None).await.unwrap_err();
    assert_service_error(&error, StatusCode::NotFound, "NotFound");

    let options =
        UpsertTeamsExtensionAssignmentOptions { client_ids: Some(vec!["client-a".to_owned()]), ..Default::default() };
    let created = client
        .upsert_teams_extension_assignment(tenant, object, TeamsExtensionPrincipalType::ResourceAccount, Some(options))
        .await
        .unwrap();
    assert_eq!((created.tenant_id.as_str(), created.object_id.as_str()), (tenant, object));
    assert_eq!(created.principal_type, TeamsExtensionPrincipalType::ResourceAccount);
    assert_eq!(created.client_ids, ["client-a"]);
    assert_eq!(client.get_teams_extension_assignment(tenant, object, None).await.unwrap(), created);

    let replaced = client
        .upsert_teams_extension_assignment(tenant, object, TeamsExtensionPrincipalType::User, None)
        .await
        .unwrap();
    assert_eq!(replaced.principal_type, TeamsExtensionPrincipalType::User);
    assert!(replaced.client_ids.is_empty());
    assert_eq!(client.get_teams_extension_assignment(tenant, object, None).await.unwrap(), replaced);

    client.delete_teams_extension_assignment(tenant, object, None).await.unwrap();
    let error = client.delete_teams_extension_assignment(tenant, object, None).await.unwrap_err();
    assert_service_error(&error, StatusCode::NotFound, "NotFound");
}

#[tokio::test]
async fn a_wrong_access_key_is_a_readable_401() {
    let emulator = Emulator::start().await.unwrap();
    let wrong = format!("endpoint={};accesskey=d3Jvbmcta2V5LXdyb25nLWtleQ==", emulator.endpoint());
    let client = CommunicationIdentityClient::from_connection_string(&wrong, no_retries()).unwrap();
    let error = client.create_user(None).await.unwrap_err();
    assert_service_error(&error, StatusCode::Unauthorized, "Unauthorized");
    assert!(error.to_string().contains("401"), "{error}");
    assert!(!error.to_string().contains("d3Jvbmcta2V5"), "{error}");
}

#[tokio::test]
async fn unsupported_api_version_is_readable() {
    let emulator = Emulator::start().await.unwrap();
    let options = CommunicationIdentityClientOptions {
        api_version: Some("1999-01-01".to_owned()),
        client_options: ClientOptions { retry: RetryOptions::none(), ..Default::default() },
        ..Default::default()
    };
    let client =
        CommunicationIdentityClient::from_connection_string(emulator.connection_string(), Some(options)).unwrap();
    let error = client.create_user(None).await.unwrap_err();
    assert_service_error(&error, StatusCode::BadRequest, "UnsupportedApiVersion");
}

#[tokio::test]
async fn retries_ride_through_throttling() {
    let emulator = Emulator::start().await.unwrap();
    let retry = RetryOptions::fixed(azure_core::http::FixedRetryOptions {
        delay: Duration::milliseconds(10),
        max_retries: 20,
        max_total_elapsed: Duration::seconds(30),
    });
    let options = CommunicationIdentityClientOptions {
        client_options: ClientOptions { retry, ..Default::default() },
        ..Default::default()
    };
    let client =
        CommunicationIdentityClient::from_connection_string(emulator.connection_string(), Some(options)).unwrap();
    let faults = acs_emulator::FaultConfig::default()
        .with_throttle_rate(0.3)
        .with_unavailable_rate(0.2)
        .with_retry_after(std::time::Duration::ZERO)
        .with_seed(7);
    emulator.set_faults(faults).unwrap();
    for _ in 0..10 {
        let created = client.create_user_and_token(["chat"], None).await.unwrap();
        assert!(created.user.id().starts_with("8:acs:"));
    }
}

#[derive(Debug)]
struct StaticEntra;

#[async_trait::async_trait]
impl azure_core::credentials::TokenCredential for StaticEntra {
    async fn get_token(
        &self,
        scopes: &[&str],
        _: Option<azure_core::credentials::TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        assert_eq!(scopes, [acs_common::ENTRA_SCOPE]);
        Ok(AccessToken::new("entra-token", OffsetDateTime::now_utc() + Duration::hours(1)))
    }
}

#[tokio::test]
async fn entra_id_bearer_reaches_the_emulator_which_accepts_only_keys() {
    let emulator = Emulator::start().await.unwrap();
    let client = CommunicationIdentityClient::new(emulator.endpoint(), Arc::new(StaticEntra), no_retries()).unwrap();
    let error = client.create_user(None).await.unwrap_err();
    assert_service_error(&error, StatusCode::Unauthorized, "Unauthorized");
    assert!(error.communication_error().unwrap().message.contains("HMAC"), "{error}");
}
