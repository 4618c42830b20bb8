//! Query and header parameters: collection formats, enums, objects, `x-ms-paths`, pageable POSTs.

use acs_test_support::{MockTransport, Reply};
use futures::TryStreamExt;
use golden_parameters_rest::models::{ItemKind, TouchMode};

use crate::client;

#[tokio::test]
async fn collection_formats_enums_and_objects() {
    let mock = MockTransport::new();
    mock.respond(200, r#""ok""#);
    let client = client!(golden_parameters_rest, mock, endpoint);
    let options = golden_parameters_rest::ItemsTouchOptions {
        tags: Some(vec!["a".into(), "b,c".into()]),
        ids: Some(vec![1, 2]),
        spaced: Some(vec!["x".into(), "y".into()]),
        piped: Some(vec![3, 4]),
        tabbed: Some(vec!["p".into(), "q".into()]),
        mode: Some(TouchMode::Safe),
        x_ms_modes: Some(vec![TouchMode::Fast, TouchMode::UnknownValue("turbo".into())]),
        x_ms_kind: Some(ItemKind::B),
        filter: Some(serde_json::json!({"size": {"gt": 3}})),
        ..Default::default()
    };
    let since = time::macros::datetime!(2026-01-02 03:04:05 UTC);
    client.items().touch(7, since, 2, "item/1", Some(options)).await.unwrap();
    let sent = mock.only();
    assert_eq!(sent.path(), "/items/item%2F1/versions/7");
    let url = azure_core::http::Url::parse(&sent.url).unwrap();
    let pairs: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let all = |name: &str| pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect::<Vec<_>>();
    assert_eq!(all("since"), ["2026-01-02T03:04:05Z"]);
    assert_eq!(all("tags"), ["a,b,c"]);
    assert_eq!(all("ids"), ["1", "2"], "multi: one pair per item");
    assert_eq!(all("spaced"), ["x y"]);
    assert_eq!(all("piped"), ["3|4"]);
    assert_eq!(all("tabbed"), ["p\tq"]);
    assert_eq!(all("mode"), ["safe"]);
    assert_eq!(all("filter"), [r#"{"size":{"gt":3}}"#]);
    assert_eq!(sent.header("x-ms-modes"), Some("fast,turbo"));
    assert_eq!(sent.header("x-ms-kind"), Some("b"));
    assert_eq!(sent.header("x-ms-priority"), Some("2"));
}

#[tokio::test]
async fn x_ms_paths_keep_their_constant_query() {
    let mock = MockTransport::new();
    mock.respond(204, "");
    let client = client!(golden_x_ms_paths_rest, mock);
    let options =
        golden_x_ms_paths_rest::ThingsArchiveOptions { reason: Some("old & dusty".into()), ..Default::default() };
    client.things().archive("t 1", Some(options)).await.unwrap();
    let sent = mock.only();
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path(), "/things/t%201");
    assert_eq!(sent.query("action").as_deref(), Some("archive"));
    assert_eq!(sent.query("reason").as_deref(), Some("old & dusty"));
}

#[tokio::test]
async fn a_pageable_post_sends_its_body_then_follows_next_links_with_get() {
    let mock = MockTransport::new();
    mock.respond(200, r#"{"items":[{"id":"w1"}],"next":"https://example.com/widgets:search?page=2"}"#);
    mock.respond(200, r#"{"items":[{"id":"w2"}]}"#);
    let client = client!(golden_paging_rest, mock);
    let query = golden_paging_rest::models::WidgetQuery { text: Some("blue".into()) };
    let widgets: Vec<_> =
        client.widgets().search(query.try_into().unwrap(), None).unwrap().try_collect().await.unwrap();
    assert_eq!(widgets.iter().map(|w| w.id.as_str()).collect::<Vec<_>>(), ["w1", "w2"]);
    let requests = mock.requests();
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].json(), serde_json::json!({"text": "blue"}));
    assert_eq!(requests[1].method, "GET");
    assert_eq!(requests[1].query("page").as_deref(), Some("2"));
    assert_eq!(requests[1].query("api-version").as_deref(), Some("2024-01-01"));
    assert!(requests[1].body.is_empty());
}

#[tokio::test]
async fn a_next_link_that_repeats_ends_the_list_with_an_error() {
    let mock = MockTransport::new();
    mock.handle(|_| Reply::status(200, r#"{"items":[{"id":"w"}],"next":"https://example.com/widgets?page=2"}"#));
    let client = client!(golden_paging_rest, mock);
    let outcome: azure_core::Result<Vec<_>> = client.widgets().list(None).unwrap().try_collect().await;
    assert!(outcome.is_err());
    assert!(mock.count() <= 3, "stopped at the repeat, after {} requests", mock.count());
}

#[tokio::test]
async fn a_header_collection_goes_out_as_one_header_per_key_and_comes_back_as_a_map() {
    use golden_parameters_rest::EmptyResponseHeaders;
    let mock = MockTransport::new();
    mock.push(Reply::with_headers(
        200,
        &[("x-ms-meta-owner", "ada"), ("x-ms-meta-tier", "hot"), ("x-ms-other", "no")],
        "",
    ));
    let client = client!(golden_parameters_rest, mock, endpoint);
    let metadata = std::collections::HashMap::from([("owner".to_string(), "ada".to_string())]);
    let options = golden_parameters_rest::LabelsSetMetadataOptions { metadata: Some(metadata), ..Default::default() };
    let response = client.labels().set_metadata("red", Some(options)).await.unwrap();
    let stored = response.meta();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored["owner"], "ada");
    assert_eq!(stored["tier"], "hot");
    let sent = mock.only();
    assert_eq!(sent.header("x-ms-meta-owner"), Some("ada"));
    assert_eq!(sent.header("x-ms-meta"), None);

    // A key that cannot be a header name is an error before anything is sent.
    let bad = std::collections::HashMap::from([("a b".to_string(), "x".to_string())]);
    let options = golden_parameters_rest::LabelsSetMetadataOptions { metadata: Some(bad), ..Default::default() };
    let error = client.labels().set_metadata("red", Some(options)).await.unwrap_err();
    assert!(error.to_string().contains("x-ms-meta-a b"), "{error}");
    assert_eq!(mock.count(), 1);

    // A required collection is an argument.
    mock.respond(200, "");
    let metadata = std::collections::HashMap::from([("tier".to_string(), "cool".to_string())]);
    client.labels().replace_metadata("red", &metadata, None).await.unwrap();
    assert_eq!(mock.last().header("x-ms-meta-tier"), Some("cool"));
}
