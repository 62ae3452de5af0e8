//! Many commands in flight at once against Dovecot, which runs pipelined
//! commands concurrently and interleaves their answers: each result holds
//! exactly its own data (issue 14, point 4). Each test runs with both
//! clients (`both_clients!`).

use typed_imap::types::{FetchItem, Flag, SearchKey, SequenceSet, StatusItem};
use typed_imap::{
    Append, Create, Expunge, Fetch, List, Noop, Search, Select, Status, Store, UidFetch, UidSearch,
};
use typed_imap_tests::both::Imap;
use typed_imap_tests::both_clients;
use typed_imap_tests::dovecot::Dovecot;
use typed_imap_tests::messages::sample_message;

both_clients!(
    a_thousand_pipelined_uid_fetches_each_hold_exactly_their_own_message,
    a_mixed_pipeline_gives_each_command_its_own_typed_result,
    a_fetch_by_number_sent_behind_an_expunge_reads_the_renumbered_mailbox,
    pipelined_status_of_many_mailboxes_each_get_their_own,
    a_refused_command_in_a_pipeline_is_an_error_in_its_place,
    uid_searches_pipelined_behind_each_other_keep_their_own_results,
    a_noop_pipelined_with_fetches_still_lets_them_run,
);

fn server_with(count: usize) -> Dovecot {
    let server = Dovecot::start().unwrap();
    server
        .fill(
            "alice",
            "INBOX",
            (0..count).map(|n| sample_message(n, 300 + n % 7 * 40)),
        )
        .unwrap();
    server
}

fn subject(fetched: &typed_imap::Fetched) -> String {
    let envelope = fetched
        .message
        .envelope
        .as_ref()
        .expect("ENVELOPE was asked");
    String::from_utf8_lossy(envelope.subject().unwrap_or_default()).into_owned()
}

fn a_thousand_pipelined_uid_fetches_each_hold_exactly_their_own_message<I: Imap>() {
    let server = server_with(1000);
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    let items = || FetchItem::uid() | FetchItem::envelope() | FetchItem::flags();
    let results = imap
        .pipeline(
            (1..=1000u32)
                .map(|uid| UidFetch::new(uid).items(items()))
                .collect(),
        )
        .unwrap();
    assert_eq!(results.len(), 1000);
    for (uid, result) in (1..=1000u32).zip(results) {
        let fetched = result.unwrap();
        assert_eq!(fetched.len(), 1, "UID {uid}: {fetched:?}");
        assert_eq!(fetched[0].message.uid, Some(uid));
        // Maildir files are numbered in fill order: UID n is message n-1.
        assert_eq!(subject(&fetched[0]), format!("Sample message {}", uid - 1));
    }
    let stray: Vec<_> = imap
        .take_unsolicited()
        .into_iter()
        .filter(|response| matches!(response, typed_imap::session::Unsolicited::Data(_)))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

fn a_mixed_pipeline_gives_each_command_its_own_typed_result<I: Imap>() {
    let server = server_with(10);
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Create::new("Archive")).unwrap();
    let selected = imap.submit(Select::new("INBOX")).unwrap();
    let fetched = imap
        .submit(Fetch::new(1..=3).items(FetchItem::uid() | FetchItem::flags()))
        .unwrap();
    let stored = imap
        .submit(Store::new(4..=5).add_flags(vec![Flag::Flagged]))
        .unwrap();
    let found = imap.submit(Search::new(SearchKey::from("bob"))).unwrap();
    let listed = imap.submit(List::new("", "*")).unwrap();
    let status = imap
        .submit(Status::new("Archive", vec![StatusItem::messages()]))
        .unwrap();
    let flagged = imap.submit(Search::new(SearchKey::flagged())).unwrap();

    assert_eq!(imap.collect(selected).unwrap().exists, 10);
    let fetched = imap.collect(fetched).unwrap();
    assert_eq!(fetched.iter().map(|f| f.seq).collect::<Vec<_>>(), [1, 2, 3]);
    let stored = imap.collect(stored).unwrap();
    assert_eq!(stored.iter().map(|f| f.seq).collect::<Vec<_>>(), [4, 5]);
    // Every third message is from bob: 0, 3, 6, 9 are messages 1, 4, 7, 10.
    assert_eq!(imap.collect(found).unwrap(), [1, 4, 7, 10]);
    let names: Vec<String> = imap
        .collect(listed)
        .unwrap()
        .iter()
        .map(|item| item.mailbox.as_str().to_owned())
        .collect();
    assert!(names.contains(&"Archive".to_owned()), "{names:?}");
    let status = imap.collect(status).unwrap();
    assert_eq!(status.mailbox.as_str(), "Archive");
    // Run after the STORE it followed: sees its flags.
    assert_eq!(imap.collect(flagged).unwrap(), [4, 5]);
}

fn a_fetch_by_number_sent_behind_an_expunge_reads_the_renumbered_mailbox<I: Imap>() {
    let server = server_with(5);
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    imap.run(Store::new(1..=2).add_flags(vec![Flag::Deleted]))
        .unwrap();
    let expunged = imap.submit(Expunge::new()).unwrap();
    // Message 1 after the expunge is the third one filled.
    let first = imap
        .submit(Fetch::new(1).items(FetchItem::envelope()))
        .unwrap();
    assert_eq!(
        imap.held(),
        1,
        "the FETCH waits for the EXPUNGE (RFC 3501 section 5.5)"
    );
    let mut expunged = imap.collect(expunged).unwrap();
    expunged.sort_unstable();
    assert_eq!(expunged, [1, 2], "Dovecot sends them from the last down");
    let first = imap.collect(first).unwrap();
    assert_eq!(subject(&first[0]), "Sample message 2");
    assert_eq!(imap.mailbox().unwrap().exists, 3);
}

fn pipelined_status_of_many_mailboxes_each_get_their_own<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    let names: Vec<String> = (0..20).map(|n| format!("Box{n}")).collect();
    for (n, name) in names.iter().enumerate() {
        imap.run(Create::new(name.as_str())).unwrap();
        for _ in 0..n % 4 {
            imap.run(Append::new(name.as_str(), sample_message(n, 200)))
                .unwrap();
        }
    }
    let results = imap
        .pipeline(
            names
                .iter()
                .map(|name| Status::new(name.as_str(), vec![StatusItem::messages()]))
                .collect(),
        )
        .unwrap();
    for ((n, name), result) in names.iter().enumerate().zip(results) {
        let status = result.unwrap();
        assert_eq!(status.mailbox.as_str(), name);
        assert_eq!(
            format!("{:?}", status.attributes),
            format!(
                "{:?}",
                typed_imap::StatusAttributes {
                    messages: Some((n % 4) as u32),
                    ..Default::default()
                }
            )
        );
    }
}

fn a_refused_command_in_a_pipeline_is_an_error_in_its_place<I: Imap>() {
    let server = server_with(3);
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    let results = imap
        .pipeline(vec![
            Select::new("INBOX"),
            Select::new("No such mailbox"),
            Select::new("INBOX"),
        ])
        .unwrap();
    assert!(results[0].is_ok());
    assert!(matches!(results[1], Err(typed_imap::Error::No { .. })));
    assert_eq!(results[2].as_ref().unwrap().exists, 3);
}

fn uid_searches_pipelined_behind_each_other_keep_their_own_results<I: Imap>() {
    let server = server_with(9);
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    let results = imap
        .pipeline(vec![
            UidSearch::new(SearchKey::from("bob")),
            UidSearch::new(SearchKey::from("alice")),
            UidSearch::new(SearchKey::all()),
        ])
        .unwrap();
    let results: Vec<Vec<u32>> = results.into_iter().map(Result::unwrap).collect();
    assert_eq!(results[0], [1, 4, 7]);
    assert_eq!(results[1], [2, 3, 5, 6, 8, 9]);
    assert_eq!(results[2], (1..=9).collect::<Vec<_>>());
}

fn a_noop_pipelined_with_fetches_still_lets_them_run<I: Imap>() {
    let server = server_with(4);
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    let noop = imap.submit(Noop::new()).unwrap();
    let fetch = imap
        .submit(UidFetch::new(SequenceSet::all()).items(FetchItem::uid()))
        .unwrap();
    imap.collect(noop).unwrap();
    assert_eq!(imap.collect(fetch).unwrap().len(), 4);
}

/// The blocking client's pipeline keeps at most `PIPELINE_WINDOW`
/// commands in flight (so that its blocking writes never wait on a server
/// waiting for its answers to be read), and sends the first window before
/// the last command is encoded: counted from the wire trace, command
/// lines queued against tagged completions.
#[test]
fn a_blocking_pipeline_longer_than_its_window_keeps_a_window_in_flight() {
    use typed_imap::blocking::PIPELINE_WINDOW;
    let count = PIPELINE_WINDOW as u32 * 3 + 7;
    let server = server_with(count as usize);
    let mut imap = typed_imap_tests::client::logged_in(&server, "alice").unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    let (results, logs) = typed_imap_tests::logs::capture(|| {
        imap.pipeline((1..=count).map(|uid| UidFetch::new(uid).items(FetchItem::uid())))
            .unwrap()
    });
    let uids: Vec<u32> = results
        .into_iter()
        .map(|fetched| fetched.unwrap()[0].message.uid.unwrap())
        .collect();
    assert_eq!(uids, (1..=count).collect::<Vec<_>>());
    let (mut in_flight, mut most, mut completed_before_last_sent) = (0usize, 0, 0);
    let mut sent = 0;
    for line in logs.lines() {
        if line.contains(" C: ") && line.contains(" UID FETCH ") {
            in_flight += 1;
            sent += 1;
            most = most.max(in_flight);
        } else if line.contains(" S: ") && line.contains(" OK ") && !line.contains(" S: * ") {
            in_flight -= 1;
            if sent < count {
                completed_before_last_sent += 1;
            }
        }
    }
    assert_eq!(sent, count, "{logs}");
    assert_eq!(most, PIPELINE_WINDOW);
    assert!(completed_before_last_sent > 0);
}
