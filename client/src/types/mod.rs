//! The protocol's data types.
pub mod body_structure;
pub mod capability;
pub mod datetime;
pub mod envelope;
pub mod fetch_items;
pub mod flag;
pub(crate) mod located;
pub mod mailbox;
pub mod message_data;
pub mod search;
pub mod secret;
pub mod section;
pub mod sequence;
pub mod status_items;
pub mod store;
pub mod utf7;

// The base protocol's files are above; each extension's is in ext/.
mod ext;
#[doc(inline)]
pub use ext::{
    acl, annotate, appendlimit, catenate, esearch, gmail, id, list_extended, metadata, multiappend,
    namespace, notify, qresync, quota, sort, thread, uidplus, urlauth_binary,
};

pub use acl::{AclEntry, Right, Rights, RightsChange, RightsError, RightsMode};
pub use annotate::{Annotation, AnnotationFetch, AnnotationValue};
pub use appendlimit::AppendLimit;
pub use body_structure::{BodyStructure, Part, PartKind};
pub use capability::Capability;
pub use catenate::CatenatePart;
pub use datetime::InternalDate;
pub use envelope::{Address, Addresses, Envelope};
pub use esearch::{Partial, PartialRange, SearchReturnData};
pub use fetch_items::{FetchItem, FetchItems, FetchMacro, FetchSection};
pub use flag::{Flag, FlagError};
pub use gmail::{GmailLabel, LabelsAction};
pub use id::IdFields;
pub use list_extended::ListExtendedData;
pub use mailbox::Mailbox;
pub use message_data::MessageData;
pub use metadata::{MetadataCode, MetadataData, MetadataDepth, MetadataEntry, MetadataOptions};
pub use multiappend::AppendMessage;
pub use namespace::{Namespace, NamespaceExtension};
pub use notify::{EventGroup, MailboxFilter, NotifyEvent};
pub use qresync::{QresyncParams, Vanished};
pub use quota::{QuotaLimit, QuotaResource};
pub use search::{SearchArg, SearchKey};
pub use secret::Secret;
pub use section::{BodySection, Section, SectionText};
pub use sequence::{SeqNumber, Sequence, SequenceSet, SequenceSetError};
pub use sort::{SortCriterion, SortKey};
pub use status_items::StatusItem;
pub use store::{StoreAction, StoreMode};
pub use thread::{Thread, ThreadAlgorithm};
pub use uidplus::UidSet;
pub use urlauth_binary::{UrlFetchData, UrlFetchForm};
pub use utf7::Utf7Error;
