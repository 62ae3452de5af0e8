//! A reply to one future: a one-value channel whose receiver polls the
//! connection while it waits.
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

fn lock<T>(state: &Mutex<State<T>>) -> MutexGuard<'_, State<T>> {
    // A panic elsewhere while holding the lock leaves plain data.
    state.lock().unwrap_or_else(PoisonError::into_inner)
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
        {
            let mut state = lock(&self.0);
            if state.closed {
                return Poll::Ready(state.value.take());
            }
            state.waker = None;
        }
        driving.drive(cx);
        let mut state = lock(&self.0);
        if state.closed {
            return Poll::Ready(state.value.take());
        }
        if !state
            .waker
            .as_ref()
            .is_some_and(|known| known.will_wake(cx.waker()))
        {
            state.waker = Some(cx.waker().clone());
        }
        Poll::Pending
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
}
