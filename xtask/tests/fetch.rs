//! Specs fetched by commit when there is no local checkout: from a loopback HTTP server serving the
//! specs mirror (nothing here reaches the internet), checked against their sha256 and cached.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::*;

/// Serves `GET /<commit>/<path>` from the specs mirror, with the file at `tampered` altered.
fn serve(tampered: Option<&'static str>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) <= 2 {
                    break;
                }
            }
            let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
            let path = target.trim_start_matches('/').split_once('/').map(|(_, p)| p.to_string()).unwrap_or_default();
            let response = match std::fs::read(specs_root().join(&path)) {
                Ok(mut body) => {
                    count.fetch_add(1, Ordering::SeqCst);
                    if tampered.is_some_and(|t| path.ends_with(t)) {
                        body.extend_from_slice(b" ");
                    }
                    let mut response =
                        format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len())
                            .into_bytes();
                    response.extend(body);
                    response
                }
                Err(_) => b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_vec(),
            };
            let _ = stream.write_all(&response);
        }
    });
    (url, served)
}

#[test]
fn regen_reads_pinned_files_from_a_url_by_commit_and_caches_them() {
    let (url, served) = serve(None);
    let cache = scratch("fetch_cache");
    let env = [("ACS_SPECS_CACHE", arg(&cache))];
    let out = xtask_with_env(&["regen", "--check", "--specs-url", &url], &env);
    assert!(out.status.success(), "{}", text(&out));
    let fetched = served.load(Ordering::SeqCst);
    assert!(fetched > 20, "every pinned file was fetched ({fetched})");
    // The second run reads the cache.
    let out = xtask_with_env(&["regen", "--check", "--specs-url", &url], &env);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(served.load(Ordering::SeqCst), fetched, "nothing fetched twice");
}

#[test]
fn a_fetched_file_with_the_wrong_hash_is_an_error_and_nothing_is_written() {
    let (url, _) = serve(Some("Chat/stable/2025-03-15/communicationserviceschat.json"));
    let cache = scratch("fetch_tampered_cache");
    let out_dir = scratch("fetch_tampered_out");
    let env = [("ACS_SPECS_CACHE", arg(&cache))];
    let out = xtask_with_env(&["regen", "--out", arg(&out_dir), "--specs-url", &url], &env);
    let printed = text(&out);
    assert!(!out.status.success(), "{printed}");
    assert!(printed.contains("sha256 mismatch") && printed.contains("communicationserviceschat.json"), "{printed}");
    assert!(!out_dir.join("generated").exists(), "nothing was written");
    let cached_chat =
        walk(&cache).into_iter().any(|p| p.ends_with("Chat/stable/2025-03-15/communicationserviceschat.json"));
    assert!(!cached_chat, "the bad file was not cached");
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path.display().to_string());
        }
    }
    out
}
