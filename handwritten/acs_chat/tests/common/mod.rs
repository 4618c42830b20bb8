//! A scripted `azure_core` transport: records every request and answers from a queue (then
//! from a handler), so tests can check request shapes without a network.

#![allow(dead_code)]

use acs_chat::{ChatClient, ChatClientOptions};
use acs_common::CommunicationTokenCredential;
use azure_core::credentials::AccessToken;
use azure_core::error::{Error, ErrorKind};
use azure_core::http::headers::Headers;
use azure_core::http::{
    AsyncRawResponse, ClientOptions, FixedRetryOptions, HttpClient, Request, RetryOptions, StatusCode, Transport,
};
use azure_core::time::{Duration, OffsetDateTime};
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

pub const ENDPOINT: &str = "https://contoso.communication.azure.com/";
pub const THREAD: &str = "19:abc@thread.v2";
pub const TOKEN: &str = "user-token-secret";

/// One request as the transport saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub url: String,
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

impl Recorded {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    pub fn path(&self) -> String {
        url::Url::parse(&self.url).map(|u| u.path().to_owned()).unwrap_or_default()
    }

    pub fn query(&self, name: &str) -> Option<String> {
        url::Url::parse(&self.url).ok()?.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
    }
}

/// An answer: status, headers and body.
pub type Answer = (u16, Vec<(&'static str, String)>, String);

type Handler = Box<dyn Fn(&Recorded) -> Answer + Send + Sync>;

#[derive(Default)]
pub struct Mock {
    queue: Mutex<VecDeque<Answer>>,
    handler: Mutex<Option<Handler>>,
    requests: Mutex<Vec<Recorded>>,
}

impl std::fmt::Debug for Mock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mock").finish_non_exhaustive()
    }
}

impl Mock {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Queues an answer.
    pub fn push(&self, status: u16, body: impl Into<String>) -> &Self {
        self.queue.lock().unwrap().push_back((status, Vec::new(), body.into()));
        self
    }

    /// Queues an answer with headers.
    pub fn push_with_headers(&self, status: u16, headers: Vec<(&'static str, String)>, body: impl Into<String>) {
        self.queue.lock().unwrap().push_back((status, headers, body.into()));
    }

    /// Answers requests once the queue is empty.
    pub fn handle(&self, handler: impl Fn(&Recorded) -> Answer + Send + Sync + 'static) {
        *self.handler.lock().unwrap() = Some(Box::new(handler));
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    pub fn last(&self) -> Recorded {
        self.requests.lock().unwrap().last().cloned().expect("a request was sent")
    }
}

#[async_trait::async_trait]
impl HttpClient for Mock {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        let body = match request.body() {
            azure_core::http::Body::Bytes(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            _ => String::from("<stream>"),
        };
        let recorded = Recorded {
            method: request.method().to_string(),
            url: request.url().to_string(),
            headers: request.headers().iter().map(|(k, v)| (k.as_str().to_owned(), v.as_str().to_owned())).collect(),
            body,
        };
        self.requests.lock().unwrap().push(recorded.clone());
        let answer = self.queue.lock().unwrap().pop_front();
        let answer = match answer {
            Some(answer) => answer,
            None => match &*self.handler.lock().unwrap() {
                Some(handler) => handler(&recorded),
                None => return Err(Error::with_message(ErrorKind::Io, "the mock has no answer left")),
            },
        };
        let (status, extra, body) = answer;
        let mut headers = Headers::new();
        if !body.is_empty() {
            headers.insert("content-type", "application/json");
        }
        for (name, value) in extra {
            headers.insert(name, value);
        }
        Ok(AsyncRawResponse::from_bytes(StatusCode::from(status), headers, body.into_bytes()))
    }
}

/// Client options sending through `mock`, retrying fast.
pub fn options(mock: &Arc<Mock>) -> ChatClientOptions {
    ChatClientOptions {
        client_options: ClientOptions {
            transport: Some(Transport::new(mock.clone())),
            retry: RetryOptions::fixed(FixedRetryOptions {
                delay: Duration::milliseconds(1),
                max_retries: 3,
                max_total_elapsed: Duration::seconds(10),
            }),
            ..Default::default()
        },
        api_version: None,
    }
}

pub fn credential() -> CommunicationTokenCredential {
    CommunicationTokenCredential::from_access_token(AccessToken::new(
        TOKEN,
        OffsetDateTime::now_utc() + Duration::hours(1),
    ))
}

pub fn client(mock: &Arc<Mock>) -> ChatClient {
    ChatClient::new(ENDPOINT, credential(), Some(options(mock))).expect("client")
}

pub fn message_json(id: &str, version: &str, created: &str, extra: &str) -> String {
    format!(
        r#"{{"id":"{id}","type":"text","sequenceId":"{id}","version":"{version}","content":{{"message":"m{id}"}},
        "createdOn":"{created}","senderCommunicationIdentifier":{{"rawId":"8:acs:r_u","communicationUser":{{"id":"8:acs:r_u"}}}}{extra}}}"#
    )
}
