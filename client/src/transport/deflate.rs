//! COMPRESS=DEFLATE (RFC 4978): both directions of a connection as raw
//! DEFLATE streams (RFC 1951, no zlib header), flushed at each write so
//! that a command reaches the server at once.

use std::io::{self, Read, Write};

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

/// How much compressed input is read at once.
const CHUNK: usize = 16 * 1024;

/// A stream whose bytes are deflated on the way out and inflated on the
/// way in.
pub struct Deflate<S> {
    inner: S,
    compress: Compress,
    decompress: Decompress,
    /// Compressed bytes read from `inner` and not inflated yet.
    input: Vec<u8>,
    /// How much of `input` was inflated.
    consumed: usize,
    /// Inflation reached the end of the DEFLATE stream.
    finished: bool,
}

impl<S> std::fmt::Debug for Deflate<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deflate")
            .field("total_in", &self.decompress.total_in())
            .field("total_out", &self.compress.total_out())
            .finish_non_exhaustive()
    }
}

impl<S> Deflate<S> {
    /// Compresses both directions of `inner` from now on.
    pub fn new(inner: S) -> Self {
        Deflate {
            inner,
            // RFC 4978 section 4: raw DEFLATE, no zlib header.
            compress: Compress::new(Compression::default(), false),
            decompress: Decompress::new(false),
            input: Vec::with_capacity(CHUNK),
            consumed: 0,
            finished: false,
        }
    }

    /// The stream underneath.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The stream underneath, mutably (writing to it directly corrupts
    /// the compressed stream).
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }
}

fn corrupt(error: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("COMPRESS=DEFLATE stream corrupt: {error}"),
    )
}

impl<S: Read> Read for Deflate<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() || self.finished {
            return Ok(0);
        }
        loop {
            let pending = self.input.get(self.consumed..).unwrap_or_default();
            if !pending.is_empty() {
                let (in_before, out_before) =
                    (self.decompress.total_in(), self.decompress.total_out());
                let status = self
                    .decompress
                    .decompress(pending, buf, FlushDecompress::None)
                    .map_err(corrupt)?;
                let used =
                    usize::try_from(self.decompress.total_in() - in_before).map_err(corrupt)?;
                let produced =
                    usize::try_from(self.decompress.total_out() - out_before).map_err(corrupt)?;
                self.consumed += used;
                if status == Status::StreamEnd {
                    self.finished = true;
                }
                if produced > 0 || self.finished {
                    return Ok(produced);
                }
                if used > 0 {
                    continue;
                }
            }
            // Everything read so far is inflated: read more.
            self.input.clear();
            self.consumed = 0;
            self.input.resize(CHUNK, 0);
            let n = match self.inner.read(&mut self.input) {
                Ok(n) => n,
                Err(error) => {
                    self.input.clear();
                    return Err(error);
                }
            };
            self.input.truncate(n);
            if n == 0 {
                return Ok(0);
            }
        }
    }
}

impl<S: Write> Write for Deflate<S> {
    /// Deflates all of `buf` with a sync flush and writes it out.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut output = Vec::with_capacity(buf.len() / 2 + 64);
        let mut rest = buf;
        loop {
            if output.capacity() - output.len() < 64 {
                output.reserve(output.capacity().max(1024));
            }
            let before = self.compress.total_in();
            self.compress
                .compress_vec(rest, &mut output, FlushCompress::Sync)
                .map_err(corrupt)?;
            let used = usize::try_from(self.compress.total_in() - before).map_err(corrupt)?;
            rest = rest.get(used..).unwrap_or_default();
            // Done when all input is in and the flush fit in the buffer.
            if rest.is_empty() && output.len() < output.capacity() {
                break;
            }
        }
        self.inner.write_all(&output)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// Bytes as a raw DEFLATE peer would send them.
    fn deflated(chunks: &[&[u8]]) -> Vec<u8> {
        let mut writer = Deflate::new(Vec::new());
        for chunk in chunks {
            writer.write_all(chunk).unwrap();
        }
        writer.inner
    }

    #[test]
    fn round_trip_of_commands_and_a_large_body() {
        let body: Vec<u8> = (0..200_000u32).flat_map(|n| n.to_le_bytes()).collect();
        let wire = deflated(&[b"A1 NOOP\r\n", &body, b"A2 LOGOUT\r\n"]);
        let mut reader = Deflate::new(Cursor::new(wire));
        let mut out = Vec::new();
        reader.read_to_end(&mut out).unwrap();
        let mut expected = b"A1 NOOP\r\n".to_vec();
        expected.extend_from_slice(&body);
        expected.extend_from_slice(b"A2 LOGOUT\r\n");
        assert!(out == expected);
    }

    #[test]
    fn each_write_is_flushed_to_a_byte_boundary() {
        // After a sync flush the receiver can inflate everything written so
        // far without waiting for more.
        let first = deflated(&[b"A1 NOOP\r\n"]);
        let mut reader = Deflate::new(Cursor::new(first));
        let mut buf = [0u8; 64];
        let n = reader.read(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"A1 NOOP\r\n");
    }

    #[test]
    fn garbage_is_invalid_data() {
        let mut reader = Deflate::new(Cursor::new(vec![0xff; 64]));
        let error = reader.read_to_end(&mut Vec::new()).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    }
}
