//! Request shapes and client-side behaviour, on a scripted transport (no network).

mod common;

use acs_chat::*;
use acs_common::{
    CommunicationCloudEnvironment, MicrosoftTeamsAppIdentifier, MicrosoftTeamsUserIdentifier, PhoneNumberIdentifier,
    TeamsExtensionUserIdentifier, UnknownIdentifier,
};
use azure_core::error::ErrorKind;
use common::*;
use futures::TryStreamExt;
use std::collections::HashMap;
use std::time::Duration;

const CREATED: &str = r#"{"chatThread":{"id":"19:abc@thread.v2","topic":"Lunch","createdOn":"2026-11-25T10:00:00Z",
    "createdByCommunicationIdentifier":{"rawId":"8:acs:r_me","communicationUser":{"id":"8:acs:r_me"}}}}"#;

fn every_kind() -> Vec<CommunicationIdentifier> {
    vec![
        CommunicationIdentifier::from_raw_id("8:acs:resource_user"),
        PhoneNumberIdentifier::new("+14255550123").into(),
        PhoneNumberIdentifier::with_asserted_id("+14255550124", "asserted").into(),
        MicrosoftTeamsUserIdentifier::new("aad-user", CommunicationCloudEnvironment::Public).into(),
        MicrosoftTeamsUserIdentifier::anonymous("visitor").into(),
        MicrosoftTeamsAppIdentifier::new("bot-app", CommunicationCloudEnvironment::Gcch).into(),
        TeamsExtensionUserIdentifier::new("user", "tenant", "resource", CommunicationCloudEnvironment::Dod).into(),
        UnknownIdentifier::new("28:ag08-global:something").into(),
    ]
}

#[tokio::test]
async fn create_thread_sends_one_repeatability_id_across_retries() {
    let mock = Mock::new();
    mock.respond(503, "").respond(503, "").respond(201, CREATED);
    let chat = client(&mock);
    let created = chat.create_chat_thread("Lunch", None).await.unwrap();
    assert_eq!(created.thread.id, THREAD);
    assert_eq!(created.thread.created_by.raw_id(), "8:acs:r_me");
    assert!(created.failed_participants.is_empty());
    let requests = mock.requests();
    assert_eq!(requests.len(), 3);
    let ids: Vec<_> = requests.iter().map(|r| r.header("repeatability-request-id").unwrap().to_owned()).collect();
    assert!(ids.iter().all(|id| id == &ids[0]), "{ids:?}");
    let uuid = azure_core::Uuid::parse_str(&ids[0]).expect("a UUID");
    assert_eq!(uuid.get_version_num(), 4);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path(), "/chat/threads");
    assert_eq!(request.query("api-version").as_deref(), Some(DEFAULT_API_VERSION));
    assert_eq!(request.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    assert_eq!(request.json(), serde_json::json!({"topic": "Lunch", "participants": []}));

    // A second call gets a new id; a given token is sent as is.
    mock.respond(201, CREATED).respond(201, CREATED);
    chat.create_chat_thread("Lunch", None).await.unwrap();
    assert_ne!(mock.last().header("repeatability-request-id").unwrap(), ids[0]);
    let options = CreateChatThreadOptions { idempotency_token: Some("my-token".into()), ..Default::default() };
    chat.create_chat_thread("Lunch", Some(options)).await.unwrap();
    assert_eq!(mock.last().header("repeatability-request-id"), Some("my-token"));
}

#[tokio::test]
async fn create_thread_sends_participants_metadata_and_retention_policy() {
    let mock = Mock::new();
    mock.respond(201, CREATED);
    let chat = client(&mock);
    let options = CreateChatThreadOptions {
        participants: vec![ChatParticipant::new(CommunicationIdentifier::from_raw_id("8:acs:r_jack"))
            .with_display_name("Jack")
            .with_metadata(HashMap::from([("role".into(), "cook".into())]))],
        metadata: Some(HashMap::from([("k".into(), "v".into())])),
        retention_policy: Some(ChatRetentionPolicy::ThreadCreationDate(ThreadCreationDateRetentionPolicy {
            delete_thread_after_days: 30,
        })),
        ..Default::default()
    };
    chat.create_chat_thread("Lunch", Some(options)).await.unwrap();
    assert_eq!(
        mock.last().json(),
        serde_json::json!({
            "topic": "Lunch",
            "participants": [{
                "communicationIdentifier": {"kind": "communicationUser", "rawId": "8:acs:r_jack",
                    "communicationUser": {"id": "8:acs:r_jack"}},
                "displayName": "Jack",
                "metadata": {"role": "cook"}
            }],
            "metadata": {"k": "v"},
            "retentionPolicy": {"kind": "threadCreationDate", "deleteThreadAfterDays": 30}
        })
    );
}

#[tokio::test]
async fn partial_failures_match_participants_of_every_kind() {
    let kinds = every_kind();
    let participants: Vec<ChatParticipant> = kinds
        .iter()
        .enumerate()
        .map(|(i, id)| ChatParticipant::new(id.clone()).with_display_name(format!("p{i}")))
        .collect();
    let errors: Vec<serde_json::Value> = kinds
        .iter()
        .rev()
        .map(|id| serde_json::json!({"code": "403", "message": "refused", "target": id.raw_id()}))
        .chain([serde_json::json!({"code": "400", "message": "who?", "target": "8:acs:r_nobody"})])
        .collect();

    // create_chat_thread
    let mock = Mock::new();
    let mut body: serde_json::Value = serde_json::from_str(CREATED).unwrap();
    body["invalidParticipants"] = serde_json::Value::Array(errors.clone());
    mock.respond(201, body.to_string());
    let options = CreateChatThreadOptions { participants: participants.clone(), ..Default::default() };
    let created = client(&mock).create_chat_thread("Lunch", Some(options)).await.unwrap();
    let sent = mock.last().json();
    for (i, id) in kinds.iter().enumerate() {
        assert_eq!(sent["participants"][i]["communicationIdentifier"]["rawId"], id.raw_id());
        assert_eq!(sent["participants"][i]["communicationIdentifier"]["kind"], id.kind());
    }
    check_failures(&created.failed_participants, &kinds);

    // add_participants
    let mock = Mock::new();
    mock.respond(201, serde_json::json!({ "invalidParticipants": errors }).to_string());
    let thread = client(&mock).chat_thread_client(THREAD).unwrap();
    let failures = thread.add_participants(participants, None).await.unwrap();
    assert_eq!(mock.last().path(), "/chat/threads/19%3Aabc%40thread.v2/participants/:add");
    check_failures(&failures, &kinds);

    // All added: `{}`.
    mock.respond(201, "{}");
    let failures = thread.add_participants(vec![ChatParticipant::new(kinds[0].clone())], None).await.unwrap();
    assert!(failures.is_empty());
}

fn check_failures(failures: &[ParticipantFailure], kinds: &[CommunicationIdentifier]) {
    assert_eq!(failures.len(), kinds.len() + 1);
    for (failure, id) in failures.iter().zip(kinds.iter().rev()) {
        let participant = failure.participant.as_ref().unwrap_or_else(|| panic!("{id} unmatched"));
        assert_eq!(&participant.identifier, id);
        assert_eq!(failure.error.code, "403");
    }
    assert!(failures[kinds.len()].participant.is_none());
    assert_eq!(failures[kinds.len()].error.target.as_deref(), Some("8:acs:r_nobody"));
}

#[tokio::test]
async fn client_parameters_that_cannot_be_right_fail_before_any_request() {
    let mock = Mock::new();
    let chat = client(&mock);
    let is_argument_error = |e: azure_core::Error| {
        assert_eq!(*e.kind(), ErrorKind::Other, "{e}");
        assert!(e.to_string().starts_with("invalid argument"), "{e}");
    };
    // Path segments, headers the client sends itself, counts it converts.
    let blank_token = CreateChatThreadOptions { idempotency_token: Some(" ".into()), ..Default::default() };
    is_argument_error(chat.create_chat_thread("t", Some(blank_token)).await.unwrap_err());
    is_argument_error(chat.delete_chat_thread("", None).await.unwrap_err());
    is_argument_error(chat.chat_thread_client("").unwrap_err());
    is_argument_error(chat.chat_thread_client("  ").unwrap_err());
    let thread = chat.chat_thread_client(THREAD).unwrap();
    is_argument_error(thread.get_message("", None).await.unwrap_err());
    is_argument_error(thread.delete_message("", None).await.unwrap_err());
    is_argument_error(thread.update_message("", None).await.unwrap_err());
    let huge = ListParticipantsOptions { skip: Some(u32::MAX), ..Default::default() };
    is_argument_error(thread.list_participants(Some(huge)).try_next().await.unwrap_err());
    let huge = ListReadReceiptsOptions { max_page_size: Some(u32::MAX), ..Default::default() };
    is_argument_error(thread.list_read_receipts(Some(huge)).try_next().await.unwrap_err());
    assert_eq!(mock.count(), 0);
}

#[tokio::test]
async fn service_parameters_are_left_to_the_service() {
    let mock = Mock::new();
    mock.handle(|_| Reply::status(400, r#"{"error":{"code":"BadRequest","message":"Not valid."}}"#));
    let chat = client(&mock);
    let thread = chat.chat_thread_client(THREAD).unwrap();
    let from_service = |e: azure_core::Error| {
        assert_eq!(e.http_status().map(u16::from), Some(400), "{e}");
        assert_eq!(e.communication_error().map(|c| c.code), Some("BadRequest".to_owned()), "{e}");
    };
    from_service(chat.create_chat_thread("", None).await.unwrap_err());
    from_service(thread.update_topic("", None).await.unwrap_err());
    from_service(thread.send_message("", None).await.unwrap_err());
    let system = SendMessageOptions { message_type: Some(ChatMessageType::TopicUpdated), ..Default::default() };
    from_service(thread.send_message("hi", Some(system)).await.unwrap_err());
    let empty_content = UpdateMessageOptions { content: Some(String::new()), ..Default::default() };
    from_service(thread.update_message("1", Some(empty_content)).await.unwrap_err());
    from_service(thread.send_read_receipt("", None).await.unwrap_err());
    from_service(thread.remove_participant(&UnknownIdentifier::new("").into(), None).await.unwrap_err());
    from_service(thread.add_participants(Vec::new(), None).await.unwrap_err());
    let zero = ListMessagesOptions { max_page_size: Some(0), ..Default::default() };
    from_service(thread.list_messages(Some(zero)).try_next().await.unwrap_err());
    assert_eq!(mock.count(), 9, "every call reached the service");
    assert_eq!(mock.requests()[2].json()["content"], "");
}

#[test]
fn endpoints_must_be_https_except_loopback() {
    let mock = Mock::new();
    for bad in ["http://contoso.communication.azure.com", "contoso.communication.azure.com", "", "ftp://x.y/"] {
        let error = ChatClient::new(bad, credential(), Some(options(&mock))).unwrap_err();
        assert!(error.to_string().contains("endpoint"), "{bad}: {error}");
    }
    for good in
        ["https://contoso.communication.azure.com", "http://localhost:8080", "http://127.0.0.1:1/", "http://[::1]:2"]
    {
        let chat = ChatClient::new(good, credential(), Some(options(&mock))).unwrap();
        assert!(chat.endpoint().as_str().starts_with(good.trim_end_matches('/')), "{good}");
    }
    let thread = ChatThreadClient::new(ENDPOINT, credential(), THREAD, Some(options(&mock))).unwrap();
    assert_eq!(thread.thread_id(), THREAD);
    assert!(ChatThreadClient::new("http://example.com", credential(), THREAD, None).is_err());
    let empty_version = ChatClientOptions { api_version: Some(String::new()), ..options(&mock) };
    assert!(ChatClient::new(ENDPOINT, credential(), Some(empty_version)).is_err());
}

#[tokio::test]
async fn debug_output_has_no_token() {
    let mock = Mock::new();
    let chat = client(&mock);
    let thread = chat.chat_thread_client(THREAD).unwrap();
    let text = format!("{chat:?} {thread:?} {:?}", thread.list_messages(None));
    assert!(!text.contains(TOKEN), "{text}");
    assert!(text.contains("contoso"));
}

#[tokio::test]
async fn api_version_override_is_sent() {
    let mock = Mock::new();
    mock.respond(200, r#"{"value":[]}"#);
    let options = ChatClientOptions { api_version: Some("2024-03-07".into()), ..options(&mock) };
    let chat = ChatClient::new(ENDPOINT, credential(), Some(options)).unwrap();
    assert_eq!(chat.api_version(), "2024-03-07");
    let threads: Vec<ChatThreadItem> = chat.list_chat_threads(None).try_collect().await.unwrap();
    assert!(threads.is_empty());
    assert_eq!(mock.last().query("api-version").as_deref(), Some("2024-03-07"));
}

#[tokio::test]
async fn messages_are_sent_read_updated_and_deleted_with_the_wire_shapes() {
    let mock = Mock::new();
    let thread = client(&mock).chat_thread_client(THREAD).unwrap();

    mock.respond(201, r#"{"id":"1700000000001"}"#);
    let options = SendMessageOptions {
        message_type: Some(ChatMessageType::Html),
        sender_display_name: Some("Jack".into()),
        metadata: Some(HashMap::from([("k".into(), "v".into())])),
        ..Default::default()
    };
    let sent = thread.send_message("<b>hi</b>", Some(options)).await.unwrap();
    assert_eq!(sent.id, "1700000000001");
    let request = mock.last();
    assert_eq!(
        (request.method.as_str(), request.path().as_str()),
        ("POST", "/chat/threads/19%3Aabc%40thread.v2/messages")
    );
    assert_eq!(
        request.json(),
        serde_json::json!({"content": "<b>hi</b>", "senderDisplayName": "Jack", "type": "html", "metadata": {"k": "v"}})
    );

    let message = r#"{"id":"5","type":"participantAdded","sequenceId":"5","version":"7","createdOn":"2026-11-25T10:00:00.1234567Z",
        "editedOn":"2026-11-25T10:01:00Z","metadata":{"a":"b"},
        "content":{"participants":[{"communicationIdentifier":{"rawId":"4:+1555","phoneNumber":{"value":"+1555"}},"displayName":"Phone"}],
            "attachments":[{"id":"a1","attachmentType":"image","name":"cat.png","url":"https://x/y"},{"id":"a2","attachmentType":"video"}],
            "initiatorCommunicationIdentifier":{"rawId":"8:orgid:u","microsoftTeamsUser":{"userId":"u"}}}}"#;
    mock.respond(200, message);
    let message = thread.get_message("5", None).await.unwrap();
    assert_eq!(mock.last().path(), "/chat/threads/19%3Aabc%40thread.v2/messages/5");
    assert_eq!(message.kind, ChatMessageType::ParticipantAdded);
    assert_eq!(message.created_on.nanosecond(), 123_456_700);
    assert!(message.edited_on.is_some() && message.deleted_on.is_none() && message.sender.is_none());
    assert_eq!(message.metadata.get("a").map(String::as_str), Some("b"));
    let content = message.content.as_ref().unwrap();
    assert_eq!(content.participants[0].identifier, PhoneNumberIdentifier::new("+1555").into());
    assert_eq!(content.attachments[0].attachment_type, ChatAttachmentType::Image);
    assert_eq!(content.attachments[1].attachment_type, ChatAttachmentType::UnknownValue("video".into()));
    assert!(matches!(content.initiator, Some(CommunicationIdentifier::MicrosoftTeamsUser(_))));

    mock.respond(204, "");
    let update = UpdateMessageOptions { content: Some("edited".into()), ..Default::default() };
    thread.update_message("5", Some(update)).await.unwrap();
    let request = mock.last();
    assert_eq!(request.method, "PATCH");
    assert_eq!(request.header("content-type"), Some("application/merge-patch+json"));
    assert_eq!(request.json(), serde_json::json!({"content": "edited"}));

    mock.respond(204, "");
    thread.delete_message("5", None).await.unwrap();
    assert_eq!(mock.last().method, "DELETE");

    mock.respond(200, "");
    thread.send_read_receipt("5", None).await.unwrap();
    assert_eq!(mock.last().json(), serde_json::json!({"chatMessageId": "5"}));
    assert_eq!(mock.last().path(), "/chat/threads/19%3Aabc%40thread.v2/readReceipts");
}

#[tokio::test]
async fn thread_properties_round_trip() {
    let mock = Mock::new();
    let thread = client(&mock).chat_thread_client(THREAD).unwrap();
    mock.respond(
        200,
        r#"{"id":"19:abc@thread.v2","topic":"T","createdOn":"2026-11-25T10:00:00Z",
            "createdByCommunicationIdentifier":{"rawId":"28:gcch:bot","microsoftTeamsApp":{"appId":"bot","cloud":"gcch"}},
            "metadata":{"a":"b"},"retentionPolicy":{"kind":"none"}}"#,
    );
    let properties = thread.get_properties(None).await.unwrap();
    assert_eq!(properties.topic, "T");
    assert_eq!(
        properties.created_by,
        MicrosoftTeamsAppIdentifier::new("bot", CommunicationCloudEnvironment::Gcch).into()
    );
    assert_eq!(properties.retention_policy, Some(ChatRetentionPolicy::None(NoneRetentionPolicy {})));

    mock.respond(204, "");
    thread.update_topic("New", None).await.unwrap();
    assert_eq!(mock.last().json(), serde_json::json!({"topic": "New"}));
    assert_eq!(mock.last().method, "PATCH");

    mock.respond(204, "");
    let options = UpdatePropertiesOptions {
        metadata: Some(HashMap::from([("x".into(), "y".into())])),
        retention_policy: Some(ChatRetentionPolicy::ThreadCreationDate(ThreadCreationDateRetentionPolicy {
            delete_thread_after_days: 7,
        })),
        ..Default::default()
    };
    thread.update_properties(Some(options)).await.unwrap();
    assert_eq!(
        mock.last().json(),
        serde_json::json!({"metadata": {"x": "y"}, "retentionPolicy": {"kind": "threadCreationDate", "deleteThreadAfterDays": 7}})
    );

    mock.respond(204, "");
    thread.remove_participant(&PhoneNumberIdentifier::new("+14255550123").into(), None).await.unwrap();
    let request = mock.last();
    assert_eq!(request.path(), "/chat/threads/19%3Aabc%40thread.v2/participants/:remove");
    assert_eq!(
        request.json(),
        serde_json::json!({"kind": "phoneNumber", "rawId": "4:+14255550123", "phoneNumber": {"value": "+14255550123"}})
    );
}

fn page(ids: &[&str], next: Option<&str>) -> String {
    let items: Vec<String> = ids.iter().map(|id| message_json(id, id, "2026-11-25T10:00:00Z", "")).collect();
    match next {
        Some(next) => format!(r#"{{"value":[{}],"nextLink":"{next}"}}"#, items.join(",")),
        None => format!(r#"{{"value":[{}]}}"#, items.join(",")),
    }
}

#[tokio::test]
async fn lists_follow_next_links_lazily_and_resume_from_continuations() {
    let mock = Mock::new();
    let thread = client(&mock).chat_thread_client(THREAD).unwrap();
    let next = "https://contoso.communication.azure.com/chat/threads/19%3Aabc%40thread.v2/messages?syncState=s2&maxPageSize=2&api-version=2025-03-15";
    mock.respond(200, page(&["4", "3"], Some(next))).respond(200, page(&["2", "1"], None));
    let start = time::macros::datetime!(2026-01-01 0:00 UTC);
    let options = ListMessagesOptions { max_page_size: Some(2), start_time: Some(start), ..Default::default() };
    let mut messages = thread.list_messages(Some(options));
    assert_eq!(mock.count(), 0, "nothing is requested before the stream is polled");
    assert_eq!(messages.try_next().await.unwrap().unwrap().id, "4");
    assert_eq!(mock.count(), 1);
    let first = mock.last();
    assert_eq!(first.query("maxPageSize").as_deref(), Some("2"));
    assert_eq!(first.query("startTime").as_deref(), Some("2026-01-01T00:00:00Z"));
    let rest: Vec<ChatMessage> = messages.try_collect().await.unwrap();
    assert_eq!(rest.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["3", "2", "1"]);
    assert_eq!(mock.count(), 2);
    assert_eq!(mock.last().query("syncState").as_deref(), Some("s2"));

    // Pages, with their continuations; then resume from the first page's continuation.
    mock.respond(200, page(&["4", "3"], Some(next))).respond(200, page(&["2", "1"], None));
    let pages: Vec<ChatPage<ChatMessage>> = thread.list_messages(None).into_pages().try_collect().await.unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].continuation.as_deref(), Some(next));
    assert_eq!(pages[1].continuation, None);
    mock.respond(200, page(&["2", "1"], None));
    let resumed = ListMessagesOptions { continuation: pages[0].continuation.clone(), ..Default::default() };
    let resumed: Vec<ChatMessage> = thread.list_messages(Some(resumed)).try_collect().await.unwrap();
    assert_eq!(resumed.len(), 2);
    assert_eq!(mock.last().query("syncState").as_deref(), Some("s2"));

    // A relative nextLink resolves against the endpoint.
    mock.respond(200, r#"{"value":[{"id":"19:t@thread.v2","topic":"T"}],"nextLink":"/chat/threads?syncState=x"}"#);
    mock.respond(200, r#"{"value":[]}"#);
    let chat = client(&mock);
    let pages: Vec<ChatPage<ChatThreadItem>> = chat.list_chat_threads(None).into_pages().try_collect().await.unwrap();
    assert_eq!(
        pages[0].continuation.as_deref(),
        Some("https://contoso.communication.azure.com/chat/threads?syncState=x")
    );
    assert_eq!(mock.last().url.split('?').next(), Some("https://contoso.communication.azure.com/chat/threads"));

    // Participants and read receipts send skip.
    mock.respond(
        200,
        r#"{"value":[{"communicationIdentifier":{"rawId":"8:acs:r_a","communicationUser":{"id":"8:acs:r_a"}}}]}"#,
    );
    let options = ListParticipantsOptions { max_page_size: Some(1), skip: Some(3), ..Default::default() };
    let participants: Vec<ChatParticipant> = thread.list_participants(Some(options)).try_collect().await.unwrap();
    assert_eq!(participants[0].identifier.raw_id(), "8:acs:r_a");
    assert_eq!(mock.last().query("skip").as_deref(), Some("3"));
    mock.respond(
        200,
        r#"{"value":[{"senderCommunicationIdentifier":{"rawId":"8:acs:r_a","communicationUser":{"id":"8:acs:r_a"}},"chatMessageId":"9","readOn":"2026-11-25T10:00:00Z"}]}"#,
    );
    let options = ListReadReceiptsOptions { skip: Some(0), ..Default::default() };
    let receipts: Vec<ChatMessageReadReceipt> = thread.list_read_receipts(Some(options)).try_collect().await.unwrap();
    assert_eq!(receipts[0].chat_message_id, "9");
    assert_eq!(mock.last().query("skip").as_deref(), Some("0"));
}

#[tokio::test]
async fn service_errors_expose_status_and_communication_error() {
    let mock = Mock::new();
    let thread = client(&mock).chat_thread_client(THREAD).unwrap();
    for status in [401u16, 403, 404, 429, 503] {
        let body = format!(r#"{{"error":{{"code":"Code{status}","message":"Message {status}","target":"t"}}}}"#);
        // 429 and 503 are retried by the pipeline (3 retries here): answer every try.
        let tries = if matches!(status, 429 | 503) { 4 } else { 1 };
        let before = mock.count();
        for _ in 0..tries {
            mock.respond(status, body.clone());
        }
        let error = thread.get_properties(None).await.unwrap_err();
        assert_eq!(error.http_status().map(u16::from), Some(status));
        let service = error.communication_error().expect("communication error");
        assert_eq!(service.code, format!("Code{status}"));
        assert_eq!(service.message, format!("Message {status}"));
        assert!(!error.to_string().contains(TOKEN));
        assert_eq!(mock.count() - before, tries);
    }
    // Lists yield the error.
    mock.respond(404, r#"{"error":{"code":"NotFound","message":"gone"}}"#);
    let error = thread.list_messages(None).try_next().await.unwrap_err();
    assert_eq!(error.http_status().map(u16::from), Some(404));
}

#[tokio::test(start_paused = true)]
async fn typing_notifications_are_throttled_for_eight_seconds() {
    let mock = Mock::new();
    let thread = client(&mock).chat_thread_client(THREAD).unwrap();
    mock.handle(|_| Reply::status(200, Vec::new()));

    assert!(thread.send_typing_notification(None).await.unwrap());
    assert_eq!(mock.count(), 1);
    assert_eq!(mock.last().json(), serde_json::json!({}));
    assert_eq!(mock.last().path(), "/chat/threads/19%3Aabc%40thread.v2/typing");

    // Within 8 s: nothing is sent; a clone shares the throttle.
    tokio::time::advance(Duration::from_secs(7)).await;
    assert!(!thread.send_typing_notification(None).await.unwrap());
    assert!(!thread.clone().send_typing_notification(None).await.unwrap());
    assert_eq!(mock.count(), 1);

    // Unless told to ignore the throttle.
    let force = SendTypingNotificationOptions {
        ignore_throttle: true,
        sender_display_name: Some("Jack".into()),
        ..Default::default()
    };
    assert!(thread.send_typing_notification(Some(force)).await.unwrap());
    assert_eq!(mock.count(), 2);
    assert_eq!(mock.last().json(), serde_json::json!({"senderDisplayName": "Jack"}));

    // 8 s after the last one sent.
    tokio::time::advance(Duration::from_secs(7)).await;
    assert!(!thread.send_typing_notification(None).await.unwrap());
    tokio::time::advance(Duration::from_secs(1)).await;
    assert!(thread.send_typing_notification(None).await.unwrap());
    assert_eq!(mock.count(), 3);

    // Sending a message resets the throttle.
    mock.respond(201, r#"{"id":"1"}"#);
    thread.send_message("hi", None).await.unwrap();
    assert!(thread.send_typing_notification(None).await.unwrap());
    assert_eq!(mock.count(), 5);

    // Another thread client has its own throttle.
    let other = client(&mock).chat_thread_client(THREAD).unwrap();
    assert!(other.send_typing_notification(None).await.unwrap());
}

#[tokio::test(start_paused = true)]
async fn a_failed_typing_notification_does_not_count() {
    let mock = Mock::new();
    let thread = client(&mock).chat_thread_client(THREAD).unwrap();
    mock.respond(400, r#"{"error":{"code":"BadRequest","message":"no"}}"#);
    assert!(thread.send_typing_notification(None).await.is_err());
    mock.respond(200, "");
    assert!(thread.send_typing_notification(None).await.unwrap());
    assert!(!thread.send_typing_notification(None).await.unwrap());
}

#[tokio::test(start_paused = true)]
async fn watch_backs_off_on_transient_errors_and_ends_on_others() {
    use futures::StreamExt;
    let mock = Mock::new();
    let thread = client(&mock).chat_thread_client(THREAD).unwrap();
    let now = time::OffsetDateTime::now_utc();
    let at = |secs: i64| {
        (now + time::Duration::seconds(secs)).format(&time::format_description::well_known::Rfc3339).unwrap()
    };
    let m1 = message_json("1", "1", &at(-5), "");
    let m2 = message_json("2", "2", &at(1), "");
    // Poll 1 (baseline) sees message 1; poll 2 fails with 503 on every try; poll 3 sees 2;
    // poll 4 is refused with 403, which ends the stream.
    mock.respond(200, format!(r#"{{"value":[{m1}]}}"#));
    for _ in 0..4 {
        mock.respond(503, r#"{"error":{"code":"ServiceUnavailable","message":"busy"}}"#);
    }
    mock.respond(200, format!(r#"{{"value":[{m2},{m1}]}}"#));
    mock.respond(403, r#"{"error":{"code":"Forbidden","message":"not a participant"}}"#);
    let options = WatchMessagesOptions { poll_interval: Duration::from_secs(1), ..Default::default() };
    let mut events = thread.watch_messages(Some(options));
    assert_eq!(mock.count(), 0, "nothing happens before the stream is polled");
    let first = events.next().await.unwrap().unwrap();
    assert!(matches!(&first, ChatThreadEvent::MessageReceived(m) if m.id == "2"), "{first:?}");
    assert_eq!(mock.count(), 6);
    let start = mock.requests()[0].query("startTime").unwrap();
    let start = time::OffsetDateTime::parse(&start, &time::format_description::well_known::Rfc3339).unwrap();
    assert!((now - start - time::Duration::seconds(120)).abs() < time::Duration::seconds(5), "{start}");
    let error = events.next().await.unwrap().unwrap_err();
    assert_eq!(error.http_status().map(u16::from), Some(403));
    assert!(events.next().await.is_none());
    assert_eq!(mock.count(), 7);
}

#[tokio::test(start_paused = true)]
async fn watch_gives_up_after_the_configured_failures_and_stops_when_dropped() {
    use futures::StreamExt;
    let mock = Mock::new();
    let thread = client(&mock).chat_thread_client(THREAD).unwrap();
    mock.handle(|_| Reply::status(503, r#"{"error":{"code":"ServiceUnavailable","message":"busy"}}"#));
    let options = WatchMessagesOptions { max_consecutive_failures: Some(2), ..Default::default() };
    let mut events = thread.watch_messages(Some(options));
    let error = events.next().await.unwrap().unwrap_err();
    assert_eq!(error.http_status().map(u16::from), Some(503));
    assert!(events.next().await.is_none());
    assert_eq!(mock.count(), 8, "two polls of four tries each");

    // A dropped watch leaves nothing running.
    mock.handle(|_| Reply::status(200, r#"{"value":[]}"#));
    let mut events = thread.watch_messages(None);
    let poll = tokio::time::timeout(Duration::from_secs(5), events.next()).await;
    assert!(poll.is_err(), "no events in an empty thread");
    let count = mock.count();
    assert!(count > 8);
    drop(events);
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert_eq!(mock.count(), count);
}

#[tokio::test]
async fn clients_futures_and_streams_can_move_across_tasks() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(value: T) -> T {
        value
    }
    let mock = Mock::new();
    mock.handle(|_| Reply::status(200, r#"{"value":[]}"#));
    let chat = client(&mock);
    let thread = chat.chat_thread_client(THREAD).unwrap();
    send_sync(&chat);
    send_sync(&thread);
    // Every operation's future is Send, so it can be spawned.
    drop(send(chat.create_chat_thread("t", None)));
    drop(send(chat.delete_chat_thread(THREAD, None)));
    drop(send(thread.get_properties(None)));
    drop(send(thread.update_topic("t", None)));
    drop(send(thread.update_properties(None)));
    drop(send(thread.send_message("m", None)));
    drop(send(thread.get_message("1", None)));
    drop(send(thread.update_message("1", None)));
    drop(send(thread.delete_message("1", None)));
    drop(send(thread.add_participants(Vec::new(), None)));
    drop(send(thread.remove_participant(&UnknownIdentifier::new("x").into(), None)));
    drop(send(thread.send_read_receipt("1", None)));
    drop(send(thread.send_typing_notification(None)));
    drop(send(chat.list_chat_threads(None).into_pages()));
    drop(send(thread.list_participants(None)));
    drop(send(thread.list_read_receipts(None)));
    drop(send(thread.watch_messages(None)));
    let listed = tokio::spawn(async move { thread.list_messages(None).try_collect::<Vec<_>>().await }).await.unwrap();
    assert!(listed.unwrap().is_empty());
}

#[tokio::test]
async fn a_zero_poll_interval_is_refused_before_any_request() {
    use futures::StreamExt;
    let mock = Mock::new();
    let thread = client(&mock).chat_thread_client(THREAD).unwrap();
    let options = WatchMessagesOptions { poll_interval: Duration::ZERO, ..Default::default() };
    let mut events = thread.watch_messages(Some(options));
    let error = events.next().await.unwrap().unwrap_err();
    assert!(error.to_string().contains("poll_interval"), "{error}");
    assert!(events.next().await.is_none());
    assert_eq!(mock.count(), 0);
}

mod at_most_once {
    use super::*;
    use acs_common::ErrorExt;
    use azure_core::error::ErrorKind;

    fn lost() -> Reply {
        Reply::Fail(ErrorKind::Io, "connection reset after the request was sent")
    }

    fn now() -> String {
        time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap()
    }

    #[tokio::test]
    async fn a_send_whose_answer_is_lost_is_not_repeated_without_a_client_message_id() {
        let mock = Mock::new();
        mock.push(lost());
        let thread = client(&mock).chat_thread_client(THREAD).unwrap();
        let error = thread.send_message("hello", None).await.unwrap_err();
        assert!(error.is_outcome_unknown(), "{error}");
        assert_eq!(mock.count(), 1, "the POST was not sent again");
    }

    #[tokio::test]
    async fn a_client_message_id_finds_the_stored_message_instead_of_sending_twice() {
        let mock = Mock::new();
        mock.push(lost());
        let stored = message_json("42", "1", &now(), r#","metadata":{"acsClientMessageId":"order-7"}"#);
        mock.respond(200, format!(r#"{{"value":[{stored}]}}"#));
        let thread = client(&mock).chat_thread_client(THREAD).unwrap();
        let options = SendMessageOptions { client_message_id: Some("order-7".into()), ..Default::default() };
        let sent = thread.send_message("hello", Some(options)).await.unwrap();
        assert_eq!(sent.id, "42");
        let requests = mock.requests();
        assert_eq!(requests.iter().filter(|r| r.method == "POST").count(), 1);
        assert_eq!(requests[0].json()["metadata"]["acsClientMessageId"], "order-7");
        assert_eq!(requests[1].method, "GET");
        assert!(requests[1].query("startTime").is_some(), "the search starts before the first try");
    }

    #[tokio::test]
    async fn a_client_message_id_sends_again_when_the_message_was_not_stored() {
        let mock = Mock::new();
        mock.push(lost());
        let other = message_json("41", "1", &now(), r#","metadata":{"acsClientMessageId":"someone-else"}"#);
        mock.respond(200, format!(r#"{{"value":[{other}]}}"#));
        mock.respond(201, r#"{"id":"43"}"#);
        let thread = client(&mock).chat_thread_client(THREAD).unwrap();
        let options = SendMessageOptions { client_message_id: Some("order-8".into()), ..Default::default() };
        assert_eq!(thread.send_message("hello", Some(options)).await.unwrap().id, "43");
        let methods: Vec<_> = mock.requests().iter().map(|r| r.method.clone()).collect();
        assert_eq!(methods, ["POST", "GET", "POST"]);
    }

    #[tokio::test]
    async fn a_removal_whose_answer_was_lost_succeeds_when_the_participant_is_gone() {
        let mock = Mock::new();
        mock.push(lost());
        mock.respond(404, r#"{"error":{"code":"NotFound","message":"Participant not found."}}"#);
        let thread = client(&mock).chat_thread_client(THREAD).unwrap();
        let who = acs_common::CommunicationIdentifier::from_raw_id("8:acs:r_gone");
        thread.remove_participant(&who, None).await.unwrap();
        assert_eq!(mock.count(), 2);
        // Without a lost answer first, a 404 is the service's answer.
        mock.respond(404, r#"{"error":{"code":"NotFound","message":"Participant not found."}}"#);
        let error = thread.remove_participant(&who, None).await.unwrap_err();
        assert_eq!(error.http_status().map(u16::from), Some(404));
    }

    #[tokio::test]
    async fn a_500_after_a_send_is_an_unknown_outcome_but_503_is_retried() {
        let mock = Mock::new();
        mock.respond(503, "");
        mock.respond(201, r#"{"id":"1"}"#);
        let thread = client(&mock).chat_thread_client(THREAD).unwrap();
        thread.send_message("a", None).await.unwrap();
        assert_eq!(mock.count(), 2, "a 503 means not processed: retried");
        mock.respond(500, r#"{"error":{"code":"InternalError","message":"boom"}}"#);
        let error = thread.send_message("b", None).await.unwrap_err();
        assert!(error.is_outcome_unknown(), "{error}");
        assert_eq!(mock.count(), 3);
    }
}

#[tokio::test]
async fn thread_clients_of_one_chat_client_share_the_typing_throttle_and_name_this_crate() {
    let mock = Mock::new();
    mock.handle(|_| Reply::status(200, Vec::new()));
    let chat = client(&mock);
    assert!(chat.chat_thread_client(THREAD).unwrap().send_typing_notification(None).await.unwrap());
    // A fresh thread client for the same thread, as a server making one per request would.
    assert!(!chat.chat_thread_client(THREAD).unwrap().send_typing_notification(None).await.unwrap());
    assert!(chat.chat_thread_client("19:other@thread.v2").unwrap().send_typing_notification(None).await.unwrap());
    assert_eq!(mock.count(), 2);
    let agent = mock.last().header("user-agent").unwrap().to_owned();
    assert!(agent.starts_with("azsdk-rust-acs_chat/"), "{agent}");
}
