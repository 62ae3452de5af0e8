//! Extensions tested against Cyrus, the server that has them.

use typed_imap::blocking::Client;
use typed_imap::codec::encode::{to_bytes, EncodeOptions, Encoder};
use typed_imap::command::Command;
use typed_imap::types::{AppendLimit, QuotaLimit, QuotaResource, StatusItem};
use typed_imap::{Code, Error, Getquota, Getquotaroot, Proxyauth, Quota, Setquota};
use typed_imap_tests::cyrus::{Cyrus, ADMIN};
use typed_imap_tests::messages::sample_message;
use typed_imap_tests::scripted::Script;

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

/// The value of the `APPENDLIMIT=n` capability, if advertised.
fn capability_append_limit(imap: &mut Client) -> Option<u64> {
    imap.capabilities()
        .unwrap()
        .iter()
        .find_map(|capability| capability.append_limit())
}

#[test]
fn appendlimit_capability_is_read_typed() {
    // Cyrus advertises its `maxmessagesize`, or 2^32 - 1 without one.
    let server = Cyrus::start().unwrap();
    let mut imap = login(&server, "alice");
    assert_eq!(capability_append_limit(&mut imap), Some(4294967295));

    let server = Cyrus::start_with("maxmessagesize: 10240").unwrap();
    let mut imap = login(&server, "alice");
    assert_eq!(capability_append_limit(&mut imap), Some(10240));
    imap.append("INBOX", sample_message(1, 5_000)).unwrap();
    let status = imap.status("INBOX", vec![StatusItem::messages()]).unwrap();
    assert_eq!(status.attributes.messages, Some(1));

    // Over the limit: a typed NO [TOOBIG]. The client sent the message as
    // a LITERAL+ literal, so Cyrus also says BYE and closes (RFC 7888
    // section 4 lets it): the session is over.
    let error = imap.append("INBOX", sample_message(2, 20_000)).unwrap_err();
    match &error {
        Error::No { command, code, .. } => {
            assert_eq!(command, "APPEND");
            assert!(matches!(code, Some(Code::TooBig)), "{error:?}");
        }
        other => panic!("expected NO [TOOBIG], got {other:?}"),
    }
    // Closed after the BYE, or reset if the literal's rest was unread.
    match imap.run(typed_imap::Noop::new()) {
        Err(Error::Closed { .. } | Error::Io(_)) => {}
        other => panic!("expected the connection gone, got {other:?}"),
    }
}

#[test]
fn appendlimit_status_attribute_on_cyrus_3_is_a_typed_bad() {
    // Cyrus 3.6 advertises the capability but not the STATUS attribute.
    let server = Cyrus::start().unwrap();
    let mut imap = login(&server, "alice");
    let error = imap
        .status("INBOX", vec![StatusItem::append_limit()])
        .unwrap_err();
    match &error {
        Error::Bad { command, text, .. } => {
            assert_eq!(command, "STATUS");
            assert!(text.to_ascii_lowercase().contains("appendlimit"), "{text}");
        }
        other => panic!("expected BAD, got {other:?}"),
    }
    imap.run(typed_imap::Noop::new()).unwrap();
}

/// No server at hand answers the STATUS attribute (Cyrus 3.6 refuses it,
/// Dovecot 2.3 lacks it), so a scripted one shows both of its forms.
#[test]
fn appendlimit_status_attribute_is_a_number_or_nil() {
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1 APPENDLIMIT] hi\r\n")
        .expect_exact("STATUS INBOX (MESSAGES APPENDLIMIT)")
        .send("* STATUS INBOX (MESSAGES 2 APPENDLIMIT 10240)\r\n{tag} OK done\r\n")
        .expect_exact("STATUS Archive (APPENDLIMIT)")
        .send("* STATUS Archive (APPENDLIMIT NIL)\r\n{tag} OK done\r\n")
        .serve()
        .unwrap();
    let mut imap = Client::connect("127.0.0.1", server.addr().port()).unwrap();
    assert_eq!(capability_append_limit(&mut imap), None, "bare APPENDLIMIT");
    let inbox = imap
        .status(
            "INBOX",
            vec![StatusItem::messages(), StatusItem::append_limit()],
        )
        .unwrap();
    assert_eq!(inbox.attributes.messages, Some(2));
    assert_eq!(
        inbox.attributes.append_limit,
        Some(AppendLimit::Octets(10240))
    );
    let archive = imap
        .status("Archive", vec![StatusItem::append_limit()])
        .unwrap();
    assert_eq!(
        archive.attributes.append_limit,
        Some(AppendLimit::Unlimited)
    );
    assert_eq!(archive.attributes.messages, None);
    drop(imap);
    server.finish().unwrap();
}
