//! Extensions tested against Cyrus, the server that has them.

use typed_imap::blocking::Client;
use typed_imap::codec::encode::{to_bytes, EncodeOptions, Encoder};
use typed_imap::command::Command;
use typed_imap::types::{QuotaLimit, QuotaResource};
use typed_imap::{Error, Getquota, Getquotaroot, Proxyauth, Quota, Setquota};
use typed_imap_tests::cyrus::{Cyrus, ADMIN};
use typed_imap_tests::messages::sample_message;

fn login(server: &Cyrus, user: &str) -> Client {
    let mut imap = Client::connect("127.0.0.1", server.addr().port()).unwrap();
    imap.login(user, &server.user(user).unwrap().password)
        .unwrap();
    imap
}

#[test]
fn proxyauth_writes_the_user_as_an_astring() {
    let mut enc = Encoder::new(EncodeOptions::default());
    Proxyauth::new("a user").encode(&mut enc).unwrap();
    assert_eq!(to_bytes(&enc.finish()), b"PROXYAUTH \"a user\"\r\n");
}

#[test]
fn proxyauth_on_cyrus_3_is_a_typed_bad() {
    // Cyrus 3.6 dropped the command (even with `proxyservers` set): the
    // typed error names it and keeps the server's text.
    let server = Cyrus::start().unwrap();
    let mut imap = login(&server, ADMIN);
    match imap.proxyauth("alice") {
        Err(Error::Bad { command, text, .. }) => {
            assert_eq!(command, "PROXYAUTH");
            assert!(text.contains("Unrecognized"), "{text}");
        }
        other => panic!("expected BAD, got {other:?}"),
    }
    imap.run(typed_imap::Noop::new()).unwrap();
}

/// The resource `name` of the only quota in `quotas`.
fn resource(quotas: &[Quota], name: &str) -> Option<QuotaResource> {
    let [quota] = quotas else {
        panic!("one quota root expected: {quotas:?}");
    };
    quota.resources.iter().find(|r| r.is(name)).cloned()
}

#[test]
fn setquota_by_the_admin_limits_what_the_user_sees() {
    let server = Cyrus::start().unwrap();
    // alice's first login creates her INBOX; without a limit Cyrus still
    // names the root, with an empty resource list: `* QUOTA INBOX ()`.
    let mut alice = login(&server, "alice");
    let unlimited = alice.run(Getquotaroot::new("INBOX")).unwrap();
    assert_eq!(unlimited.roots.mailbox.as_str(), "INBOX");
    // With `altnamespace` a user sees her own root as INBOX.
    assert_eq!(unlimited.roots.roots, [&b"INBOX"[..]]);
    assert_eq!(unlimited.quotas.len(), 1, "{unlimited:?}");
    assert_eq!(unlimited.quotas[0].root.as_ref(), b"INBOX");
    assert!(unlimited.quotas[0].resources.is_empty(), "{unlimited:?}");

    // The admin sees the same root under its full name, and sets it.
    let mut admin = login(&server, ADMIN);
    let root = admin.run(Getquotaroot::new("user/alice")).unwrap();
    assert_eq!(root.roots.roots, [&b"user/alice"[..]]);
    let set = admin
        .run(Setquota::new("user/alice", vec![QuotaLimit::storage(1000)]))
        .unwrap();
    // Cyrus sends no QUOTA for SETQUOTA; GETQUOTA shows the new limit.
    assert!(set.is_empty(), "{set:?}");
    let quota = admin.run(Getquota::new("user/alice")).unwrap();
    assert_eq!(quota.root.as_ref(), b"user/alice");
    assert_eq!(
        quota.resources,
        [QuotaResource {
            name: "STORAGE".into(),
            usage: 0,
            limit: 1000
        }]
    );

    // alice's (still open) session sees the limit, and her usage grow.
    alice.append("INBOX", sample_message(1, 20_000)).unwrap();
    let limited = alice.run(Getquotaroot::new("INBOX")).unwrap();
    let storage = resource(&limited.quotas, "STORAGE").unwrap();
    assert_eq!(storage.limit, 1000);
    assert!(
        (19..=21).contains(&storage.usage),
        "20 kB in KiB: {storage:?}"
    );
}

#[test]
fn setquota_by_a_user_is_a_typed_no() {
    let server = Cyrus::start().unwrap();
    let mut alice = login(&server, "alice");
    let error = alice
        .run(Setquota::new("INBOX", vec![QuotaLimit::storage(1)]))
        .unwrap_err();
    match &error {
        Error::No { command, text, .. } => {
            assert_eq!(command, "SETQUOTA");
            assert!(text.contains("Permission denied"), "{text}");
        }
        other => panic!("expected a tagged NO, got {other:?}"),
    }
    // Cyrus 3.6 answers before reading the limits, then reads their rest
    // as a line of its own (`* BAD Invalid tag`): the session goes on,
    // and no limit was set.
    alice.run(typed_imap::Noop::new()).unwrap();
    let quota = alice.run(Getquotaroot::new("INBOX")).unwrap();
    assert_eq!(resource(&quota.quotas, "STORAGE"), None, "{quota:?}");
}
