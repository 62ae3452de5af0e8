//! The protocol's data types.
pub mod datetime;
pub mod fetch_items;
pub mod flag;
pub mod mailbox;
pub mod search;
pub mod secret;
pub mod sequence;
pub mod status_items;
pub mod store;
pub mod utf7;

pub use datetime::InternalDate;
pub use fetch_items::{FetchItem, FetchItems, FetchMacro};
pub use flag::{Flag, FlagError};
pub use mailbox::Mailbox;
pub use search::{SearchArg, SearchKey};
pub use secret::Secret;
pub use sequence::{SeqNumber, Sequence, SequenceSet, SequenceSetError};
pub use status_items::StatusItem;
pub use store::{StoreAction, StoreMode};
pub use utf7::Utf7Error;
