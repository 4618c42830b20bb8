//! The values the client takes and returns.

use acs_common::error::invalid_argument;
use acs_common::{CommunicationIdentifier, CommunicationUserIdentifier};
use azure_core::credentials::AccessToken;

/// What an access token lets its holder do: `chat`, `voip`, `chat.join`, `chat.join.limited`,
/// `voip.join`.
///
/// This is the generated `CommunicationIdentityTokenScope` of `acs_identity_models`, under the
/// name the official SDKs use. It is an extensible enum: a scope this version of the crate does
/// not know is kept as `UnknownValue("…")` and sent as written, so a scope the service adds later
/// can be used without a new release. `From<&str>` and `FromStr` map the wire names, so
/// `["chat", "voip"]` can be passed wherever scopes are expected.
///
/// ```
/// use acs_identity::CommunicationTokenScope;
///
/// assert_eq!(CommunicationTokenScope::from("chat.join"), CommunicationTokenScope::ChatJoin);
/// assert_eq!(CommunicationTokenScope::VoipJoin.as_str(), "voip.join");
/// let future = CommunicationTokenScope::from("chat.moderate");
/// assert_eq!(future, CommunicationTokenScope::UnknownValue("chat.moderate".to_owned()));
/// ```
pub use acs_identity_rest::models::CommunicationIdentityTokenScope as CommunicationTokenScope;

/// The kind of principal a Teams extension assignment is for: `resourceAccount` or `user`
/// (extensible: other values are kept as `UnknownValue`).
pub use acs_identity_rest::models::TeamsExtensionPrincipalType;

/// A new Communication Services user and its first access token, from
/// [`create_user_and_token`](crate::CommunicationIdentityClient::create_user_and_token).
///
/// `access_token.token` is an `azure_core` `Secret`: `Debug` shows neither it nor anything
/// derived from it.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CommunicationUserToken {
    /// The user.
    pub user: CommunicationUserIdentifier,
    /// The access token and when it expires.
    pub access_token: AccessToken,
}

/// The identity and access token returned by a Teams extension token exchange, from
/// [`exchange_teams_extension_token`](crate::CommunicationIdentityClient::exchange_teams_extension_token).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TeamsExtensionUserToken {
    /// The identity the token was issued for, parsed from its raw id (for a Teams Phone
    /// extension user, `8:acs:<resource>_<tenant>_<user>`, that is the
    /// [`CommunicationIdentifier::TeamsExtensionUser`] variant).
    pub user: CommunicationIdentifier,
    /// The access token and when it expires.
    pub access_token: AccessToken,
}

/// Which Entra ID application clients may act for a Teams user or resource account through a
/// Communication Services resource (a Teams Phone extensibility assignment).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TeamsExtensionAssignment {
    /// The Entra ID object id of the user or resource account.
    pub object_id: String,
    /// The Entra ID tenant of the object.
    pub tenant_id: String,
    /// Whether the object is a user or a resource account.
    pub principal_type: TeamsExtensionPrincipalType,
    /// The client (application) ids the assignment allows; empty when the service listed none.
    pub client_ids: Vec<String>,
}

impl From<acs_identity_rest::models::TeamsExtensionAssignmentResponse> for TeamsExtensionAssignment {
    fn from(value: acs_identity_rest::models::TeamsExtensionAssignmentResponse) -> Self {
        Self {
            object_id: value.object_id,
            tenant_id: value.tenant_id,
            principal_type: value.principal_type,
            client_ids: value.client_ids.unwrap_or_default(),
        }
    }
}

/// Something that names a Communication Services user: the argument type of
/// [`get_token`](crate::CommunicationIdentityClient::get_token),
/// [`revoke_tokens`](crate::CommunicationIdentityClient::revoke_tokens) and
/// [`delete_user`](crate::CommunicationIdentityClient::delete_user).
///
/// Implemented for [`CommunicationUserIdentifier`] and [`CommunicationIdentifier`], owned or
/// borrowed. A `CommunicationIdentifier` of another kind (phone number, Teams user, Teams
/// extension user, unknown) or a user with an empty id is refused with a clear error before any
/// request is sent. The trait is sealed.
///
/// ```
/// use acs_common::{CommunicationIdentifier, CommunicationUserIdentifier};
/// use acs_identity::IntoCommunicationUser;
///
/// let user = CommunicationUserIdentifier::new("8:acs:resource_user");
/// assert_eq!((&user).into_communication_user()?.id(), "8:acs:resource_user");
///
/// let parsed = CommunicationIdentifier::from_raw_id("8:acs:resource_user");
/// assert_eq!(parsed.into_communication_user()?, user);
///
/// let phone = CommunicationIdentifier::from_raw_id("4:+14255550123");
/// let error = phone.into_communication_user().unwrap_err();
/// assert!(error.to_string().contains("phoneNumber"));
/// # Ok::<(), azure_core::Error>(())
/// ```
pub trait IntoCommunicationUser: private::Sealed {
    /// The user, or an error when this does not name a Communication Services user.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Other`](azure_core::error::ErrorKind::Other) naming the argument `user`.
    fn into_communication_user(self) -> azure_core::Result<CommunicationUserIdentifier>;
}

fn checked(user: CommunicationUserIdentifier) -> azure_core::Result<CommunicationUserIdentifier> {
    if user.id().trim().is_empty() {
        return Err(invalid_argument("user", "the communication user's id is empty"));
    }
    Ok(user)
}

impl IntoCommunicationUser for CommunicationUserIdentifier {
    fn into_communication_user(self) -> azure_core::Result<CommunicationUserIdentifier> {
        checked(self)
    }
}

impl IntoCommunicationUser for &CommunicationUserIdentifier {
    fn into_communication_user(self) -> azure_core::Result<CommunicationUserIdentifier> {
        checked(self.clone())
    }
}

impl IntoCommunicationUser for CommunicationIdentifier {
    fn into_communication_user(self) -> azure_core::Result<CommunicationUserIdentifier> {
        match self {
            CommunicationIdentifier::CommunicationUser(user) => checked(user),
            other => Err(invalid_argument(
                "user",
                format!(
                    "expected a communication user (raw id `8:acs:…`), got a `{}` identifier; \
                     Identity operations apply only to users created by the Identity service",
                    other.kind()
                ),
            )),
        }
    }
}

impl IntoCommunicationUser for &CommunicationIdentifier {
    fn into_communication_user(self) -> azure_core::Result<CommunicationUserIdentifier> {
        self.clone().into_communication_user()
    }
}

mod private {
    use acs_common::{CommunicationIdentifier, CommunicationUserIdentifier};

    pub trait Sealed {}
    impl Sealed for CommunicationUserIdentifier {}
    impl Sealed for &CommunicationUserIdentifier {}
    impl Sealed for CommunicationIdentifier {}
    impl Sealed for &CommunicationIdentifier {}
}
