//! An mboxrd file (one per mailbox), messages appended in UID order.
//!
//! Each message starts with a `From ` line, its lines end in LF (CRLF is
//! turned into LF, as mail readers expect in an mbox), every line of the
//! message matching `>*From ` gets one more `>`, and a blank line ends it.
//! The state remembers the file's length: an interrupted run's tail, after
//! that length, is cut off by the next one, so no message is half there.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::Path;

use typed_imap::chrono::{DateTime, FixedOffset};

use crate::Fsync;

/// An mbox file open for appending.
#[derive(Debug)]
pub struct Mbox {
    out: BufWriter<File>,
    fsync: Fsync,
    /// Bytes in the file, written or buffered.
    len: u64,
    /// The message's current line, while it may still be `>*From `.
    pending: Vec<u8>,
    /// At the start of a line, or inside a possible `>*From ` prefix.
    matching: bool,
    /// A CR held back: dropped if an LF follows.
    cr: bool,
    /// The last byte written of the current message.
    last: u8,
}

impl Mbox {
    /// Opens `path` for appending, cut back to `keep` bytes (the length
    /// the state recorded; 0 without a state).
    pub fn open(path: &Path, keep: u64, fsync: Fsync) -> io::Result<Mbox> {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(path)?;
        if file.metadata()?.len() != keep {
            file.set_len(keep)?;
        }
        let mut out = BufWriter::with_capacity(256 * 1024, file);
        io::Seek::seek(out.get_mut(), io::SeekFrom::Start(keep))?;
        Ok(Mbox {
            out,
            fsync,
            len: keep,
            pending: Vec::new(),
            matching: true,
            cr: false,
            last: b'\n',
        })
    }

    /// The file's length once everything written is flushed.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Starts a message received at `date`.
    pub fn begin(&mut self, date: Option<&DateTime<FixedOffset>>) -> io::Result<()> {
        let date = date.map_or_else(
            || "Thu Jan  1 00:00:00 1970".to_owned(),
            |d| d.format("%a %b %e %H:%M:%S %Y").to_string(),
        );
        self.raw(format!("From MAILER-DAEMON {date}\n").as_bytes())?;
        self.matching = true;
        self.cr = false;
        self.last = b'\n';
        Ok(())
    }

    /// Appends bytes of the message, quoted.
    pub fn write(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        while let Some((&byte, rest)) = bytes.split_first() {
            if !self.matching && !self.cr {
                // The fast path: up to the next line end, as it is.
                let end = bytes
                    .iter()
                    .position(|&b| b == b'\r' || b == b'\n')
                    .unwrap_or(bytes.len());
                if end > 0 {
                    let (plain, after) = bytes.split_at(end);
                    self.line_bytes(plain)?;
                    bytes = after;
                    continue;
                }
            }
            self.byte(byte)?;
            bytes = rest;
        }
        Ok(())
    }

    /// Ends the message: a final line end, then a blank line.
    pub fn end(&mut self) -> io::Result<()> {
        if self.cr {
            self.cr = false;
            self.line_byte(b'\r')?;
        }
        let pending = std::mem::take(&mut self.pending);
        self.raw(&pending)?;
        if self.last != b'\n' {
            self.raw(b"\n")?;
        }
        self.raw(b"\n")
    }

    /// Writes what is buffered and, with `Fsync::Always`, flushes the file
    /// to the disk: done before the state that counts on it.
    pub fn sync(&mut self) -> io::Result<()> {
        self.out.flush()?;
        if self.fsync == Fsync::Always {
            self.out.get_ref().sync_all()?;
        }
        Ok(())
    }

    /// One byte of the message: CRLF becomes LF.
    fn byte(&mut self, byte: u8) -> io::Result<()> {
        if self.cr {
            self.cr = false;
            if byte != b'\n' {
                self.line_byte(b'\r')?;
            }
        }
        if byte == b'\r' {
            self.cr = true;
            return Ok(());
        }
        self.line_byte(byte)
    }

    /// One byte after line-end conversion: `>*From ` at a line's start
    /// gets one more `>`.
    fn line_byte(&mut self, byte: u8) -> io::Result<()> {
        if self.matching {
            self.pending.push(byte);
            let quotes = self.pending.iter().take_while(|&&b| b == b'>').count();
            let rest = self.pending.get(quotes..).unwrap_or_default();
            let from = b"From ";
            if rest.len() == from.len() && rest == from {
                self.raw(b">")?;
                self.flush_pending(false)?;
            } else if rest.len() > from.len() || from.get(..rest.len()) != Some(rest) {
                self.flush_pending(false)?;
            }
        } else {
            self.raw(&[byte])?;
        }
        if byte == b'\n' {
            self.flush_pending(true)?;
        }
        Ok(())
    }

    fn line_bytes(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.raw(bytes)
    }

    fn flush_pending(&mut self, matching: bool) -> io::Result<()> {
        let pending = std::mem::take(&mut self.pending);
        self.raw(&pending)?;
        self.pending = pending;
        self.pending.clear();
        self.matching = matching;
        Ok(())
    }

    fn raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        if let Some(&last) = bytes.last() {
            self.out.write_all(bytes)?;
            self.len += bytes.len() as u64;
            self.last = last;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(chunks: &[&[u8]]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.mbox");
        let mut mbox = Mbox::open(&path, 0, Fsync::Never).unwrap();
        mbox.begin(None).unwrap();
        for chunk in chunks {
            mbox.write(chunk).unwrap();
        }
        mbox.end().unwrap();
        mbox.sync().unwrap();
        assert_eq!(mbox.len(), std::fs::metadata(&path).unwrap().len());
        String::from_utf8(std::fs::read(&path).unwrap()).unwrap()
    }

    #[test]
    fn lines_starting_with_from_get_one_more_quote_and_crlf_becomes_lf() {
        let text = written(&[b"Subject: a\r\n\r\nFrom here\r\n>From there\r\nnot From\r\n"]);
        assert_eq!(
            text,
            "From MAILER-DAEMON Thu Jan  1 00:00:00 1970\nSubject: a\n\n>From here\n>>From there\nnot From\n\n"
        );
    }

    #[test]
    fn quoting_and_line_ends_hold_across_chunk_boundaries() {
        let whole = written(&[b"a\r\nFrom x\r\n>Fro y\r\nb"]);
        let split = written(&[b"a\r", b"\nFr", b"om x\r", b"\n>Fr", b"o y\r\n", b"b"]);
        assert_eq!(whole, split);
        assert!(whole.ends_with("a\n>From x\n>Fro y\nb\n\n"), "{whole:?}");
    }

    #[test]
    fn reopening_cuts_the_file_back_to_the_recorded_length() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.mbox");
        std::fs::write(&path, b"From a\nkept\n\nFrom b\nhalf").unwrap();
        let mbox = Mbox::open(&path, 13, Fsync::Never).unwrap();
        assert_eq!(mbox.len(), 13);
        assert_eq!(std::fs::read(&path).unwrap(), b"From a\nkept\n\n");
    }
}
