//! The wire codec.
pub mod encode;
