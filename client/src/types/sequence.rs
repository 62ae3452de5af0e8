//! Sequence sets: message numbers and UIDs (RFC 3501 section 9, `sequence-set`).

use std::fmt;
use std::ops::{RangeFrom, RangeInclusive};
use std::str::FromStr;

/// One end of a range: a number, or `*` (the largest number in use).
///
/// ```text
/// seq-number      = nz-number / "*"
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeqNumber {
    /// A message sequence number or UID (never 0 on the wire).
    Value(u32),
    /// `*`: the largest number in use in the mailbox.
    Largest,
}

/// One element of a sequence set: a number or a range.
///
/// ```text
/// seq-range       = seq-number ":" seq-number
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sequence {
    /// A single number or `*`.
    Single(SeqNumber),
    /// An inclusive range, in either order (`4:2` is `2:4`).
    Range(SeqNumber, SeqNumber),
}

impl Sequence {
    /// The numbers it names, low to high; `None` when it involves `*`
    /// (the largest number in use, which only the server knows).
    ///
    /// ```
    /// use typed_imap::types::{SeqNumber, Sequence};
    /// let range = Sequence::Range(SeqNumber::Value(4), SeqNumber::Value(2));
    /// assert_eq!(range.bounds(), Some(2..=4));
    /// assert_eq!(Sequence::Single(SeqNumber::Largest).bounds(), None);
    /// ```
    pub fn bounds(&self) -> Option<std::ops::RangeInclusive<u32>> {
        let value = |n: &SeqNumber| match n {
            SeqNumber::Value(v) => Some(*v),
            SeqNumber::Largest => None,
        };
        match self {
            Sequence::Single(n) => value(n).map(|v| v..=v),
            Sequence::Range(a, b) => {
                let (a, b) = (value(a)?, value(b)?);
                Some(a.min(b)..=a.max(b))
            }
        }
    }
}

/// A set of message sequence numbers or UIDs.
///
/// ```text
/// sequence-set    = (seq-number / seq-range) *("," sequence-set)
/// ```
///
/// Built from numbers, ranges or a list of UIDs (sorted, de-duplicated and
/// compacted into ranges); [`fmt::Display`] gives the wire form and
/// [`FromStr`] reads it back. A set containing 0 or no element at all cannot
/// be sent: [`FromStr`] refuses it and the encoder does too.
///
/// ```
/// use typed_imap::types::SequenceSet;
/// let set = SequenceSet::from_uids([7, 1, 2, 3, 5, 3]);
/// assert_eq!(set.to_string(), "1:3,5,7");
/// assert_eq!(SequenceSet::from(4..).to_string(), "4:*");
/// assert_eq!("1:3,5,7".parse::<SequenceSet>().unwrap(), set);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct SequenceSet {
    items: Vec<Sequence>,
    /// `$` (RFC 5182): the result a SEARCH saved; `items` is then `1:*`,
    /// what it may hold.
    saved: bool,
}

/// Why text is not a sequence set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid sequence set {input:?} at byte {offset}: {reason}")]
pub struct SequenceSetError {
    /// The refused text.
    pub input: String,
    /// Offset of the problem.
    pub offset: usize,
    /// What was expected there.
    pub reason: &'static str,
}

impl SequenceSet {
    /// An empty set (not sendable until something is pushed).
    pub fn new() -> Self {
        SequenceSet::default()
    }

    /// `*`: the last message.
    pub fn largest() -> Self {
        SequenceSet {
            items: vec![Sequence::Single(SeqNumber::Largest)],
            saved: false,
        }
    }

    /// `$` (RFC 5182, SEARCHRES): the messages the last
    /// `SEARCH RETURN (SAVE)` found, written `$`; a command holding it
    /// needs the SEARCHRES capability. The session cannot know which
    /// messages those are, so it takes `$` to be `1:*` (any message may
    /// be in it) when it tells pipelined commands' data apart.
    ///
    /// ```
    /// use typed_imap::types::SequenceSet;
    /// assert_eq!(SequenceSet::saved().to_string(), "$");
    /// assert_eq!("$".parse::<SequenceSet>().unwrap(), SequenceSet::saved());
    /// ```
    pub fn saved() -> Self {
        SequenceSet {
            saved: true,
            ..SequenceSet::all()
        }
    }

    /// Whether this is `$`, the saved search result.
    pub fn is_saved(&self) -> bool {
        self.saved
    }

    /// Calls `need` with the capability the set needs: SEARCHRES for `$`.
    pub fn each_capability(&self, need: &mut dyn FnMut(&str)) {
        if self.saved {
            need("SEARCHRES");
        }
    }

    /// `1:*`: every message.
    pub fn all() -> Self {
        SequenceSet {
            items: vec![Sequence::Range(SeqNumber::Value(1), SeqNumber::Largest)],
            saved: false,
        }
    }

    /// The set of these numbers, sorted, de-duplicated and compacted into
    /// ranges: `[1, 2, 3, 5]` gives `1:3,5`.
    pub fn from_uids(uids: impl IntoIterator<Item = u32>) -> Self {
        let mut sorted: Vec<u32> = uids.into_iter().collect();
        sorted.sort_unstable();
        sorted.dedup();
        let mut items = Vec::new();
        let mut run: Option<(u32, u32)> = None;
        for n in sorted {
            run = match run {
                Some((start, end)) if end.checked_add(1) == Some(n) => Some((start, n)),
                Some((start, end)) => {
                    items.push(run_item(start, end));
                    Some((n, n))
                }
                None => Some((n, n)),
            };
        }
        if let Some((start, end)) = run {
            items.push(run_item(start, end));
        }
        SequenceSet {
            items,
            saved: false,
        }
    }

    /// Adds an element at the end (no compaction). `$` cannot be combined
    /// with numbers: pushing onto it replaces it.
    pub fn push(&mut self, item: Sequence) {
        if self.saved {
            *self = SequenceSet::new();
        }
        self.items.push(item);
    }

    /// The elements, in order.
    pub fn items(&self) -> &[Sequence] {
        &self.items
    }

    /// Whether the set has no element.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Whether `n` is in the set, taking `*` to be `largest` (for `$`,
    /// whether it may be: any message up to `largest`).
    pub fn contains(&self, n: u32, largest: u32) -> bool {
        let value = |s: SeqNumber| match s {
            SeqNumber::Value(v) => v,
            SeqNumber::Largest => largest,
        };
        self.items.iter().any(|item| match *item {
            Sequence::Single(s) => value(s) == n,
            Sequence::Range(a, b) => {
                let (lo, hi) = (value(a).min(value(b)), value(a).max(value(b)));
                (lo..=hi).contains(&n)
            }
        })
    }

    /// The first problem that keeps this set off the wire, if any.
    pub fn check(&self) -> Result<(), &'static str> {
        if self.items.is_empty() {
            return Err("a sequence set needs at least one number");
        }
        let zero = |s: &SeqNumber| *s == SeqNumber::Value(0);
        let has_zero = self.items.iter().any(|item| match item {
            Sequence::Single(s) => zero(s),
            Sequence::Range(a, b) => zero(a) || zero(b),
        });
        if has_zero {
            return Err("0 is not a message number or UID (nz-number)");
        }
        Ok(())
    }
}

fn run_item(start: u32, end: u32) -> Sequence {
    if start == end {
        Sequence::Single(SeqNumber::Value(start))
    } else {
        Sequence::Range(SeqNumber::Value(start), SeqNumber::Value(end))
    }
}

impl fmt::Display for SeqNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SeqNumber::Value(n) => write!(f, "{n}"),
            SeqNumber::Largest => f.write_str("*"),
        }
    }
}

impl fmt::Display for Sequence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sequence::Single(n) => write!(f, "{n}"),
            Sequence::Range(a, b) => write!(f, "{a}:{b}"),
        }
    }
}

impl fmt::Display for SequenceSet {
    /// The wire form, `1:3,5,7:*`, or `$`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.saved {
            return f.write_str("$");
        }
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{item}")?;
        }
        Ok(())
    }
}

impl FromStr for SequenceSet {
    type Err = SequenceSetError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "$" {
            return Ok(SequenceSet::saved());
        }
        let mut items = Vec::new();
        let mut offset = 0;
        for part in s.split(',') {
            items.push(parse_sequence(s, part, offset)?);
            offset += part.len() + 1;
        }
        Ok(SequenceSet {
            items,
            saved: false,
        })
    }
}

fn parse_sequence(input: &str, part: &str, offset: usize) -> Result<Sequence, SequenceSetError> {
    match part.split_once(':') {
        None => Ok(Sequence::Single(parse_seq_number(input, part, offset)?)),
        Some((a, b)) => Ok(Sequence::Range(
            parse_seq_number(input, a, offset)?,
            parse_seq_number(input, b, offset + a.len() + 1)?,
        )),
    }
}

fn parse_seq_number(input: &str, text: &str, offset: usize) -> Result<SeqNumber, SequenceSetError> {
    let refuse = |reason| SequenceSetError {
        input: input.to_owned(),
        offset,
        reason,
    };
    if text == "*" {
        return Ok(SeqNumber::Largest);
    }
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(refuse("expected a number or '*'"));
    }
    match text.parse::<u32>() {
        Ok(0) => Err(refuse("0 is not a message number or UID (nz-number)")),
        Ok(n) => Ok(SeqNumber::Value(n)),
        Err(_) => Err(refuse("number larger than 4294967295")),
    }
}

impl From<u32> for SequenceSet {
    fn from(n: u32) -> Self {
        SequenceSet {
            items: vec![Sequence::Single(SeqNumber::Value(n))],
            saved: false,
        }
    }
}

impl From<RangeInclusive<u32>> for SequenceSet {
    fn from(range: RangeInclusive<u32>) -> Self {
        let (a, b) = range.into_inner();
        SequenceSet {
            items: vec![run_item(a, b)],
            saved: false,
        }
    }
}

impl From<RangeFrom<u32>> for SequenceSet {
    /// `n..` is `n:*`.
    fn from(range: RangeFrom<u32>) -> Self {
        SequenceSet {
            items: vec![Sequence::Range(
                SeqNumber::Value(range.start),
                SeqNumber::Largest,
            )],
            saved: false,
        }
    }
}

impl From<Vec<u32>> for SequenceSet {
    /// Compacted as by [`SequenceSet::from_uids`].
    fn from(uids: Vec<u32>) -> Self {
        SequenceSet::from_uids(uids)
    }
}

impl From<&[u32]> for SequenceSet {
    /// Compacted as by [`SequenceSet::from_uids`].
    fn from(uids: &[u32]) -> Self {
        SequenceSet::from_uids(uids.iter().copied())
    }
}

impl From<&Vec<u32>> for SequenceSet {
    /// Compacted as by [`SequenceSet::from_uids`].
    fn from(uids: &Vec<u32>) -> Self {
        SequenceSet::from_uids(uids.iter().copied())
    }
}

impl<const N: usize> From<[u32; N]> for SequenceSet {
    /// Compacted as by [`SequenceSet::from_uids`].
    fn from(uids: [u32; N]) -> Self {
        SequenceSet::from_uids(uids)
    }
}

impl From<&SequenceSet> for SequenceSet {
    fn from(set: &SequenceSet) -> Self {
        set.clone()
    }
}

impl From<Sequence> for SequenceSet {
    fn from(item: Sequence) -> Self {
        SequenceSet {
            items: vec![item],
            saved: false,
        }
    }
}

impl FromIterator<Sequence> for SequenceSet {
    fn from_iter<I: IntoIterator<Item = Sequence>>(iter: I) -> Self {
        SequenceSet {
            items: iter.into_iter().collect(),
            saved: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_are_sorted_deduplicated_and_compacted() {
        assert_eq!(
            SequenceSet::from_uids([9, 3, 1, 2, 2, 4, 7]).to_string(),
            "1:4,7,9"
        );
    }

    #[test]
    fn compaction_stops_at_u32_max_without_overflow() {
        assert_eq!(
            SequenceSet::from_uids([u32::MAX, u32::MAX - 1]).to_string(),
            "4294967294:4294967295"
        );
    }

    #[test]
    fn range_from_is_open_ended() {
        assert_eq!(SequenceSet::from(3..).to_string(), "3:*");
        assert_eq!(SequenceSet::all().to_string(), "1:*");
    }

    #[test]
    fn parses_its_own_display() {
        let text = "1,3:5,*,9:*";
        assert_eq!(text.parse::<SequenceSet>().unwrap().to_string(), text);
    }

    #[test]
    fn parser_refuses_zero_empty_and_garbage() {
        for bad in [
            "",
            "0",
            "1,",
            "1:",
            ":2",
            "a",
            "1:2:3",
            "4294967296",
            "1 2",
            "+1",
        ] {
            assert!(bad.parse::<SequenceSet>().is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn check_refuses_empty_and_zero() {
        assert!(SequenceSet::new().check().is_err());
        assert!(SequenceSet::from(0).check().is_err());
        assert!(SequenceSet::from(0..=3).check().is_err());
        assert!(SequenceSet::from(1..=3).check().is_ok());
    }

    #[test]
    fn contains_takes_star_as_largest() {
        let set: SequenceSet = "2:4,10:*".parse().unwrap();
        assert!(set.contains(3, 12));
        assert!(set.contains(12, 12));
        assert!(!set.contains(5, 12));
    }

    #[test]
    fn saved_is_dollar_needs_searchres_and_may_hold_any_message() {
        let saved = SequenceSet::saved();
        assert!(saved.is_saved());
        assert_eq!(saved.check(), Ok(()));
        assert!(saved.contains(7, 9));
        let mut needs = Vec::new();
        saved.each_capability(&mut |c| needs.push(c.to_owned()));
        assert_eq!(needs, ["SEARCHRES"]);
        SequenceSet::all().each_capability(&mut |_| panic!("no capability"));
        assert_ne!(saved, SequenceSet::all());
        assert!("$,1".parse::<SequenceSet>().is_err());
        let mut pushed = SequenceSet::saved();
        pushed.push(Sequence::Single(SeqNumber::Value(3)));
        assert_eq!(pushed.to_string(), "3");
    }
}
