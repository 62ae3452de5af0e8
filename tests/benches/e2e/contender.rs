//! The clients measured, and **the place to add one**.
//!
//! A contender is a type implementing [`Contender`]: `open` connects, logs
//! in and selects (not timed); each workload is one method, timed by the
//! child process around the call; `close` logs out (not timed). A
//! workload a contender cannot do keeps the default body, which says so:
//! the parent then leaves that contender out of that workload's table.
//!
//! To add one (mbsync for a backup workload, another crate):
//! 1. write a module with a type implementing [`Contender`] (an async
//!    client keeps its runtime in the type and blocks on each workload; a
//!    program such as mbsync can do its connecting inside the workload, so
//!    that it is timed, and leave `open` empty);
//! 2. give it a name in [`NAMES`] and an arm in [`open`];
//! 3. for a new workload, add a variant to `Workload`, a method here
//!    with the default body, and its arm in [`run`].
//!
//! The ratios in the report are each contender's time over the limit's.

use std::error::Error;

use crate::workload::Workload;

/// What a contender's errors are: anything, reported by the child and
/// failing the bench.
pub type BenchError = Box<dyn Error + Send + Sync>;

/// Where and as whom to connect.
#[derive(Clone, Debug)]
pub struct Server {
    /// The plain IMAP port on 127.0.0.1.
    pub port: u16,
    /// The login name.
    pub user: String,
    /// The password.
    pub password: String,
}

/// What one workload gave, beside its time. A contender checks its
/// results itself and returns an error when they are wrong.
#[derive(Clone, Copy, Debug, Default)]
pub struct Outcome {
    /// Items received: FETCH results for a typed client, tagged
    /// completions for the limit.
    pub items: u64,
    /// Bytes read from the socket, when the contender can count them.
    pub received: Option<u64>,
}

/// One client measured by the bench.
pub trait Contender {
    /// Connects to `server` over plain TCP, logs in and selects `mailbox`.
    fn open(server: &Server, mailbox: &str) -> Result<Self, BenchError>
    where
        Self: Sized;

    /// [`Workload::Metadata`].
    fn metadata(&mut self) -> Result<Outcome, BenchError> {
        Err(unsupported(Workload::Metadata))
    }

    /// [`Workload::Bodies`].
    fn bodies(&mut self) -> Result<Outcome, BenchError> {
        Err(unsupported(Workload::Bodies))
    }

    /// [`Workload::Large`].
    fn large(&mut self) -> Result<Outcome, BenchError> {
        Err(unsupported(Workload::Large))
    }

    /// [`Workload::Serial`].
    fn serial(&mut self) -> Result<Outcome, BenchError> {
        Err(unsupported(Workload::Serial))
    }

    /// [`Workload::Pipelined`].
    fn pipelined(&mut self) -> Result<Outcome, BenchError> {
        Err(unsupported(Workload::Pipelined))
    }

    /// Logs out.
    fn close(self: Box<Self>) -> Result<(), BenchError>;
}

/// The error of a workload a contender does not implement; the child
/// reports it as such and the parent skips the pair.
pub fn unsupported(workload: Workload) -> BenchError {
    format!("{UNSUPPORTED} {}", workload.name()).into()
}

/// How an unsupported workload's error starts.
pub const UNSUPPORTED: &str = "unsupported workload";

/// The contender whose ratios to [`LIMIT`] are reported.
pub const OURS: &str = "typed-imap";

/// typed-imap's async client, compared with [`OURS`] and [`ASYNC_IMAP`].
pub const OURS_ASYNC: &str = "typed-async";

/// The async-imap crate.
pub const ASYNC_IMAP: &str = "async-imap";

/// The raw byte-counting client: the ratios' denominator.
pub const LIMIT: &str = "limit";

/// Every contender, in the order they take turns.
pub const NAMES: &[&str] = &[LIMIT, OURS, OURS_ASYNC, ASYNC_IMAP];

/// Opens the contender named `name` on `mailbox` (connected, logged in,
/// the mailbox selected).
pub fn open(name: &str, server: &Server, mailbox: &str) -> Result<Box<dyn Contender>, BenchError> {
    Ok(match name {
        LIMIT => Box::new(crate::limit::Limit::open(server, mailbox)?),
        OURS => Box::new(crate::typed::Typed::open(server, mailbox)?),
        OURS_ASYNC => Box::new(crate::typed_async::TypedAsync::open(server, mailbox)?),
        ASYNC_IMAP => Box::new(crate::async_imap::AsyncImap::open(server, mailbox)?),
        other => return Err(format!("no contender named {other:?} (known: {NAMES:?})").into()),
    })
}

/// Runs `workload` with `contender`: the method of that workload.
pub fn run(contender: &mut dyn Contender, workload: Workload) -> Result<Outcome, BenchError> {
    match workload {
        Workload::Metadata => contender.metadata(),
        Workload::Bodies => contender.bodies(),
        Workload::Large => contender.large(),
        Workload::Serial => contender.serial(),
        Workload::Pipelined => contender.pipelined(),
    }
}
