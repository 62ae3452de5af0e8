//! The code generated from `spec/` by `typed-imap-codegen` (see
//! `client/build.rs`): command builders with their [`Command`] impls, the
//! [`Data`] and [`Code`] enums with their parsers, [`Message`],
//! constructors for search keys, fetch and status items, and the client's
//! per-command methods. The crate root re-exports all of it.
//!
//! [`Command`]: crate::command::Command

#![allow(clippy::large_enum_variant)]

include!(concat!(env!("OUT_DIR"), "/commands.rs"));
include!(concat!(env!("OUT_DIR"), "/responses.rs"));
include!(concat!(env!("OUT_DIR"), "/items.rs"));
include!(concat!(env!("OUT_DIR"), "/client.rs"));
