//! This layer's part of the extensions: one file per extension, named
//! after it; the base protocol's files are in the parent directory.

pub mod acl;
pub mod annotate;
pub mod appendlimit;
pub mod catenate;
pub mod esearch;
pub mod gmail;
pub mod id;
pub mod list_extended;
pub mod metadata;
pub mod multiappend;
pub mod namespace;
pub mod notify;
pub mod qresync;
pub mod quota;
pub mod sort;
pub mod thread;
pub mod uidplus;
pub mod urlauth_binary;
