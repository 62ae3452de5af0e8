//! Turns typed-imap's TOML protocol description into Rust code.
//!
//! See `docs/architecture.md` and `spec/README.md` in the workspace.
