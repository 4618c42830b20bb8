//! The Teams operations of [`CommunicationIdentityClient`]: exchanging a Teams user's or a Teams
//! Phone extension user's Microsoft Entra ID token, and Teams extension assignments.

use crate::client::{to_access_token, CommunicationIdentityClient};
use crate::models::{TeamsExtensionAssignment, TeamsExtensionPrincipalType, TeamsExtensionUserToken};
use crate::options::{
    DeleteTeamsExtensionAssignmentOptions, ExchangeTeamsExtensionTokenOptions, GetTeamsExtensionAssignmentOptions,
    GetTokenForTeamsUserOptions, UpsertTeamsExtensionAssignmentOptions,
};
use acs_common::args::path_segment;
use acs_common::error::invalid_data;
use acs_common::CommunicationIdentifier;
use acs_identity_rest::models::{TeamsExtensionAssignmentCreateOrUpdateRequest, TeamsUserExchangeTokenRequest};
use acs_identity_rest::{
    TeamsExtensionOperationsDeleteAssignmentOptions, TeamsExtensionOperationsExchangeTokenOptions,
    TeamsExtensionOperationsGetAssignmentOptions, TeamsExtensionOperationsUpsertAssignmentOptions,
    TeamsUserOperationsExchangeTeamsUserAccessTokenOptions,
};
use azure_core::credentials::AccessToken;

impl CommunicationIdentityClient {
    /// Exchanges a Teams user's Microsoft Entra ID access token for a Communication Services
    /// access token with the same expiry (`POST /teamsUser/:exchangeAccessToken` with
    /// `{token, appId, userId}`).
    ///
    /// * `aad_token`: the Teams user's Entra ID token (it is never logged or put in an error);
    /// * `client_id`: the Entra ID application's client id, checked against the token's `appid`;
    /// * `user_object_id`: the Teams user's object id, checked against the token's `oid`.
    ///
    /// # Errors
    ///
    /// The service's error, for example `401` for an invalid Entra ID token or `400` when an
    /// argument is empty or the ids do not match the token.
    #[tracing::instrument(name = "acs_identity.get_token_for_teams_user", skip_all, err(level = "debug"))]
    pub async fn get_token_for_teams_user(
        &self,
        aad_token: &str,
        client_id: &str,
        user_object_id: &str,
        options: Option<GetTokenForTeamsUserOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let options = options.unwrap_or_default();
        let body = TeamsUserExchangeTokenRequest {
            token: aad_token.to_owned(),
            app_id: client_id.to_owned(),
            user_id: user_object_id.to_owned(),
        };
        let token = self
            .rest
            .teams_user()
            .exchange_teams_user_access_token(
                body.try_into()?,
                Some(TeamsUserOperationsExchangeTeamsUserAccessTokenOptions { method_options: options.method_options }),
            )
            .await?
            .into_model()?;
        Ok(to_access_token(token))
    }

    /// Exchanges the Entra ID token this client is authenticated with, that of a Teams Phone
    /// extensibility user, for a Communication Services identity and access token
    /// (`POST /access/teamsExtension/:exchangeAccessToken`, api-version `2026-09-23`).
    ///
    /// The service identifies the Teams user by the request's Entra ID token: create the client
    /// with [`new`](Self::new), the user's `TokenCredential`, and
    /// `entra_scopes: Some(vec![TEAMS_EXTENSION_SCOPE.into()])`. The body is `{}` plus
    /// [`ExchangeTeamsExtensionTokenOptions::properties`].
    ///
    /// # Errors
    ///
    /// The service's error (for example `401`/`403` when the token is not accepted), or
    /// [`ErrorKind::DataConversion`](azure_core::error::ErrorKind::DataConversion) when a
    /// successful response has no access token.
    #[tracing::instrument(name = "acs_identity.exchange_teams_extension_token", skip_all, err(level = "debug"))]
    pub async fn exchange_teams_extension_token(
        &self,
        options: Option<ExchangeTeamsExtensionTokenOptions<'_>>,
    ) -> azure_core::Result<TeamsExtensionUserToken> {
        let options = options.unwrap_or_default();
        let body: acs_identity_rest::models::TeamsExtensionExchangeTokenRequest =
            options.properties.into_iter().collect();
        let result = self
            .rest
            .teams_extension()
            .exchange_token(
                body.try_into()?,
                Some(TeamsExtensionOperationsExchangeTokenOptions { method_options: options.method_options }),
            )
            .await?
            .into_model()?;
        let access_token = result.access_token.ok_or_else(|| {
            invalid_data(format!(
                "the Teams extension token exchange for `{}` succeeded but its response has no `accessToken`",
                result.identity.id
            ))
        })?;
        Ok(TeamsExtensionUserToken {
            user: CommunicationIdentifier::from_raw_id(&result.identity.id),
            access_token: to_access_token(access_token),
        })
    }

    /// Reads the Teams extension assignment of an Entra ID user or resource account
    /// (`GET /access/teamsExtension/tenants/{tenantId}/assignments/{objectId}`).
    ///
    /// # Errors
    ///
    /// Before any request: an empty id. Then the service's error, `404` when there is none.
    #[tracing::instrument(
        name = "acs_identity.get_teams_extension_assignment",
        skip_all,
        fields(tenant_id = %tenant_id, object_id = %object_id),
        err(level = "debug")
    )]
    pub async fn get_teams_extension_assignment(
        &self,
        tenant_id: &str,
        object_id: &str,
        options: Option<GetTeamsExtensionAssignmentOptions<'_>>,
    ) -> azure_core::Result<TeamsExtensionAssignment> {
        let options = options.unwrap_or_default();
        path_segment("tenant_id", tenant_id)?;
        path_segment("object_id", object_id)?;
        let assignment = self
            .rest
            .teams_extension()
            .get_assignment(
                tenant_id,
                object_id,
                Some(TeamsExtensionOperationsGetAssignmentOptions { method_options: options.method_options }),
            )
            .await?
            .into_model()?;
        Ok(assignment.into())
    }

    /// Creates or replaces the Teams extension assignment of an Entra ID user or resource
    /// account (`PUT /access/teamsExtension/tenants/{tenantId}/assignments/{objectId}` with
    /// `{principalType, clientIds?}`), and returns it as stored.
    ///
    /// # Errors
    ///
    /// Before any request: an empty id. Then the service's error.
    #[tracing::instrument(
        name = "acs_identity.upsert_teams_extension_assignment",
        skip_all,
        fields(tenant_id = %tenant_id, object_id = %object_id, principal_type = %principal_type),
        err(level = "debug")
    )]
    pub async fn upsert_teams_extension_assignment(
        &self,
        tenant_id: &str,
        object_id: &str,
        principal_type: TeamsExtensionPrincipalType,
        options: Option<UpsertTeamsExtensionAssignmentOptions<'_>>,
    ) -> azure_core::Result<TeamsExtensionAssignment> {
        let options = options.unwrap_or_default();
        path_segment("tenant_id", tenant_id)?;
        path_segment("object_id", object_id)?;
        let body = TeamsExtensionAssignmentCreateOrUpdateRequest { principal_type, client_ids: options.client_ids };
        let assignment = self
            .rest
            .teams_extension()
            .upsert_assignment(
                tenant_id,
                object_id,
                body.try_into()?,
                Some(TeamsExtensionOperationsUpsertAssignmentOptions { method_options: options.method_options }),
            )
            .await?
            .into_model()?;
        Ok(assignment.into())
    }

    /// Removes the Teams extension assignment of an Entra ID user or resource account
    /// (`DELETE /access/teamsExtension/tenants/{tenantId}/assignments/{objectId}`).
    ///
    /// # Errors
    ///
    /// Before any request: an empty id. Then the service's error, `404` when there is none.
    #[tracing::instrument(
        name = "acs_identity.delete_teams_extension_assignment",
        skip_all,
        fields(tenant_id = %tenant_id, object_id = %object_id),
        err(level = "debug")
    )]
    pub async fn delete_teams_extension_assignment(
        &self,
        tenant_id: &str,
        object_id: &str,
        options: Option<DeleteTeamsExtensionAssignmentOptions<'_>>,
    ) -> azure_core::Result<()> {
        let options = options.unwrap_or_default();
        path_segment("tenant_id", tenant_id)?;
        path_segment("object_id", object_id)?;
        self.rest
            .teams_extension()
            .delete_assignment(
                tenant_id,
                object_id,
                Some(TeamsExtensionOperationsDeleteAssignmentOptions { method_options: options.method_options }),
            )
            .await?;
        Ok(())
    }
}
