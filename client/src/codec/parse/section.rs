//! `section` and `BODY[section]<origin>` (RFC 3501 section 9).

use crate::types::section::{BodySection, Section, SectionText};

use super::{ParseError, Parser};

/// `section = "[" [section-spec] "]"`, the cursor on `[`.
pub fn section(p: &mut Parser<'_>) -> Result<Section, ParseError> {
    p.byte(b'[', "`[` opening a section")?;
    let mut part = Vec::new();
    while p.peek().is_some_and(|b| b.is_ascii_digit()) {
        part.push(p.nz_number()?);
        if !p.eat(b'.') {
            break;
        }
    }
    let text = if p.peek() == Some(b']') {
        None
    } else {
        Some(section_text(p, !part.is_empty())?)
    };
    p.byte(b']', "`]` closing a section")?;
    Ok(Section { part, text })
}

/// `section-text = section-msgtext / "MIME"`; MIME only after a part number.
fn section_text(p: &mut Parser<'_>, after_part: bool) -> Result<SectionText, ParseError> {
    // Longest names first: HEADER.FIELDS.NOT before HEADER.FIELDS before HEADER.
    if p.try_expect("HEADER.FIELDS.NOT") {
        p.sp()?;
        return header_list(p).map(SectionText::HeaderFieldsNot);
    }
    if p.try_expect("HEADER.FIELDS") {
        p.sp()?;
        return header_list(p).map(SectionText::HeaderFields);
    }
    if p.try_expect("HEADER") {
        return Ok(SectionText::Header);
    }
    if p.try_expect("TEXT") {
        return Ok(SectionText::Text);
    }
    if after_part && p.try_expect("MIME") {
        return Ok(SectionText::Mime);
    }
    Err(p.error("section text (HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT or MIME)"))
}

/// `header-list = "(" header-fld-name *(SP header-fld-name) ")"`
fn header_list(p: &mut Parser<'_>) -> Result<Vec<bytes::Bytes>, ParseError> {
    let names = p.list(Parser::astring)?;
    if names.is_empty() {
        return Err(p.error("at least one header field name"));
    }
    Ok(names)
}

/// `section ["<" number ">"]`, as after `BODY` in a FETCH response
/// (`BODY[1.TEXT]<0>`), the cursor on `[`.
pub fn body_section(p: &mut Parser<'_>) -> Result<BodySection, ParseError> {
    let section = section(p)?;
    let origin = if p.eat(b'<') {
        let origin = p.number()?;
        p.byte(b'>', "`>` closing a partial origin")?;
        Some(origin)
    } else {
        None
    };
    Ok(BodySection { section, origin })
}
