//! `x-ms-parameter-grouping`, `x-ms-client-flatten`, `x-nullable`, `readOnly`, misused keywords.

use acs_test_support::MockTransport;
use golden_client_extensions_rest::models::{Profile, ProfileProperties};

use crate::client;

#[tokio::test]
async fn grouped_parameters_are_options_and_nullable_fields_are_sent_as_null() {
    let mock = MockTransport::new();
    mock.respond(200, r#"{"id":"p1","displayName":"Ada","nickname":null,"properties":{"limits":{"a":1,"b":null}}}"#);
    let client = client!(golden_client_extensions_rest, mock);
    let profile = Profile {
        display_name: "Ada".into(),
        nickname: None,
        properties: Some(ProfileProperties { theme: Some("dark".into()), limits: None }),
        ..Default::default()
    };
    let options = golden_client_extensions_rest::ProfilesPutOptions {
        tier: Some("gold".into()),
        x_ms_trace: Some("t-1".into()),
        ..Default::default()
    };
    let back = client.profiles().put("p1", profile.try_into().unwrap(), Some(options)).await.unwrap();
    let back = back.into_model().unwrap();
    assert_eq!(back.id.as_deref(), Some("p1"));
    let limits = back.properties.unwrap().limits.unwrap();
    assert_eq!((limits["a"], limits["b"]), (Some(1), None));
    let sent = mock.only();
    assert_eq!(sent.query("tier").as_deref(), Some("gold"));
    assert_eq!(sent.header("x-ms-trace"), Some("t-1"));
    // Required and nullable: always sent, `null` when unset. Optional and unset: left out.
    assert_eq!(
        sent.json(),
        serde_json::json!({"displayName": "Ada", "nickname": null, "properties": {"theme": "dark"}})
    );
}

#[test]
fn misused_keywords_are_warnings_not_errors() {
    let service = crate::lower_fixture("misused_keywords");
    let text: Vec<String> = service.warnings.iter().map(|w| w.to_string()).collect();
    for expected in [
        "/definitions/Message/properties/recipients",
        "/definitions/Message/properties/options",
        "/paths/~1messages/post/parameters/0",
        "/definitions/Message/required",
    ] {
        assert!(text.iter().any(|w| w.contains(expected)), "no warning at {expected}: {text:#?}");
    }
    // An enum of strings with no `type` is a string enum.
    assert!(
        matches!(service.types.get("Level"), Some(acs_codegen::ir::TypeDef::Enum(e)) if e.values.len() == 2),
        "{:#?}",
        service.types.get("Level")
    );
}
