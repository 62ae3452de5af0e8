//! Many connections from one process (issue 15, point 6): the time to
//! open a thousand authenticated sessions of the async client on one
//! current-thread runtime, and the memory each idle session holds, over
//! plain TCP and over TLS.
//!
//! `cargo bench -p typed-imap-tests --bench scale -- [rounds]
//! [--sessions=N] [--serve]`, or `cargo xtask bench scale [...]`. Rounds
//! default to 3, sessions to 1000. `--serve` starts and fills the server
//! and keeps it up, printing the command lines of a child, to run one by
//! hand under heaptrack or massif; with `SCALE_EXIT_WHEN_IDLE` set, the
//! child exits once every session idles, and what a heap profiler
//! reports as leaked is what the idle sessions hold.
//!
//! The parent starts one Dovecot configured for the sessions and fills
//! it with a message for each. Each run is a child process (this binary
//! again, `--child plain|tls sessions port password certificate`), plain and TLS
//! taking turns: it builds its runtime, reads its memory (`VmRSS`,
//! `RssAnon`), runs the `typed_imap_tests::fleet` (every session opens
//! — connect, LOGIN, SELECT, its own message fetched and checked, IDLE —
//! 64 at a time; once all idle, the memory is read again; a message is
//! delivered, each sees its EXISTS, DONE, LOGOUT) and reads its memory
//! once more after the last LOGOUT. Memory per idle session is (memory
//! with every session idle − memory before the first) / sessions; TLS
//! over plain is what rustls holds per connection.

use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;
use std::{fs, thread};

use typed_imap::transport::TlsConfig;
use typed_imap_tests::dovecot::{Dovecot, Options};
use typed_imap_tests::fleet::{fill, Fleet, Transport, OPENING_AT_ONCE, USER};

type BenchError = Box<dyn std::error::Error + Send + Sync>;

/// Rounds when none is given.
const DEFAULT_ROUNDS: u32 = 3;
/// Sessions when `--sessions` does not say.
const DEFAULT_SESSIONS: u32 = 1000;
/// The target: memory per idle session beyond what TLS holds, bytes.
const TARGET_BYTES: u64 = 64 * 1024;
/// The prefix of a child's result line.
const RESULT: &str = "scale-result";
/// Set in a child's environment, it exits as soon as every session
/// idles: a heap profiler's "leaked" report is then what they hold.
const EXIT_WHEN_IDLE: &str = "SCALE_EXIT_WHEN_IDLE";
/// The transports, in the order they take turns.
const TRANSPORTS: [&str; 2] = ["plain", "tls"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("--child") => child(&args[1..]),
        // `cargo bench` passes `--bench`; `cargo test --benches` does not.
        _ if !args.iter().any(|a| a == "--bench") => {
            println!("scale: run with `cargo bench` or `cargo xtask bench scale`");
            Ok(())
        }
        _ => parent(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("scale: error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// What a child measured.
#[derive(Clone, Copy, Debug, Default)]
struct Measured {
    /// From the start until every session idled.
    opened: Duration,
    /// From the delivery until every session logged out.
    ended: Duration,
    /// `VmRSS` and `RssAnon` before the first connection, KiB.
    rss_before: u64,
    anon_before: u64,
    /// The same with every session idle.
    rss_idle: u64,
    anon_idle: u64,
    /// The same after every session logged out.
    rss_after: u64,
    anon_after: u64,
    /// `VmHWM`: the peak, KiB.
    peak: u64,
}

impl Measured {
    fn line(&self) -> String {
        format!(
            "{RESULT} opened_ns={} ended_ns={} rss_before={} anon_before={} rss_idle={} \
             anon_idle={} rss_after={} anon_after={} peak={}",
            self.opened.as_nanos(),
            self.ended.as_nanos(),
            self.rss_before,
            self.anon_before,
            self.rss_idle,
            self.anon_idle,
            self.rss_after,
            self.anon_after,
            self.peak
        )
    }

    fn parse(line: &str) -> Option<Measured> {
        let mut fields = line.strip_prefix(RESULT)?.split_whitespace();
        let mut value = |key: &str| -> Option<u64> {
            fields
                .next()?
                .strip_prefix(key)?
                .strip_prefix('=')?
                .parse()
                .ok()
        };
        Some(Measured {
            opened: Duration::from_nanos(value("opened_ns")?),
            ended: Duration::from_nanos(value("ended_ns")?),
            rss_before: value("rss_before")?,
            anon_before: value("anon_before")?,
            rss_idle: value("rss_idle")?,
            anon_idle: value("anon_idle")?,
            rss_after: value("rss_after")?,
            anon_after: value("anon_after")?,
            peak: value("peak")?,
        })
    }

    /// Bytes of resident memory per idle session.
    fn rss_per_session(&self, sessions: u32) -> f64 {
        per_session(self.rss_idle, self.rss_before, sessions)
    }

    /// Bytes of anonymous memory (heap, stacks) per idle session.
    fn anon_per_session(&self, sessions: u32) -> f64 {
        per_session(self.anon_idle, self.anon_before, sessions)
    }
}

fn per_session(with: u64, before: u64, sessions: u32) -> f64 {
    (with as f64 - before as f64) * 1024.0 / f64::from(sessions)
}

/// A field of `/proc/self/status`, KiB.
fn status_kib(field: &str) -> u64 {
    fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// One run: `plain|tls sessions port password`.
fn child(args: &[String]) -> Result<(), BenchError> {
    let [transport, sessions, port, password, certificate] = args else {
        return Err(format!(
            "--child wants plain|tls sessions port password certificate, got {args:?}"
        )
        .into());
    };
    let sessions: u32 = sessions.parse()?;
    let port: u16 = port.parse()?;
    let transport = match transport.as_str() {
        "plain" => Transport::Plain(port),
        "tls" => Transport::Tls(port, TlsConfig::custom_roots_pem(&fs::read(certificate)?)?),
        other => return Err(format!("no transport {other:?}").into()),
    };
    let fleet = Fleet::with_password(sessions, transport, password);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut measured = Measured {
        rss_before: status_kib("VmRSS"),
        anon_before: status_kib("RssAnon"),
        ..Measured::default()
    };
    let exit_when_idle = std::env::var_os(EXIT_WHEN_IDLE).is_some();
    let phases = runtime.block_on(fleet.run(|| {
        measured.rss_idle = status_kib("VmRSS");
        measured.anon_idle = status_kib("RssAnon");
        if exit_when_idle {
            println!("{}", measured.line());
            std::process::exit(0);
        }
    }))?;
    measured.opened = phases.opened;
    measured.ended = phases.ended;
    measured.rss_after = status_kib("VmRSS");
    measured.anon_after = status_kib("RssAnon");
    measured.peak = status_kib("VmHWM");
    println!("{}", measured.line());
    Ok(())
}

fn parent(args: &[String]) -> Result<(), BenchError> {
    let mut rounds = DEFAULT_ROUNDS;
    let mut sessions = DEFAULT_SESSIONS;
    for arg in args {
        if let Some(n) = arg.strip_prefix("--sessions=") {
            sessions = n.parse().map_err(|e| format!("--sessions={n}: {e}"))?;
        } else if let Ok(n) = arg.parse() {
            rounds = n;
        } else if !arg.starts_with("--") {
            return Err(format!("unknown argument {arg:?}").into());
        }
    }
    describe_machine();
    let server = Dovecot::start_with(Options {
        special_use: false,
        ..Options::connections(sessions)
    })?;
    fill(&server, sessions)?;
    // The server's certificate, for the children to trust.
    let certificate = server.dir().join("cert.pem");
    let password = server
        .user(USER)
        .map(|u| u.password.clone())
        .unwrap_or_default();
    if args.iter().any(|a| a == "--serve") {
        return serve(&server, sessions, &password, &certificate);
    }
    println!(
        "{sessions} sessions as one user, opened {OPENING_AT_ONCE} at a time, on one \
         current-thread runtime; {rounds} rounds"
    );
    let mut runs: Vec<(&str, Measured)> = Vec::new();
    for round in 0..rounds {
        let mut order = TRANSPORTS;
        if round % 2 == 1 {
            order.reverse();
        }
        for transport in order {
            let port = match transport {
                "plain" => server.plain_addr().port(),
                _ => server.tls_addr().port(),
            };
            let measured = spawn_child(transport, sessions, port, &password, &certificate)?;
            println!(
                "round {} {transport:<5}: opened in {:.2} s, ended in {:.2} s, {:.1} KiB RSS \
                 ({:.1} KiB anonymous) per idle session, peak {} KiB",
                round + 1,
                measured.opened.as_secs_f64(),
                measured.ended.as_secs_f64(),
                measured.rss_per_session(sessions) / 1024.0,
                measured.anon_per_session(sessions) / 1024.0,
                measured.peak
            );
            runs.push((transport, measured));
        }
    }
    println!("\nload average after: {}", loadavg());
    summarize(&runs, sessions);
    Ok(())
}

/// Keeps the filled server up for runs by hand (heaptrack, massif),
/// until stdin ends or a line is entered.
fn serve(
    server: &Dovecot,
    sessions: u32,
    password: &str,
    certificate: &Path,
) -> Result<(), BenchError> {
    let exe = std::env::current_exe()?;
    for (transport, port) in [
        ("plain", server.plain_addr().port()),
        ("tls", server.tls_addr().port()),
    ] {
        println!(
            "a {transport} run: {} --child {transport} {sessions} {port} {password} {}",
            exe.display(),
            certificate.display()
        );
    }
    println!("(enter a line or close stdin to stop)");
    std::io::stdin().read_line(&mut String::new())?;
    Ok(())
}

/// Runs one child and reads its result.
fn spawn_child(
    transport: &str,
    sessions: u32,
    port: u16,
    password: &str,
    certificate: &Path,
) -> Result<Measured, BenchError> {
    let output = Command::new(std::env::current_exe()?)
        .args([
            "--child",
            transport,
            &sessions.to_string(),
            &port.to_string(),
            password,
        ])
        .arg(certificate)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!("the {transport} run failed ({}): {stdout}", output.status).into());
    }
    stdout
        .lines()
        .find_map(Measured::parse)
        .ok_or_else(|| format!("{transport}: no {RESULT} line in {stdout:?}").into())
}

/// The medians of each transport, TLS's share, and the target.
fn summarize(runs: &[(&str, Measured)], sessions: u32) {
    let median = |transport: &str, value: &dyn Fn(&Measured) -> f64| -> f64 {
        let mut values: Vec<f64> = runs
            .iter()
            .filter(|(t, _)| *t == transport)
            .map(|(_, m)| value(m))
            .collect();
        values.sort_by(f64::total_cmp);
        values
            .get(values.len().saturating_sub(1) / 2)
            .copied()
            .unwrap_or(f64::NAN)
    };
    println!(
        "\n{sessions} sessions, medians:\n  {:<6} {:>10} {:>10} {:>16} {:>16} {:>10} {:>14}",
        "", "opened s", "ended s", "RSS B/session", "anon B/session", "peak KiB", "RSS after KiB"
    );
    for transport in TRANSPORTS {
        println!(
            "  {:<6} {:>10.2} {:>10.2} {:>16.0} {:>16.0} {:>10.0} {:>14.0}",
            transport,
            median(transport, &|m| m.opened.as_secs_f64()),
            median(transport, &|m| m.ended.as_secs_f64()),
            median(transport, &|m| m.rss_per_session(sessions)),
            median(transport, &|m| m.anon_per_session(sessions)),
            median(transport, &|m| m.peak as f64),
            median(transport, &|m| m.rss_after as f64),
        );
    }
    let plain = median("plain", &|m| m.rss_per_session(sessions));
    let tls = median("tls", &|m| m.rss_per_session(sessions));
    let met = if plain < TARGET_BYTES as f64 {
        "met"
    } else {
        "missed"
    };
    println!(
        "\ntarget: under {} KiB per idle session beyond TLS: {:.1} KiB over plain TCP ({met}); \
         TLS adds {:.1} KiB (rustls's state)",
        TARGET_BYTES / 1024,
        plain / 1024.0,
        (tls - plain) / 1024.0
    );
}

/// Prints what the figures were measured on.
fn describe_machine() {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| {
            line.strip_prefix("model name")?
                .split_once(':')
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "machine: {model}, {cores} cores; load average before: {}",
        loadavg()
    );
}

fn loadavg() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}
