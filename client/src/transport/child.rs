//! A child process as the server (imaplib's `IMAP4_stream`): IMAP over its
//! stdin and stdout, as with Dovecot's PREAUTH `imap` binary.

use std::io::{self, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a child gets to exit by itself after its stdin is closed,
/// before it is killed.
const EXIT_GRACE: Duration = Duration::from_millis(500);

/// The stdin and stdout of a spawned process. Dropping it closes stdin,
/// waits briefly for the process to exit, then kills it.
///
/// Pipes have no timeouts: a silent child blocks a read until it exits.
#[derive(Debug)]
pub struct ChildStream {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: ChildStdout,
}

impl ChildStream {
    /// Spawns `command` with stdin and stdout piped (stderr as the command
    /// set it, inherited by default).
    pub fn spawn(mut command: Command) -> io::Result<Self> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let (stdin, stdout) = match (child.stdin.take(), child.stdout.take()) {
            (Some(stdin), Some(stdout)) => (stdin, stdout),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(io::Error::other(
                    "child process started without stdin/stdout pipes",
                ));
            }
        };
        Ok(ChildStream {
            child,
            stdin: Some(stdin),
            stdout,
        })
    }

    /// The process id of the child.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Closes the child's stdin and reaps it (killing it after a short
    /// grace period).
    pub fn shutdown(&mut self) -> io::Result<()> {
        self.stdin = None;
        let deadline = Instant::now() + EXIT_GRACE;
        while Instant::now() < deadline {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        match self.child.kill() {
            // Exited between the last check and the kill.
            Err(error) if error.kind() == io::ErrorKind::InvalidInput => {}
            other => other?,
        }
        self.child.wait().map(drop)
    }
}

impl Read for ChildStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.stdout.read(buf)
    }
}

impl Write for ChildStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.stdin {
            Some(stdin) => stdin.write(buf),
            None => Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "child stdin closed",
            )),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.stdin {
            Some(stdin) => stdin.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for ChildStream {
    fn drop(&mut self) {
        if let Err(error) = self.shutdown() {
            tracing::debug!(%error, "reaping the IMAP child process failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn talks_over_stdin_and_stdout() {
        let mut stream = ChildStream::spawn(Command::new("cat")).unwrap();
        stream.write_all(b"* PREAUTH hello\r\n").unwrap();
        stream.flush().unwrap();
        let mut buf = [0u8; 17];
        stream.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"* PREAUTH hello\r\n");
    }

    #[test]
    fn shutdown_reaps_a_child_that_ignores_stdin() {
        let mut command = Command::new("sleep");
        command.arg("30");
        let mut stream = ChildStream::spawn(command).unwrap();
        let started = Instant::now();
        stream.shutdown().unwrap();
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn missing_program_is_an_error() {
        assert!(ChildStream::spawn(Command::new("/nonexistent/typed-imap-server")).is_err());
    }
}
