//! The typing-notification throttle, shared by every [`ChatThreadClient`](crate::ChatThreadClient)
//! of one [`ChatClient`](crate::ChatClient), per thread: a server that makes a thread client per
//! request is throttled like one long-lived client.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::time::Instant;

/// The shortest time between two typing notifications to one thread from one
/// [`ChatClient`](crate::ChatClient) (8 seconds, as in the official JavaScript SDK). Calls within
/// it send nothing.
pub const TYPING_NOTIFICATION_INTERVAL: Duration = Duration::from_secs(8);

/// When the last typing notification went to each thread.
#[derive(Clone, Debug, Default)]
pub(crate) struct TypingThrottle {
    last: Arc<Mutex<HashMap<Arc<str>, Instant>>>,
}

impl TypingThrottle {
    /// Claims the right to send to `thread` now: `Some(previous)` (to give back if sending
    /// fails), or `None` when a notification went out less than the interval ago.
    pub(crate) fn claim(&self, thread: &Arc<str>, now: Instant, ignore: bool) -> Option<Option<Instant>> {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        // Entries older than the interval throttle nothing: drop them, so the map stays small.
        last.retain(|_, at| now.saturating_duration_since(*at) < TYPING_NOTIFICATION_INTERVAL);
        let previous = last.get(thread).copied();
        if previous.is_some() && !ignore {
            return None;
        }
        last.insert(thread.clone(), now);
        Some(previous)
    }

    /// Gives a claim back after a notification that failed.
    pub(crate) fn release(&self, thread: &Arc<str>, claimed: Instant, previous: Option<Instant>) {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if last.get(thread) == Some(&claimed) {
            match previous {
                Some(at) => last.insert(thread.clone(), at),
                None => last.remove(thread),
            };
        }
    }

    /// Forgets `thread` (after a message is sent, the next notification goes out at once).
    pub(crate) fn reset(&self, thread: &Arc<str>) {
        self.last.lock().unwrap_or_else(PoisonError::into_inner).remove(thread);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_notification_per_interval_per_thread() {
        let throttle = TypingThrottle::default();
        let (a, b): (Arc<str>, Arc<str>) = (Arc::from("19:a"), Arc::from("19:b"));
        let now = Instant::now();
        assert_eq!(throttle.claim(&a, now, false), Some(None));
        assert_eq!(throttle.claim(&a, now + Duration::from_secs(1), false), None);
        assert!(throttle.claim(&b, now, false).is_some(), "another thread is not throttled");
        assert!(throttle.claim(&a, now + TYPING_NOTIFICATION_INTERVAL, false).is_some());
        throttle.reset(&a);
        assert!(throttle.claim(&a, now + TYPING_NOTIFICATION_INTERVAL, false).is_some());
    }

    #[test]
    fn a_failed_notification_gives_its_claim_back() {
        let throttle = TypingThrottle::default();
        let a: Arc<str> = Arc::from("19:a");
        let now = Instant::now();
        let previous = throttle.claim(&a, now, false).unwrap();
        throttle.release(&a, now, previous);
        assert!(throttle.claim(&a, now, false).is_some());
    }
}
