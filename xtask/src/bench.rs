//! `cargo xtask bench [criterion arguments]`: runs the parsing benchmark
//! (`client/benches/parse.rs`) and prints each measurement's throughput in
//! MB/s with typed-imap's ratio to every other contender of its group;
//! then, for bench (a), the interleaved one (`client/benches/interleaved.rs`),
//! whose ratios a drifting machine disturbs less; then, unless a filter
//! names parser benchmarks only, the end-to-end one against a private
//! Dovecot (`tests/benches/e2e`: the blocking and async clients,
//! async-imap and the limit), the many-connections one
//! (`tests/benches/scale.rs`: 1000 idle async sessions, plain and TLS)
//! and the backup one against mbsync.
//!
//! `cargo xtask bench e2e [rounds] [workload ...]` runs only the
//! end-to-end benchmark, `cargo xtask bench scale [rounds]
//! [--sessions=N]` only the many-connections one, with their own
//! arguments.

use std::collections::BTreeMap;

use crate::shell::{cargo, run_command, run_streaming};
use crate::TaskResult;

/// The contender whose ratios are reported.
const OURS: &str = "typed-imap";

/// The middle estimate of a criterion `thrpt:` line, in MB/s (10^6 bytes).
fn throughput_mb(line: &str) -> Option<f64> {
    let inside = line.split_once("thrpt:")?.1.trim().trim_start_matches('[');
    let fields: Vec<&str> = inside.split_whitespace().collect();
    // [low unit mid unit high unit]
    let (value, unit) = (fields.get(2)?, fields.get(3)?);
    let value: f64 = value.parse().ok()?;
    let scale = match *unit {
        "B/s" => 1e-6,
        "KiB/s" => 1024.0 / 1e6,
        "MiB/s" => 1_048_576.0 / 1e6,
        "GiB/s" => 1_073_741_824.0 / 1e6,
        _ => return None,
    };
    Some(value * scale)
}

/// The benchmark id a criterion output line starts with, if any.
fn benchmark_name(line: &str) -> Option<&str> {
    if line.starts_with(char::is_whitespace) {
        return None;
    }
    let name = line.split_whitespace().next()?;
    name.contains('/').then_some(name)
}

/// The other ids of `name`'s group: `name` with another contender in it.
fn peers<'a>(name: &str, results: &'a BTreeMap<String, f64>) -> Vec<(&'a str, f64)> {
    let Some((before, after)) = name.split_once(OURS) else {
        return Vec::new();
    };
    results
        .iter()
        .filter(|(other, _)| {
            other.as_str() != name && other.starts_with(before) && other.ends_with(after)
        })
        .map(|(other, mb)| (other.as_str(), *mb))
        .collect()
}

/// The first argument that selects the end-to-end benchmark alone.
const E2E: &str = "e2e";

/// The first argument that selects the many-connections benchmark alone.
const SCALE: &str = "scale";

/// Runs the benchmarks and prints their summaries.
pub fn run(args: &[String]) -> TaskResult {
    if let Some((first, rest)) = args.split_first() {
        if first == E2E {
            return run_e2e(rest);
        }
        if first == SCALE {
            return run_scale(rest);
        }
    }
    run_parse(args)?;
    if runs_bench_a(args) {
        let mut interleaved = cargo();
        interleaved.args(["bench", "-p", "typed-imap", "--bench", "interleaved"]);
        run_command(interleaved)?;
    }
    if !has_filter(args) {
        run_e2e(&[])?;
        run_scale(&[])?;
        run_backup()?;
    }
    Ok(())
}

/// typed-imap's backup against mbsync (`cli/benches/backup.rs`), which
/// prints its own summary.
fn run_backup() -> TaskResult {
    let mut backup = cargo();
    backup.args(["bench", "-p", "typed-imap-cli", "--bench", "backup"]);
    run_command(backup)?;
    Ok(())
}

/// The end-to-end benchmark, which prints its own summary.
fn run_e2e(args: &[String]) -> TaskResult {
    let mut command = cargo();
    command.args(["bench", "-p", "typed-imap-tests", "--bench", "e2e", "--"]);
    command.args(args);
    run_command(command)?;
    Ok(())
}

/// The many-connections benchmark, which prints its own summary.
fn run_scale(args: &[String]) -> TaskResult {
    let mut command = cargo();
    command.args(["bench", "-p", "typed-imap-tests", "--bench", "scale", "--"]);
    command.args(args);
    run_command(command)?;
    Ok(())
}

/// The parsing benchmark, then its summary table.
fn run_parse(args: &[String]) -> TaskResult {
    let mut command = cargo();
    command.args(["bench", "-p", "typed-imap", "--bench", "parse", "--"]);
    command.args(args);
    let mut results = BTreeMap::new();
    let mut current: Option<String> = None;
    run_streaming(command, |line| {
        if let Some(name) = benchmark_name(line) {
            current = Some(name.to_owned());
        }
        if let (Some(name), Some(mb)) = (&current, throughput_mb(line)) {
            results.insert(name.clone(), mb);
        }
    })?;
    println!("\nxtask bench: throughput (MB/s) and typed-imap's ratio to each");
    for (name, mb) in &results {
        println!("  {name:<45} {mb:>10.1} MB/s");
        if name.contains(OURS) {
            for (peer, peer_mb) in peers(name, &results) {
                println!("      x{:.2} vs {peer}", mb / peer_mb);
            }
        }
    }
    Ok(())
}

/// The criterion filters among the arguments (those not options).
fn filters(args: &[String]) -> Vec<&String> {
    args.iter().filter(|a| !a.starts_with('-')).collect()
}

/// Whether the criterion arguments name some parser benchmarks only.
fn has_filter(args: &[String]) -> bool {
    !filters(args).is_empty()
}

/// Whether the criterion arguments (a filter, if any) select bench (a).
fn runs_bench_a(args: &[String]) -> bool {
    let filters = filters(args);
    filters.is_empty()
        || filters
            .iter()
            .any(|f| "a_fetch_10k_headers".contains(f.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interleaved_bench_follows_a_filter_that_selects_bench_a() {
        let args = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(runs_bench_a(&args(&[])));
        assert!(runs_bench_a(&args(&["a_fetch"])));
        assert!(runs_bench_a(&args(&["--noplot"])));
        assert!(!runs_bench_a(&args(&["c_search"])));
    }

    #[test]
    fn the_end_to_end_bench_runs_unless_a_filter_names_parser_benchmarks() {
        let args = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(!has_filter(&args(&[])));
        assert!(!has_filter(&args(&["--noplot"])));
        assert!(has_filter(&args(&["c_search"])));
    }

    #[test]
    fn throughput_line_reads_the_middle_estimate() {
        let line = "                        thrpt:  [149.27 MiB/s 163.03 MiB/s 188.22 MiB/s]";
        let mb = throughput_mb(line).unwrap();
        assert!((mb - 163.03 * 1.048576).abs() < 1e-6);
        assert!(throughput_mb("time: [1 ms 2 ms 3 ms]").is_none());
    }

    #[test]
    fn names_start_unindented_lines_with_a_slash() {
        assert_eq!(
            benchmark_name("c_search/typed-imap/100000"),
            Some("c_search/typed-imap/100000")
        );
        assert_eq!(
            benchmark_name("status_10k/imap-proto   time: [1 ms]"),
            Some("status_10k/imap-proto")
        );
        assert_eq!(benchmark_name("                        thrpt: [..]"), None);
        assert_eq!(benchmark_name("Gnuplot not found"), None);
    }

    #[test]
    fn peers_share_the_group_and_parameter() {
        let results: BTreeMap<String, f64> = [
            ("c_search/typed-imap/100", 3.0),
            ("c_search/imap-proto/100", 1.0),
            ("c_search/imap-proto/1000", 2.0),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        assert_eq!(
            peers("c_search/typed-imap/100", &results),
            [("c_search/imap-proto/100", 1.0)]
        );
    }
}
