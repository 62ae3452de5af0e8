//! The error every parse function returns.

use std::fmt;

/// How many bytes of input a [`ParseError`] quotes.
const SNIPPET_LEN: usize = 24;

/// A response that does not follow the grammar.
///
/// It names what the parser expected, the byte offset in the response where
/// it was expected, and a short escaped snippet of what came instead, so a
/// log line is enough to understand a server's deviation.
#[derive(Clone, PartialEq, Eq)]
pub struct ParseError(Box<Detail>);

/// What a [`ParseError`] reports, boxed so that a `Result` carrying it
/// stays small on the success path (most parse functions return in
/// registers).
#[derive(Clone, PartialEq, Eq)]
struct Detail {
    expected: String,
    offset: usize,
    found: String,
}

impl ParseError {
    /// An error at `offset` in `input`: `expected` names what the grammar asks
    /// for there (`"SP"`, `"number"`, `"\")\" closing the flag list"`).
    #[cold]
    pub fn new(expected: impl Into<String>, input: &[u8], offset: usize) -> Self {
        let rest = input.get(offset..).unwrap_or_default();
        let shown = rest.get(..SNIPPET_LEN).unwrap_or(rest);
        let mut found = escape(shown);
        if rest.len() > SNIPPET_LEN {
            found.push_str("...");
        }
        Self(Box::new(Detail {
            expected: expected.into(),
            offset,
            found,
        }))
    }

    /// What the grammar asked for.
    pub fn expected(&self) -> &str {
        &self.0.expected
    }

    /// The byte offset in the response where it was asked for.
    pub fn offset(&self) -> usize {
        self.0.offset
    }

    /// An escaped snippet of the input at [`offset`](Self::offset) (`"end of
    /// input"` when nothing was left).
    pub fn found(&self) -> &str {
        &self.0.found
    }
}

/// Escapes bytes for an error message: printable ASCII as is, the rest as
/// `\r`, `\n`, `\t` or `\xNN`.
pub(crate) fn escape(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "end of input".to_owned();
    }
    bytes.escape_ascii().to_string()
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "expected {} at byte {}, found `{}`",
            self.0.expected, self.0.offset, self.0.found
        )
    }
}

impl fmt::Debug for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ParseError({self})")
    }
}

impl std::error::Error for ParseError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_expected_offset_and_escaped_snippet() {
        let err = ParseError::new("number", b"* 12x EXISTS\r\n", 4);
        assert_eq!(
            err.to_string(),
            "expected number at byte 4, found `x EXISTS\\r\\n`"
        );
    }

    #[test]
    fn snippet_is_cut_and_marked() {
        let input = [b'a'; 100];
        let err = ParseError::new("SP", &input, 0);
        assert_eq!(err.found(), format!("{}...", "a".repeat(SNIPPET_LEN)));
    }

    #[test]
    fn offset_past_the_end_reads_end_of_input() {
        let err = ParseError::new("CRLF", b"abc", 7);
        assert_eq!(err.found(), "end of input");
    }
}
