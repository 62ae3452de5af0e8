//! Small helpers around processes, users and signals (no `unsafe`, no libc).

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::MetadataExt;
use std::process::{Child, Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::{HarnessError, Result};

/// Runs a command to completion and fails with its stderr when it fails.
pub(crate) fn run(command: &mut Command) -> Result<Output> {
    let line = format!("{command:?}");
    let output = command
        .output()
        .map_err(|e| HarnessError::io(format!("run {line}"), e))?;
    succeeded(line, output)
}

/// Runs a command with `input` on its stdin (secrets stay off the command
/// line) and fails with its stderr when it fails. The input is written
/// whole before the output is read: keep both small.
pub(crate) fn run_with_input(command: &mut Command, input: &[u8]) -> Result<Output> {
    let line = format!("{command:?}");
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| HarnessError::io(format!("run {line}"), e))?;
    if let Some(mut stdin) = child.stdin.take() {
        // Dropped at the end of this block: the command reads EOF.
        stdin
            .write_all(input)
            .map_err(|e| HarnessError::io(format!("write to the stdin of {line}"), e))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|e| HarnessError::io(format!("wait for {line}"), e))?;
    succeeded(line, output)
}

/// The output of a command that exited with success, or its failure.
fn succeeded(line: String, output: Output) -> Result<Output> {
    if output.status.success() {
        Ok(output)
    } else {
        Err(HarnessError::Command {
            command: line,
            status: output.status.to_string(),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        })
    }
}

/// The effective user and group ids of this process.
///
/// Read from the owner of `/proc/self`, which is the effective uid/gid: this
/// avoids an `unsafe` call to `geteuid`.
pub(crate) fn effective_ids() -> Result<(u32, u32)> {
    let meta = fs::metadata("/proc/self").map_err(|e| HarnessError::io("stat /proc/self", e))?;
    Ok((meta.uid(), meta.gid()))
}

/// Whether this process runs as root.
pub(crate) fn is_root() -> bool {
    matches!(effective_ids(), Ok((0, _)))
}

/// The name of the effective user and of its group, as `id` prints them.
pub(crate) fn user_and_group_names() -> Result<(String, String)> {
    let user = run(Command::new("id").arg("-un"))?;
    let group = run(Command::new("id").arg("-gn"))?;
    Ok((
        String::from_utf8_lossy(&user.stdout).trim().to_owned(),
        String::from_utf8_lossy(&group.stdout).trim().to_owned(),
    ))
}

/// Sends a signal (`TERM`, `KILL`) to processes by their ids.
///
/// `kill` fails when one of them has exited meanwhile, which is what we
/// want anyway: only failing to run `kill` at all is an error.
pub(crate) fn signal(pids: &[u32], name: &str) -> Result<()> {
    if pids.is_empty() {
        return Ok(());
    }
    Command::new("kill")
        .arg(format!("-{name}"))
        .args(pids.iter().map(u32::to_string))
        .stderr(Stdio::null())
        .status()
        .map(|_| ())
        .map_err(|e| HarnessError::io(format!("run kill -{name}"), e))
}

/// Whether a process exists and is not a zombie.
pub(crate) fn alive(pid: u32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| !matches!(stat_fields(&stat).first(), Some(&"Z") | Some(&"X")))
        .unwrap_or(false)
}

/// The fields of `/proc/PID/stat` after the command name: state, ppid, ...
/// (the name is in parentheses and may itself hold spaces or parentheses).
fn stat_fields(stat: &str) -> Vec<&str> {
    stat.rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default()
}

/// Every living descendant of a process (children, their children, ...).
pub(crate) fn descendants(root: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    if let Ok(entries) = fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            if let Some(parent) = stat_fields(&stat).get(1).and_then(|p| p.parse().ok()) {
                parents.push((pid, parent));
            }
        }
    }
    let mut found = vec![root];
    let mut index = 0;
    while let Some(&parent) = found.get(index) {
        found.extend(
            parents
                .iter()
                .filter(|(_, p)| *p == parent)
                .map(|(pid, _)| *pid),
        );
        index += 1;
    }
    found.retain(|&pid| pid != root && alive(pid));
    found
}

/// Whether a program exists at this path.
pub(crate) fn exists(path: &str) -> bool {
    fs::metadata(path).map(|m| m.is_file()).unwrap_or(false)
}

/// Whether a program of this name is on `PATH`.
pub(crate) fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false)
}

/// The uid and gid of `nobody`, who owns the mail when the harness is root.
pub(crate) fn nobody_ids() -> Result<(u32, u32)> {
    let output = run(Command::new("id").arg("nobody"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let id_of = |key: &str| {
        text.split_whitespace()
            .find_map(|field| field.strip_prefix(key))
            .and_then(|rest| rest.split('(').next())
            .and_then(|n| n.parse().ok())
    };
    match (id_of("uid="), id_of("gid=")) {
        (Some(uid), Some(gid)) => Ok((uid, gid)),
        _ => Err(HarnessError::Invalid {
            what: "output of `id nobody`",
            value: text.into_owned(),
            reason: "expected uid=N(..) gid=N(..)",
        }),
    }
}

/// How long processes get to exit on a signal before a stronger one.
const TERM_GRACE: Duration = Duration::from_millis(100);
/// How long killed processes may take to disappear.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);

/// Ports free right now on 127.0.0.1 (probed at once, so they differ).
pub(crate) fn free_local_ports<const N: usize>() -> Result<[u16; N]> {
    let mut listeners = Vec::with_capacity(N);
    let mut ports = [0; N];
    for port in &mut ports {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .map_err(|e| HarnessError::io("bind a free port on 127.0.0.1", e))?;
        *port = listener
            .local_addr()
            .map_err(|e| HarnessError::io("read a bound port", e))?
            .port();
        listeners.push(listener);
    }
    Ok(ports)
}

/// Stops a server's master process and every process it started, by PID:
/// SIGTERM to the master and all its descendants; after a short grace,
/// SIGKILL to the descendants still running (a process that is just
/// starting can ignore SIGTERM, and the master waits for it); SIGKILL to
/// the master last. The master stays alive until its children are gone so
/// that it reaps them: orphans would be left to PID 1 as zombies. The error
/// names the processes that survived.
pub(crate) fn stop_tree(master: &mut Child) -> std::result::Result<(), String> {
    let master_pid = master.id();
    let mut pids = tree(master);
    let _ = signal(&pids, "TERM");
    if wait_gone(master, &mut pids, TERM_GRACE) {
        return Ok(());
    }
    let children: Vec<u32> = tree(master)
        .into_iter()
        .filter(|&p| p != master_pid)
        .collect();
    let _ = signal(&children, "KILL");
    if wait_gone(master, &mut pids, TERM_GRACE) {
        return Ok(());
    }
    let mut rest = tree(master);
    let _ = signal(&rest, "KILL");
    if wait_gone(master, &mut rest, STOP_TIMEOUT) {
        Ok(())
    } else {
        Err(format!(
            "processes {rest:?} of server {master_pid} survived SIGKILL"
        ))
    }
}

/// The master (while it runs) and its living descendants.
fn tree(master: &mut Child) -> Vec<u32> {
    let mut pids = descendants(master.id());
    if matches!(master.try_wait(), Ok(None)) {
        pids.push(master.id());
    }
    pids
}

/// Waits until the master is reaped and none of `pids` lives any more.
fn wait_gone(master: &mut Child, pids: &mut Vec<u32>, timeout: Duration) -> bool {
    let master_pid = master.id();
    let deadline = Instant::now() + timeout;
    loop {
        // Reaps the master; its orphaned children are reaped by init.
        let master_done = !matches!(master.try_wait(), Ok(None));
        pids.retain(|&pid| pid != master_pid && alive(pid));
        if master_done && pids.is_empty() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(2));
    }
}

/// Reads the first line a server sends, with a short timeout.
pub(crate) fn read_greeting(addr: SocketAddr) -> std::io::Result<String> {
    let stream = TcpStream::connect_timeout(&addr, Duration::from_millis(200))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line)?;
    Ok(line)
}

/// Attempts with fresh ports, should another process take a port first.
const START_ATTEMPTS: usize = 3;

/// Runs `start` (which probes free ports and starts a server on them)
/// again while it fails because another process took a port between the
/// probe and the server's bind ("Address already in use" in its log).
pub(crate) fn retry_on_port_clash<T>(mut start: impl FnMut() -> Result<T>) -> Result<T> {
    let mut attempt = 1;
    loop {
        match start() {
            Err(HarnessError::NotReady { log, .. })
                if attempt < START_ATTEMPTS && log.contains("Address already in use") =>
            {
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// How long a server may take to accept connections (they take 30-40 ms).
const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// Polls until `greets` accepts the greeting read from `addr` (and
/// `also` holds), the server's master exits, or [`READY_TIMEOUT`] passes.
/// The error says which, for [`HarnessError::NotReady`].
pub(crate) fn wait_for_greeting(
    master: &mut Child,
    addr: SocketAddr,
    greets: impl Fn(&str) -> bool,
    also: impl Fn() -> bool,
) -> std::result::Result<(), String> {
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = master.try_wait() {
            return Err(format!("the server exited at start with {status}"));
        }
        let greeting = read_greeting(addr);
        if matches!(&greeting, Ok(line) if greets(line)) && also() {
            return Ok(());
        }
        if started.elapsed() > READY_TIMEOUT {
            return Err(format!(
                "no greeting within {READY_TIMEOUT:?} (last attempt: {greeting:?})"
            ));
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// Raises this process's soft limit of open files to at least `need`
/// (children started afterwards inherit it): up to the hard limit, and
/// the hard limit too when root. Returns the soft limit in force.
pub(crate) fn raise_open_files(need: u64) -> Result<u64> {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let limit = getrlimit(Resource::Nofile);
    // `None` is unlimited.
    let soft = limit.current.unwrap_or(u64::MAX);
    if soft >= need {
        return Ok(soft);
    }
    let hard = limit.maximum.unwrap_or(u64::MAX);
    let maximum = if hard < need && is_root() {
        Some(need)
    } else {
        limit.maximum
    };
    let current = need.min(maximum.unwrap_or(u64::MAX));
    setrlimit(
        Resource::Nofile,
        Rlimit {
            current: Some(current),
            maximum,
        },
    )
    .map_err(|e| {
        HarnessError::io(
            format!("raise the open-file limit from {soft} to {current} (hard limit {hard})"),
            e.into(),
        )
    })?;
    Ok(current)
}
