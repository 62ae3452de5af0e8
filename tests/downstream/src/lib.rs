//! An extension generated from this crate's own spec by typed-imap-codegen.
