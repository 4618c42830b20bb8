//! `specs/specs.yaml`: which upstream specs to generate from, pinned by commit and sha256, and what to emit.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result, SourceLoc};
use crate::load::SpecReader;
use crate::lower::ServiceOptions;

/// The manifest.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The upstream repository the paths are in (`Azure/azure-rest-api-specs`).
    pub upstream: String,
    /// The runtime crate the generated crates depend on.
    pub runtime: RuntimeEntry,
    /// Services by key (`chat`, `identity`), generated in key order (after the services they share).
    pub services: BTreeMap<String, ServiceEntry>,
}

/// The runtime crate (`acs_rest_core`): its name, version, and folder in the repository.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeEntry {
    /// The crate's name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Its folder, relative to the repository root.
    pub path: String,
}

/// One service: its root spec, the files it reads, and the crates to emit.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceEntry {
    /// The root spec's path inside the upstream repository.
    pub spec: String,
    /// The upstream commit the root spec is pinned at.
    pub commit: String,
    /// Every file the generator reads for this service: path → pin.
    pub files: BTreeMap<String, FilePin>,
    /// The models crate to emit.
    pub models_crate: String,
    /// The REST crate to emit (none for a models-only service).
    #[serde(default)]
    pub rest_crate: Option<String>,
    /// The REST crate's client type.
    #[serde(default)]
    pub client: Option<String>,
    /// Services whose models crates this one reuses instead of copying their types (see
    /// `lower::shared`).
    #[serde(default)]
    pub shared: Vec<String>,
    /// The version of both crates.
    pub version: String,
    /// The repository URL put in the crates' metadata.
    pub repository: String,
    /// A crates.io keyword for the service (defaults to the key).
    #[serde(default)]
    pub keyword: Option<String>,
    /// Choices the spec does not make.
    #[serde(default)]
    pub options: ServiceOptions,
}

/// Where one file comes from and what it must hash to.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilePin {
    /// The upstream commit the file was taken from.
    pub commit: String,
    /// Lowercase hex sha256 of the file.
    pub sha256: String,
}

impl Manifest {
    /// Parses the manifest's text (`path` is for error messages).
    pub fn parse(text: &str, path: &str) -> Result<Self> {
        let manifest: Manifest = serde_yaml::from_str(text).map_err(|e| {
            let place =
                e.location().map(|l| format!(" at line {} column {}", l.line(), l.column())).unwrap_or_default();
            Error::at(&SourceLoc::new(path, ""), format!("invalid manifest{place}: {e}"))
        })?;
        manifest.order(path)?;
        Ok(manifest)
    }

    /// The service keys in generation order: each after the services it shares.
    pub fn order(&self, path: &str) -> Result<Vec<&str>> {
        let loc = SourceLoc::new(path, "/services");
        let mut order: Vec<&str> = Vec::new();
        let mut visiting: Vec<&str> = Vec::new();
        fn visit<'m>(
            key: &'m str,
            manifest: &'m Manifest,
            order: &mut Vec<&'m str>,
            visiting: &mut Vec<&'m str>,
            loc: &SourceLoc,
        ) -> Result<()> {
            if order.contains(&key) {
                return Ok(());
            }
            if visiting.contains(&key) {
                return Err(Error::at(loc, format!("services share each other in a cycle through `{key}`")));
            }
            let entry = manifest.services.get(key).ok_or_else(|| {
                Error::at(loc, format!("`shared` names `{key}`, which is not a service of the manifest"))
            })?;
            visiting.push(key);
            for dependency in &entry.shared {
                visit(dependency, manifest, order, visiting, loc)?;
            }
            visiting.pop();
            order.push(key);
            Ok(())
        }
        for key in self.services.keys() {
            visit(key, self, &mut order, &mut visiting, &loc)?;
        }
        Ok(order)
    }
}

/// The lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads spec files below a specs root, refusing any file that is not pinned or does not match its hash.
pub struct PinnedReader<'a> {
    root: PathBuf,
    pins: &'a BTreeMap<String, FilePin>,
}

impl<'a> PinnedReader<'a> {
    /// A reader of `root` that accepts only the files of `pins`.
    pub fn new(root: &Path, pins: &'a BTreeMap<String, FilePin>) -> Self {
        Self { root: root.to_path_buf(), pins }
    }
}

/// How to point the generator at the specs, for error messages.
pub const SPECS_ROOT_HINT: &str =
    "point the xtask at a checkout of Azure/azure-rest-api-specs with --specs-root DIR or $AZURE_REST_API_SPECS";

impl SpecReader for PinnedReader<'_> {
    fn read(&self, path: &str) -> std::result::Result<String, String> {
        let Some(pin) = self.pins.get(path) else {
            return Err(format!("`{path}` is not pinned in specs/specs.yaml (add it with its commit and sha256)"));
        };
        let full = self.root.join(path);
        let bytes = std::fs::read(&full).map_err(|e| {
            format!(
                "cannot read {}: {e}; expected a file with sha256 {} (upstream commit {}); {SPECS_ROOT_HINT}",
                full.display(),
                pin.sha256,
                pin.commit
            )
        })?;
        let actual = sha256_hex(&bytes);
        if actual != pin.sha256 {
            return Err(format!(
                "sha256 mismatch for {}: expected {}, found {actual}; {SPECS_ROOT_HINT} at commit {}",
                full.display(),
                pin.sha256,
                pin.commit
            ));
        }
        String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8", full.display()))
    }

    fn list_json(&self, folder: &str) -> std::result::Result<Vec<String>, String> {
        Ok(crate::load::json_files_under(self.pins.keys(), folder))
    }
}
