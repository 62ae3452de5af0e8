//! ACL (RFC 4314): rights and the identifier/rights pairs of ACL and
//! LISTRIGHTS responses.

use crate::types::{AclEntry, Right, Rights};

use crate::codec::parse::{ParseError, Parser};

/// `rights = astring` of RFC 4314 letters and digits, possibly `""`.
pub fn rights(p: &mut Parser<'_>) -> Result<Rights, ParseError> {
    let start = p.position();
    let text = p.astring()?;
    text.iter()
        .enumerate()
        .map(|(i, b)| {
            Right::from_letter(char::from(*b))
                .filter(|_| b.is_ascii())
                .ok_or_else(|| {
                    let expected = format!("rights: ASCII letters and digits (not byte {i})");
                    p.error_at(&expected, start)
                })
        })
        .collect()
}

/// `*(SP identifier SP rights)`: the pairs of an ACL response, possibly
/// none. Takes its own leading SPs.
pub fn acl_entries(p: &mut Parser<'_>) -> Result<Vec<AclEntry>, ParseError> {
    let mut entries = Vec::new();
    while p.opt_sp() {
        let identifier = p.astring()?;
        p.sp()?;
        entries.push(AclEntry {
            identifier,
            rights: rights(p)?,
        });
    }
    Ok(entries)
}

/// `*(SP rights)`: the optional rights of a LISTRIGHTS response, each group
/// granted as a whole. Takes its own leading SPs.
pub fn rights_groups(p: &mut Parser<'_>) -> Result<Vec<Rights>, ParseError> {
    let mut groups = Vec::new();
    while p.opt_sp() {
        groups.push(rights(p)?);
    }
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::codec::parse::parse_whole as parse;

    #[test]
    fn acl_pairs_of_rfc_4314_example() {
        let entries = parse(b" Fred rwipslxetad -Fred 0 \"a b\" \"\"\r\n", acl_entries).unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].identifier.as_ref(), b"Fred");
        assert_eq!(entries[0].rights.to_string(), "rwipslxetad");
        assert!(entries[1].is_negative());
        assert_eq!(entries[1].rights.rights(), [Right::Other('0')]);
        assert_eq!(entries[2].identifier.as_ref(), b"a b");
        assert!(entries[2].rights.is_empty());
    }

    #[test]
    fn rights_refuse_what_is_not_a_letter_or_digit() {
        let error = parse(b"lr-\r\n", rights).unwrap_err();
        assert_eq!(
            error.expected(),
            "rights: ASCII letters and digits (not byte 2)"
        );
        let error = parse(b"\"l\xc3\xa9\"\r\n", rights).unwrap_err();
        assert_eq!(
            error.expected(),
            "rights: ASCII letters and digits (not byte 1)"
        );
        assert_eq!(error.offset(), 0);
    }

    #[test]
    fn listrights_groups() {
        let groups = parse(b" l r s w\r\n", rights_groups).unwrap();
        assert_eq!(groups.len(), 4);
        assert_eq!(groups[3].rights(), [Right::Write]);
        let missing = parse(b" l \r\n", rights_groups).unwrap_err();
        assert_eq!(missing.offset(), 3, "{missing}");
    }
}
