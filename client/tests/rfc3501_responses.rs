//! The example responses of RFC 3501 sections 6 to 8 that concern the
//! response framework (section 7.1: status responses and their codes,
//! continuation requests) and the grammar primitives (envelope, body
//! structure, date-time, capabilities, numbers, sections).
//!
//! The typed results of each command come from the generated code and are
//! tested with it.

use bytes::Bytes;
use typed_imap::codec::frame::Framer;
use typed_imap::codec::parse::{self, Limits, Parser};
use typed_imap::response::{parse_response, Response, Status, StatusResponse};
use typed_imap::types::body_structure::{BodyExtension, BodyStructure, PartKind};
use typed_imap::types::{
    Address, Addresses, Capability, Envelope, Flag, Mailbox, Section, SectionText,
};
use typed_imap::{Code, Data};

fn response(line: &'static str) -> Response {
    parse_response(&Bytes::from_static(line.as_bytes()), &Limits::default())
        .unwrap_or_else(|e| panic!("{line:?}: {e}"))
}

fn untagged_status(line: &'static str) -> StatusResponse {
    match response(line) {
        Response::Status(status) => status,
        other => panic!("expected an untagged status, got {other:?}"),
    }
}

fn tagged(line: &'static str) -> (String, StatusResponse) {
    match response(line) {
        Response::Tagged { tag, status } => (tag, status),
        other => panic!("expected a tagged status, got {other:?}"),
    }
}

fn with_parser<T>(input: &str, f: impl FnOnce(&mut Parser<'_>) -> T) -> T {
    let frame = Bytes::copy_from_slice(input.as_bytes());
    let limits = Limits::default();
    f(&mut Parser::new(&frame, &limits))
}

fn b(s: &'static str) -> Bytes {
    Bytes::from_static(s.as_bytes())
}

// Section 7.1: status responses.

#[test]
fn s7_1_1_untagged_ok_greeting() {
    let status = untagged_status("* OK IMAP4rev1 server ready\r\n");
    assert_eq!(status.status, Status::Ok);
    assert!(status.code.is_none());
    assert_eq!(status.text, b("IMAP4rev1 server ready"));
}

#[test]
fn s7_1_1_tagged_ok() {
    let (tag, status) = tagged("A001 OK LOGIN Completed\r\n");
    assert_eq!(tag, "A001");
    assert_eq!(
        (status.status, status.text),
        (Status::Ok, b("LOGIN Completed"))
    );
}

#[test]
fn s7_1_2_untagged_and_tagged_no() {
    let status = untagged_status("* NO Disk is 98% full, please delete unnecessary data\r\n");
    assert_eq!(status.status, Status::No);
    let (tag, status) = tagged("A222 NO COPY failed: disk is full\r\n");
    assert_eq!((tag.as_str(), status.status), ("A222", Status::No));
    assert_eq!(status.text, b("COPY failed: disk is full"));
}

#[test]
fn s7_1_3_untagged_and_tagged_bad() {
    assert_eq!(
        untagged_status("* BAD Command line too long\r\n").status,
        Status::Bad
    );
    let (tag, status) = tagged("A443 BAD Empty command line\r\n");
    assert_eq!((tag.as_str(), status.status), ("A443", Status::Bad));
}

#[test]
fn s7_1_4_preauth_greeting() {
    let status = untagged_status("* PREAUTH IMAP4rev1 server logged in as Smith\r\n");
    assert_eq!(status.status, Status::PreAuth);
    assert_eq!(status.text, b("IMAP4rev1 server logged in as Smith"));
}

#[test]
fn s7_1_5_bye() {
    let status = untagged_status("* BYE Autologout; idle for too long\r\n");
    assert_eq!(status.status, Status::Bye);
}

#[test]
fn tagged_bye_is_refused() {
    let err = parse_response(&b("A1 BYE no\r\n"), &Limits::default()).unwrap_err();
    assert_eq!(err.expected(), "OK, NO or BAD after a tag");
}

#[test]
fn tag_with_plus_is_refused() {
    assert!(parse_response(&b("A+1 OK done\r\n"), &Limits::default()).is_err());
}

// Section 6.3.1 (SELECT): response codes on status responses.

#[test]
fn s6_3_1_unseen_code() {
    let status = untagged_status("* OK [UNSEEN 12] Message 12 is first unseen\r\n");
    assert!(matches!(status.code, Some(Code::Unseen(12))));
    assert_eq!(status.text, b("Message 12 is first unseen"));
}

#[test]
fn s6_3_1_uid_validity_and_uid_next_codes() {
    let status = untagged_status("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n");
    assert!(matches!(
        status.code,
        Some(Code::UidValidity(3_857_529_045))
    ));
    let status = untagged_status("* OK [UIDNEXT 4392] Predicted next UID\r\n");
    assert!(matches!(status.code, Some(Code::UidNext(4392))));
}

#[test]
fn s6_3_1_permanent_flags_code() {
    let status = untagged_status("* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n");
    let Some(Code::PermanentFlags(flags)) = status.code else {
        panic!("expected PERMANENTFLAGS");
    };
    assert_eq!(flags, [Flag::Deleted, Flag::Seen, Flag::MayCreate]);
    assert_eq!(status.text, b("Limited"));
}

#[test]
fn s6_3_1_read_write_code_on_tagged_ok() {
    let (_, status) = tagged("A142 OK [READ-WRITE] SELECT completed\r\n");
    assert!(matches!(status.code, Some(Code::ReadWrite)));
    assert_eq!(status.text, b("SELECT completed"));
}

#[test]
fn s6_3_2_read_only_code_on_tagged_ok() {
    let (_, status) = tagged("A932 OK [READ-ONLY] EXAMINE completed\r\n");
    assert!(matches!(status.code, Some(Code::ReadOnly)));
}

#[test]
fn s6_3_3_trycreate_code_on_tagged_no() {
    let (_, status) = tagged("A003 NO [TRYCREATE] Mailbox doesn't exist: owatagusiam\r\n");
    assert!(matches!(status.code, Some(Code::TryCreate)));
}

#[test]
fn s7_1_capability_code_keeps_its_list() {
    let status = untagged_status("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready\r\n");
    let Some(Code::Capability(caps)) = status.code else {
        panic!("expected CAPABILITY");
    };
    let names: Vec<&str> = caps.iter().map(Capability::as_str).collect();
    assert_eq!(names, ["IMAP4rev1", "STARTTLS", "AUTH=PLAIN"]);
}

// Section 7.5: continuation requests.

#[test]
fn s7_5_continuation_with_text() {
    let Response::Continuation(c) = response("+ Ready for additional command text\r\n") else {
        panic!("expected a continuation");
    };
    assert!(c.code.is_none());
    assert_eq!(c.text, b("Ready for additional command text"));
}

#[test]
fn s6_2_2_authenticate_challenge_is_kept_as_text() {
    let Response::Continuation(c) =
        response("+ YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHeceP2CWY0SR0fAQAgAAQEBAQ=\r\n")
    else {
        panic!("expected a continuation");
    };
    assert_eq!(
        c.text,
        b("YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHeceP2CWY0SR0fAQAgAAQEBAQ=")
    );
}

#[test]
fn s6_2_2_empty_challenge() {
    let Response::Continuation(c) = response("+ \r\n") else {
        panic!("expected a continuation");
    };
    assert_eq!(c.text, Bytes::new());
}

// Section 7.2-7.4: untagged data, typed by the generated parsers.

#[test]
fn s7_4_1_expunge_carries_its_number() {
    assert!(matches!(
        response("* 22 EXPUNGE\r\n"),
        Response::Data(Data::Expunge(22))
    ));
}

#[test]
fn s7_3_1_exists_and_s7_3_2_recent() {
    assert!(matches!(
        response("* 23 EXISTS\r\n"),
        Response::Data(Data::Exists(23))
    ));
    assert!(matches!(
        response("* 5 RECENT\r\n"),
        Response::Data(Data::Recent(5))
    ));
}

#[test]
fn s7_2_1_capability_data() {
    let Response::Data(Data::Capability(caps)) =
        response("* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\n")
    else {
        panic!("expected CAPABILITY data");
    };
    assert_eq!(caps.len(), 4);
    assert!(caps[3].is("LOGINDISABLED"));
}

#[test]
fn s7_2_2_list_data() {
    let Response::Data(Data::List(item)) = response("* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n")
    else {
        panic!("expected LIST data");
    };
    assert_eq!(item.attributes, [typed_imap::MailboxAttribute::NoSelect]);
    assert_eq!(item.delimiter, Some('/'));
    assert_eq!(item.mailbox, Mailbox::new("~/Mail/foo"));
}

#[test]
fn s7_2_3_lsub_data() {
    let Response::Data(Data::Lsub(item)) = response("* LSUB () \".\" #news.comp.mail.misc\r\n")
    else {
        panic!("expected LSUB data");
    };
    assert_eq!(item.delimiter, Some('.'));
    assert_eq!(item.mailbox.as_str(), "#news.comp.mail.misc");
}

#[test]
fn s7_2_4_status_data() {
    let Response::Data(Data::Status(status)) =
        response("* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n")
    else {
        panic!("expected STATUS data");
    };
    assert_eq!(status.mailbox.as_str(), "blurdybloop");
    let debug = format!("{:?}", status.attributes);
    assert!(debug.contains("231") && debug.contains("44292"), "{debug}");
}

#[test]
fn s7_2_5_search_data() {
    let Response::Data(Data::Search(result)) = response("* SEARCH 2 3 6\r\n") else {
        panic!("expected SEARCH data");
    };
    assert_eq!(result.numbers, [2, 3, 6]);
    assert_eq!(result.mod_seq, None);
}

#[test]
fn rfc7162_search_data_with_its_highest_modseq() {
    let Response::Data(Data::Search(result)) =
        response("* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)\r\n")
    else {
        panic!("expected SEARCH data");
    };
    assert_eq!(result.numbers, [2, 5, 6, 7, 11, 12, 18, 19, 20, 23]);
    assert_eq!(result.mod_seq, Some(917162500));
}

#[test]
fn s7_2_6_flags_data() {
    let Response::Data(Data::Flags(flags)) =
        response("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n")
    else {
        panic!("expected FLAGS data");
    };
    assert_eq!(
        flags,
        [
            Flag::Answered,
            Flag::Flagged,
            Flag::Deleted,
            Flag::Seen,
            Flag::Draft
        ]
    );
}

#[test]
fn s7_4_2_fetch_flags_data() {
    let Response::Data(Data::Fetch(fetched)) =
        response("* 23 FETCH (FLAGS (\\Seen) UID 4827313)\r\n")
    else {
        panic!("expected FETCH data");
    };
    assert_eq!(fetched.seq, 23);
    assert_eq!(fetched.message.flags, Some(vec![Flag::Seen]));
    assert_eq!(fetched.message.uid, Some(4_827_313));
}

#[test]
fn unknown_untagged_data_is_kept_raw() {
    let Response::Data(Data::Other(raw)) = response("* XFOO 1 2\r\n") else {
        panic!("expected raw data");
    };
    assert_eq!((raw.keyword.as_str(), raw.arguments), ("XFOO", b("1 2")));
}

#[test]
fn malformed_status_data_is_an_error() {
    // shared/adversarial.md item 25.
    assert!(parse_response(&b("* STATUS\r\n"), &Limits::default()).is_err());
    assert!(parse_response(&b("* FLAGS\r\n"), &Limits::default()).is_err());
}

// Primitives on the RFC's examples.

#[test]
fn s7_2_1_capability_list() {
    let caps = with_parser(
        " IMAP4rev1 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\n",
        parse::capabilities,
    )
    .unwrap();
    let names: Vec<&str> = caps.iter().map(Capability::as_str).collect();
    assert_eq!(
        names,
        ["IMAP4rev1", "STARTTLS", "AUTH=GSSAPI", "LOGINDISABLED"]
    );
    assert_eq!(caps[2].auth_mechanism(), Some("GSSAPI"));
}

#[test]
fn s7_2_5_search_numbers() {
    assert_eq!(
        with_parser(" 2 3 6\r\n", parse::number_list).unwrap(),
        vec![2, 3, 6]
    );
}

#[test]
fn s7_2_5_empty_search() {
    assert_eq!(
        with_parser("\r\n", parse::number_list).unwrap(),
        Vec::<u32>::new()
    );
}

#[test]
fn s7_2_6_flags_list() {
    let flags = with_parser(
        "(\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
        parse::flag_list,
    )
    .unwrap();
    assert_eq!(
        flags,
        [
            Flag::Answered,
            Flag::Flagged,
            Flag::Deleted,
            Flag::Seen,
            Flag::Draft
        ]
    );
}

#[test]
fn s7_2_2_list_attributes_are_extension_flags() {
    let flags = with_parser("(\\Noselect)", parse::flag_list).unwrap();
    assert_eq!(flags, [Flag::Extension("Noselect".into())]);
}

#[test]
fn s6_3_1_permanent_flags_with_keywords_and_star() {
    let flags = with_parser("(\\Deleted \\Seen $Forwarded \\*)", parse::flag_list).unwrap();
    assert_eq!(
        flags,
        [
            Flag::Deleted,
            Flag::Seen,
            Flag::Keyword("$Forwarded".into()),
            Flag::MayCreate
        ]
    );
}

#[test]
fn empty_flag_list() {
    assert_eq!(with_parser("()", parse::flag_list).unwrap(), []);
}

#[test]
fn s5_1_3_mailbox_names_decode_modified_utf7() {
    let mailbox = with_parser("~peter/mail/&U,BTFw-/&ZeVnLIqe-", parse::mailbox).unwrap();
    assert_eq!(
        mailbox.as_str(),
        "~peter/mail/\u{53f0}\u{5317}/\u{65e5}\u{672c}\u{8a9e}"
    );
}

#[test]
fn inbox_is_case_insensitive() {
    assert_eq!(
        with_parser("inbox", parse::mailbox).unwrap(),
        Mailbox::inbox()
    );
}

#[test]
fn quoted_mailbox_with_space() {
    assert_eq!(
        with_parser("\"Sent Items\"", parse::mailbox).unwrap(),
        Mailbox::new("Sent Items")
    );
}

#[test]
fn s7_2_2_list_delimiter() {
    assert_eq!(with_parser("\"/\"", parse::delimiter).unwrap(), Some('/'));
    assert_eq!(with_parser("NIL", parse::delimiter).unwrap(), None);
    assert_eq!(
        with_parser("\"\\\\\"", parse::delimiter).unwrap(),
        Some('\\')
    );
}

#[test]
fn s7_2_2_list_mailbox_as_astring() {
    assert_eq!(
        with_parser("~/Mail/foo", |p| p.astring()).unwrap(),
        b("~/Mail/foo")
    );
}

#[test]
fn s7_4_2_internaldate() {
    let date = with_parser("\"17-Jul-1996 02:44:25 -0700\"", parse::date_time).unwrap();
    assert_eq!(date.to_rfc3339(), "1996-07-17T02:44:25-07:00");
}

/// An address's values, owned, to compare with what a test expects.
#[derive(Debug, PartialEq)]
struct Addr {
    name: Option<Bytes>,
    adl: Option<Bytes>,
    mailbox: Option<Bytes>,
    host: Option<Bytes>,
}

/// An envelope's values, owned, to compare with what a test expects.
#[derive(Debug, PartialEq)]
struct Env {
    date: Option<Bytes>,
    subject: Option<Bytes>,
    from: Vec<Addr>,
    sender: Vec<Addr>,
    reply_to: Vec<Addr>,
    to: Vec<Addr>,
    cc: Vec<Addr>,
    bcc: Vec<Addr>,
    in_reply_to: Option<Bytes>,
    message_id: Option<Bytes>,
}

/// What `envelope` holds, through its accessors.
fn values(envelope: &Envelope) -> Env {
    let text = |t: Option<&[u8]>| t.map(Bytes::copy_from_slice);
    let list = |addresses: Addresses<'_>| {
        addresses
            .map(|a: Address<'_>| Addr {
                name: text(a.name()),
                adl: text(a.adl()),
                mailbox: text(a.mailbox()),
                host: text(a.host()),
            })
            .collect()
    };
    Env {
        date: text(envelope.date()),
        subject: text(envelope.subject()),
        from: list(envelope.from()),
        sender: list(envelope.sender()),
        reply_to: list(envelope.reply_to()),
        to: list(envelope.to()),
        cc: list(envelope.cc()),
        bcc: list(envelope.bcc()),
        in_reply_to: text(envelope.in_reply_to()),
        message_id: text(envelope.message_id()),
    }
}

fn terry() -> Addr {
    Addr {
        name: Some(b("Terry Gray")),
        adl: None,
        mailbox: Some(b("gray")),
        host: Some(b("cac.washington.edu")),
    }
}

const SECTION8_ENVELOPE: &str = "(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \
\"IMAP4rev1 WG mtg summary and minutes\" \
((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
((NIL NIL \"imap\" \"cac.washington.edu\")) \
((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")\
(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL \
\"<B27397-0100000@cac.washington.edu>\")";

fn section8_envelope() -> Env {
    let address = |name: Option<&'static str>, mailbox, host| Addr {
        name: name.map(b),
        adl: None,
        mailbox: Some(b(mailbox)),
        host: Some(b(host)),
    };
    Env {
        date: Some(b("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)")),
        subject: Some(b("IMAP4rev1 WG mtg summary and minutes")),
        from: vec![terry()],
        sender: vec![terry()],
        reply_to: vec![terry()],
        to: vec![address(None, "imap", "cac.washington.edu")],
        cc: vec![
            address(None, "minutes", "CNRI.Reston.VA.US"),
            address(Some("John Klensin"), "KLENSIN", "MIT.EDU"),
        ],
        bcc: vec![],
        in_reply_to: None,
        message_id: Some(b("<B27397-0100000@cac.washington.edu>")),
    }
}

#[test]
fn s8_envelope() {
    assert_eq!(
        values(&with_parser(SECTION8_ENVELOPE, parse::envelope).unwrap()),
        section8_envelope()
    );
}

#[test]
fn s7_4_2_text_plain_body() {
    let body = with_parser(
        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92)",
        parse::body_structure,
    )
    .unwrap();
    let part = body.root();
    assert_eq!(
        (part.media_type(), part.media_subtype()),
        (&b"TEXT"[..], &b"PLAIN"[..])
    );
    assert!(!part.is_multipart() && part.parts().next().is_none());
    assert_eq!(
        part.params().collect::<Vec<_>>(),
        [(&b"CHARSET"[..], &b"US-ASCII"[..])]
    );
    assert_eq!(part.params().get("charset"), Some(&b"US-ASCII"[..]));
    assert_eq!((part.id(), part.description()), (None, None));
    assert_eq!(part.encoding(), Some(&b"7BIT"[..]));
    assert_eq!(part.octets(), 3028);
    assert_eq!(part.kind(), PartKind::Text { lines: 92 });
    assert_eq!(part.extension(), None);
}

#[test]
fn s7_4_2_multipart_mixed_bodystructure() {
    let body = with_parser(
        "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)\
(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") \
\"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73) \"MIXED\")",
        parse::body_structure,
    )
    .unwrap();
    let multi = body.root();
    assert!(multi.is_multipart());
    assert_eq!(body.media_type(), (&b"MULTIPART"[..], &b"MIXED"[..]));
    assert!(multi.params().is_empty() && multi.extension().is_none());
    let parts: Vec<_> = multi.parts().collect();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].octets(), 1152);
    assert_eq!(parts[0].kind(), PartKind::Text { lines: 23 });
    let second = parts[1];
    assert_eq!(
        second.params().nth(1),
        Some((&b"NAME"[..], &b"cc.diff"[..]))
    );
    assert_eq!(
        second.id(),
        Some(&b"<960723163407.20117h@cac.washington.edu>"[..])
    );
    assert_eq!(second.description(), Some(&b"Compiler diff"[..]));
    assert_eq!(second.encoding(), Some(&b"BASE64"[..]));
    assert_eq!(second.kind(), PartKind::Text { lines: 73 });
    assert_eq!(multi.kind(), PartKind::Multipart(multi.parts()));
}

#[test]
fn bodystructure_with_extension_data_and_message_rfc822() {
    let body = with_parser(
        "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\") NIL NIL \"QUOTED-PRINTABLE\" 20 1 NIL NIL NIL NIL)\
(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 300 (NIL \"inner\" NIL NIL NIL NIL NIL NIL NIL NIL) \
((\"TEXT\" \"HTML\" NIL NIL NIL \"7BIT\" 10 1)(\"IMAGE\" \"PNG\" (\"NAME\" \"a \\\"b\\\".png\") NIL NIL \"BASE64\" 99) \"RELATED\") 12 \
\"d41d8cd98f00b204e9800998ecf8427e\" \
(\"ATTACHMENT\" (\"FILENAME\" \"m.eml\")) (\"EN\" \"FR\") \"loc\" 7 (\"x\" (1 2))) \
\"MIXED\" (\"BOUNDARY\" \"b1\") NIL \"EN\")",
        parse::body_structure,
    )
    .unwrap();
    let multi = body.root();
    let ext = multi.extension().unwrap();
    assert_eq!(
        multi.params().collect::<Vec<_>>(),
        [(&b"BOUNDARY"[..], &b"b1"[..])]
    );
    assert_eq!((ext.md5(), ext.disposition()), (None, None));
    assert_eq!(ext.language().collect::<Vec<_>>(), [&b"EN"[..]]);
    let parts: Vec<_> = multi.parts().collect();
    assert_eq!(
        parts.len(),
        2,
        "the inner message's parts are not the outer's"
    );
    let first = parts[0].extension().unwrap();
    assert_eq!(first.md5(), None);
    assert_eq!(first.language().len(), 0);
    let message = parts[1];
    let PartKind::Message {
        envelope,
        body: inner,
        lines,
    } = message.kind()
    else {
        panic!("expected message/rfc822 kind");
    };
    assert_eq!(envelope.subject(), Some(&b"inner"[..]));
    assert_eq!(
        (inner.media_type(), inner.media_subtype()),
        (&b"MULTIPART"[..], &b"RELATED"[..])
    );
    let inner_parts: Vec<_> = inner.parts().collect();
    assert_eq!(inner_parts.len(), 2);
    assert_eq!(inner_parts[0].media_subtype(), b"HTML");
    assert_eq!(inner_parts[1].kind(), PartKind::Basic);
    assert_eq!(
        inner_parts[1].params().get("name"),
        Some(&b"a \"b\".png"[..])
    );
    assert_eq!(lines, 12);
    assert_eq!(message.octets(), 300);
    let ext = message.extension().unwrap();
    assert_eq!(ext.md5(), Some(&b"d41d8cd98f00b204e9800998ecf8427e"[..]));
    let disposition = ext.disposition().unwrap();
    assert_eq!(disposition.kind(), b"ATTACHMENT");
    assert_eq!(disposition.params().get("FILENAME"), Some(&b"m.eml"[..]));
    assert_eq!(ext.language().collect::<Vec<_>>(), [&b"EN"[..], &b"FR"[..]]);
    assert_eq!(ext.location(), Some(&b"loc"[..]));
    assert_eq!(
        ext.extensions(),
        [
            BodyExtension::Number(7),
            BodyExtension::List(vec![
                BodyExtension::String(Some(b("x"))),
                BodyExtension::List(vec![BodyExtension::Number(1), BodyExtension::Number(2)]),
            ]),
        ]
    );
}

/// The part numbers of RFC 3501 section 6.4.5's example message, as
/// `numbered_parts` gives them, with each part's media type.
#[test]
fn s6_4_5_part_numbers_of_the_rfc_example() {
    const ENV: &str = "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)";
    let text = |subtype: &str| format!("(\"TEXT\" \"{subtype}\" NIL NIL NIL \"7BIT\" 1 1)");
    let octets = |t: &str, s: &str| format!("(\"{t}\" \"{s}\" NIL NIL NIL \"BASE64\" 2)");
    let body = format!(
        "({plain}{octet}\
(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 3 {ENV} ({plain}{octet} \"MIXED\") 5)\
({gif}(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 5 {ENV} \
({plain}({plain}{rich} \"ALTERNATIVE\") \"MIXED\") 9) \"MIXED\") \"MIXED\")",
        plain = text("PLAIN"),
        rich = text("RICHTEXT"),
        octet = octets("APPLICATION", "OCTET-STREAM"),
        gif = octets("IMAGE", "GIF"),
    );
    let body = with_parser(&body, parse::body_structure).unwrap();
    let numbered: Vec<(String, String)> = body
        .numbered_parts()
        .into_iter()
        .map(|(number, part)| {
            let number: Vec<String> = number.iter().map(u32::to_string).collect();
            let kind = format!(
                "{}/{}",
                String::from_utf8_lossy(part.media_type()),
                String::from_utf8_lossy(part.media_subtype())
            );
            (number.join("."), kind)
        })
        .collect();
    let expected = [
        ("1", "TEXT/PLAIN"),
        ("2", "APPLICATION/OCTET-STREAM"),
        ("3", "MESSAGE/RFC822"),
        ("3.1", "TEXT/PLAIN"),
        ("3.2", "APPLICATION/OCTET-STREAM"),
        ("4", "MULTIPART/MIXED"),
        ("4.1", "IMAGE/GIF"),
        ("4.2", "MESSAGE/RFC822"),
        ("4.2.1", "TEXT/PLAIN"),
        ("4.2.2", "MULTIPART/ALTERNATIVE"),
        ("4.2.2.1", "TEXT/PLAIN"),
        ("4.2.2.2", "TEXT/RICHTEXT"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(n, k)| (n.to_string(), k.to_string()))
        .collect();
    assert_eq!(numbered, expected);
}

#[test]
fn a_single_part_message_is_part_1_and_an_encapsulated_single_part_below_it() {
    let plain = "(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)";
    let single = with_parser(plain, parse::body_structure).unwrap();
    let numbers: Vec<_> = single
        .numbered_parts()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(numbers, [vec![1]]);
    let message = format!(
        "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 3 \
(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) {plain} 5)"
    );
    let message = with_parser(&message, parse::body_structure).unwrap();
    let numbered = message.numbered_parts();
    let numbers: Vec<_> = numbered.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(numbers, [vec![1], vec![1, 1]]);
    assert_eq!(numbered[1].1.media_subtype(), b"PLAIN");
    assert!(BodyStructure::default().numbered_parts().is_empty());
}

#[test]
fn body_structures_compare_by_content_not_by_where_they_came_from() {
    let text = "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\") NIL NIL \"7BIT\" 5 1)";
    let alone = with_parser(text, parse::body_structure).unwrap();
    let framed = format!("* 1 FETCH (BODY {text})");
    let in_fetch = with_parser(&framed, |p| {
        p.expect("* 1 FETCH (BODY ")?;
        parse::body_structure(p)
    })
    .unwrap();
    assert_eq!(alone, in_fetch);
    let other = with_parser(&text.replace("UTF-8", "UTF-7"), parse::body_structure).unwrap();
    assert_ne!(alone, other);
    assert!(format!("{alone:?}").contains("\"UTF-8\""));
}

#[test]
fn s6_4_5_body_sections() {
    let s = with_parser("[1.2.HEADER.FIELDS (DATE FROM)]<0>", parse::body_section).unwrap();
    assert_eq!(s.section.part, vec![1, 2]);
    assert_eq!(
        s.section.text,
        Some(SectionText::HeaderFields(vec![b("DATE"), b("FROM")]))
    );
    assert_eq!(s.origin, Some(0));
    let s = with_parser("[]", parse::section).unwrap();
    assert_eq!(s, Section::default());
    let s = with_parser("[HEADER.FIELDS.NOT (X-SPAM)]", parse::section).unwrap();
    assert_eq!(
        s.text,
        Some(SectionText::HeaderFieldsNot(vec![b("X-SPAM")]))
    );
    let s = with_parser("[3.MIME]", parse::section).unwrap();
    assert_eq!((s.part, s.text), (vec![3], Some(SectionText::Mime)));
}

#[test]
fn sequence_sets_parse_ranges_and_star() {
    let set = with_parser("1:4,7,9:*", parse::sequence_set).unwrap();
    assert_eq!(set.to_string(), "1:4,7,9:*");
}

#[test]
fn empty_or_broken_sequence_set_is_refused() {
    assert!(with_parser(" 1", parse::sequence_set).is_err());
    assert!(with_parser("1:,2", parse::sequence_set).is_err());
}

#[test]
fn mime_without_a_part_is_refused() {
    assert!(with_parser("[MIME]", parse::section).is_err());
}

// Section 8: the whole sample session, server side, through the framer.

const SECTION8_SERVER: &[&str] = &[
    "* OK IMAP4rev1 Service Ready\r\n",
    "a001 OK LOGIN completed\r\n",
    "* 18 EXISTS\r\n",
    "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n",
    "* 2 RECENT\r\n",
    "* OK [UNSEEN 17] Message 17 is the first unseen message\r\n",
    "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n",
    "a002 OK [READ-WRITE] SELECT completed\r\n",
    // The FETCH FULL response, see s8_fetch_full below.
    "a003 OK FETCH completed\r\n",
    "* 12 FETCH (BODY[HEADER] {342}\r\n\
Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\n\
From: Terry Gray <gray@cac.washington.edu>\r\n\
Subject: IMAP4rev1 WG mtg summary and minutes\r\n\
To: imap@cac.washington.edu\r\n\
cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\r\n\
Message-Id: <B27397-0100000@cac.washington.edu>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\
\r\n\
)\r\n",
    "a004 OK FETCH completed\r\n",
    "* 12 FETCH (FLAGS (\\Seen \\Deleted))\r\n",
    "a005 OK +FLAGS completed\r\n",
    "* BYE IMAP4rev1 server terminating connection\r\n",
    "a006 OK LOGOUT completed\r\n",
];

#[test]
fn s8_sample_session_frames_one_response_each() {
    let stream: String = SECTION8_SERVER.concat();
    let mut framer = Framer::new(Limits::default());
    framer.push(stream.as_bytes());
    let mut frames = Vec::new();
    while let Some(frame) = framer.next_frame().unwrap() {
        frames.push(frame);
    }
    let expected: Vec<&[u8]> = SECTION8_SERVER.iter().map(|s| s.as_bytes()).collect();
    assert_eq!(frames, expected);
    for frame in &frames {
        parse_response(frame, &Limits::default()).unwrap();
    }
}

#[test]
fn s8_sample_session_statuses() {
    let statuses: Vec<(Option<String>, Status)> = SECTION8_SERVER
        .iter()
        .filter_map(|line| match response(line) {
            Response::Tagged { tag, status } => Some((Some(tag), status.status)),
            Response::Status(status) => Some((None, status.status)),
            _ => None,
        })
        .collect();
    let tag = |t: &str| Some(t.to_owned());
    assert_eq!(
        statuses,
        vec![
            (None, Status::Ok),
            (tag("a001"), Status::Ok),
            (None, Status::Ok),
            (None, Status::Ok),
            (tag("a002"), Status::Ok),
            (tag("a003"), Status::Ok),
            (tag("a004"), Status::Ok),
            (tag("a005"), Status::Ok),
            (None, Status::Bye),
            (tag("a006"), Status::Ok),
        ]
    );
}

#[test]
fn s8_body_header_literal_is_the_header() {
    let frame = Bytes::from_static(SECTION8_SERVER[9].as_bytes());
    let limits = Limits::default();
    let mut p = Parser::new(&frame, &limits);
    p.expect("* 12 FETCH (BODY").unwrap();
    let section = parse::body_section(&mut p).unwrap();
    assert_eq!(section.section.text, Some(SectionText::Header));
    p.sp().unwrap();
    let header = p.nstring().unwrap().unwrap();
    assert_eq!(header.len(), 342);
    assert!(header.starts_with(b"Date: Wed, 17 Jul 1996"));
    p.byte(b')', ")").unwrap();
    p.finish().unwrap();
}

#[test]
fn s8_fetch_full() {
    let line = format!(
        "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" \
RFC822.SIZE 4286 ENVELOPE {SECTION8_ENVELOPE} \
BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n"
    );
    let frame = Bytes::from(line);
    let limits = Limits::default();
    let mut p = Parser::new(&frame, &limits);
    p.expect("* 12 FETCH (FLAGS (\\Seen) INTERNALDATE ")
        .unwrap();
    let date = parse::date_time(&mut p).unwrap();
    assert_eq!(date.to_rfc3339(), "1996-07-17T02:44:25-07:00");
    p.expect(" RFC822.SIZE ").unwrap();
    assert_eq!(p.number().unwrap(), 4286);
    p.sp().unwrap();
    assert_eq!(p.att_name().unwrap().as_bytes(), b"ENVELOPE");
    p.sp().unwrap();
    assert_eq!(
        values(&parse::envelope(&mut p).unwrap()),
        section8_envelope()
    );
    p.expect(" BODY ").unwrap();
    let body = parse::body_structure(&mut p).unwrap();
    assert_eq!(body.media_type(), (&b"TEXT"[..], &b"PLAIN"[..]));
    p.byte(b')', ")").unwrap();
    p.finish().unwrap();
}

#[test]
fn s8_fetch_full_typed() {
    let line = format!(
        "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" \
RFC822.SIZE 4286 ENVELOPE {SECTION8_ENVELOPE} \
BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n"
    );
    let parsed = parse_response(&Bytes::from(line), &Limits::default()).unwrap();
    let Response::Data(Data::Fetch(fetched)) = parsed else {
        panic!("expected FETCH data");
    };
    let message = fetched.message;
    assert_eq!(fetched.seq, 12);
    assert_eq!(message.flags, Some(vec![Flag::Seen]));
    assert_eq!(
        message.internal_date.map(|d| d.to_rfc3339()),
        Some("1996-07-17T02:44:25-07:00".to_owned())
    );
    assert_eq!(message.rfc822_size, Some(4286));
    assert_eq!(
        message.envelope.as_ref().map(values),
        Some(section8_envelope())
    );
    let body = message.body.expect("BODY");
    assert_eq!(body.media_type(), (&b"TEXT"[..], &b"PLAIN"[..]));
}

#[test]
fn s8_body_header_typed() {
    let Response::Data(Data::Fetch(fetched)) = response(SECTION8_SERVER[9]) else {
        panic!("expected FETCH data");
    };
    let (section, data) = &fetched.message.body_sections[0];
    assert_eq!(section.section.text, Some(SectionText::Header));
    assert_eq!(data.as_ref().map(Bytes::len), Some(342));
}

#[test]
fn s8_store_response_typed() {
    let Response::Data(Data::Fetch(fetched)) = response(SECTION8_SERVER[11]) else {
        panic!("expected FETCH data");
    };
    assert_eq!(fetched.message.flags, Some(vec![Flag::Seen, Flag::Deleted]));
}

#[test]
fn rfc4731_esearch_with_correlator_uid_and_unknown_return_data() {
    let line =
        "* ESEARCH (TAG \"A282\") UID MIN 2 COUNT 3 ALL 2,10:11 XPARTIAL (1:5 (2 4)) XNEXT 7\r\n";
    let Response::Data(Data::Esearch(found)) = response(line) else {
        panic!("expected ESEARCH data");
    };
    assert_eq!(found.tag.as_deref(), Some(&b"A282"[..]));
    assert!(found.uid);
    assert_eq!(found.data.min, Some(2));
    assert_eq!(found.data.max, None);
    assert_eq!(found.data.count, Some(3));
    assert_eq!(found.data.all.unwrap().to_string(), "2,10:11");
    let extra: Vec<(&str, &[u8])> = found
        .data
        .extra
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_ref()))
        .collect();
    assert_eq!(
        extra,
        [("XPARTIAL", &b"(1:5 (2 4))"[..]), ("XNEXT", &b"7"[..])]
    );
}

#[test]
fn rfc4731_esearch_without_anything_found() {
    let Response::Data(Data::Esearch(found)) = response("* ESEARCH (TAG \"A5\")\r\n") else {
        panic!("expected ESEARCH data");
    };
    assert!(!found.uid);
    assert_eq!(found.data, Default::default());
}

#[test]
fn rfc5258_list_with_extended_data() {
    let line = "* LIST (\\Subscribed) \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\") \"OLDNAME\" (\"Bar\"))\r\n";
    let Response::Data(Data::List(item)) = response(line) else {
        panic!("expected LIST data");
    };
    assert_eq!(item.mailbox.as_str(), "Foo");
    let extended = item.extended.expect("extended data");
    let child_info: Vec<&[u8]> = extended
        .child_info
        .iter()
        .flatten()
        .map(|c| c.as_ref())
        .collect();
    assert_eq!(child_info, [&b"SUBSCRIBED"[..]]);
    assert_eq!(extended.old_name.expect("OLDNAME").as_str(), "Bar");
    assert!(extended.extra.is_empty());

    let Response::Data(Data::List(plain)) = response("* LIST () \"/\" Foo\r\n") else {
        panic!("expected LIST data");
    };
    assert!(plain.extended.is_none());
}

#[test]
fn rfc7162_vanished_now_and_earlier() {
    let Response::Data(Data::Vanished(now)) = response("* VANISHED 405,407,410:412\r\n") else {
        panic!("expected VANISHED data");
    };
    assert!(!now.earlier);
    assert_eq!(now.uids.to_string(), "405,407,410:412");
    assert_eq!(now.count(), 5);
    let Response::Data(Data::Vanished(before)) = response("* VANISHED (EARLIER) 300:310\r\n")
    else {
        panic!("expected VANISHED data");
    };
    assert!(before.earlier);
    assert_eq!(before.count(), 11);
}
