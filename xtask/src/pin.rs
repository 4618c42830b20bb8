//! `cargo xtask pin SERVICE SPEC_PATH [--commit SHA]`: points a service of the manifest at a spec and
//! pins every file it reads (the root, every file it `$ref`s, its examples) with its sha256 and
//! commit, rewriting only that service's `spec`, `commit` and `files`. A maintainer never types a hash.
//!
//! `cargo xtask pin --check` fails when a pinned file is no longer read, a read file is not pinned,
//! or a file's hash changed, listing them.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use acs_codegen::manifest::{FilePin, Manifest};
use acs_codegen::pin::{drift, files_read, rewrite_service};

use crate::specs::Specs;

/// Pins `spec` for service `key` of the manifest at `manifest_path`.
pub fn pin(manifest_path: &Path, key: &str, spec: &str, commit: Option<&str>, specs: &Specs) -> Result<(), String> {
    let text =
        std::fs::read_to_string(manifest_path).map_err(|e| format!("cannot read {}: {e}", manifest_path.display()))?;
    let manifest = Manifest::parse(&text, &manifest_path.display().to_string()).map_err(|e| e.to_string())?;
    if !manifest.services.contains_key(key) {
        return Err(format!(
            "{}: there is no service `{key}`; add its entry (crates, version) first",
            manifest_path.display()
        ));
    }
    let reader = specs.unpinned_reader()?;
    // A spec that does not load leaves the manifest untouched.
    let event_examples = &manifest.services[key].options.event_examples;
    let hashes = files_read(reader.as_ref(), spec, event_examples).map_err(|e| e.to_string())?;
    let root = specs.root().expect("pinning reads a local root");
    let mut files = BTreeMap::new();
    let mut unknown = Vec::new();
    for (path, sha256) in &hashes {
        match file_commit(commit, &manifest, root, path, sha256) {
            Some(commit) => {
                files.insert(path.clone(), FilePin { commit, sha256: sha256.clone() });
            }
            None => unknown.push(path.clone()),
        }
    }
    if !unknown.is_empty() {
        return Err(format!(
            "no upstream commit is known for {} file(s): {}; give --commit SHA (the specs root is not a git checkout and has no SOURCES.md entry for them)",
            unknown.len(),
            unknown.join(", ")
        ));
    }
    let spec_commit = files[spec].commit.clone();
    let rewritten = rewrite_service(&text, &manifest_path.display().to_string(), key, spec, &spec_commit, &files)
        .map_err(|e| e.to_string())?;
    Manifest::parse(&rewritten, &manifest_path.display().to_string())
        .map_err(|e| format!("internal error: the rewritten manifest does not parse: {e}"))?;
    std::fs::write(manifest_path, rewritten).map_err(|e| format!("cannot write {}: {e}", manifest_path.display()))?;
    println!(
        "pinned {} file(s) for `{key}` at {spec} (commit {spec_commit}) in {}",
        files.len(),
        manifest_path.display()
    );
    Ok(())
}

/// The upstream commit of a file: `--commit`, else the commit of an existing pin with the same hash,
/// else the last git commit that touched it (when the specs root is a checkout), else its row in the
/// specs root's `SOURCES.md` (the convention of a mirror such as `../shared/specs`).
fn file_commit(given: Option<&str>, manifest: &Manifest, root: &Path, path: &str, sha256: &str) -> Option<String> {
    if let Some(commit) = given {
        return Some(commit.to_string());
    }
    let pinned = manifest.services.values().filter_map(|s| s.files.get(path)).find(|pin| pin.sha256 == sha256);
    if let Some(pin) = pinned {
        return Some(pin.commit.clone());
    }
    let git = Command::new("git").arg("-C").arg(root).args(["log", "-1", "--format=%H", "--", path]).output().ok();
    if let Some(output) = git.filter(|o| o.status.success()) {
        let commit = String::from_utf8_lossy(&output.stdout).trim().to_string();
        if commit.len() == 40 {
            return Some(commit);
        }
    }
    let sources = std::fs::read_to_string(root.join("SOURCES.md")).ok()?;
    sources.lines().find_map(|line| {
        let cells: Vec<&str> = line.split('|').map(|c| c.trim().trim_matches('`')).collect();
        (cells.len() > 4 && cells[1] == path && cells[4] == sha256).then(|| cells[2].to_string())
    })
}

/// Checks every service's pins against what its spec reads; whether they all match.
pub fn check(manifest_path: &Path, specs: &Specs) -> Result<bool, String> {
    let text =
        std::fs::read_to_string(manifest_path).map_err(|e| format!("cannot read {}: {e}", manifest_path.display()))?;
    let manifest = Manifest::parse(&text, &manifest_path.display().to_string()).map_err(|e| e.to_string())?;
    let reader = specs.unpinned_reader()?;
    let mut ok = true;
    for (key, entry) in &manifest.services {
        let hashes =
            files_read(reader.as_ref(), &entry.spec, &entry.options.event_examples).map_err(|e| e.to_string())?;
        let drift = drift(&entry.files, &hashes);
        if drift.is_empty() {
            continue;
        }
        ok = false;
        for (what, list) in [
            ("read but not pinned", &drift.unpinned),
            ("pinned but no longer read", &drift.unread),
            ("changed since pinned", &drift.changed),
        ] {
            for path in list {
                eprintln!("{key}: {path}: {what}");
            }
        }
    }
    if ok {
        println!("pins are up to date ({} services of {})", manifest.services.len(), manifest_path.display());
    } else {
        eprintln!("run `cargo xtask pin SERVICE SPEC_PATH` to pin what each spec reads");
    }
    Ok(ok)
}
