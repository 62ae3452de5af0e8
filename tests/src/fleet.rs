//! Many sessions of the async client at once, from one task set (issue
//! 15, point 6): the body of `tests/tokio_scale.rs` and of the `scale`
//! bench, which measures it.
//!
//! A [`Fleet`] of `count` sessions on a server filled by [`fill`]: session
//! `n` connects, logs in, selects INBOX, fetches message `n` (UID `n + 1`)
//! and checks it byte for byte, then starts IDLE. Once every session
//! idles, the caller's hook runs (the bench reads its memory there); then
//! another connection appends a message, every idling session must see
//! its EXISTS, and each ends its IDLE and logs out; the message is then
//! expunged, for the next run. No session leaves its
//! IDLE before that message, which comes only once all idle: every one
//! idled at once.
//!
//! ```no_run
//! # async fn example() -> typed_imap_tests::Result<()> {
//! use typed_imap_tests::dovecot::{Dovecot, Options};
//! use typed_imap_tests::fleet::{fill, Fleet, Transport};
//!
//! let server = Dovecot::start_with(Options::connections(1000))?;
//! fill(&server, 1000)?;
//! let fleet = Fleet::new(&server, 1000, Transport::Plain(server.plain_addr().port()));
//! let phases = fleet.run(|| println!("all idle")).await?;
//! println!("opened in {:?}", phases.opened);
//! # Ok(())
//! # }
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;
use typed_imap::blocking::ClientOptions;
use typed_imap::session::Unsolicited;
use typed_imap::tokio::Client;
use typed_imap::transport::TlsConfig;
use typed_imap::types::{FetchItem, Flag, Section};
use typed_imap::{Append, Data, Expunge, Store, UidFetch};

use crate::dovecot::Dovecot;
use crate::messages::sample_message;
use crate::{HarnessError, Result};

/// The user every session logs in as.
pub const USER: &str = "alice";

/// The size of the message each session fetches.
pub const MESSAGE_SIZE: usize = 500;

/// Sessions being opened (connect, greeting, LOGIN, SELECT, FETCH, IDLE)
/// at once by default; the others wait their turn, as a connection pool
/// would, so that the server's accept queue never overflows.
pub const OPENING_AT_ONCE: usize = 64;

/// How long one step of one session may take at most.
pub const STEP: Duration = Duration::from_secs(60);

/// The message session `n` fetches.
pub fn message(n: u32) -> Vec<u8> {
    sample_message(n as usize, MESSAGE_SIZE)
}

/// Writes the `count` messages of `count` sessions into [`USER`]'s INBOX.
pub fn fill(server: &Dovecot, count: u32) -> Result<()> {
    server.fill(USER, "INBOX", (0..count).map(message))?;
    Ok(())
}

/// Where and how the sessions reach the server.
#[derive(Clone, Debug)]
pub enum Transport {
    /// Plain TCP to this port on 127.0.0.1.
    Plain(u16),
    /// Implicit TLS to this port on 127.0.0.1 (an address: no name to
    /// resolve on a thread of its own), with these settings.
    Tls(u16, TlsConfig),
}

impl Transport {
    /// A connected client, greeted.
    pub async fn connect(&self) -> Result<Client> {
        let connected = match self {
            Transport::Plain(port) => Client::connect("127.0.0.1", *port).await,
            Transport::Tls(port, tls) => {
                Client::connect_tls_with("127.0.0.1", *port, tls, ClientOptions::default()).await
            }
        };
        connected.map_err(client_error("connect"))
    }
}

/// How long the two halves of a run took.
#[derive(Clone, Copy, Debug)]
pub struct Phases {
    /// From the start until every session idled.
    pub opened: Duration,
    /// From the hook's return until every session logged out (the
    /// delivery of the message included).
    pub ended: Duration,
}

/// `count` sessions to run at once.
#[derive(Clone, Debug)]
pub struct Fleet {
    count: u32,
    transport: Transport,
    password: String,
    opening_at_once: usize,
}

impl Fleet {
    /// `count` sessions as [`USER`] of `server` through `transport`.
    pub fn new(server: &Dovecot, count: u32, transport: Transport) -> Self {
        let password = server
            .user(USER)
            .map(|user| user.password.clone())
            .unwrap_or_default();
        Fleet::with_password(count, transport, password)
    }

    /// `count` sessions as [`USER`] with `password` (a server started by
    /// another process).
    pub fn with_password(count: u32, transport: Transport, password: impl Into<String>) -> Self {
        Fleet {
            count,
            transport,
            password: password.into(),
            opening_at_once: OPENING_AT_ONCE,
        }
    }

    /// Opens the sessions, calls `all_idle` once every one idles, then
    /// delivers a message and waits until each saw it, ended its IDLE and
    /// logged out. The first failure of any session is the error.
    pub async fn run(&self, all_idle: impl FnOnce()) -> Result<Phases> {
        let started = Instant::now();
        let opening = Arc::new(Semaphore::new(self.opening_at_once));
        let (idling, mut reported) = mpsc::unbounded_channel();
        let mut sessions = JoinSet::new();
        for n in 0..self.count {
            let session = Session {
                n,
                count: self.count,
                transport: self.transport.clone(),
                password: self.password.clone(),
            };
            sessions.spawn(session.run(Arc::clone(&opening), idling.clone()));
        }
        drop(idling);
        let mut seen = vec![false; self.count as usize];
        let mut waiting = self.count;
        while waiting > 0 {
            tokio::select! {
                report = reported.recv() => {
                    let n = report.ok_or_else(|| unexpected(
                        format!("{waiting} more sessions idling"),
                        "every session ended",
                    ))?;
                    if std::mem::replace(&mut seen[n as usize], true) {
                        return Err(unexpected("one report of IDLE each", format!("two of session {n}")));
                    }
                    waiting -= 1;
                }
                Some(joined) = sessions.join_next() => {
                    joined.map_err(|e| unexpected("a session running", e.to_string()))??;
                    return Err(unexpected(
                        "every session idling until the message is delivered",
                        "a session ended",
                    ));
                }
                () = tokio::time::sleep(STEP) => {
                    return Err(unexpected(
                        format!("every session idling within {STEP:?}"),
                        format!("{waiting} not idling"),
                    ));
                }
            }
        }
        let opened = started.elapsed();
        all_idle();
        let resumed = Instant::now();
        let other = self.deliver().await?;
        while let Some(joined) = sessions.join_next().await {
            joined.map_err(|e| unexpected("a session running", e.to_string()))??;
        }
        let ended = resumed.elapsed();
        self.take_back(other).await?;
        Ok(Phases { opened, ended })
    }

    /// Appends message `count` from a connection of its own, and returns
    /// that connection.
    async fn deliver(&self) -> Result<Client> {
        let other = self.transport.connect().await?;
        other
            .login(USER, &self.password)
            .await
            .map_err(client_error("LOGIN to deliver"))?;
        other
            .run(Append::new("INBOX", message(self.count)))
            .await
            .map_err(client_error("APPEND"))?;
        Ok(other)
    }

    /// Expunges the delivered message, so that the server is as filled
    /// for the next run.
    async fn take_back(&self, other: Client) -> Result<()> {
        other
            .select("INBOX")
            .await
            .map_err(client_error("SELECT to expunge"))?;
        other
            .run(Store::new(self.count + 1).add_flags(vec![Flag::Deleted]))
            .await
            .map_err(client_error("STORE \\Deleted"))?;
        other
            .run(Expunge::new())
            .await
            .map_err(client_error("EXPUNGE"))?;
        other.logout().await.map_err(client_error("LOGOUT"))
    }
}

/// One session of a fleet.
struct Session {
    n: u32,
    count: u32,
    transport: Transport,
    password: String,
}

impl Session {
    /// Opens in its turn of `opening`, sends its number to `idling` once
    /// the server's `+` to IDLE came, waits for the EXISTS of the
    /// delivered message, ends IDLE and logs out.
    async fn run(self, opening: Arc<Semaphore>, idling: mpsc::UnboundedSender<u32>) -> Result<()> {
        let n = self.n;
        let at = |step: &str| format!("session {n}: {step}");
        let turn = opening
            .acquire()
            .await
            .map_err(|e| unexpected("a turn to open", e.to_string()))?;
        let imap = self.transport.connect().await?;
        imap.login(USER, &self.password)
            .await
            .map_err(client_error(&at("LOGIN")))?;
        let selected = imap
            .select("INBOX")
            .await
            .map_err(client_error(&at("SELECT")))?;
        if selected.exists != self.count {
            return Err(unexpected(
                format!("{} messages in INBOX", self.count),
                format!("{} ({})", selected.exists, at("SELECT")),
            ));
        }
        self.fetch_own(&imap).await?;
        let mut idle = imap.idle().await.map_err(client_error(&at("IDLE")))?;
        drop(turn);
        let _ = idling.send(n);
        let delivered = self.count + 1;
        loop {
            match idle
                .wait(STEP)
                .await
                .map_err(client_error(&at("IDLE, waiting")))?
            {
                Some(Unsolicited::Data(Data::Exists(exists))) if exists == delivered => break,
                Some(_) => {}
                None => {
                    return Err(unexpected(
                        format!("* {delivered} EXISTS within {STEP:?}"),
                        format!("nothing ({})", at("IDLE")),
                    ))
                }
            }
        }
        idle.done().await.map_err(client_error(&at("DONE")))?;
        imap.logout().await.map_err(client_error(&at("LOGOUT")))
    }

    /// UID FETCH of its own message, checked whole.
    async fn fetch_own(&self, imap: &Client) -> Result<()> {
        let uid = self.n + 1;
        let items = FetchItem::uid() | FetchItem::body_peek(Section::default());
        let fetched = imap
            .run(UidFetch::new(uid).items(items))
            .await
            .map_err(client_error(&format!("session {}: UID FETCH", self.n)))?;
        let body = match fetched.as_slice() {
            [only] if only.message.uid == Some(uid) => only
                .message
                .body_sections
                .first()
                .and_then(|(_, body)| body.clone()),
            _ => None,
        };
        if body.as_deref() == Some(&message(self.n)[..]) {
            Ok(())
        } else {
            Err(unexpected(
                format!("UID {uid} with the body of message {}", self.n),
                format!("{fetched:?}"),
            ))
        }
    }
}

fn client_error(action: &str) -> impl Fn(typed_imap::Error) -> HarnessError + '_ {
    move |source| HarnessError::Client {
        action: action.to_owned(),
        source: Box::new(source),
    }
}

fn unexpected(expected: impl Into<String>, got: impl Into<String>) -> HarnessError {
    HarnessError::Unexpected {
        expected: expected.into(),
        got: got.into(),
    }
}
