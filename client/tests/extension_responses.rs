//! The response side of the extensions of issue 16 (message data,
//! mailboxes, search, Gmail), parsed from the lines their RFCs and the
//! servers send: one test per choice the RFC leaves to the server.

use typed_imap::codec::parse::Limits;
use typed_imap::command::{Command, Completed};
use typed_imap::response::{parse_response_as, Response, Status};
use typed_imap::{Bytes, Code, Data};

fn response(line: &'static [u8]) -> Response<Data, Code> {
    parse_response_as::<Data, Code>(&Bytes::from_static(line), &Limits::default()).expect("parses")
}

fn data(line: &'static [u8]) -> Data {
    match response(line) {
        Response::Data(data) => data,
        other => panic!("expected untagged data, got {other:?}"),
    }
}

#[allow(dead_code)]
fn code(line: &'static [u8]) -> Code {
    match response(line) {
        Response::Status(status) | Response::Tagged { status, .. } => status.code.expect("a code"),
        other => panic!("expected a status response, got {other:?}"),
    }
}

/// What a command returns from these untagged responses and a tagged OK.
fn output<C: Command>(data: Vec<Data>) -> C::Output {
    assert!(data.iter().all(C::wants), "the command takes its data");
    C::output(Completed {
        status: Status::Ok,
        data,
        codes: Vec::new(),
    })
    .expect("output")
}

/// STATUS=SIZE's value is a 63-bit number (RFC 8438 section 3): a mailbox
/// over 4 GiB still reads.
#[test]
fn a_status_size_is_a_63_bit_number() {
    let status = output::<typed_imap::Status>(vec![data(
        b"* STATUS INBOX (MESSAGES 2 SIZE 12345678901)\r\n",
    )]);
    assert_eq!(status.attributes.size, Some(12_345_678_901));
    assert_eq!(status.attributes.messages, Some(2));
}
