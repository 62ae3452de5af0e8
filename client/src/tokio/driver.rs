//! The connection: it owns the byte stream, feeds the session what it
//! reads, writes what the session sends, and hands each event to the
//! future that waits for it.
//!
//! Every await on the connection is here, in one future that
//! [`Conn`](super::conn::Conn) keeps and that no caller drops: a caller's
//! future dropped at any point leaves the connection in step. What that
//! future waited for is dropped when it comes (a closed channel or
//! queue), or the session drops it as it arrives (`Session::abandon`).

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use fnv::{FnvHashMap, FnvHashSet};
use std::future::Future;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite};
use tokio::sync::{mpsc, oneshot, Notify};
use tokio::time::{Instant, Sleep};

use super::io::{self as net, Io};
use super::reply;
use crate::error::Error;
use crate::session::{BodyStart, Done, Event, Session, Unsolicited};
use crate::transport::deflate::DeflateCodec;
use crate::transport::{Timeouts, TlsConfig};
use crate::Data;

/// How much one read asks for while a reply is awaited. (Reads of 64
/// KiB, as the blocking client's, take a quarter of the system calls on a
/// long reply, but measured no faster on this machine, and a stream's
/// 32 chunks in flight then hold 2 MiB instead of 0.5.)
const READ_CHUNK: usize = 16 * 1024;

/// How much one read asks for while IDLE runs: what the server pushes
/// then is small, and a thousand idling connections hold 1 KiB each
/// instead of [`READ_CHUNK`].
const WAITING_READ_CHUNK: usize = 1024;

/// How much of an external literal is copied at once.
const COPY_CHUNK: usize = 64 * 1024;

/// What the connection and the client handles share.
pub(super) struct Shared {
    pub(super) inner: Mutex<Inner>,
    /// Wakes the connection: output to write, a waiter gone, the client
    /// dropped.
    pub(super) wake: Signal,
    /// Wakes the client handles: a command completed (one waiting to send
    /// behind STARTTLS or an ending IDLE may go).
    pub(super) completed: Notify,
}

impl Shared {
    pub(super) fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere while holding the lock leaves plain data.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The connection ended: every future waiting learns why (the
    /// session's broken reason, or the error that ended it).
    pub(super) fn end_waits(&self) {
        let mut inner = self.lock();
        // Dropping the senders wakes every waiting future with the reason.
        inner.waiting.clear();
        self.completed.notify_waiters();
        inner.greeting = None;
        inner.readers.clear();
        if let Some(idle) = inner.idle.take() {
            if let Some(stopped) = idle.stopped {
                let _ = stopped.send(Err(inner.closed()));
            }
        }
    }
}

/// A wake-up for the connection, which waits on it, remembered until taken
/// (as `Notify::notify_one`'s permit). Cheaper than a `Notify` for the
/// driver, which waits on it at every turn of its loop: the waker is kept
/// across waits instead of being linked into a list and unlinked again
/// each time, and a wake-up already given is taken with one atomic swap.
#[derive(Default)]
pub(super) struct Signal {
    notified: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl Signal {
    /// Wakes the waiting connection, or its next wait if none waits now.
    pub(super) fn notify_one(&self) {
        // Already given and not taken yet: its waker was woken (a
        // pipeline's thousand sends wake the connection once).
        if self.notified.swap(true, Ordering::AcqRel) {
            return;
        }
        let waker = self.waker.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(waker) = waker.as_ref() {
            waker.wake_by_ref();
        }
    }

    /// Gives the wake-up without waking anyone: for a caller that polls
    /// the connection itself right after.
    pub(super) fn set(&self) {
        self.notified.store(true, Ordering::Release);
    }

    /// Ready once `notify_one` was called since the last wait that was.
    fn poll_notified(&self, cx: &mut Context<'_>) -> Poll<()> {
        if self.notified.swap(false, Ordering::AcqRel) {
            return Poll::Ready(());
        }
        {
            let mut waker = self.waker.lock().unwrap_or_else(PoisonError::into_inner);
            if !waker
                .as_ref()
                .is_some_and(|known| known.will_wake(cx.waker()))
            {
                *waker = Some(cx.waker().clone());
            }
        }
        // A wake-up given between the swap and storing the waker found no
        // waker (or the old one): look again.
        if self.notified.swap(false, Ordering::AcqRel) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// The session and who waits for what.
pub(super) struct Inner {
    pub(super) session: Session,
    /// The futures waiting for a command's events, by tag.
    pub(super) waiting: FnvHashMap<String, Waiter>,
    /// Completions of commands sent with `send` and not waited for yet.
    pub(super) finished: FnvHashMap<String, Done>,
    /// Commands whose completion nobody will collect.
    pub(super) abandoned: FnvHashSet<String>,
    /// Told when the greeting came.
    pub(super) greeting: Option<reply::Sender<()>>,
    /// The TLS settings of a STARTTLS under way.
    pub(super) starttls: Option<TlsConfig>,
    /// The readers of `run_from`, in the order their literals go out.
    pub(super) readers: VecDeque<Box<dyn AsyncRead + Send + Unpin>>,
    /// The IDLE running, if one runs.
    pub(super) idle: Option<IdleState>,
    /// The client was dropped: write what is queued, then close.
    pub(super) closing: bool,
    /// The error that ended the connection, for the futures that
    /// were waiting then, or else the next call.
    pub(super) ended: Option<Ended>,
    /// Whether a caller got `ended` already.
    pub(super) ended_told: bool,
}

/// The error that ended the connection, kept by kind (an [`Error`]
/// is not `Clone`): each future waiting then gets the error the blocking
/// client's call would have returned (a protocol error, a timeout, a TLS
/// failure), not a bare "closed".
#[derive(Clone, Debug)]
pub(super) enum Ended {
    Protocol(String),
    Io(std::io::ErrorKind, String),
    Tls(String),
    Closed(String),
}

impl Ended {
    fn of(error: &Error) -> Self {
        match error {
            Error::Protocol { reason } => Ended::Protocol(reason.clone()),
            Error::Io(error) => Ended::Io(error.kind(), error.to_string()),
            Error::Tls { reason } => Ended::Tls(reason.clone()),
            Error::Closed { reason } => Ended::Closed(reason.clone()),
            other => Ended::Closed(other.to_string()),
        }
    }

    fn error(&self) -> Error {
        match self {
            Ended::Protocol(reason) => Error::Protocol {
                reason: reason.clone(),
            },
            Ended::Io(kind, text) => Error::Io(std::io::Error::new(*kind, text.clone())),
            Ended::Tls(reason) => Error::Tls {
                reason: reason.clone(),
            },
            Ended::Closed(reason) => Error::Closed {
                reason: reason.clone(),
            },
        }
    }
}

impl Inner {
    pub(super) fn new(session: Session) -> Self {
        Inner {
            session,
            waiting: FnvHashMap::default(),
            finished: FnvHashMap::default(),
            abandoned: FnvHashSet::default(),
            greeting: None,
            starttls: None,
            readers: VecDeque::new(),
            idle: None,
            closing: false,
            ended: None,
            ended_told: false,
        }
    }

    /// What a future that was waiting when the connection ended gets:
    /// the error that ended it (each of them), or why the connection is
    /// unusable.
    pub(super) fn closed(&mut self) -> Error {
        match &self.ended {
            Some(ended) => {
                self.ended_told = true;
                ended.error()
            }
            None => self.broken_reason(),
        }
    }

    /// What a command not sent gets: the error that ended the connection
    /// if no caller has had it yet (it came between commands), else, as
    /// from the blocking client, [`Error::Closed`] with its reason.
    pub(super) fn unusable(&mut self) -> Error {
        match &self.ended {
            Some(_) if !self.ended_told => self.closed(),
            _ => self.broken_reason(),
        }
    }

    fn broken_reason(&self) -> Error {
        Error::Closed {
            reason: self
                .session
                .broken()
                .unwrap_or("the connection ended")
                .to_owned(),
        }
    }
}

/// Who waits for a command's events.
pub(super) enum Waiter {
    /// Its completion.
    Done(reply::Sender<Done>),
    /// Its completion, one of a pipeline's.
    InBatch(reply::BatchSender<Done>),
    /// Its data and bodies as they come, then its completion.
    Stream(StreamSink),
    /// An AUTHENTICATE answered by the caller: its challenges, then its
    /// completion.
    Auth {
        challenges: mpsc::UnboundedSender<Vec<u8>>,
        done: reply::Sender<Done>,
    },
}

/// How many items the connection puts in a stream's queue before it
/// waits for the reader. The reader takes them all at once into a queue
/// of its own, which it empties before taking more: at most twice this
/// many are in flight, [`STREAM_CAPACITY`](super::STREAM_CAPACITY).
pub(super) const STREAM_QUEUE: usize = super::STREAM_CAPACITY / 2;

/// A streamed command's items between the connection and its reader: a
/// queue under a lock rather than a channel, so that the connection puts an
/// item with no more than a push, and the reader takes a batch of them
/// with one lock and one wake-up (a bounded channel cost a semaphore
/// lock and a few atomic operations per item, measured as a good part of
/// what the async client spent over the blocking one in a long FETCH).
#[derive(Debug, Default)]
pub(super) struct StreamQueue {
    pub(super) items: VecDeque<Item>,
    /// The reader, waiting for items.
    pub(super) reader: Option<Waker>,
    /// The connection, waiting for room.
    pub(super) room: Option<Waker>,
    /// The reader is gone: items are dropped.
    pub(super) closed: bool,
    /// No item will come any more (the completion was put, or the
    /// connection ended).
    pub(super) ended: bool,
}

/// Locks a stream's queue (a panic while holding it leaves plain data).
pub(super) fn lock_queue(queue: &Mutex<StreamQueue>) -> MutexGuard<'_, StreamQueue> {
    queue.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What puts a stream's items, once per stream: dropped, it ends the
/// stream (after its completion, or when the connection ends).
pub(super) struct StreamSink(pub(super) Arc<Mutex<StreamQueue>>);

/// What putting an item gave.
enum Put {
    Done,
    /// The item back, boxed as it is parked (rarely).
    Full(Box<Item>),
    Closed,
}

impl StreamSink {
    /// Puts `item` if there is room.
    fn put(&self, item: Item) -> Put {
        put(&self.0, item)
    }
}

fn put(queue: &Mutex<StreamQueue>, item: Item) -> Put {
    let mut queue = lock_queue(queue);
    if queue.closed {
        return Put::Closed;
    }
    if queue.items.len() >= STREAM_QUEUE {
        return Put::Full(Box::new(item));
    }
    queue.items.push_back(item);
    let reader = queue.reader.take();
    drop(queue);
    if let Some(reader) = reader {
        reader.wake();
    }
    Put::Done
}

impl Drop for StreamSink {
    fn drop(&mut self) {
        let mut queue = lock_queue(&self.0);
        queue.ended = true;
        let reader = queue.reader.take();
        drop(queue);
        if let Some(reader) = reader {
            reader.wake();
        }
    }
}

/// What goes to a stream's reader.
#[derive(Debug)]
pub(super) enum Item {
    Data(Data),
    BodyStart(BodyStart),
    BodyChunk(Bytes),
    BodyEnd,
    Done(Done),
}

/// What goes to an IDLE's reader: boxed, so that its channel, whose
/// first block holds 32 of them from the start, is 0.5 KiB rather than
/// 8 (pushes are rare; a thousand idling connections each hold one).
#[derive(Debug)]
pub(super) enum IdleEvent {
    Started,
    Pushed(Box<Unsolicited>),
    Done(Box<Done>),
}

/// An IDLE and its reader.
pub(super) struct IdleState {
    /// The IDLE command running (a new one after each renewal).
    pub(super) tag: String,
    /// What arrived before this mark is not the IDLE's.
    pub(super) since: u64,
    pub(super) sink: mpsc::Sender<IdleEvent>,
    /// When the server's `+` came.
    pub(super) started: Option<Instant>,
    pub(super) renew_every: Duration,
    /// No byte from the server for this long while idling: the connection
    /// is taken for dead.
    pub(super) dead_after: Option<Duration>,
    /// DONE was sent to renew: IDLE again at its completion.
    pub(super) renewing: bool,
    /// How many renewals the server accepted (its `+` to the new IDLE),
    /// shared with the reader: it outlives this state.
    pub(super) renewals: Arc<std::sync::atomic::AtomicU32>,
    /// The reader is gone or called `done`: DONE, and no more IDLE.
    pub(super) stopping: bool,
    /// Told when the IDLE ended after `stopping`.
    pub(super) stopped: Option<oneshot::Sender<Result<(), Error>>>,
}

/// An item a full queue or channel could not take yet: the connection waits for
/// room before it reads on (so memory stays that of the queue).
enum Parked {
    Stream {
        queue: Arc<Mutex<StreamQueue>>,
        /// Boxed: parking is rare, and an `Action` moves on every event.
        item: Box<Item>,
        /// The command to abandon if the reader is gone.
        tag: Option<String>,
        /// The completion's: dropped once it is put, it ends the stream.
        sink: Option<StreamSink>,
    },
    Idle {
        sink: mpsc::Sender<IdleEvent>,
        event: IdleEvent,
    },
}

/// What ended a wait.
enum Woke {
    Wrote(io::Result<(usize, bool)>),
    Read(io::Result<usize>),
    /// A client handle's wake-up.
    Signal,
    /// The timer rang (maybe for an earlier wait's deadline).
    Deadline,
    /// Time to renew the IDLE.
    Renewal,
    /// The IDLE went silent too long.
    Dead,
}

/// What processing the session's events asks of the connection.
enum Action {
    Nothing,
    Park(Parked),
    StartTls(Done),
    Compress(Done),
}

/// The connection future's state: the byte stream and what is in transit.
pub(super) struct Driver {
    shared: Arc<Shared>,
    /// The byte stream; `None` while STARTTLS swaps it.
    io: Option<Io>,
    host: String,
    timeouts: Timeouts,
    /// Where reads land; each read's bytes go to the session without a
    /// copy.
    read_buf: BytesMut,
    /// Bytes to write, from `written` on.
    out: Vec<u8>,
    written: usize,
    /// An external literal being copied: its reader, what is left and its
    /// length.
    external: Option<(Box<dyn AsyncRead + Send + Unpin>, u64, u64)>,
    deflate: Option<DeflateCodec>,
    /// Bytes were written that TLS may still hold.
    needs_flush: bool,
    /// When the server last sent, or the last output was written.
    last_read: LastRead,
    parked: Option<Parked>,
    /// The read or write deadline.
    timer: Timer,
    /// Bytes were read that the session's events may not all have been
    /// taken from: events come only from what is read, so a turn of the
    /// loop without a read looks for none.
    unprocessed: bool,
    /// The session may have output to take: a client handle woke the
    /// connection, or the connection itself did something that sends.
    unsent: bool,
}

/// A deadline timer kept across waits: armed at the earliest deadline
/// asked for since it last rang, so that a wait costs no timer
/// registration (deadlines only move later, as bytes come and go). When
/// it rings, the wait checks its own deadline.
#[derive(Default)]
struct Timer {
    /// Made at the first deadline (a runtime without timers is fine
    /// while no timeout is set).
    sleep: Option<Pin<Box<Sleep>>>,
    armed: bool,
    /// Polled since it was last set: its waker (the connection's, always
    /// the same) is registered, so a wait need only look whether it rang.
    registered: bool,
}

impl Timer {
    /// Makes it ring at `deadline` at the latest.
    fn arm(&mut self, deadline: Instant) {
        match self.sleep.as_mut() {
            None => self.sleep = Some(Box::pin(tokio::time::sleep_until(deadline))),
            Some(sleep) if !self.armed || deadline < sleep.deadline() => {
                sleep.as_mut().reset(deadline);
                self.registered = false;
            }
            Some(_) => {}
        }
        self.armed = true;
    }

    /// Ready when it rings; then it must be armed again.
    fn poll_ring(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let Some(sleep) = self.sleep.as_mut() else {
            return Poll::Pending;
        };
        if self.registered && !sleep.is_elapsed() {
            return Poll::Pending;
        }
        self.registered = true;
        std::task::ready!(sleep.as_mut().poll(cx));
        self.armed = false;
        self.registered = false;
        Poll::Ready(())
    }
}

impl Driver {
    pub(super) fn new(shared: Arc<Shared>, io: Io, host: String, timeouts: Timeouts) -> Self {
        Driver {
            shared,
            io: Some(io),
            host,
            timeouts,
            read_buf: BytesMut::new(),
            out: Vec::new(),
            written: 0,
            external: None,
            deflate: None,
            needs_flush: false,
            last_read: LastRead::default(),
            parked: None,
            timer: Timer::default(),
            unprocessed: true,
            unsent: true,
        }
    }

    /// Runs until the connection ends; then every waiter learns why.
    pub(super) async fn run(mut self) {
        let result = self.drive().await;
        {
            let mut inner = self.shared.lock();
            match result {
                Ok(()) => inner.session.set_broken("connection closed by the client"),
                Err(error) => {
                    inner.session.set_broken(error.to_string());
                    inner.ended = Some(Ended::of(&error));
                }
            }
        }
        self.shared.end_waits();
    }

    async fn drive(&mut self) -> Result<(), Error> {
        loop {
            if let Some(parked) = self.parked.take() {
                self.deliver(parked).await;
                // A reader gone abandons its command, which may let one
                // held back go.
                self.unsent = true;
            }
            match self.process()? {
                Action::Nothing => {}
                Action::Park(parked) => {
                    self.parked = Some(parked);
                    continue;
                }
                Action::StartTls(done) => {
                    self.start_tls().await?;
                    self.completed(done);
                    continue;
                }
                Action::Compress(done) => {
                    self.deflate = Some(DeflateCodec::new());
                    self.completed(done);
                    continue;
                }
            }
            let drained = self.written == self.out.len();
            if drained && (self.unsent || self.external.is_some()) {
                self.unsent = false;
                if !self.refill().await? {
                    return Ok(());
                }
            }
            self.wait().await?;
        }
    }

    /// Hands the session's events to their waiters, until it needs more
    /// bytes or a queue or channel is full.
    fn process(&mut self) -> Result<Action, Error> {
        if !self.unprocessed {
            return Ok(Action::Nothing);
        }
        let mut completed = false;
        let action = self.process_events(&mut completed);
        // What the client handles wait for (an exclusive command ended)
        // comes with a completion: no other pass wakes them.
        if completed {
            self.shared.completed.notify_waiters();
        }
        // Stopped early (an action to take first), it goes on after.
        self.unprocessed = !matches!(action, Ok(Action::Nothing));
        // What the events let go (a command held back, IDLE's DONE).
        self.unsent = true;
        action
    }

    fn process_events(&mut self, completed: &mut bool) -> Result<Action, Error> {
        let mut guard = self.shared.lock();
        let inner = &mut *guard;
        loop {
            let event = match inner.session.poll()? {
                Some(event) => event,
                None => break,
            };
            *completed |= matches!(
                event,
                Event::Completed(_) | Event::StartTls(_) | Event::Compress(_)
            );
            let action = match event {
                Event::Greeting(_) => {
                    if let Some(greeted) = inner.greeting.take() {
                        greeted.send(());
                    }
                    Action::Nothing
                }
                Event::Completed(done) => dispatch_done(inner, done),
                Event::StartTls(done) => Action::StartTls(done),
                Event::Compress(done) => Action::Compress(done),
                Event::IdleStarted => idle_started(inner),
                Event::Data { tag, data } => to_stream(inner, &tag, Item::Data(data)),
                Event::BodyStart { tag, body } => to_stream(inner, &tag, Item::BodyStart(body)),
                Event::BodyChunk { tag, bytes } => to_stream(inner, &tag, Item::BodyChunk(bytes)),
                Event::BodyEnd { tag } => to_stream(inner, &tag, Item::BodyEnd),
                Event::Challenge { tag, challenge } => {
                    if let Some(Waiter::Auth { challenges, .. }) = inner.waiting.get(&*tag) {
                        let _ = challenges.send(challenge);
                    }
                    Action::Nothing
                }
            };
            if !matches!(action, Action::Nothing) {
                return Ok(action);
            }
        }
        Ok(pushed_while_idling(inner))
    }

    /// A completion the connection itself produced (STARTTLS, COMPRESS), after
    /// the transport changed.
    fn completed(&mut self, done: Done) {
        let mut inner = self.shared.lock();
        if let Action::Park(parked) = dispatch_done(&mut inner, done) {
            self.parked = Some(parked);
        }
        drop(inner);
        self.shared.completed.notify_waiters();
    }

    /// Waits until the reader of a full queue or channel takes the item (or is
    /// gone: then its command's data is dropped from now on).
    async fn deliver(&mut self, parked: Parked) {
        match parked {
            Parked::Stream {
                queue,
                item,
                tag,
                sink,
            } => {
                let mut item = Some(*item);
                let put = std::future::poll_fn(|cx| {
                    let Some(next) = item.take() else {
                        return Poll::Ready(false);
                    };
                    match put(&queue, next) {
                        Put::Done => Poll::Ready(true),
                        Put::Closed => Poll::Ready(false),
                        Put::Full(next) => {
                            let mut locked = lock_queue(&queue);
                            locked.room = Some(cx.waker().clone());
                            // The reader may have taken the batch between
                            // the two locks: then try again at once.
                            if locked.items.len() < STREAM_QUEUE || locked.closed {
                                cx.waker().wake_by_ref();
                            }
                            item = Some(*next);
                            Poll::Pending
                        }
                    }
                })
                .await;
                if let (false, Some(tag)) = (put, tag) {
                    self.shared.lock().session.abandon(&tag);
                }
                drop(sink);
            }
            // A reader gone has dropped its IdleStream, which ends the IDLE.
            Parked::Idle { sink, event } => drop(sink.send(event).await),
        }
    }

    /// Takes the next bytes to write: the session's output, or the next
    /// chunk of an external literal. False once the client is gone and
    /// everything queued was written.
    async fn refill(&mut self) -> Result<bool, Error> {
        self.out.clear();
        self.written = 0;
        if let Some((mut reader, left, len)) = self.external.take() {
            let mut chunk = vec![0; COPY_CHUNK.min(usize::try_from(left).unwrap_or(COPY_CHUNK))];
            let read = reader.read(&mut chunk).await?;
            if read == 0 {
                return Err(Error::InvalidArgument {
                    reason: format!(
                        "the message's reader ended after {} of the {len} bytes announced; \
                         the literal cannot be completed",
                        len - left
                    ),
                });
            }
            chunk.truncate(read);
            let left = left - read as u64;
            if left > 0 {
                self.external = Some((reader, left, len));
            } else {
                self.shared.lock().session.external_written();
                // The command goes on after its literal.
                self.unsent = true;
            }
            self.queue(&chunk)?;
            return Ok(true);
        }
        let (output, external, closing) = {
            let mut inner = self.shared.lock();
            let output = inner.session.take_output();
            let external = match inner.session.pending_external() {
                Some(len) => match inner.readers.pop_front() {
                    Some(reader) => Some((reader, len)),
                    None => {
                        return Err(Error::InvalidArgument {
                            reason: format!(
                                "a message of {len} bytes is to be sent from a reader, but none \
                                 was given (use Client::run_from); the announced literal cannot \
                                 be completed"
                            ),
                        })
                    }
                },
                None => None,
            };
            (output, external, inner.closing)
        };
        if let Some((reader, len)) = external {
            if len == 0 {
                self.shared.lock().session.external_written();
                // The command goes on after its literal.
                self.unsent = true;
            } else {
                self.external = Some((reader, len, len));
            }
        }
        self.queue(&output)?;
        Ok(!(closing && self.out.is_empty() && self.external.is_none()))
    }

    /// Queues bytes to write, deflated when COMPRESS is on.
    fn queue(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if bytes.is_empty() {
            return Ok(());
        }
        match self.deflate.as_mut() {
            Some(codec) => self.out = codec.deflate(bytes)?,
            None => self.out.extend_from_slice(bytes),
        }
        Ok(())
    }

    /// Waits for the next of: bytes from the server, room to write, a
    /// wake-up from a client handle, a deadline.
    async fn wait(&mut self) -> Result<(), Error> {
        let Some(io) = self.io.as_mut() else {
            return Err(Error::Closed {
                reason: "connection already closed".into(),
            });
        };
        let pending = self.out.get(self.written..).unwrap_or_default();
        let writing = !pending.is_empty();
        let flushing = !writing && self.needs_flush;
        if writing || flushing {
            // Most output goes at once: tried first, it needs no deadline
            // (no clock read, no timer) and no turn through the wait.
            let step =
                std::future::poll_fn(|cx| Poll::Ready(poll_write_step(io, pending, cx))).await;
            if let Poll::Ready(step) = step {
                self.wrote(step.map_err(Error::from_tls_io)?);
                return Ok(());
            }
        }
        let (reading_deadline, idle_renewal, idle_dead, idling) = self.deadlines();
        self.make_room(idling);
        let deadline = if writing {
            self.timeouts.write.map(|limit| Instant::now() + limit)
        } else {
            reading_deadline
        };
        if let Some(at) = deadline {
            self.timer.arm(at);
        }
        // Boxed: made only while IDLE runs, they are not moved in and
        // out of this future's state at every other wait.
        let mut renewal = idle_renewal.map(|at| Box::pin(tokio::time::sleep_until(at)));
        let mut dead = idle_dead.map(|at| Box::pin(tokio::time::sleep_until(at)));
        let Some(io) = self.io.as_mut() else {
            return Err(Error::Closed {
                reason: "connection already closed".into(),
            });
        };
        let pending = self.out.get(self.written..).unwrap_or_default();
        let (read_buf, wake, timer) = (&mut self.read_buf, &self.shared.wake, &mut self.timer);
        // One poll over every source, in a fixed order: none starves
        // another for long (a write ends when the socket is full, a read
        // when it is empty; the wake-up only makes the loop take output,
        // which every turn does). The stream is one `Io`, not split in
        // halves, whose every poll takes a lock.
        let woke = std::future::poll_fn(|cx| {
            if writing || flushing {
                if let Poll::Ready(step) = poll_write_step(io, pending, cx) {
                    return Poll::Ready(Woke::Wrote(step));
                }
            }
            // The future only borrows the two: made anew at every poll.
            let read = std::pin::pin!(io.read_buf(read_buf));
            if let Poll::Ready(read) = read.poll(cx) {
                return Poll::Ready(Woke::Read(read));
            }
            if wake.poll_notified(cx).is_ready() {
                return Poll::Ready(Woke::Signal);
            }
            if deadline.is_some() && timer.poll_ring(cx).is_ready() {
                return Poll::Ready(Woke::Deadline);
            }
            if let Some(renewal) = renewal.as_mut() {
                if renewal.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Woke::Renewal);
                }
            }
            if let Some(dead) = dead.as_mut() {
                if dead.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Woke::Dead);
                }
            }
            Poll::Pending
        })
        .await;
        match woke {
            Woke::Wrote(step) => self.wrote(step.map_err(Error::from_tls_io)?),
            Woke::Read(read) => {
                let n = read.map_err(Error::from_tls_io)?;
                if n == 0 {
                    let mid = self.shared.lock().session.has_buffered_input();
                    return Err(Error::Closed {
                        reason: if mid {
                            "connection closed in the middle of a response".into()
                        } else {
                            "connection closed by the server".into()
                        },
                    });
                }
                self.last_read.touch();
                self.receive(n)?;
            }
            Woke::Signal => self.unsent = true,
            // Armed for an earlier wait, the timer may ring before this
            // wait's deadline: then the next wait arms it again.
            Woke::Deadline => {
                if deadline.is_some_and(|at| Instant::now() >= at) {
                    return Err(if writing {
                        timed_out("write timeout elapsed: the server does not read")
                    } else {
                        let limit = self.timeouts.read.unwrap_or_default();
                        timed_out(&format!(
                            "read timeout elapsed: the server sent nothing for {limit:?}"
                        ))
                    });
                }
            }
            Woke::Renewal => {
                self.renew_idle();
                self.unsent = true;
            }
            Woke::Dead => {
                return Err(timed_out("the server sent nothing while idling, not even a keepalive: the connection is taken for dead"));
            }
        }
        Ok(())
    }

    /// Counts what a write step wrote, and whether TLS still holds some.
    fn wrote(&mut self, (n, flushed): (usize, bool)) {
        self.written += n;
        self.needs_flush = !flushed;
        if self.written == self.out.len() {
            // Silence while we were writing is not the server's.
            self.last_read.touch();
        }
    }

    /// Room for the next read: [`READ_CHUNK`], or while IDLE runs, a
    /// buffer of [`WAITING_READ_CHUNK`] instead of what is left of a large
    /// one. (Between commands the large one stays: dropped and allocated
    /// again for every command, it would cost a serial workload some
    /// 1000 instructions a command.)
    fn make_room(&mut self, idling: bool) {
        let spare = self.read_buf.capacity() - self.read_buf.len();
        if !idling {
            if spare < READ_CHUNK / 4 {
                self.read_buf.reserve(READ_CHUNK);
            }
        } else if self.read_buf.is_empty() && spare > WAITING_READ_CHUNK {
            self.read_buf = BytesMut::with_capacity(WAITING_READ_CHUNK);
        } else if spare == 0 {
            self.read_buf.reserve(WAITING_READ_CHUNK);
        }
    }

    /// Bytes read, inflated when COMPRESS is on, to the session.
    fn receive(&mut self, _n: usize) -> Result<(), Error> {
        self.unprocessed = true;
        let read = self.read_buf.split();
        let mut inner = self.shared.lock();
        match self.deflate.as_mut() {
            Some(codec) => {
                let mut inflated = Vec::new();
                codec.inflate(&read, &mut inflated)?;
                inner.session.receive(&inflated);
            }
            None => inner.session.receive_owned(read),
        }
        Ok(())
    }

    /// When a reply is late (a command runs and the server is silent),
    /// when the IDLE is renewed, when a silent IDLE is dead, and whether
    /// IDLE runs.
    fn deadlines(&mut self) -> (Option<Instant>, Option<Instant>, Option<Instant>, bool) {
        let mut inner = self.shared.lock();
        let idling = inner
            .idle
            .as_ref()
            .and_then(|idle| idle.started.map(|at| (idle, at)));
        // The greeting is awaited as a reply is: bounded by the read timeout.
        let awaiting = (inner.greeting.is_some() || inner.session.in_flight().next().is_some())
            && idling.is_none();
        let idling_now = idling.is_some();
        let reading = match self.timeouts.read {
            Some(limit) if awaiting => Some(self.last_read.at() + limit),
            _ => None,
        };
        let renewal = idling
            .filter(|(idle, _)| !idle.renewing && !idle.stopping)
            .map(|(idle, at)| at + idle.renew_every);
        let dead = idling
            .and_then(|(idle, _)| idle.dead_after)
            .map(|limit| self.last_read.at() + limit);
        if !awaiting || idling_now {
            // A wait that may be long: hold no empty 256 KiB block.
            inner.session.release_buffers();
        }
        (reading, renewal, dead, idling_now)
    }

    /// Renews the IDLE before the server's limit: DONE now, IDLE again at
    /// its completion.
    fn renew_idle(&mut self) {
        let mut guard = self.shared.lock();
        let inner = &mut *guard;
        if let Some(idle) = inner.idle.as_mut() {
            if inner.session.idle_done() {
                idle.renewing = true;
            }
        }
    }

    /// Upgrades the transport after STARTTLS's OK.
    async fn start_tls(&mut self) -> Result<(), Error> {
        let config = self.shared.lock().starttls.take().unwrap_or_default();
        let Some(io) = self.io.take() else {
            return Err(Error::Closed {
                reason: "connection already closed".into(),
            });
        };
        let Io::Tcp(tcp) = io else {
            return Err(Error::tls("STARTTLS on a connection that is not plain TCP"));
        };
        let tls = net::tls(tcp, &self.host, &config, &self.timeouts, true)
            .await
            .map_err(|error| Error::tls(format!("TLS handshake after STARTTLS failed: {error}")))?;
        self.io = Some(Io::Tls(Box::new(tls)));
        self.shared.lock().session.tls_established();
        Ok(())
    }
}

/// Writes some of `pending`, and once it is all written flushes what TLS
/// holds, if it can at once (a plain socket always can): how many bytes
/// were written and whether the flush is done. Pending only while nothing
/// was done, so that another branch of the select may cancel it without
/// losing or repeating a byte.
fn poll_write_step(
    writer: &mut Io,
    pending: &[u8],
    cx: &mut Context<'_>,
) -> Poll<io::Result<(usize, bool)>> {
    let mut n = 0;
    if !pending.is_empty() {
        n = match Pin::new(&mut *writer).poll_write(cx, pending) {
            Poll::Ready(Ok(0)) => {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::WriteZero,
                    "the connection accepts no more bytes",
                )))
            }
            Poll::Ready(Ok(n)) => n,
            Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
            Poll::Pending => return Poll::Pending,
        };
        if n < pending.len() {
            return Poll::Ready(Ok((n, false)));
        }
    }
    match Pin::new(writer).poll_flush(cx) {
        Poll::Ready(Ok(())) => Poll::Ready(Ok((n, true))),
        // What was written counts; the flush is tried again (and fails
        // again) at the next wait.
        Poll::Ready(Err(_)) | Poll::Pending if n > 0 => Poll::Ready(Ok((n, false))),
        Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
        Poll::Pending => Poll::Pending,
    }
}

/// A moment of progress (bytes read, or all output written), its clock
/// read only when a deadline is computed from it: most are followed by
/// a wait with no deadline to compute (the command completed), and a
/// clock read per read and per write was measurable.
struct LastRead {
    at: Instant,
    /// Progress was made since `at`.
    stale: bool,
}

impl Default for LastRead {
    fn default() -> Self {
        LastRead {
            at: Instant::now(),
            stale: false,
        }
    }
}

impl LastRead {
    /// Progress now: taken as the time of the next wait that needs it,
    /// which follows within the same turn of the loop (or after a wait
    /// for a stream's reader, whose slowness is not the server's either).
    fn touch(&mut self) {
        self.stale = true;
    }

    fn at(&mut self) -> Instant {
        if self.stale {
            self.at = Instant::now();
            self.stale = false;
        }
        self.at
    }
}

fn timed_out(what: &str) -> Error {
    Error::Io(io::Error::new(io::ErrorKind::TimedOut, what.to_owned()))
}

/// A completion to its waiter; an IDLE's to the IDLE; otherwise kept for
/// `wait`.
fn dispatch_done(inner: &mut Inner, done: Done) -> Action {
    if inner.idle.as_ref().is_some_and(|idle| idle.tag == done.tag) {
        return idle_completed(inner, done);
    }
    match inner.waiting.remove(&done.tag) {
        Some(Waiter::Done(waiter)) | Some(Waiter::Auth { done: waiter, .. }) => {
            waiter.send(done);
            Action::Nothing
        }
        Some(Waiter::InBatch(waiter)) => {
            waiter.send(done);
            Action::Nothing
        }
        Some(Waiter::Stream(sink)) => match sink.put(Item::Done(done)) {
            Put::Done | Put::Closed => Action::Nothing,
            Put::Full(item) => Action::Park(Parked::Stream {
                queue: Arc::clone(&sink.0),
                item,
                tag: None,
                sink: Some(sink),
            }),
        },
        None => {
            if !inner.abandoned.remove(&done.tag) {
                inner.finished.insert(done.tag.clone(), done);
            }
            Action::Nothing
        }
    }
}

/// A streamed command's item to its reader; a reader gone makes the
/// session drop the rest of that command's data.
fn to_stream(inner: &mut Inner, tag: &str, item: Item) -> Action {
    let Some(Waiter::Stream(sink)) = inner.waiting.get(tag) else {
        return Action::Nothing;
    };
    match sink.put(item) {
        Put::Done => Action::Nothing,
        Put::Full(item) => Action::Park(Parked::Stream {
            queue: Arc::clone(&sink.0),
            item,
            tag: Some(tag.to_owned()),
            sink: None,
        }),
        Put::Closed => {
            inner.session.abandon(tag);
            Action::Nothing
        }
    }
}

/// The server's `+` to IDLE.
fn idle_started(inner: &mut Inner) -> Action {
    let Some(idle) = inner.idle.as_mut() else {
        return Action::Nothing;
    };
    idle.started = Some(Instant::now());
    if idle.stopping {
        // The reader left before the server was ready.
        inner.session.idle_done();
        return Action::Nothing;
    }
    if idle.renewing {
        idle.renewing = false;
        idle.renewals.fetch_add(1, Ordering::Relaxed);
        return Action::Nothing;
    }
    push_to_idle(idle, IdleEvent::Started)
}

/// What the server pushed since the IDLE began, to its reader.
fn pushed_while_idling(inner: &mut Inner) -> Action {
    let Some(idle) = inner.idle.as_mut() else {
        return Action::Nothing;
    };
    while let Some(pushed) = inner.session.next_unsolicited_since(idle.since) {
        if let Action::Park(parked) = push_to_idle(idle, IdleEvent::Pushed(Box::new(pushed))) {
            return Action::Park(parked);
        }
    }
    Action::Nothing
}

fn push_to_idle(idle: &mut IdleState, event: IdleEvent) -> Action {
    match idle.sink.try_send(event) {
        Ok(()) | Err(mpsc::error::TrySendError::Closed(_)) => Action::Nothing,
        Err(mpsc::error::TrySendError::Full(event)) => Action::Park(Parked::Idle {
            sink: idle.sink.clone(),
            event,
        }),
    }
}

/// The IDLE's completion: IDLE again after a renewal, else the end.
fn idle_completed(inner: &mut Inner, done: Done) -> Action {
    let renew = inner
        .idle
        .as_ref()
        .is_some_and(|idle| idle.renewing && !idle.stopping && done.check().is_ok());
    if renew {
        match inner.session.send(&crate::Idle::new()) {
            Ok(tag) => {
                if let Some(idle) = inner.idle.as_mut() {
                    idle.tag = tag;
                    idle.started = None;
                }
                return Action::Nothing;
            }
            Err(error) => tracing::debug!(%error, "renewing the IDLE failed"),
        }
    }
    let Some(idle) = inner.idle.take() else {
        return Action::Nothing;
    };
    let outcome = done.check();
    if let Some(stopped) = idle.stopped {
        let _ = stopped.send(outcome);
    }
    // The reader sees the IDLE end (with the server's NO or BAD, if any).
    let _ = idle.sink.try_send(IdleEvent::Done(Box::new(done)));
    Action::Nothing
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};

    use super::Signal;

    /// Counts its wake-ups.
    #[derive(Default)]
    struct Counter(std::sync::atomic::AtomicUsize);

    impl Wake for Counter {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }

        fn wake_by_ref(self: &Arc<Self>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }

    fn woken(counter: &Arc<Counter>) -> usize {
        counter.0.load(std::sync::atomic::Ordering::Relaxed)
    }

    #[test]
    fn signal_keeps_a_wake_up_given_before_the_wait() {
        let signal = Signal::default();
        let counter = Arc::new(Counter::default());
        let waker = Waker::from(Arc::clone(&counter));
        let mut cx = Context::from_waker(&waker);
        signal.notify_one();
        signal.notify_one();
        // Two wake-ups before the wait make one: the wait after it waits.
        assert_eq!(signal.poll_notified(&mut cx), Poll::Ready(()));
        assert_eq!(signal.poll_notified(&mut cx), Poll::Pending);
        assert_eq!(woken(&counter), 0);
    }

    #[test]
    fn signal_wakes_the_waiting_connection_once_until_it_looks() {
        let signal = Signal::default();
        let counter = Arc::new(Counter::default());
        let waker = Waker::from(Arc::clone(&counter));
        let mut cx = Context::from_waker(&waker);
        assert_eq!(signal.poll_notified(&mut cx), Poll::Pending);
        signal.notify_one();
        signal.notify_one();
        assert_eq!(woken(&counter), 1);
        assert_eq!(signal.poll_notified(&mut cx), Poll::Ready(()));
        // The waker is kept across waits: the next wake-up reaches it too.
        assert_eq!(signal.poll_notified(&mut cx), Poll::Pending);
        signal.notify_one();
        assert_eq!(woken(&counter), 2);
        assert_eq!(signal.poll_notified(&mut cx), Poll::Ready(()));
    }
}
