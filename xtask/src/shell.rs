//! Running cargo and other programs from the workspace root.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The workspace root (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// `cargo` as cargo itself was invoked (`$CARGO`), at the workspace root.
pub fn cargo() -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(program);
    command.current_dir(workspace_root());
    command
}

/// Runs a command with inherited output; fails naming it when it fails.
pub fn run_command(mut command: Command) -> Result<Duration, String> {
    let line = describe(&command);
    println!("\n$ {line}");
    let started = Instant::now();
    let status = command
        .status()
        .map_err(|e| format!("could not start `{line}`: {e}"))?;
    if status.success() {
        Ok(started.elapsed())
    } else {
        Err(format!("`{line}` failed ({status})"))
    }
}

/// Runs a command, echoing its stdout line by line and handing each line to
/// `inspect` (how the test summary is collected while it streams).
pub fn run_streaming(
    mut command: Command,
    mut inspect: impl FnMut(&str),
) -> Result<Duration, String> {
    let line = describe(&command);
    println!("\n$ {line}");
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start `{line}`: {e}"))?;
    if let Some(stdout) = child.stdout.take() {
        for text in BufReader::new(stdout).lines() {
            let text = text.map_err(|e| format!("reading `{line}`: {e}"))?;
            println!("{text}");
            inspect(&text);
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for `{line}`: {e}"))?;
    if status.success() {
        Ok(started.elapsed())
    } else {
        Err(format!("`{line}` failed ({status})"))
    }
}

/// Whether a command runs and exits successfully (output discarded).
pub fn succeeds(mut command: Command) -> bool {
    command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// The command line as a user would type it (environment settings first).
fn describe(command: &Command) -> String {
    let mut parts: Vec<String> = command
        .get_envs()
        .filter_map(|(key, value)| {
            value.map(|v| format!("{}={}", key.to_string_lossy(), v.to_string_lossy()))
        })
        .collect();
    let program = command.get_program().to_string_lossy();
    // `$CARGO` is a full path; the user typed `cargo`.
    parts.push(if program.ends_with("/cargo") {
        "cargo".into()
    } else {
        program.into_owned()
    });
    parts.extend(command.get_args().map(|a| a.to_string_lossy().into_owned()));
    parts.join(" ")
}

/// A duration as `1m 05s` or `4.2s`.
pub fn human(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds >= 60 {
        format!("{}m {:02}s", seconds / 60, seconds % 60)
    } else {
        format!("{:.1}s", duration.as_secs_f64())
    }
}
