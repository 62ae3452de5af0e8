//! An extension generated from this crate's own spec (`spec/xfoo.toml`) by
//! typed-imap-codegen, used with typed-imap's runtime: it stands for a
//! user's crate that adds the commands of a server it knows.
//!
//! `XFOO` asks for the colour of a mailbox; the server answers with
//! untagged `XFOO` responses, which reach typed-imap as raw data and are
//! parsed here.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

include!(concat!(env!("OUT_DIR"), "/commands.rs"));
include!(concat!(env!("OUT_DIR"), "/responses.rs"));
include!(concat!(env!("OUT_DIR"), "/items.rs"));
include!(concat!(env!("OUT_DIR"), "/client.rs"));
