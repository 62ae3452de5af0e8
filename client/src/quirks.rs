//! Known deviations of real servers from RFC 3501, and how this client
//! tolerates them.
//!
//! Each tolerance has a name, used in the parser's documentation where it
//! is applied, and the line that made it necessary, which the tests parse.
//! Tolerances are always on: each accepts input the grammar refuses without
//! changing what valid input means.

/// A server deviation the parser tolerates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quirk {
    /// The tolerance's name.
    pub name: &'static str,
    /// Where it was seen.
    pub seen_from: &'static str,
    /// A response that needs it.
    pub trigger: &'static [u8],
    /// What the parser does about it.
    pub tolerance: &'static str,
}

/// Every tolerance, in the order of issue 3.
pub const QUIRKS: &[Quirk] = &[
    MISSING_STATUS_TEXT,
    TRAILING_SPACE,
    STAR_IN_FLAGS,
    BRACKET_IN_FLAG,
    NEGATIVE_BODY_SIZE,
    NIL_BODY_ENCODING,
    BARE_CONTINUATION,
    SPACES_BETWEEN_ADDRESSES,
    EIGHT_BIT_STRINGS,
];

/// A response code with no text after it.
pub const MISSING_STATUS_TEXT: Quirk = Quirk {
    name: "missing_status_text",
    seen_from: "Gmail",
    trigger: b"* OK [HIGHESTMODSEQ 8912]\r\n",
    tolerance: "the SP and text after a status or its response code may be missing; the text reads as empty",
};

/// A space before the CRLF.
pub const TRAILING_SPACE: Quirk = Quirk {
    name: "trailing_space",
    seen_from: "Exchange / Outlook.com (STATUS, SEARCH, CAPABILITY)",
    trigger: b"* SEARCH 2 84 882 \r\n",
    tolerance: "spaces before the final CRLF (and before `]` after capabilities) are skipped",
};

/// `\*` in a FLAGS response, where only PERMANENTFLAGS may have it.
pub const STAR_IN_FLAGS: Quirk = Quirk {
    name: "star_in_flags",
    seen_from: "several servers",
    trigger: b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)\r\n",
    tolerance: "flag lists accept `\\*` everywhere",
};

/// `]` inside a flag of PERMANENTFLAGS.
pub const BRACKET_IN_FLAG: Quirk = Quirk {
    name: "bracket_in_flag",
    seen_from: "servers allowing any keyword (Dovecot with odd user flags)",
    trigger: b"* OK [PERMANENTFLAGS (\\Answered [test] \\*)] Flags permitted.\r\n",
    tolerance: "a flag may contain `]` (ASTRING-CHAR); a raw code balances brackets",
};

/// `-1` as the size of a body part.
pub const NEGATIVE_BODY_SIZE: Quirk = Quirk {
    name: "negative_body_size",
    seen_from: "Yahoo, some Exchange versions",
    trigger: b"* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" -1 0))\r\n",
    tolerance: "body-fld-octets `-1` reads as 0",
};

/// NIL as a body part's transfer encoding.
pub const NIL_BODY_ENCODING: Quirk = Quirk {
    name: "nil_body_encoding",
    seen_from: "Exchange, some Courier versions",
    trigger:
        b"* 1 FETCH (BODYSTRUCTURE (\"APPLICATION\" \"OCTET-STREAM\" NIL NIL NIL NIL 120))\r\n",
    tolerance: "body-fld-enc NIL reads as `None`",
};

/// A continuation request with nothing after `+`.
pub const BARE_CONTINUATION: Quirk = Quirk {
    name: "bare_continuation",
    seen_from: "several servers during AUTHENTICATE and literals",
    trigger: b"+\r\n",
    tolerance: "`+` CRLF is a continuation with empty text",
};

/// Spaces between the addresses of an envelope address list.
pub const SPACES_BETWEEN_ADDRESSES: Quirk = Quirk {
    name: "spaces_between_addresses",
    seen_from: "some Exchange and Zimbra versions",
    trigger: b"* 1 FETCH (ENVELOPE (NIL NIL ((NIL NIL \"a\" \"x.org\") (NIL NIL \"b\" \"x.org\")) NIL NIL NIL NIL NIL NIL NIL))\r\n",
    tolerance: "spaces between addresses in a list are skipped",
};

/// Latin-1 (or other 8-bit) bytes inside quoted strings.
pub const EIGHT_BIT_STRINGS: Quirk = Quirk {
    name: "eight_bit_strings",
    seen_from: "servers passing raw MIME parameters through (file names)",
    trigger: b"* 1 FETCH (BODYSTRUCTURE (\"APPLICATION\" \"PDF\" (\"NAME\" \"r\xe9sum\xe9.pdf\") NIL NIL \"BASE64\" 4000))\r\n",
    tolerance: "quoted strings accept 8-bit bytes, kept as bytes",
};

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::codec::parse::{self, Limits, Parser};
    use crate::response::{parse_response, parse_response_as, RawCode, RawData, Response};
    use crate::types::body_structure::BodyStructure;
    use crate::types::Flag;
    use crate::Code;

    fn response(quirk: &Quirk) -> Response {
        parse_response(&Bytes::from_static(quirk.trigger), &Limits::default())
            .unwrap_or_else(|e| panic!("{}: {e}", quirk.name))
    }

    /// Parses the trigger's FETCH attribute value with `f`, after `prefix`.
    fn fetch_value<T>(quirk: &Quirk, prefix: &str, f: impl FnOnce(&mut Parser<'_>) -> T) -> T {
        let frame = Bytes::from_static(quirk.trigger);
        let limits = Limits::default();
        let mut p = Parser::new(&frame, &limits);
        p.expect(prefix).unwrap();
        f(&mut p)
    }

    /// The root of a body structure that must be a single part.
    fn single_part(body: &BodyStructure) -> crate::types::body_structure::Part<'_> {
        let root = body.root();
        assert!(!root.is_multipart(), "expected a single part");
        root
    }

    #[test]
    fn every_trigger_parses_as_a_response() {
        for quirk in QUIRKS {
            response(quirk);
        }
    }

    #[test]
    fn missing_status_text_reads_as_empty_text() {
        let Response::Status(status) = response(&MISSING_STATUS_TEXT) else {
            panic!("expected a status response");
        };
        // HIGHESTMODSEQ is declared by spec/condstore.toml.
        assert!(
            matches!(status.code, Some(Code::HighestModSeq(8912))),
            "{:?}",
            status.code
        );
        assert!(status.text.is_empty());
    }

    #[test]
    fn trailing_space_after_search_numbers_is_skipped() {
        let numbers = fetch_value(&TRAILING_SPACE, "* SEARCH", parse::number_list).unwrap();
        assert_eq!(numbers, vec![2, 84, 882]);
    }

    #[test]
    fn bracket_in_flag_stays_inside_the_typed_code() {
        let Response::Status(status) = response(&BRACKET_IN_FLAG) else {
            panic!("expected a status response");
        };
        let Some(Code::PermanentFlags(flags)) = status.code else {
            panic!("expected PERMANENTFLAGS");
        };
        assert_eq!(
            flags,
            [
                Flag::Answered,
                Flag::Keyword("[test]".into()),
                Flag::MayCreate
            ]
        );
        assert_eq!(&status.text[..], b"Flags permitted.");
    }

    #[test]
    fn bracket_in_flag_stays_inside_a_raw_code() {
        let frame = Bytes::from_static(BRACKET_IN_FLAG.trigger);
        let parsed = parse_response_as::<RawData, RawCode>(&frame, &Limits::default());
        let Ok(Response::Status(status)) = parsed else {
            panic!("expected a status response");
        };
        assert_eq!(
            status.code,
            Some(RawCode {
                name: "PERMANENTFLAGS".into(),
                arguments: Some(Bytes::from_static(b"(\\Answered [test] \\*)")),
            })
        );
        assert_eq!(&status.text[..], b"Flags permitted.");
    }

    #[test]
    fn star_in_flags_reads_as_may_create() {
        let flags = fetch_value(&STAR_IN_FLAGS, "* FLAGS ", parse::flag_list).unwrap();
        assert_eq!(flags.last(), Some(&Flag::MayCreate));
        assert_eq!(flags.len(), 6);
    }

    #[test]
    fn bracket_in_flag_is_part_of_the_keyword() {
        let flags =
            fetch_value(&BRACKET_IN_FLAG, "* OK [PERMANENTFLAGS ", parse::flag_list).unwrap();
        assert_eq!(
            flags,
            vec![
                Flag::Answered,
                Flag::Keyword("[test]".into()),
                Flag::MayCreate
            ]
        );
    }

    #[test]
    fn negative_body_size_reads_as_zero() {
        let body = fetch_value(
            &NEGATIVE_BODY_SIZE,
            "* 1 FETCH (BODYSTRUCTURE ",
            parse::body_structure,
        );
        assert_eq!(single_part(&body.unwrap()).octets(), 0);
    }

    #[test]
    fn other_negative_body_sizes_are_refused() {
        let frame = Bytes::from_static(b"(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" -12 0)");
        let limits = Limits::default();
        assert!(parse::body_structure(&mut Parser::new(&frame, &limits)).is_err());
    }

    #[test]
    fn nil_body_encoding_reads_as_none() {
        let body = fetch_value(
            &NIL_BODY_ENCODING,
            "* 1 FETCH (BODYSTRUCTURE ",
            parse::body_structure,
        );
        let body = body.unwrap();
        let part = single_part(&body);
        assert_eq!((part.encoding(), part.octets()), (None, 120));
    }

    #[test]
    fn bare_continuation_has_empty_text() {
        let Response::Continuation(c) = response(&BARE_CONTINUATION) else {
            panic!("expected a continuation");
        };
        assert!(c.text.is_empty() && c.code.is_none());
    }

    #[test]
    fn spaces_between_addresses_are_skipped() {
        let envelope = fetch_value(
            &SPACES_BETWEEN_ADDRESSES,
            "* 1 FETCH (ENVELOPE ",
            parse::envelope,
        )
        .unwrap();
        let mailboxes: Vec<_> = envelope.from().map(|a| a.mailbox()).collect();
        assert_eq!(mailboxes, [Some(&b"a"[..]), Some(&b"b"[..])]);
    }

    #[test]
    fn eight_bit_strings_are_kept_as_bytes() {
        let body = fetch_value(
            &EIGHT_BIT_STRINGS,
            "* 1 FETCH (BODYSTRUCTURE ",
            parse::body_structure,
        );
        let body = body.unwrap();
        let part = single_part(&body);
        assert_eq!(
            part.params().next().map(|(_, v)| v),
            Some(&b"r\xe9sum\xe9.pdf"[..])
        );
    }
}
