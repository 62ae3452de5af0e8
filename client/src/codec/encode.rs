//! The request side of the codec: arguments to bytes, as a sequence of
//! [`Fragment`]s.
//!
//! [`Encoder`] knows the string forms of RFC 3501 (atom, quoted, literal)
//! and picks the one a value needs; the functions of this module encode
//! each grammar type of the vocabulary (`spec/types.toml`) with the
//! signature `fn(&mut Encoder, &T) -> Result<(), EncodeError>`, which the
//! generated command builders call.
//!
//! ```
//! use typed_imap::codec::encode::{self, EncodeOptions, Encoder, Fragment};
//! use typed_imap::types::Mailbox;
//!
//! let mut enc = Encoder::new(EncodeOptions::default());
//! enc.token("SELECT");
//! enc.sp();
//! encode::mailbox(&mut enc, &Mailbox::new("Sent Items")).unwrap();
//! assert_eq!(enc.finish(), vec![Fragment::Line(b"SELECT \"Sent Items\"\r\n".to_vec())]);
//! ```

mod encoder;
mod error;
mod grammar;

// The base protocol's files are above; each extension's is in ext/.
mod ext;
use ext::{
    acl, annotate, catenate, enable, esearch, gmail, i18nlevel, id, metadata, multiappend, notify,
    qresync, quota, sort, thread, urlauth_binary, utf8,
};

pub use acl::{mod_rights, rights};
pub use annotate::{annotation_fetch, annotation_store};
pub use catenate::cat_parts;
pub use enable::capability_list;
pub(crate) use encoder::Decimal;
pub use encoder::{to_bytes, EncodeOptions, Encoder, Fragment, INLINE_MAX};
pub use error::EncodeError;
pub use esearch::partial_range;
pub use gmail::{gm_labels, gm_labels_action};
pub use grammar::*;
pub use i18nlevel::comp_orders;
pub use id::id_params;
pub use metadata::{metadata_entries, metadata_entry_list, metadata_options, metadata_values};
pub use multiappend::append_messages;
pub use notify::event_groups;
pub use qresync::qresync_params;
pub use quota::quota_limits;
pub use sort::sort_criteria;
pub use thread::thread_algorithm;
pub use urlauth_binary::url_fetch_form;
pub use utf8::{append_message, charset, search_charset};
