//! Enums declared more than once.

use acs_codegen::ir::{TypeDef, TypeRef};

#[test]
fn an_inline_enum_and_a_named_one_with_its_name_and_values_are_one_type() {
    let service = crate::lower_fixture("extensible_enum");
    let Some(TypeDef::Struct(hat)) = service.types.get("Hat") else { panic!("no Hat") };
    assert_eq!(hat.fields[0].ty, TypeRef::Named("Tone".into()));
    let Some(TypeDef::Enum(tone)) = service.types.get("Tone") else { panic!("no Tone") };
    // The named schema documents it, although the inline one came first.
    assert_eq!(tone.doc, "Warm or cool.");
    assert_eq!(tone.values[0].doc, "Red and yellow.");
}

#[test]
fn an_inline_enum_and_a_named_one_that_differ_are_a_located_collision() {
    let dir = tempdir("collision");
    let spec = serde_json::json!({
        "swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {},
        "definitions": {
            "Hat": {"type": "object", "properties": {
                "tone": {"type": "string", "enum": ["warm", "cool"], "x-ms-enum": {"name": "Tone", "modelAsString": true}}
            }},
            "Tone": {"type": "string", "enum": ["warm", "cool", "neutral"], "x-ms-enum": {"name": "Tone", "modelAsString": true}}
        }
    });
    std::fs::write(dir.join("spec.json"), spec.to_string()).unwrap();
    let error = crate::lower_dir(&dir).map(|_| ()).expect_err("a collision");
    let text = error.to_string();
    assert!(text.contains("spec.json#/definitions/Tone") && text.contains("collision"), "{text}");
    let _ = std::fs::remove_dir_all(dir);
}

/// A folder of this test's own (tests run in parallel).
fn tempdir(test: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("acs_codegen_enums_{test}_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn one_enum_name_for_other_values_names_the_later_one_after_its_property() {
    let dir = tempdir("renamed");
    let status = |values: &[&str]| serde_json::json!({"type": "string", "enum": values, "x-ms-enum": {"name": "State", "modelAsString": false}});
    let spec = serde_json::json!({
        "swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {},
        "definitions": {
            "JobState": {"type": "object", "properties": {"status": status(&["running", "done"])}},
            "TaskState": {"type": "object", "properties": {"status": status(&["running", "done", "rejected"])}},
            // `allOf` copies TaskState's property: still one type.
            "PiiTask": {"allOf": [{"$ref": "#/definitions/TaskState"}], "properties": {"name": {"type": "string"}}},
            "KeyTask": {"allOf": [{"$ref": "#/definitions/TaskState"}], "properties": {"key": {"type": "string"}}}
        }
    });
    std::fs::write(dir.join("spec.json"), spec.to_string()).unwrap();
    let (service, _) = crate::lower_dir(&dir).unwrap();
    let enums: Vec<&str> = service
        .types
        .values()
        .filter_map(|t| match t {
            TypeDef::Enum(e) => Some(e.name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(enums, ["State", "TaskStateStatus"]);
    let field_type = |model: &str, field: &str| match service.types.get(model) {
        Some(TypeDef::Struct(s)) => s.fields.iter().find(|f| f.wire_name == field).map(|f| f.ty.clone()),
        _ => None,
    };
    for model in ["TaskState", "PiiTask", "KeyTask"] {
        assert_eq!(field_type(model, "status"), Some(TypeRef::Named("TaskStateStatus".into())), "{model}");
    }
    assert_eq!(field_type("JobState", "status"), Some(TypeRef::Named("State".into())));
    assert!(service.warnings.iter().any(|w| w.to_string().contains("this one is `TaskStateStatus`")));
    let _ = std::fs::remove_dir_all(dir);
}
