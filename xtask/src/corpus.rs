//! `cargo xtask corpus`: the generator on a corpus of real specs it was not written against
//! (`specs/corpus.yaml`): each generated into `target/corpus`, then linted with `clippy -D warnings`
//! and tested (the spec's example round trips and the crates' doc tests), with one line per spec
//! and a total. Nothing of it is committed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use acs_codegen::manifest::Manifest;
use acs_codegen::{generate, GenerateOptions};

use crate::specs::Specs;
use crate::workspace;

/// Runs the corpus of `manifest_path` (relative to the repository or absolute).
pub fn run(repo: &Path, manifest_path: &Path, specs: &Specs) -> Result<(), String> {
    let started = Instant::now();
    let text =
        std::fs::read_to_string(manifest_path).map_err(|e| format!("cannot read {}: {e}", manifest_path.display()))?;
    let manifest = Manifest::parse(&text, &manifest_path.display().to_string()).map_err(|e| e.to_string())?;
    let out = repo.join("target/corpus");
    let runtime_path = workspace::relative_path(&repo.join(&manifest.runtime.path), &out.join("generated/crate"));
    let generate_start = Instant::now();
    let generated = generate(
        &manifest,
        |entry| specs.reader(&entry.files),
        &GenerateOptions { runtime_path: Some(runtime_path), ..Default::default() },
    )
    .map_err(|e| e.to_string())?;
    let generate_time = generate_start.elapsed();
    let spec_files = collect_specs(&manifest, specs)?;
    workspace::write(&out, &generated.files, &spec_files, repo)?;
    let tests_folder = manifest_path.parent().unwrap_or(Path::new(".")).join("corpus_tests");
    let behaviour = behaviour_crates(repo, &out, &manifest, &tests_folder)?;
    let behaviour_members: Vec<String> = behaviour.values().map(|name| format!("behaviour/{name}")).collect();
    workspace::write_members(&out, &behaviour_members)?;
    for warning in &generated.warnings {
        println!("warning: {warning}");
    }
    println!("corpus: {} specs generated into {} in {generate_time:.1?}", manifest.services.len(), out.display());
    workspace::cargo(
        &out,
        repo,
        &["clippy", "--workspace", "--all-targets", "--offline", "--quiet", "--", "-D", "warnings"],
    )?;

    let width = manifest.services.keys().map(String::len).max().unwrap_or(0).max(16);
    println!("{:<width$} {:>10} {:>7} {:>7} {:>7}  result", "spec", "operations", "models", "lines", "tests");
    let mut failures = Vec::new();
    let mut totals = (0, 0, 0, 0);
    for key in manifest.order(&manifest_path.display().to_string()).map_err(|e| e.to_string())? {
        let entry = &manifest.services[key];
        let crates: Vec<&str> = std::iter::once(entry.models_crate.as_str())
            .chain(entry.rest_crate.as_deref())
            .chain(behaviour.get(key).map(String::as_str))
            .collect();
        let stats: Vec<_> = generated.stats.iter().filter(|s| crates.contains(&s.name.as_str())).collect();
        let operations: usize = stats.iter().map(|s| s.operations).sum();
        let models: usize = stats.iter().map(|s| s.models).sum();
        let lines: usize = stats.iter().map(|s| s.lines).sum();
        let (passed, ok) = test_crates(&out, repo, &crates)?;
        totals = (totals.0 + operations, totals.1 + models, totals.2 + lines, totals.3 + passed);
        println!(
            "{key:<width$} {operations:>10} {models:>7} {lines:>7} {passed:>7}  {}",
            if ok { "ok" } else { "FAILED" }
        );
        if !ok {
            failures.push(key.to_string());
        }
    }
    println!(
        "{:<width$} {:>10} {:>7} {:>7} {:>7}  {} of {} specs pass, in {:.1?}",
        "total",
        totals.0,
        totals.1,
        totals.2,
        totals.3,
        manifest.services.len() - failures.len(),
        manifest.services.len(),
        started.elapsed()
    );
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("the corpus failed for: {}", failures.join(", ")))
    }
}

/// The behaviour tests of `KEY.rs` in `corpus_tests/` beside the manifest, each made a test crate of the corpus
/// workspace (`behaviour/corpus_KEY_behaviour`) that depends on the service's generated crates;
/// by service key, the crate names.
fn behaviour_crates(
    repo: &Path,
    out: &Path,
    manifest: &Manifest,
    tests_folder: &Path,
) -> Result<std::collections::BTreeMap<String, String>, String> {
    let mut crates = std::collections::BTreeMap::new();
    for (key, entry) in &manifest.services {
        let source = tests_folder.join(format!("{key}.rs"));
        let Ok(tests) = std::fs::read_to_string(&source) else { continue };
        let name = format!("corpus_{key}_behaviour");
        let dir = out.join("behaviour").join(&name);
        let path_to = |target: &Path| workspace::relative_path(target, &dir);
        let mut dependencies = vec![format!(
            "{} = {{ path = \"{}\" }}",
            entry.models_crate,
            path_to(&out.join("generated").join(&entry.models_crate))
        )];
        if let Some(rest) = &entry.rest_crate {
            dependencies.push(format!("{rest} = {{ path = \"{}\" }}", path_to(&out.join("generated").join(rest))));
        }
        dependencies.push(format!("acs_rest_core = {{ path = \"{}\" }}", path_to(&repo.join(&manifest.runtime.path))));
        dependencies
            .push(format!("acs_test_support = {{ path = \"{}\" }}", path_to(&repo.join("testing/acs_test_support"))));
        let manifest_text = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dev-dependencies]\n{}\nazure_core = {{ version = \"1.1\", default-features = false, features = [\"tokio\"] }}\n\
             futures = \"0.3\"\nserde_json = \"1\"\ntime = \"0.3\"\n\
             tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n",
            dependencies.join("\n")
        );
        let write = |path: PathBuf, text: &str| -> Result<(), String> {
            std::fs::create_dir_all(path.parent().expect("in a folder")).map_err(|e| e.to_string())?;
            std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        };
        write(dir.join("Cargo.toml"), &manifest_text)?;
        write(dir.join("src/lib.rs"), &format!("//! Behaviour tests of the generated `{key}` crates (`tests/`).\n"))?;
        write(dir.join("tests/behaviour.rs"), &tests)?;
        crates.insert(key.clone(), name);
    }
    Ok(crates)
}

/// Every pinned file of every service, laid out for the example tests.
fn collect_specs(manifest: &Manifest, specs: &Specs) -> Result<std::collections::BTreeMap<String, String>, String> {
    let mut files = std::collections::BTreeMap::new();
    for entry in manifest.services.values() {
        let reader = specs.reader(&entry.files);
        for path in entry.files.keys() {
            files.insert(path.clone(), reader.read(path)?);
        }
    }
    Ok(files)
}

/// Runs the tests of `crates`; the number that passed, and whether all did.
fn test_crates(out: &Path, repo: &Path, crates: &[&str]) -> Result<(usize, bool), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut command = Command::new(cargo);
    command
        .args(["test", "--offline"])
        .current_dir(out)
        .env("CARGO_TARGET_DIR", repo.join("target"))
        .env("ACS_SPECS_ROOT", out.join("specs"));
    for krate in crates {
        command.args(["-p", krate]);
    }
    let output = command.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        print!("{stdout}");
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
    }
    let passed = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("test result: "))
        .filter_map(|rest| rest.split("; ").next()?.split_whitespace().nth(1)?.parse::<usize>().ok())
        .sum();
    Ok((passed, output.status.success()))
}
