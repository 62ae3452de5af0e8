//! The response side of the extensions of issue 16 (message data,
//! mailboxes, search, Gmail), parsed from the lines their RFCs and the
//! servers send: one test per choice the RFC leaves to the server.

use typed_imap::codec::frame::Framer;
use typed_imap::codec::parse::Limits;
use typed_imap::command::{Command, Completed};
use typed_imap::response::{parse_response_as, Response, Status};
use typed_imap::types::UrlFetchForm;
use typed_imap::{Bytes, Code, Data};

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

/// What a command returns from these untagged responses and a tagged OK.
fn output<C: Command>(data: Vec<Data>) -> C::Output {
    assert!(data.iter().all(C::wants), "the command takes its data");
    C::output(Completed {
        status: Status::Ok,
        data,
        codes: Vec::new(),
    })
    .expect("output")
}

/// STATUS=SIZE's value is a 63-bit number (RFC 8438 section 3): a mailbox
/// over 4 GiB still reads.
#[test]
fn a_status_size_is_a_63_bit_number() {
    let status = output::<typed_imap::Status>(vec![data(
        b"* STATUS INBOX (MESSAGES 2 SIZE 12345678901)\r\n",
    )]);
    assert_eq!(status.attributes.size, Some(12_345_678_901));
    assert_eq!(status.attributes.messages, Some(2));
}

/// OBJECTID (RFC 8474 section 5): EMAILID is an id in parentheses;
/// THREADID is one or a bare NIL (no thread); either may be absent.
#[test]
fn object_ids_of_messages_are_parenthesised_and_threadid_may_be_nil() {
    let fetched = output::<typed_imap::Fetch>(vec![
        data(b"* 1 FETCH (EMAILID (M6d99ac3275bb4e) THREADID (T64b478a75b7ea9))\r\n"),
        data(b"* 2 FETCH (EMAILID (M5fdc09b49ea703) THREADID NIL)\r\n"),
        data(b"* 3 FETCH (UID 7)\r\n"),
    ]);
    let ids: Vec<_> = fetched
        .iter()
        .map(|f| (f.message.email_id.as_deref(), f.message.thread_id.clone()))
        .collect();
    assert_eq!(
        ids,
        [
            (
                Some("M6d99ac3275bb4e"),
                Some(Some("T64b478a75b7ea9".to_owned()))
            ),
            (Some("M5fdc09b49ea703"), Some(None)),
            (None, None),
        ]
    );
}

/// The MAILBOXID code of CREATE and SELECT, and the status attribute
/// (RFC 8474 section 4).
#[test]
fn a_mailbox_id_comes_as_a_code_and_a_status_attribute() {
    let created = code(b"3 OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] Completed\r\n");
    assert!(
        matches!(&created, Code::MailboxId(id) if id == "F2212ea87-6097-4256-9d51-71338625"),
        "{created:?}"
    );
    let status = output::<typed_imap::Status>(vec![data(
        b"* STATUS foo (MAILBOXID (F2212ea87-6097-4256-9d51-71338625))\r\n",
    )]);
    assert_eq!(
        status.attributes.mailbox_id.as_deref(),
        Some("F2212ea87-6097-4256-9d51-71338625")
    );
}

/// An id outside the grammar (a dot, no parentheses) is a parse error, not
/// a value.
#[test]
fn an_object_id_outside_the_grammar_is_refused() {
    for line in [
        &b"* 1 FETCH (EMAILID (M6d9.9))\r\n"[..],
        b"* 1 FETCH (EMAILID M6d99)\r\n",
        b"* 1 FETCH (THREADID ())\r\n",
    ] {
        let result =
            parse_response_as::<Data, Code>(&Bytes::copy_from_slice(line), &Limits::default());
        assert!(result.is_err(), "{}", String::from_utf8_lossy(line));
    }
}

/// PREVIEW's value is an nstring (RFC 8970 section 6): quoted, a literal
/// or NIL; the drafts' `(FUZZY "text")` reads as the text.
#[test]
fn a_preview_is_an_nstring_or_the_drafts_fuzzy_form() {
    let fetched = output::<typed_imap::Fetch>(vec![
        data(b"* 1 FETCH (PREVIEW \"Hello, see you\")\r\n"),
        data(b"* 2 FETCH (PREVIEW {5}\r\nHi\tyo)\r\n"),
        data(b"* 3 FETCH (PREVIEW NIL)\r\n"),
        data(b"* 4 FETCH (PREVIEW (FUZZY \"Fuzzy\") UID 4)\r\n"),
        data(b"* 5 FETCH (UID 5)\r\n"),
    ]);
    let previews: Vec<_> = fetched
        .iter()
        .map(|f| f.message.preview.clone().map(|p| p.map(|b| b.to_vec())))
        .collect();
    assert_eq!(
        previews,
        [
            Some(Some(b"Hello, see you".to_vec())),
            Some(Some(b"Hi\tyo".to_vec())),
            Some(None),
            Some(Some(b"Fuzzy".to_vec())),
            None,
        ]
    );
    assert_eq!(fetched[3].message.uid, Some(4));
}

/// LIST attributes read as the declared ones whatever their case (imap4d
/// sends `\NoSelect`); `\Flagged` is SPECIAL-USE's, not the message flag;
/// an attribute no spec declares keeps its name as sent.
#[test]
fn mailbox_attributes_are_typed_and_others_kept_as_sent() {
    use typed_imap::MailboxAttribute::*;
    let Data::List(item) =
        data(b"* LIST (\\NoSelect \\haschildren \\Flagged \\X-Odd) \"/\" Work\r\n")
    else {
        panic!("a LIST");
    };
    assert_eq!(
        item.attributes,
        [NoSelect, HasChildren, Flagged, Other("\\X-Odd".to_owned())]
    );
    let names: Vec<String> = item.attributes.iter().map(ToString::to_string).collect();
    assert_eq!(
        names,
        ["\\Noselect", "\\HasChildren", "\\Flagged", "\\X-Odd"]
    );
    let Data::Lsub(empty) = data(b"* LSUB () \".\" INBOX.Sent\r\n") else {
        panic!("an LSUB");
    };
    assert!(empty.attributes.is_empty());
}

/// LIST-MYRIGHTS (RFC 8440 section 4's example): a MYRIGHTS after each
/// LIST, collected beside the mailboxes.
#[test]
fn list_with_myrights_collects_the_rights_of_each_mailbox() {
    let listed = output::<typed_imap::ListExtended>(vec![
        data(b"* LIST () \".\" \"INBOX\"\r\n"),
        data(b"* MYRIGHTS \"INBOX\" lrswipkxtecda\r\n"),
        data(b"* LIST () \".\" \"foo\"\r\n"),
        data(b"* MYRIGHTS \"foo\" lrs\r\n"),
    ]);
    assert_eq!(listed.mailboxes.len(), 2);
    let rights: Vec<(String, String)> = listed
        .rights
        .iter()
        .map(|r| (r.mailbox.as_str().to_owned(), r.rights.to_string()))
        .collect();
    assert_eq!(
        rights,
        [
            ("INBOX".to_owned(), "lrswipkxtecda".to_owned()),
            ("foo".to_owned(), "lrs".to_owned())
        ]
    );
}

/// CONTEXT (RFC 5267 section 4.4): NOUPDATE names the tag whose result
/// the server will not keep up to date.
#[test]
fn noupdate_names_the_tag_not_kept_up_to_date() {
    let refused = code(b"* NO [NOUPDATE \"B02\"] Too many contexts\r\n");
    assert!(
        matches!(&refused, Code::NoUpdate(tag) if tag.as_ref() == b"B02"),
        "{refused:?}"
    );
}

/// NOTIFY (RFC 5465 section 3.1): BADEVENT lists events in parentheses
/// (every event the server supports); Dovecot 2.3 names, bare, those it
/// was asked for and does not support.
#[test]
fn badevent_lists_events_in_parentheses_or_bare() {
    use typed_imap::types::NotifyEvent;
    let rfc = code(b"A1 NO [BADEVENT (MessageNew MessageExpunge)] Unsupported event\r\n");
    assert!(
        matches!(&rfc, Code::BadEvent(events)
            if events == &[NotifyEvent::MessageNew, NotifyEvent::MessageExpunge]),
        "{rfc:?}"
    );
    let dovecot = code(b"A1 NO [BADEVENT AnnotationChange] Unsupported NOTIFY events\r\n");
    assert!(
        matches!(&dovecot, Code::BadEvent(events) if events == &[NotifyEvent::AnnotationChange]),
        "{dovecot:?}"
    );
}

/// NOTIFY (RFC 5465 section 5.8): an untagged OK at any time says the
/// server stopped notifying.
#[test]
fn notificationoverflow_comes_untagged_at_any_time() {
    let overflow = code(b"* OK [NOTIFICATIONOVERFLOW] ...\r\n");
    assert!(
        matches!(overflow, Code::NotificationOverflow),
        "{overflow:?}"
    );
}

/// NOTIFY's events of other mailboxes are responses of the base protocol
/// and its extensions (section 5): a STATUS with what changed, a LIST
/// with OLDNAME after a rename (Dovecot's lines).
#[test]
fn notifications_of_other_mailboxes_are_status_and_list_data() {
    let status =
        data(b"* STATUS Archive (MESSAGES 1 UIDNEXT 2 UIDVALIDITY 1796434722 UNSEEN 1)\r\n");
    assert!(
        matches!(&status, Data::Status(s) if s.mailbox.as_str() == "Archive"
            && s.attributes.uid_next == Some(2)),
        "{status:?}"
    );
    let renamed = data(b"* LIST () \"/\" New (\"OLDNAME\" (Old))\r\n");
    let Data::List(item) = &renamed else {
        panic!("{renamed:?}");
    };
    let old = item.extended.as_ref().and_then(|e| e.old_name.as_ref());
    assert_eq!(old.map(|m| m.as_str()), Some("Old"));
}

/// CLOSED (RFC 7162 section 3.2.11, and RFC 9051 section 7.1): an
/// untagged OK during SELECT or EXAMINE marks where the previous
/// mailbox's responses end; it carries nothing, and the new mailbox's
/// SELECT output is assembled as without it.
#[test]
fn closed_marks_the_end_of_the_previous_mailbox() {
    let closed = code(b"* OK [CLOSED] Previous mailbox is now closed\r\n");
    assert!(matches!(closed, Code::Closed), "{closed:?}");
    assert_eq!(closed.name(), "CLOSED");
    assert_eq!(closed.effect(), None);
    let selected = typed_imap::Select::output(Completed {
        status: Status::Ok,
        data: vec![
            data(b"* 3 EXISTS\r\n"),
            data(b"* FLAGS (\\Answered \\Seen)\r\n"),
        ],
        codes: vec![
            closed,
            code(b"* OK [UIDVALIDITY 67890007] Ok\r\n"),
            code(b"A02 OK [READ-WRITE] Done\r\n"),
        ],
    })
    .expect("output");
    assert_eq!(selected.exists, 3);
    assert_eq!(selected.uid_validity, Some(67890007));
    assert!(!selected.read_only);
}

/// `\NonExistent` (RFC 5258 section 3.4, RFC 9051 section 7.3.1): a name
/// listed though no mailbox has it, as LIST (SUBSCRIBED) lists a deleted
/// mailbox still subscribed (RFC 5258 section 5's example); whatever its
/// case.
#[test]
fn nonexistent_names_a_listed_name_without_a_mailbox() {
    use typed_imap::MailboxAttribute::*;
    let Data::List(item) = data(b"* LIST (\\Subscribed \\NonExistent) \"/\" \"Fruit/Peach\"\r\n")
    else {
        panic!("a LIST");
    };
    assert_eq!(item.attributes, [Subscribed, NonExistent]);
    assert_eq!(item.mailbox.as_str(), "Fruit/Peach");
    assert_eq!(NonExistent.to_string(), "\\NonExistent");
    let Data::List(lower) = data(b"* LIST (\\nonexistent) \"/\" Gone\r\n") else {
        panic!("a LIST");
    };
    assert_eq!(lower.attributes, [NonExistent]);
}

/// STATUS DELETED (RFC 9051 section 6.3.11): the number of messages
/// marked `\Deleted`, beside the other attributes in any order; 0 is a
/// value, and an attribute not asked for stays `None`.
#[test]
fn status_deleted_is_the_number_of_deleted_messages() {
    let status = output::<typed_imap::Status>(vec![data(
        b"* STATUS INBOX (MESSAGES 3 DELETED 2 SIZE 5621)\r\n",
    )]);
    assert_eq!(status.attributes.deleted, Some(2));
    assert_eq!(status.attributes.messages, Some(3));
    assert_eq!(status.attributes.size, Some(5621));
    let none = output::<typed_imap::Status>(vec![data(b"* STATUS Drafts (DELETED 0)\r\n")]);
    assert_eq!(none.attributes.deleted, Some(0));
    assert_eq!(none.attributes.messages, None);
}

/// URLAUTH=BINARY (RFC 5524): the value after each URL of `* URLFETCH`
/// is RFC 4467's nstring for a URL asked without options, else section
/// 5's `url-metadata`, each item in parentheses of its own. The URL is
/// RFC 4467's example.
const URL: &str = "imap://joe@example.com/INBOX/;uid=20/;section=1.2;urlauth=submit+fred:internal:91354a473744909de610943775f92038";

/// `* URLFETCH "<URL>" <rest>`, with its CRLF.
fn urlfetch_line(rest: &[u8]) -> Vec<u8> {
    [b"* URLFETCH \"", URL.as_bytes(), b"\" ", rest, b"\r\n"].concat()
}

fn url_fetched(line: Vec<u8>) -> typed_imap::UrlFetched {
    let frame = Bytes::from(line);
    match parse_response_as::<Data, Code>(&frame, &Limits::default()) {
        Ok(Response::Data(Data::UrlFetch(fetched))) => fetched,
        other => panic!("expected a URLFETCH response, got {other:?}"),
    }
}

/// Without options, the answer is RFC 4467's: the data as stored, or NIL.
#[test]
fn urlfetch_without_options_answers_an_nstring() {
    let fetched = url_fetched(urlfetch_line(b"{28}\r\nSi vis pacem, para bellum.\r\n"));
    assert_eq!(fetched.url.as_ref(), URL.as_bytes());
    let data = fetched.data;
    assert_eq!(
        data.content.as_deref(),
        Some(&b"Si vis pacem, para bellum.\r\n"[..])
    );
    assert_eq!(data.form, None);
    assert!(data.body_part_structure.is_none());
    let unresolved = url_fetched(urlfetch_line(b"NIL")).data;
    assert!(unresolved.content.is_none() && unresolved.form.is_none());
}

/// BODYPARTSTRUCTURE and BINARY: the part's structure, and its data
/// decoded, as a literal8 that may hold NUL.
#[test]
fn urlfetch_binary_with_body_part_structure() {
    let line = urlfetch_line(
        b"(BODYPARTSTRUCTURE (\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" \"x.bin\") NIL NIL \"BASE64\" 12)) (BINARY ~{8}\r\n\0\x01\x02\x03\x04hi!)",
    );
    let data = url_fetched(line).data;
    assert_eq!(data.form, Some(UrlFetchForm::Binary));
    assert_eq!(data.content.as_deref(), Some(&b"\0\x01\x02\x03\x04hi!"[..]));
    let structure = data.body_part_structure.expect("a body part structure");
    let part = structure.root();
    assert_eq!(part.media_type(), b"APPLICATION");
    assert_eq!(part.media_subtype(), b"OCTET-STREAM");
    assert_eq!(part.encoding(), Some(&b"BASE64"[..]));
    assert_eq!(part.params().get("name"), Some(&b"x.bin"[..]));
    assert_eq!(part.octets(), 12);
}

/// BINARY is NIL when the server cannot decode the part (RFC 5524
/// section 3); BODY is the data as stored; BODYPARTSTRUCTURE alone
/// brings no data.
#[test]
fn urlfetch_binary_nil_body_and_structure_alone() {
    let undecodable = url_fetched(urlfetch_line(b"(BINARY NIL)")).data;
    assert_eq!(undecodable.form, Some(UrlFetchForm::Binary));
    assert!(undecodable.content.is_none());

    let stored = url_fetched(urlfetch_line(b"(BODY {12}\r\nAAECAwRoaSE=)")).data;
    assert_eq!(stored.form, Some(UrlFetchForm::Body));
    assert_eq!(stored.content.as_deref(), Some(&b"AAECAwRoaSE="[..]));

    let structure_only = url_fetched(urlfetch_line(
        b"(BODYPARTSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 28 1))",
    ))
    .data;
    assert!(structure_only.content.is_none() && structure_only.form.is_none());
    let structure = structure_only.body_part_structure.expect("a structure");
    assert_eq!(structure.root().media_subtype(), b"PLAIN");
}

/// Dovecot 2.3 puts the items in one list (its exact answer, the
/// structure's encoding still `base64` though the data is decoded); Cyrus
/// 2.4 sends BODYPARTSTRUCTURE NIL. Both read.
#[test]
fn urlfetch_items_in_one_list_and_a_nil_structure() {
    let dovecot = url_fetched(urlfetch_line(
        b"(BODYPARTSTRUCTURE (\"application\" \"octet-stream\" NIL NIL NIL \"base64\" 8 NIL NIL NIL NIL) BINARY ~{8}\r\n\0\x01\x02\x03\x04hi!)",
    ))
    .data;
    assert_eq!(dovecot.form, Some(UrlFetchForm::Binary));
    assert_eq!(
        dovecot.content.as_deref(),
        Some(&b"\0\x01\x02\x03\x04hi!"[..])
    );
    let structure = dovecot.body_part_structure.expect("a structure");
    assert_eq!(structure.root().encoding(), Some(&b"base64"[..]));
    assert_eq!(structure.root().octets(), 8);
    let cyrus = url_fetched(urlfetch_line(b"(BODYPARTSTRUCTURE NIL) (BINARY {2}\r\nhi)")).data;
    assert!(cyrus.body_part_structure.is_none());
    assert_eq!(cyrus.content.as_deref(), Some(&b"hi"[..]));
}

/// An item RFC 5524 does not define is an error naming the three it does,
/// at the item.
#[test]
fn urlfetch_unknown_item_is_an_error_at_the_item() {
    let line = urlfetch_line(b"(SIZE 3)");
    let at = line.len() - b"SIZE 3)\r\n".len();
    let error = parse_response_as::<Data, Code>(&Bytes::from(line), &Limits::default())
        .expect_err("SIZE is no URLFETCH item");
    assert_eq!(error.offset(), at);
    assert!(
        error
            .to_string()
            .contains("BODYPARTSTRUCTURE, BINARY or BODY"),
        "{error}"
    );
}

/// The extended answer framed from the stream cut at every byte reads the
/// same, and UrlFetch takes it as its output.
#[test]
fn urlfetch_binary_split_at_every_byte() {
    let line = urlfetch_line(
        b"(BODYPARTSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"BASE64\" 8 1)) (BINARY ~{6}\r\nhi\0\r\n!)",
    );
    for cut in 0..=line.len() {
        let mut framer = Framer::new(Limits::default());
        let (head, tail) = line.split_at(cut);
        framer.push(head);
        if cut < line.len() {
            assert!(framer.next_frame().expect("frames").is_none(), "cut {cut}");
        }
        framer.push(tail);
        let frame = framer.next_frame().expect("frames").expect("a frame");
        let Ok(Response::Data(data)) = parse_response_as::<Data, Code>(&frame, &Limits::default())
        else {
            panic!("cut {cut}: not untagged data");
        };
        let fetched = output::<typed_imap::UrlFetch>(vec![data]);
        assert_eq!(
            fetched.data.content.as_deref(),
            Some(&b"hi\0\r\n!"[..]),
            "cut {cut}"
        );
        assert!(fetched.data.body_part_structure.is_some(), "cut {cut}");
    }
}
