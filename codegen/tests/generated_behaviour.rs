//! What the generated REST crates do on the wire, checked against a recording mock transport:
//! URLs and encoding, headers, bodies, success codes, error bodies, paging and api-version, and the
//! models' extensible enums and unions. (Tests against a real server live with the emulator.)

use std::sync::Arc;

use acs_test_support::{MockTransport, Reply};

use acs_chat_models::{
    ChatMessageType, ChatRetentionPolicy, SendChatMessageRequest, ThreadCreationDateRetentionPolicy,
};
use acs_chat_rest::{ChatRestClient, ChatRestClientOptions, ChatThreadListChatMessagesOptions};
use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::{ClientOptions, Context, Request, StatusCode};
use futures::TryStreamExt;

/// The recording transport of `acs_test_support`, scripted with JSON answers.
struct Mock;

impl Mock {
    #[allow(clippy::new_ret_no_self)]
    fn new(responses: &[(u16, &str)]) -> Arc<MockTransport> {
        let mock = MockTransport::new();
        for (status, body) in responses {
            mock.push(Reply::with_headers(*status, &[("content-type", "application/json")], body.as_bytes().to_vec()));
        }
        mock
    }
}

/// Stands in for the hand-written layer's auth policy.
#[derive(Debug)]
struct TestAuth;

#[async_trait::async_trait]
impl Policy for TestAuth {
    async fn send(&self, ctx: &Context, request: &mut Request, next: &[Arc<dyn Policy>]) -> PolicyResult {
        request.insert_header("authorization", "Bearer test");
        next[0].send(ctx, request, &next[1..]).await
    }
}

fn client(mock: &Arc<MockTransport>, api_version: Option<&str>) -> ChatRestClient {
    let mut options = ChatRestClientOptions {
        client_options: ClientOptions {
            transport: Some(mock.transport()),
            retry: azure_core::http::RetryOptions::none(),
            ..Default::default()
        },
        ..Default::default()
    };
    if let Some(version) = api_version {
        options.api_version = version.to_string();
    }
    ChatRestClient::new("https://contoso.communication.azure.com/", Arc::new(TestAuth), Some(options)).unwrap()
}

const THREAD: &str = "19:abc_def@thread.v2";

#[tokio::test]
async fn an_operation_encodes_the_path_and_sends_json() {
    let mock = Mock::new(&[(201, r#"{"id":"42"}"#)]);
    let body = SendChatMessageRequest {
        content: "Hello".into(),
        sender_display_name: Some("Jack".into()),
        r#type: Some(ChatMessageType::Html),
        metadata: None,
    };
    let response =
        client(&mock, None).chat_thread().send_chat_message(THREAD, body.try_into().unwrap(), None).await.unwrap();
    assert_eq!(response.into_model().unwrap().id, "42");
    let seen = &mock.requests()[0];
    assert_eq!(seen.method, "POST");
    assert_eq!(
        seen.url,
        "https://contoso.communication.azure.com/chat/threads/19%3Aabc_def%40thread.v2/messages?api-version=2025-03-15"
    );
    assert_eq!(seen.header("content-type"), Some("application/json"));
    assert_eq!(seen.header("authorization"), Some("Bearer test"));
    let sent: serde_json::Value = serde_json::from_slice(&seen.body).unwrap();
    assert_eq!(sent, serde_json::json!({"content": "Hello", "senderDisplayName": "Jack", "type": "html"}));
}

#[tokio::test]
async fn updates_are_merge_patch_and_expect_204() {
    let mock = Mock::new(&[(204, ""), (200, "{}")]);
    let client = client(&mock, Some("2024-03-07"));
    let patch =
        acs_chat_models::UpdateChatThreadRequest { topic: Some("New".into()), metadata: None, retention_policy: None };
    client.chat_thread().update_chat_thread_properties(THREAD, patch.clone().try_into().unwrap(), None).await.unwrap();
    let seen = &mock.requests()[0];
    assert_eq!(seen.method, "PATCH");
    assert_eq!(seen.header("content-type"), Some("application/merge-patch+json"));
    assert!(seen.url.ends_with("?api-version=2024-03-07"), "{}", seen.url);
    // 200 is not a success code of this operation: an error, not a silent success.
    let error =
        client.chat_thread().update_chat_thread_properties(THREAD, patch.try_into().unwrap(), None).await.unwrap_err();
    assert_eq!(error.http_status(), Some(StatusCode::Ok));
}

#[tokio::test]
async fn errors_keep_the_service_error_body() {
    let mock =
        Mock::new(&[(403, r#"{"error":{"code":"Forbidden","message":"Not a participant.","target":"thread"}}"#)]);
    let error = client(&mock, None).chat_thread().get_chat_thread_properties(THREAD, None).await.unwrap_err();
    assert_eq!(error.http_status(), Some(StatusCode::Forbidden));
    assert_eq!(
        error.to_string(),
        "ChatThread_GetChatThreadProperties failed: the service answered 403 Forbidden (Forbidden): Not a participant."
    );
    let body = acs_rest_core::ErrorExt::error_model::<acs_chat_models::CommunicationErrorResponse>(&error)
        .expect("the error body is readable");
    assert_eq!(body.error.code, "Forbidden");
    assert_eq!(body.error.target.as_deref(), Some("thread"));
}

#[tokio::test]
async fn lists_follow_next_link_on_the_endpoint_with_the_clients_api_version() {
    let page = |ids: &[&str], next: Option<&str>| {
        let items: Vec<_> = ids
            .iter()
            .map(|id| serde_json::json!({"id": id, "type": "text", "sequenceId": id, "version": id, "createdOn": "2024-01-01T00:00:00Z"}))
            .collect();
        let mut page = serde_json::json!({ "value": items });
        if let Some(next) = next {
            page["nextLink"] = next.into();
        }
        page.to_string()
    };
    let page1 = page(&["3", "2"], Some("https://elsewhere.example.net/chat/threads/x/messages?syncState=a%20b&maxPageSize=2&api-version=2021-01-01"));
    let page2 = page(&["1"], None);
    let mock = Mock::new(&[(200, &page1), (200, &page2)]);
    let options = ChatThreadListChatMessagesOptions { max_page_size: Some(2), ..Default::default() };
    let pager = client(&mock, None).chat_thread().list_chat_messages(THREAD, Some(options)).unwrap();
    let ids: Vec<String> = pager.map_ok(|m| m.id).try_collect().await.unwrap();
    assert_eq!(ids, ["3", "2", "1"]);
    let seen = mock.requests();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0].url,
        "https://contoso.communication.azure.com/chat/threads/19%3Aabc_def%40thread.v2/messages?api-version=2025-03-15&maxPageSize=2"
    );
    // The next link's continuation is kept verbatim, but it is sent to our endpoint with our api-version.
    assert_eq!(
        seen[1].url,
        "https://contoso.communication.azure.com/chat/threads/x/messages?syncState=a%20b&maxPageSize=2&api-version=2025-03-15"
    );
    assert_eq!(seen[1].header("authorization"), Some("Bearer test"));
}

#[tokio::test]
async fn whole_pages_are_available() {
    let mock = Mock::new(&[
        (200, r#"{"value":[{"id":"t","topic":"x"}],"nextLink":"/chat/threads?page=2"}"#),
        (200, r#"{"value":[]}"#),
    ]);
    let mut pages = client(&mock, None).chat().list_chat_threads(None).unwrap().into_pages();
    let first = pages.try_next().await.unwrap().unwrap().into_model().unwrap();
    assert_eq!(first.value[0].topic, "x");
    let second = pages.try_next().await.unwrap().unwrap().into_model().unwrap();
    assert!(second.value.is_empty() && second.next_link.is_none());
    assert!(pages.try_next().await.unwrap().is_none());
    assert!(mock.requests()[1]
        .url
        .starts_with("https://contoso.communication.azure.com/chat/threads?page=2&api-version="));
}

#[test]
fn extensible_enums_keep_unknown_values() {
    let known: ChatMessageType = serde_json::from_str(r#""participantAdded""#).unwrap();
    assert_eq!(known, ChatMessageType::ParticipantAdded);
    let unknown: ChatMessageType = serde_json::from_str(r#""reaction""#).unwrap();
    assert_eq!(unknown, ChatMessageType::UnknownValue("reaction".into()));
    assert_eq!(serde_json::to_string(&unknown).unwrap(), r#""reaction""#);
    assert_eq!("html".parse::<ChatMessageType>().unwrap(), ChatMessageType::Html);
}

#[test]
fn unions_are_tagged_and_keep_unknown_kinds() {
    let policy = ChatRetentionPolicy::from(ThreadCreationDateRetentionPolicy { delete_thread_after_days: 30 });
    let json = serde_json::to_value(&policy).unwrap();
    assert_eq!(json, serde_json::json!({"kind": "threadCreationDate", "deleteThreadAfterDays": 30}));
    assert_eq!(serde_json::from_value::<ChatRetentionPolicy>(json).unwrap(), policy);
    let future = serde_json::json!({"kind": "afterLastMessage", "days": 7});
    let parsed: ChatRetentionPolicy = serde_json::from_value(future.clone()).unwrap();
    assert_eq!(parsed.kind(), "afterLastMessage");
    assert_eq!(serde_json::to_value(&parsed).unwrap(), future);
    let error = serde_json::from_str::<ChatRetentionPolicy>(r#"{"days": 7}"#).unwrap_err();
    assert!(error.to_string().contains("kind"), "{error}");
    let error = serde_json::from_str::<ChatRetentionPolicy>(r#"{"kind": "threadCreationDate"}"#).unwrap_err();
    assert!(error.to_string().contains("deleteThreadAfterDays"), "{error}");
}

#[test]
fn bad_endpoints_and_application_ids_are_errors_not_panics() {
    let auth: Arc<dyn Policy> = Arc::new(TestAuth);
    assert!(ChatRestClient::new("not a url", auth.clone(), None).is_err());
    assert!(ChatRestClient::new("ftp://x.example.com", auth.clone(), None).is_err());
    let mut options = ChatRestClientOptions::default();
    options.client_options.user_agent.application_id = Some("far too long an application id".into());
    let error = ChatRestClient::new("https://x.example.com", auth, Some(options)).unwrap_err();
    assert!(error.to_string().contains("application id"), "{error}");
}

#[tokio::test]
async fn optional_bodies_are_left_out() {
    let mock = Mock::new(&[(201, r#"{"identity":{"id":"8:acs:x"}}"#)]);
    let options = acs_identity_rest::IdentityRestClientOptions {
        client_options: ClientOptions { transport: Some(mock.transport()), ..Default::default() },
        ..Default::default()
    };
    let client = acs_identity_rest::IdentityRestClient::new(
        "https://contoso.communication.azure.com",
        Arc::new(TestAuth),
        Some(options),
    )
    .unwrap();
    let created = client.identity().create(None).await.unwrap().into_model().unwrap();
    assert_eq!(created.identity.id, "8:acs:x");
    let seen = &mock.requests()[0];
    assert!(seen.body.is_empty());
    // As the official SDKs do, a bodiless POST of an operation that consumes JSON says so.
    assert_eq!(seen.header("content-type"), Some("application/json"));
    assert_eq!(seen.url, "https://contoso.communication.azure.com/identities?api-version=2026-09-23");
}

#[tokio::test]
async fn an_unexpected_status_never_puts_the_body_in_the_message() {
    // A 200 where the spec says 201, with a body holding a token: an error naming the operation and status.
    let mock = Mock::new(&[(
        200,
        r#"{"identity":{"id":"8:acs:x"},"accessToken":{"token":"SECRET-TOKEN","expiresOn":"2030-01-01T00:00:00Z"}}"#,
    )]);
    let options = acs_identity_rest::IdentityRestClientOptions {
        client_options: ClientOptions { transport: Some(mock.transport()), ..Default::default() },
        ..Default::default()
    };
    let client = acs_identity_rest::IdentityRestClient::new(
        "https://contoso.communication.azure.com",
        Arc::new(TestAuth),
        Some(options),
    )
    .unwrap();
    let error = client.identity().create(None).await.unwrap_err();
    assert_eq!(error.to_string(), "IdentityOperations_Create failed: the service answered 200 OK");
    assert!(!format!("{error:?}").contains("SECRET-TOKEN"));
    assert_eq!(error.http_status(), Some(StatusCode::Ok));
}
