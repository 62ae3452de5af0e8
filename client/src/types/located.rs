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

/// Where one string is: a range of the frame or of the unescaped buffer,
/// or nowhere (NIL), in eight bytes (these are most of what an envelope or
/// body structure stores).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Text {
    start: u32,
    /// The length; the top bit marks the unescaped buffer, and all bits
    /// set mark NIL.
    len: u32,
}

const UNESCAPED: u32 = 1 << 31;

impl Text {
    /// NIL.
    pub(crate) const NIL: Text = Text {
        start: 0,
        len: u32::MAX,
    };

    /// A range of the frame, or `None` past the 2 GiB a `Text` can place.
    pub(crate) fn frame(start: usize, len: usize) -> Option<Text> {
        Self::new(start, len, 0)
    }

    /// A range of the unescaped buffer (`None` as for [`frame`](Self::frame)).
    pub(crate) fn unescaped(start: usize, len: usize) -> Option<Text> {
        Self::new(start, len, UNESCAPED)
    }

    #[inline(always)]
    fn new(start: usize, len: usize, flag: u32) -> Option<Text> {
        let start = u32::try_from(start).ok()?;
        let len = u32::try_from(len).ok().filter(|len| *len < UNESCAPED)?;
        Some(Text {
            start,
            len: len | flag,
        })
    }

    /// Whether this is NIL.
    pub(crate) fn is_nil(self) -> bool {
        self == Text::NIL
    }
}

impl Default for Text {
    fn default() -> Self {
        Text::NIL
    }
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
        if text.is_nil() {
            return None;
        }
        let buffer = if text.len & UNESCAPED == 0 {
            &self.frame[..]
        } else {
            &self.unescaped[..]
        };
        let start = text.start as usize;
        buffer.get(start..start.checked_add((text.len & !UNESCAPED) as usize)?)
    }
}

/// Bytes shown as lossy UTF-8 in `Debug`.
pub(crate) struct Lossy<'a>(pub(crate) &'a [u8]);

impl fmt::Debug for Lossy<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&String::from_utf8_lossy(self.0), f)
    }
}
