//! The workloads: what each contender is asked to do, on which mailbox,
//! and the data the parent writes for them.

use typed_imap_tests::maildir::{MaildirMessage, SystemFlag};
use typed_imap_tests::messages::sample_message;

/// The mailbox of 10k small messages.
pub const SMALL_MAILBOX: &str = "INBOX";
/// How many messages it holds.
pub const SMALL_COUNT: u32 = 10_000;
/// Their size, about.
pub const SMALL_SIZE: usize = 4 * 1024;

/// The mailbox of the large messages.
pub const LARGE_MAILBOX: &str = "Large";
/// How many messages it holds.
pub const LARGE_COUNT: u32 = 20;
/// Their size in MiB unless `E2E_LARGE_MIB` says otherwise.
const LARGE_MIB: usize = 5;

/// The environment variable that sets the large messages' size in MiB
/// (`--large-mib=N` sets it for the parent and its children): peak memory
/// should not depend on it.
pub const LARGE_MIB_VAR: &str = "E2E_LARGE_MIB";

/// The large messages' size, about.
pub fn large_size() -> usize {
    let mib = std::env::var(LARGE_MIB_VAR)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(LARGE_MIB);
    mib * 1024 * 1024
}

/// The UIDs the serial and pipelined workloads fetch, one command each.
pub const UID_FETCHES: u32 = 1000;

/// One measured workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// `FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE
    /// BODYSTRUCTURE)` over the 10k small messages, streamed.
    Metadata,
    /// `FETCH 1:* (BODY.PEEK[])` over the 10k small messages, streamed
    /// (bodies below the chunking threshold stay in the items).
    Bodies,
    /// `FETCH 1:* (BODY.PEEK[])` over the 20 large messages, bodies to a
    /// sink in chunks.
    Large,
    /// `UID FETCH n (FLAGS)` for n in 1..=1000, one after the other.
    Serial,
    /// The same 1000 commands pipelined.
    Pipelined,
}

impl Workload {
    /// Every workload, in the order they are run and reported.
    pub const ALL: [Workload; 5] = [
        Workload::Metadata,
        Workload::Bodies,
        Workload::Large,
        Workload::Serial,
        Workload::Pipelined,
    ];

    /// The name on the command line and in the report.
    pub fn name(self) -> &'static str {
        match self {
            Workload::Metadata => "metadata",
            Workload::Bodies => "bodies",
            Workload::Large => "large",
            Workload::Serial => "serial",
            Workload::Pipelined => "pipelined",
        }
    }

    /// What it does, for the report.
    pub fn describe(self) -> &'static str {
        match self {
            Workload::Metadata => {
                "10k x FETCH (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE), streamed"
            }
            Workload::Bodies => "10k x 4 KB FETCH (BODY.PEEK[]), streamed",
            Workload::Large => "20 x 5 MiB (or --large-mib) FETCH (BODY.PEEK[]), bodies to a sink",
            Workload::Serial => "1000 x UID FETCH n (FLAGS), one after the other",
            Workload::Pipelined => "1000 x UID FETCH n (FLAGS), pipelined",
        }
    }

    /// The workload named `name`.
    pub fn from_name(name: &str) -> Option<Workload> {
        Workload::ALL.into_iter().find(|w| w.name() == name)
    }

    /// The mailbox it runs in (selected before the timed part).
    pub fn mailbox(self) -> &'static str {
        match self {
            Workload::Large => LARGE_MAILBOX,
            _ => SMALL_MAILBOX,
        }
    }
}

/// The system flags message `uid` of the small mailbox is written with:
/// they vary so that a result holding another message's flags is caught.
pub fn flags_of(uid: u32) -> Vec<SystemFlag> {
    let mut flags = Vec::new();
    if uid.is_multiple_of(3) {
        flags.push(SystemFlag::Flagged);
    }
    if uid.is_multiple_of(2) {
        flags.push(SystemFlag::Seen);
    }
    if uid.is_multiple_of(7) {
        flags.push(SystemFlag::Answered);
    }
    flags
}

/// The small messages, in UID order (Maildir fill order is UID order).
pub fn small_messages() -> impl Iterator<Item = MaildirMessage> {
    (1..=SMALL_COUNT).map(|uid| {
        MaildirMessage::new(sample_message(uid as usize, SMALL_SIZE)).flags(&flags_of(uid))
    })
}

/// The large messages.
pub fn large_messages() -> impl Iterator<Item = MaildirMessage> {
    let size = large_size();
    (1..=LARGE_COUNT).map(move |n| MaildirMessage::new(sample_message(n as usize, size)))
}
