//! Helpers shared by the integration tests.
#![allow(dead_code)]

use azure_core::http::policies::Policy;
use azure_core::http::{ClientOptions, Pipeline, RetryOptions, StatusCode};
use azure_core::time::{Duration, OffsetDateTime};
use std::sync::Arc;

/// A fake JWT whose `exp` claim is `expires_on`, with `marker` in its payload and signature so
/// tests can look for leaks.
pub fn jwt(expires_on: OffsetDateTime, marker: &str) -> String {
    let header = azure_core::base64::encode_url_safe(br#"{"alg":"RS256","typ":"JWT"}"#);
    let payload = azure_core::base64::encode_url_safe(format!(
        r#"{{"skypeid":"acs:{marker}","exp":{}}}"#,
        expires_on.unix_timestamp()
    ));
    format!("{header}.{payload}.{marker}-signature")
}

/// A fake JWT expiring `lifetime` from now.
pub fn jwt_in(lifetime: Duration, marker: &str) -> String {
    jwt(OffsetDateTime::now_utc() + lifetime, marker)
}

/// A queued response: status, headers, body.
#[allow(unused_imports)]
pub use acs_test_support::{Recorded, Reply};

/// The recording transport of `acs_test_support`, answering `200 {}` unless told otherwise.
pub struct MockTransport;

impl MockTransport {
    #[allow(clippy::new_ret_no_self)]
    pub fn new() -> Arc<acs_test_support::MockTransport> {
        let mock = acs_test_support::MockTransport::new();
        mock.handle(|_| Reply::status(200, "{}"));
        mock
    }
}

/// Queues an answer with a status, headers and body.
pub fn queue(mock: &acs_test_support::MockTransport, status: StatusCode, headers: &[(&str, &str)], body: &str) {
    mock.push(Reply::with_headers(u16::from(status), headers, body.as_bytes().to_vec()));
}

pub fn pipeline(
    auth: Arc<dyn Policy>,
    transport: Arc<acs_test_support::MockTransport>,
    retry: RetryOptions,
) -> Pipeline {
    let options = ClientOptions { transport: Some(transport.transport()), retry, ..Default::default() };
    Pipeline::new(Some("acs_common_tests"), Some("0.1.0"), options, Vec::new(), vec![auth], None)
}
