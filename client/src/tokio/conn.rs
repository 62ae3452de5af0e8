//! Who polls the connection: the future that waits on it, else a
//! background task.
//!
//! The connection is one future, [`Driver::run`](super::driver::Driver::run),
//! kept here rather than spawned. A caller's future that waits for a reply
//! polls it itself: the reply's bytes wake that future, which reads them
//! and finds its reply at once, without a hop through another task (on a
//! current-thread runtime the hop cost a turn of the scheduler and a
//! second `epoll_wait` per command). A background task polls it when no
//! caller waits: while IDLE runs, for the LOGOUT written when the client
//! is dropped.
//!
//! Every wake-up the connection asks for comes to the [`Router`], which
//! passes it on to the waiter that polled last, and to the background
//! task when none or several wait. Whoever polls first does the work;
//! the other finds the wake-up taken and returns at once. So a waiter
//! that stops being polled without being dropped never holds another
//! up. The connection future is only ever polled under a lock and never
//! dropped by a caller, so dropping a caller's future at any await point
//! leaves it in step.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

use super::driver::Shared;
use super::reply;

/// The connection future.
type Connection = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A connection, and who polls it.
pub(super) struct Conn {
    pub(super) shared: Arc<Shared>,
    /// `None` once it ended, or was aborted.
    connection: Mutex<Option<Connection>>,
    router: Arc<Router>,
    /// The router as a waker: what the connection is always polled with.
    waker: Waker,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere while holding the lock leaves plain data.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Conn {
    pub(super) fn new(shared: Arc<Shared>, connection: Connection) -> Self {
        let router = Arc::new(Router::default());
        Conn {
            shared,
            connection: Mutex::new(Some(connection)),
            waker: Waker::from(Arc::clone(&router)),
            router,
        }
    }

    /// The background task's turn: polls the connection if a wake-up is
    /// pending that no waiter took. Ready once the connection ended.
    pub(super) fn poll_background(&self, cx: &mut Context<'_>) -> Poll<()> {
        if !self.router.begin(Poller::Background(cx.waker())) {
            return Poll::Pending;
        }
        self.poll_connection()
    }

    /// Marks the connection as having work (a command queued) without
    /// waking anyone: for a caller that polls it right away.
    pub(super) fn poke(&self) {
        self.shared.wake.set();
        lock(&self.router.routes).woken = true;
    }

    /// Ends the connection now: the socket is closed without a word, and
    /// every future waiting learns why (the reason the caller set as the
    /// session's broken reason).
    pub(super) fn abort(&self) {
        let connection = lock(&self.connection).take();
        drop(connection);
        self.shared.end_waits();
        // The background task ends when it next looks.
        self.router.wake_by_ref();
    }

    /// Waits for `receiver`, polling the connection meanwhile; `None`
    /// when its sender was dropped (the connection ended).
    pub(super) async fn until<T>(&self, receiver: &mut reply::Receiver<T>) -> Option<T> {
        let mut driving = Driving::new(self);
        std::future::poll_fn(|cx| receiver.poll_driving(cx, &mut driving)).await
    }

    /// [`until`](Self::until) for reply `index` of `batch`.
    pub(super) async fn until_in<T>(&self, batch: &mut reply::Batch<T>, index: usize) -> Option<T> {
        let mut driving = Driving::new(self);
        std::future::poll_fn(|cx| batch.poll_driving(index, cx, &mut driving)).await
    }

    /// Polls the connection with the router's waker, if it has not ended.
    fn poll_connection(&self) -> Poll<()> {
        let mut slot = lock(&self.connection);
        let Some(connection) = slot.as_mut() else {
            drop(slot);
            self.router.end(true);
            return Poll::Ready(());
        };
        let poll = connection
            .as_mut()
            .poll(&mut Context::from_waker(&self.waker));
        if poll.is_ready() {
            *slot = None;
        }
        drop(slot);
        self.router.end(poll.is_ready());
        poll
    }
}

/// A future waiting on the connection that polls it meanwhile; it stops
/// being a target of the router's wake-ups when dropped.
#[derive(Debug)]
pub(super) struct Driving<'a> {
    conn: &'a Conn,
    /// Its place among the router's waiters, once it polled.
    id: Option<u64>,
}

impl<'a> Driving<'a> {
    pub(super) fn new(conn: &'a Conn) -> Self {
        Driving { conn, id: None }
    }

    /// Polls the connection if it has work, and makes this future the one
    /// its wake-ups go to.
    pub(super) fn drive(&mut self, cx: &mut Context<'_>) {
        if self
            .conn
            .router
            .begin(Poller::Waiter(&mut self.id, cx.waker()))
        {
            let _ = self.conn.poll_connection();
        }
    }
}

impl Drop for Driving<'_> {
    /// Stops being a target; a wake-up it was given and did not take
    /// goes on to those left.
    fn drop(&mut self) {
        let Some(id) = self.id else {
            return;
        };
        let targets = {
            let mut routes = lock(&self.conn.router.routes);
            routes.waiters.retain(|(known, _)| *known != id);
            if !routes.woken || routes.polling {
                return;
            }
            routes.targets()
        };
        targets.into_iter().flatten().for_each(Waker::wake);
    }
}

/// Who is about to poll the connection.
enum Poller<'a> {
    Waiter(&'a mut Option<u64>, &'a Waker),
    Background(&'a Waker),
}

/// The connection's waker: passes each wake-up on to the waiter that
/// polled last, and to the background task (see [`Routes::targets`]).
#[derive(Default)]
struct Router {
    routes: Mutex<Routes>,
}

struct Routes {
    /// Woken since it was last polled: a poll has work to do.
    woken: bool,
    /// Someone polls it now: a wake-up meanwhile is passed on after.
    polling: bool,
    /// The futures waiting that poll it, the last to poll last.
    waiters: Vec<(u64, Waker)>,
    next_id: u64,
    background: Option<Waker>,
}

impl Default for Routes {
    fn default() -> Self {
        Routes {
            // The first poll starts the connection.
            woken: true,
            polling: false,
            waiters: Vec::new(),
            next_id: 0,
            background: None,
        }
    }
}

impl Routes {
    /// Who to wake: the waiter that polled last, and the background task
    /// unless that waiter is the only one. (A lone waiter left unpolled
    /// holds up no one: nothing else waits. With two, the one woken may
    /// be the one left unpolled while the other waits.)
    fn targets(&self) -> [Option<Waker>; 2] {
        match self.waiters.as_slice() {
            [] => [None, self.background.clone()],
            [(_, only)] => [Some(only.clone()), None],
            [.., (_, last)] => [Some(last.clone()), self.background.clone()],
        }
    }
}

impl Router {
    /// Registers `poller` and says whether it should poll now (a wake-up
    /// is pending and nobody polls); if so, it polls, then calls `end`.
    fn begin(&self, poller: Poller<'_>) -> bool {
        let mut routes = lock(&self.routes);
        match poller {
            Poller::Waiter(id, waker) => {
                let id = *id.get_or_insert_with(|| {
                    routes.next_id += 1;
                    routes.next_id
                });
                match routes.waiters.iter().position(|(known, _)| *known == id) {
                    // Already the last: nearly always, a waiter polling
                    // again with the same waker.
                    Some(at) if at + 1 == routes.waiters.len() => {
                        if let Some((_, known)) = routes.waiters.last_mut() {
                            if !known.will_wake(waker) {
                                known.clone_from(waker);
                            }
                        }
                    }
                    Some(at) => {
                        routes.waiters.remove(at);
                        routes.waiters.push((id, waker.clone()));
                    }
                    None => routes.waiters.push((id, waker.clone())),
                }
            }
            Poller::Background(waker) => {
                if !routes
                    .background
                    .as_ref()
                    .is_some_and(|known| known.will_wake(waker))
                {
                    routes.background = Some(waker.clone());
                }
            }
        }
        if !routes.woken || routes.polling {
            return false;
        }
        routes.woken = false;
        routes.polling = true;
        true
    }

    /// After a poll: a wake-up that came meanwhile is passed on now; an
    /// ended connection wakes the background task, which then ends.
    fn end(&self, ended: bool) {
        let targets = {
            let mut routes = lock(&self.routes);
            routes.polling = false;
            if ended {
                routes.woken = true;
                [None, routes.background.clone()]
            } else if routes.woken {
                routes.targets()
            } else {
                return;
            }
        };
        targets.into_iter().flatten().for_each(Waker::wake);
    }
}

impl Wake for Router {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let targets = {
            let mut routes = lock(&self.routes);
            // Already passed on and not taken yet: its targets will poll.
            if std::mem::replace(&mut routes.woken, true) || routes.polling {
                return;
            }
            routes.targets()
        };
        targets.into_iter().flatten().for_each(Waker::wake);
    }
}
