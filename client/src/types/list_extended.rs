//! The extended data of a LIST response (RFC 5258 section 6).

use bytes::Bytes;

/// `("CHILDINFO" ("SUBSCRIBED")) ...` after the mailbox name of a LIST
/// response: why a mailbox that does not match was listed, and other
/// extensions' items.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListExtendedData {
    /// `CHILDINFO`: the selection criteria (`SUBSCRIBED`) that children of
    /// this mailbox match, although it does not itself.
    pub child_info: Option<Vec<Bytes>>,
    /// Items of other extensions (`OLDNAME` ...): tag and raw value.
    pub extra: Vec<(Bytes, Bytes)>,
}
