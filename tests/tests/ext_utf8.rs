//! UTF8=ACCEPT (RFC 6855) against Courier's PREAUTH stream, the one server
//! here that implements it, and against Dovecot, which answers ENABLE with
//! OK but enables nothing; each client test runs with both clients.

use typed_imap::types::{Capability, FetchItem, Flag, Mailbox, SearchKey, Section};
use typed_imap::{Append, AppendUtf8, Code, Create, Enable, Fetch, List, ListItem, Search, Select};
use typed_imap_tests::both::Imap;
use typed_imap_tests::both_clients;
use typed_imap_tests::courier::CourierStream;
use typed_imap_tests::dovecot::Dovecot;
use typed_imap_tests::views::{converse, first_body};

both_clients!(
    courier_answers_enable_utf8_accept_with_enabled,
    create_list_select_of_a_non_ascii_name_travel_as_utf8_on_courier,
    a_name_that_looks_like_modified_utf7_is_itself_once_utf8_is_enabled,
    append_utf8_then_fetch_returns_identical_bytes_on_courier,
    plain_append_goes_as_utf8_once_enabled_on_courier,
    search_with_a_charset_is_refused_once_utf8_is_enabled_on_courier,
    append_utf8_needs_the_capability,
    dovecot_ok_to_enable_without_enabled_keeps_modified_utf7,
);

/// A message whose header fields hold UTF-8 (RFC 6532).
const UTF8_MESSAGE: &[u8] = "From: Jörg <joerg@example.org>\r\n\
    Subject: Grüße aus Köln\r\n\
    Content-Type: text/plain; charset=utf-8\r\n\
    \r\n\
    Schöne Grüße!\r\n"
    .as_bytes();

fn utf8_accept() -> Vec<Capability> {
    vec![Capability::new("UTF8=ACCEPT")]
}

/// A Courier session that has enabled UTF8=ACCEPT.
fn enabled<I: Imap>(stream: &CourierStream) -> I {
    let mut imap = I::spawn(stream.command()).unwrap();
    let enabled = imap.run(Enable::new(utf8_accept())).unwrap();
    assert_eq!(enabled, utf8_accept());
    assert!(imap.utf8_enabled());
    imap
}

fn names(items: &[ListItem]) -> Vec<&Mailbox> {
    items.iter().map(|item| &item.mailbox).collect()
}

#[test]
fn courier_stream_greets_with_preauth_and_advertises_utf8_accept() {
    let stream = CourierStream::new().unwrap();
    let text = converse(stream.command(), b"a CAPABILITY\r\nb LOGOUT\r\n").unwrap();
    assert!(text.starts_with("* PREAUTH "), "{text}");
    let capability = text
        .lines()
        .find(|line| line.starts_with("* CAPABILITY "))
        .unwrap_or_else(|| panic!("no CAPABILITY in {text}"));
    assert!(
        capability.split(' ').any(|c| c == "UTF8=ACCEPT"),
        "{capability}"
    );
    assert!(capability.split(' ').any(|c| c == "ENABLE"), "{capability}");
    assert!(text.contains("b OK LOGOUT"), "{text}");
}

#[test]
fn courier_stream_removes_its_directory_on_drop() {
    let stream = CourierStream::new().unwrap();
    let dir = stream.dir().to_owned();
    assert!(stream.maildir().join("cur").is_dir());
    drop(stream);
    assert!(!dir.exists());
}

fn courier_answers_enable_utf8_accept_with_enabled<I: Imap>() {
    let stream = CourierStream::new().unwrap();
    let mut imap = I::spawn(stream.command()).unwrap();
    assert!(imap.has_capability("UTF8=ACCEPT").unwrap());
    assert!(!imap.utf8_enabled());
    let enabled = imap.run(Enable::new(utf8_accept())).unwrap();
    assert_eq!(enabled, utf8_accept());
    assert!(imap.utf8_enabled());
    imap.logout().unwrap();
}

fn create_list_select_of_a_non_ascii_name_travel_as_utf8_on_courier<I: Imap>() {
    let stream = CourierStream::new().unwrap();
    let name = Mailbox::new("INBOX.Grüße");
    let mut imap = enabled::<I>(&stream);
    imap.run(Create::new(&name)).unwrap();
    let listed = imap.run(List::new("", "INBOX.*")).unwrap();
    assert_eq!(names(&listed), [&name]);
    assert_eq!(listed[0].delimiter, Some('.'));
    // Read as UTF-8, not lossily from invalid modified UTF-7.
    assert_eq!(listed[0].mailbox.raw_wire(), None);
    let selected = imap.run(Select::new(&listed[0].mailbox)).unwrap();
    assert_eq!(selected.exists, 0);
    imap.logout().unwrap();

    // Without ENABLE the same folder is listed in modified UTF-7: Courier
    // understood the UTF-8 name as `Grüße`, not as some other spelling.
    let mut plain = I::spawn(stream.command()).unwrap();
    let listed = plain.run(List::new("", "INBOX.*")).unwrap();
    assert_eq!(names(&listed), [&name]);
    assert!(!plain.utf8_enabled());
    plain.logout().unwrap();
}

fn a_name_that_looks_like_modified_utf7_is_itself_once_utf8_is_enabled<I: Imap>() {
    let stream = CourierStream::new().unwrap();
    // RFC 6855 section 3: after ENABLE, `&AOQ-` is not `ä`.
    let literal = Mailbox::new("INBOX.&AOQ-");
    let mut imap = enabled::<I>(&stream);
    imap.run(Create::new(&literal)).unwrap();
    let listed = imap.run(List::new("", "INBOX.*")).unwrap();
    assert_eq!(names(&listed), [&literal]);
    assert_eq!(imap.run(Select::new(&listed[0].mailbox)).unwrap().exists, 0);
    imap.logout().unwrap();

    // Without ENABLE Courier spells that name `INBOX.&-AOQ-`.
    let mut plain = I::spawn(stream.command()).unwrap();
    let listed = plain.run(List::new("", "INBOX.*")).unwrap();
    assert_eq!(names(&listed), [&literal]);
    plain.logout().unwrap();
}

fn append_utf8_then_fetch_returns_identical_bytes_on_courier<I: Imap>() {
    let stream = CourierStream::new().unwrap();
    let mut imap = enabled::<I>(&stream);
    imap.run(Create::new("INBOX.Grüße")).unwrap();
    let tag = imap
        .send(&AppendUtf8::new("INBOX.Grüße", vec![Flag::Seen]).message(UTF8_MESSAGE))
        .unwrap();
    let done = imap.wait(&tag).unwrap();
    let codes = &done.completed.codes;
    assert!(
        codes.iter().any(|code| matches!(code, Code::AppendUid(_))),
        "{codes:?}"
    );
    // Courier warns when 8-bit headers come outside `UTF8 (...)`: not here.
    assert!(
        !codes.iter().any(|code| matches!(code, Code::Alert)),
        "{codes:?}"
    );
    imap.run(Select::new("INBOX.Grüße")).unwrap();
    let fetched = imap
        .run(Fetch::new(1).items(FetchItem::body_peek(Section::default()) | FetchItem::flags()))
        .unwrap();
    let [one] = fetched.as_slice() else {
        panic!("expected one message, got {fetched:?}")
    };
    assert_eq!(one.message.flags.as_deref(), Some(&[Flag::Seen][..]));
    let body = first_body(one).unwrap();
    assert_eq!(&body[..], UTF8_MESSAGE);
    imap.logout().unwrap();
}

fn plain_append_goes_as_utf8_once_enabled_on_courier<I: Imap>() {
    // RFC 6855 section 4, as imaplib does: once UTF-8 is enabled a plain
    // `Append` sends `UTF8 (~{n}...)`. Courier tells the forms apart: a
    // plain literal with 8-bit headers draws an ALERT, this does not.
    let stream = CourierStream::new().unwrap();
    let mut imap = enabled::<I>(&stream);
    let tag = imap
        .send(&Append::new("INBOX", UTF8_MESSAGE.to_vec()))
        .unwrap();
    let done = imap.wait(&tag).unwrap();
    let codes = &done.completed.codes;
    assert!(
        codes.iter().any(|code| matches!(code, Code::AppendUid(_))),
        "{codes:?}"
    );
    assert!(
        !codes.iter().any(|code| matches!(code, Code::Alert)),
        "{codes:?}"
    );
    imap.run(Select::new("INBOX")).unwrap();
    let fetched = imap
        .run(Fetch::new(1).items(FetchItem::body_peek(Section::default())))
        .unwrap();
    assert_eq!(&first_body(&fetched[0]).unwrap()[..], UTF8_MESSAGE);
    imap.logout().unwrap();
}

fn search_with_a_charset_is_refused_once_utf8_is_enabled_on_courier<I: Imap>() {
    let stream = CourierStream::new().unwrap();
    let mut imap = enabled::<I>(&stream);
    imap.run(Select::new("INBOX")).unwrap();
    let error = imap
        .run(Search::new(SearchKey::subject("Grüße")).charset("UTF-8"))
        .unwrap_err();
    assert!(
        matches!(&error, typed_imap::Error::InvalidArgument { reason } if reason.contains("RFC 6855")),
        "{error}"
    );
    // Nothing was sent: the session goes on, and without the charset the
    // same search is sent as UTF-8.
    assert!(imap
        .run(Search::new(SearchKey::subject("Grüße")))
        .unwrap()
        .is_empty());
    imap.logout().unwrap();
}

fn append_utf8_needs_the_capability<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    let error = imap
        .run(AppendUtf8::new("INBOX", vec![]).message(UTF8_MESSAGE))
        .unwrap_err();
    assert!(
        matches!(&error, typed_imap::Error::MissingCapability { capability, .. } if capability == "UTF8=ACCEPT"),
        "{error}"
    );
}

fn dovecot_ok_to_enable_without_enabled_keeps_modified_utf7<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    // Dovecot 2.3 answers OK and enables nothing.
    let enabled = imap.run(Enable::new(utf8_accept())).unwrap();
    assert_eq!(enabled, []);
    assert!(!imap.utf8_enabled());
    imap.run(Create::new("Grüße")).unwrap();
    // The name reached the server in modified UTF-7: its Maildir folder
    // is named so (Dovecot refuses UTF-8 names with NO).
    let maildir = server.maildir("alice").unwrap();
    assert!(
        maildir.root().join(".Gr&APwA3w-e").is_dir(),
        "{:?}",
        std::fs::read_dir(maildir.root())
            .map(|d| d.flatten().map(|e| e.file_name()).collect::<Vec<_>>())
    );
    let listed = imap.run(List::new("", "Gr*")).unwrap();
    assert_eq!(names(&listed), [&Mailbox::new("Grüße")]);
    assert_eq!(listed[0].mailbox.raw_wire(), None);
    assert_eq!(imap.run(Select::new("Grüße")).unwrap().exists, 0);
}
