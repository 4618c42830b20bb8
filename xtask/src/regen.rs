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
    /// Where to write the API-change report as Markdown.
    pub report: Option<PathBuf>,
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
    // The committed tree is the baseline of the API-change report.
    let reports = acs_codegen::api_reports(&manifest, &generated, |path| std::fs::read_to_string(out.join(path)).ok())
        .map_err(|e| e.to_string())?;
    let mut gate: Vec<String> = reports.iter().filter_map(|r| r.gate().err()).collect();
    if out == repo {
        gate.extend(handwritten_gate(repo, &reports));
    }
    if let Some(file) = &args.report {
        std::fs::write(file, acs_codegen::api::markdown(&reports))
            .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    }
    if args.check {
        let stale = crate::sync::sync(&generated.files, &out, "generated", true)?;
        print_reports(&reports);
        for problem in &gate {
            eprintln!("error: {problem}");
        }
        if stale == 0 && gate.is_empty() {
            println!("generated/ is up to date ({} files, {:.0?})", generated.files.len(), started.elapsed());
            return Ok(true);
        }
        if stale > 0 {
            eprintln!("generated/ is stale: {stale} file(s) differ. Run `cargo xtask regen` and commit the result.");
        }
        return Ok(false);
    }
    if !gate.is_empty() {
        print_reports(&reports);
        for problem in &gate {
            eprintln!("error: {problem}");
        }
        eprintln!(
            "nothing written: raise the version in {} (and of the crates named), then regenerate",
            manifest_path.display()
        );
        return Ok(false);
    }
    crate::sync::sync(&generated.files, &out, "generated", false)?;
    print_summary(&generated, started.elapsed());
    print_reports(&reports);
    Ok(true)
}

fn print_reports(reports: &[acs_codegen::api::ServiceReport]) {
    for report in reports.iter().filter(|r| !r.changes.is_empty() || r.baseline_version.is_none()) {
        print!("{}", report.text());
    }
}

/// Hand-written crates that depend on a generated crate whose API changed must move their own
/// version as far (from the version they have in git's `HEAD`): they re-export its types.
fn handwritten_gate(repo: &Path, reports: &[acs_codegen::api::ServiceReport]) -> Vec<String> {
    let mut problems = Vec::new();
    let Ok(folders) = std::fs::read_dir(repo.join("handwritten")) else { return problems };
    let mut folders: Vec<PathBuf> = folders.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    folders.sort();
    for folder in folders {
        let Ok(manifest) = std::fs::read_to_string(folder.join("Cargo.toml")) else { continue };
        let Some(name) = toml_value(&manifest, "name") else { continue };
        let needed = reports
            .iter()
            .filter(|r| r.crates.iter().any(|c| depends_on(&manifest, c)))
            .filter_map(|r| r.verdict().filter(|l| *l > acs_codegen::api::Level::Patch).map(|l| (r, l)))
            .max_by_key(|(_, level)| *level);
        let Some((report, level)) = needed else { continue };
        let relative = folder.strip_prefix(repo).unwrap_or(&folder).join("Cargo.toml");
        let (Some(now), Some(before)) = (
            crate_version(repo, &manifest, None),
            git_head(repo, &relative).and_then(|old| crate_version(repo, &old, Some("HEAD"))),
        ) else {
            continue;
        };
        let required = acs_codegen::api::required_version(&before, level);
        if !acs_codegen::api::version_at_least(&now, &required) {
            problems.push(format!(
                "`{name}` depends on the crates of `{}`, which have {} changes: its version must be at least {required} (it is {now})",
                report.service,
                level.as_str()
            ));
        }
    }
    problems
}

/// Whether a Cargo.toml names `krate` as a dependency.
fn depends_on(manifest: &str, krate: &str) -> bool {
    manifest.lines().any(|line| {
        line.trim_start().starts_with(&format!("{krate} ")) || line.trim_start().starts_with(&format!("{krate}="))
    })
}

/// A crate's version from its Cargo.toml, following `version.workspace = true` to the root's
/// (at git revision `revision`, or in the working tree).
fn crate_version(repo: &Path, manifest: &str, revision: Option<&str>) -> Option<String> {
    if manifest.lines().any(|l| l.trim().replace(' ', "") == "version.workspace=true") {
        let root = match revision {
            Some(_) => git_head(repo, Path::new("Cargo.toml"))?,
            None => std::fs::read_to_string(repo.join("Cargo.toml")).ok()?,
        };
        let package = root.split("[workspace.package]").nth(1)?;
        return toml_value(package, "version");
    }
    toml_value(manifest, "version")
}

/// The first `key = "value"` of a TOML text (enough for Cargo.toml package fields).
fn toml_value(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// A file as git's `HEAD` has it.
fn git_head(repo: &Path, relative: &Path) -> Option<String> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(repo)
        .arg("show")
        .arg(format!("HEAD:{}", relative.display()))
        .output()
        .ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
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
