//! What only the async client has (issue 15): its transports, async
//! authenticators, IDLE as a stream, futures dropped at any await point,
//! timeouts, a drop that never blocks. The behaviour it shares with the
//! blocking client is tested with both (`both_clients!` in pipelining.rs,
//! streaming.rs, large_messages.rs).

use std::time::{Duration, Instant};

use typed_imap::auth::{AuthError, Plain, Scram};
use typed_imap::blocking::ClientOptions;
use typed_imap::session::Unsolicited;
use typed_imap::tokio::{AsyncAuthenticator, Client, IdleOptions};
use typed_imap::transport::Timeouts;
use typed_imap::types::{FetchItem, Section, SequenceSet};
use typed_imap::{Append, CompressDeflate, Data, Error, Fetch, Noop, Select, UidFetch};
use typed_imap_tests::client::trust;
use typed_imap_tests::dovecot::{Dovecot, Options, Plugins};
use typed_imap_tests::messages::sample_message;
use typed_imap_tests::preauth::PreauthStream;
use typed_imap_tests::scripted::Script;

fn server_with(count: usize, size: usize) -> Dovecot {
    let server = Dovecot::start_with(Options {
        plugins: Plugins {
            imap_zlib: true,
            ..Plugins::default()
        },
        ..Options::default()
    })
    .unwrap();
    server
        .fill(
            "alice",
            "INBOX",
            (0..count).map(|n| sample_message(n, size)),
        )
        .unwrap();
    server
}

fn password(server: &Dovecot) -> String {
    server.user("alice").unwrap().password.clone()
}

async fn logged_in(server: &Dovecot) -> Client {
    let imap = Client::connect_tls_with(
        "localhost",
        server.tls_addr().port(),
        &trust(server).unwrap(),
        ClientOptions::default(),
    )
    .await
    .unwrap();
    imap.login("alice", &password(server)).await.unwrap();
    imap
}

/// The default options with `timeouts`.
fn with_timeouts(timeouts: Timeouts) -> ClientOptions {
    ClientOptions {
        timeouts,
        ..ClientOptions::default()
    }
}

fn short_reads(read: Duration) -> ClientOptions {
    with_timeouts(Timeouts {
        read: Some(read),
        ..Timeouts::default()
    })
}

// Transports -----------------------------------------------------------------

#[tokio::test(flavor = "current_thread")]
async fn connect_starttls_upgrades_before_the_login() {
    let server = server_with(3, 400);
    let imap = Client::connect_starttls(
        "localhost",
        server.plain_addr().port(),
        &trust(&server).unwrap(),
        ClientOptions::default(),
    )
    .await
    .unwrap();
    assert!(!imap.has_capability("STARTTLS").await.unwrap());
    imap.login("alice", &password(&server)).await.unwrap();
    assert_eq!(imap.select("INBOX").await.unwrap().exists, 3);
    imap.logout().await.unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn a_child_process_is_a_transport() {
    let stream = PreauthStream::new().unwrap();
    stream
        .maildir()
        .fill("INBOX", [sample_message(0, 300)])
        .unwrap();
    let imap = Client::spawn(stream.command()).await.unwrap();
    assert_eq!(imap.state(), typed_imap::command::State::Authenticated);
    assert_eq!(imap.select("INBOX").await.unwrap().exists, 1);
    imap.logout().await.unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn compress_deflate_carries_the_rest_of_the_session() {
    let server = server_with(5, 20_000);
    let imap = logged_in(&server).await;
    imap.run(CompressDeflate::new()).await.unwrap();
    imap.select("INBOX").await.unwrap();
    let fetched = imap
        .run(Fetch::new(SequenceSet::all()).items(FetchItem::body_peek(Section::default())))
        .await
        .unwrap();
    assert_eq!(fetched.len(), 5);
    for (n, message) in fetched.iter().enumerate() {
        let body = typed_imap_tests::views::first_body(message).unwrap();
        assert_eq!(&body[..], &sample_message(n, 20_000)[..]);
    }
    imap.logout().await.unwrap();
}

// Authentication -------------------------------------------------------------

/// PLAIN whose credentials take a while to come, as an OAuth token
/// fetched over the network would.
struct SlowPlain {
    user: String,
    password: String,
}

impl AsyncAuthenticator for SlowPlain {
    fn mechanism(&self) -> &str {
        "PLAIN"
    }

    async fn initial_response(&mut self) -> Option<Vec<u8>> {
        tokio::time::sleep(Duration::from_millis(50)).await;
        Some(format!("\0{}\0{}", self.user, self.password).into_bytes())
    }

    async fn respond(&mut self, _challenge: &[u8]) -> Result<Option<Vec<u8>>, AuthError> {
        Ok(None)
    }
}

#[tokio::test(flavor = "current_thread")]
async fn an_async_authenticator_may_wait_for_its_credentials() {
    let server = server_with(0, 0);
    let imap = Client::connect_tls_with(
        "localhost",
        server.tls_addr().port(),
        &trust(&server).unwrap(),
        ClientOptions::default(),
    )
    .await
    .unwrap();
    imap.authenticate(SlowPlain {
        user: "alice".into(),
        password: password(&server),
    })
    .await
    .unwrap();
    assert_eq!(imap.state(), typed_imap::command::State::Authenticated);
}

#[tokio::test(flavor = "current_thread")]
async fn every_blocking_mechanism_works_as_is() {
    let server = server_with(0, 0);
    for mechanism in ["PLAIN", "SCRAM-SHA-256"] {
        let imap = Client::connect_tls_with(
            "localhost",
            server.tls_addr().port(),
            &trust(&server).unwrap(),
            ClientOptions::default(),
        )
        .await
        .unwrap();
        let result = match mechanism {
            "PLAIN" => {
                imap.authenticate(Plain::new("alice", password(&server)))
                    .await
            }
            _ => {
                imap.authenticate(Scram::sha256("alice", password(&server)))
                    .await
            }
        };
        result.unwrap_or_else(|error| panic!("{mechanism}: {error}"));
        imap.logout().await.unwrap();
    }
}

// IDLE -------------------------------------------------------------------------

#[tokio::test(flavor = "current_thread")]
async fn idle_yields_what_another_connection_does() {
    let server = server_with(1, 300);
    let imap = logged_in(&server).await;
    imap.select("INBOX").await.unwrap();
    let mut idle = imap.idle().await.unwrap();
    let other = logged_in(&server).await;
    other
        .run(Append::new("INBOX", sample_message(7, 300)))
        .await
        .unwrap();
    let event = idle.wait(Duration::from_secs(10)).await.unwrap();
    assert!(
        matches!(event, Some(Unsolicited::Data(Data::Exists(2)))),
        "{event:?}"
    );
    idle.done().await.unwrap();
    assert_eq!(imap.mailbox().unwrap().exists, 2);
    assert_eq!(imap.run(Noop::new()).await.unwrap(), ());
}

#[tokio::test(flavor = "current_thread")]
async fn dropping_the_idle_stream_sends_done_without_waiting() {
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi\r\n")
        .expect_command("IDLE")
        .send("+ idling\r\n")
        .expect_untagged("DONE")
        .send("{tag} OK idle done\r\n")
        .expect_command("NOOP")
        .reply("OK nothing")
        .stall(Duration::from_millis(300))
        .serve()
        .unwrap();
    let imap = Client::connect("127.0.0.1", server.addr().port())
        .await
        .unwrap();
    let idle = imap.idle().await.unwrap();
    drop(idle);
    // The task wrote DONE on its own; the next command follows.
    imap.run(Noop::new()).await.unwrap();
    server.finish().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn idle_is_renewed_before_its_limit_and_goes_on() {
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi\r\n")
        .expect_command("IDLE")
        .send("+ idling\r\n")
        .expect_untagged("DONE")
        .send("{tag} OK renewed\r\n")
        .expect_command("IDLE")
        .send("+ idling again\r\n* 3 EXISTS\r\n")
        .expect_untagged("DONE")
        .send("{tag} OK done\r\n")
        .stall(Duration::from_millis(300))
        .serve()
        .unwrap();
    let imap = Client::connect("127.0.0.1", server.addr().port())
        .await
        .unwrap();
    let mut idle = imap
        .idle_with(IdleOptions {
            renew_every: Duration::from_millis(200),
            dead_after: None,
        })
        .await
        .unwrap();
    assert_eq!(idle.renewals(), 0);
    let event = idle.wait(Duration::from_secs(5)).await.unwrap();
    assert!(
        matches!(event, Some(Unsolicited::Data(Data::Exists(3)))),
        "{event:?}"
    );
    // The EXISTS came with the second `+`: one renewal, counted.
    assert_eq!(idle.renewals(), 1);
    idle.done().await.unwrap();
    server.finish().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn a_silent_server_is_taken_for_dead_within_the_idle_timeout() {
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi\r\n")
        .expect_command("IDLE")
        .send("+ idling\r\n")
        .stall(Duration::from_secs(5))
        .serve()
        .unwrap();
    let imap = Client::connect("127.0.0.1", server.addr().port())
        .await
        .unwrap();
    let mut idle = imap
        .idle_with(IdleOptions {
            renew_every: Duration::from_secs(600),
            dead_after: Some(Duration::from_millis(300)),
        })
        .await
        .unwrap();
    let started = Instant::now();
    let error = idle.next().await.unwrap().unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(error.to_string().contains("taken for dead"), "{error}");
    drop(idle);
    assert!(imap.broken().is_some());
}

#[tokio::test(flavor = "current_thread")]
async fn keepalives_keep_an_idle_alive() {
    let mut script = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi\r\n")
        .expect_command("IDLE")
        .send("+ idling\r\n");
    for _ in 0..8 {
        script = script
            .stall(Duration::from_millis(100))
            .send("* OK still here\r\n");
    }
    let server = script
        .send("* 4 EXISTS\r\n")
        .expect_untagged("DONE")
        .send("{tag} OK done\r\n")
        .stall(Duration::from_millis(300))
        .serve()
        .unwrap();
    let imap = Client::connect("127.0.0.1", server.addr().port())
        .await
        .unwrap();
    let mut idle = imap
        .idle_with(IdleOptions {
            renew_every: Duration::from_secs(600),
            dead_after: Some(Duration::from_millis(300)),
        })
        .await
        .unwrap();
    let mut keepalives = 0;
    loop {
        match idle.next().await.unwrap().unwrap() {
            Unsolicited::Status(_) => keepalives += 1,
            Unsolicited::Data(Data::Exists(4)) => break,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(keepalives, 8);
    idle.done().await.unwrap();
}

// Futures dropped ----------------------------------------------------------------

#[tokio::test(flavor = "current_thread")]
async fn a_command_dropped_while_waiting_for_its_answer_leaves_the_next_in_step() {
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n")
        .expect_command("NOOP")
        .expect_command("NOOP")
        .stall(Duration::from_millis(200))
        .send("* 1 EXISTS\r\n")
        .send("{tag} OK second\r\n")
        .stall(Duration::from_millis(300))
        .serve()
        .unwrap();
    let imap = Client::connect("127.0.0.1", server.addr().port())
        .await
        .unwrap();
    // Sent, then dropped while its answer is awaited.
    let first = tokio::time::timeout(Duration::from_millis(50), imap.run(Noop::new())).await;
    assert!(first.is_err());
    // The server answers only the second NOOP here (a real server would
    // answer the first too): the second gets exactly its own completion.
    let second = tokio::time::timeout(Duration::from_secs(5), imap.run(Noop::new())).await;
    assert!(matches!(second, Ok(Ok(()))), "{second:?}");
    assert!(imap.broken().is_none());
    drop(server);
}

/// Polls `future` once, without waiting.
async fn poll_once<F: std::future::Future + Unpin>(future: &mut F) {
    std::future::poll_fn(|cx| {
        let _ = std::pin::Pin::new(&mut *future).poll(cx);
        std::task::Poll::Ready(())
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_future_polled_then_left_unpolled_does_not_hold_the_connection_up() {
    let server = server_with(20, 300);
    let imap = std::sync::Arc::new(logged_in(&server).await);
    imap.select("INBOX").await.unwrap();
    let (polled, was_polled) = tokio::sync::oneshot::channel();
    let other = std::sync::Arc::clone(&imap);
    // A task that polls its command once, after `awaited` was polled, and
    // then sleeps holding it: it is the last future to have polled the
    // connection, where the connection's wake-ups go first.
    let left = tokio::spawn(async move {
        let mut left = Box::pin(other.run(UidFetch::new(3).items(FetchItem::uid())));
        poll_once(&mut left).await;
        let _ = polled.send(());
        tokio::time::sleep(Duration::from_secs(10)).await;
        left.await.map(|three| three[0].message.uid)
    });
    let awaited = imap.run(UidFetch::new(9).items(FetchItem::uid()));
    // Biased to the deadline: `timeout` would poll `awaited` once more at
    // the deadline, which would read its answer then.
    let nine = tokio::select! {
        biased;
        () = tokio::time::sleep(Duration::from_secs(3)) => {
            panic!("a future left unpolled held the connection up")
        }
        nine = awaited => nine.unwrap(),
    };
    assert_eq!(nine[0].message.uid, Some(9));
    was_polled.await.unwrap();
    let later = tokio::time::timeout(Duration::from_secs(5), imap.run(Noop::new())).await;
    assert!(matches!(later, Ok(Ok(()))), "{later:?}");
    left.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn futures_on_several_threads_share_one_connection() {
    let server = server_with(50, 300);
    let imap = std::sync::Arc::new(logged_in(&server).await);
    imap.select("INBOX").await.unwrap();
    let tasks = (0..8u32).map(|task| {
        let imap = std::sync::Arc::clone(&imap);
        tokio::spawn(async move {
            for round in 0..40u32 {
                let uid = (task * 40 + round) % 50 + 1;
                if round % 10 == 0 {
                    let mut stream = imap
                        .stream(Fetch::new(SequenceSet::all()).items(FetchItem::uid()))
                        .await
                        .unwrap();
                    let mut count = 0;
                    while let Some(item) = stream.next().await {
                        item.unwrap();
                        count += 1;
                    }
                    assert_eq!(count, 50);
                }
                let fetched = imap
                    .run(UidFetch::new(uid).items(FetchItem::uid()))
                    .await
                    .unwrap();
                assert_eq!(fetched.len(), 1);
                assert_eq!(fetched[0].message.uid, Some(uid));
            }
        })
    });
    let tasks: Vec<_> = tasks.collect();
    tokio::time::timeout(Duration::from_secs(60), async {
        for task in tasks {
            task.await.unwrap();
        }
    })
    .await
    .expect("futures on several threads stalled");
    assert!(imap.broken().is_none());
}

#[tokio::test(flavor = "current_thread")]
async fn a_slow_stream_reader_holds_the_connection_back_and_gets_everything() {
    let server = server_with(200, 300);
    let imap = logged_in(&server).await;
    imap.select("INBOX").await.unwrap();
    let mut stream = imap
        .stream(Fetch::new(SequenceSet::all()).items(FetchItem::uid()))
        .await
        .unwrap();
    let mut uids = Vec::new();
    while let Some(fetched) = stream.next().await {
        uids.push(fetched.unwrap().message.uid.unwrap());
        if uids.len() % 40 == 1 {
            // Long enough for the connection to fill the stream's queue
            // and wait for room.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    assert!(stream.completion().is_some());
    assert_eq!(uids, (1..=200).collect::<Vec<u32>>());
}

#[tokio::test(flavor = "current_thread")]
async fn a_stream_dropped_while_the_connection_waits_for_room_leaves_it_in_step() {
    let server = server_with(200, 300);
    let imap = logged_in(&server).await;
    imap.select("INBOX").await.unwrap();
    let mut stream = imap
        .stream(Fetch::new(SequenceSet::all()).items(FetchItem::uid()))
        .await
        .unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap().message.uid, Some(1));
    // The connection fills the queue and waits for room that the drop
    // must give back.
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(stream);
    let next = tokio::time::timeout(
        Duration::from_secs(5),
        imap.run(UidFetch::new(7).items(FetchItem::uid())),
    )
    .await
    .expect("the connection still waits for the dropped stream")
    .unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].message.uid, Some(7));
}

#[tokio::test(flavor = "current_thread")]
async fn fetches_dropped_at_many_points_leave_the_connection_in_step() {
    let server = server_with(3, 400_000);
    let imap = logged_in(&server).await;
    imap.select("INBOX").await.unwrap();
    for delay in [0, 1, 2, 5, 10, 20, 40] {
        let all = Fetch::new(SequenceSet::all()).items(FetchItem::body_peek(Section::default()));
        let mut sink = Vec::new();
        let _ = tokio::time::timeout(
            Duration::from_millis(delay),
            imap.fetch_to(all.clone(), &mut sink),
        )
        .await;
        let _ = tokio::time::timeout(Duration::from_millis(delay), imap.run(all)).await;
        let again = imap
            .run(UidFetch::new(2).items(FetchItem::uid() | FetchItem::rfc822_size()))
            .await
            .unwrap_or_else(|error| panic!("after dropping at {delay} ms: {error}"));
        assert_eq!(again.len(), 1, "after dropping at {delay} ms");
        assert_eq!(again[0].message.uid, Some(2));
        assert!(imap.broken().is_none());
    }
}

#[tokio::test(flavor = "current_thread")]
async fn an_append_dropped_mid_literal_is_finished_by_the_connection() {
    let server = server_with(0, 0);
    let imap = logged_in(&server).await;
    let message = sample_message(1, 3_000_000);
    let _ = tokio::time::timeout(
        Duration::from_millis(5),
        imap.run(Append::new("INBOX", message.clone())),
    )
    .await;
    // The literal was announced: the task writes it whole, so the next
    // command is in step, and the message is there.
    let selected = imap.run(Select::new("INBOX")).await.unwrap();
    assert_eq!(selected.exists, 1);
    let size = imap
        .run(UidFetch::new(1).items(FetchItem::rfc822_size()))
        .await
        .unwrap();
    assert_eq!(size[0].message.rfc822_size, Some(message.len() as u32));
}

#[tokio::test(flavor = "current_thread")]
async fn a_starttls_dropped_midway_ends_over_tls_or_broken() {
    let server = server_with(0, 0);
    for delay in [0, 1, 3, 10] {
        let imap = Client::connect("localhost", server.plain_addr().port())
            .await
            .unwrap();
        let tls = trust(&server).unwrap();
        let _ = tokio::time::timeout(Duration::from_millis(delay), imap.starttls_with(&tls)).await;
        // Never plaintext after an interrupted upgrade: either the
        // task finished it, or the connection is unusable.
        let login = imap.login("alice", &password(&server)).await;
        match login {
            Ok(()) => assert!(imap.capabilities().await.is_ok()),
            Err(error) => assert!(
                error.is_fatal() || matches!(error, Error::CredentialsRefused { .. }),
                "{error}"
            ),
        }
    }
}

// Timeouts and shutdown -----------------------------------------------------------

#[tokio::test(flavor = "current_thread")]
async fn a_silent_server_fails_a_command_at_the_read_timeout() {
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n")
        .expect_command("NOOP")
        .stall(Duration::from_secs(5))
        .serve()
        .unwrap();
    let imap = Client::connect_with(
        "127.0.0.1",
        server.addr().port(),
        short_reads(Duration::from_millis(300)),
    )
    .await
    .unwrap();
    let started = Instant::now();
    let error = imap.run(Noop::new()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(error.to_string().contains("read timeout"), "{error}");
    assert!(error.is_fatal());
}

#[tokio::test(flavor = "current_thread")]
async fn a_server_that_does_not_read_fails_a_command_at_the_write_timeout() {
    // LITERAL+: the whole message goes at once, more than the socket
    // buffers hold, and the server reads none of it.
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+] hi\r\n")
        .stall(Duration::from_secs(10))
        .serve()
        .unwrap();
    let options = with_timeouts(Timeouts {
        write: Some(Duration::from_millis(300)),
        ..Timeouts::default()
    });
    let imap = Client::connect_with("127.0.0.1", server.addr().port(), options)
        .await
        .unwrap();
    let started = Instant::now();
    let message = sample_message(1, 64_000_000);
    let error = imap.run(Append::new("INBOX", message)).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(error.to_string().contains("write timeout"), "{error}");
    assert!(error.is_fatal());
}

#[tokio::test(flavor = "current_thread")]
async fn the_command_timeout_bounds_a_trickling_server() {
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n")
        .expect_command("NOOP")
        .drip("* OK slowly, very slowly\r\n", Duration::from_millis(100))
        .serve()
        .unwrap();
    let options = with_timeouts(Timeouts {
        command: Some(Duration::from_millis(500)),
        ..Timeouts::default()
    });
    let imap = Client::connect_with("127.0.0.1", server.addr().port(), options)
        .await
        .unwrap();
    let error = imap.run(Noop::new()).await.unwrap_err();
    assert!(error.to_string().contains("command timeout"), "{error}");
    assert!(imap.broken().is_some());
}

#[tokio::test(flavor = "current_thread")]
async fn dropping_the_client_never_blocks_and_says_logout() {
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n")
        .expect_command("LOGOUT")
        .stall(Duration::from_secs(2))
        .serve()
        .unwrap();
    let imap = Client::connect("127.0.0.1", server.addr().port())
        .await
        .unwrap();
    let started = Instant::now();
    drop(imap);
    assert!(started.elapsed() < Duration::from_millis(100));
    // Let the task write it.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let sent = match server.finish() {
        Ok(transcript) => transcript.received_text(),
        Err(error) => error.transcript.received_text(),
    };
    assert!(sent.contains("LOGOUT"), "{sent}");
}
