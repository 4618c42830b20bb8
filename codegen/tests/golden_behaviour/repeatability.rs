//! Repeatability headers: filled once per call, identical on every retry, overridable.

use acs_test_support::{MockTransport, Reply};
use golden_repeatability_rest::models::{Room, RoomsCreateRepeatabilityResult};
use golden_repeatability_rest::RoomHeaders;

use crate::client;

fn room() -> azure_core::http::RequestContent<Room> {
    Room { topic: Some("standup".into()), ..Default::default() }.try_into().unwrap()
}

#[tokio::test]
async fn a_retried_create_repeats_the_same_id_and_first_sent_time() {
    let mock = MockTransport::new();
    mock.respond(503, "");
    mock.push(Reply::Fail(azure_core::error::ErrorKind::Io, "connection reset"));
    mock.push(Reply::with_headers(201, &[("repeatability-result", "accepted")], r#"{"id":"room-1"}"#));
    let client = client!(golden_repeatability_rest, mock);
    let response = client.rooms().create(room(), None).await.unwrap();
    assert_eq!(response.repeatability_result().unwrap(), Some(RoomsCreateRepeatabilityResult::Accepted));
    let requests = mock.requests();
    assert_eq!(requests.len(), 3, "a create with a repeatability id may be retried");
    let id = requests[0].header("repeatability-request-id").unwrap();
    uuid::Uuid::parse_str(id).expect("a UUID");
    let first_sent = requests[0].header("repeatability-first-sent").unwrap();
    time::OffsetDateTime::parse(first_sent, &time::format_description::well_known::Rfc2822).expect("an HTTP date");
    assert!(first_sent.ends_with("GMT"), "{first_sent}");
    for retry in &requests[1..] {
        assert_eq!(retry.header("repeatability-request-id"), Some(id));
        assert_eq!(retry.header("repeatability-first-sent"), Some(first_sent));
    }
}

#[tokio::test]
async fn each_call_gets_a_new_id() {
    let mock = MockTransport::new();
    mock.handle(|_| Reply::status(201, r#"{"id":"room"}"#));
    let client = client!(golden_repeatability_rest, mock);
    client.rooms().create(room(), None).await.unwrap();
    client.rooms().create(room(), None).await.unwrap();
    let requests = mock.requests();
    assert_ne!(requests[0].header("repeatability-request-id"), requests[1].header("repeatability-request-id"));
}

#[tokio::test]
async fn the_caller_can_set_both_headers() {
    let mock = MockTransport::new();
    mock.respond(201, r#"{"id":"room"}"#);
    let client = client!(golden_repeatability_rest, mock);
    let id = uuid::Uuid::from_u128(0x1234);
    let options = golden_repeatability_rest::RoomsCreateOptions {
        repeatability_request_id: Some(id),
        repeatability_first_sent: Some(time::macros::datetime!(2026-01-02 03:04:05 UTC)),
        ..Default::default()
    };
    client.rooms().create(room(), Some(options)).await.unwrap();
    let sent = mock.only();
    assert_eq!(sent.header("repeatability-request-id"), Some(id.to_string().as_str()));
    assert_eq!(sent.header("repeatability-first-sent"), Some("Fri, 02 Jan 2026 03:04:05 GMT"));
}

#[tokio::test]
async fn a_merge_patch_goes_out_as_merge_patch() {
    let mock = MockTransport::new();
    mock.respond(200, r#"{"id":"room-1","topic":"new"}"#);
    let client = client!(golden_repeatability_rest, mock);
    client.rooms().update("room-1", room(), None).await.unwrap();
    let sent = mock.only();
    assert_eq!(sent.method, "PATCH");
    assert_eq!(sent.header("content-type"), Some("application/merge-patch+json"));
}
