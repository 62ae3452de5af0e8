//! ANNOTATE (RFC 5257): the argument of the ANNOTATION fetch attribute,
//! and the annotations STORE sets.

use crate::types::{Annotation, AnnotationFetch};

use crate::codec::encode::{search_arg, EncodeError, Encoder};

/// `"(" entries SP attribs ")"`, both as lists of astrings (at least one
/// name each).
pub fn annotation_fetch(enc: &mut Encoder, value: &AnnotationFetch) -> Result<(), EncodeError> {
    search_arg(enc, &value.clone().into_search_arg())
}

/// `"(" entry SP "(" attrib SP value *(SP attrib SP value) ")" *(...) ")"`
/// (RFC 5257 section 4.2): entries and attributes as astrings, values as
/// strings (a literal when needed), `NIL` to remove one. An entry without
/// values cannot be stored and is refused.
pub fn annotation_store(enc: &mut Encoder, value: &[Annotation]) -> Result<(), EncodeError> {
    if value.is_empty() || value.iter().any(|a| a.values.is_empty()) {
        return Err(EncodeError::Invalid {
            what: "ANNOTATION store",
            value: format!("of {} entries", value.len()),
            reason: "at least one entry, each with at least one attribute value".into(),
        });
    }
    enc.list(value, |enc, annotation| {
        enc.astring(annotation.entry.as_bytes())?;
        enc.sp();
        enc.list(&annotation.values, |enc, v| {
            enc.astring(v.attrib.as_bytes())?;
            enc.sp();
            match &v.value {
                Some(bytes) => enc.string(bytes),
                None => {
                    enc.token("NIL");
                    Ok(())
                }
            }
        })
    })
}
