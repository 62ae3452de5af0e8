//! Message annotations (RFC 5257, ANNOTATE-EXPERIMENT-1): what FETCH asks
//! for and what its ANNOTATION attribute holds.

use bytes::Bytes;

use crate::types::SearchArg;

/// The argument of the ANNOTATION fetch attribute: which entries, and which
/// of their attributes.
///
/// ```text
/// fetch-annotation = "ANNOTATION" SP "(" entries SP attribs ")"
/// entries          = entry-match / "(" entry-match *(SP entry-match) ")"
/// attribs          = attrib-match / "(" attrib-match *(SP attrib-match) ")"
/// ```
///
/// Both are sent as lists; each needs at least one name. Names may hold
/// the wildcards `*` and `%` (`/*`, `value.*`).
///
/// ```
/// use typed_imap::types::AnnotationFetch;
/// let wanted = AnnotationFetch::new(["/comment"], ["value.priv", "size.priv"]);
/// assert_eq!(wanted.attribs.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AnnotationFetch {
    /// Entry names or patterns (`/comment`, `/altsubject`, `/*`).
    pub entries: Vec<String>,
    /// Attribute names or patterns (`value.priv`, `value.shared`,
    /// `value`, `size.*`).
    pub attribs: Vec<String>,
}

impl AnnotationFetch {
    /// These attributes of these entries.
    pub fn new(
        entries: impl IntoIterator<Item = impl Into<String>>,
        attribs: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        AnnotationFetch {
            entries: entries.into_iter().map(Into::into).collect(),
            attribs: attribs.into_iter().map(Into::into).collect(),
        }
    }

    /// As a fetch-attribute argument: `((entries) (attribs))`, each name
    /// an astring.
    pub fn into_search_arg(self) -> SearchArg {
        let list = |names: Vec<String>| {
            SearchArg::List(
                names
                    .into_iter()
                    .map(|n| SearchArg::AString(n.into_bytes()))
                    .collect(),
            )
        };
        SearchArg::List(vec![list(self.entries), list(self.attribs)])
    }
}

/// One entry of the ANNOTATION fetch attribute, with the attributes the
/// server sent.
///
/// ```text
/// entry-att = entry SP "(" att-value *(SP att-value) ")"
/// ```
///
/// An entry that changed (unsolicited, after another session's STORE)
/// comes bare, with no `values`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    /// The entry name (`/comment`).
    pub entry: String,
    /// Its attributes with their values.
    pub values: Vec<AnnotationValue>,
}

impl Annotation {
    /// The value of the attribute `attrib` (ASCII case-insensitive):
    /// `None` if it was not sent, `Some(None)` if it is NIL.
    pub fn get(&self, attrib: &str) -> Option<Option<&[u8]>> {
        self.values
            .iter()
            .find(|v| v.attrib.eq_ignore_ascii_case(attrib))
            .map(|v| v.value.as_deref())
    }
}

/// `att-value = attrib SP value`: one attribute of an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnotationValue {
    /// The attribute name (`value.priv`, `size.shared`).
    pub attrib: String,
    /// Its value; `None` for NIL (not set).
    pub value: Option<Bytes>,
}
