//! STATUS data items (RFC 3501 section 6.3.10).

use std::fmt;

/// A STATUS data item name, such as `MESSAGES` or `UIDNEXT`.
///
/// The items themselves are declared in the spec (`[[status_att]]`) and
/// generated as constructors; this type only carries the wire name and the
/// capability a server must advertise for it (`HIGHESTMODSEQ` needs
/// CONDSTORE).
///
/// ```text
/// status-att      = "MESSAGES" / "RECENT" / "UIDNEXT" / "UIDVALIDITY" /
///                   "UNSEEN"
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusItem {
    name: &'static str,
    capability: Option<&'static str>,
}

impl StatusItem {
    /// The item with this wire name (an atom; checked when encoded) and
    /// the capability it needs: what the generated constructors build.
    pub const fn new(name: &'static str, capability: Option<&'static str>) -> Self {
        StatusItem { name, capability }
    }

    /// The wire name.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The capability a server must advertise for this item, if any.
    pub const fn capability(&self) -> Option<&'static str> {
        self.capability
    }
}

/// Calls `need` with the capability of every item that has one (the
/// session checks them before sending a STATUS).
pub fn each_capability(items: &[StatusItem], need: &mut dyn FnMut(&str)) {
    items
        .iter()
        .filter_map(StatusItem::capability)
        .for_each(need);
}

impl fmt::Display for StatusItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}
