//! What the mock-transport tests share: a client on `acs_test_support`'s recording transport.

#![allow(dead_code)]

use acs_chat::{ChatClient, ChatClientOptions};
use acs_common::CommunicationTokenCredential;
pub use acs_test_support::{MockTransport, Reply};
use azure_core::credentials::AccessToken;
use azure_core::time::{Duration, OffsetDateTime};
use std::sync::Arc;

pub const ENDPOINT: &str = "https://contoso.communication.azure.com/";
pub const THREAD: &str = "19:abc@thread.v2";
pub const TOKEN: &str = "user-token-secret";

/// One request as the transport saw it.
/// The recording mock transport of `acs_test_support`.
pub type Mock = MockTransport;

pub fn options(mock: &Arc<Mock>) -> ChatClientOptions {
    ChatClientOptions { client_options: mock.client_options(), ..Default::default() }
}

pub fn credential() -> CommunicationTokenCredential {
    CommunicationTokenCredential::from_access_token(AccessToken::new(
        TOKEN,
        OffsetDateTime::now_utc() + Duration::hours(1),
    ))
}

pub fn client(mock: &Arc<Mock>) -> ChatClient {
    ChatClient::new(ENDPOINT, credential(), Some(options(mock))).expect("client")
}

pub fn message_json(id: &str, version: &str, created: &str, extra: &str) -> String {
    format!(
        r#"{{"id":"{id}","type":"text","sequenceId":"{id}","version":"{version}","content":{{"message":"m{id}"}},
        "createdOn":"{created}","senderCommunicationIdentifier":{{"rawId":"8:acs:r_u","communicationUser":{{"id":"8:acs:r_u"}}}}{extra}}}"#
    )
}
