//! SORT (RFC 5256): sort keys and criteria.

use std::fmt;

/// What SORT orders by, such as `DATE` or `SUBJECT` (RFC 5256 section 3).
///
/// The keys themselves are declared in the spec (`[[sort_key]]`) and
/// generated as constructors (`SortKey::date()`, SORT=DISPLAY's
/// `SortKey::display_from()`); this type carries the wire name and the
/// capability a server must advertise for it.
///
/// ```text
/// sort-key = "ARRIVAL" / "CC" / "DATE" / "FROM" / "SIZE" / "SUBJECT" / "TO"
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SortKey {
    name: &'static str,
    capability: Option<&'static str>,
}

impl SortKey {
    /// The key with this wire name (an atom) and the capability it needs:
    /// what the generated constructors build.
    pub const fn new(name: &'static str, capability: Option<&'static str>) -> Self {
        SortKey { name, capability }
    }

    /// The wire name.
    pub const fn name(self) -> &'static str {
        self.name
    }

    /// The capability a server must advertise for this key, if any.
    pub const fn capability(self) -> Option<&'static str> {
        self.capability
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
/// assert_eq!(SortKey::date().reverse().to_string(), "REVERSE DATE");
/// assert_eq!(SortCriterion::from(SortKey::size()).to_string(), "SIZE");
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

/// Calls `need` with the capability of every key that has one (the
/// session checks them before sending a SORT).
pub fn each_capability(criteria: &[SortCriterion], need: &mut dyn FnMut(&str)) {
    criteria
        .iter()
        .filter_map(|c| c.key.capability())
        .for_each(need);
}
