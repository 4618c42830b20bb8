//! Email `2025-09-01` send, through the generated client: a poller that follows the
//! `Operation-Location` monitor to `Succeeded`, and surfaces the error of a `Failed` send.

use acs_rest_core::{ErrorExt, FailureKind};
use acs_test_support::{no_auth, MockTransport, Reply};
use corpus_email_rest::models::{EmailMessage, EmailSendStatus};
use corpus_email_rest::{EmailClient, EmailClientOptions};
use futures::StreamExt;

fn client(mock: &std::sync::Arc<MockTransport>) -> EmailClient {
    let options = EmailClientOptions { client_options: mock.client_options(), ..Default::default() };
    EmailClient::new("https://contoso.communication.azure.com", no_auth(), Some(options)).unwrap()
}

fn message() -> azure_core::http::RequestContent<EmailMessage> {
    let message: EmailMessage = serde_json::from_value(serde_json::json!({
        "senderAddress": "donotreply@contoso.com",
        "content": { "subject": "Hello", "plainText": "Hi there" },
        "recipients": { "to": [{ "address": "ada@example.com", "displayName": "Ada" }] }
    }))
    .unwrap();
    message.try_into().unwrap()
}

fn accepted(status: &str) -> Reply {
    Reply::with_headers(
        202,
        &[
            ("operation-location", "https://contoso.communication.azure.com/emails/operations/op-1?api-version=2025-09-01"),
            ("retry-after", "0"),
        ],
        format!(r#"{{"id":"op-1","status":"{status}"}}"#),
    )
}

#[tokio::test]
async fn send_polls_through_running_to_succeeded() {
    let mock = MockTransport::new();
    mock.push(accepted("NotStarted"));
    mock.push(Reply::with_headers(200, &[("retry-after", "0")], r#"{"id":"op-1","status":"Running"}"#));
    mock.respond(200, r#"{"id":"op-1","status":"Succeeded"}"#);
    let mut poller = client(&mock).email().begin_send(message(), None).unwrap();
    let mut statuses = Vec::new();
    while let Some(response) = poller.next().await {
        statuses.push(response.unwrap().into_model().unwrap().status);
    }
    assert_eq!(statuses, [EmailSendStatus::NotStarted, EmailSendStatus::Running, EmailSendStatus::Succeeded]);
    let requests = mock.requests();
    assert_eq!((requests[0].method.as_str(), requests[0].path().as_str()), ("POST", "/emails:send"));
    assert_eq!(requests[0].json()["senderAddress"], "donotreply@contoso.com");
    for poll in &requests[1..] {
        assert_eq!((poll.method.as_str(), poll.path().as_str()), ("GET", "/emails/operations/op-1"));
    }
}

#[tokio::test]
async fn awaiting_the_poller_gives_the_final_result() {
    let mock = MockTransport::new();
    mock.push(accepted("Running"));
    mock.respond(200, r#"{"id":"op-1","status":"Succeeded"}"#);
    let result = client(&mock).email().begin_send(message(), None).unwrap().await.unwrap().into_model().unwrap();
    assert_eq!((result.id.as_str(), result.status), ("op-1", EmailSendStatus::Succeeded));
}

#[tokio::test]
async fn a_failed_send_surfaces_its_error() {
    let mock = MockTransport::new();
    mock.push(accepted("Running"));
    mock.respond(
        200,
        r#"{"id":"op-1","status":"Failed","error":{"code":"InvalidRecipient","message":"The recipient domain does not exist."}}"#,
    );
    let error = client(&mock).email().begin_send(message(), None).unwrap().await.unwrap_err();
    assert_eq!(error.failure().map(|f| f.kind()), Some(FailureKind::OperationFailed));
    let text = error.to_string();
    assert!(text.contains("InvalidRecipient") && text.contains("does not exist"), "{text}");
}
