//! The request side of ID (RFC 2971).

use crate::codec::encode::error::show;
use crate::codec::encode::{EncodeError, Encoder};
use crate::types::IdFields;

/// RFC 2971 section 3.3: the limits a client must keep to.
const MAX_PAIRS: usize = 30;
const MAX_FIELD: usize = 30;
const MAX_VALUE: usize = 1024;

/// `id_params_list`: `NIL`, or the pairs as `("field" "value" ...)` with
/// NIL values. Refuses more than 30 pairs, a field longer than 30 octets
/// and a value longer than 1024 (RFC 2971 section 3.3).
pub fn id_params(enc: &mut Encoder, value: &Option<IdFields>) -> Result<(), EncodeError> {
    let Some(fields) = value else {
        enc.token("NIL");
        return Ok(());
    };
    if fields.len() > MAX_PAIRS {
        return Err(EncodeError::Invalid {
            what: "ID parameters",
            value: format!("({} pairs)", fields.len()),
            reason: format!("at most {MAX_PAIRS} field/value pairs (RFC 2971 section 3.3)"),
        });
    }
    for (field, value) in fields.pairs() {
        let too_long = |what: &'static str, bytes: &[u8], max: usize| EncodeError::Invalid {
            what,
            value: show(bytes),
            reason: format!("longer than {max} octets (RFC 2971 section 3.3)"),
        };
        if field.len() > MAX_FIELD {
            return Err(too_long("ID field", field, MAX_FIELD));
        }
        if let Some(value) = value.as_ref().filter(|v| v.len() > MAX_VALUE) {
            return Err(too_long("ID value", value, MAX_VALUE));
        }
    }
    enc.list(fields.pairs(), |enc, (field, value)| {
        enc.string(field)?;
        enc.sp();
        match value {
            Some(value) => enc.string(value),
            None => {
                enc.token("NIL");
                Ok(())
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::codec::encode::{to_bytes, EncodeOptions};

    fn encode(value: &Option<IdFields>) -> Result<Vec<u8>, EncodeError> {
        let mut enc = Encoder::new(EncodeOptions::default());
        id_params(&mut enc, value)?;
        Ok(to_bytes(&enc.finish()))
    }

    #[test]
    fn nil_pairs_and_nil_values() {
        assert_eq!(encode(&None).unwrap(), b"NIL\r\n");
        let mut fields = IdFields::from([("name", "typed \"imap\"")]);
        fields.push("os", None::<Bytes>);
        assert_eq!(
            encode(&Some(fields)).unwrap(),
            b"(\"name\" \"typed \\\"imap\\\"\" \"os\" NIL)\r\n"
        );
    }

    #[test]
    fn limits_of_rfc_2971_are_kept() {
        let many: IdFields = (0..31)
            .map(|n| (Bytes::from(format!("f{n}")), None))
            .collect();
        assert!(encode(&Some(many)).is_err());
        let long_field = IdFields::from([("x".repeat(31).as_str(), "v")]);
        assert!(encode(&Some(long_field)).is_err());
        let long_value = IdFields::from([("name", "v".repeat(1025).as_str())]);
        assert!(encode(&Some(long_value)).is_err());
    }
}
