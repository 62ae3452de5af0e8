//! Extensions of one or two commands, each from its own spec file, end to
//! end against Dovecot.

use typed_imap::command::State;
use typed_imap::types::{FetchItem, Flag, SequenceSet};
use typed_imap::{Error, Examine, Fetch, Select, Store};
use typed_imap_tests::client::logged_in;
use typed_imap_tests::dovecot::Dovecot;
use typed_imap_tests::messages::sample_message;

#[test]
fn unselect_leaves_deleted_messages_in_place() {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "INBOX", (0..3).map(|n| sample_message(n, 200)))
        .unwrap();
    let mut imap = logged_in(&server, "alice").unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    imap.run(Store::new(SequenceSet::all()).add_flags(vec![Flag::Deleted]))
        .unwrap();
    imap.unselect().unwrap();
    assert_eq!(imap.state(), State::Authenticated);
    assert!(imap.mailbox().is_none());
    let again = imap.run(Examine::new("INBOX")).unwrap();
    assert_eq!(again.exists, 3, "UNSELECT expunged nothing");
    let flags = imap.run(Fetch::new(1).items(FetchItem::flags())).unwrap();
    assert!(flags[0]
        .message
        .flags
        .as_ref()
        .unwrap()
        .contains(&Flag::Deleted));
}

#[test]
fn unselect_is_refused_before_sending_when_not_selected() {
    let server = Dovecot::start().unwrap();
    let mut imap = logged_in(&server, "alice").unwrap();
    let error = imap.unselect().unwrap_err();
    assert!(matches!(error, Error::State { .. }), "{error}");
}
