//! The validated model and the generated code of each spec file, as
//! committed insta snapshots: every change to the generated API is a diff.

use typed_imap_codegen::{Generator, HEADER};

fn imap4rev1() -> Generator {
    let mut generator = Generator::new();
    generator
        .runtime_path("crate")
        .types("../spec/types.toml")
        .spec("../spec/imap4rev1.toml");
    generator
}

fn downstream() -> Generator {
    let mut generator = Generator::new();
    generator
        .runtime_path("::typed_imap")
        .types("../spec/types.toml")
        .spec("../tests/downstream/spec/xfoo.toml");
    generator
}

#[test]
fn imap4rev1_model_snapshot() {
    let model = imap4rev1().model().expect("imap4rev1.toml is valid");
    insta::assert_debug_snapshot!("imap4rev1_model", model);
}

#[test]
fn imap4rev1_generated_code_snapshot() {
    for (file, code) in imap4rev1().render().expect("imap4rev1.toml generates") {
        insta::assert_snapshot!(format!("imap4rev1_{file}"), code);
    }
}

#[test]
fn downstream_model_snapshot() {
    let model = downstream().model().expect("xfoo.toml is valid");
    insta::assert_debug_snapshot!("xfoo_model", model);
}

#[test]
fn downstream_generated_code_snapshot() {
    for (file, code) in downstream().render().expect("xfoo.toml generates") {
        insta::assert_snapshot!(format!("xfoo_{file}"), code);
    }
}

#[test]
fn every_generated_file_starts_with_the_generated_marker() {
    for (file, code) in imap4rev1().render().expect("imap4rev1.toml generates") {
        assert!(
            code.starts_with(HEADER),
            "{file} lacks the @generated header"
        );
    }
}

#[test]
fn generation_is_deterministic() {
    let first = imap4rev1().render().expect("generates");
    let second = imap4rev1().render().expect("generates");
    assert_eq!(first, second);
}

#[test]
fn unchanged_files_are_not_rewritten() {
    let dir = std::env::temp_dir().join(format!("typed-imap-codegen-{}", std::process::id()));
    imap4rev1().out_dir(&dir).generate().expect("generates");
    let written = std::fs::metadata(dir.join("commands.rs"))
        .and_then(|m| m.modified())
        .expect("written");
    std::thread::sleep(std::time::Duration::from_millis(20));
    imap4rev1()
        .out_dir(&dir)
        .generate()
        .expect("generates again");
    let again = std::fs::metadata(dir.join("commands.rs"))
        .and_then(|m| m.modified())
        .expect("still there");
    assert_eq!(written, again);
    let _ = std::fs::remove_dir_all(&dir);
}
