//! Several success responses (with and without bodies), status-code ranges and typed headers.

use acs_rest_core::ErrorExt;
use acs_test_support::{MockTransport, Reply};
use golden_status_ranges_rest::models::{Entry, EntryValue, Problem};
use golden_status_ranges_rest::{EntriesGetResponse, EntriesPutResponse, EntryHeaders};

use crate::client;

#[tokio::test]
async fn each_success_status_is_its_own_variant() {
    let mock = MockTransport::new();
    mock.push(Reply::with_headers(
        200,
        &[("etag", "\"e1\""), ("retry-after", "5"), ("x-ms-version", "7")],
        r#"{"key":"k","value":["a","b"]}"#,
    ));
    mock.respond(304, "");
    let client = client!(golden_status_ranges_rest, mock);
    match client.entries().get("k", None).await.unwrap() {
        EntriesGetResponse::Ok(response) => {
            assert_eq!(response.etag().unwrap().as_deref(), Some("\"e1\""));
            assert_eq!(response.retry_after().unwrap(), Some(5));
            assert_eq!(response.version().unwrap().as_deref(), Some("7"));
            let entry = response.into_model().unwrap();
            assert_eq!(entry.value, Some(EntryValue::Array(vec!["a".into(), "b".into()])));
        }
        other => panic!("expected 200, got {other:?}"),
    }
    assert!(matches!(client.entries().get("k", None).await.unwrap(), EntriesGetResponse::NotModified(_)));
}

#[tokio::test]
async fn a_4xx_range_response_is_an_error_with_its_model() {
    let mock = MockTransport::new();
    mock.respond(409, r#"{"title":"conflict","status":409}"#);
    let client = client!(golden_status_ranges_rest, mock);
    let error = client.entries().get("k", None).await.unwrap_err();
    let problem: Problem = error.error_model().unwrap();
    assert_eq!(problem.title.as_deref(), Some("conflict"));
}

#[tokio::test]
async fn put_tells_created_from_replaced_from_unchanged() {
    let mock = MockTransport::new();
    mock.respond(200, r#"{"key":"k","value":1.5}"#);
    mock.push(Reply::with_headers(201, &[("location", "https://example.com/api/entries/k")], r#"{"key":"k"}"#));
    mock.respond(204, "");
    let client = client!(golden_status_ranges_rest, mock);
    let entry = || Entry { key: "k".into(), value: Some(EntryValue::Number(1.5)) }.try_into().unwrap();
    assert!(matches!(client.entries().put("k", entry(), None).await.unwrap(), EntriesPutResponse::Ok(_)));
    match client.entries().put("k", entry(), None).await.unwrap() {
        EntriesPutResponse::Created(created) => {
            assert_eq!(created.location().unwrap().as_deref(), Some("https://example.com/api/entries/k"))
        }
        other => panic!("expected 201, got {other:?}"),
    }
    assert!(matches!(client.entries().put("k", entry(), None).await.unwrap(), EntriesPutResponse::NoContent(_)));
    assert_eq!(mock.requests()[0].json(), serde_json::json!({"key": "k", "value": 1.5}));
    assert!(mock.requests()[0].url.starts_with("https://example.com/api/entries/k"));
}

#[tokio::test]
async fn a_2xx_range_accepts_any_success_and_nothing_else() {
    let mock = MockTransport::new();
    mock.respond(202, "");
    mock.respond(204, "");
    mock.respond(404, r#"{"title":"gone"}"#);
    let client = client!(golden_status_ranges_rest, mock);
    client.entries().delete("k", None).await.unwrap();
    client.entries().delete("k", None).await.unwrap();
    assert!(client.entries().delete("k", None).await.is_err());
}

#[tokio::test]
async fn an_undeclared_success_status_is_an_error() {
    let mock = MockTransport::new();
    mock.respond(202, r#"{"key":"k"}"#);
    let client = client!(golden_status_ranges_rest, mock);
    let error = client.entries().get("k", None).await.unwrap_err();
    assert!(error.to_string().contains("202"), "{error}");
}
