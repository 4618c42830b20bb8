//! Upstream example files that are wrong in ways the spec is not: parts are left out with a
//! warning, never a failed generation.

fn write_spec(dir: &std::path::Path) {
    let spec = serde_json::json!({
        "swagger": "2.0", "info": {"title": "t", "version": "1"}, "host": "example.com",
        "paths": {"/things": {"get": {
            "operationId": "Things_Get",
            "x-ms-examples": {"Get": {"$ref": "./examples/get.json"}},
            "responses": {
                "200": {"description": "OK", "schema": {"$ref": "#/definitions/Thing"}},
                "default": {"description": "Error", "schema": {"$ref": "#/definitions/Thing"}}
            }
        }}},
        "definitions": {"Thing": {"type": "object", "properties": {"name": {"type": "string"}}}}
    });
    // `errors` is no status code (Translator Text's examples have it); `default` is the error response.
    let example = serde_json::json!({
        "parameters": {},
        "responses": {"200": {"body": {"name": "a"}}, "errors": {"body": {}}, "default": {"body": {"name": "e"}}}
    });
    std::fs::create_dir_all(dir.join("examples")).unwrap();
    std::fs::write(dir.join("spec.json"), spec.to_string()).unwrap();
    std::fs::write(dir.join("examples/get.json"), example.to_string()).unwrap();
}

#[test]
fn an_example_response_keyed_by_no_status_code_is_left_out_with_a_warning() {
    let dir = std::env::temp_dir().join(format!("acs_codegen_examples_{}", std::process::id()));
    write_spec(&dir);
    let (service, examples) = crate::lower_dir(&dir).unwrap();
    let (cases, warnings) = acs_codegen::example_cases(&service, &examples).unwrap();
    let codes: Vec<&str> = cases[0].responses.iter().map(|(code, _)| code.as_str()).collect();
    assert_eq!(codes, ["200", "default"]);
    let warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings.iter().any(|w| w.contains("examples/get.json#/responses/errors") && w.contains("not a status code")),
        "{warnings:#?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
