//! Golden-file tests: each folder of `tests/fixtures/` is a small spec exercising some constructs,
//! and what the generator emits for it is committed under `codegen/golden/` (a workspace member,
//! so it compiles, is linted, and `tests/golden_behaviour` calls it). This test fails when the
//! committed crates drift from what the generator emits; `cargo xtask fixtures` rewrites them. Each
//! fixture's code is also an insta snapshot (`tests/snapshots/fixtures__NAME.snap`).

use std::path::Path;

use acs_codegen::fixture::generate_fixture;

fn fixture_names(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("tests/fixtures"))
        .expect("tests/fixtures")
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn emit(root: &Path, name: &str) -> Vec<acs_codegen::GeneratedFile> {
    generate_fixture(
        &root.join("tests/fixtures").join(name),
        &format!("golden_{name}"),
        "../../../handwritten/acs_rest_core",
        &format!("../../tests/fixtures/{name}"),
    )
    .unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

#[test]
fn golden_crates_match_what_the_generator_emits() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    for name in fixture_names(root) {
        for file in emit(root, &name) {
            let path = root.join(file.path.replacen("generated/", "golden/", 1));
            match std::fs::read_to_string(&path) {
                Ok(committed) if committed == file.contents => {}
                Ok(committed) => {
                    let diff = similar::TextDiff::from_lines(&committed, &file.contents);
                    stale.push(format!("{}:\n{}", path.display(), diff.unified_diff().context_radius(2)));
                }
                Err(_) => stale.push(format!("{}: missing", path.display())),
            }
        }
    }
    assert!(stale.is_empty(), "run `cargo xtask fixtures`; stale golden files:\n{}", stale.join("\n"));
}

#[test]
fn emission_is_deterministic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in fixture_names(root) {
        let first = emit(root, &name);
        let second = emit(root, &name);
        assert!(first == second, "fixture {name} emitted differently twice");
    }
}

/// The REST and models code of each fixture as one insta snapshot (`cargo insta review` after an
/// intended change), so that a change to the emitted code shows as one reviewable diff per fixture.
#[test]
fn emitted_code_snapshots() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in fixture_names(root) {
        let code = emit(root, &name)
            .iter()
            .filter(|f| f.path.ends_with(".rs") && !f.path.ends_with("example_tests.rs"))
            .map(|f| format!("===== {} =====\n{}", f.path.replacen("generated/", "", 1), f.contents))
            .collect::<Vec<_>>()
            .join("\n");
        insta::assert_snapshot!(name.as_str(), code);
    }
}
