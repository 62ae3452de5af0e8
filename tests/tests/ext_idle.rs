//! IDLE (RFC 2177) against Dovecot: pushed events typed, bursts, DONE on
//! drop, renewal, and the PREAUTH child-process stream.

use std::time::{Duration, Instant};

use typed_imap::command::State;
use typed_imap::session::Unsolicited;
use typed_imap::types::{FetchItem, Flag, SequenceSet};
use typed_imap::{Append, Data, Fetch, Noop, Select, Store};
use typed_imap_tests::both::{Idling, Imap};
use typed_imap_tests::both_clients;
use typed_imap_tests::client::logged_in;
use typed_imap_tests::dovecot::Dovecot;
use typed_imap_tests::messages::sample_message;
use typed_imap_tests::preauth::PreauthStream;

both_clients!(
    idle_sees_an_append_from_a_second_connection_within_a_second,
    wait_times_out_with_none_and_idle_goes_on,
    burst_collects_flag_changes_that_arrive_together,
    dropping_the_idler_sends_done_and_the_client_goes_on,
    idle_over_the_preauth_child_process_stream,
    renewal_ends_and_restarts_idle_without_losing_events,
    idle_for_iterates_until_its_duration_ends,
);

fn inbox_with<I: Imap>(server: &Dovecot, messages: usize) -> I {
    server
        .fill(
            "alice",
            "INBOX",
            (0..messages).map(|n| sample_message(n, 300)),
        )
        .unwrap();
    let mut imap = I::logged_in(server, "alice").unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    imap
}

fn append_from_another_connection(server: &Dovecot, n: usize) {
    let mut other = logged_in(server, "alice").unwrap();
    other
        .run(Append::new("INBOX", sample_message(n, 300)))
        .unwrap();
    other.logout().unwrap();
}

fn idle_sees_an_append_from_a_second_connection_within_a_second<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 2);
    let mut idler = imap.idle().unwrap();
    let appended = Instant::now();
    append_from_another_connection(&server, 10);
    let event = idler.wait(Duration::from_secs(5)).unwrap();
    let seen = appended.elapsed();
    assert!(
        matches!(event, Some(Unsolicited::Data(Data::Exists(3)))),
        "{event:?}"
    );
    assert!(seen < Duration::from_secs(1), "seen after {seen:?}");
    idler.done().unwrap();
    assert_eq!(imap.mailbox().unwrap().exists, 3, "state follows IDLE");
    assert_eq!(imap.state(), State::Selected);
    imap.run(Noop::new()).unwrap();
}

fn wait_times_out_with_none_and_idle_goes_on<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 1);
    let mut idler = imap.idle().unwrap();
    let started = Instant::now();
    assert!(idler.wait(Duration::from_millis(300)).unwrap().is_none());
    assert!(started.elapsed() >= Duration::from_millis(300));
    append_from_another_connection(&server, 2);
    let event = idler.wait(Duration::from_secs(5)).unwrap();
    assert!(
        matches!(event, Some(Unsolicited::Data(Data::Exists(2)))),
        "{event:?}"
    );
}

fn burst_collects_flag_changes_that_arrive_together<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 3);
    let mut idler = imap.idle().unwrap();
    let mut other = logged_in(&server, "alice").unwrap();
    other.run(Select::new("INBOX")).unwrap();
    other
        .run(Store::new(SequenceSet::all()).add_flags(vec![Flag::Flagged]))
        .unwrap();
    let burst = idler
        .burst(Duration::from_secs(5), Duration::from_millis(300))
        .unwrap();
    let mut changed: Vec<u32> = burst
        .iter()
        .filter_map(|event| match event {
            Unsolicited::Data(Data::Fetch(fetched)) => {
                let flags = fetched.message.flags.as_ref()?;
                flags.contains(&Flag::Flagged).then_some(fetched.seq)
            }
            _ => None,
        })
        .collect();
    changed.sort_unstable();
    assert_eq!(changed, [1, 2, 3], "{burst:?}");
}

fn dropping_the_idler_sends_done_and_the_client_goes_on<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 2);
    {
        let _idler = imap.idle().unwrap();
    }
    let fetched = imap
        .run(Fetch::new(SequenceSet::all()).items(FetchItem::uid()))
        .unwrap();
    assert_eq!(fetched.len(), 2);
}

fn renewal_ends_and_restarts_idle_without_losing_events<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 1);
    let mut idler = imap.idle_renewing(Duration::from_millis(200)).unwrap();
    // Several renewals pass in silence.
    assert!(idler.wait(Duration::from_millis(700)).unwrap().is_none());
    assert!(idler.renewals() >= 2, "renewed {} times", idler.renewals());
    append_from_another_connection(&server, 5);
    let event = idler.wait(Duration::from_secs(5)).unwrap();
    assert!(
        matches!(event, Some(Unsolicited::Data(Data::Exists(2)))),
        "{event:?}"
    );
    idler.done().unwrap();
}

fn idle_for_iterates_until_its_duration_ends<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 1);
    let started = Instant::now();
    let mut idler = imap.idle_for(Duration::from_millis(400)).unwrap();
    let mut events = Vec::new();
    while let Some(event) = idler.next() {
        events.push(event.unwrap());
    }
    drop(idler);
    assert!(events.is_empty(), "{events:?}");
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(400), "{took:?}");
    imap.run(Noop::new()).unwrap();
}

fn idle_over_the_preauth_child_process_stream<I: Imap>() {
    let stream = PreauthStream::new().unwrap();
    let mut imap = I::spawn(stream.command()).unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    let mut idler = imap.idle().unwrap();
    assert!(idler.wait(Duration::from_millis(200)).unwrap().is_none());
    idler.done().unwrap();
    imap.run(Noop::new()).unwrap();
}
