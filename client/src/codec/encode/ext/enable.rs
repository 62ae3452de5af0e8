//! The request side of ENABLE (RFC 5161).
// `&Vec` because the contract is `fn(&mut Encoder, &T)` with `T` the stored type.
#![allow(clippy::ptr_arg)]

use crate::codec::encode::{EncodeError, Encoder};
use crate::types::Capability;

/// `capability *(SP capability)`: the names ENABLE asks for, each an atom.
/// An empty list is refused (`enable = "ENABLE" 1*(SP capability)`).
pub fn capability_list(enc: &mut Encoder, value: &Vec<Capability>) -> Result<(), EncodeError> {
    if value.is_empty() {
        return Err(EncodeError::Invalid {
            what: "capability list",
            value: "()".into(),
            reason: "ENABLE needs at least one capability".into(),
        });
    }
    for (i, capability) in value.iter().enumerate() {
        if i > 0 {
            enc.sp();
        }
        enc.atom_as("capability", capability.as_str())?;
    }
    Ok(())
}
