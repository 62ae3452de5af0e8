//! `cargo xtask fuzz [--seconds N] [--target NAME]`: runs each cargo-fuzz
//! target of `fuzz/` for a bounded time and reports how many inputs each
//! one ran.
//!
//! cargo-fuzz needs nightly flags; `RUSTC_BOOTSTRAP=1` lets the stable
//! toolchain accept them. Each target starts from the committed seeds in
//! `fuzz/seeds/<target>` and keeps its corpus in `fuzz/corpus/<target>`
//! (not committed).

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::shell::{cargo, workspace_root};
use crate::TaskResult;

/// The targets, as named in `fuzz/Cargo.toml`.
const TARGETS: &[&str] = &["framer", "response"];

/// Seconds per target when `--seconds` is not given.
const DEFAULT_SECONDS: u64 = 30;

#[derive(Debug, PartialEq, Eq)]
struct Options {
    seconds: u64,
    targets: Vec<String>,
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        seconds: DEFAULT_SECONDS,
        targets: Vec::new(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                let value = args.next().ok_or("--seconds needs a number")?;
                options.seconds = value
                    .parse()
                    .map_err(|_| format!("--seconds: expected seconds, got {value:?}"))?;
            }
            "--target" => {
                let value = args.next().ok_or("--target needs a name")?;
                if !TARGETS.contains(&value.as_str()) {
                    return Err(format!(
                        "unknown fuzz target {value:?} (known: {TARGETS:?})"
                    ));
                }
                options.targets.push(value.clone());
            }
            other => return Err(format!("unknown option {other:?} for fuzz")),
        }
    }
    if options.targets.is_empty() {
        options.targets = TARGETS.iter().map(|t| t.to_string()).collect();
    }
    Ok(options)
}

/// The number of inputs in libFuzzer's closing line,
/// `Done 123456 runs in 10 second(s)`.
fn runs_in(line: &str) -> Option<u64> {
    let rest = line.split("Done ").nth(1)?;
    let (number, tail) = rest.split_once(' ')?;
    tail.starts_with("runs")
        .then(|| number.parse().ok())
        .flatten()
}

/// Runs every selected target; fails if one crashes or does not start.
pub fn run(args: &[String]) -> TaskResult {
    let options = parse_options(args)?;
    let root = workspace_root();
    let mut report = Vec::new();
    for target in &options.targets {
        let corpus = root.join("fuzz/corpus").join(target);
        std::fs::create_dir_all(&corpus)?;
        let seeds = root.join("fuzz/seeds").join(target);
        let mut command = cargo();
        command
            .env("RUSTC_BOOTSTRAP", "1")
            .args(["fuzz", "run", target.as_str()]);
        command.arg(&corpus);
        if seeds.is_dir() {
            command.arg(&seeds);
        }
        command
            .arg("--")
            .arg(format!("-max_total_time={}", options.seconds))
            .stderr(Stdio::piped());
        println!(
            "\n$ RUSTC_BOOTSTRAP=1 cargo fuzz run {target} ... -max_total_time={}",
            options.seconds
        );
        let mut child = command
            .spawn()
            .map_err(|e| format!("could not start cargo fuzz: {e}"))?;
        let mut runs = None;
        if let Some(stderr) = child.stderr.take() {
            for line in BufReader::new(stderr).lines() {
                let line = line?;
                eprintln!("{line}");
                runs = runs_in(&line).or(runs);
            }
        }
        let status = child.wait()?;
        if !status.success() {
            return Err(
                format!("fuzz target {target} failed ({status}): see the artifact above").into(),
            );
        }
        let runs =
            runs.ok_or_else(|| format!("fuzz target {target}: libFuzzer printed no run count"))?;
        report.push(format!(
            "{target}: {runs} executions in {}s, no crash",
            options.seconds
        ));
    }
    println!("\nxtask fuzz:\n  {}", report.join("\n  "));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_line_gives_the_run_count() {
        assert_eq!(
            runs_in("Done 1234567 runs in 31 second(s)"),
            Some(1_234_567)
        );
        assert_eq!(runs_in("#1024 pulse cov: 12 ft: 13"), None);
    }

    #[test]
    fn options_default_to_every_target() {
        let options = parse_options(&[]).unwrap();
        assert_eq!(options.seconds, DEFAULT_SECONDS);
        assert_eq!(options.targets, ["framer", "response"]);
    }

    #[test]
    fn unknown_target_is_refused() {
        assert!(parse_options(&["--target".into(), "nope".into()]).is_err());
    }
}
