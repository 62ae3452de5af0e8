//! Extensions that modify commands other spec files declare (`[[extend]]`),
//! end to end against Dovecot.

use typed_imap::chrono::DateTime;
use typed_imap::response::Status;
use typed_imap::session::Unsolicited;
use typed_imap::types::{AppendMessage, Capability, SearchKey, StatusItem};
use typed_imap::types::{FetchItem, FetchItems, Flag, QresyncParams, SequenceSet};
use typed_imap::{
    Append, Code, ConditionalStore, Create, Data, Enable, Error, Expunge, Fetch, Fetched,
    ListExtended, ListItem, Noop, Search, SearchReturn, Select, Status as StatusCommand, Store,
    Subscribe, UidConditionalStore, UidFetch, UidSearchReturn,
};
use typed_imap_tests::both::Imap;
use typed_imap_tests::both_clients;
use typed_imap_tests::dovecot::{Dovecot, Options};
use typed_imap_tests::messages::sample_message;

both_clients!(
    select_condstore_reports_the_highest_modseq,
    fetch_changed_since_returns_only_the_changed_message_with_its_modseq,
    store_unchanged_since_a_stale_modseq_fails_for_that_message,
    conditional_store_returns_the_modified_set_with_the_fetches,
    qresync_reports_vanished_after_an_expunge_from_another_connection,
    uid_fetch_changed_since_vanished_reports_earlier_expunges,
    search_modseq_finds_the_messages_changed_since,
    condstore_items_are_refused_where_condstore_is_not_advertised,
    search_return_gives_min_max_count_and_all_in_one_esearch,
    uid_search_return_answers_in_uids,
    search_return_with_modseq_reports_the_highest_modseq_found,
    list_special_use_returns_only_those_mailboxes_with_their_attributes,
    list_return_status_gives_a_status_per_mailbox,
    list_subscribed_selects_the_subscribed_mailboxes_and_childinfo_names_parents,
    list_return_children_marks_every_mailbox,
    create_with_use_needs_create_special_use_which_dovecot_lacks,
    three_messages_in_one_append_arrive_together,
    a_multiappend_with_one_bad_message_appends_none,
    more_messages_set_empty_is_refused_before_sending,
);

/// A server whose alice has `count` messages in INBOX.
fn server_with(count: usize) -> Dovecot {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "INBOX", (0..count).map(|n| sample_message(n, 300)))
        .unwrap();
    server
}

/// Alice logged in on a server with `count` messages, INBOX selected with
/// CONDSTORE; its HIGHESTMODSEQ. Keep the server alive as long as the client.
fn condstore_inbox<I: Imap>(count: usize) -> (Dovecot, I, u64) {
    let server = server_with(count);
    let mut imap = I::logged_in(&server, "alice").unwrap();
    let highest = imap
        .run(Select::new("INBOX").condstore())
        .unwrap()
        .highest_mod_seq
        .unwrap();
    (server, imap, highest)
}

/// ENABLE QRESYNC (RFC 7162 section 3.2.3), through the typed command.
fn enable_qresync<I: Imap>(imap: &mut I) {
    imap.run(Enable::new(vec![Capability::new("QRESYNC")]))
        .unwrap();
}

fn mod_seqs<I: Imap>(imap: &mut I) -> Vec<(u32, u64)> {
    imap.run(Fetch::new(SequenceSet::all()).items(FetchItem::mod_seq()))
        .unwrap()
        .iter()
        .map(|f| (f.seq, f.message.mod_seq.unwrap()))
        .collect()
}

fn flags(fetched: &Fetched) -> &[Flag] {
    fetched.message.flags.as_deref().unwrap_or_default()
}

fn select_condstore_reports_the_highest_modseq<I: Imap>() {
    let server = server_with(2);
    let mut imap = I::logged_in(&server, "alice").unwrap();
    let selected = imap.run(Select::new("INBOX").condstore()).unwrap();
    assert_eq!(selected.exists, 2);
    let highest = selected.highest_mod_seq.expect("HIGHESTMODSEQ");
    assert!(!selected.no_mod_seq);
    let seqs = mod_seqs(&mut imap);
    assert_eq!(seqs.len(), 2);
    assert!(
        seqs.iter().all(|(_, m)| *m <= highest),
        "{seqs:?} <= {highest}"
    );
    let status = imap
        .run(StatusCommand::new(
            "INBOX",
            vec![StatusItem::highest_mod_seq()],
        ))
        .unwrap();
    assert_eq!(status.attributes.highest_mod_seq, Some(highest));
}

fn fetch_changed_since_returns_only_the_changed_message_with_its_modseq<I: Imap>() {
    let (_server, mut imap, highest) = condstore_inbox::<I>(3);
    imap.run(Store::new(2).add_flags(vec![Flag::Flagged]))
        .unwrap();
    let changed = imap
        .run(
            Fetch::new(SequenceSet::all())
                .items(FetchItem::flags())
                .changed_since(highest),
        )
        .unwrap();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(changed[0].seq, 2);
    assert!(flags(&changed[0]).contains(&Flag::Flagged));
    let mod_seq = changed[0]
        .message
        .mod_seq
        .expect("MODSEQ added by the server");
    assert!(mod_seq > highest, "{mod_seq} > {highest}");
}

fn store_unchanged_since_a_stale_modseq_fails_for_that_message<I: Imap>() {
    let (_server, mut imap, _) = condstore_inbox::<I>(2);
    let known = mod_seqs(&mut imap).iter().map(|(_, m)| *m).max().unwrap();
    // Another change to message 1 makes `known` stale for it only.
    imap.run(Store::new(1).add_flags(vec![Flag::Seen])).unwrap();
    let store = Store::new(1..=2)
        .unchanged_since(known)
        .add_flags(vec![Flag::Flagged]);
    let tag = imap.send(&store).unwrap();
    let done = imap.wait(&tag).unwrap();
    assert_eq!(done.response.status, Status::Ok);
    match &done.response.code {
        Some(Code::Modified(set)) => assert_eq!(set.to_string(), "1"),
        other => panic!("expected [MODIFIED 1], got {other:?}"),
    }
    let now = imap
        .run(Fetch::new(1..=2).items(FetchItem::flags()))
        .unwrap();
    assert!(
        !flags(&now[0]).contains(&Flag::Flagged),
        "message 1 left alone"
    );
    assert!(flags(&now[1]).contains(&Flag::Flagged), "message 2 changed");
}

fn conditional_store_returns_the_modified_set_with_the_fetches<I: Imap>() {
    let (_server, mut imap, _) = condstore_inbox::<I>(3);
    let uids: Vec<u32> = imap
        .run(UidFetch::new(SequenceSet::all()).items(FetchItem::uid()))
        .unwrap()
        .iter()
        .map(|f| f.message.uid.unwrap())
        .collect();
    let known = mod_seqs(&mut imap).iter().map(|(_, m)| *m).max().unwrap();
    imap.run(Store::new(3).add_flags(vec![Flag::Seen])).unwrap();

    let stored = imap
        .run(
            UidConditionalStore::new(SequenceSet::all())
                .unchanged_since(known)
                .add_flags(vec![Flag::Answered]),
        )
        .unwrap();
    assert_eq!(stored.modified.unwrap().to_string(), uids[2].to_string());
    let changed: Vec<u32> = stored.fetched.iter().map(|f| f.seq).collect();
    assert_eq!(changed, [1, 2]);
    assert!(stored
        .fetched
        .iter()
        .all(|f| flags(f).contains(&Flag::Answered) && f.message.mod_seq.unwrap() > known));

    // Nothing stale: nothing left alone.
    let latest = mod_seqs(&mut imap).iter().map(|(_, m)| *m).max().unwrap();
    let stored = imap
        .run(
            ConditionalStore::new(3)
                .unchanged_since(latest)
                .add_flags(vec![Flag::Answered]),
        )
        .unwrap();
    assert!(stored.modified.is_none());
    assert_eq!(stored.fetched.len(), 1);

    // UNCHANGEDSINCE is required: missing, nothing is sent.
    let error = imap
        .run(ConditionalStore::new(1).add_flags(vec![Flag::Answered]))
        .unwrap_err();
    assert!(matches!(error, Error::InvalidArgument { .. }), "{error}");
}

fn qresync_reports_vanished_after_an_expunge_from_another_connection<I: Imap>() {
    let server = server_with(3);
    let mut watcher = I::logged_in(&server, "alice").unwrap();
    enable_qresync(&mut watcher);
    let first = watcher.run(Select::new("INBOX").condstore()).unwrap();
    let uid_validity = first.uid_validity.unwrap();
    let highest = first.highest_mod_seq.unwrap();
    let uids: Vec<u32> = watcher
        .run(UidFetch::new(SequenceSet::all()).items(FetchItem::uid()))
        .unwrap()
        .iter()
        .map(|f| f.message.uid.unwrap())
        .collect();
    assert_eq!(uids.len(), 3);
    watcher.take_unsolicited();

    let mut other = I::logged_in(&server, "alice").unwrap();
    other.run(Select::new("INBOX")).unwrap();
    other
        .run(Store::new(2).add_flags(vec![Flag::Deleted]))
        .unwrap();
    other.run(Expunge::new()).unwrap();
    other.logout().unwrap();

    // Now: VANISHED instead of EXPUNGE, once QRESYNC is enabled.
    watcher.run(Noop::new()).unwrap();
    let vanished: Vec<_> = watcher
        .take_unsolicited()
        .into_iter()
        .filter_map(|u| match u {
            Unsolicited::Data(Data::Vanished(v)) => Some(v),
            _ => None,
        })
        .collect();
    assert_eq!(vanished.len(), 1, "{vanished:?}");
    assert!(!vanished[0].earlier);
    assert_eq!(vanished[0].uids.to_string(), uids[1].to_string());
    assert_eq!(
        watcher.mailbox().unwrap().exists,
        2,
        "VANISHED counts as EXPUNGE"
    );

    // Later: a resynchronising SELECT learns it as VANISHED (EARLIER).
    let mut again = I::logged_in(&server, "alice").unwrap();
    enable_qresync(&mut again);
    let params = QresyncParams::new(uid_validity, highest).known_uids(uids.clone());
    let selected = again.run(Select::new("INBOX").qresync(params)).unwrap();
    assert_eq!(selected.exists, 2);
    assert_eq!(selected.vanished.len(), 1, "{:?}", selected.vanished);
    assert!(selected.vanished[0].earlier);
    assert_eq!(selected.vanished[0].uids.to_string(), uids[1].to_string());
    assert!(selected.highest_mod_seq.unwrap() > highest);
}

fn uid_fetch_changed_since_vanished_reports_earlier_expunges<I: Imap>() {
    let server = server_with(2);
    let mut imap = I::logged_in(&server, "alice").unwrap();
    enable_qresync(&mut imap);
    let selected = imap.run(Select::new("INBOX").condstore()).unwrap();
    let highest = selected.highest_mod_seq.unwrap();
    imap.run(Store::new(1).add_flags(vec![Flag::Deleted]))
        .unwrap();
    imap.run(Expunge::new()).unwrap();
    imap.take_unsolicited();
    let changed = imap
        .run(
            UidFetch::new(SequenceSet::all())
                .items(FetchItems::from(FetchItem::flags()))
                .changed_since(highest - 1)
                .vanished(),
        )
        .unwrap();
    assert!(changed.iter().all(|f| f.message.mod_seq.is_some()));
    let earlier: Vec<_> = imap
        .take_unsolicited()
        .into_iter()
        .filter_map(|u| match u {
            Unsolicited::Data(Data::Vanished(v)) if v.earlier => Some(v),
            _ => None,
        })
        .collect();
    assert_eq!(earlier.len(), 1, "VANISHED (EARLIER) for the expunged UID");
}

fn search_modseq_finds_the_messages_changed_since<I: Imap>() {
    let (_server, mut imap, highest) = condstore_inbox::<I>(3);
    imap.run(Store::new(3).add_flags(vec![Flag::Answered]))
        .unwrap();
    let found = imap
        .run(Search::new(SearchKey::mod_seq(highest + 1)))
        .unwrap();
    assert_eq!(found, vec![3]);
    // The response itself carries the highest MODSEQ of what it found.
    let completed = imap
        .raw("SEARCH", &format!("MODSEQ {}", highest + 1))
        .unwrap();
    let changed = mod_seqs(&mut imap)[2].1;
    match completed.data.as_slice() {
        [Data::Search(result)] => {
            assert_eq!(result.numbers, vec![3]);
            assert_eq!(result.mod_seq, Some(changed));
        }
        other => panic!("expected one SEARCH, got {other:?}"),
    }
}

/// The MODSEQ search key, FETCH attribute and HIGHESTMODSEQ status item
/// need CONDSTORE (the session checks the values, not only the command):
/// Dovecot told not to advertise it, as a deployment may, is sent none of
/// them, and the session goes on.
fn condstore_items_are_refused_where_condstore_is_not_advertised<I: Imap>() {
    let server = Dovecot::start_with(Options {
        extra_config: "imap_capability = IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE ESEARCH\n"
            .to_owned(),
        ..Options::default()
    })
    .unwrap();
    server
        .fill("alice", "INBOX", (0..2).map(|n| sample_message(n, 300)))
        .unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    assert!(!imap.has_capability("CONDSTORE").unwrap());
    imap.run(Select::new("INBOX")).unwrap();
    let refused = [
        imap.run(Search::new(SearchKey::all() & SearchKey::mod_seq(1u64)))
            .map(drop),
        imap.run(SearchReturn::new(!SearchKey::mod_seq(1u64)).count())
            .map(drop),
        imap.run(Fetch::new(1).items(FetchItem::uid() | FetchItem::mod_seq()))
            .map(drop),
        imap.run(StatusCommand::new(
            "INBOX",
            vec![StatusItem::messages(), StatusItem::highest_mod_seq()],
        ))
        .map(drop),
    ];
    for result in refused {
        match result {
            Err(Error::MissingCapability { capability, .. }) => assert_eq!(capability, "CONDSTORE"),
            other => panic!("expected MissingCapability CONDSTORE, got {other:?}"),
        }
    }
    assert_eq!(imap.run(Search::new(SearchKey::all())).unwrap(), vec![1, 2]);
}

// ---------------------------------------------------------------- ESEARCH

fn search_return_gives_min_max_count_and_all_in_one_esearch<I: Imap>() {
    // Every third sample message is from bob: 1, 4, 7 and 10.
    let server = server_with(10);
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    let found = imap
        .run(
            SearchReturn::new(SearchKey::from("bob"))
                .min()
                .max()
                .count()
                .all(),
        )
        .unwrap();
    assert!(!found.uid);
    assert!(found.tag.is_some(), "Dovecot names the command answered");
    assert_eq!(found.data.min, Some(1));
    assert_eq!(found.data.max, Some(10));
    assert_eq!(found.data.count, Some(4));
    assert_eq!(found.data.all.unwrap().to_string(), "1,4,7,10");

    let only_count = imap
        .run(SearchReturn::new(SearchKey::from("nobody@nowhere")).count())
        .unwrap();
    assert_eq!(only_count.data.count, Some(0));
    assert_eq!(only_count.data.min, None);
    assert_eq!(only_count.data.all, None);
}

fn uid_search_return_answers_in_uids<I: Imap>() {
    let server = server_with(4);
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    let uids: Vec<u32> = imap
        .run(UidFetch::new(SequenceSet::all()).items(FetchItem::uid()))
        .unwrap()
        .iter()
        .map(|f| f.message.uid.unwrap())
        .collect();
    let found = imap
        .run(UidSearchReturn::new(SearchKey::all()).min().max())
        .unwrap();
    assert!(found.uid);
    assert_eq!(found.data.min, uids.iter().copied().min());
    assert_eq!(found.data.max, uids.iter().copied().max());
    assert_eq!(found.data.count, None, "not asked for");
}

fn search_return_with_modseq_reports_the_highest_modseq_found<I: Imap>() {
    let (_server, mut imap, highest) = condstore_inbox::<I>(3);
    imap.run(Store::new(2).add_flags(vec![Flag::Seen])).unwrap();
    let found = imap
        .run(SearchReturn::new(SearchKey::mod_seq(highest + 1)).all())
        .unwrap();
    assert_eq!(found.data.all.unwrap().to_string(), "2");
    assert_eq!(found.data.mod_seq, Some(mod_seqs(&mut imap)[1].1));
}

// ------------------------------------ LIST-EXTENDED, LIST-STATUS, SPECIAL-USE

fn names(mailboxes: &[ListItem]) -> Vec<String> {
    let mut names: Vec<String> = mailboxes
        .iter()
        .map(|m| m.mailbox.as_str().to_owned())
        .collect();
    names.sort();
    names
}

fn attribute(name: &str) -> typed_imap::MailboxAttribute {
    typed_imap::MailboxAttribute::from_wire(&format!("\\{name}"))
}

fn find<'a>(mailboxes: &'a [ListItem], name: &str) -> &'a ListItem {
    mailboxes
        .iter()
        .find(|m| m.mailbox.as_str() == name)
        .unwrap_or_else(|| panic!("{name} listed"))
}

fn list_special_use_returns_only_those_mailboxes_with_their_attributes<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Create::new("Work")).unwrap();
    let listed = imap.run(ListExtended::new("", "*").special_use()).unwrap();
    assert_eq!(
        names(&listed.mailboxes),
        ["Archive", "Drafts", "Junk", "Sent", "Trash"]
    );
    for (name, flag) in [("Sent", "Sent"), ("Trash", "Trash"), ("Drafts", "Drafts")] {
        let item = find(&listed.mailboxes, name);
        assert!(item.attributes.contains(&attribute(flag)), "{item:?}");
    }
    assert!(listed.statuses.is_empty(), "no STATUS asked for");

    // As a return option: every mailbox, the attributes where they apply.
    let all = imap
        .run(ListExtended::new("", "*").return_special_use())
        .unwrap();
    assert!(names(&all.mailboxes).contains(&"Work".to_owned()));
    assert!(find(&all.mailboxes, "Sent")
        .attributes
        .contains(&attribute("Sent")));
    assert!(!find(&all.mailboxes, "Work")
        .attributes
        .contains(&attribute("Sent")));
}

fn list_return_status_gives_a_status_per_mailbox<I: Imap>() {
    let server = server_with(3);
    let mut imap = I::logged_in(&server, "alice").unwrap();
    let listed = imap
        .run(ListExtended::new("", "*").status(vec![StatusItem::messages(), StatusItem::unseen()]))
        .unwrap();
    assert_eq!(listed.statuses.len(), listed.mailboxes.len());
    let mut with_status: Vec<String> = listed
        .statuses
        .iter()
        .map(|s| s.mailbox.as_str().to_owned())
        .collect();
    with_status.sort();
    assert_eq!(with_status, names(&listed.mailboxes));
    let inbox = listed
        .statuses
        .iter()
        .find(|s| s.mailbox.as_str() == "INBOX")
        .unwrap();
    assert_eq!(inbox.attributes.messages, Some(3));
    assert_eq!(inbox.attributes.unseen, Some(3));
    let sent = listed
        .statuses
        .iter()
        .find(|s| s.mailbox.as_str() == "Sent")
        .unwrap();
    assert_eq!(sent.attributes.messages, Some(0));
}

fn list_subscribed_selects_the_subscribed_mailboxes_and_childinfo_names_parents<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Create::new("Work")).unwrap();
    imap.run(Create::new("Play")).unwrap();
    imap.run(Subscribe::new("Play")).unwrap();
    imap.run(Create::new("Parent/Child")).unwrap();
    imap.run(Subscribe::new("Parent/Child")).unwrap();

    let subscribed = imap.run(ListExtended::new("", "*").subscribed()).unwrap();
    let listed = names(&subscribed.mailboxes);
    assert!(listed.contains(&"Play".to_owned()), "{listed:?}");
    assert!(listed.contains(&"Parent/Child".to_owned()), "{listed:?}");
    assert!(!listed.contains(&"Work".to_owned()), "{listed:?}");
    assert!(subscribed
        .mailboxes
        .iter()
        .all(|m| m.attributes.contains(&attribute("Subscribed"))));

    // Parent is not subscribed, but its child is: listed with CHILDINFO.
    let parents = imap
        .run(ListExtended::new("", "%").subscribed().recursive_match())
        .unwrap();
    let parent = find(&parents.mailboxes, "Parent");
    let extended = parent.extended.as_ref().expect("extended data");
    let child_info = extended.child_info.as_ref().expect("CHILDINFO");
    assert_eq!(child_info.len(), 1);
    assert!(child_info[0].eq_ignore_ascii_case(b"SUBSCRIBED"));
    assert!(!parent.attributes.contains(&attribute("Subscribed")));
    assert!(find(&parents.mailboxes, "Play").extended.is_none());
}

fn list_return_children_marks_every_mailbox<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Create::new("Parent/Child")).unwrap();
    let listed = imap
        .run(ListExtended::new("", "%").return_children())
        .unwrap();
    assert!(find(&listed.mailboxes, "Parent")
        .attributes
        .contains(&attribute("HasChildren")));
    assert!(find(&listed.mailboxes, "Sent")
        .attributes
        .contains(&attribute("HasNoChildren")));
}

fn create_with_use_needs_create_special_use_which_dovecot_lacks<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    let error = imap
        .run(Create::new("Receipts").special_use(vec![Flag::Extension("Archive".into())]))
        .unwrap_err();
    assert!(
        matches!(&error, Error::MissingCapability { capability, .. } if capability == "CREATE-SPECIAL-USE"),
        "{error}"
    );
    imap.run(Create::new("Receipts")).unwrap();
    let listed = imap.run(ListExtended::new("", "Receipts")).unwrap();
    assert_eq!(names(&listed.mailboxes), ["Receipts"]);
}

// ------------------------------------------------------------ MULTIAPPEND

fn three_messages_in_one_append_arrive_together<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Create::new("Batch")).unwrap();
    let date = DateTime::parse_from_rfc3339("2024-02-01T13:05:09+01:00").unwrap();
    let append = Append::new("Batch", sample_message(1, 400)).more_messages(vec![
        AppendMessage::new(sample_message(2, 500)).flags([Flag::Seen, Flag::Flagged]),
        AppendMessage::new(sample_message(3, 600)).internal_date(date),
    ]);
    let tag = imap.send(&append).unwrap();
    let done = imap.wait(&tag).unwrap();
    assert_eq!(done.response.status, Status::Ok, "{:?}", done.response);
    // UIDPLUS: [APPENDUID uidvalidity uid-set], one UID per message.
    let Some(Code::AppendUid(append_uid)) = &done.response.code else {
        panic!("expected APPENDUID, got {:?}", done.response.code);
    };
    assert_eq!(append_uid.uids.to_string(), "1:3");

    let selected = imap.run(Select::new("Batch")).unwrap();
    assert_eq!(selected.exists, 3);
    let messages = imap
        .run(Fetch::new(1..=3).items(FetchItems::from(vec![
            FetchItem::flags(),
            FetchItem::rfc822_size(),
            FetchItem::internal_date(),
        ])))
        .unwrap();
    let sizes: Vec<u32> = messages
        .iter()
        .map(|m| m.message.rfc822_size.unwrap())
        .collect();
    let expected: Vec<u32> = [1, 2, 3]
        .iter()
        .map(|n| sample_message(*n, 300 + 100 * n).len() as u32)
        .collect();
    assert_eq!(sizes, expected, "in order");
    assert!(
        !flags(&messages[0]).contains(&Flag::Seen),
        "flags are per message"
    );
    assert!(flags(&messages[1]).contains(&Flag::Seen));
    assert!(flags(&messages[1]).contains(&Flag::Flagged));
    assert_eq!(messages[2].message.internal_date, Some(date));
}

fn a_multiappend_with_one_bad_message_appends_none<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Create::new("Batch")).unwrap();
    // Dovecot refuses a message of zero bytes: the whole APPEND fails.
    let append = Append::new("Batch", sample_message(1, 400)).more_messages(vec![
        AppendMessage::new(sample_message(2, 400)),
        AppendMessage::new(Vec::new()),
    ]);
    let error = imap.run(append).unwrap_err();
    assert!(matches!(error, Error::No { .. }), "{error}");
    let status = imap
        .run(StatusCommand::new("Batch", vec![StatusItem::messages()]))
        .unwrap();
    assert_eq!(status.attributes.messages, Some(0), "all or nothing");
}

fn more_messages_set_empty_is_refused_before_sending<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    let error = imap
        .run(Append::new("INBOX", sample_message(1, 300)).more_messages(Vec::new()))
        .unwrap_err();
    assert!(matches!(error, Error::InvalidArgument { .. }), "{error}");
    assert_eq!(
        imap.run(StatusCommand::new("INBOX", vec![StatusItem::messages()]))
            .unwrap()
            .attributes
            .messages,
        Some(0)
    );
}
