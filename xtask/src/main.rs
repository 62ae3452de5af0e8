//! `cargo xtask <task>`: the project's chores as Rust programs.
//!
//! - `ci`: what CI runs (formatting, lints, docs, the tests, the packages, a short fuzz run).
//! - `demo`: a throw-away Dovecot, a few sample messages, the typed client against it.
//! - `package`: both crates packaged and verified, then used by a crate outside the workspace.
//! - `fuzz`, `bench`: the fuzz targets and the parsing benchmark.
//! - `coverage`: the README's table of capabilities, servers and tests.
//!
//! Every task is a module with `pub fn run(args: &[String]) -> TaskResult`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod bench;
mod ci;
mod coverage;
mod demo;
mod fuzz;
mod package;
mod shell;

use std::process::ExitCode;

/// What a task returns: `Err` carries the message printed before exiting 1.
pub type TaskResult = Result<(), Box<dyn std::error::Error>>;

const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  ci [--no-fuzz] [--fuzz-seconds N]
                 fmt --check, clippy -D warnings, doc -D warnings, the
                 workspace tests, the packages (as `package` below),
                 then each fuzz target for N seconds (default 10) when
                 fuzz/ and cargo-fuzz are present
  package        cargo package typed-imap-codegen and typed-imap (verified),
                 check the packaged spec/ is spec/, then build and test a
                 throw-away crate outside the workspace that generates its
                 own extension against the packages (offline)
  demo           start a private Dovecot, fill a mailbox, show a session
  fuzz [--time DURATION | --seconds N] [--target framer|response|session]... [--cmin]
                 run each cargo-fuzz target in turn for DURATION (3600,
                 90s, 10m, 1h; default 30s), then print a table of
                 executions, cov and ft per target; --cmin minimises
                 fuzz/corpus/<target> after each run
  bench [criterion args]
                 the parsing benchmark against imap-proto and imap-codec,
                 with MB/s and ratios; then bench (a) interleaved; then,
                 without a filter, the end-to-end benchmark, the
                 many-connections one and the backup against mbsync
  bench e2e [rounds] [workload ...]
                 only the end-to-end benchmark: typed-imap (blocking and
                 async) and async-imap against a raw byte-counting client
                 on a private Dovecot
  bench scale [rounds] [--sessions=N]
                 only the many-connections benchmark: time to open 1000
                 idle async sessions and memory per session, plain and TLS
  coverage       start every test server, check which capabilities
                 typed-imap supports, and rewrite the README's table
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
        "package" => package::run(rest),
        "fuzz" => fuzz::run(rest),
        "bench" => bench::run(rest),
        "coverage" => coverage::run(rest),
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
