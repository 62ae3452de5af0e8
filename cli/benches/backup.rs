//! `typed-imap backup` against mbsync (isync), the tool people use now:
//! the same private Dovecot, the same 10,000 messages (40 MB), the same
//! fsync policy for both, runs interleaved (ours, theirs, ours, ...).
//!
//! 1. a full backup into an empty Maildir: wall time and peak memory;
//! 2. a run with nothing new (the server has QRESYNC);
//! 3. 100 flag changes and 10 new messages since the last run: what
//!    typed-imap receives is counted on the wire (a proxy in between).
//!
//! `cargo xtask bench` runs it; alone: `cargo bench -p typed-imap-cli
//! --bench backup`. mbsync is installed (`apt-get install isync`) when
//! missing and this runs as root; otherwise its rows are skipped.
//! `BACKUP_BENCH_MESSAGES` and `BACKUP_BENCH_ROUNDS` change the sizes,
//! `BACKUP_BENCH_FSYNC=never` (or `always`) runs one fsync policy only;
//! `BACKUP_BENCH_STRACE=DIR` adds one untimed run of each tool under
//! `strace -f -c -w` per policy, its summary written into DIR.

use std::path::{Path, PathBuf};
use std::process::Command;

use typed_imap::types::{Flag, SequenceSet, StoreAction};
use typed_imap::{Append, Examine, Select};
use typed_imap_tests::dovecot::Dovecot;
use typed_imap_tests::messages::sample_message;
use typed_imap_tests::proxy::CutProxy;

const PASSWORD: &str = "alice-secret";

/// One run of one tool: wall seconds, CPU seconds (user + system) and
/// peak resident memory in KiB.
#[derive(Clone, Copy, Debug)]
struct Run {
    seconds: f64,
    cpu: f64,
    peak_kib: u64,
}

fn main() {
    // `cargo bench` passes `--bench`; a filter that is not ours skips it.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if !filter.is_empty()
        && !filter
            .iter()
            .any(|f| "backup_vs_mbsync".contains(f.as_str()))
    {
        return;
    }
    let messages = env_number("BACKUP_BENCH_MESSAGES", 10_000);
    let rounds = env_number("BACKUP_BENCH_ROUNDS", 3);
    ensure_tool("/usr/bin/time", "time");
    let mbsync = ensure_tool("/usr/bin/mbsync", "isync");

    let server = Dovecot::start().expect("start Dovecot");
    server
        .fill(
            "alice",
            "INBOX",
            (1..=messages).map(|n| sample_message(n, 4000)),
        )
        .expect("fill INBOX");
    // Dovecot indexes the new files at the first SELECT: not timed.
    let mut client = typed_imap_tests::client::logged_in(&server, "alice").expect("log in");
    client.run(Select::new("INBOX")).expect("SELECT");
    let scratch = tempfile::tempdir().expect("a scratch directory");
    let port = server.plain_addr().port();
    let config = write_config(scratch.path(), port);
    println!(
        "backup_vs_mbsync: {messages} messages of 4 KB from a local Dovecot, {rounds} rounds, interleaved"
    );

    let policies = std::env::var("BACKUP_BENCH_FSYNC").unwrap_or_else(|_| "never,always".into());
    for fsync in policies
        .split(',')
        .filter(|p| ["never", "always"].contains(p))
    {
        let mut ours = Vec::new();
        let mut theirs = Vec::new();
        let mut ours_noop = Vec::new();
        let mut theirs_noop = Vec::new();
        for round in 0..rounds {
            let target = scratch.path().join(format!("ours-{fsync}-{round}"));
            ours.push(typed_imap_backup(&config, &target, fsync, None));
            ours_noop.push(typed_imap_backup(&config, &target, fsync, None));
            if mbsync {
                let target = scratch.path().join(format!("mbsync-{fsync}-{round}"));
                theirs.push(mbsync_pull(scratch.path(), port, &target, fsync, None));
                theirs_noop.push(mbsync_pull(scratch.path(), port, &target, fsync, None));
            }
        }
        if let Some(dir) = std::env::var_os("BACKUP_BENCH_STRACE") {
            // Where the time goes: one more run of each, not timed.
            let trace = |name: &str| Some(Path::new(&dir).join(format!("{name}-{fsync}.txt")));
            let target = scratch.path().join(format!("ours-{fsync}-traced"));
            typed_imap_backup(&config, &target, fsync, trace("typed-imap-full").as_deref());
            typed_imap_backup(&config, &target, fsync, trace("typed-imap-noop").as_deref());
            if mbsync {
                let target = scratch.path().join(format!("mbsync-{fsync}-traced"));
                let dir = scratch.path();
                mbsync_pull(dir, port, &target, fsync, trace("mbsync-full").as_deref());
                mbsync_pull(dir, port, &target, fsync, trace("mbsync-noop").as_deref());
            }
        }
        println!(
            "\n  fsync {fsync} (mbsync FSync {})",
            if fsync == "always" { "yes" } else { "no" }
        );
        compare("full backup", &ours, &theirs);
        compare("nothing new", &ours_noop, &theirs_noop);
        let noop = median(&ours_noop);
        let peak = ours.iter().map(|r| r.peak_kib).max().unwrap_or(0);
        verdict("full backup under 16 MB (every round)", peak < 16 * 1024);
        if !theirs.is_empty() {
            verdict(
                "full backup at least as fast as mbsync (paired rounds)",
                paired_ratio(&ours, &theirs) >= 1.0,
            );
            verdict(
                "nothing new 10x faster than mbsync (paired rounds)",
                paired_ratio(&ours_noop, &theirs_noop) >= 10.0,
            );
        }
        verdict("nothing new under 50 ms", noop.seconds < 0.050);
    }

    changes_on_the_wire(&server, scratch.path(), &mut client);
}

/// 100 flag changes and 10 new messages: only those are received.
fn changes_on_the_wire(
    server: &Dovecot,
    scratch: &Path,
    client: &mut typed_imap::blocking::Client,
) {
    let proxy = CutProxy::start(server.plain_addr(), " EXAMINE ").expect("start the proxy");
    let config = write_config(scratch, proxy.addr().port());
    let target = scratch.join("wire");
    typed_imap_backup(&config, &target, "never", None);
    client
        .uid_store(
            SequenceSet::from(101..=200),
            StoreAction::add([Flag::Flagged]),
        )
        .expect("flag 100 messages");
    for n in 0..10 {
        client
            .run(Append::new("INBOX", sample_message(900_000 + n, 4000)))
            .expect("append");
    }
    client.run(Examine::new("INBOX")).expect("EXAMINE");
    let run = typed_imap_backup(&config, &target, "never", None);
    let wire = String::from_utf8_lossy(&proxy.passed()).into_owned();
    let bodies = wire.matches("BODY[]").count();
    let fetches = wire.matches(" FETCH (").count();
    // A tagged completion per command sent from the EXAMINE on.
    let commands = wire
        .split("\r\n")
        .filter(|line| {
            let mut words = line.split(' ');
            let tag = words.next().unwrap_or_default();
            !tag.is_empty()
                && !tag.starts_with(['*', '+'])
                && matches!(words.next(), Some("OK" | "NO" | "BAD"))
        })
        .count();
    println!(
        "\n  100 flag changes + 10 new: {:.1} ms (CPU {:.1} ms), {} bytes received from the EXAMINE on: \
         {commands} commands answered, {fetches} FETCH responses, {bodies} bodies",
        run.seconds * 1e3,
        run.cpu * 1e3,
        wire.len()
    );
    verdict(
        "only the 100 flag changes and 10 new messages transferred",
        bodies == 10 && fetches == 120 && wire.len() < 10 * 4200 + 120 * 120 + 2000,
    );
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Whether `path` exists, installing Debian's `package` when it does not
/// and this runs as root.
fn ensure_tool(path: &str, package: &str) -> bool {
    if Path::new(path).exists() {
        return true;
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if root {
        eprintln!("backup bench: installing {package} (apt-get install -y {package})");
        let _ = Command::new("apt-get")
            .args(["install", "-y", package])
            .status();
    }
    let found = Path::new(path).exists();
    if !found {
        eprintln!("backup bench: {path} missing; install it with `apt-get install {package}`");
    }
    found
}

fn write_config(dir: &Path, port: u16) -> PathBuf {
    let path = dir.join(format!("typed-imap-{port}.toml"));
    let text = format!(
        "[accounts.bench]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\nuser = \"alice\"\n\
         password_command = \"echo {PASSWORD}\"\n"
    );
    std::fs::write(&path, text).expect("write the configuration");
    path
}

/// Runs `command` under /usr/bin/time, or with `trace` under `strace -f
/// -c -w` (a summary of the wall time spent in each system call, written
/// to `trace`; the returned figures are then wall time only); panics when
/// it fails.
fn timed(command: Command, trace: Option<&Path>) -> Run {
    let report = tempfile::NamedTempFile::new().expect("a temporary file");
    let mut timed = match trace {
        Some(trace) => {
            let mut strace = Command::new("strace");
            strace.args(["-f", "-c", "-w", "-o"]).arg(trace);
            strace
        }
        None => {
            let mut time = Command::new("/usr/bin/time");
            time.arg("-f")
                .arg("%e %M %U %S")
                .arg("-o")
                .arg(report.path());
            time
        }
    };
    timed.arg(command.get_program()).args(command.get_args());
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => timed.env(key, value),
            None => timed.env_remove(key),
        };
    }
    let started = std::time::Instant::now();
    let output = timed.output().expect("run the command");
    let seconds = started.elapsed().as_secs_f64();
    assert!(
        output.status.success(),
        "{:?} failed: {}{}",
        command,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let text = match trace {
        Some(_) => String::new(),
        None => std::fs::read_to_string(report.path()).expect("read time's report"),
    };
    let fields: Vec<&str> = text.split_whitespace().collect();
    let field = |n: usize| fields.get(n).and_then(|f| f.parse::<f64>().ok());
    Run {
        seconds,
        cpu: field(2).unwrap_or(0.0) + field(3).unwrap_or(0.0),
        peak_kib: field(1).unwrap_or(0.0) as u64,
    }
}

fn typed_imap_backup(config: &Path, target: &Path, fsync: &str, trace: Option<&Path>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_typed-imap"));
    command
        .arg("--config")
        .arg(config)
        .args(["--quiet", "backup", "bench", "INBOX", "--to"]);
    command.arg(target).args(["--fsync", fsync]);
    timed(command, trace)
}

fn mbsync_pull(dir: &Path, port: u16, target: &Path, fsync: &str, trace: Option<&Path>) -> Run {
    let rc = dir.join(format!(
        "mbsyncrc-{}",
        target.file_name().unwrap_or_default().to_string_lossy()
    ));
    let text = format!(
        "FSync {fsync}\n\n\
         IMAPAccount bench\nHost 127.0.0.1\nPort {port}\nUser alice\nPass {PASSWORD}\nSSLType None\nAuthMechs LOGIN\n\n\
         IMAPStore remote\nAccount bench\n\n\
         MaildirStore local\nPath {target}/\nInbox {target}/INBOX\nSubFolders Verbatim\n\n\
         Channel bench\nFar :remote:\nNear :local:\nPatterns INBOX\nSync Pull\nCreate Near\nExpunge None\n\
         SyncState *\n",
        fsync = if fsync == "always" { "yes" } else { "no" },
        target = target.display(),
    );
    std::fs::write(&rc, text).expect("write the mbsyncrc");
    std::fs::create_dir_all(target).expect("create the mbsync target");
    let mut command = Command::new("/usr/bin/mbsync");
    command.arg("-c").arg(&rc).arg("-q").arg("bench");
    timed(command, trace)
}

/// The median of each figure on its own.
fn median(runs: &[Run]) -> Run {
    Run {
        seconds: middle(runs.iter().map(|r| r.seconds).collect()),
        cpu: middle(runs.iter().map(|r| r.cpu).collect()),
        peak_kib: middle(runs.iter().map(|r| r.peak_kib as f64).collect()) as u64,
    }
}

fn middle(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

fn best(runs: &[Run]) -> f64 {
    runs.iter().map(|r| r.seconds).fold(f64::INFINITY, f64::min)
}

/// The median over the rounds of mbsync's time over ours in the same
/// round: runs next to each other share the machine's load.
fn paired_ratio(ours: &[Run], theirs: &[Run]) -> f64 {
    middle(
        ours.iter()
            .zip(theirs)
            .map(|(o, t)| t.seconds / o.seconds.max(1e-9))
            .collect(),
    )
}

fn compare(what: &str, ours: &[Run], theirs: &[Run]) {
    let show = |runs: &[Run]| {
        let times: Vec<String> = runs.iter().map(|r| format!("{:.3}", r.seconds)).collect();
        let m = median(runs);
        format!(
            "best {:.3} s, median {:.3} s, CPU {:.3} s, peak {:.1} MB  [{}]",
            best(runs),
            m.seconds,
            m.cpu,
            m.peak_kib as f64 / 1024.0,
            times.join(" ")
        )
    };
    println!("    {what:<12} typed-imap {}", show(ours));
    if !theirs.is_empty() {
        println!("    {what:<12} mbsync     {}", show(theirs));
        println!(
            "    {what:<12} mbsync/typed-imap: x{:.2} (medians), x{:.2} (median of paired rounds)",
            median(theirs).seconds / median(ours).seconds.max(1e-9),
            paired_ratio(ours, theirs)
        );
    }
}

fn verdict(target: &str, met: bool) {
    println!("    [{}] {target}", if met { "met" } else { "NOT MET" });
}
