//! IDLE (RFC 2177) as a `futures::Stream` of typed events.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, Sleep};

use super::driver::{IdleEvent, IdleState};
use super::{Client, IDLE_RENEWAL};
use crate::error::Error;
use crate::session::Unsolicited;

/// How an IDLE runs.
#[derive(Clone, Copy, Debug)]
pub struct IdleOptions {
    /// The IDLE is ended and started again after this long (RFC 2177: at
    /// least every 29 minutes, as servers may log out a client idle for
    /// 30). Default [`IDLE_RENEWAL`], 28 minutes.
    pub renew_every: Duration,
    /// No byte from the server for this long (no pushed data, not even a
    /// keepalive `* OK still here`) and the connection is taken for dead:
    /// the stream ends with an error within this time of the server
    /// falling silent, not after the renewal. `None`: never.
    pub dead_after: Option<Duration>,
}

impl Default for IdleOptions {
    fn default() -> Self {
        IdleOptions {
            renew_every: IDLE_RENEWAL,
            dead_after: None,
        }
    }
}

/// A running IDLE, from [`Client::idle`]: the untagged responses the
/// server pushes (`Data::Exists`, `Data::Expunge`, `* OK [ALERT] ...`),
/// already applied to the session's mailbox state, as they arrive, until
/// the duration given to [`Client::idle_for`] runs out. Dropping it ends
/// the IDLE (DONE is written at once, by the connection, without
/// waiting); [`done`](Self::done) waits for the server's completion.
#[derive(Debug)]
pub struct IdleStream<'a> {
    client: &'a Client,
    events: mpsc::Receiver<IdleEvent>,
    ended: bool,
    /// How many times the connection renewed the IDLE.
    renewals: Arc<AtomicU32>,
    /// When iteration stops ([`Client::idle_for`]).
    until: Option<Pin<Box<Sleep>>>,
}

impl Client {
    /// Like [`idle`](Self::idle), but the [`IdleStream`] ends (its
    /// [`next`](IdleStream::next) yields `None`) once `duration` has
    /// passed (imaplib's `idle(duration)`). The IDLE itself goes on until
    /// the stream is dropped or [`done`](IdleStream::done);
    /// [`wait`](IdleStream::wait) and [`burst`](IdleStream::burst) do not
    /// look at the duration.
    pub async fn idle_for(&self, duration: Duration) -> Result<IdleStream<'_>, Error> {
        let until = Instant::now() + duration;
        let mut stream = IdleStream::start(self, IdleOptions::default()).await?;
        stream.until = Some(Box::pin(tokio::time::sleep_until(until)));
        Ok(stream)
    }
}

impl<'a> IdleStream<'a> {
    /// Sends IDLE and waits for the server's `+`.
    pub(super) async fn start(client: &'a Client, options: IdleOptions) -> Result<Self, Error> {
        // As every command: the capabilities first, when the login's OK
        // brought none (imap4d's), so that IDLE's own is known.
        client.ensure_capabilities(&crate::Idle::new()).await?;
        client.after_exclusive().await?;
        let (sink, events) = mpsc::channel(super::STREAM_CAPACITY);
        let renewals = Arc::new(AtomicU32::new(0));
        {
            let mut inner = client.shared.lock();
            if inner.session.broken().is_some() {
                return Err(inner.unusable());
            }
            let since = inner.session.unsolicited_mark();
            let tag = inner.session.send(&crate::Idle::new())?;
            inner.idle = Some(IdleState {
                tag,
                since,
                sink,
                started: None,
                renew_every: options.renew_every,
                dead_after: options.dead_after,
                renewing: false,
                renewals: Arc::clone(&renewals),
                stopping: false,
                stopped: None,
            });
        }
        client.shared.wake.notify_one();
        let mut stream = IdleStream {
            client,
            events,
            ended: false,
            renewals,
            until: None,
        };
        match stream.events.recv().await {
            Some(IdleEvent::Started) => Ok(stream),
            Some(IdleEvent::Done(done)) => {
                stream.ended = true;
                done.check()?;
                Err(Error::protocol("IDLE completed before the server's `+`"))
            }
            _ => {
                stream.ended = true;
                Err(client.shared.lock().closed())
            }
        }
    }

    /// How many times the IDLE was renewed (DONE, then IDLE again, after
    /// [`IdleOptions::renew_every`]) so far.
    pub fn renewals(&self) -> u32 {
        self.renewals.load(Ordering::Relaxed)
    }

    /// The next response the server pushed, or `None` once the IDLE ended
    /// or the duration of [`Client::idle_for`] ran out.
    pub async fn next(&mut self) -> Option<Result<Unsolicited, Error>> {
        std::future::poll_fn(|cx| self.poll_next_event(cx)).await
    }

    /// The next response within `timeout`; `Ok(None)` when none came.
    pub async fn wait(&mut self, timeout: Duration) -> Result<Option<Unsolicited>, Error> {
        let next = std::future::poll_fn(|cx| self.poll_event(cx));
        match tokio::time::timeout(timeout, next).await {
            Ok(Some(event)) => event.map(Some),
            Ok(None) => Err(Error::Closed {
                reason: "the IDLE ended".into(),
            }),
            Err(_) => Ok(None),
        }
    }

    /// imaplib's `burst`: waits up to `timeout` for a first response, then
    /// collects those that follow each within `interval`.
    pub async fn burst(
        &mut self,
        timeout: Duration,
        interval: Duration,
    ) -> Result<Vec<Unsolicited>, Error> {
        let mut burst = Vec::new();
        let Some(first) = self.wait(timeout).await? else {
            return Ok(burst);
        };
        burst.push(first);
        while let Some(next) = self.wait(interval).await? {
            burst.push(next);
        }
        Ok(burst)
    }

    /// Ends the IDLE (DONE) and waits for the server's completion.
    /// Responses arriving meanwhile stay in the client's unsolicited record.
    pub async fn done(mut self) -> Result<(), Error> {
        let (stopped, completion) = oneshot::channel();
        if !self.stop(Some(stopped)) {
            return Ok(());
        }
        self.ended = true;
        completion
            .await
            .map_err(|_| self.client.shared.lock().closed())?
    }

    /// Asks the connection to end the IDLE; false when it already ended.
    fn stop(&mut self, stopped: Option<oneshot::Sender<Result<(), Error>>>) -> bool {
        let mut guard = self.client.shared.lock();
        let inner = &mut *guard;
        let Some(idle) = inner.idle.as_mut() else {
            return false;
        };
        if !idle.stopping {
            idle.stopping = true;
            // Before the `+` (or during a renewal), the connection sends DONE
            // when it comes.
            inner.session.idle_done();
        }
        idle.stopped = stopped;
        drop(guard);
        self.client.shared.wake.notify_one();
        true
    }

    /// [`poll_event`](Self::poll_event) until the duration of
    /// [`Client::idle_for`] runs out, then `None`: as the blocking
    /// `Idler`, once it passed, even if responses are waiting.
    fn poll_next_event(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Unsolicited, Error>>> {
        if let Some(until) = self.until.as_mut() {
            if until.as_mut().poll(cx).is_ready() {
                return Poll::Ready(None);
            }
        }
        self.poll_event(cx)
    }

    fn poll_event(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Unsolicited, Error>>> {
        if self.ended {
            return Poll::Ready(None);
        }
        loop {
            return match self.events.poll_recv(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(Some(IdleEvent::Pushed(event))) => Poll::Ready(Some(Ok(*event))),
                Poll::Ready(Some(IdleEvent::Done(done))) => {
                    self.ended = true;
                    Poll::Ready(done.check().err().map(Err))
                }
                Poll::Ready(Some(_)) => continue,
                Poll::Ready(None) => {
                    self.ended = true;
                    Poll::Ready(Some(Err(self.client.shared.lock().closed())))
                }
            };
        }
    }
}

impl futures_core::Stream for IdleStream<'_> {
    type Item = Result<Unsolicited, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_next_event(cx)
    }
}

impl Drop for IdleStream<'_> {
    /// DONE goes out at once through the connection; nothing waits.
    fn drop(&mut self) {
        if !self.ended {
            self.stop(None);
        }
    }
}
