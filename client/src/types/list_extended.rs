//! The extended data of a LIST response (RFC 5258 section 6).

use bytes::Bytes;

use super::{AclEntry, Rights};

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
    /// Items of other extensions (`OLDNAME` ...): tag and raw value.
    pub extra: Vec<(Bytes, Bytes)>,
}
