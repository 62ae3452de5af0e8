//! The first bytes read after STARTTLS's OK. Anything before the server's
//! first TLS record was written in plaintext after the OK (by a broken
//! server, a middlebox, or an attacker injecting commands' answers): it
//! is dropped unread, as the STARTTLS study of USENIX Security 2021
//! ("Why TLS is better without STARTTLS") recommends, and the handshake
//! goes on. The session drops what it had already read
//! (`Framer::discard`); this drops what arrives while the handshake
//! starts.

use std::io::{self, Read, Write};

/// The content type of a TLS handshake record (RFC 8446 section 5.1): the
/// first byte a TLS server sends.
const HANDSHAKE_RECORD: u8 = 0x16;

/// More plaintext than this before TLS is not a stray line but a stream:
/// the handshake fails instead of reading on.
const MAX_SKIPPED: usize = 64 * 1024;

/// A stream that drops what precedes the first TLS record, then passes
/// everything through.
#[derive(Debug)]
pub(super) struct SkipPlaintext<S> {
    inner: S,
    skipping: bool,
    skipped: usize,
}

impl<S> SkipPlaintext<S> {
    /// Wraps `inner`; with `active` false, nothing is skipped.
    pub(super) fn new(inner: S, active: bool) -> Self {
        SkipPlaintext {
            inner,
            skipping: active,
            skipped: 0,
        }
    }
}

impl<S> SkipPlaintext<S> {
    /// The stream underneath.
    pub(super) fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The stream underneath, once the handshake is over.
    pub(super) fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: Read> Read for SkipPlaintext<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 || !self.skipping {
                return Ok(n);
            }
            let received = buf.get(..n).unwrap_or_default();
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
                    buf.copy_within(start..n, 0);
                    return Ok(n - start);
                }
                None => {
                    self.skipped += n;
                    if self.skipped > MAX_SKIPPED {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!(
                                "more than {MAX_SKIPPED} bytes of plaintext after the STARTTLS OK \
                                 and no TLS record: not a TLS server"
                            ),
                        ));
                    }
                }
            }
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
