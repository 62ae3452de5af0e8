//! The field/value pairs of ID (RFC 2971).

use bytes::Bytes;

/// What a client or server says about itself with ID (RFC 2971 section
/// 3.3): field names such as `name`, `version`, `vendor`, each with a
/// value or NIL, in the order given.
///
/// ```text
/// id_params_list ::= "(" #(string SPACE nstring) ")" / nil
/// ```
///
/// Field names are case-insensitive ([`get`](Self::get) compares them that
/// way). Sent, at most 30 pairs, names of at most 30 octets and values of
/// at most 1024 octets (section 3.3); received, whatever the server sent.
///
/// ```
/// use typed_imap::types::IdFields;
/// let fields = IdFields::from([("name", "typed-imap"), ("version", "0.1")]);
/// assert_eq!(fields.get("NAME"), Some(&b"typed-imap"[..]));
/// assert_eq!(fields.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IdFields {
    pairs: Vec<(Bytes, Option<Bytes>)>,
}

impl IdFields {
    /// No field yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a field with its value (`None`: NIL).
    pub fn push(&mut self, field: impl Into<Bytes>, value: Option<impl Into<Bytes>>) {
        self.pairs.push((field.into(), value.map(Into::into)));
    }

    /// The pairs, in order.
    pub fn pairs(&self) -> &[(Bytes, Option<Bytes>)] {
        &self.pairs
    }

    /// The value of the first field named `field` (ASCII case-insensitive);
    /// `None` when there is no such field or its value is NIL.
    pub fn get(&self, field: &str) -> Option<&[u8]> {
        self.pairs
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(field.as_bytes()))
            .and_then(|(_, value)| value.as_deref())
    }

    /// How many pairs.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there is no pair.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

impl<const N: usize> From<[(&str, &str); N]> for IdFields {
    /// Fields with their values, none NIL.
    fn from(pairs: [(&str, &str); N]) -> Self {
        let mut fields = IdFields::new();
        for (field, value) in pairs {
            fields.push(field.to_owned(), Some(value.to_owned()));
        }
        fields
    }
}

impl FromIterator<(Bytes, Option<Bytes>)> for IdFields {
    fn from_iter<I: IntoIterator<Item = (Bytes, Option<Bytes>)>>(iter: I) -> Self {
        IdFields {
            pairs: iter.into_iter().collect(),
        }
    }
}
