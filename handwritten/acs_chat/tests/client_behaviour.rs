//! Client-side behaviour over time and across tasks, on a scripted transport (no network): the
//! typing throttle, `watch_messages`, at-most-once sends, and clients shared between tasks.

mod common;

use acs_chat::*;
use acs_common::UnknownIdentifier;
use common::*;
use futures::TryStreamExt;
use std::time::Duration;

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
