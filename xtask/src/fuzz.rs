//! `cargo xtask fuzz [--time DURATION | --seconds N] [--target NAME]... [--cmin]`:
//! runs each cargo-fuzz target of `fuzz/` for a bounded time, one after
//! the other, and ends with a table of what libFuzzer reported for each:
//! executions, edge coverage (`cov:`), features (`ft:`), corpus size.
//!
//! cargo-fuzz needs nightly flags; `RUSTC_BOOTSTRAP=1` lets the stable
//! toolchain accept them. Each target starts from the committed seeds in
//! `fuzz/seeds/<target>` and from its corpus in `fuzz/corpus/<target>`.
//! With `--cmin` (a campaign) libFuzzer adds the inputs that reach new code
//! to that corpus, minimised after the run (`cargo fuzz cmin`); without it
//! (CI's short run) they go to `fuzz/target/new-units/<target>`, so a run
//! never leaves the committed corpus changed.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use crate::shell::{cargo, run_command, workspace_root};
use crate::TaskResult;

/// The targets, as named in `fuzz/Cargo.toml`.
const TARGETS: &[&str] = &["framer", "response", "session"];

/// Seconds per target when no time is given.
const DEFAULT_SECONDS: u64 = 30;

/// libFuzzer options for every run. Inputs stay at a few KiB (libFuzzer's
/// default `-max_len`), and the largest allocation the client makes for
/// them is the framer's 256 KiB block: one over 16 MiB can only have been
/// sized from a number the server sent. An input that runs for seconds
/// is a hang.
const LIBFUZZER_OPTIONS: &[&str] = &["-print_final_stats=1", "-malloc_limit_mb=16", "-timeout=20"];

#[derive(Debug, PartialEq, Eq)]
struct Options {
    seconds: u64,
    targets: Vec<String>,
    cmin: bool,
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        seconds: DEFAULT_SECONDS,
        targets: Vec::new(),
        cmin: false,
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
            "--time" => {
                let value = args
                    .next()
                    .ok_or("--time needs a duration (3600, 90s, 10m, 1h)")?;
                options.seconds = parse_duration(value)?;
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
            "--cmin" => options.cmin = true,
            other => return Err(format!("unknown option {other:?} for fuzz")),
        }
    }
    if options.seconds == 0 {
        // libFuzzer reads -max_total_time=0 as "no limit".
        return Err("the fuzzing time must be at least one second".into());
    }
    if options.targets.is_empty() {
        options.targets = TARGETS.iter().map(|t| t.to_string()).collect();
    }
    Ok(options)
}

/// Seconds in `3600`, `3600s`, `60m` or `1h`.
fn parse_duration(text: &str) -> Result<u64, String> {
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => {
            return Err(format!(
                "--time: expected a number of seconds, or one ending in s, m or h, got {text:?}"
            ))
        }
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .ok_or_else(|| format!("--time: expected a number before the unit, got {text:?}"))
}

/// What libFuzzer printed about one run.
#[derive(Debug, Default, PartialEq, Eq)]
struct Stats {
    /// `stat::number_of_executed_units`, or the count of `Done N runs`.
    executions: Option<u64>,
    /// Edges covered, from the last status line (`cov:`).
    cov: Option<u64>,
    /// Features (edges with hit counts, comparisons...), `ft:`.
    ft: Option<u64>,
    /// `stat::average_exec_per_sec`.
    exec_per_sec: Option<u64>,
    /// `stat::new_units_added`.
    new_units: Option<u64>,
    /// `stat::peak_rss_mb`.
    peak_rss_mb: Option<u64>,
    /// Where libFuzzer wrote the input that failed.
    artifact: Option<String>,
}

impl Stats {
    fn read_line(&mut self, line: &str) {
        if let Some(value) = status_value(line, "cov:") {
            self.cov = Some(value);
        }
        if let Some(value) = status_value(line, "ft:") {
            self.ft = Some(value);
        }
        if let Some(runs) = runs_in(line) {
            self.executions = self.executions.or(Some(runs));
        }
        if let Some((name, value)) = final_stat(line) {
            match name {
                // The final statistic wins over the `Done` line.
                "number_of_executed_units" => self.executions = Some(value),
                "average_exec_per_sec" => self.exec_per_sec = Some(value),
                "new_units_added" => self.new_units = Some(value),
                "peak_rss_mb" => self.peak_rss_mb = Some(value),
                _ => {}
            }
        }
        if let Some((_, path)) = line.split_once("Test unit written to ") {
            self.artifact = Some(path.trim().to_owned());
        }
    }
}

/// The number after `key` on a libFuzzer status line
/// (`#4096 pulse  cov: 812 ft: 2301 corp: 101/9Kb ...`).
fn status_value(line: &str, key: &str) -> Option<u64> {
    if !line.starts_with('#') {
        return None;
    }
    let mut words = line.split_whitespace();
    words.find(|word| *word == key)?;
    words.next()?.parse().ok()
}

/// `stat::name: value` from `-print_final_stats=1`.
fn final_stat(line: &str) -> Option<(&str, u64)> {
    let (name, value) = line.trim().strip_prefix("stat::")?.split_once(':')?;
    Some((name, value.trim().parse().ok()?))
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

/// One target's run, for the summary.
struct Report {
    target: String,
    stats: Stats,
    /// Files and bytes in the corpus after the run.
    corpus: (usize, u64),
    failure: Option<String>,
}

impl Report {
    fn row(&self) -> String {
        let show = |value: Option<u64>| value.map_or("?".to_owned(), |v| v.to_string());
        let (files, bytes) = self.corpus;
        let result = match &self.failure {
            None => "no crash".to_owned(),
            Some(failure) => format!("FAILED: {failure}"),
        };
        format!(
            "| {} | {} | {} | {} | {} | {} | {files} files, {} | {} MB | {result} |",
            self.target,
            show(self.stats.executions),
            show(self.stats.exec_per_sec),
            show(self.stats.cov),
            show(self.stats.ft),
            show(self.stats.new_units),
            kib(bytes),
            show(self.stats.peak_rss_mb),
        )
    }
}

fn kib(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

/// Files and bytes directly in `dir`.
fn corpus_size(dir: &Path) -> (usize, u64) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (0, 0);
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.metadata().ok())
        .filter(|metadata| metadata.is_file())
        .fold((0, 0), |(files, bytes), metadata| {
            (files + 1, bytes + metadata.len())
        })
}

/// Runs every selected target, one after the other; fails at the end if
/// one crashed or did not start.
pub fn run(args: &[String]) -> TaskResult {
    let options = parse_options(args)?;
    let mut reports = Vec::new();
    for target in &options.targets {
        reports.push(run_target(target, &options)?);
    }
    println!(
        "\nxtask fuzz: {} s per target ({})\n",
        options.seconds,
        fuzz_version()
    );
    println!(
        "| target | executions | exec/s | cov | ft | new units | corpus | peak RSS | result |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for report in &reports {
        println!("{}", report.row());
    }
    let failed: Vec<&str> = reports
        .iter()
        .filter(|report| report.failure.is_some())
        .map(|report| report.target.as_str())
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("fuzz targets failed: {}", failed.join(", ")).into())
    }
}

/// One campaign of `target`; `Err` only when cargo fuzz cannot start.
fn run_target(target: &str, options: &Options) -> Result<Report, Box<dyn std::error::Error>> {
    let root = workspace_root();
    let corpus = root.join("fuzz/corpus").join(target);
    std::fs::create_dir_all(&corpus)?;
    let seeds = root.join("fuzz/seeds").join(target);
    // libFuzzer adds new inputs to the first directory. Only a campaign
    // that minimises afterwards writes to the committed corpus; a short run
    // (CI's) keeps what it finds in `fuzz/target` and leaves the tree clean.
    let scratch = root.join("fuzz/target/new-units").join(target);
    let output = if options.cmin { &corpus } else { &scratch };
    std::fs::create_dir_all(output)?;
    let mut command = cargo();
    command
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["fuzz", "run", target]);
    command.arg(output);
    if !options.cmin {
        command.arg(&corpus);
    }
    if seeds.is_dir() {
        command.arg(&seeds);
    }
    command
        .arg("--")
        .arg(format!("-max_total_time={}", options.seconds))
        .args(LIBFUZZER_OPTIONS)
        .stderr(Stdio::piped());
    println!(
        "\n$ RUSTC_BOOTSTRAP=1 cargo fuzz run {target} {}{} fuzz/seeds/{target} -- -max_total_time={} {}",
        output.display(),
        if options.cmin { String::new() } else { format!(" fuzz/corpus/{target}") },
        options.seconds,
        LIBFUZZER_OPTIONS.join(" ")
    );
    let mut child = command
        .spawn()
        .map_err(|e| format!("could not start cargo fuzz: {e}"))?;
    let mut stats = Stats::default();
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines() {
            let line = line?;
            eprintln!("{line}");
            stats.read_line(&line);
        }
    }
    let status = child.wait()?;
    let failure = if !status.success() {
        Some(match &stats.artifact {
            Some(artifact) => format!("{status}, input in {artifact}"),
            None => format!("{status}, see the output above"),
        })
    } else if stats.executions.is_none() {
        Some("libFuzzer printed no run count".to_owned())
    } else {
        None
    };
    if options.cmin && failure.is_none() {
        let mut cmin = cargo();
        cmin.env("RUSTC_BOOTSTRAP", "1")
            .args(["fuzz", "cmin", target])
            .arg(&corpus);
        run_command(cmin)?;
    }
    Ok(Report {
        target: target.to_owned(),
        stats,
        corpus: corpus_size(&corpus),
        failure,
    })
}

/// cargo-fuzz's version line, for the record.
fn fuzz_version() -> String {
    let mut command = cargo();
    command.args(["fuzz", "--version"]);
    command
        .output()
        .ok()
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .map_or_else(|| "cargo-fuzz ?".to_owned(), |v| v.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

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
        assert_eq!(options.targets, ["framer", "response", "session"]);
        assert!(!options.cmin);
    }

    #[test]
    fn unknown_target_is_refused() {
        assert!(parse_options(&args(&["--target", "nope"])).is_err());
    }

    #[test]
    fn time_is_per_target_in_seconds_minutes_or_hours() {
        for (given, seconds) in [("3600", 3600), ("90s", 90), ("10m", 600), ("1h", 3600)] {
            let options = parse_options(&args(&["--time", given, "--target", "session"])).unwrap();
            assert_eq!(options.seconds, seconds, "{given}");
            assert_eq!(options.targets, ["session"]);
        }
    }

    #[test]
    fn seconds_is_still_read() {
        assert_eq!(
            parse_options(&args(&["--seconds", "10"])).unwrap().seconds,
            10
        );
    }

    #[test]
    fn bad_or_zero_times_are_refused() {
        for bad in ["", "h", "1d", "1.5h", "-3", "0", "0s"] {
            assert!(parse_options(&args(&["--time", bad])).is_err(), "{bad:?}");
        }
        assert!(parse_options(&args(&["--time"])).is_err());
    }

    #[test]
    fn cmin_is_an_option() {
        assert!(parse_options(&args(&["--cmin"])).unwrap().cmin);
    }

    #[test]
    fn stats_come_from_status_lines_and_final_stats() {
        let mut stats = Stats::default();
        for line in [
            "INFO: Seed: 1234",
            "#2\tINITED cov: 100 ft: 200 corp: 6/1042b exec/s: 0 rss: 40Mb",
            "#4096\tpulse  cov: 812 ft: 2301 corp: 101/9Kb lim: 43 exec/s: 2048 rss: 50Mb",
            "#65536\tNEW    cov: 815 ft: 2310 corp: 102/9Kb lim: 43 exec/s: 3276 rss: 51Mb L: 12/40 MS: 1 ChangeByte-",
            "#70000\tDONE   cov: 815 ft: 2311 corp: 102/9Kb lim: 43 exec/s: 3500 rss: 51Mb",
            "Done 70000 runs in 20 second(s)",
            "stat::number_of_executed_units: 70001",
            "stat::average_exec_per_sec:     3500",
            "stat::new_units_added:          96",
            "stat::slowest_unit_time_sec:    0",
            "stat::peak_rss_mb:              51",
        ] {
            stats.read_line(line);
        }
        assert_eq!(
            stats,
            Stats {
                executions: Some(70001),
                cov: Some(815),
                ft: Some(2311),
                exec_per_sec: Some(3500),
                new_units: Some(96),
                peak_rss_mb: Some(51),
                artifact: None,
            }
        );
    }

    #[test]
    fn a_crash_names_its_input() {
        let mut stats = Stats::default();
        stats.read_line(
            "artifact_prefix='/w/fuzz/artifacts/session/'; Test unit written to /w/fuzz/artifacts/session/crash-da39a3ee",
        );
        assert_eq!(
            stats.artifact.as_deref(),
            Some("/w/fuzz/artifacts/session/crash-da39a3ee")
        );
    }

    #[test]
    fn a_line_that_only_mentions_cov_is_not_read() {
        let mut stats = Stats::default();
        stats.read_line("INFO: cov: 12 is not a status line");
        assert_eq!(stats, Stats::default());
    }
}
