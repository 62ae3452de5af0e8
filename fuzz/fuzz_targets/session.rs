//! A `Session` driven through a fixed command sequence (LOGIN with a
//! literal password, SELECT, FETCH of BODY[] sections, IDLE and DONE)
//! while the server's side is arbitrary bytes, delivered in pieces.
//!
//! The input is four selector bytes, then the server's byte stream:
//!
//! | byte | chooses |
//! |---|---|
//! | 0 | bit 0: small limits; bits 1-2: the greeting (from the stream, OK with LITERAL+, OK without, PREAUTH); bit 3: IDLE is sent; bit 4: at most 4 unsolicited responses kept |
//! | 1, 2 | the sizes of the pieces, taken in turn (1 to 64 bytes) |
//! | 3 | how many pieces IDLE runs before DONE (0 to 3) |
//!
//! After each piece the target polls until the session needs more bytes,
//! answers what it asks (`take_output`) and sends the next command when
//! one completes. It checks that nothing panics, that a fatal error leaves
//! the session `broken()`, that every error says something, that the bytes
//! held between pieces never pass `max_response` and the unsolicited
//! record never passes `max_unsolicited`, and that the end of the stream
//! ends the session in a result or an error. (`cargo xtask fuzz` also
//! fails any single allocation over 16 MiB.)
//!
//! `SESSION_FUZZ_TRACE=1 cargo fuzz run session INPUT` prints what the
//! driver saw, to read a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use typed_imap::codec::parse::Limits;
use typed_imap::command::State;
use typed_imap::session::{Done, Event, Session, SessionOptions};
use typed_imap::types::{FetchItem, Section, SectionText};
use typed_imap::{Error, Fetch, Idle, Login, Select};

/// Prints what the driver saw, with `SESSION_FUZZ_TRACE` set.
fn trace(what: std::fmt::Arguments<'_>) {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("SESSION_FUZZ_TRACE").is_some()) {
        eprintln!("session: {what}");
    }
}

/// Bytes before the server's stream.
const SELECTORS: usize = 4;

/// The limits of the small configuration: every one reachable in a few
/// KiB of input.
const SMALL_LIMITS: Limits = Limits {
    max_line: 256,
    max_literal: 512,
    max_depth: 8,
    max_literals: 16,
    max_response: 2048,
};

/// The greetings a selector can put before the stream (the first form is
/// none: the stream itself greets).
const GREETINGS: [&[u8]; 4] = [
    b"",
    b"* OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE] ready\r\n",
    b"* OK [CAPABILITY IMAP4rev1 IDLE] ready\r\n",
    b"* PREAUTH [CAPABILITY IMAP4rev1 IDLE] ready\r\n",
];

/// The commands, in the order they are sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Login,
    Select,
    Fetch,
    Idle,
}

const SEQUENCE: [Step; 4] = [Step::Login, Step::Select, Step::Fetch, Step::Idle];

/// What the selector bytes chose.
struct Plan {
    options: SessionOptions,
    greeting: &'static [u8],
    idle: bool,
    pieces: [usize; 2],
    done_after: usize,
}

impl Plan {
    fn read(selectors: &[u8; SELECTORS]) -> Plan {
        let [flags, first, second, done_after] = *selectors;
        let limits = if flags & 1 != 0 {
            SMALL_LIMITS
        } else {
            Limits::default()
        };
        let max_unsolicited = if flags & 0x10 != 0 {
            4
        } else {
            SessionOptions::default().max_unsolicited
        };
        Plan {
            options: SessionOptions {
                limits,
                max_unsolicited,
                tag_prefix: Some("A".into()),
                ..SessionOptions::default()
            },
            greeting: GREETINGS[usize::from(flags >> 1) & 3],
            idle: flags & 8 != 0,
            pieces: [usize::from(first % 64) + 1, usize::from(second % 64) + 1],
            done_after: usize::from(done_after % 4),
        }
    }
}

/// The client's side: the commands still to send, and IDLE's progress.
struct Driver {
    session: Session,
    next: usize,
    idle: bool,
    /// Pieces received since IDLE started, while it runs.
    idling_for: Option<usize>,
    done_after: usize,
}

impl Driver {
    /// Sends the next command the session accepts; a refused one (wrong
    /// state, capability not advertised) is skipped, as a caller would.
    fn send_next(&mut self) {
        while let Some(&step) = SEQUENCE.get(self.next) {
            self.next += 1;
            let sent = match step {
                Step::Login => self.session.send(&Login::new("alice", "pässword")),
                Step::Select => self.session.send(&Select::new("INBOX")),
                Step::Fetch => self.session.send(&Fetch::new(1..=3).items(
                    FetchItem::uid()
                        | FetchItem::flags()
                        | FetchItem::body_peek(Section::default())
                        | FetchItem::body_peek(Section {
                            part: vec![1],
                            text: Some(SectionText::Mime),
                        }),
                )),
                Step::Idle if self.idle => self.session.send(&Idle::new()),
                Step::Idle => continue,
            };
            trace(format_args!("send {step:?}: {sent:?}"));
            match sent {
                Ok(_) => return,
                Err(error) => check_error(&self.session, &error),
            }
        }
    }

    fn on_event(&mut self, event: Event) {
        trace(format_args!("event {event:?}"));
        match event {
            Event::Greeting(_) => {
                assert_ne!(self.session.state(), State::Logout);
                self.send_next();
            }
            Event::Completed(done) => {
                if done.command == "IDLE" {
                    // The server may end IDLE on its own.
                    self.idling_for = None;
                }
                outcome(done);
                self.send_next();
            }
            Event::IdleStarted => {
                assert!(self.idling_for.is_none(), "IDLE started twice");
                self.idling_for = Some(0);
                self.maybe_done();
            }
            other => panic!("{other:?} for a command that was never sent"),
        }
    }

    /// Ends IDLE once it has run for `done_after` pieces.
    fn maybe_done(&mut self) {
        if self.idling_for.is_some_and(|n| n >= self.done_after) {
            assert!(self.session.idle_done(), "IDLE runs, DONE must be sent");
            self.idling_for = None;
        }
    }

    /// Polls until the session needs more bytes or is broken.
    fn drain(&mut self) {
        loop {
            match self.session.poll() {
                Ok(Some(event)) => self.on_event(event),
                Ok(None) => break,
                Err(error) => {
                    trace(format_args!("poll error: {error}"));
                    check_error(&self.session, &error);
                    if self.session.broken().is_some() {
                        break;
                    }
                }
            }
            let _ = self.session.take_output();
        }
        let _ = self.session.take_output();
    }
}

/// A completed command's typed result; errors are fine, panics are not.
fn outcome(done: Done) {
    let result = match done.command {
        "LOGIN" => done.into_result::<Login>().map(|_| String::new()),
        "SELECT" => done.into_result::<Select>().map(|s| format!("{s:?}")),
        "FETCH" => done.into_result::<Fetch>().map(|f| format!("{f:?}")),
        "IDLE" => done.into_result::<Idle>().map(|_| String::new()),
        other => panic!("completion of {other}, a command that was never sent"),
    };
    trace(format_args!("result: {result:?}"));
    if let Err(error) = result {
        assert!(!error.to_string().is_empty(), "an error that says nothing");
    }
}

/// Every error says something, and a fatal one breaks the session.
fn check_error(session: &Session, error: &Error) {
    assert!(!error.to_string().is_empty(), "an error that says nothing");
    if error.is_fatal() {
        assert!(
            session.broken().is_some(),
            "fatal error {error} but the session is not broken"
        );
    }
}

/// The memory the session holds stays within the configured limits, once
/// it has been polled until it needs more bytes: what it buffers is one
/// partial response.
fn check_bounds(session: &Session, options: &SessionOptions) {
    let held = session.buffered_input();
    assert!(
        held <= options.limits.max_response,
        "{held} bytes buffered, limit {}",
        options.limits.max_response
    );
    let kept = session.unsolicited().count();
    assert!(
        kept <= options.max_unsolicited,
        "{kept} unsolicited responses kept, limit {}",
        options.max_unsolicited
    );
}

/// `stream` in pieces of the two sizes in turn.
fn split(mut stream: &[u8], sizes: [usize; 2]) -> impl Iterator<Item = &[u8]> {
    sizes.into_iter().cycle().map_while(move |size| {
        let (piece, rest) = stream.split_at(size.min(stream.len()));
        stream = rest;
        (!piece.is_empty()).then_some(piece)
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((selectors, stream)) = data.split_first_chunk::<SELECTORS>() else {
        return;
    };
    let plan = Plan::read(selectors);
    let mut session = Session::new(plan.options.clone());
    session.set_local(true);
    let mut driver = Driver {
        session,
        next: 0,
        idle: plan.idle,
        idling_for: None,
        done_after: plan.done_after,
    };
    let pieces = std::iter::once(plan.greeting).chain(split(stream, plan.pieces));
    for piece in pieces {
        if driver.session.broken().is_some() {
            break;
        }
        driver.session.receive(piece);
        driver.drain();
        if driver.session.broken().is_none() {
            check_bounds(&driver.session, &plan.options);
        }
        if let Some(n) = driver.idling_for.as_mut() {
            *n += 1;
            driver.maybe_done();
            driver.drain();
        }
    }
    // The end of the stream: the driver reports it, and the session ends
    // in an error that says so (or the one that broke it before).
    if let Some(reason) = driver.session.broken() {
        assert!(!reason.is_empty(), "broken for no reason");
    }
    driver.session.set_broken("connection closed by the server");
    match driver.session.poll() {
        Err(error) => assert!(error.is_fatal(), "after the end: {error}"),
        Ok(event) => panic!("after the end of the stream, poll gave {event:?}"),
    }
    let _ = driver.session.take_unsolicited();
});
