//! The generator's error type: every failure names the spec file and the JSON pointer it is about.

use std::fmt;

/// Where in the input a problem is: a spec file (relative to the specs root) and a JSON pointer into it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceLoc {
    /// The spec file, relative to the specs root, `/`-separated.
    pub file: String,
    /// A JSON pointer (RFC 6901) into that file; empty for the whole document.
    pub pointer: String,
}

impl SourceLoc {
    /// A location in `file` at `pointer`.
    pub fn new(file: impl Into<String>, pointer: impl Into<String>) -> Self {
        Self { file: file.into(), pointer: pointer.into() }
    }

    /// This location extended by one JSON pointer segment (escaped as RFC 6901 requires).
    pub fn join(&self, segment: impl AsRef<str>) -> Self {
        Self { file: self.file.clone(), pointer: format!("{}/{}", self.pointer, escape_pointer(segment.as_ref())) }
    }
}

impl fmt::Display for SourceLoc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.file, self.pointer)
    }
}

/// Escapes one JSON pointer segment (`~` → `~0`, `/` → `~1`).
pub fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// The text of one escaped JSON pointer segment (`~1` → `/`, `~0` → `~`).
pub fn unescape_pointer(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// A generator failure, with the spec location it is about when there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// Where the problem is, when it is about one place in a spec.
    pub location: Option<SourceLoc>,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl Error {
    /// An error about one place in a spec.
    pub fn at(location: &SourceLoc, message: impl Into<String>) -> Self {
        Self { location: Some(location.clone()), message: message.into() }
    }

    /// An error that is not about one place in a spec.
    pub fn msg(message: impl Into<String>) -> Self {
        Self { location: None, message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(location) => write!(f, "{location}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

/// The generator's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
