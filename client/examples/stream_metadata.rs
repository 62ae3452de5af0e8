//! Streams what a mail client lists of every message of a mailbox (UID,
//! flags, date, size, ENVELOPE, BODYSTRUCTURE), one typed result at a
//! time, so memory stays flat whatever the mailbox's size; prints how
//! many came, the newest subject, and the process's peak memory.
//!
//! ```text
//! cargo run --release -p typed-imap --example stream_metadata -- HOST PORT USER PASSWORD [MAILBOX]
//! ```
//!
//! Plain TCP, so for a server on this machine (the client refuses to
//! send a password in clear to another host).

use std::process::ExitCode;

use typed_imap::blocking::Client;
use typed_imap::types::{FetchItem, SequenceSet};
use typed_imap::Fetch;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [host, port, user, password, rest @ ..] = args.as_slice() else {
        eprintln!("usage: stream_metadata HOST PORT USER PASSWORD [MAILBOX]");
        return ExitCode::FAILURE;
    };
    let mailbox = rest.first().map_or("INBOX", String::as_str);
    match run(host, port, user, password, mailbox) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("stream_metadata: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(
    host: &str,
    port: &str,
    user: &str,
    password: &str,
    mailbox: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = port.parse().map_err(|_| format!("not a port: {port:?}"))?;
    let mut imap = Client::connect(host, port)?;
    imap.login(user, password)?;
    imap.examine(mailbox)?;
    let items = FetchItem::uid()
        | FetchItem::flags()
        | FetchItem::internal_date()
        | FetchItem::rfc822_size()
        | FetchItem::envelope()
        | FetchItem::body_structure();
    let (mut count, mut subject) = (0_u64, None);
    for fetched in imap.stream(Fetch::new(SequenceSet::all()).items(items))? {
        let fetched = fetched?;
        count += 1;
        if let Some(envelope) = &fetched.message.envelope {
            subject = envelope
                .subject()
                .map(|s| String::from_utf8_lossy(s).into_owned());
        }
    }
    imap.logout()?;
    println!("{count} messages; the last one's subject: {subject:?}");
    println!("peak resident memory: {}", peak_memory());
    Ok(())
}

/// `VmHWM` of /proc/self/status (Linux).
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .map(|value| value.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into())
}
