//! The API-change report of a regen: what the new specs change in the public API of each
//! service's crates, classified for SemVer, and whether the version `specs/specs.yaml` declares is
//! large enough a bump.
//!
//! - [`surface`](mod@surface): the public API of a service's crates, computed from the intermediate model and
//!   committed as `api.json` beside the generated crates (the baseline of the next regen);
//! - [`compare`](mod@compare): the changes between two surfaces, each `patch`, `minor` or `major`;
//! - this module: one report per service, its verdict, the version gate, and its rendering.

pub mod compare;
pub mod surface;

pub use compare::{compare, Change, Level, Side};
pub use surface::{surface, ApiSurface};

/// The name of the committed surface file, in the models crate's folder.
pub const SURFACE_FILE: &str = "api.json";

/// What a regen changes in one service's crates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceReport {
    /// The manifest key.
    pub service: String,
    /// The crates (models, then REST if any).
    pub crates: Vec<String>,
    /// The version of the committed crates, when there are any.
    pub baseline_version: Option<String>,
    /// The version the manifest declares now.
    pub declared_version: String,
    /// Every change, most severe first.
    pub changes: Vec<Change>,
}

impl ServiceReport {
    /// The bump the changes need (`None`: nothing a caller can see changed).
    pub fn verdict(&self) -> Option<Level> {
        self.changes.iter().map(|c| c.level).max()
    }

    /// The verdict for one crate: the models crate sees its own changes; the REST crate, which
    /// re-exports the models, sees all.
    pub fn crate_verdict(&self, side: Side) -> Option<Level> {
        self.changes.iter().filter(|c| side == Side::Rest || c.side == Side::Models).map(|c| c.level).max()
    }

    /// The smallest version the changes allow, when they need a bump from the baseline.
    pub fn required_version(&self) -> Option<String> {
        let baseline = self.baseline_version.as_deref()?;
        let level = self.verdict().filter(|l| *l > Level::Patch)?;
        Some(required_version(baseline, level))
    }

    /// The gate: an error saying which version is needed when the declared one is too small.
    pub fn gate(&self) -> Result<(), String> {
        let Some(required) = self.required_version() else { return Ok(()) };
        if version_at_least(&self.declared_version, &required) {
            Ok(())
        } else {
            Err(format!(
                "`{}` has {} changes: its version must be at least {required} (it was {}; specs/specs.yaml declares {})",
                self.service,
                self.verdict().map_or("no", Level::as_str),
                self.baseline_version.as_deref().unwrap_or("-"),
                self.declared_version
            ))
        }
    }

    /// The report as Markdown, for a pull request or a changelog.
    pub fn markdown(&self) -> String {
        let mut out = format!("### `{}`: {}\n\n", self.service, self.crates.join(", "));
        let verdict = self.verdict().map_or("none (no API change)", Level::as_str);
        out.push_str(&format!(
            "Verdict: **{verdict}**. Version: {} → {}",
            self.baseline_version.as_deref().unwrap_or("(new)"),
            self.declared_version
        ));
        match (self.required_version(), self.gate()) {
            (Some(required), Ok(())) => out.push_str(&format!(" (needs at least {required}: ok)")),
            (Some(required), Err(_)) => out.push_str(&format!(" (needs at least {required}: **too small**)")),
            (None, _) => {}
        }
        out.push_str("\n\n");
        if self.changes.is_empty() {
            out.push_str("No change to the public API.\n");
            return out;
        }
        out.push_str("| level | crate | item | change |\n|---|---|---|---|\n");
        for change in &self.changes {
            let krate = match change.side {
                Side::Models => self.crates.first(),
                Side::Rest => self.crates.get(1).or(self.crates.first()),
            };
            out.push_str(&format!(
                "| {} | `{}` | `{}` | {} |\n",
                change.level.as_str(),
                krate.map(String::as_str).unwrap_or_default(),
                change.item,
                change.what.replace('|', "\\|")
            ));
        }
        out
    }

    /// The report as plain text for the terminal.
    pub fn text(&self) -> String {
        if self.baseline_version.is_none() {
            return format!(
                "API of `{}` ({}): new, no baseline to compare with\n",
                self.service,
                self.crates.join(", ")
            );
        }
        let verdict = self.verdict().map_or("none", Level::as_str);
        let mut out = format!(
            "API changes of `{}` ({}): {} change(s), verdict {verdict}, version {} → {}",
            self.service,
            self.crates.join(", "),
            self.changes.len(),
            self.baseline_version.as_deref().unwrap_or("(new)"),
            self.declared_version
        );
        if let Some(required) = self.required_version() {
            out.push_str(&format!(" (needs ≥ {required})"));
        }
        out.push('\n');
        for change in &self.changes {
            out.push_str(&format!("  {:<5}  {}: {}\n", change.level.as_str(), change.item, change.what));
        }
        out
    }
}

/// `(major, minor, patch)` of a version such as `0.3.1` or `1.2.0-beta.1` (the pre-release is ignored).
fn parse_version(version: &str) -> (u64, u64, u64) {
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let mut parts = core.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// The smallest version after `baseline` that Cargo treats as allowing a change of `level`:
/// below 1.0 the minor digit is the breaking one (`0.3.1` → `0.4.0` for major, `0.3.2` for minor).
pub fn required_version(baseline: &str, level: Level) -> String {
    let (major, minor, patch) = parse_version(baseline);
    match (major, level) {
        (_, Level::Patch) => format!("{major}.{minor}.{patch}"),
        (0, Level::Major) => format!("0.{}.0", minor + 1),
        (0, Level::Minor) => format!("0.{minor}.{}", patch + 1),
        (_, Level::Major) => format!("{}.0.0", major + 1),
        (_, Level::Minor) => format!("{major}.{}.0", minor + 1),
    }
}

/// Whether `version` ≥ `required`.
pub fn version_at_least(version: &str, required: &str) -> bool {
    parse_version(version) >= parse_version(required)
}

/// The Markdown of a whole regen's reports.
pub fn markdown(reports: &[ServiceReport]) -> String {
    let mut out = String::from("## API changes\n\n");
    for report in reports {
        out.push_str(&report.markdown());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_versions_follow_cargo_semver() {
        assert_eq!(required_version("0.1.0", Level::Major), "0.2.0");
        assert_eq!(required_version("0.1.0", Level::Minor), "0.1.1");
        assert_eq!(required_version("1.4.2", Level::Major), "2.0.0");
        assert_eq!(required_version("1.4.2", Level::Minor), "1.5.0");
        assert!(version_at_least("0.2.0", "0.1.1"));
        assert!(!version_at_least("0.1.0", "0.1.1"));
    }
}
