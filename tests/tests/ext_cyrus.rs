//! Extensions tested against Cyrus, the server that has them.

use typed_imap::blocking::Client;
use typed_imap::codec::encode::{to_bytes, EncodeOptions, Encoder};
use typed_imap::command::Command;
use typed_imap::{Error, Proxyauth};
use typed_imap_tests::cyrus::{Cyrus, ADMIN};

fn login(server: &Cyrus, user: &str) -> Client {
    let mut imap = Client::connect("127.0.0.1", server.addr().port()).unwrap();
    imap.login(user, &server.user(user).unwrap().password)
        .unwrap();
    imap
}

#[test]
fn proxyauth_writes_the_user_as_an_astring() {
    let mut enc = Encoder::new(EncodeOptions::default());
    Proxyauth::new("a user").encode(&mut enc).unwrap();
    assert_eq!(to_bytes(&enc.finish()), b"PROXYAUTH \"a user\"\r\n");
}

#[test]
fn proxyauth_on_cyrus_3_is_a_typed_bad() {
    // Cyrus 3.6 dropped the command (even with `proxyservers` set): the
    // typed error names it and keeps the server's text.
    let server = Cyrus::start().unwrap();
    let mut imap = login(&server, ADMIN);
    match imap.proxyauth("alice") {
        Err(Error::Bad { command, text, .. }) => {
            assert_eq!(command, "PROXYAUTH");
            assert!(text.contains("Unrecognized"), "{text}");
        }
        other => panic!("expected BAD, got {other:?}"),
    }
    imap.run(typed_imap::Noop::new()).unwrap();
}
