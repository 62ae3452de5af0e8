//! Test support for typed-imap: private IMAP servers on 127.0.0.1 and
//! scripted hostile servers.
//!
//! - [`dovecot::Dovecot`] starts a throw-away Dovecot (STARTTLS and implicit
//!   TLS listeners on free ports, a self-signed certificate, users chosen by
//!   the test) inside one temporary directory, and stops it on drop.
//! - [`cyrus::Cyrus`] starts a throw-away Cyrus (unpacked into a private
//!   root, as its packages conflict with Dovecot's) for ANNOTATE, PROXYAUTH
//!   and admin-only commands.
//! - [`mailutils::Mailutils`] starts a throw-away GNU Mailutils imap4d
//!   (STARTTLS and implicit TLS, virtual-domain users logging in as
//!   `user@example.org`, mbox mail), a server with deviations of its own.
//! - [`stalwart::Stalwart`] starts a throw-away Stalwart (built from
//!   crates.io by `.ci/run`; STARTTLS and implicit TLS, a certificate from
//!   a private CA, users created through its HTTP management API), the
//!   IMAP4rev2 server.
//! - [`courier::CourierStream`] gives the command line and environment of
//!   Courier's PREAUTH stream (unpacked into a private root), for
//!   UTF8=ACCEPT.
//! - [`preauth::PreauthStream`] gives the command line and environment of
//!   Dovecot's PREAUTH stream (IMAP over a child's stdin/stdout).
//! - [`maildir`] writes messages straight into a Maildir, much faster than
//!   APPEND.
//! - [`raw::RawSession`] speaks IMAP as plain lines, to check the servers
//!   without the client under test.
//! - [`proxy::CutProxy`] forwards connections to a server and closes them
//!   after a chosen number of the server's bytes, for cut-connection tests.
//! - [`scripted::Script`] plays a fixed script on a socket (plain, STARTTLS
//!   or implicit TLS), for the hostile-server tests.
//! - [`views`] turns typed results into forms several tests compare.
//! - [`logs`] captures what the client logs through `tracing`.
//! - [`fleet`] runs many async sessions at once, all idling together.
//! - [`both`] runs one test body with the blocking and the tokio client.
//! - [`client`] opens the client under test on a Dovecot, logged in.
//! - [`cert::Certificate`] makes the self-signed certificates and the rustls
//!   configurations that trust them.
//!
//! Everything binds to 127.0.0.1 only and keeps its files in one temporary
//! directory that is removed on drop.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// The repository's README, whose examples are compiled as doc tests here,
/// where both typed-imap and this harness are at hand.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;

pub mod both;
pub mod cert;
pub mod client;
pub mod courier;
pub mod cyrus;
pub mod dovecot;
mod error;
pub mod fleet;
pub mod install;
pub mod logs;
pub mod maildir;
pub mod mailutils;
pub mod messages;
pub mod preauth;
mod process;
pub mod proxy;
pub mod raw;
pub mod scripted;
pub mod stalwart;
pub mod views;

pub use error::HarnessError;

/// The result type of every fallible harness function.
pub type Result<T, E = HarnessError> = std::result::Result<T, E>;
