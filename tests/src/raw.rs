//! A raw IMAP session: lines out, responses in, nothing interpreted.
//!
//! It proves the harness without the client under test, and gives tests a
//! second connection that shares no code with the client.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use rustls::{ClientConfig, ClientConnection, StreamOwned};
use rustls_pki_types::ServerName;

use crate::{HarnessError, Result};

/// How long a raw session waits for a server before failing.
pub const RAW_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest response a raw session accepts (lines plus literals).
const MAX_RESPONSE: usize = 64 * 1024 * 1024;

/// A byte stream a session can run over (TCP, TLS over TCP, ...).
pub trait Stream: Read + Write + Send {}
impl<T: Read + Write + Send> Stream for T {}

/// A raw IMAP session over any stream.
pub struct RawSession {
    reader: BufReader<Box<dyn Stream>>,
    next_tag: u32,
}

impl std::fmt::Debug for RawSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawSession")
            .field("next_tag", &self.next_tag)
            .finish_non_exhaustive()
    }
}

/// One command's responses: the untagged ones, then the tagged completion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// Untagged and continuation responses, each with its literals inline
    /// and its CRLF removed.
    pub untagged: Vec<Vec<u8>>,
    /// The tagged completion without the tag: `OK ...`, `NO ...`, `BAD ...`.
    pub completion: String,
}

impl Reply {
    /// Whether the completion is `OK`.
    pub fn is_ok(&self) -> bool {
        self.completion.starts_with("OK")
    }

    /// The untagged responses as (lossy) text, for assertions.
    pub fn text(&self) -> Vec<String> {
        self.untagged
            .iter()
            .map(|line| String::from_utf8_lossy(line).into_owned())
            .collect()
    }
}

fn tcp(addr: SocketAddr) -> Result<TcpStream> {
    let stream = TcpStream::connect_timeout(&addr, RAW_TIMEOUT)
        .map_err(|e| HarnessError::io(format!("connect to {addr}"), e))?;
    stream
        .set_read_timeout(Some(RAW_TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(RAW_TIMEOUT)))
        .and_then(|()| stream.set_nodelay(true))
        .map_err(|e| HarnessError::io(format!("configure the socket to {addr}"), e))?;
    Ok(stream)
}

fn tls_over(
    stream: Box<dyn Stream>,
    config: Arc<ClientConfig>,
    server_name: &str,
) -> Result<Box<dyn Stream>> {
    let name = ServerName::try_from(server_name.to_owned())
        .map_err(|e| HarnessError::Tls(format!("bad server name {server_name:?}: {e}")))?;
    let connection =
        ClientConnection::new(config, name).map_err(|e| HarnessError::Tls(e.to_string()))?;
    let mut tls = StreamOwned::new(connection, stream);
    // Finish the handshake now so that certificate errors show up here.
    while tls.conn.is_handshaking() {
        tls.conn
            .complete_io(&mut tls.sock)
            .map_err(|e| HarnessError::Tls(format!("handshake with {server_name}: {e}")))?;
    }
    Ok(Box::new(tls))
}

impl RawSession {
    /// Starts a session over any stream (the greeting is not read yet).
    pub fn new(stream: Box<dyn Stream>) -> Self {
        RawSession {
            reader: BufReader::new(stream),
            next_tag: 1,
        }
    }

    /// Connects over plain TCP and reads the greeting.
    pub fn connect(addr: SocketAddr) -> Result<(Self, String)> {
        let mut session = RawSession::new(Box::new(tcp(addr)?));
        let greeting = session.read_line_text()?;
        Ok((session, greeting))
    }

    /// Connects with implicit TLS, verifying the server as `server_name`
    /// with `config`, and reads the greeting.
    pub fn connect_tls(
        addr: SocketAddr,
        config: Arc<ClientConfig>,
        server_name: &str,
    ) -> Result<(Self, String)> {
        let stream = tls_over(Box::new(tcp(addr)?), config, server_name)?;
        let mut session = RawSession::new(stream);
        let greeting = session.read_line_text()?;
        Ok((session, greeting))
    }

    /// Sends STARTTLS and, on OK, continues over TLS. Bytes the server sent
    /// after its OK in plain text are an error, as a client must treat them.
    pub fn starttls(mut self, config: Arc<ClientConfig>, server_name: &str) -> Result<Self> {
        let reply = self.command("STARTTLS")?;
        if !reply.is_ok() {
            return Err(HarnessError::Unexpected {
                expected: "OK to STARTTLS".into(),
                got: reply.completion,
            });
        }
        if !self.reader.buffer().is_empty() {
            return Err(HarnessError::Unexpected {
                expected: "nothing after the STARTTLS OK".into(),
                got: String::from_utf8_lossy(self.reader.buffer()).into_owned(),
            });
        }
        let stream = tls_over(self.reader.into_inner(), config, server_name)?;
        Ok(RawSession {
            reader: BufReader::new(stream),
            next_tag: self.next_tag,
        })
    }

    /// Sends `tag SP text CRLF` and reads responses up to the tagged one.
    pub fn command(&mut self, text: &str) -> Result<Reply> {
        let tag = format!("R{:04}", self.next_tag);
        self.next_tag += 1;
        self.send(format!("{tag} {text}\r\n").as_bytes())?;
        self.read_until(&tag)
    }

    /// Writes bytes as they are.
    pub fn send(&mut self, bytes: &[u8]) -> Result<()> {
        let stream = self.reader.get_mut();
        stream
            .write_all(bytes)
            .and_then(|()| stream.flush())
            .map_err(|e| HarnessError::io("write to the server", e))
    }

    /// Reads responses until the one tagged `tag`.
    pub fn read_until(&mut self, tag: &str) -> Result<Reply> {
        let prefix = format!("{tag} ");
        let mut untagged = Vec::new();
        loop {
            let response = self.read_response()?;
            if let Some(rest) = response.strip_prefix(prefix.as_bytes()) {
                return Ok(Reply {
                    untagged,
                    completion: String::from_utf8_lossy(rest).into_owned(),
                });
            }
            untagged.push(response);
        }
    }

    /// Reads one response, literals inline, without its final CRLF.
    pub fn read_response(&mut self) -> Result<Vec<u8>> {
        let mut response = Vec::new();
        loop {
            let line = self.read_line()?;
            response.extend_from_slice(&line);
            match literal_length(&line) {
                Some(length) if response.len().saturating_add(length) <= MAX_RESPONSE => {
                    response.extend_from_slice(b"\r\n");
                    let start = response.len();
                    response.resize(start + length, 0);
                    let literal = response.get_mut(start..).unwrap_or_default();
                    self.reader
                        .read_exact(literal)
                        .map_err(|e| HarnessError::io("read a literal", e))?;
                }
                Some(length) => {
                    return Err(HarnessError::Unexpected {
                        expected: format!("a literal of at most {MAX_RESPONSE} bytes"),
                        got: format!("{{{length}}}"),
                    })
                }
                None => return Ok(response),
            }
        }
    }

    fn read_line_text(&mut self) -> Result<String> {
        self.read_line()
            .map(|line| String::from_utf8_lossy(&line).into_owned())
    }

    /// Reads one line and strips its CRLF; a line without one is an error.
    fn read_line(&mut self) -> Result<Vec<u8>> {
        let mut line = Vec::new();
        self.reader
            .read_until(b'\n', &mut line)
            .map_err(|e| HarnessError::io("read from the server", e))?;
        if !line.ends_with(b"\r\n") {
            return Err(HarnessError::Unexpected {
                expected: "a line ending in CRLF".into(),
                got: String::from_utf8_lossy(&line).into_owned(),
            });
        }
        line.truncate(line.len() - 2);
        Ok(line)
    }
}

/// The length of the literal announced at the end of a line: `{n}` or `~{n}`.
fn literal_length(line: &[u8]) -> Option<usize> {
    let body = line.strip_suffix(b"}")?;
    let open = body.iter().rposition(|&b| b == b'{')?;
    let digits = body.get(open + 1..)?;
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}
