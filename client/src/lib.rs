//! An IMAP client typed end to end: every command a builder, every
//! response a Rust value, generated from a description of the protocol.
//!
//! The commands, responses, response codes, search keys and FETCH and
//! STATUS attributes of RFC 3501 and some twenty extensions are declared in
//! TOML (the `spec/` directory of the repository) and generated into this
//! crate at build time; the hand-written rest is the runtime they run on:
//! the codec, the sans-IO session, the transports and SASL.
//!
//! # Quick start
//!
//! ```no_run
//! use typed_imap::blocking::Client;
//! use typed_imap::types::{FetchItem, SearchKey, SequenceSet};
//! use typed_imap::{Fetch, Select};
//!
//! fn main() -> Result<(), typed_imap::Error> {
//!     // Port 993, the certificate checked against the webpki roots.
//!     let mut imap = Client::connect_tls("imap.example.com")?;
//!     imap.login("alice", "password")?;
//!     for mailbox in imap.list("", "*")? {
//!         println!("{} {:?}", mailbox.mailbox, mailbox.attributes);
//!     }
//!     let inbox = imap.run(Select::new("INBOX"))?; // `Selected`, typed
//!     println!("{} messages", inbox.exists);
//!     // Search keys combine with `&`, `|` and `!`.
//!     let unseen_from_bob = imap.search(SearchKey::unseen() & SearchKey::from("bob"))?;
//!     println!("unseen from bob: {unseen_from_bob:?}");
//!     let items = FetchItem::flags() | FetchItem::envelope();
//!     for fetched in imap.run(Fetch::new(SequenceSet::all()).items(items))? {
//!         let envelope = fetched.message.envelope.as_ref();
//!         let subject = envelope.and_then(|e| e.subject()).map(String::from_utf8_lossy);
//!         println!("{} {:?} {subject:?}", fetched.seq, fetched.message.flags);
//!     }
//!     imap.logout()
//! }
//! ```
//!
//! Each command has a builder at the crate root, named after it
//! ([`Select`], [`Fetch`], [`GetQuotaRoot`]), and a method of the client
//! that sends it with its required arguments ([`Client::select`],
//! [`Client::fetch`]). The builder takes the optional ones, and
//! [`Client::run`] sends any builder:
//!
//! ```no_run
//! # fn main() -> Result<(), typed_imap::Error> {
//! # let mut imap = typed_imap::blocking::Client::connect_tls("imap.example.com")?;
//! use typed_imap::types::{Flag, StoreAction};
//! use typed_imap::{Append, Store};
//!
//! imap.run(Append::new("Drafts", b"Subject: hi\r\n\r\nhello\r\n".to_vec()).flags(vec![Flag::Draft]))?;
//! imap.run(Store::new(1..=3).add_flags(vec![Flag::Seen]))?;
//! imap.store(4, StoreAction::remove(vec![Flag::Seen]))?;
//! # Ok(())
//! # }
//! ```
//!
//! An extension's command, argument, search key or attribute is refused
//! before anything is sent when the server does not advertise its
//! capability ([`Error::MissingCapability`]): `SearchKey::mod_seq(n)` needs
//! CONDSTORE, `ThreadCommand` with `ThreadAlgorithm::Refs` needs
//! `THREAD=REFS`.
//!
//! # Modules
//!
//! | module | what |
//! |---|---|
//! | (crate root) | the generated command builders ([`Select`], [`Fetch`] ...), their outputs ([`Selected`], [`Fetched`] ...), [`Data`] (untagged responses), [`Code`] (response codes), [`Message`] (a FETCH's attributes) |
//! | [`blocking`] | [`Client`](blocking::Client): connect, log in, send commands and wait for their results; IDLE |
//! | [`types`] | the protocol's values: [`SearchKey`](types::SearchKey), [`FetchItems`](types::FetchItems), [`SequenceSet`](types::SequenceSet), [`Flag`](types::Flag), [`Mailbox`](types::Mailbox), [`Envelope`](types::Envelope), [`BodyStructure`](types::BodyStructure) ... |
//! | [`auth`] | SASL mechanisms for AUTHENTICATE: PLAIN, LOGIN, CRAM-MD5, SCRAM, XOAUTH2, OAUTHBEARER, or your own [`Authenticator`](auth::Authenticator) |
//! | [`transport`] | TCP, TLS (rustls), STARTTLS and a child process's stdin/stdout; timeouts |
//! | [`session`] | the sans-IO session under the client: bytes in, events out, for other drivers |
//! | [`command`] | the [`Command`](command::Command) trait every builder implements, connection states, behaviours |
//! | [`response`] | the response framework: tagged, untagged, continuation; raw forms |
//! | [`codec`] | the encoder (quoting, literals) and the parser the generated code calls |
//! | [`imaplib`] | Python imaplib's module functions: `Int2AP`, `ParseFlags`, `Internaldate2tuple`, `Time2Internaldate` |
//! | [`quirks`] | the deviations of real servers the parser tolerates, each with the line that made it necessary |
//! | [`error`] | [`Error`]: what went wrong, by what the caller can do about it |
//!
//! # From Python's imaplib
//!
//! | imaplib | typed-imap |
//! |---|---|
//! | `IMAP4_SSL(host)` | [`Client::connect_tls`], [`Client::connect_tls_with`] |
//! | `IMAP4(host, port)`, `starttls()` | [`Client::connect`], [`Client::connect_starttls`], [`Client::starttls`] |
//! | `IMAP4_stream(command)` | [`Client::spawn`] |
//! | `login`, `authenticate`, `logout` | [`Client::login`], [`Client::authenticate`], [`Client::logout`] |
//! | `capability()`, `capabilities` | [`Client::capability`], [`Client::capabilities`], [`Client::has_capability`] |
//! | `select(mailbox, readonly)` | [`Client::select`], [`Client::examine`] -> [`Selected`] |
//! | `list`, `status` | [`Client::list`] -> `Vec<`[`ListItem`]`>`, [`Client::status`] -> [`MailboxStatus`] |
//! | `search(charset, *criteria)` | [`Client::search`] with a [`SearchKey`](types::SearchKey) -> `Vec<u32>` |
//! | `fetch(set, parts)` | [`Client::fetch`] with [`FetchItems`](types::FetchItems) -> `Vec<`[`Fetched`]`>` |
//! | `store(set, command, flags)` | [`Client::store`] with a [`StoreAction`](types::StoreAction) |
//! | `copy`, `expunge`, `append` | [`Client::copy`], [`Client::expunge`], [`Client::append`] |
//! | `uid(command, ...)` | [`Client::uid_fetch`], [`Client::uid_search`], [`Client::uid_store`], [`Client::uid_copy`], [`Client::uid_move_to`] ... |
//! | `getacl`, `getquotaroot`, `getmetadata` ... | [`Client::get_acl`], [`Client::get_quota_root`], [`Client::get_metadata`] ... (rustdoc finds them by imaplib's names) |
//! | `sort`, `thread` | [`Client::sort`], [`Client::thread`] |
//! | `idle()` | [`Client::idle`] -> [`Idler`](blocking::Idler) |
//! | `response(code)`, `untagged_responses` | [`Client::response`], [`Client::unsolicited`] |
//! | `error`, `abort`, `readonly` | [`Error`] |
//!
//! The repository's README has the whole table, every imaplib name.
//!
//! # Generated from `spec/`
//!
//! `build.rs` runs `typed-imap-codegen` over `spec/*.toml`: one file per
//! extension (`condstore.toml`, `savedate.toml` ...), the grammar
//! vocabulary in `types.toml`. A builder's documentation gives its wire
//! form and output; each spec item's `doc` becomes the documentation of
//! what it generates. A crate of your own can describe an extension the
//! same way and generate it against this runtime: its commands then come
//! as traits on the same [`Client`](blocking::Client) (see
//! `typed-imap-codegen`).
//!
//! [`Client`]: blocking::Client
//! [`Client::connect_tls`]: blocking::Client::connect_tls
//! [`Client::connect_tls_with`]: blocking::Client::connect_tls_with
//! [`Client::connect`]: blocking::Client::connect
//! [`Client::connect_starttls`]: blocking::Client::connect_starttls
//! [`Client::starttls`]: blocking::Client::starttls
//! [`Client::spawn`]: blocking::Client::spawn
//! [`Client::login`]: blocking::Client::login
//! [`Client::authenticate`]: blocking::Client::authenticate
//! [`Client::logout`]: blocking::Client::logout
//! [`Client::capability`]: blocking::Client::capability
//! [`Client::capabilities`]: blocking::Client::capabilities
//! [`Client::has_capability`]: blocking::Client::has_capability
//! [`Client::select`]: blocking::Client::select
//! [`Client::examine`]: blocking::Client::examine
//! [`Client::list`]: blocking::Client::list
//! [`Client::status`]: blocking::Client::status
//! [`Client::search`]: blocking::Client::search
//! [`Client::fetch`]: blocking::Client::fetch
//! [`Client::store`]: blocking::Client::store
//! [`Client::copy`]: blocking::Client::copy
//! [`Client::expunge`]: blocking::Client::expunge
//! [`Client::append`]: blocking::Client::append
//! [`Client::uid_fetch`]: blocking::Client::uid_fetch
//! [`Client::uid_search`]: blocking::Client::uid_search
//! [`Client::uid_store`]: blocking::Client::uid_store
//! [`Client::uid_copy`]: blocking::Client::uid_copy
//! [`Client::uid_move_to`]: blocking::Client::uid_move_to
//! [`Client::get_acl`]: blocking::Client::get_acl
//! [`Client::get_quota_root`]: blocking::Client::get_quota_root
//! [`Client::get_metadata`]: blocking::Client::get_metadata
//! [`Client::sort`]: blocking::Client::sort
//! [`Client::thread`]: blocking::Client::thread
//! [`Client::idle`]: blocking::Client::idle
//! [`Client::response`]: blocking::Client::response
//! [`Client::unsolicited`]: blocking::Client::unsolicited
//! [`Client::run`]: blocking::Client::run
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
#[cfg(feature = "tokio")]
pub mod tokio;
