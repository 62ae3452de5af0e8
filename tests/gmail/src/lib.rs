//! Gmail's X-GM-EXT-1 for typed-imap, generated from this crate's own spec
//! (`spec/gmail.toml`) by typed-imap-codegen: it stands for a user's crate
//! that adds the extensions of the server it talks to.
//!
//! ```no_run
//! use gmail_ext::{GmailFetchItem, GmailMessage, GmailSearchKeys};
//! use typed_imap::types::{FetchItem, SearchKey, SequenceSet};
//! use typed_imap::{Fetch, Search};
//! # fn main() -> Result<(), typed_imap::Error> {
//! let mut imap = typed_imap::blocking::Client::connect_tls("imap.gmail.com")?;
//! # imap.login("alice", "app password")?;
//! imap.run(typed_imap::Select::new("[Gmail]/All Mail"))?;
//! let found = imap.run(Search::new(SearchKey::gm_raw("has:attachment")))?;
//! let items = FetchItem::gm_msgid() | FetchItem::gm_labels();
//! for fetched in imap.run(Fetch::new(SequenceSet::from_uids(found)).items(items))? {
//!     let id = fetched.message.gm_msgid().transpose().ok().flatten();
//!     println!("{id:?} {:?}", fetched.message.gm_labels());
//! }
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod labels;

pub use labels::{Label, LabelsAction};

include!(concat!(env!("OUT_DIR"), "/commands.rs"));
include!(concat!(env!("OUT_DIR"), "/responses.rs"));
include!(concat!(env!("OUT_DIR"), "/items.rs"));
include!(concat!(env!("OUT_DIR"), "/client.rs"));
