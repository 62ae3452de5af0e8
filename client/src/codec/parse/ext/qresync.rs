//! QRESYNC's values (RFC 7162 section 3.2).

use crate::codec::parse::{sequence_set, ParseError, Parser};
use crate::types::Vanished;

/// `[SP "(EARLIER)"] SP known-uids` after `VANISHED`. Takes its own
/// leading SP.
pub fn vanished(p: &mut Parser<'_>) -> Result<Vanished, ParseError> {
    p.sp()?;
    let earlier = p.try_expect("(EARLIER)");
    if earlier {
        p.sp()?;
    }
    let uids = sequence_set(p)?;
    Ok(Vanished { earlier, uids })
}
