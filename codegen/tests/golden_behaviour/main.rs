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

/// Lowers the `spec.json` in `dir` (a fixture's folder, or a test's own temporary one), with its
/// examples.
pub fn lower_dir(dir: &std::path::Path) -> acs_codegen::Result<(acs_codegen::ir::Service, acs_codegen::SpecExamples)> {
    let reader = acs_codegen::fixture::dir_reader(dir.to_path_buf());
    acs_codegen::lower_spec(&reader, "spec.json", &Default::default(), &[], &mut Default::default())
        .map(|(service, examples, _)| (service, examples))
}

/// Lowers the `spec.json` of fixture `name` (`codegen/tests/fixtures/name`).
pub fn lower_fixture(name: &str) -> acs_codegen::ir::Service {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    lower_dir(&dir).expect("the fixture lowers").0
}
