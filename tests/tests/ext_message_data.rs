//! Extensions that add message and mailbox data (RFC 8970 PREVIEW, RFC
//! 8474 OBJECTID, RFC 8438 STATUS=SIZE), each from its own spec file, end
//! to end against the servers here that advertise them (Dovecot, Cyrus).
//!
//! Each behaviour is a function of a logged-in client, so that the same
//! check runs against every server that has the extension.

use typed_imap::blocking::ClientOptions;
use typed_imap::codec::encode::{to_bytes, EncodeOptions, Encoder};
use typed_imap::command::Command;
use typed_imap::types::{
    Annotation, AnnotationValue, FetchItem, SearchKey, SequenceSet, StatusItem,
};
use typed_imap::{
    Append, Bytes, Code, Create, Error, Fetch, Move, Noop, Rename, Search, Select, Status,
    StoreAnnotation,
};
use typed_imap_tests::both::Imap;
use typed_imap_tests::both_clients;
use typed_imap_tests::client::stalwart_login;
use typed_imap_tests::cyrus::Cyrus;
use typed_imap_tests::dovecot::Dovecot;
use typed_imap_tests::messages::sample_message;
use typed_imap_tests::stalwart::Stalwart;

both_clients!(
    status_size_on_dovecot,
    status_size_on_cyrus,
    status_size_on_stalwart,
    objectid_on_cyrus,
    objectid_on_stalwart,
    cyrus_without_conversations_sends_threadid_nil_in_parentheses,
    objectid_items_are_refused_without_the_capability,
    preview_gives_the_start_of_each_message_text_on_dovecot,
    preview_on_stalwart,
    preview_fuzzy_reads_the_drafts_answer_on_dovecot,
    preview_on_cyrus_is_nil_without_a_preview_source,
    preview_on_cyrus_reads_the_configured_annotation,
);

/// alice on a Cyrus started with `extra_conf`, her INBOX holding the
/// sample messages `sizes` long.
fn cyrus_with<I: Imap>(extra_conf: &str, sizes: &[usize]) -> (Cyrus, I) {
    let server = Cyrus::start_with(extra_conf).unwrap();
    let mut imap = I::connect("127.0.0.1", server.addr().port(), ClientOptions::default()).unwrap();
    imap.login("alice", &server.user("alice").unwrap().password)
        .unwrap();
    for (n, size) in sizes.iter().enumerate() {
        imap.run(Append::new("INBOX", sample_message(n, *size)))
            .unwrap();
    }
    (server, imap)
}

/// alice on a Dovecot, her INBOX holding the sample messages `sizes` long.
fn dovecot_with<I: Imap>(sizes: &[usize]) -> (Dovecot, I) {
    let server = Dovecot::start().unwrap();
    server
        .fill(
            "alice",
            "INBOX",
            sizes.iter().enumerate().map(|(n, s)| sample_message(n, *s)),
        )
        .unwrap();
    let imap = I::logged_in(&server, "alice").unwrap();
    (server, imap)
}

/// alice on a Stalwart, her INBOX holding the sample messages `sizes`
/// long.
fn stalwart_with<I: Imap>(sizes: &[usize]) -> (Stalwart, I) {
    let server = Stalwart::start().unwrap();
    server
        .fill(
            "alice",
            "INBOX",
            sizes.iter().enumerate().map(|(n, s)| sample_message(n, *s)),
        )
        .unwrap();
    let imap = stalwart_login(&server, "alice").unwrap();
    (server, imap)
}

const SIZES: [usize; 3] = [300, 1_000, 4_321];

/// STATUS=SIZE: the mailbox's size is the sum of its messages'
/// RFC822.SIZE, read as a 63-bit number.
fn status_size_is_the_sum_of_the_message_sizes<I: Imap>(imap: &mut I) {
    assert!(imap.has_capability("STATUS=SIZE").unwrap());
    let status = imap
        .run(Status::new(
            "INBOX",
            vec![StatusItem::size(), StatusItem::messages()],
        ))
        .unwrap();
    assert_eq!(status.attributes.messages, Some(3));
    imap.run(Select::new("INBOX")).unwrap();
    let sizes = imap
        .run(Fetch::new(SequenceSet::all()).items(FetchItem::rfc822_size()))
        .unwrap();
    let sum: u64 = sizes
        .iter()
        .map(|f| u64::from(f.message.rfc822_size.unwrap()))
        .sum();
    assert_eq!(status.attributes.size, Some(sum));
}

fn status_size_on_dovecot<I: Imap>() {
    let (_server, mut imap) = dovecot_with::<I>(&SIZES);
    status_size_is_the_sum_of_the_message_sizes(&mut imap);
}

fn status_size_on_cyrus<I: Imap>() {
    let (_server, mut imap) = cyrus_with::<I>("", &SIZES);
    status_size_is_the_sum_of_the_message_sizes(&mut imap);
}

fn status_size_on_stalwart<I: Imap>() {
    let (_server, mut imap) = stalwart_with::<I>(&SIZES);
    status_size_is_the_sum_of_the_message_sizes(&mut imap);
}

/// A message answering [`sample_message`]`(0, ..)`: same thread by its
/// References and subject.
fn reply_to_first_sample() -> Vec<u8> {
    b"From: Carol <carol@example.org>\r\n\
      To: Bob <bob@example.org>\r\n\
      Subject: Re: Sample message 0\r\n\
      Date: Mon, 2 Nov 2026 11:00:00 +0100\r\n\
      Message-ID: <reply-0@typed-imap.invalid>\r\n\
      In-Reply-To: <sample-0@typed-imap.invalid>\r\n\
      References: <sample-0@typed-imap.invalid>\r\n\
      \r\n\
      Agreed.\r\n"
        .to_vec()
}

/// The MAILBOXID of `mailbox`, by STATUS.
fn mailbox_id<I: Imap>(imap: &mut I, mailbox: &str) -> String {
    let status = imap
        .run(Status::new(mailbox, vec![StatusItem::mailbox_id()]))
        .unwrap();
    status.attributes.mailbox_id.expect("MAILBOXID sent")
}

/// OBJECTID: CREATE's MAILBOXID code, STATUS and SELECT give one id that
/// a rename keeps; EMAILID and THREADID name a message and its thread, a
/// MOVE keeps the EMAILID, and both search keys find by them. INBOX holds
/// [`sample_message`]`(0, ..)`; the function adds a reply to it.
fn objectid_names_mailboxes_messages_and_threads<I: Imap>(imap: &mut I) {
    assert!(imap.has_capability("OBJECTID").unwrap());
    let ((), codes) = imap.run_with_codes(Create::new("Projects")).unwrap();
    let created = codes
        .iter()
        .find_map(|code| match code {
            Code::MailboxId(id) => Some(id.clone()),
            _ => None,
        })
        .expect("a MAILBOXID code in CREATE's OK");
    assert_eq!(mailbox_id(imap, "Projects"), created);
    imap.run(Rename::new("Projects", "Archive")).unwrap();
    assert_eq!(
        mailbox_id(imap, "Archive"),
        created,
        "a rename keeps the id"
    );

    imap.run(Append::new("INBOX", reply_to_first_sample()))
        .unwrap();
    let inbox = mailbox_id(imap, "INBOX");
    assert_ne!(inbox, created);
    let selected = imap.run(Select::new("INBOX")).unwrap();
    assert_eq!(selected.mailbox_id.as_deref(), Some(inbox.as_str()));

    let items = FetchItem::email_id() | FetchItem::thread_id();
    let fetched = imap
        .run(Fetch::new(SequenceSet::all()).items(items))
        .unwrap();
    let [original, reply] = [&fetched[0].message, &fetched[1].message];
    let email = original.email_id.clone().expect("EMAILID sent");
    assert_ne!(Some(&email), reply.email_id.as_ref());
    let thread = original.thread_id.clone().expect("THREADID sent");
    let thread = thread.expect("a thread, not NIL");
    assert_eq!(reply.thread_id, Some(Some(thread.clone())), "one thread");

    assert_eq!(
        imap.run(Search::new(SearchKey::email_id(email.clone())))
            .unwrap(),
        [1]
    );
    assert_eq!(
        imap.run(Search::new(SearchKey::thread_id(thread))).unwrap(),
        [1, 2]
    );

    imap.run(Move::new(1, "Archive")).unwrap();
    imap.run(Select::new("Archive")).unwrap();
    let moved = imap
        .run(Fetch::new(1).items(FetchItem::email_id()))
        .unwrap();
    assert_eq!(
        moved[0].message.email_id,
        Some(email),
        "a MOVE keeps EMAILID"
    );
}

/// Cyrus keeps threads (and gives THREADIDs) with `conversations` on.
fn objectid_on_cyrus<I: Imap>() {
    let (_server, mut imap) = cyrus_with::<I>("conversations: 1", &[2_000]);
    objectid_names_mailboxes_messages_and_threads(&mut imap);
}

fn objectid_on_stalwart<I: Imap>() {
    let (_server, mut imap) = stalwart_with::<I>(&[2_000]);
    objectid_names_mailboxes_messages_and_threads(&mut imap);
}

/// Server deviation: Cyrus without `conversations` (its default) sends
/// `THREADID (NIL)` where RFC 8474 section 5.2 has a bare NIL for "no
/// thread". By the grammar that is an id spelt `NIL`, and it reads so:
/// the parser does not change what valid input means.
fn cyrus_without_conversations_sends_threadid_nil_in_parentheses<I: Imap>() {
    let (_server, mut imap) = cyrus_with::<I>("", &[2_000]);
    imap.run(Select::new("INBOX")).unwrap();
    let fetched = imap
        .run(Fetch::new(1).items(FetchItem::thread_id()))
        .unwrap();
    assert_eq!(fetched[0].message.thread_id, Some(Some("NIL".to_owned())));
}

/// Dovecot 2.3 lacks OBJECTID: its keys and attributes are refused
/// before anything is sent, naming the capability.
fn objectid_items_are_refused_without_the_capability<I: Imap>() {
    let (_server, mut imap) = dovecot_with::<I>(&[300]);
    assert!(!imap.has_capability("OBJECTID").unwrap());
    imap.run(Select::new("INBOX")).unwrap();
    let refused = |error: Error| match error {
        Error::MissingCapability { capability, .. } => assert_eq!(capability, "OBJECTID"),
        other => panic!("expected MissingCapability, got {other}"),
    };
    refused(
        imap.run(Search::new(SearchKey::thread_id("T1")))
            .unwrap_err(),
    );
    refused(
        imap.run(Fetch::new(1).items(FetchItem::email_id()))
            .unwrap_err(),
    );
    refused(
        imap.run(Status::new("INBOX", vec![StatusItem::mailbox_id()]))
            .unwrap_err(),
    );
    imap.run(Noop::new()).unwrap();
}

/// Whether a server's previews keep the text's line breaks.
#[derive(Clone, Copy, PartialEq)]
enum LineBreaks {
    /// Joined into one line (Dovecot).
    Joined,
    /// Kept as in the body (Stalwart).
    Kept,
}

/// The preview a server makes of [`sample_message`]'s body: its first
/// line and more, at most 256 characters (RFC 8970 section 3).
fn assert_is_a_preview_of_the_sample_body(preview: &[u8], breaks: LineBreaks) {
    let text = std::str::from_utf8(preview).expect("UTF-8");
    assert!(
        text.starts_with("The quick brown fox jumps over the lazy dog"),
        "{text:?}"
    );
    assert!(text.chars().count() <= 256, "{} characters", text.len());
    let has_breaks = text.contains('\r') || text.contains('\n');
    assert_eq!(has_breaks, breaks == LineBreaks::Kept, "{text:?}");
}

/// PREVIEW (RFC 8970): the server's preview of each message's text, asked
/// for plainly and with LAZY. INBOX holds two sample messages.
fn preview_is_the_start_of_each_message_text<I: Imap>(imap: &mut I, breaks: LineBreaks) {
    assert!(imap.has_capability("PREVIEW").unwrap());
    imap.run(Select::new("INBOX")).unwrap();
    let fetched = imap
        .run(Fetch::new(SequenceSet::all()).items(FetchItem::preview()))
        .unwrap();
    assert_eq!(fetched.len(), 2);
    for f in &fetched {
        let preview = f.message.preview.clone().expect("PREVIEW sent");
        assert_is_a_preview_of_the_sample_body(&preview.expect("a preview, not NIL"), breaks);
    }
    // LAZY may answer NIL when the preview is not at hand.
    let lazy = imap
        .run(Fetch::new(1).items(FetchItem::preview_lazy()))
        .unwrap();
    let preview = lazy[0].message.preview.clone().expect("PREVIEW sent");
    if let Some(text) = preview {
        assert_is_a_preview_of_the_sample_body(&text, breaks);
    }
}

fn preview_gives_the_start_of_each_message_text_on_dovecot<I: Imap>() {
    let (_server, mut imap) = dovecot_with::<I>(&[2_000, 2_000]);
    preview_is_the_start_of_each_message_text(&mut imap, LineBreaks::Joined);
}

/// Stalwart 0.16 keeps the body's line breaks in its previews, where
/// Dovecot joins the lines; they are read as sent.
fn preview_on_stalwart<I: Imap>() {
    let (_server, mut imap) = stalwart_with::<I>(&[2_000, 2_000]);
    preview_is_the_start_of_each_message_text(&mut imap, LineBreaks::Kept);
}

/// PREVIEW=FUZZY, the drafts' form Dovecot still answers:
/// `PREVIEW (FUZZY "text")` reads as the same preview.
fn preview_fuzzy_reads_the_drafts_answer_on_dovecot<I: Imap>() {
    let (_server, mut imap) = dovecot_with::<I>(&[2_000]);
    assert!(imap.has_capability("PREVIEW=FUZZY").unwrap());
    imap.run(Select::new("INBOX")).unwrap();
    let plain = imap.run(Fetch::new(1).items(FetchItem::preview())).unwrap();
    let fuzzy = imap
        .run(Fetch::new(1).items(FetchItem::preview_fuzzy()))
        .unwrap();
    assert_eq!(fuzzy[0].message.preview, plain[0].message.preview);
    assert!(matches!(fuzzy[0].message.preview, Some(Some(_))));
}

/// Cyrus 3.6 makes no previews of its own: it answers NIL, the RFC's
/// "no preview".
fn preview_on_cyrus_is_nil_without_a_preview_source<I: Imap>() {
    let (_server, mut imap) = cyrus_with::<I>("", &[2_000]);
    assert!(imap.has_capability("PREVIEW").unwrap());
    imap.run(Select::new("INBOX")).unwrap();
    let fetched = imap.run(Fetch::new(1).items(FetchItem::preview())).unwrap();
    assert_eq!(fetched[0].message.preview, Some(None));
    let lazy = imap
        .run(Fetch::new(1).items(FetchItem::preview_lazy()))
        .unwrap();
    assert_eq!(lazy[0].message.preview, Some(None));
}

/// With `jmap_preview_annot`, Cyrus serves that annotation as the
/// preview, and an empty string for a message without it.
fn preview_on_cyrus_reads_the_configured_annotation<I: Imap>() {
    let (_server, mut imap) =
        cyrus_with::<I>("jmap_preview_annot: /shared/comment", &[2_000, 2_000]);
    imap.run(Select::new("INBOX")).unwrap();
    let preview = Annotation {
        entry: "/comment".into(),
        values: vec![AnnotationValue {
            attrib: "value.shared".into(),
            value: Some(Bytes::from_static(b"Minutes of Monday's meeting")),
        }],
    };
    imap.run(StoreAnnotation::new(1, vec![preview])).unwrap();
    let fetched = imap
        .run(Fetch::new(SequenceSet::all()).items(FetchItem::preview()))
        .unwrap();
    let previews: Vec<_> = fetched.iter().map(|f| f.message.preview.clone()).collect();
    assert_eq!(
        previews,
        [
            Some(Some(Bytes::from_static(b"Minutes of Monday's meeting"))),
            Some(Some(Bytes::new()))
        ]
    );
}

/// `PREVIEW (LAZY)` and `PREVIEW (FUZZY)` are PREVIEW with a fixed
/// modifier (`modifiers` in spec/preview.toml), each needing its
/// capability.
#[test]
fn preview_modifiers_are_written_after_the_name() {
    let mut enc = Encoder::new(EncodeOptions::default());
    let items = FetchItem::preview_lazy() | FetchItem::uid();
    Fetch::new(1).items(items).encode(&mut enc).unwrap();
    assert_eq!(to_bytes(&enc.finish()), b"FETCH 1 (PREVIEW (LAZY) UID)\r\n");
    let mut needs = Vec::new();
    Fetch::new(1)
        .items(FetchItem::preview_fuzzy())
        .each_capability(&mut |c| needs.push(c.to_owned()));
    assert_eq!(needs, ["PREVIEW=FUZZY"]);
}
