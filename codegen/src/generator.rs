//! The public entry point: [`Generator`], in the style of prost-build.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::model::Model;
use crate::{emit, validate};

/// Generates Rust code from a types file and spec files.
///
/// ```no_run
/// # fn main() -> Result<(), typed_imap_codegen::Error> {
/// typed_imap_codegen::Generator::new()
///     .runtime_path("::typed_imap")
///     .types("../../spec/types.toml")
///     .spec("spec/xfoo.toml")
///     .out_dir("target/generated")
///     .generate()?;
/// # Ok(())
/// # }
/// ```
///
/// Four files are written to the output directory: `commands.rs`,
/// `responses.rs`, `items.rs` and `client.rs`, each starting with
/// [`HEADER`](crate::HEADER); a file is rewritten only when its contents
/// changed, so that cargo does not rebuild for nothing.
#[derive(Clone, Debug)]
pub struct Generator {
    runtime_path: String,
    types: Option<PathBuf>,
    specs: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
}

impl Default for Generator {
    fn default() -> Self {
        Self::new()
    }
}

impl Generator {
    /// A generator for a crate that uses typed-imap (runtime path
    /// `::typed_imap`), with no files yet.
    pub fn new() -> Self {
        Generator {
            runtime_path: "::typed_imap".to_owned(),
            types: None,
            specs: Vec::new(),
            out_dir: None,
        }
    }

    /// The path of the runtime crate in generated code. `crate` means the
    /// code is generated inside typed-imap itself: it then defines the
    /// `Data`, `Code` and `Message` types and inherent constructors. Any
    /// other path generates an extension: its responses are parsed out of
    /// the runtime's raw data and its methods come as traits.
    pub fn runtime_path(&mut self, path: impl Into<String>) -> &mut Self {
        self.runtime_path = path.into();
        self
    }

    /// The vocabulary file (typed-imap's `spec/types.toml`).
    pub fn types(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.types = Some(path.as_ref().to_path_buf());
        self
    }

    /// Adds a spec file. Files are read in the order given.
    pub fn spec(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.specs.push(path.as_ref().to_path_buf());
        self
    }

    /// Where to write the files (default: the `OUT_DIR` of a build script).
    pub fn out_dir(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.out_dir = Some(path.as_ref().to_path_buf());
        self
    }

    /// Reads and validates the files into the model the emitters work on.
    pub fn model(&self) -> Result<Model, Error> {
        let types = validate::read(self.types.as_deref().ok_or(Error::NoTypes)?)?;
        let specs = self
            .specs
            .iter()
            .map(|p| validate::read(p))
            .collect::<Result<Vec<_>, _>>()?;
        validate::validate(&self.runtime_path, &types, &specs)
    }

    /// The generated files, name and contents, without writing them.
    pub fn render(&self) -> Result<Vec<(&'static str, String)>, Error> {
        emit::files(&self.model()?)
    }

    /// Generates and writes the files; in a build script, also tells cargo
    /// to rerun when a spec file changes.
    pub fn generate(&self) -> Result<(), Error> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(Error::NoOutDir)?,
        };
        if std::env::var_os("CARGO").is_some() && std::env::var_os("OUT_DIR").is_some() {
            for path in self.types.iter().chain(&self.specs) {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
        for (name, contents) in self.render()? {
            write_if_changed(&out_dir.join(name), &contents)?;
        }
        Ok(())
    }
}

/// Writes `contents` unless the file already holds exactly that.
fn write_if_changed(path: &Path, contents: &str) -> Result<(), Error> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| Error::Write {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    std::fs::write(path, contents).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}
