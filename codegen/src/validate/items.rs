//! `[[search_key]]`, `[[fetch_att]]` and `[[status_att]]`: the
//! constructors of search keys, fetch items and status items.

use super::names::ident;
use super::vocabulary::{arg_type, nil_able, parsed_type};
use super::{Source, Vocabulary};
use crate::error::Error;
use crate::model;
use crate::raw;
use crate::rust;

pub(super) fn search_key(
    source: &Source,
    vocabulary: &Vocabulary,
    spec: &str,
    raw: &raw::SearchKey,
) -> Result<model::SearchKey, Error> {
    let args = search_args(source, vocabulary, &raw.args, !raw.composite)?;
    let name = raw.rust_name.as_ref().unwrap_or(&raw.name);
    Ok(model::SearchKey {
        name: raw.name.get_ref().clone(),
        spec: spec.to_owned(),
        ident: ident(source, name, rust::snake(name.get_ref()))?,
        doc: raw.doc.clone(),
        args,
        composite: raw.composite,
        capability: raw.capability.clone(),
    })
}

/// Arguments made into search arguments (of search keys, and of fetch
/// attributes with arguments); each type must have `search_arg` when
/// `required`.
fn search_args(
    source: &Source,
    vocabulary: &Vocabulary,
    raw: &[raw::Param],
    required: bool,
) -> Result<Vec<model::Param>, Error> {
    raw.iter()
        .map(|a| {
            let ty = arg_type(source, vocabulary, &a.ty)?;
            let search_arg = vocabulary
                .types
                .get(a.ty.get_ref())
                .and_then(|t| t.search_arg.clone());
            if search_arg.is_none() && required {
                return Err(source.error(
                    &a.ty,
                    "a type with `search_arg` in types.toml",
                    format!("`{}`", a.ty.get_ref()),
                ));
            }
            Ok(model::Param {
                ident: ident(source, &a.name, rust::snake(a.name.get_ref()))?,
                ty,
                search_arg,
            })
        })
        .collect()
}

pub(super) fn fetch_att(
    source: &Source,
    vocabulary: &Vocabulary,
    spec: &str,
    raw: &raw::FetchAtt,
) -> Result<model::FetchAtt, Error> {
    let section = raw
        .section
        .as_ref()
        .map(|s| {
            Ok::<_, Error>((
                arg_type(source, vocabulary, s)?,
                parsed_type(source, vocabulary, s)?,
            ))
        })
        .transpose()?;
    let value = raw
        .ty
        .as_ref()
        .map(|t| parsed_type(source, vocabulary, t))
        .transpose()?;
    let nil = match (&raw.ty, &value) {
        (Some(at), Some(ty)) => nil_able(source, at, ty, raw.nil)?,
        _ if raw.nil => {
            return Err(source.error(&raw.name, "`nil` beside `type`", "`nil` alone"));
        }
        _ => false,
    };
    if raw.is_macro && (value.is_some() || section.is_some() || !raw.args.is_empty()) {
        return Err(source.error(
            &raw.name,
            "a macro without `type`, `section` or `args`",
            "a macro with a value",
        ));
    }
    if section.is_some() && !raw.args.is_empty() {
        return Err(source.error(&raw.name, "either `section` or `args`", "both"));
    }
    let modifiers = modifiers(source, raw)?;
    let args = search_args(source, vocabulary, &raw.args, true)?;
    let name = raw.rust_name.as_ref().unwrap_or(&raw.name);
    let mut base = rust::snake(name.get_ref());
    if section.is_some() && raw.rust_name.is_none() {
        base = format!("{base}_section");
    }
    let field = value.as_ref().map(|_| {
        if section.is_some() {
            format!("{base}s")
        } else {
            base.clone()
        }
    });
    Ok(model::FetchAtt {
        name: raw.name.get_ref().clone(),
        spec: spec.to_owned(),
        ident: ident(source, name, base)?,
        field,
        doc: raw.doc.clone(),
        is_macro: raw.is_macro,
        section,
        args,
        modifiers,
        value,
        nil,
        capability: raw.capability.clone(),
    })
}

/// The fixed modifiers of a request-only attribute (`PREVIEW (LAZY)`),
/// each an atom.
fn modifiers(source: &Source, raw: &raw::FetchAtt) -> Result<Vec<String>, Error> {
    if raw.modifiers.is_empty() {
        return Ok(Vec::new());
    }
    if raw.ty.is_some() || raw.section.is_some() || !raw.args.is_empty() || raw.is_macro {
        return Err(source.error(
            &raw.name,
            "`modifiers` on a request-only attribute (no `type`, `section`, `args` or `macro`)",
            "`modifiers` with a value, section, arguments or as a macro",
        ));
    }
    raw.modifiers
        .iter()
        .map(|m| {
            let atom = !m.get_ref().is_empty()
                && m.get_ref()
                    .bytes()
                    .all(|b| b.is_ascii_graphic() && !b"(){%*\"\\]".contains(&b));
            if atom {
                Ok(m.get_ref().clone())
            } else {
                Err(source.error(
                    m,
                    "a modifier that is an atom",
                    format!("`{}`", m.get_ref()),
                ))
            }
        })
        .collect()
}

/// A mailbox attribute: `\` and an atom; its variant, or the attribute
/// it `means` (resolved by [`resolve_means`] once every file is read).
pub(super) fn mailbox_attribute(
    source: &Source,
    core: bool,
    spec: &str,
    raw: &raw::MailboxAttribute,
) -> Result<model::MailboxAttribute, Error> {
    if !core {
        return Err(source.error(
            &raw.name,
            "mailbox attributes in typed-imap's own spec files (another crate's arrive as `MailboxAttribute::Other`)",
            "a mailbox attribute",
        ));
    }
    let Some(bare) = raw.name.get_ref().strip_prefix('\\') else {
        return Err(source.error(
            &raw.name,
            "a mailbox attribute written with its backslash",
            format!("`{}`", raw.name.get_ref()),
        ));
    };
    let variant = match (&raw.rust_name, &raw.means) {
        (Some(rust_name), None) => ident(source, rust_name, rust_name.get_ref().clone())?,
        (None, None) => ident(source, &raw.name, rust::camel(bare))?,
        (None, Some(_)) => String::new(),
        (Some(rust_name), Some(_)) => {
            return Err(source.error(rust_name, "`rust_name` or `means`", "both"));
        }
    };
    Ok(model::MailboxAttribute {
        name: raw.name.get_ref().clone(),
        spec: spec.to_owned(),
        variant,
        doc: raw.doc.clone(),
        means: raw.means.as_ref().map(|m| m.get_ref().clone()),
    })
}

/// A mode: typed-imap's own (the session applies it), its capabilities
/// names without spaces.
pub(super) fn mode(
    source: &Source,
    model: &model::Model,
    raw: &raw::Mode,
) -> Result<model::Mode, Error> {
    if !model.core || model.runtime.mode.is_none() {
        return Err(source.error(
            &raw.capability,
            "modes in typed-imap's own spec files, with `mode` in `[runtime]` (the session applies them)",
            "a mode",
        ));
    }
    let names = std::iter::once(&raw.capability)
        .chain(&raw.replaces)
        .chain(&raw.implies);
    for name in names {
        let text = name.get_ref();
        if text.is_empty() || text.contains(|c: char| c.is_whitespace() || "(){}\"|%*".contains(c))
        {
            return Err(source.error(name, "a capability name", format!("`{text}`")));
        }
    }
    Ok(model::Mode {
        capability: raw.capability.get_ref().clone(),
        doc: raw.doc.clone(),
        replaces: raw.replaces.as_ref().map(|r| r.get_ref().clone()),
        utf8: raw.utf8,
        utf8_accept: raw.utf8_accept,
        implies: raw.implies.iter().map(|i| i.get_ref().clone()).collect(),
    })
}

/// Gives each attribute of one file that `means` another the variant of
/// that one, which must have a variant of its own.
pub(super) fn resolve_means(
    source: &Source,
    attributes: &mut [model::MailboxAttribute],
    raw: &[raw::MailboxAttribute],
) -> Result<(), Error> {
    for att in raw {
        let Some(means) = &att.means else { continue };
        let target = attributes
            .iter()
            .find(|a| a.means.is_none() && a.name.eq_ignore_ascii_case(means.get_ref()))
            .map(|a| a.variant.clone());
        let Some(variant) = target else {
            return Err(source.error(
                means,
                "a mailbox attribute declared with a variant of its own",
                format!("`{}`", means.get_ref()),
            ));
        };
        if let Some(alias) = attributes
            .iter_mut()
            .find(|a| a.name == *att.name.get_ref())
        {
            alias.variant = variant;
        }
    }
    Ok(())
}

pub(super) fn sort_key(
    source: &Source,
    spec: &str,
    raw: &raw::SortKey,
) -> Result<model::SortKey, Error> {
    let name = raw.rust_name.as_ref().unwrap_or(&raw.name);
    Ok(model::SortKey {
        name: raw.name.get_ref().clone(),
        spec: spec.to_owned(),
        ident: ident(source, name, rust::snake(name.get_ref()))?,
        doc: raw.doc.clone(),
        capability: raw.capability.clone(),
    })
}

pub(super) fn status_att(
    source: &Source,
    vocabulary: &Vocabulary,
    spec: &str,
    raw: &raw::StatusAtt,
) -> Result<model::StatusAtt, Error> {
    let rust_name = raw.rust_name.as_ref().unwrap_or(&raw.name);
    let value = parsed_type(source, vocabulary, &raw.ty)?;
    Ok(model::StatusAtt {
        name: raw.name.get_ref().clone(),
        spec: spec.to_owned(),
        ident: ident(source, rust_name, rust::snake(rust_name.get_ref()))?,
        doc: raw.doc.clone(),
        nil: nil_able(source, &raw.ty, &value, raw.nil)?,
        value,
        capability: raw.capability.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{error, model};

    #[test]
    fn items_keep_the_capability_they_need() {
        let spec = "[[search_key]]\nname = \"XKEY\"\ndoc = \"d\"\ncapability = \"XEXT\"\n\
                    [[fetch_att]]\nname = \"XATT\"\ndoc = \"d\"\ntype = \"number\"\ncapability = \"XEXT\"\n\
                    [[status_att]]\nname = \"XSTAT\"\ndoc = \"d\"\ntype = \"number\"\ncapability = \"XEXT\"\n";
        let model = model(spec);
        assert_eq!(model.search_keys[0].capability.as_deref(), Some("XEXT"));
        assert_eq!(model.fetch_atts[0].capability.as_deref(), Some("XEXT"));
        assert_eq!(model.status_atts[0].capability.as_deref(), Some("XEXT"));
    }

    #[test]
    fn an_attribute_value_may_be_nil() {
        let spec =
            "[[fetch_att]]\nname = \"XDATE\"\ndoc = \"d\"\ntype = \"date-time\"\nnil = true\n";
        assert!(model(spec).fetch_atts[0].nil);
    }

    #[test]
    fn nil_needs_a_value_type() {
        let spec = "[[fetch_att]]\nname = \"XPEEK\"\ndoc = \"d\"\nnil = true\n";
        assert_eq!(
            error(spec),
            "expected `nil` beside `type`, found `nil` alone"
        );
    }

    #[test]
    fn a_sectioned_attribute_is_named_for_its_section() {
        let spec = "[[fetch_att]]\nname = \"XPART\"\ndoc = \"d\"\nsection = \"section\"\ntype = \"nstring\"\n";
        let att = &model(spec).fetch_atts[0];
        assert_eq!(att.ident, "xpart_section");
        assert_eq!(att.field.as_deref(), Some("xpart_sections"));
    }

    #[test]
    fn a_macro_has_no_value() {
        let spec = "[[fetch_att]]\nname = \"XMAC\"\ndoc = \"d\"\nmacro = true\ntype = \"number\"\n";
        assert_eq!(
            error(spec),
            "expected a macro without `type`, `section` or `args`, found a macro with a value"
        );
    }

    #[test]
    fn modifiers_make_a_request_only_form_of_an_attribute() {
        let spec = "[[fetch_att]]\nname = \"XPRE\"\ndoc = \"d\"\ntype = \"nstring\"\n\
                    [[fetch_att]]\nname = \"XPRE\"\nrust_name = \"xpre_lazy\"\ndoc = \"d\"\nmodifiers = [\"LAZY\"]\n";
        let model = model(spec);
        assert_eq!(model.fetch_atts[1].modifiers, ["LAZY"]);
        assert_eq!(model.fetch_atts[1].field, None);
    }

    #[test]
    fn the_same_modifiers_twice_are_refused() {
        let att = "[[fetch_att]]\nname = \"XPRE\"\nrust_name = \"x{}\"\ndoc = \"d\"\nmodifiers = [\"LAZY\"]\n";
        let spec = format!("{}{}", att.replace("{}", "1"), att.replace("{}", "2"));
        assert!(error(&spec)
            .starts_with("expected a fetch attribute with modifiers name not declared before"));
    }

    #[test]
    fn a_modifier_is_an_atom() {
        let spec = "[[fetch_att]]\nname = \"XPRE\"\ndoc = \"d\"\nmodifiers = [\"(LAZY)\"]\n";
        assert_eq!(
            error(spec),
            "expected a modifier that is an atom, found `(LAZY)`"
        );
    }

    #[test]
    fn a_mailbox_attribute_is_a_variant_or_means_another() {
        let spec = "[[mailbox_attribute]]\nname = \"\\\\XAll\"\ndoc = \"d\"\n\
                    [[mailbox_attribute]]\nname = \"\\\\XAllMail\"\ndoc = \"d\"\nmeans = \"\\\\xall\"\n";
        let model = model(spec);
        let variants: Vec<_> = model
            .mailbox_attributes
            .iter()
            .map(|a| a.variant.as_str())
            .collect();
        assert_eq!(variants, ["XAll", "XAll"]);
    }

    #[test]
    fn a_mailbox_attribute_has_its_backslash() {
        let spec = "[[mailbox_attribute]]\nname = \"XAll\"\ndoc = \"d\"\n";
        assert_eq!(
            error(spec),
            "expected a mailbox attribute written with its backslash, found `XAll`"
        );
    }

    #[test]
    fn an_attribute_means_one_with_a_variant() {
        let spec =
            "[[mailbox_attribute]]\nname = \"\\\\XAllMail\"\ndoc = \"d\"\nmeans = \"\\\\XAll\"\n";
        assert_eq!(
            error(spec),
            "expected a mailbox attribute declared with a variant of its own, found `\\XAll`"
        );
    }

    #[test]
    fn search_key_arguments_need_a_search_arg() {
        let spec = "[[search_key]]\nname = \"XK\"\ndoc = \"d\"\nargs = [{ name = \"m\", type = \"mailbox\" }]\n";
        assert_eq!(
            error(spec),
            "expected a type with `search_arg` in types.toml, found `mailbox`"
        );
    }
}
