//! Helpers shared by the integration tests.
#![allow(dead_code)]

use azure_core::http::headers::Headers;
use azure_core::http::policies::Policy;
use azure_core::http::{
    AsyncRawResponse, Body, ClientOptions, HttpClient, Pipeline, Request, RetryOptions, StatusCode, Transport,
};
use azure_core::time::{Duration, OffsetDateTime};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// A fake JWT whose `exp` claim is `expires_on`, with `marker` in its payload and signature so
/// tests can look for leaks.
pub fn jwt(expires_on: OffsetDateTime, marker: &str) -> String {
    let header = azure_core::base64::encode_url_safe(br#"{"alg":"RS256","typ":"JWT"}"#);
    let payload = azure_core::base64::encode_url_safe(format!(
        r#"{{"skypeid":"acs:{marker}","exp":{}}}"#,
        expires_on.unix_timestamp()
    ));
    format!("{header}.{payload}.{marker}-signature")
}

/// A fake JWT expiring `lifetime` from now.
pub fn jwt_in(lifetime: Duration, marker: &str) -> String {
    jwt(OffsetDateTime::now_utc() + lifetime, marker)
}

/// A queued response: status, headers, body.
pub type QueuedResponse = (StatusCode, Vec<(&'static str, String)>, String);

/// A request as the transport saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A transport that records every request and answers with queued responses (200 `{}` when the
/// queue is empty).
#[derive(Debug, Default)]
pub struct MockTransport {
    pub requests: Mutex<Vec<Recorded>>,
    pub responses: Mutex<VecDeque<QueuedResponse>>,
}

impl MockTransport {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn respond(&self, status: StatusCode, headers: &[(&'static str, &str)], body: &str) {
        self.responses.lock().unwrap().push_back((
            status,
            headers.iter().map(|(n, v)| (*n, v.to_string())).collect(),
            body.to_owned(),
        ));
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

#[async_trait::async_trait]
impl HttpClient for MockTransport {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        let body = match request.body() {
            Body::Bytes(bytes) => bytes.to_vec(),
            #[allow(unreachable_patterns)]
            _ => b"<stream>".to_vec(),
        };
        self.requests.lock().unwrap().push(Recorded {
            method: request.method().to_string(),
            url: request.url().to_string(),
            headers: request.headers().iter().map(|(n, v)| (n.as_str().to_owned(), v.as_str().to_owned())).collect(),
            body,
        });
        let (status, headers, body) =
            self.responses.lock().unwrap().pop_front().unwrap_or((StatusCode::Ok, Vec::new(), "{}".to_owned()));
        let mut response_headers = Headers::new();
        for (name, value) in headers {
            response_headers.insert(name, value);
        }
        Ok(AsyncRawResponse::from_bytes(status, response_headers, body))
    }
}

/// A pipeline with `auth` as its per-try policy, sending to `transport`.
pub fn pipeline(auth: Arc<dyn Policy>, transport: Arc<MockTransport>, retry: RetryOptions) -> Pipeline {
    let options = ClientOptions { transport: Some(Transport::new(transport)), retry, ..Default::default() };
    Pipeline::new(Some("acs_common_tests"), Some("0.1.0"), options, Vec::new(), vec![auth], None)
}
