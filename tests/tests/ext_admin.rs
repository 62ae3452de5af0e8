//! ACL (RFC 4314), QUOTA (RFC 2087, RFC 9208) and METADATA (RFC 5464), each
//! from its own spec file, end to end against Dovecot with the plugin on.

use typed_imap::types::{Right, Rights};
use typed_imap::{Getacl, Listrights, Myrights, Setacl};
use typed_imap_tests::client::logged_in;
use typed_imap_tests::dovecot::{Dovecot, Options, Plugins};

fn with_plugins(plugins: Plugins) -> Dovecot {
    Dovecot::start_with(Options {
        plugins,
        ..Options::default()
    })
    .unwrap()
}

/// The rights of `identifier` in an ACL, if it is listed.
fn rights_of(acl: &typed_imap::MailboxAcl, identifier: &str) -> Option<Rights> {
    acl.entries
        .iter()
        .find(|e| e.identifier.as_ref() == identifier.as_bytes())
        .map(|e| e.rights.clone())
}

#[test]
fn acl_set_get_list_my_rights_and_delete() {
    let server = with_plugins(Plugins {
        acl: true,
        ..Plugins::default()
    });
    let mut imap = logged_in(&server, "alice").unwrap();
    assert!(imap.has_capability("ACL").unwrap());
    imap.create("Shared").unwrap();

    imap.run(Setacl::new("Shared", "bob").set_rights([Right::Lookup, Right::Read]))
        .unwrap();
    imap.run(Setacl::new("Shared", "bob").add_rights([Right::Seen, Right::Write]))
        .unwrap();
    imap.run(Setacl::new("Shared", "bob").remove_rights([Right::Write]))
        .unwrap();
    let acl = imap.run(Getacl::new("Shared")).unwrap();
    assert_eq!(acl.mailbox.as_str(), "Shared");
    let bob = rights_of(&acl, "bob").expect("bob is in the ACL");
    let mut letters: Vec<char> = bob.rights().iter().map(|r| r.letter()).collect();
    letters.sort_unstable();
    assert_eq!(letters, ['l', 'r', 's'], "set lr, added sw, removed w");
    // The owner keeps every right; Dovecot lists it by name once the ACL
    // has an explicit entry.
    let owner = rights_of(&acl, "alice").unwrap_or_else(|| panic!("alice listed: {acl:?}"));
    assert!(owner.contains(Right::Administer), "{owner}");

    let mine = imap.run(Myrights::new("Shared")).unwrap();
    assert_eq!(mine.mailbox.as_str(), "Shared");
    for right in [
        Right::Lookup,
        Right::Read,
        Right::Administer,
        Right::Expunge,
    ] {
        assert!(mine.rights.contains(right), "{right:?} in {}", mine.rights);
    }

    let listed = imap.run(Listrights::new("Shared", "bob")).unwrap();
    assert_eq!(listed.mailbox.as_str(), "Shared");
    assert_eq!(listed.identifier.as_ref(), b"bob");
    let grantable: Vec<Right> = listed
        .optional
        .iter()
        .flat_map(|group| group.rights().iter().copied())
        .chain(listed.required.rights().iter().copied())
        .collect();
    for right in [Right::Lookup, Right::Read, Right::Insert, Right::Administer] {
        assert!(
            grantable.contains(&right),
            "{right:?} grantable: {listed:?}"
        );
    }

    imap.deleteacl("Shared", "bob").unwrap();
    let acl = imap.getacl("Shared").unwrap();
    assert_eq!(rights_of(&acl, "bob"), None, "{acl:?}");
    assert!(
        acl.entries
            .iter()
            .any(|e| e.rights.contains(Right::Administer)),
        "the owner still administers: {acl:?}"
    );
}

#[test]
fn acl_client_methods_set_and_read_back_exact_rights() {
    let server = with_plugins(Plugins {
        acl: true,
        ..Plugins::default()
    });
    let mut alice = logged_in(&server, "alice").unwrap();
    alice.create("Reports").unwrap();
    alice
        .setacl("Reports", "bob", Rights::from([Right::Lookup, Right::Read]))
        .unwrap();
    let acl = alice.getacl("Reports").unwrap();
    assert_eq!(
        rights_of(&acl, "bob"),
        Some(Rights::from([Right::Lookup, Right::Read]))
    );
    // bob owns his INBOX: he administers it.
    let mut bob = logged_in(&server, "bob").unwrap();
    let own = bob.myrights("INBOX").unwrap();
    assert!(own.rights.contains(Right::Administer));
}
