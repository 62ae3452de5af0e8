//! The per-mailbox state of a backup: what the local copy holds, written
//! after the data it describes, atomically (a temporary file renamed over
//! the old one).

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Fsync;

/// The state file's name inside a mailbox's local directory (Maildir) or
/// beside its mbox file (`NAME.mbox.state`).
pub const STATE_FILE: &str = ".typed-imap-state";

/// What the local copy of one mailbox holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// The server's UIDVALIDITY the UIDs below belong to.
    pub uid_validity: u32,
    /// Every message with a lower UID is stored (or was expunged before it
    /// could be).
    pub uid_next: u32,
    /// The HIGHESTMODSEQ up to which flag changes and expunges are applied
    /// (CONDSTORE/QRESYNC servers); 0 when unknown.
    pub highest_mod_seq: u64,
    /// mbox only: the file's length when the state was written; anything
    /// after it is from an interrupted run and is cut off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mbox_len: Option<u64>,
}

impl State {
    /// Reads the state at `path`; `None` when there is none yet.
    pub fn load(path: &Path) -> io::Result<Option<State>> {
        match fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{} is not a typed-imap state file: {e}", path.display()),
                )
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Writes the state at `path`: to a temporary file beside it, flushed
    /// to the disk with `Fsync::Always`, then renamed over the old one.
    pub fn save(&self, path: &Path, fsync: Fsync) -> io::Result<()> {
        let temporary = temporary_path(path);
        let mut file = File::create(&temporary)?;
        let bytes = serde_json::to_vec(self).map_err(io::Error::other)?;
        file.write_all(&bytes)?;
        if fsync == Fsync::Always {
            file.sync_all()?;
        }
        drop(file);
        fs::rename(&temporary, path)?;
        if fsync == Fsync::Always {
            sync_parent(path)?;
        }
        crate::backup::stop_point("state");
        Ok(())
    }
}

fn temporary_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Flushes the directory holding `path`, so that a rename in it survives a
/// power failure.
pub fn sync_parent(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(dir) => File::open(dir)?.sync_all(),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_state_loads_back_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(STATE_FILE);
        assert_eq!(State::load(&path).unwrap(), None);
        let state = State {
            uid_validity: 7,
            uid_next: 42,
            highest_mod_seq: 1234,
            mbox_len: None,
        };
        state.save(&path, Fsync::Always).unwrap();
        assert_eq!(State::load(&path).unwrap(), Some(state));
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_damaged_state_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(STATE_FILE);
        fs::write(&path, b"{ half").unwrap();
        let error = State::load(&path).unwrap_err();
        assert!(error.to_string().contains(STATE_FILE), "{error}");
    }
}
