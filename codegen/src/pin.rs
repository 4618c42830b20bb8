//! Pinning a spec: the files it reads (the root, every file it `$ref`s, its examples), each with its
//! sha256, and the manifest text rewritten to pin them, keeping everything else of the file.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Result, SourceLoc};
use crate::load::SpecReader;
use crate::manifest::{sha256_hex, FilePin};

/// Every file the spec at `root` reads, with the sha256 of its text as `reader` gives it: the spec,
/// what it references, and the files of its `event_examples` folders.
pub fn files_read(reader: &dyn SpecReader, root: &str, event_examples: &[String]) -> Result<BTreeMap<String, String>> {
    let loaded = crate::load::load(reader, root)?;
    let events = crate::load::load_event_examples(reader, root, event_examples)?;
    let mut hashes = BTreeMap::new();
    for file in loaded.files_read.iter().chain(events.iter().map(|e| &e.file)) {
        let text = reader
            .read(file)
            .map_err(|reason| Error::at(&SourceLoc::new(file, ""), format!("cannot read: {reason}")))?;
        hashes.insert(file.clone(), sha256_hex(text.as_bytes()));
    }
    Ok(hashes)
}

/// The differences between what a service pins and what its spec reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PinDrift {
    /// Files the spec reads that are not pinned.
    pub unpinned: Vec<String>,
    /// Pinned files the spec no longer reads.
    pub unread: Vec<String>,
    /// Files whose pinned sha256 differs from the file's.
    pub changed: Vec<String>,
}

impl PinDrift {
    /// Whether the pins match what is read.
    pub fn is_empty(&self) -> bool {
        self.unpinned.is_empty() && self.unread.is_empty() && self.changed.is_empty()
    }
}

/// Compares a service's pins with the files its spec reads.
pub fn drift(pins: &BTreeMap<String, FilePin>, read: &BTreeMap<String, String>) -> PinDrift {
    let pinned: BTreeSet<&String> = pins.keys().collect();
    let wanted: BTreeSet<&String> = read.keys().collect();
    PinDrift {
        unpinned: wanted.difference(&pinned).map(|s| s.to_string()).collect(),
        unread: pinned.difference(&wanted).map(|s| s.to_string()).collect(),
        changed: read
            .iter()
            .filter(|(path, sha)| pins.get(*path).is_some_and(|pin| &pin.sha256 != *sha))
            .map(|(path, _)| path.clone())
            .collect(),
    }
}

/// `text` (a manifest) with service `key`'s `spec`, `commit` and `files` replaced; comments, the
/// service's other keys and the other services are kept as written. The service must exist.
pub fn rewrite_service(
    text: &str,
    manifest_path: &str,
    key: &str,
    spec: &str,
    commit: &str,
    files: &BTreeMap<String, FilePin>,
) -> Result<String> {
    let loc = SourceLoc::new(manifest_path, "/services").join(key);
    let lines: Vec<&str> = text.lines().collect();
    let services = lines
        .iter()
        .position(|l| l.trim_end() == "services:")
        .ok_or_else(|| Error::at(&SourceLoc::new(manifest_path, ""), "the manifest has no `services:`"))?;
    let header = format!("  {key}:");
    let start = (services + 1..lines.len())
        .find(|&i| lines[i].trim_end() == header)
        .ok_or_else(|| Error::at(&loc, format!("the manifest has no service `{key}` to pin; add its entry first")))?;
    // The service's block: every following line indented deeper than two spaces (or blank).
    let end = (start + 1..lines.len())
        .find(|&i| {
            let line = lines[i];
            !line.trim().is_empty() && line.len() - line.trim_start().len() <= 2
        })
        .unwrap_or(lines.len());
    let mut block: Vec<String> = Vec::new();
    let mut in_files = false;
    let mut wrote_files = false;
    for line in &lines[start + 1..end] {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if in_files {
            if indent > 4 || trimmed.is_empty() {
                continue; // the old pins
            }
            in_files = false;
        }
        if indent == 4 && trimmed.starts_with("spec:") {
            block.push(format!("    spec: {spec}"));
        } else if indent == 4 && trimmed.starts_with("commit:") {
            block.push(format!("    commit: {commit}"));
        } else if indent == 4 && trimmed.starts_with("files:") {
            block.push("    files:".to_string());
            for (path, pin) in files {
                block.push(format!("      {path}:"));
                block.push(format!("        commit: {}", pin.commit));
                block.push(format!("        sha256: {}", pin.sha256));
            }
            in_files = true;
            wrote_files = true;
        } else {
            block.push(line.to_string());
        }
    }
    if !wrote_files {
        return Err(Error::at(&loc, "the service has no `files:` key to rewrite"));
    }
    let mut out: Vec<String> = lines[..=start].iter().map(|l| l.to_string()).collect();
    out.extend(block);
    out.extend(lines[end..].iter().map(|l| l.to_string()));
    let mut text = out.join("\n");
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = "\
# comment kept
upstream: Azure/azure-rest-api-specs
services:
  a:
    # a's comment kept
    spec: old/a.json
    commit: 111
    models_crate: a_models
    files:
      old/a.json:
        commit: 111
        sha256: aaa
    version: 0.1.0
  b:
    spec: b.json
    commit: 222
    files:
      b.json:
        commit: 222
        sha256: bbb
";

    #[test]
    fn rewrites_one_service_and_keeps_the_rest() {
        let files = BTreeMap::from([
            ("new/a.json".to_string(), FilePin { commit: "333".into(), sha256: "ccc".into() }),
            ("new/x.json".to_string(), FilePin { commit: "333".into(), sha256: "ddd".into() }),
        ]);
        let text = rewrite_service(MANIFEST, "m.yaml", "a", "new/a.json", "333", &files).unwrap();
        assert_eq!(
            text,
            "\
# comment kept
upstream: Azure/azure-rest-api-specs
services:
  a:
    # a's comment kept
    spec: new/a.json
    commit: 333
    models_crate: a_models
    files:
      new/a.json:
        commit: 333
        sha256: ccc
      new/x.json:
        commit: 333
        sha256: ddd
    version: 0.1.0
  b:
    spec: b.json
    commit: 222
    files:
      b.json:
        commit: 222
        sha256: bbb
"
        );
        assert!(rewrite_service(MANIFEST, "m.yaml", "zz", "x", "1", &files)
            .unwrap_err()
            .to_string()
            .contains("no service `zz`"));
    }

    #[test]
    fn drift_lists_each_difference() {
        let pins = BTreeMap::from([
            ("a".to_string(), FilePin { commit: "1".into(), sha256: "x".into() }),
            ("b".to_string(), FilePin { commit: "1".into(), sha256: "y".into() }),
        ]);
        let read = BTreeMap::from([("a".to_string(), "x2".to_string()), ("c".to_string(), "z".to_string())]);
        let drift = drift(&pins, &read);
        assert_eq!(drift.unpinned, vec!["c"]);
        assert_eq!(drift.unread, vec!["b"]);
        assert_eq!(drift.changed, vec!["a"]);
    }
}
