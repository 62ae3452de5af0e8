//! CONDSTORE's values (RFC 7162 section 3.1).

use crate::codec::parse::{ParseError, Parser};

/// `permsg-modsequence = "(" mod-sequence-value ")"`: the MODSEQ of one
/// message in a FETCH response.
///
/// Leniency (quirk `negative_modseq`, Zoho): a negative value, `(-1)`,
/// reads as 0, which no message has (a mod-sequence is at least 1, RFC 7162
/// section 3.1.3): the server keeps no mod-sequence for it.
pub fn permsg_modsequence(p: &mut Parser<'_>) -> Result<u64, ParseError> {
    p.byte(b'(', "`(` before a MODSEQ value")?;
    let value = if p.eat(b'-') {
        p.number64()?;
        0
    } else {
        p.number64()?
    };
    p.byte(b')', "`)` after a MODSEQ value")?;
    Ok(value)
}

/// `search-sort-mod-seq = "(" "MODSEQ" SP mod-sequence-value ")"`: the
/// highest MODSEQ of the messages a SEARCH found, after their numbers.
pub fn search_sort_mod_seq(p: &mut Parser<'_>) -> Result<u64, ParseError> {
    p.expect("(MODSEQ")?;
    p.sp()?;
    let value = p.number64()?;
    p.byte(b')', "`)` after a MODSEQ value")?;
    Ok(value)
}
