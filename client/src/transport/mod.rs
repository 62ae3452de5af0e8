//! Byte streams an IMAP session runs over: plain TCP, implicit TLS, TCP
//! upgraded by STARTTLS, and a child process's stdin/stdout (imaplib's
//! `IMAP4_stream`).
//!
//! A [`Connection`] is only a `Read + Write`: the IMAP rules (when an
//! upgrade is allowed, what to do with bytes already buffered) live in the
//! session and the client that drive it.

mod child;
pub(crate) mod deflate;
pub(crate) mod starttls;
mod tcp;
pub(crate) mod tls;

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

pub use child::ChildStream;
pub use deflate::Deflate;
pub use tls::TlsConfig;

use crate::error::Error;

/// The IMAP port (RFC 3501).
pub const IMAP_PORT: u16 = 143;
/// The IMAP over implicit TLS port (RFC 8314).
pub const IMAPS_PORT: u16 = 993;

/// How long to wait on the network.
///
/// `None` waits forever. A zero duration is refused (as imaplib refuses
/// `timeout=0`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing the TCP connection (each resolved address in turn).
    pub connect: Option<Duration>,
    /// The TLS handshake as a whole (implicit TLS, or after STARTTLS):
    /// catches a server that stalls it or trickles it a byte at a time,
    /// which the read timeout alone would let run without end.
    pub handshake: Option<Duration>,
    /// One read: silence longer than this is an error.
    pub read: Option<Duration>,
    /// One write.
    pub write: Option<Duration>,
    /// A whole command, from sending it to its tagged response: catches a
    /// server that trickles one byte at a time. No limit by default, since a
    /// large FETCH may legitimately take long.
    pub command: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Some(Duration::from_secs(30)),
            handshake: Some(Duration::from_secs(30)),
            read: Some(Duration::from_secs(120)),
            write: Some(Duration::from_secs(60)),
            command: None,
        }
    }
}

impl Timeouts {
    /// Refuses zero durations, which the socket API would reject later in
    /// a less readable way.
    pub fn validate(&self) -> Result<(), Error> {
        let named = [
            ("connect", self.connect),
            ("handshake", self.handshake),
            ("read", self.read),
            ("write", self.write),
            ("command", self.command),
        ];
        match named
            .iter()
            .find(|(_, timeout)| *timeout == Some(Duration::ZERO))
        {
            Some((name, _)) => Err(Error::InvalidArgument {
                reason: format!("{name} timeout is zero; use None to wait forever"),
            }),
            None => Ok(()),
        }
    }
}

/// An open byte stream to an IMAP server.
#[derive(Debug)]
#[non_exhaustive]
pub enum Connection {
    /// Plain TCP.
    Tcp(TcpStream),
    /// TLS over TCP (implicit TLS, or after STARTTLS).
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
    /// A child process's stdin and stdout.
    Child(ChildStream),
    /// Another connection with COMPRESS=DEFLATE on (RFC 4978).
    Compressed(Box<Deflate<Connection>>),
}

impl Connection {
    /// Opens plain TCP to `host:port`, with `timeouts` applied.
    pub fn tcp(host: &str, port: u16, timeouts: &Timeouts) -> Result<Self, Error> {
        Ok(Connection::Tcp(tcp::connect(host, port, timeouts)?))
    }

    /// Opens TCP to `host:port` and starts TLS at once (implicit TLS), the
    /// certificate checked against `host` as `config` says. The TCP
    /// connection is bounded by `timeouts.connect`, the handshake that
    /// follows by `timeouts.handshake`.
    pub fn tls(
        host: &str,
        port: u16,
        config: &TlsConfig,
        timeouts: &Timeouts,
    ) -> Result<Self, Error> {
        let tcp = tcp::connect(host, port, timeouts)?;
        Ok(Connection::Tls(Box::new(tls::handshake(
            tcp, host, config, timeouts,
        )?)))
    }

    /// Spawns `command` and speaks IMAP over its stdin and stdout.
    pub fn spawn(command: std::process::Command) -> Result<Self, Error> {
        Ok(Connection::Child(ChildStream::spawn(command)?))
    }

    /// Starts TLS on a plain TCP connection (after the server's STARTTLS
    /// OK). The handshake completes, within `timeouts.handshake`, before
    /// this returns; if it fails, the connection is closed, never continued
    /// in plaintext.
    pub fn upgrade(
        self,
        host: &str,
        config: &TlsConfig,
        timeouts: &Timeouts,
    ) -> Result<Self, Error> {
        match self {
            Connection::Tcp(tcp) => {
                let closer = tcp.try_clone().ok();
                tls::handshake_after_starttls(tcp, host, config, timeouts)
                    .map(|stream| Connection::Tls(Box::new(stream)))
                    .inspect_err(|_| {
                        if let Some(socket) = closer {
                            // Already failing: a shutdown error adds nothing.
                            let _ = socket.shutdown(std::net::Shutdown::Both);
                        }
                    })
            }
            Connection::Tls(_) => Err(Error::InvalidArgument {
                reason: "STARTTLS on a connection that already uses TLS".into(),
            }),
            Connection::Child(_) => Err(Error::InvalidArgument {
                reason: "STARTTLS on a child-process stream".into(),
            }),
            Connection::Compressed(_) => Err(Error::InvalidArgument {
                reason: "STARTTLS on a compressed connection".into(),
            }),
        }
    }

    /// Compresses both directions from now on (after COMPRESS's OK).
    pub fn compress(self) -> Result<Self, Error> {
        match self {
            Connection::Compressed(_) => Err(Error::InvalidArgument {
                reason: "COMPRESS on a connection already compressed".into(),
            }),
            other => Ok(Connection::Compressed(Box::new(Deflate::new(other)))),
        }
    }

    /// Whether the peer is on this machine: a loopback address, or a child
    /// process. The session lets passwords go in clear only to such a peer
    /// (or over TLS).
    pub fn is_local(&self) -> bool {
        match self {
            Connection::Child(_) => true,
            Connection::Compressed(inner) => inner.get_ref().is_local(),
            other => other
                .socket()
                .and_then(|socket| socket.peer_addr().ok())
                .is_some_and(|peer| peer.ip().to_canonical().is_loopback()),
        }
    }

    /// Whether the bytes travel encrypted.
    pub fn is_tls(&self) -> bool {
        match self {
            Connection::Tls(_) => true,
            Connection::Compressed(inner) => inner.get_ref().is_tls(),
            _ => false,
        }
    }

    /// Whether COMPRESS=DEFLATE is on.
    pub fn is_compressed(&self) -> bool {
        matches!(self, Connection::Compressed(_))
    }

    /// The TCP socket underneath (imaplib's `socket()`), for options such
    /// as keep-alive. Writing to it directly would corrupt a TLS session.
    pub fn socket(&self) -> Option<&TcpStream> {
        match self {
            Connection::Tcp(tcp) => Some(tcp),
            Connection::Tls(tls) => Some(tls.get_ref()),
            Connection::Child(_) => None,
            Connection::Compressed(inner) => inner.get_ref().socket(),
        }
    }

    /// Sets the timeout of the next reads (sockets and child processes alike).
    pub fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        match self {
            Connection::Child(child) => child.set_read_timeout(timeout),
            Connection::Compressed(inner) => inner.get_ref().set_read_timeout(timeout),
            _ => match self.socket() {
                Some(socket) => socket.set_read_timeout(timeout),
                None => Ok(()),
            },
        }
    }

    /// Closes the connection in both directions.
    pub fn shutdown(&mut self) -> io::Result<()> {
        match self {
            Connection::Tcp(tcp) => tcp.shutdown(std::net::Shutdown::Both),
            Connection::Tls(tls) => {
                tls.conn.send_close_notify();
                // Best effort: the peer may already be gone.
                let _ = tls.flush();
                tls.get_ref().shutdown(std::net::Shutdown::Both)
            }
            Connection::Child(child) => child.shutdown(),
            Connection::Compressed(inner) => inner.get_mut().shutdown(),
        }
    }
}

impl Read for Connection {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Connection::Tcp(tcp) => tcp.read(buf),
            Connection::Tls(tls) => tls.read(buf),
            Connection::Child(child) => child.read(buf),
            Connection::Compressed(inner) => inner.read(buf),
        }
    }
}

impl Write for Connection {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Connection::Tcp(tcp) => tcp.write(buf),
            Connection::Tls(tls) => tls.write(buf),
            Connection::Child(child) => child.write(buf),
            Connection::Compressed(inner) => inner.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Connection::Tcp(tcp) => tcp.flush(),
            Connection::Tls(tls) => tls.flush(),
            Connection::Child(child) => child.flush(),
            Connection::Compressed(inner) => inner.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_timeouts_are_set_except_command() {
        let timeouts = Timeouts::default();
        assert!(timeouts.connect.is_some() && timeouts.read.is_some() && timeouts.write.is_some());
        assert!(timeouts.handshake.is_some());
        assert_eq!(timeouts.command, None);
        assert!(timeouts.validate().is_ok());
    }

    #[test]
    fn zero_timeout_is_refused() {
        let timeouts = Timeouts {
            read: Some(Duration::ZERO),
            ..Timeouts::default()
        };
        assert!(timeouts
            .validate()
            .unwrap_err()
            .to_string()
            .contains("read timeout is zero"));
    }

    #[test]
    fn zero_handshake_timeout_is_refused() {
        let timeouts = Timeouts {
            handshake: Some(Duration::ZERO),
            ..Timeouts::default()
        };
        assert!(timeouts
            .validate()
            .unwrap_err()
            .to_string()
            .contains("handshake timeout is zero"));
    }
}
