//! Test helpers shared by the workspace (not published):
//!
//! - [`MockTransport`]: an `azure_core` transport that records every request and answers from a
//!   queue, then from a handler, so tests check request shapes with no network;
//! - [`hostile`]: small loopback HTTP servers that misbehave on purpose (trickle, stall, reset,
//!   endless bodies), for the failures a real server cannot easily produce.

pub mod hostile;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use azure_core::error::{Error, ErrorKind};
use azure_core::http::headers::Headers;
use azure_core::http::{
    AsyncRawResponse, Body, ClientOptions, FixedRetryOptions, HttpClient, Request, RetryOptions, StatusCode, Transport,
};

/// One request as the transport saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The method, e.g. `POST`.
    pub method: String,
    /// The full URL.
    pub url: String,
    /// Header names (lowercase) and values, in the order the request held them.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Recorded {
    /// A header's value, by name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON; panics with the body when it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("request body is not JSON ({e}): {}", self.text()))
    }

    /// The URL's path.
    pub fn path(&self) -> String {
        azure_core::http::Url::parse(&self.url).map(|u| u.path().to_owned()).unwrap_or_default()
    }

    /// The URL's path and query, as signed by HMAC authentication (`/path?query`).
    pub fn path_and_query(&self) -> String {
        azure_core::http::Url::parse(&self.url)
            .map(|u| format!("{}?{}", u.path(), u.query().unwrap_or_default()))
            .unwrap_or_default()
    }

    /// A query parameter's value.
    pub fn query(&self, name: &str) -> Option<String> {
        azure_core::http::Url::parse(&self.url)
            .ok()?
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

/// What the transport answers with.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A response. A body that starts like JSON gets `content-type: application/json` unless given.
    Response {
        /// The status code.
        status: u16,
        /// Response headers.
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// A transport failure of this kind (`Connection` or `Io`), as the reqwest transport reports them.
    Fail(ErrorKind, &'static str),
}

impl Reply {
    /// A response with no extra headers.
    pub fn status(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Reply::Response { status, headers: Vec::new(), body: body.into() }
    }

    /// A response with headers.
    pub fn with_headers(status: u16, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Self {
        let headers = headers.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.to_string())).collect();
        Reply::Response { status, headers, body: body.into() }
    }
}

type Handler = Box<dyn Fn(&Recorded) -> Reply + Send + Sync>;

/// A recording, scripted transport. Answers come from the queue, then from the handler; with
/// neither, a request fails with an `Io` error saying so.
#[derive(Default)]
pub struct MockTransport {
    queue: Mutex<VecDeque<Reply>>,
    handler: Mutex<Option<Handler>>,
    requests: Mutex<Vec<Recorded>>,
}

impl std::fmt::Debug for MockTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockTransport").finish_non_exhaustive()
    }
}

impl MockTransport {
    /// A new transport with nothing queued.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Queues a reply.
    pub fn push(&self, reply: Reply) -> &Self {
        self.queue.lock().expect("mock lock").push_back(reply);
        self
    }

    /// Queues a response with a status and body.
    pub fn respond(&self, status: u16, body: impl Into<Vec<u8>>) -> &Self {
        self.push(Reply::status(status, body))
    }

    /// Answers requests once the queue is empty.
    pub fn handle(&self, handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) {
        *self.handler.lock().expect("mock lock") = Some(Box::new(handler));
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("mock lock").clone()
    }

    /// How many requests were sent.
    pub fn count(&self) -> usize {
        self.requests.lock().expect("mock lock").len()
    }

    /// The last request; panics when there was none.
    pub fn last(&self) -> Recorded {
        self.requests.lock().expect("mock lock").last().cloned().expect("a request was sent")
    }

    /// The only request; panics unless exactly one was sent.
    pub fn only(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "expected exactly one request, got {}", requests.len());
        requests.into_iter().next().expect("one request")
    }

    /// An `azure_core` transport sending through this mock.
    pub fn transport(self: &Arc<Self>) -> Transport {
        Transport::new(self.clone())
    }

    /// Client options sending through this mock, retrying up to three times with a 1 ms delay.
    pub fn client_options(self: &Arc<Self>) -> ClientOptions {
        ClientOptions {
            transport: Some(self.transport()),
            retry: RetryOptions::fixed(FixedRetryOptions {
                delay: azure_core::time::Duration::milliseconds(1),
                max_retries: 3,
                ..Default::default()
            }),
            ..Default::default()
        }
    }
}

#[async_trait::async_trait]
impl HttpClient for MockTransport {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        let body = match request.body() {
            Body::Bytes(bytes) => bytes.to_vec(),
            _ => b"<stream>".to_vec(),
        };
        let recorded = Recorded {
            method: request.method().to_string(),
            url: request.url().to_string(),
            headers: request.headers().iter().map(|(k, v)| (k.as_str().to_owned(), v.as_str().to_owned())).collect(),
            body,
        };
        self.requests.lock().expect("mock lock").push(recorded.clone());
        let queued = self.queue.lock().expect("mock lock").pop_front();
        let reply = match queued {
            Some(reply) => reply,
            None => match &*self.handler.lock().expect("mock lock") {
                Some(handler) => handler(&recorded),
                None => return Err(Error::with_message(ErrorKind::Io, "the mock transport has no reply queued")),
            },
        };
        match reply {
            Reply::Fail(kind, message) => Err(Error::with_message(kind, message)),
            Reply::Response { status, headers: extra, body } => {
                let mut headers = Headers::new();
                let looks_json = body.first().is_some_and(|b| *b == b'{' || *b == b'[');
                if looks_json && !extra.iter().any(|(k, _)| k == "content-type") {
                    headers.insert("content-type", "application/json");
                }
                for (name, value) in extra {
                    headers.insert(name, value);
                }
                Ok(AsyncRawResponse::from_bytes(StatusCode::from(status), headers, body))
            }
        }
    }
}

/// A duration helper for tests: milliseconds.
pub fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// A pipeline policy that adds no credentials: for generated clients under test.
#[derive(Debug)]
struct NoAuth;

#[async_trait::async_trait]
impl azure_core::http::policies::Policy for NoAuth {
    async fn send(
        &self,
        ctx: &azure_core::http::Context,
        request: &mut Request,
        next: &[std::sync::Arc<dyn azure_core::http::policies::Policy>],
    ) -> azure_core::http::policies::PolicyResult {
        next[0].send(ctx, request, &next[1..]).await
    }
}

/// An authentication policy that adds nothing, for generated clients under test.
pub fn no_auth() -> Arc<dyn azure_core::http::policies::Policy> {
    Arc::new(NoAuth)
}
