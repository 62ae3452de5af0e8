//! The ENVELOPE of a message (RFC 3501 section 7.4.2).

use std::fmt;

use bytes::Bytes;

pub(crate) use super::located::Text;
use super::located::{Lossy, Strings};

/// A message's envelope: the header fields the server parsed for the client.
///
/// Every string is kept as the server sent it, as bytes: header values may
/// be RFC 2047 encoded-words or, from some servers, raw 8-bit text. Decode
/// them lossily (`String::from_utf8_lossy`) or with an RFC 2047 decoder.
///
/// The strings are views of the response the envelope came in: the
/// envelope holds one reference to it and the offsets of its strings, and
/// all its addresses in one list, rather than a reference-counted buffer
/// per string and a list per header (docs/performance.md: parsing that
/// form was a quarter of the time of a FETCH with ENVELOPE).
///
/// ```text
/// envelope = "(" env-date SP env-subject SP env-from SP env-sender SP
///            env-reply-to SP env-to SP env-cc SP env-bcc SP
///            env-in-reply-to SP env-message-id ")"
/// ```
#[derive(Clone, Default)]
pub struct Envelope {
    /// The response the strings are in, and escaped ones unescaped.
    strings: Strings,
    /// Date, subject, in-reply-to and message-id.
    fields: [Text; 4],
    /// The addresses of the six lists, one list after the other.
    addresses: Vec<[Text; 4]>,
    /// Where each of the six lists ends in `addresses`.
    ends: [u32; 6],
}

/// The six address lists, in wire order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum List {
    From,
    Sender,
    ReplyTo,
    To,
    Cc,
    Bcc,
}

impl List {
    /// Every list, in wire order.
    pub(crate) const ALL: [List; 6] = [
        List::From,
        List::Sender,
        List::ReplyTo,
        List::To,
        List::Cc,
        List::Bcc,
    ];
}

impl Envelope {
    /// An envelope with every field NIL, whose strings will be in `frame`
    /// (the parser fills it in).
    pub(crate) fn in_frame(frame: Bytes) -> Self {
        Envelope {
            strings: Strings::in_frame(frame),
            ..Envelope::default()
        }
    }

    /// Sets date (0), subject (1), in-reply-to (2) or message-id (3).
    pub(crate) fn set_field(&mut self, index: usize, text: Text) {
        if let Some(field) = self.fields.get_mut(index) {
            *field = text;
        }
    }

    /// Adds an address to the list being read (lists are read in order).
    pub(crate) fn push_address(&mut self, address: [Text; 4]) {
        // Envelopes list a handful of addresses: one allocation, not a
        // growth from 4 to 8.
        if self.addresses.capacity() == 0 {
            self.addresses.reserve_exact(8);
        }
        self.addresses.push(address);
    }

    /// Marks the end of `list`: the addresses pushed since the previous
    /// list belong to it.
    pub(crate) fn end_list(&mut self, list: List) {
        let end = u32::try_from(self.addresses.len()).unwrap_or(u32::MAX);
        if let Some(slot) = self.ends.get_mut(list as usize) {
            *slot = end;
        }
    }

    /// Where the envelope's strings are.
    pub(crate) fn strings_mut(&mut self) -> &mut Strings {
        &mut self.strings
    }

    /// The `Date:` header.
    pub fn date(&self) -> Option<&[u8]> {
        self.text(self.fields[0])
    }

    /// The `Subject:` header.
    pub fn subject(&self) -> Option<&[u8]> {
        self.text(self.fields[1])
    }

    /// `In-Reply-To:`.
    pub fn in_reply_to(&self) -> Option<&[u8]> {
        self.text(self.fields[2])
    }

    /// `Message-ID:`.
    pub fn message_id(&self) -> Option<&[u8]> {
        self.text(self.fields[3])
    }

    /// `From:`.
    pub fn from(&self) -> Addresses<'_> {
        self.list(List::From)
    }

    /// `Sender:` (servers fill it from `From:` when absent).
    pub fn sender(&self) -> Addresses<'_> {
        self.list(List::Sender)
    }

    /// `Reply-To:` (servers fill it from `From:` when absent).
    pub fn reply_to(&self) -> Addresses<'_> {
        self.list(List::ReplyTo)
    }

    /// `To:`.
    pub fn to(&self) -> Addresses<'_> {
        self.list(List::To)
    }

    /// `Cc:`.
    pub fn cc(&self) -> Addresses<'_> {
        self.list(List::Cc)
    }

    /// `Bcc:`.
    pub fn bcc(&self) -> Addresses<'_> {
        self.list(List::Bcc)
    }

    fn list(&self, list: List) -> Addresses<'_> {
        let index = list as usize;
        let start = index
            .checked_sub(1)
            .and_then(|previous| self.ends.get(previous))
            .map_or(0, |end| *end as usize);
        let end = self.ends.get(index).map_or(start, |end| *end as usize);
        Addresses {
            envelope: self,
            addresses: self.addresses.get(start..end).unwrap_or_default(),
        }
    }

    /// The bytes of a string (`None` for NIL).
    fn text(&self, text: Text) -> Option<&[u8]> {
        self.strings.get(text)
    }
}

impl PartialEq for Envelope {
    fn eq(&self, other: &Self) -> bool {
        self.date() == other.date()
            && self.subject() == other.subject()
            && List::ALL
                .iter()
                .all(|list| self.list(*list).eq(other.list(*list)))
            && self.in_reply_to() == other.in_reply_to()
            && self.message_id() == other.message_id()
    }
}

impl Eq for Envelope {}

impl fmt::Debug for Envelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Envelope")
            .field("date", &self.date().map(Lossy))
            .field("subject", &self.subject().map(Lossy))
            .field("from", &self.from())
            .field("sender", &self.sender())
            .field("reply_to", &self.reply_to())
            .field("to", &self.to())
            .field("cc", &self.cc())
            .field("bcc", &self.bcc())
            .field("in_reply_to", &self.in_reply_to().map(Lossy))
            .field("message_id", &self.message_id().map(Lossy))
            .finish()
    }
}

/// The addresses of one envelope list (`From:`, `To:` ...), in order: an
/// iterator of [`Address`] that also answers `len` and `get`.
#[derive(Clone, Copy)]
pub struct Addresses<'a> {
    envelope: &'a Envelope,
    addresses: &'a [[Text; 4]],
}

impl<'a> Addresses<'a> {
    /// The address at `index`, if the list is that long.
    pub fn get(&self, index: usize) -> Option<Address<'a>> {
        self.addresses.get(index).map(|fields| Address {
            envelope: self.envelope,
            fields: *fields,
        })
    }

    /// Whether the list is empty (NIL, or `()`).
    pub fn is_empty(&self) -> bool {
        self.addresses.is_empty()
    }
}

impl<'a> Iterator for Addresses<'a> {
    type Item = Address<'a>;

    fn next(&mut self) -> Option<Address<'a>> {
        let (first, rest) = self.addresses.split_first()?;
        self.addresses = rest;
        Some(Address {
            envelope: self.envelope,
            fields: *first,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.addresses.len(), Some(self.addresses.len()))
    }
}

impl ExactSizeIterator for Addresses<'_> {}

impl fmt::Debug for Addresses<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(*self).finish()
    }
}

/// One address of an envelope list, exactly as on the wire.
///
/// RFC 3501 encodes RFC 2822 groups inside the list: an address whose
/// `host` is NIL starts a group named by `mailbox`, and one whose `mailbox`
/// and `host` are both NIL ends it. [`recipients`] turns a list into
/// mailboxes and groups.
///
/// ```text
/// address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"
/// ```
#[derive(Clone, Copy)]
pub struct Address<'a> {
    envelope: &'a Envelope,
    fields: [Text; 4],
}

impl<'a> Address<'a> {
    /// The display name (`addr-name`).
    pub fn name(&self) -> Option<&'a [u8]> {
        self.envelope.text(self.fields[0])
    }

    /// The source route (`addr-adl`, obsolete).
    pub fn adl(&self) -> Option<&'a [u8]> {
        self.envelope.text(self.fields[1])
    }

    /// The local part, or the group name at the start of a group.
    pub fn mailbox(&self) -> Option<&'a [u8]> {
        self.envelope.text(self.fields[2])
    }

    /// The domain; NIL marks the start or end of a group.
    pub fn host(&self) -> Option<&'a [u8]> {
        self.envelope.text(self.fields[3])
    }
}

impl PartialEq for Address<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
            && self.adl() == other.adl()
            && self.mailbox() == other.mailbox()
            && self.host() == other.host()
    }
}

impl Eq for Address<'_> {}

impl fmt::Debug for Address<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Address")
            .field("name", &self.name().map(Lossy))
            .field("adl", &self.adl().map(Lossy))
            .field("mailbox", &self.mailbox().map(Lossy))
            .field("host", &self.host().map(Lossy))
            .finish()
    }
}

/// A mailbox or a group, as [`recipients`] reads an address list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recipient<'a> {
    /// A single mailbox.
    Mailbox(Address<'a>),
    /// A named group and its members (`undisclosed-recipients:;` has none).
    Group {
        /// The group's display name.
        name: Option<&'a [u8]>,
        /// Its members.
        members: Vec<Address<'a>>,
    },
}

/// Reads an envelope address list as mailboxes and groups (RFC 3501
/// section 7.4.2: group start and end markers). A group never closed runs
/// to the end of the list.
pub fn recipients(addresses: Addresses<'_>) -> Vec<Recipient<'_>> {
    let mut out = Vec::new();
    let mut group: Option<(Option<&[u8]>, Vec<Address<'_>>)> = None;
    for address in addresses {
        match (address.mailbox(), address.host(), &mut group) {
            (None, None, open) => {
                if let Some((name, members)) = open.take() {
                    out.push(Recipient::Group { name, members });
                }
            }
            (Some(name), None, open) => {
                if let Some((name, members)) = open.take() {
                    out.push(Recipient::Group { name, members });
                }
                *open = Some((Some(name), Vec::new()));
            }
            (_, Some(_), Some((_, members))) => members.push(address),
            (_, Some(_), None) => out.push(Recipient::Mailbox(address)),
        }
    }
    if let Some((name, members)) = group {
        out.push(Recipient::Group { name, members });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::parse::{self, Limits, Parser};

    /// The envelope whose To: list is `to` (address lists on the wire).
    fn with_to(to: &str) -> Envelope {
        let frame = Bytes::from(format!("(NIL NIL NIL NIL NIL {to} NIL NIL NIL NIL)"));
        let limits = Limits::default();
        parse::envelope(&mut Parser::new(&frame, &limits)).unwrap()
    }

    #[test]
    fn plain_addresses_are_mailboxes() {
        let envelope = with_to(r#"((NIL NIL "a" "x.org"))"#);
        let to = envelope.to();
        assert_eq!(recipients(to), vec![Recipient::Mailbox(to.get(0).unwrap())]);
    }

    #[test]
    fn group_markers_gather_members() {
        let envelope = with_to(
            r#"((NIL NIL "friends" NIL)(NIL NIL "a" "x.org")(NIL NIL "b" "x.org")(NIL NIL NIL NIL)(NIL NIL "c" "y.org"))"#,
        );
        let to = envelope.to();
        let at = |i| to.get(i).unwrap();
        assert_eq!(
            recipients(to),
            vec![
                Recipient::Group {
                    name: Some(&b"friends"[..]),
                    members: vec![at(1), at(2)]
                },
                Recipient::Mailbox(at(4)),
            ]
        );
    }

    #[test]
    fn empty_group_has_no_members() {
        let envelope = with_to(r#"((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL))"#);
        assert_eq!(
            recipients(envelope.to()),
            vec![Recipient::Group {
                name: Some(&b"undisclosed-recipients"[..]),
                members: vec![]
            }]
        );
    }

    #[test]
    fn each_list_has_its_own_addresses_and_escapes_are_undone() {
        let frame = Bytes::from_static(
            br#"("d" "a \"quoted\" subject" (("A" NIL "a" "x")) NIL () (("B" NIL "b" "y")("C" NIL "c" "z")) NIL (("D" NIL "d" "w")) NIL "<id>")"#,
        );
        let limits = Limits::default();
        let envelope = parse::envelope(&mut Parser::new(&frame, &limits)).unwrap();
        assert_eq!(envelope.subject(), Some(&br#"a "quoted" subject"#[..]));
        let names = |list: Addresses<'_>| {
            list.map(|a| a.name().unwrap_or_default().to_vec())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(envelope.from()), [b"A".to_vec()]);
        assert!(envelope.sender().is_empty() && envelope.reply_to().is_empty());
        assert_eq!(names(envelope.to()), [b"B".to_vec(), b"C".to_vec()]);
        assert!(envelope.cc().is_empty());
        assert_eq!(names(envelope.bcc()), [b"D".to_vec()]);
        assert_eq!(envelope.in_reply_to(), None);
        assert_eq!(envelope.message_id(), Some(&b"<id>"[..]));
    }
}
