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
    specs: Vec<Specs>,
    out_dir: Option<PathBuf>,
}

/// Spec files, one by one or a whole directory.
#[derive(Clone, Debug)]
enum Specs {
    File(PathBuf),
    Dir(PathBuf),
}

/// The vocabulary's file name, which [`Generator::spec_dir`] leaves out.
const TYPES_FILE: &str = "types.toml";

/// Where typed-imap's build script says its spec lies (its `links` metadata
/// `spec_dir`), in the build scripts of crates that depend on it.
const TYPED_IMAP_SPEC_DIR: &str = "DEP_TYPED_IMAP_SPEC_DIR";

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

    /// The vocabulary file. Without it, the vocabulary is that of the
    /// typed-imap this crate depends on: `types.toml` in
    /// `DEP_TYPED_IMAP_SPEC_DIR`, which typed-imap's build script gives to
    /// the build scripts of the crates that list it in `[dependencies]`.
    pub fn types(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.types = Some(path.as_ref().to_path_buf());
        self
    }

    /// Adds a spec file. Files are read in the order given.
    pub fn spec(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.specs.push(Specs::File(path.as_ref().to_path_buf()));
        self
    }

    /// Adds every `*.toml` file of a directory except `types.toml`, in
    /// name order: adding an extension is then adding a file. The order
    /// only decides the order of generated items; references between
    /// files resolve whatever the order.
    pub fn spec_dir(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.specs.push(Specs::Dir(path.as_ref().to_path_buf()));
        self
    }

    /// The spec files, directories expanded.
    pub fn spec_files(&self) -> Result<Vec<PathBuf>, Error> {
        let mut files = Vec::new();
        for specs in &self.specs {
            match specs {
                Specs::File(path) => files.push(path.clone()),
                Specs::Dir(dir) => files.extend(toml_files(dir)?),
            }
        }
        Ok(files)
    }

    /// Where to write the files (default: the `OUT_DIR` of a build script).
    pub fn out_dir(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.out_dir = Some(path.as_ref().to_path_buf());
        self
    }

    /// Reads and validates the files into the model the emitters work on.
    pub fn model(&self) -> Result<Model, Error> {
        let types = validate::read(&types_file(self.types.as_deref())?)?;
        let specs = self
            .spec_files()?
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
            let dirs = self.specs.iter().filter_map(|s| match s {
                Specs::Dir(dir) => Some(dir.clone()),
                Specs::File(_) => None,
            });
            // A directory is watched for added and removed files.
            for path in std::iter::once(types_file(self.types.as_deref())?)
                .chain(self.spec_files()?)
                .chain(dirs)
            {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
        for (name, contents) in self.render()? {
            write_if_changed(&out_dir.join(name), &contents)?;
        }
        Ok(())
    }
}

/// The vocabulary file: the one given, or that of the typed-imap depended on.
fn types_file(given: Option<&Path>) -> Result<PathBuf, Error> {
    match (given, std::env::var_os(TYPED_IMAP_SPEC_DIR)) {
        (Some(path), _) => Ok(path.to_path_buf()),
        (None, Some(dir)) => Ok(PathBuf::from(dir).join(TYPES_FILE)),
        (None, None) => Err(Error::NoTypes),
    }
}

/// The spec files of a directory, in name order.
fn toml_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let read_error = |source| Error::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        let is_spec = path.extension().is_some_and(|e| e == "toml")
            && path.file_name().is_some_and(|n| n != TYPES_FILE);
        if is_spec {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
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
