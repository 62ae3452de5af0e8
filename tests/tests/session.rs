//! Both clients end to end against a private Dovecot: STARTTLS,
//! implicit TLS, the PREAUTH stream of a child process, state changes,
//! pipelining and unsolicited updates from a second connection.

use typed_imap::blocking::{Client, ClientOptions};
use typed_imap::command::State;
use typed_imap::session::Unsolicited;
use typed_imap::transport::TlsConfig;
use typed_imap::{Append, Data, Error, Examine, List, Noop, Select};
use typed_imap_tests::both::Imap;
use typed_imap_tests::both_clients;
use typed_imap_tests::dovecot::Dovecot;
use typed_imap_tests::messages::sample_message;
use typed_imap_tests::preauth::PreauthStream;
use typed_imap_tests::views::first_body;

both_clients!(
    starttls_is_refused_when_already_on_tls,
    greeting_is_kept,
    command_in_the_wrong_state_is_refused_before_sending,
    preauth_stream_through_a_child_process,
    select_is_read_write_and_examine_read_only,
    failed_select_leaves_no_mailbox_selected,
    pipelined_commands_complete_with_their_own_data,
    append_from_another_connection_arrives_as_unsolicited_exists,
    raw_command_returns_its_untagged_data,
    logout_ends_in_logout_state_and_closes,
    append_then_fetch_returns_identical_bytes_8bit_and_5_mb,
    bodystructure_of_a_nested_message_and_its_numbered_parts,
    search_with_several_criteria_and_a_crlf_string,
    store_returns_the_new_flags,
    copy_then_status_counts_the_copy,
    expunge_reports_sequence_numbers_and_renumbers,
    create_rename_delete_names_with_spaces_quotes_and_non_ascii,
    list_shows_special_use_attributes,
    two_hundred_pipelined_commands_all_complete,
    second_compress_is_refused_by_the_server,
    compress_keeps_a_10k_message_fetch_byte_identical,
    protocol_version_is_read_from_the_capabilities,
    why_a_command_failed_is_a_typed_code,
    starttls_then_login,
    compress_deflate_over_plain_tcp,
    compress_deflate_over_implicit_tls,
    compress_deflate_over_a_child_process_stream,
    compress_is_refused_before_sending_without_imap_zlib;
    blocking_only:
    // Not a bug: the tokio client's LOGOUT on drop is written by its
    // connection task, which needs the runtime to go on running, and
    // `both::Tokio` drops its runtime with the client. The tokio case is
    // tokio_client.rs's dropping_the_client_never_blocks_and_says_logout.
    dropping_a_logged_in_client_logs_out_like_imaplibs_context_manager,
);

fn trust(server: &Dovecot) -> TlsConfig {
    TlsConfig::custom_roots_pem(server.certificate().cert_pem().as_bytes()).unwrap()
}

fn logged_in<I: Imap>(server: &Dovecot, user: &str) -> I {
    let mut imap = I::connect_tls(
        "localhost",
        server.tls_addr().port(),
        &trust(server),
        ClientOptions::default(),
    )
    .unwrap();
    imap.login(user, &server.user(user).unwrap().password)
        .unwrap();
    imap
}

fn starttls_then_login<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = I::connect_starttls(
        "127.0.0.1",
        server.plain_addr().port(),
        &trust(&server),
        ClientOptions::default(),
    )
    .unwrap();
    assert!(imap.is_tls());
    assert!(
        !imap.has_capability("STARTTLS").unwrap(),
        "capabilities re-read after TLS"
    );
    imap.login("alice", &server.user("alice").unwrap().password)
        .unwrap();
    assert_eq!(imap.state(), State::Authenticated);
    imap.logout().unwrap();
}

fn starttls_is_refused_when_already_on_tls<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = logged_in::<I>(&server, "alice");
    assert!(matches!(
        imap.starttls(),
        Err(Error::InvalidArgument { .. })
    ));
}

fn greeting_is_kept<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let imap = I::connect(
        "127.0.0.1",
        server.plain_addr().port(),
        ClientOptions::default(),
    )
    .unwrap();
    let greeting = imap.greeting().unwrap();
    assert!(
        String::from_utf8_lossy(&greeting.text).contains("ready"),
        "{greeting:?}"
    );
    assert_eq!(imap.state(), State::NotAuthenticated);
}

fn command_in_the_wrong_state_is_refused_before_sending<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = I::connect(
        "127.0.0.1",
        server.plain_addr().port(),
        ClientOptions::default(),
    )
    .unwrap();
    let error = imap.run(Select::new("INBOX")).unwrap_err();
    assert!(matches!(error, Error::State { .. }), "{error}");
    imap.run(Noop::new()).unwrap();
}

fn preauth_stream_through_a_child_process<I: Imap>() {
    let stream = PreauthStream::new().unwrap();
    let mut imap = I::spawn(stream.command()).unwrap();
    assert_eq!(imap.state(), State::Authenticated);
    let selected = imap.run(Select::new("INBOX")).unwrap();
    assert_eq!(selected.exists, 0);
    assert_eq!(imap.state(), State::Selected);
    imap.logout().unwrap();
}

fn select_is_read_write_and_examine_read_only<I: Imap>() {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "INBOX", (0..3).map(|n| sample_message(n, 512)))
        .unwrap();
    let mut imap = logged_in::<I>(&server, "alice");
    let selected = imap.run(Select::new("INBOX")).unwrap();
    assert_eq!(selected.exists, 3);
    assert!(!selected.read_only);
    assert!(selected.uid_validity.is_some());
    assert!(!imap.mailbox().unwrap().read_only);
    let examined = imap.run(Examine::new("INBOX")).unwrap();
    assert!(examined.read_only);
    assert!(imap.mailbox().unwrap().read_only);
    assert_eq!(imap.mailbox().unwrap().exists, 3);
}

fn failed_select_leaves_no_mailbox_selected<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = logged_in::<I>(&server, "alice");
    imap.run(Select::new("INBOX")).unwrap();
    assert!(matches!(
        imap.run(Select::new("No Such Box")),
        Err(Error::No { .. })
    ));
    assert_eq!(imap.state(), State::Authenticated);
    assert!(imap.mailbox().is_none());
}

fn pipelined_commands_complete_with_their_own_data<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = logged_in::<I>(&server, "alice");
    let noop = imap.send(&Noop::new()).unwrap();
    let list = imap.send(&List::new("", "*")).unwrap();
    let examine = imap.send(&Examine::new("INBOX")).unwrap();
    // Waited for out of order: completions are kept until claimed.
    let examined = imap
        .wait(&examine)
        .unwrap()
        .into_result::<Examine>()
        .unwrap();
    let listed = imap.wait(&list).unwrap().into_result::<List>().unwrap();
    imap.wait(&noop).unwrap().into_result::<Noop>().unwrap();
    assert_eq!(examined.exists, 0);
    assert!(listed.len() >= 2, "{listed:?}");
}

fn append_from_another_connection_arrives_as_unsolicited_exists<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut watcher = logged_in::<I>(&server, "alice");
    watcher.run(Select::new("INBOX")).unwrap();
    let mut writer = logged_in::<I>(&server, "alice");
    writer
        .run(Append::new("INBOX", sample_message(1, 300)))
        .unwrap();
    watcher.run(Noop::new()).unwrap();
    let exists: Vec<u32> = watcher
        .take_unsolicited()
        .into_iter()
        .filter_map(|unsolicited| match unsolicited {
            Unsolicited::Data(Data::Exists(n)) => Some(n),
            _ => None,
        })
        .collect();
    assert_eq!(exists, [1]);
    assert_eq!(watcher.mailbox().unwrap().exists, 1);
}

fn raw_command_returns_its_untagged_data<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = logged_in::<I>(&server, "alice");
    let completed = imap.raw("LIST", "\"\" INBOX").unwrap();
    assert!(
        matches!(completed.data.as_slice(), [Data::List(_)]),
        "{:?}",
        completed.data
    );
}

#[test]
fn uid_command_as_text() {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "INBOX", (0..2).map(|n| sample_message(n, 256)))
        .unwrap();
    let mut imap = logged_in::<Client>(&server, "alice");
    imap.run(Select::new("INBOX")).unwrap();
    let completed = imap.uid("SEARCH", "ALL").unwrap();
    assert!(
        matches!(completed.data.as_slice(), [Data::Search(result)] if result.numbers.len() == 2),
        "{:?}",
        completed.data
    );
}

fn logout_ends_in_logout_state_and_closes<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = logged_in::<I>(&server, "alice");
    imap.logout().unwrap();
    assert_eq!(imap.state(), State::Logout);
    assert!(imap.run(Noop::new()).is_err());
}

// ---------------------------------------------------------------------
// RFC 3501 commands end to end, typed results checked.

use typed_imap::types::{FetchItem, Flag, SearchKey, Section, SequenceSet, StatusItem};
use typed_imap::{
    Copy as CopyMessages, Create, Delete, Expunge, Fetch, Rename, Search, Status, Store,
};

/// A message with 8-bit UTF-8 text and an attachment of `attachment` bytes.
fn message_with_attachment(attachment: usize) -> Vec<u8> {
    let mut message = b"From: Alice <alice@example.org>\r\nTo: bob@example.org\r\n\
Subject: Gr\xc3\xbc\xc3\x9fe\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
Sch\xc3\xb6ne Gr\xc3\xbc\xc3\x9fe, \xe2\x82\xac 5\r\n\
--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        .to_vec();
    let line = b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx\r\n";
    while message.len() < attachment {
        message.extend_from_slice(line);
    }
    message.extend_from_slice(b"--b1--\r\n");
    message
}

fn selected<I: Imap>(server: &Dovecot, messages: usize) -> I {
    server
        .fill(
            "alice",
            "INBOX",
            (0..messages).map(|n| sample_message(n, 400)),
        )
        .unwrap();
    let mut imap = logged_in::<I>(server, "alice");
    imap.run(Select::new("INBOX")).unwrap();
    imap
}

fn append_then_fetch_returns_identical_bytes_8bit_and_5_mb<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = logged_in::<I>(&server, "alice");
    let message = message_with_attachment(5 << 20);
    imap.run(Append::new("INBOX", message.clone()).flags(vec![Flag::Seen]))
        .unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    let fetched = imap
        .run(Fetch::new(1).items(
            FetchItem::body_peek(Section::default())
                | FetchItem::rfc822_size()
                | FetchItem::flags(),
        ))
        .unwrap();
    let [one] = fetched.as_slice() else {
        panic!("expected one message, got {}", fetched.len())
    };
    assert_eq!(one.message.rfc822_size, Some(message.len() as u32));
    assert!(one.message.flags.as_ref().unwrap().contains(&Flag::Seen));
    let body = first_body(one).unwrap();
    assert!(
        body[..] == message[..],
        "fetched body differs from the appended one"
    );
}

/// A message whose structure uses every BODYSTRUCTURE field: an
/// alternative of two texts, an attachment with disposition, id,
/// description, language, location and MD5 (its name holding quotes), and
/// an encapsulated message.
fn structured_message() -> Vec<u8> {
    b"From: Alice <alice@example.org>\r\nTo: bob@example.org\r\nSubject: structure\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n\
--outer\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n\
--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
Sch\xc3\xb6n\r\nGr\xc3\xbc\xc3\x9fe\r\n\
--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Sch\xc3\xb6n</p>\r\n\
--alt--\r\n\
--outer\r\nContent-Type: application/pdf; name=\"report \\\"Q3\\\".pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\
Content-Disposition: attachment; filename=\"report.pdf\"\r\n\
Content-ID: <pdf@example.org>\r\nContent-Description: The report\r\n\
Content-Language: en, de\r\nContent-Location: http://example.org/r.pdf\r\n\
Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\n\r\nJVBERi0xLjQK\r\n\
--outer\r\nContent-Type: message/rfc822\r\n\r\n\
From: Bob <bob@example.org>\r\nSubject: inner\r\n\r\nHello\r\n\
--outer--\r\n"
        .to_vec()
}

fn bodystructure_of_a_nested_message_and_its_numbered_parts<I: Imap>() {
    use typed_imap::types::PartKind;

    let server = Dovecot::start().unwrap();
    let mut imap = logged_in::<I>(&server, "alice");
    imap.run(Append::new("INBOX", structured_message()))
        .unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    let fetched = imap
        .run(Fetch::new(1).items(FetchItem::body_structure() | FetchItem::body()))
        .unwrap();
    let [one] = fetched.as_slice() else {
        panic!("expected one message, got {}", fetched.len())
    };
    let full = one.message.body_structure.as_ref().expect("BODYSTRUCTURE");
    let basic = one.message.body.as_ref().expect("BODY");
    assert!(full.root().extension().is_some() && basic.root().extension().is_none());
    let (media_type, subtype) = full.media_type();
    assert!(media_type == b"MULTIPART" && subtype.eq_ignore_ascii_case(b"mixed"));
    let ext = full.root().extension().unwrap();
    assert_eq!(full.root().params().get("boundary"), Some(&b"outer"[..]));
    assert!(ext.md5().is_none());

    let numbered = full.numbered_parts();
    let shape: Vec<(Vec<u32>, String)> = numbered
        .iter()
        .map(|(number, part)| {
            let kind = [part.media_type(), part.media_subtype()].join(&b'/');
            (
                number.clone(),
                String::from_utf8_lossy(&kind).to_ascii_lowercase(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            (vec![1], "multipart/alternative".to_owned()),
            (vec![1, 1], "text/plain".to_owned()),
            (vec![1, 2], "text/html".to_owned()),
            (vec![2], "application/pdf".to_owned()),
            (vec![3], "message/rfc822".to_owned()),
            (vec![3, 1], "text/plain".to_owned()),
        ]
    );

    let plain = numbered[1].1;
    assert_eq!(
        plain
            .params()
            .get("CHARSET")
            .map(|c| c.to_ascii_lowercase()),
        Some(b"utf-8".to_vec())
    );
    assert_eq!(
        plain.encoding().map(|e| e.to_ascii_lowercase()),
        Some(b"8bit".to_vec())
    );
    // The CRLF before a boundary belongs to the boundary (RFC 2046).
    assert_eq!(plain.kind(), PartKind::Text { lines: 1 });
    assert_eq!(plain.octets() as usize, "Schön\r\nGrüße".len());

    let pdf = numbered[3].1;
    assert_eq!(pdf.params().get("name"), Some(&br#"report "Q3".pdf"#[..]));
    assert_eq!(pdf.id(), Some(&b"<pdf@example.org>"[..]));
    assert_eq!(pdf.description(), Some(&b"The report"[..]));
    assert_eq!(
        pdf.encoding().map(|e| e.to_ascii_lowercase()),
        Some(b"base64".to_vec())
    );
    let ext = pdf.extension().expect("extension data");
    assert_eq!(ext.md5(), Some(&b"Q2hlY2sgSW50ZWdyaXR5IQ=="[..]));
    let disposition = ext.disposition().expect("disposition");
    assert!(disposition.kind().eq_ignore_ascii_case(b"attachment"));
    assert_eq!(
        disposition.params().get("filename"),
        Some(&b"report.pdf"[..])
    );
    let languages: Vec<_> = ext.language().map(<[u8]>::to_ascii_lowercase).collect();
    assert_eq!(languages, [b"en".to_vec(), b"de".to_vec()]);
    assert_eq!(ext.location(), Some(&b"http://example.org/r.pdf"[..]));

    let PartKind::Message {
        envelope,
        body,
        lines,
    } = numbered[4].1.kind()
    else {
        panic!("expected message/rfc822, got {:?}", numbered[4].1)
    };
    assert_eq!(envelope.subject(), Some(&b"inner"[..]));
    assert_eq!(body.octets() as usize, "Hello".len());
    assert_eq!(lines, 3);

    // The numbers fetch the parts they name: the PDF's base64 text has the
    // size the structure gives.
    let section = Section {
        part: numbered[3].0.clone(),
        text: None,
    };
    let fetched = imap
        .run(Fetch::new(1).items(FetchItem::body_peek(section)))
        .unwrap();
    let pdf_text = fetched.first().and_then(first_body).expect("BODY[2]");
    assert_eq!(pdf_text.len(), pdf.octets() as usize);
    assert_eq!(&pdf_text[..], b"JVBERi0xLjQK");
}

fn search_with_several_criteria_and_a_crlf_string<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = selected::<I>(&server, 3);
    imap.run(Store::new(2).add_flags(vec![Flag::Flagged]))
        .unwrap();
    let flagged = imap
        .run(Search::new(SearchKey::flagged() & SearchKey::all()))
        .unwrap();
    assert_eq!(flagged, [2]);
    let not_flagged = imap.run(Search::new(!SearchKey::flagged())).unwrap();
    assert_eq!(not_flagged, [1, 3]);
    // CR LF in a search string must travel as a literal: the server sees
    // one command, finds nothing, and the connection goes on.
    let nothing = imap
        .run(Search::new(SearchKey::subject(
            "x\"\r\nX1 STORE 1:* +FLAGS (\\Deleted)",
        )))
        .unwrap();
    assert!(nothing.is_empty());
    imap.run(Noop::new()).unwrap();
    let deleted = imap.run(Search::new(SearchKey::deleted())).unwrap();
    assert!(deleted.is_empty(), "the injected STORE must not have run");
}

fn store_returns_the_new_flags<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = selected::<I>(&server, 1);
    let stored = imap
        .run(Store::new(1).add_flags(vec![Flag::Flagged, Flag::keyword("$Work").unwrap()]))
        .unwrap();
    let flags = stored
        .first()
        .and_then(|fetched| fetched.message.flags.clone())
        .unwrap();
    assert!(flags.contains(&Flag::Flagged));
    assert!(flags.contains(&Flag::Keyword("$Work".into())));
}

fn copy_then_status_counts_the_copy<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = selected::<I>(&server, 2);
    imap.run(CopyMessages::new(1..=2, "Archive")).unwrap();
    let status = imap
        .run(Status::new(
            "Archive",
            vec![StatusItem::messages(), StatusItem::uid_next()],
        ))
        .unwrap();
    assert_eq!(status.attributes.messages, Some(2));
    assert_eq!(status.attributes.uid_next, Some(3));
}

fn expunge_reports_sequence_numbers_and_renumbers<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = selected::<I>(&server, 4);
    imap.run(Store::new(vec![2, 3]).add_flags(vec![Flag::Deleted]))
        .unwrap();
    let expunged = imap.run(Expunge::new()).unwrap();
    // Each number is as of its own moment: replaying them on the messages
    // 1..=4 must leave the first and the fourth, whatever the order.
    let mut messages = vec![1, 2, 3, 4];
    for seq in &expunged {
        messages.remove(*seq as usize - 1);
    }
    assert_eq!(messages, [1, 4], "EXPUNGE responses {expunged:?}");
    assert_eq!(imap.mailbox().unwrap().exists, 2);
}

fn create_rename_delete_names_with_spaces_quotes_and_non_ascii<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = logged_in::<I>(&server, "alice");
    let name = "Spaced \"Quoted\" \\ Ünïcödé";
    let renamed = "Umbenannt Ü";
    imap.run(Create::new(name)).unwrap();
    let listed = imap.run(List::new("", "*")).unwrap();
    assert!(
        listed.iter().any(|item| item.mailbox.as_str() == name),
        "{listed:?}"
    );
    imap.run(Rename::new(name, renamed)).unwrap();
    let listed = imap.run(List::new("", "*")).unwrap();
    assert!(listed.iter().any(|item| item.mailbox.as_str() == renamed));
    assert!(!listed.iter().any(|item| item.mailbox.as_str() == name));
    imap.run(Delete::new(renamed)).unwrap();
    let listed = imap.run(List::new("", "*")).unwrap();
    assert!(!listed.iter().any(|item| item.mailbox.as_str() == renamed));
}

fn list_shows_special_use_attributes<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = logged_in::<I>(&server, "alice");
    let listed = imap.run(List::new("", "*")).unwrap();
    let sent = listed
        .iter()
        .find(|item| item.mailbox.as_str() == "Sent")
        .unwrap();
    assert!(
        sent.attributes
            .contains(&typed_imap::MailboxAttribute::Sent),
        "{sent:?}"
    );
    assert_eq!(sent.delimiter, Some('/'));
}

fn two_hundred_pipelined_commands_all_complete<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = logged_in::<I>(&server, "alice");
    imap.run(Select::new("INBOX")).unwrap();
    let started = std::time::Instant::now();
    for _ in 0..200 {
        imap.run(Noop::new()).unwrap();
    }
    let one_by_one = started.elapsed();
    let started = std::time::Instant::now();
    let tags: Vec<String> = (0..200).map(|_| imap.send(&Noop::new()).unwrap()).collect();
    for tag in &tags {
        imap.wait(tag).unwrap().into_result::<Noop>().unwrap();
    }
    eprintln!(
        "200 NOOPs: one by one {one_by_one:?}, pipelined {:?}",
        started.elapsed()
    );
}

#[test]
fn generated_methods_run_through_the_client() {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "INBOX", (0..2).map(|n| sample_message(n, 300)))
        .unwrap();
    let mut imap = logged_in::<Client>(&server, "alice");
    let listed = imap.list("", "INBOX").unwrap();
    assert_eq!(listed.len(), 1);
    let selected = imap.select("INBOX").unwrap();
    assert_eq!(selected.exists, 2);
    assert_eq!(imap.search(SearchKey::all()).unwrap(), [1, 2]);
    imap.noop().unwrap();
    imap.close().unwrap();
    assert_eq!(imap.state(), State::Authenticated);
}

// ---------------------------------------------------------------------
// COMPRESS=DEFLATE (spec/compress.toml) on every transport.

use typed_imap::CompressDeflate;
use typed_imap_tests::dovecot::{Options, Plugins};

fn zlib_dovecot() -> Dovecot {
    Dovecot::start_with(Options {
        plugins: Plugins {
            imap_zlib: true,
            ..Plugins::default()
        },
        ..Options::default()
    })
    .unwrap()
}

/// Appends `message`, compresses, and checks that a FETCH of it through
/// the compressed connection gives the same bytes and that the session
/// goes on (a NOOP and LOGOUT through the compressor).
fn compress_then_fetch_identical<I: Imap>(imap: &mut I, message: &[u8]) {
    imap.run(Append::new("INBOX", message.to_vec())).unwrap();
    assert!(!imap.is_compressed());
    imap.run(CompressDeflate::new()).unwrap();
    assert!(imap.is_compressed());
    imap.run(Select::new("INBOX")).unwrap();
    let fetched = imap
        .run(Fetch::new(SequenceSet::largest()).items(FetchItem::body_peek(Section::default())))
        .unwrap();
    let body = fetched.first().and_then(first_body).unwrap();
    assert!(body[..] == message[..], "body differs after COMPRESS");
    imap.run(Noop::new()).unwrap();
    imap.logout().unwrap();
}

fn dropping_a_logged_in_client_logs_out_like_imaplibs_context_manager<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let imap = logged_in::<I>(&server, "alice");
    drop(imap);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let session_end = || {
        let log = server.log();
        log.lines()
            .find(|line| line.contains("imap(alice)") && line.contains("Disconnected"))
            .map(str::to_owned)
    };
    while session_end().is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // Without LOGOUT, Dovecot says "Disconnected: Connection closed".
    let end = session_end().unwrap_or_default();
    assert!(end.contains("Disconnected: Logged out"), "{}", server.log());
}

fn compress_deflate_over_plain_tcp<I: Imap>() {
    let server = zlib_dovecot();
    let mut imap = I::connect(
        "127.0.0.1",
        server.plain_addr().port(),
        ClientOptions::default(),
    )
    .unwrap();
    imap.login("alice", &server.user("alice").unwrap().password)
        .unwrap();
    assert!(!imap.is_tls());
    compress_then_fetch_identical(&mut imap, &message_with_attachment(1 << 20));
}

fn compress_deflate_over_implicit_tls<I: Imap>() {
    let server = zlib_dovecot();
    let mut imap = logged_in::<I>(&server, "alice");
    assert!(imap.is_tls());
    compress_then_fetch_identical(&mut imap, &message_with_attachment(1 << 20));
}

fn compress_deflate_over_a_child_process_stream<I: Imap>() {
    let stream = PreauthStream::new().unwrap();
    let mut command = stream.command();
    command.args(["-o", "mail_plugins=imap_zlib"]);
    let mut imap = I::spawn(command).unwrap();
    compress_then_fetch_identical(&mut imap, &message_with_attachment(1 << 20));
}

fn compress_is_refused_before_sending_without_imap_zlib<I: Imap>() {
    // The PREAUTH stream without the plugin does not advertise it.
    let stream = PreauthStream::new().unwrap();
    let mut imap = I::spawn(stream.command()).unwrap();
    let error = imap.run(CompressDeflate::new()).unwrap_err();
    assert!(
        matches!(&error, Error::MissingCapability { capability, .. } if capability == "COMPRESS=DEFLATE"),
        "{error}"
    );
    assert!(!imap.is_compressed());
    imap.run(Noop::new()).unwrap();
}

fn second_compress_is_refused_by_the_server<I: Imap>() {
    let server = zlib_dovecot();
    let mut imap = logged_in::<I>(&server, "alice");
    imap.run(CompressDeflate::new()).unwrap();
    let error = imap.run(CompressDeflate::new()).unwrap_err();
    assert!(
        matches!(
            &error,
            Error::No {
                code: Some(typed_imap::Code::CompressionActive),
                ..
            }
        ),
        "{error}"
    );
    imap.run(Noop::new()).unwrap();
}

/// Every message of the selected mailbox, bodies in sequence order.
fn fetch_all_bodies<I: Imap>(imap: &mut I) -> Vec<typed_imap::Bytes> {
    let fetched = imap
        .run(Fetch::new(SequenceSet::all()).items(FetchItem::body_peek(Section::default())))
        .unwrap();
    let mut bodies = vec![typed_imap::Bytes::new(); fetched.len()];
    for one in fetched {
        let body = one
            .message
            .body_sections
            .into_iter()
            .next()
            .and_then(|(_, body)| body)
            .unwrap();
        bodies[one.seq as usize - 1] = body;
    }
    bodies
}

fn compress_keeps_a_10k_message_fetch_byte_identical<I: Imap>() {
    const COUNT: usize = 10_000;
    let server = zlib_dovecot();
    // Sizes vary so that a shifted or truncated body cannot match.
    let messages: Vec<Vec<u8>> = (0..COUNT)
        .map(|n| sample_message(n, 500 + (n * 37) % 3500))
        .collect();
    server.fill("alice", "INBOX", messages.clone()).unwrap();

    let mut plain = I::connect(
        "127.0.0.1",
        server.plain_addr().port(),
        ClientOptions::default(),
    )
    .unwrap();
    plain
        .login("alice", &server.user("alice").unwrap().password)
        .unwrap();
    // The first SELECT indexes the Maildir: not part of the measure.
    plain.run(Select::new("INBOX")).unwrap();
    let started = std::time::Instant::now();
    let uncompressed = fetch_all_bodies(&mut plain);
    let plain_time = started.elapsed();

    let mut compressed = I::connect(
        "127.0.0.1",
        server.plain_addr().port(),
        ClientOptions::default(),
    )
    .unwrap();
    compressed
        .login("alice", &server.user("alice").unwrap().password)
        .unwrap();
    compressed.run(CompressDeflate::new()).unwrap();
    compressed.run(Select::new("INBOX")).unwrap();
    let started = std::time::Instant::now();
    let through_deflate = fetch_all_bodies(&mut compressed);
    let compressed_time = started.elapsed();

    assert_eq!(uncompressed.len(), COUNT);
    assert_eq!(through_deflate.len(), COUNT);
    for (n, ((plain_body, deflated_body), original)) in uncompressed
        .iter()
        .zip(&through_deflate)
        .zip(&messages)
        .enumerate()
    {
        assert!(
            plain_body[..] == original[..],
            "message {} differs (plain)",
            n + 1
        );
        assert!(
            deflated_body[..] == plain_body[..],
            "message {} differs after COMPRESS",
            n + 1
        );
    }
    let bytes: usize = messages.iter().map(Vec::len).sum();
    eprintln!(
        "FETCH 1:* BODY.PEEK[] of {COUNT} messages ({bytes} bytes): plain {plain_time:?}, compressed {compressed_time:?}"
    );
    compressed.logout().unwrap();
    plain.logout().unwrap();
}

fn protocol_version_is_read_from_the_capabilities<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = logged_in::<I>(&server, "alice");
    assert_eq!(imap.protocol_version().unwrap(), "IMAP4rev1");
}

/// RFC 5530's codes are typed (`spec/resp-codes.toml`): Dovecot says why
/// a CREATE and a DELETE failed, and the session goes on.
fn why_a_command_failed_is_a_typed_code<I: Imap>() {
    use typed_imap::{Code, Create, Delete};
    let server = Dovecot::start().unwrap();
    let mut imap = logged_in::<I>(&server, "alice");
    let code = |error: Error| match error {
        Error::No { code, .. } => code,
        other => panic!("expected NO, got {other:?}"),
    };
    imap.run(Create::new("Twice")).unwrap();
    let again = imap.run(Create::new("Twice")).unwrap_err();
    assert!(matches!(code(again), Some(Code::AlreadyExists)));
    // Dovecot 2.3 says why a SELECT failed only in its text.
    let missing = imap.run(Select::new("Nowhere")).unwrap_err();
    assert!(code(missing).is_none());
    let missing = imap.run(Delete::new("Nowhere")).unwrap_err();
    assert!(matches!(code(missing), Some(Code::NonExistent)));
    imap.run(Noop::new()).unwrap();
}
