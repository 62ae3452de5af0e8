//! BODY and BODYSTRUCTURE: the MIME structure of a message (RFC 3501
//! section 7.4.2).

use bytes::Bytes;

use super::envelope::Envelope;

/// The MIME structure of a message or of one of its parts.
///
/// `BODY` gives it without extension data, `BODYSTRUCTURE` with; the
/// `extension` fields tell which one came. Strings are kept as bytes (some
/// servers send Latin-1 in file names).
///
/// ```text
/// body = "(" (body-type-1part / body-type-mpart) ")"
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyStructure {
    /// A part that is not a multipart: text, message/rfc822 or anything else.
    Single(Box<SinglePart>),
    /// A `multipart/*` part.
    Multipart(Box<Multipart>),
}

/// A non-multipart body part.
///
/// ```text
/// body-type-1part = (body-type-basic / body-type-msg / body-type-text)
///                   [SP body-ext-1part]
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SinglePart {
    /// The media type (`TEXT`, `IMAGE`, `MESSAGE` ...).
    pub media_type: Bytes,
    /// The media subtype (`PLAIN`, `JPEG`, `RFC822` ...).
    pub media_subtype: Bytes,
    /// The fields every non-multipart part has.
    pub fields: BodyFields,
    /// What only text and message/rfc822 parts have.
    pub kind: SinglePartKind,
    /// Extension data (BODYSTRUCTURE only).
    pub extension: Option<SinglePartExtension>,
}

/// What is particular to text and message/rfc822 parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SinglePartKind {
    /// Any other type (`body-type-basic`).
    Basic,
    /// `TEXT/*`: the size in lines.
    Text {
        /// `body-fld-lines`.
        lines: u32,
    },
    /// `MESSAGE/RFC822`: the encapsulated message's envelope and structure.
    Message {
        /// The inner message's envelope.
        envelope: Box<Envelope>,
        /// The inner message's structure.
        body: BodyStructure,
        /// `body-fld-lines`.
        lines: u32,
    },
}

/// `body-fields`: parameters, id, description, encoding and size.
///
/// ```text
/// body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP
///               body-fld-enc SP body-fld-octets
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BodyFields {
    /// `body-fld-param`: attribute/value pairs (`CHARSET "UTF-8"`).
    pub params: Vec<(Bytes, Bytes)>,
    /// `body-fld-id`: the Content-ID.
    pub id: Option<Bytes>,
    /// `body-fld-desc`: the Content-Description.
    pub description: Option<Bytes>,
    /// `body-fld-enc`: the Content-Transfer-Encoding. `None` only when the
    /// server sent NIL (quirk `nil_body_encoding`); RFC 3501 requires a string.
    pub encoding: Option<Bytes>,
    /// `body-fld-octets`: the size in octets (in its transfer encoding).
    /// A server's `-1` reads as 0 (quirk `negative_body_size`).
    pub octets: u32,
}

/// `body-ext-1part`: extension data of a non-multipart part.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SinglePartExtension {
    /// `body-fld-md5`.
    pub md5: Option<Bytes>,
    /// The rest, shared with multiparts.
    pub common: CommonExtension,
}

/// A multipart: its parts, subtype and extension data.
///
/// ```text
/// body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Multipart {
    /// The parts, in order.
    pub parts: Vec<BodyStructure>,
    /// The subtype (`MIXED`, `ALTERNATIVE` ...).
    pub media_subtype: Bytes,
    /// Extension data (BODYSTRUCTURE only).
    pub extension: Option<MultipartExtension>,
}

/// `body-ext-mpart`: extension data of a multipart.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MultipartExtension {
    /// `body-fld-param`.
    pub params: Vec<(Bytes, Bytes)>,
    /// The rest, shared with non-multiparts.
    pub common: CommonExtension,
}

/// The optional tail shared by both kinds of extension data.
///
/// ```text
/// [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommonExtension {
    /// `body-fld-dsp`: the Content-Disposition.
    pub disposition: Option<Disposition>,
    /// `body-fld-lang`: the Content-Language tags.
    pub language: Vec<Bytes>,
    /// `body-fld-loc`: the Content-Location.
    pub location: Option<Bytes>,
    /// Later extensions this client does not know, kept as they came.
    pub extensions: Vec<BodyExtension>,
}

/// `body-fld-dsp`: a Content-Disposition and its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disposition {
    /// `INLINE`, `ATTACHMENT` ...
    pub kind: Bytes,
    /// Its parameters (`FILENAME "a.pdf"`).
    pub params: Vec<(Bytes, Bytes)>,
}

/// `body-extension`: data of a future extension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyExtension {
    /// An nstring.
    String(Option<Bytes>),
    /// A number.
    Number(u32),
    /// A parenthesised list.
    List(Vec<BodyExtension>),
}

impl BodyStructure {
    /// The media type and subtype, `MULTIPART` for a multipart.
    pub fn media_type(&self) -> (&[u8], &[u8]) {
        match self {
            BodyStructure::Single(part) => (&part.media_type, &part.media_subtype),
            BodyStructure::Multipart(multi) => (b"MULTIPART", &multi.media_subtype),
        }
    }
}
