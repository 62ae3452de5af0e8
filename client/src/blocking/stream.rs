//! A command's results one at a time as they arrive, and bodies in chunks,
//! instead of all of them at its completion.
//!
//! ```no_run
//! # fn main() -> Result<(), typed_imap::Error> {
//! # let mut imap = typed_imap::blocking::Client::connect("localhost", 143)?;
//! use typed_imap::types::{FetchItem, SequenceSet};
//! use typed_imap::Fetch;
//!
//! imap.select("INBOX")?;
//! let envelopes = FetchItem::envelope() | FetchItem::uid();
//! for message in imap.stream(Fetch::new(SequenceSet::all()).items(envelopes))? {
//!     let message = message?; // a `Fetched`, as soon as its response is complete
//!     println!("{:?}", message.message.uid);
//! }
//! # Ok(())
//! # }
//! ```

use std::io::Write;
use std::marker::PhantomData;
use std::sync::Arc;

use bytes::Bytes;

use super::Client;
use crate::command::Streaming;
use crate::error::Error;
use crate::session::{BodyStart, Delivery, Done, Event, SendOptions};
use crate::Data;

/// Bodies larger than this go to the writer of [`Client::fetch_to`] in
/// chunks; smaller ones stay in the typed message.
pub const BODY_THRESHOLD: u64 = 64 * 1024;

/// One event of a streamed command ([`Client::stream_events`]).
#[derive(Debug)]
#[non_exhaustive]
pub enum StreamEvent<T> {
    /// One item of the result, complete.
    Item(T),
    /// A body above the threshold begins; its chunks follow. In the item
    /// of its message it reads as empty.
    BodyStart(BodyStart),
    /// The next piece of the body.
    BodyChunk(Bytes),
    /// The body is complete.
    BodyEnd,
}

/// The events of a command as they arrive, from
/// [`Client::stream_events`]; [`Streamed`] keeps only its items.
///
/// It ends after the command's tagged completion; a NO or BAD ends it with
/// that error. Dropped before the end, it leaves the command running: what
/// still comes for it is dropped as it arrives, without waiting.
#[derive(Debug)]
pub struct StreamEvents<'a, C: Streaming> {
    client: &'a mut Client,
    tag: Arc<str>,
    /// Data the command collects that are not items.
    others: Vec<Data>,
    done: Option<Done>,
    /// Set once it ended (completion or error).
    ended: bool,
    command: PhantomData<fn() -> C>,
}

impl<C: Streaming> StreamEvents<'_, C> {
    /// The tagged completion, once the stream ended on it (its codes
    /// included); `None` before, or after an error of the connection.
    pub fn completion(&self) -> Option<&Done> {
        self.done.as_ref()
    }

    /// Untagged data the command collected that are not items (QRESYNC's
    /// VANISHED beside FETCH responses, say), so far.
    pub fn others(&self) -> &[Data] {
        &self.others
    }

    fn end(&mut self, result: Result<(), Error>) -> Option<Result<StreamEvent<C::Item>, Error>> {
        self.ended = true;
        result.err().map(Err)
    }
}

impl<C: Streaming> Iterator for StreamEvents<'_, C> {
    type Item = Result<StreamEvent<C::Item>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.ended {
            return None;
        }
        loop {
            // The command timeout bounds the wait for each event, not the
            // whole stream.
            let deadline = self.client.command_deadline();
            let event = match self.client.next_event(deadline) {
                Ok(event) => event,
                Err(error) => return self.end(Err(error)),
            };
            let ours = |tag: &str| *tag == *self.tag;
            match event {
                Event::Data { tag, data } if ours(&tag) => match C::item(data) {
                    Ok(item) => return Some(Ok(StreamEvent::Item(item))),
                    Err(other) => self.others.push(other),
                },
                Event::BodyStart { tag, body } if ours(&tag) => {
                    return Some(Ok(StreamEvent::BodyStart(body)))
                }
                Event::BodyChunk { tag, bytes } if ours(&tag) => {
                    return Some(Ok(StreamEvent::BodyChunk(bytes)))
                }
                Event::BodyEnd { tag } if ours(&tag) => return Some(Ok(StreamEvent::BodyEnd)),
                Event::Completed(done) if ours(&done.tag) => {
                    let outcome = done.check();
                    self.done = Some(done);
                    return self.end(outcome);
                }
                other => self.client.set_aside(other),
            }
        }
    }
}

impl<C: Streaming> Drop for StreamEvents<'_, C> {
    /// Abandons the command if its completion has not come: never blocks.
    fn drop(&mut self) {
        if !self.ended && self.client.session.abandon(&self.tag) {
            self.client.abandoned.insert(self.tag.to_string());
        }
    }
}

/// The items of a command as they arrive, from [`Client::stream`]: each
/// `Fetched` of a FETCH as soon as its response is complete. Ends like
/// [`StreamEvents`].
#[derive(Debug)]
pub struct Streamed<'a, C: Streaming> {
    events: StreamEvents<'a, C>,
}

impl<C: Streaming> Streamed<'_, C> {
    /// The tagged completion, once the stream ended on it.
    pub fn completion(&self) -> Option<&Done> {
        self.events.completion()
    }

    /// Untagged data the command collected that are not items.
    pub fn others(&self) -> &[Data] {
        self.events.others()
    }
}

impl<C: Streaming> Iterator for Streamed<'_, C> {
    type Item = Result<C::Item, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.events.next()? {
                Ok(StreamEvent::Item(item)) => return Some(Ok(item)),
                Ok(_) => continue,
                Err(error) => return Some(Err(error)),
            }
        }
    }
}

impl Client {
    /// Sends `command` and yields its items as they arrive, one typed
    /// value at a time, instead of a `Vec` at its completion: memory stays
    /// that of one response whatever the number of messages.
    pub fn stream<C: Streaming>(&mut self, command: C) -> Result<Streamed<'_, C>, Error> {
        let events = self.start_stream(&command, None)?;
        Ok(Streamed { events })
    }

    /// Like [`stream`](Self::stream), with the literals of its FETCH
    /// responses larger than `bodies_above` bytes handed out in chunks as
    /// they arrive ([`StreamEvent::BodyStart`], `BodyChunk`, `BodyEnd`),
    /// never held whole. While it runs, other commands that collect FETCH
    /// responses wait.
    pub fn stream_events<C: Streaming>(
        &mut self,
        command: C,
        bodies_above: u64,
    ) -> Result<StreamEvents<'_, C>, Error> {
        self.start_stream(&command, Some(bodies_above))
    }

    /// Runs `command` with every body larger than [`BODY_THRESHOLD`]
    /// written to `writer` as it arrives, in the order the server sends
    /// them (those of one message, then the next), and returns the items
    /// (in which such a body reads as empty). Smaller bodies stay in the
    /// items. An error, a connection cut in the middle of a body included,
    /// means what `writer` received is incomplete.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), typed_imap::Error> {
    /// # let mut imap = typed_imap::blocking::Client::connect("localhost", 143)?;
    /// use typed_imap::types::{FetchItem, Section};
    /// use typed_imap::UidFetch;
    ///
    /// imap.select("INBOX")?;
    /// let mut file = std::fs::File::create("message.eml")?;
    /// let items = FetchItem::body_peek(Section::default()) | FetchItem::flags();
    /// let fetched = imap.fetch_to(UidFetch::new(42).items(items), &mut file)?;
    /// println!("flags: {:?}", fetched[0].message.flags);
    /// # Ok(())
    /// # }
    /// ```
    pub fn fetch_to<C: Streaming>(
        &mut self,
        command: C,
        writer: &mut impl Write,
    ) -> Result<Vec<C::Item>, Error> {
        let mut items = Vec::new();
        for event in self.stream_events(command, BODY_THRESHOLD)? {
            match event? {
                StreamEvent::Item(item) => items.push(item),
                StreamEvent::BodyChunk(bytes) => writer.write_all(&bytes)?,
                StreamEvent::BodyStart(_) | StreamEvent::BodyEnd => {}
            }
        }
        writer.flush()?;
        Ok(items)
    }

    fn start_stream<C: Streaming>(
        &mut self,
        command: &C,
        bodies_above: Option<u64>,
    ) -> Result<StreamEvents<'_, C>, Error> {
        self.ensure_capabilities(command)?;
        let options = SendOptions {
            delivery: Delivery::Stream,
            bodies_above,
        };
        let tag = self.session.send_with(command, options)?;
        self.flush()?;
        Ok(StreamEvents {
            client: self,
            tag: Arc::from(tag),
            others: Vec::new(),
            done: None,
            ended: false,
            command: PhantomData,
        })
    }
}
