//! Conversions between this crate's identifiers and the generated wire models of `acs_common_models`.
//!
//! * [`CommunicationIdentifier`] ⇄ [`CommunicationIdentifierModel`]. From the model, `kind` is
//!   used when present, otherwise the one nested identifier that is set; `rawId` is kept. A model
//!   with two nested identifiers, a `kind` that disagrees with its nested identifier, or nothing
//!   to go by, is an [`ErrorKind::DataConversion`](azure_core::error::ErrorKind::DataConversion)
//!   error. A kind or cloud this SDK does not know becomes an
//!   [`UnknownIdentifier`] holding the `rawId`. As in the official SDKs, the `rawId` is the identity:
//!   a communication user's id is its `rawId` when the service sends one, and a model with only a
//!   `rawId` is parsed as a raw id ([`CommunicationIdentifier::from_raw_id`]).
//!
//! # Example
//!
//! ```
//! use acs_common_models::CommunicationIdentifierModel;
//! use acs_common::CommunicationIdentifier;
//!
//! let json = r#"{"rawId":"4:+14255550123","phoneNumber":{"value":"+14255550123"}}"#;
//! let model: CommunicationIdentifierModel = serde_json::from_str(json).unwrap();
//! let id = CommunicationIdentifier::try_from(model)?;
//! assert_eq!(id.raw_id(), "4:+14255550123");
//!
//! let back = CommunicationIdentifierModel::from(&id);
//! assert_eq!(back.phone_number.unwrap().value, "+14255550123");
//! # Ok::<(), azure_core::Error>(())
//! ```

use crate::error::invalid_data;
use crate::identifier::*;
use acs_common_models::{
    CommunicationCloudEnvironmentModel, CommunicationIdentifierModel, CommunicationIdentifierModelKind,
    CommunicationUserIdentifierModel, MicrosoftTeamsAppIdentifierModel, MicrosoftTeamsUserIdentifierModel,
    PhoneNumberIdentifierModel, TeamsExtensionUserIdentifierModel,
};

impl From<CommunicationCloudEnvironment> for CommunicationCloudEnvironmentModel {
    fn from(cloud: CommunicationCloudEnvironment) -> Self {
        match cloud {
            CommunicationCloudEnvironment::Public => Self::Public,
            CommunicationCloudEnvironment::Dod => Self::Dod,
            CommunicationCloudEnvironment::Gcch => Self::Gcch,
        }
    }
}

impl TryFrom<&CommunicationCloudEnvironmentModel> for CommunicationCloudEnvironment {
    type Error = azure_core::Error;

    /// Known clouds convert; an unknown value is an error (the wire value is matched ignoring
    /// ASCII case).
    fn try_from(cloud: &CommunicationCloudEnvironmentModel) -> azure_core::Result<Self> {
        match cloud {
            CommunicationCloudEnvironmentModel::Public => Ok(Self::Public),
            CommunicationCloudEnvironmentModel::Dod => Ok(Self::Dod),
            CommunicationCloudEnvironmentModel::Gcch => Ok(Self::Gcch),
            other => other.as_str().parse(),
        }
    }
}

impl From<&CommunicationIdentifier> for CommunicationIdentifierModel {
    fn from(identifier: &CommunicationIdentifier) -> Self {
        let mut model =
            CommunicationIdentifierModel { raw_id: Some(identifier.raw_id().to_owned()), ..Default::default() };
        let kind = match identifier {
            CommunicationIdentifier::CommunicationUser(user) => {
                model.communication_user = Some(CommunicationUserIdentifierModel { id: user.id().to_owned() });
                CommunicationIdentifierModelKind::CommunicationUser
            }
            CommunicationIdentifier::PhoneNumber(phone) => {
                model.phone_number = Some(PhoneNumberIdentifierModel {
                    value: phone.value().to_owned(),
                    is_anonymous: phone.is_anonymous().then_some(true),
                    asserted_id: phone.asserted_id().map(str::to_owned),
                });
                CommunicationIdentifierModelKind::PhoneNumber
            }
            CommunicationIdentifier::MicrosoftTeamsUser(user) => {
                model.microsoft_teams_user = Some(MicrosoftTeamsUserIdentifierModel {
                    user_id: user.user_id().to_owned(),
                    is_anonymous: Some(user.is_anonymous()),
                    cloud: Some(user.cloud().into()),
                });
                CommunicationIdentifierModelKind::MicrosoftTeamsUser
            }
            CommunicationIdentifier::MicrosoftTeamsApp(app) => {
                model.microsoft_teams_app = Some(MicrosoftTeamsAppIdentifierModel {
                    app_id: app.app_id().to_owned(),
                    cloud: Some(app.cloud().into()),
                });
                CommunicationIdentifierModelKind::MicrosoftTeamsApp
            }
            CommunicationIdentifier::TeamsExtensionUser(user) => {
                model.teams_extension_user = Some(TeamsExtensionUserIdentifierModel {
                    user_id: user.user_id().to_owned(),
                    tenant_id: user.tenant_id().to_owned(),
                    resource_id: user.resource_id().to_owned(),
                    cloud: Some(user.cloud().into()),
                });
                CommunicationIdentifierModelKind::TeamsExtensionUser
            }
            CommunicationIdentifier::UnknownKind(_) => CommunicationIdentifierModelKind::Unknown,
        };
        model.kind = Some(kind);
        model
    }
}

impl From<CommunicationIdentifier> for CommunicationIdentifierModel {
    fn from(identifier: CommunicationIdentifier) -> Self {
        Self::from(&identifier)
    }
}

impl TryFrom<CommunicationIdentifierModel> for CommunicationIdentifier {
    type Error = azure_core::Error;

    /// The identifier a wire model describes. The raw id is the identity: the model's kind and
    /// nested identifier give its parts, and where they are missing or contradict each other
    /// (two nested identifiers, a kind that does not match), the raw id alone decides, as the
    /// official SDKs read it. Only a model with neither usable parts nor a raw id is an error.
    fn try_from(model: CommunicationIdentifierModel) -> azure_core::Result<Self> {
        let raw_id = model.raw_id.clone().filter(|raw| !raw.is_empty());
        identifier_from_model(model).or_else(|error| match raw_id {
            Some(raw_id) => Ok(CommunicationIdentifier::from_raw_id(&raw_id)),
            None => Err(error),
        })
    }
}

impl TryFrom<&CommunicationIdentifierModel> for CommunicationIdentifier {
    type Error = azure_core::Error;

    fn try_from(model: &CommunicationIdentifierModel) -> azure_core::Result<Self> {
        Self::try_from(model.clone())
    }
}

fn kind_name(kind: &CommunicationIdentifierModelKind) -> &str {
    kind.as_str()
}

fn identifier_from_model(model: CommunicationIdentifierModel) -> azure_core::Result<CommunicationIdentifier> {
    use CommunicationIdentifierModelKind as Kind;
    let nested: Vec<Kind> = [
        (model.communication_user.is_some(), Kind::CommunicationUser),
        (model.phone_number.is_some(), Kind::PhoneNumber),
        (model.microsoft_teams_user.is_some(), Kind::MicrosoftTeamsUser),
        (model.microsoft_teams_app.is_some(), Kind::MicrosoftTeamsApp),
        (model.teams_extension_user.is_some(), Kind::TeamsExtensionUser),
    ]
    .into_iter()
    .filter_map(|(present, kind)| present.then_some(kind))
    .collect();
    if nested.len() > 1 {
        let names: Vec<&str> = nested.iter().map(kind_name).collect();
        return Err(invalid_data(format!(
            "the identifier model has {} nested identifiers ({}); expected at most one",
            nested.len(),
            names.join(", ")
        )));
    }
    let raw_id = model.raw_id.clone();
    let kind = match (model.kind.clone(), nested.first()) {
        (Some(kind), _) => kind,
        (None, Some(kind)) => kind.clone(),
        (None, None) => {
            return match raw_id {
                Some(raw_id) => Ok(CommunicationIdentifier::from_raw_id(&raw_id)),
                None => Err(invalid_data("the identifier model has no kind, no rawId and no nested identifier")),
            }
        }
    };
    if let Some(present) = nested.first() {
        if matches!(
            kind,
            Kind::CommunicationUser
                | Kind::PhoneNumber
                | Kind::MicrosoftTeamsUser
                | Kind::MicrosoftTeamsApp
                | Kind::TeamsExtensionUser
        ) && *present != kind
        {
            return Err(invalid_data(format!(
                "the identifier model's kind is `{}` but its nested identifier is `{}`",
                kind.as_str(),
                present.as_str()
            )));
        }
    }
    let missing = |name: &str| invalid_data(format!("the identifier model's kind is `{name}` but `{name}` is missing"));
    // A cloud this SDK does not know: fall back to the raw id.
    let cloud = |cloud: Option<&CommunicationCloudEnvironmentModel>| -> azure_core::Result<Option<CommunicationCloudEnvironment>> {
        match cloud {
            None => Ok(Some(CommunicationCloudEnvironment::Public)),
            Some(model) => match CommunicationCloudEnvironment::try_from(model) {
                Ok(cloud) => Ok(Some(cloud)),
                Err(_) if raw_id.is_some() => Ok(None),
                Err(error) => Err(error),
            },
        }
    };
    let unknown = || {
        raw_id.clone().map(|raw| UnknownIdentifier::new(raw).into()).ok_or_else(|| {
            invalid_data(format!(
                "the identifier model of kind `{}` has no rawId",
                model.kind.as_ref().map_or("", |k| k.as_str())
            ))
        })
    };
    Ok(match kind {
        Kind::CommunicationUser => {
            let user = model.communication_user.clone().ok_or_else(|| missing("communicationUser"))?;
            CommunicationUserIdentifier::new(raw_id.clone().unwrap_or(user.id)).into()
        }
        Kind::PhoneNumber => {
            let phone = model.phone_number.clone().ok_or_else(|| missing("phoneNumber"))?;
            PhoneNumberIdentifier::from_parts(
                phone.value,
                phone.is_anonymous.unwrap_or(false),
                phone.asserted_id,
                raw_id.clone(),
            )
            .into()
        }
        Kind::MicrosoftTeamsUser => {
            let user = model.microsoft_teams_user.clone().ok_or_else(|| missing("microsoftTeamsUser"))?;
            match cloud(user.cloud.as_ref())? {
                Some(cloud) => MicrosoftTeamsUserIdentifier::from_parts(
                    user.user_id,
                    user.is_anonymous.unwrap_or(false),
                    cloud,
                    raw_id.clone(),
                )
                .into(),
                None => unknown()?,
            }
        }
        Kind::MicrosoftTeamsApp => {
            let app = model.microsoft_teams_app.clone().ok_or_else(|| missing("microsoftTeamsApp"))?;
            match cloud(app.cloud.as_ref())? {
                Some(cloud) => MicrosoftTeamsAppIdentifier::from_parts(app.app_id, cloud, raw_id.clone()).into(),
                None => unknown()?,
            }
        }
        Kind::TeamsExtensionUser => {
            let user = model.teams_extension_user.clone().ok_or_else(|| missing("teamsExtensionUser"))?;
            match cloud(user.cloud.as_ref())? {
                Some(cloud) => TeamsExtensionUserIdentifier::from_parts(
                    user.user_id,
                    user.tenant_id,
                    user.resource_id,
                    cloud,
                    raw_id.clone(),
                )
                .into(),
                None => unknown()?,
            }
        }
        _ => unknown()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> azure_core::Result<CommunicationIdentifier> {
        let model: CommunicationIdentifierModel = serde_json::from_str(json).unwrap();
        CommunicationIdentifier::try_from(model)
    }

    #[test]
    fn uses_kind_then_nested_object_and_keeps_raw_id() {
        let id =
            parse(r#"{"kind":"phoneNumber","rawId":"4:+1_x","phoneNumber":{"value":"+1","assertedId":"x"}}"#).unwrap();
        assert_eq!(id, PhoneNumberIdentifier::with_asserted_id("+1", "x").into());
        // Without kind (older API versions): the nested object decides.
        let id = parse(r#"{"rawId":"8:orgid:u","microsoftTeamsUser":{"userId":"u"}}"#).unwrap();
        assert_eq!(id, MicrosoftTeamsUserIdentifier::new("u", CommunicationCloudEnvironment::Public).into());
        // The service's raw id wins over the computed one.
        let id = parse(r#"{"rawId":"4:14255550123","phoneNumber":{"value":"+14255550123"}}"#).unwrap();
        assert_eq!(id.raw_id(), "4:14255550123");
        let CommunicationIdentifier::PhoneNumber(phone) = id else { panic!("phone expected") };
        assert_eq!(phone.value(), "+14255550123");
        // Without rawId the canonical one is computed.
        let id = parse(r#"{"microsoftTeamsApp":{"appId":"a","cloud":"gcch"}}"#).unwrap();
        assert_eq!(id.raw_id(), "28:gcch:a");
        // Only a rawId: parsed as a raw id.
        assert_eq!(parse(r#"{"rawId":"8:acs:r_u"}"#).unwrap(), CommunicationUserIdentifier::new("8:acs:r_u").into());
        assert_eq!(
            parse(r#"{"rawId":"28:ag08-global:x"}"#).unwrap(),
            UnknownIdentifier::new("28:ag08-global:x").into()
        );
        // A communication user is its raw id, as the official SDKs read it.
        let id = parse(r#"{"rawId":"8:acs:r_u","communicationUser":{"id":"r_u"}}"#).unwrap();
        assert_eq!(id, CommunicationUserIdentifier::new("8:acs:r_u").into());
    }

    #[test]
    fn unknown_kinds_and_clouds_keep_the_raw_id() {
        assert_eq!(
            parse(r#"{"kind":"futureKind","rawId":"99:x:y","communicationUser":{"id":"8:acs:r_u"}}"#).unwrap(),
            UnknownIdentifier::new("99:x:y").into()
        );
        assert_eq!(
            parse(r#"{"kind":"microsoftTeamsUser","rawId":"8:newcloud:u","microsoftTeamsUser":{"userId":"u","cloud":"newcloud"}}"#).unwrap(),
            UnknownIdentifier::new("8:newcloud:u").into()
        );
        assert_eq!(
            parse(r#"{"kind":"microsoftTeamsApp","microsoftTeamsApp":{"appId":"a","cloud":"DOD"}}"#).unwrap(),
            MicrosoftTeamsAppIdentifier::new("a", CommunicationCloudEnvironment::Dod).into()
        );
    }

    #[test]
    fn contradictory_or_empty_models_are_errors() {
        let cases = [
            (r#"{}"#, "no kind, no rawId"),
            (r#"{"communicationUser":{"id":"8:acs:a"},"phoneNumber":{"value":"+1"}}"#, "2 nested identifiers"),
            (r#"{"kind":"phoneNumber"}"#, "`phoneNumber` is missing"),
            (
                r#"{"kind":"phoneNumber","communicationUser":{"id":"8:acs:a"}}"#,
                "nested identifier is `communicationUser`",
            ),
            (r#"{"kind":"futureKind"}"#, "no rawId"),
            (r#"{"kind":"unknown"}"#, "no rawId"),
            (r#"{"microsoftTeamsUser":{"userId":"u","cloud":"mars"}}"#, "unknown communication cloud"),
        ];
        for (json, expected) in cases {
            let error = parse(json).unwrap_err();
            assert_eq!(*error.kind(), azure_core::error::ErrorKind::DataConversion);
            assert!(error.to_string().contains(expected), "{json}: {error}");
        }
    }

    #[test]
    fn with_a_raw_id_contradictions_resolve_to_the_raw_id() {
        for (json, raw_id) in [
            (r#"{"rawId":"x","communicationUser":{"id":"8:acs:a"},"phoneNumber":{"value":"+1"}}"#, "x"),
            (r#"{"kind":"phoneNumber","rawId":"4:+1"}"#, "4:+1"),
            (r#"{"kind":"phoneNumber","rawId":"8:acs:r_u","communicationUser":{"id":"8:acs:r_u"}}"#, "8:acs:r_u"),
        ] {
            let id = parse(json).unwrap();
            assert_eq!(id, CommunicationIdentifier::from_raw_id(raw_id), "{json}");
        }
    }

    #[test]
    fn model_serializes_with_wire_names() {
        let id: CommunicationIdentifier = MicrosoftTeamsUserIdentifier::anonymous("v").into();
        let json = serde_json::to_value(CommunicationIdentifierModel::from(&id)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "kind": "microsoftTeamsUser",
                "rawId": "8:teamsvisitor:v",
                "microsoftTeamsUser": {"userId": "v", "isAnonymous": true, "cloud": "public"}
            })
        );
    }
}
