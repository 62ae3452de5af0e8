//! This layer's part of the extensions: one file per extension, named
//! after it; the base protocol's files are in the parent directory.

pub(super) mod acl;
pub(super) mod annotate;
pub(super) mod appendlimit;
pub(super) mod binary;
pub(super) mod catenate;
pub(super) mod condstore;
pub(super) mod esearch;
pub(super) mod gmail;
pub(super) mod id;
pub(super) mod list_extended;
pub(super) mod metadata;
pub(super) mod namespace;
pub(super) mod notify;
pub(super) mod objectid;
pub(super) mod preview;
pub(super) mod qresync;
pub(super) mod quota;
pub(super) mod referral;
pub(super) mod thread;
pub(super) mod uidplus;
pub(super) mod urlauth_binary;
