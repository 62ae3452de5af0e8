//! The namespaces of the NAMESPACE response (RFC 2342 section 5).

use crate::codec::parse::{delimiter, ParseError, Parser};
use crate::types::{Namespace, NamespaceExtension};

/// `Namespace = nil / "(" 1*( "(" string SP (<"> QUOTED_CHAR <"> / nil)
/// *(Namespace_Response_Extension) ")" ) ")"`: one of the three parts of a
/// NAMESPACE response, but NIL, which the spec's `nil = true` reads. The
/// descriptions follow each other without SP. Leniency: an SP between two
/// descriptions, and an empty list `()`, are accepted.
pub fn namespace(p: &mut Parser<'_>) -> Result<Vec<Namespace>, ParseError> {
    p.byte(b'(', "`(` opening a namespace list, or NIL")?;
    p.enter()?;
    let mut namespaces = Vec::new();
    loop {
        if p.eat(b')') {
            break;
        }
        if !namespaces.is_empty() {
            p.eat(b' ');
        }
        namespaces.push(description(p)?);
    }
    p.leave();
    Ok(namespaces)
}

/// `"(" prefix SP delimiter *(extension) ")"`.
fn description(p: &mut Parser<'_>) -> Result<Namespace, ParseError> {
    p.byte(b'(', "`(` opening a namespace description")?;
    p.enter()?;
    let prefix = p.string()?;
    let prefix = crate::codec::parse::mailbox_from_wire(p, &prefix);
    p.sp()?;
    let delimiter = delimiter(p)?;
    let mut extensions = Vec::new();
    while !p.eat(b')') {
        p.sp()
            .map_err(|_| p.error("SP or `)` after a namespace description"))?;
        let name = p.string()?;
        p.sp()?;
        let values = p.list(Parser::string)?;
        if values.is_empty() {
            return Err(p.error("at least one value of a namespace extension"));
        }
        extensions.push(NamespaceExtension { name, values });
    }
    p.leave();
    Ok(Namespace {
        prefix,
        delimiter,
        extensions,
    })
}

#[cfg(test)]
mod tests {

    use super::*;

    fn parse(text: &str) -> Result<Option<Vec<Namespace>>, ParseError> {
        crate::codec::parse::parse_whole(format!("{text}\r\n"), |p| p.nil_or(namespace))
    }

    #[test]
    fn nil_one_and_several_descriptions() {
        assert_eq!(parse("NIL").unwrap(), None);
        let one = parse("((\"\" \"/\"))").unwrap().unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].prefix.as_str(), "");
        assert_eq!(one[0].delimiter, Some('/'));
        let two = parse("((\"~\" NIL)(\"#shared/\" \"/\"))").unwrap().unwrap();
        assert_eq!(two[0].delimiter, None);
        assert_eq!(two[1].prefix.as_str(), "#shared/");
    }

    #[test]
    fn extensions_and_utf7_prefixes() {
        let ns = parse("((\"&AMQ-/\" \"/\" \"X-PARAM\" (\"A\" \"B\")))")
            .unwrap()
            .unwrap();
        assert_eq!(ns[0].prefix.as_str(), "Ä/");
        assert_eq!(ns[0].extensions.len(), 1);
        assert_eq!(&ns[0].extensions[0].name[..], b"X-PARAM");
        assert_eq!(ns[0].extensions[0].values.len(), 2);
    }

    #[test]
    fn malformed_descriptions_are_refused() {
        for bad in [
            "((\"\"))",
            "((\"\" \"/\" \"X\"))",
            "((\"\" \"/\" \"X\" ()))",
            "(\"\" \"/\")",
            "((",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
