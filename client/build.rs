//! Generates the command set from `spec/` (see `typed-imap-codegen`), and
//! tells the build scripts of crates that depend on typed-imap where that
//! spec lies (`DEP_TYPED_IMAP_SPEC_DIR`, through `links = "typed_imap"`).
//!
//! `spec` is a link to the workspace's `spec/`, the one place the protocol
//! is edited; `cargo package` copies the files it points to, so the
//! packaged crate carries its spec (docs/architecture.md, "Packaging").

use std::path::PathBuf;

fn main() {
    let Some(manifest_dir) = std::env::var_os("CARGO_MANIFEST_DIR") else {
        eprintln!("error: CARGO_MANIFEST_DIR is not set: run this build script from cargo");
        std::process::exit(1);
    };
    let result = typed_imap_codegen::Generator::new()
        .runtime_path("crate")
        .types("spec/types.toml")
        // Every spec file: an extension is added by adding its file.
        .spec_dir("spec")
        .generate();
    if let Err(error) = result {
        // An error names file:line:column; fail the build without a panic.
        eprintln!("error: {error}");
        std::process::exit(1);
    }
    // Absolute: the dependent's build script runs in its own directory.
    let spec_dir = PathBuf::from(manifest_dir).join("spec");
    println!("cargo::metadata=spec_dir={}", spec_dir.display());
}
