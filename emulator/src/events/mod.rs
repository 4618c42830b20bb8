//! Event Grid delivery of chat events: each subscribed webhook gets the events of every chat
//! change the emulator makes, in the Event Grid or the CloudEvents 1.0 schema, after the
//! schema's validation handshake, in order, with failed deliveries retried for a bounded time.
//! Publishing never blocks the API call that caused it: each subscription has its own queue and
//! its own delivery task.
//!
//! - `build`: the events of each chat change, their data checked against the generated models;
//! - `delivery`: the handshake, the posts, the retries.

mod build;
mod delivery;

pub(crate) use build::*;

use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::EmulatorError;
use time::OffsetDateTime;
use tokio::sync::mpsc;

/// The schema events are delivered in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EventSchema {
    /// The Event Grid schema: a JSON array of events; the subscription is validated with
    /// `Microsoft.EventGrid.SubscriptionValidationEvent`.
    EventGrid,
    /// CloudEvents 1.0 (`application/cloudevents+json`); the subscription is validated with the
    /// abuse-protection `OPTIONS` request.
    CloudEvents,
}

/// A webhook that receives chat events. Its URL may carry a secret (`?key=…`): `Debug` and the
/// emulator's logs show it without its query.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EventSubscription {
    /// Where events are posted (`http` to loopback, or `https`).
    pub url: String,
    /// The schema they are posted in.
    pub schema: EventSchema,
    /// Only these event types (e.g. `Microsoft.Communication.ChatMessageReceivedInThread`); all
    /// when `None`.
    pub event_types: Option<Vec<String>>,
}

impl EventSubscription {
    /// A subscription to every chat event, in `schema`.
    pub fn new(url: impl Into<String>, schema: EventSchema) -> Self {
        Self { url: url.into(), schema, event_types: None }
    }

    /// Only the given event types.
    #[must_use]
    pub fn with_event_types(mut self, types: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.event_types = Some(types.into_iter().map(Into::into).collect());
        self
    }

    /// The URL without its query (which may hold a secret), for logs.
    pub(crate) fn shown_url(&self) -> String {
        match self.url.split_once('?') {
            Some((base, _)) => format!("{base}?<redacted>"),
            None => self.url.clone(),
        }
    }

    /// Checks the URL: `https`, or `http` to a loopback host only (a secret in the query must not
    /// travel in the clear).
    pub(crate) fn validate(&self) -> Result<(), EmulatorError> {
        let url = url::Url::parse(&self.url)
            .map_err(|e| EmulatorError::Config(format!("event webhook `{}`: not a URL ({e})", self.shown_url())))?;
        let loopback = match url.host() {
            Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        match url.scheme() {
            "https" => Ok(()),
            "http" if loopback => Ok(()),
            "http" => Err(EmulatorError::Config(format!(
                "event webhook `{}`: plain http only to a loopback host; use https",
                self.shown_url()
            ))),
            other => Err(EmulatorError::Config(format!(
                "event webhook `{}`: the scheme `{other}` is not http or https",
                self.shown_url()
            ))),
        }
    }

    fn wants(&self, event_type: &str) -> bool {
        self.event_types.as_ref().is_none_or(|types| types.iter().any(|t| t.eq_ignore_ascii_case(event_type)))
    }
}

impl std::fmt::Debug for EventSubscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventSubscription")
            .field("url", &self.shown_url())
            .field("schema", &self.schema)
            .field("event_types", &self.event_types)
            .finish()
    }
}

/// The most events waiting for one webhook; more are dropped (with a warning), so a webhook that
/// is down cannot make the emulator's memory grow without bound.
const QUEUE_LIMIT: usize = 100_000;

/// One event to deliver.
#[derive(Clone, Debug)]
pub(crate) struct Outgoing {
    pub(crate) id: String,
    pub(crate) event_type: &'static str,
    pub(crate) subject: String,
    pub(crate) time: OffsetDateTime,
    pub(crate) data: Value,
}

struct Subscriber {
    subscription: EventSubscription,
    queue: mpsc::Sender<Arc<Outgoing>>,
}

/// The subscriptions of one emulator and their delivery tasks.
pub(crate) struct Events {
    topic: String,
    subscribers: Mutex<Vec<Subscriber>>,
    /// Held from a change to the queueing of its events.
    order: Mutex<()>,
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events").field("subscriptions", &self.subscriptions()).finish()
    }
}

impl Events {
    /// No subscription yet; events name `resource` as their source.
    pub(crate) fn new(resource: &str) -> Self {
        Self {
            topic: format!(
                "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/emulator/providers/Microsoft.Communication/communicationServices/{resource}"
            ),
            subscribers: Mutex::new(Vec::new()),
            order: Mutex::new(()),
        }
    }

    /// Makes a chat change and the queueing of its events one step (see `http::chat::handle`).
    pub(crate) fn in_order(&self) -> std::sync::MutexGuard<'_, ()> {
        self.order.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts delivering to `subscription` (on the current Tokio runtime).
    pub(crate) fn subscribe(&self, subscription: EventSubscription) -> Result<(), EmulatorError> {
        subscription.validate()?;
        let (queue, receiver) = mpsc::channel(QUEUE_LIMIT);
        tokio::spawn(delivery::run(subscription.clone(), self.topic.clone(), receiver));
        self.subscribers.lock().unwrap_or_else(|e| e.into_inner()).push(Subscriber { subscription, queue });
        Ok(())
    }

    /// The subscriptions.
    pub(crate) fn subscriptions(&self) -> Vec<EventSubscription> {
        self.subscribers.lock().unwrap_or_else(|e| e.into_inner()).iter().map(|s| s.subscription.clone()).collect()
    }

    /// Whether anyone listens (events are not even built otherwise).
    pub(crate) fn active(&self) -> bool {
        !self.subscribers.lock().unwrap_or_else(|e| e.into_inner()).is_empty()
    }

    /// Queues `events` for every subscription that wants them; never waits.
    pub(crate) fn publish(&self, events: Vec<Outgoing>) {
        let subscribers = self.subscribers.lock().unwrap_or_else(|e| e.into_inner());
        for event in events.into_iter().map(Arc::new) {
            for subscriber in subscribers.iter().filter(|s| s.subscription.wants(event.event_type)) {
                if let Err(mpsc::error::TrySendError::Full(event)) = subscriber.queue.try_send(Arc::clone(&event)) {
                    tracing::warn!(
                        url = %subscriber.subscription.shown_url(),
                        id = %event.id,
                        "event dropped: {QUEUE_LIMIT} events already wait for this webhook"
                    );
                }
            }
        }
    }
}
