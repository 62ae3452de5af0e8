//! What a child measures of itself, and the line it reports it on.

use std::fs;

use rustix::time::{clock_gettime, ClockId};
use std::time::Duration;

/// The process's peak resident memory so far, in KiB (`VmHWM`).
pub fn peak_kib() -> u64 {
    status_kib("VmHWM")
}

/// Resident memory now, KiB: (anonymous (heap, stacks), file-backed (the
/// binary's pages touched so far)). There is no peak of each.
pub fn resident_kib() -> (u64, u64) {
    (status_kib("RssAnon"), status_kib("RssFile"))
}

/// A `kB` field of `/proc/self/status`.
fn status_kib(field: &str) -> u64 {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// CPU time of the process so far, all threads, exact to the call
/// (`/proc/self/stat` counts in ticks, `schedstat` lags by up to one).
pub fn cpu_time() -> Duration {
    let now = clock_gettime(ClockId::ProcessCPUTime);
    Duration::new(
        u64::try_from(now.tv_sec).unwrap_or(0),
        u32::try_from(now.tv_nsec).unwrap_or(0),
    )
}

/// The prefix of a child's result line.
pub const RESULT: &str = "e2e-result";

/// The prefix of a child's line saying it cannot do the workload.
pub const SKIPPED: &str = "e2e-skipped";

/// One measured run, as a child reports it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Measured {
    /// Wall time of the workload.
    pub wall: Duration,
    /// CPU time of the client process during the workload.
    pub cpu: Duration,
    /// Items (typed results, or the limit's tagged completions).
    pub items: u64,
    /// Bytes read from the socket during the workload, if counted.
    pub received: Option<u64>,
    /// Peak RSS of the process, KiB.
    pub peak_kib: u64,
    /// Peak RSS before connecting, KiB.
    pub base_kib: u64,
    /// Anonymous RSS at the end of the workload, KiB.
    pub anon_kib: u64,
    /// File-backed RSS at the end of the workload, KiB.
    pub file_kib: u64,
}

impl Measured {
    /// The result line: `e2e-result key=value ...`.
    pub fn line(&self) -> String {
        let received = self.received.map_or("-".to_owned(), |n| n.to_string());
        format!(
            "{RESULT} wall_ns={} cpu_ns={} items={} received={received} peak_kib={} base_kib={} \
             anon_kib={} file_kib={}",
            self.wall.as_nanos(),
            self.cpu.as_nanos(),
            self.items,
            self.peak_kib,
            self.base_kib,
            self.anon_kib,
            self.file_kib
        )
    }

    /// Reads a result line back.
    pub fn parse(line: &str) -> Option<Measured> {
        let mut fields = line.strip_prefix(RESULT)?.split_whitespace();
        let mut value =
            |key: &str| -> Option<&str> { fields.next()?.strip_prefix(key)?.strip_prefix('=') };
        let nanos = |text: &str| text.parse().ok().map(Duration::from_nanos);
        Some(Measured {
            wall: nanos(value("wall_ns")?)?,
            cpu: nanos(value("cpu_ns")?)?,
            items: value("items")?.parse().ok()?,
            received: match value("received")? {
                "-" => None,
                n => Some(n.parse().ok()?),
            },
            peak_kib: value("peak_kib")?.parse().ok()?,
            base_kib: value("base_kib")?.parse().ok()?,
            anon_kib: value("anon_kib")?.parse().ok()?,
            file_kib: value("file_kib")?.parse().ok()?,
        })
    }
}
