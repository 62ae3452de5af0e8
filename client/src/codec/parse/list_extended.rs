//! LIST-EXTENDED's values (RFC 5258 section 6).

use super::{ParseError, Parser};
use crate::types::ListExtendedData;

/// `"(" [mbox-list-extended-item *(SP mbox-list-extended-item)] ")"`, each
/// item `tag SP value`; CHILDINFO's value is a list of strings, the others
/// are kept raw.
pub fn mbox_list_extended(p: &mut Parser<'_>) -> Result<ListExtendedData, ParseError> {
    let mut data = ListExtendedData::default();
    p.list(|p| {
        let tag = p.astring()?;
        p.sp()?;
        if tag.eq_ignore_ascii_case(b"CHILDINFO") {
            data.child_info = Some(p.list(|p| p.astring())?);
        } else {
            data.extra.push((tag, p.raw_value()?));
        }
        Ok(())
    })?;
    Ok(data)
}
