//! The limit: a raw client that writes the same commands and only counts
//! the bytes of the replies until their tagged completions. It parses
//! nothing, so its time is what the server and the socket cost; a typed
//! client can only come close to it.
//!
//! A reply's tagged completion is its last line, so for one command the
//! limit looks only at the end of each read: the line it ends with. It
//! never scans the data (a first version searched every byte for the
//! tag, and on bodies of text lines it cost as much CPU as typed-imap,
//! which skips literals by their length). The 1000 pipelined commands'
//! completions are spread through their reply (86 KB): that one is
//! scanned.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::time::Duration;

use memchr::memmem::Finder;

use crate::contender::{BenchError, Contender, Outcome, Server};
use crate::workload::UID_FETCHES;

/// Tags are `zq` and a number: `zq` occurs in none of the bench's
/// messages, so a line that starts with it is a tagged completion.
const TAG: &str = "zq";

/// What starts every tagged line after the first line of a reply.
const MARKER: &[u8] = b"\nzq";

/// Bytes of one read, as the typed client asks.
const READ_SIZE: usize = 64 * 1024;

/// How many bytes of a read are kept in front of the next one, so that a
/// marker cut by a read boundary is found (one less than the marker).
const CARRY: usize = MARKER.len() - 1;

/// The raw client.
pub struct Limit {
    stream: TcpStream,
    /// `CARRY` bytes of the previous read, then the read.
    buffer: Vec<u8>,
    finder: Finder<'static>,
    next_tag: u32,
    /// The command text being written.
    out: String,
}

impl Limit {
    /// Appends a tagged command line to `self.out`.
    fn push_command(&mut self, command: &str) {
        // Writing to a String cannot fail.
        let _ = write!(self.out, "{TAG}{} {command}\r\n", self.next_tag);
        self.next_tag += 1;
    }

    /// Writes what was pushed.
    fn send(&mut self) -> Result<(), BenchError> {
        self.stream.write_all(self.out.as_bytes())?;
        self.out.clear();
        Ok(())
    }

    /// Sends one command and waits for its completion.
    fn run(&mut self, command: &str) -> Result<u64, BenchError> {
        self.push_command(command);
        self.send()?;
        self.until_last_line_tagged()
    }

    /// Reads until a read ends with a whole tagged line: the completion
    /// of the only command running. Returns the bytes read. Looks at the
    /// end of each read only (back to its last line feed, within a line's
    /// length of text); fails unless the completion is an OK.
    fn until_last_line_tagged(&mut self) -> Result<u64, BenchError> {
        let mut received = 0u64;
        // The first bytes of the line the previous reads ended inside.
        let mut line_start: Vec<u8> = Vec::new();
        loop {
            let n = self.stream.read(&mut self.buffer[CARRY..])?;
            if n == 0 {
                return Err("the server closed the connection".into());
            }
            received += n as u64;
            let data = &self.buffer[CARRY..CARRY + n];
            let Some((&last, before)) = data.split_last() else {
                continue;
            };
            if last == b'\n' {
                let line = match memchr::memrchr(b'\n', before) {
                    Some(at) => &data[at + 1..],
                    None => {
                        extend_line_start(&mut line_start, data);
                        &line_start[..]
                    }
                };
                if line.starts_with(TAG.as_bytes()) {
                    return check_ok(line).map(|()| received);
                }
                line_start.clear();
            } else {
                match memchr::memrchr(b'\n', data) {
                    Some(at) => {
                        line_start.clear();
                        extend_line_start(&mut line_start, &data[at + 1..]);
                    }
                    None => extend_line_start(&mut line_start, data),
                }
            }
        }
    }

    /// Reads until `completions` tagged lines have ended, scanning the
    /// whole reply for them (pipelined commands); returns the bytes read.
    /// Fails unless the last of them is an OK.
    fn until_completions(&mut self, completions: u64) -> Result<u64, BenchError> {
        let mut received = 0u64;
        let mut seen = 0u64;
        let mut carried = 0;
        // The last tagged line, from its tag on, once its marker is seen.
        let mut last_line = Vec::new();
        loop {
            let n = self.stream.read(&mut self.buffer[CARRY..])?;
            if n == 0 {
                return Err("the server closed the connection".into());
            }
            received += n as u64;
            let window = &self.buffer[CARRY - carried..CARRY + n];
            // The carried bytes were looked at already, except as the
            // start of a marker.
            let mut at = if seen < completions { 0 } else { carried };
            while seen < completions {
                let Some(found) = self.finder.find(&window[at..]) else {
                    break;
                };
                seen += 1;
                at += found + 1;
            }
            if seen == completions {
                let rest = &window[at..];
                match memchr::memchr(b'\n', rest) {
                    Some(end) => {
                        last_line.extend_from_slice(&rest[..end]);
                        return check_ok(&last_line).map(|()| received);
                    }
                    None => last_line.extend_from_slice(rest),
                }
            }
            let keep = CARRY.min(window.len());
            self.buffer
                .copy_within(CARRY + n - keep..CARRY + n, CARRY - keep);
            carried = keep;
        }
    }
}

/// How much of a line's start is kept across reads: enough for a tag and
/// a status.
const LINE_START: usize = 64;

/// Appends to a line's kept start what is still missing from `data`.
fn extend_line_start(line_start: &mut Vec<u8>, data: &[u8]) {
    let room = LINE_START.saturating_sub(line_start.len());
    line_start.extend_from_slice(&data[..room.min(data.len())]);
}

/// Whether a tagged line (`zqN OK ...`, CR included) is an OK.
fn check_ok(line: &[u8]) -> Result<(), BenchError> {
    let text = String::from_utf8_lossy(line);
    let status = text.split(' ').nth(1).unwrap_or_default();
    if status.eq_ignore_ascii_case("OK") {
        Ok(())
    } else {
        Err(format!("the server answered {:?}", text.trim_end()).into())
    }
}

impl Contender for Limit {
    fn open(server: &Server, mailbox: &str) -> Result<Self, BenchError> {
        let stream = TcpStream::connect((Ipv4Addr::LOCALHOST, server.port))?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(120)))?;
        let mut limit = Limit {
            stream,
            buffer: vec![0; CARRY + READ_SIZE],
            finder: Finder::new(MARKER).into_owned(),
            next_tag: 0,
            out: String::new(),
        };
        // The greeting comes before LOGIN's completion: counted with it.
        limit.run(&format!(
            "LOGIN \"{}\" \"{}\"",
            server.user, server.password
        ))?;
        limit.run(&format!("SELECT \"{mailbox}\""))?;
        Ok(limit)
    }

    fn metadata(&mut self) -> Result<Outcome, BenchError> {
        let received =
            self.run("FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)")?;
        Ok(completed(1, received))
    }

    fn bodies(&mut self) -> Result<Outcome, BenchError> {
        let received = self.run("FETCH 1:* (BODY.PEEK[])")?;
        Ok(completed(1, received))
    }

    fn large(&mut self) -> Result<Outcome, BenchError> {
        let received = self.run("FETCH 1:* (BODY.PEEK[])")?;
        Ok(completed(1, received))
    }

    fn serial(&mut self) -> Result<Outcome, BenchError> {
        let mut received = 0;
        for uid in 1..=UID_FETCHES {
            received += self.run(&format!("UID FETCH {uid} (FLAGS)"))?;
        }
        Ok(completed(UID_FETCHES.into(), received))
    }

    fn pipelined(&mut self) -> Result<Outcome, BenchError> {
        for uid in 1..=UID_FETCHES {
            self.push_command(&format!("UID FETCH {uid} (FLAGS)"));
        }
        self.send()?;
        let received = self.until_completions(UID_FETCHES.into())?;
        Ok(completed(UID_FETCHES.into(), received))
    }

    fn close(mut self: Box<Self>) -> Result<(), BenchError> {
        self.run("LOGOUT")?;
        Ok(())
    }
}

fn completed(items: u64, received: u64) -> Outcome {
    Outcome {
        items,
        received: Some(received),
    }
}
