//! What can go wrong while generating, each error pointing at its cause.

use std::fmt;
use std::path::PathBuf;

/// A position in a spec file: `file:line:column`, 1-based.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file, as it was given to the [`Generator`](crate::Generator).
    pub file: PathBuf,
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

impl Location {
    /// The location of byte `offset` in `source`, read from `file`.
    pub(crate) fn at(file: &std::path::Path, source: &str, offset: usize) -> Self {
        let before = source.get(..offset).unwrap_or(source);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        Location {
            file: file.to_path_buf(),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// An error from [`Generator::generate`](crate::Generator::generate).
///
/// Errors in a spec file display as `file:line:column: expected X, found Y`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A spec file could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A generated file could not be written.
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A spec file is not what the spec language allows.
    #[error("{location}: expected {expected}, found {found}")]
    Spec {
        /// Where.
        location: Location,
        /// What the spec language wants there.
        expected: String,
        /// What the file has there.
        found: String,
    },
    /// A path or Rust type written in a spec file does not parse as Rust.
    #[error("{location}: expected a Rust {what}, found `{text}`")]
    RustSyntax {
        /// Where.
        location: Location,
        /// `type` or `path`.
        what: &'static str,
        /// The text.
        text: String,
    },
    /// No `types` file was given to the generator, and typed-imap's build
    /// script did not say where its own is (`DEP_TYPED_IMAP_SPEC_DIR`).
    #[error(
        "no types file: DEP_TYPED_IMAP_SPEC_DIR is not set (typed-imap sets it for the build \
         scripts of crates that list it in [dependencies]); or call Generator::types with \
         the path of a types.toml"
    )]
    NoTypes,
    /// No output directory: neither `out_dir` was called nor is `OUT_DIR` set.
    #[error("no output directory: call Generator::out_dir or run from a build script")]
    NoOutDir,
    /// The generator produced code that does not parse (a bug in the generator).
    #[error("generated {file} does not parse as Rust: {message}")]
    Emit {
        /// The output file.
        file: &'static str,
        /// The parser's complaint.
        message: String,
    },
}

impl Error {
    /// An error at `location`.
    pub(crate) fn spec(
        location: Location,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Self {
        Error::Spec {
            location,
            expected: expected.into(),
            found: found.into(),
        }
    }

    /// Turns toml's message (`unknown field `x`, expected one of ...`) into
    /// expected/found form.
    pub(crate) fn from_toml(file: &std::path::Path, source: &str, error: &toml::de::Error) -> Self {
        let offset = error.span().map_or(0, |span| span.start);
        let location = Location::at(file, source, offset);
        let raw = error.message().trim();
        let message = raw.replace('\n', " ");
        let (expected, found) = if let Some((found, expected)) = raw.split_once("\nexpected ") {
            (expected.replace('\n', " "), found.to_owned())
        } else if let Some((found, expected)) = message.split_once(", expected ") {
            (expected.to_owned(), found.to_owned())
        } else if let Some(field) = message.strip_prefix("missing field ") {
            (format!("key {field}"), "a table without it".to_owned())
        } else {
            ("valid TOML".to_owned(), message)
        };
        Error::spec(location, expected, found)
    }
}
