//! `formData` parameters: multipart with files and text, and urlencoded forms.

use acs_test_support::MockTransport;

use crate::client;

#[tokio::test]
async fn multipart_upload_sends_each_part() {
    let mock = MockTransport::new();
    mock.respond(201, r#"{"id":"doc-1"}"#);
    let client = client!(golden_form_data_rest, mock);
    let options = golden_form_data_rest::DocumentsUploadOptions { pages: Some(3), ..Default::default() };
    let document = client.documents().upload(b"%PDF-1.7".to_vec(), "Q3 report", Some(options)).await.unwrap();
    assert_eq!(document.into_model().unwrap().id, "doc-1");
    let sent = mock.only();
    let content_type = sent.header("content-type").unwrap().to_string();
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect(&content_type).to_string();
    let body = sent.text();
    assert!(body.starts_with(&format!("--{boundary}\r\n")), "{body}");
    assert!(body.ends_with(&format!("--{boundary}--\r\n")), "{body}");
    assert!(body.contains("name=\"file\"") && body.contains("%PDF-1.7"), "{body}");
    assert!(body.contains("Content-Disposition: form-data; name=\"title\"\r\n\r\nQ3 report\r\n"), "{body}");
    assert!(body.contains("name=\"pages\"\r\n\r\n3\r\n"), "{body}");
    assert_eq!(body.matches(&format!("--{boundary}\r\n")).count(), 3, "{body}");
}

#[tokio::test]
async fn optional_form_fields_are_left_out_when_unset() {
    let mock = MockTransport::new();
    mock.respond(201, r#"{"id":"doc-1"}"#);
    let client = client!(golden_form_data_rest, mock);
    client.documents().upload(b"x".to_vec(), "t", None).await.unwrap();
    assert!(!mock.only().text().contains("name=\"pages\""));
}

#[tokio::test]
async fn urlencoded_form_encodes_its_fields() {
    let mock = MockTransport::new();
    mock.respond(200, r#"{"id":"tok"}"#);
    let client = client!(golden_form_data_rest, mock);
    let options = golden_form_data_rest::TokensExchangeOptions { scope: Some("a b&c".into()), ..Default::default() };
    client.tokens().exchange("client_credentials", Some(options)).await.unwrap();
    let sent = mock.only();
    assert_eq!(sent.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(sent.text(), "grant_type=client_credentials&scope=a+b%26c");
}

#[tokio::test]
async fn an_openapi3_multipart_body_of_a_named_schema_sends_its_fields() {
    let mock = MockTransport::new();
    mock.respond(204, "");
    let client = client!(golden_openapi3_rest, mock);
    let options = golden_openapi3_rest::PetsUploadPhotoOptions { caption: Some("Rex".into()), ..Default::default() };
    client.pets().upload_photo("rex", b"\x89PNG".to_vec(), Some(options)).await.unwrap();
    let sent = mock.only();
    assert_eq!(sent.path(), "/pets/rex/photo");
    let body = String::from_utf8_lossy(&sent.body).into_owned();
    assert!(body.contains("name=\"photo\"") && body.contains("PNG"), "{body}");
    assert!(body.contains("name=\"caption\"\r\n\r\nRex\r\n"), "{body}");
}
