//! `CommunicationTokenCredential`: static and refreshing tokens, single flight, proactive refresh.

mod common;

use acs_common::credential::{CommunicationTokenCredential, RefreshOptions};
use acs_common::error::ErrorExt;
use azure_core::credentials::{AccessToken, TokenCredential};
use azure_core::error::ErrorKind;
use azure_core::time::{Duration, OffsetDateTime};
use common::{jwt, jwt_in};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn token_in(lifetime: Duration, text: &str) -> AccessToken {
    AccessToken::new(text.to_owned(), OffsetDateTime::now_utc() + lifetime)
}

/// A refresher counting its calls, sleeping `delay` and then returning `make()`.
fn counting<F>(
    calls: Arc<AtomicUsize>,
    delay: std::time::Duration,
    make: F,
) -> impl Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = azure_core::Result<AccessToken>> + Send>>
       + Send
       + Sync
       + Clone
       + 'static
where
    F: Fn(usize) -> azure_core::Result<AccessToken> + Send + Sync + Clone + 'static,
{
    move || {
        let calls = calls.clone();
        let make = make.clone();
        Box::pin(async move {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::time::sleep(delay).await;
            make(n)
        })
    }
}

#[tokio::test]
async fn static_token_is_returned_until_it_expires() {
    let token = jwt_in(Duration::hours(1), "static-ok");
    let credential = CommunicationTokenCredential::new(token.clone()).unwrap();
    let got = credential.get_token().await.unwrap();
    assert_eq!(got.token.secret(), token);
    assert_eq!(got.expires_on.unix_timestamp(), acs_common::jwt::token_expiry(&token).unwrap().unix_timestamp());
    // Also through the azure_core trait (scopes are ignored).
    let via_trait = TokenCredential::get_token(&credential, &["ignored"], None).await.unwrap();
    assert_eq!(via_trait.token.secret(), token);
}

#[tokio::test]
async fn expired_static_token_is_a_clear_error() {
    let token = jwt_in(-Duration::minutes(1), "static-expired");
    let credential = CommunicationTokenCredential::new(token.clone()).unwrap();
    let error = credential.get_token().await.unwrap_err();
    assert_eq!(*error.kind(), ErrorKind::Credential);
    let message = error.to_string();
    assert!(message.contains("static access token expired"), "{message}");
    assert!(!message.contains("static-expired"));
}

#[test]
fn malformed_static_token_is_a_clear_error() {
    for token in ["", "abc", "a.b", "a.%%%.c", "a.e30.c"] {
        let error = CommunicationTokenCredential::new(token).unwrap_err();
        assert_eq!(*error.kind(), ErrorKind::DataConversion, "{token}");
    }
    let error = CommunicationTokenCredential::with_refresher(
        || async { Ok(token_in(Duration::hours(1), "x")) },
        RefreshOptions { initial_token: Some("not-a-jwt".into()), proactive_refresh: false },
    )
    .unwrap_err();
    assert!(error.to_string().contains("not a JWT"));
}

#[tokio::test]
async fn refresher_called_on_first_use_then_cached() {
    let calls = Arc::new(AtomicUsize::new(0));
    let credential = CommunicationTokenCredential::with_refresher(
        counting(calls.clone(), std::time::Duration::ZERO, |n| Ok(token_in(Duration::hours(1), &format!("token-{n}")))),
        RefreshOptions::default(),
    )
    .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    for _ in 0..5 {
        assert_eq!(credential.get_token().await.unwrap().token.secret(), "token-1");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn fresh_initial_token_is_used_and_expiring_one_is_refreshed() {
    let calls = Arc::new(AtomicUsize::new(0));
    let refresher =
        counting(calls.clone(), std::time::Duration::ZERO, |_| Ok(token_in(Duration::hours(1), "refreshed")));
    let initial = jwt_in(Duration::minutes(3), "initial");
    let credential = CommunicationTokenCredential::with_refresher(
        refresher.clone(),
        RefreshOptions { initial_token: Some(initial.clone()), proactive_refresh: false },
    )
    .unwrap();
    assert_eq!(credential.get_token().await.unwrap().token.secret(), initial);
    assert_eq!(calls.load(Ordering::SeqCst), 0);

    // Less than 2 minutes left: refreshed on demand.
    let credential = CommunicationTokenCredential::with_refresher(
        refresher,
        RefreshOptions { initial_token: Some(jwt_in(Duration::seconds(100), "initial")), proactive_refresh: false },
    )
    .unwrap();
    assert_eq!(credential.get_token().await.unwrap().token.secret(), "refreshed");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_concurrent_callers_share_one_refresh() {
    let calls = Arc::new(AtomicUsize::new(0));
    let credential = CommunicationTokenCredential::with_refresher(
        counting(calls.clone(), std::time::Duration::from_millis(50), |n| {
            Ok(token_in(Duration::hours(1), &format!("token-{n}")))
        }),
        RefreshOptions { initial_token: Some(jwt_in(Duration::seconds(60), "expiring")), proactive_refresh: false },
    )
    .unwrap();
    let barrier = Arc::new(tokio::sync::Barrier::new(1000));
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let credential = credential.clone();
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                credential.get_token().await
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().token.secret(), "token-1");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_refresh_fails_all_waiters_once_and_next_call_retries() {
    let calls = Arc::new(AtomicUsize::new(0));
    let credential = CommunicationTokenCredential::with_refresher(
        counting(calls.clone(), std::time::Duration::from_millis(50), |n| {
            if n == 1 {
                Err(azure_core::Error::with_message(ErrorKind::Io, "identity server unreachable"))
            } else {
                Ok(token_in(Duration::hours(1), "recovered"))
            }
        }),
        RefreshOptions::default(),
    )
    .unwrap();
    let barrier = Arc::new(tokio::sync::Barrier::new(200));
    let tasks: Vec<_> = (0..200)
        .map(|_| {
            let credential = credential.clone();
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                credential.get_token().await
            })
        })
        .collect();
    for task in tasks {
        let error = task.await.unwrap().unwrap_err();
        assert_eq!(*error.kind(), ErrorKind::Credential);
        assert!(error.detailed_message().contains("identity server unreachable"));
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // The next call tries again.
    assert_eq!(credential.get_token().await.unwrap().token.secret(), "recovered");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn refresher_error_keeps_its_source() {
    let credential = CommunicationTokenCredential::with_refresher(
        || async { Err(azure_core::Error::with_message(ErrorKind::Io, "boom")) },
        RefreshOptions::default(),
    )
    .unwrap();
    let error = credential.get_token().await.unwrap_err();
    assert_eq!(error.to_string(), "the token refresher failed: boom");
    let source = std::error::Error::source(&error).expect("source");
    let source = source.downcast_ref::<azure_core::Error>().expect("azure_core error");
    assert_eq!(*source.kind(), ErrorKind::Io);
}

#[tokio::test]
async fn expired_token_from_refresher_is_an_error_and_next_call_retries() {
    let calls = Arc::new(AtomicUsize::new(0));
    let credential = CommunicationTokenCredential::with_refresher(
        counting(calls.clone(), std::time::Duration::ZERO, |n| {
            if n == 1 {
                Ok(token_in(-Duration::seconds(5), "stale"))
            } else {
                Ok(token_in(Duration::hours(1), "fresh"))
            }
        }),
        RefreshOptions::default(),
    )
    .unwrap();
    let error = credential.get_token().await.unwrap_err();
    assert_eq!(*error.kind(), ErrorKind::Credential);
    assert!(error.to_string().contains("already expired"), "{error}");
    assert!(!error.to_string().contains("stale"));
    assert_eq!(credential.get_token().await.unwrap().token.secret(), "fresh");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

async fn wait_for(calls: &AtomicUsize, at_least: usize, limit: std::time::Duration) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if calls.load(Ordering::SeqCst) >= at_least {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proactive_refresh_happens_ten_minutes_before_expiry() {
    let calls = Arc::new(AtomicUsize::new(0));
    // Expires in 10 minutes and 2 seconds: the background refresh is due in about 2 seconds.
    let initial = jwt(OffsetDateTime::now_utc() + Duration::minutes(10) + Duration::seconds(2), "initial");
    let credential = CommunicationTokenCredential::with_refresher(
        counting(calls.clone(), std::time::Duration::ZERO, |_| Ok(token_in(Duration::hours(1), "proactive"))),
        RefreshOptions { initial_token: Some(initial), proactive_refresh: true },
    )
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(calls.load(Ordering::SeqCst), 0, "refreshed too early");
    assert!(wait_for(&calls, 1, std::time::Duration::from_secs(6)).await);
    // The refresher was called; its token is stored once it returns.
    let start = std::time::Instant::now();
    while credential.get_token().await.unwrap().token.secret() != "proactive" {
        assert!(start.elapsed() < std::time::Duration::from_secs(3), "the refreshed token was never stored");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    // The new token has an hour left: no further refresh.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proactive_refresh_backs_off_when_tokens_are_short_lived() {
    let calls = Arc::new(AtomicUsize::new(0));
    // Every token has 4 seconds left (inside the 10-minute window): refresh after half of it.
    let _credential = CommunicationTokenCredential::with_refresher(
        counting(calls.clone(), std::time::Duration::ZERO, |_| Ok(token_in(Duration::seconds(4), "short"))),
        RefreshOptions { initial_token: None, proactive_refresh: true },
    )
    .unwrap();
    // Without an initial token the first refresh happens at once, then every ~2 seconds.
    assert!(wait_for(&calls, 1, std::time::Duration::from_secs(2)).await);
    tokio::time::sleep(std::time::Duration::from_millis(3000)).await;
    let n = calls.load(Ordering::SeqCst);
    assert!((2..=4).contains(&n), "{n} refreshes in ~3 seconds");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_credential_stops_background_refresh() {
    let calls = Arc::new(AtomicUsize::new(0));
    let initial = jwt(OffsetDateTime::now_utc() + Duration::minutes(10) + Duration::seconds(1), "initial");
    let credential = CommunicationTokenCredential::with_refresher(
        counting(calls.clone(), std::time::Duration::ZERO, |_| Ok(token_in(Duration::hours(1), "x"))),
        RefreshOptions { initial_token: Some(initial), proactive_refresh: true },
    )
    .unwrap();
    let clone = credential.clone();
    drop(credential);
    drop(clone);
    // The refresher (and its captured Arc) was dropped with the last clone.
    assert_eq!(Arc::strong_count(&calls), 1);
    tokio::time::sleep(std::time::Duration::from_millis(2000)).await;
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[test]
fn proactive_credential_created_outside_a_runtime_starts_on_first_use() {
    let calls = Arc::new(AtomicUsize::new(0));
    let credential = CommunicationTokenCredential::with_refresher(
        counting(calls.clone(), std::time::Duration::ZERO, |_| {
            Ok(token_in(Duration::minutes(10) + Duration::seconds(1), "t"))
        }),
        RefreshOptions { initial_token: None, proactive_refresh: true },
    )
    .unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    runtime.block_on(async {
        credential.get_token().await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // The background task runs: the token is due for refresh in about a second.
        assert!(wait_for(&calls, 2, std::time::Duration::from_secs(5)).await);
    });
}
