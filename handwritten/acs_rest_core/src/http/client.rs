//! [`ClientCore`]: what every generated client holds, and sends through.

use std::sync::Arc;

use azure_core::http::policies::Policy;
use azure_core::http::{ClientOptions, Context, Pipeline, RawResponse, Request, Url};

use super::guard::AttemptPolicy;
use super::limits::Limits;
use super::operation::Operation;

/// The options every generated client has: `azure_core`'s, the api-version, and the [`Limits`].
#[derive(Clone, Debug)]
pub struct CoreOptions {
    /// The `azure_core` pipeline options: retry, transport, per-call and per-try policies, logging.
    pub client_options: ClientOptions,
    /// The api-version sent with every request that takes one.
    pub api_version: String,
    /// Bounds on each call's time and memory.
    pub limits: Limits,
}

/// The endpoint, api-version, pipeline and limits of a client; cheap to clone (clones share the
/// pipeline and its connection pool).
#[derive(Clone, Debug)]
pub struct ClientCore {
    endpoint: Url,
    api_version: String,
    pipeline: Pipeline,
    limits: Limits,
}

/// The crate a client reports in its `User-Agent`: its name and version.
pub type SdkName = (&'static str, &'static str);

impl ClientCore {
    /// A client core for `endpoint` (already checked, see [`url::parse_endpoint`](crate::url::parse_endpoint)),
    /// signing each try with `auth_policy`, naming `sdk` in the `User-Agent`.
    ///
    /// The pipeline is `azure_core`'s, with `auth_policy` and this crate's per-try guard after the
    /// retry policy (see [`Retry`](crate::Retry) and [`Limits`]).
    pub fn new(
        endpoint: Url,
        auth_policy: Arc<dyn Policy>,
        options: CoreOptions,
        sdk: SdkName,
    ) -> azure_core::Result<Self> {
        super::url::check_application_id(&options.client_options)?;
        options.limits.check()?;
        if options.api_version.trim().is_empty() {
            return Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Other,
                "invalid argument `api_version`: must not be empty",
            ));
        }
        let pipeline = Pipeline::new(
            Some(sdk.0),
            Some(sdk.1),
            options.client_options,
            Vec::new(),
            vec![auth_policy, Arc::new(AttemptPolicy)],
            None,
        );
        Ok(Self { endpoint, api_version: options.api_version, pipeline, limits: options.limits })
    }

    /// The endpoint requests are sent to.
    pub fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    /// The api-version sent with every request that takes one.
    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    /// The client's limits (a call's context may override them).
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The `azure_core` pipeline.
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// The URL of `path` (encoded, from the spec's path template) below the endpoint.
    pub fn url(&self, path: &str) -> Url {
        super::url::endpoint_url(&self.endpoint, path)
    }

    /// Sends `request` for `operation`: retried as the operation allows, bounded by the limits, and
    /// answered with its response when the status is one of the operation's successes, else with an
    /// error (see the crate docs).
    pub async fn send(
        &self,
        context: &Context<'_>,
        request: &mut Request,
        operation: &Operation,
    ) -> azure_core::Result<RawResponse> {
        super::send::send(&self.pipeline, context, request, operation, &self.limits).await
    }
}
