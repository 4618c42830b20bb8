//! The identifier of each kind, with its parts and its raw id.

use super::*;

/// An Azure Communication Services user, such as one created by the Identity service.
///
/// Its raw id is the id itself.
///
/// ```
/// use acs_common::identifier::{CommunicationIdentifier, CommunicationUserIdentifier};
///
/// let user = CommunicationUserIdentifier::new("8:acs:resource_0000-user");
/// let id = CommunicationIdentifier::from(user.clone());
/// assert_eq!(id.raw_id(), "8:acs:resource_0000-user");
/// assert_eq!(CommunicationIdentifier::from_raw_id(id.raw_id()), id);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CommunicationUserIdentifier {
    id: String,
}

impl CommunicationUserIdentifier {
    /// A user with the given id (which starts with `8:acs:`, `8:dod-acs:`, `8:gcch-acs:` or
    /// `8:spool:` for ids issued by the service).
    pub fn new(id: impl Into<String>) -> Self {
        Self { id: id.into() }
    }

    /// The user's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The raw id, equal to [`id`](Self::id).
    pub fn raw_id(&self) -> &str {
        &self.id
    }
}

/// A phone number, possibly anonymous, possibly with an asserted id.
///
/// ```
/// use acs_common::identifier::{CommunicationIdentifier, PhoneNumberIdentifier};
///
/// let phone = PhoneNumberIdentifier::new("+14255550123");
/// assert_eq!(phone.raw_id(), "4:+14255550123");
///
/// let parsed = CommunicationIdentifier::from_raw_id("4:+14255550123_a1b2c3");
/// let CommunicationIdentifier::PhoneNumber(phone) = parsed else { unreachable!() };
/// assert_eq!(phone.value(), "+14255550123");
/// assert_eq!(phone.asserted_id(), Some("a1b2c3"));
///
/// assert!(PhoneNumberIdentifier::anonymous().is_anonymous());
/// assert_eq!(PhoneNumberIdentifier::anonymous().raw_id(), "4:anonymous");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PhoneNumberIdentifier {
    value: String,
    is_anonymous: bool,
    asserted_id: Option<String>,
    raw_id: String,
}

impl PhoneNumberIdentifier {
    /// A phone number; the value is kept verbatim (no E.164 validation, `+` optional).
    ///
    /// The value `anonymous` makes an anonymous number. For an exact raw-id round trip the
    /// value must not contain `_` except as its last character (a `_` followed by text reads as
    /// an asserted id).
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        let is_anonymous = value == ANONYMOUS_PHONE_NUMBER;
        let raw_id = format!("{PHONE_NUMBER_PREFIX}{value}");
        Self { value, is_anonymous, asserted_id: None, raw_id }
    }

    /// The anonymous phone number, raw id `4:anonymous`.
    pub fn anonymous() -> Self {
        Self::new(ANONYMOUS_PHONE_NUMBER)
    }

    /// A phone number with an asserted id, raw id `4:{value}_{asserted_id}`.
    ///
    /// The asserted id must not contain `_` for an exact raw-id round trip; an empty asserted id
    /// means none.
    pub fn with_asserted_id(value: impl Into<String>, asserted_id: impl Into<String>) -> Self {
        let asserted_id = asserted_id.into();
        if asserted_id.is_empty() {
            return Self::new(value);
        }
        let value = value.into();
        let raw_id = format!("{PHONE_NUMBER_PREFIX}{value}_{asserted_id}");
        Self { value, is_anonymous: false, asserted_id: Some(asserted_id), raw_id }
    }

    /// The phone number as given.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Whether this is the anonymous phone number.
    pub fn is_anonymous(&self) -> bool {
        self.is_anonymous
    }

    /// The asserted id, which tells apart several identities sharing one number.
    pub fn asserted_id(&self) -> Option<&str> {
        self.asserted_id.as_deref()
    }

    /// The raw id.
    pub fn raw_id(&self) -> &str {
        &self.raw_id
    }

    pub(crate) fn from_parts(
        value: String,
        is_anonymous: bool,
        asserted_id: Option<String>,
        raw_id: Option<String>,
    ) -> Self {
        let asserted_id = asserted_id.filter(|a| !a.is_empty());
        let raw_id = raw_id.unwrap_or_else(|| match &asserted_id {
            Some(asserted) => format!("{PHONE_NUMBER_PREFIX}{value}_{asserted}"),
            None => format!("{PHONE_NUMBER_PREFIX}{value}"),
        });
        Self { value, is_anonymous, asserted_id, raw_id }
    }
}

/// A Microsoft Teams user, possibly anonymous (a Teams visitor), in a given cloud.
///
/// ```
/// use acs_common::identifier::{CommunicationCloudEnvironment, MicrosoftTeamsUserIdentifier};
///
/// let user = MicrosoftTeamsUserIdentifier::new("45ab2481-1c1c", CommunicationCloudEnvironment::Dod);
/// assert_eq!(user.raw_id(), "8:dod:45ab2481-1c1c");
/// assert_eq!(MicrosoftTeamsUserIdentifier::anonymous("v1").raw_id(), "8:teamsvisitor:v1");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MicrosoftTeamsUserIdentifier {
    user_id: String,
    is_anonymous: bool,
    cloud: CommunicationCloudEnvironment,
    raw_id: String,
}

impl MicrosoftTeamsUserIdentifier {
    /// A (non-anonymous) Teams user with its Entra object id, in `cloud`.
    pub fn new(user_id: impl Into<String>, cloud: CommunicationCloudEnvironment) -> Self {
        Self::from_parts(user_id.into(), false, cloud, None)
    }

    /// An anonymous Teams user (Teams visitor) of the public cloud, raw id `8:teamsvisitor:{id}`.
    pub fn anonymous(user_id: impl Into<String>) -> Self {
        Self::from_parts(user_id.into(), true, CommunicationCloudEnvironment::Public, None)
    }

    /// The user's id.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// Whether this is an anonymous Teams user (Teams visitor).
    pub fn is_anonymous(&self) -> bool {
        self.is_anonymous
    }

    /// The cloud the user lives in.
    pub fn cloud(&self) -> CommunicationCloudEnvironment {
        self.cloud
    }

    /// The raw id.
    pub fn raw_id(&self) -> &str {
        &self.raw_id
    }

    pub(crate) fn from_parts(
        user_id: String,
        is_anonymous: bool,
        cloud: CommunicationCloudEnvironment,
        raw_id: Option<String>,
    ) -> Self {
        let raw_id = raw_id.unwrap_or_else(|| {
            let prefix = match (is_anonymous, cloud) {
                (true, _) => TEAMS_VISITOR_PREFIX,
                (false, CommunicationCloudEnvironment::Public) => TEAMS_USER_PUBLIC_PREFIX,
                (false, CommunicationCloudEnvironment::Dod) => TEAMS_USER_DOD_PREFIX,
                (false, CommunicationCloudEnvironment::Gcch) => TEAMS_USER_GCCH_PREFIX,
            };
            format!("{prefix}{user_id}")
        });
        Self { user_id, is_anonymous, cloud, raw_id }
    }
}

/// A Microsoft Teams app (bot), in a given cloud.
///
/// ```
/// use acs_common::identifier::{CommunicationCloudEnvironment, MicrosoftTeamsAppIdentifier};
///
/// let app = MicrosoftTeamsAppIdentifier::new("app-1", CommunicationCloudEnvironment::Public);
/// assert_eq!(app.raw_id(), "28:orgid:app-1");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MicrosoftTeamsAppIdentifier {
    app_id: String,
    cloud: CommunicationCloudEnvironment,
    raw_id: String,
}

impl MicrosoftTeamsAppIdentifier {
    /// A Teams app with its id, in `cloud`.
    pub fn new(app_id: impl Into<String>, cloud: CommunicationCloudEnvironment) -> Self {
        Self::from_parts(app_id.into(), cloud, None)
    }

    /// The app's id.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// The cloud the app lives in.
    pub fn cloud(&self) -> CommunicationCloudEnvironment {
        self.cloud
    }

    /// The raw id.
    pub fn raw_id(&self) -> &str {
        &self.raw_id
    }

    pub(crate) fn from_parts(app_id: String, cloud: CommunicationCloudEnvironment, raw_id: Option<String>) -> Self {
        let raw_id = raw_id.unwrap_or_else(|| {
            let prefix = match cloud {
                CommunicationCloudEnvironment::Public => TEAMS_APP_PUBLIC_PREFIX,
                CommunicationCloudEnvironment::Dod => TEAMS_APP_DOD_PREFIX,
                CommunicationCloudEnvironment::Gcch => TEAMS_APP_GCCH_PREFIX,
            };
            format!("{prefix}{app_id}")
        });
        Self { app_id, cloud, raw_id }
    }
}

/// A Teams user acting through a Teams extension of an ACS resource.
///
/// ```
/// use acs_common::identifier::{CommunicationCloudEnvironment, TeamsExtensionUserIdentifier};
///
/// let user = TeamsExtensionUserIdentifier::new("user", "tenant", "resource", CommunicationCloudEnvironment::Public);
/// assert_eq!(user.raw_id(), "8:acs:resource_tenant_user");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TeamsExtensionUserIdentifier {
    user_id: String,
    tenant_id: String,
    resource_id: String,
    cloud: CommunicationCloudEnvironment,
    raw_id: String,
}

impl TeamsExtensionUserIdentifier {
    /// A Teams extension user. For an exact raw-id round trip none of the three ids may contain
    /// `_` (the raw id joins them with `_`).
    pub fn new(
        user_id: impl Into<String>,
        tenant_id: impl Into<String>,
        resource_id: impl Into<String>,
        cloud: CommunicationCloudEnvironment,
    ) -> Self {
        Self::from_parts(user_id.into(), tenant_id.into(), resource_id.into(), cloud, None)
    }

    /// The Teams user's id.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The Teams user's tenant id.
    pub fn tenant_id(&self) -> &str {
        &self.tenant_id
    }

    /// The id of the ACS resource.
    pub fn resource_id(&self) -> &str {
        &self.resource_id
    }

    /// The cloud the user lives in.
    pub fn cloud(&self) -> CommunicationCloudEnvironment {
        self.cloud
    }

    /// The raw id.
    pub fn raw_id(&self) -> &str {
        &self.raw_id
    }

    pub(crate) fn from_parts(
        user_id: String,
        tenant_id: String,
        resource_id: String,
        cloud: CommunicationCloudEnvironment,
        raw_id: Option<String>,
    ) -> Self {
        let raw_id = raw_id.unwrap_or_else(|| {
            let prefix = match cloud {
                CommunicationCloudEnvironment::Public => ACS_USER_PUBLIC_PREFIX,
                CommunicationCloudEnvironment::Dod => ACS_USER_DOD_PREFIX,
                CommunicationCloudEnvironment::Gcch => ACS_USER_GCCH_PREFIX,
            };
            format!("{prefix}{resource_id}_{tenant_id}_{user_id}")
        });
        Self { user_id, tenant_id, resource_id, cloud, raw_id }
    }
}

/// An identifier of a kind this SDK does not know; its raw id is kept as given.
///
/// ```
/// use acs_common::identifier::{CommunicationIdentifier, UnknownIdentifier};
///
/// let id = CommunicationIdentifier::from_raw_id("28:ag08-global:bot");
/// assert_eq!(id, CommunicationIdentifier::UnknownKind(UnknownIdentifier::new("28:ag08-global:bot")));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UnknownIdentifier {
    id: String,
}

impl UnknownIdentifier {
    /// An identifier known only by its raw id.
    pub fn new(id: impl Into<String>) -> Self {
        Self { id: id.into() }
    }

    /// The id, equal to the raw id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The raw id.
    pub fn raw_id(&self) -> &str {
        &self.id
    }
}
