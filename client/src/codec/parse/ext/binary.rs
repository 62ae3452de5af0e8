//! The value of a BINARY fetch attribute (RFC 3516 section 4.2).

use bytes::Bytes;

use crate::codec::parse::{ParseError, Parser};

/// `string / literal8`: a string, or a binary literal `~{n}` whose bytes
/// may include NUL. BINARY's value may be NIL instead (`nstring /
/// literal8`): the spec says so with `nil = true`.
pub fn string8(p: &mut Parser<'_>) -> Result<Bytes, ParseError> {
    p.string8()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &[u8]) -> Result<Option<Bytes>, ParseError> {
        crate::codec::parse::parse_whole([text, b"\r\n"].concat(), |p| p.nil_or(string8))
    }

    #[test]
    fn nil_quoted_literal_and_literal8() {
        assert_eq!(parse(b"NIL").unwrap(), None);
        assert_eq!(parse(b"\"abc\"").unwrap().unwrap(), &b"abc"[..]);
        assert_eq!(parse(b"{3}\r\na\x01c").unwrap().unwrap(), &b"a\x01c"[..]);
        assert_eq!(parse(b"~{3}\r\na\0c").unwrap().unwrap(), &b"a\0c"[..]);
    }

    #[test]
    fn nil_is_not_the_start_of_a_longer_atom() {
        assert!(parse(b"NILS").is_err());
    }

    #[test]
    fn nul_only_in_literal8() {
        assert!(parse(b"{3}\r\na\0c").is_err());
        assert!(parse(b"~{4}\r\na\0c").is_err(), "shorter than announced");
    }
}
