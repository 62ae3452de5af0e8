//! QRESYNC's SELECT parameter (RFC 7162 section 3.2.5).

use crate::codec::encode::{number64, nz_number, sequence_set, EncodeError, Encoder};
use crate::types::QresyncParams;

/// `"(" uidvalidity SP mod-sequence-value [SP known-uids] ")"`.
pub fn qresync_params(enc: &mut Encoder, value: &QresyncParams) -> Result<(), EncodeError> {
    enc.token("(");
    nz_number(enc, &value.uid_validity)?;
    enc.sp();
    number64(enc, &value.mod_seq)?;
    if let Some(uids) = &value.known_uids {
        enc.sp();
        sequence_set(enc, uids)?;
    }
    enc.token(")");
    Ok(())
}
