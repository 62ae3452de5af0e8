//! BODY and BODYSTRUCTURE: the MIME structure of a message (RFC 3501
//! section 7.4.2).

use std::fmt;

use bytes::Bytes;

use super::envelope::Envelope;
use super::located::{Lossy, Strings, Text};

/// The MIME structure of a message: a tree of [`Part`]s, from
/// [`root`](Self::root).
///
/// `BODY` gives it without extension data, `BODYSTRUCTURE` with
/// ([`Part::extension`] tells which one came). Strings are kept as bytes
/// (some servers send Latin-1 in file names).
///
/// Like [`Envelope`], the structure holds one handle on the response it
/// came in and the offsets of its strings, with every part, parameter and
/// language tag in a flat list, rather than a box per part and a buffer per
/// string (docs/performance.md); the parts are read through views.
///
/// ```text
/// body = "(" (body-type-1part / body-type-mpart) ")"
/// ```
#[derive(Clone, Default)]
pub struct BodyStructure {
    strings: Strings,
    /// The parts in pre-order: a part, then the parts inside it. Index 0
    /// is the root.
    parts: Vec<PartData>,
    /// Every `body-fld-param` attribute/value pair, a part's pairs in a row.
    params: Vec<[Text; 2]>,
    /// Every `body-fld-lang` tag.
    languages: Vec<Text>,
    /// The envelopes of message/rfc822 parts.
    envelopes: Vec<Envelope>,
    /// Every `body-extension` value.
    extensions: Vec<BodyExtension>,
}

/// Where a run of entries of one of the flat lists is: start and end.
pub(crate) type Span = (u32, u32);

/// One part, as the parser records it.
#[derive(Clone, Debug, Default)]
pub(crate) struct PartData {
    /// NIL for a multipart.
    pub(crate) media_type: Text,
    pub(crate) media_subtype: Text,
    pub(crate) kind: KindData,
    /// One past the last part inside this one.
    pub(crate) end: u32,
    /// `body-fld-param`, or for a multipart the parameters of its extension
    /// data.
    pub(crate) params: Span,
    pub(crate) id: Text,
    pub(crate) description: Text,
    pub(crate) encoding: Text,
    pub(crate) octets: u32,
    pub(crate) extension: Option<ExtensionData>,
}

/// What is particular to a kind of part, as recorded.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) enum KindData {
    #[default]
    Basic,
    Text {
        lines: u32,
    },
    /// The inner body is the next part.
    Message {
        envelope: u32,
        lines: u32,
    },
    /// The parts inside are the next parts, up to `end`.
    Multipart,
}

/// Extension data, as recorded.
#[derive(Clone, Debug, Default)]
pub(crate) struct ExtensionData {
    pub(crate) md5: Text,
    /// The disposition and its parameters.
    pub(crate) disposition: Option<(Text, Span)>,
    pub(crate) language: Span,
    pub(crate) location: Text,
    pub(crate) extensions: Span,
}

impl BodyStructure {
    /// A structure with no parts, whose strings will be in `frame` (the
    /// parser fills it in).
    pub(crate) fn in_frame(frame: Bytes) -> Self {
        BodyStructure {
            strings: Strings::in_frame(frame),
            // Most messages have a part or three.
            parts: Vec::with_capacity(4),
            params: Vec::with_capacity(4),
            ..BodyStructure::default()
        }
    }

    pub(crate) fn strings(&self) -> &Strings {
        &self.strings
    }

    pub(crate) fn strings_mut(&mut self) -> &mut Strings {
        &mut self.strings
    }

    /// Adds a part (filled in later with [`set_part`](Self::set_part)) and
    /// returns its index.
    pub(crate) fn push_part(&mut self) -> usize {
        self.parts.push(PartData::default());
        self.parts.len() - 1
    }

    /// Sets the part at `index`, which ends where the list now ends.
    pub(crate) fn set_part(&mut self, index: usize, mut data: PartData) {
        data.end = len32(self.parts.len());
        if let Some(slot) = self.parts.get_mut(index) {
            *slot = data;
        }
    }

    /// Adds a parameter pair.
    pub(crate) fn push_param(&mut self, pair: [Text; 2]) {
        self.params.push(pair);
    }

    /// Where the next parameter pair will go.
    pub(crate) fn params_len(&self) -> u32 {
        len32(self.params.len())
    }

    /// Adds a language tag.
    pub(crate) fn push_language(&mut self, tag: Text) {
        self.languages.push(tag);
    }

    /// Where the next language tag will go.
    pub(crate) fn languages_len(&self) -> u32 {
        len32(self.languages.len())
    }

    /// Adds the envelope of a message/rfc822 part and returns its index.
    pub(crate) fn push_envelope(&mut self, envelope: Envelope) -> u32 {
        self.envelopes.push(envelope);
        len32(self.envelopes.len() - 1)
    }

    /// Adds the `body-extension` values of a part and returns where they are.
    pub(crate) fn push_extensions(&mut self, values: Vec<BodyExtension>) -> Span {
        let start = len32(self.extensions.len());
        self.extensions.extend(values);
        (start, len32(self.extensions.len()))
    }

    /// The whole message: the root part.
    pub fn root(&self) -> Part<'_> {
        Part {
            body: self,
            index: 0,
        }
    }

    /// The media type and subtype of the root part, `MULTIPART` for a
    /// multipart.
    pub fn media_type(&self) -> (&[u8], &[u8]) {
        let root = self.root();
        (root.media_type(), root.media_subtype())
    }

    /// Every part that has a part number (RFC 3501 section 6.4.5), with
    /// that number, in order: the number is what `BODY[1.2]` fetches
    /// (`Section::part`).
    ///
    /// The parts of a multipart are numbered from 1 below the multipart's
    /// own number; a message that is not multipart is part 1 of itself.
    /// The body of a message/rfc822 part takes the part's number when it
    /// is a single part, and has none of its own when it is a multipart
    /// (its parts are numbered below the message part's).
    ///
    /// ```
    /// use typed_imap::codec::parse::{body_structure, Limits, Parser};
    /// use typed_imap::Bytes;
    ///
    /// let frame = Bytes::from_static(
    ///     b"((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 10 1)\
    ///       (\"APPLICATION\" \"PDF\" (\"NAME\" \"a.pdf\") NIL NIL \"BASE64\" 900) \"MIXED\")",
    /// );
    /// let body = body_structure(&mut Parser::new(&frame, &Limits::default())).unwrap();
    /// let numbers: Vec<Vec<u32>> = body.numbered_parts().into_iter().map(|(n, _)| n).collect();
    /// assert_eq!(numbers, [vec![1], vec![2]]);
    /// let (_, pdf) = &body.numbered_parts()[1];
    /// assert_eq!(pdf.params().get("name"), Some(&b"a.pdf"[..]));
    /// ```
    pub fn numbered_parts(&self) -> Vec<(Vec<u32>, Part<'_>)> {
        let mut out = Vec::new();
        let root = self.root();
        if root.is_multipart() {
            number_children(root, &[], &mut out);
        } else if !self.parts.is_empty() {
            number(root, vec![1], &mut out);
        }
        out
    }

    fn text(&self, text: Text) -> Option<&[u8]> {
        self.strings.get(text)
    }

    fn params_in(&self, (start, end): Span) -> Params<'_> {
        Params {
            body: self,
            pairs: self
                .params
                .get(start as usize..end as usize)
                .unwrap_or_default(),
        }
    }
}

/// Records `part` as `number`, then the numbered parts inside it. The
/// depth is the parser's nesting limit.
fn number<'a>(part: Part<'a>, number: Vec<u32>, out: &mut Vec<(Vec<u32>, Part<'a>)>) {
    out.push((number.clone(), part));
    match part.kind() {
        PartKind::Multipart(_) => number_children(part, &number, out),
        PartKind::Message { body, .. } if body.is_multipart() => {
            number_children(body, &number, out)
        }
        PartKind::Message { body, .. } => {
            let mut inner = number;
            inner.push(1);
            self::number(body, inner, out);
        }
        PartKind::Basic | PartKind::Text { .. } => {}
    }
}

/// Numbers the parts of `multipart` from 1 below `prefix`.
fn number_children<'a>(multipart: Part<'a>, prefix: &[u32], out: &mut Vec<(Vec<u32>, Part<'a>)>) {
    for (index, child) in (1u32..).zip(multipart.parts()) {
        let mut path = prefix.to_vec();
        path.push(index);
        number(child, path, out);
    }
}

/// A list length as the `u32` the spans hold; a structure with four
/// billion entries would already have failed the parser's limits.
fn len32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

impl PartialEq for BodyStructure {
    fn eq(&self, other: &Self) -> bool {
        self.root() == other.root()
    }
}

impl Eq for BodyStructure {}

impl fmt::Debug for BodyStructure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.root(), f)
    }
}

/// One part of a [`BodyStructure`]: a multipart, or a part with content.
///
/// ```text
/// body-type-1part = (body-type-basic / body-type-msg / body-type-text)
///                   [SP body-ext-1part]
/// body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
/// ```
#[derive(Clone, Copy)]
pub struct Part<'a> {
    body: &'a BodyStructure,
    index: usize,
}

/// What kind of part a [`Part`] is, and what only that kind has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartKind<'a> {
    /// Any type but text, message/rfc822 and multipart (`body-type-basic`).
    Basic,
    /// `TEXT/*`: the size in lines (`body-fld-lines`).
    Text {
        /// `body-fld-lines`.
        lines: u32,
    },
    /// `MESSAGE/RFC822`: the encapsulated message's envelope and structure.
    Message {
        /// The inner message's envelope.
        envelope: &'a Envelope,
        /// The inner message's structure.
        body: Part<'a>,
        /// `body-fld-lines`.
        lines: u32,
    },
    /// `MULTIPART/*`: the parts inside.
    Multipart(Parts<'a>),
}

impl<'a> Part<'a> {
    fn data(&self) -> &'a PartData {
        static EMPTY: PartData = PartData {
            media_type: Text::NIL,
            media_subtype: Text::NIL,
            kind: KindData::Basic,
            end: 0,
            params: (0, 0),
            id: Text::NIL,
            description: Text::NIL,
            encoding: Text::NIL,
            octets: 0,
            extension: None,
        };
        // The parser makes every index it records valid; a structure that
        // was never filled in has no root and reads as an empty part.
        self.body.parts.get(self.index).unwrap_or(&EMPTY)
    }

    fn text(&self, text: Text) -> Option<&'a [u8]> {
        self.body.text(text)
    }

    fn at(&self, index: usize) -> Part<'a> {
        Part {
            body: self.body,
            index,
        }
    }

    /// The media type (`TEXT`, `IMAGE`, `MESSAGE` ...), `MULTIPART` for a
    /// multipart.
    pub fn media_type(&self) -> &'a [u8] {
        if self.is_multipart() {
            return b"MULTIPART";
        }
        self.text(self.data().media_type).unwrap_or_default()
    }

    /// The media subtype (`PLAIN`, `JPEG`, `RFC822`, `MIXED` ...).
    pub fn media_subtype(&self) -> &'a [u8] {
        self.text(self.data().media_subtype).unwrap_or_default()
    }

    /// Whether this is a multipart.
    pub fn is_multipart(&self) -> bool {
        matches!(self.data().kind, KindData::Multipart)
    }

    /// What kind of part this is.
    pub fn kind(&self) -> PartKind<'a> {
        match self.data().kind {
            KindData::Basic => PartKind::Basic,
            KindData::Text { lines } => PartKind::Text { lines },
            KindData::Message { envelope, lines } => {
                match self.body.envelopes.get(envelope as usize) {
                    Some(envelope) => PartKind::Message {
                        envelope,
                        body: self.at(self.index + 1),
                        lines,
                    },
                    None => PartKind::Basic,
                }
            }
            KindData::Multipart => PartKind::Multipart(self.parts()),
        }
    }

    /// The parts of a multipart, in order (none for other parts).
    pub fn parts(&self) -> Parts<'a> {
        let data = self.data();
        let (next, end) = match data.kind {
            KindData::Multipart => (self.index + 1, data.end as usize),
            _ => (0, 0),
        };
        Parts {
            body: self.body,
            next,
            end,
        }
    }

    /// The Content-Type parameters (`CHARSET "UTF-8"`, `BOUNDARY ...`):
    /// `body-fld-param`. A multipart's come only with extension data.
    pub fn params(&self) -> Params<'a> {
        self.body.params_in(self.data().params)
    }

    /// `body-fld-id`: the Content-ID (never for a multipart).
    pub fn id(&self) -> Option<&'a [u8]> {
        self.text(self.data().id)
    }

    /// `body-fld-desc`: the Content-Description (never for a multipart).
    pub fn description(&self) -> Option<&'a [u8]> {
        self.text(self.data().description)
    }

    /// `body-fld-enc`: the Content-Transfer-Encoding. `None` for a
    /// multipart, or when the server sent NIL (quirk `nil_body_encoding`);
    /// RFC 3501 requires a string.
    pub fn encoding(&self) -> Option<&'a [u8]> {
        self.text(self.data().encoding)
    }

    /// `body-fld-octets`: the size in octets (in its transfer encoding); 0
    /// for a multipart. A server's `-1` reads as 0 (quirk
    /// `negative_body_size`).
    pub fn octets(&self) -> u32 {
        self.data().octets
    }

    /// Extension data (BODYSTRUCTURE only).
    pub fn extension(&self) -> Option<Extension<'a>> {
        self.data().extension.as_ref().map(|data| Extension {
            body: self.body,
            data,
        })
    }
}

impl PartialEq for Part<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.media_type() == other.media_type()
            && self.media_subtype() == other.media_subtype()
            && self.kind() == other.kind()
            && self.params().eq(other.params())
            && self.id() == other.id()
            && self.description() == other.description()
            && self.encoding() == other.encoding()
            && self.octets() == other.octets()
            && self.extension() == other.extension()
    }
}

impl Eq for Part<'_> {}

impl fmt::Debug for Part<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Part");
        s.field("media_type", &Lossy(self.media_type()))
            .field("media_subtype", &Lossy(self.media_subtype()))
            .field("kind", &self.kind())
            .field("params", &self.params());
        if !self.is_multipart() {
            s.field("id", &self.id().map(Lossy))
                .field("description", &self.description().map(Lossy))
                .field("encoding", &self.encoding().map(Lossy))
                .field("octets", &self.octets());
        }
        s.field("extension", &self.extension()).finish()
    }
}

/// The parts of a multipart, in order.
#[derive(Clone, Copy)]
pub struct Parts<'a> {
    body: &'a BodyStructure,
    /// The next part to yield.
    next: usize,
    /// One past the last part inside the multipart.
    end: usize,
}

impl<'a> Iterator for Parts<'a> {
    type Item = Part<'a>;

    fn next(&mut self) -> Option<Part<'a>> {
        if self.next >= self.end {
            return None;
        }
        let part = Part {
            body: self.body,
            index: self.next,
        };
        // The next sibling follows everything inside this part; `max`
        // guarantees progress whatever the recorded end says.
        self.next = (part.data().end as usize).max(self.next + 1);
        Some(part)
    }
}

impl PartialEq for Parts<'_> {
    fn eq(&self, other: &Self) -> bool {
        Iterator::eq(*self, *other)
    }
}

impl Eq for Parts<'_> {}

impl fmt::Debug for Parts<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(*self).finish()
    }
}

/// `body-fld-param`: attribute/value pairs, in order.
#[derive(Clone, Copy)]
pub struct Params<'a> {
    body: &'a BodyStructure,
    pairs: &'a [[Text; 2]],
}

impl<'a> Params<'a> {
    /// The value of the first parameter named `name` (ASCII
    /// case-insensitive), such as `CHARSET` or `NAME`.
    pub fn get(&self, name: &str) -> Option<&'a [u8]> {
        let mut pairs = *self;
        pairs
            .find(|(attribute, _)| attribute.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, value)| value)
    }

    /// Whether there are none (NIL).
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

impl<'a> Iterator for Params<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let ([attribute, value], rest) = self.pairs.split_first()?;
        self.pairs = rest;
        let text = |text| self.body.text(text).unwrap_or_default();
        Some((text(*attribute), text(*value)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.pairs.len(), Some(self.pairs.len()))
    }
}

impl ExactSizeIterator for Params<'_> {}

impl fmt::Debug for Params<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.map(|(attribute, value)| (Lossy(attribute), Lossy(value))))
            .finish()
    }
}

/// Extension data of a part: `body-ext-1part` or `body-ext-mpart`.
///
/// ```text
/// body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang
///                  [SP body-fld-loc *(SP body-extension)]]]
/// body-ext-mpart = body-fld-param [SP body-fld-dsp [SP body-fld-lang
///                  [SP body-fld-loc *(SP body-extension)]]]
/// ```
///
/// A multipart's `body-fld-param` is [`Part::params`].
#[derive(Clone, Copy)]
pub struct Extension<'a> {
    body: &'a BodyStructure,
    data: &'a ExtensionData,
}

impl<'a> Extension<'a> {
    /// `body-fld-md5`: the Content-MD5 (never for a multipart).
    pub fn md5(&self) -> Option<&'a [u8]> {
        self.body.text(self.data.md5)
    }

    /// `body-fld-dsp`: the Content-Disposition.
    pub fn disposition(&self) -> Option<Disposition<'a>> {
        self.data.disposition.map(|(kind, params)| Disposition {
            kind: self.body.text(kind).unwrap_or_default(),
            params: self.body.params_in(params),
        })
    }

    /// `body-fld-lang`: the Content-Language tags.
    pub fn language(&self) -> impl ExactSizeIterator<Item = &'a [u8]> + 'a {
        let (start, end) = self.data.language;
        let body = self.body;
        body.languages
            .get(start as usize..end as usize)
            .unwrap_or_default()
            .iter()
            .map(move |tag| body.text(*tag).unwrap_or_default())
    }

    /// `body-fld-loc`: the Content-Location.
    pub fn location(&self) -> Option<&'a [u8]> {
        self.body.text(self.data.location)
    }

    /// Data of later extensions this client does not know, kept as it came.
    pub fn extensions(&self) -> &'a [BodyExtension] {
        let (start, end) = self.data.extensions;
        self.body
            .extensions
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }
}

impl PartialEq for Extension<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.md5() == other.md5()
            && self.disposition() == other.disposition()
            && self.language().eq(other.language())
            && self.location() == other.location()
            && self.extensions() == other.extensions()
    }
}

impl Eq for Extension<'_> {}

impl fmt::Debug for Extension<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Extension")
            .field("md5", &self.md5().map(Lossy))
            .field("disposition", &self.disposition())
            .field("language", &self.language().map(Lossy).collect::<Vec<_>>())
            .field("location", &self.location().map(Lossy))
            .field("extensions", &self.extensions())
            .finish()
    }
}

/// `body-fld-dsp`: a Content-Disposition and its parameters.
#[derive(Clone, Copy)]
pub struct Disposition<'a> {
    kind: &'a [u8],
    params: Params<'a>,
}

impl<'a> Disposition<'a> {
    /// `INLINE`, `ATTACHMENT` ...
    pub fn kind(&self) -> &'a [u8] {
        self.kind
    }

    /// Its parameters (`FILENAME "a.pdf"`).
    pub fn params(&self) -> Params<'a> {
        self.params
    }
}

impl PartialEq for Disposition<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.params.eq(other.params)
    }
}

impl Eq for Disposition<'_> {}

impl fmt::Debug for Disposition<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Disposition")
            .field("kind", &Lossy(self.kind))
            .field("params", &self.params)
            .finish()
    }
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
