//! CATENATE (RFC 4469): the parts of a message APPEND assembles.

/// One part of a message CATENATE assembles: text the client sends, or
/// a part of a message already on the server, named by an IMAP URL.
///
/// ```text
/// cat-part = text-literal / url
/// text-literal = "TEXT" SP literal
/// url = "URL" SP astring
/// ```
///
/// ```
/// use typed_imap::types::CatenatePart;
/// let parts = [
///     CatenatePart::text(&b"From: alice@example.org\r\nSubject: fwd\r\n\r\n"[..]),
///     CatenatePart::url("/INBOX;UIDVALIDITY=385759045/;UID=20/;SECTION=TEXT"),
/// ];
/// assert!(matches!(parts[1], CatenatePart::Url(_)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CatenatePart {
    /// `TEXT literal`: these bytes, as they are.
    Text(Vec<u8>),
    /// `URL "..."`: the message or part an IMAP URL (RFC 5092) names,
    /// relative to this server (`/INBOX;UIDVALIDITY=1/;UID=20/;SECTION=TEXT`)
    /// or with URLAUTH, absolute.
    Url(String),
}

impl CatenatePart {
    /// Text the client sends.
    pub fn text(bytes: impl Into<Vec<u8>>) -> Self {
        CatenatePart::Text(bytes.into())
    }

    /// A message or part on the server, by its IMAP URL.
    pub fn url(url: impl Into<String>) -> Self {
        CatenatePart::Url(url.into())
    }
}
