//! A generator not given a vocabulary takes that of the typed-imap the
//! crate depends on: `types.toml` in DEP_TYPED_IMAP_SPEC_DIR, which
//! typed-imap's build script (`links = "typed_imap"`) gives to dependents.

use std::sync::Mutex;

use typed_imap_codegen::{Error, Generator};

/// The variable is process-wide; these tests take turns with it.
static ENVIRONMENT: Mutex<()> = Mutex::new(());

const VARIABLE: &str = "DEP_TYPED_IMAP_SPEC_DIR";
const DOWNSTREAM_SPEC: &str = "../tests/downstream/spec/xfoo.toml";

fn downstream() -> Generator {
    let mut generator = Generator::new();
    generator.spec(DOWNSTREAM_SPEC);
    generator
}

#[test]
fn without_types_the_vocabulary_is_types_toml_in_dep_typed_imap_spec_dir() {
    let _turn = ENVIRONMENT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    std::env::set_var(VARIABLE, "../spec");
    let found = downstream().render();
    std::env::remove_var(VARIABLE);
    let named = downstream().types("../spec/types.toml").render();
    assert_eq!(found.unwrap(), named.unwrap());
}

#[test]
fn without_types_or_the_variable_the_error_names_both_ways() {
    let _turn = ENVIRONMENT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    std::env::remove_var(VARIABLE);
    let error = downstream().render().unwrap_err();
    assert!(matches!(error, Error::NoTypes));
    let message = error.to_string();
    assert!(message.contains(VARIABLE), "{message}");
    assert!(message.contains("Generator::types"), "{message}");
}

#[test]
fn a_types_file_given_wins_over_the_variable() {
    let _turn = ENVIRONMENT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    std::env::set_var(VARIABLE, "/nonexistent/typed-imap/spec");
    let rendered = downstream().types("../spec/types.toml").render();
    std::env::remove_var(VARIABLE);
    assert!(rendered.is_ok(), "{:?}", rendered.err());
}
