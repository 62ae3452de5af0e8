//! The async client (cargo feature `tokio`): the same sans-IO
//! [`Session`] as the blocking client, over tokio.
//!
//! ```no_run
//! # async fn example() -> Result<(), typed_imap::Error> {
//! use typed_imap::tokio::Client;
//! use typed_imap::types::{FetchItem, SequenceSet};
//! use typed_imap::Fetch;
//!
//! let imap = Client::connect_tls("imap.example.com").await?;
//! imap.login("alice", "secret").await?;
//! let inbox = imap.select("INBOX").await?; // the generated methods, `async`
//! let mut messages = imap
//!     .stream(Fetch::new(SequenceSet::all()).items(FetchItem::envelope()))
//!     .await?;
//! while let Some(message) = messages.next().await {
//!     println!("{:?}", message?.message.envelope);
//! }
//! drop(messages);
//! imap.logout().await?;
//! # let _ = inbox;
//! # Ok(())
//! # }
//! ```
//!
//! A connection is one future that owns the socket, reads, writes, and
//! hands each event to the future that waits for it. The future waiting
//! for a reply polls it (so the reply needs no hop through another task);
//! a task the client spawns on the current runtime (a current-thread
//! runtime too) polls it when none waits. Methods take `&self`, so
//! commands of several futures run pipelined on one connection
//! (`tokio::join!(imap.run(a), imap.run(b))`), with the session's routing
//! deciding what may run together. Every await on the connection is in
//! that one future, which no caller drops, so a future dropped at any
//! await point leaves the connection in step; dropping the client writes
//! LOGOUT without waiting and closes.

mod auth;
mod conn;
mod driver;
mod idle;
mod io;
mod reply;
mod stream;

use std::collections::VecDeque;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use tokio::io::AsyncRead;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

pub use auth::AsyncAuthenticator;
use conn::Conn;
use driver::{Driver, Inner, Shared, Signal, StreamQueue, StreamSink, Waiter};
pub use idle::{IdleOptions, IdleStream};
pub use stream::{StreamEvents, Streamed};

use crate::blocking::ClientOptions;
use crate::command::{Command, Completed, State, Streaming};
use crate::error::Error;
use crate::response::StatusResponse;
use crate::session::{Delivery, Done, MailboxState, SendOptions, Session, Unsolicited};
use crate::transport::{Timeouts, TlsConfig, IMAPS_PORT};
use crate::types::Capability;
use crate::Code;

/// How many commands [`Client::pipeline`] queues between two turns of the
/// connection, which write them.
const PIPELINE_WRITE_EVERY: usize = 16;

/// How many items a stream's or an IDLE's reader may lag behind before
/// the connection waits for it.
const STREAM_CAPACITY: usize = 32;

/// An async IMAP client: one connection, polled by the futures that wait
/// on it.
#[derive(Debug)]
pub struct Client {
    shared: Arc<Shared>,
    /// The connection, polled by the futures that wait on it.
    conn: Arc<Conn>,
    timeouts: Timeouts,
    /// Polls the connection when no future waits on it.
    background: JoinHandle<()>,
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conn").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").finish_non_exhaustive()
    }
}

impl Client {
    /// Connects over plain TCP and reads the greeting. Prefer
    /// [`connect_tls`](Self::connect_tls) or
    /// [`connect_starttls`](Self::connect_starttls).
    pub async fn connect(host: &str, port: u16) -> Result<Self, Error> {
        Client::connect_with(host, port, ClientOptions::default()).await
    }

    /// [`connect`](Self::connect) with options (timeouts, session limits).
    pub async fn connect_with(
        host: &str,
        port: u16,
        options: ClientOptions,
    ) -> Result<Self, Error> {
        let tcp = io::tcp(host, port, &options.timeouts).await?;
        Client::start(io::Io::Tcp(tcp), host, options, false).await
    }

    /// Connects with implicit TLS on port 993, trusting the webpki roots,
    /// the certificate verified.
    pub async fn connect_tls(host: &str) -> Result<Self, Error> {
        Client::connect_tls_with(
            host,
            IMAPS_PORT,
            &TlsConfig::default(),
            ClientOptions::default(),
        )
        .await
    }

    /// Connects with implicit TLS to `host:port` with `tls` settings.
    pub async fn connect_tls_with(
        host: &str,
        port: u16,
        tls: &TlsConfig,
        options: ClientOptions,
    ) -> Result<Self, Error> {
        let tcp = io::tcp(host, port, &options.timeouts).await?;
        let stream = io::tls(tcp, host, tls, &options.timeouts, false).await?;
        Client::start(io::Io::Tls(Box::new(stream)), host, options, true).await
    }

    /// Connects over TCP and requires STARTTLS before anything else: a
    /// server that does not offer it, refuses it, or greets with PREAUTH is
    /// an error, never a fallback to plaintext.
    pub async fn connect_starttls(
        host: &str,
        port: u16,
        tls: &TlsConfig,
        options: ClientOptions,
    ) -> Result<Self, Error> {
        let client = Client::connect_with(host, port, options).await?;
        if client.state() != State::NotAuthenticated {
            client.disconnect();
            return Err(Error::tls(
                "server greeted with PREAUTH: STARTTLS is impossible, refusing to continue in plaintext",
            ));
        }
        if let Err(error) = client.starttls_with(tls).await {
            client.disconnect();
            return Err(error);
        }
        Ok(client)
    }

    /// Spawns `command` and speaks IMAP over its stdin and stdout
    /// (imaplib's `IMAP4_stream`); the process is killed with the client.
    pub async fn spawn(command: std::process::Command) -> Result<Self, Error> {
        let child = io::spawn(command)?;
        Client::start(
            io::Io::Child(Box::new(child)),
            "localhost",
            ClientOptions::default(),
            false,
        )
        .await
    }

    /// Starts the connection over `io` and waits for the greeting.
    async fn start(
        io: io::Io,
        host: &str,
        options: ClientOptions,
        tls: bool,
    ) -> Result<Self, Error> {
        options.timeouts.validate()?;
        let mut session = Session::new(options.session);
        session.set_tls(tls);
        session.set_local(io.is_local());
        let (greeted, greeting) = reply::channel();
        let mut inner = Inner::new(session);
        inner.greeting = Some(greeted);
        let shared = Arc::new(Shared {
            inner: std::sync::Mutex::new(inner),
            wake: Signal::default(),
            completed: Notify::new(),
        });
        let driver = Driver::new(Arc::clone(&shared), io, host.to_owned(), options.timeouts);
        let conn = Arc::new(Conn::new(Arc::clone(&shared), Box::pin(driver.run())));
        let polled = Arc::clone(&conn);
        let background = tokio::spawn(std::future::poll_fn(move |cx| polled.poll_background(cx)));
        let client = Client {
            shared,
            conn,
            timeouts: options.timeouts,
            background,
        };
        client.within_command_timeout(greeting).await?;
        Ok(client)
    }

    /// The session's state.
    pub fn state(&self) -> State {
        self.shared.lock().session.state()
    }

    /// The server's greeting (imaplib's `welcome`). After STARTTLS it is
    /// the one thing kept from before TLS, and it came in plaintext:
    /// anyone on the path may have written it, so do not trust it.
    pub fn greeting(&self) -> Option<StatusResponse<Code>> {
        self.shared.lock().session.greeting().cloned()
    }

    /// Whether mailbox names are UTF-8 (`UTF8=ACCEPT` enabled, or
    /// IMAP4rev2 in force).
    pub fn utf8_enabled(&self) -> bool {
        self.shared.lock().session.utf8_enabled()
    }

    /// Whether the connection runs over TLS (implicit, or after STARTTLS).
    pub fn is_tls(&self) -> bool {
        self.shared.lock().session.is_tls()
    }

    /// Whether COMPRESS=DEFLATE is in force.
    pub fn is_compressed(&self) -> bool {
        self.shared.lock().session.is_compressed()
    }

    /// The selected mailbox as last reported by the server.
    pub fn mailbox(&self) -> Option<MailboxState> {
        self.shared.lock().session.mailbox().cloned()
    }

    /// Why the connection can no longer be used, if it cannot.
    pub fn broken(&self) -> Option<String> {
        self.shared.lock().session.broken().map(str::to_owned)
    }

    /// Untagged responses no command took and untagged status responses,
    /// oldest first (imaplib's `untagged_responses`).
    pub fn unsolicited(&self) -> Vec<Unsolicited> {
        self.shared.lock().session.unsolicited().cloned().collect()
    }

    /// Takes the recorded unsolicited responses.
    pub fn take_unsolicited(&self) -> Vec<Unsolicited> {
        self.shared.lock().session.take_unsolicited()
    }

    /// imaplib's `response(name)`: the newest untagged response or code of
    /// that name, taken once (see [`Session::take_response`]).
    pub fn response(&self, name: &str) -> Option<Unsolicited> {
        self.shared.lock().session.take_response(name)
    }

    /// Tags of the commands held back, not written yet (RFC 3501 section
    /// 5.5; see [`Session::held`]).
    pub fn held(&self) -> Vec<String> {
        self.shared
            .lock()
            .session
            .held()
            .map(str::to_owned)
            .collect()
    }

    /// The server's capabilities, asked with CAPABILITY when not known
    /// (after STARTTLS or a login that brought none).
    pub async fn capabilities(&self) -> Result<Vec<Capability>, Error> {
        if let Some(known) = self.shared.lock().session.capabilities() {
            return Ok(known.to_vec());
        }
        self.run_now(crate::CapabilityCommand::new()).await?;
        Ok(self
            .shared
            .lock()
            .session
            .capabilities()
            .map(<[Capability]>::to_vec)
            .unwrap_or_default())
    }

    /// Whether the server advertises `name` (asking it if not known), or
    /// a mode in force includes it.
    pub async fn has_capability(&self, name: &str) -> Result<bool, Error> {
        self.capabilities().await?;
        Ok(self.shared.lock().session.has_capability(name))
    }

    /// The protocol version in force (imaplib's `PROTOCOL_VERSION`):
    /// `IMAP4rev2` once enabled or with a server that speaks only it, else
    /// `IMAP4rev1` or `IMAP4` as advertised.
    pub async fn protocol_version(&self) -> Result<&'static str, Error> {
        self.capabilities().await?;
        let version = self.shared.lock().session.protocol_version();
        version.ok_or_else(|| Error::MissingCapability {
            command: "PROTOCOL_VERSION".into(),
            capability: "IMAP4rev1".into(),
        })
    }

    /// Sends `command` and waits for its result.
    pub async fn run<C: Command>(&self, command: C) -> Result<C::Output, Error> {
        self.done_of(&command, true).await?.into_result::<C>()
    }

    /// Like [`run`](Self::run), also returning the response codes the
    /// command received (UIDPLUS's `AppendUid` ...).
    pub async fn run_with_codes<C: Command>(
        &self,
        command: C,
    ) -> Result<(C::Output, Vec<Code>), Error> {
        let done = self.done_of(&command, true).await?;
        let codes = done.completed.codes.clone();
        Ok((done.into_result::<C>()?, codes))
    }

    /// `run` without asking for capabilities first.
    async fn run_now<C: Command>(&self, command: C) -> Result<C::Output, Error> {
        self.done_of(&command, false).await?.into_result::<C>()
    }

    /// Sends `command` and waits for its completion; `ensure`: asks the
    /// capabilities first if they are unknown and it needs one.
    async fn done_of<C: Command>(&self, command: &C, ensure: bool) -> Result<Done, Error> {
        let (waiter, done) = reply::channel();
        // Nearly always nothing is to be awaited first: one lock sends it.
        if let Some(waiter) = self.send_at_once(command, Waiter::Done(waiter), ensure)? {
            if ensure {
                // Boxed: asking the capabilities runs a command through
                // here too (without `ensure`), and the slow path is rare.
                Box::pin(self.ensure_capabilities(command)).await?;
            }
            self.after_exclusive().await?;
            // This future polls the connection at once: it need not be
            // woken.
            self.submit_with(|session| session.send(command), waiter, false, |_| ())?;
        }
        self.within_command_timeout(done).await
    }

    /// Sends `command` for `waiter` unless something is to be awaited
    /// first (capabilities to ask, an exclusive command or IDLE running):
    /// then gives the waiter back.
    fn send_at_once<C: Command>(
        &self,
        command: &C,
        waiter: Waiter,
        ensure: bool,
    ) -> Result<Option<Waiter>, Error> {
        let inner = self.shared.lock();
        let ask = ensure
            && inner.session.capabilities().is_none()
            && command.missing_capability(|_| false).is_some();
        // Not sendable now, or an IDLE to refuse: the slow path says which.
        if ask || !matches!(may_send(&inner), Ok(true)) {
            return Ok(Some(waiter));
        }
        let send = |session: &mut Session| session.send(command);
        self.enqueue(inner, send, waiter, false, |_| ())
            .map(|()| None)
    }

    /// Waits while a command after which nothing may be sent runs: a
    /// STARTTLS or AUTHENTICATE whose future was dropped, an IDLE being
    /// ended. An IDLE still running is an error instead: end it first.
    async fn after_exclusive(&self) -> Result<(), Error> {
        // Nearly always nothing exclusive runs: then no `Notified` is
        // registered and unregistered for nothing.
        if self.may_send()? {
            return Ok(());
        }
        loop {
            let completed = self.shared.completed.notified();
            tokio::pin!(completed);
            completed.as_mut().enable();
            if self.may_send()? {
                return Ok(());
            }
            completed.await;
        }
    }

    /// Whether a command may be sent now, as [`after_exclusive`](Self::after_exclusive)
    /// decides.
    fn may_send(&self) -> Result<bool, Error> {
        may_send(&self.shared.lock())
    }

    /// Sends `command` without waiting (pipelining); [`wait`](Self::wait)
    /// gives its completion.
    pub async fn send<C: Command>(&self, command: &C) -> Result<String, Error> {
        self.ensure_capabilities(command).await?;
        self.after_exclusive().await?;
        let mut inner = self.shared.lock();
        if inner.session.broken().is_some() {
            return Err(inner.unusable());
        }
        let tag = inner.session.send(command)?;
        drop(inner);
        self.shared.wake.notify_one();
        Ok(tag)
    }

    /// Waits for the completion of the command tagged `tag`.
    pub async fn wait(&self, tag: &str) -> Result<Done, Error> {
        let done = {
            let mut inner = self.shared.lock();
            if let Some(done) = inner.finished.remove(tag) {
                return Ok(done);
            }
            if !inner.session.in_flight().any(|running| running == tag) {
                return Err(Error::InvalidArgument {
                    reason: format!("no command tagged {tag:?} is running"),
                });
            }
            let (waiter, done) = reply::channel();
            inner.waiting.insert(tag.to_owned(), Waiter::Done(waiter));
            done
        };
        self.within_command_timeout(done).await
    }

    /// Sends `command` without waiting; [`collect`](Self::collect) gives
    /// its typed result.
    pub async fn submit<C: Command>(&self, command: C) -> Result<Ticket<C>, Error> {
        Ok(Ticket {
            tag: self.send(&command).await?,
            command: std::marker::PhantomData,
        })
    }

    /// Waits for the command of `ticket` and returns its typed result.
    pub async fn collect<C: Command>(&self, ticket: Ticket<C>) -> Result<C::Output, Error> {
        self.wait(&ticket.tag).await?.into_result::<C>()
    }

    /// Sends every command of `commands` at once (as many as the session
    /// lets run together), then returns each one's result, in order. The
    /// outer error is the connection's.
    pub async fn pipeline<C: Command>(
        &self,
        commands: impl IntoIterator<Item = C>,
    ) -> Result<Vec<Result<C::Output, Error>>, Error> {
        let commands = commands.into_iter();
        let expected = commands.size_hint().0;
        let mut replies = reply::Batch::with_capacity(expected);
        self.shared.lock().waiting.reserve(expected);
        let mut sent = Vec::with_capacity(expected);
        let mut driving = conn::Driving::new(&self.conn);
        for (count, command) in commands.enumerate() {
            self.ensure_capabilities(&command).await?;
            self.after_exclusive().await?;
            let waiter = Waiter::InBatch(replies.sender());
            sent.push(self.submit_with(|session| session.send(&command), waiter, true, |_| ()));
            if count % PIPELINE_WRITE_EVERY == 0 {
                // The first goes out at once and more every few, so the
                // server works while the rest are encoded.
                std::future::poll_fn(|cx| {
                    driving.drive(cx);
                    Poll::Ready(())
                })
                .await;
            }
        }
        drop(driving);
        let mut results = Vec::with_capacity(sent.len());
        for (index, sent) in sent.into_iter().enumerate() {
            results.push(match sent {
                Ok(()) => {
                    let done = self.conn.until_in(&mut replies, index);
                    self.within_timeout(done).await?.into_result::<C>()
                }
                Err(error) if error.is_fatal() => return Err(error),
                Err(refused) => Err(refused),
            });
        }
        Ok(results)
    }

    /// Sends `command` and yields its items as they arrive (a
    /// `futures::Stream`, or its own `next().await`): memory stays that of
    /// one response whatever the number of messages.
    pub async fn stream<C: Streaming>(&self, command: C) -> Result<Streamed<'_, C>, Error> {
        Ok(Streamed::new(self.start_stream(&command, None).await?))
    }

    /// Like [`stream`](Self::stream), with the literals of its FETCH
    /// responses larger than `bodies_above` bytes handed out in chunks.
    pub async fn stream_events<C: Streaming>(
        &self,
        command: C,
        bodies_above: u64,
    ) -> Result<StreamEvents<'_, C>, Error> {
        self.start_stream(&command, Some(bodies_above)).await
    }

    /// Runs `command` with every body larger than
    /// [`BODY_THRESHOLD`](crate::blocking::BODY_THRESHOLD) written to
    /// `writer` as it arrives, and returns the items (in which such a body
    /// reads as empty). An error means what `writer` received is
    /// incomplete.
    pub async fn fetch_to<C: Streaming>(
        &self,
        command: C,
        writer: &mut (impl tokio::io::AsyncWrite + Unpin),
    ) -> Result<Vec<C::Item>, Error> {
        use tokio::io::AsyncWriteExt;
        let mut items = Vec::new();
        let mut events = self
            .stream_events(command, crate::blocking::BODY_THRESHOLD)
            .await?;
        while let Some(event) = events.next().await {
            match event? {
                crate::blocking::StreamEvent::Item(item) => items.push(item),
                crate::blocking::StreamEvent::BodyChunk(bytes) => writer.write_all(&bytes).await?,
                _ => {}
            }
        }
        writer.flush().await?;
        Ok(items)
    }

    /// Runs `command`, whose messages built with
    /// [`MessageData::external`](crate::types::MessageData::external) take
    /// their bytes from `readers` (one per such message, in order), copied
    /// in chunks as the literal is sent.
    pub async fn run_from<C: Command, R: AsyncRead + Send + Unpin + 'static>(
        &self,
        command: C,
        readers: impl IntoIterator<Item = R>,
    ) -> Result<C::Output, Error> {
        self.shared.lock().readers = readers
            .into_iter()
            .map(|reader| Box::new(reader) as Box<dyn AsyncRead + Send + Unpin>)
            .collect::<VecDeque<_>>();
        let result = self.run(command).await;
        self.shared.lock().readers.clear();
        result
    }

    /// LOGIN with `user` and `password`.
    pub async fn login(&self, user: &str, password: &str) -> Result<(), Error> {
        self.run_now(crate::Login::new(user, crate::types::Secret::new(password)))
            .await
            .map(drop)
    }

    /// STARTTLS with the webpki roots; see [`starttls_with`](Self::starttls_with).
    pub async fn starttls(&self) -> Result<(), Error> {
        self.starttls_with(&TlsConfig::default()).await
    }

    /// Upgrades the connection with STARTTLS, then asks the capabilities
    /// again. Refused when TLS is already on or not advertised. Any
    /// failure leaves the connection closed.
    pub async fn starttls_with(&self, tls: &TlsConfig) -> Result<(), Error> {
        if self.shared.lock().session.is_tls() {
            return Err(Error::InvalidArgument {
                reason: "STARTTLS on a connection that already uses TLS".into(),
            });
        }
        if !self.has_capability("STARTTLS").await? {
            return Err(Error::MissingCapability {
                command: "STARTTLS".into(),
                capability: "STARTTLS".into(),
            });
        }
        self.shared.lock().starttls = Some(tls.clone());
        self.run_now(crate::StartTls::new()).await?;
        self.capabilities().await.map(drop)
    }

    /// LOGOUT: the server says BYE and closes; the connection ends.
    pub async fn logout(&self) -> Result<(), Error> {
        let result = self.run_now(crate::Logout::new()).await.map(drop);
        self.disconnect();
        result
    }

    /// Closes the connection without LOGOUT, at once.
    pub fn disconnect(&self) {
        self.shared
            .lock()
            .session
            .set_broken("connection closed by the client");
        self.abort();
    }

    /// Starts IDLE and returns once the server accepted it; the
    /// [`IdleStream`] yields what the server pushes from then on.
    pub async fn idle(&self) -> Result<IdleStream<'_>, Error> {
        self.idle_with(IdleOptions::default()).await
    }

    /// [`idle`](Self::idle) with its renewal period and dead-connection
    /// timeout.
    pub async fn idle_with(&self, options: IdleOptions) -> Result<IdleStream<'_>, Error> {
        IdleStream::start(self, options).await
    }

    /// An extension command is checked against the capabilities, which are
    /// unknown after STARTTLS or a login that did not send them: asks them
    /// then.
    async fn ensure_capabilities<C: Command>(&self, command: &C) -> Result<(), Error> {
        let unknown = self.shared.lock().session.capabilities().is_none();
        if unknown && command.missing_capability(|_| false).is_some() {
            self.capabilities().await?;
        }
        Ok(())
    }

    /// Sends a command through `send` and registers who waits for it, in
    /// one step (a completion cannot come in between). `wake`: whether the
    /// connection must be woken to write it; false when the caller polls
    /// the connection right after. `keep` takes what the caller keeps of
    /// the tag (most keep nothing: the tag moves to the waiter).
    fn submit_with<T>(
        &self,
        send: impl FnOnce(&mut Session) -> Result<String, Error>,
        waiter: Waiter,
        wake: bool,
        keep: impl FnOnce(&str) -> T,
    ) -> Result<T, Error> {
        self.enqueue(self.shared.lock(), send, waiter, wake, keep)
    }

    /// [`submit_with`](Self::submit_with) under a lock already taken.
    fn enqueue<T>(
        &self,
        mut inner: std::sync::MutexGuard<'_, Inner>,
        send: impl FnOnce(&mut Session) -> Result<String, Error>,
        waiter: Waiter,
        wake: bool,
        keep: impl FnOnce(&str) -> T,
    ) -> Result<T, Error> {
        if inner.session.broken().is_some() {
            return Err(inner.unusable());
        }
        let tag = send(&mut inner.session)?;
        let kept = keep(&tag);
        inner.waiting.insert(tag, waiter);
        drop(inner);
        if wake {
            self.shared.wake.notify_one();
        } else {
            self.conn.poke();
        }
        Ok(kept)
    }

    async fn start_stream<C: Streaming>(
        &self,
        command: &C,
        bodies_above: Option<u64>,
    ) -> Result<StreamEvents<'_, C>, Error> {
        self.ensure_capabilities(command).await?;
        self.after_exclusive().await?;
        let queue = Arc::new(std::sync::Mutex::new(StreamQueue::default()));
        let options = SendOptions {
            delivery: Delivery::Stream,
            bodies_above,
        };
        let tag = self.submit_with(
            |session| session.send_with(command, options),
            Waiter::Stream(StreamSink(Arc::clone(&queue))),
            true,
            str::to_owned,
        )?;
        Ok(StreamEvents::new(self, tag, queue))
    }

    /// Waits for `receiver`, polling the connection meanwhile, within the
    /// command timeout; a timeout closes the connection (as the blocking
    /// client's does), the connection gone gives its reason.
    async fn within_command_timeout<T>(
        &self,
        mut receiver: reply::Receiver<T>,
    ) -> Result<T, Error> {
        self.within_timeout(self.conn.until(&mut receiver)).await
    }

    /// Waits for `receiver` within the command timeout, as
    /// [`within_command_timeout`](Self::within_command_timeout) does.
    async fn within_timeout<T>(
        &self,
        receiver: impl std::future::Future<Output = Option<T>>,
    ) -> Result<T, Error> {
        let received = match self.timeouts.command {
            Some(limit) => match tokio::time::timeout(limit, receiver).await {
                Ok(received) => received,
                Err(_) => {
                    self.fail("command timeout elapsed");
                    return Err(Error::Io(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "command timeout elapsed",
                    )));
                }
            },
            None => receiver.await,
        };
        received.ok_or_else(|| self.shared.lock().closed())
    }

    /// Breaks the connection: it closes, and every future waiting on it
    /// gets `reason`.
    fn fail(&self, reason: &str) {
        self.shared
            .lock()
            .session
            .set_broken(format!("I/O error: {reason}"));
        self.abort();
    }

    /// Closes the connection at once, without a word.
    fn abort(&self) {
        self.conn.abort();
        self.background.abort();
    }

    /// Raw command text (imaplib's `xatom`).
    pub async fn raw(&self, name: &str, arguments: &str) -> Result<Completed, Error> {
        self.run(crate::blocking::Raw::new(name, arguments)).await
    }
}

/// Whether a command may be sent now: not while an exclusive command
/// runs (unless the connection broke, which the send then reports); an
/// IDLE still running is an error instead: end it first.
fn may_send(inner: &Inner) -> Result<bool, Error> {
    if inner.idle.as_ref().is_some_and(|idle| !idle.stopping) {
        return Err(Error::InvalidArgument {
            reason: "a command cannot be sent while IDLE runs: end it first \
                         (drop the IdleStream, or IdleStream::done)"
                .into(),
        });
    }
    Ok(inner.session.exclusive().is_none() || inner.session.broken().is_some())
}

/// A command sent with [`Client::submit`], whose typed result
/// [`Client::collect`] waits for.
#[derive(Debug)]
#[must_use = "collect the result, or the completion is kept until the client is dropped"]
pub struct Ticket<C> {
    tag: String,
    command: std::marker::PhantomData<fn() -> C>,
}

impl<C> Ticket<C> {
    /// The command's tag.
    pub fn tag(&self) -> &str {
        &self.tag
    }
}

impl Drop for Client {
    /// Writes LOGOUT if still logged in, without waiting for the answer:
    /// the background task writes it and closes. Never blocks.
    fn drop(&mut self) {
        let mut inner = self.shared.lock();
        let healthy = inner.session.broken().is_none()
            && inner.session.state() != State::Logout
            && inner.session.in_flight().next().is_none();
        if healthy && inner.session.send(&crate::Logout::new()).is_err() {
            tracing::debug!("LOGOUT on drop could not be queued");
        }
        inner.closing = true;
        drop(inner);
        self.shared.wake.notify_one();
    }
}

/// How long [`IdleOptions::default`] lets an IDLE run before renewing it.
pub const IDLE_RENEWAL: Duration = crate::blocking::IDLE_RENEWAL;
