//! Posting events to one webhook: the validation handshake first, then each event in order,
//! each retried with back-off for a bounded time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::{EventSchema, EventSubscription, Outgoing};

/// How long one event (or the handshake) is retried before it is given up.
const RETRY_FOR: Duration = Duration::from_secs(30);
/// The first back-off, doubled after each failure up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(50);
const MAX_BACKOFF: Duration = Duration::from_secs(2);
/// The longest a webhook may take to answer one post.
const POST_TIMEOUT: Duration = Duration::from_secs(10);

/// Delivers the events of `queue` to the subscription until the emulator stops.
pub(super) async fn run(subscription: EventSubscription, topic: String, mut queue: mpsc::Receiver<Arc<Outgoing>>) {
    let url = subscription.shown_url();
    let Ok(client) = reqwest::Client::builder().timeout(POST_TIMEOUT).build() else {
        tracing::error!(%url, "cannot build the HTTP client for event delivery");
        return;
    };
    let mut validated = false;
    while let Some(event) = queue.recv().await {
        if !validated {
            validated = retrying(&url, "the validation handshake", || handshake(&client, &subscription)).await;
            if !validated {
                tracing::warn!(%url, event = event.event_type, "event dropped: the webhook did not validate");
                continue;
            }
        }
        let body = body(&subscription, &topic, &event);
        let what = format!("event {} ({})", event.id, event.event_type);
        if !retrying(&url, &what, || post(&client, &subscription, body.clone())).await {
            tracing::warn!(%url, id = %event.id, "event dropped after {RETRY_FOR:?} of retries");
        }
    }
}

/// Tries `attempt` with back-off until it succeeds or [`RETRY_FOR`] has passed.
async fn retrying<F, Fut>(url: &str, what: &str, attempt: F) -> bool
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let started = Instant::now();
    let mut backoff = FIRST_BACKOFF;
    loop {
        match attempt().await {
            Ok(()) => return true,
            Err(problem) => {
                tracing::debug!(%url, %problem, "{what} failed; retrying");
                if started.elapsed() + backoff > RETRY_FOR {
                    return false;
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// The subscription validation of the schema, as Event Grid performs it.
async fn handshake(client: &reqwest::Client, subscription: &EventSubscription) -> Result<(), String> {
    match subscription.schema {
        EventSchema::EventGrid => {
            let code = uuid::Uuid::new_v4().to_string();
            let validation = json!([{
                "id": uuid::Uuid::new_v4().to_string(),
                "topic": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/emulator",
                "subject": "",
                "data": { "validationCode": code },
                "eventType": "Microsoft.EventGrid.SubscriptionValidationEvent",
                "eventTime": now(),
                "metadataVersion": "1",
                "dataVersion": "2",
            }]);
            let response = client
                .post(&subscription.url)
                .header("content-type", "application/json")
                .header("aeg-event-type", "SubscriptionValidation")
                .body(validation.to_string())
                .send()
                .await
                .map_err(|e| e.without_url().to_string())?;
            let status = response.status();
            let answer = bounded_body(response).await?;
            let answer: Value = serde_json::from_slice(&answer).map_err(|e| format!("{status}: {e}"))?;
            if answer.get("validationResponse").and_then(Value::as_str) == Some(code.as_str()) {
                Ok(())
            } else {
                Err(format!("{status}: the answer does not echo the validation code"))
            }
        }
        EventSchema::CloudEvents => {
            let response = client
                .request(reqwest::Method::OPTIONS, &subscription.url)
                .header("webhook-request-origin", "eventgrid.azure.net")
                .header("webhook-request-rate", "120")
                .send()
                .await
                .map_err(|e| e.without_url().to_string())?;
            let allowed = response.headers().get("webhook-allowed-origin").and_then(|v| v.to_str().ok());
            match allowed {
                Some(origin) if origin == "*" || origin.eq_ignore_ascii_case("eventgrid.azure.net") => Ok(()),
                _ => Err(format!("{}: no WebHook-Allowed-Origin for eventgrid.azure.net", response.status())),
            }
        }
    }
}

async fn post(
    client: &reqwest::Client,
    subscription: &EventSubscription,
    body: (String, String),
) -> Result<(), String> {
    let (content_type, body) = body;
    let response = client
        .post(&subscription.url)
        .header("content-type", content_type)
        .header("aeg-event-type", "Notification")
        .body(body)
        .send()
        .await
        .map_err(|e| e.without_url().to_string())?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("the webhook answered {}", response.status()))
    }
}

/// The content type and body of one event in the subscription's schema.
fn body(subscription: &EventSubscription, topic: &str, event: &Outgoing) -> (String, String) {
    let time = event.time.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    match subscription.schema {
        EventSchema::EventGrid => {
            let body = json!([{
                "id": event.id,
                "topic": topic,
                "subject": event.subject,
                "data": event.data,
                "eventType": event.event_type,
                "dataVersion": "1.0",
                "metadataVersion": "1",
                "eventTime": time,
            }]);
            ("application/json".to_owned(), body.to_string())
        }
        EventSchema::CloudEvents => {
            let body = json!({
                "id": event.id,
                "source": topic,
                "subject": event.subject,
                "data": event.data,
                "type": event.event_type,
                "time": time,
                "specversion": "1.0",
            });
            ("application/cloudevents+json; charset=utf-8".to_owned(), body.to_string())
        }
    }
}

/// The largest answer read from a webhook (a validation response is a few dozen bytes).
const MAX_ANSWER: usize = 64 * 1024;

async fn bounded_body(mut response: reqwest::Response) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.without_url().to_string())? {
        if body.len() + chunk.len() > MAX_ANSWER {
            return Err(format!("the webhook's answer is larger than {MAX_ANSWER} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn now() -> String {
    time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}
