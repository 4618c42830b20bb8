//! Golden-file tests: each folder of `tests/fixtures/` is a small spec exercising one feature; the code
//! emitted for it is snapshotted with insta (`cargo insta review` after an intended change).
//! `cargo xtask fixtures` also compiles and lints what these fixtures emit.

use std::path::Path;

fn emitted(name: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    let files = acs_codegen::fixture::generate_fixture(
        &dir,
        "fixture",
        "../../handwritten/acs_rest_core",
        "../../tests/fixtures",
    )
    .unwrap_or_else(|e| panic!("fixture {name}: {e}"));
    files
        .iter()
        .filter(|f| f.path.ends_with(".rs") && !f.path.ends_with("example_tests.rs"))
        .map(|f| format!("===== {} =====\n{}", f.path, f.contents))
        .collect::<Vec<_>>()
        .join("\n")
}

macro_rules! fixture {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                insta::assert_snapshot!(stringify!($name), emitted(stringify!($name)));
            }
        )*
    };
}

fixture!(
    paging,
    extensible_enum,
    discriminator,
    all_of,
    recursion,
    merge_patch,
    parameters,
    parameterized_host,
    multi_file,
    client_name,
    openapi3,
    additional_properties,
    client_parameters,
);
