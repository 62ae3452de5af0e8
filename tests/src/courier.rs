//! Courier's PREAUTH stream: IMAP on a child process's stdin and stdout,
//! for UTF8=ACCEPT (RFC 6855), which Dovecot 2.3 does not implement.
//!
//! Courier's packages conflict with Dovecot's, so its binaries are unpacked
//! into a private root ([`crate::install::ensure_courier`]) and run from
//! there. `imapd MAILDIR` with `AUTHENTICATED` set needs no daemon, no
//! network and no root: it greets `* PREAUTH Ready.` and serves one
//! Maildir, whose folders are under `INBOX.` with `.` as the separator.
//!
//! ```no_run
//! use typed_imap_tests::courier::CourierStream;
//!
//! let stream = CourierStream::new()?;
//! let child = stream.command().spawn(); // pipe stdin/stdout as the transport needs
//! # let _ = child;
//! # Ok::<(), typed_imap_tests::HarnessError>(())
//! ```

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

use crate::install::ensure_courier;
use crate::process::run;
use crate::{HarnessError, Result};

/// The user name the stream is logged in as (`AUTHENTICATED`).
pub const COURIER_USER: &str = "user";

/// The capabilities Courier advertises besides its own (`ACL ACL2=UNION
/// ENABLE UTF8=ACCEPT`): `IMAP_CAPABILITY`, as its sample configuration has it.
const CAPABILITY: &str =
    "IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT THREAD=REFERENCES SORT QUOTA IDLE";

/// A directory with the Maildir of a Courier PREAUTH stream. Each spawned
/// process is one session; the directory is removed on drop.
#[derive(Debug)]
pub struct CourierStream {
    root: PathBuf,
    dir: TempDir,
}

impl CourierStream {
    /// Unpacks Courier if needed and makes an empty Maildir.
    pub fn new() -> Result<Self> {
        let root = ensure_courier()?;
        let dir = tempfile::Builder::new()
            .prefix("typed-imap-courier-")
            .tempdir()
            .map_err(|e| HarnessError::io("create a temporary directory", e))?;
        let stream = CourierStream { root, dir };
        run(
            Command::new(stream.root.join("usr/bin/maildirmake.courier"))
                .arg(stream.maildir())
                .env("LD_LIBRARY_PATH", stream.library_path()),
        )?;
        Ok(stream)
    }

    /// The program to run: Courier's `imapd`.
    pub fn program(&self) -> PathBuf {
        self.root.join("usr/bin/imapd")
    }

    /// Its one argument: the Maildir.
    pub fn args(&self) -> Vec<OsString> {
        vec![self.maildir().into()]
    }

    /// The environment it needs: `AUTHENTICATED` makes it skip the login,
    /// the rest is what its login process would set.
    pub fn envs(&self) -> Vec<(OsString, OsString)> {
        let dir = self.dir.path();
        let pairs: [(&str, OsString); 12] = [
            ("LD_LIBRARY_PATH", self.library_path()),
            ("AUTHENTICATED", COURIER_USER.into()),
            ("HOME", dir.into()),
            ("MAILDIR", self.maildir().into()),
            ("TCPREMOTEIP", "127.0.0.1".into()),
            ("IMAP_CAPABILITY", CAPABILITY.into()),
            ("IMAP_KEYWORDS", "1".into()),
            ("IMAP_ACL", "1".into()),
            ("IMAP_IDLE_TIMEOUT", "60".into()),
            ("IMAP_USELOCKS", "1".into()),
            ("IMAP_UMASK", "022".into()),
            ("IMAP_SHAREDINDEXFILE", dir.join("shared-index").into()),
        ];
        pairs
            .into_iter()
            .map(|(name, value)| (name.into(), value))
            .collect()
    }

    /// A ready [`Command`] with the program, argument and environment; the
    /// caller sets up the pipes. Courier logs to stderr.
    pub fn command(&self) -> Command {
        let mut command = Command::new(self.program());
        command.args(self.args()).envs(self.envs());
        command
    }

    /// The Maildir the stream serves (its INBOX is the root).
    pub fn maildir(&self) -> PathBuf {
        self.dir.path().join("Maildir")
    }

    /// The directory holding the Maildir.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Courier's own libraries, in its private root.
    fn library_path(&self) -> OsString {
        let mut paths = vec![self.root.join("usr/lib")];
        let multiarch = self.root.join("usr/lib/x86_64-linux-gnu");
        if multiarch.is_dir() {
            paths.push(multiarch);
        }
        std::env::join_paths(paths).unwrap_or_else(|_| self.root.join("usr/lib").into())
    }
}
