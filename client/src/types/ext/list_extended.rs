//! The extended data of a LIST response (RFC 5258 section 6).

use bytes::Bytes;

use crate::types::{AclEntry, Mailbox, Rights};

/// `("CHILDINFO" ("SUBSCRIBED")) ...` after the mailbox name of a LIST
/// response: why a mailbox that does not match was listed, and other
/// extensions' items.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListExtendedData {
    /// `CHILDINFO`: the selection criteria (`SUBSCRIBED`) that children of
    /// this mailbox match, although it does not itself.
    pub child_info: Option<Vec<Bytes>>,
    /// `MYRIGHTS` (Courier's ACL2, `LIST (MYRIGHTS)`): the user's rights
    /// on the mailbox.
    pub my_rights: Option<Rights>,
    /// `ACL` (Courier's ACL2, `LIST (ACL)`): the mailbox's access control
    /// list.
    pub acl: Option<Vec<AclEntry>>,
    /// `OLDNAME` (RFC 9051 section 7.3.1, in IMAP4rev2 and with LIST's
    /// extended form): the name the mailbox had before a RENAME, or before
    /// its name was read as UTF-8.
    pub old_name: Option<Mailbox>,
    /// Items of other extensions: tag and raw value.
    pub extra: Vec<(Bytes, Bytes)>,
}
