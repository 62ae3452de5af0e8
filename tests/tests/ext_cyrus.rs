//! Extensions tested against Cyrus, the server that has them.

use typed_imap::blocking::ClientOptions;
use typed_imap::chrono::DateTime;
use typed_imap::codec::encode::{to_bytes, EncodeOptions, Encoder};
use typed_imap::command::Command;
use typed_imap::types::{
    Annotation, AnnotationFetch, AnnotationValue, AppendLimit, FetchItem, IdFields, MetadataDepth,
    MetadataEntry, MetadataOptions, QuotaLimit, QuotaResource, Right, Rights, SearchKey,
    SequenceSet, SortKey, StatusItem, ThreadAlgorithm,
};
use typed_imap::Bytes;
use typed_imap::{
    Append, Code, Create, DeleteAcl, Error, Examine, Fetch, GetAcl, GetMetadata, GetQuota,
    GetQuotaRoot, Id, ListRights, MyRights, NamespaceCommand, Noop, ProxyAuth, Quota, Select,
    SetAcl, SetMetadata, SetQuota, Sort, Status, StoreAnnotation, ThreadCommand, UidCopy, UidFetch,
    UidMove, UidSort, UidStoreAnnotation,
};
use typed_imap_tests::both::Imap;
use typed_imap_tests::both_clients;
use typed_imap_tests::cyrus::{Cyrus, ADMIN};
use typed_imap_tests::messages::sample_message;
use typed_imap_tests::scripted::Script;
use typed_imap_tests::views::{metadata_values, thread_tree};

both_clients!(
    proxyauth_on_cyrus_3_is_a_typed_bad,
    setquota_by_the_admin_limits_what_the_user_sees,
    setquota_by_a_user_is_a_typed_no,
    appendlimit_capability_is_read_typed,
    appendlimit_status_attribute_on_cyrus_3_is_a_typed_bad,
    appendlimit_status_attribute_is_a_number_or_nil,
    namespace_on_cyrus_has_other_users_and_shared,
    id_on_cyrus_names_the_server_before_and_after_login,
    acl_on_cyrus_with_its_own_rights_letters,
    metadata_on_cyrus_private_shared_depth_and_server,
    uid_copy_and_uid_move_on_cyrus_report_copyuid,
    sort_and_thread_on_cyrus,
    annotation_fetch_reads_what_store_set,
    create_with_use_on_cyrus_gives_the_mailbox_its_special_use,
);

fn wire(command: &impl Command) -> Result<Vec<u8>, typed_imap::codec::encode::EncodeError> {
    let mut enc = Encoder::new(EncodeOptions::default());
    command.encode(&mut enc)?;
    Ok(to_bytes(&enc.finish()))
}

fn login<I: Imap>(server: &Cyrus, user: &str) -> I {
    I::plain_login(server.addr(), user, &server.user(user).unwrap().password).unwrap()
}

#[test]
fn proxyauth_writes_the_user_as_an_astring() {
    let mut enc = Encoder::new(EncodeOptions::default());
    ProxyAuth::new("a user").encode(&mut enc).unwrap();
    assert_eq!(to_bytes(&enc.finish()), b"PROXYAUTH \"a user\"\r\n");
}

fn proxyauth_on_cyrus_3_is_a_typed_bad<I: Imap>() {
    // Cyrus 3.6 dropped the command (even with `proxyservers` set): the
    // typed error names it and keeps the server's text.
    let server = Cyrus::start().unwrap();
    let mut imap = login::<I>(&server, ADMIN);
    match imap.run(ProxyAuth::new("alice")) {
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

fn setquota_by_the_admin_limits_what_the_user_sees<I: Imap>() {
    let server = Cyrus::start().unwrap();
    // alice's first login creates her INBOX; without a limit Cyrus still
    // names the root, with an empty resource list: `* QUOTA INBOX ()`.
    let mut alice = login::<I>(&server, "alice");
    let unlimited = alice.run(GetQuotaRoot::new("INBOX")).unwrap();
    assert_eq!(unlimited.roots.mailbox.as_str(), "INBOX");
    // With `altnamespace` a user sees her own root as INBOX.
    assert_eq!(unlimited.roots.roots, [&b"INBOX"[..]]);
    assert_eq!(unlimited.quotas.len(), 1, "{unlimited:?}");
    assert_eq!(unlimited.quotas[0].root.as_ref(), b"INBOX");
    assert!(unlimited.quotas[0].resources.is_empty(), "{unlimited:?}");

    // The admin sees the same root under its full name, and sets it.
    let mut admin = login::<I>(&server, ADMIN);
    let root = admin.run(GetQuotaRoot::new("user/alice")).unwrap();
    assert_eq!(root.roots.roots, [&b"user/alice"[..]]);
    let set = admin
        .run(SetQuota::new("user/alice", vec![QuotaLimit::storage(1000)]))
        .unwrap();
    // Cyrus sends no QUOTA for SETQUOTA; GETQUOTA shows the new limit.
    assert!(set.is_empty(), "{set:?}");
    let quota = admin.run(GetQuota::new("user/alice")).unwrap();
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
    alice
        .run(Append::new("INBOX", sample_message(1, 20_000)))
        .unwrap();
    let limited = alice.run(GetQuotaRoot::new("INBOX")).unwrap();
    let storage = resource(&limited.quotas, "STORAGE").unwrap();
    assert_eq!(storage.limit, 1000);
    assert!(
        (19..=21).contains(&storage.usage),
        "20 kB in KiB: {storage:?}"
    );
}

fn setquota_by_a_user_is_a_typed_no<I: Imap>() {
    let server = Cyrus::start().unwrap();
    let mut alice = login::<I>(&server, "alice");
    let error = alice
        .run(SetQuota::new("INBOX", vec![QuotaLimit::storage(1)]))
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
    let quota = alice.run(GetQuotaRoot::new("INBOX")).unwrap();
    assert_eq!(resource(&quota.quotas, "STORAGE"), None, "{quota:?}");
}

/// The value of the `APPENDLIMIT=n` capability, if advertised.
fn capability_append_limit<I: Imap>(imap: &mut I) -> Option<u64> {
    imap.capabilities()
        .unwrap()
        .iter()
        .find_map(|capability| capability.append_limit())
}

fn appendlimit_capability_is_read_typed<I: Imap>() {
    // Cyrus advertises its `maxmessagesize`, or 2^32 - 1 without one.
    let server = Cyrus::start().unwrap();
    let mut imap = login::<I>(&server, "alice");
    assert_eq!(capability_append_limit(&mut imap), Some(4294967295));

    let server = Cyrus::start_with("maxmessagesize: 10240").unwrap();
    let mut imap = login::<I>(&server, "alice");
    assert_eq!(capability_append_limit(&mut imap), Some(10240));
    imap.run(Append::new("INBOX", sample_message(1, 5_000)))
        .unwrap();
    let status = imap
        .run(Status::new("INBOX", vec![StatusItem::messages()]))
        .unwrap();
    assert_eq!(status.attributes.messages, Some(1));

    // Over the limit: a typed NO [TOOBIG]. Cyrus has LITERAL+, but a
    // message over the advertised limit goes as a synchronising literal, so
    // Cyrus refuses it before it is sent and the session goes on.
    let error = imap
        .run(Append::new("INBOX", sample_message(2, 20_000)))
        .unwrap_err();
    match &error {
        Error::No { command, code, .. } => {
            assert_eq!(command, "APPEND");
            assert!(matches!(code, Some(Code::TooBig)), "{error:?}");
        }
        other => panic!("expected NO [TOOBIG], got {other:?}"),
    }
    imap.run(Append::new("INBOX", sample_message(3, 5_000)))
        .unwrap();
    let status = imap
        .run(Status::new("INBOX", vec![StatusItem::messages()]))
        .unwrap();
    assert_eq!(status.attributes.messages, Some(2));
}

fn appendlimit_status_attribute_on_cyrus_3_is_a_typed_bad<I: Imap>() {
    // Cyrus 3.6 advertises the capability but not the STATUS attribute.
    let server = Cyrus::start().unwrap();
    let mut imap = login::<I>(&server, "alice");
    let error = imap
        .run(Status::new("INBOX", vec![StatusItem::append_limit()]))
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
fn appendlimit_status_attribute_is_a_number_or_nil<I: Imap>() {
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1 APPENDLIMIT] hi\r\n")
        .expect_exact("STATUS INBOX (MESSAGES APPENDLIMIT)")
        .send("* STATUS INBOX (MESSAGES 2 APPENDLIMIT 10240)\r\n{tag} OK done\r\n")
        .expect_exact("STATUS Archive (APPENDLIMIT)")
        .send("* STATUS Archive (APPENDLIMIT NIL)\r\n{tag} OK done\r\n")
        .serve()
        .unwrap();
    let mut imap = I::connect("127.0.0.1", server.addr().port(), ClientOptions::default()).unwrap();
    assert_eq!(capability_append_limit(&mut imap), None, "bare APPENDLIMIT");
    let inbox = imap
        .run(Status::new(
            "INBOX",
            vec![StatusItem::messages(), StatusItem::append_limit()],
        ))
        .unwrap();
    assert_eq!(inbox.attributes.messages, Some(2));
    assert_eq!(
        inbox.attributes.append_limit,
        Some(AppendLimit::Octets(10240))
    );
    let archive = imap
        .run(Status::new("Archive", vec![StatusItem::append_limit()]))
        .unwrap();
    assert_eq!(
        archive.attributes.append_limit,
        Some(AppendLimit::Unlimited)
    );
    assert_eq!(archive.attributes.messages, None);
    drop(imap);
    server.finish().unwrap();
}

/// Names a NAMESPACE kind's namespaces as (prefix, delimiter).
fn prefixes(
    kind: &Option<Vec<typed_imap::types::Namespace>>,
) -> Option<Vec<(String, Option<char>)>> {
    kind.as_ref().map(|namespaces| {
        namespaces
            .iter()
            .map(|n| (n.prefix.as_str().to_owned(), n.delimiter))
            .collect()
    })
}

fn namespace_on_cyrus_has_other_users_and_shared<I: Imap>() {
    let server = Cyrus::start().unwrap();
    let mut alice = login::<I>(&server, "alice");
    let namespaces = alice.run(NamespaceCommand::new()).unwrap();
    let one = |prefix: &str| Some(vec![(prefix.to_owned(), Some('/'))]);
    assert_eq!(prefixes(&namespaces.personal), one(""));
    assert_eq!(prefixes(&namespaces.other_users), one("Other Users/"));
    assert_eq!(prefixes(&namespaces.shared), one("Shared Folders/"));
    // The admin has no personal namespace: NIL first.
    let mut admin = login::<I>(&server, ADMIN);
    let namespaces = admin.run(NamespaceCommand::new()).unwrap();
    assert_eq!(prefixes(&namespaces.personal), None);
    assert_eq!(prefixes(&namespaces.other_users), one("user/"));
    assert_eq!(prefixes(&namespaces.shared), one(""));
}

fn id_on_cyrus_names_the_server_before_and_after_login<I: Imap>() {
    let server = Cyrus::start().unwrap();
    let mut fresh =
        I::connect("127.0.0.1", server.addr().port(), ClientOptions::default()).unwrap();
    let before = fresh
        .run(Id::new(IdFields::from([("name", "typed-imap")])))
        .unwrap()
        .expect("Cyrus sends fields");
    assert_eq!(before.get("name"), Some(&b"Cyrus IMAPD"[..]), "{before:?}");
    let mut alice = login::<I>(&server, "alice");
    let after = alice
        .run(Id::new(None))
        .unwrap()
        .expect("Cyrus sends fields");
    assert_eq!(after.get("vendor"), Some(&b"Project Cyrus"[..]));
    let version = after.get("version").expect("a version");
    assert!(version.starts_with(b"3."), "{after:?}");
    // Long values with `;` and spaces come whole.
    let environment = after.get("environment").expect("an environment");
    assert!(environment.windows(4).any(|w| w == b"SASL"), "{after:?}");
}

fn acl_on_cyrus_with_its_own_rights_letters<I: Imap>() {
    let server = Cyrus::start().unwrap();
    let mut alice = login::<I>(&server, "alice");
    assert!(alice.has_capability("RIGHTS=kxten").unwrap());
    // Her INBOX: every RFC 4314 right, the obsolete c and d, and Cyrus's
    // `n` (write shared annotations) as an implementation-defined one.
    let mine = alice.run(MyRights::new("INBOX")).unwrap();
    assert_eq!(mine.rights, "lrswipkxtecdan".parse::<Rights>().unwrap());
    for right in [
        Right::Lookup,
        Right::Administer,
        Right::Create,
        Right::Delete,
        Right::Other('n'),
    ] {
        assert!(mine.rights.contains(right), "{right:?} in {}", mine.rights);
    }
    alice.run(Create::new("Work")).unwrap();
    alice
        .run(SetAcl::new("Work", "bob").rights(Rights::from([Right::Lookup, Right::Read])))
        .unwrap();
    let acl = alice.run(GetAcl::new("Work")).unwrap();
    let entries: Vec<(Vec<u8>, String)> = acl
        .entries
        .iter()
        .map(|e| (e.identifier.to_vec(), e.rights.to_string()))
        .collect();
    assert_eq!(
        entries,
        [
            (b"alice".to_vec(), "lrswipkxtecdan".to_owned()),
            (b"bob".to_vec(), "lr".to_owned())
        ]
    );
    // LISTRIGHTS: `p` required (a user can always be given post), then
    // each letter, and the digits 0-9 Cyrus reserves, one per group.
    let listed = alice.run(ListRights::new("INBOX", "bob")).unwrap();
    assert_eq!(listed.identifier.as_ref(), b"bob");
    assert_eq!(listed.required.to_string(), "p");
    let optional: String = listed.optional.iter().map(|r| r.to_string()).collect();
    assert_eq!(optional, "lrswikxtecdan0123456789");
    assert!(listed
        .optional
        .iter()
        .all(|group| group.rights().len() == 1));
    assert!(listed
        .optional
        .iter()
        .any(|g| g.contains(Right::Other('0'))));

    // bob reaches it through the Other Users namespace, with exactly lr.
    let mut bob = login::<I>(&server, "bob");
    let shared = bob.run(MyRights::new("Other Users/alice/Work")).unwrap();
    assert_eq!(shared.mailbox.as_str(), "Other Users/alice/Work");
    assert_eq!(shared.rights, Rights::from([Right::Lookup, Right::Read]));
    alice.run(DeleteAcl::new("Work", "bob")).unwrap();
    assert!(bob.run(MyRights::new("Other Users/alice/Work")).is_err());
}

fn metadata_on_cyrus_private_shared_depth_and_server<I: Imap>() {
    let server = Cyrus::start().unwrap();
    let mut alice = login::<I>(&server, "alice");
    let value = b"two\r\nlines \xc3\xa9".to_vec();
    alice
        .run(SetMetadata::new(
            "INBOX",
            vec![
                MetadataEntry::new("/private/comment", "mine"),
                MetadataEntry::new("/shared/comment", value.clone()),
            ],
        ))
        .unwrap();
    // Cyrus answers in its own order: shared before private.
    let reply = alice
        .run(GetMetadata::new(
            "INBOX",
            vec!["/private/comment".to_owned(), "/shared/comment".to_owned()],
        ))
        .unwrap();
    let inbox = |name: &str, value: Option<&[u8]>| {
        (
            "INBOX".to_owned(),
            name.to_owned(),
            value.map(<[u8]>::to_vec),
        )
    };
    assert_eq!(
        metadata_values(&reply),
        [
            inbox("/shared/comment", Some(&value)),
            inbox("/private/comment", Some(b"mine")),
        ]
    );
    // DEPTH infinity lists Cyrus's own entries too, most of them NIL.
    let deep = alice
        .run(
            GetMetadata::new("INBOX", vec!["/private".to_owned()])
                .options(MetadataOptions::default().depth(MetadataDepth::Infinity)),
        )
        .unwrap();
    let values = metadata_values(&deep);
    assert!(
        values.contains(&inbox("/private/comment", Some(b"mine"))),
        "{values:?}"
    );
    assert!(
        values.contains(&inbox("/private/specialuse", None)),
        "{values:?}"
    );
    assert!(values.len() > 5, "{values:?}");
    // Deleting with NIL.
    alice
        .run(SetMetadata::new(
            "INBOX",
            vec![MetadataEntry::remove("/private/comment")],
        ))
        .unwrap();
    let gone = alice
        .run(GetMetadata::new(
            "INBOX",
            vec!["/private/comment".to_owned()],
        ))
        .unwrap();
    assert_eq!(metadata_values(&gone), [inbox("/private/comment", None)]);

    // Server entries: the admin writes, a user reads.
    let mut admin = login::<I>(&server, ADMIN);
    admin
        .run(SetMetadata::new(
            "",
            vec![MetadataEntry::new("/shared/comment", "hello all")],
        ))
        .unwrap();
    let server_wide = alice
        .run(GetMetadata::new("", vec!["/shared/comment".to_owned()]))
        .unwrap();
    assert_eq!(
        metadata_values(&server_wide),
        [(
            String::new(),
            "/shared/comment".to_owned(),
            Some(b"hello all".to_vec())
        )]
    );
}

fn uid_copy_and_uid_move_on_cyrus_report_copyuid<I: Imap>() {
    let server = Cyrus::start().unwrap();
    let mut alice = login::<I>(&server, "alice");
    let size = |n: usize| 300 + 100 * n;
    for n in 0..4 {
        alice
            .run(Append::new("INBOX", sample_message(n, size(n))))
            .unwrap();
    }
    alice.run(Create::new("Archive")).unwrap();
    alice
        .run(Append::new("Archive", sample_message(9, 200)))
        .unwrap();
    alice.run(Select::new("INBOX")).unwrap();

    let tag = alice.send(&UidCopy::new(vec![1, 3], "Archive")).unwrap();
    let code = alice.wait(&tag).unwrap().response.code;
    let Some(Code::CopyUid(copied)) = code else {
        panic!("expected [COPYUID ...], got {code:?}");
    };
    assert_eq!(copied.source.iter().collect::<Vec<_>>(), [1, 3]);
    assert_eq!(copied.destination.iter().collect::<Vec<_>>(), [2, 3]);

    let moved = alice.run(UidMove::new(vec![2, 4], "Archive")).unwrap();
    let moved = moved.copy_uid.expect("Cyrus reports COPYUID for MOVE");
    assert_eq!(moved.source.iter().collect::<Vec<_>>(), [2, 4]);
    assert_eq!(moved.destination.iter().collect::<Vec<_>>(), [4, 5]);
    assert_eq!(moved.uid_validity, copied.uid_validity);
    assert_eq!(alice.mailbox().unwrap().exists, 2, "the EXPUNGEs came");

    let archive = alice.run(Examine::new("Archive")).unwrap();
    assert_eq!(archive.exists, 5);
    assert_eq!(archive.uid_validity, Some(moved.uid_validity));
    let sizes = alice
        .run(
            UidFetch::new(SequenceSet::from(&moved.destination))
                .items(FetchItem::uid() | FetchItem::rfc822_size()),
        )
        .unwrap();
    for (source, destination) in moved.source.iter().zip(moved.destination.iter()) {
        let arrived = sizes
            .iter()
            .find(|f| f.message.uid == Some(destination))
            .unwrap();
        let n = source as usize - 1;
        let original = sample_message(n, size(n));
        assert_eq!(arrived.message.rfc822_size, Some(original.len() as u32));
    }
}

/// A message with a subject, a Message-ID, the ID it answers, a day of
/// November and a size.
fn post(id: &str, parent: Option<&str>, subject: &str, day: u32, size: usize) -> Vec<u8> {
    let mut text = format!(
        "From: poster@example.org\r\nSubject: {subject}\r\n\
         Date: {day} Nov 2026 09:00:00 +0000\r\nMessage-ID: <{id}@cyrus.invalid>\r\n"
    );
    if let Some(parent) = parent {
        text.push_str(&format!(
            "In-Reply-To: <{parent}@cyrus.invalid>\r\nReferences: <{parent}@cyrus.invalid>\r\n"
        ));
    }
    text.push_str("\r\n");
    while text.len() < size {
        text.push_str("padding the body to its size\r\n");
    }
    text.into_bytes()
}

fn sort_and_thread_on_cyrus<I: Imap>() {
    let server = Cyrus::start().unwrap();
    let mut alice = login::<I>(&server, "alice");
    // 1 "Plan" answered by 2 and 4, 2 answered by 3; 5 alone, and
    // written first (threads are ordered by their first message's date).
    // Each arrives on the day it was written: Cyrus orders REFS threads by
    // their latest arrival (INTERNALDATE), not sent date as Dovecot does.
    let posts = [
        post("a", None, "Plan", 2, 900),
        post("b", Some("a"), "Re: Plan", 3, 300),
        post("c", Some("b"), "Re: Plan", 4, 700),
        post("d", Some("a"), "Re: Plan", 5, 500),
        post("e", None, "Budget", 1, 100),
    ];
    for (message, day) in posts.into_iter().zip([2, 3, 4, 5, 1]) {
        let arrival = DateTime::parse_from_rfc3339(&format!("2026-11-{day:02}T10:00:00+00:00"));
        alice
            .run(Append::new("INBOX", message).internal_date(arrival.unwrap()))
            .unwrap();
    }
    alice.run(Select::new("INBOX")).unwrap();
    let by_size = alice
        .run(Sort::new(
            vec![SortKey::size().into()],
            "UTF-8",
            SearchKey::all(),
        ))
        .unwrap();
    assert_eq!(by_size, [5, 2, 4, 3, 1]);
    let by_subject = alice
        .run(UidSort::new(
            vec![SortKey::subject().into(), SortKey::size().into()],
            "UTF-8",
            SearchKey::all(),
        ))
        .unwrap();
    assert_eq!(by_subject, [5, 2, 4, 3, 1], "Budget, then Plan by size");
    for (algorithm, expected) in [
        (ThreadAlgorithm::References, ["5", "1[2[3],4]"]),
        (ThreadAlgorithm::Refs, ["5", "1[2[3],4]"]),
        (ThreadAlgorithm::OrderedSubject, ["5", "1[2,3,4]"]),
    ] {
        let threads = alice
            .run(ThreadCommand::new(
                algorithm.clone(),
                "UTF-8",
                SearchKey::all(),
            ))
            .unwrap();
        let trees: Vec<String> = threads.iter().map(thread_tree).collect();
        assert_eq!(trees, expected, "{algorithm:?}");
    }
}

fn annotation_fetch_reads_what_store_set<I: Imap>() {
    let server = Cyrus::start().unwrap();
    let mut alice = login::<I>(&server, "alice");
    assert!(alice.has_capability("ANNOTATE-EXPERIMENT-1").unwrap());
    for n in 0..2 {
        alice
            .run(Append::new("INBOX", sample_message(n, 300)))
            .unwrap();
    }
    alice.run(Select::new("INBOX")).unwrap();
    let note = |attrib: &str, value: Option<&str>| AnnotationValue {
        attrib: attrib.into(),
        value: value.map(|v| Bytes::copy_from_slice(v.as_bytes())),
    };
    let comment = Annotation {
        entry: "/comment".into(),
        values: vec![
            note("value.priv", Some("my note")),
            note("value.shared", Some("both")),
        ],
    };
    assert_eq!(
        wire(&StoreAnnotation::new(1, vec![comment.clone()])).unwrap(),
        b"STORE 1 ANNOTATION (/comment (value.priv \"my note\" value.shared \"both\"))\r\n"
    );
    alice.run(StoreAnnotation::new(1, vec![comment])).unwrap();
    let wanted = AnnotationFetch::new(["/comment"], ["value.priv", "value.shared"]);
    let fetched = alice
        .run(Fetch::new(1..=2).items(FetchItem::uid() | FetchItem::annotation(wanted)))
        .unwrap();
    assert_eq!(fetched.len(), 2, "{fetched:?}");
    let first = fetched[0].message.annotation.as_ref().expect("ANNOTATION");
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(first[0].entry, "/comment");
    assert_eq!(first[0].get("value.priv"), Some(Some(&b"my note"[..])));
    assert_eq!(first[0].get("value.shared"), Some(Some(&b"both"[..])));
    // The other message has the entry, its values NIL.
    let second = fetched[1].message.annotation.as_ref().expect("ANNOTATION");
    assert_eq!(second[0].entry, "/comment");
    assert_eq!(second[0].get("value.priv"), Some(None));
    assert_eq!(second[0].get("value.shared"), Some(None));
    assert_eq!(fetched[1].message.uid, Some(2));

    // Patterns are sent quoted (`"/*"`); the answer names what matched.
    let every = AnnotationFetch::new(["/*"], ["value.priv"]);
    let matched = alice
        .run(Fetch::new(1).items(FetchItem::annotation(every)))
        .unwrap();
    let entries = matched[0].message.annotation.as_ref().expect("ANNOTATION");
    let comment = entries
        .iter()
        .find(|a| a.entry == "/comment")
        .expect("/comment");
    assert_eq!(comment.get("value.priv"), Some(Some(&b"my note"[..])));
    let altsubject = entries.iter().find(|a| a.entry == "/altsubject");
    assert_eq!(altsubject.and_then(|a| a.get("value.priv")), Some(None));

    // NIL removes a value; the other stays.
    let remove = Annotation {
        entry: "/comment".into(),
        values: vec![note("value.priv", None)],
    };
    alice.run(UidStoreAnnotation::new(1, vec![remove])).unwrap();
    let wanted = AnnotationFetch::new(["/comment"], ["value.priv", "value.shared"]);
    let after = alice
        .run(Fetch::new(1).items(FetchItem::annotation(wanted)))
        .unwrap();
    let after = after[0].message.annotation.as_ref().expect("ANNOTATION");
    assert_eq!(after[0].get("value.priv"), Some(None));
    assert_eq!(after[0].get("value.shared"), Some(Some(&b"both"[..])));
    // An entry without values cannot be stored: refused before sending.
    let empty = Annotation {
        entry: "/comment".into(),
        values: vec![],
    };
    assert!(alice.run(StoreAnnotation::new(1, vec![empty])).is_err());
    alice.run(Noop::new()).unwrap();
}

#[test]
fn annotation_fetch_writes_entries_and_attribs_as_lists() {
    let wire = |fetch: &Fetch| {
        let mut enc = Encoder::new(EncodeOptions::default());
        fetch.encode(&mut enc).map(|()| to_bytes(&enc.finish()))
    };
    let wanted = AnnotationFetch::new(["/comment", "/*"], ["value.priv"]);
    let fetch = Fetch::new(1).items(FetchItem::annotation(wanted));
    assert_eq!(
        wire(&fetch).unwrap(),
        b"FETCH 1 ANNOTATION ((/comment \"/*\") (value.priv))\r\n"
    );
    // RFC 5257 needs a name in each list: refused before sending.
    let nothing = AnnotationFetch::new(["/comment"], Vec::<String>::new());
    let error = wire(&Fetch::new(1).items(FetchItem::annotation(nothing))).unwrap_err();
    assert!(error.to_string().contains("at least one"), "{error}");
}

fn create_with_use_on_cyrus_gives_the_mailbox_its_special_use<I: Imap>() {
    use typed_imap::types::Flag;
    use typed_imap::{Create, ListExtended};
    // CREATE-SPECIAL-USE (RFC 6154): Dovecot 2.3 lacks it, Cyrus has it.
    let server = Cyrus::start().unwrap();
    let mut alice = login::<I>(&server, "alice");
    assert!(alice.has_capability("CREATE-SPECIAL-USE").unwrap());
    let archive = Flag::Extension("Archive".into());
    alice
        .run(Create::new("Receipts").special_use(vec![archive.clone()]))
        .unwrap();
    alice.run(Create::new("Plain")).unwrap();
    let listed = alice.run(ListExtended::new("", "*").special_use()).unwrap();
    let receipts = listed
        .mailboxes
        .iter()
        .find(|item| item.mailbox.as_str() == "Receipts")
        .unwrap_or_else(|| panic!("Receipts among {:?}", listed.mailboxes));
    assert!(
        receipts
            .attributes
            .contains(&typed_imap::MailboxAttribute::Archive),
        "{receipts:?}"
    );
    assert!(
        listed
            .mailboxes
            .iter()
            .all(|item| item.mailbox.as_str() != "Plain"),
        "only special-use mailboxes: {:?}",
        listed.mailboxes
    );
}
