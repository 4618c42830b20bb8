//! The service's validation rules, as the emulator applies them.

use crate::error::ApiError;
use crate::limits::*;
use acs_chat_models::{ChatRetentionPolicy, CommunicationError};
use acs_common::CommunicationIdentifier;
use std::collections::HashMap;

use super::*;

/// The metadata an update sets: it replaces the whole map, as the service does; entries sent as
/// `null` (the merge-patch way to remove a key) are left out.
pub(super) fn metadata_update(patch: HashMap<String, Option<String>>) -> Result<HashMap<String, String>, ApiError> {
    let replaced: HashMap<String, String> = patch.into_iter().filter_map(|(key, value)| Some((key, value?))).collect();
    validate_metadata("metadata", &Some(replaced.clone()))?;
    Ok(replaced)
}

pub(super) fn validate_metadata(field: &str, metadata: &Option<HashMap<String, String>>) -> Result<(), ApiError> {
    if let Some(metadata) = metadata {
        let size: usize = metadata.iter().map(|(k, v)| k.len() + v.len()).sum();
        if size > MAX_METADATA_BYTES {
            return Err(ApiError::invalid_field(
                field,
                format!("The metadata is {size} bytes; at most {MAX_METADATA_BYTES} bytes are allowed."),
            ));
        }
        if metadata.keys().any(|k| k.is_empty()) {
            return Err(ApiError::invalid_field(field, "Metadata keys must not be empty."));
        }
    }
    Ok(())
}

pub(super) fn validate_display_name(field: &str, name: &Option<String>) -> Result<(), ApiError> {
    match name {
        Some(name) if name.chars().count() > MAX_DISPLAY_NAME_CHARS => Err(ApiError::invalid_field(
            field,
            format!("The display name is longer than {MAX_DISPLAY_NAME_CHARS} characters."),
        )),
        _ => Ok(()),
    }
}

pub(super) fn validate_topic(topic: &str) -> Result<(), ApiError> {
    if topic.trim().is_empty() {
        return Err(ApiError::invalid_field("topic", "The topic must not be empty."));
    }
    if topic.chars().count() > MAX_TOPIC_CHARS {
        return Err(ApiError::invalid_field(
            "topic",
            format!("The topic is longer than {MAX_TOPIC_CHARS} characters."),
        ));
    }
    Ok(())
}

pub(super) fn validate_retention(policy: &Option<ChatRetentionPolicy>) -> Result<(), ApiError> {
    match policy {
        None | Some(ChatRetentionPolicy::None(_)) => Ok(()),
        Some(ChatRetentionPolicy::ThreadCreationDate(p)) => {
            if (MIN_RETENTION_DAYS..=MAX_RETENTION_DAYS).contains(&p.delete_thread_after_days) {
                Ok(())
            } else {
                Err(ApiError::invalid_field(
                    "retentionPolicy.deleteThreadAfterDays",
                    format!(
                        "deleteThreadAfterDays must be within [{MIN_RETENTION_DAYS}, {MAX_RETENTION_DAYS}], not {}.",
                        p.delete_thread_after_days
                    ),
                ))
            }
        }
        Some(other) => Err(ApiError::invalid_field(
            "retentionPolicy.kind",
            format!("Unknown retention policy kind {}.", other.kind()),
        )),
    }
}

pub(super) fn validate_content(field: &str, content: &str) -> Result<(), ApiError> {
    if content.is_empty() {
        return Err(ApiError::invalid_field(field, "The message content must not be empty."));
    }
    if content.len() > MAX_MESSAGE_BYTES {
        return Err(ApiError::invalid_field(
            field,
            format!("The message content is {} bytes; at most {MAX_MESSAGE_BYTES} bytes are allowed.", content.len()),
        ));
    }
    Ok(())
}

/// Why a participant cannot be added.
pub(super) fn participant_problem(
    resource_id: &str,
    users: &HashMap<String, UserRecord>,
    id: &CommunicationIdentifier,
) -> Option<CommunicationError> {
    let raw = id.raw_id();
    let error = |code: &str, message: &str| CommunicationError {
        code: code.to_owned(),
        message: message.to_owned(),
        target: Some(raw.to_owned()),
        ..Default::default()
    };
    match id {
        CommunicationIdentifier::CommunicationUser(_) => {
            let own = raw.strip_prefix("8:acs:").is_some_and(|rest| rest.starts_with(&format!("{resource_id}_")));
            if !own {
                return Some(error("403", "Permissions check failed"));
            }
            match users.get(raw) {
                Some(user) if !user.deleted => None,
                _ => Some(error("404", "Not found")),
            }
        }
        CommunicationIdentifier::MicrosoftTeamsUser(_) if users.get(raw).is_some_and(|u| !u.deleted) => None,
        _ => Some(error("403", "Permissions check failed")),
    }
}
