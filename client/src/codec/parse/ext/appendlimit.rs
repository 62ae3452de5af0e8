//! The APPENDLIMIT status attribute's value (RFC 7889 section 4).

use crate::types::AppendLimit;

use crate::codec::parse::{ParseError, Parser};

/// `number / nil`: a mailbox's upload limit in octets, or NIL for none.
///
/// Leniency: RFC 7889 uses RFC 3501's 32-bit `number`; up to 2^63 - 1 is
/// read, as RFC 9051 sizes are.
pub fn append_limit(p: &mut Parser<'_>) -> Result<AppendLimit, ParseError> {
    if p.nil() {
        return Ok(AppendLimit::Unlimited);
    }
    if !p.peek().is_some_and(|b| b.is_ascii_digit()) {
        return Err(p.error("APPENDLIMIT's number or NIL"));
    }
    p.number64().map(AppendLimit::Octets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &'static [u8]) -> Result<AppendLimit, ParseError> {
        crate::codec::parse::parse_whole(input, append_limit)
    }

    #[test]
    fn a_number_or_nil() {
        assert_eq!(parse(b"10240\r\n").unwrap(), AppendLimit::Octets(10240));
        assert_eq!(parse(b"4294967295\r\n").unwrap().octets(), Some(4294967295));
        assert_eq!(parse(b"NIL\r\n").unwrap(), AppendLimit::Unlimited);
        assert_eq!(parse(b"nil\r\n").unwrap(), AppendLimit::Unlimited);
        let error = parse(b"\"10\"\r\n").unwrap_err();
        assert_eq!(error.offset(), 0, "{error}");
        assert!(parse(b"-1\r\n").is_err());
    }
}
