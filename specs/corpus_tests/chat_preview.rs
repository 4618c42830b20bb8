//! Chat `2025-11-15-preview` chat images, through the generated client: upload takes bytes and
//! returns the image id, get returns the bytes and their content type, delete works.

use acs_rest_core::{BodyInfo, ErrorExt};
use acs_test_support::{no_auth, MockTransport, Reply};
use corpus_chat_preview_rest::models::ImageViewType;
use corpus_chat_preview_rest::{ChatPreviewClient, ChatPreviewClientOptions, ChatThreadUploadChatImageOptions};

fn client(mock: &std::sync::Arc<MockTransport>) -> ChatPreviewClient {
    let options = ChatPreviewClientOptions { client_options: mock.client_options(), ..Default::default() };
    ChatPreviewClient::new("https://contoso.communication.azure.com", no_auth(), Some(options)).unwrap()
}

#[tokio::test]
async fn upload_sends_the_bytes_and_returns_the_image_id() {
    let mock = MockTransport::new();
    mock.respond(201, r#"{"id":"img-42","attachmentType":"image","name":"cat.png"}"#);
    let png = vec![0x89, b'P', b'N', b'G', 0, 1, 2];
    let options = ChatThreadUploadChatImageOptions { image_filename: Some("cat.png".into()), ..Default::default() };
    let result = client(&mock)
        .chat_thread()
        .upload_chat_image("19:thread@thread.v2", png.clone(), Some(options))
        .await
        .unwrap()
        .into_model()
        .unwrap();
    assert_eq!(result.id, "img-42");
    let sent = mock.only();
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path(), "/chat/threads/19%3Athread%40thread.v2/images");
    assert_eq!(sent.query("api-version").as_deref(), Some("2025-11-15-preview"));
    assert_eq!(sent.header("content-type"), Some("application/octet-stream"));
    assert_eq!(sent.header("image-filename"), Some("cat.png"));
    assert_eq!(sent.body, png);
}

#[tokio::test]
async fn an_upload_whose_outcome_is_unknown_is_not_sent_twice() {
    let mock = MockTransport::new();
    mock.respond(502, "");
    let error = client(&mock).chat_thread().upload_chat_image("t", vec![1u8], None).await.unwrap_err();
    assert!(error.is_outcome_unknown(), "{error}");
    assert_eq!(mock.count(), 1);
}

#[tokio::test]
async fn get_returns_the_bytes_and_their_content_type() {
    let mock = MockTransport::new();
    let jpeg = vec![0xff, 0xd8, 0xff, 0xe0, b'{', 0];
    mock.push(Reply::with_headers(200, &[("content-type", "image/jpeg")], jpeg.clone()));
    let response =
        client(&mock).chat_thread().get_chat_image("t1", "img-42", &ImageViewType::Small, None).await.unwrap();
    assert_eq!(response.content_type().as_deref(), Some("image/jpeg"));
    assert_eq!(response.into_model().unwrap().to_vec(), jpeg);
    assert_eq!(mock.only().path(), "/chat/threads/t1/images/img-42/view/small");
}

#[tokio::test]
async fn get_of_a_missing_image_is_an_error_with_the_service_error() {
    let mock = MockTransport::new();
    mock.respond(404, r#"{"error":{"code":"NotFound","message":"Image not found."}}"#);
    let error = client(&mock)
        .chat_thread()
        .get_chat_image("t1", "nope", &ImageViewType::Original, None)
        .await
        .unwrap_err();
    let body: corpus_chat_preview_rest::models::ErrorResponse = error.error_model().expect("error body");
    assert_eq!(body.error.map(|e| e.code).as_deref(), Some("NotFound"));
}

#[tokio::test]
async fn delete_sends_a_delete_and_is_retried_as_idempotent() {
    let mock = MockTransport::new();
    mock.respond(503, "");
    mock.respond(204, "");
    client(&mock).chat_thread().delete_chat_image("t1", "img-42", None).await.unwrap();
    let requests = mock.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.method == "DELETE" && r.path() == "/chat/threads/t1/images/img-42"));
}
