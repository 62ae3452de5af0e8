//! `body`: BODY and BODYSTRUCTURE (RFC 3501 section 9), depth-limited.

use bytes::Bytes;

use crate::types::body_structure::{
    BodyExtension, BodyFields, BodyStructure, CommonExtension, Disposition, Multipart,
    MultipartExtension, SinglePart, SinglePartExtension, SinglePartKind,
};

use super::envelope::envelope;
use super::{ParseError, Parser};

/// `body`: a message's MIME structure, with or without extension data.
///
/// Nesting (multiparts, message/rfc822, extension lists) counts towards
/// `Limits::max_depth`: a body nested too deep is an error, never a stack
/// overflow.
///
/// Leniency: quirks `negative_body_size` (`-1` octets read as 0) and
/// `nil_body_encoding` (NIL encoding read as `None`); strings may hold
/// 8-bit bytes (quirk `eight_bit_strings`).
pub fn body_structure(p: &mut Parser<'_>) -> Result<BodyStructure, ParseError> {
    p.byte(b'(', "`(` opening a body structure")?;
    p.enter()?;
    let body = if p.peek() == Some(b'(') {
        multipart(p)?
    } else {
        single_part(p)?
    };
    p.leave();
    p.byte(b')', "`)` closing a body structure")?;
    Ok(body)
}

/// `body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]`
fn multipart(p: &mut Parser<'_>) -> Result<BodyStructure, ParseError> {
    let mut parts = Vec::with_capacity(2);
    while p.peek() == Some(b'(') {
        parts.push(body_structure(p)?);
        // Leniency: some servers separate the parts with a space.
        if p.peek() == Some(b' ') && p.peek_at(1) == Some(b'(') {
            p.advance();
        }
    }
    p.sp()?;
    let media_subtype = p.string()?;
    let extension = if p.opt_sp() {
        Some(multipart_extension(p)?)
    } else {
        None
    };
    Ok(BodyStructure::Multipart(Box::new(Multipart {
        parts,
        media_subtype,
        extension,
    })))
}

fn multipart_extension(p: &mut Parser<'_>) -> Result<MultipartExtension, ParseError> {
    let params = params(p)?;
    let common = common_extension(p)?;
    Ok(MultipartExtension { params, common })
}

/// `body-type-1part`: basic, text or message/rfc822, then extension data.
fn single_part(p: &mut Parser<'_>) -> Result<BodyStructure, ParseError> {
    let media_type = p.string()?;
    p.sp()?;
    let media_subtype = p.string()?;
    p.sp()?;
    let fields = body_fields(p)?;
    let kind = if media_type.eq_ignore_ascii_case(b"TEXT") {
        p.sp()?;
        SinglePartKind::Text { lines: p.number()? }
    } else if is_message_rfc822(&media_type, &media_subtype) && p.peek_at(1) == Some(b'(') {
        p.sp()?;
        let envelope = Box::new(envelope(p)?);
        p.sp()?;
        let body = body_structure(p)?;
        p.sp()?;
        let lines = p.number()?;
        SinglePartKind::Message {
            envelope,
            body,
            lines,
        }
    } else {
        SinglePartKind::Basic
    };
    let extension = if p.opt_sp() {
        Some(single_part_extension(p)?)
    } else {
        None
    };
    Ok(BodyStructure::Single(Box::new(SinglePart {
        media_type,
        media_subtype,
        fields,
        kind,
        extension,
    })))
}

fn is_message_rfc822(media_type: &[u8], media_subtype: &[u8]) -> bool {
    media_type.eq_ignore_ascii_case(b"MESSAGE") && media_subtype.eq_ignore_ascii_case(b"RFC822")
}

/// `body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP
/// body-fld-enc SP body-fld-octets`
fn body_fields(p: &mut Parser<'_>) -> Result<BodyFields, ParseError> {
    let params = params(p)?;
    p.sp()?;
    let id = p.nstring()?;
    p.sp()?;
    let description = p.nstring()?;
    p.sp()?;
    let encoding = p.nstring()?;
    p.sp()?;
    let octets = octets(p)?;
    Ok(BodyFields {
        params,
        id,
        description,
        encoding,
        octets,
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
fn params(p: &mut Parser<'_>) -> Result<Vec<(Bytes, Bytes)>, ParseError> {
    if p.nil() {
        return Ok(Vec::new());
    }
    p.byte(b'(', "`(` opening body parameters, or NIL")?;
    // Most parameter lists hold one pair or two (CHARSET, NAME, BOUNDARY).
    let mut params = Vec::with_capacity(2);
    loop {
        let name = p.string()?;
        p.sp()?;
        let value = p.string()?;
        params.push((name, value));
        if p.eat(b')') {
            return Ok(params);
        }
        p.sp()?;
    }
}

/// `body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang
/// [SP body-fld-loc *(SP body-extension)]]]`
fn single_part_extension(p: &mut Parser<'_>) -> Result<SinglePartExtension, ParseError> {
    let md5 = p.nstring()?;
    let common = common_extension(p)?;
    Ok(SinglePartExtension { md5, common })
}

/// `[SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]`
fn common_extension(p: &mut Parser<'_>) -> Result<CommonExtension, ParseError> {
    let mut common = CommonExtension::default();
    if !p.opt_sp() {
        return Ok(common);
    }
    common.disposition = disposition(p)?;
    if !p.opt_sp() {
        return Ok(common);
    }
    common.language = language(p)?;
    if !p.opt_sp() {
        return Ok(common);
    }
    common.location = p.nstring()?;
    while p.opt_sp() {
        common.extensions.push(body_extension(p)?);
    }
    Ok(common)
}

/// `body-fld-dsp = "(" string SP body-fld-param ")" / nil`
fn disposition(p: &mut Parser<'_>) -> Result<Option<Disposition>, ParseError> {
    if p.nil() {
        return Ok(None);
    }
    p.byte(b'(', "`(` opening a disposition, or NIL")?;
    let kind = p.string()?;
    p.sp()?;
    let params = params(p)?;
    p.byte(b')', "`)` closing a disposition")?;
    Ok(Some(Disposition { kind, params }))
}

/// `body-fld-lang = nstring / "(" string *(SP string) ")"`
fn language(p: &mut Parser<'_>) -> Result<Vec<Bytes>, ParseError> {
    if p.peek() == Some(b'(') {
        return p.list(Parser::string);
    }
    Ok(p.nstring()?.into_iter().collect())
}

/// `body-extension = nstring / number / "(" body-extension *(SP body-extension) ")"`
fn body_extension(p: &mut Parser<'_>) -> Result<BodyExtension, ParseError> {
    match p.peek() {
        Some(b'(') => p.list(body_extension).map(BodyExtension::List),
        Some(b'0'..=b'9') => p.number().map(BodyExtension::Number),
        _ => p.nstring().map(BodyExtension::String),
    }
}
