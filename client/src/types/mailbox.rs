//! Mailbox names (RFC 3501 section 5.1).

use std::fmt;
use std::hash::{Hash, Hasher};

use super::utf7;

/// A mailbox name, held as Unicode text.
///
/// On the wire a name travels in modified UTF-7 (RFC 3501 section 5.1.3),
/// or as UTF-8 once `UTF8=ACCEPT` is enabled (RFC 6855); the encoder picks.
/// `INBOX` is case-insensitive: `Mailbox::new("inbox") == Mailbox::inbox()`,
/// and it is sent as `INBOX`.
///
/// A name read from the server that is not canonical modified UTF-7 keeps
/// the server's exact bytes beside a lossy decoding (see
/// [`Mailbox::from_wire`]), so that passing it back to the server names the
/// same mailbox.
///
/// ```
/// use typed_imap::types::Mailbox;
/// let m = Mailbox::new("Entwürfe");
/// assert_eq!(m.as_str(), "Entwürfe");
/// assert_eq!(m.to_wire(), b"Entw&APw-rfe");
/// assert_eq!(Mailbox::from_wire(b"Entw&APw-rfe"), m);
/// ```
#[derive(Clone)]
pub struct Mailbox {
    name: String,
    /// The server's bytes, when they are not what `name` encodes to.
    wire: Option<Vec<u8>>,
}

impl Mailbox {
    /// A mailbox with this (Unicode) name.
    pub fn new(name: impl Into<String>) -> Self {
        Mailbox {
            name: name.into(),
            wire: None,
        }
    }

    /// The mailbox `INBOX`.
    pub fn inbox() -> Self {
        Mailbox::new("INBOX")
    }

    /// A name as the server sent it in modified UTF-7.
    ///
    /// Canonical modified UTF-7 is decoded. Anything else (raw 8-bit bytes,
    /// a bad BASE64 run, a TAB sent as is) is decoded lossily for
    /// [`Mailbox::as_str`] (see [`utf7::decode_lossy`]), and the exact
    /// bytes are kept for the wire. Such a name equals only names read
    /// from the same bytes.
    pub fn from_wire(bytes: &[u8]) -> Self {
        match utf7::decode(bytes) {
            Ok(name) => Mailbox { name, wire: None },
            Err(_) => Mailbox {
                name: utf7::decode_lossy(bytes),
                wire: Some(bytes.to_vec()),
            },
        }
    }

    /// A name as the server sent it with `UTF8=ACCEPT` enabled (RFC 6855):
    /// UTF-8, not modified UTF-7. Bytes that are not UTF-8 are decoded
    /// lossily and kept exactly for the wire.
    pub fn from_utf8_wire(bytes: &[u8]) -> Self {
        match std::str::from_utf8(bytes) {
            Ok(name) => Mailbox {
                name: name.to_owned(),
                // Sent back in UTF-8 mode this is exactly the name; in
                // modified UTF-7 mode it is encoded like any other name.
                wire: None,
            },
            Err(_) => Mailbox {
                name: String::from_utf8_lossy(bytes).into_owned(),
                wire: Some(bytes.to_vec()),
            },
        }
    }

    /// The name as Unicode text (lossy if the server's bytes were not valid).
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// Whether this is `INBOX` (in any case).
    pub fn is_inbox(&self) -> bool {
        self.name.eq_ignore_ascii_case("INBOX")
    }

    /// The server's exact bytes, when the name was read from the wire and
    /// was not canonical; `None` otherwise.
    pub fn raw_wire(&self) -> Option<&[u8]> {
        self.wire.as_deref()
    }

    /// The name's bytes for the wire in modified UTF-7 (`INBOX` in upper case).
    pub fn to_wire(&self) -> Vec<u8> {
        if let Some(wire) = &self.wire {
            return wire.clone();
        }
        if self.is_inbox() {
            return b"INBOX".to_vec();
        }
        utf7::encode(&self.name).into_bytes()
    }

    /// The name's bytes for the wire once `UTF8=ACCEPT` is enabled.
    pub fn to_utf8_wire(&self) -> Vec<u8> {
        if let Some(wire) = &self.wire {
            return wire.clone();
        }
        if self.is_inbox() {
            return b"INBOX".to_vec();
        }
        self.name.as_bytes().to_vec()
    }

    /// The key equality and hashing use: `INBOX` folded, the rest as is.
    fn key(&self) -> (&str, Option<&[u8]>) {
        if self.is_inbox() {
            ("INBOX", None)
        } else {
            (&self.name, self.wire.as_deref())
        }
    }
}

impl PartialEq for Mailbox {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Mailbox {}

impl Hash for Mailbox {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl fmt::Debug for Mailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.wire {
            None => write!(f, "Mailbox({:?})", self.name),
            Some(wire) => write!(
                f,
                "Mailbox({:?}, wire: {:?})",
                self.name,
                String::from_utf8_lossy(wire)
            ),
        }
    }
}

impl fmt::Display for Mailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl From<&str> for Mailbox {
    fn from(name: &str) -> Self {
        Mailbox::new(name)
    }
}

impl From<String> for Mailbox {
    fn from(name: String) -> Self {
        Mailbox::new(name)
    }
}

impl From<&String> for Mailbox {
    fn from(name: &String) -> Self {
        Mailbox::new(name.as_str())
    }
}

impl From<&Mailbox> for Mailbox {
    fn from(mailbox: &Mailbox) -> Self {
        mailbox.clone()
    }
}

impl AsRef<str> for Mailbox {
    fn as_ref(&self) -> &str {
        &self.name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inbox_is_case_insensitive() {
        assert_eq!(Mailbox::new("inbox"), Mailbox::inbox());
        assert_eq!(Mailbox::new("InBoX").to_wire(), b"INBOX");
        assert!(Mailbox::new("iNbOx").is_inbox());
    }

    #[test]
    fn other_names_are_case_sensitive() {
        assert_ne!(Mailbox::new("Sent"), Mailbox::new("sent"));
    }

    #[test]
    fn inbox_children_keep_their_case() {
        assert_eq!(Mailbox::new("inbox/Sub").to_wire(), b"inbox/Sub");
    }

    #[test]
    fn canonical_wire_name_is_decoded_without_keeping_bytes() {
        let m = Mailbox::from_wire(b"&ZeVnLIqe-");
        assert_eq!(m.as_str(), "日本語");
        assert_eq!(m.raw_wire(), None);
    }

    #[test]
    fn non_canonical_wire_name_keeps_its_bytes() {
        let m = Mailbox::from_wire(b"a\tb");
        assert_eq!(m.as_str(), "a\tb");
        assert_ne!(m, Mailbox::new("a\tb"));
        assert_eq!(m.to_wire(), b"a\tb");
    }

    #[test]
    fn utf8_wire_name_is_taken_as_is() {
        let m = Mailbox::from_utf8_wire("Entwürfe".as_bytes());
        assert_eq!(m, Mailbox::new("Entwürfe"));
        assert_eq!(m.to_utf8_wire(), "Entwürfe".as_bytes());
    }
}
