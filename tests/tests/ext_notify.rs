//! NOTIFY (RFC 5465) against Dovecot, which advertises it after login:
//! events of other mailboxes arrive unsolicited as typed STATUS and LIST
//! data, at any time, without disturbing the command running; NOTIFY NONE
//! stops them; an unsupported event is refused with a typed BADEVENT.

use std::time::{Duration, Instant};

use typed_imap::blocking::Client;
use typed_imap::session::Unsolicited;
use typed_imap::types::{EventGroup, FetchItem, Flag, NotifyEvent, SequenceSet, StatusItem};
use typed_imap::{
    Append, Code, Create, Data, Error, Expunge, Fetch, List, ListExtended, MailboxAttribute, Noop,
    NotifyNone, NotifySet, NotifySetStatus, Rename, Select, Status, Store,
};
use typed_imap_tests::both::{Idling, Imap};
use typed_imap_tests::both_clients;
use typed_imap_tests::client::logged_in;
use typed_imap_tests::dovecot::Dovecot;
use typed_imap_tests::messages::sample_message;

both_clients!(
    a_message_appended_to_another_mailbox_arrives_as_an_unsolicited_status,
    a_mailbox_created_elsewhere_arrives_as_an_unsolicited_list,
    a_renamed_mailbox_is_listed_with_its_old_name,
    a_mailbox_deleted_elsewhere_is_listed_nonexistent,
    notifications_arrive_with_noop_outside_idle,
    a_status_command_running_keeps_its_answer_and_leaves_the_notification_unsolicited,
    a_list_running_keeps_only_the_mailboxes_its_pattern_matches,
    a_list_status_running_keeps_only_the_statuses_its_pattern_matches,
    a_new_message_in_the_selected_mailbox_comes_with_the_fetch_attributes_asked,
    an_expunge_during_a_fetch_by_number_is_kept_and_followed,
    notify_set_status_returns_the_status_of_each_mailbox_watched,
    notify_none_stops_the_notifications,
    an_unsupported_event_is_refused_with_a_typed_badevent,
);

/// alice, INBOX selected, told of new and expunged messages and flag
/// changes in INBOX, and of new messages and mailbox names anywhere.
fn notified<I: Imap>(server: &Dovecot) -> I {
    let mut imap = I::logged_in(server, "alice").unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    imap.run(NotifySet::new([
        EventGroup::selected()
            .message_new()
            .message_expunge()
            .flag_change(),
        EventGroup::personal()
            .message_new()
            .message_expunge()
            .mailbox_name(),
    ]))
    .unwrap();
    imap
}

/// What a second connection of alice's does (the blocking client's: the
/// client under test is the one notified).
fn from_another_connection(server: &Dovecot, act: impl FnOnce(&mut Client)) {
    let mut other = logged_in(server, "alice").unwrap();
    act(&mut other);
    other.logout().unwrap();
}

fn append_to(mailbox: &'static str) -> impl FnOnce(&mut Client) {
    move |imap| {
        imap.run(Append::new(mailbox, sample_message(1, 200)))
            .unwrap();
    }
}

/// The unsolicited data an IDLE yields within `timeout` until `done` says
/// enough has come.
fn idle_until<I: Imap>(
    imap: &mut I,
    timeout: Duration,
    mut done: impl FnMut(&[Data]) -> bool,
) -> Vec<Data> {
    let deadline = Instant::now() + timeout;
    let mut seen = Vec::new();
    let mut idler = imap.idle().unwrap();
    while !done(&seen) {
        let left = deadline.saturating_duration_since(Instant::now());
        match idler.wait(left).unwrap() {
            Some(Unsolicited::Data(data)) => seen.push(data),
            Some(Unsolicited::Status(_)) => {}
            None => break,
        }
    }
    idler.done().unwrap();
    seen
}

fn status_of<'a>(seen: &'a [Data], mailbox: &str) -> Option<&'a typed_imap::MailboxStatus> {
    seen.iter().find_map(|data| match data {
        Data::Status(status) if status.mailbox.as_str() == mailbox => Some(status),
        _ => None,
    })
}

fn listed<'a>(seen: &'a [Data], mailbox: &str) -> Option<&'a typed_imap::ListItem> {
    seen.iter().find_map(|data| match data {
        Data::List(item) if item.mailbox.as_str() == mailbox => Some(item),
        _ => None,
    })
}

fn a_message_appended_to_another_mailbox_arrives_as_an_unsolicited_status<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = notified::<I>(&server);
    from_another_connection(&server, append_to("Archive"));
    let seen = idle_until(&mut imap, Duration::from_secs(5), |seen| {
        status_of(seen, "Archive").is_some()
    });
    let status = status_of(&seen, "Archive").unwrap_or_else(|| panic!("{seen:?}"));
    assert_eq!(status.attributes.messages, Some(1), "{status:?}");
    assert_eq!(status.attributes.uid_next, Some(2), "{status:?}");
}

fn a_mailbox_created_elsewhere_arrives_as_an_unsolicited_list<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = notified::<I>(&server);
    from_another_connection(&server, |other| {
        other.run(Create::new("Projects")).unwrap();
    });
    let seen = idle_until(&mut imap, Duration::from_secs(5), |seen| {
        listed(seen, "Projects").is_some()
    });
    let item = listed(&seen, "Projects").unwrap_or_else(|| panic!("{seen:?}"));
    assert_eq!(item.delimiter, Some('/'));
}

/// Creates `mailbox` from another connection and waits until the
/// notification of it came: Dovecot reports the difference between two
/// looks at its mailbox list, so a mailbox created and renamed (or
/// deleted) between two looks is only ever seen under its last name.
fn created_and_seen<I: Imap>(server: &Dovecot, imap: &mut I, mailbox: &'static str) {
    from_another_connection(server, |other| {
        other.run(Create::new(mailbox)).unwrap();
    });
    let seen = idle_until(imap, Duration::from_secs(5), |seen| {
        listed(seen, mailbox).is_some()
    });
    assert!(listed(&seen, mailbox).is_some(), "{seen:?}");
}

fn a_renamed_mailbox_is_listed_with_its_old_name<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = notified::<I>(&server);
    created_and_seen(&server, &mut imap, "Old");
    from_another_connection(&server, |other| {
        other.run(Rename::new("Old", "New")).unwrap();
    });
    let seen = idle_until(&mut imap, Duration::from_secs(5), |seen| {
        listed(seen, "New").is_some()
    });
    let item = listed(&seen, "New").unwrap_or_else(|| panic!("{seen:?}"));
    let old_name = item.extended.as_ref().and_then(|e| e.old_name.as_ref());
    assert_eq!(old_name.map(|m| m.as_str()), Some("Old"), "{item:?}");
}

fn a_mailbox_deleted_elsewhere_is_listed_nonexistent<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = notified::<I>(&server);
    created_and_seen(&server, &mut imap, "Temp");
    from_another_connection(&server, |other| {
        other.run(typed_imap::Delete::new("Temp")).unwrap();
    });
    let seen = idle_until(&mut imap, Duration::from_secs(5), |seen| {
        listed(seen, "Temp").is_some()
    });
    let item = listed(&seen, "Temp").unwrap_or_else(|| panic!("{seen:?}"));
    assert!(
        item.attributes.contains(&MailboxAttribute::NonExistent),
        "{item:?}"
    );
}

fn notifications_arrive_with_noop_outside_idle<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = notified::<I>(&server);
    from_another_connection(&server, append_to("Archive"));
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut seen = Vec::new();
    while status_of(&seen, "Archive").is_none() && Instant::now() < deadline {
        imap.run(Noop::new()).unwrap();
        seen.extend(imap.take_unsolicited().into_iter().filter_map(|u| match u {
            Unsolicited::Data(data) => Some(data),
            Unsolicited::Status(_) => None,
        }));
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(status_of(&seen, "Archive").is_some(), "{seen:?}");
}

/// Dovecot sends its notifications while a command runs, before that
/// command's own answer: STATUS of Sent (created on this first look, so
/// notified too) gets `* STATUS Archive (...)` and `* STATUS Sent
/// (MESSAGES 0 UIDNEXT 1 ...)` before its `* STATUS Sent (MESSAGES 0)`.
fn a_status_command_running_keeps_its_answer_and_leaves_the_notification_unsolicited<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = notified::<I>(&server);
    from_another_connection(&server, append_to("Archive"));
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let status = imap
            .run(Status::new("Sent", vec![StatusItem::messages()]))
            .unwrap();
        assert_eq!(status.mailbox.as_str(), "Sent");
        assert_eq!(status.attributes.messages, Some(0));
        // Only what was asked: the answer, not a notification about Sent.
        assert_eq!(status.attributes.uid_next, None, "{status:?}");
        let kept = imap.unsolicited();
        let about_archive = kept.iter().any(
            |u| matches!(u, Unsolicited::Data(Data::Status(s)) if s.mailbox.as_str() == "Archive"),
        );
        if about_archive {
            break;
        }
        assert!(Instant::now() < deadline, "no STATUS of Archive: {kept:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The same for LIST: Dovecot's `* LIST () "/" Projects` arrives during a
/// `LIST "" Drafts`, which keeps only what its pattern matches.
fn a_list_running_keeps_only_the_mailboxes_its_pattern_matches<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = notified::<I>(&server);
    from_another_connection(&server, |other| {
        other.run(Create::new("Projects")).unwrap();
    });
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let listed = imap.run(List::new("", "Drafts")).unwrap();
        let names: Vec<&str> = listed.iter().map(|item| item.mailbox.as_str()).collect();
        assert!(
            !names.is_empty() && names.iter().all(|n| *n == "Drafts"),
            "{names:?}"
        );
        let kept = imap.unsolicited();
        let about_projects = kept.iter().any(|u| {
            matches!(u, Unsolicited::Data(Data::List(item)) if item.mailbox.as_str() == "Projects")
        });
        if about_projects {
            break;
        }
        assert!(Instant::now() < deadline, "no LIST of Projects: {kept:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// And for LIST-STATUS: NOTIFY's `* STATUS Archive (...)` during a
/// `LIST "" Drafts RETURN (STATUS (MESSAGES))` is not one of its statuses.
fn a_list_status_running_keeps_only_the_statuses_its_pattern_matches<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = notified::<I>(&server);
    from_another_connection(&server, append_to("Archive"));
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let listed = imap
            .run(ListExtended::new("", "Drafts").status(vec![StatusItem::messages()]))
            .unwrap();
        let names: Vec<&str> = listed.statuses.iter().map(|s| s.mailbox.as_str()).collect();
        // Drafts, created when first looked at, may be notified too.
        assert!(
            !names.is_empty() && names.iter().all(|n| *n == "Drafts"),
            "{names:?}"
        );
        let about_archive = imap.unsolicited().iter().any(
            |u| matches!(u, Unsolicited::Data(Data::Status(s)) if s.mailbox.as_str() == "Archive"),
        );
        if about_archive {
            break;
        }
        assert!(Instant::now() < deadline, "no STATUS of Archive");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn a_new_message_in_the_selected_mailbox_comes_with_the_fetch_attributes_asked<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    imap.run(NotifySet::new([EventGroup::selected()
        .message_new_with(FetchItem::uid() | FetchItem::flags())
        .message_expunge()]))
        .unwrap();
    from_another_connection(&server, append_to("INBOX"));
    let fetched = |seen: &[Data]| {
        seen.iter().any(|data| {
            matches!(data, Data::Fetch(f) if f.seq == 1 && f.message.uid == Some(1)
                && f.message.flags.is_some())
        })
    };
    let seen = idle_until(&mut imap, Duration::from_secs(5), fetched);
    assert!(fetched(&seen), "{seen:?}");
    assert!(
        seen.iter().any(|d| matches!(d, Data::Exists(1))),
        "{seen:?}"
    );
}

/// With `selected` and MessageExpunge, expunges come at once (RFC 5465
/// section 6.1), even during a FETCH by sequence number, which RFC 3501
/// alone forbids: Dovecot sends `* 2 EXPUNGE` after the FETCH data and
/// before its OK. The FETCH still returns its messages, the EXPUNGE is
/// kept unsolicited and the mailbox state follows it.
fn an_expunge_during_a_fetch_by_number_is_kept_and_followed<I: Imap>() {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "INBOX", (0..3).map(|n| sample_message(n, 200)))
        .unwrap();
    let mut imap = notified::<I>(&server);
    from_another_connection(&server, |other| {
        other.run(Select::new("INBOX")).unwrap();
        other
            .run(Store::new(SequenceSet::from(2u32)).add_flags(vec![Flag::Deleted]))
            .unwrap();
        other.run(Expunge::new()).unwrap();
    });
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let fetched = imap
            .run(Fetch::new(SequenceSet::all()).items(FetchItem::uid()))
            .unwrap();
        let expunged = imap
            .unsolicited()
            .iter()
            .any(|u| matches!(u, Unsolicited::Data(Data::Expunge(2))));
        if expunged {
            assert!(fetched.len() >= 2, "{fetched:?}");
            break;
        }
        assert_eq!(fetched.len(), 3, "{fetched:?}");
        assert!(Instant::now() < deadline, "no EXPUNGE came");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(imap.mailbox().unwrap().exists, 2);
    let uids: Vec<_> = imap
        .run(Fetch::new(SequenceSet::all()).items(FetchItem::uid()))
        .unwrap()
        .iter()
        .map(|f| f.message.uid)
        .collect();
    assert_eq!(uids, [Some(1), Some(3)]);
}

fn notify_set_status_returns_the_status_of_each_mailbox_watched<I: Imap>() {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "Archive", [sample_message(1, 200)])
        .unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    let statuses = imap
        .run(NotifySetStatus::new([EventGroup::mailboxes([
            "Archive", "Sent",
        ])
        .message_new()
        .message_expunge()]))
        .unwrap();
    let archive = statuses
        .iter()
        .find(|s| s.mailbox.as_str() == "Archive")
        .unwrap_or_else(|| panic!("{statuses:?}"));
    assert_eq!(archive.attributes.messages, Some(1));
    assert!(archive.attributes.uid_validity.is_some(), "{archive:?}");
    assert!(
        statuses.iter().any(|s| s.mailbox.as_str() == "Sent"),
        "{statuses:?}"
    );
}

fn notify_none_stops_the_notifications<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = notified::<I>(&server);
    imap.run(NotifyNone::new()).unwrap();
    from_another_connection(&server, |other| {
        other
            .run(Append::new("Archive", sample_message(1, 200)))
            .unwrap();
        other.run(Create::new("Projects")).unwrap();
    });
    // The same changes arrive within a second while NOTIFY is set (the
    // tests above); here nothing about them comes.
    let seen = idle_until(&mut imap, Duration::from_secs(2), |_| false);
    assert!(status_of(&seen, "Archive").is_none(), "{seen:?}");
    assert!(listed(&seen, "Projects").is_none(), "{seen:?}");
}

/// RFC 5465 section 3.1 asks for a NO whose BADEVENT lists every event
/// the server supports, in parentheses; Dovecot 2.3 lists, bare, those
/// asked for that it does not support. Both are read.
fn an_unsupported_event_is_refused_with_a_typed_badevent<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    let error = imap
        .run(NotifySet::new([EventGroup::personal()
            .message_new()
            .message_expunge()
            .annotation_change()]))
        .unwrap_err();
    let Error::No {
        code: Some(Code::BadEvent(events)),
        ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(events, &[NotifyEvent::AnnotationChange]);
    // Nothing changed, and the session goes on.
    imap.run(Noop::new()).unwrap();
}
