//! METADATA (RFC 5464): GETMETADATA's options and entries, SETMETADATA's
//! entry values.
// The signatures take `&Vec<_>`: the contract is `fn(&mut Encoder, &T)`.
#![allow(clippy::ptr_arg)]

use crate::codec::encode::encoder::Encoder;
use crate::codec::encode::error::EncodeError;
use crate::types::{MetadataDepth, MetadataEntry, MetadataOptions};

/// `getmetadata-options = "(" option *(SP option) ")"`, with
/// `MAXSIZE n` and `DEPTH 0/1/infinity`; refused when neither is set.
pub fn metadata_options(enc: &mut Encoder, value: &MetadataOptions) -> Result<(), EncodeError> {
    let mut options = Vec::new();
    if let Some(size) = value.max_size {
        options.push(format!("MAXSIZE {size}"));
    }
    if let Some(depth) = value.depth {
        options.push(
            match depth {
                MetadataDepth::Zero => "DEPTH 0",
                MetadataDepth::One => "DEPTH 1",
                MetadataDepth::Infinity => "DEPTH infinity",
            }
            .to_owned(),
        );
    }
    if options.is_empty() {
        return Err(EncodeError::Invalid {
            what: "getmetadata-options",
            value: "()".into(),
            reason: "give MAXSIZE or DEPTH, or leave the options out".into(),
        });
    }
    enc.token(&format!("({})", options.join(" ")));
    Ok(())
}

/// `entries = entry / "(" entry *(SP entry) ")"`: one entry bare, several
/// in parentheses; at least one.
pub fn metadata_entries(enc: &mut Encoder, value: &Vec<String>) -> Result<(), EncodeError> {
    match value.as_slice() {
        [] => Err(EncodeError::Invalid {
            what: "entries",
            value: "()".into(),
            reason: "GETMETADATA needs at least one entry".into(),
        }),
        [one] => enc.astring(one.as_bytes()),
        many => enc.list(many, |enc, entry| enc.astring(entry.as_bytes())),
    }
}

/// LIST-METADATA's entries (RFC 9590): `"(" entry *(SP entry) ")"`, in
/// parentheses even when there is one (the form both RFC 5464's `entries`
/// and RFC 9590's return option accept); at least one.
pub fn metadata_entry_list(enc: &mut Encoder, value: &Vec<String>) -> Result<(), EncodeError> {
    if value.is_empty() {
        return Err(EncodeError::Invalid {
            what: "entries",
            value: "()".into(),
            reason: "the METADATA return option needs at least one entry".into(),
        });
    }
    enc.list(value, |enc, entry| enc.astring(entry.as_bytes()))
}

/// `entry-values = "(" entry SP value *(SP entry SP value) ")"`: a value
/// is NIL (delete), a string (quoted, or a literal for CR, LF, 8-bit or
/// length) or a literal8 when it holds NUL; at least one.
pub fn metadata_values(enc: &mut Encoder, value: &Vec<MetadataEntry>) -> Result<(), EncodeError> {
    if value.is_empty() {
        return Err(EncodeError::Invalid {
            what: "entry-values",
            value: "()".into(),
            reason: "SETMETADATA needs at least one entry".into(),
        });
    }
    enc.list(value, |enc, entry| {
        enc.astring(entry.name.as_bytes())?;
        enc.sp();
        match &entry.value {
            None => {
                enc.token("NIL");
                Ok(())
            }
            Some(bytes) if bytes.contains(&0) => enc.literal8(bytes),
            Some(bytes) => enc.string(bytes),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::encode::{to_bytes, EncodeOptions};

    fn wire(
        f: impl FnOnce(&mut Encoder) -> Result<(), EncodeError>,
    ) -> Result<Vec<u8>, EncodeError> {
        let mut enc = Encoder::new(EncodeOptions::default());
        f(&mut enc)?;
        Ok(to_bytes(&enc.finish()))
    }

    #[test]
    fn values_nil_quoted_literal_and_literal8() {
        let values = vec![
            MetadataEntry::remove("/private/a"),
            MetadataEntry::new("/private/b", "two words"),
            MetadataEntry::new("/private/c", "x\r\ny"),
            MetadataEntry::new("/private/d", &b"\0"[..]),
        ];
        let bytes = wire(|enc| metadata_values(enc, &values)).unwrap();
        assert_eq!(
            bytes,
            b"(/private/a NIL /private/b \"two words\" /private/c {4}\r\nx\r\ny /private/d ~{1}\r\n\0)\r\n"
        );
    }

    #[test]
    fn options_and_entries() {
        let options = MetadataOptions::default()
            .max_size(1024)
            .depth(MetadataDepth::Infinity);
        let bytes = wire(|enc| metadata_options(enc, &options)).unwrap();
        assert_eq!(bytes, b"(MAXSIZE 1024 DEPTH infinity)\r\n");
        assert!(wire(|enc| metadata_options(enc, &MetadataOptions::default())).is_err());
        let one = wire(|enc| metadata_entries(enc, &vec!["/shared/comment".into()])).unwrap();
        assert_eq!(one, b"/shared/comment\r\n");
        let two = vec!["/a".to_owned(), "/b".to_owned()];
        assert_eq!(
            wire(|enc| metadata_entries(enc, &two)).unwrap(),
            b"(/a /b)\r\n"
        );
        assert!(wire(|enc| metadata_entries(enc, &Vec::new())).is_err());
    }
}
