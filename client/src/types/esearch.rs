//! The results of an ESEARCH response (RFC 4731 section 3.1).

use bytes::Bytes;

use super::SequenceSet;

/// What `SEARCH RETURN (...)` asked for, each present when the server sent
/// it: `* ESEARCH (TAG "A1") UID MIN 2 COUNT 3 ALL 2,10:11`.
///
/// With no match, MIN, MAX and ALL are absent and COUNT is 0.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchReturnData {
    /// `MIN`: the lowest number (or UID) found.
    pub min: Option<u32>,
    /// `MAX`: the highest number (or UID) found.
    pub max: Option<u32>,
    /// `ALL`: every number (or UID) found.
    pub all: Option<SequenceSet>,
    /// `COUNT`: how many were found.
    pub count: Option<u32>,
    /// `MODSEQ` (RFC 7162): the highest modification sequence of the
    /// messages found, when the criteria had MODSEQ.
    pub mod_seq: Option<u64>,
    /// `ADDTO` (RFC 5267 section 4.3, CONTEXT=SEARCH and CONTEXT=SORT's
    /// UPDATE): messages that now match, each set with its position in the
    /// result (0 for a SEARCH, whose result has no order), in order.
    pub add_to: Vec<(u32, SequenceSet)>,
    /// `REMOVEFROM` (RFC 5267 section 4.3): messages that no longer match,
    /// each set with its position in the result (0 for a SEARCH).
    pub remove_from: Vec<(u32, SequenceSet)>,
    /// Return data of other extensions: name and raw value.
    pub extra: Vec<(String, Bytes)>,
}
