//! The Identity operations.

use super::{empty, json_response, parse_json, AppState, Incoming, Op};
use crate::error::ApiError;
use crate::limits::*;
use crate::TeamsExchange;
use acs_identity_models::{
    CommunicationIdentity, CommunicationIdentityAccessToken, CommunicationIdentityAccessTokenRequest,
    CommunicationIdentityAccessTokenResult, CommunicationIdentityCreateRequest, CommunicationIdentityTokenScope,
    TeamsExtensionAssignmentCreateOrUpdateRequest, TeamsExtensionAssignmentResponse, TeamsUserExchangeTokenRequest,
};
use axum::http::StatusCode;
use axum::response::Response;
use std::time::Duration;
use time::OffsetDateTime;

/// The tenant and object claims of the Entra token of a Teams Phone extension exchange.
type EntraUser = (Option<String>, Option<String>);

/// Runs an Identity operation: signed with the access key, or (the Teams Phone extension
/// exchange) with the Entra token of `entra`.
pub(super) fn handle(state: &AppState, incoming: Incoming, entra: Option<EntraUser>) -> Result<Response, ApiError> {
    if let (Op::TeamsExtensionExchange, Some((tenant, object))) = (&incoming.op, entra) {
        return teams_extension_exchange(state, &incoming, tenant, object);
    }
    identity(state, incoming.op.clone(), &incoming)
}

fn scopes(field: &str, scopes: &[CommunicationIdentityTokenScope]) -> Result<Vec<String>, ApiError> {
    if scopes.is_empty() {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "ValidationError", "Scopes: The Scopes field is required.")
            .with_target(field));
    }
    scopes
        .iter()
        .map(|scope| match scope {
            CommunicationIdentityTokenScope::UnknownValue(value) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "ValidationError",
                format!(
                    "Scope '{value}' is not valid. Valid scopes: chat, voip, chat.join, chat.join.limited, voip.join."
                ),
            )
            .with_target(field)),
            known => Ok(known.as_str().to_owned()),
        })
        .collect()
}

fn token_expiry(state: &AppState, minutes: Option<i32>) -> Result<OffsetDateTime, ApiError> {
    let lifetime = match minutes {
        Some(m) if !(MIN_TOKEN_MINUTES..=MAX_TOKEN_MINUTES).contains(&m) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "ValidationError",
                format!(
                    "ExpiresInMinutes value {m} is invalid. Value must be within the [{MIN_TOKEN_MINUTES}, {MAX_TOKEN_MINUTES}] interval."
                ),
            )
            .with_target("expiresInMinutes"))
        }
        Some(m) => Duration::from_secs(u64::try_from(m).unwrap_or(60) * 60),
        None => state.default_token_lifetime,
    };
    Ok(OffsetDateTime::now_utc() + lifetime)
}

fn identity(state: &AppState, op: Op, incoming: &Incoming) -> Result<Response, ApiError> {
    match op {
        Op::CreateIdentity => {
            let request: CommunicationIdentityCreateRequest = if incoming.body.iter().all(u8::is_ascii_whitespace) {
                Default::default()
            } else {
                parse_json(&incoming.body)?
            };
            let token_scopes = match &request.create_token_with_scopes {
                Some(list) if !list.is_empty() => Some(scopes("createTokenWithScopes", list)?),
                _ => None,
            };
            let expires_on = token_expiry(state, request.expires_in_minutes)?;
            let mut store = state.store();
            let id = store.create_user();
            let access_token = match token_scopes {
                Some(list) => Some(state.mint_token(&mut store, &id, &list, expires_on)?),
                None => None,
            };
            let result = model!(CommunicationIdentityAccessTokenResult {
                identity: model!(CommunicationIdentity { id: id }),
                access_token: access_token
            });
            Ok(json_response(StatusCode::CREATED, &result))
        }
        Op::DeleteIdentity(id) => {
            state.store().delete_user(&id)?;
            Ok(empty(StatusCode::NO_CONTENT))
        }
        Op::IssueToken(id) => {
            let request: CommunicationIdentityAccessTokenRequest = parse_json(&incoming.body)?;
            let list = scopes("scopes", &request.scopes)?;
            let expires_on = token_expiry(state, request.expires_in_minutes)?;
            let mut store = state.store();
            let token = state.mint_token(&mut store, &id, &list, expires_on)?;
            Ok(json_response(StatusCode::OK, &token))
        }
        Op::RevokeTokens(id) => {
            state.store().revoke_tokens(&id)?;
            Ok(empty(StatusCode::NO_CONTENT))
        }
        Op::TeamsUserExchange => {
            let request: TeamsUserExchangeTokenRequest = parse_json(&incoming.body)?;
            for (field, value) in [("token", &request.token), ("appId", &request.app_id), ("userId", &request.user_id)]
            {
                if value.trim().is_empty() {
                    return Err(ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "ValidationError",
                        format!("The {field} field is required."),
                    )
                    .with_target(field));
                }
            }
            let token = teams_token(state, &format!("8:orgid:{}", request.user_id))?;
            Ok(json_response(StatusCode::OK, &token))
        }
        Op::GetAssignment(tenant, object) => {
            let store = state.store();
            match store.assignment(&(tenant, object)) {
                Some(body) => Ok(json_response(StatusCode::OK, body)),
                None => Err(ApiError::not_found("The Teams extension assignment was not found.")),
            }
        }
        Op::PutAssignment(tenant, object) => {
            let request: TeamsExtensionAssignmentCreateOrUpdateRequest = parse_json(&incoming.body)?;
            let response = model!(TeamsExtensionAssignmentResponse {
                object_id: object.clone(),
                tenant_id: tenant.clone(),
                principal_type: request.principal_type,
                client_ids: request.client_ids
            });
            let body = serde_json::to_value(&response).unwrap_or_default();
            let existed = state.store().set_assignment((tenant, object), body.clone());
            Ok(json_response(if existed { StatusCode::OK } else { StatusCode::CREATED }, &body))
        }
        Op::DeleteAssignment(tenant, object) => match state.store().remove_assignment(&(tenant, object)) {
            Some(_) => Ok(empty(StatusCode::NO_CONTENT)),
            None => Err(ApiError::not_found("The Teams extension assignment was not found.")),
        },
        _ => Err(ApiError::not_found("The requested resource does not exist.")),
    }
}

/// The Entra tenant of Teams extension users when the exchange request does not name one.
const PLACEHOLDER_TENANT: &str = "00000000-0000-0000-0000-0000000000e1";
/// The Teams user of extension exchanges when the request does not name one.
const PLACEHOLDER_TEAMS_USER: &str = "00000000-0000-0000-0000-0000000000a1";

/// The configured answer to a Teams token exchange for the identity `raw_id`.
/// The Teams Phone extension exchange: an ACS token for the Teams user of the Entra token. The
/// user is the token's `tid`/`oid` claims, else the body's `tenantId`/`userId`, else a stable
/// placeholder user of a placeholder tenant.
fn teams_extension_exchange(
    state: &AppState,
    incoming: &Incoming,
    tenant: Option<String>,
    object: Option<String>,
) -> Result<Response, ApiError> {
    let request: serde_json::Value = if incoming.body.iter().all(u8::is_ascii_whitespace) {
        serde_json::json!({})
    } else {
        parse_json(&incoming.body)?
    };
    if !request.is_object() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "ValidationError",
            "The request body must be a JSON object.",
        ));
    }
    let field = |name: &str| request.get(name).and_then(|v| v.as_str()).filter(|v| !v.is_empty()).map(str::to_owned);
    let tenant = tenant.or_else(|| field("tenantId")).unwrap_or_else(|| PLACEHOLDER_TENANT.to_owned());
    let user = object.or_else(|| field("userId")).unwrap_or_else(|| PLACEHOLDER_TEAMS_USER.to_owned());
    let raw_id = format!("8:acs:{}_{tenant}_{user}", state.store().resource_id());
    let token = teams_token(state, &raw_id)?;
    let result = model!(CommunicationIdentityAccessTokenResult {
        identity: model!(CommunicationIdentity { id: raw_id }),
        access_token: Some(token)
    });
    Ok(json_response(StatusCode::OK, &result))
}

fn teams_token(state: &AppState, raw_id: &str) -> Result<CommunicationIdentityAccessToken, ApiError> {
    let answer = state.teams.lock().unwrap_or_else(|e| e.into_inner()).clone();
    match answer {
        TeamsExchange::NotConfigured => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "TeamsExchangeNotConfigured",
            "The emulator cannot validate Microsoft Entra ID tokens. Configure an answer for Teams token exchanges \
             (EmulatorHandle::set_teams_exchange or --teams-exchange issue) to test this flow.",
        )),
        TeamsExchange::Fail { status, code, message } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
            Err(ApiError::new(status, &code, message))
        }
        TeamsExchange::Issue { lifetime } => {
            let mut store = state.store();
            store.ensure_identity(raw_id);
            let lifetime =
                lifetime.unwrap_or(state.default_token_lifetime).min(Duration::from_secs(10 * 365 * 24 * 60 * 60));
            state.mint_token(
                &mut store,
                raw_id,
                &["chat".to_owned(), "voip".to_owned()],
                OffsetDateTime::now_utc() + lifetime,
            )
        }
    }
}
