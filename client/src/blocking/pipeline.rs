//! Many typed commands in flight at once, each with its own typed result.
//!
//! The session decides what may run together (RFC 3501 section 5.5): a
//! command whose data could not be told apart from a running one's waits
//! for it, unwritten, so results never mix.
//!
//! ```no_run
//! # fn main() -> Result<(), typed_imap::Error> {
//! # let mut imap = typed_imap::blocking::Client::connect("localhost", 143)?;
//! use typed_imap::types::{FetchItem, SearchKey};
//! use typed_imap::{List, Search, Select, UidFetch};
//!
//! // The same command many times: results in order.
//! imap.select("INBOX")?;
//! let flags = imap.pipeline((1..=100).map(|uid| UidFetch::new(uid).items(FetchItem::flags())))?;
//! // Different commands: a typed ticket each.
//! let listed = imap.submit(List::new("", "*"))?;
//! let found = imap.submit(Search::new(SearchKey::unseen()))?;
//! let mailboxes = imap.collect(listed)?; // Vec<ListItem>
//! let unseen = imap.collect(found)?; // Vec<u32>
//! # let _ = (flags, mailboxes, unseen);
//! # Ok(())
//! # }
//! ```

use std::collections::VecDeque;
use std::marker::PhantomData;

use super::Client;
use crate::command::Command;
use crate::error::Error;

/// The most commands [`Client::pipeline`] keeps in flight; it sends more
/// when half have completed.
pub const PIPELINE_WINDOW: usize = 128;

/// A command sent with [`Client::submit`], whose typed result
/// [`Client::collect`] waits for.
#[derive(Debug)]
#[must_use = "collect the result, or the completion is kept until the client is dropped"]
pub struct Ticket<C> {
    tag: String,
    command: PhantomData<fn() -> C>,
}

impl<C> Ticket<C> {
    /// The command's tag.
    pub fn tag(&self) -> &str {
        &self.tag
    }
}

impl Client {
    /// Sends `command` without waiting; [`collect`](Self::collect) gives
    /// its typed result. Any number of tickets may be outstanding.
    pub fn submit<C: Command>(&mut self, command: C) -> Result<Ticket<C>, Error> {
        Ok(Ticket {
            tag: self.send(&command)?,
            command: PhantomData,
        })
    }

    /// Waits for the command of `ticket` and returns its typed result.
    pub fn collect<C: Command>(&mut self, ticket: Ticket<C>) -> Result<C::Output, Error> {
        self.wait(&ticket.tag)?.into_result::<C>()
    }

    /// Sends the commands of `commands` without waiting for each (as
    /// many as the session lets run together; the others follow as those
    /// complete), and returns each one's result, in order. The outer error
    /// is the connection's; a command the server refused is an `Err` in
    /// its place.
    ///
    /// At most [`PIPELINE_WINDOW`] commands are in flight: the first
    /// window is written while the rest are still being encoded, so the
    /// server starts early, and a blocking write never waits on a server
    /// that waits for its answers to be read.
    pub fn pipeline<C: Command>(
        &mut self,
        commands: impl IntoIterator<Item = C>,
    ) -> Result<Vec<Result<C::Output, Error>>, Error> {
        let mut commands = commands.into_iter();
        let mut sent = VecDeque::new();
        let mut results = Vec::new();
        loop {
            let refill = sent.len() <= PIPELINE_WINDOW / 2;
            while refill && sent.len() < PIPELINE_WINDOW {
                let Some(command) = commands.next() else {
                    break;
                };
                self.ensure_capabilities(&command)?;
                sent.push_back(self.session.send(&command));
            }
            self.flush()?;
            let Some(tag) = sent.pop_front() else {
                return Ok(results);
            };
            results.push(match tag {
                Ok(tag) => self.wait(&tag)?.into_result::<C>(),
                Err(error) if error.is_fatal() => return Err(error),
                Err(refused) => Err(refused),
            });
        }
    }
}
