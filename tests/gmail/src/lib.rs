//! An invented vendor extension (message tags and spam scores), generated
//! from this crate's own spec (`spec/xtags.toml`) by typed-imap-codegen: it
//! stands for a user's crate that adds the extensions of the server it
//! talks to. (Gmail's X-GM-EXT-1, which this crate described before, is in
//! typed-imap itself now.)
//!
//! ```no_run
//! use gmail_ext::{XtagsFetchItem, XtagsMessage, XtagsSearchKeys};
//! use typed_imap::types::{FetchItem, SearchKey, SequenceSet};
//! use typed_imap::{Fetch, Search};
//! # fn main() -> Result<(), typed_imap::Error> {
//! let mut imap = typed_imap::blocking::Client::connect_tls("imap.example.com")?;
//! # imap.login("alice", "password")?;
//! imap.run(typed_imap::Select::new("INBOX"))?;
//! let found = imap.run(Search::new(SearchKey::tag("work")))?;
//! let items = FetchItem::spam_score() | FetchItem::tags();
//! for fetched in imap.run(Fetch::new(SequenceSet::from_uids(found)).items(items))? {
//!     let score = fetched.message.spam_score().transpose().ok().flatten();
//!     println!("{score:?} {:?}", fetched.message.tags());
//! }
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod tags;

pub use tags::{Tag, TagsAction};

include!(concat!(env!("OUT_DIR"), "/commands.rs"));
include!(concat!(env!("OUT_DIR"), "/responses.rs"));
include!(concat!(env!("OUT_DIR"), "/items.rs"));
include!(concat!(env!("OUT_DIR"), "/client.rs"));
