//! SORT (RFC 5256): sort criteria.
// The signature takes `&Vec<_>`: the contract is `fn(&mut Encoder, &T)`.
#![allow(clippy::ptr_arg)]

use crate::codec::encode::encoder::Encoder;
use crate::codec::encode::error::EncodeError;
use crate::types::SortCriterion;

/// `sort-criteria = "(" sort-criterion *(SP sort-criterion) ")"`; at
/// least one.
pub fn sort_criteria(enc: &mut Encoder, value: &Vec<SortCriterion>) -> Result<(), EncodeError> {
    if value.is_empty() {
        return Err(EncodeError::Invalid {
            what: "sort-criteria",
            value: "()".into(),
            reason: "SORT needs at least one sort key".into(),
        });
    }
    enc.list(value, |enc, criterion| {
        enc.token(&criterion.to_string());
        Ok(())
    })
}
