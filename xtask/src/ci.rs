//! `cargo xtask ci`: everything CI checks, in the order that fails fastest.
//!
//! Ends with one summary line that CI logs can be searched for:
//! `xtask ci: test result: ok. N passed; 0 failed; M ignored ...`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::package;
use crate::shell::{cargo, human, run_command, run_streaming, succeeds, workspace_root};
use crate::TaskResult;

/// Seconds per fuzz target when `--fuzz-seconds` is not given.
const DEFAULT_FUZZ_SECONDS: u64 = 10;

/// The options of `cargo xtask ci`.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    fuzz: bool,
    fuzz_seconds: u64,
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        fuzz: true,
        fuzz_seconds: DEFAULT_FUZZ_SECONDS,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--no-fuzz" => options.fuzz = false,
            "--fuzz-seconds" => {
                let value = args.next().ok_or("--fuzz-seconds needs a number")?;
                options.fuzz_seconds = value
                    .parse()
                    .map_err(|_| format!("--fuzz-seconds: expected seconds, got {value:?}"))?;
            }
            other => return Err(format!("unknown option {other:?} for ci")),
        }
    }
    Ok(options)
}

/// The totals of every `test result:` line cargo test printed.
#[derive(Debug, Default, PartialEq, Eq)]
struct TestTotals {
    suites: u64,
    passed: u64,
    failed: u64,
    ignored: u64,
}

impl TestTotals {
    /// Adds one line if it is a libtest summary:
    /// `test result: ok. 38 passed; 0 failed; 0 ignored; 0 measured; ...`.
    fn add_line(&mut self, line: &str) {
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            return;
        };
        self.suites += 1;
        let counts = rest.split_once(". ").map_or(rest, |(_, counts)| counts);
        for part in counts.split("; ") {
            let mut words = part.split_whitespace();
            let (Some(number), Some(kind)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(number) = number.parse::<u64>() else {
                continue;
            };
            match kind {
                "passed" => self.passed += number,
                "failed" => self.failed += number,
                "ignored" => self.ignored += number,
                _ => {}
            }
        }
    }

    fn summary(&self) -> String {
        let verdict = if self.failed == 0 { "ok" } else { "FAILED" };
        format!(
            "test result: {verdict}. {} passed; {} failed; {} ignored ({} test suites)",
            self.passed, self.failed, self.ignored, self.suites
        )
    }
}

/// Runs every check; the first failure stops the run.
pub fn run(args: &[String]) -> TaskResult {
    let options = parse_options(args)?;
    let started = Instant::now();
    let mut steps: Vec<(&str, String)> = Vec::new();
    let mut totals = TestTotals::default();

    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--", "--check"]);
    steps.push(("fmt", human(run_command(fmt)?)));

    let mut clippy = cargo();
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    steps.push(("clippy", human(run_command(clippy)?)));

    let mut doc = cargo();
    doc.args(["doc", "--workspace", "--no-deps"])
        .env("RUSTDOCFLAGS", "-D warnings");
    steps.push(("doc", human(run_command(doc)?)));

    let mut test = cargo();
    test.args(["test", "--workspace"]);
    let tests = run_streaming(test, |line| totals.add_line(line));
    let test_time = match tests {
        Ok(time) => human(time),
        Err(error) => {
            println!("\nxtask ci: {}", totals.summary());
            return Err(error.into());
        }
    };
    steps.push(("tests", test_time));

    // After the tests: those fetched every crate the offline packages need.
    let packaging = package::check(|line| totals.add_line(line));
    match packaging {
        Ok(time) => steps.push(("package", human(time))),
        Err(error) => {
            println!("\nxtask ci: {}", totals.summary());
            return Err(error.into());
        }
    }

    steps.push(("fuzz", fuzz(&options)?));

    let done: Vec<String> = steps
        .iter()
        .map(|(name, outcome)| format!("{name} {outcome}"))
        .collect();
    println!(
        "\nxtask ci: {} [{}; total {}]",
        totals.summary(),
        done.join(", "),
        human(started.elapsed())
    );
    Ok(())
}

/// Runs `cargo xtask fuzz --seconds N` (each target in turn: framer,
/// response, session) when the fuzz crate and cargo-fuzz are both
/// present; says plainly when it is skipped and why.
fn fuzz(options: &Options) -> Result<String, Box<dyn std::error::Error>> {
    if !options.fuzz {
        return Ok("skipped (--no-fuzz)".into());
    }
    if !Path::new(&workspace_root())
        .join("fuzz/Cargo.toml")
        .exists()
    {
        return Ok("skipped (no fuzz/ crate)".into());
    }
    let mut probe = cargo();
    probe.args(["fuzz", "--version"]);
    if !succeeds(probe) {
        println!(
            "\nxtask ci: fuzzing skipped: cargo-fuzz is not installed (cargo install cargo-fuzz)"
        );
        return Ok("skipped (cargo-fuzz not installed)".into());
    }
    let mut fuzz = Command::new(std::env::current_exe()?);
    fuzz.current_dir(workspace_root()).args([
        "fuzz",
        "--seconds",
        &options.fuzz_seconds.to_string(),
    ]);
    let time: Duration = run_command(fuzz)?;
    Ok(human(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_default_to_a_ten_second_fuzz_run() {
        assert_eq!(
            parse_options(&[]),
            Ok(Options {
                fuzz: true,
                fuzz_seconds: 10
            })
        );
    }

    #[test]
    fn options_read_no_fuzz_and_fuzz_seconds() {
        let options = parse_options(&args(&["--no-fuzz", "--fuzz-seconds", "3"])).unwrap();
        assert_eq!(
            options,
            Options {
                fuzz: false,
                fuzz_seconds: 3
            }
        );
    }

    #[test]
    fn options_refuse_a_missing_or_bad_number_and_unknown_flags() {
        assert!(parse_options(&args(&["--fuzz-seconds"])).is_err());
        assert!(parse_options(&args(&["--fuzz-seconds", "ten"])).is_err());
        assert!(parse_options(&args(&["--fast"])).is_err());
    }

    #[test]
    fn totals_add_up_every_test_result_line() {
        let mut totals = TestTotals::default();
        totals.add_line("test result: ok. 38 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 3.43s");
        totals.add_line("running 3 tests");
        totals.add_line("test result: FAILED. 1 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.1s");
        assert_eq!(
            totals,
            TestTotals {
                suites: 2,
                passed: 39,
                failed: 2,
                ignored: 2
            }
        );
        assert_eq!(
            totals.summary(),
            "test result: FAILED. 39 passed; 2 failed; 2 ignored (2 test suites)"
        );
    }

    #[test]
    fn a_line_that_only_mentions_test_result_is_not_counted() {
        let mut totals = TestTotals::default();
        totals.add_line("assert!(line.contains(\"test result: ok. 5 passed\"))");
        assert_eq!(totals, TestTotals::default());
    }
}
