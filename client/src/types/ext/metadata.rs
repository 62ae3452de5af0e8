//! Mailbox and server annotations (METADATA, RFC 5464): entry names,
//! values, GETMETADATA's options and the METADATA response code.

use bytes::Bytes;

/// One entry and its value: what SETMETADATA sets and a METADATA
/// response returns.
///
/// ```text
/// entry-value = entry SP value
/// entry       = astring    ; `/private/...` or `/shared/...`
/// value       = nstring / literal8
/// ```
///
/// ```
/// use typed_imap::types::MetadataEntry;
/// let set = MetadataEntry::new("/private/comment", "hello");
/// let delete = MetadataEntry::remove("/private/comment");
/// assert_eq!(set.value.as_deref(), Some(&b"hello"[..]));
/// assert_eq!(delete.value, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MetadataEntry {
    /// The entry name, a slash-separated path.
    pub name: String,
    /// The value; `None` is NIL (SETMETADATA: delete the entry;
    /// GETMETADATA: it has no value).
    pub value: Option<Bytes>,
}

impl MetadataEntry {
    /// The entry `name` with this value.
    pub fn new(name: impl Into<String>, value: impl Into<Bytes>) -> Self {
        MetadataEntry {
            name: name.into(),
            value: Some(value.into()),
        }
    }

    /// The entry `name` with NIL: SETMETADATA removes it.
    pub fn remove(name: impl Into<String>) -> Self {
        MetadataEntry {
            name: name.into(),
            value: None,
        }
    }
}

/// What a METADATA response carries.
///
/// ```text
/// metadata-resp = "METADATA" SP mailbox SP (entry-values / entry-list)
/// entry-values  = "(" entry-value *(SP entry-value) ")"
/// entry-list    = entry *(SP entry)   ; unsolicited: these changed
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetadataData {
    /// Entries and their values (the answer to GETMETADATA).
    Values(Vec<MetadataEntry>),
    /// Names of entries that changed (unsolicited, without values).
    Changed(Vec<String>),
}

impl MetadataData {
    /// The entries with values (none for [`MetadataData::Changed`]).
    pub fn values(&self) -> &[MetadataEntry] {
        match self {
            MetadataData::Values(values) => values,
            MetadataData::Changed(_) => &[],
        }
    }

    /// The entry named `name` (ASCII case-insensitive, as entry names
    /// are), if the response holds its value.
    pub fn get(&self, name: &str) -> Option<&MetadataEntry> {
        self.values()
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(name))
    }
}

/// How deep below the named entries GETMETADATA goes (`DEPTH`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetadataDepth {
    /// `0`: only the entries named (the default).
    Zero,
    /// `1`: also their immediate children.
    One,
    /// `infinity`: every descendant.
    Infinity,
}

/// GETMETADATA's options: `(MAXSIZE n DEPTH d)`.
///
/// ```
/// use typed_imap::types::{MetadataDepth, MetadataOptions};
/// let options = MetadataOptions::default().max_size(1024).depth(MetadataDepth::One);
/// assert_eq!(options.max_size, Some(1024));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct MetadataOptions {
    /// `MAXSIZE`: values longer than this many octets are left out (and
    /// counted in `[METADATA LONGENTRIES n]`).
    pub max_size: Option<u32>,
    /// `DEPTH`: how many levels below the named entries.
    pub depth: Option<MetadataDepth>,
}

impl MetadataOptions {
    /// With `MAXSIZE`.
    pub fn max_size(mut self, octets: u32) -> Self {
        self.max_size = Some(octets);
        self
    }

    /// With `DEPTH`.
    pub fn depth(mut self, depth: MetadataDepth) -> Self {
        self.depth = Some(depth);
        self
    }
}

/// The METADATA response code (RFC 5464 section 4.2 and 4.3).
///
/// ```text
/// resp-text-code =/ "METADATA" SP ("LONGENTRIES" SP number /
///                   "MAXSIZE" SP number / "TOOMANY" / "NOPRIVATE")
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetadataCode {
    /// GETMETADATA left out values longer than MAXSIZE; the longest is
    /// this many octets.
    LongEntries(u32),
    /// SETMETADATA refused: a value is larger than this many octets.
    MaxSize(u32),
    /// SETMETADATA refused: too many entries.
    TooMany,
    /// SETMETADATA refused: private entries cannot be stored.
    NoPrivate,
}
