#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod client;
mod convert;
pub mod models;
pub mod options;
mod pager;
mod thread;
mod typing;
mod watch;

pub use client::{ChatClient, DEFAULT_API_VERSION};
pub use models::{
    ChatAttachment, ChatAttachmentType, ChatMessage, ChatMessageContent, ChatMessageReadReceipt, ChatMessageType,
    ChatParticipant, ChatRetentionPolicy, ChatThreadItem, ChatThreadProperties, CreateChatThreadResult, Metadata,
    NoneRetentionPolicy, ParticipantFailure, SendMessageResult, ThreadCreationDateRetentionPolicy,
};
pub use options::*;
pub use pager::{ChatPage, ChatPager, ChatPages};
pub use thread::{ChatThreadClient, CLIENT_MESSAGE_ID_KEY};
pub use typing::TYPING_NOTIFICATION_INTERVAL;
pub use watch::{ChatEventStream, ChatThreadEvent};

/// Re-exported from `acs_common`: identifiers, the user-token credential and the error helpers
/// this crate's API uses.
pub use acs_common::{
    CommunicationError, CommunicationIdentifier, CommunicationTokenCredential, CommunicationUserIdentifier, ErrorExt,
};

/// The repository README's Rust examples, compiled as doc tests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct RepositoryReadme;
