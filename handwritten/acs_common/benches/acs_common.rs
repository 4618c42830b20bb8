//! Benchmarks: signing a request with HMAC-SHA256, and looking up a cached user token, alone and
//! under contention. Prints a summary table (mean per operation) after criterion's own output.
//!
//! Run: `cargo bench -p acs_common --bench acs_common`

use acs_common::credential::{CommunicationTokenCredential, RefreshOptions};
use acs_common::hmac::{self, AccessKey};
use azure_core::credentials::AccessToken;
use azure_core::http::{Method, Request, Url};
use azure_core::time::{Duration, OffsetDateTime};
use criterion::{Criterion, Throughput};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration as StdDuration;

const KEY: &str = "pw==";
const BODY: &str = r#"{"createTokenWithScopes":["chat","voip"],"expiresInMinutes":60}"#;
const LOOKUPS_PER_TASK: u64 = 1_000;

fn bench_signing(c: &mut Criterion) {
    let key = AccessKey::new(KEY).unwrap();
    let url = Url::parse("https://contoso.communication.azure.com/identities?api-version=2023-10-01").unwrap();
    let mut group = c.benchmark_group("hmac");
    group.bench_function("sign_get_empty_body", |b| {
        b.iter(|| {
            let mut request = Request::new(url.clone(), Method::Get);
            hmac::sign_request(&mut request, &key, OffsetDateTime::now_utc()).unwrap();
            black_box(request)
        })
    });
    group.bench_function("sign_post_json_body", |b| {
        b.iter(|| {
            let mut request = Request::new(url.clone(), Method::Post);
            request.set_body(BODY);
            hmac::sign_request(&mut request, &key, OffsetDateTime::now_utc()).unwrap();
            black_box(request)
        })
    });
    group.bench_function("verify_signature", |b| {
        let to_sign = hmac::string_to_sign(
            "POST",
            "/identities?api-version=2023-10-01",
            "Wed, 13 Apr 2022 18:09:12 GMT",
            "contoso.communication.azure.com",
            &hmac::content_hash(BODY.as_bytes()),
        );
        let header = hmac::authorization_value(&hmac::compute_signature(&key, &to_sign).unwrap());
        b.iter(|| hmac::verify_authorization(&key, black_box(&to_sign), black_box(&header)).unwrap())
    });
    group.finish();
}

fn refreshing_credential() -> CommunicationTokenCredential {
    CommunicationTokenCredential::with_refresher(
        || async { Ok(AccessToken::new("x".repeat(1200), OffsetDateTime::now_utc() + Duration::hours(24))) },
        RefreshOptions { initial_token: None, proactive_refresh: false },
    )
    .unwrap()
}

fn bench_token_lookup(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let mut group = c.benchmark_group("token");

    let credential = refreshing_credential();
    runtime.block_on(credential.get_token()).unwrap();
    group.throughput(Throughput::Elements(1));
    group.bench_function("cached_1_task", |b| {
        b.to_async(&runtime).iter(|| async { black_box(credential.get_token().await.unwrap()) })
    });

    for tasks in [8_u64, 64] {
        group.throughput(Throughput::Elements(tasks * LOOKUPS_PER_TASK));
        group.bench_function(format!("cached_{tasks}_tasks"), |b| {
            b.to_async(&runtime).iter(|| {
                let credential = credential.clone();
                async move {
                    let handles: Vec<_> = (0..tasks)
                        .map(|_| {
                            let credential = credential.clone();
                            tokio::spawn(async move {
                                for _ in 0..LOOKUPS_PER_TASK {
                                    black_box(credential.get_token().await.unwrap());
                                }
                            })
                        })
                        .collect();
                    for handle in handles {
                        handle.await.unwrap();
                    }
                }
            })
        });
    }
    group.finish();
}

/// Where criterion writes its results: `$CARGO_TARGET_DIR/criterion`, or `<target>/criterion`
/// found from this executable's path (`<target>/release/deps/<bench>`).
fn output_directory() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir).join("criterion");
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(|target| target.join("criterion")))
        .unwrap_or_else(|| PathBuf::from("criterion"))
}

fn print_table(dir: &std::path::Path) {
    let rows = [
        ("hmac/sign_get_empty_body", 1, "sign a GET (no body): hash, string-to-sign, HMAC, 3 headers"),
        ("hmac/sign_post_json_body", 1, "sign a POST with a 64-byte JSON body"),
        ("hmac/verify_signature", 1, "server side: verify an Authorization header"),
        ("token/cached_1_task", 1, "cached token lookup, 1 task"),
        ("token/cached_8_tasks", 8 * LOOKUPS_PER_TASK, "cached token lookup, 8 tasks on 2 threads"),
        ("token/cached_64_tasks", 64 * LOOKUPS_PER_TASK, "cached token lookup, 64 tasks on 2 threads"),
    ];
    println!("\n| benchmark | mean per operation | what |\n|---|---|---|");
    for (id, operations, what) in rows {
        let path = dir.join(id).join("new").join("estimates.json");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(estimates) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        let Some(mean_ns) = estimates["mean"]["point_estimate"].as_f64() else {
            continue;
        };
        let per_op = mean_ns / operations as f64;
        let shown = if per_op >= 1_000.0 { format!("{:.2} µs", per_op / 1_000.0) } else { format!("{per_op:.0} ns") };
        println!("| `{id}` | {shown} | {what} |");
    }
}

fn main() {
    let dir = output_directory();
    let mut criterion = Criterion::default()
        .output_directory(&dir)
        .sample_size(30)
        .warm_up_time(StdDuration::from_secs(1))
        .measurement_time(StdDuration::from_secs(3))
        .configure_from_args();
    bench_signing(&mut criterion);
    bench_token_lookup(&mut criterion);
    criterion.final_summary();
    print_table(&dir);
}
