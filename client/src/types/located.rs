//! Strings located in a response rather than copied out of it: the store
//! behind [`Envelope`](super::Envelope) and
//! [`BodyStructure`](super::BodyStructure).
//!
//! Those two hold many short strings. One reference-counted handle on the
//! response plus offsets costs one refcount update per value instead of one
//! per string, and the offsets live in a few flat lists (docs/performance.md).

use std::fmt;

use bytes::Bytes;

/// The response frame a value's strings are in, and the quoted strings that
/// held escapes, unescaped.
#[derive(Clone, Default)]
pub(crate) struct Strings {
    frame: Bytes,
    unescaped: Vec<u8>,
}

/// Where one string is: in the frame, in the unescaped buffer, or nowhere
/// (NIL).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Text {
    /// NIL.
    #[default]
    Nil,
    /// A range of the frame: start and length.
    Frame(u32, u32),
    /// A range of the unescaped buffer: start and length.
    Unescaped(u32, u32),
}

impl Strings {
    /// A store whose strings will be in `frame`.
    pub(crate) fn in_frame(frame: Bytes) -> Self {
        Strings {
            frame,
            unescaped: Vec::new(),
        }
    }

    /// The buffer quoted strings with escapes are unescaped into.
    pub(crate) fn unescaped_mut(&mut self) -> &mut Vec<u8> {
        &mut self.unescaped
    }

    /// The bytes of a string (`None` for NIL, or an out-of-range offset,
    /// which the parser never makes).
    pub(crate) fn get(&self, text: Text) -> Option<&[u8]> {
        let (buffer, start, len) = match text {
            Text::Nil => return None,
            Text::Frame(start, len) => (&self.frame[..], start, len),
            Text::Unescaped(start, len) => (&self.unescaped[..], start, len),
        };
        let start = start as usize;
        buffer.get(start..start.checked_add(len as usize)?)
    }
}

/// Bytes shown as lossy UTF-8 in `Debug`.
pub(crate) struct Lossy<'a>(pub(crate) &'a [u8]);

impl fmt::Debug for Lossy<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&String::from_utf8_lossy(self.0), f)
    }
}
