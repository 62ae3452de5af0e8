//! `body`: BODY and BODYSTRUCTURE (RFC 3501 section 9), depth-limited.

use crate::types::body_structure::{
    BodyExtension, BodyStructure, ExtensionData, KindData, PartData, Span,
};
use crate::types::located::Text;

use super::envelope::envelope;
use super::located;
use super::{ParseError, Parser};

/// `body`: a message's MIME structure, with or without extension data.
///
/// The strings are located, not copied: the structure keeps one handle on
/// the frame and their offsets (see [`BodyStructure`]).
///
/// Nesting (multiparts, message/rfc822, extension lists) counts towards
/// `Limits::max_depth`: a body nested too deep is an error, never a stack
/// overflow.
///
/// Leniency: quirks `negative_body_size` (`-1` octets read as 0) and
/// `nil_body_encoding` (NIL encoding read as `None`); strings may hold
/// 8-bit bytes (quirk `eight_bit_strings`).
pub fn body_structure(p: &mut Parser<'_>) -> Result<BodyStructure, ParseError> {
    let mut body = BodyStructure::in_frame(p.frame().clone());
    part(p, &mut body)?;
    Ok(body)
}

/// One `body`, recorded with the parts inside it after it.
fn part(p: &mut Parser<'_>, body: &mut BodyStructure) -> Result<(), ParseError> {
    p.byte(b'(', "`(` opening a body structure")?;
    p.enter()?;
    let index = body.push_part();
    let data = if p.peek() == Some(b'(') {
        multipart(p, body)?
    } else {
        single_part(p, body)?
    };
    body.set_part(index, data);
    p.leave();
    p.byte(b')', "`)` closing a body structure")
}

/// `body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]`
fn multipart(p: &mut Parser<'_>, body: &mut BodyStructure) -> Result<PartData, ParseError> {
    while p.peek() == Some(b'(') {
        part(p, body)?;
        // Leniency: some servers separate the parts with a space.
        if p.peek() == Some(b' ') && p.peek_at(1) == Some(b'(') {
            p.advance();
        }
    }
    p.sp()?;
    let mut data = PartData {
        kind: KindData::Multipart,
        media_subtype: string(p, body)?,
        ..PartData::default()
    };
    if p.opt_sp() {
        // body-ext-mpart = body-fld-param [...]
        data.params = params(p, body)?;
        data.extension = Some(extension(p, body, Text::NIL)?);
    }
    Ok(data)
}

/// `body-type-1part`: basic, text or message/rfc822, then extension data.
fn single_part(p: &mut Parser<'_>, body: &mut BodyStructure) -> Result<PartData, ParseError> {
    let media_type = string(p, body)?;
    p.sp()?;
    let media_subtype = string(p, body)?;
    p.sp()?;
    let mut data = body_fields(p, body)?;
    data.media_type = media_type;
    data.media_subtype = media_subtype;
    data.kind = kind(p, body, media_type, media_subtype)?;
    if p.opt_sp() {
        // body-ext-1part = body-fld-md5 [...]
        let md5 = nstring(p, body)?;
        data.extension = Some(extension(p, body, md5)?);
    }
    Ok(data)
}

/// What follows `body-fields` in `body-type-text` (lines) and
/// `body-type-msg` (envelope, body, lines).
fn kind(
    p: &mut Parser<'_>,
    body: &mut BodyStructure,
    media_type: Text,
    media_subtype: Text,
) -> Result<KindData, ParseError> {
    let strings = body.strings();
    let is = |text, name: &str| {
        strings
            .get(text)
            .is_some_and(|t| t.eq_ignore_ascii_case(name.as_bytes()))
    };
    let text_kind = is(media_type, "TEXT");
    let message = !text_kind
        && is(media_type, "MESSAGE")
        && is(media_subtype, "RFC822")
        && p.peek_at(1) == Some(b'(');
    if text_kind {
        p.sp()?;
        return Ok(KindData::Text { lines: p.number()? });
    }
    if !message {
        return Ok(KindData::Basic);
    }
    p.sp()?;
    let inner = envelope(p)?;
    let envelope = body.push_envelope(inner);
    p.sp()?;
    // The inner body is the next part.
    part(p, body)?;
    p.sp()?;
    let lines = p.number()?;
    Ok(KindData::Message { envelope, lines })
}

/// `body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP
/// body-fld-enc SP body-fld-octets`
fn body_fields(p: &mut Parser<'_>, body: &mut BodyStructure) -> Result<PartData, ParseError> {
    let params = params(p, body)?;
    p.sp()?;
    let id = nstring(p, body)?;
    p.sp()?;
    let description = nstring(p, body)?;
    p.sp()?;
    let encoding = nstring(p, body)?;
    p.sp()?;
    let octets = octets(p)?;
    Ok(PartData {
        params,
        id,
        description,
        encoding,
        octets,
        ..PartData::default()
    })
}

/// `body-fld-octets = number`; `-1` reads as 0 (quirk `negative_body_size`).
fn octets(p: &mut Parser<'_>) -> Result<u32, ParseError> {
    if p.try_expect("-1") {
        if p.peek().is_some_and(|b| b.is_ascii_digit()) {
            return Err(p.error("number (only -1 is tolerated as negative)"));
        }
        return Ok(0);
    }
    p.number()
}

/// `body-fld-param = "(" string SP string *(SP string SP string) ")" / nil`
fn params(p: &mut Parser<'_>, body: &mut BodyStructure) -> Result<Span, ParseError> {
    let start = body.params_len();
    if p.nil() {
        return Ok((start, start));
    }
    p.byte(b'(', "`(` opening body parameters, or NIL")?;
    loop {
        let attribute = string(p, body)?;
        p.sp()?;
        let value = string(p, body)?;
        body.push_param([attribute, value]);
        if p.eat(b')') {
            return Ok((start, body.params_len()));
        }
        p.sp()?;
    }
}

/// The tail both kinds of extension data share, after the md5 (or the
/// multipart's parameters):
/// `[SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]`
fn extension(
    p: &mut Parser<'_>,
    body: &mut BodyStructure,
    md5: Text,
) -> Result<ExtensionData, ParseError> {
    let mut data = ExtensionData {
        md5,
        language: (body.languages_len(), body.languages_len()),
        ..ExtensionData::default()
    };
    if !p.opt_sp() {
        return Ok(data);
    }
    data.disposition = disposition(p, body)?;
    if !p.opt_sp() {
        return Ok(data);
    }
    data.language = language(p, body)?;
    if !p.opt_sp() {
        return Ok(data);
    }
    data.location = nstring(p, body)?;
    if p.peek() == Some(b' ') {
        let mut extensions = Vec::new();
        while p.opt_sp() {
            extensions.push(body_extension(p)?);
        }
        data.extensions = body.push_extensions(extensions);
    }
    Ok(data)
}

/// `body-fld-dsp = "(" string SP body-fld-param ")" / nil`
fn disposition(
    p: &mut Parser<'_>,
    body: &mut BodyStructure,
) -> Result<Option<(Text, Span)>, ParseError> {
    if p.nil() {
        return Ok(None);
    }
    p.byte(b'(', "`(` opening a disposition, or NIL")?;
    let kind = string(p, body)?;
    p.sp()?;
    let params = params(p, body)?;
    p.byte(b')', "`)` closing a disposition")?;
    Ok(Some((kind, params)))
}

/// `body-fld-lang = nstring / "(" string *(SP string) ")"`; `()` reads as
/// no tags (leniency).
fn language(p: &mut Parser<'_>, body: &mut BodyStructure) -> Result<Span, ParseError> {
    let start = body.languages_len();
    if p.peek() != Some(b'(') {
        let tag = nstring(p, body)?;
        if !tag.is_nil() {
            body.push_language(tag);
        }
        return Ok((start, body.languages_len()));
    }
    p.list(|p| {
        let tag = string(p, body)?;
        body.push_language(tag);
        Ok(())
    })?;
    Ok((start, body.languages_len()))
}

/// `body-extension = nstring / number / "(" body-extension *(SP body-extension) ")"`
fn body_extension(p: &mut Parser<'_>) -> Result<BodyExtension, ParseError> {
    match p.peek() {
        Some(b'(') => p.list(body_extension).map(BodyExtension::List),
        Some(b'0'..=b'9') => p.number().map(BodyExtension::Number),
        _ => p.nstring().map(BodyExtension::String),
    }
}

fn string(p: &mut Parser<'_>, body: &mut BodyStructure) -> Result<Text, ParseError> {
    located::string(p, body.strings_mut())
}

fn nstring(p: &mut Parser<'_>, body: &mut BodyStructure) -> Result<Text, ParseError> {
    located::nstring(p, body.strings_mut())
}
