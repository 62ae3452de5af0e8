//! The framer on arbitrary bytes, delivered in arbitrary pieces: it must
//! never panic, and the frames it hands out must be the input, in order,
//! whatever the split. Every frame then goes through the response parser.
#![no_main]

use libfuzzer_sys::fuzz_target;
use typed_imap::codec::frame::Framer;
use typed_imap::codec::parse::Limits;
use typed_imap::response::parse_response;

fuzz_target!(|data: &[u8]| {
    let Some((&split, input)) = data.split_first() else {
        return;
    };
    // Small limits so that every limit is reached by some inputs.
    let limits = Limits {
        max_line: 256,
        max_literal: 512,
        max_depth: 8,
        max_literals: 16,
        max_response: 2048,
    };
    let step = usize::from(split % 16) + 1;
    let mut framer = Framer::new(limits.clone());
    let mut framed = Vec::new();
    for piece in input.chunks(step) {
        framer.push(piece);
        loop {
            match framer.next_frame() {
                Ok(Some(frame)) => {
                    let _ = parse_response(&frame, &limits);
                    framed.extend_from_slice(&frame);
                }
                Ok(None) => break,
                Err(_) => return,
            }
        }
    }
    assert!(
        input.starts_with(&framed),
        "frames must be the input, in order"
    );
});
