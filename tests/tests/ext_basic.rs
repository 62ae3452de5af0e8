//! Extensions of one or two commands, each from its own spec file, end to
//! end against Dovecot.

use typed_imap::blocking::ClientOptions;
use typed_imap::command::State;
use typed_imap::types::{
    Capability, FetchItem, Flag, IdFields, SearchKey, Section, SequenceSet, StatusItem,
};
use typed_imap::{
    Append, Code, CompressDeflate, Copy as CopyMessages, Create, Enable, Error, Examine, Fetch, Id,
    Move, NamespaceCommand, Noop, Search, Select, Status, Store, UidCopy, UidExpunge, UidFetch,
    UidMove, Unselect,
};
use typed_imap_tests::both::Imap;
use typed_imap_tests::both_clients;
use typed_imap_tests::cyrus::Cyrus;
use typed_imap_tests::dovecot::{Dovecot, Options};
use typed_imap_tests::messages::sample_message;

both_clients!(
    unselect_leaves_deleted_messages_in_place,
    unselect_is_refused_before_sending_when_not_selected,
    extension_commands_are_refused_without_their_capability,
    enable_lists_what_the_server_enabled,
    enable_refuses_an_empty_list_before_sending,
    append_reports_the_uid_it_assigned,
    copy_reports_source_and_destination_uids,
    uid_expunge_removes_only_the_given_uids,
    uid_move_reports_copyuid_and_the_message_leaves_the_source,
    move_by_sequence_number,
    id_exchanges_names_with_the_server,
    namespace_shows_the_personal_namespace,
    namespace_shows_a_public_namespace_as_shared,
    binary_returns_the_decoded_attachment_and_its_size,
    binary_of_an_unknown_encoding_is_no_unknown_cte,
    savedate_gives_when_each_message_was_saved,
    savedate_on_cyrus,
);

fn unselect_leaves_deleted_messages_in_place<I: Imap>() {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "INBOX", (0..3).map(|n| sample_message(n, 200)))
        .unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    imap.run(Store::new(SequenceSet::all()).add_flags(vec![Flag::Deleted]))
        .unwrap();
    imap.run(Unselect::new()).unwrap();
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

fn unselect_is_refused_before_sending_when_not_selected<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    let error = imap.run(Unselect::new()).unwrap_err();
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
fn extension_commands_are_refused_without_their_capability<I: Imap>() {
    let server = bare_dovecot();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    assert!(!imap.has_capability("ENABLE").unwrap());
    let refused = |error: Error, command: &str, capability: &str| match error {
        Error::MissingCapability {
            command: c,
            capability: k,
        } => assert_eq!((c.as_str(), k.as_str()), (command, capability)),
        other => panic!("{command}: expected MissingCapability, got {other}"),
    };
    refused(
        imap.run(Enable::new(vec![Capability::new("CONDSTORE")]))
            .unwrap_err(),
        "ENABLE",
        "ENABLE",
    );
    imap.run(Select::new("INBOX")).unwrap();
    refused(
        imap.run(UidExpunge::new(1)).unwrap_err(),
        "UID EXPUNGE",
        "UIDPLUS",
    );
    refused(
        imap.run(Move::new(1, "Archive")).unwrap_err(),
        "MOVE",
        "MOVE",
    );
    refused(
        imap.run(UidMove::new(1, "Archive")).unwrap_err(),
        "UID MOVE",
        "MOVE",
    );
    refused(imap.run(Id::new(None)).unwrap_err(), "ID", "ID");
    refused(
        imap.run(NamespaceCommand::new()).unwrap_err(),
        "NAMESPACE",
        "NAMESPACE",
    );
    refused(
        imap.run(CompressDeflate::new()).unwrap_err(),
        "COMPRESS DEFLATE",
        "COMPRESS=DEFLATE",
    );
    // Nothing was sent: the session is still usable and in sync.
    imap.run(Noop::new()).unwrap();
}

fn enable_lists_what_the_server_enabled<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
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
    let utf8 = imap
        .run(Enable::new(vec![Capability::new("UTF8=ACCEPT")]))
        .unwrap();
    assert!(utf8.is_empty(), "{utf8:?}");
}

fn enable_refuses_an_empty_list_before_sending<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    let error = imap.run(Enable::new(Vec::new())).unwrap_err();
    assert!(matches!(error, Error::InvalidArgument { .. }), "{error}");
    imap.run(Noop::new()).unwrap();
}

/// The code of a command's tagged completion, sent and waited for by tag.
/// The command's last response code (its tagged completion's), through
/// `Client::run_with_codes`.
fn tagged_code<I: Imap, C: typed_imap::command::Command>(imap: &mut I, command: C) -> Option<Code> {
    let (_, mut codes) = imap.run_with_codes(command).unwrap();
    codes.pop()
}

fn append_reports_the_uid_it_assigned<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    let validity = imap
        .run(Status::new("INBOX", vec![StatusItem::uid_validity()]))
        .unwrap()
        .attributes
        .uid_validity
        .unwrap();
    let mut appended = Vec::new();
    for n in 0..3 {
        let code = tagged_code(&mut imap, Append::new("INBOX", sample_message(n, 300)));
        let Some(Code::AppendUid(append_uid)) = code else {
            panic!("expected [APPENDUID ...], got {code:?}");
        };
        assert_eq!(append_uid.uid_validity, validity);
        assert_eq!(append_uid.uids.len(), 1);
        appended.extend(append_uid.uids.iter());
    }
    assert_eq!(appended, [1, 2, 3]);
    // The UID names the message appended.
    imap.run(Select::new("INBOX")).unwrap();
    let fetched = imap
        .run(UidFetch::new(appended[1]).items(FetchItem::rfc822_size()))
        .unwrap();
    assert_eq!(fetched.len(), 1);
    assert_eq!(
        fetched[0].message.rfc822_size,
        Some(sample_message(1, 300).len() as u32)
    );
}

fn copy_reports_source_and_destination_uids<I: Imap>() {
    let server = Dovecot::start().unwrap();
    // Sizes differ, so that a copy can be told from another.
    let size = |n: usize| 200 + 100 * n;
    server
        .fill("alice", "INBOX", (0..5).map(|n| sample_message(n, size(n))))
        .unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Create::new("Archive")).unwrap();
    // Two messages already there, so the copies get UIDs 3 and 4.
    imap.run(Append::new("Archive", sample_message(10, 200)))
        .unwrap();
    imap.run(Append::new("Archive", sample_message(11, 200)))
        .unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    let code = tagged_code(&mut imap, UidCopy::new(vec![2, 4], "Archive"));
    let Some(Code::CopyUid(copy_uid)) = code else {
        panic!("expected [COPYUID ...], got {code:?}");
    };
    assert_eq!(copy_uid.source.iter().collect::<Vec<_>>(), [2, 4]);
    assert_eq!(copy_uid.destination.iter().collect::<Vec<_>>(), [3, 4]);
    let archive = imap.run(Examine::new("Archive")).unwrap();
    assert_eq!(archive.uid_validity, Some(copy_uid.uid_validity));
    // The destination UIDs name copies of the source messages, pairwise.
    let sizes = imap
        .run(
            UidFetch::new(SequenceSet::from(&copy_uid.destination))
                .items(FetchItem::uid() | FetchItem::rfc822_size()),
        )
        .unwrap();
    for (source, destination) in copy_uid.source.iter().zip(copy_uid.destination.iter()) {
        let copy = sizes
            .iter()
            .find(|f| f.message.uid == Some(destination))
            .unwrap();
        let n = source as usize - 1;
        let original = sample_message(n, size(n));
        assert_eq!(copy.message.rfc822_size, Some(original.len() as u32));
    }
    // A sequence-number COPY reports UIDs too.
    imap.run(Select::new("INBOX")).unwrap();
    let code = tagged_code(&mut imap, CopyMessages::new(1, "Archive"));
    assert!(
        matches!(&code, Some(Code::CopyUid(c)) if c.source.iter().eq([1]) && c.destination.iter().eq([5])),
        "{code:?}"
    );
}

fn uid_expunge_removes_only_the_given_uids<I: Imap>() {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "INBOX", (0..5).map(|n| sample_message(n, 200)))
        .unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    imap.run(Store::new(SequenceSet::all()).add_flags(vec![Flag::Deleted]))
        .unwrap();
    let expunged = imap.run(UidExpunge::new(vec![2, 4])).unwrap();
    assert_eq!(expunged.len(), 2, "{expunged:?}");
    assert_eq!(imap.mailbox().unwrap().exists, 3);
    let left = imap
        .run(typed_imap::UidSearch::new(SearchKey::all()))
        .unwrap();
    assert_eq!(left, [1, 3, 5]);
    let deleted = imap.run(Search::new(SearchKey::deleted())).unwrap();
    assert_eq!(deleted.len(), 3, "the others keep \\Deleted");
}

fn uid_move_reports_copyuid_and_the_message_leaves_the_source<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let size = |n: usize| 200 + 100 * n;
    server
        .fill("alice", "INBOX", (0..4).map(|n| sample_message(n, size(n))))
        .unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Create::new("Archive")).unwrap();
    let selected = imap.run(Select::new("INBOX")).unwrap();
    assert_eq!(selected.exists, 4);
    let moved = imap.run(UidMove::new(vec![2, 3], "Archive")).unwrap();
    let copy_uid = moved.copy_uid.expect("Dovecot reports COPYUID");
    assert_eq!(copy_uid.source.iter().collect::<Vec<_>>(), [2, 3]);
    assert_eq!(copy_uid.destination.iter().collect::<Vec<_>>(), [1, 2]);
    // The EXPUNGEs reached the session.
    assert_eq!(imap.mailbox().unwrap().exists, 2);
    let left = imap
        .run(typed_imap::UidSearch::new(SearchKey::all()))
        .unwrap();
    assert_eq!(left, [1, 4]);
    let archive = imap.run(Examine::new("Archive")).unwrap();
    assert_eq!(archive.exists, 2);
    assert_eq!(archive.uid_validity, Some(copy_uid.uid_validity));
    let fetched = imap
        .run(
            UidFetch::new(SequenceSet::from(&copy_uid.destination))
                .items(FetchItem::uid() | FetchItem::rfc822_size()),
        )
        .unwrap();
    for (source, destination) in copy_uid.source.iter().zip(copy_uid.destination.iter()) {
        let n = source as usize - 1;
        let arrived = fetched
            .iter()
            .find(|f| f.message.uid == Some(destination))
            .unwrap();
        assert_eq!(
            arrived.message.rfc822_size,
            Some(sample_message(n, size(n)).len() as u32)
        );
    }
}

fn move_by_sequence_number<I: Imap>() {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "INBOX", (0..3).map(|n| sample_message(n, 200)))
        .unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    let moved = imap.run(Move::new(1, "Trash")).unwrap();
    assert!(
        moved.copy_uid.is_some_and(|c| c.source.iter().eq([1])),
        "the first message (UID 1) moved"
    );
    assert_eq!(imap.mailbox().unwrap().exists, 2);
    let trash = imap
        .run(Status::new("Trash", vec![StatusItem::messages()]))
        .unwrap();
    assert_eq!(trash.attributes.messages, Some(1));
}

fn id_exchanges_names_with_the_server<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    let mut ours = IdFields::from([("name", "typed-imap"), ("version", "0.1")]);
    ours.push("os", None::<typed_imap::Bytes>);
    let theirs = imap
        .run(Id::new(ours))
        .unwrap()
        .expect("Dovecot sends fields");
    assert_eq!(theirs.get("name"), Some(&b"Dovecot"[..]), "{theirs:?}");
    assert_eq!(
        theirs.get("NAME"),
        theirs.get("name"),
        "names are case-insensitive"
    );
    // `ID NIL`: the client says nothing about itself; the server still answers.
    let again = imap.run(Id::new(None)).unwrap().unwrap();
    assert_eq!(again.get("name"), Some(&b"Dovecot"[..]));
    // ID is allowed before login: the greeting advertises it.
    let mut fresh = I::connect(
        "127.0.0.1",
        server.plain_addr().port(),
        ClientOptions::default(),
    )
    .unwrap();
    assert_eq!(fresh.state(), State::NotAuthenticated);
    let before_login = fresh
        .run(Id::new(IdFields::from([("name", "typed-imap")])))
        .unwrap();
    assert!(before_login.is_some_and(|f| f.get("name").is_some()));
}

fn namespace_shows_the_personal_namespace<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    let namespaces = imap.run(NamespaceCommand::new()).unwrap();
    let personal = namespaces.personal.clone().expect("a personal namespace");
    assert_eq!(personal.len(), 1, "{personal:?}");
    assert_eq!(personal[0].prefix.as_str(), "");
    assert_eq!(personal[0].delimiter, Some('/'));
    assert!(namespaces.other_users.is_none(), "{namespaces:?}");
    assert!(namespaces.shared.is_none(), "{namespaces:?}");
}

fn namespace_shows_a_public_namespace_as_shared<I: Imap>() {
    let public = tempfile::tempdir().unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(public.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    let server = Dovecot::start_with(Options {
        extra_config: format!(
            "namespace public {{\n  type = public\n  separator = /\n  prefix = Public/\n  \
             location = maildir:{}\n  subscriptions = no\n}}\n",
            public.path().display()
        ),
        ..Options::default()
    })
    .unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    let namespaces = imap.run(NamespaceCommand::new()).unwrap();
    let shared = namespaces.shared.expect("the public namespace");
    assert_eq!(shared.len(), 1, "{shared:?}");
    assert_eq!(shared[0].prefix.as_str(), "Public/");
    assert_eq!(shared[0].delimiter, Some('/'));
    assert_eq!(namespaces.personal.map(|p| p.len()), Some(1));
    assert!(namespaces.other_users.is_none());
}

/// Base64 with lines of 76 characters (RFC 2045), for a test attachment.
fn base64_lines(data: &[u8]) -> Vec<u8> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut text = Vec::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                text.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]);
            } else {
                text.push(b'=');
            }
        }
    }
    let mut out = Vec::new();
    for line in text.chunks(76) {
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// A two-part message whose second part is `attachment`, base64-encoded.
fn message_with_binary_attachment(attachment: &[u8]) -> Vec<u8> {
    let mut message = b"From: alice@example.org\r\nTo: bob@example.org\r\n\
Subject: binary\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
--b1\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n\
--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        .to_vec();
    message.extend(base64_lines(attachment));
    message.extend_from_slice(b"--b1--\r\n");
    message
}

fn binary_returns_the_decoded_attachment_and_its_size<I: Imap>() {
    let server = Dovecot::start().unwrap();
    // Every byte value, NUL and CR LF included: only a literal8 carries them.
    let attachment: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    server
        .fill(
            "alice",
            "INBOX",
            [message_with_binary_attachment(&attachment)],
        )
        .unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    let part = Section {
        part: vec![2],
        text: None,
    };
    let fetched = imap
        .run(Fetch::new(1).items(
            FetchItem::binary_peek(part.clone())
                | FetchItem::binary_size(part.clone())
                | FetchItem::flags(),
        ))
        .unwrap();
    let message = &fetched[0].message;
    let [(section, Some(decoded))] = message.binary_sections.as_slice() else {
        panic!("expected one BINARY[2], got {:?}", message.binary_sections)
    };
    assert_eq!(section.section, part);
    assert!(
        decoded[..] == attachment[..],
        "BINARY[2] is the decoded attachment"
    );
    assert_eq!(
        message.binary_sizes.as_slice(),
        [(section.clone(), attachment.len() as u32)]
    );
    assert!(
        !message.flags.as_ref().unwrap().contains(&Flag::Seen),
        "PEEK"
    );

    // BINARY (not PEEK) with a partial range sets \Seen.
    let fetched = imap
        .run(
            Fetch::new(1).items(
                FetchItem::binary_section(part.clone()).partial(256, 10) | FetchItem::flags(),
            ),
        )
        .unwrap();
    let message = &fetched[0].message;
    let [(section, Some(slice))] = message.binary_sections.as_slice() else {
        panic!(
            "expected one BINARY[2]<256>, got {:?}",
            message.binary_sections
        )
    };
    assert_eq!(section.origin, Some(256));
    assert_eq!(slice[..], attachment[256..266]);
    let flags = imap.run(Fetch::new(1).items(FetchItem::flags())).unwrap();
    assert!(flags[0]
        .message
        .flags
        .as_ref()
        .unwrap()
        .contains(&Flag::Seen));
}

fn binary_of_an_unknown_encoding_is_no_unknown_cte<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let message = b"From: alice@example.org\r\nSubject: odd\r\nMIME-Version: 1.0\r\n\
Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: x-rot13\r\n\r\nhello\r\n";
    server.fill("alice", "INBOX", [&message[..]]).unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    let error = imap
        .run(Fetch::new(1).items(FetchItem::binary_peek(Section {
            part: vec![1],
            text: None,
        })))
        .unwrap_err();
    assert!(
        matches!(
            &error,
            Error::No {
                code: Some(Code::UnknownCte),
                ..
            }
        ),
        "{error}"
    );
}

/// SAVEDATE (spec/savedate.toml, an extension without Rust of its own):
/// when each message was saved, and searching by it. INBOX holds two
/// messages saved just now. NIL, for a mailbox that keeps no save dates,
/// is parsed in `client/tests/generated_responses.rs`.
fn save_dates_are_when_the_messages_were_saved<I: Imap>(imap: &mut I) {
    assert!(imap.has_capability("SAVEDATE").unwrap());
    imap.run(Select::new("INBOX")).unwrap();
    let fetched = imap
        .run(Fetch::new(SequenceSet::all()).items(FetchItem::save_date()))
        .unwrap();
    let saved: Vec<_> = fetched
        .iter()
        .map(|f| {
            f.message
                .save_date
                .expect("SAVEDATE sent")
                .expect("a date, not NIL")
        })
        .collect();
    let age = typed_imap::chrono::Utc::now().signed_duration_since(saved[0]);
    assert!(age.num_minutes().abs() < 10, "saved {age} ago");
    let day = saved[0].date_naive();
    assert_eq!(
        imap.run(Search::new(SearchKey::saved_on(day))).unwrap(),
        [1, 2]
    );
    assert_eq!(
        imap.run(Search::new(SearchKey::saved_before(day))).unwrap(),
        Vec::<u32>::new()
    );
    assert_eq!(
        imap.run(Search::new(
            SearchKey::saved_since(day) & SearchKey::save_date_supported()
        ))
        .unwrap(),
        [1, 2]
    );
}

/// Dovecot's Maildir keeps save dates.
fn savedate_gives_when_each_message_was_saved<I: Imap>() {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "INBOX", (0..2).map(|n| sample_message(n, 200)))
        .unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    save_dates_are_when_the_messages_were_saved(&mut imap);
}

/// Cyrus 3.6 keeps a save date in its index record.
fn savedate_on_cyrus<I: Imap>() {
    let server = Cyrus::start().unwrap();
    let mut imap = I::connect("127.0.0.1", server.addr().port(), ClientOptions::default()).unwrap();
    imap.login("alice", &server.user("alice").unwrap().password)
        .unwrap();
    for n in 0..2 {
        imap.run(Append::new("INBOX", sample_message(n, 200)))
            .unwrap();
    }
    save_dates_are_when_the_messages_were_saved(&mut imap);
}
