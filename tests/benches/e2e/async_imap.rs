//! The async-imap crate (0.12, tokio), the established async IMAP client
//! of Rust, as a user would call it: `fetch` and `uid_fetch`, whose
//! results are streams of parsed responses, checked as typed-imap's are.
//!
//! It cannot do the pipelined workload: each of its methods takes the
//! session by `&mut` and waits for the command's completion. It does the
//! large one with every body in memory: it has no way to hand a literal
//! out in chunks.

use std::pin::pin;

use async_imap::types::{Fetch, Flag};
use async_imap::Session;
use futures_core::Stream;
use tokio::net::TcpStream;
use tokio::runtime::Runtime;

use crate::contender::{BenchError, Contender, Outcome, Server};
use crate::typed::{check_large_written, expect_count, whole_small_body};
use crate::workload::{flags_of, LARGE_COUNT, SMALL_COUNT, UID_FETCHES};
use typed_imap_tests::maildir::SystemFlag;

/// An async-imap session and the runtime its workloads run on.
pub struct AsyncImap {
    runtime: Runtime,
    session: Session<TcpStream>,
}

/// The next item of a stream.
async fn next<S: Stream>(mut stream: std::pin::Pin<&mut S>) -> Option<S::Item> {
    std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)).await
}

/// Every result of a FETCH, each checked by `check` with its position
/// (from 1); returns how many came.
async fn each_fetched(
    stream: impl Stream<Item = async_imap::error::Result<Fetch>>,
    mut check: impl FnMut(u32, &Fetch) -> Result<(), BenchError>,
) -> Result<u32, BenchError> {
    let mut stream = pin!(stream);
    let mut count = 0;
    while let Some(fetched) = next(stream.as_mut()).await {
        count += 1;
        check(count, &fetched?)?;
    }
    Ok(count)
}

impl Contender for AsyncImap {
    fn open(server: &Server, mailbox: &str) -> Result<Self, BenchError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let session = runtime.block_on(async {
            let tcp = TcpStream::connect(("127.0.0.1", server.port)).await?;
            tcp.set_nodelay(true)?;
            let mut client = async_imap::Client::new(tcp);
            client
                .read_response()
                .await?
                .ok_or("the server closed before its greeting")?;
            let mut session = client
                .login(&server.user, &server.password)
                .await
                .map_err(|(error, _)| error)?;
            session.select(mailbox).await?;
            Ok::<_, BenchError>(session)
        })?;
        Ok(AsyncImap { runtime, session })
    }

    fn metadata(&mut self) -> Result<Outcome, BenchError> {
        let session = &mut self.session;
        self.runtime.block_on(async {
            let stream = session
                .fetch(
                    "1:*",
                    "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)",
                )
                .await?;
            let count = each_fetched(stream, |count, fetched| {
                let complete = fetched.envelope().is_some()
                    && fetched.bodystructure().is_some()
                    && fetched.internal_date().is_some()
                    && fetched.size.is_some();
                if fetched.message == count && fetched.uid == Some(count) && complete {
                    Ok(())
                } else {
                    Err(format!("message {count}: unexpected {fetched:?}").into())
                }
            })
            .await?;
            expect_count("FETCH results", count, SMALL_COUNT)
        })
    }

    fn bodies(&mut self) -> Result<Outcome, BenchError> {
        let session = &mut self.session;
        self.runtime.block_on(async {
            let stream = session.fetch("1:*", "(BODY.PEEK[])").await?;
            let count = each_fetched(stream, |count, fetched| {
                let whole = fetched
                    .body()
                    .map(<[u8]>::len)
                    .is_some_and(whole_small_body);
                if fetched.message == count && whole {
                    Ok(())
                } else {
                    Err(format!("message {count}: no whole body").into())
                }
            })
            .await?;
            expect_count("FETCH results", count, SMALL_COUNT)
        })
    }

    fn large(&mut self) -> Result<Outcome, BenchError> {
        let session = &mut self.session;
        self.runtime.block_on(async {
            let stream = session.fetch("1:*", "(BODY.PEEK[])").await?;
            let mut written = 0;
            let count = each_fetched(stream, |_, fetched| {
                written += fetched.body().map_or(0, <[u8]>::len) as u64;
                Ok(())
            })
            .await?;
            check_large_written(written)?;
            expect_count("FETCH results", count, LARGE_COUNT)
        })
    }

    fn serial(&mut self) -> Result<Outcome, BenchError> {
        let session = &mut self.session;
        self.runtime.block_on(async {
            for uid in 1..=UID_FETCHES {
                let stream = session.uid_fetch(uid.to_string(), "(FLAGS)").await?;
                let count = each_fetched(stream, |_, fetched| check_own(uid, fetched)).await?;
                if count != 1 {
                    return Err(format!("UID FETCH {uid}: {count} results").into());
                }
            }
            expect_count("UID FETCH results", UID_FETCHES, UID_FETCHES)
        })
    }

    fn close(mut self: Box<Self>) -> Result<(), BenchError> {
        self.runtime.block_on(self.session.logout())?;
        Ok(())
    }
}

/// Whether a UID FETCH result is message `uid` with its flags.
fn check_own(uid: u32, fetched: &Fetch) -> Result<(), BenchError> {
    let expected = flags_of(uid);
    let mut flags: Vec<Option<SystemFlag>> = fetched
        .flags()
        .filter(|flag| *flag != Flag::Recent)
        .map(system_flag)
        .collect();
    flags.sort();
    let mut wanted: Vec<Option<SystemFlag>> = expected.iter().copied().map(Some).collect();
    wanted.sort();
    if fetched.uid == Some(uid) && flags == wanted {
        Ok(())
    } else {
        Err(format!("UID FETCH {uid} (flags {expected:?}) gave {fetched:?}").into())
    }
}

/// The Maildir flag of an IMAP system flag; `None` for any other.
fn system_flag(flag: Flag<'_>) -> Option<SystemFlag> {
    match flag {
        Flag::Seen => Some(SystemFlag::Seen),
        Flag::Answered => Some(SystemFlag::Answered),
        Flag::Flagged => Some(SystemFlag::Flagged),
        Flag::Deleted => Some(SystemFlag::Deleted),
        Flag::Draft => Some(SystemFlag::Draft),
        _ => None,
    }
}
