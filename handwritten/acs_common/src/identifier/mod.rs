//! Communication identifiers and the service's raw-id rules.
//!
//! Every participant of a chat (and every user of the Identity service) is named by a
//! [`CommunicationIdentifier`]. Each one has a *raw id*, the service's canonical text form
//! (also called MRI), which [`CommunicationIdentifier::raw_id`] returns and
//! [`CommunicationIdentifier::from_raw_id`] parses back:
//!
//! | kind | raw id |
//! |---|---|
//! | communication user | the id itself: `8:acs:…`, `8:dod-acs:…`, `8:gcch-acs:…`, `8:spool:…` |
//! | phone number | `4:` + value, then `_` + asserted id when there is one; `4:anonymous` |
//! | Microsoft Teams user | `8:orgid:`, `8:dod:`, `8:gcch:` + user id; `8:teamsvisitor:` + id when anonymous |
//! | Microsoft Teams app | `28:orgid:`, `28:dod:`, `28:gcch:` + app id |
//! | Teams extension user | `8:acs:`, `8:dod-acs:`, `8:gcch-acs:` + `{resource}_{tenant}_{user}` |
//! | unknown | anything else, kept as given |
//!
//! Parsing follows the official SDKs: the prefix is the text up to the *second* `:` (so the
//! rest may itself contain `:`), a phone number's asserted id is the text after its *last* `_`,
//! and an `8:acs:`-style id whose rest has exactly three `_`-separated parts is a Teams extension
//! user, any other count a communication user.
//!
//! An identifier keeps the raw id it was parsed from, or the one the service sent with it in a
//! wire model, so `x.raw_id()` is always the text the service knows `x` by. Identifiers built with
//! the constructors get the canonical raw id, and for those `from_raw_id(x.raw_id()) == x`
//! holds as long as the parts respect the rules above (see each constructor).

mod kinds;

pub use kinds::{
    CommunicationUserIdentifier, MicrosoftTeamsAppIdentifier, MicrosoftTeamsUserIdentifier, PhoneNumberIdentifier,
    TeamsExtensionUserIdentifier, UnknownIdentifier,
};

use std::fmt;
use std::str::FromStr;

const PHONE_NUMBER_PREFIX: &str = "4:";
const ANONYMOUS_PHONE_NUMBER: &str = "anonymous";
const TEAMS_VISITOR_PREFIX: &str = "8:teamsvisitor:";
const TEAMS_USER_PUBLIC_PREFIX: &str = "8:orgid:";
const TEAMS_USER_DOD_PREFIX: &str = "8:dod:";
const TEAMS_USER_GCCH_PREFIX: &str = "8:gcch:";
const TEAMS_APP_PUBLIC_PREFIX: &str = "28:orgid:";
const TEAMS_APP_DOD_PREFIX: &str = "28:dod:";
const TEAMS_APP_GCCH_PREFIX: &str = "28:gcch:";
const ACS_USER_PUBLIC_PREFIX: &str = "8:acs:";
const ACS_USER_DOD_PREFIX: &str = "8:dod-acs:";
const ACS_USER_GCCH_PREFIX: &str = "8:gcch-acs:";
const SPOOL_USER_PREFIX: &str = "8:spool:";

/// The cloud a Microsoft Teams identity lives in.
///
/// ```
/// use acs_common::identifier::CommunicationCloudEnvironment;
///
/// let cloud: CommunicationCloudEnvironment = "GCCH".parse().unwrap();
/// assert_eq!(cloud, CommunicationCloudEnvironment::Gcch);
/// assert_eq!(cloud.as_str(), "gcch");
/// assert_eq!(CommunicationCloudEnvironment::default(), CommunicationCloudEnvironment::Public);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CommunicationCloudEnvironment {
    /// The public (commercial) cloud.
    #[default]
    Public,
    /// The US Department of Defense cloud.
    Dod,
    /// The US Government Community Cloud High.
    Gcch,
}

impl CommunicationCloudEnvironment {
    /// The wire name: `public`, `dod` or `gcch`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Dod => "dod",
            Self::Gcch => "gcch",
        }
    }
}

impl fmt::Display for CommunicationCloudEnvironment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CommunicationCloudEnvironment {
    type Err = azure_core::Error;

    /// Parses a wire name, ignoring ASCII case.
    fn from_str(s: &str) -> azure_core::Result<Self> {
        if s.eq_ignore_ascii_case("public") {
            Ok(Self::Public)
        } else if s.eq_ignore_ascii_case("dod") {
            Ok(Self::Dod)
        } else if s.eq_ignore_ascii_case("gcch") {
            Ok(Self::Gcch)
        } else {
            Err(crate::error::invalid_data(format!(
                "unknown communication cloud environment `{s}` (expected public, dod or gcch)"
            )))
        }
    }
}

/// Any identity known to Azure Communication Services.
///
/// ```
/// use acs_common::identifier::{CommunicationIdentifier, CommunicationCloudEnvironment};
///
/// let id = CommunicationIdentifier::from_raw_id("8:gcch:user:with:colons");
/// match &id {
///     CommunicationIdentifier::MicrosoftTeamsUser(user) => {
///         assert_eq!(user.user_id(), "user:with:colons");
///         assert_eq!(user.cloud(), CommunicationCloudEnvironment::Gcch);
///     }
///     other => panic!("unexpected {other:?}"),
/// }
/// assert_eq!(id.to_string(), "8:gcch:user:with:colons");
/// ```
///
/// The raw id is the identity: two identifiers are equal (and hash alike) when their raw ids are,
/// and an identifier serializes as its raw id (a JSON string) and deserializes from one.
///
/// ```
/// use acs_common::CommunicationIdentifier;
///
/// let id = CommunicationIdentifier::from_raw_id("4:+14255550123");
/// assert_eq!(serde_json::to_string(&id).unwrap(), r#""4:+14255550123""#);
/// assert_eq!(serde_json::from_str::<CommunicationIdentifier>(r#""4:+14255550123""#).unwrap(), id);
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum CommunicationIdentifier {
    /// An Azure Communication Services user.
    CommunicationUser(CommunicationUserIdentifier),
    /// A phone number.
    PhoneNumber(PhoneNumberIdentifier),
    /// A Microsoft Teams user.
    MicrosoftTeamsUser(MicrosoftTeamsUserIdentifier),
    /// A Microsoft Teams app.
    MicrosoftTeamsApp(MicrosoftTeamsAppIdentifier),
    /// A Teams user acting through a Teams extension.
    TeamsExtensionUser(TeamsExtensionUserIdentifier),
    /// Any other identifier, known only by its raw id.
    UnknownKind(UnknownIdentifier),
}

impl CommunicationIdentifier {
    /// The raw id: the service's canonical text form of this identifier.
    pub fn raw_id(&self) -> &str {
        match self {
            Self::CommunicationUser(i) => i.raw_id(),
            Self::PhoneNumber(i) => i.raw_id(),
            Self::MicrosoftTeamsUser(i) => i.raw_id(),
            Self::MicrosoftTeamsApp(i) => i.raw_id(),
            Self::TeamsExtensionUser(i) => i.raw_id(),
            Self::UnknownKind(i) => i.raw_id(),
        }
    }

    /// Parses a raw id with the service's rules (see the [module docs](self)). Never fails:
    /// text that matches no known kind becomes [`CommunicationIdentifier::UnknownKind`].
    pub fn from_raw_id(raw_id: &str) -> Self {
        if let Some(rest) = raw_id.strip_prefix(PHONE_NUMBER_PREFIX) {
            return Self::PhoneNumber(parse_phone_number(rest, raw_id));
        }
        let Some((prefix, suffix)) = split_prefix(raw_id) else {
            return Self::UnknownKind(UnknownIdentifier::new(raw_id));
        };
        let owned = || Some(raw_id.to_owned());
        use CommunicationCloudEnvironment::{Dod, Gcch, Public};
        let teams_user = |anonymous, cloud| {
            Self::MicrosoftTeamsUser(MicrosoftTeamsUserIdentifier::from_parts(
                suffix.to_owned(),
                anonymous,
                cloud,
                owned(),
            ))
        };
        let teams_app =
            |cloud| Self::MicrosoftTeamsApp(MicrosoftTeamsAppIdentifier::from_parts(suffix.to_owned(), cloud, owned()));
        let acs_user = |cloud| {
            let mut parts = suffix.split('_');
            match (parts.next(), parts.next(), parts.next(), parts.next()) {
                (Some(resource), Some(tenant), Some(user), None) => {
                    Self::TeamsExtensionUser(TeamsExtensionUserIdentifier::from_parts(
                        user.to_owned(),
                        tenant.to_owned(),
                        resource.to_owned(),
                        cloud,
                        owned(),
                    ))
                }
                _ => Self::CommunicationUser(CommunicationUserIdentifier::new(raw_id)),
            }
        };
        match prefix {
            TEAMS_VISITOR_PREFIX => teams_user(true, Public),
            TEAMS_USER_PUBLIC_PREFIX => teams_user(false, Public),
            TEAMS_USER_DOD_PREFIX => teams_user(false, Dod),
            TEAMS_USER_GCCH_PREFIX => teams_user(false, Gcch),
            TEAMS_APP_PUBLIC_PREFIX => teams_app(Public),
            TEAMS_APP_DOD_PREFIX => teams_app(Dod),
            TEAMS_APP_GCCH_PREFIX => teams_app(Gcch),
            ACS_USER_PUBLIC_PREFIX => acs_user(Public),
            ACS_USER_DOD_PREFIX => acs_user(Dod),
            ACS_USER_GCCH_PREFIX => acs_user(Gcch),
            SPOOL_USER_PREFIX => Self::CommunicationUser(CommunicationUserIdentifier::new(raw_id)),
            _ => Self::UnknownKind(UnknownIdentifier::new(raw_id)),
        }
    }

    /// The kind's name as used on the wire (`communicationUser`, `phoneNumber`,
    /// `microsoftTeamsUser`, `microsoftTeamsApp`, `teamsExtensionUser`, `unknown`).
    ///
    /// ```
    /// let id = acs_common::identifier::CommunicationIdentifier::from_raw_id("4:+1555");
    /// assert_eq!(id.kind(), "phoneNumber");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            Self::CommunicationUser(_) => "communicationUser",
            Self::PhoneNumber(_) => "phoneNumber",
            Self::MicrosoftTeamsUser(_) => "microsoftTeamsUser",
            Self::MicrosoftTeamsApp(_) => "microsoftTeamsApp",
            Self::TeamsExtensionUser(_) => "teamsExtensionUser",
            Self::UnknownKind(_) => "unknown",
        }
    }
}

/// Splits `a:b:rest` into (`a:b:`, `rest`); `None` when there are fewer than two `:`.
fn split_prefix(raw_id: &str) -> Option<(&str, &str)> {
    let first = raw_id.find(':')?;
    let second = first + 1 + raw_id[first + 1..].find(':')?;
    Some(raw_id.split_at(second + 1))
}

fn parse_phone_number(rest: &str, raw_id: &str) -> PhoneNumberIdentifier {
    if rest == ANONYMOUS_PHONE_NUMBER {
        return PhoneNumberIdentifier::from_parts(rest.to_owned(), true, None, Some(raw_id.to_owned()));
    }
    let (value, asserted_id) = match rest.rfind('_') {
        Some(index) if index + 1 < rest.len() => (&rest[..index], Some(rest[index + 1..].to_owned())),
        _ => (rest, None),
    };
    PhoneNumberIdentifier::from_parts(value.to_owned(), false, asserted_id, Some(raw_id.to_owned()))
}

impl PartialEq for CommunicationIdentifier {
    fn eq(&self, other: &Self) -> bool {
        self.raw_id() == other.raw_id()
    }
}

impl Eq for CommunicationIdentifier {}

impl std::hash::Hash for CommunicationIdentifier {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.raw_id().hash(state);
    }
}

impl serde::Serialize for CommunicationIdentifier {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.raw_id())
    }
}

impl<'de> serde::Deserialize<'de> for CommunicationIdentifier {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw_id = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
        Ok(Self::from_raw_id(&raw_id))
    }
}

impl fmt::Display for CommunicationIdentifier {
    /// Writes the raw id.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.raw_id())
    }
}

impl FromStr for CommunicationIdentifier {
    type Err = std::convert::Infallible;

    /// Same as [`CommunicationIdentifier::from_raw_id`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::from_raw_id(s))
    }
}

macro_rules! impl_from_variant {
    ($($variant:ident($ty:ty)),* $(,)?) => {$(
        impl From<$ty> for CommunicationIdentifier {
            fn from(value: $ty) -> Self {
                Self::$variant(value)
            }
        }
    )*};
}

impl_from_variant!(
    CommunicationUser(CommunicationUserIdentifier),
    PhoneNumber(PhoneNumberIdentifier),
    MicrosoftTeamsUser(MicrosoftTeamsUserIdentifier),
    MicrosoftTeamsApp(MicrosoftTeamsAppIdentifier),
    TeamsExtensionUser(TeamsExtensionUserIdentifier),
    UnknownKind(UnknownIdentifier),
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_prefix_takes_two_colons() {
        assert_eq!(split_prefix("8:orgid:a:b"), Some(("8:orgid:", "a:b")));
        assert_eq!(split_prefix("8:orgid:"), Some(("8:orgid:", "")));
        assert_eq!(split_prefix("8:orgid"), None);
        assert_eq!(split_prefix("plain"), None);
        assert_eq!(split_prefix("::"), Some(("::", "")));
    }

    #[test]
    fn phone_trailing_underscore_is_part_of_value() {
        let CommunicationIdentifier::PhoneNumber(p) = CommunicationIdentifier::from_raw_id("4:+1_") else {
            panic!("expected phone")
        };
        assert_eq!(p.value(), "+1_");
        assert_eq!(p.asserted_id(), None);
        assert_eq!(PhoneNumberIdentifier::new("+1_"), p);
    }

    #[test]
    fn empty_asserted_id_means_none() {
        assert_eq!(PhoneNumberIdentifier::with_asserted_id("+1", ""), PhoneNumberIdentifier::new("+1"));
    }

    #[test]
    fn multibyte_text_does_not_panic() {
        for raw in ["4:é_ü", "8:acs:é_ü_ö", "8:é:ü", "é:", "4:_", "4:", "28:orgid:☃"] {
            let id = CommunicationIdentifier::from_raw_id(raw);
            assert_eq!(id.raw_id(), raw);
        }
    }
}
