//! The limits the emulator enforces (documented in the crate README).

/// Largest request body accepted (413 above).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Largest chat message content, in UTF-8 bytes (28 KiB, the service's limit).
pub const MAX_MESSAGE_BYTES: usize = 28 * 1024;
/// Largest total size of a metadata map (keys plus values, UTF-8 bytes).
pub const MAX_METADATA_BYTES: usize = 1024;
/// Longest thread topic, in characters.
pub const MAX_TOPIC_CHARS: usize = 1024;
/// Longest display name, in characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 256;
/// Longest identifier raw id or thread/message id, in bytes.
pub const MAX_ID_LENGTH: usize = 512;
/// Most participants in one thread.
pub const MAX_PARTICIPANTS: usize = 250;
/// Retention policy bounds for `threadCreationDate` (days).
pub const MIN_RETENTION_DAYS: i32 = 30;
/// Retention policy bounds for `threadCreationDate` (days).
pub const MAX_RETENTION_DAYS: i32 = 90;
/// Page size when `maxPageSize` is not given.
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// Largest page size; a larger `maxPageSize` is lowered to it.
pub const MAX_PAGE_SIZE: usize = 200;
/// Token lifetime bounds for `expiresInMinutes` (the service's).
pub const MIN_TOKEN_MINUTES: i32 = 60;
/// Token lifetime bounds for `expiresInMinutes` (the service's).
pub const MAX_TOKEN_MINUTES: i32 = 1440;
/// How far `x-ms-date` of an HMAC-signed request may be from the emulator's clock.
pub const MAX_CLOCK_SKEW_SECONDS: i64 = 15 * 60;
