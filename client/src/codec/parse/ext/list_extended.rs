//! LIST-EXTENDED's values (RFC 5258 section 6), and the items Courier's
//! ACL2 adds to them.

use super::acl::rights;
use crate::codec::parse::{ParseError, Parser};
use crate::types::{AclEntry, ListExtendedData};

/// `"(" [mbox-list-extended-item *(SP mbox-list-extended-item)] ")"`, each
/// item `tag SP value`; CHILDINFO's value is a list of strings, OLDNAME's
/// a mailbox in parentheses, MYRIGHTS's rights, ACL's identifier/rights
/// pairs; the others are kept raw.
///
/// Courier's ACL2 (`LIST (MYRIGHTS ACL)`, capability `ACL2=UNION`) writes
/// each item in parentheses of its own, with no SP between them:
/// `(("ACL" (("owner" "acdilrsw")("anyone" "lr")))("MYRIGHTS" "acdilrsw"))`.
/// An RFC 5258 item starts with its tag, never `(`, so both forms read
/// without doubt.
pub fn mbox_list_extended(p: &mut Parser<'_>) -> Result<ListExtendedData, ParseError> {
    let mut data = ListExtendedData::default();
    p.byte(b'(', "`(` opening the extended data")?;
    p.enter()?;
    if !p.eat(b')') {
        loop {
            if p.peek() == Some(b'(') {
                p.byte(b'(', "`(`")?;
                item(p, &mut data)?;
                p.byte(b')', "`)` closing an extended item")?;
            } else {
                item(p, &mut data)?;
            }
            if p.eat(b')') {
                break;
            }
            if p.peek() != Some(b'(') {
                p.sp()
                    .map_err(|_| p.error("SP or `)` after an extended item"))?;
            }
        }
    }
    p.leave();
    Ok(data)
}

/// `tag SP value`.
fn item(p: &mut Parser<'_>, data: &mut ListExtendedData) -> Result<(), ParseError> {
    let tag = p.astring()?;
    p.sp()?;
    if tag.eq_ignore_ascii_case(b"CHILDINFO") {
        data.child_info = Some(p.list(|p| p.astring())?);
    } else if tag.eq_ignore_ascii_case(b"MYRIGHTS") {
        data.my_rights = Some(rights(p)?);
    } else if tag.eq_ignore_ascii_case(b"ACL") {
        data.acl = Some(acl_pairs(p)?);
    } else if tag.eq_ignore_ascii_case(b"OLDNAME") {
        // `"(" mailbox ")"`, in the session's encoding of names.
        p.byte(b'(', "`(` before the old name")?;
        let name = p.astring()?;
        data.old_name = Some(crate::codec::parse::mailbox_from_wire(p, &name));
        p.byte(b')', "`)` after the old name")?;
    } else {
        data.extra.push((tag, p.raw_value()?));
    }
    Ok(())
}

/// ACL2's `"(" *("(" identifier SP rights ")") ")"`, as Courier writes it
/// (SP between the pairs accepted too).
fn acl_pairs(p: &mut Parser<'_>) -> Result<Vec<AclEntry>, ParseError> {
    p.byte(b'(', "`(` opening the ACL")?;
    p.enter()?;
    let mut entries = Vec::new();
    loop {
        p.skip_spaces();
        if p.eat(b')') {
            break;
        }
        p.byte(b'(', "`(` opening an identifier and its rights")?;
        let identifier = p.astring()?;
        p.sp()?;
        entries.push(AclEntry {
            identifier,
            rights: rights(p)?,
        });
        p.byte(b')', "`)` after the rights")?;
    }
    p.leave();
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::parse::parse_whole as parse;
    use crate::types::Right;

    #[test]
    fn rfc_5258_items_are_tag_space_value() {
        let data = parse(
            b"(\"CHILDINFO\" (\"SUBSCRIBED\") \"OLDNAME\" (\"Old\"))\r\n",
            mbox_list_extended,
        )
        .unwrap();
        assert_eq!(data.child_info.unwrap(), [&b"SUBSCRIBED"[..]]);
        assert_eq!(data.old_name.unwrap().as_str(), "Old");
        assert!(data.extra.is_empty());
    }

    #[test]
    fn oldname_is_read_in_the_encoding_of_names() {
        let utf7 = b"(\"OLDNAME\" (\"Gr&APwA3w-e\"))\r\n";
        let data = parse(utf7, mbox_list_extended).unwrap();
        assert_eq!(data.old_name.unwrap().as_str(), "Grüße");
        let utf8 = "(\"OLDNAME\" (\"Grüße\"))\r\n";
        let (frame, limits) = (
            bytes::Bytes::from(utf8),
            crate::codec::parse::Limits::DEFAULT,
        );
        let mut p = Parser::new(&frame, &limits).with_utf8(true);
        let data = mbox_list_extended(&mut p).unwrap();
        assert_eq!(data.old_name.unwrap().as_str(), "Grüße");
        let unclosed = parse(b"(\"OLDNAME\" (\"Old\")\r\n", mbox_list_extended);
        assert!(unclosed.is_err());
    }

    #[test]
    fn courier_acl2_items_are_parenthesised_without_spaces() {
        let data = parse(
            b"((\"ACL\" ((\"owner\" \"acdilrsw\")(\"anyone\" \"lr\")))(\"MYRIGHTS\" \"acdilrsw\"))\r\n",
            mbox_list_extended,
        )
        .unwrap();
        assert_eq!(data.my_rights.unwrap().to_string(), "acdilrsw");
        let acl = data.acl.unwrap();
        assert_eq!(acl.len(), 2);
        assert_eq!(acl[1].identifier.as_ref(), b"anyone");
        assert!(acl[1].rights.contains(Right::Read));
        let empty = parse(b"((\"ACL\" ()))\r\n", mbox_list_extended).unwrap();
        assert_eq!(empty.acl.unwrap(), []);
    }

    #[test]
    fn anything_else_is_refused_where_it_is() {
        assert_eq!(
            parse(b"(\"MYRIGHTS\" \"a b\")\r\n", mbox_list_extended)
                .unwrap_err()
                .offset(),
            12
        );
        assert_eq!(
            parse(b"((\"ACL\" (\"owner\" \"a\")))\r\n", mbox_list_extended)
                .unwrap_err()
                .offset(),
            9
        );
        assert!(parse(
            b"(\"CHILDINFO\" (\"SUBSCRIBED\")\"X\" 1)\r\n",
            mbox_list_extended
        )
        .is_err());
    }
}
