//! The `uid-set` of the UIDPLUS response codes (RFC 4315 section 4).

use crate::codec::parse::{ParseError, Parser};
use crate::types::UidSet;

/// `uid-set`: `nz-number` or `nz-number ":" nz-number`, comma-separated;
/// `*` and 0 are refused (a UID the server assigned is always known).
pub fn uid_set(p: &mut Parser<'_>) -> Result<UidSet, ParseError> {
    let mut ranges = Vec::new();
    loop {
        let first = uniqueid(p)?;
        let last = if p.eat(b':') { uniqueid(p)? } else { first };
        ranges.push(first..=last);
        if !p.eat(b',') {
            return Ok(UidSet::from_ranges(ranges));
        }
    }
}

/// `uniqueid = nz-number`, with an error that says it is a UID.
fn uniqueid(p: &mut Parser<'_>) -> Result<u32, ParseError> {
    if !p.peek().is_some_and(|b| b.is_ascii_digit()) {
        return Err(p.error("a UID (nz-number; `*` is not allowed in a uid-set)"));
    }
    p.nz_number()
}

#[cfg(test)]
mod tests {

    use super::*;

    fn parse(text: &str) -> Result<UidSet, ParseError> {
        crate::codec::parse::parse_whole(format!("{text}\r\n"), uid_set)
    }

    #[test]
    fn numbers_and_ranges_in_the_servers_order() {
        let set = parse("7,1:3,9:8").unwrap();
        assert_eq!(set.iter().collect::<Vec<_>>(), [7, 1, 2, 3, 8, 9]);
        assert_eq!(set.to_string(), "7,1:3,8:9");
    }

    #[test]
    fn a_whole_range_is_not_expanded() {
        let set = parse("1:4294967295").unwrap();
        assert_eq!(set.len(), 4_294_967_295);
        assert!(set.contains(4_000_000_000));
    }

    #[test]
    fn star_zero_and_empty_parts_are_refused() {
        for bad in ["*", "1:*", "0", "1,0", "1,", ",1", "1::2", ""] {
            assert!(parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
