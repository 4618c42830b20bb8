//! Client-level inputs: the host template (`x-ms-parameterized-host`, `host`, OpenAPI `servers`) and
//! the parameters given once to the client (`x-ms-parameter-location: client`).

use std::collections::{BTreeMap, BTreeSet};

use super::Lowerer;
use crate::error::{Error, Result, SourceLoc};
use crate::ir::*;
use crate::names::{bare, value_name};

impl<'a> Lowerer<'a> {
    /// The host: the first server's URL template and its variables.
    pub(crate) fn host(&self) -> Result<Host> {
        let loc = SourceLoc::new(self.root, "/x-ms-parameterized-host");
        let Some(server) = self.openapi.servers.first() else {
            return Ok(Host { template: "{endpoint}".into(), params: vec![endpoint_param(None)] });
        };
        let variables = server.variables.clone().unwrap_or_default();
        if variables.is_empty() {
            // A fixed host: the caller may point the client elsewhere; the spec's host is the default.
            let (origin, path) = split_origin(&server.url);
            let default = (!origin.is_empty()).then(|| origin.to_string());
            return Ok(Host { template: format!("{{endpoint}}{path}"), params: vec![endpoint_param(default)] });
        }
        let mut params = Vec::new();
        let mut rest = server.url.as_str();
        while let Some(start) = rest.find('{') {
            let end = rest[start..]
                .find('}')
                .map(|e| start + e)
                .ok_or_else(|| Error::at(&loc, "the host template has a `{` without its `}`"))?;
            let wire = &rest[start + 1..end];
            let variable = variables.get(wire).ok_or_else(|| {
                Error::at(&loc, format!("the host template uses `{{{wire}}}`, which is not one of its parameters"))
            })?;
            if !params.iter().any(|p: &HostParam| p.wire_name == wire) {
                params.push(HostParam {
                    name: value_name(wire),
                    wire_name: wire.to_string(),
                    doc: variable.description.clone().unwrap_or_default(),
                    default: Some(variable.default.clone()).filter(|d| !d.is_empty()),
                    // Marked so, or named so (`{ApiVersion}`): the api-version, which the client has already.
                    api_version: variable.extensions.get("x-ms-api-version").and_then(|v| v.as_bool()) == Some(true)
                        || value_name(wire) == "api_version",
                });
            }
            rest = &rest[end + 1..];
        }
        Ok(Host { template: server.url.clone(), params })
    }
}

fn endpoint_param(default: Option<String>) -> HostParam {
    HostParam {
        name: "endpoint".into(),
        wire_name: "endpoint".into(),
        doc: "The service endpoint, e.g. `https://<resource>.communication.azure.com`.".into(),
        default,
        api_version: false,
    }
}

/// `https://host:port/base` → (`https://host:port`, `/base`).
fn split_origin(url: &str) -> (&str, &str) {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(slash) => url.split_at(after_scheme + slash),
        None => (url, ""),
    }
}

/// The client parameters of all operations; one name must mean one parameter everywhere.
pub(crate) fn client_params(groups: &[OperationGroup]) -> Result<Vec<Param>> {
    let mut params: BTreeMap<String, (Param, SourceLoc)> = BTreeMap::new();
    for operation in groups.iter().flat_map(|g| &g.operations) {
        // A constant is sent as is; it is nothing the client needs to be given.
        for param in operation.params.iter().filter(|p| p.client && p.constant.is_none()) {
            match params.get(&param.wire_name) {
                Some((first, first_loc))
                    if (first.ty != param.ty
                        || first.location != param.location
                        || first.required != param.required) =>
                {
                    return Err(Error::at(
                        &operation.source,
                        format!("client parameter `{}` differs from its definition at {first_loc}", param.wire_name),
                    ));
                }
                Some(_) => {}
                None => {
                    params.insert(param.wire_name.clone(), (param.clone(), operation.source.clone()));
                }
            }
        }
    }
    let mut names = BTreeSet::new();
    for (param, loc) in params.values() {
        if !names.insert(param.name.clone()) || matches!(bare(&param.name), "auth_policy" | "options" | "core") {
            return Err(Error::at(
                loc,
                format!(
                    "name collision: client parameter `{}` becomes `{}`, which is taken",
                    param.wire_name, param.name
                ),
            ));
        }
    }
    Ok(params.into_values().map(|(param, _)| param).collect())
}

/// Host parameters and client parameters become constructor arguments or client options: their
/// names must not collide with each other or with the constructor's own.
pub(crate) fn check_host_names(host: &Host, client_params: &[Param]) -> Result<()> {
    let loc = SourceLoc::new("", "/x-ms-parameterized-host");
    let mut names = BTreeSet::new();
    for param in host.params.iter().filter(|p| !p.api_version) {
        if !names.insert(bare(&param.name).to_string())
            || matches!(
                bare(&param.name),
                "auth_policy" | "options" | "client_options" | "api_version" | "limits" | "core"
            )
        {
            return Err(Error::at(
                &loc,
                format!(
                    "name collision: host parameter `{}` becomes `{}`, which is taken",
                    param.wire_name, param.name
                ),
            ));
        }
    }
    for param in client_params {
        if names.contains(bare(&param.name)) || matches!(bare(&param.name), "client_options" | "api_version" | "limits")
        {
            return Err(Error::at(
                &loc,
                format!(
                    "name collision: client parameter `{}` becomes `{}`, which is taken",
                    param.wire_name, param.name
                ),
            ));
        }
    }
    Ok(())
}
