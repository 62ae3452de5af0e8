//! Extensions about mailboxes (RFC 3348 CHILDREN, RFC 8440 LIST-MYRIGHTS,
//! RFC 9590 LIST-METADATA, RFC 4314 RIGHTS=, RFC 9208 QUOTA=RES-*), each
//! from its own spec file, against the servers here that advertise them.
//!
//! Each behaviour is a function of a logged-in client, so that the same
//! check runs against every server that has the extension.

use typed_imap::blocking::Client;
use typed_imap::types::Right;
use typed_imap::{List, ListExtended, ListItem, MailboxAttribute, MyRights};
use typed_imap_tests::client::logged_in;
use typed_imap_tests::courier::CourierStream;
use typed_imap_tests::cyrus::Cyrus;
use typed_imap_tests::dovecot::Dovecot;

/// alice on a Cyrus started with `extra_conf`.
fn cyrus_with(extra_conf: &str) -> (Cyrus, Client) {
    let server = Cyrus::start_with(extra_conf).unwrap();
    let mut imap = Client::connect("127.0.0.1", server.addr().port()).unwrap();
    imap.login("alice", &server.user("alice").unwrap().password)
        .unwrap();
    (server, imap)
}

fn find<'a>(items: &'a [ListItem], name: &str) -> &'a ListItem {
    items
        .iter()
        .find(|item| item.mailbox.as_str() == name)
        .unwrap_or_else(|| panic!("{name} among {items:?}"))
}

/// CHILDREN: once `Parent/Child` exists under `prefix` (the personal
/// namespace's), LIST marks the parent `\HasChildren` and the child
/// `\HasNoChildren`, typed, and no mailbox both.
fn children_attributes_tell_parents_from_leaves(imap: &mut Client, prefix: &str) {
    assert!(imap.has_capability("CHILDREN").unwrap());
    let root = imap.run(List::new("", "")).unwrap();
    let delimiter = root[0].delimiter.expect("a hierarchy delimiter");
    let parent = format!("{prefix}Parent");
    let child = format!("{parent}{delimiter}Child");
    imap.create(parent.as_str()).unwrap();
    imap.create(child.as_str()).unwrap();
    let listed = imap.run(List::new("", "*")).unwrap();
    let has = |name: &str, attribute: MailboxAttribute| {
        find(&listed, name).attributes.contains(&attribute)
    };
    assert!(has(&parent, MailboxAttribute::HasChildren), "{listed:?}");
    assert!(has(&child, MailboxAttribute::HasNoChildren), "{listed:?}");
    for item in &listed {
        let both = item.attributes.contains(&MailboxAttribute::HasChildren)
            && item.attributes.contains(&MailboxAttribute::HasNoChildren);
        assert!(!both, "{item:?}");
    }
}

#[test]
fn children_on_dovecot() {
    let server = Dovecot::start().unwrap();
    let mut imap = logged_in(&server, "alice").unwrap();
    children_attributes_tell_parents_from_leaves(&mut imap, "");
}

#[test]
fn children_on_cyrus() {
    let (_server, mut imap) = cyrus_with("");
    children_attributes_tell_parents_from_leaves(&mut imap, "");
}

/// Courier keeps folders under `INBOX.`, with `.` as the delimiter.
#[test]
fn children_on_courier() {
    let stream = CourierStream::new().unwrap();
    let mut imap = Client::spawn(stream.command()).unwrap();
    children_attributes_tell_parents_from_leaves(&mut imap, "INBOX.");
}

/// LIST-MYRIGHTS: `RETURN (MYRIGHTS)` gives one MYRIGHTS per mailbox
/// listed, the same rights MYRIGHTS gives for it.
fn list_my_rights_match_myrights_per_mailbox(imap: &mut Client) {
    assert!(imap.has_capability("LIST-MYRIGHTS").unwrap());
    imap.create("Work").unwrap();
    let listed = imap.run(ListExtended::new("", "*").my_rights()).unwrap();
    let mut listed_names: Vec<&str> = listed
        .mailboxes
        .iter()
        .map(|m| m.mailbox.as_str())
        .collect();
    let mut with_rights: Vec<&str> = listed.rights.iter().map(|r| r.mailbox.as_str()).collect();
    listed_names.sort_unstable();
    with_rights.sort_unstable();
    assert_eq!(with_rights, listed_names);
    assert!(listed_names.contains(&"Work"), "{listed_names:?}");
    for listed in &listed.rights {
        let asked = imap.run(MyRights::new(listed.mailbox.clone())).unwrap();
        assert_eq!(asked.rights, listed.rights, "{}", listed.mailbox);
        assert!(listed.rights.contains(Right::Lookup), "{listed:?}");
    }
}

#[test]
fn list_myrights_on_cyrus() {
    let (_server, mut imap) = cyrus_with("");
    list_my_rights_match_myrights_per_mailbox(&mut imap);
}
