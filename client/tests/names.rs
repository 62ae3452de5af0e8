//! The names a user guesses: both glob imports together compile, the
//! builders read as Rust (`GetAcl`, not `Getacl`), and the search key of a
//! sequence set is not the FROM key's constructor. Before the renaming,
//! `Capability` was ambiguous under these two globs and this file did not
//! build.

use typed_imap::blocking::Client;
use typed_imap::codec::encode::{to_bytes, EncodeOptions, Encoder};
use typed_imap::types::*;
use typed_imap::*;

#[test]
fn both_globs_leave_every_name_unambiguous() {
    // `Capability` is the capability name; its command is CapabilityCommand.
    let named = Capability::new("IMAP4rev1");
    assert!(named.is("imap4rev1"));
    let command = encode(&CapabilityCommand::new());
    assert_eq!(command, "CAPABILITY");
}

#[test]
fn builders_read_as_rust_names() {
    assert_eq!(encode(&GetAcl::new("INBOX")), "GETACL INBOX");
    assert_eq!(encode(&GetQuotaRoot::new("INBOX")), "GETQUOTAROOT INBOX");
    assert_eq!(encode(&MyRights::new("INBOX")), "MYRIGHTS INBOX");
}

#[test]
fn a_sequence_set_key_is_not_the_from_key() {
    let by_set = SearchKey::sequence_set(SequenceSet::from(vec![1, 3]));
    let by_sender = SearchKey::from("1,3");
    assert_ne!(by_set, by_sender);
    assert_eq!(encode(&Search::new(by_set)), "SEARCH 1,3");
    assert_eq!(encode(&Search::new(by_sender)), "SEARCH FROM 1,3");
}

/// MOVE is a plain method name: `move_to`, `uid_move_to`, no `r#move`.
#[allow(dead_code)]
fn move_reads_without_a_raw_identifier(imap: &mut Client) -> Result<(), Error> {
    imap.move_to(SequenceSet::from(1), "Archive")?;
    imap.uid_move_to(SequenceSet::from(7), "Archive")?;
    Ok(())
}

/// The command's wire form without tag and CRLF.
fn encode<C: command::Command>(command: &C) -> String {
    let mut enc = Encoder::new(EncodeOptions::default());
    command.encode(&mut enc).unwrap_or_else(|e| panic!("{e}"));
    let bytes = to_bytes(&enc.finish());
    String::from_utf8_lossy(&bytes).trim_end().to_owned()
}
