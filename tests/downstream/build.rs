//! Generates this crate's extension from its own spec, against typed-imap's
//! runtime, with the public codegen API: the path a user's crate takes.

fn main() {
    let result = typed_imap_codegen::Generator::new()
        .runtime_path("::typed_imap")
        .types("../../spec/types.toml")
        .spec("spec/xfoo.toml")
        .generate();
    if let Err(error) = result {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}
