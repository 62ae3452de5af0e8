//! Access control lists (RFC 4314): rights, their changes, and the
//! identifier/rights pairs of an ACL response.

use std::fmt;
use std::str::FromStr;

use bytes::Bytes;

/// One RFC 4314 right, a letter (section 2.1); digits and other letters are
/// implementation-defined rights, kept as [`Right::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Right {
    /// `l`: the mailbox is visible to LIST and LSUB.
    Lookup,
    /// `r`: SELECT, EXAMINE, STATUS, FETCH, SEARCH, COPY from the mailbox.
    Read,
    /// `s`: keep the `\Seen` flag across sessions.
    Seen,
    /// `w`: set flags other than `\Seen` and `\Deleted`.
    Write,
    /// `i`: APPEND and COPY into the mailbox.
    Insert,
    /// `p`: send mail to the submission address of the mailbox.
    Post,
    /// `k`: create mailboxes below this one.
    CreateMailbox,
    /// `x`: delete the mailbox, rename it.
    DeleteMailbox,
    /// `t`: set or clear the `\Deleted` flag.
    DeleteMessages,
    /// `e`: EXPUNGE.
    Expunge,
    /// `a`: administer (SETACL, DELETEACL, GETACL, LISTRIGHTS).
    Administer,
    /// `c`: the obsolete RFC 2086 create right (section 2.1.1).
    Create,
    /// `d`: the obsolete RFC 2086 delete right (section 2.1.1).
    Delete,
    /// Another letter or a digit: a right the server defines.
    Other(char),
}

impl Right {
    /// The right of a letter or digit; `None` for any other character.
    pub fn from_letter(letter: char) -> Option<Right> {
        Some(match letter {
            'l' => Right::Lookup,
            'r' => Right::Read,
            's' => Right::Seen,
            'w' => Right::Write,
            'i' => Right::Insert,
            'p' => Right::Post,
            'k' => Right::CreateMailbox,
            'x' => Right::DeleteMailbox,
            't' => Right::DeleteMessages,
            'e' => Right::Expunge,
            'a' => Right::Administer,
            'c' => Right::Create,
            'd' => Right::Delete,
            c if c.is_ascii_alphanumeric() => Right::Other(c),
            _ => return None,
        })
    }

    /// The letter on the wire.
    pub fn letter(self) -> char {
        match self {
            Right::Lookup => 'l',
            Right::Read => 'r',
            Right::Seen => 's',
            Right::Write => 'w',
            Right::Insert => 'i',
            Right::Post => 'p',
            Right::CreateMailbox => 'k',
            Right::DeleteMailbox => 'x',
            Right::DeleteMessages => 't',
            Right::Expunge => 'e',
            Right::Administer => 'a',
            Right::Create => 'c',
            Right::Delete => 'd',
            Right::Other(c) => c,
        }
    }
}

/// A set of rights, in the order the server or the caller gave them.
///
/// ```text
/// rights = astring   ; only lowercase ASCII letters and digits are allowed
/// ```
///
/// ```
/// use typed_imap::types::{Right, Rights};
/// let rights: Rights = "lrs".parse().unwrap();
/// assert!(rights.contains(Right::Seen));
/// assert_eq!(rights.to_string(), "lrs");
/// assert!("l r".parse::<Rights>().is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Rights(Vec<Right>);

impl Rights {
    /// The rights, in order.
    pub fn rights(&self) -> &[Right] {
        &self.0
    }

    /// Whether `right` is among them.
    pub fn contains(&self, right: Right) -> bool {
        self.0.contains(&right)
    }

    /// Whether there are none (`""`).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<const N: usize> From<[Right; N]> for Rights {
    fn from(rights: [Right; N]) -> Self {
        Rights(rights.to_vec())
    }
}

impl FromIterator<Right> for Rights {
    fn from_iter<I: IntoIterator<Item = Right>>(iter: I) -> Self {
        Rights(iter.into_iter().collect())
    }
}

/// Text that is not a string of rights.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid rights {text:?}: {character:?} at offset {offset} is not an ASCII letter or digit"
)]
pub struct RightsError {
    /// The refused text.
    pub text: String,
    /// The first character that is not a right.
    pub character: char,
    /// Its byte offset.
    pub offset: usize,
}

impl FromStr for Rights {
    type Err = RightsError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.char_indices()
            .map(|(offset, character)| {
                Right::from_letter(character).ok_or_else(|| RightsError {
                    text: text.to_owned(),
                    character,
                    offset,
                })
            })
            .collect()
    }
}

impl fmt::Display for Rights {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|r| write!(f, "{}", r.letter()))
    }
}

/// How SETACL changes an identifier's rights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RightsMode {
    /// No prefix: the rights replace the identifier's rights.
    Replace,
    /// `+`: the rights are added.
    Add,
    /// `-`: the rights are removed.
    Remove,
}

/// SETACL's `mod-rights`: rights with an optional `+` or `-`.
///
/// ```text
/// mod-rights = astring   ; +rights to add, -rights to remove
/// ```
///
/// ```
/// use typed_imap::types::{Right, RightsChange};
/// let change = RightsChange::add([Right::Lookup, Right::Read]);
/// assert_eq!(change.to_string(), "+lr");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RightsChange {
    /// Replace, add or remove.
    pub mode: RightsMode,
    /// The rights.
    pub rights: Rights,
}

impl RightsChange {
    /// The identifier gets exactly these rights.
    pub fn replace(rights: impl Into<Rights>) -> Self {
        RightsChange {
            mode: RightsMode::Replace,
            rights: rights.into(),
        }
    }

    /// `+`: these rights are added.
    pub fn add(rights: impl Into<Rights>) -> Self {
        RightsChange {
            mode: RightsMode::Add,
            rights: rights.into(),
        }
    }

    /// `-`: these rights are removed.
    pub fn remove(rights: impl Into<Rights>) -> Self {
        RightsChange {
            mode: RightsMode::Remove,
            rights: rights.into(),
        }
    }
}

impl From<Rights> for RightsChange {
    fn from(rights: Rights) -> Self {
        RightsChange::replace(rights)
    }
}

impl fmt::Display for RightsChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mode {
            RightsMode::Replace => {}
            RightsMode::Add => f.write_str("+")?,
            RightsMode::Remove => f.write_str("-")?,
        }
        self.rights.fmt(f)
    }
}

/// One identifier and its rights, from an ACL response.
///
/// An identifier starting with `-` holds negative rights (RFC 4314
/// section 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclEntry {
    /// The user or group (`anyone`, `owner` on Dovecot, a user name).
    pub identifier: Bytes,
    /// Its rights.
    pub rights: Rights,
}

impl AclEntry {
    /// Whether these are negative rights (`-bob`).
    pub fn is_negative(&self) -> bool {
        self.identifier.first() == Some(&b'-')
    }
}
