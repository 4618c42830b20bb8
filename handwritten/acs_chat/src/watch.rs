//! Watching a thread by polling its messages: [`ChatThreadEvent`] and [`ChatEventStream`].
//!
//! See [`ChatThreadClient::watch_messages`] for the design and its limits.

use crate::models::{ChatMessage, ChatMessageType, ChatParticipant};
use crate::options::{ListMessagesOptions, WatchMessagesOptions};
use crate::thread::ChatThreadClient;
use acs_common::CommunicationIdentifier;
use azure_core::error::ErrorKind;
use futures::stream::{BoxStream, Stream, StreamExt, TryStreamExt};
use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use time::OffsetDateTime;

/// Something that happened in a watched thread.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ChatThreadEvent {
    /// A new message (text, HTML, or a kind this crate does not know).
    MessageReceived(ChatMessage),
    /// A message was edited; the message as it is now.
    MessageEdited(ChatMessage),
    /// A message was deleted; the message as it is now (no content).
    MessageDeleted(ChatMessage),
    /// The topic changed.
    TopicUpdated {
        /// The new topic.
        topic: Option<String>,
        /// Who changed it.
        updated_by: Option<CommunicationIdentifier>,
        /// The service's `topicUpdated` message.
        message: ChatMessage,
    },
    /// Participants were added.
    ParticipantsAdded {
        /// The participants added.
        participants: Vec<ChatParticipant>,
        /// Who added them.
        added_by: Option<CommunicationIdentifier>,
        /// The service's `participantAdded` message.
        message: ChatMessage,
    },
    /// Participants were removed (or left).
    ParticipantsRemoved {
        /// The participants removed.
        participants: Vec<ChatParticipant>,
        /// Who removed them.
        removed_by: Option<CommunicationIdentifier>,
        /// The service's `participantRemoved` message.
        message: ChatMessage,
    },
}

impl ChatThreadEvent {
    /// The message the event was read from.
    pub fn message(&self) -> &ChatMessage {
        match self {
            Self::MessageReceived(message) | Self::MessageEdited(message) | Self::MessageDeleted(message) => message,
            Self::TopicUpdated { message, .. }
            | Self::ParticipantsAdded { message, .. }
            | Self::ParticipantsRemoved { message, .. } => message,
        }
    }

    /// When it happened: the message's creation, edit or deletion time.
    pub fn occurred_on(&self) -> OffsetDateTime {
        match self {
            Self::MessageEdited(message) => message.edited_on.unwrap_or(message.created_on),
            Self::MessageDeleted(message) => message.deleted_on.unwrap_or(message.created_on),
            other => other.message().created_on,
        }
    }

    /// The event for a message seen for the first time.
    fn new_message(message: ChatMessage) -> Self {
        let (participants, initiator, topic) = match &message.content {
            Some(content) => (content.participants.clone(), content.initiator.clone(), content.topic.clone()),
            None => (Vec::new(), None, None),
        };
        match message.kind {
            ChatMessageType::TopicUpdated => Self::TopicUpdated { topic, updated_by: initiator, message },
            ChatMessageType::ParticipantAdded => Self::ParticipantsAdded { participants, added_by: initiator, message },
            ChatMessageType::ParticipantRemoved => {
                Self::ParticipantsRemoved { participants, removed_by: initiator, message }
            }
            _ => Self::MessageReceived(message),
        }
    }
}

/// The stream of [`ChatThreadEvent`]s of [`ChatThreadClient::watch_messages`]
/// ([`futures::Stream`] of `azure_core::Result<ChatThreadEvent>`). It never ends by itself
/// unless an error ends it; drop it to stop watching.
#[must_use = "a watch makes no request until it is polled"]
pub struct ChatEventStream {
    inner: BoxStream<'static, azure_core::Result<ChatThreadEvent>>,
}

impl fmt::Debug for ChatEventStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChatEventStream").finish_non_exhaustive()
    }
}

impl Stream for ChatEventStream {
    type Item = azure_core::Result<ChatThreadEvent>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

/// What is remembered of a message.
#[derive(Clone, Debug)]
struct Seen {
    version: String,
    created_on: OffsetDateTime,
    deleted: bool,
}

/// The bookkeeping of a watch, without I/O (so it can be tested on its own).
#[derive(Debug)]
pub(crate) struct Tracker {
    edit_window: time::Duration,
    /// The earliest creation time polls ask for.
    floor: OffsetDateTime,
    /// The newest creation time seen.
    newest: Option<OffsetDateTime>,
    /// Messages created before this may have been seen and forgotten: one of them seen again
    /// is not new.
    forgotten_before: OffsetDateTime,
    seen: HashMap<String, Seen>,
    /// Whether the next batch only records what exists (no `start_time`, first poll).
    baseline: bool,
}

impl Tracker {
    pub(crate) fn new(options: &WatchMessagesOptions, now: OffsetDateTime) -> Self {
        let edit_window = time::Duration::try_from(options.edit_window).unwrap_or(time::Duration::MAX);
        let (floor, baseline) = match options.start_time {
            Some(start) => (start, false),
            None => (now.checked_sub(edit_window).unwrap_or(OffsetDateTime::UNIX_EPOCH), true),
        };
        Self { edit_window, floor, newest: None, forgotten_before: floor, seen: HashMap::new(), baseline }
    }

    /// The `startTime` of the next poll.
    pub(crate) fn window_start(&self) -> OffsetDateTime {
        match self.newest.and_then(|newest| newest.checked_sub(self.edit_window)) {
            Some(start) if start > self.floor => start,
            _ => self.floor,
        }
    }

    /// Takes in the messages of one poll and returns the events, oldest first.
    pub(crate) fn observe(&mut self, messages: Vec<ChatMessage>) -> Vec<ChatThreadEvent> {
        let baseline = std::mem::take(&mut self.baseline);
        let mut events = Vec::new();
        let mut returned = HashSet::new();
        for message in messages {
            self.newest = Some(self.newest.map_or(message.created_on, |n| n.max(message.created_on)));
            let now = Seen {
                version: message.version.clone(),
                created_on: message.created_on,
                deleted: message.deleted_on.is_some(),
            };
            let id = message.id.clone();
            // The change the message shows, if it is not what was seen before.
            let change = |message: ChatMessage| {
                if now.deleted {
                    Some(ChatThreadEvent::MessageDeleted(message))
                } else if message.edited_on.is_some() {
                    Some(ChatThreadEvent::MessageEdited(message))
                } else {
                    None
                }
            };
            match self.seen.get(&id) {
                _ if baseline => {}
                // New: received, then the edit or deletion it already shows, so the events do
                // not depend on when the poll happened.
                None if message.created_on >= self.forgotten_before => {
                    events.extend(change(message.clone()));
                    events.push(ChatThreadEvent::new_message(message));
                }
                // Created before what may have been forgotten: report only visible changes.
                None => events.extend(change(message)),
                Some(before) if before.version == now.version || before.deleted => {}
                Some(_) => events.extend(change(message.clone()).or(Some(ChatThreadEvent::MessageEdited(message)))),
            }
            self.seen.insert(id.clone(), now);
            returned.insert(id);
        }
        // Forget what the next poll cannot return (created before its start time), unless this
        // poll returned it anyway.
        let next_start = self.window_start();
        self.seen.retain(|id, seen| seen.created_on >= next_start || returned.contains(id));
        self.forgotten_before = self.forgotten_before.max(next_start);
        events.sort_by_cached_key(|event| {
            let message = event.message();
            let rank = match event {
                ChatThreadEvent::MessageEdited(_) => 1,
                ChatThreadEvent::MessageDeleted(_) => 2,
                _ => 0,
            };
            // Times have millisecond precision: at equal times, creations come before edits and
            // deletions (which always follow their own message's creation).
            (event.occurred_on(), rank, message.sequence_id.parse::<u64>().unwrap_or(u64::MAX), message.id.clone())
        });
        events
    }

    /// How many messages are remembered.
    #[cfg(test)]
    pub(crate) fn remembered(&self) -> usize {
        self.seen.len()
    }
}

/// Whether an error may go away by itself.
pub(crate) fn is_transient(error: &azure_core::Error) -> bool {
    match error.kind() {
        ErrorKind::Io | ErrorKind::Connection => true,
        ErrorKind::HttpResponse { status, .. } => matches!(u16::from(*status), 408 | 429 | 500 | 502 | 503 | 504),
        _ => false,
    }
}

struct WatchState {
    client: ChatThreadClient,
    options: WatchMessagesOptions,
    tracker: Tracker,
    pending: VecDeque<ChatThreadEvent>,
    failures: u32,
    next_delay: Option<Duration>,
    finished: bool,
}

impl WatchState {
    async fn poll_once(&mut self) -> azure_core::Result<Vec<ChatThreadEvent>> {
        let start_time = self.tracker.window_start();
        let messages: Vec<ChatMessage> = self
            .client
            .list_messages(Some(ListMessagesOptions {
                max_page_size: self.options.max_page_size,
                start_time: Some(start_time),
                ..Default::default()
            }))
            .try_collect()
            .await?;
        Ok(self.tracker.observe(messages))
    }

    fn backoff(&self) -> Duration {
        let factor = 2u32.saturating_pow(self.failures.min(16));
        self.options.poll_interval.saturating_mul(factor).min(self.options.max_backoff.max(self.options.poll_interval))
    }
}

pub(crate) fn watch(client: ChatThreadClient, options: WatchMessagesOptions) -> ChatEventStream {
    if options.poll_interval.is_zero() {
        let error = acs_common::error::invalid_argument("poll_interval", "must be longer than zero");
        return ChatEventStream { inner: futures::stream::once(async move { Err(error) }).boxed() };
    }
    let tracker = Tracker::new(&options, OffsetDateTime::now_utc());
    let span = tracing::info_span!("acs_chat.watch_messages", thread_id = client.thread_id());
    let state = WatchState {
        client,
        options,
        tracker,
        pending: VecDeque::new(),
        failures: 0,
        next_delay: None,
        finished: false,
    };
    let stream = futures::stream::unfold(state, move |mut state| {
        let span = span.clone();
        async move {
            loop {
                if let Some(event) = state.pending.pop_front() {
                    return Some((Ok(event), state));
                }
                if state.finished {
                    return None;
                }
                if let Some(delay) = state.next_delay.take() {
                    tokio::time::sleep(delay).await;
                }
                let result = tracing::Instrument::instrument(state.poll_once(), span.clone()).await;
                state.next_delay = Some(state.options.poll_interval);
                match result {
                    Ok(events) => {
                        state.failures = 0;
                        state.pending.extend(events);
                    }
                    Err(error) if is_transient(&error) => {
                        state.failures = state.failures.saturating_add(1);
                        if state.options.max_consecutive_failures.is_some_and(|max| state.failures >= max) {
                            state.finished = true;
                            return Some((Err(error), state));
                        }
                        let delay = state.backoff();
                        tracing::warn!(parent: &span, failures = state.failures, ?delay, error = %error, "watch poll failed; backing off");
                        state.next_delay = Some(delay);
                    }
                    Err(error) => {
                        state.finished = true;
                        return Some((Err(error), state));
                    }
                }
            }
        }
    });
    ChatEventStream { inner: stream.boxed() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::ChatMessageContent;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-11-25 10:00 UTC);

    fn message(id: u64, version: u64, created_secs: i64) -> ChatMessage {
        ChatMessage {
            id: id.to_string(),
            kind: ChatMessageType::Text,
            sequence_id: id.to_string(),
            version: version.to_string(),
            content: Some(ChatMessageContent { message: Some(format!("m{id}")), ..Default::default() }),
            sender_display_name: None,
            created_on: T0 + time::Duration::seconds(created_secs),
            sender: None,
            deleted_on: None,
            edited_on: None,
            metadata: Default::default(),
        }
    }

    fn edited(mut m: ChatMessage, version: u64, at_secs: i64) -> ChatMessage {
        m.version = version.to_string();
        m.edited_on = Some(T0 + time::Duration::seconds(at_secs));
        m
    }

    fn deleted(mut m: ChatMessage, version: u64, at_secs: i64) -> ChatMessage {
        m.version = version.to_string();
        m.deleted_on = Some(T0 + time::Duration::seconds(at_secs));
        m.content = None;
        m
    }

    fn kinds(events: &[ChatThreadEvent]) -> Vec<String> {
        events
            .iter()
            .map(|e| {
                let kind = match e {
                    ChatThreadEvent::MessageReceived(_) => "received",
                    ChatThreadEvent::MessageEdited(_) => "edited",
                    ChatThreadEvent::MessageDeleted(_) => "deleted",
                    ChatThreadEvent::TopicUpdated { .. } => "topic",
                    ChatThreadEvent::ParticipantsAdded { .. } => "added",
                    ChatThreadEvent::ParticipantsRemoved { .. } => "removed",
                };
                format!("{kind}:{}", e.message().id)
            })
            .collect()
    }

    fn options(start: Option<OffsetDateTime>) -> WatchMessagesOptions {
        WatchMessagesOptions { start_time: start, edit_window: Duration::from_secs(60), ..Default::default() }
    }

    #[test]
    fn baseline_then_sends_edits_and_deletes_once_each() {
        let mut tracker = Tracker::new(&options(None), T0 + time::Duration::seconds(10));
        assert_eq!(tracker.window_start(), T0 - time::Duration::seconds(50));
        // The first poll only records what exists.
        assert!(tracker.observe(vec![message(1, 1, 0)]).is_empty());
        assert_eq!(tracker.window_start(), T0 - time::Duration::seconds(50), "never before the floor");
        // New, then nothing new.
        let polled = vec![message(2, 2, 20), message(1, 1, 0)];
        assert_eq!(kinds(&tracker.observe(polled.clone())), ["received:2"]);
        assert!(tracker.observe(polled).is_empty());
        assert_eq!(tracker.window_start(), T0 - time::Duration::seconds(40));
        // An edit of 1 and a deletion of 2, reported in the order they happened.
        let polled = vec![deleted(message(2, 2, 20), 4, 30), edited(message(1, 1, 0), 3, 25)];
        assert_eq!(kinds(&tracker.observe(polled.clone())), ["edited:1", "deleted:2"]);
        assert!(tracker.observe(polled).is_empty());
        // A deleted message changing version again is not reported again.
        assert!(tracker.observe(vec![deleted(message(2, 2, 20), 9, 31)]).is_empty());
    }

    #[test]
    fn start_time_reports_existing_messages_in_order() {
        let mut tracker = Tracker::new(&options(Some(T0)), T0 + time::Duration::hours(1));
        assert_eq!(tracker.window_start(), T0);
        let mut topic = message(3, 3, 2);
        topic.kind = ChatMessageType::TopicUpdated;
        topic.content = Some(ChatMessageContent { topic: Some("New".into()), ..Default::default() });
        let mut added = message(4, 4, 3);
        added.kind = ChatMessageType::ParticipantAdded;
        let mut removed = message(5, 5, 4);
        removed.kind = ChatMessageType::ParticipantRemoved;
        let gone = deleted(message(6, 6, 5), 7, 6);
        let once_edited = edited(message(7, 8, 7), 9, 8);
        let events =
            tracker.observe(vec![once_edited, gone, removed, added, topic, message(2, 2, 1), message(1, 1, 0)]);
        assert_eq!(
            kinds(&events),
            [
                "received:1",
                "received:2",
                "topic:3",
                "added:4",
                "removed:5",
                "received:6",
                "deleted:6",
                "received:7",
                "edited:7"
            ]
        );
        match &events[2] {
            ChatThreadEvent::TopicUpdated { topic, .. } => assert_eq!(topic.as_deref(), Some("New")),
            other => panic!("{other:?}"),
        }
        assert_eq!(events[6].occurred_on(), T0 + time::Duration::seconds(6));

        // Within one millisecond: creations first, in sequence, then the edit.
        let mut tracker = Tracker::new(&options(Some(T0)), T0);
        let events = tracker.observe(vec![message(9, 9, 0), edited(message(8, 8, 0), 10, 0)]);
        assert_eq!(kinds(&events), ["received:8", "received:9", "edited:8"]);
    }

    #[test]
    fn old_messages_are_forgotten_and_not_reported_again() {
        let mut tracker = Tracker::new(&options(Some(T0)), T0);
        tracker.observe(vec![message(1, 1, 0)]);
        // A message two minutes later moves the window past message 1, which is forgotten.
        assert_eq!(kinds(&tracker.observe(vec![message(2, 2, 120)])), ["received:2"]);
        assert_eq!(tracker.window_start(), T0 + time::Duration::seconds(60));
        assert_eq!(tracker.remembered(), 1);
        // Should a service return it again (it filters on creation time, so it does not), an
        // unchanged old message is not new, and an edited one is an edit.
        assert!(tracker.observe(vec![message(1, 1, 0)]).is_empty());
        assert_eq!(kinds(&tracker.observe(vec![edited(message(1, 1, 0), 5, 130)])), ["edited:1"]);
        assert!(tracker.observe(vec![edited(message(1, 1, 0), 5, 130)]).is_empty());
    }

    #[test]
    fn transient_errors() {
        use azure_core::http::{headers::Headers, RawResponse, StatusCode};
        let http = |status: u16| {
            let status = StatusCode::from(status);
            azure_core::Error::with_message(
                ErrorKind::HttpResponse {
                    status,
                    error_code: None,
                    raw_response: Some(Box::new(RawResponse::from_bytes(status, Headers::new(), ""))),
                },
                "x",
            )
        };
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(is_transient(&http(status)), "{status}");
        }
        for status in [400, 401, 403, 404, 409] {
            assert!(!is_transient(&http(status)), "{status}");
        }
        assert!(is_transient(&azure_core::Error::with_message(ErrorKind::Io, "reset")));
        assert!(!is_transient(&azure_core::Error::with_message(ErrorKind::DataConversion, "bad json")));
    }
}
