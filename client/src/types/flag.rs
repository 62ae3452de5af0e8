//! Message flags (RFC 3501 section 2.3.2).

use std::fmt;
use std::str::FromStr;

use crate::codec::parse::UpperName;

/// A message flag: a system flag, a keyword, or an extension flag.
///
/// ```text
/// flag            = "\Answered" / "\Flagged" / "\Deleted" /
///                   "\Seen" / "\Draft" / flag-keyword / flag-extension
/// flag-fetch      = flag / "\Recent"
/// flag-perm       = flag / "\*"
/// flag-keyword    = atom
/// flag-extension  = "\" atom
/// ```
///
/// System flags are matched case-insensitively when parsed. Text that is
/// not a valid flag (an empty name, or a byte among the atom-specials
/// `(){ %*"\]`, a control character or 8-bit) is refused by [`FromStr`] and
/// [`TryFrom`], and by the encoder if a variant was built by hand.
///
/// ```
/// use typed_imap::types::Flag;
/// assert_eq!("\\seen".parse::<Flag>().unwrap(), Flag::Seen);
/// assert_eq!("$Junk".parse::<Flag>().unwrap(), Flag::Keyword("$Junk".into()));
/// assert!("\\Seen) (x".parse::<Flag>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Flag {
    /// `\Seen`: the message has been read.
    Seen,
    /// `\Answered`: the message has been answered.
    Answered,
    /// `\Flagged`: the message is flagged for urgent or special attention.
    Flagged,
    /// `\Deleted`: the message is marked for removal by EXPUNGE.
    Deleted,
    /// `\Draft`: the message is a draft.
    Draft,
    /// `\Recent`: the message arrived recently. Only the server sets it.
    Recent,
    /// `\*` in PERMANENTFLAGS: the client may create new keywords.
    MayCreate,
    /// A keyword (`$Forwarded`, `NonJunk`), without a backslash.
    Keyword(String),
    /// Any other `\Name` flag (mailbox attributes from LIST such as
    /// `\Noselect` arrive this way too); the name is stored without the
    /// backslash.
    Extension(String),
}

/// Why text is not a flag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid flag {flag:?}: {reason}")]
pub struct FlagError {
    /// The refused text.
    pub flag: String,
    /// Why it was refused.
    pub reason: String,
}

/// Whether `byte` is an RFC 3501 ATOM-CHAR: any CHAR except atom-specials.
///
/// ```text
/// atom-specials   = "(" / ")" / "{" / SP / CTL / list-wildcards /
///                   quoted-specials / resp-specials
/// ```
pub fn is_atom_char(byte: u8) -> bool {
    matches!(byte, 0x21..=0x7e)
        && !matches!(byte, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b']')
}

/// Checks that `s` is a non-empty atom; the error says which byte is wrong.
pub(crate) fn check_atom(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("an atom cannot be empty".into());
    }
    match s.bytes().position(|b| !is_atom_char(b)) {
        None => Ok(()),
        Some(offset) => {
            let byte = s.as_bytes().get(offset).copied().unwrap_or(0);
            Err(format!(
                "byte {:?} at offset {offset} is an atom-special, a control or an 8-bit byte",
                char::from(byte)
            ))
        }
    }
}

impl Flag {
    /// A keyword flag, checked to be an atom.
    pub fn keyword(name: impl Into<String>) -> Result<Flag, FlagError> {
        let name = name.into();
        match check_atom(&name) {
            Ok(()) => Ok(Flag::Keyword(name)),
            Err(reason) => Err(FlagError { flag: name, reason }),
        }
    }

    /// A flag as a server sent it, without checks: system flags are
    /// recognised case-insensitively, `\Name` becomes [`Flag::Extension`],
    /// anything else [`Flag::Keyword`]. The encoder still refuses a flag
    /// that is not an atom if it is ever sent back.
    pub fn from_server(text: &str) -> Flag {
        match text.strip_prefix('\\') {
            Some(name) => Flag::from_name(true, name),
            None => Flag::from_name(false, text),
        }
    }

    /// [`from_server`](Self::from_server) with the backslash already read
    /// (`backslash`) and `name` the rest, as the parser has them.
    pub(crate) fn from_name(backslash: bool, name: &str) -> Flag {
        if backslash {
            Flag::system(name.as_bytes()).unwrap_or_else(|| Flag::Extension(name.to_owned()))
        } else {
            Flag::Keyword(name.to_owned())
        }
    }

    /// The system flag (or `\*`) named `name`, without its backslash,
    /// case-insensitively; `None` for any other name.
    pub(crate) fn system(name: &[u8]) -> Option<Flag> {
        Some(match UpperName::new(name).as_bytes() {
            b"SEEN" => Flag::Seen,
            b"ANSWERED" => Flag::Answered,
            b"FLAGGED" => Flag::Flagged,
            b"DELETED" => Flag::Deleted,
            b"DRAFT" => Flag::Draft,
            b"RECENT" => Flag::Recent,
            b"*" => Flag::MayCreate,
            _ => return None,
        })
    }

    /// Whether this is one of the system flags of RFC 3501 (including
    /// `\Recent`).
    pub fn is_system(&self) -> bool {
        !matches!(
            self,
            Flag::Keyword(_) | Flag::Extension(_) | Flag::MayCreate
        )
    }

    /// The flag's wire form, for example `\Seen` or `$Junk`.
    pub fn to_wire(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Flag::Seen => f.write_str("\\Seen"),
            Flag::Answered => f.write_str("\\Answered"),
            Flag::Flagged => f.write_str("\\Flagged"),
            Flag::Deleted => f.write_str("\\Deleted"),
            Flag::Draft => f.write_str("\\Draft"),
            Flag::Recent => f.write_str("\\Recent"),
            Flag::MayCreate => f.write_str("\\*"),
            Flag::Keyword(k) => f.write_str(k),
            Flag::Extension(e) => write!(f, "\\{e}"),
        }
    }
}

impl FromStr for Flag {
    type Err = FlagError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let refuse = |reason: String| FlagError {
            flag: s.to_owned(),
            reason,
        };
        match s.strip_prefix('\\') {
            Some(name) => match Flag::system(name.as_bytes()) {
                Some(flag) => Ok(flag),
                None => check_atom(name)
                    .map(|()| Flag::Extension(name.to_owned()))
                    .map_err(refuse),
            },
            None => check_atom(s)
                .map(|()| Flag::Keyword(s.to_owned()))
                .map_err(refuse),
        }
    }
}

impl TryFrom<&str> for Flag {
    type Error = FlagError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl TryFrom<String> for Flag {
    type Error = FlagError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<&Flag> for Flag {
    fn from(flag: &Flag) -> Self {
        flag.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_flags_parse_case_insensitively() {
        assert_eq!("\\SEEN".parse::<Flag>().unwrap(), Flag::Seen);
        assert_eq!("\\draft".parse::<Flag>().unwrap(), Flag::Draft);
        assert_eq!("\\*".parse::<Flag>().unwrap(), Flag::MayCreate);
    }

    #[test]
    fn unknown_backslash_flag_is_an_extension() {
        assert_eq!(
            "\\Important".parse::<Flag>().unwrap(),
            Flag::Extension("Important".into())
        );
    }

    #[test]
    fn flag_with_atom_specials_is_refused() {
        for bad in [
            "\\Seen) (x",
            "a b",
            "(x",
            "x]",
            "\"",
            "a%",
            "a*",
            "{3}",
            "",
            "\\",
            "é",
        ] {
            assert!(bad.parse::<Flag>().is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn flags_display_in_wire_form() {
        assert_eq!(Flag::Seen.to_string(), "\\Seen");
        assert_eq!(Flag::Extension("Junk".into()).to_string(), "\\Junk");
        assert_eq!(Flag::Keyword("$Junk".into()).to_string(), "$Junk");
    }

    #[test]
    fn from_server_accepts_what_the_server_sent() {
        assert_eq!(Flag::from_server("[test]"), Flag::Keyword("[test]".into()));
        assert_eq!(
            Flag::from_server("\\Noselect"),
            Flag::Extension("Noselect".into())
        );
    }
}
