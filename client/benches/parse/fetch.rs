//! A FETCH response parser assembled from the runtime's primitives, for the
//! benchmark, until the generated one from the spec replaces it here.

use bytes::Bytes;
use chrono::{DateTime, FixedOffset};
use typed_imap::codec::parse::{self, Limits, ParseError, Parser};
use typed_imap::types::{BodySection, BodyStructure, Envelope, Flag};

/// The attributes the benchmark's responses carry (only handed to
/// `black_box`, hence never read).
#[allow(dead_code)]
#[derive(Debug, Default)]
pub struct Fetch {
    pub number: u32,
    pub uid: Option<u32>,
    pub size: Option<u32>,
    pub flags: Vec<Flag>,
    pub internal_date: Option<DateTime<FixedOffset>>,
    pub envelope: Option<Envelope>,
    pub body_structure: Option<BodyStructure>,
    pub sections: Vec<(BodySection, Option<Bytes>)>,
}

/// `* n FETCH (att SP value ...)`.
pub fn parse(frame: &Bytes, limits: &Limits) -> Result<Fetch, ParseError> {
    let mut p = Parser::new(frame, limits);
    p.expect("* ")?;
    let mut fetch = Fetch {
        number: p.nz_number()?,
        ..Fetch::default()
    };
    p.expect(" FETCH (")?;
    loop {
        attribute(&mut p, &mut fetch)?;
        if p.eat(b')') {
            break;
        }
        p.sp()?;
    }
    p.finish()?;
    Ok(fetch)
}

fn attribute(p: &mut Parser<'_>, fetch: &mut Fetch) -> Result<(), ParseError> {
    let name = p.att_name()?;
    if name.eq_ignore_ascii_case("BODY") && p.peek() == Some(b'[') {
        let section = parse::body_section(p)?;
        p.sp()?;
        fetch.sections.push((section, p.nstring()?));
        return Ok(());
    }
    p.sp()?;
    let is = |wanted: &str| name.eq_ignore_ascii_case(wanted);
    if is("UID") {
        fetch.uid = Some(p.nz_number()?);
    } else if is("RFC822.SIZE") {
        fetch.size = Some(p.number()?);
    } else if is("FLAGS") {
        fetch.flags = parse::flag_list(p)?;
    } else if is("INTERNALDATE") {
        fetch.internal_date = Some(parse::date_time(p)?);
    } else if is("ENVELOPE") {
        fetch.envelope = Some(parse::envelope(p)?);
    } else if is("BODYSTRUCTURE") || is("BODY") {
        fetch.body_structure = Some(parse::body_structure(p)?);
    } else {
        return Err(p.error("a known fetch attribute"));
    }
    Ok(())
}
