//! The message of an APPEND: bytes in memory, or only a length, its bytes
//! copied by the driver from a reader of the caller's as they go out
//! (`Client::run_from`), so that a message far larger than memory is never
//! held whole.

use std::fmt;

/// The message an APPEND (or one of MULTIAPPEND's) carries.
///
/// ```
/// use typed_imap::types::MessageData;
///
/// let small = MessageData::from("Subject: hi\r\n\r\nhello\r\n");
/// assert_eq!(small.len(), 22);
/// // 50 MB from a file: only its length here, the bytes come from the
/// // reader given to `Client::run_from` when the server is ready.
/// let large = MessageData::external(50 * 1024 * 1024);
/// assert!(large.is_external());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct MessageData {
    source: Source,
    binary: bool,
}

#[derive(Clone, PartialEq, Eq)]
enum Source {
    Bytes(Vec<u8>),
    External(u64),
}

impl MessageData {
    /// A message held in memory.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        MessageData {
            source: Source::Bytes(bytes.into()),
            binary: false,
        }
    }

    /// A message of `len` bytes that the driver copies from a reader as
    /// the literal is sent: give the reader to `Client::run_from` (one
    /// reader per external message, in order).
    pub fn external(len: u64) -> Self {
        MessageData {
            source: Source::External(len),
            binary: false,
        }
    }

    /// Sends it as a binary literal `~{n}` (RFC 3516, needs `BINARY`): it
    /// may then hold NUL and bare CR or LF, as in a message of 8-bit or
    /// binary content.
    pub fn binary(mut self) -> Self {
        self.binary = true;
        self
    }

    /// Its length in bytes.
    pub fn len(&self) -> u64 {
        match &self.source {
            Source::Bytes(bytes) => u64::try_from(bytes.len()).unwrap_or(u64::MAX),
            Source::External(len) => *len,
        }
    }

    /// Whether it has no byte.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes, when held in memory.
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.source {
            Source::Bytes(bytes) => Some(bytes),
            Source::External(_) => None,
        }
    }

    /// Whether its bytes come from a reader of the driver's.
    pub fn is_external(&self) -> bool {
        matches!(self.source, Source::External(_))
    }

    /// Whether it goes as a binary literal (`~{n}`).
    pub fn is_binary(&self) -> bool {
        self.binary
    }

    /// The capabilities sending it needs: `BINARY` for a binary literal.
    pub fn each_capability(&self, need: &mut dyn FnMut(&str)) {
        if self.binary {
            need("BINARY");
        }
    }
}

impl fmt::Debug for MessageData {
    /// The length and form, not the content.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageData")
            .field("len", &self.len())
            .field("external", &self.is_external())
            .field("binary", &self.binary)
            .finish()
    }
}

impl From<Vec<u8>> for MessageData {
    fn from(bytes: Vec<u8>) -> Self {
        MessageData::new(bytes)
    }
}

impl From<&[u8]> for MessageData {
    fn from(bytes: &[u8]) -> Self {
        MessageData::new(bytes)
    }
}

impl<const N: usize> From<&[u8; N]> for MessageData {
    fn from(bytes: &[u8; N]) -> Self {
        MessageData::new(&bytes[..])
    }
}

impl From<&Vec<u8>> for MessageData {
    fn from(bytes: &Vec<u8>) -> Self {
        MessageData::new(bytes.as_slice())
    }
}

impl From<String> for MessageData {
    fn from(text: String) -> Self {
        MessageData::new(text)
    }
}

impl From<&str> for MessageData {
    fn from(text: &str) -> Self {
        MessageData::new(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_length_not_the_content() {
        let text = format!("{:?}", MessageData::from("secret body"));
        assert!(!text.contains("secret"), "{text}");
        assert!(text.contains("len: 11"), "{text}");
    }

    #[test]
    fn only_a_binary_message_needs_binary() {
        let mut needed = Vec::new();
        MessageData::from("x").each_capability(&mut |c| needed.push(c.to_owned()));
        MessageData::external(3)
            .binary()
            .each_capability(&mut |c| needed.push(c.to_owned()));
        assert_eq!(needed, ["BINARY"]);
    }
}
