//! Search criteria (RFC 3501 section 6.4.4), generic over the keys.
//!
//! The keys themselves (`SEEN`, `FROM`, `SINCE`, ...) are declared in the
//! spec (`[[search_key]]`) and generated as constructors over
//! [`SearchKey::key`]; this module holds the tree they build and its
//! AND/OR/NOT composition.

use chrono::NaiveDate;

use super::{Flag, SequenceSet};

/// One argument of a search key, typed by its grammar.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SearchArg {
    /// An `astring` (FROM, SUBJECT, TEXT, HEADER's field name and value
    /// ...): sent as an atom, a quoted string or a literal as its bytes
    /// require. Bytes beyond ASCII need a CHARSET on the command.
    AString(Vec<u8>),
    /// A `number` (LARGER, SMALLER).
    Number(u32),
    /// A `number64` / `mod-sequence-value` (CONDSTORE's MODSEQ).
    Number64(u64),
    /// A `date` (SINCE, BEFORE, ON, SENTSINCE ...).
    Date(NaiveDate),
    /// A `sequence-set` (UID).
    SequenceSet(SequenceSet),
    /// A flag keyword (KEYWORD, UNKEYWORD).
    Flag(Flag),
    /// A protocol token written as is (an atom; checked when encoded).
    Atom(String),
    /// A parenthesised list, its items separated by SP (ANNOTATE's
    /// `(entries attribs)` of a fetch attribute).
    List(Vec<SearchArg>),
    /// A search key (RFC 6203's `FUZZY search-key`), parenthesised when
    /// it is several.
    Key(Box<SearchKey>),
}

impl SearchArg {
    /// A search key as an argument (`FUZZY`'s).
    pub fn key(key: SearchKey) -> Self {
        SearchArg::Key(Box::new(key))
    }

    /// Calls `need` with what the argument needs: SEARCHRES for `$`, the
    /// capabilities of a key's keys.
    fn each_capability(&self, need: &mut dyn FnMut(&str)) {
        match self {
            SearchArg::SequenceSet(set) => set.each_capability(need),
            SearchArg::Key(key) => key.each_capability(need),
            SearchArg::List(items) => items.iter().for_each(|item| item.each_capability(need)),
            _ => {}
        }
    }
}

/// A search criterion: a key with its arguments, or a combination.
///
/// A top-level [`SearchKey::And`] is sent as space-separated keys (what
/// SEARCH means by several keys); nested inside OR or NOT it is
/// parenthesised.
///
/// ```
/// use typed_imap::types::{SearchArg, SearchKey};
/// let unseen = SearchKey::key("UNSEEN", vec![]);
/// let from = SearchKey::key("FROM", vec![SearchArg::AString(b"bob".to_vec())]);
/// let key = unseen.and(from.not());
/// assert!(matches!(key, SearchKey::And(ref keys) if keys.len() == 2));
/// // The generated constructors do the same, and know each key's capability:
/// assert_eq!(SearchKey::unseen() & !SearchKey::from("bob"), key);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SearchKey {
    /// A named key (`SEEN`, `FROM "bob"`, `HEADER Subject x`).
    Key {
        /// The wire name, from the spec.
        name: &'static str,
        /// The capability a server must advertise for this key (an
        /// extension's key: CONDSTORE's `MODSEQ`), from the spec.
        capability: Option<&'static str>,
        /// Its arguments, in order.
        args: Vec<SearchArg>,
    },
    /// A bare sequence set: the messages with these sequence numbers.
    Set(SequenceSet),
    /// All of these must match. Empty means `ALL`.
    And(Vec<SearchKey>),
    /// `OR a b`: either must match.
    Or(Box<SearchKey>, Box<SearchKey>),
    /// `NOT a`: must not match.
    Not(Box<SearchKey>),
}

impl SearchKey {
    /// A named key with its arguments, that needs no capability.
    pub fn key(name: &'static str, args: Vec<SearchArg>) -> Self {
        Self::new(name, None, args)
    }

    /// A named key, the capability a server must advertise for it, and its
    /// arguments: what the generated constructors build.
    pub fn new(name: &'static str, capability: Option<&'static str>, args: Vec<SearchArg>) -> Self {
        SearchKey::Key {
            name,
            capability,
            args,
        }
    }

    /// The messages with these sequence numbers (RFC 3501's
    /// `sequence-set` search key, written bare).
    pub fn sequence_set(set: impl Into<SequenceSet>) -> Self {
        SearchKey::Set(set.into())
    }

    /// Calls `need` with the capability of every key in the criteria that
    /// has one, and SEARCHRES for a saved result `$` among them (the
    /// session checks them before sending a SEARCH). Without allocating: a
    /// search is sent often.
    pub fn each_capability(&self, need: &mut dyn FnMut(&str)) {
        match self {
            SearchKey::Key {
                capability, args, ..
            } => {
                if let Some(capability) = capability {
                    need(capability);
                }
                args.iter().for_each(|arg| arg.each_capability(need));
            }
            SearchKey::Set(set) => set.each_capability(need),
            SearchKey::And(keys) => keys.iter().for_each(|key| key.each_capability(need)),
            SearchKey::Or(a, b) => {
                a.each_capability(need);
                b.each_capability(need);
            }
            SearchKey::Not(a) => a.each_capability(need),
        }
    }

    /// Both this and `other` (flattened: `a.and(b).and(c)` is one AND of three).
    #[must_use]
    pub fn and(self, other: SearchKey) -> Self {
        let mut keys = match self {
            SearchKey::And(keys) => keys,
            key => vec![key],
        };
        match other {
            SearchKey::And(more) => keys.extend(more),
            key => keys.push(key),
        }
        SearchKey::And(keys)
    }

    /// This or `other`.
    #[must_use]
    pub fn or(self, other: SearchKey) -> Self {
        SearchKey::Or(Box::new(self), Box::new(other))
    }

    /// Not this.
    #[must_use]
    #[allow(clippy::should_implement_trait)] // also implemented as `!key`
    pub fn not(self) -> Self {
        SearchKey::Not(Box::new(self))
    }
}

impl From<&SearchKey> for SearchKey {
    fn from(key: &SearchKey) -> Self {
        key.clone()
    }
}

impl std::ops::BitAnd for SearchKey {
    type Output = SearchKey;

    /// `a & b` is `a.and(b)`.
    fn bitand(self, other: SearchKey) -> SearchKey {
        self.and(other)
    }
}

impl std::ops::BitOr for SearchKey {
    type Output = SearchKey;

    /// `a | b` is `a.or(b)`.
    fn bitor(self, other: SearchKey) -> SearchKey {
        self.or(other)
    }
}

impl std::ops::Not for SearchKey {
    type Output = SearchKey;

    /// `!a` is `a.not()`.
    fn not(self) -> SearchKey {
        SearchKey::Not(Box::new(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(name: &'static str) -> SearchKey {
        SearchKey::key(name, vec![])
    }

    #[test]
    fn and_flattens() {
        let key = k("A").and(k("B")).and(k("C").and(k("D")));
        assert_eq!(key, SearchKey::And(vec![k("A"), k("B"), k("C"), k("D")]));
    }

    fn capabilities(key: &SearchKey) -> Vec<String> {
        let mut found = Vec::new();
        key.each_capability(&mut |c| found.push(c.to_owned()));
        found
    }

    #[test]
    fn capabilities_of_nested_keys_are_all_found() {
        let modseq = SearchKey::new("MODSEQ", Some("CONDSTORE"), vec![SearchArg::Number64(5)]);
        let fuzzy = SearchKey::new("FUZZY", Some("SEARCH=FUZZY"), vec![]);
        let key = k("A").and(modseq.not()).or(k("B").and(fuzzy));
        assert_eq!(capabilities(&key), ["CONDSTORE", "SEARCH=FUZZY"]);
    }

    #[test]
    fn keys_without_capability_need_none() {
        let key = k("A")
            .and(SearchKey::sequence_set(SequenceSet::all()))
            .not();
        assert!(capabilities(&key).is_empty());
    }

    #[test]
    fn operators_match_methods() {
        assert_eq!(k("A") & k("B"), k("A").and(k("B")));
        assert_eq!(k("A") | k("B"), k("A").or(k("B")));
        assert_eq!(!k("A"), k("A").not());
    }

    #[test]
    fn a_saved_result_needs_searchres_wherever_it_is() {
        let uid_saved = SearchKey::key("UID", vec![SearchArg::SequenceSet(SequenceSet::saved())]);
        let key = k("A")
            .and(uid_saved.not())
            .or(SearchKey::Set(SequenceSet::saved()));
        assert_eq!(capabilities(&key), ["SEARCHRES", "SEARCHRES"]);
        assert!(capabilities(&SearchKey::Set(SequenceSet::all())).is_empty());
    }
}
