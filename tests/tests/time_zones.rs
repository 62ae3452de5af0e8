//! imaplib's `Time2Internaldate` for epoch seconds writes the local time
//! zone, DST included. The zone is the process's (`TZ`), so the test runs
//! itself again in a child process with a zone that has DST, given as a
//! POSIX rule (no time-zone database needed): Central European Time.

use std::process::Command;

use typed_imap::imaplib::{internal_date_to_datetime, time_to_internal_date};

/// CET (+0100) in winter, CEST (+0200) from the last Sunday of March 02:00
/// to the last Sunday of October 03:00.
const CET: &str = "CET-1CEST,M3.5.0,M10.5.0/3";

/// Runs `test` in a child with `TZ` set; true when this process is that
/// child and should check.
fn in_zone(test: &str) -> bool {
    if std::env::var("TZ").as_deref() == Ok(CET) {
        return true;
    }
    let exe = std::env::current_exe().unwrap();
    let output = Command::new(exe)
        .args(["--exact", test, "--test-threads=1"])
        .env("TZ", CET)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "the check in TZ={CET} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    false
}

#[test]
fn epoch_seconds_are_written_in_winter_and_summer_time() {
    if !in_zone("epoch_seconds_are_written_in_winter_and_summer_time") {
        return;
    }
    // 2024-01-15 12:00:00 UTC and 2024-07-15 12:00:00 UTC.
    assert_eq!(
        time_to_internal_date(1_705_320_000_i64).unwrap(),
        "\"15-Jan-2024 13:00:00 +0100\""
    );
    assert_eq!(
        time_to_internal_date(1_721_044_800_i64).unwrap(),
        "\"15-Jul-2024 14:00:00 +0200\""
    );
}

#[test]
fn the_seconds_around_both_dst_switches_keep_their_instant() {
    if !in_zone("the_seconds_around_both_dst_switches_keep_their_instant") {
        return;
    }
    // 2024-03-31 01:00:00 UTC: clocks jump from 02:00 to 03:00.
    let spring = 1_711_846_800_i64;
    assert_eq!(
        time_to_internal_date(spring - 1).unwrap(),
        "\"31-Mar-2024 01:59:59 +0100\""
    );
    assert_eq!(
        time_to_internal_date(spring).unwrap(),
        "\"31-Mar-2024 03:00:00 +0200\""
    );
    // 2024-10-27 01:00:00 UTC: 02:00-03:00 local happens twice.
    let autumn = 1_729_990_800_i64;
    assert_eq!(
        time_to_internal_date(autumn - 1).unwrap(),
        "\"27-Oct-2024 02:59:59 +0200\""
    );
    assert_eq!(
        time_to_internal_date(autumn).unwrap(),
        "\"27-Oct-2024 02:00:00 +0100\""
    );
    for t in [spring - 1, spring, autumn - 1, autumn] {
        let text = time_to_internal_date(t).unwrap();
        let back = internal_date_to_datetime(format!("INTERNALDATE {text}").as_bytes()).unwrap();
        assert_eq!(back.timestamp(), t, "{text}");
    }
}
