//! A backup killed with SIGKILL at several points; the next run completes
//! it with no duplicate, no missing and no half-written message.
//!
//! The binary's test hook `TYPED_IMAP_TEST_KILL_AT=POINT:N` makes it send
//! itself SIGKILL the Nth time it reaches POINT: `tmp` (a message half
//! written into tmp/), `cur` (renamed into cur/ or appended to the mbox,
//! the state not yet written), `state` (a checkpoint just written).

mod common;

use std::os::unix::process::ExitStatusExt;

use typed_imap::types::{FetchItem, FetchItems, Section, SequenceSet};
use typed_imap::{Examine, UidFetch};

use common::*;

/// More than one checkpoint's worth (1000), so that `state:1` falls in
/// the middle.
const MESSAGES: usize = 1500;

fn killed_then_completed(point: &str) {
    let server = dovecot_with(MESSAGES);
    let setup = Setup::dovecot(&server);
    let mut command = setup.cli();
    command
        .args(["backup", "test", "INBOX", "--to"])
        .arg(setup.target());
    command.env("TYPED_IMAP_TEST_KILL_AT", point);
    let status = command.output().unwrap().status;
    assert_eq!(status.signal(), Some(9), "killed at {point}: {status:?}");
    setup.backup(&["INBOX"], &[]);
    let mut client = alice(&server);
    assert_same(
        &local_messages(&setup.target().join("INBOX")),
        &server_messages(&mut client, "INBOX"),
    );
}

#[test]
fn killed_with_the_first_message_half_written_the_next_run_completes() {
    killed_then_completed("tmp:1");
}

#[test]
fn killed_mid_run_with_a_message_half_written_the_next_run_completes() {
    killed_then_completed("tmp:700");
}

#[test]
fn killed_after_a_rename_before_any_state_the_next_run_completes() {
    killed_then_completed("cur:600");
}

#[test]
fn killed_right_after_a_checkpoint_the_next_run_completes() {
    killed_then_completed("state:1");
}

#[test]
fn killed_after_the_checkpoint_with_messages_past_it_the_next_run_completes() {
    killed_then_completed("cur:1200");
}

#[test]
fn killed_after_the_last_message_before_the_final_state_the_next_run_completes() {
    killed_then_completed(&format!("cur:{MESSAGES}"));
}

/// The mbox: cut back to the last state's length, then appended to.
fn mbox_killed_then_completed(point: &str) {
    let server = dovecot_with(MESSAGES);
    let setup = Setup::dovecot(&server);
    let mut command = setup.cli();
    command
        .args(["backup", "test", "INBOX", "--format", "mbox", "--to"])
        .arg(setup.target());
    command.env("TYPED_IMAP_TEST_KILL_AT", point);
    assert_eq!(command.output().unwrap().status.signal(), Some(9));
    setup.backup(&["INBOX"], &["--format", "mbox"]);

    let mbox = text(&std::fs::read(setup.target().join("INBOX.mbox")).unwrap());
    let mut client = alice(&server);
    client.run(Examine::new("INBOX")).unwrap();
    let items = FetchItems::from(FetchItem::uid()) | FetchItem::body_peek(Section::default());
    let messages = client
        .run(UidFetch::new(SequenceSet::all()).items(items))
        .unwrap();
    assert_eq!(mbox.matches("From MAILER-DAEMON ").count(), messages.len());
    // Each message whole, once, in UID order, as mboxrd writes it.
    let mut expected = String::new();
    for fetched in &messages {
        let body = text(fetched.message.body_sections[0].1.as_ref().unwrap()).replace("\r\n", "\n");
        expected.push_str(&body);
        expected.push('\n');
    }
    let without_from_lines: String = mbox
        .split_inclusive('\n')
        .filter(|line| !line.starts_with("From MAILER-DAEMON "))
        .collect();
    assert!(
        without_from_lines == expected,
        "the mbox holds every message once, whole"
    );
}

#[test]
fn an_mbox_killed_mid_message_is_cut_back_and_completed() {
    mbox_killed_then_completed("tmp:300");
}

#[test]
fn an_mbox_killed_after_a_checkpoint_and_more_messages_is_completed() {
    mbox_killed_then_completed("cur:1100");
}
