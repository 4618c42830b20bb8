//! Specs shaped as an adversary would shape them (found by fuzzing mutated Chat specs): each gives
//! compiling code or a located error, never a panic, a stack overflow or a super-linear blow-up.
//! (How lowering time grows with depth is measured by `cargo xtask bench`, not here.)

use acs_codegen::lower::ServiceOptions;
use acs_codegen::{lower_spec, StageTimes};
use serde_json::json;

fn lower(spec: serde_json::Value) -> acs_codegen::Result<acs_codegen::ir::Service> {
    let text = spec.to_string();
    let reader = move |path: &str| if path == "spec.json" { Ok(text.clone()) } else { Err("no such file".to_string()) };
    lower_spec(&reader, "spec.json", &ServiceOptions::default(), &[], &mut StageTimes::default()).map(|(s, _, _)| s)
}

/// `A0 <- A1 <- … <- A{depth}`, each adding one property through `allOf`.
pub fn all_of_chain(depth: usize) -> serde_json::Value {
    let mut definitions = serde_json::Map::new();
    definitions.insert("A0".into(), json!({ "type": "object", "properties": { "p0": { "type": "string" } } }));
    for i in 1..=depth {
        definitions.insert(
            format!("A{i}"),
            json!({ "allOf": [{ "$ref": format!("#/definitions/A{}", i - 1) }], "properties": { format!("p{i}"): { "type": "integer" } } }),
        );
    }
    json!({ "swagger": "2.0", "info": { "title": "t", "version": "1" }, "paths": {}, "definitions": definitions })
}

#[test]
fn an_all_of_chain_of_ordinary_depth_keeps_every_inherited_property() {
    let service = lower(all_of_chain(30)).expect("lowers");
    match service.types.get("A30") {
        Some(acs_codegen::ir::TypeDef::Struct(s)) => assert_eq!(s.fields.len(), 31),
        other => panic!("A30 is {other:?}"),
    }
}

#[test]
fn a_very_deep_all_of_chain_is_a_located_error_without_overflowing_the_stack() {
    // On a thread with a small stack, so recursion over the chain's depth would fail here.
    let message = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| lower(all_of_chain(3_000)).map(|_| ()).expect_err("refused").to_string())
        .unwrap()
        .join()
        .expect("no panic or overflow");
    assert!(message.contains("spec.json#/definitions/A33/allOf/0"), "{message}");
    assert!(message.contains("more than 32 models deep"), "{message}");
}

#[test]
fn a_deep_array_nesting_is_an_error_or_a_type_not_an_overflow() {
    let outcome = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let mut text = String::from(r#"{ "type": "string" }"#);
            for _ in 0..5_000 {
                text = format!(r#"{{ "type": "array", "items": {text} }}"#);
            }
            let text = format!(
                r#"{{ "swagger": "2.0", "info": {{ "title": "t", "version": "1" }}, "paths": {{}}, "definitions": {{ "Deep": {text} }} }}"#
            );
            let reader = move |path: &str| if path == "spec.json" { Ok(text.clone()) } else { Err("no such file".to_string()) };
            lower_spec(&reader, "spec.json", &ServiceOptions::default(), &[], &mut StageTimes::default())
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
        .unwrap()
        .join()
        .expect("no panic or overflow");
    let message = outcome.expect_err("nesting this deep is refused");
    assert!(message.contains("spec.json") && message.contains("recursion limit"), "{message}");
}

#[test]
fn definitions_named_like_the_prelude_get_distinct_names() {
    let service = lower(json!({
        "swagger": "2.0", "info": { "title": "t", "version": "1" }, "paths": {},
        "definitions": {
            "Option": { "type": "object", "properties": { "x": { "type": "string" } } },
            "Self": { "type": "object", "properties": { "y": { "$ref": "#/definitions/Option" } } }
        }
    }))
    .unwrap();
    let names: Vec<&String> = service.types.keys().collect();
    assert_eq!(names, ["OptionModel", "SelfModel"]);
}
