//! `cargo xtask <task>`: the project's chores as Rust programs.
//!
//! - `ci`: what CI runs (formatting, lints, docs, the tests, a short fuzz run).
//! - `demo`: a throw-away Dovecot, a few sample messages, the typed client against it.
//! - `fuzz`, `bench`: the fuzz targets and the parsing benchmark.
//!
//! Every task is a module with `pub fn run(args: &[String]) -> TaskResult`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod bench;
mod ci;
mod demo;
mod fuzz;
mod shell;

use std::process::ExitCode;

/// What a task returns: `Err` carries the message printed before exiting 1.
pub type TaskResult = Result<(), Box<dyn std::error::Error>>;

const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  ci [--no-fuzz] [--fuzz-seconds N]
                 fmt --check, clippy -D warnings, doc -D warnings, the
                 workspace tests, then each fuzz target for N seconds
                 (default 10) when fuzz/ and cargo-fuzz are present
  demo           start a private Dovecot, fill a mailbox, show a session
  fuzz [--time DURATION | --seconds N] [--target framer|response|session]... [--cmin]
                 run each cargo-fuzz target in turn for DURATION (3600,
                 90s, 10m, 1h; default 30s), then print a table of
                 executions, cov and ft per target; --cmin minimises
                 fuzz/corpus/<target> after each run
  bench [criterion args]
                 the parsing benchmark against imap-proto and imap-codec,
                 with MB/s and ratios; then bench (a) interleaved
  help           this text";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, rest) = match args.split_first() {
        Some((task, rest)) => (task.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match task {
        "ci" => ci::run(rest),
        "demo" => demo::run(rest),
        "fuzz" => fuzz::run(rest),
        "bench" => bench::run(rest),
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown task {other:?}\n\n{USAGE}").into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask {task}: error: {error}");
            ExitCode::FAILURE
        }
    }
}
