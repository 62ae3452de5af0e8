//! A reply to one future (a one-value channel), or several (a batch),
//! whose receiver polls the connection while it waits.
//!
//! Unlike tokio's `oneshot`, the receiver withdraws its waker while it
//! polls the connection itself: a reply it reads itself then wakes
//! nobody. (With `oneshot`, that wake-up of the running future made a
//! current-thread runtime look for I/O once more, a second `epoll_wait`
//! for every command.)

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use super::conn::Driving;

struct State<T> {
    value: Option<T>,
    /// Sent, or the sender dropped: no value will come after.
    closed: bool,
    waker: Option<Waker>,
}

fn lock<S>(state: &Mutex<S>) -> MutexGuard<'_, S> {
    // A panic elsewhere while holding the lock leaves plain data.
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Looks for the reply with `look`; else polls the connection through
/// `driving` and looks again, and only then leaves the future's waker in
/// the place `waker` names: a reply read in this poll wakes nobody.
fn poll_reply<S, T>(
    state: &Mutex<S>,
    cx: &mut Context<'_>,
    driving: &mut Driving<'_>,
    mut look: impl FnMut(&mut S) -> Option<T>,
    waker: fn(&mut S) -> &mut Option<Waker>,
) -> Poll<T> {
    {
        let mut state = lock(state);
        if let Some(reply) = look(&mut state) {
            return Poll::Ready(reply);
        }
        *waker(&mut state) = None;
    }
    driving.drive(cx);
    let mut state = lock(state);
    if let Some(reply) = look(&mut state) {
        return Poll::Ready(reply);
    }
    let kept = waker(&mut state);
    if !kept
        .as_ref()
        .is_some_and(|known| known.will_wake(cx.waker()))
    {
        *kept = Some(cx.waker().clone());
    }
    Poll::Pending
}

/// A new channel.
pub(super) fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let state = Arc::new(Mutex::new(State {
        value: None,
        closed: false,
        waker: None,
    }));
    (Sender(Arc::clone(&state)), Receiver(state))
}

/// The connection's end: sends the value, or, dropped, says none comes.
pub(super) struct Sender<T>(Arc<Mutex<State<T>>>);

impl<T> Sender<T> {
    /// Sends `value` and wakes the receiver if it waits.
    pub(super) fn send(self, value: T) {
        let waker = {
            let mut state = lock(&self.0);
            state.value = Some(value);
            state.closed = true;
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let waker = {
            let mut state = lock(&self.0);
            if state.closed {
                return;
            }
            state.closed = true;
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// The waiting future's end.
pub(super) struct Receiver<T>(Arc<Mutex<State<T>>>);

impl<T> Receiver<T> {
    /// The value (`Some`), or `None` when the sender was dropped without
    /// one; else polls the connection through `driving` and looks again,
    /// and waits.
    pub(super) fn poll_driving(
        &mut self,
        cx: &mut Context<'_>,
        driving: &mut Driving<'_>,
    ) -> Poll<Option<T>> {
        poll_reply(
            &self.0,
            cx,
            driving,
            |state| state.closed.then(|| state.value.take()),
            |state| &mut state.waker,
        )
    }
}

/// Where one reply of a batch stands.
enum Slot<T> {
    Waiting,
    Sent(T),
    /// The sender was dropped without a value: none will come.
    Gone,
}

struct Shared<T> {
    slots: Vec<Slot<T>>,
    waker: Option<Waker>,
}

/// The replies to one future for several commands (a pipeline), in one
/// allocation rather than one each: a thousand commands in flight made a
/// thousand channels, the allocator's slow path for each.
pub(super) struct Batch<T>(Arc<Mutex<Shared<T>>>);

impl<T> Batch<T> {
    /// A batch with room for `capacity` replies.
    pub(super) fn with_capacity(capacity: usize) -> Self {
        Batch(Arc::new(Mutex::new(Shared {
            slots: Vec::with_capacity(capacity),
            waker: None,
        })))
    }

    /// The sender of the next reply; its index counts from 0.
    pub(super) fn sender(&self) -> BatchSender<T> {
        let mut shared = lock(&self.0);
        shared.slots.push(Slot::Waiting);
        BatchSender {
            batch: Arc::clone(&self.0),
            index: shared.slots.len() - 1,
            sent: false,
        }
    }

    /// Reply `index` (taken once: `None` after), as
    /// [`Receiver::poll_driving`] does for one.
    pub(super) fn poll_driving(
        &mut self,
        index: usize,
        cx: &mut Context<'_>,
        driving: &mut Driving<'_>,
    ) -> Poll<Option<T>> {
        poll_reply(
            &self.0,
            cx,
            driving,
            |shared| take(&mut shared.slots, index),
            |shared| &mut shared.waker,
        )
    }
}

/// Reply `index` if it came (`Some(Some)`) or will not (`Some(None)`).
fn take<T>(slots: &mut [Slot<T>], index: usize) -> Option<Option<T>> {
    let Some(slot) = slots.get_mut(index) else {
        return Some(None);
    };
    match std::mem::replace(slot, Slot::Gone) {
        Slot::Waiting => {
            *slot = Slot::Waiting;
            None
        }
        Slot::Sent(value) => Some(Some(value)),
        Slot::Gone => Some(None),
    }
}

/// The connection's end of one reply of a [`Batch`].
pub(super) struct BatchSender<T> {
    batch: Arc<Mutex<Shared<T>>>,
    index: usize,
    sent: bool,
}

impl<T> BatchSender<T> {
    /// Sends the reply and wakes the receiver if it waits.
    pub(super) fn send(mut self, value: T) {
        self.sent = true;
        self.put(Slot::Sent(value));
    }

    fn put(&self, slot: Slot<T>) {
        let waker = {
            let mut shared = lock(&self.batch);
            if let Some(place) = shared.slots.get_mut(self.index) {
                *place = slot;
            }
            shared.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Drop for BatchSender<T> {
    fn drop(&mut self) {
        if !self.sent {
            self.put(Slot::Gone);
        }
    }
}

impl<T> std::fmt::Debug for Batch<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch").finish_non_exhaustive()
    }
}

impl<T> std::fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_sent_is_taken_once_and_a_dropped_sender_gives_none() {
        let (sender, receiver) = channel();
        sender.send(7);
        assert_eq!(lock(&receiver.0).value.take(), Some(7));
        assert!(lock(&receiver.0).closed);
        let (sender, receiver) = channel::<u8>();
        drop(sender);
        let state = lock(&receiver.0);
        assert!(state.closed && state.value.is_none());
    }

    #[test]
    fn a_batch_keeps_each_reply_in_its_place_and_a_dropped_sender_gives_none() {
        let batch = Batch::with_capacity(3);
        let (first, second, third) = (batch.sender(), batch.sender(), batch.sender());
        third.send('c');
        drop(second);
        let mut shared = lock(&batch.0);
        assert_eq!(take(&mut shared.slots, 0), None);
        drop(shared);
        first.send('a');
        let mut shared = lock(&batch.0);
        assert_eq!(take(&mut shared.slots, 0), Some(Some('a')));
        assert_eq!(take(&mut shared.slots, 1), Some(None));
        assert_eq!(take(&mut shared.slots, 2), Some(Some('c')));
        // Taken once.
        assert_eq!(take(&mut shared.slots, 2), Some(None));
        // No such reply: none will come.
        assert_eq!(take(&mut shared.slots, 3), Some(None));
    }
}
