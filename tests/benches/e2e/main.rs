//! End-to-end benchmark: typed-imap against a raw byte-counting client
//! (the limit) on a private Dovecot, over loopback (issue 14, point 5).
//!
//! `cargo bench -p typed-imap-tests --bench e2e -- [rounds] [workload ...]
//! [--contenders=a,b] [--large-mib=N] [--serve]`, or
//! `cargo xtask bench e2e [...]`. Rounds default to 15; workloads are
//! named in `workload.rs` (all by default); `--large-mib` changes the size
//! of the large messages (5 MiB).
//!
//! The parent fills the server once (10k messages of 4 KB in INBOX, 20 of
//! 5 MiB in `Large`), runs every workload once with every contender as a
//! warm-up (Dovecot builds its indexes and caches), then runs the rounds:
//! in each, every workload with every contender, taking turns (the first
//! contender of a round is last in the next), so that drift in a shared
//! machine's speed hits them alike. Each run is a fresh child process (this
//! binary again, `--child contender workload port user password`): it
//! connects, logs in and selects outside the timed part, times the
//! workload, logs out, and prints its wall and CPU time, items, bytes
//! received and peak RSS (`VmHWM`) absolute and before connecting. One
//! run's memory never counts in another's.
//!
//! Contenders are in `contender.rs`, which says how to add one.
//!
//! `--serve` fills the server and keeps it up instead, printing the
//! command line of a child, to run one by hand under strace or callgrind.

mod async_imap;
mod contender;
mod limit;
mod measure;
mod report;
mod typed;
mod typed_async;
mod workload;

use std::fs;
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use typed_imap_tests::dovecot::{Dovecot, Options, User};

use contender::{BenchError, Server, UNSUPPORTED};
use measure::{Measured, RESULT, SKIPPED};
use report::{Run, Runs};
use workload::Workload;

/// Rounds when none is given.
const DEFAULT_ROUNDS: u32 = 15;

/// The bench's user.
const USER: &str = "bench";
const PASSWORD: &str = "bench-secret";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("--child") => child(&args[1..]),
        // `cargo bench` passes `--bench`; `cargo test --benches` does not,
        // and should not start a bench of minutes.
        _ if !args.iter().any(|a| a == "--bench") => {
            println!("e2e: run with `cargo bench` or `cargo xtask bench e2e`");
            Ok(())
        }
        _ => parent(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("e2e: error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// One measured run: `contender workload port user password`.
fn child(args: &[String]) -> Result<(), BenchError> {
    let [name, workload, port, user, password] = args else {
        return Err(
            format!("--child wants contender workload port user password, got {args:?}").into(),
        );
    };
    let workload =
        Workload::from_name(workload).ok_or_else(|| format!("no workload {workload:?}"))?;
    let server = Server {
        port: port.parse()?,
        user: user.clone(),
        password: password.clone(),
    };
    let base_kib = measure::peak_kib();
    let mut contender = contender::open(name, &server, workload.mailbox())?;
    let cpu_start = measure::cpu_time();
    let start = Instant::now();
    let outcome = contender::run(&mut *contender, workload);
    let wall = start.elapsed();
    let cpu = measure::cpu_time().saturating_sub(cpu_start);
    let peak_kib = measure::peak_kib();
    let (anon_kib, file_kib) = measure::resident_kib();
    let outcome = match outcome {
        Err(error) if error.to_string().starts_with(UNSUPPORTED) => {
            println!("{SKIPPED} {error}");
            return Ok(());
        }
        other => other?,
    };
    contender.close()?;
    let measured = Measured {
        wall,
        cpu,
        items: outcome.items,
        received: outcome.received,
        peak_kib,
        base_kib,
        anon_kib,
        file_kib,
    };
    println!("{}", measured.line());
    Ok(())
}

/// What the command line asks.
struct Plan {
    rounds: u32,
    workloads: Vec<Workload>,
    contenders: Vec<&'static str>,
}

fn plan(args: &[String]) -> Result<Plan, BenchError> {
    let mut plan = Plan {
        rounds: DEFAULT_ROUNDS,
        workloads: Vec::new(),
        contenders: contender::NAMES.to_vec(),
    };
    for arg in args {
        if let Some(list) = arg.strip_prefix("--contenders=") {
            plan.contenders = list
                .split(',')
                .map(|name| {
                    contender::NAMES
                        .iter()
                        .copied()
                        .find(|known| *known == name)
                        .ok_or_else(|| {
                            format!("no contender {name:?} (known: {:?})", contender::NAMES)
                        })
                })
                .collect::<Result<_, _>>()?;
        } else if let Some(mib) = arg.strip_prefix("--large-mib=") {
            let mib: usize = mib.parse().map_err(|e| format!("--large-mib={mib}: {e}"))?;
            // Read by the fill and inherited by the children.
            std::env::set_var(workload::LARGE_MIB_VAR, mib.to_string());
        } else if let Ok(rounds) = arg.parse() {
            plan.rounds = rounds;
        } else if let Some(workload) = Workload::from_name(arg) {
            plan.workloads.push(workload);
        } else if !arg.starts_with("--") {
            let names: Vec<&str> = Workload::ALL.iter().map(|w| w.name()).collect();
            return Err(format!("no workload {arg:?} (known: {names:?})").into());
        }
    }
    if plan.workloads.is_empty() {
        plan.workloads = Workload::ALL.to_vec();
    }
    Ok(plan)
}

fn parent(args: &[String]) -> Result<(), BenchError> {
    let plan = plan(args)?;
    describe_machine();
    let server = Dovecot::start_with(Options {
        users: vec![User::new(USER, PASSWORD)],
        special_use: false,
        ..Options::default()
    })?;
    let started = Instant::now();
    if plan
        .workloads
        .iter()
        .any(|w| w.mailbox() == workload::SMALL_MAILBOX)
    {
        server.fill(USER, workload::SMALL_MAILBOX, workload::small_messages())?;
    }
    if plan.workloads.contains(&Workload::Large) {
        server.fill(USER, workload::LARGE_MAILBOX, workload::large_messages())?;
    }
    println!("filled in {:.1}s", started.elapsed().as_secs_f64());
    if args.iter().any(|a| a == "--serve") {
        return serve(&server);
    }
    let mut log = ServerLog::new(server.dir().join("dovecot.log"));
    let run_one = |contender: &'static str, workload: Workload, round: u32, log: &mut ServerLog| {
        let measured = spawn_child(contender, workload, server.plain_addr().port())?;
        let server_out = log.next_logout_out();
        Ok::<_, BenchError>(measured.map(|measured| Run {
            round,
            measured,
            server_out,
        }))
    };
    let started = Instant::now();
    for &workload in &plan.workloads {
        for &contender in &plan.contenders {
            run_one(contender, workload, 0, &mut log)?;
        }
    }
    println!("warm-up in {:.1}s", started.elapsed().as_secs_f64());
    let mut runs = Runs::default();
    for round in 0..plan.rounds {
        let started = Instant::now();
        for &workload in &plan.workloads {
            let mut order = plan.contenders.clone();
            if round % 2 == 1 {
                order.reverse();
            }
            for contender in order {
                if let Some(run) = run_one(contender, workload, round, &mut log)? {
                    runs.add(workload, contender, run);
                }
            }
        }
        println!(
            "round {}/{} in {:.1}s",
            round + 1,
            plan.rounds,
            started.elapsed().as_secs_f64()
        );
    }
    println!("\nload average after: {}", loadavg());
    let csv = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e-runs.csv");
    fs::write(&csv, runs.csv())?;
    println!("every run: {}", csv.display());
    runs.print(&plan.workloads);
    Ok(())
}

/// Keeps the filled server up for runs by hand (strace, callgrind), until
/// stdin ends or a line is entered.
fn serve(server: &Dovecot) -> Result<(), BenchError> {
    let port = server.plain_addr().port();
    println!(
        "serving on 127.0.0.1:{port}; a run: {} --child CONTENDER WORKLOAD {port} {USER} {PASSWORD}\n\
         (enter a line or close stdin to stop)",
        std::env::current_exe()?.display()
    );
    std::io::stdin().read_line(&mut String::new())?;
    Ok(())
}

/// Runs one child; `None` if the contender cannot do the workload.
fn spawn_child(
    contender: &str,
    workload: Workload,
    port: u16,
) -> Result<Option<Measured>, BenchError> {
    let output = Command::new(std::env::current_exe()?)
        .args([
            "--child",
            contender,
            workload.name(),
            &port.to_string(),
            USER,
            PASSWORD,
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "{contender} failed {} ({}): {stdout}",
            workload.name(),
            output.status
        )
        .into());
    }
    if stdout.lines().any(|line| line.starts_with(SKIPPED)) {
        return Ok(None);
    }
    let measured = stdout.lines().find_map(Measured::parse).ok_or_else(|| {
        format!(
            "{contender} {}: no {RESULT} line in {stdout:?}",
            workload.name()
        )
    })?;
    Ok(Some(measured))
}

/// The server's log, read from where the last look stopped.
struct ServerLog {
    path: PathBuf,
    offset: usize,
}

impl ServerLog {
    fn new(path: PathBuf) -> Self {
        let offset = fs::read(&path).map_or(0, |log| log.len());
        ServerLog { path, offset }
    }

    /// The `out=` of the next `Logged out` line: the bytes the server sent
    /// over the last connection. Dovecot writes it as the connection
    /// ends, maybe after the client is gone: waits a little for it.
    fn next_logout_out(&mut self) -> Option<u64> {
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            let log = fs::read(&self.path).ok()?;
            let new = log.get(self.offset..).unwrap_or_default();
            let text = String::from_utf8_lossy(new);
            if let Some(line_end) = text
                .find("Logged out")
                .and_then(|at| text[at..].find('\n').map(|end| at + end))
            {
                let line_start = text[..line_end].rfind('\n').map_or(0, |at| at + 1);
                self.offset += line_end + 1;
                return text[line_start..line_end]
                    .split_whitespace()
                    .find_map(|field| field.strip_prefix("out=")?.parse().ok());
            }
            if Instant::now() > deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(2));
        }
    }
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
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .map_or("?".into(), |m| m.trim().to_owned());
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let dovecot = Command::new(typed_imap_tests::install::DOVECOT)
        .arg("--version")
        .output()
        .map_or("?".into(), |o| {
            String::from_utf8_lossy(&o.stdout).trim().to_owned()
        });
    println!(
        "machine: {model}, {cores} cores, {memory}, Linux {}; Dovecot {dovecot}; load average before: {}",
        kernel.trim(),
        loadavg()
    );
}

fn loadavg() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}
