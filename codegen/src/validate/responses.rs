//! `[[response]]` and `[[code]]`: their fields, value type and effect.

use toml::Spanned;

use super::names::{ident, Names};
use super::vocabulary::{nil_able, parsed_type};
use super::{Source, Vocabulary};
use crate::error::Error;
use crate::model::{self, Parse};
use crate::raw;
use crate::rust;

pub(super) fn fields(
    source: &Source,
    vocabulary: &Vocabulary,
    raw: &[raw::Field],
) -> Result<Vec<model::Field>, Error> {
    let mut names = Names::default();
    raw.iter()
        .map(|f| {
            names.unique(source, "field", &f.name)?;
            let ty = parsed_type(source, vocabulary, &f.ty)?;
            if f.optional && matches!(ty.parse, Parse::Function { own_sp: true, .. }) {
                return Err(source.error(
                    &f.ty,
                    "a type that does not read its own SPs, for an optional field",
                    format!("`{}` (a possibly empty list already)", f.ty.get_ref()),
                ));
            }
            let nil = nil_able(source, &f.ty, &ty, f.nil)?;
            let mut rust = ty.rust.clone();
            if f.list {
                rust = format!("Vec<{rust}>");
            }
            if nil {
                rust = format!("Option<{rust}>");
            }
            if f.optional {
                rust = format!("Option<{rust}>");
            }
            Ok(model::Field {
                ident: ident(source, &f.name, rust::snake(f.name.get_ref()))?,
                doc: f.doc.clone(),
                ty,
                list: f.list,
                nil,
                optional: f.optional,
                rust,
            })
        })
        .collect()
}

pub(super) fn effect(
    source: &Source,
    vocabulary: &Vocabulary,
    raw: Option<&Spanned<String>>,
    value: Option<&String>,
) -> Result<Option<(String, bool)>, Error> {
    let Some(raw) = raw else { return Ok(None) };
    let Some(effect) = vocabulary.effects.iter().find(|e| &e.name == raw.get_ref()) else {
        let known: Vec<&str> = vocabulary.effects.iter().map(|e| e.name.as_str()).collect();
        return Err(source.error(
            raw,
            format!("an effect of types.toml ({})", known.join(", ")),
            format!("`{}`", raw.get_ref()),
        ));
    };
    if effect.value && value.is_none() {
        return Err(source.error(
            raw,
            "an effect without value for a code without value",
            format!("`{}`", raw.get_ref()),
        ));
    }
    Ok(Some((effect.variant.clone(), effect.value)))
}

/// The Rust type of a response's value.
fn value_type(
    source: &Source,
    name: &Spanned<String>,
    number: bool,
    struct_ident: Option<&String>,
    fields: &[model::Field],
) -> Result<Option<String>, Error> {
    match (struct_ident, number, fields) {
        (Some(s), _, _) => Ok(Some(s.clone())),
        (None, false, []) => Ok(None),
        (None, true, []) => Ok(Some("u32".to_owned())),
        (None, false, [field]) => Ok(Some(field.rust.clone())),
        _ => Err(source.error(
            name,
            "`struct` naming the struct of several fields",
            "several fields and no `struct`",
        )),
    }
}

pub(super) fn response_model(
    source: &Source,
    vocabulary: &Vocabulary,
    spec: &str,
    raw: &raw::Response,
) -> Result<model::Response, Error> {
    let fields = fields(source, vocabulary, &raw.fields)?;
    let number = raw
        .number
        .as_ref()
        .map(|n| ident(source, n, rust::snake(n.get_ref())))
        .transpose()?;
    let struct_ident = raw
        .struct_name
        .as_ref()
        .map(|s| ident(source, s, rust::camel(s.get_ref())))
        .transpose()?;
    let value = value_type(
        source,
        &raw.name,
        number.is_some(),
        struct_ident.as_ref(),
        &fields,
    )?;
    let correlation = correlation(
        source,
        raw,
        number.as_deref(),
        struct_ident.is_some(),
        &fields,
    )?;
    Ok(model::Response {
        name: raw.name.get_ref().clone(),
        variant: {
            let name = raw.rust_name.as_ref().unwrap_or(&raw.name);
            ident(source, name, rust::camel(name.get_ref()))?
        },
        doc: raw.doc.clone(),
        spec: spec.to_owned(),
        effect: effect(source, vocabulary, raw.effect.as_ref(), value.as_ref())?,
        number,
        struct_ident,
        fields,
        value,
        correlation,
    })
}

/// `correlation`: the fields that say what the response is about, so that
/// the session can give it to the pipelined command it answers.
fn correlation(
    source: &Source,
    raw: &raw::Response,
    number: Option<&str>,
    has_struct: bool,
    fields: &[model::Field],
) -> Result<Option<model::Correlation>, Error> {
    let Some(spanned) = &raw.correlation else {
        return Ok(None);
    };
    if !has_struct {
        return Err(source.error(
            spanned,
            "a correlation on a response with a `struct`",
            "a response without one",
        ));
    }
    let field = |name: &Spanned<String>| {
        let wanted = rust::snake(name.get_ref());
        if number == Some(wanted.as_str()) || fields.iter().any(|f| f.ident == wanted) {
            Ok(wanted)
        } else {
            Err(source.error(
                name,
                "a field of the response, or its `number`",
                format!("`{}`", name.get_ref()),
            ))
        }
    };
    let c = spanned.get_ref();
    let correlation = match (&c.message, &c.uid, &c.mailbox, &c.tag) {
        (Some(seq), uid, None, None) => {
            let uid = match uid {
                Some(path) => {
                    let parts: Vec<String> = path.get_ref().split('.').map(rust::snake).collect();
                    let first = parts.first().cloned().unwrap_or_default();
                    if !fields.iter().any(|f| f.ident == first) {
                        return Err(source.error(
                            path,
                            "a path starting with a field of the response (`message.uid`)",
                            format!("`{}`", path.get_ref()),
                        ));
                    }
                    Some(parts)
                }
                None => None,
            };
            model::Correlation::Message {
                seq: field(seq)?,
                uid,
            }
        }
        (None, None, Some(mailbox), None) => model::Correlation::Mailbox(field(mailbox)?),
        (None, None, None, Some(tag)) => model::Correlation::Tag(field(tag)?),
        _ => {
            return Err(source.error(
                spanned,
                "one of `message` (with an optional `uid`), `mailbox` or `tag`",
                "another combination",
            ))
        }
    };
    Ok(Some(correlation))
}

pub(super) fn code_model(
    source: &Source,
    vocabulary: &Vocabulary,
    spec: &str,
    raw: &raw::Code,
) -> Result<model::Response, Error> {
    let fields = fields(source, vocabulary, &raw.fields)?;
    let struct_ident = raw
        .struct_name
        .as_ref()
        .map(|s| ident(source, s, rust::camel(s.get_ref())))
        .transpose()?;
    let value = value_type(source, &raw.name, false, struct_ident.as_ref(), &fields)?;
    Ok(model::Response {
        name: raw.name.get_ref().clone(),
        variant: {
            let name = raw.rust_name.as_ref().unwrap_or(&raw.name);
            ident(source, name, rust::camel(name.get_ref()))?
        },
        doc: raw.doc.clone(),
        spec: spec.to_owned(),
        effect: effect(source, vocabulary, raw.effect.as_ref(), value.as_ref())?,
        number: None,
        struct_ident,
        fields,
        value,
        correlation: None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{error, model};

    fn response(fields: &str, more: &str) -> String {
        format!("[[response]]\nname = \"XDATA\"\ndoc = \"d\"\n{more}\nfields = [{fields}]\n")
    }

    #[test]
    fn one_field_is_the_value() {
        let model = model(&response(
            "{ name = \"n\", type = \"number\", doc = \"d\" }",
            "",
        ));
        assert_eq!(model.responses[0].value.as_deref(), Some("u32"));
    }

    #[test]
    fn several_fields_need_a_struct() {
        let fields = "{ name = \"a\", type = \"number\", doc = \"d\" }, { name = \"b\", type = \"number\", doc = \"d\" }";
        assert_eq!(
            error(&response(fields, "")),
            "expected `struct` naming the struct of several fields, found several fields and no `struct`"
        );
        let model = model(&response(fields, "struct = \"XPair\""));
        assert_eq!(model.responses[0].value.as_deref(), Some("XPair"));
    }

    #[test]
    fn a_nil_field_is_an_option_of_its_value_or_list() {
        let fields = "{ name = \"a\", type = \"date-time\", nil = true, doc = \"d\" }, \
                      { name = \"b\", type = \"flag\", list = true, nil = true, doc = \"d\" }, \
                      { name = \"c\", type = \"astring\", nil = true, optional = true, doc = \"d\" }";
        let model = model(&response(fields, "struct = \"XNils\""));
        let rust: Vec<&str> = model.responses[0]
            .fields
            .iter()
            .map(|f| f.rust.as_str())
            .collect();
        assert_eq!(
            rust,
            [
                "Option<crate::chrono::DateTime<crate::chrono::FixedOffset>>",
                "Option<Vec<crate::types::Flag>>",
                "Option<Option<crate::Bytes>>",
            ]
        );
        assert!(model.responses[0].fields.iter().all(|f| f.nil));
    }

    #[test]
    fn an_optional_field_cannot_read_its_own_sp() {
        let field = "{ name = \"n\", type = \"number-list\", optional = true, doc = \"d\" }";
        assert_eq!(
            error(&response(field, "")),
            "expected a type that does not read its own SPs, for an optional field, found `number-list` (a possibly empty list already)"
        );
    }

    #[test]
    fn an_effect_with_a_value_needs_one() {
        let code = "[[code]]\nname = \"XFLAG\"\ndoc = \"d\"\neffect = \"exists\"\n";
        assert_eq!(
            error(code),
            "expected an effect without value for a code without value, found `exists`"
        );
    }
}
