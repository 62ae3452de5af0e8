//! ANNOTATE (RFC 5257): the argument of the ANNOTATION fetch attribute.

use crate::types::AnnotationFetch;

use super::{search_arg, EncodeError, Encoder};

/// `"(" entries SP attribs ")"`, both as lists of astrings (at least one
/// name each).
pub fn annotation_fetch(enc: &mut Encoder, value: &AnnotationFetch) -> Result<(), EncodeError> {
    search_arg(enc, &value.clone().into_search_arg())
}
