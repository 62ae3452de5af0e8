//! types.toml: the runtime paths, the kinds the runtime knows (states,
//! behaviours, effects) and the grammar types, resolved into the model's
//! Rust paths and types.

use std::collections::BTreeMap;

use toml::Spanned;

use super::{Names, Source};
use crate::error::Error;
use crate::model::{self, Parse};
use crate::raw;
use crate::rust;

/// A grammar type of types.toml, resolved.
pub(super) struct TypeEntry {
    pub(super) arg: Option<model::ArgType>,
    pub(super) search_arg: Option<String>,
    pub(super) parsed: Option<model::ParsedType>,
}

/// The vocabulary read from types.toml.
pub(super) struct Vocabulary {
    pub(super) root: String,
    pub(super) states: Vec<model::Kind>,
    pub(super) behaviours: Vec<model::Kind>,
    pub(super) effects: Vec<model::EffectKind>,
    pub(super) types: BTreeMap<String, TypeEntry>,
}

pub(super) fn runtime(
    root: &str,
    source: &Source,
    raw: &raw::Runtime,
) -> Result<model::Runtime, Error> {
    let p = |s: &Spanned<String>| path(root, source, s);
    Ok(model::Runtime {
        encoder: p(&raw.encoder)?,
        encode_error: p(&raw.encode_error)?,
        parser: p(&raw.parser)?,
        parse_error: p(&raw.parse_error)?,
        limits: p(&raw.limits)?,
        command: p(&raw.command)?,
        state: p(&raw.state)?,
        behaviour: p(&raw.behaviour)?,
        effect: p(&raw.effect)?,
        completed: p(&raw.completed)?,
        error: p(&raw.error)?,
        data: p(&raw.data)?,
        code: p(&raw.code)?,
        raw_data: p(&raw.raw_data)?,
        raw_code: p(&raw.raw_code)?,
        raw_value: p(&raw.raw_value)?,
        parse_data: p(&raw.parse_data)?,
        parse_code: p(&raw.parse_code)?,
        bytes: p(&raw.bytes)?,
        client: p(&raw.client)?,
        search_key: p(&raw.search_key)?,
        search_key_new: p(&raw.search_key_new)?,
        fetch_item: p(&raw.fetch_item)?,
        fetch_item_new: p(&raw.fetch_item_new)?,
        fetch_item_section: p(&raw.fetch_item_section)?,
        fetch_item_args: p(&raw.fetch_item_args)?,
        fetch_item_modifiers: p(&raw.fetch_item_modifiers)?,
        fetch_section: p(&raw.fetch_section)?,
        fetch_items: p(&raw.fetch_items)?,
        message: p(&raw.message)?,
        fetch_macro: p(&raw.fetch_macro)?,
        status_item: p(&raw.status_item)?,
        status_item_new: p(&raw.status_item_new)?,
        sort_key: p(&raw.sort_key)?,
        sort_key_new: p(&raw.sort_key_new)?,
        missing_argument: p(&raw.missing_argument)?,
        missing_response: p(&raw.missing_response)?,
        bad_response: p(&raw.bad_response)?,
        scope: p(&raw.scope)?,
        correlation: p(&raw.correlation)?,
        streaming: p(&raw.streaming)?,
        async_client: match (&raw.async_client, &raw.async_client_feature) {
            (Some(client), Some(feature)) => Some((p(client)?, feature.clone())),
            (Some(client), None) => {
                return Err(source.error(
                    client,
                    "`async_client_feature` beside `async_client`",
                    "`async_client` alone",
                ))
            }
            _ => None,
        },
        mode: raw.mode.as_ref().map(p).transpose()?,
    })
}

pub(super) fn path(root: &str, source: &Source, s: &Spanned<String>) -> Result<String, Error> {
    rust::root_path(s.get_ref(), root).ok_or_else(|| Error::RustSyntax {
        location: source.at(s.span()),
        what: "path",
        text: s.get_ref().clone(),
    })
}

/// `boxed`: only the generated `Message` fills a box in place, and only it
/// is large enough to need one.
fn boxed(source: &Source, boxed: Option<&Spanned<bool>>, parse: &Parse) -> Result<bool, Error> {
    match boxed {
        Some(b) if *b.get_ref() && !matches!(parse, Parse::FetchAttributes) => Err(source.error(
            b,
            "`boxed` only beside `generated = \"fetch-attributes\"`",
            "`boxed` on another type",
        )),
        Some(b) => Ok(*b.get_ref()),
        None => Ok(false),
    }
}

fn rust_type(root: &str, source: &Source, s: &Spanned<String>) -> Result<String, Error> {
    rust::root_type(s.get_ref(), root).ok_or_else(|| Error::RustSyntax {
        location: source.at(s.span()),
        what: "type",
        text: s.get_ref().clone(),
    })
}

pub(super) fn kinds(
    source: &Source,
    what: &str,
    raw: &[raw::Kind],
) -> Result<Vec<model::Kind>, Error> {
    let mut names = Names::default();
    raw.iter()
        .map(|k| {
            names.unique(source, what, &k.name)?;
            Ok(model::Kind {
                name: k.name.get_ref().clone(),
                variant: rust::camel(k.name.get_ref()),
                doc: k.doc.clone(),
            })
        })
        .collect()
}

pub(super) fn vocabulary(
    root: &str,
    source: &Source,
    raw: &raw::TypesFile,
) -> Result<Vocabulary, Error> {
    let mut names = Names::default();
    let effects = raw
        .effects
        .iter()
        .map(|e| {
            names.unique(source, "effect", &e.name)?;
            Ok(model::EffectKind {
                name: e.name.get_ref().clone(),
                variant: rust::camel(e.name.get_ref()),
                value: e.value,
            })
        })
        .collect::<Result<_, Error>>()?;
    let mut types = BTreeMap::new();
    for t in &raw.types {
        names.unique(source, "type", &t.name)?;
        let name = t.name.get_ref().clone();
        types.insert(name.clone(), type_entry(root, source, t)?);
    }
    Ok(Vocabulary {
        root: root.to_owned(),
        states: kinds(source, "state", &raw.states)?,
        behaviours: kinds(source, "behaviour", &raw.behaviours)?,
        effects,
        types,
    })
}

pub(super) fn type_entry(
    root: &str,
    source: &Source,
    t: &raw::GrammarType,
) -> Result<TypeEntry, Error> {
    let name = t.name.get_ref().clone();
    let optional_path =
        |p: &Option<Spanned<String>>| p.as_ref().map(|p| path(root, source, p)).transpose();
    let arg = match (&t.arg, &t.encode) {
        (Some(arg), Some(encode)) => Some(model::ArgType {
            name: name.clone(),
            rust: rust_type(root, source, arg)?,
            encode: path(root, source, encode)?,
            capabilities: optional_path(&t.capabilities)?,
            atom: optional_path(&t.atom)?,
        }),
        (None, None) => {
            if let Some(f) = t.capabilities.as_ref().or(t.atom.as_ref()) {
                return Err(source.error(
                    f,
                    "`capabilities` and `atom` only beside `arg`",
                    "a type that is never sent",
                ));
            }
            None
        }
        (Some(arg), None) => return Err(source.error(arg, "`encode` beside `arg`", "`arg` alone")),
        (None, Some(encode)) => {
            return Err(source.error(encode, "`arg` beside `encode`", "`encode` alone"))
        }
    };
    let search_arg = t
        .search_arg
        .as_ref()
        .map(|s| path(root, source, s))
        .transpose()?;
    let parse = match (&t.parse, &t.generated) {
        (Some(parse), None) => Some(Parse::Function {
            path: path(root, source, parse)?,
            own_sp: t.own_sp,
        }),
        (None, Some(g)) if g.get_ref() == "fetch-attributes" => Some(Parse::FetchAttributes),
        (None, Some(g)) if g.get_ref() == "status-attributes" => Some(Parse::StatusAttributes),
        (None, Some(g)) => {
            return Err(source.error(
                g,
                "`fetch-attributes` or `status-attributes`",
                format!("`{}`", g.get_ref()),
            ))
        }
        (Some(parse), Some(_)) => {
            return Err(source.error(parse, "`parse` or `generated`", "both"))
        }
        (None, None) => None,
    };
    let parsed = match (&t.parsed, parse) {
        (Some(parsed), Some(parse)) => {
            let inner = rust_type(root, source, parsed)?;
            let boxed = boxed(source, t.boxed.as_ref(), &parse)?;
            Some(model::ParsedType {
                name,
                rust: if boxed {
                    format!("Box<{inner}>")
                } else {
                    inner.clone()
                },
                inner,
                boxed,
                parse,
            })
        }
        (None, None) => None,
        (Some(parsed), None) => {
            return Err(source.error(
                parsed,
                "`parse` or `generated` beside `parsed`",
                "`parsed` alone",
            ))
        }
        (None, Some(_)) => {
            return Err(source.error(&t.name, "`parsed` beside `parse`", "`parse` alone"))
        }
    };
    Ok(TypeEntry {
        arg,
        search_arg,
        parsed,
    })
}

fn known_types(vocabulary: &Vocabulary, pick: impl Fn(&TypeEntry) -> bool) -> String {
    let names: Vec<&str> = vocabulary
        .types
        .iter()
        .filter(|(_, t)| pick(t))
        .map(|(n, _)| n.as_str())
        .collect();
    names.join(", ")
}

pub(super) fn arg_type(
    source: &Source,
    vocabulary: &Vocabulary,
    ty: &Spanned<String>,
) -> Result<model::ArgType, Error> {
    match vocabulary
        .types
        .get(ty.get_ref())
        .and_then(|t| t.arg.clone())
    {
        Some(arg) => Ok(arg),
        None => Err(source.error(
            ty,
            format!(
                "a type that can be sent ({})",
                known_types(vocabulary, |t| t.arg.is_some())
            ),
            format!("`{}`", ty.get_ref()),
        )),
    }
}

pub(super) fn parsed_type(
    source: &Source,
    vocabulary: &Vocabulary,
    ty: &Spanned<String>,
) -> Result<model::ParsedType, Error> {
    match vocabulary
        .types
        .get(ty.get_ref())
        .and_then(|t| t.parsed.clone())
    {
        Some(parsed) => Ok(parsed),
        None => Err(source.error(
            ty,
            format!(
                "a type that can be parsed ({})",
                known_types(vocabulary, |t| t.parsed.is_some())
            ),
            format!("`{}`", ty.get_ref()),
        )),
    }
}

/// `nil = true` on a use of `ty` (a field, an attribute): the value may be
/// `NIL`, read before the type's own parser is tried. A type that reads
/// its own leading SP cannot be told from NIL that way.
pub(super) fn nil_able(
    source: &Source,
    at: &Spanned<String>,
    ty: &model::ParsedType,
    nil: bool,
) -> Result<bool, Error> {
    if nil && matches!(ty.parse, Parse::Function { own_sp: true, .. }) {
        return Err(source.error(
            at,
            "a type that does not read its own SPs, for a value that may be NIL",
            format!("`{}`", at.get_ref()),
        ));
    }
    Ok(nil)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{error, model};

    /// A grammar type of the spec file, with these keys.
    fn grammar_type(keys: &str) -> String {
        format!("[[type]]\nname = \"x-type\"\ndoc = \"d\"\n{keys}\n")
    }

    #[test]
    fn a_spec_file_type_is_used_like_a_vocabulary_one() {
        let spec = format!(
            "{}[[status_att]]\nname = \"XCOUNT\"\ndoc = \"d\"\ntype = \"x-type\"\n",
            grammar_type("parsed = \"u64\"\nparse = \"crate::x::parse\"")
        );
        let model = model(&spec);
        assert_eq!(model.status_atts[0].value.rust, "u64");
    }

    #[test]
    fn a_type_is_declared_once() {
        let spec = grammar_type("parsed = \"u64\"\nparse = \"x::parse\"").replace("x-type", "atom");
        assert_eq!(
            error(&spec),
            "expected a type name not declared before, found `atom` again"
        );
    }

    #[test]
    fn arg_and_encode_go_together() {
        assert_eq!(
            error(&grammar_type("arg = \"u32\"")),
            "expected `encode` beside `arg`, found `arg` alone"
        );
        assert_eq!(
            error(&grammar_type("parsed = \"u32\"")),
            "expected `parse` or `generated` beside `parsed`, found `parsed` alone"
        );
    }

    #[test]
    fn capabilities_and_atom_are_for_types_that_are_sent() {
        assert_eq!(
            error(&grammar_type(
                "atom = \"x::name\"\nparsed = \"u32\"\nparse = \"x::p\""
            )),
            "expected `capabilities` and `atom` only beside `arg`, found a type that is never sent"
        );
    }

    #[test]
    fn only_the_generated_message_is_boxed() {
        assert_eq!(
            error(&grammar_type("parsed = \"u32\"\nparse = \"x::p\"\nboxed = true")),
            "expected `boxed` only beside `generated = \"fetch-attributes\"`, found `boxed` on another type"
        );
    }

    #[test]
    fn a_value_that_may_be_nil_cannot_read_its_own_sp() {
        let spec =
            "[[status_att]]\nname = \"XLIST\"\ndoc = \"d\"\ntype = \"number-list\"\nnil = true\n";
        assert_eq!(
            error(spec),
            "expected a type that does not read its own SPs, for a value that may be NIL, found `number-list`"
        );
    }

    #[test]
    fn an_unknown_type_names_the_known_ones() {
        let spec = "[[status_att]]\nname = \"XN\"\ndoc = \"d\"\ntype = \"nosuch\"\n";
        let message = error(spec);
        assert!(
            message.starts_with("expected a type that can be parsed (acl-entries, "),
            "{message}"
        );
        assert!(message.ends_with("found `nosuch`"), "{message}");
    }
}
