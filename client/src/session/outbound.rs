//! What the session has to write: the fragments of every command sent,
//! held back at each synchronising literal until the server's `+`, and
//! behind a command that must complete first (`routing`).

use std::collections::VecDeque;
use std::sync::Arc;

use crate::codec::encode::Fragment;

/// One fragment and the tag of the command it belongs to.
///
/// Tags are the session's shared `Arc<str>`: each fragment, each command
/// waited for and each release names its command without a String of
/// its own.
#[derive(Debug)]
struct Queued {
    tag: Arc<str>,
    fragment: Fragment,
    /// The first fragment of its command: the commands that must complete
    /// before it may go (empty: none).
    after: Option<Vec<Arc<str>>>,
}

/// The write side of the session.
///
/// Fragments leave in order: a synchronising literal blocks everything
/// after it (the rest of its command and any pipelined command) until a
/// continuation request releases it, so two commands never interleave.
#[derive(Debug, Default)]
pub(super) struct Outbound {
    queue: VecDeque<Queued>,
    /// The tag whose synchronising literal waits for `+`.
    waiting: Option<Arc<str>>,
    /// Bytes ready to be written.
    ready: Vec<u8>,
    /// Commands whose first bytes went to `ready` since last asked.
    released: Vec<Arc<str>>,
    /// A literal the driver must copy from its own source now (its
    /// command's tag and length): nothing more goes until it has.
    external: Option<(Arc<str>, u64)>,
}

impl Outbound {
    /// Queues a command's fragments (the first line already tagged), to
    /// go once the commands tagged `after` have completed. Commands leave
    /// in the order queued: one held back holds back those after it.
    pub(super) fn push(&mut self, tag: &Arc<str>, fragments: Vec<Fragment>, after: Vec<Arc<str>>) {
        let free = after.is_empty()
            && self.queue.is_empty()
            && self.waiting.is_none()
            && self.external.is_none();
        if free {
            if let [Fragment::Line(line)] = fragments.as_slice() {
                // A one-line command nothing holds back (most commands):
                // what `pump` would do with it, without queueing it first.
                self.ready.extend_from_slice(line);
                self.released.push(Arc::clone(tag));
                return;
            }
        }
        let mut after = Some(after);
        self.queue
            .extend(fragments.into_iter().map(|fragment| Queued {
                tag: Arc::clone(tag),
                fragment,
                after: after.take(),
            }));
        self.pump();
    }

    /// The commands whose first bytes became ready to write since the
    /// last call (those held back are not). Give the vector back with
    /// [`recycle_released`](Self::recycle_released).
    pub(super) fn take_released(&mut self) -> Vec<Arc<str>> {
        std::mem::take(&mut self.released)
    }

    /// Takes back the vector [`take_released`](Self::take_released)
    /// returned, emptied, so that its memory serves the next commands
    /// instead of a new allocation per command.
    pub(super) fn recycle_released(&mut self, mut released: Vec<Arc<str>>) {
        if self.released.is_empty() {
            released.clear();
            self.released = released;
        }
    }

    /// Bytes that answer a continuation request (SASL responses, `DONE`):
    /// they go out at once.
    pub(super) fn push_raw(&mut self, bytes: &[u8]) {
        self.ready.extend_from_slice(bytes);
    }

    /// The tag waiting for a continuation request, if any.
    #[cfg(test)]
    pub(super) fn waiting(&self) -> Option<&str> {
        self.waiting.as_deref()
    }

    /// A continuation request arrived: releases the literal it was for.
    /// Returns false when no literal was waiting.
    pub(super) fn continuation(&mut self) -> bool {
        if self.waiting.take().is_none() {
            return false;
        }
        match self.queue.pop_front() {
            Some(Queued {
                fragment: Fragment::Literal { data, .. },
                ..
            }) => self.ready.extend_from_slice(&data),
            Some(Queued {
                tag,
                fragment: Fragment::External { len, .. },
                ..
            }) => self.external = Some((tag, len)),
            _ => {}
        }
        self.pump();
        true
    }

    /// The length of the literal the driver must now copy from its source,
    /// after writing what [`take`](Self::take) gave.
    pub(super) fn pending_external(&self) -> Option<u64> {
        self.external.as_ref().map(|(_, len)| *len)
    }

    /// The driver copied the literal [`pending_external`](Self::pending_external)
    /// asked for: what follows may go.
    pub(super) fn external_written(&mut self) {
        self.external = None;
        self.pump();
    }

    /// The command `tag` completed: what is left of it is never sent (a
    /// tagged NO instead of `+` sends nothing more), and commands held
    /// back behind it may go.
    pub(super) fn cancel(&mut self, tag: &str) {
        if self.queue.is_empty() && self.waiting.is_none() && self.external.is_none() {
            // All of it went out (the usual case): nothing to drop, and
            // nothing held back that its completion could release.
            return;
        }
        self.queue.retain(|queued| &*queued.tag != tag);
        for queued in &mut self.queue {
            if let Some(after) = &mut queued.after {
                after.retain(|waited| &**waited != tag);
            }
        }
        if self.waiting.as_deref() == Some(tag) {
            self.waiting = None;
        }
        if self
            .external
            .as_ref()
            .is_some_and(|(owner, _)| &**owner == tag)
        {
            self.external = None;
        }
        self.pump();
    }

    /// Whether part of `tag` is still unsent.
    pub(super) fn has_unsent(&self, tag: &str) -> bool {
        self.queue.iter().any(|queued| &*queued.tag == tag)
            || self
                .external
                .as_ref()
                .is_some_and(|(owner, _)| &**owner == tag)
    }

    /// Takes the bytes ready to be written.
    pub(super) fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.ready)
    }

    /// Whether bytes are ready to be written.
    pub(super) fn has_ready(&self) -> bool {
        !self.ready.is_empty()
    }

    /// Moves fragments to `ready` up to the next synchronising literal or
    /// the next command held back.
    fn pump(&mut self) {
        while self.waiting.is_none() && self.external.is_none() {
            let Some(front) = self.queue.front() else {
                break;
            };
            if front.after.as_ref().is_some_and(|after| !after.is_empty()) {
                break;
            }
            if let Fragment::Literal { sync: true, .. } | Fragment::External { sync: true, .. } =
                front.fragment
            {
                self.waiting = Some(Arc::clone(&front.tag));
                break;
            }
            if let Some(queued) = self.queue.pop_front() {
                if queued.after.is_some() {
                    self.released.push(Arc::clone(&queued.tag));
                }
                match queued.fragment {
                    Fragment::Line(bytes) => self.ready.extend_from_slice(&bytes),
                    Fragment::Literal { data, .. } => self.ready.extend_from_slice(&data),
                    Fragment::External { len, .. } => self.external = Some((queued.tag, len)),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(tag: &str) -> Arc<str> {
        Arc::from(tag)
    }

    fn append_fragments() -> Vec<Fragment> {
        vec![
            Fragment::Line(b"A1 APPEND INBOX {5}\r\n".to_vec()),
            Fragment::Literal {
                data: b"hello".to_vec(),
                sync: true,
            },
            Fragment::Line(b"\r\n".to_vec()),
        ]
    }

    #[test]
    fn synchronising_literal_waits_for_continuation() {
        let mut out = Outbound::default();
        out.push(&tag("A1"), append_fragments(), Vec::new());
        assert_eq!(out.take(), b"A1 APPEND INBOX {5}\r\n");
        assert_eq!(out.waiting(), Some("A1"));
        assert!(out.continuation());
        assert_eq!(out.take(), b"hello\r\n");
        assert!(!out.has_unsent("A1"));
    }

    #[test]
    fn tagged_no_instead_of_continuation_sends_nothing_more() {
        let mut out = Outbound::default();
        out.push(&tag("A1"), append_fragments(), Vec::new());
        out.take();
        out.cancel("A1");
        assert!(out.take().is_empty());
        assert_eq!(out.waiting(), None);
    }

    #[test]
    fn non_synchronising_literal_goes_at_once() {
        let mut out = Outbound::default();
        out.push(
            &tag("A1"),
            vec![
                Fragment::Line(b"A1 LOGIN {1+}\r\n".to_vec()),
                Fragment::Literal {
                    data: b"x".to_vec(),
                    sync: false,
                },
                Fragment::Line(b" y\r\n".to_vec()),
            ],
            Vec::new(),
        );
        assert_eq!(out.take(), b"A1 LOGIN {1+}\r\nx y\r\n");
    }

    #[test]
    fn pipelined_command_waits_behind_a_literal() {
        let mut out = Outbound::default();
        out.push(&tag("A1"), append_fragments(), Vec::new());
        out.push(
            &tag("A2"),
            vec![Fragment::Line(b"A2 NOOP\r\n".to_vec())],
            Vec::new(),
        );
        assert_eq!(out.take(), b"A1 APPEND INBOX {5}\r\n");
        assert!(out.has_unsent("A2"));
        out.continuation();
        assert_eq!(out.take(), b"hello\r\nA2 NOOP\r\n");
    }

    fn line(tag: &str, text: &str) -> Vec<Fragment> {
        vec![Fragment::Line(format!("{tag} {text}\r\n").into_bytes())]
    }

    #[test]
    fn a_command_held_back_goes_when_the_one_it_waits_for_completes() {
        let mut out = Outbound::default();
        out.push(&tag("A1"), line("A1", "EXPUNGE"), Vec::new());
        out.push(&tag("A2"), line("A2", "FETCH 1 FLAGS"), vec![tag("A1")]);
        out.push(&tag("A3"), line("A3", "NOOP"), Vec::new());
        assert_eq!(out.take(), b"A1 EXPUNGE\r\n");
        assert_eq!(out.take_released(), [tag("A1")]);
        assert!(
            out.has_unsent("A3"),
            "a held command holds back those after it"
        );
        out.cancel("A1");
        assert_eq!(out.take(), b"A2 FETCH 1 FLAGS\r\nA3 NOOP\r\n");
        assert_eq!(out.take_released(), [tag("A2"), tag("A3")]);
    }

    fn external(sync: bool) -> Vec<Fragment> {
        vec![
            Fragment::Line(b"A1 APPEND INBOX {500}\r\n".to_vec()),
            Fragment::External { len: 500, sync },
            Fragment::Line(b"\r\n".to_vec()),
        ]
    }

    #[test]
    fn an_external_literal_is_asked_of_the_driver_after_the_continuation() {
        let mut out = Outbound::default();
        out.push(&tag("A1"), external(true), Vec::new());
        out.push(&tag("A2"), line("A2", "NOOP"), Vec::new());
        assert_eq!(out.take(), b"A1 APPEND INBOX {500}\r\n");
        assert_eq!(out.pending_external(), None);
        assert!(out.continuation());
        assert_eq!(out.pending_external(), Some(500));
        assert!(out.take().is_empty(), "nothing goes before the literal");
        assert!(out.has_unsent("A1"));
        out.external_written();
        assert_eq!(out.take(), b"\r\nA2 NOOP\r\n");
        assert!(!out.has_unsent("A1"));
    }

    #[test]
    fn a_non_synchronising_external_literal_is_asked_at_once() {
        let mut out = Outbound::default();
        out.push(&tag("A1"), external(false), Vec::new());
        assert_eq!(out.take(), b"A1 APPEND INBOX {500}\r\n");
        assert_eq!(out.pending_external(), Some(500));
    }

    #[test]
    fn a_refused_append_asks_for_no_external_literal() {
        let mut out = Outbound::default();
        out.push(&tag("A1"), external(true), Vec::new());
        out.take();
        out.cancel("A1");
        assert_eq!(out.pending_external(), None);
        assert!(out.take().is_empty());
    }

    #[test]
    fn continuation_without_waiting_literal_is_refused() {
        let mut out = Outbound::default();
        assert!(!out.continuation());
    }
}
