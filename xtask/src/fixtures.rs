//! `cargo xtask fixtures`: the golden-file fixtures, emitted as real crates and compiled, linted and
//! doc-tested, so a snapshot can never hold code that does not build.

use std::path::Path;
use std::process::Command;

use acs_codegen::fixture::generate_fixture;

pub fn run(repo: &Path) -> Result<(), String> {
    let fixtures = repo.join("codegen/tests/fixtures");
    let out = repo.join("target/fixtures");
    let _ = std::fs::remove_dir_all(&out);
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)
        .map_err(|e| format!("cannot list {}: {e}", fixtures.display()))?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in &names {
        let files =
            generate_fixture(&fixtures.join(name), &format!("fixture_{name}"), "../../../../handwritten/acs_rest_core")
                .map_err(|e| format!("fixture {name}: {e}"))?;
        for file in files {
            let path = out.join(&file.path);
            std::fs::create_dir_all(path.parent().expect("files are in folders")).map_err(|e| e.to_string())?;
            std::fs::write(&path, file.contents).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
    }
    std::fs::write(out.join("Cargo.toml"), "[workspace]\nresolver = \"2\"\nmembers = [\"generated/*\"]\n")
        .map_err(|e| e.to_string())?;
    // The repository's lock file keeps dependency versions (and so compiled artifacts) shared.
    std::fs::copy(repo.join("Cargo.lock"), out.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    println!("{} fixtures emitted to {}", names.len(), out.display());
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    for args in [
        &["clippy", "--workspace", "--all-targets", "--offline", "--", "-D", "warnings"][..],
        &["test", "--workspace", "--offline", "--quiet"][..],
    ] {
        let status = Command::new(&cargo)
            .args(args)
            .current_dir(&out)
            .env("CARGO_TARGET_DIR", repo.join("target"))
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("`cargo {}` failed for the fixture crates in {}", args.join(" "), out.display()));
        }
    }
    Ok(())
}
