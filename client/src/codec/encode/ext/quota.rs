//! QUOTA (RFC 2087, RFC 9208): SETQUOTA's list of limits.
// The signature takes `&Vec<_>`: the contract is `fn(&mut Encoder, &T)`.
#![allow(clippy::ptr_arg)]

use crate::codec::encode::encoder::Encoder;
use crate::codec::encode::error::EncodeError;
use crate::types::QuotaLimit;

/// `setquota-list = "(" [setquota-resource *(SP setquota-resource)] ")"`;
/// an empty list removes every limit of the root. Names must be atoms,
/// limits below 2^63.
pub fn quota_limits(enc: &mut Encoder, value: &Vec<QuotaLimit>) -> Result<(), EncodeError> {
    enc.list(value, |enc, limit| {
        enc.atom_as("quota resource name", &limit.name)?;
        enc.sp();
        crate::codec::encode::number64(enc, &limit.limit)
    })
}
