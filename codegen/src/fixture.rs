//! Generation from a folder holding one small spec (`spec.json` or `spec.yaml`, plus an optional
//! `options.yaml` of [`ServiceOptions`]): used by the golden-file tests and by `cargo xtask fixtures`,
//! which compiles and lints what they emit.

use std::path::{Path, PathBuf};

use crate::emit::{emit_service, CrateLinks, Dependency, GeneratedFile};
use crate::error::{Error, Result};
use crate::ir::Service;
use crate::load::SpecReader;
use crate::lower::ServiceOptions;
use crate::manifest::ServiceEntry;
use crate::{example_cases, lower_spec, SpecExamples, StageTimes};

/// Reads files below `dir`, as the generator reads a specs root (nothing is pinned).
pub fn dir_reader(dir: PathBuf) -> DirReader {
    DirReader { dir }
}

/// A [`SpecReader`] of every file below a folder.
#[derive(Clone, Debug)]
pub struct DirReader {
    dir: PathBuf,
}

impl SpecReader for DirReader {
    fn read(&self, path: &str) -> std::result::Result<String, String> {
        std::fs::read_to_string(self.dir.join(path)).map_err(|e| e.to_string())
    }

    fn list_json(&self, folder: &str) -> std::result::Result<Vec<String>, String> {
        let mut found = Vec::new();
        let mut pending = vec![folder.trim_end_matches('/').to_string()];
        while let Some(relative) = pending.pop() {
            let full = self.dir.join(&relative);
            let entries = std::fs::read_dir(&full).map_err(|e| format!("cannot list {}: {e}", full.display()))?;
            for entry in entries {
                let entry = entry.map_err(|e| format!("cannot list {}: {e}", full.display()))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let path = format!("{relative}/{name}");
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    pending.push(path);
                } else if name.ends_with(".json") {
                    found.push(path);
                }
            }
        }
        found.sort();
        Ok(found)
    }
}

/// Generates the two crates of the fixture in `dir`, named `{prefix}_models` and `{prefix}_rest`;
/// their `Cargo.toml` find the runtime crate at `runtime_path`, and their example tests the fixture's
/// examples at `examples_root` (both relative to a generated crate's folder).
pub fn generate_fixture(
    dir: &Path,
    prefix: &str,
    runtime_path: &str,
    examples_root: &str,
) -> Result<Vec<GeneratedFile>> {
    let root = ["spec.json", "spec.yaml"]
        .into_iter()
        .find(|f| dir.join(f).exists())
        .ok_or_else(|| Error::msg(format!("{} has no spec.json or spec.yaml", dir.display())))?;
    let options: ServiceOptions = match std::fs::read_to_string(dir.join("options.yaml")) {
        Ok(text) => {
            serde_yaml::from_str(&text).map_err(|e| Error::msg(format!("{}/options.yaml: {e}", dir.display())))?
        }
        Err(_) => ServiceOptions::default(),
    };
    let reader = dir_reader(dir.to_path_buf());
    let (service, examples, _) = lower_spec(&reader, root, &options, &[], &mut StageTimes::default())?;
    let links = CrateLinks {
        runtime: Dependency { name: "acs_rest_core".into(), version: "0.1.0".into(), path: runtime_path.to_string() },
        shared: Vec::new(),
        examples_root: examples_root.to_string(),
    };
    emit_crates(prefix, root, &options, &service, &examples, &links)
}

/// Emits the two crates of an already lowered spec, with the runtime crate at the repository's
/// place (for measuring the emit stage on its own).
pub fn emit_lowered(prefix: &str, service: &Service, examples: &SpecExamples) -> Result<Vec<GeneratedFile>> {
    let links = CrateLinks {
        runtime: Dependency {
            name: "acs_rest_core".into(),
            version: "0.1.0".into(),
            path: "../../handwritten/acs_rest_core".into(),
        },
        shared: Vec::new(),
        examples_root: "../../tests/fixtures".into(),
    };
    emit_crates(prefix, "spec.json", &ServiceOptions::default(), service, examples, &links)
}

fn emit_crates(
    prefix: &str,
    root: &str,
    options: &ServiceOptions,
    service: &Service,
    examples: &SpecExamples,
    links: &CrateLinks,
) -> Result<Vec<GeneratedFile>> {
    let entry = ServiceEntry {
        spec: root.to_string(),
        commit: "0000000000000000000000000000000000000000".to_string(),
        files: Default::default(),
        models_crate: format!("{prefix}_models"),
        rest_crate: Some(format!("{prefix}_rest")),
        client: Some("FixtureClient".to_string()),
        shared: Vec::new(),
        version: "0.0.0".to_string(),
        repository: "https://example.com/fixture".to_string(),
        keyword: Some("fixture".to_string()),
        options: options.clone(),
    };
    let (cases, _) = example_cases(service, examples)?;
    let (files, _) = emit_service(prefix, &entry, service, &cases, links)?;
    Ok(files)
}
