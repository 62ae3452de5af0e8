//! The generated response side of spec/imap4rev1.toml: `Data` and `Code`
//! parsed from RFC 3501 example lines, effects, and command outputs
//! assembled from what a command collected.

use typed_imap::codec::parse;
use typed_imap::codec::parse::Limits;
use typed_imap::command::{Command, Completed, Effect};
use typed_imap::response::{parse_response_as, RawValue, Response, Status};
use typed_imap::types::Flag;
use typed_imap::{Bytes, Code, Data, Error, Examine, Expunge, Fetch, List, Search, Select};

fn response(line: &'static [u8]) -> Response<Data, Code> {
    parse_response_as::<Data, Code>(&Bytes::from_static(line), &Limits::default()).expect("parses")
}

fn data(line: &'static [u8]) -> Data {
    match response(line) {
        Response::Data(data) => data,
        other => panic!("expected untagged data, got {other:?}"),
    }
}

fn code(line: &'static [u8]) -> Code {
    match response(line) {
        Response::Status(status) | Response::Tagged { status, .. } => status.code.expect("a code"),
        other => panic!("expected a status response, got {other:?}"),
    }
}

fn done(data: Vec<Data>, codes: Vec<Code>) -> Completed {
    Completed {
        status: Status::Ok,
        data,
        codes,
    }
}

/// RFC 3501 section 6.3.1, the example of SELECT.
fn select_responses() -> (Vec<Data>, Vec<Code>) {
    let data = vec![
        data(b"* 172 EXISTS\r\n"),
        data(b"* 1 RECENT\r\n"),
        data(b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"),
    ];
    let codes = vec![
        code(b"* OK [UNSEEN 12] Message 12 is first unseen\r\n"),
        code(b"* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"),
        code(b"* OK [UIDNEXT 4392] Predicted next UID\r\n"),
        code(b"* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n"),
        code(b"A142 OK [READ-WRITE] SELECT completed\r\n"),
    ];
    (data, codes)
}

#[test]
fn select_output_is_assembled_from_data_and_codes() {
    let (data, codes) = select_responses();
    assert!(data.iter().all(Select::wants));
    let selected = Select::output(done(data, codes)).expect("output");
    assert_eq!(selected.exists, 172);
    assert_eq!(selected.recent, Some(1));
    assert_eq!(selected.flags.map(|f| f.len()), Some(5));
    assert_eq!(selected.unseen, Some(12));
    assert_eq!(selected.uid_validity, Some(3857529045));
    assert_eq!(selected.uid_next, Some(4392));
    assert_eq!(selected.permanent_flags.map(|f| f.len()), Some(3));
    assert!(!selected.read_only);
}

#[test]
fn select_output_without_recent_as_imap4rev2_servers_send_it() {
    let (data, codes) = select_responses();
    let data: Vec<Data> = data
        .into_iter()
        .filter(|d| !matches!(d, Data::Recent(_)))
        .collect();
    let selected = Select::output(done(data, codes)).expect("no RECENT is fine");
    assert_eq!(selected.recent, None);
    assert_eq!(selected.exists, 172);
}

#[test]
fn examine_output_sees_read_only() {
    let (data, mut codes) = select_responses();
    codes.push(code(b"A932 OK [READ-ONLY] EXAMINE completed\r\n"));
    assert!(
        Examine::output(done(data, codes))
            .expect("output")
            .read_only
    );
}

#[test]
fn select_without_exists_is_an_error_naming_the_missing_response() {
    let error = Select::output(done(vec![data(b"* 1 RECENT\r\n")], vec![]))
        .expect_err("EXISTS is required");
    assert!(error.to_string().contains("* EXISTS"), "{error}");
    assert!(matches!(error, Error::MissingResponse { .. }), "{error:?}");
    assert!(!error.is_fatal(), "the exchange was complete: {error}");
}

#[test]
fn list_output_collects_every_list_response() {
    let lines = vec![
        data(b"* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n"),
        data(b"* LIST () \".\" \"Sent Items\"\r\n"),
    ];
    let items = List::output(done(lines, vec![])).expect("output");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].delimiter, Some('/'));
    assert_eq!(items[0].mailbox.as_str(), "~/Mail/foo");
    assert_eq!(items[1].mailbox.as_str(), "Sent Items");
}

#[test]
fn search_output_concatenates_the_numbers() {
    let lines = vec![
        data(b"* SEARCH 2 84 882\r\n"),
        data(b"* SEARCH\r\n"),
        data(b"* SEARCH 7\r\n"),
    ];
    assert_eq!(
        Search::output(done(lines, vec![])).expect("output"),
        vec![2, 84, 882, 7]
    );
}

#[test]
fn fetch_attributes_land_in_their_message_fields() {
    let line = data(b"* 12 FETCH (FLAGS (\\Seen) UID 4827313 RFC822.SIZE 44827 BODY[HEADER]<0> {5}\r\nHello X-UNKNOWN (1 \"two\" NIL))\r\n");
    let fetched = Fetch::output(done(vec![line], vec![])).expect("output");
    let message = &fetched[0].message;
    assert_eq!(fetched[0].seq, 12);
    assert_eq!(message.flags, Some(vec![Flag::Seen]));
    assert_eq!(message.uid, Some(4827313));
    assert_eq!(message.rfc822_size, Some(44827));
    assert_eq!(message.body_sections.len(), 1);
    assert_eq!(message.body_sections[0].1.as_deref(), Some(&b"Hello"[..]));
    assert_eq!(message.extra.len(), 1);
    assert_eq!(message.extra[0].0, "X-UNKNOWN");
    assert_eq!(
        message.extra[0].1,
        RawValue::Other(Bytes::from_static(b"(1 \"two\" NIL)"))
    );
}

#[test]
fn an_unknown_attribute_holding_a_literal_keeps_its_bytes_without_the_announcement() {
    let line = data(b"* 1 FETCH (X-PREVIEW {5}\r\nhello UID 3)\r\n");
    let fetched = Fetch::output(done(vec![line], vec![])).expect("output");
    let message = &fetched[0].message;
    assert_eq!(message.uid, Some(3));
    assert_eq!(
        message.extra,
        [(
            "X-PREVIEW".to_owned(),
            RawValue::String(Bytes::from_static(b"hello"))
        )]
    );
}

#[test]
fn an_unknown_attribute_holding_a_quoted_string_keeps_its_value() {
    let line = data(b"* 1 FETCH (X-NOTE \"say \\\"hi\\\"\" X-FLAG NIL X-ATOM ~x)\r\n");
    let fetched = Fetch::output(done(vec![line], vec![])).expect("output");
    let extra = &fetched[0].message.extra;
    let values: Vec<&RawValue> = extra.iter().map(|(_, value)| value).collect();
    assert_eq!(
        values,
        [
            &RawValue::String(Bytes::from_static(b"say \"hi\"")),
            &RawValue::Other(Bytes::from_static(b"NIL")),
            &RawValue::Other(Bytes::from_static(b"~x")),
        ]
    );
}

#[test]
fn an_unknown_status_attribute_holding_a_literal_keeps_its_bytes() {
    let Data::Status(status) = data(b"* STATUS INBOX (X-NAME {3}\r\nabc MESSAGES 1)\r\n") else {
        panic!("a STATUS response");
    };
    assert_eq!(status.attributes.messages, Some(1));
    assert_eq!(
        status.attributes.extra,
        [(
            "X-NAME".to_owned(),
            RawValue::String(Bytes::from_static(b"abc"))
        )]
    );
}

#[test]
fn a_raw_string_value_reads_as_that_string_whatever_it_holds() {
    // What a downstream crate's reader does with `extra`.
    let nil_string = RawValue::String(Bytes::from_static(b"NIL"));
    assert_eq!(
        nil_string.parse_as(parse::nstring).unwrap().as_deref(),
        Some(&b"NIL"[..])
    );
    let nil = RawValue::Other(Bytes::from_static(b"NIL"));
    assert_eq!(nil.parse_as(parse::nstring).unwrap(), None);
    let quoted_inside = RawValue::String(Bytes::from_static(b"\"x\" {1}"));
    assert_eq!(
        quoted_inside.parse_as(parse::astring).unwrap(),
        &b"\"x\" {1}"[..]
    );
    let binary = RawValue::String(Bytes::from_static(b"a\0b"));
    assert_eq!(binary.parse_as(parse::string8).unwrap(), &b"a\0b"[..]);
    let number = RawValue::Other(Bytes::from_static(b"4711"));
    assert_eq!(number.parse_as(parse::number64).unwrap(), 4711);
}

#[test]
fn a_sectioned_attribute_no_spec_declares_is_kept_raw_with_its_section() {
    // (BINARY is declared by spec/binary.toml; X-BINARY by none.)
    let line = data(b"* 3 FETCH (X-BINARY[1.2 (X \"]\")]<0> ~{3}\r\na\x00b UID 9)\r\n");
    let fetched = Fetch::output(done(vec![line], vec![])).expect("output");
    let message = &fetched[0].message;
    assert_eq!(message.uid, Some(9));
    assert_eq!(message.extra.len(), 1);
    assert_eq!(message.extra[0].0, "X-BINARY[1.2 (X \"]\")]<0>");
    assert_eq!(
        message.extra[0].1,
        RawValue::String(Bytes::from_static(b"a\x00b"))
    );
}

#[test]
fn binary_attributes_are_typed_with_their_sections() {
    let line = data(b"* 3 FETCH (BINARY[2]<0> ~{3}\r\na\x00b BINARY.SIZE[2] 4711 UID 9)\r\n");
    let fetched = Fetch::output(done(vec![line], vec![])).expect("output");
    let message = &fetched[0].message;
    assert!(message.extra.is_empty(), "{:?}", message.extra);
    let [(section, Some(value))] = message.binary_sections.as_slice() else {
        panic!("one BINARY value: {:?}", message.binary_sections);
    };
    assert_eq!(section.section.part, [2]);
    assert_eq!(section.origin, Some(0));
    assert_eq!(value.as_ref(), b"a\x00b");
    assert_eq!(message.binary_sizes.len(), 1);
    assert_eq!(message.binary_sizes[0].0.section.part, [2]);
    assert_eq!(message.binary_sizes[0].1, 4711);
}

/// BINARY's value is `nstring / literal8`: `nil = true` in the spec makes
/// NIL `None`, and the value's own parser never sees it.
#[test]
fn a_binary_value_may_be_nil() {
    let line = data(b"* 3 FETCH (BINARY[1] NIL UID 9)\r\n");
    let fetched = Fetch::output(done(vec![line], vec![])).expect("output");
    let message = &fetched[0].message;
    assert!(matches!(message.binary_sections.as_slice(), [(_, None)]));
    assert_eq!(message.uid, Some(9));
}

/// SAVEDATE (spec/savedate.toml) is `date-time / nil`: a message not
/// fetched with it has `None`, NIL gives `Some(None)`.
#[test]
fn a_save_date_is_a_date_time_or_nil() {
    let lines = vec![
        data(b"* 1 FETCH (SAVEDATE \"01-Feb-2024 10:20:30 +0100\")\r\n"),
        data(b"* 2 FETCH (SAVEDATE NIL)\r\n"),
        data(b"* 3 FETCH (UID 7)\r\n"),
    ];
    let fetched = Fetch::output(done(lines, vec![])).expect("output");
    let dates: Vec<Option<Option<String>>> = fetched
        .iter()
        .map(|f| f.message.save_date.map(|d| d.map(|d| d.to_rfc3339())))
        .collect();
    assert_eq!(
        dates,
        [
            Some(Some("2024-02-01T10:20:30+01:00".to_owned())),
            Some(None),
            None
        ]
    );
}

/// NAMESPACE's three parts are each NIL or a list (`nil = true`), in any
/// combination.
#[test]
fn namespace_parts_may_each_be_nil() {
    let Data::Namespace(all_nil) = data(b"* NAMESPACE NIL NIL NIL\r\n") else {
        panic!("a NAMESPACE");
    };
    assert!(
        all_nil.personal.is_none() && all_nil.other_users.is_none() && all_nil.shared.is_none()
    );
    let Data::Namespace(mixed) = data(b"* NAMESPACE ((\"\" \"/\")) NIL ((\"#shared/\" \"/\"))\r\n")
    else {
        panic!("a NAMESPACE");
    };
    assert_eq!(mixed.personal.map(|p| p.len()), Some(1));
    assert!(mixed.other_users.is_none());
    assert_eq!(mixed.shared.map(|p| p.len()), Some(1));
    // NIL is the atom alone: `NILS` is neither NIL nor a list.
    let error = parse_response_as::<Data, Code>(
        &Bytes::from_static(b"* NAMESPACE NILS NIL NIL\r\n"),
        &Limits::default(),
    );
    assert!(error.is_err());
}

#[test]
fn an_unknown_attribute_holding_flag_like_names_is_kept_raw() {
    // A vendor's tags (tests/gmail's invented XTAGS), written like flags.
    let line = data(b"* 1 FETCH (XTAGS (\\Inbox \\* \"Muy Importante\") UID 5)\r\n");
    let fetched = Fetch::output(done(vec![line], vec![])).expect("output");
    let message = &fetched[0].message;
    assert_eq!(message.uid, Some(5));
    assert_eq!(message.extra[0].0, "XTAGS");
    assert_eq!(
        message.extra[0].1.as_ref(),
        b"(\\Inbox \\* \"Muy Importante\")"
    );
}

#[test]
fn status_attributes_are_typed() {
    let Data::Status(status) = data(b"* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n")
    else {
        panic!("a STATUS response");
    };
    assert_eq!(status.mailbox.as_str(), "blurdybloop");
    assert_eq!(status.attributes.messages, Some(231));
    assert_eq!(status.attributes.uid_next, Some(44292));
    assert_eq!(status.attributes.unseen, None);
}

#[test]
fn expunge_output_keeps_the_order_of_the_responses() {
    let lines = vec![
        data(b"* 3 EXPUNGE\r\n"),
        data(b"* 3 EXPUNGE\r\n"),
        data(b"* 5 EXPUNGE\r\n"),
    ];
    assert_eq!(
        Expunge::output(done(lines, vec![])).expect("output"),
        vec![3, 3, 5]
    );
}

#[test]
fn responses_and_codes_carry_their_effects() {
    assert_eq!(data(b"* 23 EXISTS\r\n").effect(), Some(Effect::Exists(23)));
    assert_eq!(
        data(b"* 44 EXPUNGE\r\n").effect(),
        Some(Effect::Expunge(44))
    );
    assert_eq!(
        code(b"* OK [UIDVALIDITY 7] ok\r\n").effect(),
        Some(Effect::UidValidity(7))
    );
    assert_eq!(
        code(b"* OK [READ-ONLY] ok\r\n").effect(),
        Some(Effect::ReadOnly)
    );
    assert_eq!(
        code(b"* OK [ALERT] disk full\r\n").effect(),
        Some(Effect::Alert)
    );
    assert_eq!(data(b"* SEARCH 1\r\n").effect(), None);
}

#[test]
fn an_undeclared_code_is_kept_raw_with_its_name() {
    // (HIGHESTMODSEQ, once the example here, is declared by condstore.toml.)
    let code = code(b"* OK [XUNDECLARED 715194045007] Unknown\r\n");
    assert_eq!(code.name(), "XUNDECLARED");
    assert!(matches!(code, Code::Other(_)));
}

#[test]
fn a_malformed_known_response_is_an_error_not_a_panic() {
    let frame = Bytes::from_static(b"* FLAGS \\Seen\r\n");
    assert!(parse_response_as::<Data, Code>(&frame, &Limits::default()).is_err());
    let frame = Bytes::from_static(b"* STATUS\r\n");
    assert!(parse_response_as::<Data, Code>(&frame, &Limits::default()).is_err());
}
