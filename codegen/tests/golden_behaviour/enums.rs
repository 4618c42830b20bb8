//! Enums declared more than once.

use acs_codegen::ir::{TypeDef, TypeRef};

fn lower(fixture: &str, spec: &str) -> acs_codegen::Result<acs_codegen::ir::Service> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(fixture);
    let reader = acs_codegen::fixture::dir_reader(dir);
    acs_codegen::lower_spec(&reader, spec, &Default::default(), &[], &mut acs_codegen::StageTimes::default())
        .map(|(service, _, _)| service)
}

#[test]
fn an_inline_enum_and_a_named_one_with_its_name_and_values_are_one_type() {
    let service = lower("extensible_enum", "spec.json").unwrap();
    let Some(TypeDef::Struct(hat)) = service.types.get("Hat") else { panic!("no Hat") };
    assert_eq!(hat.fields[0].ty, TypeRef::Named("Tone".into()));
    let Some(TypeDef::Enum(tone)) = service.types.get("Tone") else { panic!("no Tone") };
    // The named schema documents it, although the inline one came first.
    assert_eq!(tone.doc, "Warm or cool.");
    assert_eq!(tone.values[0].doc, "Red and yellow.");
}

#[test]
fn an_inline_enum_and_a_named_one_that_differ_are_a_located_collision() {
    let dir = tempdir();
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
    let reader = acs_codegen::fixture::dir_reader(dir.clone());
    let error = acs_codegen::lower_spec(&reader, "spec.json", &Default::default(), &[], &mut Default::default())
        .map(|_| ())
        .expect_err("a collision");
    let text = error.to_string();
    assert!(text.contains("spec.json#/definitions/Tone") && text.contains("collision"), "{text}");
    let _ = std::fs::remove_dir_all(dir);
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("acs_codegen_enums_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
