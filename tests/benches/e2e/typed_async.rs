//! typed-imap's async client on a current-thread tokio runtime, through
//! the calls of the blocking contender (`stream`, `fetch_to`, `run`,
//! `pipeline`), with the same checks.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::AsyncWrite;
use tokio::runtime::Runtime;
use typed_imap::tokio::Client;
use typed_imap::types::{FetchItem, Section, SequenceSet};
use typed_imap::{Fetch, UidFetch};

use crate::contender::{BenchError, Contender, Outcome, Server};
use crate::typed::{
    check_body, check_large_written, check_metadata, check_own, expect_count, metadata_items,
};
use crate::workload::{LARGE_COUNT, SMALL_COUNT, UID_FETCHES};

/// The async client and the runtime its workloads run on.
pub struct TypedAsync {
    runtime: Runtime,
    imap: Client,
}

impl Contender for TypedAsync {
    fn open(server: &Server, mailbox: &str) -> Result<Self, BenchError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let imap = runtime.block_on(async {
            let imap = Client::connect("127.0.0.1", server.port).await?;
            imap.login(&server.user, &server.password).await?;
            imap.select(mailbox).await?;
            Ok::<_, typed_imap::Error>(imap)
        })?;
        Ok(TypedAsync { runtime, imap })
    }

    fn metadata(&mut self) -> Result<Outcome, BenchError> {
        let imap = &self.imap;
        self.runtime.block_on(async {
            let command = Fetch::new(SequenceSet::all()).items(metadata_items());
            let mut stream = imap.stream(command).await?;
            let mut count = 0;
            while let Some(fetched) = stream.next().await {
                count += 1;
                check_metadata(count, &fetched?)?;
            }
            expect_count("FETCH results", count, SMALL_COUNT)
        })
    }

    fn bodies(&mut self) -> Result<Outcome, BenchError> {
        let imap = &self.imap;
        self.runtime.block_on(async {
            let items = FetchItem::body_peek(Section::default());
            let mut stream = imap
                .stream(Fetch::new(SequenceSet::all()).items(items))
                .await?;
            let mut count = 0;
            while let Some(fetched) = stream.next().await {
                count += 1;
                check_body(count, &fetched?)?;
            }
            expect_count("FETCH results", count, SMALL_COUNT)
        })
    }

    fn large(&mut self) -> Result<Outcome, BenchError> {
        let imap = &self.imap;
        self.runtime.block_on(async {
            let items = FetchItem::body_peek(Section::default());
            let mut sink = Counting::default();
            let fetched = imap
                .fetch_to(Fetch::new(SequenceSet::all()).items(items), &mut sink)
                .await?;
            check_large_written(sink.written)?;
            expect_count("FETCH results", fetched.len() as u32, LARGE_COUNT)
        })
    }

    fn serial(&mut self) -> Result<Outcome, BenchError> {
        let imap = &self.imap;
        self.runtime.block_on(async {
            for uid in 1..=UID_FETCHES {
                let fetched = imap
                    .run(UidFetch::new(uid).items(FetchItem::flags()))
                    .await?;
                check_own(uid, &fetched)?;
            }
            expect_count("UID FETCH results", UID_FETCHES, UID_FETCHES)
        })
    }

    fn pipelined(&mut self) -> Result<Outcome, BenchError> {
        let imap = &self.imap;
        self.runtime.block_on(async {
            let commands =
                (1..=UID_FETCHES).map(|uid| UidFetch::new(uid).items(FetchItem::flags()));
            let results = imap.pipeline(commands).await?;
            for (uid, result) in (1..=UID_FETCHES).zip(&results) {
                let fetched = result
                    .as_ref()
                    .map_err(|e| format!("UID FETCH {uid}: {e}"))?;
                check_own(uid, fetched)?;
            }
            expect_count("UID FETCH results", results.len() as u32, UID_FETCHES)
        })
    }

    fn close(self: Box<Self>) -> Result<(), BenchError> {
        self.runtime.block_on(self.imap.logout())?;
        Ok(())
    }
}

/// An async sink that counts what it is given.
#[derive(Default)]
struct Counting {
    written: u64,
}

impl AsyncWrite for Counting {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.written += buf.len() as u64;
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
