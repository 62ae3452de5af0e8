//! SORT (RFC 5256): sort keys and criteria.
//! thread trees of a THREAD response.

use std::fmt;

/// What SORT orders by (RFC 5256 section 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortKey {
    /// `ARRIVAL`: the internal date and time.
    Arrival,
    /// `CC`: the mailbox part of the first Cc address.
    Cc,
    /// `DATE`: the Date header (the internal date when it is missing or
    /// invalid).
    Date,
    /// `FROM`: the mailbox part of the first From address.
    From,
    /// `SIZE`: RFC822.SIZE.
    Size,
    /// `SUBJECT`: the base subject (without `Re:`, `Fwd:` and the like).
    Subject,
    /// `TO`: the mailbox part of the first To address.
    To,
}

impl SortKey {
    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            SortKey::Arrival => "ARRIVAL",
            SortKey::Cc => "CC",
            SortKey::Date => "DATE",
            SortKey::From => "FROM",
            SortKey::Size => "SIZE",
            SortKey::Subject => "SUBJECT",
            SortKey::To => "TO",
        }
    }

    /// This key in descending order (`REVERSE`).
    pub fn reverse(self) -> SortCriterion {
        SortCriterion {
            reverse: true,
            key: self,
        }
    }
}

/// One sort criterion: a key, possibly reversed.
///
/// ```text
/// sort-criterion = ["REVERSE" SP] sort-key
/// ```
///
/// ```
/// use typed_imap::types::{SortCriterion, SortKey};
/// assert_eq!(SortKey::Date.reverse().to_string(), "REVERSE DATE");
/// assert_eq!(SortCriterion::from(SortKey::Size).to_string(), "SIZE");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SortCriterion {
    /// Descending instead of ascending.
    pub reverse: bool,
    /// The key.
    pub key: SortKey,
}

impl From<SortKey> for SortCriterion {
    fn from(key: SortKey) -> Self {
        SortCriterion {
            reverse: false,
            key,
        }
    }
}

impl fmt::Display for SortCriterion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.reverse {
            f.write_str("REVERSE ")?;
        }
        f.write_str(self.key.name())
    }
}
