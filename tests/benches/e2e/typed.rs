//! typed-imap's blocking client, through the API a user would call for
//! each workload: `stream`, `fetch_to`, `run`, `pipeline`.

use std::io::{self, Write};

use typed_imap::blocking::Client;
use typed_imap::types::{FetchItem, FetchItems, Flag, Section, SequenceSet};
use typed_imap::{Fetch, Fetched, UidFetch};
use typed_imap_tests::maildir::SystemFlag;

use crate::contender::{BenchError, Contender, Outcome, Server};
use crate::workload::{flags_of, large_size, LARGE_COUNT, SMALL_COUNT, SMALL_SIZE, UID_FETCHES};

/// The blocking client over plain TCP.
pub struct Typed {
    imap: Client,
}

impl Contender for Typed {
    fn open(server: &Server, mailbox: &str) -> Result<Self, BenchError> {
        let mut imap = Client::connect("127.0.0.1", server.port)?;
        imap.login(&server.user, &server.password)?;
        imap.select(mailbox)?;
        Ok(Typed { imap })
    }

    fn metadata(&mut self) -> Result<Outcome, BenchError> {
        let mut count = 0;
        for fetched in self
            .imap
            .stream(Fetch::new(SequenceSet::all()).items(metadata_items()))?
        {
            count += 1;
            check_metadata(count, &fetched?)?;
        }
        expect_count("FETCH results", count, SMALL_COUNT)
    }

    fn bodies(&mut self) -> Result<Outcome, BenchError> {
        let items = FetchItem::body_peek(Section::default());
        let mut count = 0;
        for fetched in self
            .imap
            .stream(Fetch::new(SequenceSet::all()).items(items))?
        {
            count += 1;
            check_body(count, &fetched?)?;
        }
        expect_count("FETCH results", count, SMALL_COUNT)
    }

    fn large(&mut self) -> Result<Outcome, BenchError> {
        let items = FetchItem::body_peek(Section::default());
        let mut sink = Counting::default();
        let fetched = self
            .imap
            .fetch_to(Fetch::new(SequenceSet::all()).items(items), &mut sink)?;
        check_large_written(sink.written)?;
        expect_count("FETCH results", fetched.len() as u32, LARGE_COUNT)
    }

    fn serial(&mut self) -> Result<Outcome, BenchError> {
        for uid in 1..=UID_FETCHES {
            let fetched = self
                .imap
                .run(UidFetch::new(uid).items(FetchItem::flags()))?;
            check_own(uid, &fetched)?;
        }
        expect_count("UID FETCH results", UID_FETCHES, UID_FETCHES)
    }

    fn pipelined(&mut self) -> Result<Outcome, BenchError> {
        let commands = (1..=UID_FETCHES).map(|uid| UidFetch::new(uid).items(FetchItem::flags()));
        let results = self.imap.pipeline(commands)?;
        for (uid, result) in (1..=UID_FETCHES).zip(&results) {
            let fetched = result
                .as_ref()
                .map_err(|e| format!("UID FETCH {uid}: {e}"))?;
            check_own(uid, fetched)?;
        }
        expect_count("UID FETCH results", results.len() as u32, UID_FETCHES)
    }

    fn close(mut self: Box<Self>) -> Result<(), BenchError> {
        self.imap.logout()?;
        Ok(())
    }
}

/// The attributes of the metadata workload.
pub fn metadata_items() -> FetchItems {
    FetchItem::uid()
        | FetchItem::flags()
        | FetchItem::internal_date()
        | FetchItem::rfc822_size()
        | FetchItem::envelope()
        | FetchItem::body_structure()
}

/// Whether the `count`th result of the metadata workload is message
/// `count` with every attribute.
pub fn check_metadata(count: u32, fetched: &Fetched) -> Result<(), BenchError> {
    let message = &fetched.message;
    let complete = message.envelope.is_some()
        && message.body_structure.is_some()
        && message.internal_date.is_some()
        && message.rfc822_size.is_some();
    if fetched.seq == count && message.uid == Some(count) && complete {
        Ok(())
    } else {
        Err(format!("message {count}: unexpected {fetched:?}").into())
    }
}

/// Whether the `count`th result of the bodies workload is message
/// `count` with its whole body.
pub fn check_body(count: u32, fetched: &Fetched) -> Result<(), BenchError> {
    let body = fetched
        .message
        .body_sections
        .first()
        .and_then(|(_, b)| b.as_ref())
        .map(|b| b.len());
    if fetched.seq == count && body.is_some_and(whole_small_body) {
        Ok(())
    } else {
        Err(format!("message {count}: no body of about {SMALL_SIZE} bytes").into())
    }
}

/// Whether a body of `len` bytes is a whole small message
/// (`sample_message` fills up to the size it is given).
pub fn whole_small_body(len: usize) -> bool {
    len + 64 > SMALL_SIZE && len <= SMALL_SIZE
}

/// Whether `written` bytes are about the large mailbox's bodies.
pub fn check_large_written(written: u64) -> Result<(), BenchError> {
    let least = u64::from(LARGE_COUNT) * (large_size() as u64 - 64);
    if written >= least {
        Ok(())
    } else {
        Err(format!("{written} body bytes written, expected {least} at least").into())
    }
}

/// The outcome if `count` is `expected`, else the error saying so.
pub fn expect_count(what: &str, count: u32, expected: u32) -> Result<Outcome, BenchError> {
    if count == expected {
        Ok(Outcome {
            items: count.into(),
            received: None,
        })
    } else {
        Err(format!("{count} {what}, expected {expected}").into())
    }
}

/// Whether a UID FETCH result is exactly message `uid`, with its flags.
pub fn check_own(uid: u32, fetched: &[Fetched]) -> Result<(), BenchError> {
    let expected: Vec<Flag> = flags_of(uid).into_iter().map(flag).collect();
    let own = match fetched {
        [only] => {
            let flags = only.message.flags.as_deref().unwrap_or_default();
            // \Recent is the server's to set; the others are the fill's.
            let mut kept = flags.iter().filter(|f| **f != Flag::Recent);
            only.message.uid == Some(uid)
                && kept.clone().count() == expected.len()
                && kept.all(|f| expected.contains(f))
        }
        _ => false,
    };
    if own {
        Ok(())
    } else {
        Err(format!("UID FETCH {uid} (flags {expected:?}) gave {fetched:?}").into())
    }
}

/// The IMAP flag of a Maildir flag.
fn flag(flag: SystemFlag) -> Flag {
    match flag {
        SystemFlag::Draft => Flag::Draft,
        SystemFlag::Flagged => Flag::Flagged,
        SystemFlag::Answered => Flag::Answered,
        SystemFlag::Seen => Flag::Seen,
        SystemFlag::Deleted => Flag::Deleted,
    }
}

/// A sink that counts what it is given.
#[derive(Default)]
struct Counting {
    written: u64,
}

impl Write for Counting {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.written += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
