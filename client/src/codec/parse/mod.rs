//! Parsing responses: the [`Parser`] cursor, its [`Limits`] and
//! [`ParseError`], and one parse function per grammar type of
//! `spec/types.toml` (the vocabulary table of `docs/architecture.md`).
//!
//! Every parse function has the signature
//! `fn(&mut Parser<'_>) -> Result<T, ParseError>` and parses exactly its
//! production: no leading or trailing SP, unless its documentation says so.
//! Two list-valued ones, [`number_list`] and [`capabilities`], take their own
//! leading SPs because the list may be empty (`* SEARCH` CRLF).
//!
//! Text that is not UTF-8 never makes a parser fail or panic: strings are
//! [`Bytes`], kept as the server sent them.

use bytes::Bytes;

mod body_structure;
mod datetime;
mod envelope;
mod error;
mod limits;
mod located;
mod parser;
mod section;

// The base protocol's files are above; each extension's is in ext/.
mod ext;
use ext::{
    acl, annotate, appendlimit, binary, catenate, condstore, esearch, gmail, id, list_extended,
    metadata, namespace, notify, objectid, preview, qresync, quota, referral, thread, uidplus,
    urlauth_binary,
};

pub use acl::{acl_entries, rights, rights_groups};
pub use annotate::annotations;
pub use appendlimit::append_limit;
pub use binary::string8;
pub use body_structure::body_structure;
pub use catenate::url_resp_text;
pub use condstore::{permsg_modsequence, search_sort_mod_seq};
pub use datetime::date_time;
pub use envelope::envelope;
pub(crate) use error::escape as error_escape;
pub use error::ParseError;
pub use esearch::{esearch_uid, search_correlator, search_return_data};
pub use gmail::gm_labels;
pub use id::id_params;
pub use limits::Limits;
pub use list_extended::mbox_list_extended;
pub use metadata::{metadata_code, metadata_data};
pub use namespace::namespace;
pub use notify::badevent_events;
pub use objectid::objectid;
pub use parser::{Parser, StrAt, UpperName, MAX_NAME_LEN};
pub use preview::preview;
pub use qresync::vanished;
pub use quota::{astrings, quota_resources};
pub use referral::referral_urls;
pub use section::{body_section, section};
pub use thread::threads;
pub use uidplus::uid_set;
pub use urlauth_binary::url_fetch_data;

use crate::types::capability::Capability;
use crate::types::{Flag, Mailbox, SequenceSet};

/// Test helper: parses all of `input` (up to its CRLF) with `f`.
#[cfg(test)]
pub(crate) fn parse_whole<T>(
    input: impl AsRef<[u8]>,
    f: fn(&mut Parser<'_>) -> Result<T, ParseError>,
) -> Result<T, ParseError> {
    let frame = Bytes::copy_from_slice(input.as_ref());
    let limits = Limits::DEFAULT;
    let mut p = Parser::new(&frame, &limits);
    let value = f(&mut p)?;
    p.finish()?;
    Ok(value)
}

/// `atom`, owned.
pub fn atom(p: &mut Parser<'_>) -> Result<String, ParseError> {
    p.atom().map(str::to_owned)
}

/// `astring`: 1*ASTRING-CHAR / string.
pub fn astring(p: &mut Parser<'_>) -> Result<Bytes, ParseError> {
    p.astring()
}

/// `string`: quoted / literal.
pub fn string(p: &mut Parser<'_>) -> Result<Bytes, ParseError> {
    p.string()
}

/// `nstring`: string / NIL.
///
/// Leniency (quirk `missing_section_value`): no value at all, the cursor on
/// the `)` that closes the list (after [`Parser::value_sp`]), reads as NIL.
pub fn nstring(p: &mut Parser<'_>) -> Result<Option<Bytes>, ParseError> {
    if p.peek() == Some(b')') {
        return Ok(None);
    }
    p.nstring()
}

/// `number`: an unsigned 32-bit number.
pub fn number(p: &mut Parser<'_>) -> Result<u32, ParseError> {
    p.number()
}

/// `number64`: an unsigned 63-bit number (RFC 9051, for MODSEQ and sizes).
pub fn number64(p: &mut Parser<'_>) -> Result<u64, ParseError> {
    p.number64()
}

/// `nz-number`: a non-zero 32-bit number.
pub fn nz_number(p: &mut Parser<'_>) -> Result<u32, ParseError> {
    p.nz_number()
}

/// `text`: the rest of the line, possibly empty, as bytes.
pub fn text(p: &mut Parser<'_>) -> Result<Bytes, ParseError> {
    Ok(p.text())
}

/// The LIST/LSUB hierarchy delimiter: `DQUOTE QUOTED-CHAR DQUOTE / nil`.
///
/// Leniency (quirk `empty_delimiter`): `""` reads as NIL, no hierarchy.
pub fn delimiter(p: &mut Parser<'_>) -> Result<Option<char>, ParseError> {
    if p.nil() {
        return Ok(None);
    }
    let start = p.position();
    let quoted = p.quoted()?;
    match quoted.as_ref() {
        [c] if c.is_ascii() => Ok(Some(char::from(*c))),
        [] => Ok(None),
        _ => Err(p.error_at("one ASCII character in quotes, or NIL", start)),
    }
}

/// `*(SP nz-number)`: the numbers of a SEARCH response, possibly none.
///
/// Takes its own leading SPs. Leniency (quirk `trailing_space`): a space
/// before the CRLF is skipped.
pub fn number_list(p: &mut Parser<'_>) -> Result<Vec<u32>, ParseError> {
    let mut numbers = Vec::new();
    while p.peek() == Some(b' ') {
        match p.peek_at(1) {
            Some(b'0'..=b'9') => {
                p.advance();
                numbers.push(p.nz_number()?);
            }
            None | Some(b'\r' | b'\n') => p.advance(),
            // Not ours: the caller parses what follows (`(MODSEQ 5)`).
            Some(_) => break,
        }
    }
    Ok(numbers)
}

/// `capability`: one capability name (an atom).
pub fn capability(p: &mut Parser<'_>) -> Result<Capability, ParseError> {
    p.atom().map(Capability::new)
}

/// `*(SP capability)`: the capabilities of a CAPABILITY response or
/// response code.
///
/// Takes its own leading SPs. Leniency (quirk `trailing_space`): a space
/// before the CRLF or `]` is skipped.
pub fn capabilities(p: &mut Parser<'_>) -> Result<Vec<Capability>, ParseError> {
    let mut list = Vec::new();
    while p.peek() == Some(b' ') {
        match p.peek_at(1) {
            None | Some(b'\r' | b'\n' | b']') => p.advance(),
            Some(_) => {
                p.advance();
                list.push(capability(p)?);
            }
        }
    }
    Ok(list)
}

/// `flag` (and `flag-fetch`, `flag-perm`): `\Name`, a keyword atom, or `\*`.
///
/// Leniency (quirk `bracket_in_flag`): a flag may contain `]`, as some
/// servers' keywords do; inside a flag list the flag still ends at SP or
/// `)`. Quirk `star_in_flags`: `\*` is accepted in every flag list.
/// A flag with 8-bit bytes is refused (a flag is an atom).
pub fn flag(p: &mut Parser<'_>) -> Result<Flag, ParseError> {
    let backslash = p.eat(b'\\');
    if backslash && p.eat(b'*') {
        return Ok(Flag::MayCreate);
    }
    let start = p.position();
    let expected = "flag (`\\` atom, atom or `\\*`)";
    let name = p.astring_atom_bytes().map_err(|_| p.error(expected))?;
    // System flags are matched as bytes: no str to make for them.
    if let Some(flag) = backslash.then(|| Flag::system(name)).flatten() {
        return Ok(flag);
    }
    // Atom characters are ASCII, hence UTF-8.
    let name = std::str::from_utf8(name).map_err(|_| p.error_at(expected, start))?;
    Ok(Flag::from_name(backslash, name))
}

/// `flag-list = "(" [flag *(SP flag)] ")"`, also `mbx-list-flags` of LIST.
pub fn flag_list(p: &mut Parser<'_>) -> Result<Vec<Flag>, ParseError> {
    p.list(flag)
}

/// `mbx-list-flags`: the attributes of a LIST, LSUB or XLIST response, a
/// flag list read as the generated [`MailboxAttribute`]s (the ones the
/// spec files declare; `Other` for the rest).
///
/// [`MailboxAttribute`]: crate::MailboxAttribute
pub fn mbx_list_flags(p: &mut Parser<'_>) -> Result<Vec<crate::MailboxAttribute>, ParseError> {
    p.list(|p| flag(p).map(|flag| crate::MailboxAttribute::from_wire(&flag.to_string())))
}

/// `mailbox = "INBOX" / astring`, decoded from modified UTF-7
/// (`types::Mailbox::from_wire`: a name that is not valid modified UTF-7
/// is decoded lossily and its exact bytes kept for sending back), or, once
/// `UTF8=ACCEPT` is enabled, taken as UTF-8 (`Mailbox::from_utf8_wire`):
/// then `&AOQ-` is that name itself, not `ä` (RFC 6855 section 3).
pub fn mailbox(p: &mut Parser<'_>) -> Result<Mailbox, ParseError> {
    let name = p.astring()?;
    Ok(mailbox_from_wire(p, &name))
}

/// An astring that must be UTF-8 (METADATA entry names, ANNOTATE entry
/// and attribute names); `expected` names it in the error.
pub(crate) fn utf8_astring(p: &mut Parser<'_>, expected: &str) -> Result<String, ParseError> {
    let start = p.position();
    let bytes = p.astring()?;
    String::from_utf8(bytes.to_vec()).map_err(|_| p.error_at(expected, start))
}

/// A mailbox name read by `p`, in the encoding its session uses.
pub(crate) fn mailbox_from_wire(p: &Parser<'_>, name: &[u8]) -> Mailbox {
    if p.utf8() {
        Mailbox::from_utf8_wire(name)
    } else {
        Mailbox::from_wire(name)
    }
}

/// `sequence-set`: numbers, ranges and `*`, comma-separated (`1:4,7,9:*`),
/// as in the UIDPLUS codes and ESEARCH results.
pub fn sequence_set(p: &mut Parser<'_>) -> Result<SequenceSet, ParseError> {
    let start = p.position();
    let text = p.take_while(|b| b.is_ascii_digit() || matches!(b, b':' | b',' | b'*'));
    // Only ASCII was taken, so this is UTF-8.
    let text = std::str::from_utf8(&text).map_err(|_| p.error_at("sequence set", start))?;
    text.parse().map_err(|e: crate::types::SequenceSetError| {
        p.error_at(&format!("sequence set: {}", e.reason), start + e.offset)
    })
}
