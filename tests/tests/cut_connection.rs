//! Connections that end part-way through an answer: a real FETCH of
//! messages with literals against Dovecot, through a proxy that closes the
//! connection after N bytes of the answer, for every N of its first 4 KB
//! and a sample of the rest; and a server that stalls in the middle of a
//! literal. The client must fail with an error (never a partial message or
//! literal presented as whole, never a hang past its timeout), and a new
//! connection must work.
//!
//! The proxy counts the server's bytes from the FETCH command on, not from
//! the connection's start: the greeting, LOGIN and SELECT replies before it
//! are not under test, and the FETCH answer is the same bytes on every
//! connection (same messages, same tag, BODY.PEEK changes no flag), so each
//! N is one exact position in it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use typed_imap::blocking::ClientOptions;
use typed_imap::session::Unsolicited;
use typed_imap::transport::Timeouts;
use typed_imap::types::{FetchItem, Section};
use typed_imap::{Data, Error, Fetch, Fetched, Noop, Select};
use typed_imap_tests::both::Imap;
use typed_imap_tests::both_clients;
use typed_imap_tests::dovecot::{Dovecot, Options};
use typed_imap_tests::messages::sample_message;
use typed_imap_tests::proxy::CutProxy;
use typed_imap_tests::scripted::Script;
use typed_imap_tests::views::first_body;

both_clients!(
    fetch_cut_at_every_offset_fails_and_a_new_connection_works,
    a_server_stalling_mid_literal_trips_the_read_timeout,
);

/// The read timeout of every client here: an attempt that takes longer has
/// hung.
const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Every offset below this is tried.
const EVERY_OFFSET_BELOW: usize = 4096;
/// Above it, every this many bytes (a prime: the samples fall at varied
/// places of lines and literals).
const SAMPLE_STEP: usize = 61;
/// Threads cutting connections at once, each through its own proxy.
const WORKERS: usize = 4;
/// Dovecot settings that keep login and IMAP processes for the next
/// connection instead of starting new ones: a connection with LOGIN and
/// SELECT then takes about 1 ms instead of 30 (one user, one uid).
const REUSE_PROCESSES: &str =
    "service imap-login {\n  service_count = 0\n  process_min_avail = 4\n}\n\
    service imap {\n  service_count = 0\n  process_min_avail = 4\n}\n";

fn options() -> ClientOptions {
    ClientOptions {
        timeouts: Timeouts {
            read: Some(READ_TIMEOUT),
            ..Timeouts::default()
        },
        ..ClientOptions::default()
    }
}

/// Three messages of a few KB, of different sizes.
fn messages() -> Vec<Vec<u8>> {
    [1500, 2600, 900]
        .into_iter()
        .enumerate()
        .map(|(n, size)| sample_message(n, size))
        .collect()
}

/// What one connection through the proxy gave.
struct Attempt {
    result: Result<Vec<Fetched>, Error>,
    /// The FETCH answer's bytes the proxy let through.
    passed: Vec<u8>,
    took: Duration,
    /// FETCH records the client kept outside the result.
    unsolicited: Vec<Fetched>,
}

/// Opens a new connection through the proxy, logs in, selects INBOX (these
/// must work whatever happened to the previous connection) and fetches
/// every message's BODY.PEEK[].
fn fetch_through<I: Imap>(proxy: &CutProxy, server: &Dovecot) -> Attempt {
    let mut imap = I::connect("127.0.0.1", proxy.addr().port(), options())
        .expect("a new connection after a cut one");
    imap.login("alice", &server.user("alice").unwrap().password)
        .expect("LOGIN on a new connection");
    imap.run(Select::new("INBOX"))
        .expect("SELECT on a new connection");
    let started = Instant::now();
    let result = imap.run(Fetch::new(1..=3).items(FetchItem::body_peek(Section::default())));
    let took = started.elapsed();
    let unsolicited = imap
        .take_unsolicited()
        .into_iter()
        .filter_map(|unsolicited| match unsolicited {
            Unsolicited::Data(Data::Fetch(fetched)) => Some(fetched),
            _ => None,
        })
        .collect();
    // No LOGOUT: the proxy's record is exactly the FETCH answer.
    imap.disconnect();
    Attempt {
        result,
        passed: proxy.passed(),
        took,
        unsolicited,
    }
}

/// The last line of an answer, without its CRLF (`None` if it has none).
fn last_line(answer: &[u8]) -> Option<&[u8]> {
    let body = answer.strip_suffix(b"\r\n")?;
    Some(
        body.iter()
            .rposition(|&b| b == b'\n')
            .map_or(body, |end| &body[end + 1..]),
    )
}

/// Whether `passed` holds a whole answer: it ends with a tagged OK line
/// (`TAG OK ...` and CRLF; tags differ from one connection to the next).
fn whole_answer(passed: &[u8]) -> bool {
    last_line(passed).is_some_and(|line| {
        let mut words = line.splitn(3, |&b| b == b' ');
        matches!((words.next(), words.next()), (Some(tag), Some(b"OK")) if tag != b"*")
    })
}

/// The end of an answer, for failure messages.
fn tail(answer: &[u8]) -> String {
    String::from_utf8_lossy(&answer[answer.len().saturating_sub(80)..]).into_owned()
}

/// Each record's body is one of the messages, whole, by its number.
fn assert_whole(records: &[Fetched], messages: &[Vec<u8>], cut: usize) {
    for record in records {
        let expected = &messages[record.seq as usize - 1];
        let body = first_body(record).map(|body| &body[..]);
        assert!(
            body == Some(&expected[..]),
            "cut at {cut}: message {} came with a body of {:?} bytes, not {}",
            record.seq,
            body.map(<[u8]>::len),
            expected.len()
        );
    }
}

/// Runs one attempt cut at `cut` and checks it: FETCH succeeds exactly
/// when the whole answer went through, with every body whole; otherwise it
/// fails as a closed connection. Returns whether it failed.
fn cut_and_check<I: Imap>(
    proxy: &CutProxy,
    server: &Dovecot,
    messages: &[Vec<u8>],
    cut: usize,
) -> bool {
    proxy.cut_after(Some(cut));
    let attempt = fetch_through::<I>(proxy, server);
    assert!(
        attempt.took < READ_TIMEOUT,
        "cut at {cut}: the FETCH took {:?}",
        attempt.took
    );
    assert!(
        attempt.passed.len() <= cut,
        "the proxy let through more than {cut} bytes"
    );
    assert_whole(&attempt.unsolicited, messages, cut);
    match attempt.result {
        Ok(records) => {
            assert!(
                whole_answer(&attempt.passed),
                "cut at {cut}: FETCH succeeded on a partial answer ending {:?}",
                tail(&attempt.passed)
            );
            assert_eq!(records.len(), messages.len(), "cut at {cut}");
            assert_whole(&records, messages, cut);
            false
        }
        Err(error) => {
            assert!(
                !whole_answer(&attempt.passed),
                "cut at {cut}: FETCH failed ({error}) on a whole answer"
            );
            assert!(
                matches!(error, Error::Closed { .. }) && error.is_fatal(),
                "cut at {cut}: {error:?}"
            );
            true
        }
    }
}

fn fetch_cut_at_every_offset_fails_and_a_new_connection_works<I: Imap>() {
    let server = Dovecot::start_with(Options {
        extra_config: REUSE_PROCESSES.into(),
        ..Options::default()
    })
    .unwrap();
    let messages = messages();
    server.fill("alice", "INBOX", messages.clone()).unwrap();

    // The whole answer, through a proxy that never cuts.
    let proxy = CutProxy::start(server.plain_addr(), " FETCH ").unwrap();
    let whole = fetch_through::<I>(&proxy, &server);
    let records = whole
        .result
        .expect("FETCH through a proxy that does not cut");
    assert_whole(&records, &messages, usize::MAX);
    assert!(whole_answer(&whole.passed), "{}", tail(&whole.passed));
    let length = whole.passed.len();
    let literals: usize = messages.iter().map(Vec::len).sum();
    assert!(length > literals && length > EVERY_OFFSET_BELOW, "{length}");

    // Every offset of the first 4 KB, then a sample, then past the end
    // (Dovecot's timing figures in the tagged OK vary its length).
    let mut cuts: Vec<usize> = (0..EVERY_OFFSET_BELOW).collect();
    cuts.extend((EVERY_OFFSET_BELOW..length + 64).step_by(SAMPLE_STEP));
    cuts.extend([length - 2, length - 1, length, length + 64]);
    let next = AtomicUsize::new(0);
    let failed = AtomicUsize::new(0);
    let started = Instant::now();
    thread::scope(|scope| {
        for _ in 0..WORKERS {
            scope.spawn(|| {
                let proxy = CutProxy::start(server.plain_addr(), " FETCH ").unwrap();
                while let Some(&cut) = cuts.get(next.fetch_add(1, Ordering::SeqCst)) {
                    let failed_here = cut_and_check::<I>(&proxy, &server, &messages, cut);
                    // The tagged line's timing figures vary by a few bytes.
                    assert!(failed_here || cut >= length - 16, "cut at {cut}");
                    failed.fetch_add(usize::from(failed_here), Ordering::SeqCst);
                }
            });
        }
    });
    eprintln!(
        "{} cuts of a {length}-byte FETCH answer ({} failed as they must) in {:?}",
        cuts.len(),
        failed.load(Ordering::SeqCst),
        started.elapsed()
    );
    // A limit far past the end cuts nothing.
    assert!(!cut_and_check::<I>(&proxy, &server, &messages, length + 64));
}

fn a_server_stalling_mid_literal_trips_the_read_timeout<I: Imap>() {
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n")
        .expect_command("SELECT")
        .send("* 1 EXISTS\r\n* FLAGS (\\Seen)\r\n")
        .reply("OK [READ-WRITE] selected")
        .expect_command("FETCH")
        .send("* 1 FETCH (BODY[] {1000}\r\nFrom: a@b\r")
        .stall(Duration::from_secs(3))
        .serve()
        .unwrap();
    let timeout = Duration::from_millis(300);
    let options = ClientOptions {
        timeouts: Timeouts {
            read: Some(timeout),
            ..Timeouts::default()
        },
        ..ClientOptions::default()
    };
    let mut imap = I::connect("127.0.0.1", server.addr().port(), options).unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    let started = Instant::now();
    let error = imap
        .run(Fetch::new(1).items(FetchItem::body_peek(Section::default())))
        .unwrap_err();
    let took = started.elapsed();
    assert!(
        took >= timeout && took < Duration::from_secs(2),
        "failed after {took:?}"
    );
    let Error::Io(io) = &error else {
        panic!("expected an I/O timeout, got {error:?}")
    };
    assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
    assert!(error.to_string().contains("read timeout"), "{error}");
    assert!(error.is_fatal());
    assert_eq!(imap.unsolicited().len(), 0, "no partial FETCH kept");
    // The session is broken: the next command fails at once.
    let started = Instant::now();
    assert!(imap.run(Noop::new()).is_err());
    assert!(started.elapsed() < timeout);
}
