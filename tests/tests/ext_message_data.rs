//! Extensions that add message and mailbox data (RFC 8970 PREVIEW, RFC
//! 8474 OBJECTID, RFC 8438 STATUS=SIZE), each from its own spec file, end
//! to end against the servers here that advertise them (Dovecot, Cyrus).
//!
//! Each behaviour is a function of a logged-in client, so that the same
//! check runs against every server that has the extension.

use typed_imap::blocking::Client;
use typed_imap::types::{FetchItem, SequenceSet, StatusItem};
use typed_imap::Select;
use typed_imap_tests::client::logged_in;
use typed_imap_tests::cyrus::Cyrus;
use typed_imap_tests::dovecot::Dovecot;
use typed_imap_tests::messages::sample_message;

/// alice on a Cyrus started with `extra_conf`, her INBOX holding the
/// sample messages `sizes` long.
fn cyrus_with(extra_conf: &str, sizes: &[usize]) -> (Cyrus, Client) {
    let server = Cyrus::start_with(extra_conf).unwrap();
    let mut imap = Client::connect("127.0.0.1", server.addr().port()).unwrap();
    imap.login("alice", &server.user("alice").unwrap().password)
        .unwrap();
    for (n, size) in sizes.iter().enumerate() {
        imap.append("INBOX", sample_message(n, *size)).unwrap();
    }
    (server, imap)
}

/// alice on a Dovecot, her INBOX holding the sample messages `sizes` long.
fn dovecot_with(sizes: &[usize]) -> (Dovecot, Client) {
    let server = Dovecot::start().unwrap();
    server
        .fill(
            "alice",
            "INBOX",
            sizes.iter().enumerate().map(|(n, s)| sample_message(n, *s)),
        )
        .unwrap();
    let imap = logged_in(&server, "alice").unwrap();
    (server, imap)
}

const SIZES: [usize; 3] = [300, 1_000, 4_321];

/// STATUS=SIZE: the mailbox's size is the sum of its messages'
/// RFC822.SIZE, read as a 63-bit number.
fn status_size_is_the_sum_of_the_message_sizes(imap: &mut Client) {
    assert!(imap.has_capability("STATUS=SIZE").unwrap());
    let status = imap
        .status("INBOX", vec![StatusItem::size(), StatusItem::messages()])
        .unwrap();
    assert_eq!(status.attributes.messages, Some(3));
    imap.run(Select::new("INBOX")).unwrap();
    let sizes = imap
        .fetch(SequenceSet::all(), FetchItem::rfc822_size())
        .unwrap();
    let sum: u64 = sizes
        .iter()
        .map(|f| u64::from(f.message.rfc822_size.unwrap()))
        .sum();
    assert_eq!(status.attributes.size, Some(sum));
}

#[test]
fn status_size_on_dovecot() {
    let (_server, mut imap) = dovecot_with(&SIZES);
    status_size_is_the_sum_of_the_message_sizes(&mut imap);
}

#[test]
fn status_size_on_cyrus() {
    let (_server, mut imap) = cyrus_with("", &SIZES);
    status_size_is_the_sum_of_the_message_sizes(&mut imap);
}
