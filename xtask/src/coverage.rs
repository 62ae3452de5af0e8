//! `cargo xtask coverage`: rewrites the README's capability table.
//!
//! The table is made by the test `tests/tests/coverage.rs`, which starts
//! every server, reads its capabilities and checks the coverage rules; with
//! `TYPED_IMAP_UPDATE_README=1` it writes the table into the README instead
//! of failing when the README's copy differs. One place makes the table,
//! and CI keeps it checked.

use crate::shell::{cargo, run_command};
use crate::TaskResult;

/// Runs the coverage test in its writing mode.
pub fn run(args: &[String]) -> TaskResult {
    if let Some(extra) = args.first() {
        return Err(format!("coverage takes no options, got {extra:?}").into());
    }
    let mut test = cargo();
    test.args([
        "test",
        "-p",
        "typed-imap-tests",
        "--test",
        "coverage",
        "--",
        "--nocapture",
    ])
    .env("TYPED_IMAP_UPDATE_README", "1");
    run_command(test)?;
    println!("\nxtask coverage: README.md's capability table is up to date");
    Ok(())
}
