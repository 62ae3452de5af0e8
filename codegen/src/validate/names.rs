//! Names: unique per kind (case-insensitive, as IMAP's are), made of atom
//! characters, short enough to match, valid Rust once converted, and not
//! taken by another generated type.

use std::collections::BTreeMap;

use toml::Spanned;

use super::Source;
use crate::error::{Error, Location};
use crate::model::{self, Model};
use crate::rust;

/// Types the generator always defines.
const GENERATED_TYPES: &[&str] = &[
    "Data",
    "Code",
    "Message",
    "StatusAttributes",
    "MailboxAttribute",
];

/// What already has the generated type name `name`, if anything: a type
/// the generator defines, a response or code struct, a builder, or the
/// output struct of a command (other than `own_output`, which commands
/// may share).
pub(crate) fn type_taken(model: &Model, name: &str, own_output: Option<&str>) -> Option<String> {
    let response = model
        .responses
        .iter()
        .chain(&model.codes)
        .find(|r| r.struct_ident.as_deref() == Some(name));
    let builder = model.commands.iter().find(|other| other.ident == name);
    let output_of_other = model.commands.iter().any(|other| {
        matches!(&other.output, model::Output::Struct { ident, .. } if ident == name)
            && Some(name) != own_output
    });
    if GENERATED_TYPES.contains(&name) {
        Some("a type the generator defines".to_owned())
    } else if let Some(r) = response {
        Some(format!("the struct of response `{}`", r.name))
    } else if let Some(b) = builder {
        Some(format!("the builder of `{}`", b.name))
    } else if output_of_other {
        Some("the output struct of another command".to_owned())
    } else {
        None
    }
}

/// The longest response, code or attribute name: the runtime upper-cases
/// a name into a buffer this long (`UpperName`) to match it.
const MAX_MATCHED_NAME: usize = 32;

/// Names seen so far, per kind, case-insensitive (IMAP names are).
#[derive(Default)]
pub(super) struct Names {
    pub(super) seen: BTreeMap<(String, String), Location>,
}

impl Names {
    pub(super) fn unique(
        &mut self,
        source: &Source,
        kind: &str,
        name: &Spanned<String>,
    ) -> Result<(), Error> {
        self.insert(source, kind, name, &name.get_ref().to_ascii_uppercase())
    }

    /// A name the generated parsers `match` on: unique, and no longer than
    /// the runtime's `UpperName` holds.
    pub(super) fn matched(
        &mut self,
        source: &Source,
        kind: &str,
        name: &Spanned<String>,
    ) -> Result<(), Error> {
        if name.get_ref().len() > MAX_MATCHED_NAME {
            return Err(Error::spec(
                source.at(name.span()),
                format!("a {kind} name of at most {MAX_MATCHED_NAME} bytes"),
                format!("`{}`, {} bytes", name.get_ref(), name.get_ref().len()),
            ));
        }
        self.unique(source, kind, name)
    }

    pub(super) fn unique_command(
        &mut self,
        source: &Source,
        at: &Spanned<String>,
        wire: &str,
    ) -> Result<(), Error> {
        self.insert(source, "command", at, &wire.to_ascii_uppercase())
    }

    pub(super) fn insert(
        &mut self,
        source: &Source,
        kind: &str,
        at: &Spanned<String>,
        key: &str,
    ) -> Result<(), Error> {
        let location = source.at(at.span());
        if let Some(bad) = key.chars().find(|c| !is_name_char(*c)) {
            return Err(Error::spec(
                location,
                format!("a {kind} name of atom characters"),
                format!("`{}`, with `{}`", at.get_ref(), bad.escape_default()),
            ));
        }
        if let Some(first) = self.seen.get(&(kind.to_owned(), key.to_owned())) {
            return Err(Error::spec(
                location,
                format!("a {kind} name not declared before"),
                format!("`{key}`, already declared at {first}"),
            ));
        }
        self.seen
            .insert((kind.to_owned(), key.to_owned()), location);
        Ok(())
    }
}

/// RFC 3501 ATOM-CHAR (and SP between the words of `UID FETCH`); `[` and
/// `]` are refused too, as they would not round-trip through a response.
fn is_name_char(c: char) -> bool {
    c == ' ' || (c.is_ascii_graphic() && !"(){%*\"\\[]".contains(c))
}

pub(super) fn ident(
    source: &Source,
    name: &Spanned<String>,
    computed: String,
) -> Result<String, Error> {
    if rust::is_ident(&computed) {
        Ok(computed)
    } else {
        Err(source.error(
            name,
            "a name that makes a Rust identifier",
            format!("`{}` (as `{computed}`)", name.get_ref()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{command, error, model};

    #[test]
    fn names_that_differ_only_in_case_are_the_same_name() {
        let spec =
            "[[code]]\nname = \"XONE\"\ndoc = \"d\"\n[[code]]\nname = \"xone\"\ndoc = \"d\"\n";
        assert!(error(spec).starts_with("expected a code name not declared before, found `XONE`"));
    }

    #[test]
    fn a_name_needs_atom_characters() {
        let spec = "[[response]]\nname = \"X[A]\"\ndoc = \"d\"\n";
        assert_eq!(
            error(spec),
            "expected a response name of atom characters, found `X[A]`, with `[`"
        );
    }

    #[test]
    fn a_matched_name_fits_the_runtime_buffer() {
        let long = "X".repeat(33);
        let spec = format!("[[fetch_att]]\nname = \"{long}\"\ndoc = \"d\"\ntype = \"number\"\n");
        assert_eq!(
            error(&spec),
            format!(
                "expected a fetch attribute name of at most 32 bytes, found `{long}`, 33 bytes"
            )
        );
    }

    #[test]
    fn a_name_that_makes_no_identifier_is_refused() {
        let spec = "[[search_key]]\nname = \"X1\"\nrust_name = \"1x\"\ndoc = \"d\"\n";
        assert_eq!(
            error(spec),
            "expected a name that makes a Rust identifier, found `1x` (as `1x`)"
        );
    }

    #[test]
    fn a_builder_may_not_take_a_generated_type_name() {
        let spec = command("rust_name = \"Message\"");
        assert_eq!(
            error(&spec),
            "expected names for the builder and output struct that no other generated type has, found `Message`, already a type the generator defines"
        );
    }

    #[test]
    fn a_builder_may_not_take_a_response_struct_name() {
        let spec = format!(
            "{}[[response]]\nname = \"XDATA\"\ndoc = \"d\"\nstruct = \"Xcmd\"\nfields = [{{ name = \"n\", type = \"number\", doc = \"d\" }}]\n",
            command("")
        );
        assert!(error(&spec).ends_with("found `Xcmd`, already the struct of response `XDATA`"));
    }

    #[test]
    fn a_keyword_becomes_a_raw_identifier() {
        let model = model("[[search_key]]\nname = \"TYPE\"\ndoc = \"d\"\n");
        assert_eq!(model.search_keys[0].ident, "r#type");
    }
}
