//! APPENDLIMIT (RFC 7889): the largest message a server accepts.

/// The value of the `APPENDLIMIT` status attribute of a mailbox.
///
/// ```text
/// status-att-val =/ "APPENDLIMIT" SP (number / nil)
/// ```
///
/// The server-wide limit comes with the capability instead:
/// [`Capability::append_limit`](crate::types::Capability::append_limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppendLimit {
    /// APPEND to this mailbox accepts messages up to this many octets.
    Octets(u64),
    /// `NIL`: no limit is set for this mailbox.
    Unlimited,
}

impl AppendLimit {
    /// The limit in octets, `None` when unlimited.
    pub fn octets(self) -> Option<u64> {
        match self {
            AppendLimit::Octets(octets) => Some(octets),
            AppendLimit::Unlimited => None,
        }
    }
}
