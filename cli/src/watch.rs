//! `typed-imap watch`: IDLE on a mailbox, one line per new message; the
//! IDLE renewed before the server's timeout (the client's `Idler` does it),
//! the connection re-opened with back-off when it fails.

use std::time::{Duration, Instant};

use typed_imap::blocking::Client;
use typed_imap::session::Unsolicited;
use typed_imap::types::{FetchItem, FetchItems, SequenceSet};
use typed_imap::{Data, Examine, UidFetch};

use crate::account::Account;
use crate::commands::print_message;
use crate::output::{Failure, Output};

/// The first wait before reconnecting; doubled after each failure.
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// The longest wait before reconnecting.
const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// A connection that lasted this long resets the back-off.
const HEALTHY: Duration = Duration::from_secs(60);

/// Watches until killed; returns only on an error that reconnecting cannot
/// fix (a wrong password, a missing mailbox).
pub fn run(account: &Account, mailbox: &str, output: Output) -> Result<(), Failure> {
    let mut backoff = FIRST_BACKOFF;
    // The UID the next new message will have at least, kept across
    // reconnections so that nothing is announced twice.
    let mut uid_next: Option<u32> = None;
    loop {
        let started = Instant::now();
        let mut client = account.connect()?;
        let error = match watch(&mut client, mailbox, &mut uid_next, output) {
            Ok(never) => match never {},
            Err(Stop::Fatal(failure)) => return Err(failure),
            Err(Stop::Connection(error)) => error,
        };
        if started.elapsed() >= HEALTHY {
            backoff = FIRST_BACKOFF;
        }
        eprintln!(
            "typed-imap: watching {mailbox:?}: {error}; reconnecting in {} s",
            backoff.as_secs()
        );
        std::thread::sleep(backoff);
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

enum Stop {
    /// Retrying will not help.
    Fatal(Failure),
    /// The connection failed: open another.
    Connection(typed_imap::Error),
}

enum Never {}

fn watch(
    client: &mut Client,
    mailbox: &str,
    uid_next: &mut Option<u32>,
    output: Output,
) -> Result<Never, Stop> {
    let selected = client.run(Examine::new(mailbox)).map_err(|e| match e {
        e if e.is_fatal() => Stop::Connection(e),
        e => Stop::Fatal(Failure::imap(format!("EXAMINE {mailbox:?}"), e)),
    })?;
    if uid_next.is_none() {
        *uid_next = selected.uid_next;
    }
    // Messages that arrived while disconnected.
    announce(client, uid_next, output).map_err(Stop::Connection)?;
    loop {
        let mut idler = client.idle().map_err(Stop::Connection)?;
        eprintln!("typed-imap: watching {mailbox:?} (IDLE)");
        loop {
            match idler
                .wait(Duration::from_secs(60))
                .map_err(Stop::Connection)?
            {
                Some(Unsolicited::Data(Data::Exists(_))) => break,
                _ => continue,
            }
        }
        idler.done().map_err(Stop::Connection)?;
        announce(client, uid_next, output).map_err(Stop::Connection)?;
    }
}

/// Prints the messages from `uid_next` on and moves it past them.
fn announce(
    client: &mut Client,
    uid_next: &mut Option<u32>,
    output: Output,
) -> Result<(), typed_imap::Error> {
    let start = uid_next.unwrap_or(1).max(1);
    let items = FetchItems::from(FetchItem::uid())
        | FetchItem::flags()
        | FetchItem::internal_date()
        | FetchItem::rfc822_size()
        | FetchItem::envelope();
    for fetched in client.stream(UidFetch::new(SequenceSet::from(start..)).items(items))? {
        let fetched = fetched?;
        // `start:*` names the last message even when it is older.
        let Some(uid) = fetched.message.uid.filter(|&uid| uid >= start) else {
            continue;
        };
        print_message(&fetched, output);
        *uid_next = Some(uid_next.unwrap_or(0).max(uid + 1));
    }
    Ok(())
}
