//! COMPRESS=DEFLATE (RFC 4978): both directions of a connection as raw
//! DEFLATE streams (RFC 1951, no zlib header), flushed at each write so
//! that a command reaches the server at once.

use std::io::{self, Read, Write};

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

/// How much compressed input is read at once.
const CHUNK: usize = 16 * 1024;

/// Both directions of COMPRESS=DEFLATE, without I/O: the blocking
/// [`Deflate`] stream and the async driver share it.
pub(crate) struct DeflateCodec {
    compress: Compress,
    decompress: Decompress,
    /// Inflation reached the end of the DEFLATE stream.
    finished: bool,
}

impl DeflateCodec {
    pub(crate) fn new() -> Self {
        DeflateCodec {
            // RFC 4978 section 4: raw DEFLATE, no zlib header.
            compress: Compress::new(Compression::default(), false),
            decompress: Decompress::new(false),
            finished: false,
        }
    }

    /// `input` deflated with a sync flush, so that the peer can inflate
    /// all of it at once.
    pub(crate) fn deflate(&mut self, input: &[u8]) -> io::Result<Vec<u8>> {
        let mut output = Vec::with_capacity(input.len() / 2 + 64);
        let mut rest = input;
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
                return Ok(output);
            }
        }
    }

    /// Inflates all of `input`, appending to `output`.
    pub(crate) fn inflate(&mut self, mut input: &[u8], output: &mut Vec<u8>) -> io::Result<()> {
        while !self.finished {
            if output.capacity() - output.len() < CHUNK {
                output.reserve(CHUNK);
            }
            let (in_before, out_before) = (self.decompress.total_in(), self.decompress.total_out());
            let status = self
                .decompress
                .decompress_vec(input, output, FlushDecompress::None)
                .map_err(corrupt)?;
            let used = usize::try_from(self.decompress.total_in() - in_before).map_err(corrupt)?;
            let produced = self.decompress.total_out() - out_before;
            input = input.get(used..).unwrap_or_default();
            if status == Status::StreamEnd {
                self.finished = true;
            }
            // A full output may leave inflated bytes inside the
            // decompressor: call again even without input.
            let filled = output.len() == output.capacity();
            if input.is_empty() && !filled {
                break;
            }
            if used == 0 && produced == 0 && !filled {
                return Err(corrupt("the DEFLATE stream makes no progress"));
            }
        }
        Ok(())
    }
}

/// A stream whose bytes are deflated on the way out and inflated on the
/// way in.
pub struct Deflate<S> {
    inner: S,
    codec: DeflateCodec,
    /// Inflated bytes not handed out yet, from `taken` on.
    inflated: Vec<u8>,
    taken: usize,
}

impl<S> std::fmt::Debug for Deflate<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deflate")
            .field("total_in", &self.codec.decompress.total_in())
            .field("total_out", &self.codec.compress.total_out())
            .finish_non_exhaustive()
    }
}

impl<S> Deflate<S> {
    /// Compresses both directions of `inner` from now on.
    pub fn new(inner: S) -> Self {
        Deflate {
            inner,
            codec: DeflateCodec::new(),
            inflated: Vec::new(),
            taken: 0,
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
        if buf.is_empty() {
            return Ok(0);
        }
        let mut compressed = [0u8; CHUNK];
        while self.taken == self.inflated.len() {
            if self.codec.finished {
                return Ok(0);
            }
            self.inflated.clear();
            self.taken = 0;
            let n = self.inner.read(&mut compressed)?;
            if n == 0 {
                return Ok(0);
            }
            self.codec
                .inflate(compressed.get(..n).unwrap_or_default(), &mut self.inflated)?;
        }
        let ready = self.inflated.get(self.taken..).unwrap_or_default();
        let n = ready.len().min(buf.len());
        buf.get_mut(..n)
            .unwrap_or_default()
            .copy_from_slice(ready.get(..n).unwrap_or_default());
        self.taken += n;
        Ok(n)
    }
}

impl<S: Write> Write for Deflate<S> {
    /// Deflates all of `buf` with a sync flush and writes it out.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let output = self.codec.deflate(buf)?;
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
    fn the_codec_gives_out_everything_even_when_it_fills_the_output() {
        // 3 MiB of zeros deflate to a few KB, each read of which inflates
        // to far more than one reservation of output.
        let body = vec![0u8; 3 * 1024 * 1024];
        let mut sender = DeflateCodec::new();
        let wire = sender.deflate(&body).unwrap();
        let mut receiver = DeflateCodec::new();
        let mut out = Vec::new();
        for chunk in wire.chunks(1000) {
            receiver.inflate(chunk, &mut out).unwrap();
        }
        assert_eq!(out.len(), body.len());
    }

    #[test]
    fn the_codec_inflates_what_it_deflated_in_any_split() {
        let mut sender = DeflateCodec::new();
        let wire = sender.deflate(b"A1 NOOP\r\nA2 LOGOUT\r\n").unwrap();
        for split in 0..wire.len() {
            let mut receiver = DeflateCodec::new();
            let mut out = Vec::new();
            receiver.inflate(&wire[..split], &mut out).unwrap();
            receiver.inflate(&wire[split..], &mut out).unwrap();
            assert_eq!(out, b"A1 NOOP\r\nA2 LOGOUT\r\n", "split at {split}");
        }
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
