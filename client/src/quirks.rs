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

/// Every tolerance, in the order of issue 3, then of issue 13.
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
    PARENTHESISED_FETCH_ITEMS,
    NEGATIVE_MODSEQ,
    BARE_RESPONSE_CODE,
    MISSING_SECTION_VALUE,
    EMPTY_DELIMITER,
    BARE_LF_LINE_END,
    EXPUNGED_KEYWORD,
    SELECT_WITHOUT_FLAGS,
    ID_WITHOUT_DATA,
    QUOTA_WITHOUT_RESOURCES,
    LATE_RESPONSE_CODE,
];

/// Message-data keywords servers send in place of the one RFC 3501 names
/// (quirk `expunged_keyword`), with that one.
const KEYWORD_ALIASES: &[(&str, &str)] = &[("EXPUNGED", "EXPUNGE")];

/// The keyword of `* n keyword`, as RFC 3501 names it: `keyword` itself
/// unless it is a known alias (`EXPUNGED` reads as `EXPUNGE`).
pub(crate) fn message_data_keyword(keyword: &str) -> &str {
    KEYWORD_ALIASES
        .iter()
        .find(|(alias, _)| keyword.eq_ignore_ascii_case(alias))
        .map_or(keyword, |(_, name)| name)
}

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

/// FETCH attributes wrapped in one more pair of parentheses.
pub const PARENTHESISED_FETCH_ITEMS: Quirk = Quirk {
    name: "parenthesised_fetch_items",
    seen_from: "IBM/HCL Domino",
    trigger: b"* 2 FETCH (UID 14 (ENVELOPE (NIL \"hi\" NIL NIL NIL NIL NIL NIL NIL NIL)) BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 0 0 NIL))\r\n",
    tolerance: "an attribute in parentheses of its own (one level) reads as if they were absent",
};

/// A negative MODSEQ.
pub const NEGATIVE_MODSEQ: Quirk = Quirk {
    name: "negative_modseq",
    seen_from: "Zoho",
    trigger: b"* 3 FETCH (MODSEQ (-1) FLAGS (\\Seen) UID 9)\r\n",
    tolerance: "a negative MODSEQ reads as 0, which no message has: no mod-sequence",
};

/// A response code alone on its line, without `* OK`.
pub const BARE_RESPONSE_CODE: Quirk = Quirk {
    name: "bare_response_code",
    seen_from: "Exchange (COPY)",
    trigger: b"[COPYUID 55 31 6]\r\n",
    tolerance: "a line starting with `[` is an untagged OK with that code",
};

/// A sectioned FETCH attribute without its value.
pub const MISSING_SECTION_VALUE: Quirk = Quirk {
    name: "missing_section_value",
    seen_from: "Yandex",
    trigger: b"* 4 FETCH (UID 12 BODY[2])\r\n",
    tolerance: "`BODY[section]` (or `BINARY[...]`) right before `)` reads as NIL",
};

/// `""` as the hierarchy delimiter of a LIST response.
pub const EMPTY_DELIMITER: Quirk = Quirk {
    name: "empty_delimiter",
    seen_from: "servers without a hierarchy",
    trigger: b"* LIST (\\HasNoChildren) \"\" INBOX\r\n",
    tolerance: "a delimiter `\"\"` reads as NIL: no hierarchy",
};

/// A response ending in LF without CR.
pub const BARE_LF_LINE_END: Quirk = Quirk {
    name: "bare_lf_line_end",
    seen_from: "GNU mailutils 3.15 (the tagged OK of AUTHENTICATE)",
    trigger: b"A1 OK AUTHENTICATE PLAIN authentication successful\n",
    tolerance: "the framer hands a response whose last line ends in a bare LF out with CRLF; a literal announcement must still end in CRLF",
};

/// `EXPUNGED` for `EXPUNGE`.
pub const EXPUNGED_KEYWORD: Quirk = Quirk {
    name: "expunged_keyword",
    seen_from: "GNU mailutils 3.15 (EXPUNGE)",
    trigger: b"* 1 EXPUNGED\r\n",
    tolerance: "`* n EXPUNGED` reads as `* n EXPUNGE`",
};

/// A SELECT completed without `* FLAGS`.
pub const SELECT_WITHOUT_FLAGS: Quirk = Quirk {
    name: "select_without_flags",
    seen_from: "minimal servers",
    trigger: b"A1 OK [READ-WRITE] SELECT completed\r\n",
    tolerance: "`Selected::flags` is `None` when no `* FLAGS` came; a response a command's result needs that did not come is `Error::MissingResponse`, which leaves the session usable",
};

/// An ID answered with the tagged OK alone.
pub const ID_WITHOUT_DATA: Quirk = Quirk {
    name: "id_without_data",
    seen_from: "GNU mailutils 3.15 (after login)",
    trigger: b"A1 OK ID Completed\r\n",
    tolerance: "ID without `* ID` gives `None`, as `* ID NIL` does",
};

/// A QUOTA response without its resource list.
pub const QUOTA_WITHOUT_RESOURCES: Quirk = Quirk {
    name: "quota_without_resources",
    seen_from: "Courier 5 (GETQUOTAROOT, GETQUOTA)",
    trigger: b"* QUOTA \"ROOT\"\r\n",
    tolerance: "no resource list reads as an empty one",
};

/// A response code after the status's text.
pub const LATE_RESPONSE_CODE: Quirk = Quirk {
    name: "late_response_code",
    seen_from: "recorded traffic (COPY into a missing mailbox)",
    trigger: b"A1 NO COPY [TRYCREATE] failed\r\n",
    tolerance: "kept as text, as RFC 3501 section 7.1 reads it (a code comes first); `tracing` warns once per session, since the server's codes reach no client",
};

/// Whether a status text holds what looks like a response code after
/// other text (quirk `late_response_code`): ` [`, an upper-case atom,
/// then `]` or a space.
pub(crate) fn has_late_code(text: &[u8]) -> bool {
    // `memchr` for the `[`: a `memmem` finder is built on each call, which
    // every tagged completion's text would pay.
    memchr::memchr_iter(b'[', text).any(|at| {
        if at == 0 || text.get(at - 1) != Some(&b' ') {
            return false;
        }
        let rest = text.get(at + 1..).unwrap_or_default();
        let name_len = rest
            .iter()
            .take_while(|b| b.is_ascii_uppercase() || **b == b'-')
            .count();
        name_len > 0 && matches!(rest.get(name_len), Some(b']' | b' '))
    })
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::codec::frame::Framer;
    use crate::codec::parse::{self, Limits, Parser};
    use crate::command::{Command, Completed};
    use crate::response::{
        parse_response, parse_response_as, RawCode, RawData, Response, Status, StatusResponse,
    };
    use crate::types::body_structure::BodyStructure;
    use crate::types::{Flag, Section, UidSet};
    use crate::{Code, Data, Id, Message, Select};

    /// The trigger as the framer hands it out: one frame.
    fn frame(quirk: &Quirk) -> Bytes {
        let mut framer = Framer::new(Limits::default());
        framer.push(quirk.trigger);
        let frame = framer
            .next_frame()
            .unwrap_or_else(|e| panic!("{}: {e}", quirk.name));
        assert!(!framer.is_mid_response(), "{}: one frame", quirk.name);
        frame.unwrap_or_else(|| panic!("{}: incomplete", quirk.name))
    }

    /// The trigger, framed and parsed.
    fn response(quirk: &Quirk) -> Response {
        parse_response(&frame(quirk), &Limits::default())
            .unwrap_or_else(|e| panic!("{}: {e}", quirk.name))
    }

    /// The message of a trigger that is a FETCH response.
    fn fetched(quirk: &Quirk) -> Box<Message> {
        match response(quirk) {
            Response::Data(Data::Fetch(fetched)) => fetched.message,
            other => panic!("{}: expected FETCH, got {other:?}", quirk.name),
        }
    }

    /// The code of a trigger that is a tagged status response.
    fn tagged_codes(quirk: &Quirk) -> Vec<Code> {
        match response(quirk) {
            Response::Tagged { status, .. } => status.code.into_iter().collect(),
            other => panic!("{}: expected a tagged response, got {other:?}", quirk.name),
        }
    }

    fn completed(data: Vec<Data>, codes: Vec<Code>) -> Completed {
        Completed {
            status: Status::Ok,
            data,
            codes,
        }
    }

    /// `line` framed and parsed.
    fn parse_line(line: &'static [u8]) -> Result<Response, parse::ParseError> {
        let mut framer = Framer::new(Limits::default());
        framer.push(line);
        let frame = framer.next_frame().unwrap().unwrap();
        parse_response(&frame, &Limits::default())
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
    fn every_trigger_frames_alike_split_at_every_byte() {
        for quirk in QUIRKS {
            let whole = frame(quirk);
            for split in 0..=quirk.trigger.len() {
                let (head, tail) = quirk.trigger.split_at(split);
                let mut framer = Framer::new(Limits::default());
                framer.push(b"* 1 EXISTS\r\n");
                framer.push(head);
                let mut frames = Vec::new();
                while let Some(frame) = framer.next_frame().unwrap() {
                    frames.push(frame);
                }
                framer.push(tail);
                framer.push(b"* 2 EXISTS\r\n");
                while let Some(frame) = framer.next_frame().unwrap() {
                    frames.push(frame);
                }
                assert_eq!(
                    frames,
                    [
                        Bytes::from_static(b"* 1 EXISTS\r\n"),
                        whole.clone(),
                        Bytes::from_static(b"* 2 EXISTS\r\n")
                    ],
                    "{} split at {split}",
                    quirk.name
                );
            }
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

    #[test]
    fn parenthesised_fetch_items_read_as_if_absent() {
        let message = fetched(&PARENTHESISED_FETCH_ITEMS);
        assert_eq!(message.uid, Some(14));
        let envelope = message.envelope.as_ref().expect("ENVELOPE");
        assert_eq!(envelope.subject(), Some(&b"hi"[..]));
        let body = message.body_structure.as_ref().expect("BODYSTRUCTURE");
        assert_eq!(single_part(body).octets(), 0);
        assert!(message.extra.is_empty());
    }

    #[test]
    fn parenthesised_first_and_last_fetch_items_read_as_if_absent() {
        let lines: [&'static [u8]; 2] = [
            b"* 2 FETCH ((BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 3 1)))\r\n",
            b"* 2 FETCH (UID 14 (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 3 1)))\r\n",
        ];
        for line in lines {
            let Ok(Response::Data(Data::Fetch(fetched))) = parse_line(line) else {
                panic!("{}", line.escape_ascii());
            };
            let body = fetched.message.body_structure.expect("BODYSTRUCTURE");
            assert_eq!(single_part(&body).octets(), 3);
        }
    }

    #[test]
    fn several_fetch_items_inside_one_pair_of_parentheses_are_read() {
        let Ok(Response::Data(Data::Fetch(fetched))) =
            parse_line(b"* 2 FETCH ((UID 14 RFC822.SIZE 20) FLAGS ())\r\n")
        else {
            panic!("expected FETCH");
        };
        let message = fetched.message;
        assert_eq!((message.uid, message.rfc822_size), (Some(14), Some(20)));
        assert_eq!(message.flags, Some(vec![]));
    }

    #[test]
    fn fetch_items_two_parentheses_deep_are_refused() {
        let error = parse_line(b"* 2 FETCH (UID 14 ((RFC822.SIZE 20)))\r\n").unwrap_err();
        assert_eq!(error.expected(), "attribute name");
    }

    #[test]
    fn negative_modseq_reads_as_zero() {
        let message = fetched(&NEGATIVE_MODSEQ);
        assert_eq!(message.mod_seq, Some(0));
        assert_eq!(message.flags, Some(vec![Flag::Seen]));
        assert_eq!(message.uid, Some(9));
    }

    #[test]
    fn negative_modseq_needs_digits() {
        let error = parse_line(b"* 3 FETCH (MODSEQ (-))\r\n").unwrap_err();
        assert_eq!(error.expected(), "number");
    }

    #[test]
    fn bare_response_code_is_an_untagged_ok_with_that_code() {
        let Response::Status(status) = response(&BARE_RESPONSE_CODE) else {
            panic!("expected an untagged status response");
        };
        assert_eq!(status.status, Status::Ok);
        let Some(Code::CopyUid(copied)) = status.code else {
            panic!("expected COPYUID, got {:?}", status.code);
        };
        assert_eq!(copied.uid_validity, 55);
        assert_eq!(copied.source, UidSet::from_ranges([31..=31]));
        assert_eq!(copied.destination, UidSet::from_ranges([6..=6]));
        assert!(status.text.is_empty());
    }

    #[test]
    fn bare_response_code_keeps_text_after_it() {
        let Ok(Response::Status(StatusResponse { code, text, .. })) =
            parse_line(b"[ALERT] Mailbox almost full\r\n")
        else {
            panic!("expected an untagged status response");
        };
        assert!(matches!(code, Some(Code::Alert)), "{code:?}");
        assert_eq!(&text[..], b"Mailbox almost full");
    }

    #[test]
    fn missing_section_value_reads_as_nil() {
        let message = fetched(&MISSING_SECTION_VALUE);
        assert_eq!(message.uid, Some(12));
        let [(section, value)] = &message.body_sections[..] else {
            panic!("expected one BODY[2], got {:?}", message.body_sections);
        };
        assert_eq!(
            section.section,
            Section {
                part: vec![2],
                text: None
            }
        );
        assert_eq!(*value, None);
    }

    #[test]
    fn missing_binary_section_value_reads_as_nil() {
        let Ok(Response::Data(Data::Fetch(fetched))) = parse_line(b"* 4 FETCH (BINARY[2])\r\n")
        else {
            panic!("expected FETCH");
        };
        assert_eq!(fetched.message.binary_sections.len(), 1);
        assert_eq!(fetched.message.binary_sections[0].1, None);
    }

    #[test]
    fn missing_section_value_of_a_number_is_refused() {
        let error = parse_line(b"* 4 FETCH (BINARY.SIZE[2])\r\n").unwrap_err();
        assert_eq!(error.expected(), "number");
    }

    #[test]
    fn empty_delimiter_reads_as_nil() {
        let Response::Data(Data::List(item)) = response(&EMPTY_DELIMITER) else {
            panic!("expected LIST");
        };
        assert_eq!(item.delimiter, None);
        assert_eq!(item.mailbox.as_str(), "INBOX");
        assert_eq!(item.attributes, [crate::MailboxAttribute::HasNoChildren]);
    }

    #[test]
    fn bare_lf_line_end_reads_as_crlf() {
        assert_eq!(
            &frame(&BARE_LF_LINE_END)[..],
            b"A1 OK AUTHENTICATE PLAIN authentication successful\r\n"
        );
        let Response::Tagged { tag, status } = response(&BARE_LF_LINE_END) else {
            panic!("expected a tagged response");
        };
        assert_eq!((tag.as_str(), status.status), ("A1", Status::Ok));
        assert_eq!(
            &status.text[..],
            b"AUTHENTICATE PLAIN authentication successful"
        );
    }

    #[test]
    fn expunged_keyword_reads_as_expunge() {
        let Response::Data(Data::Expunge(n)) = response(&EXPUNGED_KEYWORD) else {
            panic!("expected EXPUNGE");
        };
        assert_eq!(n, 1);
    }

    #[test]
    fn expunged_keyword_without_a_number_is_not_expunge() {
        let parsed = parse_line(b"* EXPUNGED 1\r\n").unwrap();
        assert!(
            matches!(parsed, Response::Data(Data::Other(_))),
            "{parsed:?}"
        );
    }

    #[test]
    fn select_without_flags_has_no_flags() {
        let codes = tagged_codes(&SELECT_WITHOUT_FLAGS);
        let selected = Select::output(completed(vec![Data::Exists(0)], codes)).unwrap();
        assert_eq!(selected.flags, None);
        assert_eq!(selected.exists, 0);
        assert!(!selected.read_only);
    }

    #[test]
    fn select_without_exists_is_a_non_fatal_missing_response() {
        let codes = tagged_codes(&SELECT_WITHOUT_FLAGS);
        let error = Select::output(completed(vec![], codes)).unwrap_err();
        assert!(
            matches!(&error, crate::Error::MissingResponse { response, .. } if response == "* EXISTS"),
            "{error}"
        );
        assert!(!error.is_fatal());
    }

    #[test]
    fn id_without_data_gives_none() {
        let codes = tagged_codes(&ID_WITHOUT_DATA);
        assert_eq!(Id::output(completed(vec![], codes)).unwrap(), None);
    }

    #[test]
    fn quota_without_resources_has_an_empty_list() {
        let Response::Data(Data::Quota(quota)) = response(&QUOTA_WITHOUT_RESOURCES) else {
            panic!("expected QUOTA");
        };
        assert_eq!(&quota.root[..], b"ROOT");
        assert!(quota.resources.is_empty());
    }

    #[test]
    fn late_response_code_stays_text_and_is_recognised() {
        let Response::Tagged { status, .. } = response(&LATE_RESPONSE_CODE) else {
            panic!("expected a tagged status");
        };
        assert!(status.code.is_none());
        assert_eq!(&status.text[..], b"COPY [TRYCREATE] failed");
        assert!(has_late_code(&status.text));
    }

    #[test]
    fn late_codes_are_recognised_only_after_text() {
        assert!(has_late_code(b"x [READ-ONLY]"));
        assert!(has_late_code(b"x [BADCHARSET (UTF-8)] no"));
        assert!(!has_late_code(b"see [1] for details"));
        assert!(!has_late_code(b"x [lower] case"));
        assert!(!has_late_code(b"plain text"));
        assert!(!has_late_code(b"[ALERT] first"));
        assert!(!has_late_code(b"x[ALERT] unspaced"));
        assert!(has_late_code(b"x[y] z [ALERT]"));
        assert!(!has_late_code(b"ends with ["));
    }
}
