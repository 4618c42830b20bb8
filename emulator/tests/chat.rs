//! Chat API: auth, authorization, threads, messages, participants, receipts, validation.

mod common;

use common::*;
use serde_json::{json, Value};
use std::collections::HashSet;
use time::OffsetDateTime;

fn participant(raw_id: &str) -> Value {
    json!({"communicationIdentifier": {"rawId": raw_id, "communicationUser": {"id": raw_id}}})
}

#[tokio::test]
async fn bearer_failures_are_401() {
    let ctx = Ctx::start().await;
    let alice = ctx.user();
    let path = with_version("/chat/threads", CHAT_VERSION);
    // No Authorization header.
    let resp = send(ctx.addr(), "GET", &path, &[], b"").await.unwrap().expect(401);
    assert_eq!(resp.error_code(), "Unauthorized");
    // Malformed, forged, other schemes.
    for token in ["", "abc", "a.b", "a.b.c", "a.b.c.d"] {
        ctx.chat("GET", "/chat/threads", token, None).await.expect(401);
    }
    let mut parts: Vec<String> = alice.token.split('.').map(str::to_owned).collect();
    parts[2] = "AAAA".to_owned();
    ctx.chat("GET", "/chat/threads", &parts.join("."), None).await.expect(401);
    // A token of another emulator (another signing secret).
    let other = acs_emulator::Emulator::start().await.unwrap();
    let foreign = other.create_user_and_token().unwrap();
    ctx.chat("GET", "/chat/threads", &foreign.token, None).await.expect(401);
    let headers = vec![("authorization", format!("Basic {}", alice.token))];
    send(ctx.addr(), "GET", &path, &headers, b"").await.unwrap().expect(401);
    // Expired.
    let expired = ctx
        .emu
        .issue_token_expiring_at(&alice.user_id, &["chat"], OffsetDateTime::now_utc() - time::Duration::seconds(1))
        .unwrap();
    let resp = ctx.chat("GET", "/chat/threads", &expired.token, None).await.expect(401);
    assert!(resp.json()["error"]["message"].as_str().unwrap().contains("expired"));
    // Revoked.
    ctx.emu.revoke_tokens(&alice.user_id).unwrap();
    let resp = ctx.chat("GET", "/chat/threads", &alice.token, None).await.expect(401);
    assert!(resp.json()["error"]["message"].as_str().unwrap().contains("revoked"));
    // A token without the chat scope is a 403.
    let voip = ctx.emu.issue_token(&alice.user_id, &["voip"], std::time::Duration::from_secs(600)).unwrap();
    ctx.chat("GET", "/chat/threads", &voip.token, None).await.expect(403);
}

#[tokio::test]
async fn api_versions_and_unknown_routes() {
    let ctx = Ctx::start().await;
    let alice = ctx.user();
    for version in acs_emulator::CHAT_API_VERSIONS {
        ctx.chat("GET", &format!("/chat/threads?api-version={version}"), &alice.token, None).await.expect(200);
    }
    let resp = ctx.chat("GET", "/chat/threads?api-version=2020-01-01", &alice.token, None).await.expect(400);
    assert_eq!(resp.error_code(), "UnsupportedApiVersion");
    let resp = send(ctx.addr(), "GET", "/chat/threads", &[("authorization", format!("Bearer {}", alice.token))], b"")
        .await
        .unwrap()
        .expect(400);
    assert_eq!(resp.error_code(), "MissingApiVersionParameter");
    assert_eq!(ctx.chat("GET", "/chat/nothing", &alice.token, None).await.expect(404).error_code(), "NotFound");
    ctx.chat("PUT", "/chat/threads", &alice.token, None).await.expect(405).error_code();
    ctx.chat("GET", "/", &alice.token, None).await.expect(404).error_code();
}

#[tokio::test]
async fn thread_lifecycle_and_creator_is_participant() {
    let ctx = Ctx::start().await;
    let (alice, bob) = (ctx.user(), ctx.user());
    // Alice leaves herself out: the service adds the creator.
    let body = json!({
        "topic": "Lunch",
        "participants": [participant(&bob.user_id)],
        "metadata": {"k": "v"},
        "retentionPolicy": {"kind": "threadCreationDate", "deleteThreadAfterDays": 30}
    });
    let resp = ctx.chat("POST", "/chat/threads", &alice.token, Some(body)).await.expect(201);
    let created = resp.json();
    let id = created["chatThread"]["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("19:") && id.ends_with("@thread.v2"));
    assert!(created.get("invalidParticipants").is_none(), "{created}");
    assert!(resp.header("location").unwrap().ends_with(&format!("/chat/threads/{}", enc(&id))));
    let thread = &created["chatThread"];
    assert_eq!(thread["topic"], "Lunch");
    assert_eq!(thread["createdByCommunicationIdentifier"]["rawId"], alice.user_id.as_str());
    assert_eq!(thread["createdByCommunicationIdentifier"]["kind"], "communicationUser");
    assert_eq!(thread["createdByCommunicationIdentifier"]["communicationUser"]["id"], alice.user_id.as_str());
    assert_eq!(thread["retentionPolicy"]["deleteThreadAfterDays"], 30);

    let members = ctx.chat("GET", &format!("/chat/threads/{}/participants", enc(&id)), &alice.token, None).await;
    let members: HashSet<String> = members.expect(200).json()["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["communicationIdentifier"]["rawId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(members, HashSet::from([alice.user_id.clone(), bob.user_id.clone()]));

    // Get, update topic / metadata / retention, then get again.
    let got = ctx.chat("GET", &format!("/chat/threads/{}", enc(&id)), &bob.token, None).await.expect(200).json();
    assert_eq!(got["id"], id.as_str());
    let patch = json!({"topic": "Dinner", "metadata": {"a": "b"}, "retentionPolicy": {"kind": "none"}});
    ctx.chat("PATCH", &format!("/chat/threads/{}", enc(&id)), &bob.token, Some(patch)).await.expect(204);
    let got = ctx.chat("GET", &format!("/chat/threads/{}", enc(&id)), &alice.token, None).await.expect(200).json();
    assert_eq!(got["topic"], "Dinner");
    assert_eq!(got["metadata"], json!({"a": "b"}));
    assert_eq!(got["retentionPolicy"], json!({"kind": "none"}));
    // An empty patch changes nothing.
    ctx.chat("PATCH", &format!("/chat/threads/{}", enc(&id)), &bob.token, Some(json!({}))).await.expect(204);

    // System messages: participantAdded, topicUpdated (creation), topicUpdated (update).
    let messages =
        ctx.chat("GET", &format!("/chat/threads/{}/messages", enc(&id)), &alice.token, None).await.expect(200).json();
    let kinds: Vec<&str> = messages["value"].as_array().unwrap().iter().map(|m| m["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["topicUpdated", "topicUpdated", "participantAdded"]);
    assert_eq!(messages["value"][0]["content"]["topic"], "Dinner");
    assert_eq!(messages["value"][0]["content"]["initiatorCommunicationIdentifier"]["rawId"], bob.user_id.as_str());
    assert_eq!(messages["value"][2]["content"]["participants"].as_array().unwrap().len(), 2);

    // Listed for both, then deleted: 404 afterwards, still listed with deletedOn.
    let listed = ctx.chat("GET", "/chat/threads", &bob.token, None).await.expect(200).json();
    assert_eq!(listed["value"][0]["id"], id.as_str());
    assert!(listed["value"][0]["lastMessageReceivedOn"].is_string());
    ctx.chat("DELETE", &format!("/chat/threads/{}", enc(&id)), &alice.token, None).await.expect(204);
    ctx.chat("GET", &format!("/chat/threads/{}", enc(&id)), &alice.token, None).await.expect(404);
    ctx.chat("DELETE", &format!("/chat/threads/{}", enc(&id)), &alice.token, None).await.expect(404);
    let listed = ctx.chat("GET", "/chat/threads", &bob.token, None).await.expect(200).json();
    assert!(listed["value"][0]["deletedOn"].is_string());
}

#[tokio::test]
async fn repeatability_request_id_creates_once() {
    let ctx = Ctx::start().await;
    let alice = ctx.user();
    let path = with_version("/chat/threads", CHAT_VERSION);
    let body = serde_json::to_vec(&json!({"topic": "once"})).unwrap();
    let headers = vec![
        ("authorization", format!("Bearer {}", alice.token)),
        ("repeatability-request-id", "8f0c2b1e-0000-4000-8000-000000000001".to_owned()),
    ];
    let first = send(ctx.addr(), "POST", &path, &headers, &body).await.unwrap().expect(201).json();
    let second = send(ctx.addr(), "POST", &path, &headers, &body).await.unwrap().expect(201).json();
    assert_eq!(first, second);
    let listed = ctx.chat("GET", "/chat/threads", &alice.token, None).await.expect(200).json();
    assert_eq!(listed["value"].as_array().unwrap().len(), 1);
    // Without the header, or with another id, a new thread each time.
    ctx.chat("POST", "/chat/threads", &alice.token, Some(json!({"topic": "once"}))).await.expect(201);
    let headers = vec![
        ("authorization", format!("Bearer {}", alice.token)),
        ("repeatability-request-id", "8f0c2b1e-0000-4000-8000-000000000002".to_owned()),
    ];
    let third = send(ctx.addr(), "POST", &path, &headers, &body).await.unwrap().expect(201).json();
    assert_ne!(third["chatThread"]["id"], first["chatThread"]["id"]);
    let listed = ctx.chat("GET", "/chat/threads", &alice.token, None).await.expect(200).json();
    assert_eq!(listed["value"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn only_participants_and_removed_participants_lose_access() {
    let ctx = Ctx::start().await;
    let (alice, bob, eve) = (ctx.user(), ctx.user(), ctx.user());
    let id = ctx.thread(&alice, &[&bob], "private").await;
    let t = enc(&id);
    let message = ctx.send_text(&id, &alice, "hi").await;
    for (method, path, body) in [
        ("GET", format!("/chat/threads/{t}"), None),
        ("PATCH", format!("/chat/threads/{t}"), Some(json!({"topic": "x"}))),
        ("DELETE", format!("/chat/threads/{t}"), None),
        ("GET", format!("/chat/threads/{t}/messages"), None),
        ("POST", format!("/chat/threads/{t}/messages"), Some(json!({"content": "x"}))),
        ("GET", format!("/chat/threads/{t}/messages/{message}"), None),
        ("GET", format!("/chat/threads/{t}/participants"), None),
        (
            "POST",
            format!("/chat/threads/{t}/participants/:add"),
            Some(json!({"participants": [participant(&eve.user_id)]})),
        ),
        ("POST", format!("/chat/threads/{t}/participants/:remove"), Some(json!({"rawId": bob.user_id}))),
        ("GET", format!("/chat/threads/{t}/readReceipts"), None),
        ("POST", format!("/chat/threads/{t}/readReceipts"), Some(json!({"chatMessageId": message}))),
        ("POST", format!("/chat/threads/{t}/typing"), Some(json!({}))),
    ] {
        let resp = ctx.chat(method, &path, &eve.token, body).await;
        assert_eq!(resp.status, 403, "{method} {path}");
        assert_eq!(resp.error_code(), "Forbidden");
    }
    // Eve does not see the thread in her list.
    let listed = ctx.chat("GET", "/chat/threads", &eve.token, None).await.expect(200).json();
    assert_eq!(listed["value"], json!([]));

    // Bob can read until removed, then loses access at once.
    ctx.chat("GET", &format!("/chat/threads/{t}/messages"), &bob.token, None).await.expect(200);
    let remove = json!({"communicationUser": {"id": bob.user_id}});
    ctx.chat("POST", &format!("/chat/threads/{t}/participants/:remove"), &alice.token, Some(remove.clone()))
        .await
        .expect(204);
    ctx.chat("GET", &format!("/chat/threads/{t}/messages"), &bob.token, None).await.expect(403);
    ctx.chat("POST", &format!("/chat/threads/{t}/messages"), &bob.token, Some(json!({"content": "x"})))
        .await
        .expect(403);
    // Removing again is a 404; the removal is a system message.
    ctx.chat("POST", &format!("/chat/threads/{t}/participants/:remove"), &alice.token, Some(remove)).await.expect(404);
    let messages = ctx.chat("GET", &format!("/chat/threads/{t}/messages"), &alice.token, None).await.expect(200).json();
    assert_eq!(messages["value"][0]["type"], "participantRemoved");
    assert_eq!(
        messages["value"][0]["content"]["participants"][0]["communicationIdentifier"]["rawId"],
        bob.user_id.as_str()
    );
}

#[tokio::test]
async fn messages_send_get_update_delete() {
    let ctx = Ctx::start().await;
    let (alice, bob) = (ctx.user(), ctx.user());
    let id = ctx.thread(&alice, &[&bob], "msgs").await;
    let t = enc(&id);
    let body = json!({"content": "<b>hi</b>", "type": "html", "senderDisplayName": "Alice", "metadata": {"tag": "1"}});
    let resp = ctx.chat("POST", &format!("/chat/threads/{t}/messages"), &alice.token, Some(body)).await.expect(201);
    let mid = resp.json()["id"].as_str().unwrap().to_owned();
    assert!(resp.header("location").unwrap().ends_with(&format!("/messages/{mid}")));
    let got = ctx.chat("GET", &format!("/chat/threads/{t}/messages/{mid}"), &bob.token, None).await.expect(200).json();
    assert_eq!(got["type"], "html");
    assert_eq!(got["content"]["message"], "<b>hi</b>");
    assert_eq!(got["senderDisplayName"], "Alice");
    assert_eq!(got["metadata"], json!({"tag": "1"}));
    assert_eq!(got["senderCommunicationIdentifier"]["rawId"], alice.user_id.as_str());
    assert_eq!(got["version"], got["id"]);
    assert!(got.get("editedOn").is_none() && got.get("deletedOn").is_none());

    // Only the sender edits or deletes.
    let path = format!("/chat/threads/{t}/messages/{mid}");
    ctx.chat("PATCH", &path, &bob.token, Some(json!({"content": "hacked"}))).await.expect(403);
    ctx.chat("DELETE", &path, &bob.token, None).await.expect(403);
    ctx.chat("PATCH", &path, &alice.token, Some(json!({"content": "edited", "metadata": {"tag": "2"}})))
        .await
        .expect(204);
    let edited = ctx.chat("GET", &path, &bob.token, None).await.expect(200).json();
    assert_eq!(edited["content"]["message"], "edited");
    assert_eq!(edited["metadata"], json!({"tag": "2"}));
    assert!(edited["editedOn"].is_string());
    let (v1, v2): (u64, u64) =
        (got["version"].as_str().unwrap().parse().unwrap(), edited["version"].as_str().unwrap().parse().unwrap());
    assert!(v2 > v1, "{v1} {v2}");
    ctx.chat("DELETE", &path, &alice.token, None).await.expect(204);
    let deleted = ctx.chat("GET", &path, &bob.token, None).await.expect(200).json();
    assert!(deleted["deletedOn"].is_string());
    assert!(deleted.get("content").is_none());
    ctx.chat("PATCH", &path, &alice.token, Some(json!({"content": "again"}))).await.expect(404);

    // Sequence ids increase per thread; the message list is newest first.
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(ctx.send_text(&id, if i % 2 == 0 { &alice } else { &bob }, &format!("m{i}")).await);
    }
    let listed = ctx.chat("GET", &format!("/chat/threads/{t}/messages"), &alice.token, None).await.expect(200).json();
    let seqs: Vec<u64> = listed["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["sequenceId"].as_str().unwrap().parse().unwrap())
        .collect();
    let mut sorted = seqs.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(seqs, sorted);
    assert_eq!(seqs, (1..=seqs.len() as u64).rev().collect::<Vec<_>>());
    assert_eq!(listed["value"][0]["id"], ids[4].as_str());
    assert_eq!(listed["value"][0]["content"]["message"], "m4");
}

#[tokio::test]
async fn share_history_time_limits_history() {
    let ctx = Ctx::start().await;
    let (alice, bob, carol) = (ctx.user(), ctx.user(), ctx.user());
    let id = ctx.thread(&alice, &[], "history").await;
    let t = enc(&id);
    let old = ctx.send_text(&id, &alice, "before").await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let cut = OffsetDateTime::now_utc();
    let cut_text = cut.format(&time::format_description::well_known::Rfc3339).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let add = json!({"participants": [
        {"communicationIdentifier": {"rawId": bob.user_id}, "shareHistoryTime": cut_text},
        {"communicationIdentifier": {"rawId": carol.user_id}}
    ]});
    let resp =
        ctx.chat("POST", &format!("/chat/threads/{t}/participants/:add"), &alice.token, Some(add)).await.expect(201);
    assert_eq!(resp.json(), json!({}));
    let new = ctx.send_text(&id, &alice, "after").await;

    let bob_view = ctx.chat("GET", &format!("/chat/threads/{t}/messages"), &bob.token, None).await.expect(200).json();
    let bob_ids: Vec<&str> = bob_view["value"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert!(bob_ids.contains(&new.as_str()) && !bob_ids.contains(&old.as_str()), "{bob_ids:?}");
    ctx.chat("GET", &format!("/chat/threads/{t}/messages/{old}"), &bob.token, None).await.expect(404);
    // Without shareHistoryTime, the whole history.
    let carol_view =
        ctx.chat("GET", &format!("/chat/threads/{t}/messages"), &carol.token, None).await.expect(200).json();
    assert!(carol_view["value"].as_array().unwrap().iter().any(|m| m["id"] == old.as_str()));
    // Participants list shows shareHistoryTime (epoch when not set).
    let members =
        ctx.chat("GET", &format!("/chat/threads/{t}/participants"), &alice.token, None).await.expect(200).json();
    let carol_entry = members["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["communicationIdentifier"]["rawId"] == carol.user_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(carol_entry["shareHistoryTime"], "1970-01-01T00:00:00Z");
}

#[tokio::test]
async fn add_participants_partial_failure() {
    let ctx = Ctx::start().await;
    let (alice, bob) = (ctx.user(), ctx.user());
    let id = ctx.thread(&alice, &[], "adds").await;
    let t = enc(&id);
    let foreign = "8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000001";
    let unknown = format!("8:acs:{}_{}", ctx.emu.resource_id(), uuid::Uuid::new_v4());
    let add = json!({"participants": [participant(&bob.user_id), participant(foreign), participant(&unknown), {"communicationIdentifier": {"rawId": "4:+14255550123"}}]});
    let result = ctx
        .chat("POST", &format!("/chat/threads/{t}/participants/:add"), &alice.token, Some(add))
        .await
        .expect(201)
        .json();
    let invalid = result["invalidParticipants"].as_array().unwrap();
    let by_target: Vec<(&str, &str)> =
        invalid.iter().map(|e| (e["target"].as_str().unwrap(), e["code"].as_str().unwrap())).collect();
    assert_eq!(by_target, [(foreign, "403"), (unknown.as_str(), "404"), ("4:+14255550123", "403")]);
    // Bob was added, the others were not; adding Bob again changes nothing.
    let members =
        ctx.chat("GET", &format!("/chat/threads/{t}/participants"), &alice.token, None).await.expect(200).json();
    assert_eq!(members["value"].as_array().unwrap().len(), 2);
    let again = json!({"participants": [participant(&bob.user_id)]});
    assert_eq!(
        ctx.chat("POST", &format!("/chat/threads/{t}/participants/:add"), &alice.token, Some(again))
            .await
            .expect(201)
            .json(),
        json!({})
    );
    // Partial failures at creation too.
    let body = json!({"topic": "t", "participants": [participant(&alice.user_id), participant(foreign)]});
    let created = ctx.chat("POST", "/chat/threads", &alice.token, Some(body)).await.expect(201).json();
    assert_eq!(created["invalidParticipants"][0]["target"], foreign);
    // Empty list is a 400.
    ctx.chat("POST", &format!("/chat/threads/{t}/participants/:add"), &alice.token, Some(json!({"participants": []})))
        .await
        .expect(400);
}

#[tokio::test]
async fn read_receipts_and_typing() {
    let ctx = Ctx::start().await;
    let (alice, bob) = (ctx.user(), ctx.user());
    let id = ctx.thread(&alice, &[&bob], "receipts").await;
    let t = enc(&id);
    let m1 = ctx.send_text(&id, &alice, "one").await;
    let m2 = ctx.send_text(&id, &alice, "two").await;
    let path = format!("/chat/threads/{t}/readReceipts");
    let resp = ctx.chat("POST", &path, &bob.token, Some(json!({"chatMessageId": m2}))).await.expect(200);
    assert!(resp.body.is_empty());
    // An older message does not move the receipt back.
    ctx.chat("POST", &path, &bob.token, Some(json!({"chatMessageId": m1}))).await.expect(200);
    ctx.chat("POST", &path, &alice.token, Some(json!({"chatMessageId": m1}))).await.expect(200);
    ctx.chat("POST", &path, &alice.token, Some(json!({"chatMessageId": "999"}))).await.expect(404);
    ctx.chat("POST", &path, &alice.token, Some(json!({}))).await.expect(400);
    let receipts = ctx.chat("GET", &path, &alice.token, None).await.expect(200).json();
    let pairs: Vec<(String, String)> = receipts["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["senderCommunicationIdentifier"]["rawId"].as_str().unwrap().to_owned(),
                r["chatMessageId"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(pairs, [(bob.user_id.clone(), m2.clone()), (alice.user_id.clone(), m1.clone())]);
    // Paging with skip.
    let pages = all_pages(&ctx, &format!("{path}?maxPageSize=1"), &alice.token).await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [1, 1]);
    let skipped = ctx.chat("GET", &format!("{path}?skip=1"), &alice.token, None).await.expect(200).json();
    assert_eq!(skipped["value"].as_array().unwrap().len(), 1);

    // Typing: with and without a body.
    let typing = format!("/chat/threads/{t}/typing");
    ctx.chat("POST", &typing, &bob.token, Some(json!({"senderDisplayName": "Bob"}))).await.expect(200);
    ctx.chat("POST", &typing, &bob.token, None).await.expect(200);
    ctx.chat("POST", &typing, &bob.token, Some(json!({"senderDisplayName": "x".repeat(300)}))).await.expect(400);
}

#[tokio::test]
async fn validation_errors_are_400_or_404_never_500() {
    let ctx = Ctx::start().await;
    let alice = ctx.user();
    let id = ctx.thread(&alice, &[], "validation").await;
    let t = enc(&id);
    let big_metadata: serde_json::Map<String, Value> =
        (0..40).map(|i| (format!("key{i}"), json!("v".repeat(30)))).collect();
    let cases: Vec<(&str, String, Option<Value>, u16)> = vec![
        ("POST", "/chat/threads".into(), Some(json!({})), 400),
        ("POST", "/chat/threads".into(), Some(json!({"topic": ""})), 400),
        ("POST", "/chat/threads".into(), Some(json!({"topic": "x".repeat(2000)})), 400),
        ("POST", "/chat/threads".into(), Some(json!({"topic": "t", "metadata": big_metadata})), 400),
        (
            "POST",
            "/chat/threads".into(),
            Some(json!({"topic": "t", "retentionPolicy": {"kind": "threadCreationDate", "deleteThreadAfterDays": 5}})),
            400,
        ),
        ("POST", "/chat/threads".into(), Some(json!({"topic": "t", "retentionPolicy": {"kind": "forever"}})), 400),
        (
            "POST",
            "/chat/threads".into(),
            Some(json!({"topic": "t", "participants": [{"communicationIdentifier": {}}]})),
            400,
        ),
        ("POST", "/chat/threads".into(), Some(json!({"topic": "t", "participants": [{"displayName": "no id"}]})), 400),
        ("POST", "/chat/threads".into(), Some(json!([1, 2])), 400),
        ("POST", "/chat/threads".into(), None, 400),
        ("POST", format!("/chat/threads/{t}/messages"), Some(json!({})), 400),
        ("POST", format!("/chat/threads/{t}/messages"), Some(json!({"content": ""})), 400),
        ("POST", format!("/chat/threads/{t}/messages"), Some(json!({"content": "x".repeat(28 * 1024 + 1)})), 400),
        ("POST", format!("/chat/threads/{t}/messages"), Some(json!({"content": "x", "type": "topicUpdated"})), 400),
        (
            "POST",
            format!("/chat/threads/{t}/messages"),
            Some(json!({"content": "x", "metadata": {"k": "v".repeat(1100)}})),
            400,
        ),
        (
            "POST",
            format!("/chat/threads/{t}/messages"),
            Some(json!({"content": "x", "senderDisplayName": "n".repeat(300)})),
            400,
        ),
        ("PATCH", format!("/chat/threads/{t}"), Some(json!({"topic": ""})), 400),
        ("GET", format!("/chat/threads/{t}/messages?maxPageSize=0"), None, 400),
        ("GET", format!("/chat/threads/{t}/messages?maxPageSize=-1"), None, 400),
        ("GET", format!("/chat/threads/{t}/messages?maxPageSize=abc"), None, 400),
        ("GET", format!("/chat/threads/{t}/messages?startTime=yesterday"), None, 400),
        ("GET", format!("/chat/threads/{t}/messages?syncState=garbage"), None, 400),
        ("GET", "/chat/threads?syncState=bm9wZQ".into(), None, 400),
        ("GET", format!("/chat/threads/{t}/participants?skip=-3"), None, 400),
        ("GET", format!("/chat/threads/{t}/messages/not-a-number"), None, 400),
        ("GET", "/chat/threads/not-a-thread".into(), None, 400),
        ("GET", format!("/chat/threads/{}", enc("19:unknown@thread.v2")), None, 404),
        ("POST", format!("/chat/threads/{}/messages", enc("19:unknown@thread.v2")), Some(json!({"content": "x"})), 404),
        ("GET", format!("/chat/threads/{t}/messages/12345"), None, 404),
        ("DELETE", format!("/chat/threads/{t}/messages/12345"), None, 404),
        ("PATCH", format!("/chat/threads/{t}/messages/12345"), Some(json!({"content": "x"})), 404),
        ("POST", format!("/chat/threads/{t}/participants/:remove"), Some(json!({})), 400),
        ("POST", format!("/chat/threads/{t}/participants/:remove"), Some(json!({"rawId": "8:acs:nobody"})), 404),
    ];
    for (method, path, body, status) in cases {
        let resp = ctx.chat(method, &path, &alice.token, body).await;
        assert_eq!(resp.status, status, "{method} {path}: {}", String::from_utf8_lossy(&resp.body));
        resp.error_code();
    }
    // Not JSON at all, and a body over the limit.
    let path = with_version(&format!("/chat/threads/{t}/messages"), CHAT_VERSION);
    let headers = vec![("authorization", format!("Bearer {}", alice.token))];
    send(ctx.addr(), "POST", &path, &headers, b"\xff\xfe not json").await.unwrap().expect(400).error_code();
    let huge = vec![b'a'; 2 * 1024 * 1024];
    send(ctx.addr(), "POST", &path, &headers, &huge).await.unwrap().expect(413).error_code();
    // A path that is not UTF-8 once decoded.
    send(ctx.addr(), "GET", "/chat/threads/%FF?api-version=2025-03-15", &headers, b"").await.unwrap().expect(400);
}

#[tokio::test]
async fn generated_chat_client_round_trip() {
    use acs_chat_models::{CreateChatThreadRequest, SendChatMessageRequest};
    use acs_chat_rest::{ChatCreateChatThreadOptions, ChatRestClient, ChatThreadListChatMessagesOptions};
    use acs_common::{BearerTokenPolicy, CommunicationTokenCredential};
    use azure_core::http::RequestContent;
    use futures::StreamExt as _;
    use std::sync::Arc;

    let ctx = Ctx::start().await;
    let alice = ctx.user();
    let credential = CommunicationTokenCredential::new(alice.token.clone()).unwrap();
    let client = ChatRestClient::new(ctx.emu.endpoint(), Arc::new(BearerTokenPolicy::new(credential)), None).unwrap();
    let request = CreateChatThreadRequest { topic: "generated".into(), ..Default::default() };
    let options = ChatCreateChatThreadOptions { repeatability_request_id: Some("gen-1".into()), ..Default::default() };
    let body = || RequestContent::from(serde_json::to_vec(&request).unwrap());
    let created = client.chat().create_chat_thread(body(), Some(options.clone())).await.unwrap().into_model().unwrap();
    let again = client.chat().create_chat_thread(body(), Some(options)).await.unwrap().into_model().unwrap();
    assert_eq!(created, again);
    let thread = created.chat_thread.unwrap();
    for i in 0..5 {
        let message = SendChatMessageRequest { content: format!("hello {i}"), ..Default::default() };
        let body = RequestContent::from(serde_json::to_vec(&message).unwrap());
        client.chat_thread().send_chat_message(&thread.id, body, None).await.unwrap();
    }
    let options = ChatThreadListChatMessagesOptions { max_page_size: Some(2), ..Default::default() };
    let mut pager = client.chat_thread().list_chat_messages(&thread.id, Some(options)).unwrap();
    let mut messages = Vec::new();
    while let Some(item) = pager.next().await {
        messages.push(item.unwrap());
    }
    assert_eq!(messages.len(), 7);
    assert_eq!(messages[0].content.as_ref().unwrap().message.as_deref(), Some("hello 4"));
    let error = client.chat_thread().get_chat_thread_properties("19:missing@thread.v2", None).await.unwrap_err();
    assert_eq!(acs_common::ErrorExt::communication_error(&error).unwrap().code, "NotFound");
}
