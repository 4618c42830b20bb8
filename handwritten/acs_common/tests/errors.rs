//! The service's `CommunicationError`, read from a pipeline's HTTP error.

mod common;

use acs_common::error::{CommunicationError, ErrorExt};
use acs_common::hmac::{AccessKey, HmacAuthPolicy};
use azure_core::error::ErrorKind;
use azure_core::http::{Context, Method, Request, RetryOptions, StatusCode, Url};
use common::{pipeline, MockTransport};
use std::sync::Arc;

async fn send_and_fail(status: StatusCode, headers: &[(&'static str, &str)], body: &str) -> azure_core::Error {
    let transport = MockTransport::new();
    common::queue(&transport, status, headers, body);
    let pipeline =
        pipeline(Arc::new(HmacAuthPolicy::new(AccessKey::new("pw==").unwrap())), transport, RetryOptions::none());
    let mut request = Request::new(
        Url::parse("https://contoso.communication.azure.com/chat/threads/19%3Ax%40thread.v2").unwrap(),
        Method::Get,
    );
    pipeline.send(&Context::new(), &mut request, None).await.unwrap_err()
}

#[tokio::test]
async fn service_error_is_readable_from_the_http_error() {
    let body = r#"{"error":{"code":"BadRequest","message":"One or more participants are invalid",
        "target":"participants","details":[{"code":"NotFound","message":"User not found",
        "target":"8:acs:r_missing"}],"innererror":{"code":"InvalidParticipant","message":"inner"}}}"#;
    let error = send_and_fail(StatusCode::BadRequest, &[("x-ms-error-code", "BadRequest")], body).await;
    assert_eq!(error.http_status(), Some(StatusCode::BadRequest));
    let service = error.communication_error().expect("communication error");
    assert_eq!(service.code, "BadRequest");
    assert_eq!(service.message, "One or more participants are invalid");
    assert_eq!(service.target.as_deref(), Some("participants"));
    let detail = CommunicationError {
        code: "NotFound".into(),
        message: "User not found".into(),
        target: Some("8:acs:r_missing".into()),
        ..Default::default()
    };
    assert_eq!(service.details, Some(vec![detail]));
    let inner = CommunicationError { code: "InvalidParticipant".into(), message: "inner".into(), ..Default::default() };
    assert_eq!(*service.inner_error.unwrap(), inner);
}

#[tokio::test]
async fn error_without_error_body_has_no_communication_error() {
    let error = send_and_fail(StatusCode::BadGateway, &[], "<html>gateway</html>").await;
    assert!(matches!(error.kind(), ErrorKind::HttpResponse { .. }));
    assert!(error.communication_error().is_none());
}

#[tokio::test]
async fn unauthorized_error_is_readable() {
    let error = send_and_fail(
        StatusCode::Unauthorized,
        &[],
        r#"{"error":{"code":"InvalidAuthenticationToken","message":"Authentication failed"}}"#,
    )
    .await;
    let service = error.communication_error().unwrap();
    assert_eq!(service.code, "InvalidAuthenticationToken");
    assert_eq!(service.message, "Authentication failed");
}
