//! Generates the invented extension from this crate's own spec, against
//! typed-imap's runtime, with the public codegen API.

fn main() {
    let result = typed_imap_codegen::Generator::new()
        .runtime_path("::typed_imap")
        .types("../../spec/types.toml")
        .spec("spec/xtags.toml")
        .generate();
    if let Err(error) = result {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}
