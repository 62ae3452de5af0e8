//! The validated model of each spec file and the code generated for
//! typed-imap from all of them, as committed insta snapshots: every change
//! to the generated API is a diff.

use typed_imap_codegen::model::Model;
use typed_imap_codegen::{Generator, HEADER};

/// The generator as `client/build.rs` runs it.
fn imap4rev1() -> Generator {
    let mut generator = Generator::new();
    generator
        .runtime_path("crate")
        .types("../spec/types.toml")
        .spec_dir("../spec");
    generator
}

/// What one spec file contributes to the model.
#[derive(Debug)]
#[allow(dead_code)] // Read through `Debug`.
struct SpecModel<'a> {
    spec: &'a typed_imap_codegen::model::SpecInfo,
    commands: Vec<&'a typed_imap_codegen::model::Command>,
    responses: Vec<&'a typed_imap_codegen::model::Response>,
    codes: Vec<&'a typed_imap_codegen::model::Response>,
    search_keys: Vec<&'a typed_imap_codegen::model::SearchKey>,
    fetch_atts: Vec<&'a typed_imap_codegen::model::FetchAtt>,
    status_atts: Vec<&'a typed_imap_codegen::model::StatusAtt>,
}

fn spec_model(model: &Model, index: usize) -> Option<SpecModel<'_>> {
    let spec = model.specs.get(index)?;
    let index = &spec.name;
    Some(SpecModel {
        spec,
        commands: model.commands.iter().filter(|c| &c.spec == index).collect(),
        responses: model
            .responses
            .iter()
            .filter(|r| &r.spec == index)
            .collect(),
        codes: model.codes.iter().filter(|r| &r.spec == index).collect(),
        search_keys: model
            .search_keys
            .iter()
            .filter(|k| &k.spec == index)
            .collect(),
        fetch_atts: model
            .fetch_atts
            .iter()
            .filter(|a| &a.spec == index)
            .collect(),
        status_atts: model
            .status_atts
            .iter()
            .filter(|a| &a.spec == index)
            .collect(),
    })
}

#[test]
fn every_spec_file_has_a_model_snapshot() {
    let model = imap4rev1().model().expect("the spec files are valid");
    assert!(model.specs.len() > 1, "spec_dir found the spec files");
    for index in 0..model.specs.len() {
        let part = spec_model(&model, index).expect("an index of specs");
        let name = format!("spec_{}", part.spec.name);
        insta::assert_debug_snapshot!(name, part);
    }
}

/// The mailbox attributes of every spec file, in one snapshot: each
/// file's model snapshot would otherwise gain an empty list.
#[test]
fn mailbox_attributes_snapshot() {
    let model = imap4rev1().model().expect("the spec files are valid");
    insta::assert_debug_snapshot!("mailbox_attributes", model.mailbox_attributes);
}

/// The sort keys of every spec file, in one snapshot, as the mailbox
/// attributes.
#[test]
fn sort_keys_snapshot() {
    let model = imap4rev1().model().expect("the spec files are valid");
    insta::assert_debug_snapshot!("sort_keys", model.sort_keys);
}

#[test]
fn spec_dir_reads_every_spec_file_but_the_vocabulary() {
    let files = imap4rev1().spec_files().expect("spec/ is readable");
    let names: Vec<_> = files
        .iter()
        .filter_map(|f| f.file_name()?.to_str())
        .collect();
    assert!(names.contains(&"imap4rev1.toml"), "{names:?}");
    assert!(!names.contains(&"types.toml"), "{names:?}");
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
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
fn crate_generated_code_snapshot() {
    for (file, code) in imap4rev1().render().expect("the spec files generate") {
        insta::assert_snapshot!(format!("crate_{file}"), code);
    }
}

/// tests/gmail's invented vendor extension (its own grammar type, a
/// second STORE builder).
fn xtags() -> Generator {
    let mut generator = Generator::new();
    generator
        .runtime_path("::typed_imap")
        .types("../spec/types.toml")
        .spec("../tests/gmail/spec/xtags.toml");
    generator
}

#[test]
fn xtags_generated_code_snapshot() {
    for (file, code) in xtags().render().expect("xtags.toml generates") {
        insta::assert_snapshot!(format!("xtags_{file}"), code);
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

/// imap4rev1 and a made-up extension of its FETCH, SELECT and EXAMINE.
fn extended() -> Generator {
    let mut generator = Generator::new();
    generator
        .runtime_path("crate")
        .types("../spec/types.toml")
        .spec("../spec/imap4rev1.toml")
        .spec("tests/extend/xmod.toml");
    generator
}

/// The generated text from the item holding `from` (with its docs and
/// attributes) to the end of the item holding `to`.
fn excerpt(code: &str, from: &str, to: &str) -> String {
    let lines: Vec<&str> = code.lines().collect();
    let first = lines
        .iter()
        .position(|l| l.contains(from))
        .expect("the first item is generated");
    let start = (0..first)
        .rev()
        .take_while(|&i| lines[i].starts_with("///") || lines[i].starts_with("#["))
        .last()
        .unwrap_or(first);
    let last = first
        + lines[first..]
            .iter()
            .position(|l| l.contains(to))
            .expect("the last item is generated");
    let end = last
        + lines[last..]
            .iter()
            .position(|l| *l == "}")
            .expect("the item ends");
    lines[start..=end].join("\n")
}

#[test]
fn extended_command_model_snapshot() {
    let model = extended().model().expect("xmod.toml is valid");
    let fetch: Vec<_> = model
        .commands
        .iter()
        .filter(|c| c.base == "Fetch")
        .collect();
    insta::assert_debug_snapshot!("extend_fetch_model", fetch);
}

#[test]
fn extended_command_code_snapshot() {
    let files = extended().render().expect("xmod.toml generates");
    let commands = &files
        .iter()
        .find(|(name, _)| *name == "commands.rs")
        .expect("commands.rs")
        .1;
    let fetch = excerpt(commands, "pub struct Fetch {", "for Fetch {");
    insta::assert_snapshot!("extend_fetch_code", fetch);
    let selected = excerpt(commands, "pub struct Selected {", "pub struct Selected {");
    insta::assert_snapshot!("extend_selected_code", selected);
}

/// The names `client/src/types/mod.rs` re-exports (`pub use acl::{AclEntry, ..};`).
fn runtime_type_names() -> Vec<String> {
    let text = std::fs::read_to_string("../client/src/types/mod.rs").expect("readable");
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("pub use "))
        .filter_map(|rest| rest.split_once("::").map(|(_, names)| names))
        .flat_map(|names| {
            names
                .trim_end_matches(';')
                .trim_matches(|c| c == '{' || c == '}')
                .split(',')
                .map(|name| name.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .filter(|name| !name.is_empty())
        .collect()
}

/// `use typed_imap::*; use typed_imap::types::*;` must leave no name
/// ambiguous: no builder, output struct or response struct takes the name
/// of a runtime type (the CAPABILITY builder is `CapabilityCommand`
/// because `types::Capability` is the capability).
#[test]
fn no_generated_type_takes_the_name_of_a_runtime_type() {
    let model = imap4rev1().model().expect("the spec files are valid");
    let runtime = runtime_type_names();
    assert!(runtime.iter().any(|n| n == "Capability"), "{runtime:?}");
    let generated = model
        .commands
        .iter()
        .flat_map(|c| {
            let output = match &c.output {
                typed_imap_codegen::model::Output::Struct { ident, .. } => Some(ident.clone()),
                _ => None,
            };
            std::iter::once(c.ident.clone()).chain(output)
        })
        .chain(
            model
                .responses
                .iter()
                .chain(&model.codes)
                .filter_map(|r| r.struct_ident.clone()),
        );
    let clashes: Vec<String> = generated.filter(|name| runtime.contains(name)).collect();
    assert!(
        clashes.is_empty(),
        "generated names taken by types::*: {clashes:?}"
    );
}
