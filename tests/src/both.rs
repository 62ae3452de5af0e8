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

use std::time::Duration;

use typed_imap::auth::Authenticator;
use typed_imap::blocking::{self, ClientOptions, StreamEvent};
use typed_imap::command::{Command, Completed, State, Streaming};
use typed_imap::response::StatusResponse;
use typed_imap::session::{Done, MailboxState, Unsolicited};
use typed_imap::transport::TlsConfig;
use typed_imap::types::{Capability, Rights};
use typed_imap::{Code, Error, MailboxAcl, MailboxRights};

use crate::client::trust;
use crate::dovecot::Dovecot;
use crate::{HarnessError, Result};

/// What the shared tests ask of a client.
pub trait Imap: Sized + std::fmt::Debug {
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

    /// Connects over TCP and requires STARTTLS before anything else.
    fn connect_starttls(
        host: &str,
        port: u16,
        tls: &TlsConfig,
        options: ClientOptions,
    ) -> std::result::Result<Self, Error>;

    /// Speaks IMAP over the stdin and stdout of `command` (a PREAUTH
    /// stream).
    fn spawn(command: std::process::Command) -> std::result::Result<Self, Error>;

    /// LOGIN.
    fn login(&mut self, user: &str, password: &str) -> std::result::Result<(), Error>;

    /// AUTHENTICATE with `authenticator`.
    fn authenticate<A: Authenticator + Send + 'static>(
        &mut self,
        authenticator: A,
    ) -> std::result::Result<(), Error>;

    /// STARTTLS with the webpki roots, then CAPABILITY again.
    fn starttls(&mut self) -> std::result::Result<(), Error>;

    /// STARTTLS trusting `tls`'s roots, then CAPABILITY again.
    fn starttls_with(&mut self, tls: &TlsConfig) -> std::result::Result<(), Error>;

    /// LOGOUT, then the connection is closed.
    fn logout(&mut self) -> std::result::Result<(), Error>;

    /// Closes the connection without LOGOUT.
    fn disconnect(&mut self);

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
        Self::tls_login(server.tls_addr().port(), &trust(server)?, user, &password)
    }

    /// Connects to localhost's `port` with implicit TLS trusting `tls` and
    /// logs in as `user` (any server: Cyrus, Courier, Mailutils, Stalwart).
    fn tls_login(port: u16, tls: &TlsConfig, user: &str, password: &str) -> Result<Self> {
        let client = |error| HarnessError::Client {
            action: format!("log in as {user}"),
            source: Box::new(error),
        };
        let mut imap =
            Self::connect_tls("localhost", port, tls, ClientOptions::default()).map_err(client)?;
        imap.login(user, password).map_err(client)?;
        Ok(imap)
    }

    /// Connects to `addr` over plain TCP and logs in as `user`.
    fn plain_login(addr: std::net::SocketAddr, user: &str, password: &str) -> Result<Self> {
        let client = |error| HarnessError::Client {
            action: format!("log in as {user}"),
            source: Box::new(error),
        };
        let mut imap = Self::connect(
            &addr.ip().to_string(),
            addr.port(),
            ClientOptions::default(),
        )
        .map_err(client)?;
        imap.login(user, password).map_err(client)?;
        Ok(imap)
    }

    /// The session's state.
    fn state(&self) -> State;

    /// The server's greeting.
    fn greeting(&self) -> Option<StatusResponse<Code>>;

    /// The server's capabilities, asked when not known.
    fn capabilities(&mut self) -> std::result::Result<Vec<Capability>, Error>;

    /// Whether the server advertises `name` (asking when not known).
    fn has_capability(&mut self, name: &str) -> std::result::Result<bool, Error>;

    /// The protocol version in force.
    fn protocol_version(&mut self) -> std::result::Result<&'static str, Error>;

    /// Whether mailbox names are UTF-8.
    fn utf8_enabled(&self) -> bool;

    /// Whether the connection runs over TLS.
    fn is_tls(&self) -> bool;

    /// Whether COMPRESS=DEFLATE is in force.
    fn is_compressed(&self) -> bool;

    /// The unsolicited record, left in place.
    fn unsolicited(&self) -> Vec<Unsolicited>;

    /// The newest untagged response or code named `name`, taken once.
    fn response(&mut self, name: &str) -> Option<Unsolicited>;

    /// Sends a command without waiting; [`wait`](Self::wait) gives its
    /// completion.
    fn send<C: Command>(&mut self, command: &C) -> std::result::Result<String, Error>;

    /// Waits for the completion of the command tagged `tag`.
    fn wait(&mut self, tag: &str) -> std::result::Result<Done, Error>;

    /// Raw command text (imaplib's `xatom`).
    fn raw(&mut self, name: &str, arguments: &str) -> std::result::Result<Completed, Error>;

    /// A running IDLE, from [`idle`](Self::idle).
    type Idle<'a>: Idling
    where
        Self: 'a;

    /// Starts IDLE and returns once the server accepted it.
    fn idle(&mut self) -> std::result::Result<Self::Idle<'_>, Error>;

    /// [`idle`](Self::idle), renewed (DONE, then IDLE again) after
    /// `every` instead of after 28 minutes.
    fn idle_renewing(&mut self, every: Duration) -> std::result::Result<Self::Idle<'_>, Error>;

    /// [`idle`](Self::idle) whose [`next`](Idling::next) ends once
    /// `duration` has passed (imaplib's `idle(duration)`).
    fn idle_for(&mut self, duration: Duration) -> std::result::Result<Self::Idle<'_>, Error>;

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

    /// The client's `set_acl` (SETACL).
    fn set_acl(
        &mut self,
        mailbox: &str,
        identifier: &str,
        rights: Rights,
    ) -> std::result::Result<(), Error>;

    /// The client's `get_acl` (GETACL).
    fn get_acl(&mut self, mailbox: &str) -> std::result::Result<MailboxAcl, Error>;

    /// The client's `my_rights` (MYRIGHTS).
    fn my_rights(&mut self, mailbox: &str) -> std::result::Result<MailboxRights, Error>;
}

/// What the shared tests ask of a running IDLE.
pub trait Idling {
    /// The next response pushed since the IDLE began, waiting at most
    /// `timeout`; `None` when none came.
    fn wait(&mut self, timeout: Duration) -> std::result::Result<Option<Unsolicited>, Error>;

    /// A first response within `timeout`, then those following each
    /// within `interval`.
    fn burst(
        &mut self,
        timeout: Duration,
        interval: Duration,
    ) -> std::result::Result<Vec<Unsolicited>, Error>;

    /// The next pushed response; `None` once the duration of
    /// [`Imap::idle_for`] ran out (or the IDLE ended).
    fn next(&mut self) -> Option<std::result::Result<Unsolicited, Error>>;

    /// How many times the IDLE was renewed so far.
    fn renewals(&self) -> u32;

    /// Ends the IDLE and waits for the server's completion.
    fn done(self) -> std::result::Result<(), Error>;
}

impl Idling for blocking::Idler<'_> {
    fn wait(&mut self, timeout: Duration) -> std::result::Result<Option<Unsolicited>, Error> {
        blocking::Idler::wait(self, timeout)
    }

    fn burst(
        &mut self,
        timeout: Duration,
        interval: Duration,
    ) -> std::result::Result<Vec<Unsolicited>, Error> {
        blocking::Idler::burst(self, timeout, interval)
    }

    fn next(&mut self) -> Option<std::result::Result<Unsolicited, Error>> {
        Iterator::next(self)
    }

    fn renewals(&self) -> u32 {
        blocking::Idler::renewals(self)
    }

    fn done(self) -> std::result::Result<(), Error> {
        blocking::Idler::done(self)
    }
}

/// The tokio client's [`IdleStream`](typed_imap::tokio::IdleStream),
/// driven on its client's runtime.
#[derive(Debug)]
pub struct TokioIdle<'a> {
    stream: typed_imap::tokio::IdleStream<'a>,
    runtime: &'a tokio::runtime::Runtime,
}

impl Idling for TokioIdle<'_> {
    fn wait(&mut self, timeout: Duration) -> std::result::Result<Option<Unsolicited>, Error> {
        self.runtime.block_on(self.stream.wait(timeout))
    }

    fn burst(
        &mut self,
        timeout: Duration,
        interval: Duration,
    ) -> std::result::Result<Vec<Unsolicited>, Error> {
        self.runtime.block_on(self.stream.burst(timeout, interval))
    }

    fn next(&mut self) -> Option<std::result::Result<Unsolicited, Error>> {
        self.runtime.block_on(self.stream.next())
    }

    fn renewals(&self) -> u32 {
        self.stream.renewals()
    }

    fn done(self) -> std::result::Result<(), Error> {
        self.runtime.block_on(self.stream.done())
    }
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

    fn connect_starttls(
        host: &str,
        port: u16,
        tls: &TlsConfig,
        options: ClientOptions,
    ) -> std::result::Result<Self, Error> {
        blocking::Client::connect_starttls(host, port, tls, options)
    }

    fn spawn(command: std::process::Command) -> std::result::Result<Self, Error> {
        blocking::Client::spawn(command)
    }

    fn login(&mut self, user: &str, password: &str) -> std::result::Result<(), Error> {
        blocking::Client::login(self, user, password)
    }

    fn authenticate<A: Authenticator + Send + 'static>(
        &mut self,
        authenticator: A,
    ) -> std::result::Result<(), Error> {
        blocking::Client::authenticate(self, authenticator)
    }

    fn starttls(&mut self) -> std::result::Result<(), Error> {
        blocking::Client::starttls(self)
    }

    fn starttls_with(&mut self, tls: &TlsConfig) -> std::result::Result<(), Error> {
        blocking::Client::starttls_with(self, tls)
    }

    fn logout(&mut self) -> std::result::Result<(), Error> {
        blocking::Client::logout(self)
    }

    fn disconnect(&mut self) {
        blocking::Client::disconnect(self)
    }

    fn state(&self) -> State {
        blocking::Client::state(self)
    }

    fn greeting(&self) -> Option<StatusResponse<Code>> {
        blocking::Client::greeting(self).cloned()
    }

    fn capabilities(&mut self) -> std::result::Result<Vec<Capability>, Error> {
        blocking::Client::capabilities(self).map(<[Capability]>::to_vec)
    }

    fn has_capability(&mut self, name: &str) -> std::result::Result<bool, Error> {
        blocking::Client::has_capability(self, name)
    }

    fn protocol_version(&mut self) -> std::result::Result<&'static str, Error> {
        blocking::Client::protocol_version(self)
    }

    fn utf8_enabled(&self) -> bool {
        blocking::Client::utf8_enabled(self)
    }

    fn is_tls(&self) -> bool {
        self.session().is_tls()
    }

    fn is_compressed(&self) -> bool {
        self.connection().is_some_and(|c| c.is_compressed())
    }

    fn unsolicited(&self) -> Vec<Unsolicited> {
        blocking::Client::unsolicited(self).cloned().collect()
    }

    fn response(&mut self, name: &str) -> Option<Unsolicited> {
        blocking::Client::response(self, name)
    }

    fn send<C: Command>(&mut self, command: &C) -> std::result::Result<String, Error> {
        blocking::Client::send(self, command)
    }

    fn wait(&mut self, tag: &str) -> std::result::Result<Done, Error> {
        blocking::Client::wait(self, tag)
    }

    fn raw(&mut self, name: &str, arguments: &str) -> std::result::Result<Completed, Error> {
        blocking::Client::raw(self, name, arguments)
    }

    type Idle<'a> = blocking::Idler<'a>;

    fn idle(&mut self) -> std::result::Result<Self::Idle<'_>, Error> {
        blocking::Client::idle(self)
    }

    fn idle_renewing(&mut self, every: Duration) -> std::result::Result<Self::Idle<'_>, Error> {
        Ok(blocking::Client::idle(self)?.renew_every(every))
    }

    fn idle_for(&mut self, duration: Duration) -> std::result::Result<Self::Idle<'_>, Error> {
        blocking::Client::idle_for(self, duration)
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

    fn set_acl(
        &mut self,
        mailbox: &str,
        identifier: &str,
        rights: Rights,
    ) -> std::result::Result<(), Error> {
        blocking::Client::set_acl(self, mailbox, identifier, rights)
    }

    fn get_acl(&mut self, mailbox: &str) -> std::result::Result<MailboxAcl, Error> {
        blocking::Client::get_acl(self, mailbox)
    }

    fn my_rights(&mut self, mailbox: &str) -> std::result::Result<MailboxRights, Error> {
        blocking::Client::my_rights(self, mailbox)
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

    fn connect_starttls(
        host: &str,
        port: u16,
        tls: &TlsConfig,
        options: ClientOptions,
    ) -> std::result::Result<Self, Error> {
        let runtime = runtime();
        let connect = typed_imap::tokio::Client::connect_starttls(host, port, tls, options);
        Tokio::start(connect, runtime)
    }

    fn spawn(command: std::process::Command) -> std::result::Result<Self, Error> {
        let runtime = runtime();
        let connect = typed_imap::tokio::Client::spawn(command);
        Tokio::start(connect, runtime)
    }

    fn login(&mut self, user: &str, password: &str) -> std::result::Result<(), Error> {
        self.runtime.block_on(self.client.login(user, password))
    }

    fn authenticate<A: Authenticator + Send + 'static>(
        &mut self,
        authenticator: A,
    ) -> std::result::Result<(), Error> {
        self.runtime
            .block_on(self.client.authenticate(authenticator))
    }

    fn starttls(&mut self) -> std::result::Result<(), Error> {
        self.runtime.block_on(self.client.starttls())
    }

    fn starttls_with(&mut self, tls: &TlsConfig) -> std::result::Result<(), Error> {
        self.runtime.block_on(self.client.starttls_with(tls))
    }

    fn logout(&mut self) -> std::result::Result<(), Error> {
        self.runtime.block_on(self.client.logout())
    }

    fn disconnect(&mut self) {
        self.client.disconnect()
    }

    fn state(&self) -> State {
        self.client.state()
    }

    fn greeting(&self) -> Option<StatusResponse<Code>> {
        self.client.greeting()
    }

    fn capabilities(&mut self) -> std::result::Result<Vec<Capability>, Error> {
        self.runtime.block_on(self.client.capabilities())
    }

    fn has_capability(&mut self, name: &str) -> std::result::Result<bool, Error> {
        self.runtime.block_on(self.client.has_capability(name))
    }

    fn protocol_version(&mut self) -> std::result::Result<&'static str, Error> {
        self.runtime.block_on(self.client.protocol_version())
    }

    fn utf8_enabled(&self) -> bool {
        self.client.utf8_enabled()
    }

    fn is_tls(&self) -> bool {
        self.client.is_tls()
    }

    fn is_compressed(&self) -> bool {
        self.client.is_compressed()
    }

    fn unsolicited(&self) -> Vec<Unsolicited> {
        self.client.unsolicited()
    }

    fn response(&mut self, name: &str) -> Option<Unsolicited> {
        self.client.response(name)
    }

    fn send<C: Command>(&mut self, command: &C) -> std::result::Result<String, Error> {
        self.runtime.block_on(self.client.send(command))
    }

    fn wait(&mut self, tag: &str) -> std::result::Result<Done, Error> {
        self.runtime.block_on(self.client.wait(tag))
    }

    fn raw(&mut self, name: &str, arguments: &str) -> std::result::Result<Completed, Error> {
        self.runtime.block_on(self.client.raw(name, arguments))
    }

    type Idle<'a> = TokioIdle<'a>;

    fn idle(&mut self) -> std::result::Result<Self::Idle<'_>, Error> {
        let stream = self.runtime.block_on(self.client.idle())?;
        Ok(TokioIdle {
            stream,
            runtime: &self.runtime,
        })
    }

    fn idle_renewing(&mut self, every: Duration) -> std::result::Result<Self::Idle<'_>, Error> {
        let options = typed_imap::tokio::IdleOptions {
            renew_every: every,
            ..typed_imap::tokio::IdleOptions::default()
        };
        let stream = self.runtime.block_on(self.client.idle_with(options))?;
        Ok(TokioIdle {
            stream,
            runtime: &self.runtime,
        })
    }

    fn idle_for(&mut self, duration: Duration) -> std::result::Result<Self::Idle<'_>, Error> {
        let stream = self.runtime.block_on(self.client.idle_for(duration))?;
        Ok(TokioIdle {
            stream,
            runtime: &self.runtime,
        })
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

    fn set_acl(
        &mut self,
        mailbox: &str,
        identifier: &str,
        rights: Rights,
    ) -> std::result::Result<(), Error> {
        self.runtime
            .block_on(self.client.set_acl(mailbox, identifier, rights))
    }

    fn get_acl(&mut self, mailbox: &str) -> std::result::Result<MailboxAcl, Error> {
        self.runtime.block_on(self.client.get_acl(mailbox))
    }

    fn my_rights(&mut self, mailbox: &str) -> std::result::Result<MailboxRights, Error> {
        self.runtime.block_on(self.client.my_rights(mailbox))
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
///
/// Functions listed after `blocking_only:` get the blocking wrapper alone:
/// bodies the tokio client fails for a bug of its own, named beside them.
#[macro_export]
macro_rules! both_clients {
    ($($test:ident),* $(,)?) => {
        $crate::both_clients!($($test),*; blocking_only:);
    };
    ($($test:ident),* $(,)?; blocking_only: $($blocking:ident),* $(,)?) => {
        mod blocking_client {
            $(
                #[test]
                fn $test() {
                    super::$test::<$crate::both::Blocking>()
                }
            )*
            $(
                #[test]
                fn $blocking() {
                    super::$blocking::<$crate::both::Blocking>()
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
