//! A Maildir (<https://cr.yp.to/proto/maildir.html>) written the crash-safe
//! way: each message into `tmp/`, then renamed into `cur/` under a name that
//! carries its UID and, after `:2,`, its flags.
//!
//! The names are `UID.UIDVALIDITY.typed-imap:2,FLAGS`: the same message
//! always gets the same name, so a run after an interrupted one recognises
//! what is already there by listing `cur/`.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use typed_imap::types::Flag;

use crate::Fsync;

/// The flags a Maildir name keeps, as IMAP flags (the info's letters in
/// ASCII order; `P`, passed, has no IMAP flag).
const LETTERS: [(char, Flag); 5] = [
    ('D', Flag::Draft),
    ('F', Flag::Flagged),
    ('R', Flag::Answered),
    ('S', Flag::Seen),
    ('T', Flag::Deleted),
];

/// The Maildir letters of `flags`, in order: `\Seen \Answered` is `RS`.
pub fn letters(flags: &[Flag]) -> String {
    LETTERS
        .iter()
        .filter(|(_, flag)| flags.contains(flag))
        .map(|(letter, _)| *letter)
        .collect()
}

/// The IMAP flags of Maildir `letters` (unknown letters ignored).
pub fn flags_of(letters: &str) -> Vec<Flag> {
    LETTERS
        .iter()
        .filter(|(letter, _)| letters.contains(*letter))
        .map(|(_, flag)| flag.clone())
        .collect()
}

/// The file name of message `uid` with these flag letters.
fn file_name(uid: u32, uid_validity: u32, letters: &str) -> String {
    format!("{uid}.{uid_validity}.typed-imap:2,{letters}")
}

/// The UID, UIDVALIDITY and flag letters of a name this module wrote.
fn parse_name(name: &str) -> Option<(u32, u32, &str)> {
    let (unique, info) = name.split_once(":2,")?;
    let mut parts = unique.split('.');
    let uid = parts.next()?.parse().ok()?;
    let uid_validity = parts.next()?.parse().ok()?;
    (parts.next()? == "typed-imap" && parts.next().is_none()).then_some((uid, uid_validity, info))
}

/// One stored message: its name in `cur/` and its flag letters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The file name inside `cur/`.
    pub name: String,
    /// The letters after `:2,`.
    pub letters: String,
}

/// One mailbox's Maildir.
#[derive(Debug)]
pub struct Maildir {
    dir: PathBuf,
    uid_validity: u32,
    fsync: Fsync,
    /// The stored messages by UID, once listed.
    index: Option<BTreeMap<u32, Entry>>,
    /// Names for the files in `tmp/`: this process's id and a counter.
    pid: u32,
    counter: u64,
}

/// A message being written into `tmp/`.
#[derive(Debug)]
pub struct Incoming {
    path: PathBuf,
    file: File,
    /// Bytes written so far.
    pub len: u64,
}

impl Incoming {
    /// A file of its own at `path` (an mbox's spool), emptied.
    pub fn create(path: &Path) -> io::Result<Incoming> {
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(true)
            .read(true)
            .write(true)
            .open(path)?;
        Ok(Incoming {
            path: path.to_owned(),
            file,
            len: 0,
        })
    }

    /// Hands the bytes written to `write`, in chunks, then removes the file.
    pub fn copy_into(mut self, mut write: impl FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
        use std::io::{Read, Seek};
        self.file.seek(io::SeekFrom::Start(0))?;
        let mut chunk = vec![0; 64 * 1024];
        loop {
            let read = self.file.read(&mut chunk)?;
            if read == 0 {
                break;
            }
            write(chunk.get(..read).unwrap_or_default())?;
        }
        self.discard()
    }

    /// Appends bytes of the message.
    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes)?;
        self.len += bytes.len() as u64;
        Ok(())
    }

    /// Removes the unfinished file.
    pub fn discard(self) -> io::Result<()> {
        drop(self.file);
        fs::remove_file(&self.path)
    }
}

impl Maildir {
    /// Opens (creating `cur/`, `new/` and `tmp/` as needed) the Maildir at
    /// `dir` for messages of `uid_validity`. What an interrupted run left
    /// in `tmp/` is removed: it was never renamed, so it is not a message.
    pub fn open(dir: &Path, uid_validity: u32, fsync: Fsync) -> io::Result<Maildir> {
        for sub in ["cur", "new", "tmp"] {
            fs::create_dir_all(dir.join(sub))?;
        }
        for entry in fs::read_dir(dir.join("tmp"))? {
            let entry = entry?;
            if entry.file_name().to_string_lossy().ends_with(".typed-imap") {
                fs::remove_file(entry.path())?;
            }
        }
        Ok(Maildir {
            dir: dir.to_owned(),
            uid_validity,
            fsync,
            index: None,
            pid: std::process::id(),
            counter: 0,
        })
    }

    /// The stored messages by UID (listed from `cur/` the first time).
    pub fn index(&mut self) -> io::Result<&mut BTreeMap<u32, Entry>> {
        if self.index.is_none() {
            let mut index = BTreeMap::new();
            for entry in fs::read_dir(self.dir.join("cur"))? {
                let name = entry?.file_name();
                let Some(name) = name.to_str() else { continue };
                if let Some((uid, uid_validity, letters)) = parse_name(name) {
                    if uid_validity == self.uid_validity {
                        let letters = letters.to_owned();
                        let name = name.to_owned();
                        index.insert(uid, Entry { name, letters });
                    }
                }
            }
            self.index = Some(index);
        }
        Ok(self.index.get_or_insert_with(BTreeMap::new))
    }

    /// Starts writing a message into `tmp/`.
    pub fn incoming(&mut self) -> io::Result<Incoming> {
        self.counter += 1;
        let name = format!("{}.{}.typed-imap", self.pid, self.counter);
        let path = self.dir.join("tmp").join(name);
        let file = File::create(&path)?;
        Ok(Incoming { path, file, len: 0 })
    }

    /// Moves a complete message into `cur/` as message `uid` with `flags`;
    /// its modification time becomes `received` (the INTERNALDATE), which
    /// mail readers show as the date it arrived.
    pub fn commit(
        &mut self,
        incoming: Incoming,
        uid: u32,
        flags: &[Flag],
        received: Option<SystemTime>,
    ) -> io::Result<()> {
        let Incoming { path, file, .. } = incoming;
        if self.fsync == Fsync::Always {
            file.sync_all()?;
        }
        if let Some(time) = received {
            file.set_modified(time)?;
        }
        drop(file);
        let letters = letters(flags);
        let name = file_name(uid, self.uid_validity, &letters);
        fs::rename(&path, self.dir.join("cur").join(&name))?;
        self.index()?.insert(uid, Entry { name, letters });
        Ok(())
    }

    /// Renames message `uid` to carry `flags`; false when it is not stored
    /// or already carries them.
    pub fn set_flags(&mut self, uid: u32, flags: &[Flag]) -> io::Result<bool> {
        let uid_validity = self.uid_validity;
        let cur = self.dir.join("cur");
        let Some(entry) = self.index()?.get_mut(&uid) else {
            return Ok(false);
        };
        let wanted = letters(flags);
        if letters(&flags_of(&entry.letters)) == wanted {
            return Ok(false);
        }
        // Letters this tool does not map (`P`, keywords) stay.
        let kept: String = entry
            .letters
            .chars()
            .filter(|c| !LETTERS.iter().any(|(letter, _)| letter == c))
            .collect();
        let mut all: Vec<char> = wanted.chars().chain(kept.chars()).collect();
        all.sort_unstable();
        let letters: String = all.into_iter().collect();
        let name = file_name(uid, uid_validity, &letters);
        fs::rename(cur.join(&entry.name), cur.join(&name))?;
        *entry = Entry { name, letters };
        Ok(true)
    }

    /// Removes message `uid`; false when it is not stored.
    pub fn remove(&mut self, uid: u32) -> io::Result<bool> {
        let cur = self.dir.join("cur");
        match self.index()?.remove(&uid) {
            Some(entry) => fs::remove_file(cur.join(entry.name)).map(|()| true),
            None => Ok(false),
        }
    }

    /// Flushes `cur/` itself (the renames) with `Fsync::Always`: done
    /// before the state that counts on them is written.
    pub fn sync(&self) -> io::Result<()> {
        if self.fsync == Fsync::Always {
            File::open(self.dir.join("cur"))?.sync_all()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_become_the_maildir_letters_in_ascii_order() {
        let flags = [Flag::Seen, Flag::Answered, Flag::Recent, Flag::Draft];
        assert_eq!(letters(&flags), "DRS");
        assert_eq!(flags_of("TFS"), [Flag::Flagged, Flag::Seen, Flag::Deleted]);
    }

    #[test]
    fn only_names_this_tool_writes_are_read_back() {
        assert_eq!(parse_name("12.99.typed-imap:2,FS"), Some((12, 99, "FS")));
        assert_eq!(parse_name("1700000000.M1P2.host:2,S"), None);
        assert_eq!(parse_name("12.99.typed-imap"), None);
    }

    #[test]
    fn a_committed_message_is_in_cur_and_a_reopened_maildir_finds_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut maildir = Maildir::open(dir.path(), 5, Fsync::Never).unwrap();
        let mut incoming = maildir.incoming().unwrap();
        incoming.write(b"Subject: x\r\n\r\nhi\r\n").unwrap();
        maildir.commit(incoming, 3, &[Flag::Seen], None).unwrap();
        let path = dir.path().join("cur/3.5.typed-imap:2,S");
        assert_eq!(fs::read(path).unwrap(), b"Subject: x\r\n\r\nhi\r\n");
        let mut again = Maildir::open(dir.path(), 5, Fsync::Never).unwrap();
        assert!(again.index().unwrap().contains_key(&3));
        // Another UIDVALIDITY's messages are not this one's.
        let mut other = Maildir::open(dir.path(), 6, Fsync::Never).unwrap();
        assert!(other.index().unwrap().is_empty());
    }

    #[test]
    fn opening_removes_what_an_interrupted_run_left_in_tmp() {
        let dir = tempfile::tempdir().unwrap();
        let mut maildir = Maildir::open(dir.path(), 1, Fsync::Never).unwrap();
        let mut incoming = maildir.incoming().unwrap();
        incoming.write(b"half a mess").unwrap();
        drop(incoming);
        Maildir::open(dir.path(), 1, Fsync::Never).unwrap();
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
    }

    #[test]
    fn new_flags_rename_the_file_and_keep_unmapped_letters() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("cur")).unwrap();
        fs::write(dir.path().join("cur/4.1.typed-imap:2,PS"), b"m").unwrap();
        let mut maildir = Maildir::open(dir.path(), 1, Fsync::Never).unwrap();
        assert!(!maildir.set_flags(4, &[Flag::Seen]).unwrap());
        assert!(maildir.set_flags(4, &[Flag::Flagged]).unwrap());
        assert!(dir.path().join("cur/4.1.typed-imap:2,FP").exists());
        assert!(maildir.remove(4).unwrap());
        assert!(!maildir.remove(4).unwrap());
    }
}
