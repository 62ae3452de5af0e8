//! The parameters of `SELECT mailbox (QRESYNC (...))` (RFC 7162 section 3.2.5).

use crate::types::{SeqNumber, Sequence, SequenceSet};

/// What the client remembers of a mailbox, so that the server sends only
/// what changed since: `(uidvalidity modseq [known-uids])`.
///
/// ```
/// use typed_imap::types::{QresyncParams, SequenceSet};
/// let params = QresyncParams::new(67890007, 90060115194045000).known_uids(SequenceSet::from_uids([1, 2, 3]));
/// assert_eq!(params.mod_seq, 90060115194045000);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QresyncParams {
    /// The UIDVALIDITY the client knows; a different one voids the rest.
    pub uid_validity: u32,
    /// The last HIGHESTMODSEQ the client knows.
    pub mod_seq: u64,
    /// The UIDs the client knows (default: all).
    pub known_uids: Option<SequenceSet>,
}

impl QresyncParams {
    /// The known UIDVALIDITY and HIGHESTMODSEQ.
    pub fn new(uid_validity: u32, mod_seq: u64) -> Self {
        QresyncParams {
            uid_validity,
            mod_seq,
            known_uids: None,
        }
    }

    /// Only these UIDs are known: VANISHED reports only those gone.
    pub fn known_uids(mut self, uids: impl Into<SequenceSet>) -> Self {
        self.known_uids = Some(uids.into());
        self
    }
}

/// A VANISHED response (RFC 7162 section 3.2.10): UIDs expunged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vanished {
    /// `(EARLIER)`: an answer about the past (to SELECT or UID FETCH); the
    /// messages were not in this session's view, the count is unchanged.
    /// Without it, the messages just left the mailbox, as EXPUNGE says.
    pub earlier: bool,
    /// The UIDs.
    pub uids: SequenceSet,
}

impl Vanished {
    /// How many UIDs the set names (`*`, which a server does not send
    /// here, counts as one).
    pub fn count(&self) -> u32 {
        self.uids
            .items()
            .iter()
            .map(|item| match item {
                Sequence::Single(_) => 1,
                Sequence::Range(SeqNumber::Value(a), SeqNumber::Value(b)) => a.abs_diff(*b) + 1,
                Sequence::Range(..) => 1,
            })
            .fold(0u32, u32::saturating_add)
    }
}
