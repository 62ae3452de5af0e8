//! Strings located in the frame (see `types::located`): what the envelope
//! and body structure parsers record instead of a [`Bytes`](bytes::Bytes)
//! per string.

use crate::types::located::{Strings, Text};

use super::{ParseError, Parser, StrAt};

/// `nstring`, located in the frame (or unescaped into `strings`).
///
/// The common cases, a quoted string and NIL, are tried first and
/// directly: this is the path of most strings of a FETCH response.
#[inline]
pub(crate) fn nstring(p: &mut Parser<'_>, strings: &mut Strings) -> Result<Text, ParseError> {
    match p.peek() {
        Some(b'"') => {
            let start = p.position();
            let at = p.quoted_at(strings.unescaped_mut())?;
            text(p, at, start)
        }
        Some(b'N' | b'n') if p.nil() => Ok(Text::NIL),
        _ => string(p, strings),
    }
}

/// `string` (never NIL), located like [`nstring`].
pub(crate) fn string(p: &mut Parser<'_>, strings: &mut Strings) -> Result<Text, ParseError> {
    let start = p.position();
    let at = p.string_at(strings.unescaped_mut())?;
    text(p, at, start)
}

/// The offsets of a located string, which must fit in 31 bits.
#[inline(always)]
fn text(p: &Parser<'_>, at: StrAt, start: usize) -> Result<Text, ParseError> {
    let text = match at {
        StrAt::Frame { start, len } => Text::frame(start, len),
        StrAt::Buffer { start, len } => Text::unescaped(start, len),
    };
    text.ok_or_else(|| p.error_at("a string within the first 2 GiB of a response", start))
}
