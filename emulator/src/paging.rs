//! Continuation of listings: opaque `syncState` for messages and threads, `skip` for
//! participants and read receipts, carried in an absolute `nextLink`.

use crate::error::ApiError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// Where the next page starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cursor {
    /// Messages with a sequence id below this one.
    Messages { before_seq: u64 },
    /// Threads sorting after this (activity, creation order) key.
    Threads { activity_ms: i64, order: u64 },
    /// Items after skipping this many.
    Skip(usize),
}

impl Cursor {
    /// The opaque `syncState` text of a message or thread cursor.
    pub(crate) fn sync_state(&self) -> Option<String> {
        let text = match self {
            Self::Messages { before_seq } => format!("m1.{before_seq}"),
            Self::Threads { activity_ms, order } => format!("t1.{activity_ms}.{order}"),
            Self::Skip(_) => return None,
        };
        Some(URL_SAFE_NO_PAD.encode(text))
    }

    fn invalid() -> ApiError {
        ApiError::invalid_field("syncState", "The syncState continuation is not valid.")
    }

    fn decode(sync_state: &str) -> Result<String, ApiError> {
        let bytes = URL_SAFE_NO_PAD.decode(sync_state.trim_end_matches('=')).map_err(|_| Self::invalid())?;
        String::from_utf8(bytes).map_err(|_| Self::invalid())
    }

    /// Parses a message listing's `syncState`.
    pub(crate) fn parse_messages(sync_state: &str) -> Result<u64, ApiError> {
        let text = Self::decode(sync_state)?;
        text.strip_prefix("m1.").and_then(|n| n.parse().ok()).ok_or_else(Self::invalid)
    }

    /// Parses a thread listing's `syncState`.
    pub(crate) fn parse_threads(sync_state: &str) -> Result<(i64, u64), ApiError> {
        let text = Self::decode(sync_state)?;
        let rest = text.strip_prefix("t1.").ok_or_else(Self::invalid)?;
        let (activity, order) = rest.split_once('.').ok_or_else(Self::invalid)?;
        Ok((activity.parse().map_err(|_| Self::invalid())?, order.parse().map_err(|_| Self::invalid())?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let state = Cursor::Messages { before_seq: 42 }.sync_state().unwrap();
        assert_eq!(Cursor::parse_messages(&state).unwrap(), 42);
        let state = Cursor::Threads { activity_ms: -5, order: 7 }.sync_state().unwrap();
        assert_eq!(Cursor::parse_threads(&state).unwrap(), (-5, 7));
        assert!(Cursor::parse_messages("garbage!").is_err());
        assert!(Cursor::parse_threads(&Cursor::Messages { before_seq: 1 }.sync_state().unwrap()).is_err());
        assert_eq!(Cursor::Skip(3).sync_state(), None);
    }
}
