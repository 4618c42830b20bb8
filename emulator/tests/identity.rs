//! Identity API: HMAC authentication and the identity operations.

mod common;

use base64::Engine as _;

use acs_emulator::{Emulator, TeamsExchange};
use common::*;
use serde_json::{json, Value};
use std::time::Duration;
use time::OffsetDateTime;

#[tokio::test]
async fn create_user_without_body_and_with_token() {
    let ctx = Ctx::start().await;
    let body = ctx.identity("POST", "/identities", b"").await.expect(201).json();
    let id = body["identity"]["id"].as_str().unwrap();
    assert!(id.starts_with(&format!("8:acs:{}_", ctx.emu.resource_id())), "{id}");
    assert!(body.get("accessToken").is_none());

    let request =
        serde_json::to_vec(&json!({"createTokenWithScopes": ["chat", "voip"], "expiresInMinutes": 60})).unwrap();
    let body = ctx.identity("POST", "/identities", &request).await.expect(201).json();
    let token = body["accessToken"]["token"].as_str().unwrap();
    let expires_on = OffsetDateTime::parse(
        body["accessToken"]["expiresOn"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let remaining = expires_on - OffsetDateTime::now_utc();
    assert!(remaining > time::Duration::minutes(59) && remaining <= time::Duration::minutes(60), "{remaining}");
    // The token's own `exp` agrees, and it works on the Chat API.
    assert_eq!(acs_common::jwt::token_expiry(token).unwrap().unix_timestamp(), expires_on.unix_timestamp());
    ctx.chat("GET", "/chat/threads", token, None).await.expect(200);
}

#[tokio::test]
async fn issue_token_validation() {
    let ctx = Ctx::start().await;
    let user = ctx.emu.create_user();
    let path = format!("/identities/{}/:issueAccessToken", enc(&user));
    let ok = ctx.identity("POST", &path, br#"{"scopes":["chat"]}"#).await.expect(200).json();
    assert!(ok["token"].as_str().unwrap().split('.').count() == 3);
    assert!(ok["expiresOn"].as_str().unwrap().ends_with('Z'));

    for (body, code) in [
        (r#"{"scopes":[]}"#, "ValidationError"),
        (r#"{"scopes":["chat"],"expiresInMinutes":59}"#, "ValidationError"),
        (r#"{"scopes":["chat"],"expiresInMinutes":1441}"#, "ValidationError"),
        (r#"{"scopes":["telepathy"]}"#, "ValidationError"),
        (r#"{"scopes":"chat"}"#, "BadRequest"),
        (r#"{"#, "BadRequest"),
        ("", "BadRequest"),
    ] {
        let resp = ctx.identity("POST", &path, body.as_bytes()).await.expect(400);
        assert_eq!(resp.error_code(), code, "{body}");
    }
    let resp = ctx.identity("POST", &path, br#"{"scopes":["chat"],"expiresInMinutes":59}"#).await;
    assert!(resp.json()["error"]["message"].as_str().unwrap().contains("[60, 1440]"));

    // Unknown user.
    let unknown = format!("/identities/{}/:issueAccessToken", enc("8:acs:nobody_x"));
    assert_eq!(ctx.identity("POST", &unknown, br#"{"scopes":["chat"]}"#).await.expect(404).error_code(), "NotFound");
}

#[tokio::test]
async fn revoke_and_delete_invalidate_tokens() {
    let ctx = Ctx::start().await;
    let alice = ctx.user();
    ctx.chat("GET", "/chat/threads", &alice.token, None).await.expect(200);
    ctx.identity("POST", &format!("/identities/{}/:revokeAccessTokens", enc(&alice.user_id)), b"").await.expect(204);
    let resp = ctx.chat("GET", "/chat/threads", &alice.token, None).await.expect(401);
    assert_eq!(resp.error_code(), "Unauthorized");
    // A token issued after the revocation works.
    let fresh = ctx.emu.issue_token(&alice.user_id, &["chat"], Duration::from_secs(3600)).unwrap();
    ctx.chat("GET", "/chat/threads", &fresh.token, None).await.expect(200);

    ctx.identity("DELETE", &format!("/identities/{}", enc(&alice.user_id)), b"").await.expect(204);
    ctx.chat("GET", "/chat/threads", &fresh.token, None).await.expect(401);
    ctx.identity("DELETE", &format!("/identities/{}", enc(&alice.user_id)), b"").await.expect(404);
    let path = format!("/identities/{}/:issueAccessToken", enc(&alice.user_id));
    ctx.identity("POST", &path, br#"{"scopes":["chat"]}"#).await.expect(404);
}

#[tokio::test]
async fn hmac_failures_are_401() {
    let ctx = Ctx::start().await;
    let pq = with_version("/identities", IDENTITY_VERSION);
    let body = br#"{"createTokenWithScopes":["chat"]}"#;
    let now = OffsetDateTime::now_utc();

    // Wrong key.
    let headers = hmac_headers_at("d3Jvbmcta2V5", "POST", &pq, &ctx.host(), body, now);
    assert_eq!(send(ctx.addr(), "POST", &pq, &headers, body).await.unwrap().expect(401).error_code(), "Unauthorized");

    // Tampered body (signed one body, sent another).
    let headers = hmac_headers_at(ctx.emu.access_key(), "POST", &pq, &ctx.host(), body, now);
    send(ctx.addr(), "POST", &pq, &headers, br#"{"createTokenWithScopes":["voip"]}"#).await.unwrap().expect(401);
    // ... and the right body passes with the same headers.
    send(ctx.addr(), "POST", &pq, &headers, body).await.unwrap().expect(201);

    // Stale and future dates.
    for skew in [time::Duration::minutes(-16), time::Duration::minutes(16)] {
        let headers = hmac_headers_at(ctx.emu.access_key(), "POST", &pq, &ctx.host(), body, now + skew);
        let resp = send(ctx.addr(), "POST", &pq, &headers, body).await.unwrap().expect(401);
        assert!(resp.json()["error"]["message"].as_str().unwrap().contains("15 minutes"));
    }
    // Within the window passes.
    let headers =
        hmac_headers_at(ctx.emu.access_key(), "POST", &pq, &ctx.host(), body, now - time::Duration::minutes(14));
    send(ctx.addr(), "POST", &pq, &headers, body).await.unwrap().expect(201);

    // Signed for another host or path.
    let headers = hmac_headers_at(ctx.emu.access_key(), "POST", &pq, "contoso.communication.azure.com", body, now);
    send(ctx.addr(), "POST", &pq, &headers, body).await.unwrap().expect(401);
    let other = with_version("/identities", "2022-10-01");
    let headers = hmac_headers_at(ctx.emu.access_key(), "POST", &other, &ctx.host(), body, now);
    send(ctx.addr(), "POST", &pq, &headers, body).await.unwrap().expect(401);

    // Missing pieces.
    let full = hmac_headers_at(ctx.emu.access_key(), "POST", &pq, &ctx.host(), body, now);
    for skip in ["x-ms-date", "x-ms-content-sha256", "authorization"] {
        let headers: Vec<(&str, String)> = full.iter().filter(|(n, _)| *n != skip).cloned().collect();
        send(ctx.addr(), "POST", &pq, &headers, body).await.unwrap().expect(401);
    }
    // Bearer tokens (Entra or ACS) are not accepted on identity operations.
    let alice = ctx.user();
    let headers = vec![("authorization", format!("Bearer {}", alice.token))];
    send(ctx.addr(), "POST", &pq, &headers, body).await.unwrap().expect(401);
    // Malformed signature header.
    let mut headers = full.clone();
    headers[2].1 = "HMAC-SHA256 Signature=abc".to_owned();
    send(ctx.addr(), "POST", &pq, &headers, body).await.unwrap().expect(401);
}

#[tokio::test]
async fn api_versions() {
    let ctx = Ctx::start().await;
    for version in acs_emulator::IDENTITY_API_VERSIONS {
        let path = format!("/identities?api-version={version}");
        ctx.identity("POST", &path, b"").await.expect(201);
    }
    let resp = ctx.identity("POST", "/identities?api-version=2019-01-01", b"").await.expect(400);
    assert_eq!(resp.error_code(), "UnsupportedApiVersion");
    assert!(resp.json()["error"]["message"].as_str().unwrap().contains("2023-10-01"));
    // Missing api-version.
    let headers =
        hmac_headers_at(ctx.emu.access_key(), "POST", "/identities", &ctx.host(), b"", OffsetDateTime::now_utc());
    let resp = send(ctx.addr(), "POST", "/identities", &headers, b"").await.unwrap().expect(400);
    assert_eq!(resp.error_code(), "MissingApiVersionParameter");
    // A chat version is not an identity version.
    ctx.identity("POST", "/identities?api-version=2021-09-07", b"").await.expect(400);
}

#[tokio::test]
async fn teams_exchange_default_configured_and_failing() {
    let ctx = Ctx::start().await;
    let body = serde_json::to_vec(
        &json!({"token": "entra", "appId": "app", "userId": "00000000-0000-0000-0000-0000000000aa"}),
    )
    .unwrap();
    let resp = ctx.identity("POST", "/teamsUser/:exchangeAccessToken", &body).await.expect(400);
    assert_eq!(resp.error_code(), "TeamsExchangeNotConfigured");
    let entra = "entra-token";
    let resp = ctx.entra("POST", "/access/teamsExtension/:exchangeAccessToken", entra, br#"{"userId":"u"}"#).await;
    assert_eq!(resp.expect(400).error_code(), "TeamsExchangeNotConfigured");
    // The exchange takes the Teams user's Entra token, not the access key.
    ctx.identity("POST", "/access/teamsExtension/:exchangeAccessToken", b"{}").await.expect(401);

    ctx.emu.set_teams_exchange(TeamsExchange::Issue { lifetime: None });
    let token = ctx.identity("POST", "/teamsUser/:exchangeAccessToken", &body).await.expect(200).json();
    let token = token["token"].as_str().unwrap().to_owned();
    // The Teams user can create a thread (and is its creator).
    let created = ctx.chat("POST", "/chat/threads", &token, Some(json!({"topic": "teams"}))).await.expect(201).json();
    assert_eq!(
        created["chatThread"]["createdByCommunicationIdentifier"]["rawId"],
        "8:orgid:00000000-0000-0000-0000-0000000000aa"
    );
    assert_eq!(created["chatThread"]["createdByCommunicationIdentifier"]["kind"], "microsoftTeamsUser");
    // Missing fields are a 400.
    let resp =
        ctx.identity("POST", "/teamsUser/:exchangeAccessToken", br#"{"token":"","appId":"a","userId":"u"}"#).await;
    resp.expect(400);

    // Teams Phone extension exchange: `{identity, accessToken}`, for the user the body names or a placeholder.
    let extension_body =
        br#"{"tenantId":"c70d068c-2f32-484d-9455-73070cd5aadd","userId":"b27b64b9-39d2-44a3-869d-67700b74e805"}"#;
    let result = ctx
        .entra("POST", "/access/teamsExtension/:exchangeAccessToken", entra, extension_body)
        .await
        .expect(200)
        .json();
    let id = result["identity"]["id"].as_str().unwrap().to_owned();
    assert!(
        id.starts_with("8:acs:")
            && id.ends_with("_c70d068c-2f32-484d-9455-73070cd5aadd_b27b64b9-39d2-44a3-869d-67700b74e805"),
        "{id}"
    );
    let extension_token = result["accessToken"]["token"].as_str().unwrap().to_owned();
    ctx.chat("POST", "/chat/threads", &extension_token, Some(json!({"topic": "teams phone"}))).await.expect(201);
    let result =
        ctx.entra("POST", "/access/teamsExtension/:exchangeAccessToken", entra, b"{}").await.expect(200).json();
    assert!(result["identity"]["id"].as_str().unwrap().starts_with("8:acs:"));
    ctx.entra("POST", "/access/teamsExtension/:exchangeAccessToken", entra, b"[]").await.expect(400);
    // A JWT-shaped Entra token names the user by its `tid` and `oid` claims.
    let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"tid":"tenant-9","oid":"user-9"}"#);
    let jwt = format!("e30.{claims}.sig");
    let result = ctx.entra("POST", "/access/teamsExtension/:exchangeAccessToken", &jwt, b"").await.expect(200).json();
    assert!(result["identity"]["id"].as_str().unwrap().ends_with("_tenant-9_user-9"), "{result}");

    ctx.emu.set_teams_exchange(TeamsExchange::Fail {
        status: 401,
        code: "InvalidAccessToken".into(),
        message: "The Entra token is not valid.".into(),
    });
    let resp = ctx.identity("POST", "/teamsUser/:exchangeAccessToken", &body).await.expect(401);
    assert_eq!(resp.error_code(), "InvalidAccessToken");
}

#[tokio::test]
async fn teams_extension_assignments() {
    let ctx = Ctx::start().await;
    let path = "/access/teamsExtension/tenants/t1/assignments/o1";
    let path = with_version(path, "2026-09-23");
    ctx.identity("GET", &path, b"").await.expect(404);
    let body = br#"{"principalType":"user","clientIds":["c1"]}"#;
    let created = ctx.identity("PUT", &path, body).await.expect(201).json();
    assert_eq!(created, json!({"objectId": "o1", "tenantId": "t1", "principalType": "user", "clientIds": ["c1"]}));
    ctx.identity("PUT", &path, body).await.expect(200);
    assert_eq!(ctx.identity("GET", &path, b"").await.expect(200).json(), created);
    ctx.identity("DELETE", &path, b"").await.expect(204);
    ctx.identity("DELETE", &path, b"").await.expect(404);
    ctx.identity("PUT", &path, br#"{"clientIds":[]}"#).await.expect(400);
}

#[tokio::test]
async fn generated_identity_client_with_hmac_policy() {
    use acs_common::{ConnectionString, HmacAuthPolicy};
    use acs_identity_models::{CommunicationIdentityAccessTokenRequest, CommunicationIdentityTokenScope};
    use acs_identity_rest::IdentityRestClient;
    use std::sync::Arc;

    let emu = Emulator::start().await.unwrap();
    let cs = ConnectionString::parse(emu.connection_string()).unwrap();
    let (endpoint, key) = cs.into_parts();
    let client = IdentityRestClient::new(endpoint.as_str(), Arc::new(HmacAuthPolicy::new(key)), None).unwrap();
    let created = client.identity().create(None).await.unwrap().into_model().unwrap();
    let request = CommunicationIdentityAccessTokenRequest {
        scopes: vec![CommunicationIdentityTokenScope::Chat],
        expires_in_minutes: Some(120),
    };
    let token = client
        .identity()
        .issue_access_token(
            &created.identity.id,
            azure_core::http::RequestContent::from(serde_json::to_vec(&request).unwrap()),
            None,
        )
        .await
        .unwrap()
        .into_model()
        .unwrap();
    let lifetime = token.expires_on - OffsetDateTime::now_utc();
    assert!(lifetime > time::Duration::minutes(119), "{lifetime}");
    client.identity().revoke_access_tokens(&created.identity.id, None).await.unwrap();
    client.identity().delete(&created.identity.id, None).await.unwrap();
    let error = client.identity().delete(&created.identity.id, None).await.unwrap_err();
    let body = acs_common::ErrorExt::communication_error(&error)
        .map(|error| acs_identity_models::CommunicationErrorResponse { error })
        .expect("error body");
    assert_eq!(body.error.code, "NotFound");
    let _: Value = json!(null);
}
