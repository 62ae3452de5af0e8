//! PREVIEW's value (RFC 8970 section 6).

use bytes::Bytes;

use crate::codec::parse::{ParseError, Parser};

/// The value of the PREVIEW fetch attribute: the text, or `None` for NIL
/// (no preview, or not yet one with `PREVIEW (LAZY)`).
///
/// ```text
/// preview-resp = "PREVIEW" SP nstring                        ; RFC 8970
/// preview-resp =/ "PREVIEW" SP "(" preview-alg SP nstring ")" ; PREVIEW=FUZZY drafts
/// ```
///
/// The drafts before RFC 8970 (`PREVIEW=FUZZY`, still answered by Dovecot
/// 2.3 to `PREVIEW (FUZZY)`) named the algorithm beside the text; the
/// only one ever defined was FUZZY, so the name is read and dropped.
pub fn preview(p: &mut Parser<'_>) -> Result<Option<Bytes>, ParseError> {
    if !p.eat(b'(') {
        return p.nstring();
    }
    p.atom()?;
    p.sp()?;
    let text = p.nstring()?;
    p.byte(b')', "`)` after a preview")?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &[u8]) -> Result<Option<Bytes>, ParseError> {
        crate::codec::parse::parse_whole(input, preview)
    }

    #[test]
    fn a_string_or_nil() {
        assert_eq!(
            parse(b"\"Hello\"\r\n").unwrap().as_deref(),
            Some(&b"Hello"[..])
        );
        assert_eq!(
            parse(b"{5}\r\nHello\r\n").unwrap().as_deref(),
            Some(&b"Hello"[..])
        );
        assert_eq!(parse(b"NIL\r\n").unwrap(), None);
    }

    #[test]
    fn the_draft_form_names_its_algorithm() {
        assert_eq!(
            parse(b"(FUZZY \"Hello\")\r\n").unwrap().as_deref(),
            Some(&b"Hello"[..])
        );
        assert_eq!(parse(b"(FUZZY NIL)\r\n").unwrap(), None);
        assert_eq!(parse(b"(FUZZY)\r\n").unwrap_err().offset(), 6);
        assert_eq!(parse(b"(FUZZY \"a\"\r\n").unwrap_err().offset(), 10);
    }
}
