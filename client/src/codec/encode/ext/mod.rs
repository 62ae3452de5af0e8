//! This layer's part of the extensions: one file per extension, named
//! after it; the base protocol's files are in the parent directory.

pub(super) mod acl;
pub(super) mod annotate;
pub(super) mod catenate;
pub(super) mod enable;
pub(super) mod esearch;
pub(super) mod gmail;
pub(super) mod i18nlevel;
pub(super) mod id;
pub(super) mod metadata;
pub(super) mod multiappend;
pub(super) mod notify;
pub(super) mod qresync;
pub(super) mod quota;
pub(super) mod sort;
pub(super) mod thread;
pub(super) mod urlauth_binary;
pub(super) mod utf8;
