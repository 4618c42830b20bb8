//! Writing or checking a folder of generated files: one function for both modes, as
//! rust-analyzer's xtask does, so `--check` and writing can never disagree.

use std::collections::BTreeSet;
use std::path::Path;

use acs_codegen::GeneratedFile;

/// Files below `out/folder` now, relative to `out`.
fn existing_files(out: &Path, folder: &str) -> Result<BTreeSet<String>, String> {
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
    walk(&out.join(folder), out, &mut found)?;
    Ok(found)
}

/// Makes `out/folder` hold exactly `files` (paths relative to `out`), or with `check` only reports
/// (as unified diffs) what would change. Returns how many files differ.
pub fn sync(files: &[GeneratedFile], out: &Path, folder: &str, check: bool) -> Result<usize, String> {
    let mut changed = 0;
    let mut leftover = existing_files(out, folder)?;
    for file in files {
        leftover.remove(&file.path);
        let path = out.join(&file.path);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        changed += 1;
        if check {
            print_diff(&file.path, current.as_deref().unwrap_or_default(), &file.contents);
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &file.contents).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    for path in leftover {
        changed += 1;
        let full = out.join(&path);
        if check {
            print_diff(&path, &std::fs::read_to_string(&full).unwrap_or_default(), "");
        } else {
            std::fs::remove_file(&full).map_err(|e| format!("cannot remove stale {}: {e}", full.display()))?;
        }
    }
    Ok(changed)
}

fn print_diff(path: &str, old: &str, new: &str) {
    let diff = similar::TextDiff::from_lines(old, new);
    print!("{}", diff.unified_diff().context_radius(3).header(&format!("a/{path}"), &format!("b/{path}")));
}
