//! The URLs of the REFERRAL response code (LOGIN-REFERRALS, RFC 2221;
//! MAILBOX-REFERRALS, RFC 2193).

use crate::codec::parse::{ParseError, Parser};

/// `url *(SP url)` (RFC 2193 section 3: `"REFERRAL" 1*(SP <url>)`), the
/// cursor after the code's SP. Each URL runs to the next SP or `]`: an
/// IMAP URL (RFC 5092) holds neither, its spaces are `%20`. A stray SP
/// before the `]` is allowed.
pub fn referral_urls(p: &mut Parser<'_>) -> Result<Vec<String>, ParseError> {
    let mut urls = vec![url(p)?];
    while p.peek() == Some(b' ') {
        p.sp()?;
        if matches!(p.peek(), Some(b']') | None) {
            break;
        }
        urls.push(url(p)?);
    }
    Ok(urls)
}

fn url(p: &mut Parser<'_>) -> Result<String, ParseError> {
    let url = p.take_while(|b| !matches!(b, b' ' | b']' | b'\r' | b'\n' | 0));
    if url.is_empty() {
        return Err(p.error("a referral URL"));
    }
    Ok(String::from_utf8_lossy(&url).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::parse::parse_whole;

    fn parse(input: &[u8]) -> Result<Vec<String>, ParseError> {
        parse_whole(input, referral_urls)
    }

    #[test]
    fn one_url() {
        assert_eq!(
            parse(b"IMAP://user;AUTH=*@SERVER2/\r\n").unwrap(),
            ["IMAP://user;AUTH=*@SERVER2/"]
        );
    }

    #[test]
    fn several_urls_separated_by_sp() {
        assert_eq!(
            parse(b"imap://a@s2/foo imap://a@s3/foo\r\n").unwrap(),
            ["imap://a@s2/foo", "imap://a@s3/foo"]
        );
    }

    #[test]
    fn a_stray_sp_before_the_bracket_ends_the_list() {
        let frame = bytes::Bytes::from_static(b"imap://s2/ ]");
        let limits = crate::codec::parse::Limits::DEFAULT;
        let mut p = Parser::new(&frame, &limits);
        assert_eq!(referral_urls(&mut p).unwrap(), ["imap://s2/"]);
        assert_eq!(p.peek(), Some(b']'));
    }

    #[test]
    fn no_url_is_an_error() {
        assert_eq!(parse(b"\r\n").unwrap_err().offset(), 0);
    }
}
