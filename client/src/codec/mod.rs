//! The wire codec: encoding what the client sends, framing and parsing
//! what the server sends.
pub mod encode;
pub mod frame;
pub mod parse;
