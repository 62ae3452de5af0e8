//! Generates the command set from `spec/` (see `typed-imap-codegen`).

fn main() {
    let result = typed_imap_codegen::Generator::new()
        .runtime_path("crate")
        .types("../spec/types.toml")
        // Every spec file: an extension is added by adding its file.
        .spec_dir("../spec")
        .generate();
    if let Err(error) = result {
        // An error names file:line:column; fail the build without a panic.
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}
