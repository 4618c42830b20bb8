//! A corpus of broken specs: each must give an error that names the spec file and the JSON pointer
//! of the problem, with a message saying what is wrong, and none may panic.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use acs_codegen::fixture::dir_reader;
use acs_codegen::lower::ServiceOptions;
use acs_codegen::{lower_spec, StageTimes};

/// (root spec, file the error must name, JSON pointer it must name, text the message must contain)
const CASES: &[(&str, &str, &str, &str)] = &[
    ("invalid_json.json", "invalid_json.json", "", "invalid JSON: trailing comma at line 1 column"),
    ("invalid_yaml.yaml", "invalid_yaml.yaml", "", "invalid YAML"),
    ("dangling_ref.json", "dangling_ref.json", "/definitions/A/properties/b/$ref", "dangling $ref"),
    (
        "missing_file/spec.json",
        "missing_file/spec.json",
        "/definitions/A/properties/b/$ref",
        "cannot read referenced file `missing_file/nowhere.json`",
    ),
    (
        "duplicate_operation_id.json",
        "duplicate_operation_id.json",
        "/paths/~1b/get/operationId",
        "duplicate operationId `Things_Get`",
    ),
    ("form_and_body.json", "form_and_body.json", "/paths/~1upload/post", "both a body parameter and formData"),
    ("alias_self.json", "alias_self.json", "/definitions/Z1", "alias cycle"),
    ("alias_pair.json", "alias_pair.json", "/definitions/Z1", "alias cycle"),
    ("type_name_collision.json", "type_name_collision.json", "/definitions/FooBar", "name collision"),
    (
        "field_name_collision.json",
        "field_name_collision.json",
        "/definitions/A/properties/foo_bar",
        "both become the field `foo_bar`",
    ),
    ("unknown_type.json", "unknown_type.json", "/definitions/A/properties/amount", "unknown type `decimal`"),
    ("not_a_spec.json", "not_a_spec.json", "", "not a Swagger 2.0 or OpenAPI 3.0 document"),
    ("swagger_version.json", "swagger_version.json", "/swagger", "unsupported Swagger version"),
    (
        "missing_path_parameter.json",
        "missing_path_parameter.json",
        "/paths/~1things~1{thingId}/get",
        "no such path parameter",
    ),
    (
        "pageable_without_items.json",
        "pageable_without_items.json",
        "/paths/~1things/get/x-ms-pageable",
        "must be an array",
    ),
    (
        "no_success_response.json",
        "no_success_response.json",
        "/paths/~1things/get/responses",
        "no success (2xx) response",
    ),
    (
        "discriminator_without_kinds.json",
        "discriminator_without_kinds.json",
        "/definitions/Pet/discriminator",
        "no known kinds",
    ),
    ("enum_variant_collision.json", "enum_variant_collision.json", "/definitions/Mode/enum", "variant `AB`"),
    ("ref_outside_root.json", "ref_outside_root.json", "/definitions/A/$ref", "points outside the specs root"),
    ("external_collision/spec.json", "external_collision/other.json", "/definitions/Thing", "schema name collision"),
    ("unsupported_ref.json", "unsupported_ref.json", "/definitions/B/properties/y/$ref", "unsupported $ref"),
    ("path_item_ref.yaml", "path_item_ref.yaml", "/paths/~1things/$ref", "unsupported $ref"),
];

#[test]
fn every_broken_spec_gives_a_located_error() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broken");
    let reader = dir_reader(dir);
    let mut failures = Vec::new();
    for (root, file, pointer, message) in CASES {
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            lower_spec(&reader, root, &ServiceOptions::default(), &[], &mut StageTimes::default()).map(|_| ())
        }));
        match outcome {
            Err(_) => failures.push(format!("{root}: panicked")),
            Ok(Ok(())) => failures.push(format!("{root}: was accepted")),
            Ok(Err(error)) => {
                let location = error.location.clone();
                let located = location.as_ref().is_some_and(|l| l.file == *file && l.pointer == *pointer);
                if !located || !error.message.contains(message) {
                    failures.push(format!("{root}: expected `{file}#{pointer}: …{message}…`, got `{error}`"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} cases wrong:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}

#[test]
fn the_corpus_is_large_and_complete() {
    assert!(CASES.len() >= 15);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broken");
    let entries = std::fs::read_dir(&dir).expect("corpus folder").count();
    let roots: std::collections::BTreeSet<&str> =
        CASES.iter().map(|(root, ..)| root.split('/').next().unwrap_or(root)).collect();
    assert_eq!(entries, roots.len(), "every file or folder in tests/broken is a case");
}
