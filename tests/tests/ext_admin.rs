//! ACL (RFC 4314), QUOTA (RFC 2087, RFC 9208) and METADATA (RFC 5464), each
//! from its own spec file, end to end against Dovecot with the plugin on.

use typed_imap::types::{
    MetadataCode, MetadataDepth, MetadataEntry, MetadataOptions, QuotaLimit, Right, Rights,
};
use typed_imap::{
    Append, Create, DeleteAcl, Error, GetAcl, GetMetadata, GetQuota, GetQuotaRoot, ListRights,
    MyRights, SetAcl, SetMetadata, SetQuota,
};
use typed_imap_tests::both::Imap;
use typed_imap_tests::both_clients;
use typed_imap_tests::dovecot::{Dovecot, Options, Plugins};
use typed_imap_tests::messages::sample_message;
use typed_imap_tests::views::metadata_values;

both_clients!(
    acl_set_get_list_my_rights_and_delete,
    acl_client_methods_set_and_read_back_exact_rights,
    quota_root_of_inbox_counts_an_appended_message,
    setquota_by_a_user_is_refused_with_a_typed_no,
    metadata_set_get_and_delete_on_a_mailbox_and_the_server,
    metadata_value_with_crlf_and_8_bit_bytes_round_trips,
    metadata_maxsize_reports_long_entries_and_depth_lists_children,
);

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

fn acl_set_get_list_my_rights_and_delete<I: Imap>() {
    let server = with_plugins(Plugins {
        acl: true,
        ..Plugins::default()
    });
    let mut imap = I::logged_in(&server, "alice").unwrap();
    assert!(imap.has_capability("ACL").unwrap());
    imap.run(Create::new("Shared")).unwrap();

    imap.run(SetAcl::new("Shared", "bob").set_rights([Right::Lookup, Right::Read]))
        .unwrap();
    imap.run(SetAcl::new("Shared", "bob").add_rights([Right::Seen, Right::Write]))
        .unwrap();
    imap.run(SetAcl::new("Shared", "bob").remove_rights([Right::Write]))
        .unwrap();
    let acl = imap.run(GetAcl::new("Shared")).unwrap();
    assert_eq!(acl.mailbox.as_str(), "Shared");
    let bob = rights_of(&acl, "bob").expect("bob is in the ACL");
    let mut letters: Vec<char> = bob.rights().iter().map(|r| r.letter()).collect();
    letters.sort_unstable();
    assert_eq!(letters, ['l', 'r', 's'], "set lr, added sw, removed w");
    // The owner keeps every right; Dovecot lists it by name once the ACL
    // has an explicit entry.
    let owner = rights_of(&acl, "alice").unwrap_or_else(|| panic!("alice listed: {acl:?}"));
    assert!(owner.contains(Right::Administer), "{owner}");

    let mine = imap.run(MyRights::new("Shared")).unwrap();
    assert_eq!(mine.mailbox.as_str(), "Shared");
    for right in [
        Right::Lookup,
        Right::Read,
        Right::Administer,
        Right::Expunge,
    ] {
        assert!(mine.rights.contains(right), "{right:?} in {}", mine.rights);
    }

    let listed = imap.run(ListRights::new("Shared", "bob")).unwrap();
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

    imap.run(DeleteAcl::new("Shared", "bob")).unwrap();
    let acl = imap.run(GetAcl::new("Shared")).unwrap();
    assert_eq!(rights_of(&acl, "bob"), None, "{acl:?}");
    assert!(
        acl.entries
            .iter()
            .any(|e| e.rights.contains(Right::Administer)),
        "the owner still administers: {acl:?}"
    );
}

fn acl_client_methods_set_and_read_back_exact_rights<I: Imap>() {
    let server = with_plugins(Plugins {
        acl: true,
        ..Plugins::default()
    });
    let mut alice = I::logged_in(&server, "alice").unwrap();
    alice.run(Create::new("Reports")).unwrap();
    alice
        .set_acl("Reports", "bob", Rights::from([Right::Lookup, Right::Read]))
        .unwrap();
    let acl = alice.get_acl("Reports").unwrap();
    assert_eq!(
        rights_of(&acl, "bob"),
        Some(Rights::from([Right::Lookup, Right::Read]))
    );
    // bob owns his INBOX: he administers it.
    let mut bob = I::logged_in(&server, "bob").unwrap();
    let own = bob.my_rights("INBOX").unwrap();
    assert!(own.rights.contains(Right::Administer));
}

fn quota_root_of_inbox_counts_an_appended_message<I: Imap>() {
    let server = with_plugins(Plugins {
        quota: true,
        ..Plugins::default()
    });
    let mut imap = I::logged_in(&server, "alice").unwrap();
    assert!(imap.has_capability("QUOTA").unwrap());
    let before = imap.run(GetQuotaRoot::new("INBOX")).unwrap();
    assert_eq!(before.roots.mailbox.as_str(), "INBOX");
    assert_eq!(before.roots.roots, [&b"User quota"[..]]);
    let storage_before = storage(&before.quotas);
    assert_eq!(storage_before.limit, 1048576, "1G rule, in KiB");

    let message = sample_message(1, 20_000);
    imap.run(Append::new("INBOX", message)).unwrap();
    let after = imap.run(GetQuotaRoot::new("INBOX")).unwrap();
    assert_eq!(after.quotas.len(), 1, "one root, one QUOTA: {after:?}");
    assert_eq!(after.quotas[0].root.as_ref(), b"User quota");
    let used = storage(&after.quotas);
    assert!(
        used.usage > storage_before.usage,
        "{storage_before:?} then {used:?}"
    );
    assert!(used.usage >= 19, "20 kB counted in KiB: {used:?}");
    assert_eq!(used.limit, 1048576);
    // The count backend also tracks messages, without a limit rule.
    if let Some(messages) = after.quotas[0].resources.iter().find(|r| r.is("MESSAGE")) {
        assert_eq!(messages.usage, 1);
    }

    // GETQUOTA on the root the mailbox named gives the same figures.
    let root = imap.run(GetQuota::new("User quota")).unwrap();
    assert_eq!(root.root.as_ref(), b"User quota");
    assert_eq!(storage(std::slice::from_ref(&root)), used);
}

/// SETQUOTA on Dovecot 2.3 is for a user the userdb marks `admin=yes`;
/// others get a tagged NO, checked here. (An admin can be had through
/// `extra_config`: a master passdb returning `userdb_admin=yes`, logging
/// in as `alice*admin`. Then Dovecot 2.3.19.1 answers BAD "Permission
/// denied" without `quota_set`, and its imap process dies of SIGSEGV on
/// SETQUOTA with `quota_set = dict:...` (file or proxy dict). It also only
/// writes limits to that dictionary, for a userdb to read back, so the
/// round trip "SETQUOTA then GETQUOTAROOT shows the limit" needs Cyrus.)
fn setquota_by_a_user_is_refused_with_a_typed_no<I: Imap>() {
    let server = Dovecot::start_with(Options {
        plugins: Plugins {
            quota: true,
            ..Plugins::default()
        },
        extra_config: "plugin {\n  quota_set = dict:file:%h/quota-limits\n}\n".into(),
        ..Options::default()
    })
    .unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    let error = imap
        .run(SetQuota::new("User quota", vec![QuotaLimit::storage(512)]))
        .unwrap_err();
    match &error {
        Error::No { command, text, .. } => {
            assert_eq!(command, "SETQUOTA");
            assert!(text.contains("admin"), "{text}");
        }
        other => panic!("expected a tagged NO, got {other:?}"),
    }
    // The session goes on and the limit is unchanged.
    let quota = imap.run(GetQuotaRoot::new("INBOX")).unwrap();
    assert_eq!(storage(&quota.quotas).limit, 1048576);
}

/// The STORAGE resource of the only quota root.
fn storage(quotas: &[typed_imap::Quota]) -> typed_imap::types::QuotaResource {
    let [quota] = quotas else {
        panic!("one quota root expected: {quotas:?}");
    };
    quota
        .resources
        .iter()
        .find(|r| r.is("STORAGE"))
        .unwrap_or_else(|| panic!("STORAGE in {quota:?}"))
        .clone()
}

fn metadata_server() -> Dovecot {
    with_plugins(Plugins {
        metadata: true,
        ..Plugins::default()
    })
}

fn metadata_set_get_and_delete_on_a_mailbox_and_the_server<I: Imap>() {
    let server = metadata_server();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    assert!(imap.has_capability("METADATA").unwrap());
    imap.run(Create::new("Notes")).unwrap();
    imap.run(SetMetadata::new(
        "Notes",
        vec![MetadataEntry::new("/private/comment", "mailbox note")],
    ))
    .unwrap();
    imap.run(SetMetadata::new(
        "",
        vec![MetadataEntry::new("/private/comment", "server note")],
    ))
    .unwrap();

    let mailbox = imap
        .run(GetMetadata::new(
            "Notes",
            vec!["/private/comment".to_owned()],
        ))
        .unwrap();
    assert_eq!(
        metadata_values(&mailbox),
        [(
            "Notes".to_owned(),
            "/private/comment".to_owned(),
            Some(b"mailbox note".to_vec())
        )]
    );
    assert_eq!(mailbox.code, None);
    let whole = imap
        .run(GetMetadata::new("", vec!["/private/comment".to_owned()]))
        .unwrap();
    assert_eq!(
        metadata_values(&whole),
        [(
            String::new(),
            "/private/comment".to_owned(),
            Some(b"server note".to_vec())
        )]
    );

    // NIL deletes: the mailbox's entry goes, the server's stays.
    imap.run(SetMetadata::new(
        "Notes",
        vec![MetadataEntry::remove("/private/comment")],
    ))
    .unwrap();
    let gone = imap
        .run(GetMetadata::new(
            "Notes",
            vec!["/private/comment".to_owned()],
        ))
        .unwrap();
    assert!(
        metadata_values(&gone).iter().all(|(_, _, v)| v.is_none()),
        "deleted: {gone:?}"
    );
    let kept = imap
        .run(GetMetadata::new("", vec!["/private/comment".to_owned()]))
        .unwrap();
    assert_eq!(
        metadata_values(&kept)[0].2.as_deref(),
        Some(&b"server note"[..])
    );
}

fn metadata_value_with_crlf_and_8_bit_bytes_round_trips<I: Imap>() {
    let server = metadata_server();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    let value = b"line one\r\nl\xc3\xadnea dos \xff\xfe\r\n\"quoted\" \\ end".to_vec();
    imap.run(SetMetadata::new(
        "INBOX",
        vec![MetadataEntry::new("/private/comment", value.clone())],
    ))
    .unwrap();
    let reply = imap
        .run(GetMetadata::new(
            "INBOX",
            vec!["/private/comment".to_owned()],
        ))
        .unwrap();
    assert_eq!(metadata_values(&reply)[0].2.as_deref(), Some(&value[..]));
}

fn metadata_maxsize_reports_long_entries_and_depth_lists_children<I: Imap>() {
    let server = metadata_server();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(SetMetadata::new(
        "INBOX",
        vec![
            MetadataEntry::new("/private/vendor/typed-imap/short", "ok"),
            MetadataEntry::new("/private/vendor/typed-imap/long", "x".repeat(100)),
        ],
    ))
    .unwrap();
    let children = imap
        .run(
            GetMetadata::new("INBOX", vec!["/private/vendor/typed-imap".to_owned()])
                .options(MetadataOptions::default().depth(MetadataDepth::One)),
        )
        .unwrap();
    let mut names: Vec<String> = metadata_values(&children)
        .into_iter()
        .filter(|(_, _, v)| v.is_some())
        .map(|(_, name, _)| name)
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "/private/vendor/typed-imap/long",
            "/private/vendor/typed-imap/short"
        ]
    );

    let short_only = imap
        .run(
            GetMetadata::new(
                "INBOX",
                vec![
                    "/private/vendor/typed-imap/short".to_owned(),
                    "/private/vendor/typed-imap/long".to_owned(),
                ],
            )
            .options(MetadataOptions::default().max_size(10)),
        )
        .unwrap();
    let values = metadata_values(&short_only);
    assert!(
        values
            .iter()
            .any(|(_, n, v)| n.ends_with("/short") && v.as_deref() == Some(&b"ok"[..])),
        "{values:?}"
    );
    assert!(
        !values
            .iter()
            .any(|(_, n, v)| n.ends_with("/long") && v.is_some()),
        "{values:?}"
    );
    assert_eq!(short_only.code, Some(MetadataCode::LongEntries(100)));
}
