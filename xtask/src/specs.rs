//! Where the pinned spec files come from: a local checkout of `Azure/azure-rest-api-specs`
//! (`--specs-root DIR`, else `$AZURE_REST_API_SPECS`, else `../shared/specs` beside the repository),
//! or, when there is none, each file fetched by its pinned commit from a base URL (default the public
//! raw GitHub URL, `--specs-url` or `$ACS_SPECS_URL` to change it) and cached under
//! `target/specs-cache/<commit>/<path>` (`$ACS_SPECS_CACHE` to put it elsewhere). Every file is checked against its sha256 either way; a
//! fetched file that does not match is an error and is not cached.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use acs_codegen::load::SpecReader;
use acs_codegen::manifest::{sha256_hex, FilePin, PinnedReader};

/// The public raw files of `Azure/azure-rest-api-specs`: `{base}/{commit}/{path}`.
pub const DEFAULT_SPECS_URL: &str = "https://raw.githubusercontent.com/Azure/azure-rest-api-specs";

/// How specs are found, from the command line and the environment.
#[derive(Clone, Debug, Default)]
pub struct SpecsArgs {
    /// `--specs-root DIR`.
    pub root: Option<PathBuf>,
    /// `--specs-url URL`.
    pub url: Option<String>,
}

impl SpecsArgs {
    /// Takes `--specs-root DIR` or `--specs-url URL` from `args` at `arg`; whether it was one.
    pub fn take(&mut self, arg: &str, args: &mut impl Iterator<Item = String>) -> Result<bool, String> {
        match arg {
            "--specs-root" => {
                self.root = Some(PathBuf::from(args.next().ok_or("--specs-root needs a value")?));
                Ok(true)
            }
            "--specs-url" => {
                self.url = Some(args.next().ok_or("--specs-url needs a value")?);
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

/// The resolved source of spec files.
#[derive(Clone, Debug)]
pub enum Specs {
    /// A local checkout (or mirror) of the specs repository.
    Root(PathBuf),
    /// Files fetched by commit from `url`, cached in `cache`.
    Remote { url: String, cache: PathBuf },
}

impl Specs {
    /// `--specs-root`, else `$AZURE_REST_API_SPECS`, else `../shared/specs` when it exists, else the
    /// remote source (`--specs-url`, `$ACS_SPECS_URL` or the default).
    pub fn resolve(args: &SpecsArgs, repo: &Path) -> Self {
        if let Some(root) = &args.root {
            return Specs::Root(root.clone());
        }
        if let Some(root) = std::env::var_os("AZURE_REST_API_SPECS") {
            return Specs::Root(PathBuf::from(root));
        }
        let shared = repo.join("../shared/specs");
        if args.url.is_none() && shared.is_dir() {
            return Specs::Root(shared);
        }
        let url = args
            .url
            .clone()
            .or_else(|| std::env::var("ACS_SPECS_URL").ok())
            .unwrap_or_else(|| DEFAULT_SPECS_URL.to_string());
        let cache = std::env::var_os("ACS_SPECS_CACHE").map_or_else(|| repo.join("target/specs-cache"), PathBuf::from);
        Specs::Remote { url: url.trim_end_matches('/').to_string(), cache }
    }

    /// A reader of the files `pins` lists (checking each one's sha256).
    pub fn reader<'a>(&self, pins: &'a BTreeMap<String, FilePin>) -> Box<dyn SpecReader + 'a> {
        match self {
            Specs::Root(root) => Box::new(PinnedReader::new(root, pins)),
            Specs::Remote { url, cache } => Box::new(RemoteReader { url: url.clone(), cache: cache.clone(), pins }),
        }
    }

    /// A reader of any file below a local root (for pinning); a remote source cannot list files.
    pub fn unpinned_reader(&self) -> Result<Box<dyn SpecReader>, String> {
        match self {
            Specs::Root(root) => Ok(Box::new(acs_codegen::fixture::dir_reader(root.clone()))),
            Specs::Remote { .. } => Err(
                "pinning needs a local checkout of Azure/azure-rest-api-specs: give --specs-root DIR or set AZURE_REST_API_SPECS".into(),
            ),
        }
    }

    /// The local root, if any.
    pub fn root(&self) -> Option<&Path> {
        match self {
            Specs::Root(root) => Some(root),
            Specs::Remote { .. } => None,
        }
    }
}

/// Reads pinned files from a URL by commit, through a cache.
struct RemoteReader<'a> {
    url: String,
    cache: PathBuf,
    pins: &'a BTreeMap<String, FilePin>,
}

impl SpecReader for RemoteReader<'_> {
    fn read(&self, path: &str) -> Result<String, String> {
        let Some(pin) = self.pins.get(path) else {
            return Err(format!(
                "`{path}` is not pinned in the manifest (run `cargo xtask pin` to pin every file a spec reads)"
            ));
        };
        let cached = self.cache.join(&pin.commit).join(path);
        if let Ok(bytes) = std::fs::read(&cached) {
            if sha256_hex(&bytes) == pin.sha256 {
                return String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8", cached.display()));
            }
        }
        let url = format!("{}/{}/{}", self.url, pin.commit, path);
        let bytes = fetch(&url).map_err(|e| format!("cannot fetch {url}: {e}"))?;
        let actual = sha256_hex(&bytes);
        if actual != pin.sha256 {
            return Err(format!(
                "sha256 mismatch for {url}: expected {}, found {actual}; nothing was cached or written",
                pin.sha256
            ));
        }
        if let Some(parent) = cached.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&cached, &bytes).map_err(|e| format!("cannot cache {}: {e}", cached.display()))?;
        String::from_utf8(bytes).map_err(|_| format!("{url} is not UTF-8"))
    }

    fn list_json(&self, folder: &str) -> Result<Vec<String>, String> {
        Ok(acs_codegen::load::json_files_under(self.pins.keys(), folder))
    }
}

/// The body of a GET of `url` (bounded in time and size).
fn fetch(url: &str) -> Result<Vec<u8>, String> {
    const MAX_SPEC_BYTES: u64 = 32 * 1024 * 1024;
    let client = reqwest::blocking::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .map_err(|e| e.to_string())?;
    let response = client.get(url).send().map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("the server answered {}", response.status()));
    }
    if response.content_length().is_some_and(|len| len > MAX_SPEC_BYTES) {
        return Err(format!("the file is larger than {MAX_SPEC_BYTES} bytes"));
    }
    let mut bytes = Vec::new();
    use std::io::Read;
    response.take(MAX_SPEC_BYTES + 1).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_SPEC_BYTES {
        return Err(format!("the file is larger than {MAX_SPEC_BYTES} bytes"));
    }
    Ok(bytes)
}
