//! The byte streams of the async client: TCP, TLS over TCP (implicit, or
//! after STARTTLS) and a child process's stdin and stdout.

use std::io;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};
use std::time::Instant;

use rustls_pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::process::{Child, ChildStdin, ChildStdout};
use tokio_rustls::TlsConnector;

use crate::error::{Error, Handshake};
use crate::transport::starttls::SkipPlaintext;
use crate::transport::{Timeouts, TlsConfig};

/// TLS over TCP; before the first TLS record after STARTTLS, plaintext is
/// dropped (as in the blocking client).
pub(super) type TlsStream = tokio_rustls::client::TlsStream<SkipPlaintext<TcpStream>>;

/// An open byte stream to an IMAP server.
#[derive(Debug)]
pub(super) enum Io {
    /// Plain TCP.
    Tcp(TcpStream),
    /// TLS over TCP.
    Tls(Box<TlsStream>),
    /// A child process's stdin and stdout.
    Child(Box<ChildIo>),
}

/// A spawned server's pipes; the process is killed when this is dropped.
#[derive(Debug)]
pub(super) struct ChildIo {
    _child: Child,
    stdin: ChildStdin,
    stdout: ChildStdout,
}

impl Io {
    /// Whether the peer is on this machine (a loopback address, a child
    /// process): passwords may go to it in clear.
    pub(super) fn is_local(&self) -> bool {
        let tcp = match self {
            Io::Tcp(tcp) => tcp,
            Io::Tls(tls) => tls.get_ref().0.get_ref(),
            Io::Child(_) => return true,
        };
        tcp.peer_addr()
            .is_ok_and(|peer| peer.ip().to_canonical().is_loopback())
    }
}

/// Opens TCP to `host:port`, each resolved address in turn within the
/// connect timeout.
pub(super) async fn tcp(host: &str, port: u16, timeouts: &Timeouts) -> Result<TcpStream, Error> {
    timeouts.validate()?;
    let mut last_error = None;
    for address in tokio::net::lookup_host((host, port)).await? {
        let attempt = match timeouts.connect {
            Some(timeout) => match tokio::time::timeout(timeout, TcpStream::connect(address)).await
            {
                Ok(attempt) => attempt,
                Err(_) => Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("connecting to {address} took longer than {timeout:?}"),
                )),
            },
            None => TcpStream::connect(address).await,
        };
        match attempt {
            Ok(stream) => {
                // Commands are small and each waits for an answer: Nagle
                // only adds latency.
                stream.set_nodelay(true)?;
                return Ok(stream);
            }
            Err(error) => last_error = Some(error),
        }
    }
    Err(Error::Io(last_error.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::NotFound,
            format!("{host}:{port} resolved to no address"),
        )
    })))
}

/// Runs the TLS handshake on `tcp` within the handshake timeout, the
/// certificate checked against `host` (or the configured name). After
/// STARTTLS (`after_starttls`), plaintext before the first TLS record is
/// dropped.
pub(super) async fn tls(
    tcp: TcpStream,
    host: &str,
    config: &TlsConfig,
    timeouts: &Timeouts,
    after_starttls: bool,
) -> Result<TlsStream, Error> {
    let name = config.name_for(host).to_owned();
    let server_name = ServerName::try_from(name.clone())
        .map_err(|_| Error::tls(format!("{name:?} is neither a DNS name nor an IP address")))?;
    let connector = TlsConnector::from(config.client_config()?);
    let io = SkipPlaintext::new(tcp, after_starttls);
    let received = io.received();
    let started = Instant::now();
    let handshake = connector.connect(server_name, io);
    let result = match timeouts.handshake {
        Some(limit) => match tokio::time::timeout(limit, handshake).await {
            Ok(result) => result,
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the TLS handshake deadline passed",
            )),
        },
        None => handshake.await,
    };
    result.map_err(|error| {
        Error::tls_handshake(
            error,
            &Handshake {
                server: &name,
                elapsed: started.elapsed(),
                received: received.load(Ordering::Relaxed),
            },
        )
    })
}

/// Spawns `command` with its stdin and stdout piped.
pub(super) fn spawn(command: std::process::Command) -> Result<ChildIo, Error> {
    let mut command = tokio::process::Command::from(command);
    command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn()?;
    match (child.stdin.take(), child.stdout.take()) {
        (Some(stdin), Some(stdout)) => Ok(ChildIo {
            _child: child,
            stdin,
            stdout,
        }),
        _ => Err(Error::Io(io::Error::other(
            "child process started without stdin/stdout pipes",
        ))),
    }
}

impl AsyncRead for Io {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Io::Tcp(tcp) => Pin::new(tcp).poll_read(cx, buf),
            Io::Tls(tls) => Pin::new(tls.as_mut()).poll_read(cx, buf),
            Io::Child(child) => Pin::new(&mut child.stdout).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Io {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Io::Tcp(tcp) => Pin::new(tcp).poll_write(cx, buf),
            Io::Tls(tls) => Pin::new(tls.as_mut()).poll_write(cx, buf),
            Io::Child(child) => Pin::new(&mut child.stdin).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Io::Tcp(tcp) => Pin::new(tcp).poll_flush(cx),
            Io::Tls(tls) => Pin::new(tls.as_mut()).poll_flush(cx),
            Io::Child(child) => Pin::new(&mut child.stdin).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Io::Tcp(tcp) => Pin::new(tcp).poll_shutdown(cx),
            Io::Tls(tls) => Pin::new(tls.as_mut()).poll_shutdown(cx),
            Io::Child(child) => Pin::new(&mut child.stdin).poll_shutdown(cx),
        }
    }
}
