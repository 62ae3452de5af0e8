//! The results of an ESEARCH response (RFC 4731 section 3.1).

use std::fmt;
use std::ops::RangeInclusive;

use bytes::Bytes;

use crate::types::SequenceSet;

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
    /// `PARTIAL` (RFC 9394, RFC 5267 section 4.4): the range of results
    /// asked for, and the numbers (or UIDs) in it.
    pub partial: Option<Partial>,
    /// `RELEVANCY` (RFC 6203, SEARCH=FUZZY): a score from 1 to 100 for
    /// each message found, in the order of ALL.
    pub relevancy: Option<Vec<u8>>,
    /// Return data of other extensions: name and raw value.
    pub extra: Vec<(String, Bytes)>,
}

/// Which results of a search `PARTIAL` asks for, counted from 1 (RFC 9394
/// section 3.1): from the first (`1:100`) or from the last (`-1:-100`).
///
/// ```text
/// partial-range-first = nz-number ":" nz-number
/// partial-range-last  = MINUS nz-number ":" MINUS nz-number
/// ```
///
/// ```
/// use typed_imap::types::PartialRange;
/// assert_eq!(PartialRange::first(1..=100).to_string(), "1:100");
/// assert_eq!(PartialRange::last(1..=10).to_string(), "-1:-10");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PartialRange {
    /// Counted from the first result: `First(1, 100)` is `1:100`.
    First(u32, u32),
    /// Counted back from the last result: `Last(1, 100)` is `-1:-100`,
    /// the last hundred (RFC 9394; servers with only RFC 5267's CONTEXT
    /// have no such range).
    Last(u32, u32),
}

impl PartialRange {
    /// The results `range` counted from the first, from 1.
    pub fn first(range: RangeInclusive<u32>) -> Self {
        PartialRange::First(*range.start(), *range.end())
    }

    /// The results `range` counted back from the last, from 1 (the last).
    pub fn last(range: RangeInclusive<u32>) -> Self {
        PartialRange::Last(*range.start(), *range.end())
    }

    /// Its two ends, as counted.
    pub fn ends(self) -> (u32, u32) {
        match self {
            PartialRange::First(a, b) | PartialRange::Last(a, b) => (a, b),
        }
    }
}

impl fmt::Display for PartialRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartialRange::First(a, b) => write!(f, "{a}:{b}"),
            PartialRange::Last(a, b) => write!(f, "-{a}:-{b}"),
        }
    }
}

/// The `PARTIAL` return data of an ESEARCH: the range asked for and the
/// numbers (or UIDs) of the results in it.
///
/// ```text
/// ret-data-partial = "PARTIAL" SP "(" partial-range SP partial-results ")"
/// partial-results  = sequence-set / "NIL"
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partial {
    /// The range, as asked for.
    pub range: PartialRange,
    /// The results in it; `None` (NIL) when there are none.
    pub results: Option<SequenceSet>,
}
