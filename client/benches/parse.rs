//! Parsing throughput, side by side with imap-proto and imap-codec on the
//! same bytes (issue 3): (a) 10k FETCH responses with ENVELOPE,
//! BODYSTRUCTURE, FLAGS, UID, INTERNALDATE and RFC822.SIZE; (b) 1000 FETCH
//! BODY[] responses of 64 KiB, with a memcpy of the same bytes as the
//! baseline; (c) one SEARCH response of 100k and of 1M numbers.
//!
//! typed-imap parses with the full `parse_response` (the generated
//! `Data::Fetch` and `Code` included). Each typed-imap measurement starts from the raw byte stream: it pushes
//! the bytes into a `Framer` in 64 KiB reads (the one copy a client makes,
//! from the socket's buffer into its own), splits the frames and parses
//! every response. The peers parse the same stream from one slice already
//! in memory, so they are spared that copy. Run with `cargo xtask bench` or `cargo bench -p typed-imap`.

use std::hint::black_box;
use std::time::Duration;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use typed_imap::codec::frame::Framer;
use typed_imap::codec::parse::{self, Limits, ParseError, Parser};
use typed_imap::response::{parse_response, Response};
use typed_imap::{Data, Fetched};

mod shared;
use shared::{fetch_stream, imap_codec_all, imap_proto_all};

/// (b) `count` FETCH BODY[] responses of `size` bytes each (text lines,
/// no NUL).
fn body_stream(count: u32, size: usize) -> Vec<u8> {
    let line = b"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do.\r\n";
    let body: Vec<u8> = line.iter().copied().cycle().take(size).collect();
    let mut out = Vec::with_capacity(count as usize * (size + 64));
    for i in 1..=count {
        out.extend_from_slice(format!("* {i} FETCH (UID {i} BODY[] {{{size}}}\r\n").as_bytes());
        out.extend_from_slice(&body);
        out.extend_from_slice(b")\r\n");
    }
    out
}

/// (c) one SEARCH response with `count` numbers.
fn search_stream(count: u32) -> Vec<u8> {
    let mut out = b"* SEARCH".to_vec();
    for i in 1..=count {
        out.extend_from_slice(format!(" {i}").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out
}

fn limits() -> Limits {
    Limits {
        max_line: 64 << 20,
        ..Limits::default()
    }
}

/// What one read from a socket typically returns.
const READ_SIZE: usize = 64 * 1024;

/// Feeds `input` to a framer in reads of `READ_SIZE` bytes, as a socket
/// would, and calls `parse` on every frame as soon as it is complete;
/// returns the count. The framer's buffer is reused once the frames in it
/// are dropped, as in a real session.
fn frame_all(
    input: &[u8],
    limits: &Limits,
    mut parse: impl FnMut(&Bytes) -> Result<(), ParseError>,
) -> usize {
    let mut framer = Framer::new(limits.clone());
    let mut count = 0;
    for read in input.chunks(READ_SIZE) {
        framer.push(read);
        while let Some(frame) = framer.next_frame().expect("valid stream") {
            parse(&frame).expect("valid response");
            count += 1;
        }
    }
    assert!(!framer.is_mid_response());
    count
}

/// A FETCH response through the full `parse_response`, generated
/// `Data::Fetch` included.
fn fetch(frame: &Bytes, limits: &Limits) -> Result<Fetched, ParseError> {
    match parse_response(frame, limits)? {
        Response::Data(Data::Fetch(fetched)) => Ok(fetched),
        other => panic!("expected FETCH data, got {other:?}"),
    }
}

fn configure(c: &mut Criterion) -> &mut Criterion {
    c
}

fn fetch_headers(c: &mut Criterion) {
    let input = fetch_stream(10_000);
    let limits = limits();
    assert_eq!(imap_proto_all(&input), 10_000);
    assert_eq!(imap_codec_all(&input), 10_000);
    let mut group = configure(c).benchmark_group("a_fetch_10k_headers");
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function("typed-imap", |b| {
        b.iter(|| {
            frame_all(&input, &limits, |frame| {
                black_box(fetch(frame, &limits)?);
                Ok(())
            })
        })
    });
    group.bench_function("imap-proto", |b| b.iter(|| imap_proto_all(&input)));
    group.bench_function("imap-codec", |b| b.iter(|| imap_codec_all(&input)));
    group.finish();
}

fn fetch_bodies(c: &mut Criterion) {
    let input = body_stream(1000, 64 * 1024);
    let limits = limits();
    let mut group = configure(c).benchmark_group("b_fetch_1000_bodies_64k");
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function("memcpy", |b| {
        let mut dst = vec![0u8; input.len()];
        b.iter(|| {
            dst.copy_from_slice(black_box(&input));
            black_box(&dst);
        })
    });
    // The copy a client cannot avoid, made the way the framer receives
    // the bytes: 64 KiB reads into a buffer that is reused.
    group.bench_function("memcpy-64k-reads", |b| {
        let mut dst = vec![0u8; READ_SIZE];
        b.iter(|| {
            for read in black_box(&input).chunks(READ_SIZE) {
                let n = read.len();
                dst[..n].copy_from_slice(read);
                black_box(&dst);
            }
        })
    });
    group.bench_function("typed-imap", |b| {
        b.iter(|| {
            frame_all(&input, &limits, |frame| {
                black_box(fetch(frame, &limits)?);
                Ok(())
            })
        })
    });
    group.bench_function("imap-proto", |b| b.iter(|| imap_proto_all(&input)));
    group.bench_function("imap-codec", |b| b.iter(|| imap_codec_all(&input)));
    group.finish();
}

fn search(c: &mut Criterion) {
    let limits = limits();
    let mut group = configure(c).benchmark_group("c_search");
    for count in [100_000u32, 1_000_000] {
        let input = search_stream(count);
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_with_input(BenchmarkId::new("typed-imap", count), &input, |b, input| {
            b.iter(|| {
                frame_all(input, &limits, |frame| {
                    let mut p = Parser::new(frame, &limits);
                    p.expect("* SEARCH")?;
                    let numbers = parse::number_list(&mut p)?;
                    p.finish()?;
                    black_box(numbers);
                    Ok(())
                })
            })
        });
        group.bench_with_input(BenchmarkId::new("imap-proto", count), &input, |b, input| {
            b.iter(|| imap_proto_all(input))
        });
        group.bench_with_input(BenchmarkId::new("imap-codec", count), &input, |b, input| {
            b.iter(|| imap_codec_all(input))
        });
    }
    group.finish();
}

/// The framework alone (status responses), so a regression there shows.
fn status_lines(c: &mut Criterion) {
    let mut input = Vec::new();
    for i in 0..10_000 {
        input.extend_from_slice(
            format!("A{i} OK [UIDNEXT {}] FETCH completed\r\n", i + 1).as_bytes(),
        );
    }
    let limits = limits();
    let mut group = configure(c).benchmark_group("status_10k");
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function("typed-imap", |b| {
        b.iter(|| {
            frame_all(&input, &limits, |frame| {
                let response: Response = parse_response(frame, &limits)?;
                black_box(response);
                Ok(())
            })
        })
    });
    group.bench_function("imap-proto", |b| b.iter(|| imap_proto_all(&input)));
    group.bench_function("imap-codec", |b| b.iter(|| imap_codec_all(&input)));
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = fetch_headers, fetch_bodies, search, status_lines
}
criterion_main!(benches);
