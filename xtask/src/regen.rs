//! `cargo xtask regen [--check]`: `generated/` from the pinned specs of `specs/specs.yaml`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use acs_codegen::manifest::Manifest;
use acs_codegen::{generate, GenerateOptions, Generated};

use crate::specs::Specs;

/// What `regen` was asked.
#[derive(Default)]
pub struct RegenArgs {
    /// Write nothing; print a diff and fail if anything would change.
    pub check: bool,
    /// The manifest (default `specs/specs.yaml`).
    pub manifest: Option<PathBuf>,
    /// The folder that holds `generated/` (default the repository).
    pub out: Option<PathBuf>,
}

/// Reads and parses a manifest.
pub fn read_manifest(path: &Path) -> Result<Manifest, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Manifest::parse(&text, &path.display().to_string()).map_err(|e| e.to_string())
}

/// Regenerates (or checks) `generated/`; returns whether it is up to date.
pub fn run(repo: &Path, args: &RegenArgs, specs: &Specs) -> Result<bool, String> {
    let started = Instant::now();
    let manifest_path = args.manifest.clone().unwrap_or_else(|| repo.join("specs/specs.yaml"));
    let manifest = read_manifest(&manifest_path)?;
    let out = args.out.clone().unwrap_or_else(|| repo.to_path_buf());
    let options = GenerateOptions { runtime_path: runtime_path(repo, &out, &manifest), ..Default::default() };
    let generated = generate(&manifest, |entry| specs.reader(&entry.files), &options).map_err(|e| e.to_string())?;
    if args.check {
        let stale = crate::sync::sync(&generated.files, &out, "generated", true)?;
        if stale == 0 {
            println!("generated/ is up to date ({} files, {:.0?})", generated.files.len(), started.elapsed());
            return Ok(true);
        }
        eprintln!("generated/ is stale: {stale} file(s) differ. Run `cargo xtask regen` and commit the result.");
        return Ok(false);
    }
    crate::sync::sync(&generated.files, &out, "generated", false)?;
    print_summary(&generated, started.elapsed());
    Ok(true)
}

/// How generated crates under `out` refer to the runtime crate: the manifest's repository path when
/// `out` is the repository (so `generated/` is the same on every machine), else a path from there.
fn runtime_path(repo: &Path, out: &Path, manifest: &Manifest) -> Option<String> {
    let same = match (repo.canonicalize(), out.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => repo == out,
    };
    if same {
        return None;
    }
    let runtime = repo.join(&manifest.runtime.path);
    let runtime = runtime.canonicalize().unwrap_or(runtime);
    Some(runtime.display().to_string())
}

fn print_summary(generated: &Generated, total: std::time::Duration) {
    println!("{:<22} {:>10} {:>7} {:>7}", "crate", "operations", "models", "lines");
    for crate_stats in &generated.stats {
        println!(
            "{:<22} {:>10} {:>7} {:>7}",
            crate_stats.name, crate_stats.operations, crate_stats.models, crate_stats.lines
        );
    }
    for warning in &generated.warnings {
        println!("warning: {warning}");
    }
    let t = &generated.times;
    println!(
        "stages: load {:.1?}, upgrade {:.1?}, lower {:.1?}, emit {:.1?}; total {:.1?} ({} files)",
        t.load,
        t.upgrade,
        t.lower,
        t.emit,
        total,
        generated.files.len()
    );
}
