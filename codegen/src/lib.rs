//! Turns typed-imap's TOML protocol description into Rust code.
//!
//! The pipeline has three layers: [`raw`](self) serde structs mirroring the
//! TOML (unknown keys refused), a validated [`Model`] (every name resolved,
//! identifiers computed, duplicates and unknown references reported with
//! `file:line:column`), and one emitter per output kind, formatted with
//! prettyplease. The spec language is documented in `spec/README.md`.
//!
//! A downstream crate generates its own extension from its build script.
//! The vocabulary (`types.toml`) is that of the typed-imap it depends on,
//! whose build script says where it lies (`DEP_TYPED_IMAP_SPEC_DIR`):
//!
//! ```no_run
//! // build.rs: print the error and fail the build, never panic.
//! if let Err(error) = typed_imap_codegen::Generator::new()
//!     .spec("spec/xfoo.toml")
//!     .generate()
//! {
//!     eprintln!("{error}");
//!     std::process::exit(1);
//! }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod emit;
mod error;
mod generator;
pub mod model;
mod raw;
mod rust;
mod validate;

pub use emit::HEADER;
pub use error::{Error, Location};
pub use generator::Generator;
pub use model::Model;
