//! typed-imap: an IMAP client typed end to end.
//!
//! The command set is generated at build time from the TOML protocol
//! description in `spec/`; this crate is the runtime the generated code
//! calls. See `docs/architecture.md`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod auth;
pub mod codec;
pub mod error;
pub mod imaplib;
pub mod quirks;
pub mod response;
pub mod transport;
pub mod types;

pub use error::Error;
pub mod command;
mod generated;
pub use bytes::Bytes;
pub use chrono;
pub use generated::*;
pub mod blocking;
pub mod session;
