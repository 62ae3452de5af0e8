//! Pipelined commands' data, each to its own command (RFC 3501 section
//! 5.5), streamed data and bodies: the session's routing, byte for byte.

use super::*;
use crate::types::{FetchItem, SearchKey, SequenceSet, StatusItem};
use crate::{Expunge, Fetch, List, Noop, SearchReturn, Select, Status, Store, UidFetch, UidSearch};

fn selected() -> Session {
    let mut session = Session::new(SessionOptions {
        tag_prefix: Some("A".into()),
        ..SessionOptions::default()
    });
    session.receive(b"* PREAUTH [CAPABILITY IMAP4rev1 ESEARCH] hi\r\n");
    assert!(matches!(session.poll(), Ok(Some(Event::Greeting(_)))));
    session.send(&Select::new("INBOX")).unwrap();
    session.receive(b"* 100 EXISTS\r\nA1 OK [READ-WRITE] done\r\n");
    assert!(matches!(session.poll(), Ok(Some(Event::Completed(_)))));
    session.take_output();
    session
}

fn output(session: &mut Session) -> String {
    String::from_utf8(session.take_output()).unwrap()
}

/// Every event `bytes` gives.
fn events(session: &mut Session, bytes: &str) -> Vec<Event> {
    session.receive(bytes.as_bytes());
    let mut events = Vec::new();
    while let Some(event) = session.poll().unwrap() {
        events.push(event);
    }
    events
}

fn done(event: Event) -> Done {
    match event {
        Event::Completed(done) => done,
        other => panic!("expected a completion, got {other:?}"),
    }
}

fn uids(done: &Done) -> Vec<Option<u32>> {
    done.completed
        .data
        .iter()
        .map(|data| match data {
            Data::Fetch(fetched) => fetched.message.uid,
            other => panic!("not a FETCH: {other:?}"),
        })
        .collect()
}

#[test]
fn pipelined_uid_fetches_each_get_their_own_message_whatever_the_order() {
    let mut session = selected();
    let tags: Vec<String> = (1..=50)
        .map(|uid| {
            session
                .send(&UidFetch::new(uid).items(FetchItem::flags()))
                .unwrap()
        })
        .collect();
    assert_eq!(session.held().count(), 0, "disjoint UID sets run together");
    assert_eq!(output(&mut session).lines().count(), 50);
    // Answered interleaved and in reverse, as a server running them at
    // once may.
    let mut wire = String::new();
    for uid in (1..=50).rev() {
        wire += &format!("* {} FETCH (UID {uid} FLAGS ())\r\n", 101 - uid);
    }
    for tag in &tags {
        wire += &format!("{tag} OK done\r\n");
    }
    let completions = events(&mut session, &wire);
    assert_eq!(completions.len(), 50);
    for (uid, event) in (1..=50).zip(completions) {
        assert_eq!(uids(&done(event)), [Some(uid)]);
    }
    assert_eq!(session.unsolicited().count(), 0);
}

#[test]
fn overlapping_uid_fetches_do_not_run_together() {
    let mut session = selected();
    session
        .send(&UidFetch::new(SequenceSet::from_uids([1, 2, 3])).items(FetchItem::flags()))
        .unwrap();
    let second = session
        .send(&UidFetch::new(3).items(FetchItem::flags()))
        .unwrap();
    assert_eq!(session.held().collect::<Vec<_>>(), [second.as_str()]);
    assert_eq!(output(&mut session), "A2 UID FETCH 1:3 FLAGS\r\n");
    events(&mut session, "* 3 FETCH (UID 3 FLAGS ())\r\nA2 OK done\r\n");
    assert_eq!(output(&mut session), "A3 UID FETCH 3 FLAGS\r\n");
    assert_eq!(session.held().count(), 0);
}

#[test]
fn a_fetch_by_number_waits_for_an_expunge_in_flight() {
    let mut session = selected();
    session.send(&Expunge::new()).unwrap();
    session
        .send(&Fetch::new(2).items(FetchItem::flags()))
        .unwrap();
    assert_eq!(output(&mut session), "A2 EXPUNGE\r\n");
    let completed = events(&mut session, "* 1 EXPUNGE\r\nA2 OK expunged\r\n");
    assert_eq!(completed.len(), 1);
    // Sent only now: message 2 is the one after the expunge.
    assert_eq!(output(&mut session), "A3 FETCH 2 FLAGS\r\n");
    let fetched = events(&mut session, "* 2 FETCH (FLAGS ())\r\nA3 OK done\r\n");
    assert_eq!(
        done(fetched.into_iter().next().unwrap())
            .completed
            .data
            .len(),
        1
    );
}

#[test]
fn commands_after_a_held_one_wait_behind_it() {
    let mut session = selected();
    session.send(&Noop::new()).unwrap();
    session
        .send(&Fetch::new(1).items(FetchItem::flags()))
        .unwrap();
    session.send(&List::new("", "*")).unwrap();
    assert_eq!(output(&mut session), "A2 NOOP\r\n");
    events(&mut session, "A2 OK\r\n");
    assert_eq!(
        output(&mut session),
        "A3 FETCH 1 FLAGS\r\nA4 LIST \"\" *\r\n"
    );
}

#[test]
fn a_uid_fetch_does_not_wait_for_anything_that_may_expunge() {
    let mut session = selected();
    session.send(&Noop::new()).unwrap();
    session
        .send(&UidFetch::new(9).items(FetchItem::flags()))
        .unwrap();
    assert_eq!(session.held().count(), 0);
}

#[test]
fn two_searches_cannot_be_told_apart_and_run_one_after_the_other() {
    let mut session = selected();
    let first = session.send(&UidSearch::new(SearchKey::seen())).unwrap();
    let second = session.send(&UidSearch::new(SearchKey::unseen())).unwrap();
    assert_eq!(session.held().collect::<Vec<_>>(), [second.as_str()]);
    let answered = events(&mut session, &format!("* SEARCH 1 2\r\n{first} OK\r\n"));
    assert_eq!(
        done(answered.into_iter().next().unwrap())
            .into_result::<UidSearch>()
            .unwrap(),
        [1, 2]
    );
    assert!(output(&mut session).contains("UID SEARCH UNSEEN"));
    let answered = events(&mut session, &format!("* SEARCH 3\r\n{second} OK\r\n"));
    assert_eq!(
        done(answered.into_iter().next().unwrap())
            .into_result::<UidSearch>()
            .unwrap(),
        [3]
    );
}

#[test]
fn two_lists_run_one_after_the_other() {
    let mut session = selected();
    session.send(&List::new("", "a*")).unwrap();
    session.send(&List::new("", "b*")).unwrap();
    assert_eq!(session.held().count(), 1);
}

#[test]
fn statuses_of_different_mailboxes_run_together_and_get_their_own() {
    let mut session = selected();
    let items = || vec![StatusItem::messages()];
    let sent = session.send(&Status::new("Sent", items())).unwrap();
    let drafts = session.send(&Status::new("Drafts", items())).unwrap();
    assert_eq!(session.held().count(), 0);
    let answered = events(
        &mut session,
        &format!(
            "* STATUS Drafts (MESSAGES 2)\r\n* STATUS Sent (MESSAGES 1)\r\n{sent} OK\r\n{drafts} OK\r\n"
        ),
    );
    let mut answered = answered.into_iter().map(done);
    let sent = answered.next().unwrap().into_result::<Status>().unwrap();
    assert_eq!(sent.mailbox, crate::types::Mailbox::new("Sent"));
    let drafts = answered.next().unwrap().into_result::<Status>().unwrap();
    assert_eq!(drafts.mailbox, crate::types::Mailbox::new("Drafts"));
    assert!(session.send(&Status::new("Sent", items())).is_ok());
    assert!(session.send(&Status::new("Sent", items())).is_ok());
    assert_eq!(session.held().count(), 1, "the same mailbox twice waits");
}

#[test]
fn esearch_results_go_by_their_tag() {
    let mut session = selected();
    let first = session
        .send(&SearchReturn::new(SearchKey::seen()).count())
        .unwrap();
    let second = session
        .send(&SearchReturn::new(SearchKey::unseen()).count())
        .unwrap();
    assert_eq!(session.held().count(), 0, "ESEARCH names its tag");
    let answered = events(
        &mut session,
        &format!(
            "* ESEARCH (TAG \"{second}\") COUNT 5\r\n* ESEARCH (TAG \"{first}\") COUNT 7\r\n\
             {first} OK\r\n{second} OK\r\n"
        ),
    );
    let counts: Vec<String> = answered
        .into_iter()
        .map(|event| format!("{:?}", done(event).into_result::<SearchReturn>().unwrap()))
        .collect();
    assert!(
        counts[0].contains('7') && counts[1].contains('5'),
        "{counts:?}"
    );
}

#[test]
fn a_fetch_about_a_message_outside_every_set_is_unsolicited() {
    let mut session = selected();
    let tag = session
        .send(&Fetch::new(1..=3).items(FetchItem::flags()))
        .unwrap();
    let answered = events(
        &mut session,
        &format!("* 2 FETCH (FLAGS ())\r\n* 9 FETCH (FLAGS (\\Seen))\r\n{tag} OK\r\n"),
    );
    assert_eq!(
        done(answered.into_iter().next().unwrap())
            .completed
            .data
            .len(),
        1
    );
    assert!(matches!(
        session.take_unsolicited().as_slice(),
        [Unsolicited::Data(Data::Fetch(fetched))] if fetched.seq == 9
    ));
}

#[test]
fn a_set_with_star_takes_what_it_may_hold() {
    // `5:*` in a mailbox of three messages is `3:5`.
    let mut session = selected();
    let tag = session
        .send(&Fetch::new("5:*".parse::<SequenceSet>().unwrap()).items(FetchItem::flags()))
        .unwrap();
    let answered = events(
        &mut session,
        &format!("* 3 FETCH (FLAGS ())\r\n{tag} OK\r\n"),
    );
    assert_eq!(
        done(answered.into_iter().next().unwrap())
            .completed
            .data
            .len(),
        1
    );
}

#[test]
fn store_and_fetch_of_other_messages_run_together() {
    let mut session = selected();
    session
        .send(&Fetch::new(1).items(FetchItem::flags()))
        .unwrap();
    session
        .send(&Store::new(2).add_flags(vec![crate::types::Flag::Seen]))
        .unwrap();
    assert_eq!(session.held().count(), 0);
    session
        .send(&Store::new(1).add_flags(vec![crate::types::Flag::Seen]))
        .unwrap();
    assert_eq!(
        session.held().count(),
        1,
        "a STORE of the message FETCH reads waits"
    );
}

#[test]
fn a_tagged_response_for_a_command_not_sent_yet_breaks_the_session() {
    let mut session = selected();
    session.send(&UidSearch::new(SearchKey::all())).unwrap();
    let held = session.send(&UidSearch::new(SearchKey::all())).unwrap();
    session.receive(format!("{held} OK\r\n").as_bytes());
    let error = session.poll().unwrap_err();
    assert!(
        error
            .to_string()
            .contains("before the command was even sent"),
        "{error}"
    );
}

#[test]
fn streamed_data_comes_as_it_arrives_and_the_completion_holds_none() {
    let mut session = selected();
    let options = SendOptions {
        delivery: Delivery::Stream,
        ..SendOptions::default()
    };
    let tag = session
        .send_with(&Fetch::new(1..=2).items(FetchItem::flags()), options)
        .unwrap();
    session.receive(b"* 1 FETCH (FLAGS ())\r\n");
    assert!(matches!(
        session.poll().unwrap(),
        Some(Event::Data { data: Data::Fetch(fetched), .. }) if fetched.seq == 1
    ));
    assert!(
        session.poll().unwrap().is_none(),
        "one at a time, as it arrives"
    );
    let rest = events(
        &mut session,
        &format!("* 2 FETCH (FLAGS ())\r\n{tag} OK\r\n"),
    );
    assert!(matches!(&rest[0], Event::Data { .. }));
    assert!(done(rest.into_iter().nth(1).unwrap())
        .completed
        .data
        .is_empty());
}

#[test]
fn an_abandoned_stream_drops_its_data_as_it_comes() {
    let mut session = selected();
    let options = SendOptions {
        delivery: Delivery::Stream,
        ..SendOptions::default()
    };
    let tag = session
        .send_with(&Fetch::new(1..=2).items(FetchItem::flags()), options)
        .unwrap();
    assert!(session.abandon(&tag));
    let rest = events(
        &mut session,
        &format!("* 1 FETCH (FLAGS ())\r\n* 2 FETCH (FLAGS ())\r\n{tag} OK\r\n"),
    );
    assert_eq!(rest.len(), 1, "only the completion: {rest:?}");
    assert_eq!(session.unsolicited().count(), 0);
}

#[test]
fn a_body_above_the_threshold_comes_in_chunks_and_reads_empty() {
    let mut session = selected();
    let options = SendOptions {
        delivery: Delivery::Stream,
        bodies_above: Some(4),
    };
    let items = FetchItem::body_peek(crate::types::Section::default()) | FetchItem::flags();
    let tag = session
        .send_with(&UidFetch::new(7).items(items), options)
        .unwrap();
    let first = events(&mut session, "* 1 FETCH (UID 7 BODY[] {10}\r\n0123");
    assert!(matches!(
        &first[0],
        Event::BodyStart { body, .. } if body.seq == 1 && body.item == "BODY[]" && body.size == 10
    ));
    assert!(matches!(&first[1], Event::BodyChunk { bytes, .. } if &bytes[..] == b"0123"));
    let rest = events(
        &mut session,
        &format!("456789 FLAGS (\\Seen))\r\n{tag} OK\r\n"),
    );
    assert!(matches!(&rest[0], Event::BodyChunk { bytes, .. } if &bytes[..] == b"456789"));
    assert!(matches!(&rest[1], Event::BodyEnd { .. }));
    match &rest[2] {
        Event::Data {
            data: Data::Fetch(fetched),
            ..
        } => {
            assert_eq!(fetched.message.uid, Some(7));
            assert_eq!(
                fetched.message.flags.as_deref(),
                Some(&[crate::types::Flag::Seen][..])
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&rest[3], Event::Completed(_)));
}

#[test]
fn small_bodies_and_other_responses_are_not_streamed() {
    let mut session = selected();
    let options = SendOptions {
        delivery: Delivery::Collect,
        bodies_above: Some(100),
    };
    let tag = session
        .send_with(
            &Fetch::new(1).items(FetchItem::body_peek(crate::types::Section::default())),
            options,
        )
        .unwrap();
    let answered = events(
        &mut session,
        &format!("* 1 FETCH (BODY[] {{5}}\r\nhello)\r\n{tag} OK\r\n"),
    );
    assert_eq!(answered.len(), 1);
    // A LIST's long literal is never a body.
    session.send(&List::new("", "*")).unwrap();
    let name = "x".repeat(200);
    let listed = events(
        &mut session,
        &format!("* LIST () \"/\" {{200}}\r\n{name}\r\nA3 OK\r\n"),
    );
    assert_eq!(listed.len(), 1);
}

#[test]
fn a_command_streaming_bodies_holds_other_fetches_back() {
    let mut session = selected();
    let options = SendOptions {
        delivery: Delivery::Stream,
        bodies_above: Some(4),
    };
    session
        .send_with(&UidFetch::new(1).items(FetchItem::uid()), options)
        .unwrap();
    session
        .send(&UidFetch::new(2).items(FetchItem::uid()))
        .unwrap();
    assert_eq!(session.held().count(), 1);
}

#[test]
fn an_external_message_is_left_to_the_driver_after_the_continuation() {
    let mut session = selected();
    let tag = session
        .send(&crate::Append::new(
            "INBOX",
            crate::types::MessageData::external(5),
        ))
        .unwrap();
    session.send(&Noop::new()).unwrap();
    assert_eq!(
        output(&mut session),
        format!("{tag} APPEND INBOX () {{5}}\r\n")
    );
    assert_eq!(session.pending_external(), None);
    assert!(events(&mut session, "+ go on\r\n").is_empty());
    assert_eq!(session.pending_external(), Some(5));
    assert_eq!(output(&mut session), "", "nothing before the literal");
    session.external_written();
    assert_eq!(output(&mut session), "\r\nA3 NOOP\r\n");
}
