//! A TCP proxy on 127.0.0.1 that cuts connections part-way through a
//! server's answer.
//!
//! ```no_run
//! use typed_imap_tests::dovecot::Dovecot;
//! use typed_imap_tests::proxy::CutProxy;
//!
//! let server = Dovecot::start()?;
//! // Count the server's bytes from the client's FETCH on; close after 100.
//! let proxy = CutProxy::start(server.plain_addr(), " FETCH ")?;
//! proxy.cut_after(Some(100));
//! let addr = proxy.addr(); // connect the client here
//! # let _ = addr;
//! # Ok::<(), typed_imap_tests::HarnessError>(())
//! ```
//!
//! Each accepted connection is forwarded to the upstream server, both ways,
//! by two threads. Once the client has sent the trigger (a command name),
//! the server's bytes are counted; when the limit set for that connection
//! is reached, the proxy writes exactly that many of them and closes both
//! sides. The bytes it let through after the trigger on the latest
//! connection are kept: what the client received of the answer; and so is
//! everything the client sent on it, to show what went on the wire.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};

use crate::{HarnessError, Result};

/// How much one read forwards at most.
const CHUNK: usize = 16 * 1024;

/// A running proxy. Dropping it stops accepting; a connection still open
/// ends when either of its sides closes.
pub struct CutProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for CutProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CutProxy")
            .field("addr", &self.addr)
            .field("upstream", &self.shared.upstream)
            .finish_non_exhaustive()
    }
}

/// What the accepting thread and the connections share with the proxy.
struct Shared {
    upstream: SocketAddr,
    trigger: Vec<u8>,
    /// The limit for connections accepted from now on.
    limit: Mutex<Option<usize>>,
    /// The server bytes let through after the trigger on the latest
    /// connection (each connection has its own).
    passed: Mutex<Arc<Mutex<Vec<u8>>>>,
    /// Every byte the client sent on the latest connection.
    sent: Mutex<Arc<Mutex<Vec<u8>>>>,
    stop: AtomicBool,
}

impl CutProxy {
    /// Listens on a free port of 127.0.0.1 and forwards to `upstream`,
    /// counting the server's bytes once the client has sent `trigger`
    /// (`" FETCH "`: from the FETCH command on). No connection is cut until
    /// [`cut_after`](Self::cut_after) sets a limit.
    pub fn start(upstream: SocketAddr, trigger: &str) -> Result<CutProxy> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .map_err(|e| HarnessError::io("bind a free port on 127.0.0.1", e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| HarnessError::io("read the proxy's address", e))?;
        let shared = Arc::new(Shared {
            upstream,
            trigger: trigger.as_bytes().to_vec(),
            limit: Mutex::new(None),
            passed: Mutex::default(),
            sent: Mutex::default(),
            stop: AtomicBool::new(false),
        });
        let accepting = Arc::clone(&shared);
        let accept = thread::Builder::new()
            .name(format!("cut-proxy-{}", addr.port()))
            .spawn(move || accept_loop(&listener, &accepting))
            .map_err(|e| HarnessError::io("start the proxy thread", e))?;
        Ok(CutProxy {
            addr,
            shared,
            accept: Some(accept),
        })
    }

    /// The address clients connect to (127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Connections accepted from now on are closed after `limit` bytes from
    /// the server counted from the trigger; `None`: never.
    pub fn cut_after(&self, limit: Option<usize>) {
        *lock(&self.shared.limit) = limit;
    }

    /// The server bytes let through after the trigger on the latest
    /// connection so far: what its client received of the answer (all of
    /// it on a connection not cut). Kept before they are written, so a
    /// client that has read them finds them here.
    pub fn passed(&self) -> Vec<u8> {
        let latest = Arc::clone(&lock(&self.shared.passed));
        let passed = lock(&latest).clone();
        passed
    }

    /// Every byte the client sent on the latest connection so far
    /// (recorded before it is forwarded).
    pub fn sent(&self) -> Vec<u8> {
        let latest = Arc::clone(&lock(&self.shared.sent));
        let sent = lock(&latest).clone();
        sent
    }
}

impl Drop for CutProxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wakes the blocking accept; it sees the stop flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned lock only means a forwarding thread panicked.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for client in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(client) = client else { continue };
        // An upstream that refuses: the client sees its connection closed.
        let Ok(server) = TcpStream::connect(shared.upstream) else {
            continue;
        };
        if let Err(error) = Connection::open(client, server, shared).and_then(Connection::run) {
            eprintln!("typed-imap-tests: proxy connection failed: {error}");
        }
    }
}

/// One proxied connection: its two sockets and its state.
struct Connection {
    client: TcpStream,
    server: TcpStream,
    state: Arc<State>,
}

/// What the two directions of one connection share.
struct State {
    trigger: Vec<u8>,
    limit: Option<usize>,
    /// Set once the client has sent the trigger.
    armed: AtomicBool,
    passed: Arc<Mutex<Vec<u8>>>,
    sent: Arc<Mutex<Vec<u8>>>,
}

impl Connection {
    fn open(client: TcpStream, server: TcpStream, shared: &Shared) -> io::Result<Self> {
        client.set_nodelay(true)?;
        server.set_nodelay(true)?;
        let passed = Arc::default();
        *lock(&shared.passed) = Arc::clone(&passed);
        let sent = Arc::default();
        *lock(&shared.sent) = Arc::clone(&sent);
        let state = Arc::new(State {
            trigger: shared.trigger.clone(),
            limit: *lock(&shared.limit),
            armed: AtomicBool::new(false),
            passed,
            sent,
        });
        Ok(Connection {
            client,
            server,
            state,
        })
    }

    /// Starts the two forwarding threads.
    fn run(self) -> io::Result<()> {
        let upward = Forward {
            from: self.client.try_clone()?,
            to: self.server.try_clone()?,
            state: Arc::clone(&self.state),
        };
        let downward = Forward {
            from: self.server,
            to: self.client,
            state: self.state,
        };
        thread::Builder::new().spawn(move || upward.client_to_server())?;
        thread::Builder::new().spawn(move || downward.server_to_client())?;
        Ok(())
    }
}

/// One direction of a connection.
struct Forward {
    from: TcpStream,
    to: TcpStream,
    state: Arc<State>,
}

impl Forward {
    /// Forwards the client's bytes, arming the cut once the trigger has
    /// passed (before it reaches the server, so that every byte of the
    /// answer is counted).
    fn client_to_server(mut self) {
        let mut buffer = vec![0; CHUNK];
        // The tail of what came before, for a trigger split across reads.
        let mut window: Vec<u8> = Vec::new();
        while let Ok(n @ 1..) = self.from.read(&mut buffer) {
            let chunk = &buffer[..n];
            lock(&self.state.sent).extend_from_slice(chunk);
            if !self.state.armed.load(Ordering::SeqCst) {
                window.extend_from_slice(chunk);
                if contains(&window, &self.state.trigger) {
                    self.state.armed.store(true, Ordering::SeqCst);
                }
                let keep = self.state.trigger.len().saturating_sub(1);
                window.drain(..window.len().saturating_sub(keep));
            }
            if self.to.write_all(chunk).is_err() {
                break;
            }
        }
        self.close();
    }

    /// Forwards the server's bytes, counting them once armed and closing
    /// both sides when the limit is reached.
    fn server_to_client(mut self) {
        let mut buffer = vec![0; CHUNK];
        while let Ok(n @ 1..) = self.from.read(&mut buffer) {
            let mut chunk = &buffer[..n];
            let mut cut = false;
            if self.state.armed.load(Ordering::SeqCst) {
                let mut passed = lock(&self.state.passed);
                if let Some(limit) = self.state.limit {
                    let allowed = limit.saturating_sub(passed.len());
                    if chunk.len() >= allowed {
                        chunk = &chunk[..allowed];
                        cut = true;
                    }
                }
                passed.extend_from_slice(chunk);
            }
            if self.to.write_all(chunk).is_err() || cut {
                break;
            }
        }
        self.close();
    }

    /// Closes both sockets of the connection: the other direction's read
    /// ends too.
    fn close(self) {
        let _ = self.to.shutdown(Shutdown::Both);
        let _ = self.from.shutdown(Shutdown::Both);
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}
