//! Identifiers from and to the wire.

use crate::error::ApiError;
use crate::limits::*;
use acs_chat_models::CommunicationIdentifierModel;
use acs_common::CommunicationIdentifier;

/// Canonical identifier of a wire model: the model's nested identifier or kind when given,
/// otherwise its raw id parsed with the service's rules.
pub(crate) fn canonical_identifier(
    model: &CommunicationIdentifierModel,
    field: &str,
) -> Result<CommunicationIdentifier, ApiError> {
    let nested = model.communication_user.is_some()
        || model.phone_number.is_some()
        || model.microsoft_teams_user.is_some()
        || model.microsoft_teams_app.is_some()
        || model.teams_extension_user.is_some();
    let identifier = if nested {
        CommunicationIdentifier::try_from(model)
            .map_err(|e| ApiError::invalid_field(field, format!("Invalid communication identifier: {e}")))?
    } else {
        match model.raw_id.as_deref() {
            Some(raw) if !raw.trim().is_empty() => CommunicationIdentifier::from_raw_id(raw),
            _ => {
                return Err(ApiError::invalid_field(
                    field,
                    "The communication identifier needs a rawId or a nested identifier.",
                ))
            }
        }
    };
    if identifier.raw_id().is_empty() || identifier.raw_id().len() > MAX_ID_LENGTH {
        return Err(ApiError::invalid_field(field, "The communication identifier is empty or too long."));
    }
    Ok(identifier)
}

/// The response model of an identifier (kind, rawId and the nested identifier).
pub(crate) fn identifier_model(raw_id: &str) -> CommunicationIdentifierModel {
    CommunicationIdentifierModel::from(&CommunicationIdentifier::from_raw_id(raw_id))
}
