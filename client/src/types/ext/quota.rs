//! Quotas (RFC 2087, RFC 9208): resource usage and limits of a quota root.

/// One resource of a QUOTA response: how much is used of how much.
///
/// ```text
/// quota-resource = resource-name SP resource-usage SP resource-limit
/// ```
///
/// Units are the resource's: `STORAGE` counts KiB (1024 octets),
/// `MESSAGE` messages, `MAILBOX` mailboxes (RFC 9208 section 5).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QuotaResource {
    /// The resource name as the server sent it (`STORAGE`, `MESSAGE`).
    pub name: String,
    /// The current usage.
    pub usage: u64,
    /// The limit.
    pub limit: u64,
}

impl QuotaResource {
    /// Whether this is the resource `name` (ASCII case-insensitive).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

/// One limit of SETQUOTA.
///
/// ```text
/// setquota-resource = resource-name SP resource-limit
/// ```
///
/// ```
/// use typed_imap::types::QuotaLimit;
/// let limit = QuotaLimit::storage(512 * 1024);
/// assert_eq!((limit.name.as_str(), limit.limit), ("STORAGE", 524288));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QuotaLimit {
    /// The resource name, an atom (`STORAGE`).
    pub name: String,
    /// The new limit, in the resource's unit.
    pub limit: u64,
}

impl QuotaLimit {
    /// A limit on the resource `name`.
    pub fn new(name: impl Into<String>, limit: u64) -> Self {
        QuotaLimit {
            name: name.into(),
            limit,
        }
    }

    /// `STORAGE`: the sum of the messages' sizes, in KiB.
    pub fn storage(kibibytes: u64) -> Self {
        QuotaLimit::new("STORAGE", kibibytes)
    }

    /// `MESSAGE`: the number of messages.
    pub fn messages(count: u64) -> Self {
        QuotaLimit::new("MESSAGE", count)
    }
}
