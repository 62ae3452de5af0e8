//! The arguments whose form changes once `UTF8=ACCEPT` is enabled
//! (RFC 6855): an APPEND's message, and the charsets of SEARCH, SORT and
//! THREAD.
//!
//! The signatures are the vocabulary's `fn(&mut Encoder, &Arg)`, with the
//! builders' stored types.
#![allow(clippy::ptr_arg)]

use crate::codec::encode::{astring, EncodeError, Encoder};
use crate::types::MessageData;

/// `append-data`: the message as a literal (a binary literal `~{n}` with
/// [`MessageData::binary`], RFC 3516); once UTF-8 is enabled, as `UTF8
/// (~{n}...)` (RFC 6855 section 4), the form whose header fields may hold
/// UTF-8, as imaplib sends it. An external message's bytes are the
/// driver's to copy ([`Encoder::external_literal`]).
pub fn append_message(enc: &mut Encoder, message: &MessageData) -> Result<(), EncodeError> {
    let utf8 = enc.options().utf8_accept;
    let literal8 = utf8 || message.is_binary();
    if utf8 {
        enc.token("UTF8 (");
    }
    match message.bytes() {
        Some(bytes) if literal8 => enc.literal8(bytes)?,
        Some(bytes) => enc.literal(bytes)?,
        None => enc.external_literal(message.len(), literal8),
    }
    if utf8 {
        enc.token(")");
    }
    Ok(())
}

/// SEARCH's optional `CHARSET`: refused once UTF-8 is enabled, when a
/// client "MUST NOT issue a SEARCH command that contains a charset
/// specification" (RFC 6855 section 3, erratum 4029); strings are UTF-8
/// then.
pub fn search_charset(enc: &mut Encoder, charset: &String) -> Result<(), EncodeError> {
    if enc.options().utf8_accept {
        return Err(EncodeError::Invalid {
            what: "charset",
            value: charset.clone(),
            reason: "UTF8=ACCEPT is enabled: a SEARCH must not name a charset (RFC 6855 \
                     section 3); leave it out, strings are sent as UTF-8"
                .into(),
        });
    }
    astring(enc, charset)
}

/// The mandatory charset of SORT and THREAD: only `UTF-8` once UTF-8 is
/// enabled (RFC 6855 erratum 4029: servers reject others with BAD).
pub fn charset(enc: &mut Encoder, charset: &String) -> Result<(), EncodeError> {
    if enc.options().utf8_accept && !charset.eq_ignore_ascii_case("UTF-8") {
        return Err(EncodeError::Invalid {
            what: "charset",
            value: charset.clone(),
            reason: "UTF8=ACCEPT is enabled: the charset must be UTF-8 (RFC 6855 erratum 4029)"
                .into(),
        });
    }
    astring(enc, charset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::encode::{to_bytes, EncodeOptions, Fragment};

    /// Encoded with UTF8=ACCEPT enabled or not.
    fn encoded(
        utf8_accept: bool,
        f: impl FnOnce(&mut Encoder) -> Result<(), EncodeError>,
    ) -> Result<String, EncodeError> {
        encoded_in(utf8_accept, utf8_accept, f)
    }

    fn encoded_in(
        utf8: bool,
        utf8_accept: bool,
        f: impl FnOnce(&mut Encoder) -> Result<(), EncodeError>,
    ) -> Result<String, EncodeError> {
        let mut enc = Encoder::new(EncodeOptions {
            utf8,
            utf8_accept,
            literal_plus: true,
            ..EncodeOptions::default()
        });
        f(&mut enc)?;
        Ok(String::from_utf8_lossy(&to_bytes(&enc.finish())).into_owned())
    }

    #[test]
    fn in_imap4rev2_a_message_is_a_plain_literal_and_charsets_are_free() {
        // UTF-8 names without UTF8=ACCEPT's APPEND and charset rules.
        assert_eq!(
            encoded_in(true, false, |enc| append_message(enc, &"hi".into())).unwrap(),
            "{2+}\r\nhi\r\n"
        );
        assert_eq!(
            encoded_in(true, false, |enc| search_charset(enc, &"UTF-8".into())).unwrap(),
            "UTF-8\r\n"
        );
        assert_eq!(
            encoded_in(true, false, |enc| charset(enc, &"ISO-8859-1".into())).unwrap(),
            "ISO-8859-1\r\n"
        );
    }

    #[test]
    fn a_message_is_a_plain_literal_without_utf8() {
        let wire = encoded(false, |enc| append_message(enc, &"hi".into())).unwrap();
        assert_eq!(wire, "{2+}\r\nhi\r\n");
    }

    #[test]
    fn a_message_goes_as_utf8_literal8_once_enabled() {
        let wire = encoded(true, |enc| append_message(enc, &"hi".into())).unwrap();
        assert_eq!(wire, "UTF8 (~{2+}\r\nhi)\r\n");
    }

    #[test]
    fn a_binary_message_is_a_literal8_and_may_hold_nul() {
        let message = MessageData::from(&b"a\0b"[..]).binary();
        let wire = encoded(false, |enc| append_message(enc, &message)).unwrap();
        assert_eq!(wire, "~{3+}\r\na\0b\r\n");
    }

    #[test]
    fn an_external_message_is_announced_and_left_to_the_driver() {
        let mut enc = Encoder::new(EncodeOptions::default());
        append_message(&mut enc, &MessageData::external(7)).unwrap();
        assert_eq!(
            enc.finish(),
            [
                Fragment::Line(b"{7}\r\n".to_vec()),
                Fragment::External { len: 7, sync: true },
                Fragment::Line(b"\r\n".to_vec()),
            ]
        );
    }

    #[test]
    fn a_search_charset_is_refused_once_utf8_is_enabled() {
        assert!(encoded(true, |enc| search_charset(enc, &"UTF-8".into())).is_err());
        assert_eq!(
            encoded(false, |enc| search_charset(enc, &"UTF-8".into())).unwrap(),
            "UTF-8\r\n"
        );
    }

    #[test]
    fn sort_and_thread_take_only_utf8_once_enabled() {
        assert!(encoded(true, |enc| charset(enc, &"ISO-8859-1".into())).is_err());
        assert_eq!(
            encoded(true, |enc| charset(enc, &"utf-8".into())).unwrap(),
            "utf-8\r\n"
        );
    }
}
