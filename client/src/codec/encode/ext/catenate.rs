//! CATENATE (RFC 4469): the parts APPEND assembles.
// The signature takes `&Vec<_>`: the contract is `fn(&mut Encoder, &T)`.
#![allow(clippy::ptr_arg)]

use crate::codec::encode::encoder::Encoder;
use crate::codec::encode::error::EncodeError;
use crate::types::CatenatePart;

/// `cat-part *(SP cat-part)`, inside the parentheses the spec writes:
/// `TEXT` and a literal, or `URL` and an astring; at least one.
pub fn cat_parts(enc: &mut Encoder, parts: &Vec<CatenatePart>) -> Result<(), EncodeError> {
    if parts.is_empty() {
        return Err(EncodeError::Invalid {
            what: "CATENATE",
            value: "()".into(),
            reason: "a message needs at least one part".into(),
        });
    }
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            enc.sp();
        }
        match part {
            CatenatePart::Text(text) => {
                enc.token("TEXT ");
                enc.literal(text)?;
            }
            CatenatePart::Url(url) => {
                enc.token("URL ");
                enc.astring(url.as_bytes())?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::encode::{to_bytes, EncodeOptions};

    #[test]
    fn text_as_a_literal_and_urls_as_astrings() {
        let mut enc = Encoder::new(EncodeOptions {
            literal_plus: true,
            ..EncodeOptions::default()
        });
        let parts = vec![
            CatenatePart::text(&b"Subject: x\r\n\r\n"[..]),
            CatenatePart::url("/INBOX/;UID=1/;SECTION=TEXT"),
        ];
        cat_parts(&mut enc, &parts).unwrap();
        assert_eq!(
            to_bytes(&enc.finish()),
            b"TEXT {14+}\r\nSubject: x\r\n\r\n URL /INBOX/;UID=1/;SECTION=TEXT\r\n"
        );
        let mut enc = Encoder::new(EncodeOptions::default());
        assert!(cat_parts(&mut enc, &vec![]).is_err());
    }
}
