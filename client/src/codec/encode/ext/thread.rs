//! THREAD (RFC 5256): the threading algorithm.

use crate::codec::encode::encoder::Encoder;
use crate::codec::encode::error::EncodeError;
use crate::types::ThreadAlgorithm;

/// `thread-alg`: an atom (`REFERENCES`, `ORDEREDSUBJECT`, `REFS`).
pub fn thread_algorithm(enc: &mut Encoder, value: &ThreadAlgorithm) -> Result<(), EncodeError> {
    enc.atom_as("threading algorithm", value.name())
}
