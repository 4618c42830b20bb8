//! The chat clients against servers that misbehave on purpose (loopback servers of
//! `acs_test_support::hostile`, over real HTTP): every call ends within its deadline, holds no more
//! than its body cap, is not retried when retrying cannot help, and never shows a secret.

use std::time::{Duration, Instant};

use acs_chat::{ChatClient, ChatClientOptions, ChatThreadClient, ErrorExt};
use acs_common::CommunicationTokenCredential;
use acs_rest_core::{FailureKind, Limits};
use acs_test_support::hostile::{Behavior, HostileServer};
use azure_core::http::{ClientOptions, FixedRetryOptions, RetryOptions};
use futures::TryStreamExt;

const SECRET_TOKEN: &str = "eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.secret-signature-never-shown";

fn thread(server: &HostileServer, limits: Limits) -> ChatThreadClient {
    let options = ChatClientOptions {
        client_options: ClientOptions {
            retry: RetryOptions::fixed(FixedRetryOptions {
                delay: azure_core::time::Duration::milliseconds(10),
                max_retries: 3,
                ..Default::default()
            }),
            ..Default::default()
        },
        limits,
        ..Default::default()
    };
    let credential = CommunicationTokenCredential::new(SECRET_TOKEN).unwrap();
    ChatClient::new(server.url(), credential, Some(options)).unwrap().chat_thread_client("19:t@thread.v2").unwrap()
}

fn kind(error: &azure_core::Error) -> Option<FailureKind> {
    error.failure().map(|f| f.kind())
}

fn respond(status: u16, headers: &[(&str, &str)], body: &str) -> Behavior {
    Behavior::Respond {
        status,
        headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        body: body.as_bytes().to_vec(),
    }
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_fails_fast_with_the_hint() {
    for retry_after in ["4000000", "Fri, 31 Dec 9999 23:59:59 GMT"] {
        let server = HostileServer::start(respond(429, &[("retry-after", retry_after)], "")).await;
        let started = Instant::now();
        let error = thread(&server, Limits::default()).get_properties(None).await.unwrap_err();
        assert_eq!(kind(&error), Some(FailureKind::RetryAfterTooLong), "{error}");
        let hint = error.failure().and_then(|f| f.retry_after()).expect("the server's hint");
        assert!(hint > Duration::from_secs(3_000_000), "{hint:?}");
        assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
        assert_eq!(server.requests(), 1);
    }
}

#[tokio::test]
async fn a_trickling_body_ends_at_the_deadline() {
    let server = HostileServer::start(Behavior::Trickle { interval: Duration::from_millis(200), length: 10_000 }).await;
    let limits = Limits { deadline: Duration::from_secs(2), ..Default::default() };
    let started = Instant::now();
    let error = thread(&server, limits).get_properties(None).await.unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_silent_server_ends_at_the_deadline() {
    let server = HostileServer::start(Behavior::Silent).await;
    let limits = Limits { deadline: Duration::from_secs(1), ..Default::default() };
    let started = Instant::now();
    let error = thread(&server, limits).get_properties(None).await.unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}

#[tokio::test]
async fn bodies_past_the_cap_are_refused_not_buffered() {
    let limits = Limits { max_response_body: 1 << 20, ..Default::default() };
    for behavior in [
        Behavior::Huge { status: 200, length: 200 << 20 },
        Behavior::Huge { status: 500, length: 200 << 20 },
        Behavior::Endless,
    ] {
        let server = HostileServer::start(behavior.clone()).await;
        let started = Instant::now();
        let error = thread(&server, limits.clone()).get_properties(None).await.unwrap_err();
        assert_eq!(kind(&error), Some(FailureKind::BodyTooLarge), "{behavior:?}: {error}");
        assert!(error.to_string().len() < 600, "a short message: {error}");
        assert!(started.elapsed() < Duration::from_secs(10), "{behavior:?}: {:?}", started.elapsed());
    }
}

#[tokio::test]
async fn an_error_body_is_quoted_short_and_without_secrets() {
    let echoed = format!(
        r#"{{"error":{{"code":"Unauthorized","message":"bad token Bearer {SECRET_TOKEN} {}"}}}}"#,
        "x".repeat(10_000)
    );
    let server = HostileServer::start(respond(401, &[], &echoed)).await;
    let error = thread(&server, Limits::default()).get_properties(None).await.unwrap_err();
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains("secret-signature"), "the token leaked: {text}");
    }
    assert!(error.to_string().len() < 1_000, "{}", error.to_string().len());
}

#[tokio::test]
async fn a_next_link_that_loops_ends_the_list() {
    let page = r#"{"value":[{"id":"1","type":"text","sequenceId":"1","version":"1","createdOn":"2026-01-01T00:00:00Z"}],"nextLink":"/chat/threads/19%3At%40thread.v2/messages?skip=1"}"#;
    let server = HostileServer::start(respond(200, &[("content-type", "application/json")], page)).await;
    let started = Instant::now();
    let outcome: azure_core::Result<Vec<_>> =
        thread(&server, Limits::default()).list_messages(None).try_collect().await;
    let error = outcome.unwrap_err();
    assert_eq!(kind(&error), Some(FailureKind::PagingLoop), "{error}");
    assert!(server.requests() <= 3, "{} requests", server.requests());
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_malformed_response_is_not_retried() {
    let server = HostileServer::start(Behavior::ManyHeaders(5_000)).await;
    let started = Instant::now();
    let error = thread(&server, Limits::default()).get_properties(None).await.unwrap_err();
    assert_eq!(kind(&error), Some(FailureKind::MalformedResponse), "{error}");
    assert_eq!(server.requests(), 1);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_send_cut_off_after_the_request_is_not_repeated() {
    let server = HostileServer::start(Behavior::Reset).await;
    let error = thread(&server, Limits::default()).send_message("hello", None).await.unwrap_err();
    assert!(error.is_outcome_unknown(), "{error}");
    assert_eq!(server.requests(), 1);
    // A read is retried on the same failure.
    let server = HostileServer::start(Behavior::Reset).await;
    let error = thread(&server, Limits::default()).get_properties(None).await.unwrap_err();
    assert!(!error.is_outcome_unknown(), "{error}");
    assert_eq!(server.requests(), 4, "the first try and three retries");
}
