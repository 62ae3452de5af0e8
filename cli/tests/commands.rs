//! `ls`, `search`, `fetch` and `watch` against Dovecot; accounts from the
//! configuration file (a password command) or from flags.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use typed_imap::types::Flag;
use typed_imap::{Append, Select};
use typed_imap_tests::dovecot::{Dovecot, Options, User};
use typed_imap_tests::messages::sample_message;
use typed_imap_tests::proxy::CutProxy;

use common::*;

#[test]
fn ls_lists_the_mailboxes_with_their_counts_from_a_config_with_a_password_command() {
    let server = dovecot_with(7);
    let setup = Setup::dovecot(&server);
    let output = setup.cli().args(["--json", "ls", "test"]).output().unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let lines = json_lines(&output.stdout);
    let inbox = lines.iter().find(|l| l["mailbox"] == "INBOX").unwrap();
    assert_eq!(
        (inbox["messages"].as_u64(), inbox["unseen"].as_u64()),
        (Some(7), Some(7))
    );
    assert!(lines.iter().any(|l| l["mailbox"] == "Sent"));
    let all = text(&output.stdout) + &text(&output.stderr);
    assert!(
        !all.contains("alice-secret"),
        "the password is never printed"
    );
}

#[test]
fn flags_alone_make_a_one_off_account() {
    let server = dovecot_with(2);
    let setup = Setup::dovecot(&server);
    let ca = setup.dir.path().join("ca.pem");
    let secret = setup.dir.path().join("password");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_typed-imap"))
        .args(["--config", "/nonexistent/config.toml"])
        .env("TYPED_IMAP_CONFIG", "/nonexistent")
        .args(["ls", "oneoff", "--host", "localhost", "--user", "alice"])
        .arg("--port")
        .arg(server.tls_addr().port().to_string())
        .arg("--ca-file")
        .arg(&ca)
        .arg("--password-command")
        .arg(format!("cat '{}'", secret.display()))
        .output()
        .unwrap();
    // An explicit --config that does not exist is an error ...
    assert!(!output.status.success());
    assert!(text(&output.stderr).contains("/nonexistent/config.toml"));
    // ... the default one missing is not.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_typed-imap"))
        .env("TYPED_IMAP_CONFIG", setup.dir.path().join("none.toml"))
        .args(["ls", "oneoff", "--host", "localhost", "--user", "alice"])
        .arg("--port")
        .arg(server.tls_addr().port().to_string())
        .arg("--ca-file")
        .arg(&ca)
        .arg("--password-command")
        .arg(format!("cat '{}'", secret.display()))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("INBOX"));
}

#[test]
fn a_wrong_password_is_reported_without_the_password() {
    let server = dovecot_with(0);
    let setup = Setup::dovecot(&server);
    std::fs::write(setup.dir.path().join("password"), "not-her-password\n").unwrap();
    let output = setup.cli().args(["ls", "test"]).output().unwrap();
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(stderr.contains("log in"), "{stderr}");
    assert!(!stderr.contains("not-her-password"), "{stderr}");
}

/// A token only an OAuth2 command knows: Dovecot's XOAUTH2 checks it as
/// alice's password, and XOAUTH2 is the only mechanism it offers, so a
/// login succeeds only with this token sent by AUTHENTICATE XOAUTH2.
const TOKEN: &str = "ya29.token-from-the-command";

fn dovecot_with_xoauth2_only() -> Dovecot {
    let server = Dovecot::start_with(Options {
        users: vec![User::new("alice", TOKEN)],
        auth_mechanisms: vec!["xoauth2".into()],
        ..Options::default()
    })
    .unwrap();
    server
        .fill("alice", "INBOX", (1..=3).map(|n| sample_message(n, 500)))
        .unwrap();
    server
}

/// A configuration whose account `test` has an `oauth2_command` (reading
/// the token file) and no `password_command`.
fn oauth2_config(dir: &std::path::Path, port: u16, token: &str) -> std::path::PathBuf {
    let file = dir.join("token");
    std::fs::write(&file, format!("{token}\n")).unwrap();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[accounts.test]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\n\
             user = \"alice\"\noauth2_command = \"cat '{}'\"\n",
            file.display()
        ),
    )
    .unwrap();
    config
}

#[test]
fn an_oauth2_command_gives_the_token_for_xoauth2_and_it_is_never_printed() {
    let server = dovecot_with_xoauth2_only();
    let recorder = Recorder::start(server.plain_addr());
    let dir = tempfile::tempdir().unwrap();
    let config = oauth2_config(dir.path(), recorder.port(), TOKEN);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_typed-imap"))
        .arg("--config")
        .arg(&config)
        .args(["--json", "ls", "test"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let lines = json_lines(&output.stdout);
    let inbox = lines.iter().find(|l| l["mailbox"] == "INBOX").unwrap();
    assert_eq!(inbox["messages"], 3);
    let commands = recorder.commands();
    assert!(
        commands.iter().any(|c| c.contains(" AUTHENTICATE XOAUTH2")),
        "XOAUTH2: {commands:?}"
    );
    assert!(
        !commands.iter().any(|c| c.contains(" LOGIN ")),
        "{commands:?}"
    );
    let all = text(&output.stdout) + &text(&output.stderr);
    assert!(!all.contains(TOKEN), "the token is never printed: {all}");
}

#[test]
fn a_refused_oauth2_token_is_reported_without_the_token() {
    let server = dovecot_with_xoauth2_only();
    let dir = tempfile::tempdir().unwrap();
    let wrong = "ya29.expired-token";
    let config = oauth2_config(dir.path(), server.plain_addr().port(), wrong);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_typed-imap"))
        .arg("--config")
        .arg(&config)
        .args(["ls", "test"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let all = text(&output.stdout) + &text(&output.stderr);
    assert!(all.contains("log in"), "{all}");
    assert!(!all.contains(wrong), "{all}");
}

#[test]
fn search_prints_the_messages_the_query_finds() {
    // Every third sample message is from bob: 3, 6, 9, 12.
    let server = dovecot_with(12);
    let setup = Setup::dovecot(&server);
    let mut client = alice(&server);
    client.run(Select::new("INBOX")).unwrap();
    client
        .uid_store(6, typed_imap::types::StoreAction::add([Flag::Seen]))
        .unwrap();
    let output = setup
        .cli()
        .args(["--json", "search", "test", "INBOX", "from:bob", "-seen"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let lines = json_lines(&output.stdout);
    let uids: Vec<u64> = lines.iter().map(|l| l["uid"].as_u64().unwrap()).collect();
    assert_eq!(uids, [3, 9, 12]);
    assert_eq!(lines[0]["subject"], "Sample message 3");
    assert_eq!(lines[0]["from"], "Bob <bob@example.org>");
}

#[test]
fn a_query_mistake_is_explained_before_connecting() {
    let setup = Setup::plain(1, "x");
    let output = setup
        .cli()
        .args(["search", "test", "INBOX", "since:yesterday"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        text(&output.stderr).contains("YYYY-MM-DD"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn fetch_writes_a_message_byte_for_byte_small_or_streamed() {
    let server = dovecot_with(1);
    let mut client = alice(&server);
    let large = sample_message(2, 300_000); // above the client's chunking threshold
    client.run(Append::new("INBOX", large.clone())).unwrap();
    let setup = Setup::dovecot(&server);
    for (uid, expected) in [(1, sample_message(1, 637)), (2, large)] {
        let output = setup
            .cli()
            .args(["fetch", "test", "INBOX", &uid.to_string()])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", text(&output.stderr));
        assert!(
            output.stdout == expected,
            "UID {uid}: {} bytes",
            output.stdout.len()
        );
    }
    let missing = setup
        .cli()
        .args(["fetch", "test", "INBOX", "99"])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(text(&missing.stderr).contains("no message with UID 99"));
}

#[test]
fn watch_prints_a_line_for_each_message_appended_by_another_connection() {
    let server = dovecot_with(2);
    let setup = Setup::dovecot(&server);
    let mut child = setup
        .cli()
        .args(["--json", "watch", "test", "INBOX"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut notes = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut client = alice(&server);
    let started = Instant::now();
    for n in [41, 42] {
        // Each time the watcher is back in IDLE, it says so.
        let note = notes.next().unwrap().unwrap();
        assert!(note.contains("watching \"INBOX\" (IDLE)"), "{note}");
        client
            .run(Append::new("INBOX", sample_message(n, 500)))
            .unwrap();
        let line = lines.next().unwrap().unwrap();
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["subject"], format!("Sample message {n}"));
    }
    assert!(started.elapsed() < Duration::from_secs(20));
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn watch_reconnects_after_the_connection_is_cut_and_still_announces() {
    let server = dovecot_with(1);
    let proxy = CutProxy::start(server.plain_addr(), "IDLE").unwrap();
    // The first connection is cut as soon as the server answers IDLE.
    proxy.cut_after(Some(3));
    let setup = Setup::plain(proxy.addr().port(), "alice-secret");
    let mut child = setup
        .cli()
        .args(["--json", "watch", "test", "INBOX"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut notes = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut next_note = || notes.next().unwrap().unwrap();
    // Cut before the server's `+`: IDLE never started.
    let lost = next_note();
    assert!(lost.contains("reconnecting in 1 s"), "{lost}");
    proxy.cut_after(None); // the next connection stays up
    let mut client = alice(&server);
    // Appended while disconnected: announced once back.
    client
        .run(Append::new("INBOX", sample_message(51, 500)))
        .unwrap();
    let line: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(line["subject"], "Sample message 51");
    assert!(next_note().contains("(IDLE)"));
    child.kill().unwrap();
    child.wait().unwrap();
}
