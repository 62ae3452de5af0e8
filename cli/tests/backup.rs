//! `typed-imap backup` against Dovecot and Cyrus: back up, change the
//! mailbox from a second connection (append, flag, expunge), back up
//! again, and compare the Maildir with the server message by message.

mod common;

use std::collections::BTreeSet;

use typed_imap::blocking::Client;
use typed_imap::types::{Flag, SequenceSet, StoreAction};
use typed_imap::{Append, Create, Delete, Select};
use typed_imap_tests::cyrus::Cyrus;
use typed_imap_tests::dovecot::Options;
use typed_imap_tests::messages::sample_message;

use common::*;

/// From a second connection: three messages appended, flags changed on
/// five (added and removed), two expunged. Returns the expunged UIDs.
fn change_from_elsewhere(client: &mut Client) -> Vec<u32> {
    client.run(Select::new("INBOX")).unwrap();
    for n in 0..3 {
        let message = sample_message(900 + n, 2000);
        client
            .run(Append::new("INBOX", message).flags(vec![Flag::Seen]))
            .unwrap();
    }
    client
        .uid_store(
            SequenceSet::from(1..=3),
            StoreAction::add([Flag::Flagged, Flag::Seen]),
        )
        .unwrap();
    client
        .uid_store(SequenceSet::from(4..=5), StoreAction::add([Flag::Answered]))
        .unwrap();
    client
        .uid_store(SequenceSet::from(1), StoreAction::remove([Flag::Seen]))
        .unwrap();
    client
        .uid_store(
            SequenceSet::from_uids([6, 9]),
            StoreAction::add([Flag::Deleted]),
        )
        .unwrap();
    client.expunge().unwrap();
    vec![6, 9]
}

fn mirror_matches_the_server_after_changes(setup: &Setup, mut client: Client) {
    let first = setup.json_backup(&["INBOX"], &["--mirror"]);
    assert_eq!(first[0]["new"], 20, "{first:?}");
    let inbox = setup.target().join("INBOX");
    assert_same(
        &local_messages(&inbox),
        &server_messages(&mut client, "INBOX"),
    );

    change_from_elsewhere(&mut client);
    let second = setup.json_backup(&["INBOX"], &["--mirror"]);
    assert_eq!(second[0]["new"], 3, "{second:?}");
    assert_eq!(second[0]["removed"], 2, "{second:?}");
    assert_eq!(second[0]["flags"], 5, "{second:?}");
    assert_same(
        &local_messages(&inbox),
        &server_messages(&mut client, "INBOX"),
    );
}

#[test]
fn a_mirror_matches_dovecot_after_appends_flag_changes_and_expunges() {
    let server = dovecot_with(20);
    let setup = Setup::dovecot(&server);
    mirror_matches_the_server_after_changes(&setup, alice(&server));
}

#[test]
fn a_mirror_matches_cyrus_after_appends_flag_changes_and_expunges() {
    let server = Cyrus::start().unwrap();
    let mut client = alice_on_cyrus(&server);
    for n in 1..=20 {
        client
            .run(Append::new("INBOX", sample_message(n, 700)))
            .unwrap();
    }
    assert!(client.has_capability("QRESYNC").unwrap());
    let setup = Setup::cyrus(&server);
    mirror_matches_the_server_after_changes(&setup, client);
}

/// The server told to advertise less: `capabilities` replaces its list.
fn dovecot_offering(capabilities: &str) -> typed_imap_tests::dovecot::Dovecot {
    dovecot_with_options(
        20,
        Options {
            extra_config: format!(
                "imap_capability = IMAP4rev1 LITERAL+ SASL-IR ENABLE IDLE UIDPLUS {capabilities}\n"
            ),
            ..Options::default()
        },
    )
}

#[test]
fn with_condstore_but_no_qresync_the_mirror_still_matches() {
    let server = dovecot_offering("CONDSTORE");
    let mut client = alice(&server);
    assert!(!client.has_capability("QRESYNC").unwrap());
    mirror_matches_the_server_after_changes(&Setup::dovecot(&server), client);
}

#[test]
fn without_condstore_uid_ranges_and_a_full_flag_fetch_give_the_same_mirror() {
    let server = dovecot_offering("");
    let mut client = alice(&server);
    assert!(!client.has_capability("CONDSTORE").unwrap());
    mirror_matches_the_server_after_changes(&Setup::dovecot(&server), client);
}

#[test]
fn an_archive_keeps_the_messages_expunged_on_the_server() {
    let server = dovecot_with(20);
    let setup = Setup::dovecot(&server);
    let mut client = alice(&server);
    setup.backup(&["INBOX"], &[]);
    let expunged = change_from_elsewhere(&mut client);
    let second = setup.json_backup(&["INBOX"], &[]);
    assert_eq!(second[0]["removed"], 0);
    let local = local_messages(&setup.target().join("INBOX"));
    let server_side = server_messages(&mut client, "INBOX");
    assert_eq!(local.len(), server_side.len() + expunged.len());
    for uid in expunged {
        assert!(local.contains_key(&uid), "UID {uid} kept");
    }
    // What is on the server is the same here, flags included.
    for (uid, copy) in &server_side {
        assert_eq!(&local[uid], copy, "UID {uid}");
    }
}

#[test]
fn every_selectable_mailbox_is_backed_up_when_none_is_named() {
    let server = dovecot_with(3);
    let mut client = alice(&server);
    client.run(Create::new("Work/Projects")).unwrap();
    client
        .run(Append::new("Work/Projects", sample_message(1, 500)))
        .unwrap();
    let setup = Setup::dovecot(&server);
    setup.backup(&[], &[]);
    let projects = setup.target().join("Work.Projects");
    assert_same(
        &local_messages(&projects),
        &server_messages(&mut client, "Work/Projects"),
    );
    assert_same(
        &local_messages(&setup.target().join("INBOX")),
        &server_messages(&mut client, "INBOX"),
    );
    assert!(
        setup.target().join("Sent").join("cur").is_dir(),
        "empty mailboxes too"
    );
}

/// The command names the client sent after LOGIN, in order.
fn commands_after_login(recorder: &Recorder) -> Vec<String> {
    let commands = recorder.commands();
    let login = commands
        .iter()
        .position(|c| c.contains(" LOGIN "))
        .expect("a LOGIN");
    commands[login + 1..]
        .iter()
        .map(|c| c.split(' ').nth(1).unwrap_or_default().to_owned())
        .collect()
}

/// The client's turns to speak after LOGIN: each is one round trip (the
/// client sends, then waits for the server's answer).
fn round_trips_after_login(recorder: &Recorder) -> usize {
    let exchanges = recorder.exchanges();
    let login = exchanges
        .iter()
        .position(|(way, bytes)| *way == Way::Up && text(bytes).contains(" LOGIN "))
        .expect("a LOGIN");
    exchanges[login + 1..]
        .iter()
        .filter(|(way, _)| *way == Way::Up)
        .count()
}

#[test]
fn a_run_with_nothing_new_takes_one_round_trip_per_mailbox_with_qresync() {
    let server = dovecot_with(50);
    let mut client = alice(&server);
    client.run(Create::new("Work")).unwrap();
    for n in 1..=5 {
        client
            .run(Append::new("Work", sample_message(n, 500)))
            .unwrap();
    }
    let recorder = Recorder::start(server.plain_addr());
    let setup = Setup::plain(recorder.port(), "alice-secret");
    setup.backup(&["INBOX", "Work"], &[]);
    let again = setup.json_backup(&["INBOX", "Work"], &[]);
    for mailbox in &again[..2] {
        assert_eq!(
            (mailbox["new"].as_u64(), mailbox["flags"].as_u64()),
            (Some(0), Some(0)),
            "{again:?}"
        );
    }
    // Once per run: ENABLE QRESYNC, LIST, LOGOUT; per mailbox only the
    // EXAMINE that says (by HIGHESTMODSEQ) that nothing changed.
    assert_eq!(
        commands_after_login(&recorder),
        ["ENABLE", "LIST", "EXAMINE", "EXAMINE", "LOGOUT"]
    );
    for examine in recorder
        .commands()
        .iter()
        .filter(|c| c.contains(" EXAMINE "))
    {
        assert!(examine.contains(" QRESYNC ("), "{examine}");
    }
    assert_eq!(round_trips_after_login(&recorder), 3 + 2);
    let answers = text(&recorder.sent(Way::Down));
    assert!(!answers.contains(" FETCH "), "nothing fetched: {answers}");
    assert!(answers.contains("HIGHESTMODSEQ"), "{answers}");
}

/// The UIDs of the FETCH responses in `answers`: those carrying a body,
/// and those carrying none (flags only). A literal's own lines are skipped.
fn fetched_uids(answers: &str) -> (BTreeSet<u32>, BTreeSet<u32>) {
    let (mut bodies, mut flags) = (BTreeSet::new(), BTreeSet::new());
    for line in answers.split("\r\n").filter(|l| l.starts_with("* ")) {
        let Some((_, items)) = line.split_once(" FETCH (") else {
            continue;
        };
        let uid: u32 = items
            .split_once("UID ")
            .and_then(|(_, rest)| rest.split([' ', ')']).next())
            .and_then(|uid| uid.parse().ok())
            .unwrap_or_else(|| panic!("a FETCH without its UID: {line}"));
        let set = if items.contains("BODY[]") {
            &mut bodies
        } else {
            &mut flags
        };
        assert!(set.insert(uid), "UID {uid} twice: {line}");
    }
    (bodies, flags)
}

#[test]
fn only_the_changed_flags_and_the_new_messages_cross_the_wire() {
    let server = dovecot_with(300);
    let recorder = Recorder::start(server.plain_addr());
    let setup = Setup::plain(recorder.port(), "alice-secret");
    setup.backup(&["INBOX"], &[]);
    let mut client = alice(&server);
    client.run(Select::new("INBOX")).unwrap();
    client
        .uid_store(
            SequenceSet::from(101..=200),
            StoreAction::add([Flag::Flagged]),
        )
        .unwrap();
    for n in 0..10 {
        client
            .run(Append::new("INBOX", sample_message(500 + n, 1500)))
            .unwrap();
    }
    let second = setup.json_backup(&["INBOX"], &[]);
    assert_eq!(
        (second[0]["new"].as_u64(), second[0]["flags"].as_u64()),
        (Some(10), Some(100))
    );
    let answers = text(&recorder.sent(Way::Down));
    let (bodies, flags) = fetched_uids(&answers);
    let new: BTreeSet<u32> = (301..=310).collect();
    assert_eq!(bodies, new, "the bodies of the new messages, no other");
    let changed: BTreeSet<u32> = (101..=200).chain(301..=310).collect();
    assert_eq!(
        flags, changed,
        "the flags of the changed messages (QRESYNC counts the new ones as changed)"
    );
    let fetch = recorder
        .commands()
        .into_iter()
        .find(|c| c.contains(" UID FETCH "))
        .expect("a UID FETCH");
    assert!(fetch.contains(" UID FETCH 301:* "), "{fetch}");
    assert!(
        answers.len() < 10 * 1700 + 120 * 120 + 4000,
        "{} bytes",
        answers.len()
    );
    assert_same(
        &local_messages(&setup.target().join("INBOX")),
        &server_messages(&mut client, "INBOX"),
    );
}

#[test]
fn a_changed_uidvalidity_moves_the_old_copy_aside_and_starts_over() {
    let server = dovecot_with(0);
    let mut client = alice(&server);
    client.run(Create::new("Work")).unwrap();
    for n in 1..=3 {
        client
            .run(Append::new("Work", sample_message(n, 500)))
            .unwrap();
    }
    let setup = Setup::dovecot(&server);
    setup.backup(&["Work"], &[]);
    let before = local_messages(&setup.target().join("Work"));
    let old_validity = client
        .run(Select::new("Work"))
        .unwrap()
        .uid_validity
        .unwrap();
    client.run(Select::new("INBOX")).unwrap();
    client.run(Delete::new("Work")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100)); // Dovecot's UIDVALIDITY is a time
    client.run(Create::new("Work")).unwrap();
    for n in 10..=11 {
        client
            .run(Append::new("Work", sample_message(n, 500)))
            .unwrap();
    }
    let validity = client
        .run(Select::new("Work"))
        .unwrap()
        .uid_validity
        .unwrap();
    assert_ne!(validity, old_validity);

    let second = setup.json_backup(&["Work"], &[]);
    assert_eq!(second[0]["restarted"], true);
    assert_same(
        &local_messages(&setup.target().join("Work")),
        &server_messages(&mut client, "Work"),
    );
    let aside = setup
        .target()
        .join(format!("Work.uidvalidity-{old_validity}"));
    assert_eq!(local_messages(&aside), before, "the old copy kept whole");
}

#[test]
fn pushed_flags_reach_the_server_and_server_changes_win_where_both_changed() {
    let server = dovecot_with(5);
    let setup = Setup::dovecot(&server);
    setup.backup(&["INBOX"], &["--mirror"]);
    let cur = setup.target().join("INBOX").join("cur");
    let rename = |uid: u32, letters: &str| {
        let old = std::fs::read_dir(&cur)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.file_name()
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .starts_with(&format!("{uid}."))
            })
            .unwrap();
        let name = old.file_name().unwrap().to_str().unwrap();
        let base = name.split_once(":2,").unwrap().0;
        std::fs::rename(&old, cur.join(format!("{base}:2,{letters}"))).unwrap();
    };
    rename(1, "S"); // read locally
    rename(2, "F"); // flagged locally, but ...
    let mut client = alice(&server);
    client.run(Select::new("INBOX")).unwrap();
    client
        .uid_store(2, StoreAction::add([Flag::Answered]))
        .unwrap(); // ... answered on the server
    let run = setup.json_backup(&["INBOX"], &["--mirror", "--push-flags"]);
    assert_eq!(run[0]["pushed"], 1, "{run:?}");
    let on_server = server_messages(&mut client, "INBOX");
    assert_eq!(on_server[&1].1, "S");
    assert_eq!(on_server[&2].1, "R", "the server's change is kept");
    assert_same(&local_messages(&setup.target().join("INBOX")), &on_server);
}

#[test]
fn an_mbox_backup_holds_each_message_once_and_appends_only_new_ones() {
    let server = dovecot_with(4);
    let setup = Setup::dovecot(&server);
    setup.backup(&["INBOX"], &["--format", "mbox"]);
    let mut client = alice(&server);
    client
        .run(Append::new("INBOX", sample_message(77, 400)))
        .unwrap();
    let second = setup.json_backup(&["INBOX"], &["--format", "mbox"]);
    assert_eq!(second[0]["new"], 1);
    let mbox = text(&std::fs::read(setup.target().join("INBOX.mbox")).unwrap());
    assert_eq!(
        mbox.matches("\nFrom MAILER-DAEMON ").count() + 1,
        5,
        "{mbox}"
    );
    for n in [1, 2, 3, 4, 77] {
        assert_eq!(
            mbox.matches(&format!("Subject: Sample message {n}\n"))
                .count(),
            1,
            "message {n}"
        );
    }
    assert!(!mbox.contains('\r'), "LF line ends");
}

#[test]
fn mirror_with_mbox_is_refused() {
    let setup = Setup::plain(1, "x");
    let output = setup
        .cli()
        .args(["backup", "test", "--to"])
        .arg(setup.target())
        .args(["--format", "mbox", "--mirror"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(text(&output.stderr).contains("--mirror needs --format maildir"));
}

#[test]
fn the_json_summary_reports_the_peak_memory() {
    let server = dovecot_with(5);
    let setup = Setup::dovecot(&server);
    let lines = setup.json_backup(&["INBOX"], &[]);
    let total = lines.last().unwrap();
    assert_eq!(total["total"]["new"], 5);
    assert!(total["peak_memory_kib"].as_u64().unwrap() > 0);
}
