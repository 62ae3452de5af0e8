//! Scripted IMAP servers on 127.0.0.1, for hostile-server tests.
//!
//! A [`Script`] is a list of steps played on one accepted connection: send
//! these bytes, expect a command line, read a literal, stall, send slowly,
//! switch to TLS (STARTTLS or implicit TLS, at once or a byte at a time),
//! swallow what the client sends, close, expect the client to close. Bytes to send may hold `{tag}`, replaced by the tag of the last
//! command line the script expected, since clients choose random tags.
//!
//! ```no_run
//! use typed_imap_tests::scripted::Script;
//!
//! // STARTTLS refused: the client must stop, and never send its password.
//! let server = Script::new()
//!     .send("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n")
//!     .expect_command("STARTTLS")
//!     .reply("NO not today")
//!     .expect_closed()
//!     .serve()?;
//! // ... run the client against server.addr() and check its error ...
//! let transcript = server.finish()?;
//! assert!(!transcript.received_text().contains("LOGIN"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use rustls::{ServerConfig, ServerConnection, StreamOwned};

use crate::cert::Certificate;
use crate::{HarnessError, Result};

/// How long a step waits for the client by default.
pub const DEFAULT_STEP_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest line the scripted server reads.
const MAX_LINE: usize = 1024 * 1024;
/// The largest literal the scripted server reads.
const MAX_LITERAL: usize = 64 * 1024 * 1024;
/// How often waiting steps look at the stop flag.
const POLL: Duration = Duration::from_millis(5);

/// What an expected command line must look like (the part after the tag).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expected {
    /// The command name (one or more words, ASCII case-insensitive),
    /// followed by a space or the end of the line: `LOGIN`, `UID FETCH`.
    Command(String),
    /// The whole line after the tag, exactly.
    Exact(String),
    /// Any line.
    Any,
    /// A whole line with no tag (IDLE's `DONE`), exactly, or any such
    /// line (a SASL response) when `None`; the tag of the last command
    /// stays what `{tag}` stands for.
    Untagged(Option<String>),
}

impl Expected {
    fn matches(&self, rest: &[u8]) -> bool {
        match self {
            Expected::Any => true,
            Expected::Exact(text) => rest == text.as_bytes(),
            Expected::Untagged(_) => false,
            Expected::Command(name) => {
                let name = name.as_bytes();
                rest.len() >= name.len()
                    && rest
                        .get(..name.len())
                        .is_some_and(|head| head.eq_ignore_ascii_case(name))
                    && matches!(rest.get(name.len()), None | Some(b' '))
            }
        }
    }
}

/// One step of a script.
#[derive(Clone, Debug)]
pub enum Step {
    /// Write bytes (`{tag}` replaced by the last expected command's tag).
    Send(Vec<u8>),
    /// Read one line from the client (`tag SP rest`) and check `rest`.
    Expect(Expected),
    /// Read the literal announced at the end of the last line read
    /// (`{n}`, `{n+}` or `~{n}`), then the rest of that command line. No `+`
    /// is sent: for a synchronising literal, `send` one first.
    ReadLiteral,
    /// Do nothing for this long.
    Stall(Duration),
    /// Write bytes one at a time with a pause before each.
    Drip {
        /// The bytes (`{tag}` replaced).
        bytes: Vec<u8>,
        /// The pause before each byte.
        interval: Duration,
    },
    /// Run the TLS handshake as the server, then continue over TLS.
    StartTls,
    /// Run the TLS handshake as the server writing its bytes one at a time,
    /// this long apart (each write well within any read timeout, the whole
    /// slow), then continue over TLS.
    TrickleTls(Duration),
    /// Read and drop whatever the client sends for this long (a TLS
    /// ClientHello, say), so that a close after it is a clean end of stream
    /// rather than a reset.
    Swallow(Duration),
    /// Close the connection and end the script.
    Close,
    /// The client must close the connection (or reset it) without sending
    /// anything more, within the step timeout.
    ExpectClosed,
    /// The client must send nothing for this long (closing is fine).
    ExpectSilence(Duration),
}

/// A script for one connection, built step by step.
#[derive(Clone, Debug)]
pub struct Script {
    steps: Vec<Step>,
    certificate: Option<Certificate>,
    step_timeout: Duration,
}

impl Default for Script {
    fn default() -> Self {
        Script::new()
    }
}

impl Script {
    /// An empty script; TLS steps use [`Certificate::localhost`].
    pub fn new() -> Self {
        Script {
            steps: Vec::new(),
            certificate: None,
            step_timeout: DEFAULT_STEP_TIMEOUT,
        }
    }

    /// Adds any step.
    pub fn step(mut self, step: Step) -> Self {
        self.steps.push(step);
        self
    }

    /// Sends bytes (`{tag}` replaced by the last expected command's tag).
    pub fn send(self, bytes: impl AsRef<[u8]>) -> Self {
        self.step(Step::Send(bytes.as_ref().to_vec()))
    }

    /// Sends `{tag} text\r\n`: the tagged completion of the last command.
    pub fn reply(self, text: &str) -> Self {
        self.send(format!("{{tag}} {text}\r\n"))
    }

    /// Expects a command line whose name is `name` (after any tag).
    pub fn expect_command(self, name: &str) -> Self {
        self.step(Step::Expect(Expected::Command(name.to_owned())))
    }

    /// Expects a line that is exactly `tag SP text`.
    pub fn expect_exact(self, text: &str) -> Self {
        self.step(Step::Expect(Expected::Exact(text.to_owned())))
    }

    /// Expects a line that is exactly `text`, without a tag (`DONE`).
    pub fn expect_untagged(self, text: &str) -> Self {
        self.step(Step::Expect(Expected::Untagged(Some(text.to_owned()))))
    }

    /// Expects any line without a tag (an answer to a SASL challenge).
    pub fn expect_any_untagged(self) -> Self {
        self.step(Step::Expect(Expected::Untagged(None)))
    }

    /// Expects any line.
    pub fn expect_any(self) -> Self {
        self.step(Step::Expect(Expected::Any))
    }

    /// Reads the literal announced by the last line (see [`Step::ReadLiteral`]).
    pub fn read_literal(self) -> Self {
        self.step(Step::ReadLiteral)
    }

    /// Does nothing for a while.
    pub fn stall(self, duration: Duration) -> Self {
        self.step(Step::Stall(duration))
    }

    /// Sends bytes one at a time, `interval` apart.
    pub fn drip(self, bytes: impl AsRef<[u8]>, interval: Duration) -> Self {
        self.step(Step::Drip {
            bytes: bytes.as_ref().to_vec(),
            interval,
        })
    }

    /// Switches to TLS (after a STARTTLS OK, or first for implicit TLS).
    pub fn start_tls(self) -> Self {
        self.step(Step::StartTls)
    }

    /// Switches to TLS with a handshake written a byte every `interval`.
    pub fn trickle_tls(self, interval: Duration) -> Self {
        self.step(Step::TrickleTls(interval))
    }

    /// Reads and drops what the client sends for `duration`.
    pub fn swallow(self, duration: Duration) -> Self {
        self.step(Step::Swallow(duration))
    }

    /// Closes the connection.
    pub fn close(self) -> Self {
        self.step(Step::Close)
    }

    /// Expects the client to close the connection without sending more.
    pub fn expect_closed(self) -> Self {
        self.step(Step::ExpectClosed)
    }

    /// Expects the client to send nothing for this long.
    pub fn expect_silence(self, duration: Duration) -> Self {
        self.step(Step::ExpectSilence(duration))
    }

    /// Uses this certificate for TLS steps (a wrong host name, say).
    pub fn certificate(mut self, certificate: Certificate) -> Self {
        self.certificate = Some(certificate);
        self
    }

    /// How long each step waits for the client (default five seconds).
    pub fn step_timeout(mut self, timeout: Duration) -> Self {
        self.step_timeout = timeout;
        self
    }

    /// Listens on a free port of 127.0.0.1 and plays the script on the first
    /// connection, in a thread.
    pub fn serve(self) -> Result<ScriptedServer> {
        self.serve_on(Ipv4Addr::LOCALHOST.into())
    }

    /// Like [`serve`](Self::serve), on another address of this machine
    /// (see [`network_address`]): for the rules that differ between a peer
    /// on this machine's loopback and one across a network.
    pub fn serve_on(self, ip: IpAddr) -> Result<ScriptedServer> {
        let tls = if self
            .steps
            .iter()
            .any(|s| matches!(s, Step::StartTls | Step::TrickleTls(_)))
        {
            let certificate = match &self.certificate {
                Some(certificate) => certificate,
                None => Certificate::localhost()?,
            };
            Some(certificate.server_config()?)
        } else {
            None
        };
        let listener = TcpListener::bind((ip, 0))
            .map_err(|e| HarnessError::io(format!("bind a free port on {ip}"), e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| HarnessError::io("read the listening address", e))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| HarnessError::io(format!("configure the listener on {addr}"), e))?;
        let stop = Arc::new(AtomicBool::new(false));
        let socket = Arc::new(Mutex::new(None));
        let player = Player {
            script: self,
            tls,
            stop: Arc::clone(&stop),
            socket: Arc::clone(&socket),
        };
        let thread = thread::Builder::new()
            .name(format!("scripted-imap-{}", addr.port()))
            .spawn(move || player.run(listener))
            .map_err(|e| HarnessError::io("start the scripted server thread", e))?;
        Ok(ScriptedServer {
            addr,
            stop,
            socket,
            thread: Some(thread),
        })
    }
}

/// An address of this machine that is not a loopback address (the one
/// its default route leaves from), if it has one. Learnt by connecting a
/// UDP socket, which sends nothing. A server bound there is still private
/// to this machine's network, and a client sees a network peer.
pub fn network_address() -> Option<IpAddr> {
    let socket = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).ok()?;
    // TEST-NET-1 (RFC 5737): never answered, only used to pick a route.
    socket.connect((Ipv4Addr::new(192, 0, 2, 1), 9)).ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

/// What the client sent, as the script saw it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transcript {
    /// Every byte read from the client, in order (decrypted once under TLS).
    pub received: Vec<u8>,
    /// The command lines read by expect steps, CRLF removed.
    pub lines: Vec<Vec<u8>>,
    /// The literals read by [`Step::ReadLiteral`].
    pub literals: Vec<Vec<u8>>,
    /// Whether a TLS handshake completed.
    pub tls: bool,
}

impl Transcript {
    /// [`Transcript::received`] as lossy text, for assertions.
    pub fn received_text(&self) -> String {
        String::from_utf8_lossy(&self.received).into_owned()
    }
}

/// A step that did not go as scripted.
#[derive(Debug)]
pub struct ScriptError {
    /// The index of the failing step (the number of steps when accepting failed).
    pub step: usize,
    /// What the step expected and what happened.
    pub reason: String,
    /// What the client had sent until then.
    pub transcript: Transcript,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "scripted server, step {}: {}; client sent: {:?}",
            self.step,
            self.reason,
            String::from_utf8_lossy(&self.transcript.received)
        )
    }
}

impl std::error::Error for ScriptError {}

/// A scripted server running in a thread. Dropping it stops the script and
/// closes the connection.
pub struct ScriptedServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    socket: Arc<Mutex<Option<TcpStream>>>,
    thread: Option<JoinHandle<std::result::Result<Transcript, ScriptError>>>,
}

impl fmt::Debug for ScriptedServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScriptedServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl ScriptedServer {
    /// The address to connect to (127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Waits for the script to end and returns what the client sent, or the
    /// first step that did not go as scripted.
    pub fn finish(mut self) -> std::result::Result<Transcript, ScriptError> {
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) | None => Err(ScriptError {
                step: 0,
                reason: "the script thread panicked".into(),
                transcript: Transcript::default(),
            }),
        }
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Ok(guard) = self.socket.lock() {
            if let Some(socket) = guard.as_ref() {
                let _ = socket.shutdown(Shutdown::Both);
            }
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The connection, plain or TLS.
enum Connection {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ServerConnection, Prefixed>>),
}

impl Connection {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Connection::Plain(stream) => stream.read(buf),
            Connection::Tls(stream) => stream.read(buf),
        }
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Connection::Plain(stream) => stream.write_all(bytes).and_then(|()| stream.flush()),
            Connection::Tls(stream) => stream.write_all(bytes).and_then(|()| stream.flush()),
        }
    }

    fn tcp(&self) -> &TcpStream {
        match self {
            Connection::Plain(stream) => stream,
            Connection::Tls(stream) => &stream.sock.inner,
        }
    }
}

/// A socket with bytes already read in front: what the client sent right
/// after STARTTLS goes to the TLS layer, not lost in the line buffer.
struct Prefixed {
    prefix: Vec<u8>,
    inner: TcpStream,
    /// While set, each write sends one byte after this pause.
    trickle: Option<(Duration, Arc<AtomicBool>)>,
}

impl Read for Prefixed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.prefix.is_empty() {
            return self.inner.read(buf);
        }
        let n = buf.len().min(self.prefix.len());
        buf.get_mut(..n)
            .unwrap_or_default()
            .copy_from_slice(self.prefix.get(..n).unwrap_or_default());
        self.prefix.drain(..n);
        Ok(n)
    }
}

impl Write for Prefixed {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some((interval, stop)) = &self.trickle else {
            return self.inner.write(buf);
        };
        if !pause(stop, *interval) {
            return Err(io::Error::other("the scripted server was stopped"));
        }
        self.inner.write(buf.get(..1).unwrap_or_default())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The thread side: plays the steps.
struct Player {
    script: Script,
    tls: Option<Arc<ServerConfig>>,
    stop: Arc<AtomicBool>,
    socket: Arc<Mutex<Option<TcpStream>>>,
}

/// The state of one played connection.
struct Session {
    connection: Option<Connection>,
    buffer: Vec<u8>,
    tag: Vec<u8>,
    transcript: Transcript,
}

type StepResult = std::result::Result<(), String>;

impl Player {
    fn run(self, listener: TcpListener) -> std::result::Result<Transcript, ScriptError> {
        let fail = |step, reason| ScriptError {
            step,
            reason,
            transcript: Transcript::default(),
        };
        let stream = self.accept(&listener).map_err(|reason| fail(0, reason))?;
        let timeout = Some(self.script.step_timeout);
        stream
            .set_read_timeout(timeout)
            .and_then(|()| stream.set_write_timeout(timeout))
            .and_then(|()| stream.set_nodelay(true))
            .map_err(|e| fail(0, format!("configure the socket: {e}")))?;
        if let (Ok(mut slot), Ok(clone)) = (self.socket.lock(), stream.try_clone()) {
            *slot = Some(clone);
        }
        let mut session = Session {
            connection: Some(Connection::Plain(stream)),
            buffer: Vec::new(),
            tag: Vec::new(),
            transcript: Transcript::default(),
        };
        for (index, step) in self.script.steps.iter().enumerate() {
            if self.stop.load(Ordering::SeqCst) {
                break;
            }
            if let Err(reason) = self.play(&mut session, step) {
                return Err(ScriptError {
                    step: index,
                    reason: format!("{step:?}: {reason}"),
                    transcript: session.transcript,
                });
            }
            if session.connection.is_none() {
                break;
            }
        }
        Ok(session.transcript)
    }

    fn accept(&self, listener: &TcpListener) -> std::result::Result<TcpStream, String> {
        let deadline = Instant::now() + self.script.step_timeout;
        loop {
            match listener.accept() {
                Ok((stream, _)) => {
                    return stream
                        .set_nonblocking(false)
                        .map(|()| stream)
                        .map_err(|e| format!("configure the socket: {e}"))
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(format!("accept failed: {e}")),
            }
            if self.stop.load(Ordering::SeqCst) {
                return Err("stopped before a client connected".into());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "no client connected within {:?}",
                    self.script.step_timeout
                ));
            }
            thread::sleep(POLL);
        }
    }

    fn play(&self, session: &mut Session, step: &Step) -> StepResult {
        match step {
            Step::Send(bytes) => session.send(bytes),
            Step::Expect(expected) => session.expect(expected),
            Step::ReadLiteral => session.read_literal(),
            Step::Stall(duration) => {
                self.pause(*duration);
                Ok(())
            }
            Step::Drip { bytes, interval } => {
                let bytes = session.with_tag(bytes);
                for byte in bytes {
                    self.pause(*interval);
                    session.write(&[byte])?;
                }
                Ok(())
            }
            Step::StartTls => self.start_tls(session, None),
            Step::TrickleTls(interval) => self.start_tls(session, Some(*interval)),
            Step::Swallow(duration) => session.swallow(*duration),
            Step::Close => {
                if let Some(connection) = session.connection.take() {
                    let _ = connection.tcp().shutdown(Shutdown::Both);
                }
                Ok(())
            }
            Step::ExpectClosed => session.expect_closed(),
            Step::ExpectSilence(duration) => session.expect_silence(*duration),
        }
    }

    /// Sleeps, waking early when the server is dropped.
    fn pause(&self, duration: Duration) {
        pause(&self.stop, duration);
    }

    /// Runs the server's handshake; with `trickle`, its bytes go out one
    /// at a time that far apart.
    fn start_tls(&self, session: &mut Session, trickle: Option<Duration>) -> StepResult {
        let config = self.tls.clone().ok_or("no TLS configuration")?;
        let stream = match session.connection.take() {
            Some(Connection::Plain(stream)) => stream,
            Some(tls @ Connection::Tls(_)) => {
                session.connection = Some(tls);
                return Err("TLS is already on".into());
            }
            None => return Err("the connection is closed".into()),
        };
        let prefixed = Prefixed {
            prefix: std::mem::take(&mut session.buffer),
            inner: stream,
            trickle: trickle.map(|interval| (interval, Arc::clone(&self.stop))),
        };
        let server = ServerConnection::new(config).map_err(|e| e.to_string())?;
        let mut tls = StreamOwned::new(server, prefixed);
        while tls.conn.is_handshaking() {
            tls.conn
                .complete_io(&mut tls.sock)
                .map_err(|e| format!("TLS handshake failed: {e}"))?;
        }
        tls.sock.trickle = None;
        session.transcript.tls = true;
        session.connection = Some(Connection::Tls(Box::new(tls)));
        Ok(())
    }
}

impl Session {
    fn connection(&mut self) -> std::result::Result<&mut Connection, String> {
        self.connection
            .as_mut()
            .ok_or_else(|| "the connection is closed".to_owned())
    }

    fn with_tag(&self, bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(bytes.len());
        let mut rest = bytes;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix(b"{tag}") {
                out.extend_from_slice(&self.tag);
                rest = after;
            } else if let Some((&first, after)) = rest.split_first() {
                out.push(first);
                rest = after;
            }
        }
        out
    }

    fn send(&mut self, bytes: &[u8]) -> StepResult {
        let bytes = self.with_tag(bytes);
        self.write(&bytes)
    }

    fn write(&mut self, bytes: &[u8]) -> StepResult {
        self.connection()?
            .write_all(bytes)
            .map_err(|e| format!("write failed: {e}"))
    }

    /// Reads more bytes into the buffer; `Ok(0)` at end of stream.
    fn fill(&mut self) -> std::result::Result<usize, io::Error> {
        let mut chunk = [0u8; 8192];
        let connection = self
            .connection
            .as_mut()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotConnected, "closed"))?;
        let n = connection.read(&mut chunk)?;
        let read = chunk.get(..n).unwrap_or_default();
        self.buffer.extend_from_slice(read);
        self.transcript.received.extend_from_slice(read);
        Ok(n)
    }

    fn read_line(&mut self) -> std::result::Result<Vec<u8>, String> {
        loop {
            if let Some(end) = self.buffer.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.buffer.drain(..=end).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                } else {
                    return Err(format!("line without CR before LF: {:?}", escape(&line)));
                }
                return Ok(line);
            }
            if self.buffer.len() > MAX_LINE {
                return Err(format!("no line end within {MAX_LINE} bytes"));
            }
            match self.fill() {
                Ok(0) => {
                    return Err(format!(
                        "the client closed the connection; unfinished line {:?}",
                        escape(&self.buffer)
                    ))
                }
                Ok(_) => {}
                Err(e) => return Err(format!("waiting for a line: {e}")),
            }
        }
    }

    fn expect(&mut self, expected: &Expected) -> StepResult {
        let line = self.read_line()?;
        self.transcript.lines.push(line.clone());
        if let Expected::Untagged(text) = expected {
            return match text {
                Some(text) if line != text.as_bytes() => {
                    Err(format!("expected {text:?}, got {:?}", escape(&line)))
                }
                _ => Ok(()),
            };
        }
        let (tag, rest) = match line.iter().position(|&b| b == b' ') {
            Some(space) => (
                line.get(..space).unwrap_or_default(),
                line.get(space + 1..).unwrap_or_default(),
            ),
            None => (&line[..], &[][..]),
        };
        if !expected.matches(rest) {
            return Err(format!("got {:?}", escape(&line)));
        }
        self.tag = tag.to_vec();
        Ok(())
    }

    fn read_literal(&mut self) -> StepResult {
        let last = self.transcript.lines.last().ok_or("no line was read yet")?;
        let length = literal_length(last)
            .ok_or_else(|| format!("the last line announces no literal: {:?}", escape(last)))?;
        if length > MAX_LITERAL {
            return Err(format!("literal of {length} bytes is over {MAX_LITERAL}"));
        }
        while self.buffer.len() < length {
            match self.fill() {
                Ok(0) => return Err("the client closed the connection inside a literal".into()),
                Ok(_) => {}
                Err(e) => return Err(format!("waiting for literal data: {e}")),
            }
        }
        let literal: Vec<u8> = self.buffer.drain(..length).collect();
        self.transcript.literals.push(literal);
        // The command goes on after the literal, up to its own CRLF.
        let rest = self.read_line()?;
        self.transcript.lines.push(rest);
        Ok(())
    }

    fn expect_closed(&mut self) -> StepResult {
        loop {
            if !self.buffer.is_empty() {
                return Err(format!(
                    "the client sent {:?} instead of closing",
                    escape(&self.buffer)
                ));
            }
            match self.fill() {
                Ok(0) => return Ok(()),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => return Ok(()),
                Err(e) => return Err(format!("waiting for the client to close: {e}")),
            }
        }
    }

    fn swallow(&mut self, duration: Duration) -> StepResult {
        let tcp = self
            .connection()?
            .tcp()
            .try_clone()
            .map_err(|e| e.to_string())?;
        let previous = tcp.read_timeout().map_err(|e| e.to_string())?;
        let deadline = Instant::now() + duration;
        let outcome = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break Ok(());
            }
            if let Err(e) = tcp.set_read_timeout(Some(left)) {
                break Err(e.to_string());
            }
            match self.fill() {
                Ok(0) => break Ok(()),
                Ok(_) => self.buffer.clear(),
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => break Err(format!("while swallowing what the client sends: {e}")),
            }
        };
        let _ = tcp.set_read_timeout(previous);
        outcome
    }

    fn expect_silence(&mut self, duration: Duration) -> StepResult {
        if !self.buffer.is_empty() {
            return Err(format!("the client sent {:?}", escape(&self.buffer)));
        }
        let tcp = self
            .connection()?
            .tcp()
            .try_clone()
            .map_err(|e| e.to_string())?;
        let previous = tcp.read_timeout().map_err(|e| e.to_string())?;
        tcp.set_read_timeout(Some(duration.max(Duration::from_millis(1))))
            .map_err(|e| e.to_string())?;
        let outcome = match self.fill() {
            Ok(0) => Ok(()),
            Ok(_) => Err(format!("the client sent {:?}", escape(&self.buffer))),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => Ok(()),
            Err(e) => Err(format!("while listening for silence: {e}")),
        };
        let _ = tcp.set_read_timeout(previous);
        outcome
    }
}

/// Sleeps for `duration`, waking early when `stop` is set; false if it was.
fn pause(stop: &AtomicBool, duration: Duration) -> bool {
    let deadline = Instant::now() + duration;
    while !stop.load(Ordering::SeqCst) {
        let now = Instant::now();
        if now >= deadline {
            return true;
        }
        thread::sleep(POLL.min(deadline - now));
    }
    false
}

/// The length of the literal announced at the end of a line:
/// `{n}`, `{n+}`, `{n-}` or `~{n}`.
fn literal_length(line: &[u8]) -> Option<usize> {
    let body = line.strip_suffix(b"}")?;
    let body = body
        .strip_suffix(b"+")
        .or_else(|| body.strip_suffix(b"-"))
        .unwrap_or(body);
    let open = body.iter().rposition(|&b| b == b'{')?;
    let digits = body.get(open + 1..)?;
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Bytes as text with control and 8-bit bytes escaped, for messages.
fn escape(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}
