//! What the golden crates (`codegen/golden`, emitted from `codegen/tests/fixtures`) do on the wire,
//! one module per construct, against the recording mock transport of `acs_test_support`.

mod api_version_in_host;
mod binary_bodies;
mod client_extensions;
mod enums;
mod examples;
mod form_data;
mod formats;
mod long_running;
mod parameters;
mod repeatability;
mod status_ranges;

/// A fixture client (every golden REST crate calls it `FixtureClient`) sending through `$mock`.
#[macro_export]
macro_rules! client {
    ($krate:ident, $mock:expr) => {
        $krate::FixtureClient::new(
            acs_test_support::no_auth(),
            Some($krate::FixtureClientOptions {
                client_options: $mock.client_options(),
                endpoint: Some("https://example.com".to_string()),
                ..Default::default()
            }),
        )
        .expect("client")
    };
    // A spec without a host: the endpoint is an argument.
    ($krate:ident, $mock:expr, endpoint) => {
        $krate::FixtureClient::new(
            "https://example.com",
            acs_test_support::no_auth(),
            Some($krate::FixtureClientOptions { client_options: $mock.client_options(), ..Default::default() }),
        )
        .expect("client")
    };
}
