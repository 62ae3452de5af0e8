//! From the raw spec files to the [`Model`]: every name resolved, every
//! duplicate and unknown reference reported with its position.
//!
//! One module per part of the spec language: the vocabulary of
//! types.toml, names and their clashes, responses and codes, search keys
//! and attributes, commands, and `[[extend]]`.

use std::path::{Path, PathBuf};

use toml::Spanned;

use crate::error::{Error, Location};
use crate::model::{self, Model};
use crate::raw;
use crate::rust;

mod commands;
mod extend;
mod items;
mod names;
mod responses;
mod vocabulary;

use names::Names;
use vocabulary::Vocabulary;

/// A file's name and text, to turn byte spans into positions.
pub(crate) struct Source {
    pub path: PathBuf,
    pub text: String,
}

impl Source {
    fn at(&self, span: std::ops::Range<usize>) -> Location {
        Location::at(&self.path, &self.text, span.start)
    }

    fn error<T>(
        &self,
        s: &Spanned<T>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Error {
        Error::spec(self.at(s.span()), expected, found)
    }

    fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        toml::from_str(&self.text).map_err(|e| Error::from_toml(&self.path, &self.text, &e))
    }
}

/// Validates the types file and the spec files into one model.
pub(crate) fn validate(root: &str, types: &Source, specs: &[Source]) -> Result<Model, Error> {
    let raw_types: raw::TypesFile = types.parse()?;
    let runtime = vocabulary::runtime(root, types, &raw_types.runtime)?;
    let mut vocabulary = vocabulary::vocabulary(root, types, &raw_types)?;
    let raw_specs = specs
        .iter()
        .map(|s| s.parse::<raw::SpecFile>())
        .collect::<Result<Vec<_>, _>>()?;
    for (source, spec) in specs.iter().zip(&raw_specs) {
        for t in &spec.types {
            if vocabulary.types.contains_key(t.name.get_ref()) {
                return Err(source.error(
                    &t.name,
                    "a type name not declared before",
                    format!("`{}` again", t.name.get_ref()),
                ));
            }
            let entry = vocabulary::type_entry(root, source, t)?;
            vocabulary.types.insert(t.name.get_ref().clone(), entry);
        }
    }
    let mut model = Model {
        core: root == "crate",
        runtime,
        specs: Vec::new(),
        states: Vec::new(),
        behaviours: Vec::new(),
        effects: Vec::new(),
        commands: Vec::new(),
        responses: Vec::new(),
        codes: Vec::new(),
        search_keys: Vec::new(),
        fetch_atts: Vec::new(),
        status_atts: Vec::new(),
        mailbox_attributes: Vec::new(),
        modes: Vec::new(),
        sort_keys: Vec::new(),
    };
    let mut names = Names::default();
    for (source, spec) in specs.iter().zip(&raw_specs) {
        let index = spec.spec.name.get_ref().as_str();
        model.specs.push(model::SpecInfo {
            name: spec.spec.name.get_ref().clone(),
            ident: rust::camel(spec.spec.name.get_ref()),
            doc: spec.spec.doc.clone(),
            rfc: spec.spec.rfc.clone(),
        });
        for response in &spec.responses {
            names.matched(source, "response", &response.name)?;
            let r = responses::response_model(source, &vocabulary, index, response)?;
            model.responses.push(r);
        }
        for code in &spec.codes {
            names.matched(source, "code", &code.name)?;
            let c = responses::code_model(source, &vocabulary, index, code)?;
            model.codes.push(c);
        }
        for key in &spec.search_keys {
            names.unique(source, "search key", &key.name)?;
            model
                .search_keys
                .push(items::search_key(source, &vocabulary, index, key)?);
        }
        for att in &spec.fetch_atts {
            let validated = items::fetch_att(source, &vocabulary, index, att)?;
            if validated.modifiers.is_empty() {
                let kind = if att.section.is_some() {
                    "fetch attribute with section"
                } else {
                    "fetch attribute"
                };
                names.matched(source, kind, &att.name)?;
            } else {
                // A request-only form of another attribute (`PREVIEW
                // (LAZY)`): unique with its modifiers.
                let key = format!("{} {}", att.name.get_ref(), validated.modifiers.join(" "));
                names.insert(
                    source,
                    "fetch attribute with modifiers",
                    &att.name,
                    &key.to_ascii_uppercase(),
                )?;
            }
            model.fetch_atts.push(validated);
        }
        for att in &spec.mailbox_attributes {
            let attribute = items::mailbox_attribute(source, model.core, index, att)?;
            let bare = attribute.name.trim_start_matches('\\');
            names.insert(
                source,
                "mailbox attribute",
                &att.name,
                &bare.to_ascii_uppercase(),
            )?;
            model.mailbox_attributes.push(attribute);
        }
        for key in &spec.sort_keys {
            names.unique(source, "sort key", &key.name)?;
            model.sort_keys.push(items::sort_key(source, index, key)?);
        }
        for mode in &spec.modes {
            names.unique(source, "mode", &mode.capability)?;
            model.modes.push(items::mode(source, &model, mode)?);
        }
        for att in &spec.status_atts {
            names.matched(source, "status attribute", &att.name)?;
            model
                .status_atts
                .push(items::status_att(source, &vocabulary, index, att)?);
        }
    }
    for (source, spec) in specs.iter().zip(&raw_specs) {
        let index = spec.spec.name.get_ref().as_str();
        for command in &spec.commands {
            for c in commands::commands(source, &vocabulary, &model, index, command)? {
                // A second builder of a wire name is told apart by its Rust name.
                let key = if command.rust_name.is_some() {
                    &c.ident
                } else {
                    &c.name
                };
                names.unique_command(source, &command.name, key)?;
                commands::type_name_free(source, &model, command, &c)?;
                model.commands.push(c);
            }
        }
    }
    for (source, spec) in specs.iter().zip(&raw_specs) {
        items::resolve_means(
            source,
            &mut model.mailbox_attributes,
            &spec.mailbox_attributes,
        )?;
    }
    extend::apply(&vocabulary, &mut model, specs, &raw_specs)?;
    model.states = vocabulary.states;
    model.behaviours = vocabulary.behaviours;
    model.effects = vocabulary.effects;
    Ok(model)
}

/// Reads a file into a [`Source`].
pub(crate) fn read(path: &Path) -> Result<Source, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(Source {
        path: path.to_path_buf(),
        text,
    })
}

/// Validating a spec written inline, against typed-imap's own types.toml,
/// for the unit tests of each module.
#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A spec file's header, to put before the items of a test spec.
    pub(crate) const HEADER: &str = "[spec]\nname = \"t\"\ndoc = \"A test.\"\nrfc = \"none\"\n";

    fn types() -> Source {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/types.toml");
        read(&path).expect("spec/types.toml is readable")
    }

    /// The model of specs written inline (each given its header), in order.
    pub(crate) fn models(specs: &[&str]) -> Result<Model, Error> {
        let sources: Vec<Source> = specs
            .iter()
            .enumerate()
            .map(|(i, text)| Source {
                path: PathBuf::from(format!("t{i}.toml")),
                text: format!("{HEADER}{text}"),
            })
            .collect();
        validate("crate", &types(), &sources)
    }

    /// The model of one spec written inline.
    pub(crate) fn model(spec: &str) -> Model {
        models(&[spec]).unwrap_or_else(|e| panic!("the test spec is valid: {e}"))
    }

    /// The error a spec written inline gives, without its location.
    pub(crate) fn error(spec: &str) -> String {
        match models(&[spec]) {
            Ok(_) => panic!("the test spec was accepted"),
            Err(Error::Spec {
                expected, found, ..
            }) => format!("expected {expected}, found {found}"),
            Err(other) => other.to_string(),
        }
    }

    /// A command `XCMD` with these extra TOML lines.
    pub(crate) fn command(lines: &str) -> String {
        format!(
            "[[command]]\nname = \"XCMD\"\ndoc = \"d\"\nstates = [\"authenticated\"]\n{lines}\n"
        )
    }

    #[test]
    fn an_empty_spec_gives_an_empty_model() {
        let model = model("");
        assert!(model.core);
        assert!(model.commands.is_empty());
        assert_eq!(model.specs[0].ident, "T");
    }

    #[test]
    fn a_reference_to_a_later_file_resolves() {
        let collecting = command("collects = [\"XDATA\"]");
        let declaring = "[[response]]\nname = \"XDATA\"\ndoc = \"d\"\n";
        let model = models(&[&collecting, declaring]).expect("valid in either order");
        assert_eq!(model.commands[0].collects[0].variant, "Xdata");
    }
}
