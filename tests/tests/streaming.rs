//! Results as they arrive, and bodies to a writer, against Dovecot
//! (issue 14, points 1 and 2); each test runs with both clients.

use std::time::Duration;

use typed_imap::blocking::{ClientOptions, StreamEvent, BODY_THRESHOLD};
use typed_imap::transport::Timeouts;
use typed_imap::types::{FetchItem, Flag, Section, SectionText, SequenceSet};
use typed_imap::{Error, Fetch, Select, Store, UidFetch};
use typed_imap_tests::both::Imap;
use typed_imap_tests::both_clients;
use typed_imap_tests::dovecot::Dovecot;
use typed_imap_tests::messages::sample_message;
use typed_imap_tests::proxy::CutProxy;

both_clients!(
    stream_yields_what_run_returns_one_message_at_a_time,
    fetch_to_writes_each_large_body_whole_and_keeps_the_rest_typed,
    stream_events_say_which_message_and_item_each_body_is,
    a_connection_cut_inside_a_body_is_an_error_never_a_whole_body,
    a_stream_dropped_early_leaves_the_connection_in_step,
    a_stream_the_server_refuses_ends_with_its_error,
);

fn server_with(messages: &[Vec<u8>]) -> Dovecot {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "INBOX", messages.iter().cloned())
        .unwrap();
    server
}

fn selected<I: Imap>(server: &Dovecot) -> I {
    let mut imap = I::logged_in(server, "alice").unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    imap
}

fn metadata() -> typed_imap::types::FetchItems {
    FetchItem::uid() | FetchItem::envelope() | FetchItem::body_structure() | FetchItem::flags()
}

fn stream_yields_what_run_returns_one_message_at_a_time<I: Imap>() {
    let messages: Vec<Vec<u8>> = (0..300).map(|n| sample_message(n, 500 + n * 3)).collect();
    let server = server_with(&messages);
    let mut imap: I = selected(&server);
    let collected = imap
        .run(Fetch::new(SequenceSet::all()).items(metadata()))
        .unwrap();
    let streamed = imap
        .stream(Fetch::new(SequenceSet::all()).items(metadata()), usize::MAX)
        .unwrap();
    assert_eq!(streamed.len(), 300);
    assert_eq!(format!("{collected:?}"), format!("{streamed:?}"));
}

fn fetch_to_writes_each_large_body_whole_and_keeps_the_rest_typed<I: Imap>() {
    let large = |n| sample_message(n, 3 * BODY_THRESHOLD as usize + n * 1000);
    let messages = vec![large(0), sample_message(1, 2000), large(2)];
    let server = server_with(&messages);
    let mut imap: I = selected(&server);
    imap.run(Store::new(2).add_flags(vec![Flag::Flagged]))
        .unwrap();
    let mut written = Vec::new();
    let items = FetchItem::body_peek(Section::default()) | FetchItem::flags() | FetchItem::uid();
    let fetched = imap
        .fetch_to(UidFetch::new(SequenceSet::all()).items(items), &mut written)
        .unwrap();
    assert_eq!(fetched.len(), 3);
    // The two large bodies went to the writer, in order; the small one
    // stayed in its message.
    let mut expected = messages[0].clone();
    expected.extend_from_slice(&messages[2]);
    assert_eq!(written.len(), expected.len());
    assert!(written == expected);
    let small = typed_imap_tests::views::first_body(&fetched[1]).unwrap();
    assert_eq!(&small[..], &messages[1][..]);
    assert!(fetched[1]
        .message
        .flags
        .as_deref()
        .is_some_and(|flags| flags.contains(&Flag::Flagged)));
    assert_eq!(fetched[2].message.uid, Some(3));
}

fn stream_events_say_which_message_and_item_each_body_is<I: Imap>() {
    let messages = vec![sample_message(0, 200_000), sample_message(1, 150_000)];
    let server = server_with(&messages);
    let mut imap: I = selected(&server);
    let text = Section {
        part: vec![],
        text: Some(SectionText::Text),
    };
    let events = imap
        .stream_events(Fetch::new(1..=2).items(FetchItem::body_peek(text)), 4096)
        .unwrap();
    let mut bodies: Vec<(u32, String, u64, usize)> = Vec::new();
    for event in events {
        match event {
            StreamEvent::BodyStart(body) => bodies.push((body.seq, body.item, body.size, 0)),
            StreamEvent::BodyChunk(bytes) => bodies.last_mut().unwrap().3 += bytes.len(),
            _ => {}
        }
    }
    assert_eq!(bodies.len(), 2);
    for (n, (seq, item, size, received)) in bodies.into_iter().enumerate() {
        assert_eq!(seq, n as u32 + 1);
        assert_eq!(item, "BODY[TEXT]");
        assert_eq!(size as usize, received);
    }
}

fn a_connection_cut_inside_a_body_is_an_error_never_a_whole_body<I: Imap>() {
    let body = sample_message(0, 300_000);
    let server = server_with(std::slice::from_ref(&body));
    let proxy = CutProxy::start(server.plain_addr(), " FETCH ").unwrap();
    let password = server.user("alice").unwrap().password.clone();
    for cut in [40, 1000, 65_536, 150_000, 299_000] {
        proxy.cut_after(Some(cut));
        let options = ClientOptions {
            timeouts: Timeouts {
                read: Some(Duration::from_secs(5)),
                ..Timeouts::default()
            },
            ..ClientOptions::default()
        };
        let mut imap = I::connect("127.0.0.1", proxy.addr().port(), options).unwrap();
        imap.login("alice", &password).unwrap();
        imap.run(Select::new("INBOX")).unwrap();
        let mut written = Vec::new();
        let result = imap.fetch_to(
            Fetch::new(1).items(FetchItem::body_peek(Section::default())),
            &mut written,
        );
        let error = result.expect_err("a cut answer must not succeed");
        assert!(
            matches!(error, Error::Closed { .. }),
            "{}: cut at {cut}: {error}",
            I::NAME
        );
        assert!(error.is_fatal());
        assert!(
            written.len() < body.len(),
            "cut at {cut}: {} bytes",
            written.len()
        );
    }
}

fn a_stream_dropped_early_leaves_the_connection_in_step<I: Imap>() {
    let messages: Vec<Vec<u8>> = (0..50).map(|n| sample_message(n, 800)).collect();
    let server = server_with(&messages);
    let mut imap: I = selected(&server);
    let first = imap
        .stream(Fetch::new(SequenceSet::all()).items(FetchItem::uid()), 1)
        .unwrap();
    assert_eq!(first[0].message.uid, Some(1));
    // The rest of its answer is dropped as it comes; the next command gets
    // exactly its own.
    let next = imap.run(UidFetch::new(7).items(FetchItem::uid())).unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].message.uid, Some(7));
    let stray: Vec<_> = imap
        .take_unsolicited()
        .into_iter()
        .filter(|r| matches!(r, typed_imap::session::Unsolicited::Data(_)))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

fn a_stream_the_server_refuses_ends_with_its_error<I: Imap>() {
    let server = server_with(&[sample_message(0, 300)]);
    let mut imap: I = selected(&server);
    let error = imap
        .stream(Fetch::new(5).items(FetchItem::uid()), usize::MAX)
        .unwrap_err();
    assert!(
        matches!(error, Error::Bad { .. } | Error::No { .. }),
        "{error}"
    );
    assert!(imap.broken().is_none());
}
