//! Generates the invented extension from this crate's own spec, against
//! typed-imap's runtime, with the public codegen API.

fn main() {
    // The runtime is `::typed_imap` and the vocabulary typed-imap's own
    // `types.toml`, found through DEP_TYPED_IMAP_SPEC_DIR (the generator's
    // defaults): this crate never names where typed-imap's source lies.
    let result = typed_imap_codegen::Generator::new()
        .spec("spec/xtags.toml")
        .generate();
    if let Err(error) = result {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}
