//! The maintainer's spec bump, end to end through the xtask binary on scratch manifests: `pin`
//! writes the entry, `regen` reports the API change with its SemVer verdict and refuses to write
//! until the declared version allows it. The committed `generated/` is never touched.

mod common;

use common::*;

const CHAT_2024: &str = "specification/communication/data-plane/Chat/stable/2024-03-07/communicationserviceschat.json";
const COMMON_2023: &str = "specification/communication/data-plane/Common/stable/2023-11-15/common.json";
const CHAT_PREVIEW: &str =
    "specification/communication/data-plane/Chat/preview/2025-11-15-preview/communicationserviceschat.json";

/// Copies the committed manifest into `dir`.
fn scratch_manifest(dir: &std::path::Path) -> std::path::PathBuf {
    let manifest = dir.join("specs.yaml");
    std::fs::copy(repo().join("specs/specs.yaml"), &manifest).expect("copy the manifest");
    manifest
}

fn pin(manifest: &std::path::Path, service: &str, spec: &str) {
    let out = xtask(&["pin", service, spec, "--manifest", arg(manifest), "--specs-root", arg(&specs_root())]);
    assert!(out.status.success(), "pin failed: {}", text(&out));
}

fn regen(
    manifest: &std::path::Path,
    out_dir: &std::path::Path,
    report: Option<&std::path::Path>,
) -> std::process::Output {
    let mut args = vec!["regen", "--manifest", arg(manifest), "--out", arg(out_dir), "--specs-root"];
    let root = specs_root();
    args.push(arg(&root));
    if let Some(report) = report {
        args.extend(["--report", arg(report)]);
    }
    xtask(&args)
}

/// Sets the `version:` of one service in a manifest's text.
fn set_version(manifest: &std::path::Path, service: &str, version: &str) {
    let text = std::fs::read_to_string(manifest).unwrap();
    let mut in_service = false;
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            if line.starts_with("  ") && !line.starts_with("   ") && line.trim_end().ends_with(':') {
                in_service = line.trim() == format!("{service}:");
            }
            if in_service && line.trim_start().starts_with("version:") && line.starts_with("    version") {
                format!("    version: {version}")
            } else {
                line.to_string()
            }
        })
        .collect();
    std::fs::write(manifest, lines.join("\n") + "\n").unwrap();
}

#[test]
fn chat_2024_03_07_to_2025_03_15_reports_metadata_retention_and_identifier_kinds() {
    let dir = scratch("bump_stable");
    // The baseline: the committed manifest with Chat back on 2024-03-07 and Common on the version it
    // reads (2023-11-15), generated into the scratch folder.
    let old = dir.join("old.yaml");
    std::fs::copy(repo().join("specs/specs.yaml"), &old).unwrap();
    pin(&old, "chat", CHAT_2024);
    pin(&old, "common", COMMON_2023);
    let out = regen(&old, &dir, None);
    assert!(out.status.success(), "{}", text(&out));

    // The bump: the committed manifest (2025-03-15), same version, against that baseline.
    let report = dir.join("report.md");
    let new = scratch_manifest(&dir);
    let out = regen(&new, &dir, Some(&report));
    let printed = text(&out);
    assert!(!out.status.success(), "the version was not raised, so regen must refuse: {printed}");
    assert!(printed.contains("nothing written"), "{printed}");
    let report = std::fs::read_to_string(&report).expect("the report is written even when the gate fails");
    for expected in [
        "DEFAULT_API_VERSION",
        "`ChatThreadProperties.metadata`",
        "`ChatThreadProperties.retention_policy`",
        "`CreateChatThreadRequest.metadata`",
        "`ChatRetentionPolicy`",
        "`CommunicationIdentifierModel.teams_extension_user`",
        "`TeamsExtensionUserIdentifierModel`",
        "`PhoneNumberIdentifierModel.is_anonymous`",
    ] {
        assert!(report.contains(expected), "the report does not list {expected}:\n{report}");
    }
    // Every change adds: fields of models that are `#[non_exhaustive]` or have `Default`, types,
    // enum values, a new default api-version. Nothing is removed or retyped.
    let chat = report.split("### `chat`").nth(1).expect("a chat section").split("### ").next().unwrap();
    assert!(chat.contains("Verdict: **minor**"), "{chat}");
    assert!(!chat.contains("| major |"), "{chat}");
    assert!(chat.contains("needs at least 0.1.1"), "{chat}");

    // Raising the version to what the report asks makes regen write.
    // (The events models re-export Common's identifier models, so they move with Common.)
    set_version(&new, "chat", "0.1.1");
    set_version(&new, "common", "0.1.1");
    set_version(&new, "events", "0.1.1");
    let out = regen(&new, &dir, None);
    assert!(out.status.success(), "{}", text(&out));
    let written = std::fs::read_to_string(dir.join("generated/acs_chat_rest/src/client.rs")).unwrap();
    assert!(written.contains("\"2025-03-15\""));
}

#[test]
fn stable_to_preview_pins_the_entry_and_reports_the_image_operations() {
    let dir = scratch("bump_preview");
    let manifest = scratch_manifest(&dir);
    let out = regen(&manifest, &dir, None);
    assert!(out.status.success(), "{}", text(&out));
    let before = std::fs::read_to_string(dir.join("generated/acs_chat_models/api.json")).unwrap();

    pin(&manifest, "chat", CHAT_PREVIEW);
    let pinned = std::fs::read_to_string(&manifest).unwrap();
    assert!(pinned.contains(&format!("spec: {CHAT_PREVIEW}")), "{pinned}");
    assert!(pinned.contains("2025-11-15-preview/examples/"), "examples are pinned too");
    assert!(pinned.contains("identity:") && pinned.contains("common:"), "the other services are kept");
    assert!(pinned.contains("# Chat, newest stable"), "comments are kept");

    let report = dir.join("report.md");
    let out = regen(&manifest, &dir, Some(&report));
    assert!(!out.status.success(), "the version was not raised: {}", text(&out));
    assert_eq!(
        std::fs::read_to_string(dir.join("generated/acs_chat_models/api.json")).unwrap(),
        before,
        "nothing is written when the gate fails"
    );
    let report = std::fs::read_to_string(&report).unwrap();
    for method in ["chat_thread.upload_chat_image()", "chat_thread.get_chat_image()", "chat_thread.delete_chat_image()"]
    {
        let line = report.lines().find(|l| l.contains(method)).unwrap_or_else(|| panic!("{method} missing:\n{report}"));
        assert!(line.starts_with("| minor |") && line.contains("method added"), "{line}");
    }
    let printed = text(&out);
    assert!(printed.contains("must be at least"), "{printed}");

    set_version(&manifest, "chat", "0.2.0");
    let out = regen(&manifest, &dir, None);
    assert!(out.status.success(), "{}", text(&out));
    let rest = std::fs::read_to_string(dir.join("generated/acs_chat_rest/src/chat_thread.rs")).unwrap();
    assert!(rest.contains("pub async fn upload_chat_image"));
}

#[test]
fn pinning_a_spec_that_does_not_load_leaves_the_manifest_untouched() {
    let dir = scratch("pin_broken");
    let manifest = scratch_manifest(&dir);
    let before = std::fs::read(&manifest).unwrap();
    let broken = repo().join("codegen/tests/broken");
    for spec in ["invalid_json.json", "dangling_ref.json", "missing_file/spec.json", "no_such_spec.json"] {
        let out = xtask(&[
            "pin",
            "chat",
            spec,
            "--manifest",
            arg(&manifest),
            "--specs-root",
            arg(&broken),
            "--commit",
            &"0".repeat(40),
        ]);
        assert!(!out.status.success(), "{spec}: {}", text(&out));
        assert!(
            text(&out).contains(spec.split('/').next().unwrap()),
            "{spec}: the error names the file: {}",
            text(&out)
        );
        assert_eq!(std::fs::read(&manifest).unwrap(), before, "{spec}: the manifest changed");
    }
}

#[test]
fn the_committed_tree_reports_no_change() {
    let out = xtask(&["regen", "--check", "--specs-root", arg(&specs_root())]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains("major"), "{}", text(&out));
}
