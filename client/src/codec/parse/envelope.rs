//! `envelope` and `address` (RFC 3501 section 9).

use crate::types::envelope::{Envelope, List, Text};

use super::{located, ParseError, Parser};

/// `envelope`: ten fields in parentheses.
///
/// The strings are located, not copied: the envelope keeps one handle on
/// the frame and their offsets (see [`Envelope`]).
///
/// Leniency (quirk `spaces_between_addresses`): spaces between the
/// addresses of a list are skipped.
pub fn envelope(p: &mut Parser<'_>) -> Result<Envelope, ParseError> {
    p.byte(b'(', "`(` opening an envelope")?;
    let mut envelope = Envelope::in_frame(p.frame().clone());
    for index in 0..2 {
        let text = nstring(p, &mut envelope)?;
        envelope.set_field(index, text);
        p.sp()?;
    }
    for list in List::ALL {
        address_list(p, &mut envelope)?;
        envelope.end_list(list);
        p.sp()?;
    }
    let in_reply_to = nstring(p, &mut envelope)?;
    envelope.set_field(2, in_reply_to);
    p.sp()?;
    let message_id = nstring(p, &mut envelope)?;
    envelope.set_field(3, message_id);
    p.byte(b')', "`)` closing the envelope")?;
    Ok(envelope)
}

/// `"(" 1*address ")" / nil`, appended to the envelope's addresses; NIL
/// reads as an empty list, and so does `()` (leniency: the grammar asks for
/// at least one address).
fn address_list(p: &mut Parser<'_>, envelope: &mut Envelope) -> Result<(), ParseError> {
    if p.nil() {
        return Ok(());
    }
    p.byte(b'(', "`(` opening an address list, or NIL")?;
    loop {
        p.skip_spaces();
        if p.eat(b')') {
            return Ok(());
        }
        let address = address(p, envelope)?;
        envelope.push_address(address);
    }
}

/// `address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"`.
fn address(p: &mut Parser<'_>, envelope: &mut Envelope) -> Result<[Text; 4], ParseError> {
    p.byte(b'(', "`(` opening an address")?;
    let name = nstring(p, envelope)?;
    p.sp()?;
    let adl = nstring(p, envelope)?;
    p.sp()?;
    let mailbox = nstring(p, envelope)?;
    p.sp()?;
    let host = nstring(p, envelope)?;
    p.byte(b')', "`)` closing an address")?;
    Ok([name, adl, mailbox, host])
}

/// `nstring`, located in the frame (or unescaped into the envelope).
fn nstring(p: &mut Parser<'_>, envelope: &mut Envelope) -> Result<Text, ParseError> {
    located::nstring(p, envelope.strings_mut())
}
