//! The downstream path: a command and a response from this crate's own
//! spec, encoded and parsed by typed-imap's runtime.

use downstream_ext::{xfoo_data_from_raw, xfoolimit_code_from_raw, Xfoo, XfooSearchKeys};
use typed_imap::codec::encode::{to_bytes, EncodeOptions, Encoder, Fragment};
use typed_imap::codec::parse::Limits;
use typed_imap::command::{Command, Completed, State};
use typed_imap::response::{parse_response_as, Response, Status};
use typed_imap::types::SearchKey;
use typed_imap::{Bytes, Code, Data};

fn wire(command: &impl Command) -> Vec<u8> {
    let mut enc = Encoder::new(EncodeOptions::default());
    command.encode(&mut enc).expect("encodes");
    to_bytes(&enc.finish())
}

fn data(line: &'static [u8]) -> Data {
    let frame = Bytes::from_static(line);
    match parse_response_as::<Data, Code>(&frame, &Limits::default()).expect("parses") {
        Response::Data(data) => data,
        other => panic!("expected untagged data, got {other:?}"),
    }
}

#[test]
fn the_invented_command_has_its_wire_form() {
    assert_eq!(wire(&Xfoo::new("INBOX")), b"XFOO INBOX\r\n");
}

#[test]
fn an_optional_argument_is_written_after_its_prefix() {
    assert_eq!(
        wire(&Xfoo::new("Work/Projects").depth(2u32)),
        b"XFOO Work/Projects DEPTH 2\r\n"
    );
}

#[test]
fn a_mailbox_with_spaces_is_quoted_by_the_runtime() {
    assert_eq!(wire(&Xfoo::new("My Mail")), b"XFOO \"My Mail\"\r\n");
}

#[test]
fn the_command_declares_its_states_and_capability() {
    assert_eq!(Xfoo::NAME, "XFOO");
    assert_eq!(Xfoo::STATES, &[State::Authenticated, State::Selected]);
    assert_eq!(Xfoo::CAPABILITY, Some("XFOO"));
}

#[test]
fn the_response_reaches_the_runtime_as_raw_data_and_parses_here() {
    let Data::Other(raw) = data(b"* XFOO INBOX blue\r\n") else {
        panic!("an extension's response is Data::Other");
    };
    let colour = xfoo_data_from_raw(&raw).expect("an XFOO response");
    assert_eq!(colour.mailbox.as_str(), "INBOX");
    assert_eq!(colour.colour.as_ref(), b"blue");
}

#[test]
fn a_response_code_of_the_extension_parses_from_the_raw_code() {
    let frame = Bytes::from_static(b"A1 OK [XFOOLIMIT 50] done\r\n");
    let Response::Tagged { status, .. } =
        parse_response_as::<Data, Code>(&frame, &Limits::default()).expect("parses")
    else {
        panic!("a tagged response");
    };
    let Some(Code::Other(raw)) = status.code else {
        panic!("an extension's code is Code::Other");
    };
    assert_eq!(xfoolimit_code_from_raw(&raw).expect("parses"), 50);
}

#[test]
fn the_command_wants_its_response_and_assembles_its_output() {
    let response = data(b"* XFOO \"My Mail\" \"deep red\"\r\n");
    let unrelated = data(b"* 3 EXISTS\r\n");
    assert!(Xfoo::wants(&response));
    assert!(!Xfoo::wants(&unrelated));
    let done = Completed {
        status: Status::Ok,
        data: vec![response],
        codes: vec![],
    };
    let colours = Xfoo::output(done).expect("output");
    assert_eq!(colours.len(), 1);
    assert_eq!(colours[0].colour.as_ref(), b"deep red");
}

#[test]
fn a_malformed_response_is_an_error_not_a_panic() {
    let done = Completed {
        status: Status::Ok,
        data: vec![data(b"* XFOO INBOX\r\n")],
        codes: vec![],
    };
    assert!(Xfoo::output(done).is_err());
}

#[test]
fn a_search_key_of_the_extension_is_a_trait_constructor() {
    let key = SearchKey::colour("blue");
    let mut enc = Encoder::new(EncodeOptions::default());
    typed_imap::codec::encode::search_key(&mut enc, &key).expect("encodes");
    let fragments = enc.finish();
    assert_eq!(
        fragments,
        vec![Fragment::Line(b"XCOLOUR blue\r\n".to_vec())]
    );
}
