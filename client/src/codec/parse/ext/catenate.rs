//! CATENATE's response code (RFC 4469 section 6).

use crate::codec::parse::{ParseError, Parser};

/// BADURL's URL: `url-resp-text = 1*(%x01-09 / %x0B-0C / %x0E-5B /
/// %x5D-FE)`, any text up to `]`. RFC 4469's own example, and Cyrus, put
/// it in quotes, which this reads as a quoted string (quotes are no part
/// of a URL); Dovecot sends it bare.
pub fn url_resp_text(p: &mut Parser<'_>) -> Result<String, ParseError> {
    if p.peek() == Some(b'"') {
        let quoted = p.quoted()?;
        return Ok(String::from_utf8_lossy(&quoted).into_owned());
    }
    let url = p.take_while(|b| !matches!(b, b']' | b'\r' | b'\n' | 0));
    if url.is_empty() {
        return Err(p.error("a URL"));
    }
    Ok(String::from_utf8_lossy(&url).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::parse::parse_whole;

    fn parse(input: &[u8]) -> Result<String, ParseError> {
        parse_whole(input, url_resp_text)
    }

    #[test]
    fn bare_or_quoted() {
        assert_eq!(parse(b"/Nope%20x/;UID=1\r\n").unwrap(), "/Nope%20x/;UID=1");
        assert_eq!(
            parse(b"\"/INBOX;UIDVALIDITY=785799047/;UID=113330/;section=1.5.9\"\r\n").unwrap(),
            "/INBOX;UIDVALIDITY=785799047/;UID=113330/;section=1.5.9"
        );
        assert_eq!(parse(b"\r\n").unwrap_err().offset(), 0);
    }
}
