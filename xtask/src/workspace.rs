//! Generated crates outside `generated/` (fixtures, the corpus of real specs): written to a scratch
//! folder as their own Cargo workspace, then built, linted and tested there, sharing the
//! repository's lock file and target folder so dependencies compile once.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use acs_codegen::GeneratedFile;

/// `target` relative to `from` (both folders), for paths in a `Cargo.toml`.
pub fn relative_path(target: &Path, from: &Path) -> String {
    let absolute = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
        let mut out = PathBuf::new();
        for component in p.components() {
            match component {
                Component::ParentDir => {
                    out.pop();
                }
                Component::CurDir => {}
                other => out.push(other),
            }
        }
        out
    };
    let (target, from) = (absolute(target), absolute(from));
    let target_parts: Vec<_> = target.components().collect();
    let from_parts: Vec<_> = from.components().collect();
    let common = target_parts.iter().zip(&from_parts).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = std::iter::repeat_n("..".to_string(), from_parts.len() - common).collect();
    parts.extend(target_parts[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// Writes `files` below `out` (emptied first), with the spec files they were made from under
/// `out/specs`, and the repository's lock file; [`write_members`] then writes the workspace
/// `Cargo.toml`, once the other crates of the workspace are known.
pub fn write(out: &Path, files: &[GeneratedFile], specs: &BTreeMap<String, String>, repo: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(out);
    let write_one = |path: PathBuf, contents: &str| -> Result<(), String> {
        std::fs::create_dir_all(path.parent().expect("files are in folders")).map_err(|e| e.to_string())?;
        std::fs::write(&path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    for file in files {
        write_one(out.join(&file.path), &file.contents)?;
    }
    for (path, text) in specs {
        write_one(out.join("specs").join(path), text)?;
    }
    // The repository's lock file keeps dependency versions (and so compiled artifacts) shared.
    std::fs::copy(repo.join("Cargo.lock"), out.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    Ok(())
}

/// Writes the workspace `Cargo.toml` of `out`: every crate under `out/generated`, and `extra`
/// (paths relative to `out`).
pub fn write_members(out: &Path, extra: &[String]) -> Result<(), String> {
    let members: Vec<String> =
        std::iter::once("generated/*".to_string()).chain(extra.iter().cloned()).map(|m| format!("{m:?}")).collect();
    let text = format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", "));
    let path = out.join("Cargo.toml");
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Runs `cargo <args>` in `out` with the repository's target folder and the examples' specs root.
pub fn cargo(out: &Path, repo: &Path, args: &[&str]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let status = Command::new(&cargo)
        .args(args)
        .current_dir(out)
        .env("CARGO_TARGET_DIR", repo.join("target"))
        .env("ACS_SPECS_ROOT", out.join("specs"))
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed for the crates in {}", args.join(" "), out.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::relative_path;
    use std::path::Path;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_path(Path::new("/r/handwritten/core"), Path::new("/r/target/corpus/generated/x")),
            "../../../../handwritten/core"
        );
        assert_eq!(relative_path(Path::new("/r/a"), Path::new("/r/a")), ".");
    }
}
