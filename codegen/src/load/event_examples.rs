//! Event examples: the payloads a spec of events (such as Event Grid's system events) documents in
//! folders beside it, which no operation references. Each file holds one event (CloudEvents) or a
//! list of them (Event Grid schema); [`crate::examples`] matches each event to its data model.

use serde_json::Value;

use super::{normalize_path, parent_dir, parse_document, SpecReader};
use crate::error::{Error, Result, SourceLoc};

/// One file of event examples.
#[derive(Clone, Debug, PartialEq)]
pub struct EventExampleFile {
    /// The file, relative to the specs root.
    pub file: String,
    /// Its content.
    pub content: Value,
}

/// Reads every `.json` file below each of `folders` (relative to the root spec's folder), sorted by
/// path. A folder that does not exist, or a file that is not JSON, is an error located at the manifest
/// option or the file.
pub fn load_event_examples(reader: &dyn SpecReader, root: &str, folders: &[String]) -> Result<Vec<EventExampleFile>> {
    let mut out = Vec::new();
    for (index, folder) in folders.iter().enumerate() {
        let option = SourceLoc::new(root, "").join("event_examples").join(index.to_string());
        let folder = normalize_path(parent_dir(root), folder, &option)?;
        let files = reader.list_json(&folder).map_err(|reason| Error::at(&option, reason))?;
        if files.is_empty() {
            return Err(Error::at(&option, format!("`{folder}` holds no .json event examples")));
        }
        for file in files {
            let text = reader
                .read(&file)
                .map_err(|reason| Error::at(&SourceLoc::new(&file, ""), format!("cannot read: {reason}")))?;
            let content = parse_document(&file, &text)?;
            out.push(EventExampleFile { file, content });
        }
    }
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out.dedup_by(|a, b| a.file == b.file);
    Ok(out)
}

/// The `.json` files among `paths` that are below `folder`, sorted: how a reader of pinned files
/// lists a folder.
pub fn json_files_under<'a>(paths: impl IntoIterator<Item = &'a String>, folder: &str) -> Vec<String> {
    let prefix = format!("{}/", folder.trim_end_matches('/'));
    let mut files: Vec<String> =
        paths.into_iter().filter(|p| p.starts_with(&prefix) && p.ends_with(".json")).cloned().collect();
    files.sort();
    files
}
