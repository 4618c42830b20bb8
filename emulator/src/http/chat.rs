//! The Chat operations.

use super::{empty, json_response, parse_json, AppState, Incoming, Op};
use crate::error::ApiError;
use crate::events;
use crate::limits::*;
use crate::paging::Cursor;
use acs_chat_models::{
    AddChatParticipantsRequest, ChatMessageReadReceiptsCollection, ChatMessagesCollection, ChatParticipant,
    ChatParticipantsCollection, ChatThreadProperties, ChatThreadsItemCollection, CommunicationIdentifierModel,
    CreateChatThreadRequest, SendChatMessageRequest, SendChatMessageResult, SendReadReceiptRequest,
    SendTypingNotificationRequest, UpdateChatMessageRequest, UpdateChatThreadRequest,
};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use time::OffsetDateTime;

/// Runs a Chat operation for the user `caller`, then publishes the events of the change it made
/// (only when some webhook subscribed).
pub(super) fn handle(state: &AppState, incoming: Incoming, caller: &str) -> Result<Response, ApiError> {
    // With subscribers, a change and the reading of its events happen as one step, so events are
    // queued in the order of the changes and describe the state each change left.
    // Read once: a subscription added meanwhile starts with the next request.
    let publishing = state.events.active();
    let _in_order = publishing.then(|| state.events.in_order());
    let before = match (&incoming.op, publishing) {
        (Op::DeleteThread(id) | Op::RemoveParticipant(id), true) => state.store().thread_snapshot(id),
        _ => None,
    };
    let response = chat(state, incoming.op.clone(), &incoming, caller)?;
    if publishing {
        let published = publish(state, &incoming, caller, &response, before);
        state.events.publish(published);
    }
    Ok(response)
}

/// The events of the change a successful operation made.
fn publish(
    state: &AppState,
    incoming: &Incoming,
    caller: &str,
    response: &Response,
    before: Option<(ChatThreadProperties, Vec<ChatParticipant>)>,
) -> Vec<events::Outgoing> {
    let ids = |participants: &[ChatParticipant]| -> Vec<String> {
        participants.iter().filter_map(|p| p.communication_identifier.raw_id.clone()).collect()
    };
    let snapshot = |id: &str| state.store().thread_snapshot(id);
    let message = |id: &str, message_id: &str, change| {
        let Some((_, participants)) = snapshot(id) else { return Vec::new() };
        match state.store().get_message(id, caller, message_id) {
            Ok(message) => events::message_events(change, id, &message, &ids(&participants)),
            Err(_) => Vec::new(),
        }
    };
    match &incoming.op {
        Op::CreateThread => {
            let Some(location) = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()) else {
                return Vec::new();
            };
            let id = percent_encoding::percent_decode_str(location.rsplit('/').next().unwrap_or_default())
                .decode_utf8_lossy()
                .into_owned();
            match snapshot(&id) {
                Some((thread, participants)) => events::thread_created(&thread, caller, &participants),
                None => Vec::new(),
            }
        }
        Op::UpdateThread(id) => match snapshot(id) {
            Some((thread, participants)) => events::thread_updated(&thread, caller, &ids(&participants)),
            None => Vec::new(),
        },
        Op::DeleteThread(_) => match before {
            Some((thread, participants)) => events::thread_deleted(&thread, caller, &ids(&participants)),
            None => Vec::new(),
        },
        Op::SendMessage(id) => {
            let Some(location) = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()) else {
                return Vec::new();
            };
            message(id, location.rsplit('/').next().unwrap_or_default(), events::MessageChange::Received)
        }
        Op::UpdateMessage(id, message_id) => message(id, message_id, events::MessageChange::Edited),
        Op::DeleteMessage(id, message_id) => message(id, message_id, events::MessageChange::Deleted),
        Op::AddParticipants(id) => {
            let Some((thread, participants)) = snapshot(id) else { return Vec::new() };
            let Ok(request) = serde_json::from_slice::<AddChatParticipantsRequest>(&incoming.body) else {
                return Vec::new();
            };
            let recipients = ids(&participants);
            request
                .participants
                .iter()
                .filter(|p| p.communication_identifier.raw_id.as_ref().is_some_and(|raw| recipients.contains(raw)))
                .flat_map(|added| events::participant_changed(&thread, added, caller, true, &recipients))
                .collect()
        }
        Op::RemoveParticipant(_) => {
            let (Some((thread, participants)), Ok(removed)) =
                (before, serde_json::from_slice::<CommunicationIdentifierModel>(&incoming.body))
            else {
                return Vec::new();
            };
            let removed_id = crate::state::identifier_model(removed.raw_id.as_deref().unwrap_or_default());
            let who = participants
                .iter()
                .find(|p| p.communication_identifier.raw_id == removed_id.raw_id)
                .cloned()
                .unwrap_or_else(|| model!(ChatParticipant { communication_identifier: removed_id.clone() }));
            events::participant_changed(&thread, &who, caller, false, &ids(&participants))
        }
        Op::Typing(id) => {
            let name = serde_json::from_slice::<SendTypingNotificationRequest>(&incoming.body)
                .ok()
                .and_then(|r| r.sender_display_name);
            events::typing(id, caller, name.as_deref())
        }
        _ => Vec::new(),
    }
}

fn chat(state: &AppState, op: Op, incoming: &Incoming, caller: &str) -> Result<Response, ApiError> {
    let scheme = state.scheme;
    let base = format!("{scheme}://{}", incoming.host);
    match op {
        Op::CreateThread => {
            let request: CreateChatThreadRequest = parse_json(&incoming.body)?;
            let repeatability = incoming.header("repeatability-request-id").map(str::trim).filter(|v| !v.is_empty());
            if repeatability.is_some_and(|v| v.len() > MAX_ID_LENGTH) {
                return Err(ApiError::invalid_field(
                    "repeatability-request-id",
                    "The repeatability-request-id is too long.",
                ));
            }
            let result = state.store().create_thread(caller, request, repeatability)?;
            let location = result
                .chat_thread
                .as_ref()
                .map(|t| format!("{base}/chat/threads/{}", encode_segment(&t.id)))
                .unwrap_or_default();
            Ok(with_location(json_response(StatusCode::CREATED, &result), location))
        }
        Op::ListThreads => {
            let size = page_size(incoming)?;
            let start = start_time(incoming)?;
            let after = incoming.query("syncState").map(Cursor::parse_threads).transpose()?;
            let page = state.store().list_threads(caller, size, start, after);
            let link = next_link(incoming, scheme, page.next);
            Ok(json_response(StatusCode::OK, &model!(ChatThreadsItemCollection { value: page.items, next_link: link })))
        }
        Op::GetThread(id) => {
            validate_thread_id(&id)?;
            let properties = state.store().get_thread(&id, caller)?;
            Ok(json_response(StatusCode::OK, &properties))
        }
        Op::UpdateThread(id) => {
            validate_thread_id(&id)?;
            let request: UpdateChatThreadRequest = parse_json(&incoming.body)?;
            state.store().update_thread(&id, caller, request)?;
            Ok(empty(StatusCode::NO_CONTENT))
        }
        Op::DeleteThread(id) => {
            validate_thread_id(&id)?;
            state.store().delete_thread(&id, caller)?;
            Ok(empty(StatusCode::NO_CONTENT))
        }
        Op::SendMessage(id) => {
            validate_thread_id(&id)?;
            let request: SendChatMessageRequest = parse_json(&incoming.body)?;
            let message_id = state.store().send_message(&id, caller, request)?;
            let location = format!("{base}/chat/threads/{}/messages/{message_id}", encode_segment(&id));
            Ok(with_location(
                json_response(StatusCode::CREATED, &model!(SendChatMessageResult { id: message_id })),
                location,
            ))
        }
        Op::ListMessages(id) => {
            validate_thread_id(&id)?;
            let size = page_size(incoming)?;
            let start = start_time(incoming)?;
            let before = incoming.query("syncState").map(Cursor::parse_messages).transpose()?;
            let page = state.store().list_messages(&id, caller, size, start, before)?;
            let link = next_link(incoming, scheme, page.next);
            Ok(json_response(StatusCode::OK, &model!(ChatMessagesCollection { value: page.items, next_link: link })))
        }
        Op::GetMessage(id, message_id) => {
            validate_thread_id(&id)?;
            validate_message_id(&message_id)?;
            let message = state.store().get_message(&id, caller, &message_id)?;
            Ok(json_response(StatusCode::OK, &message))
        }
        Op::UpdateMessage(id, message_id) => {
            validate_thread_id(&id)?;
            validate_message_id(&message_id)?;
            let request: UpdateChatMessageRequest = parse_json(&incoming.body)?;
            state.store().update_message(&id, caller, &message_id, request)?;
            Ok(empty(StatusCode::NO_CONTENT))
        }
        Op::DeleteMessage(id, message_id) => {
            validate_thread_id(&id)?;
            validate_message_id(&message_id)?;
            state.store().delete_message(&id, caller, &message_id)?;
            Ok(empty(StatusCode::NO_CONTENT))
        }
        Op::ListParticipants(id) => {
            validate_thread_id(&id)?;
            let (size, skip) = (page_size(incoming)?, skip(incoming)?);
            let page = state.store().list_participants(&id, caller, size, skip)?;
            let link = next_link(incoming, scheme, page.next);
            Ok(json_response(
                StatusCode::OK,
                &model!(ChatParticipantsCollection { value: page.items, next_link: link }),
            ))
        }
        Op::AddParticipants(id) => {
            validate_thread_id(&id)?;
            let request: AddChatParticipantsRequest = parse_json(&incoming.body)?;
            let result = state.store().add_participants(&id, caller, request.participants)?;
            Ok(json_response(StatusCode::CREATED, &result))
        }
        Op::RemoveParticipant(id) => {
            validate_thread_id(&id)?;
            let request: CommunicationIdentifierModel = parse_json(&incoming.body)?;
            state.store().remove_participant(&id, caller, &request)?;
            Ok(empty(StatusCode::NO_CONTENT))
        }
        Op::SendReadReceipt(id) => {
            validate_thread_id(&id)?;
            let request: SendReadReceiptRequest = parse_json(&incoming.body)?;
            state.store().send_read_receipt(&id, caller, &request.chat_message_id)?;
            Ok(empty(StatusCode::OK))
        }
        Op::ListReadReceipts(id) => {
            validate_thread_id(&id)?;
            let (size, skip) = (page_size(incoming)?, skip(incoming)?);
            let page = state.store().list_read_receipts(&id, caller, size, skip)?;
            let link = next_link(incoming, scheme, page.next);
            Ok(json_response(
                StatusCode::OK,
                &model!(ChatMessageReadReceiptsCollection { value: page.items, next_link: link }),
            ))
        }
        Op::Typing(id) => {
            validate_thread_id(&id)?;
            let request: SendTypingNotificationRequest = if incoming.body.iter().all(u8::is_ascii_whitespace) {
                Default::default()
            } else {
                parse_json(&incoming.body)?
            };
            if request.sender_display_name.as_ref().is_some_and(|n| n.chars().count() > MAX_DISPLAY_NAME_CHARS) {
                return Err(ApiError::invalid_field("senderDisplayName", "The display name is too long."));
            }
            state.store().check_member(&id, caller)?;
            Ok(empty(StatusCode::OK))
        }
        _ => Err(ApiError::not_found("The requested resource does not exist.")),
    }
}

// Paging and ids.

fn page_size(incoming: &Incoming) -> Result<usize, ApiError> {
    match incoming.query("maxPageSize") {
        None => Ok(DEFAULT_PAGE_SIZE),
        Some(text) => match text.trim().parse::<i64>() {
            Ok(n) if n > 0 => Ok(usize::try_from(n).unwrap_or(MAX_PAGE_SIZE).min(MAX_PAGE_SIZE)),
            _ => Err(ApiError::invalid_field(
                "maxPageSize",
                format!("maxPageSize must be a positive integer, not '{text}'."),
            )),
        },
    }
}

fn skip(incoming: &Incoming) -> Result<usize, ApiError> {
    match incoming.query("skip") {
        None => Ok(0),
        Some(text) => match text.trim().parse::<i64>() {
            Ok(n) if n >= 0 => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
            _ => Err(ApiError::invalid_field("skip", format!("skip must be a non-negative integer, not '{text}'."))),
        },
    }
}

fn start_time(incoming: &Incoming) -> Result<Option<OffsetDateTime>, ApiError> {
    let Some(text) = incoming.query("startTime") else { return Ok(None) };
    let text = text.trim();
    if let Ok(time) = OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339) {
        return Ok(Some(time));
    }
    // Epoch milliseconds, as some service nextLinks carry (`startTime=0`).
    if let Ok(ms) = text.parse::<i64>() {
        if let Ok(time) = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000) {
            return Ok(Some(time));
        }
    }
    Err(ApiError::invalid_field("startTime", format!("startTime '{text}' is not an RFC 3339 date-time.")))
}

fn next_link(incoming: &Incoming, scheme: &str, cursor: Option<Cursor>) -> Option<String> {
    let cursor = cursor?;
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    match cursor {
        Cursor::Skip(skip) => {
            query.append_pair("skip", &skip.to_string());
        }
        other => {
            query.append_pair("syncState", &other.sync_state().unwrap_or_default());
        }
    }
    if let Some(start) = incoming.query("startTime") {
        query.append_pair("startTime", start);
    }
    if let Some(size) = incoming.query("maxPageSize") {
        query.append_pair("maxPageSize", size);
    }
    query.append_pair("api-version", incoming.query("api-version").unwrap_or_default());
    Some(format!("{scheme}://{}{}?{}", incoming.host, incoming.path, query.finish()))
}

fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, NON_ALPHANUMERIC).to_string()
}

fn validate_thread_id(id: &str) -> Result<(), ApiError> {
    if id.starts_with("19:") && id.len() <= MAX_ID_LENGTH {
        Ok(())
    } else {
        Err(ApiError::invalid_field("chatThreadId", format!("'{id}' is not a valid chat thread id.")))
    }
}

fn validate_message_id(id: &str) -> Result<(), ApiError> {
    if !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ApiError::invalid_field("chatMessageId", format!("'{id}' is not a valid chat message id.")))
    }
}

fn with_location(mut response: Response, location: String) -> Response {
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}
