//! The real specs: their upgraded OpenAPI documents are snapshotted, generation is deterministic,
//! `generated/` matches what the generator writes, and a spec-version bump gives a readable diff.

use std::path::{Path, PathBuf};

use acs_codegen::fixture::dir_reader;
use acs_codegen::load::SpecReader;
use acs_codegen::manifest::{Manifest, PinnedReader, ServiceEntry};
use acs_codegen::{generate, lower_spec, GenerateOptions, StageTimes};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("codegen is in the repository").to_path_buf()
}

fn specs_root() -> PathBuf {
    std::env::var_os("AZURE_REST_API_SPECS").map(PathBuf::from).unwrap_or_else(|| repo().join("../shared/specs"))
}

fn manifest() -> Manifest {
    let path = repo().join("specs/specs.yaml");
    let text = std::fs::read_to_string(&path).expect("specs/specs.yaml");
    Manifest::parse(&text, "specs/specs.yaml").expect("the manifest parses")
}

fn reader_for(entry: &ServiceEntry) -> Box<dyn SpecReader + '_> {
    Box::new(PinnedReader::new(&specs_root(), &entry.files))
}

#[test]
fn upgraded_documents_are_stable() {
    let manifest = manifest();
    for (key, entry) in &manifest.services {
        let reader = reader_for(entry);
        let (_, _, openapi) = lower_spec(reader.as_ref(), &entry.spec, &entry.options, &[], &mut StageTimes::default())
            .unwrap_or_else(|e| panic!("{key}: {e}"));
        insta::assert_json_snapshot!(format!("upgraded_{key}"), openapi);
    }
}

#[test]
fn generation_is_deterministic_and_matches_generated_folder() {
    let manifest = manifest();
    let first = generate(&manifest, reader_for, &GenerateOptions::default()).expect("generation succeeds");
    let second = generate(&manifest, reader_for, &GenerateOptions::default()).expect("generation succeeds");
    assert_eq!(first.files, second.files, "two runs differ");
    let mut stale = Vec::new();
    for file in &first.files {
        let on_disk = std::fs::read_to_string(repo().join(&file.path)).unwrap_or_default();
        if on_disk != file.contents {
            stale.push(file.path.clone());
        }
    }
    assert!(stale.is_empty(), "generated/ is stale (run `cargo xtask regen`): {stale:?}");
}

#[test]
fn every_pinned_file_is_read_and_every_read_file_is_pinned() {
    let manifest = manifest();
    for (key, entry) in &manifest.services {
        let reader = reader_for(entry);
        let read = acs_codegen::pin::files_read(reader.as_ref(), &entry.spec, &entry.options.event_examples)
            .unwrap_or_else(|e| panic!("{key}: {e}"));
        let pinned: Vec<&String> = entry.files.keys().collect();
        let read: Vec<&String> = read.keys().collect();
        assert_eq!(pinned, read, "{key}: the manifest pins files the generator does not read, or the reverse");
    }
}

#[test]
fn a_hash_mismatch_names_the_file_and_how_to_fix_it() {
    let mut manifest = manifest();
    let entry = manifest.services.get_mut("chat").expect("chat service");
    let spec = entry.spec.clone();
    entry.files.get_mut(&spec).expect("root is pinned").sha256 = "0".repeat(64);
    let error =
        generate(&manifest, reader_for, &GenerateOptions::default()).expect_err("a wrong hash is refused").to_string();
    assert!(error.contains("sha256 mismatch") && error.contains("communicationserviceschat.json"), "{error}");
    assert!(error.contains(&"0".repeat(64)) && error.contains("--specs-root"), "{error}");
    assert_eq!(error.lines().count(), 1, "one line: {error}");
}

/// A maintainer's workflow: move Chat from `stable/2024-03-07` to `stable/2025-03-15` and read the diff.
#[test]
fn a_spec_version_bump_gives_a_readable_diff() {
    let generate_chat = |version: &str| -> String {
        let root =
            format!("specification/communication/data-plane/Chat/stable/{version}/communicationserviceschat.json");
        let reader = dir_reader(specs_root());
        let (service, _, _) = lower_spec(&reader, &root, &Default::default(), &[], &mut StageTimes::default())
            .unwrap_or_else(|e| panic!("chat {version}: {e}"));
        let tokens = acs_codegen::emit::models::models_file(&service);
        acs_codegen::emit::format_file("", tokens, "models").expect("formats")
    };
    let old = generate_chat("2024-03-07");
    let new = generate_chat("2025-03-15");
    let diff = similar::TextDiff::from_lines(&old, &new);
    let added: Vec<&str> =
        diff.iter_all_changes().filter(|c| c.tag() == similar::ChangeTag::Insert).map(|c| c.value().trim()).collect();
    for expected in [
        "pub enum ChatRetentionPolicy {",
        "pub struct ThreadCreationDateRetentionPolicy {",
        "pub retention_policy: Option<ChatRetentionPolicy>,",
        "pub metadata: Option<::std::collections::HashMap<String, String>>,",
    ] {
        assert!(added.contains(&expected), "the diff does not add `{expected}`");
    }
    let removed = diff.iter_all_changes().filter(|c| c.tag() == similar::ChangeTag::Delete).count();
    assert!(added.len() > removed, "a version bump that adds features mostly adds lines");
}

#[test]
fn a_missing_file_names_it_its_hash_and_how_to_fix_it() {
    let manifest = manifest();
    let missing = std::env::temp_dir().join("acs-codegen-no-specs-here");
    let error = generate(
        &manifest,
        |entry| Box::new(PinnedReader::new(&missing, &entry.files)) as Box<dyn SpecReader>,
        &GenerateOptions::default(),
    )
    .expect_err("a missing specs root is refused")
    .to_string();
    // Services are generated in dependency order: the shared Common types come first.
    let first = &manifest.services["common"];
    assert!(error.contains(&first.spec) && error.contains(&first.files[&first.spec].sha256), "{error}");
    assert!(error.contains("--specs-root") && error.contains("AZURE_REST_API_SPECS"), "{error}");
    assert_eq!(error.lines().count(), 1, "one line: {error}");
}
