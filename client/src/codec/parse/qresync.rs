//! QRESYNC's values (RFC 7162 section 3.2).

use super::{ParseError, Parser};

/// `[SP "(EARLIER)"]` after `VANISHED`: whether the UIDs were expunged
/// before this command (an answer to SELECT or UID FETCH) rather than just
/// now. Takes its own leading SP.
pub fn earlier(p: &mut Parser<'_>) -> Result<bool, ParseError> {
    if p.peek() == Some(b' ') && p.peek_at(1) == Some(b'(') {
        p.advance();
        p.expect("(EARLIER)")?;
        return Ok(true);
    }
    Ok(false)
}
