//! The first bytes read after STARTTLS's OK. Anything before the server's
//! first TLS record was written in plaintext after the OK (by a broken
//! server, a middlebox, or an attacker injecting commands' answers): it
//! is dropped unread, as the STARTTLS study of USENIX Security 2021
//! ("Why TLS is better without STARTTLS") recommends, and the handshake
//! goes on. The session drops what it had already read
//! (`Framer::discard`); this drops what arrives while the handshake
//! starts.

use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The content type of a TLS handshake record (RFC 8446 section 5.1): the
/// first byte a TLS server sends.
const HANDSHAKE_RECORD: u8 = 0x16;

/// More plaintext than this before TLS is not a stray line but a stream:
/// the handshake fails instead of reading on.
const MAX_SKIPPED: usize = 64 * 1024;

/// A stream that drops what precedes the first TLS record, then passes
/// everything through.
#[derive(Debug)]
pub(crate) struct SkipPlaintext<S> {
    inner: S,
    skipping: bool,
    skipped: usize,
    /// Every byte read, dropped or not (for a failed handshake's words).
    received: Arc<AtomicU64>,
}

impl<S> SkipPlaintext<S> {
    /// Wraps `inner`; with `active` false, nothing is skipped.
    pub(crate) fn new(inner: S, active: bool) -> Self {
        SkipPlaintext {
            inner,
            skipping: active,
            skipped: 0,
            received: Arc::default(),
        }
    }

    /// How many bytes were read through it so far; the counter stays
    /// readable after the stream is gone (a failed handshake consumes it).
    #[cfg(feature = "tokio")]
    pub(crate) fn received(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.received)
    }
}

impl<S> SkipPlaintext<S> {
    /// The stream underneath.
    pub(crate) fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The stream underneath, once the handshake is over.
    pub(super) fn into_inner(self) -> S {
        self.inner
    }
}

impl<S> SkipPlaintext<S> {
    /// Where the bytes to keep start in what was just `received`: `None`
    /// when all of it is dropped. Once the first TLS record came, every
    /// byte is kept.
    fn keep_from(&mut self, received: &[u8]) -> io::Result<Option<usize>> {
        self.received
            .fetch_add(received.len() as u64, Ordering::Relaxed);
        if !self.skipping || received.is_empty() {
            return Ok(Some(0));
        }
        match memchr::memchr(HANDSHAKE_RECORD, received) {
            Some(start) => {
                self.skipping = false;
                self.skipped += start;
                if self.skipped > 0 {
                    tracing::warn!(
                        bytes = self.skipped,
                        "discarded plaintext received after the STARTTLS OK, before the TLS handshake"
                    );
                }
                Ok(Some(start))
            }
            None => {
                self.skipped += received.len();
                if self.skipped > MAX_SKIPPED {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "more than {MAX_SKIPPED} bytes of plaintext after the STARTTLS OK \
                             and no TLS record: not a TLS server"
                        ),
                    ));
                }
                Ok(None)
            }
        }
    }
}

impl<S: Read> Read for SkipPlaintext<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let n = self.inner.read(buf)?;
            if let Some(start) = self.keep_from(buf.get(..n).unwrap_or_default())? {
                buf.copy_within(start..n, 0);
                return Ok(n - start);
            }
        }
    }
}

#[cfg(feature = "tokio")]
mod nonblocking {
    use std::io;
    use std::pin::Pin;
    use std::task::{ready, Context, Poll};

    use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

    use super::SkipPlaintext;

    impl<S: AsyncRead + Unpin> AsyncRead for SkipPlaintext<S> {
        fn poll_read(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            let this = self.get_mut();
            loop {
                let before = buf.filled().len();
                ready!(Pin::new(&mut this.inner).poll_read(cx, buf))?;
                let received = buf.filled().get(before..).unwrap_or_default();
                if received.is_empty() {
                    return Poll::Ready(Ok(()));
                }
                let kept = match this.keep_from(received)? {
                    Some(0) => return Poll::Ready(Ok(())),
                    Some(start) => received.get(start..).unwrap_or_default().to_vec(),
                    None => Vec::new(),
                };
                buf.set_filled(before);
                buf.put_slice(&kept);
                if !kept.is_empty() {
                    return Poll::Ready(Ok(()));
                }
            }
        }
    }

    impl<S: AsyncWrite + Unpin> AsyncWrite for SkipPlaintext<S> {
        fn poll_write(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
        }

        fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.get_mut().inner).poll_flush(cx)
        }

        fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
        }
    }
}

impl<S: Write> Write for SkipPlaintext<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader handing out one chunk per read.
    struct Chunks(Vec<Vec<u8>>);

    impl Read for Chunks {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Ok(0);
            }
            let mut chunk = self.0.remove(0);
            let n = chunk.len().min(buf.len());
            buf[..n].copy_from_slice(&chunk[..n]);
            if n < chunk.len() {
                self.0.insert(0, chunk.split_off(n));
            }
            Ok(n)
        }
    }

    fn read_all(chunks: &[&[u8]], active: bool) -> io::Result<Vec<u8>> {
        let mut stream =
            SkipPlaintext::new(Chunks(chunks.iter().map(|c| c.to_vec()).collect()), active);
        let mut out = Vec::new();
        stream.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn plaintext_before_the_first_record_is_dropped() {
        let out = read_all(
            &[b"* BYE x\r\n", b"* OK [AL", b"ERT] y\r\n\x16\x03\x03rest"],
            true,
        );
        assert_eq!(out.unwrap(), b"\x16\x03\x03rest");
    }

    #[test]
    fn once_tls_started_every_byte_passes() {
        let out = read_all(&[b"\x16\x03\x03", b"* OK plain-looking"], true).unwrap();
        assert_eq!(out, b"\x16\x03\x03* OK plain-looking");
    }

    #[test]
    fn inactive_passes_everything() {
        assert_eq!(read_all(&[b"abc"], false).unwrap(), b"abc");
    }

    #[test]
    fn endless_plaintext_is_an_error() {
        let line = vec![b'x'; 4096];
        let chunks: Vec<&[u8]> = (0..20).map(|_| line.as_slice()).collect();
        let error = read_all(&chunks, true).unwrap_err();
        assert!(error.to_string().contains("not a TLS server"), "{error}");
    }
}
