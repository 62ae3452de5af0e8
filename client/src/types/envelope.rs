//! The ENVELOPE of a message (RFC 3501 section 7.4.2).

use bytes::Bytes;

/// A message's envelope: the header fields the server parsed for the client.
///
/// Every string is kept as the server sent it, as bytes: header values may
/// be RFC 2047 encoded-words or, from some servers, raw 8-bit text. Decode
/// them lossily (`String::from_utf8_lossy`) or with an RFC 2047 decoder.
///
/// ```text
/// envelope = "(" env-date SP env-subject SP env-from SP env-sender SP
///            env-reply-to SP env-to SP env-cc SP env-bcc SP
///            env-in-reply-to SP env-message-id ")"
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Envelope {
    /// The `Date:` header.
    pub date: Option<Bytes>,
    /// The `Subject:` header.
    pub subject: Option<Bytes>,
    /// `From:`.
    pub from: Vec<Address>,
    /// `Sender:` (servers fill it from `From:` when absent).
    pub sender: Vec<Address>,
    /// `Reply-To:` (servers fill it from `From:` when absent).
    pub reply_to: Vec<Address>,
    /// `To:`.
    pub to: Vec<Address>,
    /// `Cc:`.
    pub cc: Vec<Address>,
    /// `Bcc:`.
    pub bcc: Vec<Address>,
    /// `In-Reply-To:`.
    pub in_reply_to: Option<Bytes>,
    /// `Message-ID:`.
    pub message_id: Option<Bytes>,
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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Address {
    /// The display name (`addr-name`).
    pub name: Option<Bytes>,
    /// The source route (`addr-adl`, obsolete).
    pub adl: Option<Bytes>,
    /// The local part, or the group name at the start of a group.
    pub mailbox: Option<Bytes>,
    /// The domain; NIL marks the start or end of a group.
    pub host: Option<Bytes>,
}

/// A mailbox or a group, as [`recipients`] reads an address list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recipient<'a> {
    /// A single mailbox.
    Mailbox(&'a Address),
    /// A named group and its members (`undisclosed-recipients:;` has none).
    Group {
        /// The group's display name.
        name: Option<&'a Bytes>,
        /// Its members.
        members: Vec<&'a Address>,
    },
}

/// Reads an envelope address list as mailboxes and groups (RFC 3501
/// section 7.4.2: group start and end markers). A group never closed runs
/// to the end of the list.
pub fn recipients(addresses: &[Address]) -> Vec<Recipient<'_>> {
    let mut out = Vec::new();
    let mut group: Option<(Option<&Bytes>, Vec<&Address>)> = None;
    for address in addresses {
        match (&address.mailbox, &address.host, &mut group) {
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

    fn addr(mailbox: Option<&'static str>, host: Option<&'static str>) -> Address {
        Address {
            mailbox: mailbox.map(|m| Bytes::from_static(m.as_bytes())),
            host: host.map(|h| Bytes::from_static(h.as_bytes())),
            ..Address::default()
        }
    }

    #[test]
    fn plain_addresses_are_mailboxes() {
        let list = [addr(Some("a"), Some("x.org"))];
        assert_eq!(recipients(&list), vec![Recipient::Mailbox(&list[0])]);
    }

    #[test]
    fn group_markers_gather_members() {
        let list = [
            addr(Some("friends"), None),
            addr(Some("a"), Some("x.org")),
            addr(Some("b"), Some("x.org")),
            addr(None, None),
            addr(Some("c"), Some("y.org")),
        ];
        let name = list[0].mailbox.as_ref();
        assert_eq!(
            recipients(&list),
            vec![
                Recipient::Group {
                    name,
                    members: vec![&list[1], &list[2]]
                },
                Recipient::Mailbox(&list[4]),
            ]
        );
    }

    #[test]
    fn empty_group_has_no_members() {
        let list = [addr(Some("undisclosed-recipients"), None), addr(None, None)];
        let name = list[0].mailbox.as_ref();
        assert_eq!(
            recipients(&list),
            vec![Recipient::Group {
                name,
                members: vec![]
            }]
        );
    }
}
