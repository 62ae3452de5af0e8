//! What the encoder refuses, and why.

/// An argument the encoder refused. The command is incomplete and must
/// not be sent: the encoder is dropped and nothing reaches the wire.
///
/// Each variant names the grammar type (`what`), shows the argument
/// (escaped and shortened; hidden for passwords) and says why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// A NUL byte, which IMAP cannot carry outside a literal8.
    #[error("{what} {value} refused: NUL byte at offset {offset} (IMAP carries NUL only in a literal8, RFC 3516)")]
    Nul {
        /// The grammar type.
        what: &'static str,
        /// The argument, escaped.
        value: String,
        /// Offset of the NUL.
        offset: usize,
    },
    /// A value that must be an atom (a flag, a keyword, a protocol token)
    /// but holds an atom-special, a control, an 8-bit byte, or nothing.
    #[error("{what} {value} refused: not an atom ({reason})")]
    NotAtom {
        /// The grammar type.
        what: &'static str,
        /// The argument, escaped.
        value: String,
        /// Which byte, or that it is empty.
        reason: String,
    },
    /// A CR or LF in an argument written verbatim, which would end the
    /// command line early.
    #[error("{what} {value} refused: CR or LF at offset {offset} would split the command")]
    LineBreak {
        /// The grammar type.
        what: &'static str,
        /// The argument, escaped.
        value: String,
        /// Offset of the CR or LF.
        offset: usize,
    },
    /// Any other value the grammar does not allow.
    #[error("{what} {value} refused: {reason}")]
    Invalid {
        /// The grammar type.
        what: &'static str,
        /// The argument, escaped.
        value: String,
        /// What the grammar requires.
        reason: String,
    },
}

/// Longest argument shown in an error, in escaped characters.
const SHOWN: usize = 64;

/// The argument as shown in an error: quoted, escaped, shortened.
pub(crate) fn show(bytes: &[u8]) -> String {
    let escaped: String = bytes.escape_ascii().to_string();
    let mut out = String::from("\"");
    if escaped.len() > SHOWN {
        out.extend(escaped.chars().take(SHOWN));
        out.push_str("\"...");
    } else {
        out.push_str(&escaped);
        out.push('"');
    }
    out
}

/// How a secret appears in an error.
pub(crate) const HIDDEN: &str = "(hidden)";
