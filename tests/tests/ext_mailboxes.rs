//! Extensions about mailboxes (RFC 3348 CHILDREN, RFC 8440 LIST-MYRIGHTS,
//! RFC 9590 LIST-METADATA, RFC 4314 RIGHTS=, RFC 9208 QUOTA=RES-*), each
//! from its own spec file, against the servers here that advertise them.
//!
//! Each behaviour is a function of a logged-in client, so that the same
//! check runs against every server that has the extension.

use typed_imap::blocking::Client;
use typed_imap::codec::encode::{to_bytes, EncodeOptions, Encoder};
use typed_imap::command::Command;
use typed_imap::types::{MetadataEntry, Right, Rights, StatusItem};
use typed_imap::{
    Create, GetAcl, GetQuotaRoot, List, ListExtended, ListItem, ListRights, ListWithRights,
    MailboxAttribute, MailboxList, MyRights, Select, SetAcl, SetMetadata,
};
use typed_imap_tests::both::Imap;
use typed_imap_tests::both_clients;
use typed_imap_tests::client::{logged_in, logged_in_stalwart};
use typed_imap_tests::courier::CourierStream;
use typed_imap_tests::cyrus::Cyrus;
use typed_imap_tests::dovecot::{Dovecot, Options, Plugins};
use typed_imap_tests::scripted::Script;
use typed_imap_tests::stalwart::Stalwart;

both_clients!(
    children_on_dovecot,
    children_on_courier,
    acl2_lists_each_mailbox_with_its_acl_and_rights_on_courier,
);

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
fn children_attributes_tell_parents_from_leaves<I: Imap>(imap: &mut I, prefix: &str) {
    assert!(imap.has_capability("CHILDREN").unwrap());
    let root = imap.run(List::new("", "")).unwrap();
    let delimiter = root[0].delimiter.expect("a hierarchy delimiter");
    let parent = format!("{prefix}Parent");
    let child = format!("{parent}{delimiter}Child");
    imap.run(Create::new(parent.as_str())).unwrap();
    imap.run(Create::new(child.as_str())).unwrap();
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

fn children_on_dovecot<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    children_attributes_tell_parents_from_leaves(&mut imap, "");
}

#[test]
fn children_on_cyrus() {
    let (_server, mut imap) = cyrus_with("");
    children_attributes_tell_parents_from_leaves(&mut imap, "");
}

/// Courier keeps folders under `INBOX.`, with `.` as the delimiter.
fn children_on_courier<I: Imap>() {
    let stream = CourierStream::new().unwrap();
    let mut imap = I::spawn(stream.command()).unwrap();
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

/// Every (mailbox, entry, value) of a LIST with METADATA.
fn listed_metadata(listed: &MailboxList) -> Vec<(String, String, Option<Vec<u8>>)> {
    let mut values: Vec<_> = listed
        .metadata
        .iter()
        .flat_map(|r| {
            r.data.values().iter().map(|e| {
                let value = e.value.as_ref().map(|v| v.to_vec());
                (r.mailbox.as_str().to_owned(), e.name.clone(), value)
            })
        })
        .collect();
    values.sort();
    values
}

/// LIST-METADATA: `RETURN (METADATA (...))` gives each mailbox's entries,
/// NIL where one has no value; one entry goes in parentheses too.
fn list_metadata_gives_the_entries_of_each_mailbox(imap: &mut Client) {
    assert!(imap.has_capability("LIST-METADATA").unwrap());
    imap.create("Work").unwrap();
    imap.run(SetMetadata::new(
        "Work",
        vec![MetadataEntry::new("/private/comment", "projects")],
    ))
    .unwrap();
    let entries = ["/private/comment", "/shared/comment"].map(String::from);
    let listed = imap
        .run(ListExtended::new("", "*").metadata(entries.to_vec()))
        .unwrap();
    let comment = |mailbox: &str, entry: &str, value: Option<&str>| {
        (
            mailbox.to_owned(),
            entry.to_owned(),
            value.map(|v| v.as_bytes().to_vec()),
        )
    };
    assert_eq!(
        listed_metadata(&listed),
        [
            comment("INBOX", "/private/comment", None),
            comment("INBOX", "/shared/comment", None),
            comment("Work", "/private/comment", Some("projects")),
            comment("Work", "/shared/comment", None),
        ]
    );
    let one = imap
        .run(ListExtended::new("", "Work").metadata(vec!["/private/comment".to_owned()]))
        .unwrap();
    assert_eq!(
        listed_metadata(&one),
        [comment("Work", "/private/comment", Some("projects"))]
    );
}

#[test]
fn list_metadata_on_cyrus() {
    let (_server, mut imap) = cyrus_with("");
    list_metadata_gives_the_entries_of_each_mailbox(&mut imap);
}

/// The METADATA return option is always parenthesised, and needs its
/// capability.
#[test]
fn list_metadata_writes_its_entries_in_parentheses() {
    let command = ListExtended::new("", "*").metadata(vec!["/private/comment".to_owned()]);
    let mut enc = Encoder::new(EncodeOptions::default());
    command.encode(&mut enc).unwrap();
    assert_eq!(
        to_bytes(&enc.finish()),
        b"LIST \"\" * RETURN (METADATA (/private/comment))\r\n"
    );
    assert_eq!(
        command.missing_capability(|c| c == "LIST-EXTENDED"),
        Some("LIST-METADATA".to_owned())
    );
    let empty = ListExtended::new("", "*").metadata(Vec::<String>::new());
    assert!(empty
        .encode(&mut Encoder::new(EncodeOptions::default()))
        .is_err());
}

/// The rights of the `RIGHTS=` capability, if the server advertises one.
fn advertised_rights(imap: &mut Client) -> Option<Rights> {
    imap.capabilities()
        .unwrap()
        .iter()
        .find_map(|capability| capability.rights())
}

/// RIGHTS= (RFC 4314 section 2.1): the rights it names are among those
/// LISTRIGHTS offers for another user, and each can be granted: GETACL
/// shows it.
fn rights_capability_names_rights_that_can_be_granted(imap: &mut Client, mailbox: &str) {
    let advertised = advertised_rights(imap).expect("a RIGHTS= capability");
    assert!(!advertised.is_empty());
    let offered = imap.run(ListRights::new(mailbox, "bob")).unwrap();
    let grantable: Vec<Right> = offered
        .required
        .rights()
        .iter()
        .chain(offered.optional.iter().flat_map(|group| group.rights()))
        .copied()
        .collect();
    for right in advertised.rights() {
        assert!(grantable.contains(right), "{right:?} not in {offered:?}");
    }
    let mut granted = vec![Right::Lookup, Right::Read];
    granted.extend(advertised.rights().iter().copied());
    imap.run(SetAcl::new(mailbox, "bob").set_rights(granted.iter().copied().collect::<Rights>()))
        .unwrap();
    let acl = imap.run(GetAcl::new(mailbox)).unwrap();
    let bob = acl
        .entries
        .iter()
        .find(|e| e.identifier.as_ref() == b"bob")
        .unwrap_or_else(|| panic!("bob in {acl:?}"));
    for right in &granted {
        assert!(bob.rights.contains(*right), "{right:?} not in {bob:?}");
    }
}

#[test]
fn rights_capability_on_dovecot() {
    let server = Dovecot::start_with(Options {
        plugins: Plugins {
            acl: true,
            ..Plugins::default()
        },
        ..Options::default()
    })
    .unwrap();
    let mut imap = logged_in(&server, "alice").unwrap();
    imap.create("Shared").unwrap();
    assert_eq!(
        advertised_rights(&mut imap).map(|r| r.to_string()),
        Some("texk".to_owned())
    );
    rights_capability_names_rights_that_can_be_granted(&mut imap, "Shared");
}

#[test]
fn rights_capability_on_cyrus() {
    let (_server, mut imap) = cyrus_with("");
    imap.create("Shared").unwrap();
    assert_eq!(
        advertised_rights(&mut imap).map(|r| r.to_string()),
        Some("kxten".to_owned())
    );
    rights_capability_names_rights_that_can_be_granted(&mut imap, "Shared");
}

/// Courier's ACL2: `LIST (ACL MYRIGHTS)` gives each mailbox's ACL and the
/// user's rights in its extended data, the same GETACL and MYRIGHTS give;
/// SELECT brings the rights in a `[MYRIGHTS ...]` code.
fn acl2_lists_each_mailbox_with_its_acl_and_rights_on_courier<I: Imap>() {
    let stream = CourierStream::new().unwrap();
    let mut imap = I::spawn(stream.command()).unwrap();
    assert!(imap.has_capability("ACL2=UNION").unwrap());
    imap.run(Create::new("INBOX.Work")).unwrap();
    imap.run(SetAcl::new("INBOX.Work", "anyone").set_rights([Right::Lookup, Right::Read]))
        .unwrap();
    let listed = imap
        .run(ListWithRights::new("", "*").acl().my_rights())
        .unwrap();
    assert_eq!(listed.len(), 2, "{listed:?}");
    for item in &listed {
        let extended = item.extended.as_ref().expect("extended data");
        let asked = imap.run(MyRights::new(item.mailbox.clone())).unwrap();
        assert_eq!(extended.my_rights.as_ref(), Some(&asked.rights), "{item:?}");
        let acl = imap.run(GetAcl::new(item.mailbox.clone())).unwrap();
        assert_eq!(extended.acl.as_ref(), Some(&acl.entries), "{item:?}");
    }
    let work = find(&listed, "INBOX.Work").extended.as_ref().unwrap();
    let anyone = work
        .acl
        .iter()
        .flatten()
        .find(|e| e.identifier.as_ref() == b"anyone")
        .expect("anyone in the ACL");
    assert_eq!(anyone.rights.to_string(), "lr");
    let selected = imap.run(Select::new("INBOX.Work")).unwrap();
    assert_eq!(selected.my_rights, work.my_rights);
}

/// The resources of the `QUOTA=RES-*` capabilities.
fn quota_resources(imap: &mut Client) -> Vec<String> {
    imap.capabilities()
        .unwrap()
        .iter()
        .filter_map(|c| c.quota_resource().map(str::to_owned))
        .collect()
}

/// QUOTA=RES-* (RFC 9208): the server names the resources it counts, and
/// every resource of INBOX's quotas is one of them; with RES-STORAGE,
/// STATUS gives DELETED-STORAGE (nothing marked `\Deleted` in a new
/// INBOX: 0). Stalwart advertises these (Dovecot 2.3 and Cyrus 3.6 have
/// RFC 2087's QUOTA only): run it against a Stalwart logged in as a user
/// with a quota.
fn quota_resources_are_advertised_and_reported(imap: &mut Client) {
    let resources = quota_resources(imap);
    assert!(!resources.is_empty(), "no QUOTA=RES-* capability");
    let quota = imap.run(GetQuotaRoot::new("INBOX")).unwrap();
    for root in &quota.quotas {
        for resource in &root.resources {
            assert!(
                resources.iter().any(|r| resource.is(r)),
                "{resource:?} not among {resources:?}"
            );
        }
    }
    if resources.iter().any(|r| r.eq_ignore_ascii_case("STORAGE")) {
        let status = imap
            .status("INBOX", vec![StatusItem::deleted_storage()])
            .unwrap();
        assert_eq!(status.attributes.deleted_storage, Some(0));
    }
}

/// A live Stalwart, alice with its default quota (100 MB of storage).
#[test]
fn quota_resources_on_stalwart() {
    let server = Stalwart::start().unwrap();
    let mut imap = logged_in_stalwart(&server, "alice").unwrap();
    quota_resources_are_advertised_and_reported(&mut imap);
}

/// The lines of a Stalwart session (its capabilities as a Nextcloud Mail
/// log shows them, nextcloud/mail#12235) and RFC 9208's QUOTA answers,
/// played to [`quota_resources_are_advertised_and_reported`].
#[test]
fn quota_resources_on_a_scripted_stalwart() {
    let capabilities =
        "IMAP4rev2 IMAP4rev1 ENABLE SASL-IR LITERAL+ ID UTF8=ACCEPT JMAPACCESS IDLE \
        NAMESPACE CHILDREN MULTIAPPEND BINARY UNSELECT ACL UIDPLUS ESEARCH WITHIN SEARCHRES SORT \
        THREAD=REFERENCES LIST-EXTENDED LIST-STATUS ESORT SORT=DISPLAY SPECIAL-USE \
        CREATE-SPECIAL-USE MOVE CONDSTORE QRESYNC UNAUTHENTICATE STATUS=SIZE OBJECTID PREVIEW \
        QUOTA QUOTA=RES-STORAGE";
    let server = Script::new()
        .send("* OK [CAPABILITY IMAP4rev2 IMAP4rev1 AUTH=PLAIN] Stalwart IMAP4rev2 at your service.\r\n")
        .expect_command("LOGIN")
        .send(format!("{{tag}} OK [CAPABILITY {capabilities}] Authentication successful\r\n"))
        .expect_exact("GETQUOTAROOT INBOX")
        .send("* QUOTAROOT INBOX \"\"\r\n* QUOTA \"\" (STORAGE 10 512)\r\n{tag} OK Completed\r\n")
        .expect_exact("STATUS INBOX (DELETED-STORAGE)")
        .send("* STATUS INBOX (DELETED-STORAGE 0)\r\n{tag} OK Completed\r\n")
        .serve()
        .unwrap();
    let mut imap = Client::connect("127.0.0.1", server.addr().port()).unwrap();
    imap.login("alice", "secret").unwrap();
    quota_resources_are_advertised_and_reported(&mut imap);
    drop(imap);
    server.finish().unwrap();
}
