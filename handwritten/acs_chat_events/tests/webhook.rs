//! The framework-free webhook: handshakes of both schemas, the key, the body bound, the answer
//! once the application handled the events, and parsing edge cases.

use acs_chat_events::{
    parse_delivery, ChatEvent, Delivery, EventSchema, Webhook, WebhookAction, WebhookOptions, WebhookRequest,
};

fn post<'a>(query: Option<&'a str>, content_type: &'a str, body: &'a [u8]) -> WebhookRequest<'a> {
    WebhookRequest { method: "POST", query, headers: vec![("Content-Type", content_type)], body }
}

const MESSAGE: &str = r#"{
  "id": "e1", "source": "/subscriptions/s", "subject": "thread/t/sender/u",
  "type": "Microsoft.Communication.ChatMessageReceivedInThread", "time": "2026-01-01T00:00:00Z",
  "specversion": "1.0",
  "data": { "threadId": "19:t@thread.v2", "messageId": "42", "messageBody": "hi", "version": "7",
            "senderCommunicationIdentifier": { "rawId": "8:acs:r_u", "communicationUser": { "id": "8:acs:r_u" } } }
}"#;

#[test]
fn event_grid_validation_is_answered_with_the_code() {
    let body = br#"[{"id":"v","topic":"t","subject":"","eventType":"Microsoft.EventGrid.SubscriptionValidationEvent",
        "eventTime":"2026-01-01T00:00:00Z","dataVersion":"2","data":{"validationCode":"c0de","validationUrl":"https://x"}}]"#;
    let webhook = Webhook::default();
    let WebhookAction::Respond(response) = webhook.handle(&post(None, "application/json", body)) else {
        panic!("the validation is answered by the webhook")
    };
    assert_eq!(response.status, 200);
    let answer: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(answer, serde_json::json!({ "validationResponse": "c0de" }));
}

#[test]
fn cloud_events_abuse_protection_is_answered() {
    let webhook = Webhook::new(WebhookOptions { allowed_rate: Some(100), ..Default::default() });
    let request = WebhookRequest {
        method: "OPTIONS",
        query: None,
        headers: vec![("WebHook-Request-Origin", "eventgrid.azure.net"), ("WebHook-Request-Rate", "120")],
        body: b"",
    };
    let WebhookAction::Respond(response) = webhook.handle(&request) else { panic!() };
    assert_eq!(response.status, 200);
    let header = |name: &str| response.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    assert_eq!(header("webhook-allowed-origin"), Some("eventgrid.azure.net"));
    assert_eq!(header("webhook-allowed-rate"), Some("100"));

    let only = Webhook::new(WebhookOptions { allowed_origins: vec!["other.example".into()], ..Default::default() });
    let WebhookAction::Respond(refused) = only.handle(&request) else { panic!() };
    assert_eq!(refused.status, 403);
    let no_origin = WebhookRequest { headers: Vec::new(), ..request };
    let WebhookAction::Respond(bad) = webhook.handle(&no_origin) else { panic!() };
    assert_eq!(bad.status, 400);
}

#[test]
fn the_key_is_checked_before_anything_else() {
    let webhook = Webhook::new(WebhookOptions { secret: Some("k3y".into()), ..Default::default() });
    for query in [None, Some("key=wrong"), Some("other=k3y"), Some("key=k3y2")] {
        let WebhookAction::Respond(response) = webhook.handle(&post(query, "application/json", b"[]")) else {
            panic!("{query:?} was accepted")
        };
        assert_eq!(response.status, 401, "{query:?}");
    }
    assert!(matches!(webhook.handle(&post(Some("a=b&key=k3y"), "application/json", b"[]")), WebhookAction::Deliver(_)));
    assert!(!format!("{webhook:?}").contains("k3y"), "the secret is not in Debug");
}

#[test]
fn bodies_over_the_bound_are_refused() {
    let webhook = Webhook::new(WebhookOptions { max_body_bytes: 16, ..Default::default() });
    let WebhookAction::Respond(response) = webhook.handle(&post(None, "application/json", &[b' '; 17])) else {
        panic!()
    };
    assert_eq!(response.status, 413);
}

#[test]
fn other_methods_and_bad_bodies_get_client_errors() {
    let webhook = Webhook::default();
    let get = WebhookRequest { method: "GET", query: None, headers: Vec::new(), body: b"" };
    let WebhookAction::Respond(response) = webhook.handle(&get) else { panic!() };
    assert_eq!(response.status, 405);
    for (content_type, body) in [
        ("text/plain", MESSAGE.as_bytes()),
        ("application/json", b"{not json".as_slice()),
        ("application/json", b"42".as_slice()),
        ("application/json", br#"[{"type":"x"}]"#.as_slice()),
    ] {
        let WebhookAction::Respond(response) = webhook.handle(&post(None, content_type, body)) else {
            panic!("{content_type} {:?} accepted", String::from_utf8_lossy(body))
        };
        assert_eq!(response.status, 400);
        assert!(String::from_utf8_lossy(&response.body).contains("not a chat event delivery"));
    }
}

#[tokio::test]
async fn success_only_after_the_handler_succeeded() {
    let webhook = Webhook::default();
    let request = post(None, "application/cloudevents+json", MESSAGE.as_bytes());
    let ok = webhook.process(&request, |events| async move {
        assert_eq!(events.len(), 1);
        Ok::<(), String>(())
    });
    assert_eq!(ok.await.status, 200);
    let failed = webhook.process(&request, |_| async { Err("database down") }).await;
    assert_eq!(failed.status, 500, "Event Grid retries what the application did not handle");
}

#[test]
fn cloud_events_batches_and_unknown_types() {
    let unknown = r#"{"id":"e2","source":"s","type":"Microsoft.Communication.ChatSomethingNew","specversion":"1.0",
        "data":{"threadId":"19:t@thread.v2","novel":true}}"#;
    let batch = format!("[{MESSAGE},{unknown}]");
    let Delivery::Events(events) =
        parse_delivery(Some("application/cloudevents-batch+json"), batch.as_bytes()).unwrap()
    else {
        panic!()
    };
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| e.schema == EventSchema::CloudEvents));
    let ChatEvent::MessageReceivedInThread(message) = &events[0].event else { panic!("{:?}", events[0]) };
    assert_eq!(message.version, Some(7), "a version sent as a string");
    assert_eq!(message.sender.as_ref().map(|s| s.raw_id()), Some("8:acs:r_u"));
    match &events[1].event {
        ChatEvent::UnknownKind { event_type, data } => {
            assert_eq!(event_type, "Microsoft.Communication.ChatSomethingNew");
            assert_eq!(data["novel"], true);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(events[1].event.thread_id(), Some("19:t@thread.v2"));
    assert_eq!(events[1].event.event_type(), "Microsoft.Communication.ChatSomethingNew");
}
