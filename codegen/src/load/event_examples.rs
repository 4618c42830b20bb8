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

#[cfg(test)]
mod tests {
    use super::*;

    /// Files in memory, listed like a pinned reader lists them.
    struct Files(Vec<(String, String)>);

    impl SpecReader for Files {
        fn read(&self, path: &str) -> std::result::Result<String, String> {
            self.0.iter().find(|(p, _)| p == path).map(|(_, t)| t.clone()).ok_or_else(|| "no such file".into())
        }

        fn list_json(&self, folder: &str) -> std::result::Result<Vec<String>, String> {
            Ok(json_files_under(self.0.iter().map(|(p, _)| p), folder))
        }
    }

    fn files(list: &[(&str, &str)]) -> Files {
        Files(list.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect())
    }

    #[test]
    fn folders_are_relative_to_the_root_spec_and_read_in_order() {
        let reader = files(&[
            ("spec/v1/api.json", "{}"),
            ("spec/v1/examples/b.json", "[]"),
            ("spec/v1/examples/a.json", r#"{"type":"T"}"#),
            ("spec/v1/examples/notes.md", "not JSON, not listed"),
            ("spec/v1/other/c.json", "{}"),
        ]);
        let loaded = load_event_examples(&reader, "spec/v1/api.json", &["examples".into()]).unwrap();
        let names: Vec<&str> = loaded.iter().map(|f| f.file.as_str()).collect();
        assert_eq!(names, ["spec/v1/examples/a.json", "spec/v1/examples/b.json"]);
        assert_eq!(loaded[0].content["type"], "T");
    }

    #[test]
    fn an_empty_folder_and_a_broken_file_are_located_errors() {
        let reader = files(&[("spec/api.json", "{}"), ("spec/examples/bad.json", "{ not json")]);
        let empty = load_event_examples(&reader, "spec/api.json", &["nothing".into(), "examples".into()])
            .unwrap_err()
            .to_string();
        assert!(empty.contains("spec/api.json") && empty.contains("event_examples/0"), "{empty}");
        assert!(empty.contains("holds no .json event examples"), "{empty}");
        let broken = load_event_examples(&reader, "spec/api.json", &["examples".into()]).unwrap_err().to_string();
        assert!(broken.contains("spec/examples/bad.json"), "{broken}");
        let escape = load_event_examples(&reader, "spec/api.json", &["../../outside".into()]).unwrap_err().to_string();
        assert!(escape.contains("event_examples/0"), "{escape}");
    }
}
