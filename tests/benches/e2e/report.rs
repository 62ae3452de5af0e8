//! The parent's summary: per workload and contender, best and median wall
//! time, the ratio to the limit, CPU time and peak memory.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::contender::{ASYNC_IMAP, LIMIT, NAMES, OURS, OURS_ASYNC};
use crate::measure::Measured;
use crate::workload::Workload;

/// One run as the parent saw it.
#[derive(Clone, Copy, Debug)]
pub struct Run {
    /// The round it belongs to.
    pub round: u32,
    /// What the child measured.
    pub measured: Measured,
    /// What the server says it sent over the whole connection (its
    /// logout line's `out=`), if it said.
    pub server_out: Option<u64>,
}

/// Every run, by workload and contender.
#[derive(Default)]
pub struct Runs {
    runs: BTreeMap<(usize, &'static str), Vec<Run>>,
}

/// The figures of one contender in one workload.
#[derive(Clone, Copy, Debug)]
pub struct Summary {
    /// Fastest wall time.
    pub best: Duration,
    /// Median wall time.
    pub median: Duration,
    /// Median CPU time of the client.
    pub cpu: Duration,
    /// Highest peak RSS, KiB.
    pub peak_kib: u64,
    /// Highest growth of the peak RSS over the run's start, KiB.
    pub grown_kib: u64,
    /// Bytes the client read, median, when counted.
    pub received: Option<u64>,
    /// Bytes the server sent over the connection, median.
    pub server_out: Option<u64>,
    /// How many runs.
    pub runs: usize,
}

impl Runs {
    /// Records a run.
    pub fn add(&mut self, workload: Workload, contender: &'static str, run: Run) {
        self.runs
            .entry((index(workload), contender))
            .or_default()
            .push(run);
    }

    /// The figures of `contender` in `workload`, if it ran.
    pub fn summary(&self, workload: Workload, contender: &str) -> Option<Summary> {
        let runs = self
            .runs
            .iter()
            .find(|((w, c), _)| *w == index(workload) && *c == contender)?
            .1;
        let mut walls: Vec<Duration> = runs.iter().map(|r| r.measured.wall).collect();
        let mut cpus: Vec<Duration> = runs.iter().map(|r| r.measured.cpu).collect();
        let mut received: Vec<u64> = runs.iter().filter_map(|r| r.measured.received).collect();
        let mut out: Vec<u64> = runs.iter().filter_map(|r| r.server_out).collect();
        Some(Summary {
            best: walls.iter().copied().min()?,
            median: median(&mut walls)?,
            cpu: median(&mut cpus)?,
            peak_kib: runs.iter().map(|r| r.measured.peak_kib).max()?,
            grown_kib: runs
                .iter()
                .map(|r| r.measured.peak_kib.saturating_sub(r.measured.base_kib))
                .max()?,
            received: median(&mut received),
            server_out: median(&mut out),
            runs: runs.len(),
        })
    }

    /// Every run as CSV, one line each, in the order they ran within
    /// each workload and contender.
    pub fn csv(&self) -> String {
        let mut text = String::from(
            "workload,contender,round,wall_ns,cpu_ns,items,received,peak_kib,base_kib,anon_kib,file_kib,server_out\n",
        );
        for ((workload, contender), runs) in &self.runs {
            let name = Workload::ALL.get(*workload).map_or("?", |w| w.name());
            for run in runs {
                let m = &run.measured;
                let optional = |n: Option<u64>| n.map_or(String::new(), |n| n.to_string());
                text.push_str(&format!(
                    "{name},{contender},{},{},{},{},{},{},{},{},{},{}\n",
                    run.round,
                    m.wall.as_nanos(),
                    m.cpu.as_nanos(),
                    m.items,
                    optional(m.received),
                    m.peak_kib,
                    m.base_kib,
                    m.anon_kib,
                    m.file_kib,
                    optional(run.server_out)
                ));
            }
        }
        text
    }

    /// The median over the rounds of `contender`'s time over the limit's
    /// in the same round: the two ran one right after the other, so a
    /// drift of the machine's speed cancels out better than in the ratio
    /// of medians.
    pub fn paired_ratio(&self, workload: Workload, contender: &str) -> Option<f64> {
        self.paired_ratios(workload, contender)
            .map(|[_, median, _]| median)
    }

    /// The quartiles (25%, median, 75%) of those per-round ratios.
    pub fn paired_ratios(&self, workload: Workload, contender: &str) -> Option<[f64; 3]> {
        self.paired_ratios_to(workload, contender, LIMIT)
    }

    /// The quartiles of the per-round ratios of `contender`'s time over
    /// `base`'s.
    pub fn paired_ratios_to(
        &self,
        workload: Workload,
        contender: &str,
        base: &str,
    ) -> Option<[f64; 3]> {
        let runs = |name: &str| {
            self.runs
                .iter()
                .find(|((w, c), _)| *w == index(workload) && *c == name)
                .map(|(_, runs)| runs)
        };
        let (ours, theirs) = (runs(contender)?, runs(base)?);
        let mut ratios: Vec<f64> = ours
            .iter()
            .filter_map(|run| {
                let other = theirs.iter().find(|l| l.round == run.round)?;
                Some(ratio(run.measured.wall, other.measured.wall))
            })
            .collect();
        ratios.sort_by(f64::total_cmp);
        let last = ratios.len().checked_sub(1)?;
        let at = |quarter: usize| ratios.get(last * quarter / 4).copied();
        Some([at(1)?, at(2)?, at(3)?])
    }

    /// Prints every workload's table, then the ratios against the targets.
    pub fn print(&self, workloads: &[Workload]) {
        for &workload in workloads {
            println!("\n{} ({})", workload.name(), workload.describe());
            println!(
                "  {:<12} {:>9} {:>9} {:>20} {:>9} {:>10} {:>10} {:>12} {:>12} {:>5}",
                "contender",
                "best ms",
                "median ms",
                "x limit b/m/p",
                "cpu ms",
                "peak KiB",
                "grown KiB",
                "received",
                "server out",
                "runs"
            );
            let limit = self.summary(workload, LIMIT);
            for name in NAMES {
                let Some(s) = self.summary(workload, name) else {
                    continue;
                };
                let paired = self.paired_ratio(workload, name).unwrap_or(f64::NAN);
                let ratio = limit.map_or(String::new(), |l| {
                    format!(
                        "x{:.3}/x{:.3}/x{paired:.3}",
                        ratio(s.best, l.best),
                        ratio(s.median, l.median)
                    )
                });
                let count = |n: Option<u64>| n.map_or("-".to_owned(), |n| n.to_string());
                println!(
                    "  {:<12} {:>9.1} {:>9.1} {:>20} {:>9.1} {:>10} {:>10} {:>12} {:>12} {:>5}",
                    name,
                    ms(s.best),
                    ms(s.median),
                    ratio,
                    ms(s.cpu),
                    s.peak_kib,
                    s.grown_kib,
                    count(s.received),
                    count(s.server_out),
                    s.runs
                );
            }
        }
        self.print_targets();
        self.print_async_targets(workloads);
    }

    /// Issue 15's targets: the async client within x1.05 of the blocking
    /// one and ahead of async-imap, per workload (the medians of the
    /// rounds' ratios, with their quartiles).
    fn print_async_targets(&self, workloads: &[Workload]) {
        let pairs: [(&str, &str, f64); 2] = [
            (OURS, "within x1.05 of typed-imap (blocking)", 1.05),
            (ASYNC_IMAP, "ahead of async-imap", 1.0),
        ];
        println!(
            "\ntargets of the async client ({OURS_ASYNC}'s time over the other's, median of \
             the rounds' ratios [quartiles]):"
        );
        for &workload in workloads {
            for (base, target, bound) in pairs {
                let Some([low, median, high]) = self.paired_ratios_to(workload, OURS_ASYNC, base)
                else {
                    if self.summary(workload, OURS_ASYNC).is_some() {
                        println!("  {:<10} {target}: {base} cannot do it", workload.name());
                    }
                    continue;
                };
                let met = if median <= bound { "met" } else { "missed" };
                println!(
                    "  {:<10} {target}: x{median:.3} [{low:.3}-{high:.3}] ({met})",
                    workload.name()
                );
            }
        }
    }

    /// Issue 14's targets, each with what was measured.
    fn print_targets(&self) {
        println!(
            "\ntargets (typed-imap's time over the limit's: best over best, median over median, \
             median of the rounds' ratios; peak RSS of the process, and its growth after start):"
        );
        let targets: [(Workload, &str, Option<u64>); 3] = [
            (
                Workload::Large,
                "within x1.05, peak RSS under 8 MB",
                Some(8_000),
            ),
            (
                Workload::Metadata,
                "within x1.05, peak RSS under 4 MB",
                Some(4_000),
            ),
            (
                Workload::Pipelined,
                "within x1.05, every result correct (checked by the child)",
                None,
            ),
        ];
        for (workload, target, memory_kb) in targets {
            let (Some(ours), Some(limit)) =
                (self.summary(workload, OURS), self.summary(workload, LIMIT))
            else {
                continue;
            };
            let (best, median) = (
                ratio(ours.best, limit.best),
                ratio(ours.median, limit.median),
            );
            let [low, paired, high] = self.paired_ratios(workload, OURS).unwrap_or([f64::NAN; 3]);
            let time_met = if paired <= 1.05 { "met" } else { "missed" };
            let memory = memory_kb.map_or(String::new(), |kb| {
                // VmHWM is in KiB; the targets in MB (10^6 bytes).
                let met = |kib: u64| {
                    if kib * 1024 <= kb * 1000 {
                        "met"
                    } else {
                        "missed"
                    }
                };
                format!(
                    "; peak {:.2} MB ({}), grown {:.2} MB ({})",
                    mb(ours.peak_kib),
                    met(ours.peak_kib),
                    mb(ours.grown_kib),
                    met(ours.grown_kib)
                )
            });
            println!(
                "  {:<10} {target}: x{best:.3}/x{median:.3}/x{paired:.3} ({time_met} on the rounds' ratios, \
                 whose quartiles are x{low:.3}-x{high:.3}){memory}",
                workload.name()
            );
        }
    }
}

/// The position of `workload` in the report.
fn index(workload: Workload) -> usize {
    Workload::ALL
        .iter()
        .position(|w| *w == workload)
        .unwrap_or(usize::MAX)
}

/// The median (the lower of the middle two for an even count).
fn median<T: Ord + Copy>(values: &mut [T]) -> Option<T> {
    values.sort_unstable();
    values.get(values.len().checked_sub(1)? / 2).copied()
}

fn ratio(ours: Duration, limit: Duration) -> f64 {
    ours.as_secs_f64() / limit.as_secs_f64()
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

fn mb(kib: u64) -> f64 {
    kib as f64 * 1024.0 / 1e6
}
