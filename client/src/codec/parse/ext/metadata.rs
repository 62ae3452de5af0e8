//! METADATA (RFC 5464): the entries of a METADATA response and the
//! METADATA response code.

use crate::types::{MetadataCode, MetadataData, MetadataEntry};

use crate::codec::parse::{utf8_astring, ParseError, Parser};

/// `entry-values / entry-list`: values in parentheses, or the bare names
/// of entries that changed.
pub fn metadata_data(p: &mut Parser<'_>) -> Result<MetadataData, ParseError> {
    if p.peek() == Some(b'(') {
        return p.list(entry_value).map(MetadataData::Values);
    }
    let mut names = vec![entry(p)?];
    while p.opt_sp() {
        names.push(entry(p)?);
    }
    Ok(MetadataData::Changed(names))
}

/// `entry SP value`, the value `nstring / literal8`.
fn entry_value(p: &mut Parser<'_>) -> Result<MetadataEntry, ParseError> {
    let name = entry(p)?;
    p.sp()?;
    let value = p.nil_or(Parser::string8)?;
    Ok(MetadataEntry { name, value })
}

/// `entry = astring`, in UTF-8.
fn entry(p: &mut Parser<'_>) -> Result<String, ParseError> {
    utf8_astring(p, "entry name in UTF-8")
}

/// The arguments of the METADATA response code: `LONGENTRIES n`,
/// `MAXSIZE n`, `TOOMANY` or `NOPRIVATE`.
pub fn metadata_code(p: &mut Parser<'_>) -> Result<MetadataCode, ParseError> {
    let start = p.position();
    let name = p.atom()?;
    if name.eq_ignore_ascii_case("LONGENTRIES") {
        p.sp()?;
        Ok(MetadataCode::LongEntries(p.number()?))
    } else if name.eq_ignore_ascii_case("MAXSIZE") {
        p.sp()?;
        Ok(MetadataCode::MaxSize(p.number()?))
    } else if name.eq_ignore_ascii_case("TOOMANY") {
        Ok(MetadataCode::TooMany)
    } else if name.eq_ignore_ascii_case("NOPRIVATE") {
        Ok(MetadataCode::NoPrivate)
    } else {
        Err(p.error_at("LONGENTRIES, MAXSIZE, TOOMANY or NOPRIVATE", start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::codec::parse::parse_whole as parse;

    #[test]
    fn values_of_rfc_5464_examples() {
        let data = parse(
            b"(/shared/comment \"Shared comment\" /private/comment NIL /x ~{3}\r\na\0b)\r\n",
            metadata_data,
        )
        .unwrap();
        let values = data.values();
        assert_eq!(values.len(), 3);
        assert_eq!(
            data.get("/shared/comment").unwrap().value.as_deref(),
            Some(&b"Shared comment"[..])
        );
        assert_eq!(values[1].value, None);
        assert_eq!(values[2].value.as_deref(), Some(&b"a\0b"[..]));
    }

    #[test]
    fn unsolicited_entry_list() {
        let data = parse(b"/shared/comment /private/comment\r\n", metadata_data).unwrap();
        assert_eq!(
            data,
            MetadataData::Changed(vec!["/shared/comment".into(), "/private/comment".into()])
        );
        assert!(data.values().is_empty());
    }

    #[test]
    fn codes() {
        assert_eq!(
            parse(b"LONGENTRIES 2199\r\n", metadata_code).unwrap(),
            MetadataCode::LongEntries(2199)
        );
        assert_eq!(
            parse(b"toomany\r\n", metadata_code).unwrap(),
            MetadataCode::TooMany
        );
        let error = parse(b"SOMETHING\r\n", metadata_code).unwrap_err();
        assert_eq!(error.offset(), 0);
    }
}
