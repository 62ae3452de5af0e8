//! Filling a mailbox by writing Maildir files directly.
//!
//! Dovecot indexes such files at the next SELECT, which is about a hundred
//! times faster than one APPEND per round trip: use it to set up test data,
//! and APPEND when the APPEND itself is under test.

use std::fs::{self, File};
use std::io::Write;
use std::os::unix::fs::chown;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::{HarnessError, Result};

/// A system flag, stored in a Maildir file name's info part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SystemFlag {
    /// `\Draft` (letter `D`).
    Draft,
    /// `\Flagged` (letter `F`).
    Flagged,
    /// `\Answered` (letter `R`, "replied").
    Answered,
    /// `\Seen` (letter `S`).
    Seen,
    /// `\Deleted` (letter `T`, "trashed").
    Deleted,
}

impl SystemFlag {
    /// The Maildir info letter. The enum's order is the letters' ASCII order,
    /// which the Maildir format requires in file names.
    fn letter(self) -> char {
        match self {
            SystemFlag::Draft => 'D',
            SystemFlag::Flagged => 'F',
            SystemFlag::Answered => 'R',
            SystemFlag::Seen => 'S',
            SystemFlag::Deleted => 'T',
        }
    }
}

/// One message to write: its bytes, flags and received time.
#[derive(Clone, Debug)]
pub struct MaildirMessage {
    data: Vec<u8>,
    flags: Vec<SystemFlag>,
    received: Option<SystemTime>,
}

impl MaildirMessage {
    /// A message with these bytes (CRLF or LF line ends, as the test likes),
    /// no flags, received now.
    pub fn new(data: impl Into<Vec<u8>>) -> Self {
        MaildirMessage {
            data: data.into(),
            flags: Vec::new(),
            received: None,
        }
    }

    /// Sets the message's system flags.
    pub fn flags(mut self, flags: &[SystemFlag]) -> Self {
        self.flags = flags.to_vec();
        self.flags.sort();
        self.flags.dedup();
        self
    }

    /// Sets the received time, which Dovecot reports as INTERNALDATE.
    pub fn received(mut self, time: SystemTime) -> Self {
        self.received = Some(time);
        self
    }
}

impl From<Vec<u8>> for MaildirMessage {
    fn from(data: Vec<u8>) -> Self {
        MaildirMessage::new(data)
    }
}

impl From<&[u8]> for MaildirMessage {
    fn from(data: &[u8]) -> Self {
        MaildirMessage::new(data)
    }
}

impl From<&str> for MaildirMessage {
    fn from(data: &str) -> Self {
        MaildirMessage::new(data)
    }
}

/// One user's Maildir (Maildir++ layout, as Dovecot's `maildir:~/Maildir`).
#[derive(Clone, Debug)]
pub struct Maildir {
    root: PathBuf,
    owner: Option<(u32, u32)>,
}

/// Makes file names unique within the process; the counter also keeps the
/// names in fill order, which is the order in which Dovecot gives UIDs.
static COUNTER: AtomicU64 = AtomicU64::new(0);

impl Maildir {
    /// A Maildir at `root`; files are given to `owner` (uid, gid) when set,
    /// which is how a root process writes mail that Dovecot reads as `nobody`.
    pub fn new(root: impl Into<PathBuf>, owner: Option<(u32, u32)>) -> Self {
        Maildir {
            root: root.into(),
            owner,
        }
    }

    /// The Maildir's root directory (the INBOX).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The directory of a mailbox: the root for `INBOX`, else `.A.B` for
    /// `A/B`. Names are limited to what needs no encoding on disk.
    pub fn mailbox_dir(&self, mailbox: &str) -> Result<PathBuf> {
        if mailbox.eq_ignore_ascii_case("INBOX") {
            return Ok(self.root.clone());
        }
        let plain = |part: &str| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_graphic() && !b"./&\\*%\"".contains(&b) || b == b' ')
        };
        if !mailbox.split('/').all(plain) {
            return Err(HarnessError::Invalid {
                what: "mailbox name for a direct Maildir fill",
                value: mailbox.to_owned(),
                reason: "use printable ASCII without . & \\ * % \" (create other names over IMAP)",
            });
        }
        Ok(self.root.join(format!(".{}", mailbox.replace('/', "."))))
    }

    /// Creates the mailbox's directories if needed.
    pub fn create(&self, mailbox: &str) -> Result<PathBuf> {
        let dir = self.mailbox_dir(mailbox)?;
        let mut made = vec![self.root.clone(), dir.clone()];
        for sub in ["cur", "new", "tmp"] {
            made.push(dir.join(sub));
        }
        for path in &made {
            fs::create_dir_all(path)
                .map_err(|e| HarnessError::io(format!("create {}", path.display()), e))?;
            self.give(path)?;
        }
        Ok(dir)
    }

    /// Writes messages into a mailbox (created if needed), in order, and
    /// returns how many were written. They get UIDs at the next SELECT.
    pub fn fill<M: Into<MaildirMessage>>(
        &self,
        mailbox: &str,
        messages: impl IntoIterator<Item = M>,
    ) -> Result<usize> {
        let cur = self.create(mailbox)?.join("cur");
        let now = SystemTime::now();
        let seconds = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let mut written = 0;
        for message in messages {
            let message = message.into();
            let sequence = COUNTER.fetch_add(1, Ordering::Relaxed);
            let flags: String = message.flags.iter().map(|f| f.letter()).collect();
            let name = format!(
                "{seconds}.M{sequence:012}P{}.typed-imap,S={}:2,{flags}",
                std::process::id(),
                message.data.len()
            );
            let path = cur.join(name);
            write_file(&path, &message.data, message.received.unwrap_or(now))?;
            self.give(&path)?;
            written += 1;
        }
        Ok(written)
    }

    fn give(&self, path: &Path) -> Result<()> {
        match self.owner {
            Some((uid, gid)) => chown(path, Some(uid), Some(gid))
                .map_err(|e| HarnessError::io(format!("chown {}", path.display()), e)),
            None => Ok(()),
        }
    }
}

fn write_file(path: &Path, data: &[u8], modified: SystemTime) -> Result<()> {
    let action = || format!("write {}", path.display());
    let mut file = File::create(path).map_err(|e| HarnessError::io(action(), e))?;
    file.write_all(data)
        .map_err(|e| HarnessError::io(action(), e))?;
    // Dovecot takes a Maildir message's INTERNALDATE from the file's mtime.
    file.set_modified(modified)
        .map_err(|e| HarnessError::io(action(), e))
}
