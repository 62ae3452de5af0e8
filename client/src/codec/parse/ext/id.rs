//! The `id_params_list` of the ID response (RFC 2971).

use crate::codec::parse::{ParseError, Parser};
use crate::types::IdFields;

/// `id_params_list ::= "(" #(string SPACE nstring) ")" / nil`. Leniency:
/// an empty list `()` is read as no pair.
pub fn id_params(p: &mut Parser<'_>) -> Result<Option<IdFields>, ParseError> {
    if p.nil() {
        return Ok(None);
    }
    p.byte(b'(', "`(` opening the ID parameters, or NIL")?;
    p.enter()?;
    let mut fields = IdFields::new();
    if !p.eat(b')') {
        loop {
            let field = p.string()?;
            p.sp()?;
            let value = p.nstring()?;
            fields.push(field, value);
            if p.eat(b')') {
                break;
            }
            p.sp()
                .map_err(|_| p.error("SP or `)` after an ID field/value pair"))?;
        }
    }
    p.leave();
    Ok(Some(fields))
}

#[cfg(test)]
mod tests {

    use super::*;

    fn parse(text: &str) -> Result<Option<IdFields>, ParseError> {
        crate::codec::parse::parse_whole(format!("{text}\r\n"), id_params)
    }

    #[test]
    fn nil_pairs_and_nil_values() {
        assert_eq!(parse("NIL").unwrap(), None);
        assert_eq!(parse("()").unwrap(), Some(IdFields::new()));
        let fields = parse("(\"name\" \"Dovecot\" \"os\" NIL)").unwrap().unwrap();
        assert_eq!(fields.get("Name"), Some(&b"Dovecot"[..]));
        assert_eq!(fields.get("os"), None);
        assert_eq!(fields.len(), 2);
    }

    #[test]
    fn a_field_without_value_is_refused() {
        for bad in [
            "(\"name\")",
            "(\"name\" \"x\" \"os\")",
            "(name \"x\")",
            "\"name\"",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
