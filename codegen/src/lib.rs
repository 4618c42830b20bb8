//! The generator of the ACS Rust SDK's low-level crates.
//!
//! The pipeline, one module per stage:
//! 1. [`load`]: read a Swagger 2.0 / OpenAPI 3.0 spec and everything it references, bundled into one document;
//! 2. [`upgrade`]: Swagger 2.0 to [`openapiv3::OpenAPI`];
//! 3. [`lower`]: OpenAPI to our intermediate model, [`ir`];
//! 4. [`emit`]: the intermediate model to Rust files (models crate and REST crate).
//!
//! [`generate`] runs all four for every service of a [`manifest::Manifest`].

pub mod api;
pub mod emit;
pub mod error;
mod examples;
pub mod fixture;
pub mod ir;
pub mod load;
pub mod lower;
pub mod manifest;
pub mod names;
pub mod pin;
pub mod upgrade;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

pub use emit::{CrateStats, GeneratedFile};
pub use error::{Error, Result, SourceLoc};
pub use examples::example_cases;
pub use lower::SharedTypes;

use emit::{CrateLinks, Dependency};
use ir::Service;
use load::{EventExampleFile, ExampleFile, SpecReader};
use manifest::{Manifest, ServiceEntry};

/// Time spent in each stage, summed over services.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StageTimes {
    /// Reading and bundling.
    pub load: Duration,
    /// Swagger 2.0 → OpenAPI 3.0.
    pub upgrade: Duration,
    /// OpenAPI → intermediate model.
    pub lower: Duration,
    /// Rust, templates and formatting.
    pub emit: Duration,
}

/// Everything a regen produces.
#[derive(Clone, Debug, Default)]
pub struct Generated {
    /// The files, sorted by path.
    pub files: Vec<GeneratedFile>,
    /// Counts per crate.
    pub stats: Vec<CrateStats>,
    /// Time per stage.
    pub times: StageTimes,
    /// What the specs contain that was ignored, with where.
    pub warnings: Vec<ir::Warning>,
    /// The lowered services, by manifest key.
    pub services: BTreeMap<String, Service>,
    /// The public API of each service's crates, by manifest key (for the API-change report).
    pub surfaces: BTreeMap<String, api::ApiSurface>,
}

/// The examples of a spec: those its operations reference, and its event examples.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpecExamples {
    /// The `x-ms-examples` files of the operations.
    pub operations: Vec<ExampleFile>,
    /// The event example files (see [`lower::ServiceOptions::event_examples`]).
    pub events: Vec<EventExampleFile>,
}

/// Runs load, upgrade and lower for one spec, re-using the types of `shared` crates.
pub fn lower_spec(
    reader: &dyn SpecReader,
    root: &str,
    options: &lower::ServiceOptions,
    shared: &[SharedTypes],
    times: &mut StageTimes,
) -> Result<(Service, SpecExamples, openapiv3::OpenAPI)> {
    let start = Instant::now();
    let loaded = load::load(reader, root)?;
    let events = load::load_event_examples(reader, root, &options.event_examples)?;
    times.load += start.elapsed();
    let start = Instant::now();
    let openapi = upgrade::upgrade(&loaded)?;
    times.upgrade += start.elapsed();
    let start = Instant::now();
    let mut service = lower::lower(&openapi, &loaded.root, &loaded.schema_sources, options, shared)?;
    service.warnings.extend(loaded.warnings);
    service.warnings.sort();
    times.lower += start.elapsed();
    Ok((service, SpecExamples { operations: loaded.examples, events }, openapi))
}

/// Where generated crates find the runtime crate: its folder relative to a generated crate's folder,
/// or absolute. `None`: the repository layout (`../../` + the manifest's runtime path).
#[derive(Clone, Debug, Default)]
pub struct GenerateOptions {
    /// The runtime crate's folder as generated crates' `Cargo.toml` refer to it.
    pub runtime_path: Option<String>,
    /// Where example tests find example files, relative to a generated crate's folder (default
    /// `../../../shared/specs`, the specs beside the repository).
    pub examples_root: Option<String>,
}

/// Generates every service of `manifest`, reading specs through `reader_for(service entry)`.
pub fn generate<'m>(
    manifest: &'m Manifest,
    reader_for: impl Fn(&'m ServiceEntry) -> Box<dyn SpecReader + 'm>,
    options: &GenerateOptions,
) -> Result<Generated> {
    let mut generated = Generated::default();
    let mut lowered: BTreeMap<&str, SharedTypes> = BTreeMap::new();
    let runtime = Dependency {
        name: manifest.runtime.name.clone(),
        version: manifest.runtime.version.clone(),
        path: options.runtime_path.clone().unwrap_or_else(|| format!("../../{}", manifest.runtime.path)),
    };
    for key in manifest.order("specs/specs.yaml")? {
        let entry = &manifest.services[key];
        let reader = reader_for(entry);
        let shared: Vec<SharedTypes> = entry.shared.iter().filter_map(|k| lowered.get(k.as_str()).cloned()).collect();
        let (service, examples, _) =
            lower_spec(reader.as_ref(), &entry.spec, &entry.options, &shared, &mut generated.times)?;
        let start = Instant::now();
        let (cases, example_warnings) = example_cases(&service, &examples)?;
        generated.warnings.extend(example_warnings);
        let links = CrateLinks {
            runtime: runtime.clone(),
            shared: entry
                .shared
                .iter()
                .map(|k| {
                    let dependency = &manifest.services[k.as_str()];
                    Dependency {
                        name: dependency.models_crate.clone(),
                        version: dependency.version.clone(),
                        path: format!("../{}", dependency.models_crate),
                    }
                })
                .collect(),
            examples_root: options.examples_root.clone().unwrap_or_else(|| "../../../shared/specs".to_string()),
        };
        let (files, stats) = emit::emit_service(key, entry, &service, &cases, &links)?;
        let surface = api::surface(&service, &entry.version, &shared);
        let surface_json = serde_json::to_string_pretty(&surface)
            .map_err(|e| Error::msg(format!("internal error: the API surface of `{key}`: {e}")))?;
        generated.files.push(GeneratedFile {
            path: format!("generated/{}/{}", entry.models_crate, api::SURFACE_FILE),
            contents: surface_json + "\n",
        });
        generated.times.emit += start.elapsed();
        generated.files.extend(files);
        generated.stats.extend(stats);
        generated.warnings.extend(service.warnings.iter().cloned());
        generated.services.insert(key.to_string(), service.clone());
        generated.surfaces.insert(key.to_string(), surface);
        lowered.insert(key, SharedTypes { krate: entry.models_crate.clone(), types: service.types });
    }
    generated.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(generated)
}

/// The API-change report of each service of `manifest`: the committed surface (read by `baseline`
/// from a path such as `generated/acs_chat_models/api.json`) against the one just generated.
pub fn api_reports(
    manifest: &Manifest,
    generated: &Generated,
    baseline: impl Fn(&str) -> Option<String>,
) -> Result<Vec<api::ServiceReport>> {
    let mut reports = Vec::new();
    for (key, entry) in &manifest.services {
        let Some(new) = generated.surfaces.get(key) else { continue };
        let path = format!("generated/{}/{}", entry.models_crate, api::SURFACE_FILE);
        let old: Option<api::ApiSurface> = match baseline(&path) {
            Some(text) => Some(
                serde_json::from_str(&text)
                    .map_err(|e| Error::msg(format!("{path}: not an API surface ({e}); regenerate it")))?,
            ),
            None => None,
        };
        let changes = old.as_ref().map(|old| api::compare(old, new)).unwrap_or_default();
        reports.push(api::ServiceReport {
            service: key.clone(),
            crates: std::iter::once(entry.models_crate.clone()).chain(entry.rest_crate.clone()).collect(),
            baseline_version: old.map(|o| o.version),
            declared_version: entry.version.clone(),
            changes,
        });
    }
    Ok(reports)
}
