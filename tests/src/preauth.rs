//! Dovecot's PREAUTH stream: IMAP on a child process's stdin and stdout.
//!
//! No daemon and no network: `/usr/lib/dovecot/imap -c DIR/imap.conf` with
//! `USER` and `HOME` set greets with `* PREAUTH` and serves one Maildir. This
//! is what a child-process transport (imaplib's `IMAP4_stream`) is tested
//! against.
//!
//! ```no_run
//! use typed_imap_tests::preauth::PreauthStream;
//!
//! let stream = PreauthStream::new()?;
//! stream.maildir().fill("INBOX", ["Subject: hi\r\n\r\nhello\r\n"])?;
//! let child = stream.command().spawn(); // pipe stdin/stdout as the transport needs
//! # let _ = child;
//! # Ok::<(), typed_imap_tests::HarnessError>(())
//! ```

use std::ffi::OsString;
use std::fs;
use std::os::unix::fs::{chown, PermissionsExt};
use std::path::Path;
use std::process::Command;

use tempfile::TempDir;

use crate::install::{ensure_dovecot, DOVECOT_IMAP};
use crate::maildir::Maildir;
use crate::process::{is_root, nobody_ids};
use crate::{HarnessError, Result};

/// The user name the stream is logged in as.
pub const PREAUTH_USER: &str = "me";

/// A directory with the configuration and Maildir of a PREAUTH stream.
/// Each spawned process is one session; the directory is removed on drop.
#[derive(Debug)]
pub struct PreauthStream {
    maildir: Maildir,
    as_root: bool,
    dir: TempDir,
}

impl PreauthStream {
    /// Makes the configuration and an empty Maildir.
    pub fn new() -> Result<Self> {
        ensure_dovecot()?;
        let dir = tempfile::Builder::new()
            .prefix("typed-imap-preauth-")
            .tempdir()
            .map_err(|e| HarnessError::io("create a temporary directory", e))?;
        let path = dir.path();
        let as_root = is_root();
        // As root the process drops to nobody, which must reach the Maildir.
        let owner = if as_root { Some(nobody_ids()?) } else { None };
        fs::set_permissions(path, fs::Permissions::from_mode(0o755))
            .map_err(|e| HarnessError::io(format!("chmod {}", path.display()), e))?;
        let config = format!(
            "base_dir = {dir}/.run\n\
             mail_location = maildir:{dir}/Maildir\n\
             mail_home = {dir}\n\
             mail_fsync = never\n\
             namespace inbox {{\n  inbox = yes\n  separator = /\n}}\n",
            dir = path.display()
        );
        let config_path = path.join("imap.conf");
        fs::write(&config_path, config)
            .map_err(|e| HarnessError::io(format!("write {}", config_path.display()), e))?;
        if let Some((uid, gid)) = owner {
            chown(path, Some(uid), Some(gid))
                .map_err(|e| HarnessError::io(format!("chown {}", path.display()), e))?;
        }
        let maildir = Maildir::new(path.join("Maildir"), owner);
        maildir.create("INBOX")?;
        Ok(PreauthStream {
            maildir,
            as_root,
            dir,
        })
    }

    /// The program to run.
    pub fn program(&self) -> &'static Path {
        Path::new(DOVECOT_IMAP)
    }

    /// Its arguments. As root, the mail is accessed as `nobody`/`nogroup`,
    /// because Dovecot refuses mail access as uid 0.
    pub fn args(&self) -> Vec<OsString> {
        let mut args = vec![
            OsString::from("-c"),
            self.dir.path().join("imap.conf").into(),
        ];
        if self.as_root {
            for setting in ["mail_uid=nobody", "mail_gid=nogroup"] {
                args.push("-o".into());
                args.push(setting.into());
            }
        }
        args
    }

    /// The environment it needs: `USER` (required) and `HOME`.
    pub fn envs(&self) -> Vec<(OsString, OsString)> {
        vec![
            ("USER".into(), PREAUTH_USER.into()),
            ("HOME".into(), self.dir.path().into()),
        ]
    }

    /// A ready [`Command`] with the program, arguments and environment; the
    /// caller sets up the pipes. Dovecot logs to stderr.
    pub fn command(&self) -> Command {
        let mut command = Command::new(self.program());
        command.args(self.args()).envs(self.envs());
        command
    }

    /// The Maildir the stream serves (its INBOX is the root).
    pub fn maildir(&self) -> &Maildir {
        &self.maildir
    }

    /// The directory holding the configuration and the mail.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}
