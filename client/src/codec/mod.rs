//! The wire codec: framing and parsing of what the server sends.
pub mod frame;
pub mod parse;
