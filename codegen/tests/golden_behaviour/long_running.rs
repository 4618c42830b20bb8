//! Long-running operations: pollers that follow the status monitor, honour `Retry-After`, end on
//! the terminal states and fetch the final result where `final-state-via` says.

use acs_rest_core::{ErrorExt, FailureKind};
use acs_test_support::{MockTransport, Reply};
use futures::StreamExt;
use golden_long_running_rest::models::{JobRequest, JobStatus, Resource};

use crate::client;

fn job() -> azure_core::http::RequestContent<JobRequest> {
    JobRequest { input: "hello".into() }.try_into().unwrap()
}

#[tokio::test]
async fn operation_location_poller_reaches_succeeded() {
    let mock = MockTransport::new();
    mock.push(Reply::with_headers(
        202,
        &[("operation-location", "https://example.com/operations/7?api-version=2024-01-01"), ("retry-after", "0")],
        r#"{"id":"7","status":"NotStarted"}"#,
    ));
    mock.push(Reply::with_headers(200, &[("retry-after", "0")], r#"{"id":"7","status":"Running"}"#));
    mock.respond(200, r#"{"id":"7","status":"Succeeded"}"#);
    let client = client!(golden_long_running_rest, mock);
    let result = client.jobs().begin_send(job(), None).unwrap().await.unwrap().into_model().unwrap();
    assert_eq!(result.status, JobStatus::Succeeded);
    let requests = mock.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!((requests[0].method.as_str(), requests[0].path().as_str()), ("POST", "/jobs:send"));
    assert_eq!(requests[0].json(), serde_json::json!({"input": "hello"}));
    for poll in &requests[1..] {
        assert_eq!((poll.method.as_str(), poll.path().as_str()), ("GET", "/operations/7"));
        assert_eq!(poll.query("api-version").as_deref(), Some("2024-01-01"));
    }
}

#[tokio::test]
async fn the_poller_streams_each_status() {
    let mock = MockTransport::new();
    mock.push(Reply::with_headers(
        202,
        &[("operation-location", "https://example.com/operations/7"), ("retry-after", "0")],
        r#"{"id":"7","status":"NotStarted"}"#,
    ));
    mock.push(Reply::with_headers(200, &[("retry-after", "0")], r#"{"id":"7","status":"Running"}"#));
    mock.respond(200, r#"{"id":"7","status":"Succeeded"}"#);
    let client = client!(golden_long_running_rest, mock);
    let mut poller = client.jobs().begin_send(job(), None).unwrap();
    let mut seen = Vec::new();
    while let Some(status) = poller.next().await {
        seen.push(status.unwrap().into_model().unwrap().status);
    }
    assert_eq!(seen, [JobStatus::NotStarted, JobStatus::Running, JobStatus::Succeeded]);
}

#[tokio::test]
async fn a_failed_operation_surfaces_its_error() {
    let mock = MockTransport::new();
    mock.push(Reply::with_headers(
        202,
        &[("operation-location", "https://example.com/operations/8"), ("retry-after", "0")],
        r#"{"id":"8","status":"Running"}"#,
    ));
    mock.respond(200, r#"{"id":"8","status":"Failed","error":{"code":"QuotaExceeded","message":"too many jobs"}}"#);
    let client = client!(golden_long_running_rest, mock);
    let error = client.jobs().begin_send(job(), None).unwrap().await.unwrap_err();
    assert_eq!(error.failure().map(|f| f.kind()), Some(FailureKind::OperationFailed));
    let text = error.to_string();
    assert!(text.contains("QuotaExceeded") && text.contains("too many jobs"), "{text}");
}

#[tokio::test]
async fn a_monitor_on_another_host_is_polled_on_the_endpoint_origin() {
    let mock = MockTransport::new();
    mock.push(Reply::with_headers(
        202,
        &[("operation-location", "https://attacker.example.net/operations/9"), ("retry-after", "0")],
        r#"{"id":"9","status":"Running"}"#,
    ));
    mock.respond(200, r#"{"id":"9","status":"Succeeded"}"#);
    let client = client!(golden_long_running_rest, mock);
    client.jobs().begin_send(job(), None).unwrap().await.unwrap();
    let poll = &mock.requests()[1];
    assert!(poll.url.starts_with("https://example.com/operations/9?"), "{}", poll.url);
}

#[tokio::test]
async fn the_first_request_is_not_retried_when_its_outcome_is_unknown() {
    let mock = MockTransport::new();
    mock.respond(500, "");
    let client = client!(golden_long_running_rest, mock);
    let error = client.jobs().begin_send(job(), None).unwrap().await.unwrap_err();
    assert!(error.is_outcome_unknown(), "{error}");
    assert_eq!(mock.count(), 1);
}

#[tokio::test]
async fn azure_async_operation_put_gets_the_resource_from_the_original_uri() {
    let mock = MockTransport::new();
    mock.push(Reply::with_headers(
        201,
        &[("azure-asyncoperation", "https://example.com/ops/1"), ("retry-after", "0")],
        r#"{"name":"r1","provisioningState":"Creating"}"#,
    ));
    mock.respond(200, r#"{"status":"Succeeded"}"#);
    mock.respond(200, r#"{"name":"r1","provisioningState":"Succeeded"}"#);
    let client = client!(golden_long_running_rest, mock);
    let resource = Resource { name: "r1".into(), provisioning_state: None };
    let result = client
        .resources()
        .begin_create("r1", resource.try_into().unwrap(), None)
        .unwrap()
        .await
        .unwrap()
        .into_model()
        .unwrap();
    assert_eq!(result.provisioning_state.as_deref(), Some("Succeeded"));
    let paths: Vec<_> = mock.requests().iter().map(|r| format!("{} {}", r.method, r.path())).collect();
    assert_eq!(paths, ["PUT /resources/r1", "GET /ops/1", "GET /resources/r1"]);
}

#[tokio::test]
async fn location_delete_polls_the_location_until_it_stops_answering_202() {
    let mock = MockTransport::new();
    mock.push(Reply::with_headers(
        202,
        &[("location", "https://example.com/deletions/1"), ("retry-after", "0")],
        Vec::new(),
    ));
    mock.push(Reply::with_headers(202, &[("retry-after", "0")], Vec::new()));
    mock.respond(204, "");
    mock.respond(204, "");
    let client = client!(golden_long_running_rest, mock);
    client.resources().begin_delete("r1", None).unwrap().await.unwrap();
    let paths: Vec<_> = mock.requests().iter().map(|r| format!("{} {}", r.method, r.path())).collect();
    assert_eq!(paths[..3], ["DELETE /resources/r1", "GET /deletions/1", "GET /deletions/1"]);
}

#[tokio::test]
async fn original_uri_post_fetches_the_resource_again() {
    let mock = MockTransport::new();
    mock.push(Reply::with_headers(
        202,
        &[("operation-location", "https://example.com/ops/2"), ("retry-after", "0")],
        Vec::new(),
    ));
    mock.respond(200, r#"{"status":"Succeeded"}"#);
    mock.respond(200, r#"{"name":"r2"}"#);
    let client = client!(golden_long_running_rest, mock);
    let result = client.resources().begin_refresh("r2", None).unwrap().await.unwrap().into_model().unwrap();
    assert_eq!(result.name, "r2");
    let last = mock.last();
    assert_eq!((last.method.as_str(), last.path().as_str()), ("GET", "/resources/r2:refresh"));
}

#[tokio::test]
async fn a_poll_frequency_under_a_second_is_refused() {
    let mock = MockTransport::new();
    let client = client!(golden_long_running_rest, mock);
    let options = golden_long_running_rest::JobsSendOptions {
        method_options: azure_core::http::poller::PollerOptions {
            frequency: azure_core::time::Duration::milliseconds(10),
            ..Default::default()
        },
    };
    assert!(client.jobs().begin_send(job(), Some(options)).is_err());
    assert_eq!(mock.count(), 0);
}
