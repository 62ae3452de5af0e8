//! Extensions of SEARCH and SORT (RFC 5032 WITHIN, RFC 5182 SEARCHRES,
//! RFC 5267 ESORT and CONTEXT, RFC 5957 SORT=DISPLAY, RFC 9394 PARTIAL,
//! RFC 6203 FUZZY), each from its own spec file, against the servers here
//! that advertise them.

use std::time::{Duration as StdDuration, Instant};

use typed_imap::blocking::ClientOptions;
use typed_imap::chrono::{Duration, Utc};
use typed_imap::codec::encode::{to_bytes, EncodeOptions, Encoder};
use typed_imap::command::Command;
use typed_imap::session::Unsolicited;
use typed_imap::types::{
    FetchItem, Partial, PartialRange, SearchKey, SeqNumber, Sequence, SequenceSet, SortCriterion,
    SortKey,
};
use typed_imap::{
    Append, CancelUpdate, Create, Data, Error, Fetch, Noop, Search, SearchReturn, Select, Sort,
    SortReturn, UidSearch, UidSearchReturn, UidSortReturn,
};
use typed_imap_tests::both::Imap;
use typed_imap_tests::both_clients;
use typed_imap_tests::client::stalwart_login;
use typed_imap_tests::cyrus::Cyrus;
use typed_imap_tests::dovecot::{Dovecot, Options};
use typed_imap_tests::messages::sample_message;
use typed_imap_tests::scripted::Script;
use typed_imap_tests::stalwart::Stalwart;

both_clients!(
    searchres_saves_a_result_that_later_commands_name_as_dollar,
    searchres_on_stalwart,
    searchres_dollar_may_be_pipelined_behind_its_search,
    searchres_dollar_is_refused_without_the_capability,
    within_on_dovecot,
    within_on_cyrus,
    within_on_stalwart,
    sort_display_on_dovecot,
    sort_display_on_cyrus,
    sort_display_on_stalwart,
    sort_display_keys_are_refused_without_the_capability,
    esort_on_dovecot,
    esort_on_cyrus_gives_min_and_max_as_search_does,
    esort_on_stalwart,
    context_search_update_adds_arriving_messages_until_cancelled,
    context_sort_updates_add_and_remove_at_positions_in_sort_order,
    context_sort_update_is_refused_without_the_capability,
    partial_pages_search_and_sort_results_on_dovecot,
    partial_from_the_last_on_a_scripted_server,
    relevancy_scores_each_message_found_on_cyrus,
    fuzzy_on_cyrus_without_a_search_engine_finds_nothing,
);

/// alice on a Dovecot with `count` sample messages, INBOX selected.
fn dovecot_with<I: Imap>(count: usize) -> (Dovecot, I) {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "INBOX", (0..count).map(|n| sample_message(n, 500)))
        .unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    (server, imap)
}

/// alice on a Cyrus started with `extra_conf`, `count` sample messages
/// appended, INBOX selected.
fn cyrus_with<I: Imap>(extra_conf: &str, count: usize) -> (Cyrus, I) {
    let server = Cyrus::start_with(extra_conf).unwrap();
    let mut imap = I::connect("127.0.0.1", server.addr().port(), ClientOptions::default()).unwrap();
    imap.login("alice", &server.user("alice").unwrap().password)
        .unwrap();
    for n in 0..count {
        imap.run(Append::new("INBOX", sample_message(n, 500)))
            .unwrap();
    }
    imap.run(Select::new("INBOX")).unwrap();
    (server, imap)
}

/// alice on a Stalwart with `count` sample messages, INBOX selected once
/// its search index finds them all (Stalwart indexes a message after the
/// APPEND that stored it has returned).
fn stalwart_with<I: Imap>(count: usize) -> (Stalwart, I) {
    let server = Stalwart::start().unwrap();
    server
        .fill("alice", "INBOX", (0..count).map(|n| sample_message(n, 500)))
        .unwrap();
    let mut imap: I = stalwart_login(&server, "alice").unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    wait_until_indexed(&mut imap, count);
    (server, imap)
}

/// Repeats a search every sample message matches until it finds all
/// `count`, for at most five seconds.
fn wait_until_indexed<I: Imap>(imap: &mut I, count: usize) {
    let deadline = Instant::now() + StdDuration::from_secs(5);
    while imap
        .run(Search::new(SearchKey::from("example.org")))
        .unwrap()
        .len()
        < count
        && Instant::now() < deadline
    {
        std::thread::sleep(StdDuration::from_millis(50));
    }
}

fn uids<I: Imap>(imap: &mut I, set: SequenceSet) -> Vec<u32> {
    imap.run(Fetch::new(set).items(FetchItem::uid()))
        .unwrap()
        .iter()
        .map(|f| f.message.uid.unwrap())
        .collect()
}

/// SEARCHRES: `RETURN (SAVE)` answers nothing (an empty result), and `$`
/// then names what it found, in FETCH and SEARCH; with MIN only the
/// lowest is saved. Six messages, every third from bob: 1 and 4.
fn searchres_saves_a_result_named_as_dollar<I: Imap>(imap: &mut I) {
    assert!(imap.has_capability("SEARCHRES").unwrap());
    let saved = imap
        .run(SearchReturn::new(SearchKey::from("bob")).save())
        .unwrap();
    assert_eq!(saved.data, Default::default(), "{saved:?}");
    assert_eq!(uids(imap, SequenceSet::saved()), [1, 4]);
    let again = imap.run(Search::new(SearchKey::sequence_set(SequenceSet::saved())));
    assert_eq!(again.unwrap(), [1, 4]);
    let by_uid = imap.run(UidSearch::new(
        SearchKey::uid(SequenceSet::saved()) & SearchKey::unseen(),
    ));
    assert_eq!(by_uid.unwrap(), [1, 4]);

    let lowest = imap
        .run(SearchReturn::new(SearchKey::from("alice")).min().save())
        .unwrap();
    assert_eq!(lowest.data.min, Some(2));
    assert_eq!(uids(imap, SequenceSet::saved()), [2]);
}

fn searchres_saves_a_result_that_later_commands_name_as_dollar<I: Imap>() {
    let (_server, mut imap) = dovecot_with::<I>(6);
    searchres_saves_a_result_named_as_dollar(&mut imap);
}

fn searchres_on_stalwart<I: Imap>() {
    let (_server, mut imap) = stalwart_with::<I>(6);
    searchres_saves_a_result_named_as_dollar(&mut imap);
}

/// SEARCHRES lets a client pipeline the commands that use `$` behind the
/// SEARCH that saves it (RFC 5182 section 2.1): the server runs them once
/// the SEARCH completes.
fn searchres_dollar_may_be_pipelined_behind_its_search<I: Imap>() {
    let (_server, mut imap) = dovecot_with::<I>(6);
    let search = SearchReturn::new(SearchKey::from("bob")).save();
    let fetch = Fetch::new(SequenceSet::saved()).items(FetchItem::uid());
    let search_tag = imap.send(&search).unwrap();
    let fetch_tag = imap.send(&fetch).unwrap();
    let fetched = imap
        .wait(&fetch_tag)
        .unwrap()
        .into_result::<Fetch>()
        .unwrap();
    imap.wait(&search_tag)
        .unwrap()
        .into_result::<SearchReturn>()
        .unwrap();
    let uids: Vec<u32> = fetched.iter().filter_map(|f| f.message.uid).collect();
    assert_eq!(uids, [1, 4]);
}

/// Cyrus 3.6 lacks SEARCHRES: `$` is refused before it is sent.
fn searchres_dollar_is_refused_without_the_capability<I: Imap>() {
    let (_server, mut imap) = cyrus_with::<I>("", 1);
    assert!(!imap.has_capability("SEARCHRES").unwrap());
    match imap.run(Fetch::new(SequenceSet::saved()).items(FetchItem::uid())) {
        Err(Error::MissingCapability { capability, .. }) => assert_eq!(capability, "SEARCHRES"),
        other => panic!("expected MissingCapability, got {other:?}"),
    }
    match imap.run(Search::new(SearchKey::sequence_set(SequenceSet::saved()))) {
        Err(Error::MissingCapability { capability, .. }) => assert_eq!(capability, "SEARCHRES"),
        other => panic!("expected MissingCapability, got {other:?}"),
    }
    imap.run(Noop::new()).unwrap();
}

/// WITHIN: YOUNGER and OLDER count seconds back from now by the internal
/// date. Three messages into an empty mailbox: two days old, two hours
/// old, and new.
fn within_finds_messages_by_age<I: Imap>(imap: &mut I) {
    assert!(imap.has_capability("WITHIN").unwrap());
    imap.run(Create::new("Aged")).unwrap();
    let now = Utc::now().fixed_offset();
    for (n, age) in [(0, Duration::days(2)), (1, Duration::hours(2))] {
        let message = Append::new("Aged", sample_message(n, 300)).internal_date(now - age);
        imap.run(message).unwrap();
    }
    imap.run(Append::new("Aged", sample_message(2, 300)))
        .unwrap();
    imap.run(Select::new("Aged")).unwrap();
    const HOUR: u32 = 3600;
    // Stalwart indexes a message after its APPEND has returned: wait for
    // the newest (at most five seconds; the others answer at once).
    let deadline = Instant::now() + StdDuration::from_secs(5);
    while imap
        .run(Search::new(SearchKey::younger(3 * HOUR)))
        .unwrap()
        .len()
        < 2
        && Instant::now() < deadline
    {
        std::thread::sleep(StdDuration::from_millis(50));
    }
    assert_eq!(
        imap.run(Search::new(SearchKey::younger(3 * HOUR))).unwrap(),
        [2, 3]
    );
    assert_eq!(
        imap.run(Search::new(SearchKey::older(24 * HOUR))).unwrap(),
        [1]
    );
    let between = SearchKey::younger(24 * HOUR) & SearchKey::older(HOUR);
    assert_eq!(imap.run(Search::new(between)).unwrap(), [2]);
}

fn within_on_dovecot<I: Imap>() {
    let (_server, mut imap) = dovecot_with::<I>(0);
    within_finds_messages_by_age(&mut imap);
}

fn within_on_cyrus<I: Imap>() {
    let (_server, mut imap) = cyrus_with::<I>("", 0);
    within_finds_messages_by_age(&mut imap);
}

fn within_on_stalwart<I: Imap>() {
    let (_server, mut imap) = stalwart_with::<I>(0);
    within_finds_messages_by_age(&mut imap);
}

/// A message from `from` to `to`.
fn addressed(from: &str, to: &str) -> Vec<u8> {
    format!("From: {from}\r\nTo: {to}\r\nSubject: hello\r\n\r\nHi.\r\n").into_bytes()
}

/// SORT=DISPLAY: DISPLAYFROM and DISPLAYTO order by the display name (the
/// address when there is none), where FROM and TO order by the mailbox.
fn sort_display_orders_by_the_names_people_see<I: Imap>(imap: &mut I) {
    assert!(imap.has_capability("SORT=DISPLAY").unwrap());
    imap.run(Create::new("Names")).unwrap();
    for (from, to) in [
        ("Zed <a@example.org>", "m@example.org"),
        ("Anna <z@example.org>", "Bo <y@example.org>"),
        ("m@example.org", "Al <b@example.org>"),
    ] {
        imap.run(Append::new("Names", addressed(from, to))).unwrap();
    }
    imap.run(Select::new("Names")).unwrap();
    let mut sort = |key: SortKey| {
        imap.run(Sort::new(vec![key.into()], "UTF-8", SearchKey::all()))
            .unwrap()
    };
    assert_eq!(sort(SortKey::from()), [1, 3, 2]);
    assert_eq!(sort(SortKey::display_from()), [2, 3, 1]);
    assert_eq!(sort(SortKey::to()), [3, 1, 2]);
    assert_eq!(sort(SortKey::display_to()), [3, 2, 1]);
}

fn sort_display_on_dovecot<I: Imap>() {
    let (_server, mut imap) = dovecot_with::<I>(0);
    sort_display_orders_by_the_names_people_see(&mut imap);
}

fn sort_display_on_cyrus<I: Imap>() {
    let (_server, mut imap) = cyrus_with::<I>("", 0);
    sort_display_orders_by_the_names_people_see(&mut imap);
}

/// Server deviations: Stalwart 0.16 sorts FROM and TO by the display
/// name, as DISPLAYFROM and DISPLAYTO (RFC 5256 orders them by the
/// mailbox), and its DISPLAYFROM puts "m@example.org", which has no
/// display name, after "Zed" (RFC 5957 compares the address in its place,
/// without regard to case: Anna, m@, Zed). DISPLAYTO is as RFC 5957 has
/// it. The orders are read as sent.
fn sort_display_on_stalwart<I: Imap>() {
    let (_server, mut imap) = stalwart_with::<I>(0);
    assert!(imap.has_capability("SORT=DISPLAY").unwrap());
    imap.run(Create::new("Names")).unwrap();
    for (from, to) in [
        ("Zed <a@example.org>", "m@example.org"),
        ("Anna <z@example.org>", "Bo <y@example.org>"),
        ("m@example.org", "Al <b@example.org>"),
    ] {
        imap.run(Append::new("Names", addressed(from, to))).unwrap();
    }
    imap.run(Select::new("Names")).unwrap();
    let mut sort = |key: SortKey| {
        imap.run(Sort::new(vec![key.into()], "UTF-8", SearchKey::all()))
            .unwrap()
    };
    // Stalwart sorts from its index, filled after the APPENDs returned.
    let deadline = Instant::now() + StdDuration::from_secs(5);
    while sort(SortKey::display_to()) != [3, 2, 1] && Instant::now() < deadline {
        std::thread::sleep(StdDuration::from_millis(50));
    }
    assert_eq!(sort(SortKey::display_to()), [3, 2, 1]);
    assert_eq!(sort(SortKey::to()), [3, 2, 1]);
    assert_eq!(sort(SortKey::display_from()), [2, 1, 3]);
    assert_eq!(sort(SortKey::from()), [2, 1, 3]);
}

/// A display key is refused, naming SORT=DISPLAY, by a server without it.
fn sort_display_keys_are_refused_without_the_capability<I: Imap>() {
    let server = Dovecot::start_with(Options {
        extra_config: "imap_capability = IMAP4rev1 SORT\n".into(),
        ..Options::default()
    })
    .unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    let criteria = vec![SortKey::date().into(), SortKey::display_from().reverse()];
    match imap.run(Sort::new(criteria, "UTF-8", SearchKey::all())) {
        Err(Error::MissingCapability { capability, .. }) => assert_eq!(capability, "SORT=DISPLAY"),
        other => panic!("expected MissingCapability, got {other:?}"),
    }
    assert_eq!(
        imap.run(Sort::new(
            vec![SortKey::date().into()],
            "UTF-8",
            SearchKey::all()
        ))
        .unwrap(),
        Vec::<u32>::new()
    );
}

/// The numbers of an ESEARCH's ALL, in the order sent.
fn all_in_order(result: &typed_imap::Esearch) -> Vec<u32> {
    let all = result.data.all.as_ref().expect("ALL");
    all.items()
        .iter()
        .flat_map(|item| match *item {
            Sequence::Single(SeqNumber::Value(n)) => vec![n],
            Sequence::Range(SeqNumber::Value(a), SeqNumber::Value(b)) if a <= b => {
                (a..=b).collect()
            }
            Sequence::Range(SeqNumber::Value(a), SeqNumber::Value(b)) => (b..=a).rev().collect(),
            other => panic!("{other:?} in ALL"),
        })
        .collect()
}

/// REVERSE SUBJECT, whose order is 3, 2, 1 for sample messages 0 to 2.
fn reverse_subject() -> Vec<SortCriterion> {
    vec![SortKey::subject().reverse()]
}

/// ESORT: SORT RETURN gives COUNT and ALL in sort order, by sequence
/// number or UID; RETURN () is ALL. Messages 1 to 3 are sample messages 0
/// to 2, whose subjects sort in that order.
fn esort_returns_results_in_sort_order<I: Imap>(imap: &mut I) {
    assert!(imap.has_capability("ESORT").unwrap());
    let sorted = imap
        .run(
            SortReturn::new(reverse_subject(), "UTF-8", SearchKey::all())
                .count()
                .all(),
        )
        .unwrap();
    assert_eq!(all_in_order(&sorted), [3, 2, 1]);
    assert_eq!(sorted.data.count, Some(3));
    assert!(!sorted.uid);
    let by_uid = imap
        .run(UidSortReturn::new(
            reverse_subject(),
            "UTF-8",
            SearchKey::all(),
        ))
        .unwrap();
    assert!(by_uid.uid);
    let uids = uids(imap, SequenceSet::all());
    let expected: Vec<u32> = uids.iter().rev().copied().collect();
    assert_eq!(all_in_order(&by_uid), expected);
    let none = imap
        .run(
            SortReturn::new(
                vec![SortKey::size().into()],
                "UTF-8",
                SearchKey::from("nobody"),
            )
            .count(),
        )
        .unwrap();
    assert_eq!(none.data.count, Some(0));
}

/// MIN and MAX of SORT RETURN: (MIN, MAX) as the server sends them.
fn esort_min_max<I: Imap>(imap: &mut I) -> (Option<u32>, Option<u32>) {
    let result = imap
        .run(
            SortReturn::new(reverse_subject(), "UTF-8", SearchKey::all())
                .min()
                .max(),
        )
        .unwrap();
    (result.data.min, result.data.max)
}

/// Dovecot's MIN and MAX are the first and last in sort order (RFC 5267
/// section 3.2), not the lowest and highest number.
fn esort_on_dovecot<I: Imap>() {
    let (_server, mut imap) = dovecot_with::<I>(3);
    esort_returns_results_in_sort_order(&mut imap);
    assert_eq!(esort_min_max(&mut imap), (Some(3), Some(1)));
}

/// Server deviation: Cyrus 3.6 answers ESORT's MIN and MAX with the lowest
/// and highest number found, as SEARCH's, not the first and last in sort
/// order. The values are read as sent.
fn esort_on_cyrus_gives_min_and_max_as_search_does<I: Imap>() {
    let (_server, mut imap) = cyrus_with::<I>("", 3);
    esort_returns_results_in_sort_order(&mut imap);
    assert_eq!(esort_min_max(&mut imap), (Some(1), Some(3)));
}

/// Server deviation: Stalwart 0.16, like Cyrus, answers ESORT's MIN and
/// MAX with the lowest and highest number found, not the first and last
/// in sort order; the results themselves come in sort order.
fn esort_on_stalwart<I: Imap>() {
    let (_server, mut imap) = stalwart_with::<I>(3);
    esort_returns_results_in_sort_order(&mut imap);
    assert_eq!(esort_min_max(&mut imap), (Some(1), Some(3)));
}

/// The ESEARCH updates of the command tagged `tag` among the unsolicited
/// responses.
fn updates_of<I: Imap>(imap: &mut I, tag: &str) -> Vec<typed_imap::Esearch> {
    imap.take_unsolicited()
        .into_iter()
        .filter_map(|u| match u {
            Unsolicited::Data(Data::Esearch(e)) if e.tag.as_deref() == Some(tag.as_bytes()) => {
                Some(e)
            }
            _ => None,
        })
        .collect()
}

/// CONTEXT=SEARCH: a SEARCH with UPDATE is kept up to date by unsolicited
/// ESEARCH responses naming its tag (ADDTO as a matching message arrives)
/// until CANCELUPDATE. Three messages; the fourth, from bob, arrives
/// while INBOX is selected.
fn context_search_update_adds_arriving_messages_until_cancelled<I: Imap>() {
    let (server, mut imap) = dovecot_with::<I>(3);
    assert!(imap.has_capability("CONTEXT=SEARCH").unwrap());
    let search = SearchReturn::new(SearchKey::from("bob")).update().count();
    let tag = imap.send(&search).unwrap();
    let first = imap
        .wait(&tag)
        .unwrap()
        .into_result::<SearchReturn>()
        .unwrap();
    assert_eq!(first.data.count, Some(1));

    server
        .fill("alice", "INBOX", [sample_message(3, 500)])
        .unwrap();
    imap.run(Noop::new()).unwrap();
    let updates = updates_of(&mut imap, &tag);
    let added: Vec<_> = updates.iter().flat_map(|u| u.data.add_to.clone()).collect();
    assert_eq!(added, [(0, SequenceSet::from(4))], "{updates:?}");

    imap.run(CancelUpdate::new(tag.clone())).unwrap();
    server
        .fill("alice", "INBOX", [sample_message(6, 500)])
        .unwrap();
    imap.run(Noop::new()).unwrap();
    assert!(updates_of(&mut imap, &tag).is_empty());
}

/// CONTEXT=SORT (RFC 5267 section 4), which no server here advertises: a
/// SORT with RETURN (UPDATE) is kept up to date by unsolicited ESEARCH
/// responses naming its tag, whose ADDTO and REMOVEFROM pairs give a
/// position in sort order and the messages (section 4.3.3's and 4.3.4's
/// example lines), read as sent and in order; CANCELUPDATE names the tag.
fn context_sort_updates_add_and_remove_at_positions_in_sort_order<I: Imap>() {
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1 ESORT CONTEXT=SEARCH CONTEXT=SORT] ready\r\n")
        .expect_exact("SELECT INBOX")
        .send("* 3 EXISTS\r\n{tag} OK [READ-WRITE] selected\r\n")
        .expect_exact("UID SORT RETURN (ALL UPDATE) (DATE) UTF-8 UNSEEN")
        .send(
            "* ESEARCH (TAG \"{tag}\") UID ALL 32768,2730\r\n{tag} OK sorted\r\n\
             * 6 EXISTS\r\n\
             * ESEARCH (TAG \"{tag}\") UID ADDTO (1 2733 1 2732 1 2731)\r\n\
             * ESEARCH (TAG \"{tag}\") UID REMOVEFROM (0 32768)\r\n",
        )
        .expect_exact("NOOP")
        .reply("OK nothing else")
        .expect_command("CANCELUPDATE")
        .reply("OK no more updates")
        .serve()
        .unwrap();
    let mut imap = I::connect("127.0.0.1", server.addr().port(), ClientOptions::default()).unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    let sort = UidSortReturn::new(vec![SortKey::date().into()], "UTF-8", SearchKey::unseen())
        .all()
        .update();
    let tag = imap.send(&sort).unwrap();
    let first = imap
        .wait(&tag)
        .unwrap()
        .into_result::<UidSortReturn>()
        .unwrap();
    assert_eq!(all_in_order(&first), [32768, 2730]);
    imap.run(Noop::new()).unwrap();
    let updates = updates_of(&mut imap, &tag);
    assert!(updates.iter().all(|u| u.uid), "{updates:?}");
    let added: Vec<_> = updates.iter().flat_map(|u| u.data.add_to.clone()).collect();
    assert_eq!(
        added,
        [
            (1, SequenceSet::from(2733)),
            (1, SequenceSet::from(2732)),
            (1, SequenceSet::from(2731))
        ]
    );
    let removed: Vec<_> = updates
        .iter()
        .flat_map(|u| u.data.remove_from.clone())
        .collect();
    assert_eq!(removed, [(0, SequenceSet::from(32768))]);
    imap.run(CancelUpdate::new(tag.clone())).unwrap();
    drop(imap);
    let transcript = server.finish().unwrap();
    assert!(
        transcript
            .received_text()
            .contains(&format!("CANCELUPDATE \"{tag}\"")),
        "{}",
        transcript.received_text()
    );
}

/// UPDATE on a SORT needs CONTEXT=SORT: a server with only CONTEXT=SEARCH
/// (and ESORT) keeps search results up to date, not sort results. The
/// SORT is refused before anything is sent, and the session goes on.
fn context_sort_update_is_refused_without_the_capability<I: Imap>() {
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1 ESORT CONTEXT=SEARCH] ready\r\n")
        .expect_exact("SELECT INBOX")
        .send("* 3 EXISTS\r\n{tag} OK [READ-WRITE] selected\r\n")
        .expect_exact("NOOP")
        .reply("OK still here")
        .serve()
        .unwrap();
    let mut imap = I::connect("127.0.0.1", server.addr().port(), ClientOptions::default()).unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    let sort = SortReturn::new(reverse_subject(), "UTF-8", SearchKey::all()).update();
    match imap.run(sort) {
        Err(Error::MissingCapability { capability, .. }) => assert_eq!(capability, "CONTEXT=SORT"),
        other => panic!("expected MissingCapability, got {other:?}"),
    }
    imap.run(Noop::new()).unwrap();
    drop(imap);
    let transcript = server.finish().unwrap();
    assert!(!transcript.received_text().contains("SORT"));
}

/// A Dovecot that advertises PARTIAL too: it implements RFC 5267's PARTIAL
/// return option, ranges from the first, with RFC 9394's syntax, but names
/// only CONTEXT=SEARCH.
fn dovecot_with_partial<I: Imap>(count: usize) -> (Dovecot, I) {
    let server = Dovecot::start_with(Options {
        extra_config: "imap_capability = +PARTIAL\n".into(),
        ..Options::default()
    })
    .unwrap();
    server
        .fill("alice", "INBOX", (0..count).map(|n| sample_message(n, 500)))
        .unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    (server, imap)
}

/// PARTIAL: one page of the results, with the range asked for; NIL when
/// the page is empty. Six messages, subjects in order.
fn partial_pages_search_and_sort_results_on_dovecot<I: Imap>() {
    let (_server, mut imap) = dovecot_with_partial::<I>(6);
    assert!(imap.has_capability("PARTIAL").unwrap());
    let page = imap
        .run(SearchReturn::new(SearchKey::all()).partial(PartialRange::first(2..=3)))
        .unwrap();
    assert_eq!(
        page.data.partial,
        Some(Partial {
            range: PartialRange::first(2..=3),
            results: Some(SequenceSet::from(2..=3)),
        })
    );
    let sorted = imap
        .run(
            SortReturn::new(reverse_subject(), "UTF-8", SearchKey::all())
                .partial(PartialRange::first(1..=2)),
        )
        .unwrap();
    let results = sorted
        .data
        .partial
        .and_then(|p| p.results)
        .expect("results");
    assert_eq!(results.to_string(), "6,5");
    let beyond = imap
        .run(SearchReturn::new(SearchKey::all()).partial(PartialRange::first(10..=20)))
        .unwrap();
    let beyond = beyond.data.partial.expect("PARTIAL sent");
    assert_eq!(beyond.results, None, "{beyond:?}");
}

/// RFC 9394's ranges from the last, against its example answer.
fn partial_from_the_last_on_a_scripted_server<I: Imap>() {
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1 ESEARCH PARTIAL] ready\r\n")
        .expect_exact("SELECT INBOX")
        .send("* 400 EXISTS\r\n{tag} OK [READ-WRITE] selected\r\n")
        .expect_exact("UID SEARCH RETURN (COUNT PARTIAL -1:-100) UNDELETED")
        .send("* ESEARCH (TAG \"{tag}\") UID COUNT 350 PARTIAL (-1:-100 200:250,252:300)\r\n{tag} OK done\r\n")
        .serve()
        .unwrap();
    let mut imap = I::connect("127.0.0.1", server.addr().port(), ClientOptions::default()).unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    let last = imap
        .run(
            UidSearchReturn::new(SearchKey::undeleted())
                .count()
                .partial(PartialRange::last(1..=100)),
        )
        .unwrap();
    assert!(last.uid);
    assert_eq!(last.data.count, Some(350));
    let partial = last.data.partial.expect("PARTIAL");
    assert_eq!(partial.range, PartialRange::Last(1, 100));
    assert_eq!(
        partial.results.map(|r| r.to_string()).as_deref(),
        Some("200:250,252:300")
    );
    drop(imap);
    server.finish().unwrap();
}

/// FUZZY wraps a search key, parenthesised when it is several, and needs
/// SEARCH=FUZZY wherever it is.
#[test]
fn fuzzy_wraps_a_search_key() {
    let key =
        SearchKey::unseen() & SearchKey::fuzzy(SearchKey::subject("helo") & SearchKey::from("bob"));
    let search = Search::new(key);
    let mut enc = Encoder::new(EncodeOptions::default());
    search.encode(&mut enc).unwrap();
    assert_eq!(
        to_bytes(&enc.finish()),
        b"SEARCH UNSEEN FUZZY (SUBJECT helo FROM bob)\r\n"
    );
    assert_eq!(
        search.missing_capability(|_| false),
        Some("SEARCH=FUZZY".to_owned())
    );
}

/// RELEVANCY on Cyrus: a score from 1 to 100 per message found, in the
/// order of ALL.
fn relevancy_scores_each_message_found_on_cyrus<I: Imap>() {
    let (_server, mut imap) = cyrus_with::<I>("", 3);
    assert!(imap.has_capability("SEARCH=FUZZY").unwrap());
    let scored = imap
        .run(
            SearchReturn::new(SearchKey::subject("Sample"))
                .all()
                .relevancy(),
        )
        .unwrap();
    assert_eq!(scored.data.all, Some(SequenceSet::from(1..=3)));
    let scores = scored.data.relevancy.expect("RELEVANCY");
    assert_eq!(scores.len(), 3, "{scores:?}");
    assert!(scores.iter().all(|s| (1..=100).contains(s)), "{scores:?}");
}

/// Server deviation: Cyrus 3.6 without a search engine (its default)
/// advertises SEARCH=FUZZY but answers a FUZZY search with no SEARCH
/// response at all, where the same key matches every message exactly:
/// the result reads as empty.
fn fuzzy_on_cyrus_without_a_search_engine_finds_nothing<I: Imap>() {
    let (_server, mut imap) = cyrus_with::<I>("", 3);
    let exact = SearchKey::subject("Sample");
    assert_eq!(imap.run(Search::new(exact.clone())).unwrap(), [1, 2, 3]);
    assert_eq!(
        imap.run(Search::new(SearchKey::fuzzy(exact))).unwrap(),
        Vec::<u32>::new()
    );
}
