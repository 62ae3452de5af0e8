//! What the tool tells its user: errors, JSON lines, progress bars.

use std::fmt;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A failure, as the user reads it: what was being done, and why it failed.
#[derive(Debug)]
pub struct Failure(String);

impl Failure {
    /// A failure described by `text`.
    pub fn new(text: impl Into<String>) -> Self {
        Failure(text.into())
    }

    /// `action` failed with a client error.
    pub fn imap(action: impl fmt::Display, error: typed_imap::Error) -> Self {
        Failure(format!("{action}: {error}"))
    }

    /// `action` failed with an I/O error.
    pub fn io(action: impl fmt::Display, error: std::io::Error) -> Self {
        Failure(format!("{action}: {error}"))
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failure {}

/// How results are printed.
#[derive(Clone, Copy, Debug)]
pub struct Output {
    /// One JSON object per line instead of text.
    pub json: bool,
    /// Progress bars drawn (stderr is a terminal, not `--quiet`, not `--json`).
    pub progress: bool,
}

impl Output {
    /// From the global flags and whether stderr is a terminal.
    pub fn new(json: bool, quiet: bool) -> Self {
        Output {
            json,
            progress: !json && !quiet && std::io::stderr().is_terminal(),
        }
    }

    /// Prints `value` as one JSON line, or `text` when not `--json`.
    pub fn line(&self, value: &serde_json::Value, text: impl FnOnce() -> String) {
        let mut stdout = std::io::stdout().lock();
        let line = if self.json { value.to_string() } else { text() };
        // A closed pipe (`| head`) ends the output, not the program's work.
        let _ = writeln!(stdout, "{line}");
    }

    /// A bar for one mailbox's transfer of about `messages` messages;
    /// hidden unless progress is on.
    pub fn bar(&self, mailbox: &str, messages: u64) -> Progress {
        let bar = if self.progress {
            ProgressBar::with_draw_target(Some(messages), ProgressDrawTarget::stderr())
        } else {
            ProgressBar::hidden()
        };
        let style = ProgressStyle::with_template(
            "{prefix:>16} [{bar:30}] {pos}/{len} msgs {msg} {per_sec} ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(mailbox.to_owned());
        if self.progress {
            // A thread of its own: only for a bar that is drawn.
            bar.enable_steady_tick(Duration::from_millis(200));
        }
        Progress { bar, bytes: 0 }
    }
}

/// The progress of one mailbox: messages on the bar, bytes beside it.
pub struct Progress {
    bar: ProgressBar,
    bytes: u64,
}

impl Progress {
    /// One more message of `bytes` bytes.
    pub fn message(&mut self, bytes: u64) {
        self.bytes += bytes;
        if self.bar.is_hidden() {
            return;
        }
        self.bar.inc(1);
        self.bar.set_message(format!("{}", HumanBytes(self.bytes)));
    }

    /// Removes the bar.
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}

/// The peak resident memory of this process in KiB (`VmHWM`), where the
/// system tells it.
pub fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
