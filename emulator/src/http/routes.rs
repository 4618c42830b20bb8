//! The routes: which operation a method and path are.

use crate::error::ApiError;
use axum::http::Method;

/// Which service a route belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Service {
    Chat,
    Identity,
}

/// The operations.
#[derive(Clone, Debug)]
pub(crate) enum Op {
    CreateThread,
    ListThreads,
    GetThread(String),
    UpdateThread(String),
    DeleteThread(String),
    SendMessage(String),
    ListMessages(String),
    GetMessage(String, String),
    UpdateMessage(String, String),
    DeleteMessage(String, String),
    ListParticipants(String),
    AddParticipants(String),
    RemoveParticipant(String),
    SendReadReceipt(String),
    ListReadReceipts(String),
    Typing(String),
    CreateIdentity,
    DeleteIdentity(String),
    IssueToken(String),
    RevokeTokens(String),
    TeamsUserExchange,
    TeamsExtensionExchange,
    GetAssignment(String, String),
    PutAssignment(String, String),
    DeleteAssignment(String, String),
}

impl Op {
    pub(crate) fn service(&self) -> Service {
        match self {
            Op::CreateIdentity
            | Op::DeleteIdentity(_)
            | Op::IssueToken(_)
            | Op::RevokeTokens(_)
            | Op::TeamsUserExchange
            | Op::TeamsExtensionExchange
            | Op::GetAssignment(..)
            | Op::PutAssignment(..)
            | Op::DeleteAssignment(..) => Service::Identity,
            _ => Service::Chat,
        }
    }
}

/// Finds the operation for a method and decoded path segments.
pub(crate) fn route(method: &Method, segments: &[String]) -> Result<Op, ApiError> {
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    let m = method;
    let not_allowed = Err(ApiError::method_not_allowed());
    let owned = |x: &str| x.to_owned();
    match s.as_slice() {
        ["chat", "threads"] => match *m {
            Method::POST => Ok(Op::CreateThread),
            Method::GET => Ok(Op::ListThreads),
            _ => not_allowed,
        },
        ["chat", "threads", id] => match *m {
            Method::GET => Ok(Op::GetThread(owned(id))),
            Method::PATCH => Ok(Op::UpdateThread(owned(id))),
            Method::DELETE => Ok(Op::DeleteThread(owned(id))),
            _ => not_allowed,
        },
        ["chat", "threads", id, "messages"] => match *m {
            Method::POST => Ok(Op::SendMessage(owned(id))),
            Method::GET => Ok(Op::ListMessages(owned(id))),
            _ => not_allowed,
        },
        ["chat", "threads", id, "messages", mid] => match *m {
            Method::GET => Ok(Op::GetMessage(owned(id), owned(mid))),
            Method::PATCH => Ok(Op::UpdateMessage(owned(id), owned(mid))),
            Method::DELETE => Ok(Op::DeleteMessage(owned(id), owned(mid))),
            _ => not_allowed,
        },
        ["chat", "threads", id, "participants"] => match *m {
            Method::GET => Ok(Op::ListParticipants(owned(id))),
            _ => not_allowed,
        },
        ["chat", "threads", id, "participants", ":add"] => match *m {
            Method::POST => Ok(Op::AddParticipants(owned(id))),
            _ => not_allowed,
        },
        ["chat", "threads", id, "participants", ":remove"] => match *m {
            Method::POST => Ok(Op::RemoveParticipant(owned(id))),
            _ => not_allowed,
        },
        ["chat", "threads", id, "readReceipts"] => match *m {
            Method::POST => Ok(Op::SendReadReceipt(owned(id))),
            Method::GET => Ok(Op::ListReadReceipts(owned(id))),
            _ => not_allowed,
        },
        ["chat", "threads", id, "typing"] => match *m {
            Method::POST => Ok(Op::Typing(owned(id))),
            _ => not_allowed,
        },
        ["identities"] => match *m {
            Method::POST => Ok(Op::CreateIdentity),
            _ => not_allowed,
        },
        ["identities", id] => match *m {
            Method::DELETE => Ok(Op::DeleteIdentity(owned(id))),
            _ => not_allowed,
        },
        ["identities", id, ":issueAccessToken"] => match *m {
            Method::POST => Ok(Op::IssueToken(owned(id))),
            _ => not_allowed,
        },
        ["identities", id, ":revokeAccessTokens"] => match *m {
            Method::POST => Ok(Op::RevokeTokens(owned(id))),
            _ => not_allowed,
        },
        ["teamsUser", ":exchangeAccessToken"] => match *m {
            Method::POST => Ok(Op::TeamsUserExchange),
            _ => not_allowed,
        },
        ["access", "teamsExtension", ":exchangeAccessToken"] => match *m {
            Method::POST => Ok(Op::TeamsExtensionExchange),
            _ => not_allowed,
        },
        ["access", "teamsExtension", "tenants", tenant, "assignments", object] => match *m {
            Method::GET => Ok(Op::GetAssignment(owned(tenant), owned(object))),
            Method::PUT => Ok(Op::PutAssignment(owned(tenant), owned(object))),
            Method::DELETE => Ok(Op::DeleteAssignment(owned(tenant), owned(object))),
            _ => not_allowed,
        },
        _ => Err(ApiError::not_found("The requested resource does not exist.")),
    }
}
