//! ACL (RFC 4314): rights and SETACL's `mod-rights`.

use crate::codec::encode::encoder::Encoder;
use crate::codec::encode::error::{show, EncodeError};
use crate::types::{Right, Rights, RightsChange};

/// `rights`: letters and digits as an astring (`""` when empty).
pub fn rights(enc: &mut Encoder, value: &Rights) -> Result<(), EncodeError> {
    check(value)?;
    enc.astring(value.to_string().as_bytes())
}

/// `mod-rights`: `+` or `-` (or nothing) and the rights, as an astring.
pub fn mod_rights(enc: &mut Encoder, value: &RightsChange) -> Result<(), EncodeError> {
    check(&value.rights)?;
    enc.astring(value.to_string().as_bytes())
}

/// A [`Right::Other`] built by hand may hold any character: refused unless
/// it is an ASCII letter or digit.
fn check(value: &Rights) -> Result<(), EncodeError> {
    let bad = value.rights().iter().any(|r| match r {
        Right::Other(c) => !c.is_ascii_alphanumeric(),
        _ => false,
    });
    if bad {
        return Err(EncodeError::Invalid {
            what: "rights",
            value: show(value.to_string().as_bytes()),
            reason: "RFC 4314 rights are ASCII letters and digits".into(),
        });
    }
    Ok(())
}
