//! Request shapes and client-side checks, on a scripted transport (no network).

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
