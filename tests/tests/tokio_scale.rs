//! Many connections from one process (issue 15, point 6): a thousand
//! authenticated sessions of the async client on one current-thread
//! runtime, to one Dovecot configured for them
//! ([`Options::connections`]). Each selects, fetches a message of its own
//! and starts IDLE; while every one of them idles, a message delivered by
//! another connection is pushed to each; then each ends its IDLE and logs
//! out. The time and memory this takes are measured by the `scale` bench
//! (`tests/benches/scale.rs`), not here.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;
use typed_imap::blocking::ClientOptions;
use typed_imap::session::Unsolicited;
use typed_imap::tokio::Client;
use typed_imap::transport::TlsConfig;
use typed_imap::types::{FetchItem, Section};
use typed_imap::{Append, Data, UidFetch};
use typed_imap_tests::client::trust;
use typed_imap_tests::dovecot::{Dovecot, Options};
use typed_imap_tests::messages::sample_message;

/// Sessions, each test.
const SESSIONS: u32 = 1000;
/// The size of the message each session fetches.
const MESSAGE_SIZE: usize = 500;
/// Connections being set up (connect, greeting, login, SELECT, FETCH,
/// IDLE) at once: the rest wait their turn, as a client pool would, so
/// that the server's accept queue never overflows.
const OPENING_AT_ONCE: usize = 64;
/// How long one step of one session may take at most.
const STEP: Duration = Duration::from_secs(60);

/// Where and how a session reaches the server.
#[derive(Clone)]
enum Transport {
    /// Plain TCP to this port.
    Plain(u16),
    /// Implicit TLS to this port, with these settings.
    Tls(u16, TlsConfig),
}

impl Transport {
    async fn connect(&self) -> Result<Client, String> {
        let connected = match self {
            Transport::Plain(port) => Client::connect("127.0.0.1", *port).await,
            Transport::Tls(port, tls) => {
                Client::connect_tls_with("localhost", *port, tls, ClientOptions::default()).await
            }
        };
        connected.map_err(|error| format!("connect: {error}"))
    }
}

/// A server holding `count` messages, message `n` (UID `n + 1`) for
/// session `n`, configured for `count` connections.
fn server_for(count: u32) -> Dovecot {
    let server = Dovecot::start_with(Options {
        special_use: false,
        ..Options::connections(count)
    })
    .unwrap();
    server
        .fill(
            "alice",
            "INBOX",
            (0..count as usize).map(|n| sample_message(n, MESSAGE_SIZE)),
        )
        .unwrap();
    server
}

/// Session `n` of `count`: connect, LOGIN, SELECT, UID FETCH of its own
/// message, then IDLE (its number sent to `idling` once the server's `+`
/// came) until the EXISTS of the message the
/// test delivers, DONE, LOGOUT. The opening steps take a turn of
/// `opening`.
async fn session(
    n: u32,
    count: u32,
    transport: Transport,
    password: String,
    opening: Arc<Semaphore>,
    idling: mpsc::UnboundedSender<u32>,
) -> Result<(), String> {
    let step = |what: &'static str| move |error: typed_imap::Error| format!("{what}: {error}");
    let turn = opening.acquire().await.map_err(|e| e.to_string())?;
    let imap = transport.connect().await?;
    imap.login("alice", &password)
        .await
        .map_err(step("LOGIN"))?;
    let selected = imap.select("INBOX").await.map_err(step("SELECT"))?;
    if selected.exists != count {
        return Err(format!(
            "SELECT: {} messages, expected {count}",
            selected.exists
        ));
    }
    let uid = n + 1;
    let items = FetchItem::uid() | FetchItem::body_peek(Section::default());
    let fetched = imap
        .run(UidFetch::new(uid).items(items))
        .await
        .map_err(step("UID FETCH"))?;
    let body = match fetched.as_slice() {
        [only] if only.message.uid == Some(uid) => only
            .message
            .body_sections
            .first()
            .and_then(|(_, body)| body.clone()),
        other => return Err(format!("UID FETCH {uid}: {other:?}")),
    };
    if body.as_deref() != Some(&sample_message(n as usize, MESSAGE_SIZE)[..]) {
        return Err(format!("UID FETCH {uid}: another body: {body:?}"));
    }
    let mut idle = imap.idle().await.map_err(step("IDLE"))?;
    drop(turn);
    let _ = idling.send(n);
    loop {
        match idle.wait(STEP).await.map_err(step("while idling"))? {
            Some(Unsolicited::Data(Data::Exists(exists))) if exists == count + 1 => break,
            Some(_) => {}
            None => return Err(format!("no EXISTS {} within {STEP:?}", count + 1)),
        }
    }
    idle.done().await.map_err(step("DONE"))?;
    imap.logout().await.map_err(step("LOGOUT"))
}

/// Opens `count` sessions, waits until every one idles, delivers a
/// message from another connection, and checks that each saw it, ended
/// its IDLE and logged out cleanly.
async fn all_idle_at_once(server: &Dovecot, count: u32, transport: Transport) {
    let password = server.user("alice").unwrap().password.clone();
    let opening = Arc::new(Semaphore::new(OPENING_AT_ONCE));
    let (reports, mut reported) = mpsc::unbounded_channel();
    let mut sessions = JoinSet::new();
    for n in 0..count {
        let session = session(
            n,
            count,
            transport.clone(),
            password.clone(),
            Arc::clone(&opening),
            reports.clone(),
        );
        sessions.spawn(async move {
            let outcome = session.await;
            outcome.map_err(|error| (n, error))
        });
    }
    drop(reports);
    let mut idling = vec![false; count as usize];
    let mut waiting = count;
    while waiting > 0 {
        tokio::select! {
            report = reported.recv() => match report {
                Some(n) => {
                    assert!(!idling[n as usize], "session {n} reported idling twice");
                    idling[n as usize] = true;
                    waiting -= 1;
                }
                None => panic!("every session ended, {waiting} never idled"),
            },
            Some(joined) = sessions.join_next() => match joined.unwrap() {
                Err((n, error)) => panic!("session {n} before idling: {error}"),
                Ok(()) => panic!("a session ended before the message was delivered"),
            },
            () = tokio::time::sleep(STEP) => panic!("{waiting} sessions not idling after {STEP:?}"),
        }
    }
    // Every session idles now, and none leaves its IDLE before the
    // message delivered here.
    let other = transport.connect().await.unwrap();
    other.login("alice", &password).await.unwrap();
    other
        .run(Append::new(
            "INBOX",
            sample_message(count as usize, MESSAGE_SIZE),
        ))
        .await
        .unwrap();
    other.logout().await.unwrap();
    let mut ended = 0;
    while let Some(joined) = sessions.join_next().await {
        if let Err((n, error)) = joined.unwrap() {
            panic!("session {n} after idling: {error}");
        }
        ended += 1;
    }
    assert_eq!(ended, count);
}

#[tokio::test(flavor = "current_thread")]
async fn a_thousand_plain_sessions_idle_at_once_on_one_thread() {
    let server = server_for(SESSIONS);
    let transport = Transport::Plain(server.plain_addr().port());
    all_idle_at_once(&server, SESSIONS, transport).await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_thousand_tls_sessions_idle_at_once_on_one_thread() {
    let server = server_for(SESSIONS);
    let transport = Transport::Tls(server.tls_addr().port(), trust(&server).unwrap());
    all_idle_at_once(&server, SESSIONS, transport).await;
}
