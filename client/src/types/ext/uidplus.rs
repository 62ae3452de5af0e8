//! UID sets of the UIDPLUS response codes (RFC 4315 section 4).

use std::fmt;
use std::ops::RangeInclusive;

use crate::types::SequenceSet;

/// The UIDs of an APPENDUID or COPYUID response code: numbers and ranges,
/// never `*` or 0.
///
/// ```text
/// uid-set         = (uniqueid / uid-range) *("," uid-set)
/// uid-range       = (uniqueid ":" uniqueid)
/// ```
///
/// A range counts in either order (`4:2` is `2:4`). [`iter`](Self::iter)
/// gives the UIDs in the order the server listed them, each range counted
/// upwards: COPYUID pairs the source and destination sets in that order.
///
/// ```
/// use typed_imap::types::UidSet;
/// let set = UidSet::from_ranges([5..=5, 1..=3]);
/// assert_eq!(set.iter().collect::<Vec<_>>(), [5, 1, 2, 3]);
/// assert_eq!(set.len(), 4);
/// assert_eq!(set.to_string(), "5,1:3");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UidSet {
    // A boxed slice, not a Vec: two sets sit in every `Code::CopyUid`, and
    // `Code` sits in `Error::No`, which should stay small.
    ranges: Box<[RangeInclusive<u32>]>,
}

impl UidSet {
    /// A set of these ranges, in this order; a range given high to low is
    /// turned around.
    pub fn from_ranges(ranges: impl IntoIterator<Item = RangeInclusive<u32>>) -> Self {
        let ranges = ranges
            .into_iter()
            .map(|r| {
                let (a, b) = r.into_inner();
                a.min(b)..=a.max(b)
            })
            .collect();
        UidSet { ranges }
    }

    /// The ranges, in the server's order, each low to high.
    pub fn ranges(&self) -> &[RangeInclusive<u32>] {
        &self.ranges
    }

    /// The UIDs one by one (lazily: a range of four billion costs nothing
    /// until it is walked).
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.ranges.iter().flat_map(|r| r.clone())
    }

    /// How many UIDs the set names (repeats counted).
    pub fn len(&self) -> u64 {
        self.ranges
            .iter()
            .map(|r| u64::from(r.end() - r.start()) + 1)
            .sum()
    }

    /// Whether the set names no UID (never so when parsed from a server).
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Whether `uid` is in the set.
    pub fn contains(&self, uid: u32) -> bool {
        self.ranges.iter().any(|r| r.contains(&uid))
    }
}

impl fmt::Display for UidSet {
    /// The wire form, `1:3,5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if r.start() == r.end() {
                write!(f, "{}", r.start())?;
            } else {
                write!(f, "{}:{}", r.start(), r.end())?;
            }
        }
        Ok(())
    }
}

impl From<&UidSet> for SequenceSet {
    /// The same UIDs as a sequence set, to send back (`UID FETCH`).
    fn from(set: &UidSet) -> SequenceSet {
        set.ranges.iter().cloned().map(SequenceSet::from).fold(
            SequenceSet::new(),
            |mut all, one| {
                for item in one.items() {
                    all.push(*item);
                }
                all
            },
        )
    }
}
