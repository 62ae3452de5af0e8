//! `envelope` and `address` (RFC 3501 section 9).

use crate::types::envelope::{Address, Envelope};

use super::{ParseError, Parser};

/// `envelope`: ten fields in parentheses.
///
/// Leniency (quirk `spaces_between_addresses`): spaces between the
/// addresses of a list are skipped.
pub fn envelope(p: &mut Parser<'_>) -> Result<Envelope, ParseError> {
    p.byte(b'(', "`(` opening an envelope")?;
    let date = p.nstring()?;
    p.sp()?;
    let subject = p.nstring()?;
    p.sp()?;
    let from = address_list(p)?;
    p.sp()?;
    let sender = address_list(p)?;
    p.sp()?;
    let reply_to = address_list(p)?;
    p.sp()?;
    let to = address_list(p)?;
    p.sp()?;
    let cc = address_list(p)?;
    p.sp()?;
    let bcc = address_list(p)?;
    p.sp()?;
    let in_reply_to = p.nstring()?;
    p.sp()?;
    let message_id = p.nstring()?;
    p.byte(b')', "`)` closing the envelope")?;
    Ok(Envelope {
        date,
        subject,
        from,
        sender,
        reply_to,
        to,
        cc,
        bcc,
        in_reply_to,
        message_id,
    })
}

/// `"(" 1*address ")" / nil`; NIL reads as an empty list, and so does
/// `()` (leniency: the grammar asks for at least one address).
pub fn address_list(p: &mut Parser<'_>) -> Result<Vec<Address>, ParseError> {
    if p.nil() {
        return Ok(Vec::new());
    }
    p.byte(b'(', "`(` opening an address list, or NIL")?;
    // Most lists hold one address or two.
    let mut list = Vec::with_capacity(2);
    loop {
        p.skip_spaces();
        if p.eat(b')') {
            break;
        }
        list.push(address(p)?);
    }
    Ok(list)
}

/// `address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"`.
pub fn address(p: &mut Parser<'_>) -> Result<Address, ParseError> {
    p.byte(b'(', "`(` opening an address")?;
    let name = p.nstring()?;
    p.sp()?;
    let adl = p.nstring()?;
    p.sp()?;
    let mailbox = p.nstring()?;
    p.sp()?;
    let host = p.nstring()?;
    p.byte(b')', "`)` closing an address")?;
    Ok(Address {
        name,
        adl,
        mailbox,
        host,
    })
}
