//! The framer on arbitrary bytes, delivered in arbitrary pieces: it must
//! never panic, and the frames it hands out must be the input, in order,
//! whatever the split; where a response's last line ends in a bare LF, the
//! frame may have CRLF in its place (quirk `bare_lf_line_end`). Every frame
//! then goes through the response parser.
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
    let mut consumed = 0;
    for piece in input.chunks(step) {
        framer.push(piece);
        loop {
            match framer.next_frame() {
                Ok(Some(frame)) => {
                    let _ = parse_response(&frame, &limits);
                    consumed += sent_length(&input[consumed..], &frame);
                }
                Ok(None) => break,
                Err(_) => return,
            }
        }
    }
});

/// How many bytes of `rest` (the input not framed yet) `frame` stands for:
/// the frame itself, or the frame with its final CRLF sent as a bare LF.
fn sent_length(rest: &[u8], frame: &[u8]) -> usize {
    if rest.starts_with(frame) {
        assert!(frame.ends_with(b"\n"), "a frame must end a line");
        return frame.len();
    }
    assert!(
        frame.ends_with(b"\r\n"),
        "frames must be the input, in order"
    );
    let line_end = frame.len() - 2;
    assert!(
        rest.get(..line_end) == frame.get(..line_end) && rest.get(line_end) == Some(&b'\n'),
        "frames must be the input, in order"
    );
    line_end + 1
}
