//! A command's items as they arrive, as a `futures::Stream`.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use super::conn::Driving;
use super::driver::{lock_queue, Item, StreamQueue};
use super::Client;
use crate::blocking::StreamEvent;
use crate::command::Streaming;
use crate::error::Error;
use crate::session::Done;
use crate::Data;

/// The events of a streamed command as they arrive, from
/// [`Client::stream_events`]: items, and bodies in chunks. It ends after
/// the command's completion (a NO or BAD as its last item). Dropped early,
/// it leaves the connection in step: the rest of the command's answer is
/// dropped as it comes.
#[derive(Debug)]
pub struct StreamEvents<'a, C: Streaming> {
    client: &'a Client,
    /// The reader polls the connection while its queue is empty.
    driving: Driving<'a>,
    tag: String,
    /// What the connection put and this reader has not taken yet.
    queue: Arc<Mutex<StreamQueue>>,
    /// The batch taken, handed out first.
    items: VecDeque<Item>,
    others: Vec<Data>,
    done: Option<Done>,
    ended: bool,
    command: PhantomData<fn() -> C>,
}

impl<'a, C: Streaming> StreamEvents<'a, C> {
    pub(super) fn new(client: &'a Client, tag: String, queue: Arc<Mutex<StreamQueue>>) -> Self {
        StreamEvents {
            client,
            driving: Driving::new(&client.conn),
            tag,
            queue,
            items: VecDeque::new(),
            others: Vec::new(),
            done: None,
            ended: false,
            command: PhantomData,
        }
    }

    /// The next event, or `None` after the completion.
    pub async fn next(&mut self) -> Option<Result<StreamEvent<C::Item>, Error>> {
        std::future::poll_fn(|cx| self.poll_event(cx)).await
    }

    /// The tagged completion, once the stream ended on it.
    pub fn completion(&self) -> Option<&Done> {
        self.done.as_ref()
    }

    /// Untagged data the command collected that are not items.
    pub fn others(&self) -> &[Data] {
        &self.others
    }

    fn poll_event(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<StreamEvent<C::Item>, Error>>> {
        if self.ended {
            return Poll::Ready(None);
        }
        loop {
            let item = match self.items.pop_front() {
                Some(item) => Some(item),
                None => match self.take_batch(cx) {
                    Poll::Ready(true) => continue,
                    Poll::Ready(false) => None,
                    Poll::Pending => return Poll::Pending,
                },
            };
            let event = match item {
                Some(Item::Data(data)) => match C::item(data) {
                    Ok(item) => StreamEvent::Item(item),
                    Err(other) => {
                        self.others.push(other);
                        continue;
                    }
                },
                Some(Item::BodyStart(body)) => StreamEvent::BodyStart(body),
                Some(Item::BodyChunk(bytes)) => StreamEvent::BodyChunk(bytes),
                Some(Item::BodyEnd) => StreamEvent::BodyEnd,
                Some(Item::Done(done)) => {
                    self.ended = true;
                    let outcome = done.check();
                    self.done = Some(done);
                    return Poll::Ready(outcome.err().map(Err));
                }
                None => {
                    self.ended = true;
                    return Poll::Ready(Some(Err(self.client.shared.lock().closed())));
                }
            };
            return Poll::Ready(Some(Ok(event)));
        }
    }
}

impl<C: Streaming> StreamEvents<'_, C> {
    /// Takes every item the connection put (true), or learns that none
    /// will come (false), or waits.
    fn take_batch(&mut self, cx: &mut Context<'_>) -> Poll<bool> {
        let mut queue = lock_queue(&self.queue);
        if queue.items.is_empty() && !queue.ended {
            // Nothing yet: read on, then look again.
            drop(queue);
            self.driving.drive(cx);
            queue = lock_queue(&self.queue);
        }
        if queue.items.is_empty() {
            if queue.ended {
                return Poll::Ready(false);
            }
            if !queue
                .reader
                .as_ref()
                .is_some_and(|known| known.will_wake(cx.waker()))
            {
                queue.reader = Some(cx.waker().clone());
            }
            return Poll::Pending;
        }
        // Ours is empty: the swap keeps both queues' memory.
        std::mem::swap(&mut queue.items, &mut self.items);
        let room = queue.room.take();
        drop(queue);
        if let Some(room) = room {
            room.wake();
        }
        Poll::Ready(true)
    }
}

impl<C: Streaming> futures_core::Stream for StreamEvents<'_, C> {
    type Item = Result<StreamEvent<C::Item>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_event(cx)
    }
}

impl<C: Streaming> Drop for StreamEvents<'_, C> {
    /// Abandons the command if its completion has not come: never waits.
    fn drop(&mut self) {
        if !self.ended {
            let mut queue = lock_queue(&self.queue);
            queue.closed = true;
            queue.items.clear();
            let room = queue.room.take();
            drop(queue);
            if let Some(room) = room {
                // The connection waits for room that will never come: it drops
                // the item instead.
                room.wake();
            }
            let mut inner = self.client.shared.lock();
            // Its waiter stays: the completion meets a closed queue.
            inner.session.abandon(&self.tag);
            drop(inner);
            self.client.shared.wake.notify_one();
        }
    }
}

/// The items of a command as they arrive, from [`Client::stream`]; ends
/// like [`StreamEvents`].
#[derive(Debug)]
pub struct Streamed<'a, C: Streaming> {
    events: StreamEvents<'a, C>,
}

impl<'a, C: Streaming> Streamed<'a, C> {
    pub(super) fn new(events: StreamEvents<'a, C>) -> Self {
        Streamed { events }
    }

    /// The next item, or `None` after the completion.
    pub async fn next(&mut self) -> Option<Result<C::Item, Error>> {
        std::future::poll_fn(|cx| self.poll_item(cx)).await
    }

    /// The tagged completion, once the stream ended on it.
    pub fn completion(&self) -> Option<&Done> {
        self.events.completion()
    }

    /// Untagged data the command collected that are not items.
    pub fn others(&self) -> &[Data] {
        self.events.others()
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<C::Item, Error>>> {
        loop {
            return match self.events.poll_event(cx) {
                Poll::Ready(Some(Ok(StreamEvent::Item(item)))) => Poll::Ready(Some(Ok(item))),
                Poll::Ready(Some(Ok(_))) => continue,
                Poll::Ready(Some(Err(error))) => Poll::Ready(Some(Err(error))),
                Poll::Ready(None) => Poll::Ready(None),
                Poll::Pending => Poll::Pending,
            };
        }
    }
}

impl<C: Streaming> futures_core::Stream for Streamed<'_, C> {
    type Item = Result<C::Item, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}
