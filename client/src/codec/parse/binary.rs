//! The value of a BINARY fetch attribute (RFC 3516 section 4.2).

use bytes::Bytes;

use super::{ParseError, Parser};

/// `nstring / literal8`: NIL, a string, or a binary literal `~{n}` whose
/// bytes may include NUL.
///
/// Leniency (quirk `missing_section_value`): no value at all, the cursor on
/// the `)` that closes the list (after [`Parser::value_sp`]), reads as NIL.
pub fn nstring8(p: &mut Parser<'_>) -> Result<Option<Bytes>, ParseError> {
    if p.peek() == Some(b')') || p.nil() {
        return Ok(None);
    }
    p.string8().map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &[u8]) -> Result<Option<Bytes>, ParseError> {
        crate::codec::parse::parse_whole([text, b"\r\n"].concat(), nstring8)
    }

    #[test]
    fn nil_quoted_literal_and_literal8() {
        assert_eq!(parse(b"NIL").unwrap(), None);
        assert_eq!(parse(b"\"abc\"").unwrap().unwrap(), &b"abc"[..]);
        assert_eq!(parse(b"{3}\r\na\x01c").unwrap().unwrap(), &b"a\x01c"[..]);
        assert_eq!(parse(b"~{3}\r\na\0c").unwrap().unwrap(), &b"a\0c"[..]);
    }

    #[test]
    fn nul_only_in_literal8() {
        assert!(parse(b"{3}\r\na\0c").is_err());
        assert!(parse(b"~{4}\r\na\0c").is_err(), "shorter than announced");
    }
}
