//! The spec's example deliveries, for the tests.

use std::path::{Path, PathBuf};

const EXAMPLES: &str = "specification/eventgrid/data-plane/Microsoft.Communication/stable/2018-01-01/examples";

/// The chat event examples (`chat_*.json`) of one schema folder (`event-grid-schema`,
/// `cloud-events-schema`), sorted: below `$ACS_SPECS_ROOT`, else `$AZURE_REST_API_SPECS`, else
/// `../shared/specs` beside the repository.
pub fn chat_examples(schema_folder: &str) -> Vec<PathBuf> {
    let root = std::env::var_os("ACS_SPECS_ROOT")
        .or_else(|| std::env::var_os("AZURE_REST_API_SPECS"))
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/specs"));
    let folder = root.join(EXAMPLES).join(schema_folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e} (set ACS_SPECS_ROOT to the specs root)", folder.display()))
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|path| path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("chat_")))
        .collect();
    files.sort();
    files
}
