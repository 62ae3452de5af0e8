//! The blocking client: a thin loop over the sans-IO [`Session`] and a
//! [`Connection`].
//!
//! ```no_run
//! use typed_imap::blocking::Client;
//!
//! let mut imap = Client::connect_tls("imap.example.com")?;
//! imap.login("alice", "secret")?;
//! let inbox = imap.select("INBOX")?; // a generated method: `run(Select::new("INBOX"))`
//! println!("{} messages", inbox.exists);
//! imap.logout()?;
//! # Ok::<(), typed_imap::Error>(())
//! ```

mod idle;
mod pipeline;
mod raw;
mod stream;

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

use fnv::{FnvHashMap, FnvHashSet};

pub use idle::{Idler, IDLE_RENEWAL};
pub use pipeline::{Ticket, PIPELINE_WINDOW};
pub use raw::Raw;
pub use stream::{StreamEvent, StreamEvents, Streamed, BODY_THRESHOLD};

use crate::auth::Authenticator;
use crate::command::{Command, Completed, State};
use crate::error::Error;
use crate::response::StatusResponse;
use crate::session::{Done, Event, MailboxState, Session, SessionOptions, Unsolicited};
use crate::transport::{Connection, Timeouts, TlsConfig, IMAPS_PORT};
use crate::types::Capability;
use crate::Code;

/// How much one read asks for.
const READ_CHUNK: usize = 64 * 1024;

/// Settings of a [`Client`].
#[derive(Clone, Debug, Default)]
pub struct ClientOptions {
    /// Network timeouts.
    pub timeouts: Timeouts,
    /// Session settings (limits, unsolicited record size, tag prefix).
    pub session: SessionOptions,
}

/// A blocking IMAP client. Commands run one at a time with [`run`]
/// (or the generated per-command methods); several can be pipelined with
/// [`send`] and [`wait`].
///
/// [`run`]: Client::run
/// [`send`]: Client::send
/// [`wait`]: Client::wait
#[derive(Debug)]
pub struct Client {
    connection: Option<Connection>,
    session: Session,
    host: String,
    timeouts: Timeouts,
    /// Completions of pipelined commands not claimed by `wait` yet.
    finished: FnvHashMap<String, Done>,
    /// Commands whose stream was dropped before their completion: it is
    /// dropped when it comes.
    abandoned: FnvHashSet<String>,
    /// The readers of [`run_from`](Self::run_from), in the order their
    /// literals go out.
    external_sources: Readers,
    /// The read timeout the connection has, once set (`None`: unknown, as
    /// after the connection changed).
    read_timeout: Option<Option<Duration>>,
    /// The TLS settings of a STARTTLS in progress.
    pending_tls: Option<TlsConfig>,
    buffer: Vec<u8>,
}

impl Client {
    /// Connects over plain TCP (imaplib's `IMAP4(host, port)`) and reads the
    /// greeting. Prefer [`connect_tls`](Self::connect_tls) or
    /// [`connect_starttls`](Self::connect_starttls): on plain TCP passwords
    /// travel in clear.
    pub fn connect(host: &str, port: u16) -> Result<Self, Error> {
        Client::connect_with(host, port, ClientOptions::default())
    }

    /// [`connect`](Self::connect) with options.
    pub fn connect_with(host: &str, port: u16, options: ClientOptions) -> Result<Self, Error> {
        let connection = Connection::tcp(host, port, &options.timeouts)?;
        Client::from_connection(connection, host, options)
    }

    /// Connects with implicit TLS on port 993, trusting the webpki roots
    /// (imaplib's `IMAP4_SSL`, but with the certificate verified).
    pub fn connect_tls(host: &str) -> Result<Self, Error> {
        Client::connect_tls_with(
            host,
            IMAPS_PORT,
            &TlsConfig::default(),
            ClientOptions::default(),
        )
    }

    /// Connects with implicit TLS to `host:port` with `tls` settings.
    pub fn connect_tls_with(
        host: &str,
        port: u16,
        tls: &TlsConfig,
        options: ClientOptions,
    ) -> Result<Self, Error> {
        let connection = Connection::tls(host, port, tls, &options.timeouts)?;
        let mut client = Client::from_connection(connection, host, options)?;
        client.session.set_tls(true);
        Ok(client)
    }

    /// Connects over TCP and requires STARTTLS before anything else: a
    /// server that does not offer it, refuses it, or greets with PREAUTH is
    /// an error, never a fallback to plaintext.
    pub fn connect_starttls(
        host: &str,
        port: u16,
        tls: &TlsConfig,
        options: ClientOptions,
    ) -> Result<Self, Error> {
        let connection = Connection::tcp(host, port, &options.timeouts)?;
        let mut client = Client::from_connection(connection, host, options)?;
        if client.session.state() != State::NotAuthenticated {
            client.disconnect();
            return Err(Error::tls(
                "server greeted with PREAUTH: STARTTLS is impossible, refusing to continue in plaintext",
            ));
        }
        client
            .starttls_with(tls)
            .inspect_err(|_| client.disconnect())?;
        Ok(client)
    }

    /// Spawns `command` and speaks IMAP over its stdin and stdout
    /// (imaplib's `IMAP4_stream`).
    pub fn spawn(command: std::process::Command) -> Result<Self, Error> {
        let connection = Connection::spawn(command)?;
        Client::from_connection(connection, "localhost", ClientOptions::default())
    }

    /// A client over an open `connection` to `host`: reads the greeting.
    pub fn from_connection(
        connection: Connection,
        host: &str,
        options: ClientOptions,
    ) -> Result<Self, Error> {
        options.timeouts.validate()?;
        let mut session = Session::new(options.session);
        session.set_local(connection.is_local());
        let mut client = Client {
            connection: Some(connection),
            session,
            host: host.to_owned(),
            timeouts: options.timeouts,
            finished: FnvHashMap::default(),
            abandoned: FnvHashSet::default(),
            external_sources: Readers::default(),
            read_timeout: None,
            pending_tls: None,
            buffer: vec![0; READ_CHUNK],
        };
        client.read_greeting()?;
        Ok(client)
    }

    /// The session's state.
    pub fn state(&self) -> State {
        self.session.state()
    }

    /// The server's greeting (imaplib's `welcome`). After STARTTLS it is
    /// the one thing kept from before TLS, and it came in plaintext:
    /// anyone on the path may have written it, so do not trust it.
    pub fn greeting(&self) -> Option<&StatusResponse<Code>> {
        self.session.greeting()
    }

    /// Whether mailbox names travel as UTF-8: the server answered ENABLE
    /// with `* ENABLED UTF8=ACCEPT` (RFC 6855) or `* ENABLED IMAP4rev2`
    /// (RFC 9051), or speaks only IMAP4rev2.
    pub fn utf8_enabled(&self) -> bool {
        self.session.utf8_enabled()
    }

    /// The selected mailbox as last reported by the server.
    pub fn mailbox(&self) -> Option<&MailboxState> {
        self.session.mailbox()
    }

    /// The sans-IO session underneath.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The connection underneath (for its socket).
    pub fn connection(&self) -> Option<&Connection> {
        self.connection.as_ref()
    }

    /// Untagged responses no command claimed, oldest first (imaplib's
    /// `untagged_responses`, in order and bounded).
    pub fn unsolicited(&self) -> impl Iterator<Item = &Unsolicited> {
        self.session.unsolicited()
    }

    /// Takes the recorded unsolicited responses.
    pub fn take_unsolicited(&mut self) -> Vec<Unsolicited> {
        self.session.take_unsolicited()
    }

    /// imaplib's `response(name)`: the newest untagged response or response
    /// code named `name`, taken once: `client.response("ALERT")`,
    /// `client.response("UIDVALIDITY")` or `client.response("EXISTS")`
    /// after SELECT. See [`Session::take_response`] for what is kept.
    pub fn response(&mut self, name: &str) -> Option<Unsolicited> {
        self.session.take_response(name)
    }

    /// The server's capabilities, asked with CAPABILITY when not known
    /// (after STARTTLS or login).
    pub fn capabilities(&mut self) -> Result<&[Capability], Error> {
        if self.session.capabilities().is_none() {
            self.run(crate::CapabilityCommand::new())?;
        }
        Ok(self.session.capabilities().unwrap_or_default())
    }

    /// Whether the server advertises `name` (asking it if not known), or
    /// a mode in force includes it ([`Session::has_capability`]).
    pub fn has_capability(&mut self, name: &str) -> Result<bool, Error> {
        self.capabilities()?;
        Ok(self.session.has_capability(name))
    }

    /// The protocol version in force (imaplib's `PROTOCOL_VERSION`):
    /// `IMAP4rev2` once `ENABLE IMAP4rev2` was answered ENABLED (or with a
    /// server that speaks only it), else `IMAP4rev1` or `IMAP4` as
    /// advertised; an error if the capabilities name none.
    pub fn protocol_version(&mut self) -> Result<&'static str, Error> {
        self.capabilities()?;
        self.session
            .protocol_version()
            .ok_or_else(|| Error::MissingCapability {
                command: "PROTOCOL_VERSION".into(),
                capability: "IMAP4rev1".into(),
            })
    }

    /// Sends `command` and waits for its result.
    pub fn run<C: Command>(&mut self, command: C) -> Result<C::Output, Error> {
        let tag = self.send(&command)?;
        self.wait(&tag)?.into_result::<C>()
    }

    /// Like [`run`](Self::run), also returning the response codes the
    /// command received, in order: those of untagged status responses
    /// while it ran, then its tagged completion's. This is where results
    /// that come as codes are: UIDPLUS's `Code::AppendUid` after APPEND,
    /// `Code::CopyUid` after COPY.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), typed_imap::Error> {
    /// # let mut imap = typed_imap::blocking::Client::connect("localhost", 143)?;
    /// use typed_imap::{Append, Code};
    /// let (_, codes) = imap.run_with_codes(Append::new("INBOX", b"Subject: hi\r\n\r\nhi\r\n".to_vec()))?;
    /// let uids = codes.iter().find_map(|code| match code {
    ///     Code::AppendUid(appended) => Some(appended.uids.clone()),
    ///     _ => None,
    /// });
    /// # let _ = uids;
    /// # Ok(())
    /// # }
    /// ```
    pub fn run_with_codes<C: Command>(
        &mut self,
        command: C,
    ) -> Result<(C::Output, Vec<Code>), Error> {
        let tag = self.send(&command)?;
        let done = self.wait(&tag)?;
        // The output is built from the codes too (SELECT's UIDVALIDITY,
        // MOVE's COPYUID): they are copied, not taken.
        let codes = done.completed.codes.clone();
        let output = done.into_result::<C>()?;
        Ok((output, codes))
    }

    /// Sends `command` without waiting (pipelining); returns its tag for
    /// [`wait`](Self::wait).
    ///
    /// Untagged data goes to the running command it is about (a FETCH
    /// response to the command whose UIDs or numbers hold its message),
    /// and a command whose data could not be told apart from a running
    /// one's, or that names messages by number while one that may expunge
    /// runs, is held back until that one completes (RFC 3501 section 5.5;
    /// [`Session::send`]). [`pipeline`](Self::pipeline) and
    /// [`submit`](Self::submit) are the typed forms.
    pub fn send<C: Command>(&mut self, command: &C) -> Result<String, Error> {
        self.ensure_capabilities(command)?;
        let tag = self.session.send(command)?;
        self.flush()?;
        Ok(tag)
    }

    /// An extension command is checked against the capabilities, which are
    /// unknown after STARTTLS or a login that did not send them: asks them
    /// then.
    fn ensure_capabilities<C: Command>(&mut self, command: &C) -> Result<(), Error> {
        if self.session.capabilities().is_none() && command.missing_capability(|_| false).is_some()
        {
            self.capabilities()?;
        }
        Ok(())
    }

    /// Waits for the completion of the command tagged `tag`.
    pub fn wait(&mut self, tag: &str) -> Result<Done, Error> {
        // Serial commands never set a completion aside: no hashing then.
        if !self.finished.is_empty() {
            if let Some(done) = self.finished.remove(tag) {
                return Ok(done);
            }
        }
        if !self.session.in_flight().any(|running| running == tag) {
            return Err(Error::InvalidArgument {
                reason: format!("no command tagged {tag:?} is running"),
            });
        }
        let deadline = self.command_deadline();
        loop {
            match self.next_event(deadline)? {
                Event::Completed(done) if done.tag == tag => return Ok(done),
                other => self.set_aside(other),
            }
        }
    }

    /// When a command started now must have completed.
    fn command_deadline(&self) -> Option<Instant> {
        self.timeouts
            .command
            .map(|timeout| Instant::now() + timeout)
    }

    /// The next event of the session, reading as needed until `deadline`.
    /// Transport changes (STARTTLS, COMPRESS) are made on the way; their
    /// commands' completions come as [`Event::Completed`].
    fn next_event(&mut self, deadline: Option<Instant>) -> Result<Event, Error> {
        loop {
            if let Some(event) = self.session.poll()? {
                return self.transport_change(event);
            }
            // Answers to `+`, commands no longer held back.
            self.flush()?;
            self.fill(deadline)?;
        }
    }

    /// An event that is not what the caller waits for: a completion is
    /// kept for its own `wait` (dropped if its stream was abandoned);
    /// stream events of another command can only be an abandoned
    /// stream's.
    fn set_aside(&mut self, event: Event) {
        match event {
            Event::Completed(done) => {
                if !self.abandoned.remove(&done.tag) {
                    self.finished.insert(done.tag.clone(), done);
                }
            }
            other => tracing::debug!(event = ?other, "event for no reader dropped"),
        }
    }

    /// Sends a command given as text (imaplib's `xatom`): `name` and the
    /// caller's arguments, written as they are.
    pub fn raw(&mut self, name: &str, arguments: &str) -> Result<Completed, Error> {
        self.run(Raw::new(name, arguments))
    }

    /// A UID command given as text (imaplib's `uid(command, args)`).
    pub fn uid(&mut self, name: &str, arguments: &str) -> Result<Completed, Error> {
        self.run(Raw::uid(name, arguments))
    }

    /// LOGIN with `user` and `password` (the password always quoted or a
    /// literal, never an atom).
    pub fn login(&mut self, user: &str, password: &str) -> Result<(), Error> {
        self.run(crate::Login::new(user, crate::types::Secret::new(password)))
            .map(drop)
    }

    /// AUTHENTICATE with `authenticator` (imaplib's `authenticate`); the
    /// initial response goes on the command line when the server has
    /// SASL-IR.
    pub fn authenticate(
        &mut self,
        authenticator: impl Authenticator + Send + 'static,
    ) -> Result<(), Error> {
        if self.session.capabilities().is_none() {
            self.capabilities()?;
        }
        let command = crate::Authenticate::new(authenticator.mechanism().to_owned());
        let tag = self
            .session
            .authenticate(&command, Box::new(authenticator))?;
        self.flush()?;
        self.wait(&tag)?
            .into_result::<crate::Authenticate>()
            .map(drop)
    }

    /// STARTTLS with the webpki roots; see [`starttls_with`](Self::starttls_with).
    pub fn starttls(&mut self) -> Result<(), Error> {
        self.starttls_with(&TlsConfig::default())
    }

    /// Upgrades the connection with STARTTLS, then asks the capabilities
    /// again. Refused when TLS is already on or the server does not
    /// advertise STARTTLS. Any failure leaves the connection closed.
    pub fn starttls_with(&mut self, tls: &TlsConfig) -> Result<(), Error> {
        if self.session.is_tls() {
            return Err(Error::InvalidArgument {
                reason: "STARTTLS on a connection that already uses TLS".into(),
            });
        }
        if !self.has_capability("STARTTLS")? {
            return Err(Error::MissingCapability {
                command: "STARTTLS".into(),
                capability: "STARTTLS".into(),
            });
        }
        self.pending_tls = Some(tls.clone());
        let result = self.run(crate::StartTls::new());
        self.pending_tls = None;
        result?;
        self.capabilities().map(drop)
    }

    /// LOGOUT: the server says BYE and closes; the connection is closed.
    pub fn logout(&mut self) -> Result<(), Error> {
        let result = self.run(crate::Logout::new()).map(drop);
        self.disconnect();
        result
    }

    /// Closes the connection without LOGOUT.
    pub fn disconnect(&mut self) {
        if let Some(mut connection) = self.connection.take() {
            // Closing a connection that may already be gone.
            let _ = connection.shutdown();
        }
        self.session.set_broken("connection closed by the client");
    }

    /// Best-effort LOGOUT for [`Drop`]: written, not waited for, so that
    /// dropping a client never blocks on a slow or hostile server.
    fn say_goodbye(&mut self) {
        let healthy = self.session.broken().is_none() && self.session.state() != State::Logout;
        if healthy && self.connection.is_some() && self.session.send(&crate::Logout::new()).is_ok()
        {
            if let Err(error) = self.flush() {
                tracing::debug!(%error, "LOGOUT on drop could not be written");
            }
        }
    }

    fn read_greeting(&mut self) -> Result<(), Error> {
        let deadline = self.command_deadline();
        loop {
            if let Some(event) = self.session.poll()? {
                return match event {
                    Event::Greeting(_) => Ok(()),
                    _ => Err(Error::protocol("expected the greeting")),
                };
            }
            self.fill(deadline)?;
        }
    }

    /// Makes the transport change an event asks for; STARTTLS's and
    /// COMPRESS's completions come back as plain completions.
    fn transport_change(&mut self, event: Event) -> Result<Event, Error> {
        match event {
            Event::StartTls(done) => {
                self.start_tls()?;
                Ok(Event::Completed(done))
            }
            Event::Compress(done) => {
                let Some(connection) = self.connection.take() else {
                    return Err(Error::Closed {
                        reason: "connection already closed".into(),
                    });
                };
                self.connection = Some(connection.compress()?);
                self.read_timeout = None;
                Ok(Event::Completed(done))
            }
            Event::Greeting(_) => Err(Error::protocol("a second greeting")),
            other => Ok(other),
        }
    }

    fn start_tls(&mut self) -> Result<(), Error> {
        let config = self.pending_tls.clone().unwrap_or_default();
        let Some(connection) = self.connection.take() else {
            return Err(Error::Closed {
                reason: "connection already closed".into(),
            });
        };
        match connection.upgrade(&self.host, &config, &self.timeouts) {
            Ok(upgraded) => {
                self.connection = Some(upgraded);
                self.read_timeout = None;
                self.session.tls_established();
                Ok(())
            }
            Err(error) => {
                self.session
                    .set_broken(format!("TLS handshake after STARTTLS failed: {error}"));
                Err(error)
            }
        }
    }

    /// Writes what the session has to send, and the literals it asks to
    /// be copied from the caller's readers ([`run_from`](Self::run_from)).
    fn flush(&mut self) -> Result<(), Error> {
        loop {
            let output = self.session.take_output();
            if !output.is_empty() {
                let connection = self.connection_mut()?;
                let result = connection
                    .write_all(&output)
                    .and_then(|()| connection.flush());
                result.map_err(|error| self.io_failed(error))?;
            }
            let Some(len) = self.session.pending_external() else {
                return Ok(());
            };
            self.copy_external(len)?;
            self.session.external_written();
        }
    }

    /// Copies `len` bytes from the next reader to the connection, in
    /// chunks: the message is never held whole. Fewer bytes than announced
    /// leave the literal unfinishable: the connection is broken.
    fn copy_external(&mut self, len: u64) -> Result<(), Error> {
        let Some(mut source) = self.external_sources.0.pop_front() else {
            let reason = format!(
                "a message of {len} bytes is to be sent from a reader, but none was given \
                 (use Client::run_from); the announced literal cannot be completed"
            );
            self.session.set_broken(reason.clone());
            return Err(Error::InvalidArgument { reason });
        };
        let mut chunk = vec![0; READ_CHUNK];
        let mut left = len;
        while left > 0 {
            let want = usize::try_from(left.min(READ_CHUNK as u64)).unwrap_or(READ_CHUNK);
            let read = match source.read(chunk.get_mut(..want).unwrap_or_default()) {
                Ok(0) => {
                    let reason = format!(
                        "the message's reader ended after {} of the {len} bytes announced; \
                         the literal cannot be completed",
                        len - left
                    );
                    self.session.set_broken(reason.clone());
                    return Err(Error::InvalidArgument { reason });
                }
                Ok(read) => read,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => {
                    self.session
                        .set_broken(format!("reading the message to send failed: {error}"));
                    return Err(Error::Io(error));
                }
            };
            let connection = self.connection_mut()?;
            let written = connection.write_all(chunk.get(..read).unwrap_or_default());
            written.map_err(|error| self.io_failed(error))?;
            left -= read as u64;
        }
        Ok(())
    }

    /// Runs `command`, whose messages built with
    /// [`MessageData::external`](crate::types::MessageData::external) take
    /// their bytes from `readers`, one reader per such message, in order:
    /// each literal is copied in chunks as it is sent, never held whole
    /// (a 50 MB file costs a 64 KiB buffer). A reader that ends early
    /// breaks the connection, the literal being announced.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), typed_imap::Error> {
    /// # let mut imap = typed_imap::blocking::Client::connect("localhost", 143)?;
    /// use typed_imap::types::MessageData;
    /// use typed_imap::Append;
    ///
    /// let file = std::fs::File::open("large.eml")?;
    /// let len = file.metadata()?.len();
    /// imap.run_from(Append::new("Archive", MessageData::external(len)), [file])?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn run_from<C: Command, R: Read + Send + 'static>(
        &mut self,
        command: C,
        readers: impl IntoIterator<Item = R>,
    ) -> Result<C::Output, Error> {
        self.external_sources = Readers(
            readers
                .into_iter()
                .map(|reader| Box::new(reader) as Box<dyn Read + Send>)
                .collect(),
        );
        let result = self.run(command);
        self.external_sources.0.clear();
        result
    }

    /// Reads once into the session. EOF, I/O errors and an elapsed timeout
    /// break the session.
    fn fill(&mut self, deadline: Option<Instant>) -> Result<(), Error> {
        let read_timeout = match deadline {
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    let error = io::Error::new(io::ErrorKind::TimedOut, "command timeout elapsed");
                    return Err(self.io_failed(error));
                }
                Some(self.timeouts.read.map_or(left, |read| read.min(left)))
            }
            None => self.timeouts.read,
        };
        if self.read_once(read_timeout)? {
            return Ok(());
        }
        // Sockets report an elapsed timeout as WouldBlock on Unix.
        let which = match deadline {
            Some(deadline) if Instant::now() >= deadline => "command timeout elapsed",
            _ => "read timeout elapsed: the server sent nothing",
        };
        Err(self.io_failed(io::Error::new(io::ErrorKind::TimedOut, which)))
    }

    /// Reads once into the session, waiting at most `timeout` (`None`:
    /// forever). `Ok(false)`: the time ran out with nothing read, which
    /// leaves the session as it was (IDLE waits this way). EOF and I/O
    /// errors break the session.
    fn read_once(&mut self, timeout: Option<Duration>) -> Result<bool, Error> {
        let connection = self.connection.as_mut().ok_or_else(|| Error::Closed {
            reason: "connection closed".into(),
        })?;
        if self.read_timeout != Some(timeout) {
            // One system call per change, not per read.
            connection.set_read_timeout(timeout)?;
            self.read_timeout = Some(timeout);
        }
        match connection.read(&mut self.buffer) {
            Ok(0) => {
                let reason = if self.session.has_buffered_input() {
                    "connection closed in the middle of a response"
                } else {
                    "connection closed by the server"
                };
                self.session.set_broken(reason);
                Err(Error::Closed {
                    reason: reason.into(),
                })
            }
            Ok(n) => {
                let received = self.buffer.get(..n).unwrap_or_default();
                self.session.receive(received);
                Ok(true)
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => Ok(true),
            Err(error)
                if matches!(
                    error.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                Ok(false)
            }
            Err(error) => Err(self.io_failed(error)),
        }
    }

    fn connection_mut(&mut self) -> Result<&mut Connection, Error> {
        self.connection.as_mut().ok_or_else(|| Error::Closed {
            reason: "connection closed".into(),
        })
    }

    fn io_failed(&mut self, error: io::Error) -> Error {
        self.session.set_broken(format!("I/O error: {error}"));
        Error::from_tls_io(error)
    }
}

/// The readers of `run_from`, shown by their number.
#[derive(Default)]
struct Readers(VecDeque<Box<dyn Read + Send>>);

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Readers({})", self.0.len())
    }
}

impl Drop for Client {
    /// Like imaplib's context manager: a client still logged in says
    /// LOGOUT (without waiting for the answer), then the connection closes.
    fn drop(&mut self) {
        self.say_goodbye();
        self.disconnect();
    }
}
