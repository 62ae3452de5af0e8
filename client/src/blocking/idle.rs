//! IDLE (RFC 2177) as a blocking iterator of typed events, in the manner of
//! imaplib's `Idler` (Python 3.14): events one at a time or in bursts, DONE
//! when dropped, and the IDLE renewed before the server's 30-minute limit.

use std::time::{Duration, Instant};

use super::Client;
use crate::command::Behaviour;
use crate::error::Error;
use crate::session::{Event, Unsolicited};

/// How long one IDLE runs before the client renews it. RFC 2177 section 3
/// asks clients to end an IDLE at least every 29 minutes, as servers may log
/// out a client idle for 30.
pub const IDLE_RENEWAL: Duration = Duration::from_secs(28 * 60);

/// A running IDLE, from [`Client::idle`]. Iterating yields the untagged
/// responses the server pushes (`Data::Exists`, `Data::Expunge`,
/// `Data::Fetch`, status responses such as `* OK [ALERT] ...` or a
/// keepalive `* OK still here`), already applied to the session's mailbox state,
/// until the duration given to [`Client::idle_for`] runs out. Dropping it
/// ends the IDLE (`DONE`) and waits for the server's completion.
///
/// ```no_run
/// # fn main() -> Result<(), typed_imap::Error> {
/// # let mut imap = typed_imap::blocking::Client::connect("localhost", 143)?;
/// use std::time::Duration;
/// use typed_imap::session::Unsolicited;
/// use typed_imap::Data;
///
/// let mut idler = imap.idle()?;
/// while let Some(event) = idler.wait(Duration::from_secs(60))? {
///     if let Unsolicited::Data(Data::Exists(n)) = event {
///         println!("{n} messages now");
///         break;
///     }
/// }
/// idler.done()?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Idler<'a> {
    client: &'a mut Client,
    /// The tag of the IDLE running, if one runs.
    tag: Option<String>,
    /// The unsolicited record's mark when IDLE was first sent: what came
    /// before is not the IDLE's to yield.
    since: u64,
    /// When the running IDLE started.
    started: Instant,
    /// When iteration stops (`idle_for`).
    until: Option<Instant>,
    renewal: Duration,
    renewals: u32,
}

impl Client {
    /// Starts IDLE and returns once the server accepted it (its `+`).
    /// The [`Idler`] yields what the server pushes from now on; what was
    /// recorded before stays in [`Client::unsolicited`].
    pub fn idle(&mut self) -> Result<Idler<'_>, Error> {
        let since = self.session.unsolicited_mark();
        let mut idler = Idler {
            client: self,
            tag: None,
            since,
            started: Instant::now(),
            until: None,
            renewal: IDLE_RENEWAL,
            renewals: 0,
        };
        idler.start()?;
        Ok(idler)
    }

    /// Like [`idle`](Self::idle), but iterating the [`Idler`] stops after
    /// `duration` (imaplib's `idle(duration)`).
    pub fn idle_for(&mut self, duration: Duration) -> Result<Idler<'_>, Error> {
        let until = Instant::now() + duration;
        let mut idler = self.idle()?;
        idler.until = Some(until);
        Ok(idler)
    }
}

impl Idler<'_> {
    /// Renews the IDLE (DONE, then IDLE again) after `every` instead of
    /// [`IDLE_RENEWAL`]; mostly for tests.
    pub fn renew_every(mut self, every: Duration) -> Self {
        self.renewal = every;
        self
    }

    /// How many times the IDLE was renewed so far.
    pub fn renewals(&self) -> u32 {
        self.renewals
    }

    /// The next response the server pushed since the IDLE began, waiting
    /// at most `timeout`; `None` when none came in time. A response
    /// already received (in the same read as the server's `+`, say) comes
    /// at once. Responses recorded before the IDLE began stay in the
    /// client's unsolicited record.
    pub fn wait(&mut self, timeout: Duration) -> Result<Option<Unsolicited>, Error> {
        let deadline = Instant::now() + timeout;
        loop {
            self.process()?;
            if let Some(event) = self.client.session.next_unsolicited_since(self.since) {
                return Ok(Some(event));
            }
            if self.tag.is_none() || self.started.elapsed() >= self.renewal {
                self.renew()?;
                continue;
            }
            let renew_at = self.started + self.renewal;
            let until = deadline.min(renew_at);
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                if Instant::now() >= deadline {
                    return Ok(None);
                }
                continue;
            }
            self.client.read_once(Some(left))?;
        }
    }

    /// imaplib's `burst`: waits up to `timeout` for a first response, then
    /// collects those that follow each within `interval` of the one
    /// before (those already received come without waiting). Empty when
    /// nothing came.
    pub fn burst(
        &mut self,
        timeout: Duration,
        interval: Duration,
    ) -> Result<Vec<Unsolicited>, Error> {
        let mut burst = Vec::new();
        let Some(first) = self.wait(timeout)? else {
            return Ok(burst);
        };
        burst.push(first);
        while let Some(next) = self.wait(interval)? {
            burst.push(next);
        }
        Ok(burst)
    }

    /// Ends the IDLE: sends DONE and waits for the server's completion.
    /// Responses that arrive meanwhile stay recorded as unsolicited.
    pub fn done(mut self) -> Result<(), Error> {
        self.stop()
    }

    /// Sends IDLE and waits for the `+`.
    fn start(&mut self) -> Result<(), Error> {
        let tag = self.client.send(&crate::Idle::new())?;
        self.tag = Some(tag.clone());
        let deadline = self.client.command_deadline();
        loop {
            match self.client.next_event(deadline)? {
                Event::IdleStarted => {
                    self.started = Instant::now();
                    return Ok(());
                }
                other => self.not_ours(other)?,
            }
        }
    }

    /// DONE, the completion, and IDLE again.
    fn renew(&mut self) -> Result<(), Error> {
        self.stop()?;
        self.start()?;
        self.renewals += 1;
        Ok(())
    }

    /// Handles what was already read, without reading more.
    fn process(&mut self) -> Result<(), Error> {
        while let Some(event) = self.client.session.poll()? {
            let event = self.client.transport_change(event)?;
            self.not_ours(event)?;
        }
        Ok(())
    }

    /// An event while idling: the IDLE's own completion (the server ended
    /// it with a NO or BAD), or another command's.
    fn not_ours(&mut self, event: Event) -> Result<(), Error> {
        match event {
            Event::Completed(done) if self.tag.as_deref() == Some(done.tag.as_str()) => {
                self.tag = None;
                done.into_result::<crate::Idle>()
            }
            other => {
                self.client.set_aside(other);
                Ok(())
            }
        }
    }

    fn stop(&mut self) -> Result<(), Error> {
        let Some(tag) = self.tag.take() else {
            return Ok(());
        };
        self.client.session.idle_done();
        self.client.flush()?;
        self.client.wait(&tag)?.into_result::<crate::Idle>()
    }
}

impl Iterator for Idler<'_> {
    type Item = Result<Unsolicited, Error>;

    /// The next pushed response; `None` once the duration of
    /// [`Client::idle_for`] ran out (never, after [`Client::idle`]).
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let timeout = match self.until {
                Some(until) => until.checked_duration_since(Instant::now())?,
                None => self.renewal,
            };
            if timeout.is_zero() {
                return None;
            }
            match self.wait(timeout) {
                Ok(Some(event)) => return Some(Ok(event)),
                Ok(None) => continue,
                Err(error) => return Some(Err(error)),
            }
        }
    }
}

impl Drop for Idler<'_> {
    fn drop(&mut self) {
        if let Err(error) = self.stop() {
            tracing::debug!(%error, "ending IDLE on drop failed");
        }
    }
}

// The spec declares IDLE with the behaviour this module drives.
const _: () = assert!(matches!(
    <crate::Idle as crate::command::Command>::BEHAVIOUR,
    Behaviour::Idle
));
