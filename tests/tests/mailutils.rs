//! The RFC 3501 command set against GNU Mailutils imap4d 3.15, a server
//! written apart from Dovecot and Cyrus: login, list, create/rename/delete,
//! append with flags and date, select/examine, search, fetch sections,
//! store, copy, expunge and IDLE, with typed results checked.
//!
//! Where imap4d is wrong, the test is named after what it does, says what
//! RFC 3501 asks instead, and asserts that typed-imap reports what the
//! server really sent (its transcript is in the log printed on failure).

use std::time::Duration;

use typed_imap::auth::Plain;
use typed_imap::blocking::ClientOptions;
use typed_imap::chrono::{DateTime, FixedOffset, NaiveDate};
use typed_imap::command::State;
use typed_imap::types::{
    Capability, FetchItem, Flag, SearchKey, Section, SectionText, SequenceSet, StatusItem,
};
use typed_imap::{
    Append, Copy as CopyMessages, Create, Delete, Error, Examine, Expunge, Fetch, Fetched, Id,
    List, MailboxAttribute, NamespaceCommand, Noop, Rename, Search, Select, Status, Store,
    UidStore,
};
use typed_imap_tests::both::{Idling, Imap};
use typed_imap_tests::both_clients;
use typed_imap_tests::client::trust_certificate;
use typed_imap_tests::mailutils::Mailutils;
use typed_imap_tests::messages::sample_message;
use typed_imap_tests::raw::RawSession;
use typed_imap_tests::views::first_body;

both_clients!(
    starttls_then_login_as_user_at_domain,
    implicit_tls_greets_and_lists_its_capabilities,
    wrong_password_is_no_and_the_connection_goes_on,
    authenticate_plain_succeeds,
    id_is_bad_before_login_and_a_bare_ok_after,
    namespace_is_one_personal_namespace,
    list_shows_inbox_and_the_hierarchy_of_a_created_mailbox,
    create_rename_delete_a_name_with_a_space_and_non_ascii,
    append_with_flags_and_date_to_another_mailbox_keeps_both,
    append_to_the_selected_mailbox_drops_the_flags,
    append_date_keeps_its_clock_time_and_loses_its_zone,
    append_to_an_inbox_never_selected_is_no_with_trycreate_in_its_text,
    append_without_date_or_from_header_is_no,
    select_reports_counts_uids_and_permanent_flags,
    examine_is_read_only_with_no_permanent_flags,
    select_of_a_missing_mailbox_is_no_and_leaves_none_selected,
    search_by_subject_sender_and_flags,
    search_on_a_day_also_matches_the_next_day,
    fetch_sections_of_a_multipart_message,
    header_fields_come_back_with_the_field_name_as_requested,
    fetch_of_body_sets_seen_and_body_peek_does_not,
    store_returns_the_new_flags,
    store_of_a_keyword_is_bad,
    uid_store_returns_the_uid_and_the_new_flags,
    store_after_examine_is_answered_but_not_kept,
    copy_then_status_counts_the_copies,
    copies_show_the_servers_bookkeeping_fields,
    bodies_change_once_the_server_wrote_its_bookkeeping_fields,
    copy_to_a_missing_mailbox_is_no_with_trycreate_in_its_text,
    expunge_returns_the_expunged_sequence_numbers,
    idle_reports_an_append_only_when_done,
);

/// The system flags imap4d knows (it refuses keywords).
const SYSTEM_FLAGS: [Flag; 5] = [
    Flag::Answered,
    Flag::Flagged,
    Flag::Deleted,
    Flag::Seen,
    Flag::Draft,
];

fn connect_tls<I: Imap>(server: &Mailutils) -> I {
    I::connect_tls(
        "localhost",
        server.tls_addr().port(),
        &trust_certificate(server.certificate()).unwrap(),
        ClientOptions::default(),
    )
    .unwrap()
}

fn password<'a>(server: &'a Mailutils, user: &str) -> &'a str {
    &server.user(user).unwrap().password
}

fn logged_in<I: Imap>(server: &Mailutils) -> I {
    let mut imap = connect_tls::<I>(server);
    imap.login(&server.login_name("alice"), password(server, "alice"))
        .unwrap();
    imap
}

/// Alice's INBOX holding `count` sample messages, selected.
fn inbox_with<I: Imap>(server: &Mailutils, count: usize) -> I {
    server
        .fill("alice", "INBOX", (0..count).map(|n| sample_message(n, 400)))
        .unwrap();
    let mut imap = logged_in::<I>(server);
    imap.run(Select::new("INBOX")).unwrap();
    imap
}

fn date(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// The one FETCH record of a one-message FETCH.
fn only(fetched: Vec<Fetched>) -> Fetched {
    let count = fetched.len();
    let mut records = fetched.into_iter();
    match (records.next(), records.next()) {
        (Some(one), None) => one,
        _ => panic!("expected one FETCH record, got {count}"),
    }
}

fn flags_of<I: Imap>(imap: &mut I, seq: u32) -> Vec<Flag> {
    let fetched = imap.run(Fetch::new(seq).items(FetchItem::flags())).unwrap();
    only(fetched).message.flags.unwrap()
}

/// Every message's BODY[] in the selected mailbox, in order.
fn bodies<I: Imap>(imap: &mut I) -> Vec<Vec<u8>> {
    let fetched = imap
        .run(Fetch::new(SequenceSet::all()).items(FetchItem::body_peek(Section::default())))
        .unwrap();
    fetched
        .iter()
        .map(|one| first_body(one).unwrap().to_vec())
        .collect()
}

/// Every message's subject in the selected mailbox, in order.
fn subjects<I: Imap>(imap: &mut I) -> Vec<String> {
    let fetched = imap
        .run(Fetch::new(SequenceSet::all()).items(FetchItem::envelope()))
        .unwrap();
    fetched
        .iter()
        .map(|one| {
            let subject = one.message.envelope.as_ref().unwrap().subject().unwrap();
            String::from_utf8_lossy(subject).into_owned()
        })
        .collect()
}

/// The fields imap4d keeps its UIDs and flags in (mbox conventions).
const BOOKKEEPING: [&str; 3] = ["X-IMAPbase", "X-UID", "Status"];

/// The lines of a message's header, each with its CRLF.
fn header_lines(message: &[u8]) -> impl Iterator<Item = &[u8]> {
    let end = message.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 2;
    message[..end].split_inclusive(|&b| b == b'\n')
}

fn bookkeeping_name(line: &[u8]) -> Option<&'static str> {
    BOOKKEEPING
        .into_iter()
        .find(|name| line.starts_with(format!("{name}:").as_bytes()))
}

/// The bookkeeping fields of a message's header, in order.
fn bookkeeping(message: &[u8]) -> Vec<&'static str> {
    header_lines(message).filter_map(bookkeeping_name).collect()
}

/// A message without its bookkeeping fields.
fn without_bookkeeping(message: &[u8]) -> Vec<u8> {
    let mut kept: Vec<u8> = header_lines(message)
        .filter(|line| bookkeeping_name(line).is_none())
        .flatten()
        .copied()
        .collect();
    let header_len: usize = header_lines(message).map(<[u8]>::len).sum();
    kept.extend_from_slice(&message[header_len..]);
    kept
}

/// A message whose FETCH sections differ from each other: a header, and a
/// body of two parts with their own MIME headers.
const MULTIPART: &[u8] = b"From: Alice <alice@example.org>\r\n\
To: Bob <bob@example.org>\r\n\
Subject: two parts\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b\"\r\n\
\r\n\
--b\r\n\
Content-Type: text/plain\r\n\
\r\n\
part one\r\n\
--b\r\n\
Content-Type: text/html\r\n\
\r\n\
<p>two</p>\r\n\
--b--\r\n";

// ---------------------------------------------------------------------
// Connecting and logging in.

fn starttls_then_login_as_user_at_domain<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = I::connect_starttls(
        "127.0.0.1",
        server.plain_addr().port(),
        &trust_certificate(server.certificate()).unwrap(),
        ClientOptions::default(),
    )
    .unwrap();
    assert!(imap.is_tls());
    assert!(
        !imap.has_capability("STARTTLS").unwrap(),
        "capabilities re-read after TLS"
    );
    imap.login(&server.login_name("alice"), password(&server, "alice"))
        .unwrap();
    assert_eq!(imap.state(), State::Authenticated);
    imap.logout().unwrap();
    assert_eq!(imap.state(), State::Logout);
}

fn implicit_tls_greets_and_lists_its_capabilities<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = connect_tls::<I>(&server);
    let greeting = imap.greeting().unwrap();
    assert_eq!(&greeting.text[..], b"IMAP4rev1", "{greeting:?}");
    assert!(greeting.code.is_none(), "{greeting:?}");
    for name in [
        "IMAP4rev1",
        "NAMESPACE",
        "ID",
        "IDLE",
        "LITERAL+",
        "UNSELECT",
    ] {
        assert!(imap.has_capability(name).unwrap(), "{name}");
    }
    // No SASL-IR: AUTHENTICATE waits for a continuation.
    assert!(!imap.has_capability("SASL-IR").unwrap());
    assert!(!imap.has_capability("STARTTLS").unwrap());
    let capabilities = imap.capabilities().unwrap();
    let mechanisms: Vec<&Capability> = capabilities
        .iter()
        .filter(|capability| capability.is("AUTH=PLAIN") || capability.is("AUTH=LOGIN"))
        .collect();
    assert_eq!(mechanisms.len(), 2, "{mechanisms:?}");
}

fn wrong_password_is_no_and_the_connection_goes_on<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = connect_tls::<I>(&server);
    let error = imap
        .login(&server.login_name("alice"), "wrong")
        .unwrap_err();
    assert!(matches!(error, Error::No { .. }), "{error}");
    assert!(!error.is_fatal());
    assert_eq!(imap.state(), State::NotAuthenticated);
    imap.run(Noop::new()).unwrap();
    imap.login(&server.login_name("alice"), password(&server, "alice"))
        .unwrap();
    assert_eq!(imap.state(), State::Authenticated);
}

/// imap4d ends the tagged OK of a successful AUTHENTICATE with a bare LF
/// instead of CRLF; the client tolerates it (issue 13's parser quirks).
fn authenticate_plain_succeeds<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = connect_tls::<I>(&server);
    imap.authenticate(Plain::new(
        server.login_name("bob"),
        password(&server, "bob").to_owned(),
    ))
    .unwrap();
    assert_eq!(imap.state(), State::Authenticated);
    imap.run(Select::new("INBOX")).unwrap();
    imap.run(Noop::new()).unwrap();
}

/// RFC 2971 allows ID in every state; imap4d answers it BAD before login.
/// After login it says OK without the `* ID` response RFC 2971 requires:
/// the client reads that as `None` (quirk `id_without_data`), as `* ID
/// NIL`, and the session goes on.
fn id_is_bad_before_login_and_a_bare_ok_after<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = connect_tls::<I>(&server);
    let error = imap.run(Id::new(None)).unwrap_err();
    assert!(matches!(error, Error::Bad { .. }), "{error}");
    imap.login(&server.login_name("alice"), password(&server, "alice"))
        .unwrap();
    assert_eq!(imap.run(Id::new(None)).unwrap(), None);
    imap.run(Noop::new()).unwrap();
}

// ---------------------------------------------------------------------
// Mailboxes.

fn namespace_is_one_personal_namespace<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    let namespaces = imap.run(NamespaceCommand::new()).unwrap();
    let personal = namespaces.personal.clone().expect("a personal namespace");
    assert_eq!(personal.len(), 1, "{personal:?}");
    assert_eq!(personal[0].prefix.as_str(), "");
    assert_eq!(personal[0].delimiter, Some('/'));
    assert!(namespaces.other_users.is_none(), "{namespaces:?}");
    assert!(namespaces.shared.is_none(), "{namespaces:?}");
}

fn list_shows_inbox_and_the_hierarchy_of_a_created_mailbox<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    imap.run(Create::new("Work/Projects")).unwrap();
    let listed = imap.run(List::new("", "*")).unwrap();
    let entries: Vec<(&str, Option<char>, &[MailboxAttribute])> = listed
        .iter()
        .map(|item| {
            (
                item.mailbox.as_str(),
                item.delimiter,
                item.attributes.as_slice(),
            )
        })
        .collect();
    // Mailboxes are mbox files, which hold no children (\NoInferiors);
    // INBOX's delimiter is NIL. The directory Work is \NoSelect. Both
    // read as RFC 3501's attributes, whose case differs.
    let no_inferiors = [MailboxAttribute::NoInferiors];
    assert_eq!(
        entries,
        [
            ("INBOX", None, &no_inferiors[..]),
            ("Work", Some('/'), &[MailboxAttribute::NoSelect][..]),
            ("Work/Projects", Some('/'), &no_inferiors[..]),
        ]
    );
}

fn create_rename_delete_a_name_with_a_space_and_non_ascii<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    let names = |imap: &mut I| -> Vec<String> {
        let listed = imap.run(List::new("", "*")).unwrap();
        listed
            .iter()
            .map(|item| item.mailbox.as_str().to_owned())
            .collect()
    };
    imap.run(Create::new("Spaced Ü")).unwrap();
    assert_eq!(names(&mut imap), ["INBOX", "Spaced Ü"]);
    imap.run(Rename::new("Spaced Ü", "Umbenannt €")).unwrap();
    assert_eq!(names(&mut imap), ["INBOX", "Umbenannt €"]);
    imap.run(Delete::new("Umbenannt €")).unwrap();
    assert_eq!(names(&mut imap), ["INBOX"]);
    let error = imap.run(Delete::new("Umbenannt €")).unwrap_err();
    assert!(matches!(error, Error::No { .. }), "{error}");
}

// ---------------------------------------------------------------------
// APPEND.

fn append_with_flags_and_date_to_another_mailbox_keeps_both<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    imap.run(Create::new("Archive")).unwrap();
    let message = sample_message(1, 600);
    let arrival = date("2020-01-01T10:00:00+00:00");
    imap.run(
        Append::new("Archive", message.clone())
            .flags(vec![Flag::Seen, Flag::Flagged])
            .internal_date(arrival),
    )
    .unwrap();
    imap.run(Select::new("Archive")).unwrap();
    let fetched = imap
        .run(Fetch::new(1).items(
            FetchItem::flags()
                | FetchItem::internal_date()
                | FetchItem::rfc822_size()
                | FetchItem::body_peek(Section::default()),
        ))
        .unwrap();
    let one = only(fetched);
    assert_eq!(
        one.message.flags,
        Some(vec![Flag::Flagged, Flag::Seen, Flag::Recent])
    );
    assert_eq!(one.message.internal_date, Some(arrival));
    // The body holds imap4d's bookkeeping fields besides the message
    // (see copies_show_the_servers_bookkeeping_fields).
    let body = first_body(&one).unwrap();
    assert_eq!(without_bookkeeping(body), message);
    assert_eq!(bookkeeping(body), ["X-IMAPbase", "X-UID", "Status"]);
    assert_eq!(one.message.rfc822_size, Some(body.len() as u32));
}

/// RFC 3501 6.3.11: the flags given to APPEND "SHOULD be set in the
/// resulting message". imap4d drops them when the mailbox is the selected
/// one (only its own `\Recent` is set); the date is kept.
fn append_to_the_selected_mailbox_drops_the_flags<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 1);
    let arrival = date("2020-01-01T10:00:00+00:00");
    imap.run(
        Append::new("INBOX", sample_message(1, 300))
            .flags(vec![Flag::Seen, Flag::Flagged])
            .internal_date(arrival),
    )
    .unwrap();
    assert_eq!(imap.mailbox().unwrap().exists, 2);
    let fetched = imap
        .run(Fetch::new(2).items(FetchItem::flags() | FetchItem::internal_date()))
        .unwrap();
    let one = only(fetched);
    assert_eq!(one.message.flags, Some(vec![Flag::Recent]));
    assert_eq!(one.message.internal_date, Some(arrival));
}

/// imap4d keeps an APPEND date's clock time and drops its zone: 10:00
/// +0100 comes back as 10:00 +0000, an hour later than the instant given.
fn append_date_keeps_its_clock_time_and_loses_its_zone<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    imap.run(Create::new("Archive")).unwrap();
    imap.run(
        Append::new("Archive", sample_message(1, 300))
            .internal_date(date("2020-01-01T10:00:00+01:00")),
    )
    .unwrap();
    imap.run(Examine::new("Archive")).unwrap();
    let fetched = imap
        .run(Fetch::new(1).items(FetchItem::internal_date()))
        .unwrap();
    assert_eq!(
        only(fetched).message.internal_date,
        Some(date("2020-01-01T10:00:00+00:00"))
    );
}

/// INBOX always exists (RFC 3501 5.1), but imap4d creates its file at the
/// first SELECT: an APPEND before that is NO. Its text holds
/// `[TRYCREATE]` after the command name, where it is text, not a response
/// code (a code must come first); the client reports no code.
fn append_to_an_inbox_never_selected_is_no_with_trycreate_in_its_text<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    let appended = Append::new("INBOX", sample_message(1, 300))
        .internal_date(date("2020-01-01T10:00:00+00:00"));
    let error = imap.run(appended.clone()).unwrap_err();
    assert!(
        matches!(&error, Error::No { code: None, text, .. } if text == "APPEND [TRYCREATE] failed"),
        "{error}"
    );
    assert_eq!(imap.run(Select::new("INBOX")).unwrap().exists, 0);
    imap.run(appended).unwrap();
    imap.run(Noop::new()).unwrap();
    assert_eq!(imap.mailbox().unwrap().exists, 1);
}

/// imap4d stores mbox, whose separator line needs a sender and a date:
/// without an APPEND date and without a From header it fails the APPEND,
/// with the same misleading `[TRYCREATE]` text.
fn append_without_date_or_from_header_is_no<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    imap.run(Create::new("Archive")).unwrap();
    let error = imap
        .run(Append::new(
            "Archive",
            b"Subject: no sender\r\n\r\nhi\r\n".to_vec(),
        ))
        .unwrap_err();
    assert!(
        matches!(&error, Error::No { code: None, text, .. } if text == "APPEND [TRYCREATE] failed"),
        "{error}"
    );
    // A From header is enough.
    imap.run(Append::new(
        "Archive",
        b"From: a@example.org\r\nSubject: sender\r\n\r\nhi\r\n".to_vec(),
    ))
    .unwrap();
}

// ---------------------------------------------------------------------
// SELECT and EXAMINE.

fn select_reports_counts_uids_and_permanent_flags<I: Imap>() {
    let server = Mailutils::start().unwrap();
    server
        .fill("alice", "INBOX", (0..3).map(|n| sample_message(n, 300)))
        .unwrap();
    let mut imap = logged_in::<I>(&server);
    let selected = imap.run(Select::new("INBOX")).unwrap();
    assert_eq!(selected.exists, 3);
    assert_eq!(selected.recent, Some(3));
    assert_eq!(selected.flags.as_deref(), Some(&SYSTEM_FLAGS[..]));
    assert_eq!(selected.permanent_flags, Some(SYSTEM_FLAGS.to_vec()));
    assert_eq!(selected.uid_next, Some(4));
    assert!(selected.uid_validity.is_some());
    assert_eq!(selected.unseen, Some(1));
    assert!(!selected.read_only);
    assert_eq!(imap.state(), State::Selected);
    assert_eq!(imap.mailbox().unwrap().exists, 3);
}

fn examine_is_read_only_with_no_permanent_flags<I: Imap>() {
    let server = Mailutils::start().unwrap();
    server
        .fill("alice", "INBOX", [sample_message(0, 300)])
        .unwrap();
    let mut imap = logged_in::<I>(&server);
    let examined = imap.run(Examine::new("INBOX")).unwrap();
    assert!(examined.read_only);
    assert_eq!(examined.exists, 1);
    assert_eq!(examined.permanent_flags, Some(Vec::new()));
    assert!(imap.mailbox().unwrap().read_only);
}

fn select_of_a_missing_mailbox_is_no_and_leaves_none_selected<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 1);
    let error = imap.run(Select::new("No Such Box")).unwrap_err();
    assert!(matches!(error, Error::No { .. }), "{error}");
    assert_eq!(imap.state(), State::Authenticated);
    assert!(imap.mailbox().is_none());
}

// ---------------------------------------------------------------------
// SEARCH.

fn search_by_subject_sender_and_flags<I: Imap>() {
    let server = Mailutils::start().unwrap();
    // Messages 1 and 4 are from bob (sample_message 0 and 3).
    let mut imap = inbox_with::<I>(&server, 4);
    assert_eq!(
        imap.run(Search::new(SearchKey::subject("Sample message 2")))
            .unwrap(),
        [3]
    );
    assert_eq!(
        imap.run(Search::new(SearchKey::from("bob@example.org")))
            .unwrap(),
        [1, 4]
    );
    imap.run(Store::new(2).add_flags(vec![Flag::Flagged]))
        .unwrap();
    assert_eq!(imap.run(Search::new(SearchKey::flagged())).unwrap(), [2]);
    assert_eq!(
        imap.run(Search::new(
            !SearchKey::flagged() & SearchKey::from("alice")
        ))
        .unwrap(),
        [3]
    );
    assert!(imap
        .run(Search::new(SearchKey::subject("nowhere")))
        .unwrap()
        .is_empty());
}

/// RFC 3501 6.4.4: ON matches messages whose internal date is that day.
/// imap4d also matches the next day.
fn search_on_a_day_also_matches_the_next_day<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    imap.run(Create::new("Dated")).unwrap();
    for (n, when) in [
        "2020-01-01T10:00:00+00:00",
        "2020-01-02T10:00:00+00:00",
        "2020-01-03T10:00:00+00:00",
    ]
    .into_iter()
    .enumerate()
    {
        imap.run(Append::new("Dated", sample_message(n, 300)).internal_date(date(when)))
            .unwrap();
    }
    imap.run(Select::new("Dated")).unwrap();
    assert_eq!(
        imap.run(Search::new(SearchKey::on(day(2020, 1, 1))))
            .unwrap(),
        [1, 2]
    );
    assert_eq!(
        imap.run(Search::new(SearchKey::since(day(2020, 1, 2))))
            .unwrap(),
        [2, 3]
    );
    assert_eq!(
        imap.run(Search::new(SearchKey::before(day(2020, 1, 2))))
            .unwrap(),
        [1]
    );
}

// ---------------------------------------------------------------------
// FETCH sections.

fn fetch_sections_of_a_multipart_message<I: Imap>() {
    let server = Mailutils::start().unwrap();
    server.fill("alice", "INBOX", [MULTIPART]).unwrap();
    let mut imap = logged_in::<I>(&server);
    imap.run(Select::new("INBOX")).unwrap();
    let part = |part: Vec<u32>, text: Option<SectionText>| Section { part, text };
    let fetched = imap
        .run(Fetch::new(1).items(
            FetchItem::body_peek(part(vec![1], None))
                | FetchItem::body_peek(part(vec![2], Some(SectionText::Mime)))
                | FetchItem::body_peek(part(vec![], Some(SectionText::Header)))
                | FetchItem::body_peek(part(vec![], Some(SectionText::Text))).partial(0, 10)
                | FetchItem::rfc822_size()
                | FetchItem::envelope()
                | FetchItem::body_structure(),
        ))
        .unwrap();
    let one = only(fetched);
    let sections: Vec<(String, Option<u32>, Vec<u8>)> = one
        .message
        .body_sections
        .iter()
        .map(|(section, body)| {
            (
                section.section.to_string(),
                section.origin,
                body.as_ref().unwrap().to_vec(),
            )
        })
        .collect();
    let header_end = MULTIPART.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    assert_eq!(
        sections,
        [
            ("1".to_owned(), None, b"part one".to_vec()),
            (
                "2.MIME".to_owned(),
                None,
                b"Content-Type: text/html\r\n\r\n".to_vec()
            ),
            ("HEADER".to_owned(), None, MULTIPART[..header_end].to_vec()),
            ("TEXT".to_owned(), Some(0), b"--b\r\nConte".to_vec()),
        ]
    );
    assert_eq!(one.message.rfc822_size, Some(MULTIPART.len() as u32));
    let envelope = one.message.envelope.as_ref().unwrap();
    assert_eq!(envelope.subject(), Some(&b"two parts"[..]));
    let structure = one.message.body_structure.as_ref().unwrap();
    let (media_type, subtype) = structure.media_type();
    assert!(
        media_type.eq_ignore_ascii_case(b"multipart") && subtype.eq_ignore_ascii_case(b"mixed")
    );
    let parts: Vec<(Vec<u32>, u32)> = structure
        .numbered_parts()
        .iter()
        .map(|(number, part)| (number.clone(), part.octets()))
        .collect();
    assert_eq!(parts, [(vec![1], 8), (vec![2], 10)]);
}

/// RFC 3501 6.4.5: HEADER.FIELDS returns the header lines of the message.
/// imap4d writes the field name as the request spelled it (`subject:` for
/// the message's `Subject:`); the client hands over those bytes.
fn header_fields_come_back_with_the_field_name_as_requested<I: Imap>() {
    let server = Mailutils::start().unwrap();
    server.fill("alice", "INBOX", [MULTIPART]).unwrap();
    let mut imap = logged_in::<I>(&server);
    imap.run(Select::new("INBOX")).unwrap();
    let fields = |name: &str| Section {
        part: Vec::new(),
        text: Some(SectionText::HeaderFields(vec![name.to_owned().into()])),
    };
    let fetched = imap
        .run(
            Fetch::new(1).items(
                FetchItem::body_peek(fields("subject")) | FetchItem::body_peek(fields("TO")),
            ),
        )
        .unwrap();
    let bodies: Vec<Vec<u8>> = only(fetched)
        .message
        .body_sections
        .iter()
        .map(|(_, body)| body.as_ref().unwrap().to_vec())
        .collect();
    assert_eq!(
        bodies,
        [
            b"subject: two parts\r\n\r\n".to_vec(),
            b"TO: Bob <bob@example.org>\r\n\r\n".to_vec()
        ]
    );
}

fn fetch_of_body_sets_seen_and_body_peek_does_not<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 2);
    imap.run(Fetch::new(1).items(FetchItem::body_peek(Section::default())))
        .unwrap();
    assert!(!flags_of(&mut imap, 1).contains(&Flag::Seen));
    let fetched = imap
        .run(Fetch::new(2).items(FetchItem::body_section(Section::default())))
        .unwrap();
    assert_eq!(
        first_body(&only(fetched)).map(|b| b.len()),
        Some(sample_message(1, 400).len())
    );
    assert!(flags_of(&mut imap, 2).contains(&Flag::Seen));
}

// ---------------------------------------------------------------------
// STORE.

fn store_returns_the_new_flags<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 2);
    let stored = imap
        .run(Store::new(1..=2).add_flags(vec![Flag::Answered, Flag::Flagged]))
        .unwrap();
    let flags: Vec<(u32, Vec<Flag>)> = stored
        .iter()
        .map(|fetched| (fetched.seq, fetched.message.flags.clone().unwrap()))
        .collect();
    let expected = vec![Flag::Answered, Flag::Flagged, Flag::Recent];
    assert_eq!(flags, [(1, expected.clone()), (2, expected)]);
    let removed = imap
        .run(Store::new(1).remove_flags(vec![Flag::Answered]))
        .unwrap();
    assert_eq!(
        only(removed).message.flags,
        Some(vec![Flag::Flagged, Flag::Recent])
    );
}

/// imap4d refuses keywords: its PERMANENTFLAGS has no `\*`.
fn store_of_a_keyword_is_bad<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 1);
    let error = imap
        .run(Store::new(1).add_flags(vec![Flag::keyword("$Work").unwrap()]))
        .unwrap_err();
    assert!(matches!(error, Error::Bad { .. }), "{error}");
    imap.run(Noop::new()).unwrap();
}

fn uid_store_returns_the_uid_and_the_new_flags<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 2);
    let stored = imap
        .run(UidStore::new(2).add_flags(vec![Flag::Flagged]))
        .unwrap();
    let one = only(stored);
    assert_eq!((one.seq, one.message.uid), (2, Some(2)));
    assert_eq!(one.message.flags, Some(vec![Flag::Flagged, Flag::Recent]));
}

/// RFC 3501 6.3.2: a mailbox opened with EXAMINE is read-only, so STORE
/// must fail. imap4d answers it as if it had worked (a FETCH with the new
/// flags and OK) but keeps nothing: the client reports both as sent.
fn store_after_examine_is_answered_but_not_kept<I: Imap>() {
    let server = Mailutils::start().unwrap();
    server
        .fill("alice", "INBOX", [sample_message(0, 300)])
        .unwrap();
    let mut imap = logged_in::<I>(&server);
    imap.run(Examine::new("INBOX")).unwrap();
    let stored = imap
        .run(Store::new(1).add_flags(vec![Flag::Flagged]))
        .unwrap();
    assert!(only(stored).message.flags.unwrap().contains(&Flag::Flagged));
    imap.run(Select::new("INBOX")).unwrap();
    assert!(!flags_of(&mut imap, 1).contains(&Flag::Flagged));
}

// ---------------------------------------------------------------------
// COPY, STATUS, EXPUNGE.

fn copy_then_status_counts_the_copies<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 3);
    imap.run(Create::new("Archive")).unwrap();
    imap.run(CopyMessages::new(2..=3, "Archive")).unwrap();
    let status = imap
        .run(Status::new(
            "Archive",
            vec![
                StatusItem::messages(),
                StatusItem::unseen(),
                StatusItem::uid_next(),
            ],
        ))
        .unwrap();
    assert_eq!(status.mailbox.as_str(), "Archive");
    assert_eq!(status.attributes.messages, Some(2));
    assert_eq!(status.attributes.unseen, Some(2));
    assert_eq!(status.attributes.uid_next, Some(3));
    imap.run(Examine::new("Archive")).unwrap();
    assert_eq!(
        subjects(&mut imap),
        ["Sample message 1", "Sample message 2"]
    );
}

/// imap4d keeps each message's UID and flags in mbox header fields
/// (`X-IMAPbase`, `X-UID`, `Status`). RFC 3501 2.3 makes a message's
/// content immutable, but a copy shows these fields in its body: the
/// client hands over the bytes as sent.
fn copies_show_the_servers_bookkeeping_fields<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 2);
    imap.run(Create::new("Archive")).unwrap();
    imap.run(CopyMessages::new(1..=2, "Archive")).unwrap();
    imap.run(Examine::new("Archive")).unwrap();
    let copies = bodies(&mut imap);
    let originals = [sample_message(0, 400), sample_message(1, 400)];
    for (copy, original) in copies.iter().zip(&originals) {
        assert_eq!(&without_bookkeeping(copy), original);
    }
    let fields: Vec<Vec<&str>> = copies.iter().map(|copy| bookkeeping(copy)).collect();
    assert_eq!(fields, [vec!["X-IMAPbase", "X-UID"], vec!["X-UID"]]);
}

/// The same fields appear in a mailbox's bodies once a session has written
/// them (at its first SELECT): the same message has other bytes, and
/// another RFC822.SIZE, in the next session.
fn bodies_change_once_the_server_wrote_its_bookkeeping_fields<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let message = sample_message(0, 400);
    let mut first = inbox_with::<I>(&server, 1);
    assert_eq!(bodies(&mut first), std::slice::from_ref(&message));
    first.logout().unwrap();
    let mut second = logged_in::<I>(&server);
    second.run(Select::new("INBOX")).unwrap();
    let later = bodies(&mut second);
    assert_eq!(
        later
            .iter()
            .map(|body| bookkeeping(body))
            .collect::<Vec<_>>(),
        [vec!["X-IMAPbase", "X-UID", "Status"]]
    );
    assert_eq!(without_bookkeeping(&later[0]), message);
    let fetched = second
        .run(Fetch::new(1).items(FetchItem::rfc822_size()))
        .unwrap();
    assert_eq!(
        only(fetched).message.rfc822_size,
        Some(later[0].len() as u32)
    );
}

/// RFC 3501 6.4.7: a COPY to a missing mailbox is NO with the TRYCREATE
/// code. imap4d writes `[TRYCREATE]` after the command name, where it is
/// text: the client reports no code and the text as sent.
fn copy_to_a_missing_mailbox_is_no_with_trycreate_in_its_text<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 1);
    let error = imap.run(CopyMessages::new(1, "Missing")).unwrap_err();
    assert!(
        matches!(&error, Error::No { code: None, text, .. } if text == "COPY [TRYCREATE] failed"),
        "{error}"
    );
    assert_eq!(imap.state(), State::Selected);
}

/// imap4d answers EXPUNGE with `* n EXPUNGED` instead of `* n EXPUNGE`;
/// the client tolerates it (issue 13's parser quirks) and returns the
/// sequence numbers.
fn expunge_returns_the_expunged_sequence_numbers<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 4);
    imap.run(Store::new(vec![2, 3]).add_flags(vec![Flag::Deleted]))
        .unwrap();
    let expunged = imap.run(Expunge::new()).unwrap();
    // Each number is as of its own moment: the second and third message
    // are 2, then 2 again.
    assert_eq!(expunged, [2, 2]);
    assert_eq!(imap.mailbox().unwrap().exists, 2);
    assert_eq!(
        subjects(&mut imap),
        ["Sample message 0", "Sample message 3"]
    );
}

// ---------------------------------------------------------------------
// IDLE.

/// RFC 2177 has the server push changes while IDLE runs. imap4d pushes
/// nothing while idling: an APPEND from another connection arrives as
/// EXISTS only with the answer to DONE, and the client's mailbox state
/// follows it then.
fn idle_reports_an_append_only_when_done<I: Imap>() {
    let server = Mailutils::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 2);
    let mut idler = imap.idle().unwrap();
    let mut other = logged_in::<I>(&server);
    other
        .run(Append::new("INBOX", sample_message(9, 300)))
        .unwrap();
    other.logout().unwrap();
    assert!(idler.wait(Duration::from_millis(500)).unwrap().is_none());
    idler.done().unwrap();
    assert_eq!(imap.state(), State::Selected);
    assert_eq!(imap.mailbox().unwrap().exists, 3);
    let search = imap.run(Search::new(SearchKey::all())).unwrap();
    assert_eq!(search, [1, 2, 3]);
}

// ---------------------------------------------------------------------
// The harness itself, through a raw session (no typed-imap code).

fn raw_login(server: &Mailutils) -> RawSession {
    let (mut raw, greeting) = RawSession::connect(server.plain_addr()).unwrap();
    assert_eq!(greeting, "* OK IMAP4rev1");
    let login = format!(
        "LOGIN {} {}",
        server.login_name("alice"),
        password(server, "alice")
    );
    let reply = raw.command(&login).unwrap();
    assert!(reply.is_ok(), "{reply:?}");
    raw
}

#[test]
fn harness_stops_imap4d_and_its_sessions_leaving_nothing() {
    let server = Mailutils::start().unwrap();
    // A logged-in session is a child process of the daemon.
    let _raw = raw_login(&server);
    let (dir, pid) = (server.dir().to_owned(), server.pid());
    let proc_dir = |pid: u32| std::path::PathBuf::from(format!("/proc/{pid}"));
    let children: Vec<u32> = std::fs::read_to_string(
        proc_dir(pid)
            .join("task")
            .join(pid.to_string())
            .join("children"),
    )
    .unwrap()
    .split_whitespace()
    .map(|child| child.parse().unwrap())
    .collect();
    assert!(!children.is_empty());
    server.stop().unwrap();
    assert!(!dir.exists(), "{} left behind", dir.display());
    for pid in children.into_iter().chain([pid]) {
        let state = std::fs::read_to_string(proc_dir(pid).join("stat")).unwrap_or_default();
        let state = state.rsplit_once(") ").map(|(_, rest)| rest);
        // Gone, or a zombie left for PID 1 to reap.
        assert!(
            state.is_none_or(|s| s.starts_with('Z')),
            "{pid} runs: {state:?}"
        );
    }
}

#[test]
fn harness_log_holds_the_transcript_without_the_password() {
    let server = Mailutils::start().unwrap();
    let mut raw = raw_login(&server);
    assert!(raw.command("NOOP").unwrap().is_ok());
    // Commands are logged as they arrive, before they are answered.
    let log = server.log();
    assert!(log.contains(" LOGIN alice@example.org \"***\"\n"), "{log}");
    assert!(log.contains(" NOOP\n"), "{log}");
    assert!(!log.contains(password(&server, "alice")), "{log}");
}

#[test]
fn harness_fill_serves_a_crlf_message_byte_identical() {
    let server = Mailutils::start().unwrap();
    let message = sample_message(7, 2000);
    server.fill("alice", "Lists/Rust", [&message]).unwrap();
    let mut raw = raw_login(&server);
    assert!(raw.command("SELECT Lists/Rust").unwrap().is_ok());
    let reply = raw.command("FETCH 1 BODY.PEEK[]").unwrap();
    let mut expected = format!("* 1 FETCH (BODY[] {{{}}}\r\n", message.len()).into_bytes();
    expected.extend_from_slice(&message);
    expected.push(b')');
    assert_eq!(reply.untagged, [expected]);
}

#[test]
fn harness_fill_refuses_a_line_starting_with_from() {
    let server = Mailutils::start().unwrap();
    let error = server
        .fill(
            "alice",
            "INBOX",
            [&b"Subject: x\r\n\r\nFrom here on\r\n"[..]],
        )
        .unwrap_err();
    assert!(error.to_string().contains("`From `"), "{error}");
}
