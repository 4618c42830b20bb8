#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod client;
mod entra;
pub mod models;
pub mod options;
mod teams;

pub use client::{CommunicationIdentityClient, DEFAULT_API_VERSION, TEAMS_EXTENSION_SCOPE};
pub use entra::{EntraCommunicationTokenCredential, EntraCommunicationTokenCredentialOptions};
pub use models::{
    CommunicationTokenScope, CommunicationUserToken, IntoCommunicationUser, TeamsExtensionAssignment,
    TeamsExtensionPrincipalType, TeamsExtensionUserToken,
};
pub use options::{
    CommunicationIdentityClientOptions, CreateUserAndTokenOptions, CreateUserOptions,
    DeleteTeamsExtensionAssignmentOptions, DeleteUserOptions, ExchangeTeamsExtensionTokenOptions,
    GetTeamsExtensionAssignmentOptions, GetTokenForTeamsUserOptions, GetTokenOptions, RevokeTokensOptions,
    UpsertTeamsExtensionAssignmentOptions,
};

// The `acs_common` types this crate's API uses, re-exported so that one dependency is enough.
pub use acs_common::{AccessKey, CommunicationIdentifier, CommunicationUserIdentifier, ErrorExt};
