//! STATUS data items (RFC 3501 section 6.3.10).

use std::fmt;

/// A STATUS data item name, such as `MESSAGES` or `UIDNEXT`.
///
/// The items themselves are declared in the spec (`[[status_att]]`) and
/// generated as constructors; this type only carries the wire name.
///
/// ```text
/// status-att      = "MESSAGES" / "RECENT" / "UIDNEXT" / "UIDVALIDITY" /
///                   "UNSEEN"
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusItem(&'static str);

impl StatusItem {
    /// The item with this wire name (an atom; checked when encoded).
    pub const fn new(name: &'static str) -> Self {
        StatusItem(name)
    }

    /// The wire name.
    pub const fn name(&self) -> &'static str {
        self.0
    }
}

impl fmt::Display for StatusItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}
