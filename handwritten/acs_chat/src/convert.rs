//! Conversions between the wire models of `acs_chat_models` and this crate's models.

use crate::models::*;
use acs_chat_models as wire;
use acs_common::error::invalid_data;
use acs_common::CommunicationIdentifier;
use std::collections::HashMap;

/// Metadata as a merge patch: every entry set (none removed).
pub(crate) fn metadata_patch(metadata: Metadata) -> HashMap<String, Option<String>> {
    metadata.into_iter().map(|(key, value)| (key, Some(value))).collect()
}

/// An identifier from the wire (the raw id is the identity; see `acs_common`).
pub(crate) fn identifier(model: wire::CommunicationIdentifierModel) -> azure_core::Result<CommunicationIdentifier> {
    CommunicationIdentifier::try_from(model)
}

pub(crate) fn participant(model: wire::ChatParticipant) -> azure_core::Result<ChatParticipant> {
    Ok(ChatParticipant {
        identifier: identifier(model.communication_identifier)?,
        display_name: model.display_name,
        share_history_time: model.share_history_time,
        metadata: model.metadata.unwrap_or_default(),
    })
}

pub(crate) fn participant_to_wire(participant: &ChatParticipant) -> wire::ChatParticipant {
    wire::ChatParticipant {
        communication_identifier: (&participant.identifier).into(),
        display_name: participant.display_name.clone(),
        share_history_time: participant.share_history_time,
        metadata: (!participant.metadata.is_empty()).then(|| participant.metadata.clone()),
    }
}

pub(crate) fn message(model: wire::ChatMessage) -> azure_core::Result<ChatMessage> {
    let content = match model.content {
        Some(content) => Some(ChatMessageContent {
            message: content.message,
            topic: content.topic,
            participants: content
                .participants
                .unwrap_or_default()
                .into_iter()
                .map(participant)
                .collect::<azure_core::Result<_>>()?,
            attachments: content.attachments.unwrap_or_default(),
            initiator: content.initiator_communication_identifier.map(identifier).transpose()?,
        }),
        None => None,
    };
    Ok(ChatMessage {
        id: model.id,
        kind: model.r#type,
        sequence_id: model.sequence_id,
        version: model.version,
        content,
        sender_display_name: model.sender_display_name,
        created_on: model.created_on,
        sender: model.sender_communication_identifier.map(identifier).transpose()?,
        deleted_on: model.deleted_on,
        edited_on: model.edited_on,
        metadata: model.metadata.unwrap_or_default(),
    })
}

pub(crate) fn thread_properties(model: wire::ChatThreadProperties) -> azure_core::Result<ChatThreadProperties> {
    Ok(ChatThreadProperties {
        id: model.id,
        topic: model.topic,
        created_on: model.created_on,
        created_by: identifier(model.created_by_communication_identifier)?,
        deleted_on: model.deleted_on,
        metadata: model.metadata.unwrap_or_default(),
        retention_policy: model.retention_policy,
    })
}

pub(crate) fn thread_item(model: wire::ChatThreadItem) -> azure_core::Result<ChatThreadItem> {
    Ok(model)
}

pub(crate) fn read_receipt(model: wire::ChatMessageReadReceipt) -> azure_core::Result<ChatMessageReadReceipt> {
    Ok(ChatMessageReadReceipt {
        sender: identifier(model.sender_communication_identifier)?,
        chat_message_id: model.chat_message_id,
        read_on: model.read_on,
    })
}

/// Pairs each error of a partial failure with the request participant whose raw id is the
/// error's `target` (every identifier kind has a raw id, so every kind can be matched).
/// Each participant is matched at most once, so duplicates in the request pair up in order.
pub(crate) fn pair_failures(
    requested: &[ChatParticipant],
    errors: Vec<wire::CommunicationError>,
) -> Vec<ParticipantFailure> {
    let mut used = vec![false; requested.len()];
    errors
        .into_iter()
        .map(|error| {
            let found = error.target.as_deref().and_then(|target| {
                (0..requested.len()).find(|&i| !used[i] && requested[i].identifier.raw_id() == target)
            });
            let participant = found.map(|i| {
                used[i] = true;
                requested[i].clone()
            });
            ParticipantFailure { participant, error }
        })
        .collect()
}

/// The thread of a create-thread response, which the spec marks optional.
pub(crate) fn created_thread(model: Option<wire::ChatThreadProperties>) -> azure_core::Result<ChatThreadProperties> {
    thread_properties(model.ok_or_else(|| invalid_data("the create-thread response has no `chatThread`"))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use acs_common::{
        CommunicationCloudEnvironment, MicrosoftTeamsAppIdentifier, MicrosoftTeamsUserIdentifier,
        PhoneNumberIdentifier, TeamsExtensionUserIdentifier, UnknownIdentifier,
    };

    fn error(target: Option<&str>) -> wire::CommunicationError {
        wire::CommunicationError {
            code: "403".into(),
            message: "refused".into(),
            target: target.map(str::to_owned),
            details: None,
            inner_error: None,
        }
    }

    #[test]
    fn failures_pair_by_raw_id_for_every_kind() {
        let identifiers: Vec<CommunicationIdentifier> = vec![
            CommunicationIdentifier::from_raw_id("8:acs:resource_user"),
            PhoneNumberIdentifier::new("+14255550123").into(),
            MicrosoftTeamsUserIdentifier::new("teams-user", CommunicationCloudEnvironment::Gcch).into(),
            MicrosoftTeamsUserIdentifier::anonymous("visitor").into(),
            MicrosoftTeamsAppIdentifier::new("app", CommunicationCloudEnvironment::Dod).into(),
            TeamsExtensionUserIdentifier::new("user", "tenant", "resource", CommunicationCloudEnvironment::Public)
                .into(),
            UnknownIdentifier::new("28:ag08-global:bot").into(),
        ];
        let requested: Vec<ChatParticipant> =
            identifiers.iter().cloned().map(|id| ChatParticipant::new(id).with_display_name("x")).collect();
        // Errors in reverse order, plus one whose target matches nobody and one without target.
        let mut errors: Vec<_> = identifiers.iter().rev().map(|id| error(Some(id.raw_id()))).collect();
        errors.push(error(Some("8:acs:resource_stranger")));
        errors.push(error(None));
        let failures = pair_failures(&requested, errors);
        assert_eq!(failures.len(), identifiers.len() + 2);
        for (failure, id) in failures.iter().zip(identifiers.iter().rev()) {
            assert_eq!(failure.participant.as_ref().map(|p| &p.identifier), Some(id), "{id}");
            assert_eq!(failure.error.target.as_deref(), Some(id.raw_id()));
        }
        assert!(failures[identifiers.len()].participant.is_none());
        assert!(failures[identifiers.len() + 1].participant.is_none());
    }

    #[test]
    fn duplicate_participants_pair_in_order() {
        let id = CommunicationIdentifier::from_raw_id("4:+1555");
        let requested = vec![ChatParticipant::new(id.clone()).with_display_name("a"), ChatParticipant::new(id.clone())];
        let failures = pair_failures(&requested, vec![error(Some("4:+1555")), error(Some("4:+1555"))]);
        assert_eq!(failures[0].participant.as_ref().unwrap().display_name.as_deref(), Some("a"));
        assert_eq!(failures[1].participant.as_ref().unwrap().display_name, None);
    }

    #[test]
    fn identifier_falls_back_to_raw_id() {
        let model = wire::CommunicationIdentifierModel {
            raw_id: Some("8:acs:r_u".into()),
            communication_user: Some(wire::CommunicationUserIdentifierModel { id: "8:acs:r_u".into() }),
            phone_number: Some(wire::PhoneNumberIdentifierModel { value: "+1".into(), ..Default::default() }),
            ..Default::default()
        };
        assert_eq!(identifier(model).unwrap().raw_id(), "8:acs:r_u");
        assert!(identifier(wire::CommunicationIdentifierModel::default()).is_err());
    }

    #[test]
    fn models_serialize_with_identifiers_as_raw_ids() {
        let participant =
            ChatParticipant::new(CommunicationIdentifier::from_raw_id("4:+1555")).with_display_name("Ann");
        let json = serde_json::to_value(&participant).unwrap();
        assert_eq!(json["identifier"], "4:+1555");
        assert_eq!(json["displayName"], "Ann");
        let back: ChatParticipant = serde_json::from_value(json).unwrap();
        assert_eq!(back, participant);
    }
}
