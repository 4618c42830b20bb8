//! What the xtask integration tests share: running the xtask binary, scratch folders, the specs.

#![allow(dead_code)] // each test binary uses some of these

use std::path::{Path, PathBuf};
use std::process::Output;

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is in the repository").to_path_buf()
}

/// The specs mirror beside the repository.
pub fn specs_root() -> PathBuf {
    repo().join("../shared/specs")
}

/// A fresh scratch folder under the target directory.
pub fn scratch(name: &str) -> PathBuf {
    let dir = repo().join("target/xtask-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// Runs `cargo xtask ARGS` (the binary under test) from the repository root.
pub fn xtask(args: &[&str]) -> Output {
    xtask_with_env(args, &[])
}

/// Runs the xtask with extra environment variables.
pub fn xtask_with_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args).current_dir(repo()).env_remove("AZURE_REST_API_SPECS").env_remove("ACS_SPECS_URL");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("the xtask runs")
}

/// stdout and stderr of a run, for assertion messages.
pub fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// `path` as the xtask takes it.
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}
