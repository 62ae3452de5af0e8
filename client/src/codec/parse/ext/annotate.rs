//! ANNOTATE (RFC 5257): the value of the ANNOTATION fetch attribute.

use crate::types::{Annotation, AnnotationValue};

use crate::codec::parse::{string8, utf8_astring, ParseError, Parser};

/// `"(" entry-att *(SP entry-att) ")"`, each `entry SP "(" att-value *(SP
/// att-value) ")"`; or the bare entries of an unsolicited change.
///
/// Leniency: entries and attribute names are astrings (Cyrus sends
/// `/comment` and `value.priv` as atoms, RFC 5257 says string).
pub fn annotations(p: &mut Parser<'_>) -> Result<Vec<Annotation>, ParseError> {
    p.list(|p| {
        let entry = utf8_astring(p, "annotation entry name in UTF-8")?;
        let values = if p.peek() == Some(b' ') && p.peek_at(1) == Some(b'(') {
            p.sp()?;
            p.list(att_value)?
        } else {
            Vec::new()
        };
        Ok(Annotation { entry, values })
    })
}

/// `attrib SP value`, the value `nstring / literal8`.
fn att_value(p: &mut Parser<'_>) -> Result<AnnotationValue, ParseError> {
    let attrib = utf8_astring(p, "annotation attribute name in UTF-8")?;
    p.sp()?;
    let value = p.nil_or(string8)?;
    Ok(AnnotationValue { attrib, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &'static [u8]) -> Result<Vec<Annotation>, ParseError> {
        crate::codec::parse::parse_whole(input, annotations)
    }

    #[test]
    fn cyrus_entry_with_values() {
        let got = parse(b"(/comment (value.priv \"note\" value.shared NIL))\r\n").unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].entry, "/comment");
        assert_eq!(got[0].get("value.priv"), Some(Some(&b"note"[..])));
        assert_eq!(got[0].get("VALUE.SHARED"), Some(None));
        assert_eq!(got[0].get("size.priv"), None);
    }

    #[test]
    fn several_entries_literals_and_bare_changes() {
        let got = parse(
            b"(\"/comment\" (\"value.priv\" {5}\r\na\r\nbc) /altsubject (value.shared ~{2}\r\n\0x))\r\n",
        )
        .unwrap();
        assert_eq!(got[0].get("value.priv"), Some(Some(&b"a\r\nbc"[..])));
        assert_eq!(got[1].entry, "/altsubject");
        assert_eq!(got[1].get("value.shared"), Some(Some(&b"\0x"[..])));
        let changed = parse(b"(/comment /altsubject)\r\n").unwrap();
        let names: Vec<&str> = changed.iter().map(|a| a.entry.as_str()).collect();
        assert_eq!(names, ["/comment", "/altsubject"]);
        assert!(changed.iter().all(|a| a.values.is_empty()));
    }

    #[test]
    fn malformed_values_are_errors_with_their_place() {
        let half = parse(b"(/comment (value.priv))\r\n").unwrap_err();
        assert_eq!(half.offset(), 21, "{half}");
        assert!(parse(b"(/comment (value.priv \"x\")\r\n").is_err());
        assert!(parse(b"/comment\r\n").is_err());
        let not_utf8 = parse(b"(\"/\xff\" (value.priv NIL))\r\n").unwrap_err();
        assert!(not_utf8.to_string().contains("UTF-8"), "{not_utf8}");
    }
}
