//! Which running command an untagged response belongs to, and when a
//! pipelined command must wait instead (RFC 3501 section 5.5).
//!
//! A server may run pipelined commands at once (Dovecot interleaves the
//! FETCH responses of pipelined FETCHes), and IMAP's untagged data names no
//! tag. The session therefore tells data apart by what it is about: a
//! FETCH response by its message (the UID for UID commands, the sequence
//! number otherwise), a STATUS by its mailbox, an ESEARCH by its TAG
//! correlator. Where two commands' data cannot be told apart (two LISTs,
//! two SEARCHes, two FETCHes of overlapping sets), or where a command names
//! messages by sequence number while one that may expunge runs, the second
//! is held back until the first completes, as RFC 3501 section 5.5 asks
//! of clients, instead of guessed at.

use crate::command::{Command, Correlation, Scope};
use crate::types::{Sequence, SequenceSet};

/// What the session knows of a command for routing.
#[derive(Clone, Debug)]
pub(super) struct Route {
    /// The untagged responses it collects, by name.
    pub(super) collects: &'static [&'static str],
    /// A bit per name of `collects` (by hash): two routes whose masks do
    /// not meet share no kind, told without comparing names. Pipelining a
    /// thousand commands makes half a million such comparisons.
    pub(super) kinds: u64,
    /// What its data is about.
    pub(super) scope: Scope,
    /// It names messages by sequence number.
    pub(super) sequence_numbers: bool,
    /// The server may send EXPUNGE while it runs.
    pub(super) may_expunge: bool,
    /// Its large literals are streamed to the caller: no other FETCH data
    /// may arrive while it runs, since a streamed literal is routed before
    /// its response is complete.
    pub(super) streams_bodies: bool,
}

impl Route {
    /// The route of `command`.
    pub(super) fn of<C: Command>(command: &C) -> Self {
        Route {
            collects: C::COLLECTS,
            kinds: KindsOf::<C>::MASK,
            scope: command.scope(),
            sequence_numbers: C::SEQUENCE_NUMBERS,
            may_expunge: C::MAY_EXPUNGE,
            streams_bodies: false,
        }
    }

    /// Whether its data is about messages of a set without `*`: by UID or
    /// not, and the lowest and highest number of the set.
    fn bounded(&self) -> Option<(bool, (u32, u32))> {
        let Scope::Messages { uid, set } = &self.scope else {
            return None;
        };
        let span = set.items().iter().try_fold(None, |span, item| {
            let (lo, hi) = bounds(item)?;
            Some(Some(match span {
                Some((a, b)) => (lo.min(a), hi.max(b)),
                None => (lo, hi),
            }))
        })??;
        Some((*uid, span))
    }

    /// Whether a command with this route, sent now, must wait until
    /// `running` completes.
    pub(super) fn must_wait_for(&self, running: &Route) -> bool {
        if self.sequence_numbers && running.may_expunge {
            // RFC 3501 section 5.5: an EXPUNGE could renumber its messages
            // between sending and running.
            return true;
        }
        if self.kinds & running.kinds == 0 {
            return false;
        }
        let shared = self.collects.iter().any(|kind| {
            running
                .collects
                .iter()
                .any(|other| other.eq_ignore_ascii_case(kind))
        });
        if shared && (self.streams_bodies || running.streams_bodies) {
            return true;
        }
        shared && !separable(&self.scope, &running.scope)
    }

    /// Whether data about `correlation` may be this command's (given that
    /// it collects data of that kind). `tag` is the command's own.
    pub(super) fn may_claim(&self, correlation: Correlation<'_>, tag: &str) -> bool {
        match (&self.scope, correlation) {
            (Scope::Messages { uid: true, set }, Correlation::Message { uid: Some(uid), .. }) => {
                may_contain(set, uid)
            }
            // A UID command's FETCH without a UID (GNU mailutils after UID
            // STORE) cannot be checked: it is taken.
            (Scope::Messages { uid: true, .. }, Correlation::Message { uid: None, .. }) => true,
            (Scope::Messages { uid: false, set }, Correlation::Message { seq, .. }) => {
                may_contain(set, seq)
            }
            (Scope::Mailbox(mine), Correlation::Mailbox(theirs)) => mine == theirs,
            (Scope::Pattern { reference, pattern }, Correlation::Mailbox(theirs)) => {
                !reference.as_str().is_empty() || may_match(pattern, theirs.as_str())
            }
            // Data naming a tag is that command's, whatever collects its
            // kind: a CONTEXT update of an earlier SEARCH is not the
            // answer of the SEARCH running now.
            (_, Correlation::Tag(Some(theirs))) => theirs == tag.as_bytes(),
            _ => true,
        }
    }
}

/// What the routes of the commands in flight may hold, as one
/// over-approximation: a command it clears waits for none of them, told
/// in constant time. Pipelining a thousand UID FETCHes of ascending UIDs
/// would otherwise compare each with every one in flight. Routes are only
/// added; the summary starts over when nothing is in flight.
#[derive(Clone, Debug, Default)]
pub(super) struct Summary {
    /// The kinds collected.
    kinds: u64,
    /// The kinds collected by routes whose data is not told apart by a
    /// bounded set of messages (any scope but `Messages` without `*`).
    unbounded: u64,
    /// The kinds collected by bounded routes by sequence number, and the
    /// span of their sets.
    seq: Option<(u64, (u32, u32))>,
    /// The same for bounded routes by UID.
    uid: Option<(u64, (u32, u32))>,
    /// Some route may expunge.
    may_expunge: bool,
    /// Some route streams bodies.
    streams_bodies: bool,
}

impl Summary {
    /// Takes `route` into the summary.
    pub(super) fn add(&mut self, route: &Route) {
        self.kinds |= route.kinds;
        self.may_expunge |= route.may_expunge;
        self.streams_bodies |= route.streams_bodies;
        match route.bounded() {
            Some((uid, span)) => {
                let slot = if uid { &mut self.uid } else { &mut self.seq };
                *slot = Some(match *slot {
                    Some((kinds, (lo, hi))) => {
                        (kinds | route.kinds, (lo.min(span.0), hi.max(span.1)))
                    }
                    None => (route.kinds, span),
                });
            }
            None => self.unbounded |= route.kinds,
        }
    }

    /// Whether `route` surely waits for no route summarised: `false` when
    /// it may (then each is asked with [`Route::must_wait_for`]).
    pub(super) fn clears(&self, route: &Route) -> bool {
        if route.sequence_numbers && self.may_expunge {
            return false;
        }
        if route.kinds & self.kinds == 0 {
            return true;
        }
        if route.streams_bodies || self.streams_bodies || route.kinds & self.unbounded != 0 {
            return false;
        }
        let Some((uid, (lo, hi))) = route.bounded() else {
            return false;
        };
        let (same, other) = if uid {
            (self.uid, self.seq)
        } else {
            (self.seq, self.uid)
        };
        let apart = |slot: Option<(u64, (u32, u32))>| {
            !slot.is_some_and(|(kinds, (a, b))| kinds & route.kinds != 0 && a <= hi && lo <= b)
        };
        // Sets by UID and by sequence number are never told apart.
        apart(same) && !other.is_some_and(|(kinds, _)| kinds & route.kinds != 0)
    }
}

/// The bits of these names: FNV-1a of each upper-cased name, modulo 64.
/// A `const fn`, so that a command's mask is computed once, by the
/// compiler ([`KindsOf`]), not hashed again for every command sent.
const fn kinds(names: &[&str]) -> u64 {
    let mut mask = 0;
    let mut n = 0;
    while n < names.len() {
        let name = names[n].as_bytes();
        let mut hash = 0xcbf2_9ce4_8422_2325_u64;
        let mut i = 0;
        while i < name.len() {
            hash = (hash ^ name[i].to_ascii_uppercase() as u64).wrapping_mul(0x0100_0000_01b3);
            i += 1;
        }
        mask |= 1 << (hash % 64);
        n += 1;
    }
    mask
}

/// The kinds mask of a command's `COLLECTS`, as a constant per command.
struct KindsOf<C>(std::marker::PhantomData<C>);

impl<C: Command> KindsOf<C> {
    const MASK: u64 = kinds(C::COLLECTS);
}

/// Whether data of two scopes can always be told apart.
fn separable(a: &Scope, b: &Scope) -> bool {
    match (a, b) {
        (Scope::Messages { uid: a_uid, set: a }, Scope::Messages { uid: b_uid, set: b }) => {
            a_uid == b_uid && disjoint(a, b)
        }
        (Scope::Mailbox(a), Scope::Mailbox(b)) => a != b,
        (Scope::Tag, Scope::Tag) => true,
        _ => false,
    }
}

/// The bounds of a set element, `None` when it involves `*` (the largest
/// number in use, which the session does not know for UIDs).
fn bounds(item: &Sequence) -> Option<(u32, u32)> {
    item.bounds().map(|range| range.into_inner())
}

/// Whether `n` may be in `set`: an element with `*` may hold any number
/// (`5:*` is `3:5` in a mailbox of three messages).
fn may_contain(set: &SequenceSet, n: u32) -> bool {
    set.items().iter().any(|item| match bounds(item) {
        Some((lo, hi)) => (lo..=hi).contains(&n),
        None => true,
    })
}

/// Whether a LIST `pattern` may match `name` (RFC 3501 section 6.3.8),
/// erring towards yes: `%` is read as `*` (the hierarchy delimiter is
/// not known here), and letters match in any case (INBOX is
/// case-insensitive; `LIST "" inbox` answers `INBOX`).
fn may_match(pattern: &str, name: &str) -> bool {
    let (pattern, name) = (pattern.as_bytes(), name.as_bytes());
    let (mut p, mut n) = (0, 0);
    // After a wildcard: where it stood in the pattern, and where in the
    // name its match may grow by one byte.
    let mut retry: Option<(usize, usize)> = None;
    while let Some(byte) = name.get(n) {
        match pattern.get(p) {
            Some(b'*' | b'%') => {
                p += 1;
                retry = Some((p, n));
            }
            Some(c) if c.eq_ignore_ascii_case(byte) => {
                p += 1;
                n += 1;
            }
            _ => match retry {
                Some((after, from)) => {
                    p = after;
                    n = from + 1;
                    retry = Some((after, from + 1));
                }
                None => return false,
            },
        }
    }
    let rest = pattern.get(p..).unwrap_or_default();
    rest.iter().all(|c| matches!(c, b'*' | b'%'))
}

/// Whether no number can be in both sets.
fn disjoint(a: &SequenceSet, b: &SequenceSet) -> bool {
    a.items().iter().all(|x| {
        b.items().iter().all(|y| match (bounds(x), bounds(y)) {
            (Some((x_lo, x_hi)), Some((y_lo, y_hi))) => x_hi < y_lo || y_hi < x_lo,
            _ => false,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Mailbox;

    fn set(text: &str) -> SequenceSet {
        text.parse().unwrap()
    }

    fn messages(uid: bool, text: &str) -> Route {
        Route {
            collects: &["FETCH"],
            kinds: kinds(&["FETCH"]),
            scope: Scope::Messages {
                uid,
                set: set(text),
            },
            sequence_numbers: !uid,
            may_expunge: uid,
            streams_bodies: false,
        }
    }

    fn any(collects: &'static [&'static str]) -> Route {
        Route {
            collects,
            kinds: kinds(collects),
            scope: Scope::Any,
            sequence_numbers: false,
            may_expunge: true,
            streams_bodies: false,
        }
    }

    #[test]
    fn uid_fetches_of_disjoint_sets_run_together() {
        assert!(!messages(true, "1:5").must_wait_for(&messages(true, "6,8:9")));
        assert!(messages(true, "1:5").must_wait_for(&messages(true, "5:7")));
    }

    #[test]
    fn a_set_with_star_is_never_disjoint() {
        assert!(messages(true, "100").must_wait_for(&messages(true, "1:*")));
        assert!(messages(true, "*").must_wait_for(&messages(true, "1")));
    }

    #[test]
    fn a_sequence_number_command_waits_for_one_that_may_expunge() {
        // A UID FETCH may get EXPUNGE (RFC 3501 section 7.4.1's note).
        assert!(messages(false, "1").must_wait_for(&messages(true, "7")));
        assert!(messages(false, "1").must_wait_for(&any(&["LIST"])));
        // FETCH by number does not expunge: another FETCH by number of
        // other messages runs alongside.
        assert!(!messages(false, "1").must_wait_for(&messages(false, "2")));
    }

    #[test]
    fn commands_collecting_the_same_unscoped_kind_wait() {
        assert!(any(&["LIST"]).must_wait_for(&any(&["LIST"])));
        assert!(any(&["SEARCH"]).must_wait_for(&any(&["SEARCH"])));
        assert!(!any(&["LIST"]).must_wait_for(&any(&["STATUS"])));
        assert!(!any(&[]).must_wait_for(&any(&["LIST"])));
    }

    #[test]
    fn status_of_different_mailboxes_run_together() {
        let status = |name: &str| Route {
            collects: &["STATUS"],
            kinds: kinds(&["STATUS"]),
            scope: Scope::Mailbox(Mailbox::new(name)),
            sequence_numbers: false,
            may_expunge: true,
            streams_bodies: false,
        };
        assert!(!status("INBOX").must_wait_for(&status("Sent")));
        assert!(status("Sent").must_wait_for(&status("Sent")));
    }

    #[test]
    fn a_command_streaming_bodies_runs_alone_among_fetches() {
        let streaming = Route {
            streams_bodies: true,
            ..messages(true, "1")
        };
        assert!(messages(true, "2").must_wait_for(&streaming));
        assert!(streaming.must_wait_for(&messages(true, "2")));
        assert!(!any(&["LIST"]).must_wait_for(&streaming));
    }

    #[test]
    fn fetch_data_goes_by_uid_or_by_number() {
        let by_uid = messages(true, "10:20");
        let message = |seq, uid| Correlation::Message { seq, uid };
        assert!(by_uid.may_claim(message(1, Some(15)), "A1"));
        assert!(!by_uid.may_claim(message(15, Some(1)), "A1"));
        assert!(by_uid.may_claim(message(1, None), "A1"));
        let by_number = messages(false, "1:3");
        assert!(by_number.may_claim(message(2, Some(99)), "A1"));
        assert!(!by_number.may_claim(message(4, None), "A1"));
    }

    #[test]
    fn tagged_data_goes_to_its_tag() {
        let route = Route {
            scope: Scope::Tag,
            ..any(&["ESEARCH"])
        };
        assert!(route.may_claim(Correlation::Tag(Some(b"A7")), "A7"));
        assert!(!route.may_claim(Correlation::Tag(Some(b"A8")), "A7"));
        assert!(route.may_claim(Correlation::Tag(None), "A7"));
        let unscoped = any(&["SEARCH", "ESEARCH"]);
        assert!(unscoped.may_claim(Correlation::Tag(Some(b"A7")), "A7"));
        assert!(!unscoped.may_claim(Correlation::Tag(Some(b"A3")), "A7"));
        assert!(unscoped.may_claim(Correlation::Tag(None), "A7"));
    }

    #[test]
    fn a_list_takes_only_mailboxes_its_pattern_may_match() {
        let list = |reference: &str, pattern: &str| Route {
            scope: Scope::Pattern {
                reference: Mailbox::new(reference),
                pattern: pattern.into(),
            },
            ..any(&["LIST", "STATUS"])
        };
        let about = |name: &str| Mailbox::new(name);
        let drafts = list("", "Drafts");
        assert!(drafts.may_claim(Correlation::Mailbox(&about("Drafts")), "A1"));
        // A NOTIFY report of another mailbox, LIST or STATUS.
        assert!(!drafts.may_claim(Correlation::Mailbox(&about("Projects")), "A1"));
        assert!(!drafts.may_claim(Correlation::Mailbox(&about("Drafts/Old")), "A1"));
        // A reference is read by the server in its own way: anything goes.
        let under = list("Lists/", "%");
        assert!(under.may_claim(Correlation::Mailbox(&about("Projects")), "A1"));
        assert!(list("", "*").may_claim(Correlation::Mailbox(&about("a/b/c")), "A1"));
    }

    #[test]
    fn patterns_match_with_wildcards_and_without_case() {
        let yes = [
            ("*", ""),
            ("*", "INBOX"),
            ("%", "Sent"),
            // `%` stops at the delimiter, which is not known here: erring
            // towards a match is safe (the data stays the command's).
            ("%", "Lists/ietf"),
            ("Lists/*", "Lists/ietf/imap"),
            ("inbox", "INBOX"),
            ("*ietf*", "Lists/ietf/imap"),
            ("a*b*c", "aXbYbZc"),
            ("a**", "a"),
            ("", ""),
            ("Caf\u{e9}", "caf\u{e9}"),
        ];
        for (pattern, name) in yes {
            assert!(may_match(pattern, name), "{pattern} {name}");
        }
        let no = [
            ("Drafts", "Projects"),
            ("Drafts", "Draft"),
            ("Drafts", "Drafts/Old"),
            ("Lists/*", "Listsx"),
            ("a*b*c", "aXbYbZ"),
            ("", "INBOX"),
            ("INBOX", ""),
        ];
        for (pattern, name) in no {
            assert!(!may_match(pattern, name), "{pattern} {name}");
        }
    }

    #[test]
    fn ascending_uid_fetches_clear_the_summary_of_those_before() {
        let mut summary = Summary::default();
        for uid in 1..=100 {
            let route = messages(true, &uid.to_string());
            assert!(summary.clears(&route), "UID {uid}");
            summary.add(&route);
        }
        assert!(!summary.clears(&messages(true, "50")));
        assert!(!summary.clears(&messages(true, "101:*")));
        assert!(summary.clears(&any(&["LIST"])));
    }

    #[test]
    fn the_summary_clears_nothing_it_cannot_tell_apart() {
        let mut summary = Summary::default();
        summary.add(&messages(true, "1:5"));
        // By sequence number while a UID FETCH (which may expunge) runs.
        assert!(!summary.clears(&messages(false, "9")));
        summary.add(&any(&["FETCH", "LIST"]));
        assert!(!summary.clears(&messages(true, "9")));
        assert!(!summary.clears(&any(&["LIST"])));
        assert!(summary.clears(&any(&["STATUS"])));
    }

    fn arbitrary_route() -> impl proptest::strategy::Strategy<Value = Route> {
        use proptest::prelude::*;
        let set = prop_oneof![
            (1u32..12).prop_map(|n| n.to_string()),
            (1u32..12, 0u32..4).prop_map(|(n, len)| format!("{n}:{}", n + len)),
            (1u32..12).prop_map(|n| format!("{n}:*")),
            (1u32..12, 1u32..12).prop_map(|(a, b)| format!("{a},{b}")),
        ];
        let names: &'static [&'static [&'static str]] =
            &[&["FETCH"], &["FETCH", "VANISHED"], &["LIST"]];
        let rarely = || proptest::bool::weighted(0.15);
        let flags = (proptest::bool::weighted(0.85), rarely(), rarely(), rarely());
        (any::<bool>(), set, 0..names.len(), flags).prop_map(
            move |(uid, text, which, (scoped, seq, expunge, streams))| {
                let collects = names[which];
                Route {
                    collects,
                    kinds: kinds(collects),
                    scope: if scoped {
                        Scope::Messages {
                            uid,
                            set: super::tests::set(&text),
                        }
                    } else {
                        Scope::Any
                    },
                    sequence_numbers: seq,
                    may_expunge: expunge,
                    streams_bodies: streams,
                }
            },
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(2048))]
        /// What the summary clears waits for none of the routes in it.
        #[test]
        fn a_route_the_summary_clears_waits_for_none_of_its_routes(
            running in proptest::collection::vec(arbitrary_route(), 0..8),
            next in arbitrary_route(),
        ) {
            let mut summary = Summary::default();
            for route in &running {
                summary.add(route);
            }
            if summary.clears(&next) {
                for route in &running {
                    proptest::prop_assert!(!next.must_wait_for(route), "{next:?} after {route:?}");
                }
            }
        }
    }
}
