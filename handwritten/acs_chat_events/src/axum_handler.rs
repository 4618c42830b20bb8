//! The webhook as an `axum` route (feature `axum`).

use std::future::Future;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;

use crate::delivery::EventEnvelope;
use crate::webhook::{Webhook, WebhookAction, WebhookRequest, WebhookResponse};

/// A router that serves the webhook at `path`: handshakes answered, deliveries passed to
/// `handler`, and `200` only once `handler` succeeded.
///
/// ```no_run
/// use acs_chat_events::{router, ChatEvent, Webhook, WebhookOptions};
///
/// # async fn demo() {
/// let webhook = Webhook::new(WebhookOptions { secret: Some("s3cret".into()), ..Default::default() });
/// let app = router("/events", webhook, |events| async move {
///     for envelope in events {
///         if let ChatEvent::MessageReceivedInThread(message) = &envelope.event {
///             println!("{}: {:?}", message.thread_id, message.body);
///         }
///     }
///     Ok::<(), std::convert::Infallible>(())
/// });
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await.unwrap();
/// axum::serve(listener, app).await.unwrap();
/// # }
/// ```
pub fn router<H, Fut, E>(path: &str, webhook: Webhook, handler: H) -> Router
where
    H: Fn(Vec<EventEnvelope>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: std::fmt::Display + Send + 'static,
{
    let state = Arc::new((webhook, handler));
    Router::new().route(
        path,
        any(move |request: Request| {
            let state = Arc::clone(&state);
            async move { serve(&state.0, &state.1, request).await }
        }),
    )
}

async fn serve<H, Fut, E>(webhook: &Webhook, handler: &H, request: Request) -> Response
where
    H: Fn(Vec<EventEnvelope>) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    let (parts, body) = request.into_parts();
    // One byte past the limit tells "too large" from "exactly the limit".
    let body = match axum::body::to_bytes(body, webhook.max_body_bytes().saturating_add(1)).await {
        Ok(body) => body,
        Err(_) => return into_response(WebhookResponse { status: 413, headers: Vec::new(), body: Vec::new() }),
    };
    let headers: Vec<(&str, &str)> =
        parts.headers.iter().filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?))).collect();
    let request =
        WebhookRequest { method: parts.method.as_str(), query: parts.uri.query(), headers, body: body.as_ref() };
    let response = match webhook.handle(&request) {
        WebhookAction::Respond(response) => response,
        WebhookAction::Deliver(events) => webhook.completed(handler(events).await),
    };
    into_response(response)
}

fn into_response(response: WebhookResponse) -> Response {
    let mut out =
        (StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), Body::from(response.body))
            .into_response();
    for (name, value) in response.headers {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            out.headers_mut().insert(name, value);
        }
    }
    out
}
