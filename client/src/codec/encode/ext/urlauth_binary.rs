//! URLAUTH=BINARY (RFC 5524): the form of URLFETCH's data.

use crate::codec::encode::encoder::Encoder;
use crate::codec::encode::error::EncodeError;
use crate::types::UrlFetchForm;

/// `"BINARY" / "BODY"` in `url-fetch-args`.
pub fn url_fetch_form(enc: &mut Encoder, value: &UrlFetchForm) -> Result<(), EncodeError> {
    enc.token(value.name());
    Ok(())
}
