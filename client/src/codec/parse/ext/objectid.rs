//! OBJECTID's identifiers (RFC 8474 section 7).

use crate::codec::parse::{ParseError, Parser};

/// The longest object id (`1*255`).
const MAX_OBJECTID: usize = 255;

/// `"(" objectid ")"`, as every response carries an id (the MAILBOXID
/// code and status attribute, the EMAILID and THREADID fetch attributes):
///
/// ```text
/// objectid = 1*255(ALPHA / DIGIT / "_" / "-")
/// ```
///
/// `(NIL)` is the id `NIL` by this grammar: THREADID's "no thread" is a
/// bare NIL, read by `nil = true` in the spec before this parser runs.
pub fn objectid(p: &mut Parser<'_>) -> Result<String, ParseError> {
    p.byte(b'(', "`(` before an object id")?;
    let start = p.position();
    let id = p.take_while(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if id.is_empty() || id.len() > MAX_OBJECTID {
        return Err(p.error_at(
            "an object id of 1 to 255 letters, digits, `_` or `-`",
            start,
        ));
    }
    p.byte(b')', "`)` after an object id")?;
    // Letters, digits, `_` and `-` are ASCII.
    Ok(id.iter().map(|b| char::from(*b)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &[u8]) -> Result<String, ParseError> {
        crate::codec::parse::parse_whole(input, objectid)
    }

    #[test]
    fn an_id_in_parentheses() {
        assert_eq!(parse(b"(M6d99ac3275bb4e)\r\n").unwrap(), "M6d99ac3275bb4e");
        assert_eq!(
            parse(b"(F2212ea87-6097-4256-9d51-71338625)\r\n").unwrap(),
            "F2212ea87-6097-4256-9d51-71338625"
        );
        assert_eq!(parse(b"(NIL)\r\n").unwrap(), "NIL");
    }

    #[test]
    fn anything_else_is_refused_where_it_is() {
        assert_eq!(parse(b"M6d99\r\n").unwrap_err().offset(), 0);
        assert_eq!(parse(b"()\r\n").unwrap_err().offset(), 1);
        assert_eq!(parse(b"(a.b)\r\n").unwrap_err().offset(), 2);
        assert_eq!(parse(b"(\"abc\")\r\n").unwrap_err().offset(), 1);
        let long = [b"(".as_slice(), &[b'a'; 256], b")\r\n"].concat();
        assert_eq!(parse(&long).unwrap_err().offset(), 1);
        let longest = [b"(".as_slice(), &[b'a'; 255], b")\r\n"].concat();
        assert_eq!(parse(&longest).unwrap().len(), 255);
    }
}
