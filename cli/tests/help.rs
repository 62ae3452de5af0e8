//! The `--help` texts, as snapshots: a change to an option shows in review.

use std::process::Command;

fn help(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_typed-imap"))
        .args(args)
        .arg("--help")
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn the_main_help_lists_the_commands_and_the_configuration_format() {
    insta::assert_snapshot!("main", help(&[]));
}

#[test]
fn backup_help() {
    insta::assert_snapshot!("backup", help(&["backup"]));
}

#[test]
fn ls_help() {
    insta::assert_snapshot!("ls", help(&["ls"]));
}

#[test]
fn search_help_documents_the_query_syntax() {
    insta::assert_snapshot!("search", help(&["search"]));
}

#[test]
fn fetch_help() {
    insta::assert_snapshot!("fetch", help(&["fetch"]));
}

#[test]
fn watch_help() {
    insta::assert_snapshot!("watch", help(&["watch"]));
}
