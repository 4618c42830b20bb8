//! An api-version that is a segment of the host template (`x-ms-api-version` on a host parameter).

use acs_test_support::MockTransport;
use golden_api_version_in_host_rest::models::Series;

use crate::client;

#[tokio::test]
async fn the_clients_api_version_is_the_host_segment() {
    let mock = MockTransport::new();
    mock.respond(200, r#"{"values":[1.5]}"#);
    let client = client!(golden_api_version_in_host_rest, mock, endpoint);
    assert_eq!(client.api_version(), "v2.1");
    let series = Series { values: Some(vec![1.5]) };
    let checked = client.series().detect(series.try_into().unwrap(), None).await.unwrap().into_model().unwrap();
    assert_eq!(checked.values, Some(vec![1.5]));
    assert_eq!(mock.only().url, "https://example.com/detector/v2.1/series/detect");

    let mock = MockTransport::new();
    mock.respond(200, "{}");
    let client = golden_api_version_in_host_rest::FixtureClient::new(
        "https://example.com/",
        acs_test_support::no_auth(),
        Some(golden_api_version_in_host_rest::FixtureClientOptions {
            client_options: mock.client_options(),
            api_version: "v3.0".into(),
            ..Default::default()
        }),
    )
    .unwrap();
    client.series().detect(Series::default().try_into().unwrap(), None).await.unwrap();
    assert_eq!(mock.only().url, "https://example.com/detector/v3.0/series/detect");
}

#[test]
fn a_host_parameter_named_api_version_is_the_api_version_too() {
    let dir = std::env::temp_dir().join(format!("acs_codegen_host_api_version_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Text Analytics v3.1 declares it so: no `x-ms-api-version`, a single-value enum.
    let spec = serde_json::json!({
        "swagger": "2.0", "info": {"title": "t", "version": "v3.1"},
        "x-ms-parameterized-host": {"hostTemplate": "{Endpoint}/text/{ApiVersion}", "useSchemePrefix": false, "parameters": [
            {"name": "Endpoint", "in": "path", "required": true, "type": "string", "x-ms-skip-url-encoding": true, "x-ms-parameter-location": "client"},
            {"name": "ApiVersion", "in": "path", "required": true, "type": "string", "enum": ["v3.1"], "x-ms-parameter-location": "client"}
        ]},
        "paths": {}, "definitions": {}
    });
    std::fs::write(dir.join("spec.json"), spec.to_string()).unwrap();
    let (service, _) = crate::lower_dir(&dir).unwrap();
    let flags: Vec<(&str, bool)> = service.host.params.iter().map(|p| (p.wire_name.as_str(), p.api_version)).collect();
    assert_eq!(flags, [("Endpoint", false), ("ApiVersion", true)]);
    let _ = std::fs::remove_dir_all(dir);
}
