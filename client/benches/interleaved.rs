//! Bench (a) of `parse`, measured the way a noisy machine needs: the three
//! parsers take turns, round after round, so drift in the machine's speed
//! hits them alike; each one's best and mean round are reported with
//! typed-imap's ratio to the peers. Criterion measures them one after the
//! other for seconds each, and on a shared VM that drift lands in its
//! ratios (docs/performance.md).
//!
//! `cargo bench -p typed-imap --bench interleaved [rounds]` (default 30).

use std::hint::black_box;
use std::time::{Duration, Instant};

use typed_imap::codec::frame::Framer;
use typed_imap::codec::parse::Limits;
use typed_imap::response::{parse_response, Response};
use typed_imap::Data;

mod shared;

/// What one socket read typically returns, as in `parse`.
const READ_SIZE: usize = 64 * 1024;

/// Frames and parses the stream as a client does; the number of FETCH
/// responses.
fn typed_imap(input: &[u8], limits: &Limits) -> usize {
    let mut framer = Framer::new(limits.clone());
    let mut count = 0;
    for read in input.chunks(READ_SIZE) {
        framer.push(read);
        while let Some(frame) = framer.next_frame().expect("valid stream") {
            match parse_response(&frame, limits).expect("valid response") {
                Response::Data(Data::Fetch(fetched)) => black_box(fetched),
                other => panic!("expected FETCH data, got {other:?}"),
            };
            count += 1;
        }
    }
    count
}

/// The best and the total of a parser's rounds.
#[derive(Default)]
struct Rounds {
    best: Option<Duration>,
    total: Duration,
}

impl Rounds {
    fn time(&mut self, run: impl FnOnce() -> usize, expected: usize) {
        let start = Instant::now();
        assert_eq!(run(), expected);
        let took = start.elapsed();
        self.best = Some(self.best.map_or(took, |best| best.min(took)));
        self.total += took;
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a number among the arguments is the
    // round count.
    let rounds: u32 = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(30);
    let count = 10_000;
    let input = shared::fetch_stream(count);
    let limits = Limits {
        max_line: 64 << 20,
        ..Limits::default()
    };
    let expected = count as usize;
    let (mut ours, mut proto, mut codec) =
        (Rounds::default(), Rounds::default(), Rounds::default());
    for _ in 0..rounds {
        ours.time(|| typed_imap(&input, &limits), expected);
        proto.time(|| shared::imap_proto_all(&input), expected);
        codec.time(|| shared::imap_codec_all(&input), expected);
    }
    let mb = input.len() as f64 / 1e6;
    let report = |what: &str, pick: &dyn Fn(&Rounds) -> f64| {
        let (a, b, c) = (pick(&ours), pick(&proto), pick(&codec));
        println!(
            "a_fetch_10k_headers, {what} of {rounds} rounds: typed-imap {:.1} MB/s, \
             imap-proto {:.1}, imap-codec {:.1}: x{:.2} and x{:.2}",
            mb / a,
            mb / b,
            mb / c,
            b / a,
            c / a
        );
    };
    report("best", &|r| r.best.unwrap_or_default().as_secs_f64());
    report("mean", &|r| r.total.as_secs_f64() / f64::from(rounds));
}
