//! What the CLI prints for people and for scripts: progress bars only on a
//! terminal, and `--json` lines with the fields the help documents.

mod common;

use std::collections::BTreeSet;
use std::process::{Command, Output, Stdio};

use typed_imap::{Append, Create};
use typed_imap_tests::messages::sample_message;

use common::*;

/// Runs `command` with its stdin, stdout and stderr on a pseudo-terminal
/// (util-linux `script`), as when a person runs it; returns what the
/// terminal showed.
fn on_a_terminal(command: &Command) -> Output {
    let quote =
        |word: &std::ffi::OsStr| format!("'{}'", word.to_string_lossy().replace('\'', r"'\''"));
    let line: Vec<String> = std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(quote)
        .collect();
    let output = Command::new("script")
        .args(["--quiet", "--return", "--command"])
        .arg(line.join(" "))
        .arg("/dev/null")
        .stdin(Stdio::piped()) // left open: `script` stops at its end
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stdout));
    output
}

/// What a progress bar draws: the template's words and terminal escapes.
fn has_progress_bar(bytes: &[u8]) -> bool {
    let shown = text(bytes);
    shown.contains(" msgs ") || shown.contains("ETA") || shown.contains('\x1b')
}

fn backup_command(setup: &Setup, flags: &[&str]) -> Command {
    let mut command = setup.cli();
    command
        .args(flags)
        .args(["backup", "test", "INBOX", "--to"]);
    command.arg(setup.target()).args(["--fsync", "never"]);
    command
}

#[test]
fn a_backup_on_a_terminal_draws_its_progress_bar() {
    let server = dovecot_with(300);
    let setup = Setup::dovecot(&server);
    let shown = on_a_terminal(&backup_command(&setup, &[])).stdout;
    let shown_text = text(&shown);
    assert!(has_progress_bar(&shown), "{shown_text}");
    assert!(shown_text.contains("INBOX"), "{shown_text}");
    assert!(
        shown_text.contains("msgs") && shown_text.contains("ETA"),
        "{shown_text}"
    );
}

#[test]
fn quiet_draws_no_progress_bar_even_on_a_terminal() {
    let server = dovecot_with(300);
    let setup = Setup::dovecot(&server);
    let shown = on_a_terminal(&backup_command(&setup, &["--quiet"])).stdout;
    assert!(!has_progress_bar(&shown), "{}", text(&shown));
    assert!(text(&shown).contains("300 new"), "{}", text(&shown));
}

#[test]
fn json_draws_no_progress_bar_even_on_a_terminal() {
    let server = dovecot_with(300);
    let setup = Setup::dovecot(&server);
    let shown = on_a_terminal(&backup_command(&setup, &["--json"])).stdout;
    assert!(!has_progress_bar(&shown), "{}", text(&shown));
}

#[test]
fn with_stderr_not_a_terminal_a_backup_writes_nothing_to_it() {
    let server = dovecot_with(300);
    let setup = Setup::dovecot(&server);
    let output = backup_command(&setup, &[])
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        output.stderr.is_empty(),
        "no progress, no escapes: {:?}",
        text(&output.stderr)
    );
    let summary = text(&output.stdout);
    assert!(
        !summary.contains('\x1b') && !summary.contains('\r'),
        "{summary:?}"
    );
    assert!(summary.contains("INBOX: 300 new"), "{summary}");
}

/// The keys of a JSON object.
fn keys(value: &serde_json::Value) -> BTreeSet<&str> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn backup_json_is_a_line_per_mailbox_then_the_total_with_the_documented_fields() {
    let server = dovecot_with(4);
    let mut client = alice(&server);
    client.run(Create::new("Work")).unwrap();
    client
        .run(Append::new("Work", sample_message(9, 500)))
        .unwrap();
    let setup = Setup::dovecot(&server);
    let output = backup_command(&setup, &["--json"])
        .arg("Work")
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(output.stderr.is_empty(), "{}", text(&output.stderr));
    let lines = json_lines(&output.stdout);
    assert_eq!(lines.len(), 3, "{lines:?}");
    let documented = [
        "mailbox",
        "new",
        "bytes",
        "flags",
        "removed",
        "pushed",
        "restarted",
        "seconds",
    ];
    for (line, (mailbox, new)) in lines.iter().zip([("INBOX", 4), ("Work", 1)]) {
        assert_eq!(keys(line), documented.into(), "{line}");
        assert_eq!(line["mailbox"], mailbox);
        assert_eq!(line["new"], new);
        assert!(line["bytes"].as_u64().unwrap() > 0);
        for count in ["flags", "removed", "pushed"] {
            assert_eq!(line[count], 0, "{line}");
        }
        assert_eq!(line["restarted"], false);
        assert!(line["seconds"].as_f64().unwrap() >= 0.0);
    }
    let total = &lines[2];
    assert_eq!(
        keys(total),
        ["total", "seconds", "peak_memory_kib"].into(),
        "{total}"
    );
    assert_eq!(
        keys(&total["total"]),
        ["mailboxes", "new", "bytes", "flags", "removed", "pushed"].into()
    );
    assert_eq!(total["total"]["mailboxes"], 2);
    assert_eq!(total["total"]["new"], 5);
    let bytes = lines[0]["bytes"].as_u64().unwrap() + lines[1]["bytes"].as_u64().unwrap();
    assert_eq!(total["total"]["bytes"], bytes);
    assert!(total["peak_memory_kib"].as_u64().unwrap() > 0);
}

#[test]
fn ls_and_search_json_lines_carry_the_documented_fields() {
    let server = dovecot_with(3);
    let setup = Setup::dovecot(&server);
    let ls = setup.cli().args(["--json", "ls", "test"]).output().unwrap();
    assert!(ls.status.success(), "{}", text(&ls.stderr));
    for line in json_lines(&ls.stdout) {
        assert_eq!(keys(&line), ["mailbox", "messages", "unseen"].into());
    }
    let search = setup
        .cli()
        .args(["--json", "search", "test", "INBOX", "from:bob"])
        .output()
        .unwrap();
    assert!(search.status.success(), "{}", text(&search.stderr));
    let found = json_lines(&search.stdout);
    assert_eq!(found.len(), 1, "sample 3 is from bob: {found:?}");
    assert_eq!(
        keys(&found[0]),
        ["uid", "date", "from", "subject", "flags", "size"].into()
    );
    assert_eq!(found[0]["uid"], 3);
    assert!(found[0]["flags"].is_array());
    assert!(found[0]["size"].as_u64().unwrap() > 0);
}
