//! Deliberately broken spec files: each one in `tests/broken/` starts with
//! a line `# expect: <error>`, the exact error the generator must give
//! (file:line:column: expected X, found Y).

use std::path::Path;

use typed_imap_codegen::Generator;

fn expected_error(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("readable");
    text.lines()
        .next()
        .and_then(|line| line.strip_prefix("# expect: "))
        .unwrap_or_else(|| panic!("{} lacks its `# expect:` line", path.display()))
        .to_owned()
}

fn error_of(spec: &str) -> String {
    let result = Generator::new()
        .runtime_path("crate")
        .types("../spec/types.toml")
        .spec(spec)
        .model();
    match result {
        Ok(_) => format!("{spec}: no error"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn every_broken_spec_gives_its_exact_error() {
    let mut files: Vec<_> = std::fs::read_dir("tests/broken")
        .expect("tests/broken exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "expected at least 10 broken specs, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let spec = path.to_str().expect("UTF-8 path");
        let expected = expected_error(path);
        let actual = error_of(spec);
        if actual != expected {
            failures.push(format!(
                "{spec}\n  expected: {expected}\n  actual:   {actual}"
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let error = error_of("tests/broken/does-not-exist.toml");
    assert!(
        error.starts_with("tests/broken/does-not-exist.toml: cannot read"),
        "{error}"
    );
}

#[test]
fn no_types_file_is_an_error() {
    let error = Generator::new()
        .spec("../spec/imap4rev1.toml")
        .model()
        .map(|_| ())
        .unwrap_err();
    assert!(error.to_string().contains("no types file"), "{error}");
}
