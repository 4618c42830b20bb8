//! A webhook endpoint for Event Grid, independent of any web framework: the subscription
//! handshakes of both schemas, a shared-secret check, a bounded body, and a `2xx` only once the
//! application has handled the events (so that Event Grid retries a delivery that failed).

use crate::delivery::{parse_delivery, Delivery, EventEnvelope};

/// How the webhook checks and answers requests.
#[derive(Clone)]
pub struct WebhookOptions {
    /// A shared secret the subscription's URL carries as a query parameter (Event Grid keeps it
    /// in the URL it posts to); requests without it are answered `401`.
    pub secret: Option<String>,
    /// The name of that query parameter (`key` by default).
    pub secret_parameter: String,
    /// The largest body read (1 MiB by default, the size Event Grid delivers at most); larger is `413`.
    pub max_body_bytes: usize,
    /// The origins allowed to deliver CloudEvents (the `WebHook-Request-Origin` of the
    /// abuse-protection handshake); any when empty.
    pub allowed_origins: Vec<String>,
    /// The request rate per minute granted in the CloudEvents handshake (`WebHook-Allowed-Rate`).
    pub allowed_rate: Option<u32>,
}

impl std::fmt::Debug for WebhookOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookOptions")
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("secret_parameter", &self.secret_parameter)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("allowed_origins", &self.allowed_origins)
            .field("allowed_rate", &self.allowed_rate)
            .finish()
    }
}

impl Default for WebhookOptions {
    fn default() -> Self {
        Self {
            secret: None,
            secret_parameter: "key".to_owned(),
            max_body_bytes: 1 << 20,
            allowed_origins: Vec::new(),
            allowed_rate: None,
        }
    }
}

/// A request as the webhook needs it.
#[derive(Clone, Debug)]
pub struct WebhookRequest<'a> {
    /// `POST` for deliveries, `OPTIONS` for the CloudEvents handshake.
    pub method: &'a str,
    /// The URL's query, without `?`.
    pub query: Option<&'a str>,
    /// The headers (names in any case).
    pub headers: Vec<(&'a str, &'a str)>,
    /// The body.
    pub body: &'a [u8],
}

impl WebhookRequest<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| *v)
    }
}

/// What to answer.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebhookResponse {
    /// The status code.
    pub status: u16,
    /// Headers to send.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl WebhookResponse {
    fn status(status: u16, message: &str) -> Self {
        Self { status, headers: vec![("content-type".into(), "text/plain".into())], body: message.as_bytes().to_vec() }
    }
}

/// What the webhook made of a request.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum WebhookAction {
    /// Answer this now (a handshake, or a request refused).
    Respond(WebhookResponse),
    /// Events for the application: handle them, then answer [`Webhook::completed`].
    Deliver(Vec<EventEnvelope>),
}

/// The webhook. See the module docs.
#[derive(Clone, Debug, Default)]
pub struct Webhook {
    options: WebhookOptions,
}

impl Webhook {
    /// A webhook with these options.
    pub fn new(options: WebhookOptions) -> Self {
        Self { options }
    }

    /// The largest body this webhook reads.
    pub fn max_body_bytes(&self) -> usize {
        self.options.max_body_bytes
    }

    /// Checks and reads a request.
    pub fn handle(&self, request: &WebhookRequest<'_>) -> WebhookAction {
        if let Some(secret) = &self.options.secret {
            let given = request.query.and_then(|query| {
                url::form_urlencoded::parse(query.as_bytes())
                    .find_map(|(name, value)| (name == self.options.secret_parameter.as_str()).then_some(value))
            });
            if !given.is_some_and(|given| constant_time_eq(given.as_bytes(), secret.as_bytes())) {
                return WebhookAction::Respond(WebhookResponse::status(401, "missing or wrong key"));
            }
        }
        match request.method.to_ascii_uppercase().as_str() {
            "OPTIONS" => WebhookAction::Respond(self.abuse_protection(request)),
            "POST" => self.delivery(request),
            _ => WebhookAction::Respond(WebhookResponse::status(405, "POST deliveries, OPTIONS handshakes")),
        }
    }

    /// The answer once the application handled the events: `200`, or `500` so that Event Grid
    /// delivers them again later.
    pub fn completed<E: std::fmt::Display>(&self, outcome: Result<(), E>) -> WebhookResponse {
        match outcome {
            Ok(()) => WebhookResponse { status: 200, headers: Vec::new(), body: Vec::new() },
            Err(error) => {
                tracing::warn!(%error, "the application failed to handle a delivery; Event Grid will retry it");
                WebhookResponse::status(500, "the events were not handled")
            }
        }
    }

    /// Handles a request with `handler` for the events: the whole exchange in one call.
    pub async fn process<F, Fut, E>(&self, request: &WebhookRequest<'_>, handler: F) -> WebhookResponse
    where
        F: FnOnce(Vec<EventEnvelope>) -> Fut,
        Fut: std::future::Future<Output = Result<(), E>>,
        E: std::fmt::Display,
    {
        match self.handle(request) {
            WebhookAction::Respond(response) => response,
            WebhookAction::Deliver(events) => self.completed(handler(events).await),
        }
    }

    /// The CloudEvents abuse-protection handshake (`OPTIONS` with `WebHook-Request-Origin`).
    fn abuse_protection(&self, request: &WebhookRequest<'_>) -> WebhookResponse {
        let Some(origin) = request.header("webhook-request-origin") else {
            return WebhookResponse::status(400, "an OPTIONS request needs WebHook-Request-Origin");
        };
        let allowed = self.options.allowed_origins.is_empty()
            || self.options.allowed_origins.iter().any(|o| o.eq_ignore_ascii_case(origin));
        if !allowed {
            return WebhookResponse::status(403, "origin not allowed");
        }
        let mut headers = vec![
            ("webhook-allowed-origin".to_owned(), origin.to_owned()),
            ("allow".to_owned(), "POST, OPTIONS".to_owned()),
        ];
        if request.header("webhook-request-rate").is_some() || self.options.allowed_rate.is_some() {
            let rate = self.options.allowed_rate.map_or_else(|| "*".to_owned(), |r| r.to_string());
            headers.push(("webhook-allowed-rate".to_owned(), rate));
        }
        WebhookResponse { status: 200, headers, body: Vec::new() }
    }

    fn delivery(&self, request: &WebhookRequest<'_>) -> WebhookAction {
        if request.body.len() > self.options.max_body_bytes {
            return WebhookAction::Respond(WebhookResponse::status(413, "the delivery is too large"));
        }
        match parse_delivery(request.header("content-type"), request.body) {
            Err(error) => WebhookAction::Respond(WebhookResponse::status(400, &error.to_string())),
            Ok(Delivery::SubscriptionValidation { validation_code, .. }) => {
                let body = serde_json::json!({ "validationResponse": validation_code }).to_string();
                WebhookAction::Respond(WebhookResponse {
                    status: 200,
                    headers: vec![("content-type".into(), "application/json".into())],
                    body: body.into_bytes(),
                })
            }
            Ok(Delivery::Events(events)) => WebhookAction::Deliver(events),
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
