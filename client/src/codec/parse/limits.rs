//! Bounds on what one response may make the client hold.

/// Bounds on one response, checked by the framer and the parser.
///
/// A server (or an attacker before TLS) decides what it sends; these limits
/// decide what the client is willing to hold. Every default is safe for a
/// normal mailbox and may be raised for unusual ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest line, in bytes, not counting literal data (the line of a
    /// `SEARCH` result over a large mailbox is the usual long one).
    /// Default 8 MiB.
    pub max_line: usize,
    /// Largest literal held in memory. A larger announcement is an error,
    /// unless the framer streams literals above a threshold
    /// (see `Framer::stream_literals_above`). Default 64 MiB.
    pub max_literal: u64,
    /// Deepest nesting of parenthesised lists (body structures, body
    /// extensions). Default 32.
    pub max_depth: usize,
    /// Most literals in one response. Default 1,048,576.
    pub max_literals: usize,
    /// Largest response held in memory, lines and literals together.
    /// Default 256 MiB.
    pub max_response: usize,
}

impl Limits {
    /// The defaults listed on each field.
    pub const DEFAULT: Limits = Limits {
        max_line: 8 << 20,
        max_literal: 64 << 20,
        max_depth: 32,
        max_literals: 1 << 20,
        max_response: 256 << 20,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}
