//! Many connections from one process (issue 15, point 6): a thousand
//! authenticated sessions of the async client on one current-thread
//! runtime, to one Dovecot configured for them
//! ([`Options::connections`]). Each selects, fetches a message of its own
//! and checks it, and starts IDLE; while every one of them idles, a
//! message delivered by another connection is pushed to each; then each
//! ends its IDLE and logs out (`typed_imap_tests::fleet`). The time and
//! memory this takes are measured by the `scale` bench
//! (`tests/benches/scale.rs`), not here.

use typed_imap_tests::client::trust;
use typed_imap_tests::dovecot::{Dovecot, Options};
use typed_imap_tests::fleet::{fill, Fleet, Transport};

/// Sessions, each test.
const SESSIONS: u32 = 1000;

/// A server configured for `count` connections, holding a message for
/// each.
fn server_for(count: u32) -> Dovecot {
    let server = Dovecot::start_with(Options {
        special_use: false,
        ..Options::connections(count)
    })
    .unwrap();
    fill(&server, count).unwrap();
    server
}

#[tokio::test(flavor = "current_thread")]
async fn a_thousand_plain_sessions_idle_at_once_on_one_thread() {
    let server = server_for(SESSIONS);
    let transport = Transport::Plain(server.plain_addr().port());
    Fleet::new(&server, SESSIONS, transport)
        .run(|| {})
        .await
        .unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn a_thousand_tls_sessions_idle_at_once_on_one_thread() {
    let server = server_for(SESSIONS);
    let transport = Transport::Tls(server.tls_addr().port(), trust(&server).unwrap());
    Fleet::new(&server, SESSIONS, transport)
        .run(|| {})
        .await
        .unwrap();
}
