//! Chat API paging: message pages (sizes, start times, continuation), thread and participant pages.

mod common;

use common::*;
use serde_json::json;
use time::OffsetDateTime;

#[tokio::test]
async fn message_paging_edge_cases() {
    let ctx = Ctx::start().await;
    let (alice, late) = (ctx.user(), ctx.user());
    let id = ctx.thread(&alice, &[], "paging").await;
    let t = enc(&id);
    let base = format!("/chat/threads/{t}/messages");

    // "Empty thread": a participant whose history starts in the future sees nothing, one empty page.
    let future = (OffsetDateTime::now_utc() + time::Duration::hours(1))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let add =
        json!({"participants": [{"communicationIdentifier": {"rawId": late.user_id}, "shareHistoryTime": future}]});
    ctx.chat("POST", &format!("/chat/threads/{t}/participants/:add"), &alice.token, Some(add)).await.expect(201);
    let empty = ctx.chat("GET", &format!("{base}?maxPageSize=1"), &late.token, None).await.expect(200).json();
    assert_eq!(empty, json!({"value": []}));
    // startTime in the future: empty, no nextLink.
    let path = format!("{base}?startTime={}", enc(&future));
    assert_eq!(ctx.chat("GET", &path, &alice.token, None).await.expect(200).json(), json!({"value": []}));

    // 3 system messages (participantAdded x2, topicUpdated) + 7 texts = 10 messages.
    for i in 0..7 {
        ctx.send_text(&id, &alice, &format!("m{i}")).await;
    }
    let total = 10;
    // maxPageSize 1: ten pages of one, newest first, sequence ids 10..1.
    let pages = all_pages(&ctx, &format!("{base}?maxPageSize=1"), &alice.token).await;
    assert_eq!(pages.len(), total);
    let seqs: Vec<String> = pages.iter().map(|p| p[0]["sequenceId"].as_str().unwrap().to_owned()).collect();
    assert_eq!(seqs, (1..=total).rev().map(|n| n.to_string()).collect::<Vec<_>>());
    // Exact page boundary: 10 with 5 per page is two pages, no trailing empty page.
    let pages = all_pages(&ctx, &format!("{base}?maxPageSize=5"), &alice.token).await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [5, 5]);
    // Uneven: 4, 4, 2.
    let pages = all_pages(&ctx, &format!("{base}?maxPageSize=4"), &alice.token).await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [4, 4, 2]);
    // Page size larger than the list: one page. Larger than the maximum: lowered, still fine.
    let pages = all_pages(&ctx, &format!("{base}?maxPageSize=10000"), &alice.token).await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [10]);

    // nextLink is absolute, on this emulator, keeps maxPageSize/startTime/api-version.
    let first = ctx
        .chat("GET", &format!("{base}?maxPageSize=3&api-version=2024-03-07"), &alice.token, None)
        .await
        .expect(200)
        .json();
    let link = first["nextLink"].as_str().unwrap();
    let url = url::Url::parse(link).unwrap();
    assert_eq!(url.origin(), url::Url::parse(ctx.emu.endpoint()).unwrap().origin());
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query["maxPageSize"], "3");
    assert_eq!(query["api-version"], "2024-03-07");
    assert!(query.contains_key("syncState"));

    // Messages sent while paging do not shift pages: new ones are newer than the cursor.
    let page1 = ctx.chat("GET", &format!("{base}?maxPageSize=5"), &alice.token, None).await.expect(200).json();
    ctx.send_text(&id, &alice, "late arrival").await;
    let page2 =
        ctx.chat("GET", &path_of(page1["nextLink"].as_str().unwrap()), &alice.token, None).await.expect(200).json();
    assert_eq!(page2["value"][0]["sequenceId"], "5");
    assert!(page2.get("nextLink").is_none());

    // startTime filters by createdOn (inclusive).
    let messages = ctx.chat("GET", &base, &alice.token, None).await.expect(200).json();
    let newest_time = messages["value"][0]["createdOn"].as_str().unwrap().to_owned();
    let filtered = ctx
        .chat("GET", &format!("{base}?startTime={}", enc(&newest_time)), &alice.token, None)
        .await
        .expect(200)
        .json();
    assert!(!filtered["value"].as_array().unwrap().is_empty());
    assert!(filtered["value"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["createdOn"].as_str().unwrap() >= newest_time.as_str()));
}

#[tokio::test]
async fn thread_and_participant_paging() {
    let ctx = Ctx::start().await;
    let alice = ctx.user();
    // No threads: one empty page.
    assert_eq!(
        ctx.chat("GET", "/chat/threads?maxPageSize=1", &alice.token, None).await.expect(200).json(),
        json!({"value": []})
    );
    let mut created = Vec::new();
    for i in 0..6 {
        created.push(ctx.thread(&alice, &[], &format!("t{i}")).await);
    }
    let pages = all_pages(&ctx, "/chat/threads?maxPageSize=2", &alice.token).await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 2]);
    let listed: Vec<String> = pages.concat().iter().map(|t| t["id"].as_str().unwrap().to_owned()).collect();
    // Most recent activity first: creation order reversed.
    assert_eq!(listed, created.iter().rev().cloned().collect::<Vec<_>>());
    // A message makes the oldest thread the most recent.
    ctx.send_text(&created[0], &alice, "bump").await;
    let first = ctx.chat("GET", "/chat/threads?maxPageSize=1", &alice.token, None).await.expect(200).json();
    assert_eq!(first["value"][0]["id"], created[0].as_str());
    let pages = all_pages(&ctx, "/chat/threads?maxPageSize=1", &alice.token).await;
    assert_eq!(pages.len(), 6);
    // startTime in the future: nothing.
    let future = (OffsetDateTime::now_utc() + time::Duration::hours(1))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let resp = ctx
        .chat("GET", &format!("/chat/threads?startTime={}", enc(&future)), &alice.token, None)
        .await
        .expect(200)
        .json();
    assert_eq!(resp, json!({"value": []}));

    // Participants: 5 in a thread; skip + maxPageSize.
    let others: Vec<_> = (0..4).map(|_| ctx.user()).collect();
    let refs: Vec<&_> = others.iter().collect();
    let id = ctx.thread(&alice, &refs, "people").await;
    let path = format!("/chat/threads/{}/participants", enc(&id));
    let pages = all_pages(&ctx, &format!("{path}?maxPageSize=2"), &alice.token).await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 1]);
    let pages = all_pages(&ctx, &format!("{path}?maxPageSize=5"), &alice.token).await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [5]);
    let skipped = ctx.chat("GET", &format!("{path}?skip=3&maxPageSize=1"), &alice.token, None).await.expect(200).json();
    assert_eq!(skipped["value"].as_array().unwrap().len(), 1);
    assert!(path_of(skipped["nextLink"].as_str().unwrap()).contains("skip=4"));
    let beyond = ctx.chat("GET", &format!("{path}?skip=50"), &alice.token, None).await.expect(200).json();
    assert_eq!(beyond, json!({"value": []}));
}
