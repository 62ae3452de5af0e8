//! URLAUTH=BINARY (RFC 5524): what URLFETCH returns for one URL.

use crate::codec::parse::{body_structure, ParseError, Parser};
use crate::types::{UrlFetchData, UrlFetchForm};

/// The value after a URL in `* URLFETCH`: RFC 4467's `nstring`, or RFC
/// 5524's `url-metadata`, each item in parentheses of its own,
/// `(BODYPARTSTRUCTURE (...)) (BINARY ~{n}...)` (see [`UrlFetchData`]).
///
/// Leniency: the items may also come in one list, `(BODYPARTSTRUCTURE
/// (...) BINARY ~{n}...)` (Dovecot), or lists of lists; a
/// BODYPARTSTRUCTURE may be NIL (Cyrus 2.4); RFC 4467's `nstring` and
/// `BODY` may come as a `literal8` (Cyrus sends `~{n}` for data holding
/// NUL whatever was asked). Nesting counts towards `Limits::max_depth`.
pub fn url_fetch_data(p: &mut Parser<'_>) -> Result<UrlFetchData, ParseError> {
    let mut data = UrlFetchData::default();
    if p.peek() != Some(b'(') {
        data.content = p.nil_or(Parser::string8)?;
        return Ok(data);
    }
    loop {
        items(p, &mut data)?;
        // The next item of `url-metadata`; a URL (an astring) never
        // starts with `(`.
        if p.peek() == Some(b' ') && p.peek_at(1) == Some(b'(') {
            p.advance();
        } else {
            return Ok(data);
        }
    }
}

/// `"(" url-metadata-el ")"`, or (leniency) several items in one list,
/// where an item may itself be such a list.
fn items(p: &mut Parser<'_>, data: &mut UrlFetchData) -> Result<(), ParseError> {
    p.byte(b'(', "`(` opening URLFETCH's items")?;
    p.enter()?;
    loop {
        if p.peek() == Some(b'(') {
            items(p, data)?;
        } else {
            item(p, data)?;
        }
        if p.eat(b')') {
            break;
        }
        p.byte(b' ', "SP or `)` after a URLFETCH item")?;
    }
    p.leave();
    Ok(())
}

/// `"BODYPARTSTRUCTURE" SP body`, `"BINARY" SP (nstring / literal8)` or
/// `"BODY" SP nstring`: `url-metadata-el`.
fn item(p: &mut Parser<'_>, data: &mut UrlFetchData) -> Result<(), ParseError> {
    let start = p.position();
    let name = p
        .atom()
        .map_err(|_| p.error("a URLFETCH item: BODYPARTSTRUCTURE, BINARY or BODY"))?;
    let form = if name.eq_ignore_ascii_case("BODYPARTSTRUCTURE") {
        p.sp()?;
        data.body_part_structure = p.nil_or(body_structure)?;
        return Ok(());
    } else if name.eq_ignore_ascii_case("BINARY") {
        UrlFetchForm::Binary
    } else if name.eq_ignore_ascii_case("BODY") {
        UrlFetchForm::Body
    } else {
        return Err(p.error_at("a URLFETCH item: BODYPARTSTRUCTURE, BINARY or BODY", start));
    };
    p.sp()?;
    data.content = p.nil_or(Parser::string8)?;
    data.form = Some(form);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::parse::parse_whole;

    fn parse(input: &[u8]) -> Result<UrlFetchData, ParseError> {
        parse_whole([input, b"\r\n"].concat(), url_fetch_data)
    }

    #[test]
    fn rfc_4467s_nstring() {
        let data = parse(b"{5}\r\nhello").unwrap();
        assert_eq!(data.content.as_deref(), Some(&b"hello"[..]));
        assert_eq!(data.form, None);
        assert!(data.body_part_structure.is_none());
        assert!(parse(b"NIL").unwrap().content.is_none());
        assert_eq!(
            parse(b"~{2}\r\na\0").unwrap().content.as_deref(),
            Some(&b"a\0"[..])
        );
    }

    #[test]
    fn dovecots_one_list_of_items() {
        let data =
            parse(b"(BODYPARTSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"BASE64\" 4 1) BINARY ~{3}\r\na\0c)")
                .unwrap();
        assert_eq!(data.content.as_deref(), Some(&b"a\0c"[..]));
        assert_eq!(data.form, Some(UrlFetchForm::Binary));
        let structure = data.body_part_structure.unwrap();
        assert!(structure.root().media_type().eq_ignore_ascii_case(b"TEXT"));
    }

    #[test]
    fn each_item_in_parentheses_of_its_own() {
        let data = parse(
            b"(BODYPARTSTRUCTURE (\"IMAGE\" \"PNG\" NIL NIL NIL \"BASE64\" 8)) (BINARY ~{3}\r\na\0c)",
        )
        .unwrap();
        assert_eq!(data.content.as_deref(), Some(&b"a\0c"[..]));
        assert_eq!(data.form, Some(UrlFetchForm::Binary));
        let structure = data.body_part_structure.unwrap();
        assert_eq!(structure.root().media_subtype(), b"PNG");
        let data = parse(b"(BODYPARTSTRUCTURE NIL) (BINARY NIL)").unwrap();
        assert!(data.body_part_structure.is_none());
        assert_eq!(data.form, Some(UrlFetchForm::Binary));
        assert!(data.content.is_none());
        let data = parse(b"((BODYPARTSTRUCTURE NIL) (body \"x\"))").unwrap();
        assert_eq!(data.form, Some(UrlFetchForm::Body));
        assert_eq!(data.content.as_deref(), Some(&b"x"[..]));
    }

    #[test]
    fn errors_say_what_was_expected_and_where() {
        let error = parse(b"(BODYSTRUCTURE NIL)").unwrap_err();
        assert_eq!(error.offset(), 1);
        assert!(
            error
                .to_string()
                .contains("BODYPARTSTRUCTURE, BINARY or BODY"),
            "{error}"
        );
        assert!(parse(b"(BINARY \"x\"").is_err());
        assert!(parse(b"()").is_err());
        assert!(parse(b"(BINARY)").is_err(), "SP and a value after the name");
    }

    #[test]
    fn nesting_is_bounded() {
        let open = b"(".repeat(10_000);
        let close = b")".repeat(10_000);
        let deep = [&open[..], b"BODY NIL", &close[..]].concat();
        let error = parse(&deep).unwrap_err();
        assert!(error.to_string().contains("nesting"), "{error}");
    }
}
