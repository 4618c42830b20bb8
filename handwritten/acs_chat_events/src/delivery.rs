//! A delivery body, in either schema Event Grid posts: the Event Grid schema (a JSON array of
//! events, or Event Grid's subscription validation event) or CloudEvents 1.0 (one event,
//! `application/cloudevents+json`, or a batch, `application/cloudevents-batch+json`).

use serde_json::Value;
use time::OffsetDateTime;

use crate::event::ChatEvent;

/// The schema a delivery came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventSchema {
    /// The Event Grid schema (`eventType`, `topic`, `eventTime`, `dataVersion`).
    EventGrid,
    /// CloudEvents 1.0 (`type`, `source`, `time`, `specversion`).
    CloudEvents,
}

/// One event of a delivery: the envelope's fields and the typed event.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct EventEnvelope {
    /// The event's id (Event Grid may deliver an event more than once: de-duplicate on it).
    pub id: String,
    /// The event type, e.g. `Microsoft.Communication.ChatMessageReceivedInThread`.
    pub event_type: String,
    /// The subject, e.g. `thread/{thread-id}/sender/{raw-id}`.
    pub subject: Option<String>,
    /// The resource that published the event (`topic` or `source`).
    pub source: Option<String>,
    /// When the event happened.
    pub time: Option<OffsetDateTime>,
    /// The schema it came in.
    pub schema: EventSchema,
    /// The event.
    pub event: ChatEvent,
    /// The event's data as sent (for fields this version of the crate does not read).
    pub data: Value,
}

/// What a delivery holds.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Delivery {
    /// Events for the application.
    Events(Vec<EventEnvelope>),
    /// Event Grid's subscription validation (Event Grid schema): answer
    /// `{"validationResponse": validation_code}` to prove the endpoint is yours.
    SubscriptionValidation {
        /// The code to echo.
        validation_code: String,
        /// A URL that validates the subscription when visited (manual validation).
        validation_url: Option<String>,
    },
}

/// The event type of Event Grid's subscription validation.
pub const SUBSCRIPTION_VALIDATION_EVENT: &str = "Microsoft.EventGrid.SubscriptionValidationEvent";

/// A delivery that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventError {
    message: String,
}

impl EventError {
    fn new(message: impl Into<String>) -> Self {
        Self { message: message.into() }
    }
}

impl std::fmt::Display for EventError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not a chat event delivery: {}", self.message)
    }
}

impl std::error::Error for EventError {}

/// Reads a delivery body. The schema is told from the body (CloudEvents carry `specversion`);
/// `content_type`, when given, must be JSON (`application/json`, `application/cloudevents+json`,
/// `application/cloudevents-batch+json`).
///
/// # Errors
///
/// When the body is not JSON, not an event or a list of events, or an event lacks its id or
/// type. An event type this crate does not know is not an error
/// ([`ChatEvent::UnknownKind`]).
pub fn parse_delivery(content_type: Option<&str>, body: &[u8]) -> Result<Delivery, EventError> {
    if let Some(content_type) = content_type {
        let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        if !(essence == "application/json" || essence.ends_with("+json")) {
            return Err(EventError::new(format!("the content type `{essence}` is not JSON")));
        }
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| EventError::new(format!("invalid JSON ({e})")))?;
    let items = match value {
        Value::Array(items) => items,
        object @ Value::Object(_) => vec![object],
        _ => return Err(EventError::new("expected an event or a list of events")),
    };
    let mut events = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let envelope = envelope(item).map_err(|e| EventError::new(format!("event {index}: {}", e.message)))?;
        if envelope.event_type == SUBSCRIPTION_VALIDATION_EVENT {
            let data = item.get("data").unwrap_or(&Value::Null);
            let validation_code = data
                .get("validationCode")
                .and_then(Value::as_str)
                .ok_or_else(|| EventError::new("the subscription validation event has no `validationCode`"))?;
            return Ok(Delivery::SubscriptionValidation {
                validation_code: validation_code.to_owned(),
                validation_url: data.get("validationUrl").and_then(Value::as_str).map(str::to_owned),
            });
        }
        events.push(envelope);
    }
    Ok(Delivery::Events(events))
}

fn envelope(item: &Value) -> Result<EventEnvelope, EventError> {
    let text = |name: &str| item.get(name).and_then(Value::as_str).map(str::to_owned);
    let time = |name: &str| {
        text(name).and_then(|t| OffsetDateTime::parse(&t, &time::format_description::well_known::Rfc3339).ok())
    };
    // CloudEvents carry `specversion`; some of upstream's examples omit it, so an event with
    // `type` and no `eventType` is read as CloudEvents too.
    let cloud = item.get("specversion").is_some() || (item.get("eventType").is_none() && item.get("type").is_some());
    let (schema, type_field, source_field, time_field) = if cloud {
        (EventSchema::CloudEvents, "type", "source", "time")
    } else {
        (EventSchema::EventGrid, "eventType", "topic", "eventTime")
    };
    let id = text("id").ok_or_else(|| EventError::new("no `id`"))?;
    let event_type = text(type_field).ok_or_else(|| EventError::new(format!("no `{type_field}`")))?;
    let data = item.get("data").cloned().unwrap_or(Value::Null);
    Ok(EventEnvelope {
        event: ChatEvent::from_data(&event_type, &data),
        data,
        id,
        event_type,
        subject: text("subject"),
        source: text(source_field),
        time: time(time_field),
        schema,
    })
}
