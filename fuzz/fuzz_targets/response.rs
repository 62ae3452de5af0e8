//! The response parser (with the generated `Data` and `Code`) and the
//! structured primitives on arbitrary bytes:
//! errors are fine, panics and stack overflows are not.
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use typed_imap::codec::parse::{self, Limits, Parser};
use typed_imap::response::parse_response;

fuzz_target!(|data: &[u8]| {
    let frame = Bytes::copy_from_slice(data);
    let limits = Limits::default();
    let _ = parse_response(&frame, &limits);
    // The views over the offsets the parser recorded: every accessor
    // (through Debug and PartialEq) and the part numbering.
    if let Ok(body) = parse::body_structure(&mut Parser::new(&frame, &limits)) {
        let _ = format!("{body:?}");
        assert!(body == body.clone());
        for (_, part) in body.numbered_parts() {
            let _ = (
                part.params().get("NAME"),
                part.extension().map(|e| e.language().count()),
            );
        }
    }
    if let Ok(envelope) = parse::envelope(&mut Parser::new(&frame, &limits)) {
        let _ = format!("{envelope:?}");
        let _ = typed_imap::types::envelope::recipients(envelope.to());
    }
    let _ = parse::date_time(&mut Parser::new(&frame, &limits));
    let _ = parse::body_section(&mut Parser::new(&frame, &limits));
    let _ = parse::number_list(&mut Parser::new(&frame, &limits));
    let _ = parse::capabilities(&mut Parser::new(&frame, &limits));
    let _ = parse::delimiter(&mut Parser::new(&frame, &limits));
    let _ = parse::flag_list(&mut Parser::new(&frame, &limits));
    let _ = parse::mailbox(&mut Parser::new(&frame, &limits));
    let _ = parse::sequence_set(&mut Parser::new(&frame, &limits));
});
