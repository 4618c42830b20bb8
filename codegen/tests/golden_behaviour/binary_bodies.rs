//! Binary and text bodies: sent as given with their declared content type, received raw.

use acs_rest_core::{BodyInfo, ErrorExt};
use acs_test_support::{MockTransport, Reply};
use golden_binary_bodies_rest::EmptyResponseHeaders;

use crate::client;

#[tokio::test]
async fn binary_upload_sends_the_bytes_with_the_chosen_content_type() {
    let mock = MockTransport::new();
    mock.respond(201, r#"{"id":"img-1","size":4}"#);
    let client = client!(golden_binary_bodies_rest, mock);
    let png = vec![0x89u8, b'P', b'N', b'G'];
    let info = client.images().upload("cat one", png.clone(), "image/png", None).await.unwrap().into_model().unwrap();
    assert_eq!(info.id, "img-1");
    let sent = mock.only();
    assert_eq!(sent.method, "PUT");
    assert_eq!(sent.path(), "/images/cat%20one");
    assert_eq!(sent.header("content-type"), Some("image/png"));
    assert_eq!(sent.body, png);
}

#[tokio::test]
async fn binary_download_returns_the_raw_bytes_and_their_content_type() {
    let mock = MockTransport::new();
    // Not JSON, and starting like JSON would: never parsed.
    let bytes = b"{not json \xff\x00".to_vec();
    mock.push(Reply::with_headers(200, &[("content-type", "image/jpeg")], bytes.clone()));
    let client = client!(golden_binary_bodies_rest, mock);
    let response = client.images().get("cat", None).await.unwrap();
    assert_eq!(response.content_type().as_deref(), Some("image/jpeg"));
    assert_eq!(response.into_model().unwrap().to_vec(), bytes);
    let accept = mock.only().header("accept").unwrap().to_string();
    assert!(accept.contains("image/png") && accept.contains("application/json"), "{accept}");
}

#[tokio::test]
async fn binary_download_failure_reads_the_json_error() {
    let mock = MockTransport::new();
    mock.respond(404, r#"{"error":{"code":"NotFound","message":"no such image"}}"#);
    let client = client!(golden_binary_bodies_rest, mock);
    let error = client.images().get("cat", None).await.unwrap_err();
    let model: golden_binary_bodies_rest::models::ErrorResponse = error.error_model().expect("error body");
    assert_eq!(model.error.and_then(|e| e.code).as_deref(), Some("NotFound"));
}

#[tokio::test]
async fn octet_stream_body_and_typed_response_headers() {
    let mock = MockTransport::new();
    mock.push(Reply::with_headers(
        204,
        &[("etag", "\"v1\""), ("last-modified", "Tue, 01 Dec 2026 10:00:00 GMT")],
        Vec::new(),
    ));
    let client = client!(golden_binary_bodies_rest, mock);
    let response = client.blobs().put(vec![1u8, 2, 3], None).await.unwrap();
    assert_eq!(response.etag().unwrap().as_deref(), Some("\"v1\""));
    let modified = response.last_modified().unwrap().unwrap();
    assert_eq!((modified.year(), modified.hour()), (2026, 10));
    let sent = mock.only();
    assert_eq!(sent.header("content-type"), Some("application/octet-stream"));
    assert_eq!(sent.body, vec![1, 2, 3]);
}

#[tokio::test]
async fn a_malformed_typed_header_is_a_clear_error_not_a_panic() {
    let mock = MockTransport::new();
    mock.push(Reply::with_headers(204, &[("last-modified", "yesterday")], Vec::new()));
    let client = client!(golden_binary_bodies_rest, mock);
    let response = client.blobs().put(vec![1u8], None).await.unwrap();
    let error = response.last_modified().unwrap_err().to_string();
    assert!(error.contains("last-modified"), "{error}");
}

#[tokio::test]
async fn text_bodies_go_out_and_come_back_as_text() {
    let mock = MockTransport::new();
    mock.push(Reply::with_headers(200, &[("content-type", "text/plain; charset=utf-8")], "héllo"));
    let client = client!(golden_binary_bodies_rest, mock);
    let echoed = client.notes().echo("héllo", None).await.unwrap().into_model().unwrap();
    assert_eq!(echoed, "héllo");
    let sent = mock.only();
    assert_eq!(sent.header("content-type"), Some("text/plain"));
    assert_eq!(sent.header("accept"), Some("text/plain"));
    assert_eq!(sent.text(), "héllo");
}

#[tokio::test]
async fn text_that_is_not_utf8_is_an_error() {
    let mock = MockTransport::new();
    mock.push(Reply::with_headers(200, &[("content-type", "text/plain")], vec![0xffu8, 0xfe]));
    let client = client!(golden_binary_bodies_rest, mock);
    let error = client.notes().echo("x", None).await.unwrap().into_model().unwrap_err();
    assert!(error.to_string().contains("UTF-8"), "{error}");
}

#[tokio::test]
async fn json_with_media_type_parameters_keeps_them() {
    let mock = MockTransport::new();
    mock.respond(202, "");
    let client = client!(golden_binary_bodies_rest, mock);
    let record = golden_binary_bodies_rest::models::ImageInfo { id: "r".into(), size: Some(7) };
    client.records().append(record.try_into().unwrap(), None).await.unwrap();
    let sent = mock.only();
    assert_eq!(sent.header("content-type"), Some("application/json; serialization=Avro"));
    assert_eq!(sent.json(), serde_json::json!({"id": "r", "size": 7}));
}

#[tokio::test]
async fn pages_of_xml_come_back_raw_one_call_per_page() {
    let mock = MockTransport::new();
    let page = b"<Catalog><Items><Item>a</Item></Items><NextMarker>m2</NextMarker></Catalog>".to_vec();
    mock.push(Reply::with_headers(200, &[("content-type", "application/xml")], page.clone()));
    let client = client!(golden_binary_bodies_rest, mock);
    let options = golden_binary_bodies_rest::CatalogListOptions { marker: Some("m1".into()), ..Default::default() };
    let response = client.catalog().list(Some(options)).await.unwrap();
    assert_eq!(response.into_model().unwrap().to_vec(), page);
    let sent = mock.only();
    assert_eq!(sent.query("marker").as_deref(), Some("m1"));
    assert_eq!(sent.header("accept"), Some("application/xml"));
}

#[test]
fn pageable_xml_is_a_warning_not_an_error() {
    let service = crate::lower_fixture("binary_bodies");
    let warning =
        service.warnings.iter().map(|w| w.to_string()).find(|w| w.contains("/paths/~1catalog/get/x-ms-pageable"));
    assert!(warning.is_some_and(|w| w.contains("not JSON")), "{:#?}", service.warnings);
}
