//! I18NLEVEL=2 (RFC 5255 section 4.7): the comparators COMPARATOR asks for.
// `&Vec` because the contract is `fn(&mut Encoder, &T)` with `T` the stored type.
#![allow(clippy::ptr_arg)]

use crate::codec::encode::encoder::Encoder;
use crate::codec::encode::error::EncodeError;

/// `1*(comp-order-quoted)` separated by SP: each an astring (`i;basic`
/// bare, `"cz;*"` quoted since `*` is a list wildcard). At least one; a
/// COMPARATOR without any leaves the argument out.
pub fn comp_orders(enc: &mut Encoder, value: &Vec<String>) -> Result<(), EncodeError> {
    if value.is_empty() {
        return Err(EncodeError::Invalid {
            what: "comparator list",
            value: String::new(),
            reason: "COMPARATOR's argument, when given, names at least one comparator".into(),
        });
    }
    for (i, order) in value.iter().enumerate() {
        if i > 0 {
            enc.sp();
        }
        enc.astring(order.as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::encode::{to_bytes, EncodeOptions};

    fn wire(orders: &[&str]) -> Result<Vec<u8>, EncodeError> {
        let orders = orders.iter().map(|o| o.to_string()).collect();
        let mut enc = Encoder::new(EncodeOptions::default());
        comp_orders(&mut enc, &orders)?;
        Ok(to_bytes(&enc.finish()))
    }

    #[test]
    fn names_are_astrings_separated_by_sp() {
        assert_eq!(wire(&["cz;*", "i;basic"]).unwrap(), b"\"cz;*\" i;basic\r\n");
    }

    #[test]
    fn an_empty_list_is_refused() {
        assert!(wire(&[]).is_err());
    }
}
