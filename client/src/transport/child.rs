//! A child process as the server (imaplib's `IMAP4_stream`): IMAP over its
//! stdin and stdout, as with Dovecot's PREAUTH `imap` binary.

use std::io::{self, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a child gets to exit by itself after its stdin is closed,
/// before it is killed.
const EXIT_GRACE: Duration = Duration::from_millis(500);

/// How much the reader thread reads at once.
const CHUNK: usize = 64 * 1024;

/// Chunks the reader thread may hold before it waits for the client: the
/// child cannot make the client buffer without bound.
const CHUNKS_AHEAD: usize = 4;

/// The stdin and stdout of a spawned process. Dropping it closes stdin,
/// waits briefly for the process to exit, then kills it.
///
/// Pipes have no timeouts, so a thread reads the child's stdout and hands
/// the chunks over a bounded channel: reads then honour
/// [`set_read_timeout`](Self::set_read_timeout) like a socket's.
#[derive(Debug)]
pub struct ChildStream {
    child: Child,
    stdin: Option<ChildStdin>,
    chunks: Receiver<io::Result<Vec<u8>>>,
    /// What is left of the last chunk received.
    pending: Vec<u8>,
    read_at: usize,
    read_timeout: Mutex<Option<Duration>>,
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
        let (sender, chunks) = mpsc::sync_channel(CHUNKS_AHEAD);
        let reader = std::thread::Builder::new()
            .name("typed-imap child stdout".into())
            .spawn(move || read_stdout(stdout, sender));
        if let Err(error) = reader {
            let _ = child.kill();
            let _ = child.wait();
            return Err(error);
        }
        Ok(ChildStream {
            child,
            stdin: Some(stdin),
            chunks,
            pending: Vec::new(),
            read_at: 0,
            read_timeout: Mutex::new(None),
        })
    }

    /// Sets how long a read waits for the child (`None`: forever). A read
    /// that waited that long fails with [`io::ErrorKind::TimedOut`].
    pub fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        if timeout == Some(Duration::ZERO) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a zero read timeout",
            ));
        }
        match self.read_timeout.lock() {
            Ok(mut slot) => *slot = timeout,
            Err(poisoned) => *poisoned.into_inner() = timeout,
        }
        Ok(())
    }

    fn read_timeout(&self) -> Option<Duration> {
        match self.read_timeout.lock() {
            Ok(slot) => *slot,
            Err(poisoned) => *poisoned.into_inner(),
        }
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

/// The reader thread: stdout to the channel until EOF, an error, or the
/// stream is dropped. EOF is sent as an empty chunk.
fn read_stdout(mut stdout: ChildStdout, sender: SyncSender<io::Result<Vec<u8>>>) {
    loop {
        let mut chunk = vec![0; CHUNK];
        let message = match stdout.read(&mut chunk) {
            Ok(n) => {
                chunk.truncate(n);
                Ok(chunk)
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => Err(error),
        };
        let last = !matches!(&message, Ok(chunk) if !chunk.is_empty());
        if sender.send(message).is_err() || last {
            return;
        }
    }
}

impl Read for ChildStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.read_at >= self.pending.len() {
            let received = match self.read_timeout() {
                Some(timeout) => self.chunks.recv_timeout(timeout),
                None => self.chunks.recv().map_err(RecvTimeoutError::from),
            };
            self.pending = match received {
                Ok(chunk) => chunk?,
                Err(RecvTimeoutError::Timeout) => {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "the child process sent nothing in time",
                    ))
                }
                // The reader thread ended after EOF or an error it passed on.
                Err(RecvTimeoutError::Disconnected) => return Ok(0),
            };
            self.read_at = 0;
        }
        let available = self.pending.get(self.read_at..).unwrap_or_default();
        let n = available.len().min(buf.len());
        if let (Some(to), Some(from)) = (buf.get_mut(..n), available.get(..n)) {
            to.copy_from_slice(from);
        }
        self.read_at += n;
        Ok(n)
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
    fn a_silent_child_times_out_and_can_be_read_after() {
        let mut stream = ChildStream::spawn(Command::new("cat")).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let mut buf = [0u8; 8];
        let error = stream.read(&mut buf).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        stream.write_all(b"late\r\n").unwrap();
        stream.flush().unwrap();
        let mut line = [0u8; 6];
        stream.read_exact(&mut line).unwrap();
        assert_eq!(&line, b"late\r\n");
    }

    #[test]
    fn end_of_output_reads_as_zero() {
        let mut command = Command::new("printf");
        command.arg("bye");
        let mut stream = ChildStream::spawn(command).unwrap();
        let mut all = Vec::new();
        stream.read_to_end(&mut all).unwrap();
        assert_eq!(all, b"bye");
    }

    #[test]
    fn missing_program_is_an_error() {
        assert!(ChildStream::spawn(Command::new("/nonexistent/typed-imap-server")).is_err());
    }
}
