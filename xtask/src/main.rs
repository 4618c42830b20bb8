//! Project automation. `cargo xtask regen` writes `generated/` from the pinned specs;
//! `cargo xtask regen --check` fails, printing a diff, when `generated/` is stale.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use acs_codegen::load::SpecReader;
use acs_codegen::manifest::{Manifest, PinnedReader};
use acs_codegen::{generate, GenerateOptions, Generated};

mod bench;
mod fixtures;

const USAGE: &str = "\
usage: cargo xtask regen [--check] [--specs-root DIR] [--manifest FILE] [--out DIR]
       cargo xtask fixtures
       cargo run --release -p xtask -- bench [--specs-root DIR]

  regen             write generated/ from the specs pinned in specs/specs.yaml
  --check           write nothing; print a diff and fail if generated/ would change
  --specs-root DIR  where the specs are (a checkout of Azure/azure-rest-api-specs);
                    default $AZURE_REST_API_SPECS, else ../shared/specs beside the repository
  --manifest FILE   the manifest to use (default specs/specs.yaml)
  --out DIR         the folder that holds generated/ (default: the repository root)

  fixtures          generate every codegen/tests/fixtures spec into target/fixtures and
                    build, lint (clippy -D warnings) and doc-test the crates there
  bench             time a regen of every service, stage by stage, and count generated
                    lines per operation (next to the official Python SDKs' when installed)";

enum Command {
    Regen(Args),
    Fixtures,
    Bench,
}

struct Args {
    check: bool,
    specs_root: Option<PathBuf>,
    manifest: Option<PathBuf>,
    out: Option<PathBuf>,
}

fn parse_args() -> Result<Command, String> {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("regen") => {}
        Some("fixtures") => return Ok(Command::Fixtures),
        Some("bench") => return Ok(Command::Bench),
        Some("-h" | "--help" | "help") | None => return Err(USAGE.to_string()),
        Some(other) => return Err(format!("unknown command `{other}`\n\n{USAGE}")),
    }
    let mut parsed = Args { check: false, specs_root: None, manifest: None, out: None };
    while let Some(arg) = args.next() {
        let mut value =
            |name: &str| args.next().map(PathBuf::from).ok_or_else(|| format!("{name} needs a value\n\n{USAGE}"));
        match arg.as_str() {
            "--check" => parsed.check = true,
            "--specs-root" => parsed.specs_root = Some(value("--specs-root")?),
            "--manifest" => parsed.manifest = Some(value("--manifest")?),
            "--out" => parsed.out = Some(value("--out")?),
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    Ok(Command::Regen(parsed))
}

fn main() -> ExitCode {
    let command = match parse_args() {
        Ok(command) => command,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let outcome = match command {
        Command::Regen(args) => regen(&args),
        Command::Fixtures => fixtures::run(&repo_root()).map(|()| true),
        Command::Bench => bench::run(&repo_root(), &default_specs_root()).map(|()| true),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `$AZURE_REST_API_SPECS`, else `../shared/specs` beside the repository.
fn default_specs_root() -> PathBuf {
    std::env::var_os("AZURE_REST_API_SPECS").map(PathBuf::from).unwrap_or_else(|| repo_root().join("../shared/specs"))
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the repository").to_path_buf()
}

/// Returns whether everything is up to date (always true when writing).
fn regen(args: &Args) -> Result<bool, String> {
    let started = Instant::now();
    let repo = repo_root();
    let specs_root = args.specs_root.clone().unwrap_or_else(default_specs_root);
    let manifest_path = args.manifest.clone().unwrap_or_else(|| repo.join("specs/specs.yaml"));
    let text =
        std::fs::read_to_string(&manifest_path).map_err(|e| format!("cannot read {}: {e}", manifest_path.display()))?;
    let manifest = Manifest::parse(&text, &manifest_path.display().to_string()).map_err(|e| e.to_string())?;
    let out = args.out.clone().unwrap_or_else(|| repo.clone());
    let options = GenerateOptions { runtime_path: runtime_path(&repo, &out, &manifest) };
    let generated = generate(
        &manifest,
        |entry| Box::new(PinnedReader::new(&specs_root, &entry.files)) as Box<dyn SpecReader>,
        &options,
    )
    .map_err(|e| e.to_string())?;
    if args.check {
        let stale = check(&generated, &out)?;
        if stale == 0 {
            println!("generated/ is up to date ({} files, {:.0?})", generated.files.len(), started.elapsed());
            return Ok(true);
        }
        eprintln!("generated/ is stale: {stale} file(s) differ. Run `cargo xtask regen` and commit the result.");
        return Ok(false);
    }
    write(&generated, &out)?;
    print_summary(&generated, started.elapsed());
    Ok(true)
}

/// How generated crates under `out` refer to the runtime crate: the repository's relative path when
/// `out` is the repository, else its absolute path.
fn runtime_path(repo: &Path, out: &Path, manifest: &Manifest) -> Option<String> {
    let same = match (repo.canonicalize(), out.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => repo == out,
    };
    if same {
        return None;
    }
    let absolute = repo.join(&manifest.runtime.path);
    Some(absolute.canonicalize().unwrap_or(absolute).display().to_string())
}

/// Files below `out/generated` now, relative to `out`.
fn existing_files(out: &Path) -> Result<BTreeSet<String>, String> {
    fn walk(dir: &Path, base: &Path, found: &mut BTreeSet<String>) -> Result<(), String> {
        let Ok(entries) = std::fs::read_dir(dir) else { return Ok(()) };
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
            let path = entry.path();
            if path.is_dir() {
                walk(&path, base, found)?;
            } else if let Ok(relative) = path.strip_prefix(base) {
                found.insert(relative.to_string_lossy().replace('\\', "/"));
            }
        }
        Ok(())
    }
    let mut found = BTreeSet::new();
    walk(&out.join("generated"), out, &mut found)?;
    Ok(found)
}

fn check(generated: &Generated, out: &Path) -> Result<usize, String> {
    let mut stale = 0;
    let mut leftover = existing_files(out)?;
    for file in &generated.files {
        leftover.remove(&file.path);
        let current = std::fs::read_to_string(out.join(&file.path)).unwrap_or_default();
        if current != file.contents {
            stale += 1;
            print_diff(&file.path, &current, &file.contents);
        }
    }
    for path in leftover {
        stale += 1;
        let current = std::fs::read_to_string(out.join(&path)).unwrap_or_default();
        print_diff(&path, &current, "");
    }
    Ok(stale)
}

fn print_diff(path: &str, old: &str, new: &str) {
    let diff = similar::TextDiff::from_lines(old, new);
    print!("{}", diff.unified_diff().context_radius(3).header(&format!("a/{path}"), &format!("b/{path}")));
}

fn write(generated: &Generated, out: &Path) -> Result<(), String> {
    let mut leftover = existing_files(out)?;
    for file in &generated.files {
        leftover.remove(&file.path);
        let path = out.join(&file.path);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &file.contents).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    for path in leftover {
        let path = out.join(path);
        std::fs::remove_file(&path).map_err(|e| format!("cannot remove stale {}: {e}", path.display()))?;
    }
    Ok(())
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
        println!("warning: {}: {}", warning.location, warning.message);
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
