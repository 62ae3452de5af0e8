//! Extensions of one or two commands, each from its own spec file, end to
//! end against Dovecot.

use typed_imap::command::State;
use typed_imap::types::{Capability, FetchItem, Flag, SequenceSet};
use typed_imap::{Enable, Error, Examine, Fetch, Select, Store};
use typed_imap_tests::client::logged_in;
use typed_imap_tests::dovecot::{Dovecot, Options};
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

/// A Dovecot that advertises only IMAP4rev1 (`imap_capability`): an honest
/// server without any of the extensions.
fn bare_dovecot() -> Dovecot {
    Dovecot::start_with(Options {
        extra_config: "imap_capability = IMAP4rev1\n".into(),
        ..Options::default()
    })
    .unwrap()
}

/// Each extension command is refused before anything is sent when the
/// server does not advertise its capability, and the error names it.
#[test]
fn extension_commands_are_refused_without_their_capability() {
    let server = bare_dovecot();
    let mut imap = logged_in(&server, "alice").unwrap();
    assert!(!imap.has_capability("ENABLE").unwrap());
    let refused = |error: Error, command: &str, capability: &str| match error {
        Error::MissingCapability {
            command: c,
            capability: k,
        } => assert_eq!((c.as_str(), k.as_str()), (command, capability)),
        other => panic!("{command}: expected MissingCapability, got {other}"),
    };
    refused(
        imap.enable(vec![Capability::new("CONDSTORE")]).unwrap_err(),
        "ENABLE",
        "ENABLE",
    );
    // Nothing was sent: the session is still usable and in sync.
    imap.noop().unwrap();
}

#[test]
fn enable_lists_what_the_server_enabled() {
    let server = Dovecot::start().unwrap();
    let mut imap = logged_in(&server, "alice").unwrap();
    let enabled = imap
        .run(Enable::new(vec![
            Capability::new("CONDSTORE"),
            Capability::new("X-NO-SUCH-EXTENSION"),
        ]))
        .unwrap();
    assert!(
        enabled.iter().any(|c| c.is("CONDSTORE")),
        "CONDSTORE enabled: {enabled:?}"
    );
    assert!(
        !enabled.iter().any(|c| c.is("X-NO-SUCH-EXTENSION")),
        "an unknown capability is not listed: {enabled:?}"
    );
    // Dovecot 2.3 answers OK to UTF8=ACCEPT without enabling it.
    let utf8 = imap.enable(vec![Capability::new("UTF8=ACCEPT")]).unwrap();
    assert!(utf8.is_empty(), "{utf8:?}");
}

#[test]
fn enable_refuses_an_empty_list_before_sending() {
    let server = Dovecot::start().unwrap();
    let mut imap = logged_in(&server, "alice").unwrap();
    let error = imap.enable(Vec::new()).unwrap_err();
    assert!(matches!(error, Error::InvalidArgument { .. }), "{error}");
    imap.noop().unwrap();
}
