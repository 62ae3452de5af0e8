//! The sans-IO IMAP session: bytes in, events out, no I/O inside.
//!
//! The session knows the rules every command follows (tags, states,
//! synchronising literals, continuation requests, routing of untagged data)
//! and the behaviours of a few kinds ([`Behaviour`]): it knows no command by
//! name. A driver (the blocking [`Client`](crate::blocking::Client), later an
//! async one) writes what [`Session::take_output`] returns, feeds what it
//! reads to [`Session::receive`] and handles what [`Session::poll`] returns.
//!
//! ```text
//! send(command) ──► take_output() ──► socket ──► receive(bytes) ──► poll()
//!                                                              Event::Completed
//! ```

mod bodies;
mod mailbox;
mod outbound;
mod pending;
mod policy;
mod record;
mod routing;
mod tag;
mod trace;

use std::collections::VecDeque;
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use bytes::Bytes;

use crate::auth::{AuthError, Authenticator};
use crate::codec::encode::{EncodeOptions, Encoder, Fragment};
use crate::codec::frame::{self, Framer};
use crate::codec::parse::Limits;
use crate::command::{Behaviour, Command, Completed, Correlation, Effect, Mode, State};
use crate::error::Error;
use crate::quirks;
use crate::response::{parse_response_with_utf8, Continuation, Response, Status, StatusResponse};
use crate::types::Capability;
use crate::{Code, Data};

pub use bodies::BodyStart;
pub use mailbox::MailboxState;
use outbound::Outbound;
use pending::Pending;
pub use pending::{Delivery, SendOptions};
use policy::Channel;
use record::Record;
use routing::Summary;
pub use tag::{int2ap, TagGenerator};
pub use trace::TARGET as WIRE_TRACE_TARGET;

/// Settings of a session.
#[derive(Clone, Debug)]
pub struct SessionOptions {
    /// Bounds on what one response may make the client hold.
    pub limits: Limits,
    /// Most unsolicited responses kept; the oldest go first.
    pub max_unsolicited: usize,
    /// The tag prefix; random (imaplib style) when `None`.
    pub tag_prefix: Option<String>,
    /// Send passwords (LOGIN, AUTHENTICATE PLAIN ...) in clear over a
    /// network connection without TLS. Off by default: such a login is
    /// refused before anything is written ([`Error::CredentialsRefused`]).
    /// Connections to this machine (a loopback address, a child process)
    /// may carry them in clear whatever this says.
    pub allow_cleartext_credentials: bool,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            limits: Limits::default(),
            max_unsolicited: 10_000,
            tag_prefix: None,
            allow_cleartext_credentials: false,
        }
    }
}

/// What the session tells its driver.
#[derive(Debug)]
#[non_exhaustive]
pub enum Event {
    /// The server's greeting (OK or PREAUTH); the state is set from it.
    Greeting(StatusResponse<Code>),
    /// A command completed (tagged OK, NO or BAD).
    Completed(Done),
    /// STARTTLS succeeded (its completion is inside): the driver must
    /// start TLS now, then call [`Session::tls_established`].
    StartTls(Done),
    /// COMPRESS succeeded (its completion is inside): the driver must
    /// compress both directions now.
    Compress(Done),
    /// IDLE is running (the server sent `+`); end it with
    /// [`Session::idle_done`].
    IdleStarted,
    /// Untagged data for a command sent with [`Delivery::Stream`], as it
    /// arrives.
    Data {
        /// The command's tag.
        tag: Arc<str>,
        /// The data.
        data: Data,
    },
    /// A literal of a FETCH response begins, for a command that streams
    /// bodies ([`SendOptions::bodies_above`]): chunks follow, then
    /// [`BodyEnd`](Event::BodyEnd). In the typed message it reads as
    /// empty.
    BodyStart {
        /// The command's tag.
        tag: Arc<str>,
        /// Which message and item, and the announced size.
        body: BodyStart,
    },
    /// The next piece of the body begun by `BodyStart`.
    BodyChunk {
        /// The command's tag.
        tag: Arc<str>,
        /// The bytes, in order.
        bytes: Bytes,
    },
    /// The body is complete: every announced byte came.
    BodyEnd {
        /// The command's tag.
        tag: Arc<str>,
    },
    /// A SASL challenge of a command sent with
    /// [`Session::authenticate_by_driver`], decoded: answer it with
    /// [`Session::answer_challenge`].
    Challenge {
        /// The command's tag.
        tag: Arc<str>,
        /// The challenge's bytes.
        challenge: Vec<u8>,
    },
}

/// A completed command: its tagged response and what it gathered.
#[derive(Debug)]
pub struct Done {
    /// The command's tag.
    pub tag: String,
    /// The command's wire name (`UID FETCH`).
    pub command: &'static str,
    /// Status, untagged data routed to the command, and response codes.
    pub completed: Completed,
    /// The tagged response (status, code and text).
    pub response: StatusResponse<Code>,
    /// The selected mailbox went from read-write to read-only while the
    /// command ran (imaplib's `readonly`).
    pub became_read_only: bool,
    /// AUTHENTICATE: why the client cancelled the exchange (the server's
    /// answer to `*` says less).
    pub auth_error: Option<AuthError>,
}

impl Done {
    /// The command's result: `output` of the completed data on OK, the NO
    /// or BAD as an error.
    pub fn into_result<C: Command>(self) -> Result<C::Output, Error> {
        self.check()?;
        C::output(self.completed)
    }

    /// `Ok` when the command succeeded (tagged OK, the mailbox still
    /// writable, no SASL failure on the client's side), else the error:
    /// the outcome without the output, for a streamed command.
    pub fn check(&self) -> Result<(), Error> {
        if let Some(error) = &self.auth_error {
            return Err(Error::Auth(error.clone()));
        }
        let text = || String::from_utf8_lossy(&self.response.text).into_owned();
        match self.response.status {
            Status::Ok if self.became_read_only => Err(Error::ReadOnly {
                text: format!("the mailbox became read-only during {}", self.command),
            }),
            Status::Ok => Ok(()),
            Status::No => Err(Error::No {
                command: self.command.to_owned(),
                code: self.response.code.clone(),
                text: text(),
            }),
            _ => Err(Error::Bad {
                command: self.command.to_owned(),
                code: self.response.code.clone(),
                text: text(),
            }),
        }
    }
}

/// An untagged response no running command claimed.
// Not boxed: callers match on the data inside (`Unsolicited::Data(Data::Exists(n))`).
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum Unsolicited {
    /// Untagged data (`* 3 EXPUNGE`).
    Data(Data),
    /// An untagged status response (`* OK [ALERT] ...`, `* BYE ...`).
    Status(StatusResponse<Code>),
}

/// One IMAP connection's protocol state, without I/O.
#[derive(Debug)]
pub struct Session {
    options: SessionOptions,
    state: State,
    greeted: bool,
    greeting: Option<StatusResponse<Code>>,
    tags: TagGenerator,
    framer: Framer,
    outbound: Outbound,
    in_flight: VecDeque<Pending>,
    /// What the routes of `in_flight` may hold.
    routes: Summary,
    capabilities: Option<Vec<Capability>>,
    /// How many times capabilities were received.
    capabilities_seen: u64,
    mailbox: Option<MailboxState>,
    /// Untagged responses outside the commands' results.
    record: Record,
    /// STARTTLS succeeded and the driver has not started TLS yet.
    tls_pending: bool,
    tls: bool,
    /// COMPRESS succeeded: both directions are compressed until the
    /// connection ends.
    compressed: bool,
    /// The peer is on this machine (loopback, child process).
    local: bool,
    /// A response code after a status's text was warned about (once per
    /// session).
    warned_late_code: bool,
    /// The [`MODES`](crate::MODES) the server enabled (`* ENABLED`), a bit
    /// each.
    enabled: u64,
    /// The modes in force: those enabled, and those a server speaking
    /// only them is in (`replaces`).
    modes: u64,
    /// Set once the connection can no longer be used.
    broken: Option<String>,
    /// What the capabilities allow the encoder (LITERAL+, APPENDLIMIT).
    literal_options: EncodeOptions,
    /// The state the commands in flight leave if they succeed, when one
    /// of them changes it.
    projected: Option<State>,
    /// The command a literal being streamed goes to.
    body_owner: Option<Arc<str>>,
}

impl Default for Session {
    fn default() -> Self {
        Session::new(SessionOptions::default())
    }
}

impl Session {
    /// A session waiting for the server's greeting.
    pub fn new(options: SessionOptions) -> Self {
        let tags = match &options.tag_prefix {
            Some(prefix) => TagGenerator::with_prefix(prefix.clone()),
            None => TagGenerator::new(),
        };
        Session {
            framer: Framer::new(options.limits.clone()),
            record: Record::new(options.max_unsolicited),
            options,
            state: State::NotAuthenticated,
            greeted: false,
            greeting: None,
            tags,
            outbound: Outbound::default(),
            in_flight: VecDeque::new(),
            routes: Summary::default(),
            capabilities: None,
            capabilities_seen: 0,
            mailbox: None,
            tls_pending: false,
            tls: false,
            compressed: false,
            local: false,
            warned_late_code: false,
            enabled: 0,
            modes: 0,
            broken: None,
            body_owner: None,
            literal_options: EncodeOptions::default(),
            projected: None,
        }
    }

    /// The session's state.
    pub fn state(&self) -> State {
        self.state
    }

    /// The greeting, once received. On a connection that started TLS
    /// later (STARTTLS), the greeting came in plaintext and may have been
    /// written by anyone on the path: nothing else from before TLS is
    /// kept, and this should not be trusted either.
    pub fn greeting(&self) -> Option<&StatusResponse<Code>> {
        self.greeting.as_ref()
    }

    /// The server's capabilities, `None` while unknown (before a CAPABILITY
    /// response, and again after STARTTLS or authentication).
    pub fn capabilities(&self) -> Option<&[Capability]> {
        self.capabilities.as_deref()
    }

    /// Whether the server advertised `name` (case-insensitive), or a mode
    /// in force includes it (IMAP4rev2 includes ESEARCH, MOVE ...).
    pub fn has_capability(&self, name: &str) -> bool {
        self.advertised(name)
            || self
                .modes()
                .any(|mode| mode.implies.iter().any(|c| c.eq_ignore_ascii_case(name)))
    }

    fn advertised(&self, name: &str) -> bool {
        self.capabilities
            .as_deref()
            .is_some_and(|capabilities| capabilities.iter().any(|capability| capability.is(name)))
    }

    /// The modes in force ([`MODES`](crate::MODES)): each enabled by the
    /// server's `* ENABLED` answer (a bare OK, as Dovecot 2.3 sends to
    /// `ENABLE UTF8=ACCEPT`, does not count), or in force because the
    /// server speaks only it (IMAP4rev2 without IMAP4rev1).
    pub fn modes(&self) -> impl Iterator<Item = &'static Mode> + '_ {
        mode_bits()
            .filter(|(bit, _)| self.modes & bit != 0)
            .map(|(_, mode)| mode)
    }

    /// Whether mailbox names and quoted strings are UTF-8: a mode that
    /// says so is in force (`UTF8=ACCEPT` enabled, RFC 6855; IMAP4rev2,
    /// RFC 9051). Before, names travel in modified UTF-7.
    pub fn utf8_enabled(&self) -> bool {
        self.modes().any(|mode| mode.utf8)
    }

    /// The protocol version in force: a mode that replaces another
    /// (`IMAP4rev2` once enabled, or with a server that speaks only it),
    /// else the newest of `IMAP4rev1` and `IMAP4` advertised; `None` while
    /// the capabilities are unknown or name neither (imaplib's
    /// `PROTOCOL_VERSION`, which says what is advertised instead).
    pub fn protocol_version(&self) -> Option<&'static str> {
        self.modes()
            .find(|mode| mode.replaces.is_some())
            .map(|mode| mode.capability)
            .or_else(|| {
                ["IMAP4rev1", "IMAP4"]
                    .into_iter()
                    .find(|version| self.advertised(version))
            })
    }

    /// The selected mailbox, in state selected.
    pub fn mailbox(&self) -> Option<&MailboxState> {
        self.mailbox.as_ref()
    }

    /// Whether the session runs over TLS (as told by the driver).
    pub fn is_tls(&self) -> bool {
        self.tls
    }

    /// Whether COMPRESS=DEFLATE is in force (its OK came): the driver
    /// compresses both directions.
    pub fn is_compressed(&self) -> bool {
        self.compressed
    }

    /// Tells the session its transport is encrypted from the start
    /// (implicit TLS).
    pub fn set_tls(&mut self, tls: bool) {
        self.tls = tls;
    }

    /// Tells the session its peer is on this machine (a loopback address,
    /// a child process): passwords may go to it in clear.
    pub fn set_local(&mut self, local: bool) {
        self.local = local;
    }

    /// Why the connection can no longer be used, if it cannot.
    pub fn broken(&self) -> Option<&str> {
        self.broken.as_deref()
    }

    /// Tags of the commands sent and not completed, oldest first (those
    /// held back behind others included).
    pub fn in_flight(&self) -> impl Iterator<Item = &str> {
        self.in_flight.iter().map(|pending| &*pending.tag)
    }

    /// The name of a running command after which nothing may be sent until
    /// it completes (STARTTLS, AUTHENTICATE, IDLE, COMPRESS), if one runs.
    pub fn exclusive(&self) -> Option<&'static str> {
        // One runs alone (`send` refuses anything with it or after it), so
        // it is the first: no walk over a long pipeline at every send.
        self.in_flight
            .front()
            .filter(|pending| is_exclusive(pending.behaviour))
            .map(|pending| pending.name)
    }

    /// Tags of the commands held back, not written yet: each waits for a
    /// running command whose data it could not be told apart from, or
    /// that may renumber the messages it names (RFC 3501 section 5.5).
    pub fn held(&self) -> impl Iterator<Item = &str> {
        self.in_flight
            .iter()
            .filter(|pending| pending.held)
            .map(|pending| &*pending.tag)
    }

    /// The unsolicited responses kept so far, oldest first: untagged data
    /// no running command took, and every untagged status response (`* OK
    /// [ALERT] ...`, `* NO ...`), including those whose code also went to
    /// the running command's [`Completed::codes`].
    pub fn unsolicited(&self) -> impl Iterator<Item = &Unsolicited> {
        self.record.queued()
    }

    /// Takes the unsolicited responses kept so far.
    pub fn take_unsolicited(&mut self) -> Vec<Unsolicited> {
        self.record.take_queued()
    }

    /// Takes the oldest unsolicited response kept.
    pub fn next_unsolicited(&mut self) -> Option<Unsolicited> {
        self.record.next()
    }

    /// A mark of this moment in the unsolicited record: what arrives from
    /// now on is [`since`](Self::next_unsolicited_since) it.
    pub fn unsolicited_mark(&self) -> u64 {
        self.record.mark()
    }

    /// Takes the oldest unsolicited response that arrived since `mark`,
    /// leaving older ones kept (IDLE yields only what came while it ran).
    pub fn next_unsolicited_since(&mut self, mark: u64) -> Option<Unsolicited> {
        self.record.next_after(mark)
    }

    /// Whether an unsolicited response arrived since `mark` and is kept.
    pub fn has_unsolicited_since(&self, mark: u64) -> bool {
        self.record.has_after(mark)
    }

    /// imaplib's `response(name)`: the newest untagged response or
    /// response code named `name` (ASCII case-insensitive), taken once
    /// with every older one of that name.
    ///
    /// Names are data keywords (`EXISTS`, `RECENT`, `FLAGS`, `CAPABILITY`,
    /// `LIST` ...), statuses (`OK`, `NO`, `BAD`) and codes (`ALERT`,
    /// `UIDVALIDITY`, `UIDNEXT`, `PERMANENTFLAGS`, `READ-ONLY` ...). A code
    /// comes back as the status response that carried it, with its text.
    /// What a command took as its result is not kept (a FETCH's messages
    /// are its output), except data that changes the mailbox or the
    /// capabilities (`EXISTS`, `RECENT`, `FLAGS`, `EXPUNGE`, `CAPABILITY`
    /// ...) and the codes of tagged responses: after SELECT, `EXISTS`,
    /// `FLAGS`, `UIDVALIDITY` and `READ-ONLY` can all be asked for.
    pub fn take_response(&mut self, name: &str) -> Option<Unsolicited> {
        self.record.take_named(name)
    }

    /// How many unsolicited responses were dropped because the record was
    /// full.
    pub fn dropped_unsolicited(&self) -> u64 {
        self.record.dropped()
    }

    /// Bytes the driver must write now.
    pub fn take_output(&mut self) -> Vec<u8> {
        self.outbound.take()
    }

    /// Whether bytes wait to be written.
    pub fn has_output(&self) -> bool {
        self.outbound.has_ready()
    }

    /// After the driver wrote what [`take_output`](Self::take_output) gave:
    /// the length of a literal it must now copy from its own source (an
    /// APPEND of [`MessageData::external`](crate::types::MessageData)),
    /// exactly that many bytes, then call
    /// [`external_written`](Self::external_written). Nothing else goes out
    /// before.
    pub fn pending_external(&self) -> Option<u64> {
        self.outbound.pending_external()
    }

    /// The driver wrote the literal [`pending_external`](Self::pending_external)
    /// asked for.
    pub fn external_written(&mut self) {
        self.outbound.external_written();
        self.released();
    }

    /// Bytes read from the server.
    pub fn receive(&mut self, bytes: &[u8]) {
        self.framer.push(bytes);
    }

    /// Bytes read from the server into a buffer of their own (a driver
    /// reading with `read_buf`): no copy when nothing is buffered.
    pub fn receive_owned(&mut self, bytes: bytes::BytesMut) {
        self.framer.push_owned(bytes);
    }

    /// Gives the input buffer's memory back if it holds nothing: for a
    /// driver about to wait long (nothing in flight, or IDLE), so that
    /// thousands of waiting connections hold little.
    pub fn release_buffers(&mut self) {
        self.framer.release();
    }

    /// Whether the framer holds bytes not yet handed out (a partial
    /// response).
    pub fn has_buffered_input(&self) -> bool {
        self.framer.buffered() > 0
    }

    /// How many received bytes the session holds and has not handed out
    /// yet (the framer's buffer). Once [`poll`](Self::poll) has returned
    /// `Ok(None)`, this is one partial response, bounded by
    /// `Limits::max_response`.
    pub fn buffered_input(&self) -> usize {
        self.framer.buffered()
    }

    /// Checks and encodes `command` and queues it; returns its tag. Nothing
    /// is queued when it is refused.
    ///
    /// Several commands may run at once. Untagged data goes to the running
    /// command it is about (a FETCH response to the command whose UIDs or
    /// sequence numbers hold its message, a STATUS to the one naming its
    /// mailbox, an ESEARCH to its tag); a command whose data could not be
    /// told apart from a running one's, or that names messages by sequence
    /// number while a command that may expunge runs, is held back until
    /// that one completes ([`held`](Self::held)), and so are the commands
    /// sent after it.
    pub fn send<C: Command>(&mut self, command: &C) -> Result<String, Error> {
        self.send_with(command, SendOptions::default())
    }

    /// [`send`](Self::send) with the delivery of its data chosen: streamed
    /// as [`Event::Data`] rather than collected, bodies in chunks.
    pub fn send_with<C: Command>(
        &mut self,
        command: &C,
        options: SendOptions,
    ) -> Result<String, Error> {
        let tag = self.tags.upcoming();
        let fragments = self.prepare(command, &tag)?;
        self.queue(command, &tag, fragments, None, options);
        Ok(tag)
    }

    /// Stops delivering the data of the running command `tag` (a reader of
    /// its stream gave up): what still comes for it is dropped, and its
    /// completion is still an event, to be ignored. Returns false when no
    /// such command runs.
    pub fn abandon(&mut self, tag: &str) -> bool {
        let Some(pending) = self.in_flight.iter_mut().find(|p| &*p.tag == tag) else {
            return false;
        };
        pending.options.delivery = Delivery::Discard;
        pending.data.clear();
        true
    }

    /// Sends an `AUTHENTICATE` command (behaviour `Authenticate`),
    /// answering the server's challenges with `authenticator`. With SASL-IR
    /// advertised, the initial response travels on the command line.
    pub fn authenticate<C: Command>(
        &mut self,
        command: &C,
        mut authenticator: Box<dyn Authenticator + Send>,
    ) -> Result<String, Error> {
        let mechanism = Mechanism {
            name: authenticator.mechanism(),
            reveals_secret: authenticator.reveals_secret(),
        };
        self.check_authenticate::<C>(mechanism)?;
        let initial = authenticator.initial_response();
        self.queue_authenticate(command, initial, Some(authenticator))
    }

    /// Like [`authenticate`](Self::authenticate), with the driver answering
    /// each challenge itself ([`Event::Challenge`], then
    /// [`answer_challenge`](Self::answer_challenge)): for an authenticator
    /// that must wait for something (an OAuth token fetched over the
    /// network) without holding the session.
    pub fn authenticate_by_driver<C: Command>(
        &mut self,
        command: &C,
        mechanism: Mechanism<'_>,
        initial_response: Option<Vec<u8>>,
    ) -> Result<String, Error> {
        self.check_authenticate::<C>(mechanism)?;
        self.queue_authenticate(command, initial_response, None)
    }

    /// Answers the challenge of [`Event::Challenge`] for the command
    /// `tag`: `Ok(Some(bytes))` (sent in base64), `Ok(None)` or an error
    /// (the exchange is cancelled with `*`; an error is the command's
    /// result). False when that command waits for no answer.
    pub fn answer_challenge(
        &mut self,
        tag: &str,
        answer: Result<Option<Vec<u8>>, AuthError>,
    ) -> bool {
        let Some(pending) = self.in_flight.iter_mut().find(|p| &*p.tag == tag) else {
            return false;
        };
        let answer = answer.unwrap_or_else(|error| {
            pending.auth_error = Some(error);
            None
        });
        let line = sasl_line(answer);
        trace::sasl_answer(&line);
        self.outbound.push_raw(&line);
        true
    }

    fn check_authenticate<C: Command>(&self, mechanism: Mechanism<'_>) -> Result<(), Error> {
        if !matches!(C::BEHAVIOUR, Behaviour::Authenticate) {
            return Err(Error::InvalidArgument {
                reason: format!("{} is not an authentication command", C::NAME),
            });
        }
        policy::authenticate(
            self.channel(),
            self.capabilities(),
            mechanism.name,
            mechanism.reveals_secret,
        )
    }

    fn queue_authenticate<C: Command>(
        &mut self,
        command: &C,
        initial: Option<Vec<u8>>,
        authenticator: Option<Box<dyn Authenticator + Send>>,
    ) -> Result<String, Error> {
        let tag = self.tags.upcoming();
        let mut fragments = self.prepare(command, &tag)?;
        let pending_initial = match initial {
            Some(response) if self.has_capability("SASL-IR") => {
                append_to_line(&mut fragments, &initial_response_argument(&response));
                None
            }
            other => other,
        };
        let driver_answers = authenticator.is_none();
        self.queue(
            command,
            &tag,
            fragments,
            authenticator,
            SendOptions::default(),
        );
        if let Some(pending) = self.in_flight.back_mut() {
            pending.initial_response = pending_initial;
            pending.driver_answers = driver_answers;
        }
        Ok(tag)
    }

    /// Ends a running IDLE (writes `DONE`). Returns false when no IDLE runs.
    pub fn idle_done(&mut self) -> bool {
        let idling = self
            .in_flight
            .iter_mut()
            .find(|pending| matches!(pending.behaviour, Behaviour::Idle) && pending.idling);
        match idling {
            Some(pending) => {
                pending.idling = false;
                trace::line(b"DONE");
                self.outbound.push_raw(b"DONE\r\n");
                true
            }
            None => false,
        }
    }

    /// The driver started TLS after [`Event::StartTls`]. Everything
    /// learnt in plaintext is forgotten, since anyone on the path may have
    /// written it (RFC 3501 section 6.2.1, RFC 7817): the unsolicited
    /// record, the latest responses, the capabilities (asked again),
    /// mailbox state and UTF-8 mode. Only the greeting stays readable.
    pub fn tls_established(&mut self) {
        self.tls_pending = false;
        self.tls = true;
        self.mailbox = None;
        self.enabled = 0;
        self.set_capabilities(None);
        self.record.clear();
    }

    /// Marks the connection broken (the driver saw EOF or an I/O error).
    pub fn set_broken(&mut self, reason: impl Into<String>) {
        if self.broken.is_none() {
            self.broken = Some(reason.into());
        }
    }

    /// Processes what was received, up to the next event. `Ok(None)` when
    /// more bytes are needed. An error makes the session broken.
    pub fn poll(&mut self) -> Result<Option<Event>, Error> {
        if let Some(reason) = &self.broken {
            return Err(Error::Closed {
                reason: reason.clone(),
            });
        }
        loop {
            if self.tls_pending {
                return Ok(None);
            }
            let frame = match self.framer.next_event() {
                Ok(Some(frame::Event::Response(frame))) => frame,
                Ok(Some(streamed)) => match self.streamed_body(streamed) {
                    Some(event) => return Ok(Some(event)),
                    None => continue,
                },
                Ok(None) => return Ok(None),
                Err(error) => return Err(self.fail(Error::protocol(error.to_string()))),
            };
            trace::response(&frame);
            let response = match parse_response_with_utf8::<Data, Code>(
                &frame,
                &self.options.limits,
                self.utf8_enabled(),
            ) {
                Ok(response) => response,
                Err(error) => return Err(self.fail(Error::protocol(error.to_string()))),
            };
            match self.handle(response) {
                Ok(Some(event)) => return Ok(Some(event)),
                Ok(None) => {}
                Err(error) => return Err(self.fail(error)),
            }
        }
    }

    fn fail(&mut self, error: Error) -> Error {
        if error.is_fatal() {
            self.set_broken(error.to_string());
        }
        error
    }

    /// The checks made before anything is sent, then the encoding, behind
    /// `tag`.
    fn prepare<C: Command>(&self, command: &C, tag: &str) -> Result<Vec<Fragment>, Error> {
        if let Some(reason) = &self.broken {
            return Err(Error::Closed {
                reason: reason.clone(),
            });
        }
        if !self.greeted {
            return Err(Error::protocol(format!(
                "{} sent before the server's greeting",
                C::NAME
            )));
        }
        let state = self.state_after_in_flight();
        if !C::STATES.contains(&state) {
            return Err(Error::State {
                command: C::NAME.to_owned(),
                state: state_name(state).to_owned(),
                allowed: C::STATES
                    .iter()
                    .map(|state| state_name(*state))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        if matches!(C::BEHAVIOUR, Behaviour::Login) {
            policy::login(self.channel(), |name| self.has_capability(name))?;
        }
        if let Some(capability) = command.missing_capability(|c| self.has_capability(c)) {
            return Err(Error::MissingCapability {
                command: C::NAME.to_owned(),
                capability,
            });
        }
        if self.compressed && C::ON_OK == Some(State::NotAuthenticated) {
            // RFC 8437 section 4.1: leaving the login ends the compression
            // layer, which no transport here can take off.
            return Err(Error::InvalidArgument {
                reason: format!("{} cannot be sent while COMPRESS is active", C::NAME),
            });
        }
        // An exclusive command is sent alone and nothing after it: if one
        // runs, it is the only one.
        if let Some(exclusive) = self
            .in_flight
            .front()
            .filter(|pending| is_exclusive(pending.behaviour))
        {
            return Err(Error::InvalidArgument {
                reason: format!("{} cannot be sent while {} runs", C::NAME, exclusive.name),
            });
        }
        if is_exclusive(C::BEHAVIOUR) && !self.in_flight.is_empty() {
            return Err(Error::InvalidArgument {
                reason: format!("{} cannot be pipelined behind other commands", C::NAME),
            });
        }
        let mut encoder = Encoder::tagged(self.encode_options(), tag);
        command
            .encode(&mut encoder)
            .map_err(|error| Error::InvalidArgument {
                reason: format!("{}: {error}", C::NAME),
            })?;
        Ok(encoder.finish())
    }

    /// The state a command sent now will run in if the commands in flight
    /// succeed: a FETCH pipelined behind a SELECT runs in state selected.
    fn state_after_in_flight(&self) -> State {
        self.projected.unwrap_or(self.state)
    }

    /// Recomputes [`projected`](Self::projected) after a command that
    /// changes the state completed (rare: the scan is not per command).
    fn project_state(&mut self) {
        self.projected = self
            .in_flight
            .iter()
            .rev()
            .find_map(|pending| pending.on_ok);
    }

    fn channel(&self) -> Channel {
        Channel {
            tls: self.tls,
            local: self.local,
            allow_cleartext: self.options.allow_cleartext_credentials,
        }
    }

    /// What the encoder may do. Commands already encoded keep what they
    /// were encoded with: pipelined behind ENABLE, they were prepared
    /// before its answer.
    fn encode_options(&self) -> EncodeOptions {
        self.literal_options
    }

    /// The capabilities, and what they and the modes allow the encoder,
    /// read once per change rather than per command.
    fn set_capabilities(&mut self, capabilities: Option<Vec<Capability>>) {
        self.capabilities = capabilities;
        self.refresh_modes();
    }

    /// Recomputes the modes in force and the encoder's options after the
    /// capabilities or the enabled modes changed.
    fn refresh_modes(&mut self) {
        let speaks_only = |mode: &Mode| {
            mode.replaces
                .is_some_and(|old| self.advertised(mode.capability) && !self.advertised(old))
        };
        let modes = mode_bits()
            .filter(|(_, mode)| speaks_only(mode))
            .fold(self.enabled, |bits, (bit, _)| bits | bit);
        self.modes = modes;
        let options = EncodeOptions {
            // LITERAL+ learnt before TLS is forgotten with the rest.
            literal_plus: self.has_capability("LITERAL+"),
            literal_minus: self.has_capability("LITERAL-"),
            append_limit: self
                .capabilities
                .iter()
                .flatten()
                .find_map(Capability::append_limit),
            utf8: self.utf8_enabled(),
            utf8_accept: self.modes().any(|mode| mode.utf8_accept),
        };
        self.literal_options = options;
    }

    /// Queues `command`, encoded behind `tag` (the generator's upcoming
    /// tag, taken now).
    fn queue<C: Command>(
        &mut self,
        command: &C,
        tag: &str,
        fragments: Vec<Fragment>,
        authenticator: Option<Box<dyn Authenticator + Send>>,
        options: SendOptions,
    ) {
        self.tags.advance();
        tracing::debug!(tag = %tag, command = C::NAME, "sending");
        trace::command(tag, C::NAME, C::BEHAVIOUR, &fragments);
        let shared: Arc<str> = Arc::from(tag);
        let mut pending = Pending::new(
            command,
            Arc::clone(&shared),
            options,
            self.capabilities_seen,
        );
        pending.authenticator = authenticator;
        let after: Vec<Arc<str>> = if self.routes.clears(&pending.route) {
            Vec::new()
        } else {
            self.in_flight
                .iter()
                .filter(|running| pending.route.must_wait_for(&running.route))
                .map(|running| Arc::clone(&running.tag))
                .collect()
        };
        self.routes.add(&pending.route);
        if !after.is_empty() {
            tracing::debug!(tag = %tag, after = ?after, "held back (RFC 3501 section 5.5)");
        }
        pending.held = true;
        let streams_bodies = pending.options.bodies_above.is_some();
        if let Some(next) = pending.on_ok {
            self.projected = Some(next);
        }
        self.in_flight.push_back(pending);
        self.outbound.push(&shared, fragments, after);
        self.released();
        if streams_bodies {
            self.stream_bodies();
        }
    }

    /// Marks the commands whose first bytes went out as running. They go
    /// out in the order they were queued, the order of `in_flight`: one
    /// walk finds them all.
    fn released(&mut self) {
        let released_tags = self.outbound.take_released();
        // From the back: what goes out is mostly what was just queued.
        let mut released = released_tags.iter().rev().peekable();
        for pending in self.in_flight.iter_mut().rev() {
            let Some(tag) = released.peek() else {
                break;
            };
            // The outbound holds the pending's own `Arc`: the same pointer.
            if !Arc::ptr_eq(&pending.tag, tag) {
                continue;
            }
            released.next();
            pending.held = false;
            if pending.on_ok == Some(State::Selected) {
                // The untagged data of SELECT/EXAMINE describes the new
                // mailbox.
                self.mailbox = Some(MailboxState::default());
            }
        }
        self.outbound.recycle_released(released_tags);
    }

    /// Tells the framer to stream literals while a command wants bodies
    /// streamed (the smallest threshold of those running).
    fn stream_bodies(&mut self) {
        let threshold = self
            .in_flight
            .iter()
            .filter_map(|pending| pending.options.bodies_above)
            .min();
        self.framer.stream_literals_above(threshold);
    }

    /// A streamed literal's event, for the command streaming bodies.
    fn streamed_body(&mut self, event: frame::Event) -> Option<Event> {
        match event {
            frame::Event::LiteralStart { size, .. } => {
                let body = BodyStart::from_prefix(self.framer.streamed_prefix(), size).unwrap_or(
                    BodyStart {
                        seq: 0,
                        item: String::new(),
                        size,
                    },
                );
                let correlation = Correlation::Message {
                    seq: body.seq,
                    uid: None,
                };
                let owner = self
                    .in_flight
                    .iter()
                    .filter(|p| !p.held && p.options.bodies_above.is_some())
                    .find(|p| p.route.may_claim(correlation, &p.tag))
                    .or_else(|| {
                        self.in_flight
                            .iter()
                            .find(|p| !p.held && p.options.bodies_above.is_some())
                    })
                    .filter(|p| p.options.delivery != Delivery::Discard)
                    .map(|p| Arc::clone(&p.tag));
                self.body_owner = owner.clone();
                owner.map(|tag| Event::BodyStart { tag, body })
            }
            frame::Event::LiteralChunk(bytes) => self
                .body_owner
                .clone()
                .map(|tag| Event::BodyChunk { tag, bytes }),
            frame::Event::LiteralEnd => self.body_owner.take().map(|tag| Event::BodyEnd { tag }),
            frame::Event::Response(_) => None,
        }
    }

    fn handle(&mut self, response: Response<Data, Code>) -> Result<Option<Event>, Error> {
        if !self.greeted {
            return self.greeting_response(response).map(Some);
        }
        match response {
            Response::Data(data) => Ok(self.data(data)),
            Response::Status(status) => self.untagged_status(status),
            Response::Continuation(continuation) => self.continuation(continuation),
            Response::Tagged { tag, status } => self.tagged(tag, status),
        }
    }

    /// RFC 3501 section 7.1: the greeting is an untagged OK, PREAUTH or BYE.
    fn greeting_response(&mut self, response: Response<Data, Code>) -> Result<Event, Error> {
        let Response::Status(status) = response else {
            return Err(Error::protocol(
                "expected the greeting (`* OK`, `* PREAUTH` or `* BYE`), got another response",
            ));
        };
        match status.status {
            Status::Ok => self.state = State::NotAuthenticated,
            Status::PreAuth => self.state = State::Authenticated,
            Status::Bye => {
                return Err(Error::Closed {
                    reason: format!("greeting BYE: {}", String::from_utf8_lossy(&status.text)),
                })
            }
            other => {
                return Err(Error::protocol(format!(
                    "expected OK, PREAUTH or BYE in the greeting, got {other:?}"
                )))
            }
        }
        self.greeted = true;
        if let Some(code) = &status.code {
            self.apply_code(code);
        }
        // Its own copy of the text: kept for the session's life, a slice of
        // the frame would keep the first 256 KiB read block alive.
        self.greeting = Some(StatusResponse {
            text: Bytes::copy_from_slice(&status.text),
            ..status.clone()
        });
        Ok(Event::Greeting(status))
    }

    /// Whether untagged responses must be ignored: before TLS is up on a
    /// STARTTLS connection, an attacker may have written them.
    fn untrusted(&self) -> bool {
        // STARTTLS is exclusive: when it runs, it is the only command.
        self.in_flight
            .front()
            .is_some_and(|pending| matches!(pending.behaviour, Behaviour::StartTls))
    }

    /// Untagged data: applied to the session's state, then given to the
    /// running command it is about (`routing`), else recorded.
    fn data(&mut self, data: Data) -> Option<Event> {
        if self.untrusted() {
            tracing::debug!("untagged data during STARTTLS ignored");
            return None;
        }
        let effect = data.effect();
        let changes_state = effect.is_some();
        if let Some(effect) = effect {
            self.apply(effect);
        }
        let correlation = data.correlation();
        let claimant = self.in_flight.iter().position(|pending| {
            pending.takes(&data) && pending.route.may_claim(correlation, &pending.tag)
        });
        let Some(pending) = claimant.and_then(|index| self.in_flight.get_mut(index)) else {
            self.record.push(Unsolicited::Data(data));
            return None;
        };
        if changes_state {
            // imaplib's `response("EXISTS")` after SELECT.
            self.record.remember(data.clone());
        }
        match pending.options.delivery {
            Delivery::Collect => {
                if pending.data.capacity() == 0 {
                    // Most commands collect one response (a UID FETCH of
                    // one message, a STATUS, a SELECT's few): the first
                    // growth would hold four `Data` of 256 bytes, an
                    // allocation too large for malloc's per-thread cache,
                    // taken and freed once per command.
                    pending.data.reserve_exact(1);
                }
                pending.data.push(data);
                None
            }
            Delivery::Stream => Some(Event::Data {
                tag: Arc::clone(&pending.tag),
                data,
            }),
            Delivery::Discard => None,
        }
    }

    fn untagged_status(&mut self, status: StatusResponse<Code>) -> Result<Option<Event>, Error> {
        if status.status == Status::Bye {
            return self.bye(status);
        }
        if self.untrusted() {
            tracing::debug!("untagged status during STARTTLS ignored");
            return Ok(None);
        }
        self.note_late_code(&status);
        if let Some(code) = &status.code {
            self.apply_code(code);
            warn_if_alert(&status);
            // RFC 3501 cannot say which of several running commands a
            // code is for: the oldest gets it, and the record keeps it.
            if let Some(pending) = self.in_flight.front_mut() {
                pending.codes.push(code.clone());
            }
        }
        self.record.push(Unsolicited::Status(status));
        Ok(None)
    }

    /// `NO COPY [TRYCREATE] failed` (quirk `late_response_code`): a code
    /// after the text is no code (RFC 3501 section 7.1) and stays text, but
    /// says the server puts codes where no client reads them; worth one
    /// warning a session.
    fn note_late_code(&mut self, status: &StatusResponse<Code>) {
        if self.warned_late_code || status.code.is_some() || !quirks::has_late_code(&status.text) {
            return;
        }
        self.warned_late_code = true;
        tracing::warn!(
            text = %String::from_utf8_lossy(&status.text),
            "the server put a response code after the text, where it is not a code; kept as text"
        );
    }

    /// `* BYE`: expected during LOGOUT, the end of the connection otherwise.
    fn bye(&mut self, status: StatusResponse<Code>) -> Result<Option<Event>, Error> {
        let logging_out = self
            .in_flight
            .iter()
            .any(|pending| matches!(pending.behaviour, Behaviour::Logout));
        if logging_out {
            self.state = State::Logout;
            self.record.push(Unsolicited::Status(status));
            return Ok(None);
        }
        let reason = if self.untrusted() {
            // Text sent before TLS is not shown as if the server said it.
            "BYE before TLS was established".to_owned()
        } else {
            let reason = format!("BYE {}", String::from_utf8_lossy(&status.text));
            // Kept for `response()`: its code may say where to go instead
            // (`[REFERRAL url]`, RFC 2221 section 4.2).
            self.record.push(Unsolicited::Status(status));
            reason
        };
        self.state = State::Logout;
        Err(Error::Closed { reason })
    }

    fn continuation(&mut self, continuation: Continuation<Code>) -> Result<Option<Event>, Error> {
        if self.outbound.continuation() {
            return Ok(None);
        }
        let Some(pending) = self.in_flight.front_mut() else {
            return Err(Error::protocol(
                "continuation request `+` while no command runs",
            ));
        };
        match pending.behaviour {
            Behaviour::Authenticate
                if pending.driver_answers
                    && pending.initial_response.is_none()
                    && !self.outbound.has_unsent(&pending.tag) =>
            {
                Ok(Some(Event::Challenge {
                    tag: Arc::clone(&pending.tag),
                    challenge: decode_challenge(&continuation.text)?,
                }))
            }
            Behaviour::Authenticate if !self.outbound.has_unsent(&pending.tag) => {
                let answer = sasl_answer(pending, &continuation.text)?;
                trace::sasl_answer(&answer);
                self.outbound.push_raw(&answer);
                Ok(None)
            }
            Behaviour::Idle if !pending.idling => {
                pending.idling = true;
                Ok(Some(Event::IdleStarted))
            }
            _ => Err(Error::protocol(format!(
                "continuation request `+` while {} waits for none",
                pending.name
            ))),
        }
    }

    fn tagged(
        &mut self,
        tag: String,
        status: StatusResponse<Code>,
    ) -> Result<Option<Event>, Error> {
        let Some(index) = self
            .in_flight
            .iter()
            .position(|pending| *pending.tag == *tag)
        else {
            return Err(Error::protocol(format!(
                "tagged response for {tag:?}, a tag not in flight (in flight: {})",
                self.in_flight().collect::<Vec<_>>().join(", ")
            )));
        };
        let held = self
            .in_flight
            .get(index)
            .is_some_and(|pending| pending.held);
        if held || (status.status == Status::Ok && self.outbound.has_unsent(&tag)) {
            return Err(Error::protocol(format!(
                "tagged {:?} for {tag} before the command was {} sent",
                status.status,
                if held { "even" } else { "fully" }
            )));
        }
        let Some(mut pending) = self.in_flight.remove(index) else {
            return Err(Error::protocol(format!("tag {tag} vanished")));
        };
        if self.in_flight.is_empty() {
            self.routes = Summary::default();
        }
        self.outbound.cancel(&tag);
        self.released();
        if pending.options.bodies_above.is_some() {
            self.stream_bodies();
        }
        if pending.on_ok.is_some() {
            self.project_state();
        }
        self.note_late_code(&status);
        if let Some(code) = &status.code {
            if !matches!(pending.behaviour, Behaviour::StartTls) {
                self.apply_code(code);
                warn_if_alert(&status);
                self.record.remember_tagged(status.clone());
            }
            pending.codes.push(code.clone());
        }
        let upgrade = self.complete(&mut pending, &status)?;
        let done = Done {
            tag,
            command: pending.name,
            completed: Completed {
                status: status.status,
                data: pending.data,
                codes: pending.codes,
            },
            response: status,
            became_read_only: pending.became_read_only,
            auth_error: pending.auth_error.take(),
        };
        Ok(Some(match upgrade {
            Some(Upgrade::Tls) => Event::StartTls(done),
            Some(Upgrade::Compress) => Event::Compress(done),
            None => Event::Completed(done),
        }))
    }

    /// State changes and behaviours on completion. Returns the transport
    /// change the driver must make, if any (STARTTLS, COMPRESS).
    fn complete(
        &mut self,
        pending: &mut Pending,
        status: &StatusResponse<Code>,
    ) -> Result<Option<Upgrade>, Error> {
        let next = match status.status {
            Status::Ok => pending.on_ok,
            Status::No => pending.on_no,
            _ => None,
        };
        let logs_in_or_out = next.is_some_and(|next| {
            (next == State::NotAuthenticated) != (self.state == State::NotAuthenticated)
        });
        if status.status == Status::Ok && logs_in_or_out {
            if next == Some(State::NotAuthenticated) {
                // Leaving the login (RFC 8437 section 3) ends what ENABLE
                // turned on, as on a new connection.
                self.enabled = 0;
                self.refresh_modes();
            }
            if pending.capabilities_seen == self.capabilities_seen {
                // Servers change their capabilities on login and logout;
                // when the command brought none, they must be asked again.
                self.set_capabilities(None);
            }
        }
        if let Some(next) = next {
            self.state = next;
            if next != State::Selected {
                self.mailbox = None;
            }
        }
        if status.status != Status::Ok {
            return Ok(None);
        }
        match pending.behaviour {
            Behaviour::Authenticate => {
                if let Some(authenticator) = pending.authenticator.as_mut() {
                    // The server accepted; a mechanism with mutual
                    // authentication must have seen the server's proof.
                    authenticator.complete().map_err(|error| {
                        Error::protocol(format!("server accepted AUTHENTICATE but {error}"))
                    })?;
                }
                Ok(None)
            }
            Behaviour::StartTls => {
                // Written after the OK and before TLS: not the server's
                // TLS, possibly an attacker's plaintext. Never parsed,
                // never handed to TLS (RFC 2595 section 3.1, and the
                // STARTTLS study of USENIX Security 2021).
                let discarded = self.framer.discard();
                if discarded > 0 {
                    tracing::warn!(
                        bytes = discarded,
                        "discarded bytes received after the STARTTLS OK, before TLS started"
                    );
                }
                self.set_capabilities(None);
                self.tls_pending = true;
                Ok(Some(Upgrade::Tls))
            }
            Behaviour::Compress => {
                self.compressed = true;
                Ok(Some(Upgrade::Compress))
            }
            Behaviour::Logout => {
                self.state = State::Logout;
                Ok(None)
            }
            _ => Ok(None),
        }
    }

    fn apply_code(&mut self, code: &Code) {
        if let Some(effect) = code.effect() {
            self.apply(effect);
        }
    }

    /// Keeps capabilities and the selected mailbox current.
    fn apply(&mut self, effect: Effect) {
        if let Effect::Capabilities(capabilities) = effect {
            self.set_capabilities(Some(capabilities));
            self.capabilities_seen += 1;
            return;
        }
        if let Effect::Enabled(enabled) = &effect {
            // In force from the ENABLED response on (RFC 6855 section 3,
            // RFC 9051 section 6.3.1).
            for (bit, mode) in mode_bits() {
                if enabled
                    .iter()
                    .any(|capability| capability.is(mode.capability))
                {
                    self.enabled |= bit;
                }
            }
            self.refresh_modes();
            return;
        }
        if let Some(mailbox) = self.mailbox.as_mut() {
            // Not news while SELECT/EXAMINE runs: that is how they report
            // the mode.
            let selecting = || {
                self.in_flight
                    .iter()
                    .any(|pending| pending.on_ok == Some(State::Selected))
            };
            if effect == Effect::ReadOnly && !mailbox.read_only && !selecting() {
                if let Some(pending) = self.in_flight.front_mut() {
                    pending.became_read_only = true;
                }
            }
            mailbox::apply(mailbox, effect);
        }
    }
}

/// Each of the [`MODES`](crate::MODES) with its bit in the session's
/// masks (the first 64: there are two).
fn mode_bits() -> impl Iterator<Item = (u64, &'static Mode)> {
    crate::MODES
        .iter()
        .take(u64::BITS as usize)
        .enumerate()
        .map(|(index, mode)| (1 << index, mode))
}

/// RFC 3501 section 7.1: "The human-readable text contains a special alert
/// that MUST be presented to the user": logged at warn, and kept.
fn warn_if_alert(status: &StatusResponse<Code>) {
    if status.code.as_ref().and_then(Code::effect) == Some(Effect::Alert) {
        tracing::warn!(alert = %String::from_utf8_lossy(&status.text), "server alert");
    }
}

/// A change of transport a completed command asks of the driver.
enum Upgrade {
    Tls,
    Compress,
}

/// Commands after which nothing else may be sent until they complete.
fn is_exclusive(behaviour: Behaviour) -> bool {
    matches!(
        behaviour,
        Behaviour::StartTls | Behaviour::Authenticate | Behaviour::Idle | Behaviour::Compress
    )
}

/// The state's name as error messages show it.
pub fn state_name(state: State) -> &'static str {
    match state {
        State::NotAuthenticated => "not authenticated",
        State::Authenticated => "authenticated",
        State::Selected => "selected",
        State::Logout => "logout",
    }
}

/// Appends `SP argument` to the last line, before its CRLF.
fn append_to_line(fragments: &mut [Fragment], argument: &[u8]) {
    if let Some(Fragment::Line(line)) = fragments.last_mut() {
        let crlf = line.ends_with(b"\r\n");
        if crlf {
            line.truncate(line.len() - 2);
        }
        line.push(b' ');
        line.extend_from_slice(argument);
        line.extend_from_slice(b"\r\n");
    }
}

/// RFC 4959: the initial response in base64, `=` when empty.
fn initial_response_argument(response: &[u8]) -> Vec<u8> {
    if response.is_empty() {
        b"=".to_vec()
    } else {
        BASE64.encode(response).into_bytes()
    }
}

/// The line answering a SASL challenge: base64 of the authenticator's
/// answer, or `*` to cancel.
fn sasl_answer(pending: &mut Pending, challenge: &Bytes) -> Result<Vec<u8>, Error> {
    let answer = match pending.initial_response.take() {
        Some(initial) => Some(initial),
        None => {
            let decoded = decode_challenge(challenge)?;
            match pending.authenticator.as_mut() {
                Some(authenticator) => match authenticator.respond(&decoded) {
                    Ok(answer) => answer,
                    Err(error) => {
                        tracing::debug!(%error, "SASL exchange cancelled by the client");
                        pending.auth_error = Some(error);
                        None
                    }
                },
                None => None,
            }
        }
    };
    Ok(sasl_line(answer))
}

/// A challenge's bytes, from its base64.
fn decode_challenge(challenge: &Bytes) -> Result<Vec<u8>, Error> {
    BASE64.decode(challenge.trim_ascii()).map_err(|_| {
        Error::protocol(format!(
            "AUTHENTICATE challenge is not base64: {:?}",
            String::from_utf8_lossy(challenge)
        ))
    })
}

/// An answer's line: its base64, or `*` to cancel.
fn sasl_line(answer: Option<Vec<u8>>) -> Vec<u8> {
    let mut line = match answer {
        Some(answer) => BASE64.encode(answer).into_bytes(),
        None => b"*".to_vec(),
    };
    line.extend_from_slice(b"\r\n");
    line
}

/// A SASL mechanism as the session's credential policy sees it.
#[derive(Clone, Copy, Debug)]
pub struct Mechanism<'a> {
    /// Its name (`PLAIN`).
    pub name: &'a str,
    /// Whether someone reading the connection learns the secret
    /// ([`Authenticator::reveals_secret`]).
    pub reveals_secret: bool,
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_modes;
#[cfg(test)]
mod tests_routing;
