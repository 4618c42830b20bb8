#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

#[cfg(feature = "axum")]
mod axum_handler;
mod delivery;
mod event;
mod webhook;

#[cfg(feature = "axum")]
pub use axum_handler::router;
pub use delivery::{parse_delivery, Delivery, EventEnvelope, EventError, EventSchema, SUBSCRIPTION_VALIDATION_EVENT};
pub use event::{
    ChatEvent, ChatMessageEvent, ChatParticipantEvent, ChatThreadEvent, EventParticipant, CHAT_EVENT_TYPES,
};
pub use webhook::{Webhook, WebhookAction, WebhookOptions, WebhookRequest, WebhookResponse};

/// Re-exported from `acs_common`: how events name participants.
pub use acs_common::CommunicationIdentifier;
