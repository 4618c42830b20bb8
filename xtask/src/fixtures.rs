//! `cargo xtask fixtures [--check]`: the golden crates. Each folder of `codegen/tests/fixtures` is a
//! small spec exercising some constructs; what the generator makes of it is committed under
//! `codegen/golden/` (models and REST crate), where it is a member of the workspace: it compiles,
//! is linted and doc-tested with everything else, and the behaviour tests of `codegen/tests` call it.
//! `--check` prints a diff and fails when the committed crates are stale.

use std::path::Path;

use acs_codegen::fixture::generate_fixture;
use acs_codegen::GeneratedFile;

/// The golden files of every fixture, with their paths in the repository.
pub fn golden_files(repo: &Path) -> Result<Vec<GeneratedFile>, String> {
    let fixtures = repo.join("codegen/tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)
        .map_err(|e| format!("cannot list {}: {e}", fixtures.display()))?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut files = Vec::new();
    for name in &names {
        let generated = generate_fixture(
            &fixtures.join(name),
            &format!("golden_{name}"),
            "../../../handwritten/acs_rest_core",
            &format!("../../tests/fixtures/{name}"),
        )
        .map_err(|e| format!("fixture {name}: {e}"))?;
        for file in generated {
            let path = file.path.replacen("generated/", "codegen/golden/", 1);
            files.push(GeneratedFile { path, contents: file.contents });
        }
    }
    Ok(files)
}

/// Writes (or with `check`, compares) `codegen/golden`; returns whether it was up to date.
pub fn run(repo: &Path, check: bool) -> Result<bool, String> {
    let files = golden_files(repo)?;
    let changed = crate::sync::sync(&files, repo, "codegen/golden", check)?;
    match (check, changed) {
        (_, 0) => println!("codegen/golden is up to date ({} files)", files.len()),
        (true, n) => {
            eprintln!("codegen/golden is stale: {n} file(s) differ. Run `cargo xtask fixtures` and commit the result.");
            return Ok(false);
        }
        (false, n) => println!("codegen/golden: {n} file(s) written ({} in all)", files.len()),
    }
    Ok(true)
}
