//! One test body, both clients: a test written against [`Imap`] runs with
//! the blocking client and with the tokio client, from the same code.
//!
//! ```no_run
//! use typed_imap_tests::both::{Imap, Blocking, Tokio};
//! use typed_imap_tests::dovecot::Dovecot;
//!
//! fn selects_an_empty_inbox<I: Imap>() {
//!     let server = Dovecot::start().unwrap();
//!     let mut imap = I::logged_in(&server, "alice").unwrap();
//!     assert_eq!(imap.run(typed_imap::Select::new("INBOX")).unwrap().exists, 0);
//! }
//!
//! #[test]
//! fn blocking() { selects_an_empty_inbox::<Blocking>() }
//! #[test]
//! fn tokio() { selects_an_empty_inbox::<Tokio>() }
//! ```
//!
//! [`both_clients!`](crate::both_clients) writes those two wrappers for a
//! list of generic test functions.
//!
//! The tokio client runs on a current-thread runtime of its own here,
//! each call driven by `block_on`: the same shape as an application on
//! such a runtime, whose connection task runs whenever a call awaits.

use std::io::{Read, Write};
use std::pin::Pin;
use std::task::{Context, Poll};

use typed_imap::blocking::{self, ClientOptions, StreamEvent};
use typed_imap::command::{Command, Streaming};
use typed_imap::session::{MailboxState, Unsolicited};
use typed_imap::transport::TlsConfig;
use typed_imap::{Code, Error};

use crate::client::trust;
use crate::dovecot::Dovecot;
use crate::{HarnessError, Result};

/// What the shared tests ask of a client.
pub trait Imap: Sized {
    /// `blocking` or `tokio`, for messages.
    const NAME: &'static str;

    /// Connects over plain TCP and reads the greeting.
    fn connect(host: &str, port: u16, options: ClientOptions) -> std::result::Result<Self, Error>;

    /// Connects with implicit TLS.
    fn connect_tls(
        host: &str,
        port: u16,
        tls: &TlsConfig,
        options: ClientOptions,
    ) -> std::result::Result<Self, Error>;

    /// LOGIN.
    fn login(&mut self, user: &str, password: &str) -> std::result::Result<(), Error>;

    /// A client logged in as `user` over implicit TLS.
    fn logged_in(server: &Dovecot, user: &str) -> Result<Self> {
        let password = server
            .user(user)
            .ok_or(HarnessError::Invalid {
                what: "user",
                value: user.to_owned(),
                reason: "not configured on this server",
            })?
            .password
            .clone();
        let client = |error| HarnessError::Client {
            action: format!("log in as {user}"),
            source: Box::new(error),
        };
        let mut imap = Self::connect_tls(
            "localhost",
            server.tls_addr().port(),
            &trust(server)?,
            ClientOptions::default(),
        )
        .map_err(client)?;
        imap.login(user, &password).map_err(client)?;
        Ok(imap)
    }

    /// Runs a command and returns its typed result.
    fn run<C: Command>(&mut self, command: C) -> std::result::Result<C::Output, Error>;

    /// Like `run`, with the response codes.
    fn run_with_codes<C: Command>(
        &mut self,
        command: C,
    ) -> std::result::Result<(C::Output, Vec<Code>), Error>;

    /// A command sent without waiting: [`collect`](Self::collect) gives
    /// its result.
    type Ticket<C: Command>;

    /// Sends a command without waiting.
    fn submit<C: Command>(&mut self, command: C) -> std::result::Result<Self::Ticket<C>, Error>;

    /// The result of a submitted command.
    fn collect<C: Command>(
        &mut self,
        ticket: Self::Ticket<C>,
    ) -> std::result::Result<C::Output, Error>;

    /// Runs many commands at once, each result in its place.
    fn pipeline<C: Command>(
        &mut self,
        commands: Vec<C>,
    ) -> std::result::Result<Vec<std::result::Result<C::Output, Error>>, Error>;

    /// Streams a command's items, taking at most `limit` of them, then
    /// drops the stream.
    fn stream<C: Streaming>(
        &mut self,
        command: C,
        limit: usize,
    ) -> std::result::Result<Vec<C::Item>, Error>;

    /// Streams a command's events with bodies above `threshold` in chunks.
    fn stream_events<C: Streaming>(
        &mut self,
        command: C,
        threshold: u64,
    ) -> std::result::Result<Vec<StreamEvent<C::Item>>, Error>;

    /// Runs a command with large bodies written to `writer`.
    fn fetch_to<C: Streaming, W: Write + Unpin>(
        &mut self,
        command: C,
        writer: &mut W,
    ) -> std::result::Result<Vec<C::Item>, Error>;

    /// Runs a command whose external messages come from `readers`.
    fn run_from<C: Command, R: Read + Send + Unpin + 'static>(
        &mut self,
        command: C,
        readers: Vec<R>,
    ) -> std::result::Result<C::Output, Error>;

    /// The selected mailbox as the session knows it.
    fn mailbox(&self) -> Option<MailboxState>;

    /// Takes the unsolicited record.
    fn take_unsolicited(&mut self) -> Vec<Unsolicited>;

    /// How many commands are held back.
    fn held(&self) -> usize;

    /// Why the connection is unusable, if it is.
    fn broken(&self) -> Option<String>;
}

/// The blocking client.
pub type Blocking = blocking::Client;

impl Imap for blocking::Client {
    const NAME: &'static str = "blocking";
    type Ticket<C: Command> = blocking::Ticket<C>;

    fn submit<C: Command>(&mut self, command: C) -> std::result::Result<Self::Ticket<C>, Error> {
        blocking::Client::submit(self, command)
    }

    fn collect<C: Command>(
        &mut self,
        ticket: Self::Ticket<C>,
    ) -> std::result::Result<C::Output, Error> {
        blocking::Client::collect(self, ticket)
    }

    fn connect(host: &str, port: u16, options: ClientOptions) -> std::result::Result<Self, Error> {
        blocking::Client::connect_with(host, port, options)
    }

    fn connect_tls(
        host: &str,
        port: u16,
        tls: &TlsConfig,
        options: ClientOptions,
    ) -> std::result::Result<Self, Error> {
        blocking::Client::connect_tls_with(host, port, tls, options)
    }

    fn login(&mut self, user: &str, password: &str) -> std::result::Result<(), Error> {
        blocking::Client::login(self, user, password)
    }

    fn run<C: Command>(&mut self, command: C) -> std::result::Result<C::Output, Error> {
        blocking::Client::run(self, command)
    }

    fn run_with_codes<C: Command>(
        &mut self,
        command: C,
    ) -> std::result::Result<(C::Output, Vec<Code>), Error> {
        blocking::Client::run_with_codes(self, command)
    }

    fn pipeline<C: Command>(
        &mut self,
        commands: Vec<C>,
    ) -> std::result::Result<Vec<std::result::Result<C::Output, Error>>, Error> {
        blocking::Client::pipeline(self, commands)
    }

    fn stream<C: Streaming>(
        &mut self,
        command: C,
        limit: usize,
    ) -> std::result::Result<Vec<C::Item>, Error> {
        blocking::Client::stream(self, command)?
            .take(limit)
            .collect()
    }

    fn stream_events<C: Streaming>(
        &mut self,
        command: C,
        threshold: u64,
    ) -> std::result::Result<Vec<StreamEvent<C::Item>>, Error> {
        blocking::Client::stream_events(self, command, threshold)?.collect()
    }

    fn fetch_to<C: Streaming, W: Write + Unpin>(
        &mut self,
        command: C,
        writer: &mut W,
    ) -> std::result::Result<Vec<C::Item>, Error> {
        blocking::Client::fetch_to(self, command, writer)
    }

    fn run_from<C: Command, R: Read + Send + Unpin + 'static>(
        &mut self,
        command: C,
        readers: Vec<R>,
    ) -> std::result::Result<C::Output, Error> {
        blocking::Client::run_from(self, command, readers)
    }

    fn mailbox(&self) -> Option<MailboxState> {
        blocking::Client::mailbox(self).cloned()
    }

    fn take_unsolicited(&mut self) -> Vec<Unsolicited> {
        blocking::Client::take_unsolicited(self)
    }

    fn held(&self) -> usize {
        self.session().held().count()
    }

    fn broken(&self) -> Option<String> {
        self.session().broken().map(str::to_owned)
    }
}

/// The tokio client on a current-thread runtime of its own.
pub struct Tokio {
    // Dropped before the runtime: its task is on it.
    client: typed_imap::tokio::Client,
    runtime: tokio::runtime::Runtime,
}

impl std::fmt::Debug for Tokio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokio")
            .field("client", &self.client)
            .finish()
    }
}

impl Tokio {
    /// The async client underneath.
    pub fn client(&self) -> &typed_imap::tokio::Client {
        &self.client
    }

    /// Runs `future` to completion on the client's runtime.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    fn start(
        connect: impl std::future::Future<
            Output = std::result::Result<typed_imap::tokio::Client, Error>,
        >,
        runtime: tokio::runtime::Runtime,
    ) -> std::result::Result<Self, Error> {
        let client = runtime.block_on(connect)?;
        Ok(Tokio { client, runtime })
    }
}

/// A current-thread runtime for one client.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|error| panic!("a tokio runtime could not be built: {error}"))
}

impl Imap for Tokio {
    const NAME: &'static str = "tokio";
    type Ticket<C: Command> = typed_imap::tokio::Ticket<C>;

    fn submit<C: Command>(&mut self, command: C) -> std::result::Result<Self::Ticket<C>, Error> {
        self.runtime.block_on(self.client.submit(command))
    }

    fn collect<C: Command>(
        &mut self,
        ticket: Self::Ticket<C>,
    ) -> std::result::Result<C::Output, Error> {
        self.runtime.block_on(self.client.collect(ticket))
    }

    fn connect(host: &str, port: u16, options: ClientOptions) -> std::result::Result<Self, Error> {
        let runtime = runtime();
        let connect = typed_imap::tokio::Client::connect_with(host, port, options);
        Tokio::start(connect, runtime)
    }

    fn connect_tls(
        host: &str,
        port: u16,
        tls: &TlsConfig,
        options: ClientOptions,
    ) -> std::result::Result<Self, Error> {
        let runtime = runtime();
        let connect = typed_imap::tokio::Client::connect_tls_with(host, port, tls, options);
        Tokio::start(connect, runtime)
    }

    fn login(&mut self, user: &str, password: &str) -> std::result::Result<(), Error> {
        self.runtime.block_on(self.client.login(user, password))
    }

    fn run<C: Command>(&mut self, command: C) -> std::result::Result<C::Output, Error> {
        self.runtime.block_on(self.client.run(command))
    }

    fn run_with_codes<C: Command>(
        &mut self,
        command: C,
    ) -> std::result::Result<(C::Output, Vec<Code>), Error> {
        self.runtime.block_on(self.client.run_with_codes(command))
    }

    fn pipeline<C: Command>(
        &mut self,
        commands: Vec<C>,
    ) -> std::result::Result<Vec<std::result::Result<C::Output, Error>>, Error> {
        self.runtime.block_on(self.client.pipeline(commands))
    }

    fn stream<C: Streaming>(
        &mut self,
        command: C,
        limit: usize,
    ) -> std::result::Result<Vec<C::Item>, Error> {
        self.runtime.block_on(async {
            let mut stream = self.client.stream(command).await?;
            let mut items = Vec::new();
            while items.len() < limit {
                match stream.next().await {
                    Some(item) => items.push(item?),
                    None => break,
                }
            }
            Ok(items)
        })
    }

    fn stream_events<C: Streaming>(
        &mut self,
        command: C,
        threshold: u64,
    ) -> std::result::Result<Vec<StreamEvent<C::Item>>, Error> {
        self.runtime.block_on(async {
            let mut stream = self.client.stream_events(command, threshold).await?;
            let mut events = Vec::new();
            while let Some(event) = stream.next().await {
                events.push(event?);
            }
            Ok(events)
        })
    }

    fn fetch_to<C: Streaming, W: Write + Unpin>(
        &mut self,
        command: C,
        writer: &mut W,
    ) -> std::result::Result<Vec<C::Item>, Error> {
        let mut writer = SyncIo(writer);
        self.runtime
            .block_on(self.client.fetch_to(command, &mut writer))
    }

    fn run_from<C: Command, R: Read + Send + Unpin + 'static>(
        &mut self,
        command: C,
        readers: Vec<R>,
    ) -> std::result::Result<C::Output, Error> {
        let readers = readers.into_iter().map(SyncIo);
        self.runtime
            .block_on(self.client.run_from(command, readers))
    }

    fn mailbox(&self) -> Option<MailboxState> {
        self.client.mailbox()
    }

    fn take_unsolicited(&mut self) -> Vec<Unsolicited> {
        self.client.take_unsolicited()
    }

    fn held(&self) -> usize {
        self.client.held().len()
    }

    fn broken(&self) -> Option<String> {
        self.client.broken()
    }
}

/// A blocking reader or writer as an async one (it never waits: the
/// tests' readers make their bytes, their writers keep or check them).
struct SyncIo<T>(T);

impl<R: Read + Unpin> tokio::io::AsyncRead for SyncIo<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let n = this.0.read(buf.initialize_unfilled())?;
        buf.advance(n);
        Poll::Ready(Ok(()))
    }
}

impl<W: Write + Unpin> tokio::io::AsyncWrite for SyncIo<&mut W> {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Poll::Ready(self.get_mut().0.write(buf))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(self.get_mut().0.flush())
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Writes, for each generic test function named, a `#[test]` per client:
/// `mod blocking_client { fn name() }` and `mod tokio_client { fn name() }`.
#[macro_export]
macro_rules! both_clients {
    ($($test:ident),* $(,)?) => {
        mod blocking_client {
            $(
                #[test]
                fn $test() {
                    super::$test::<$crate::both::Blocking>()
                }
            )*
        }
        mod tokio_client {
            $(
                #[test]
                fn $test() {
                    super::$test::<$crate::both::Tokio>()
                }
            )*
        }
    };
}
