//! ESEARCH's return options: PARTIAL's range (RFC 9394).

use crate::codec::encode::encoder::Encoder;
use crate::codec::encode::error::EncodeError;
use crate::types::PartialRange;

/// `partial-range = partial-range-first / partial-range-last`: `1:100` or
/// `-1:-100`; 0 is refused (the results are counted from 1).
pub fn partial_range(enc: &mut Encoder, value: &PartialRange) -> Result<(), EncodeError> {
    let (a, b) = value.ends();
    if a == 0 || b == 0 {
        return Err(EncodeError::Invalid {
            what: "partial-range",
            value: value.to_string(),
            reason: "results are counted from 1".into(),
        });
    }
    enc.token(&value.to_string());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::encode::{to_bytes, EncodeOptions};

    fn wire(range: PartialRange) -> Result<Vec<u8>, EncodeError> {
        let mut enc = Encoder::new(EncodeOptions::default());
        partial_range(&mut enc, &range)?;
        Ok(to_bytes(&enc.finish()))
    }

    #[test]
    fn a_range_from_the_first_or_the_last() {
        assert_eq!(wire(PartialRange::first(1..=100)).unwrap(), b"1:100\r\n");
        assert_eq!(wire(PartialRange::last(1..=100)).unwrap(), b"-1:-100\r\n");
        assert!(wire(PartialRange::first(0..=5)).is_err());
        assert!(wire(PartialRange::Last(1, 0)).is_err());
    }
}
