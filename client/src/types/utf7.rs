//! Modified UTF-7, the encoding of mailbox names on the wire (RFC 3501
//! section 5.1.3).
//!
//! ```text
//! In modified UTF-7, printable US-ASCII characters, except for "&",
//! represent themselves; that is, characters with octet values 0x20-0x25
//! and 0x27-0x7e.  The character "&" (0x26) is represented by the
//! two-octet sequence "&-".
//!
//! All other characters (octet values 0x00-0x1f and 0x7f-0xff) are
//! represented in modified BASE64, with a further modification from
//! [UTF-7] that "," is used instead of "/".
//! ```
//!
//! [`encode`] always produces the one canonical form. [`decode`] is strict:
//! it accepts only the canonical form, so that a decoded name encodes back
//! to exactly the bytes the server sent. [`decode_lossy`] never fails; it
//! replaces what it cannot decode with U+FFFD.

use std::fmt;

/// The modified BASE64 alphabet: standard BASE64 with `,` in place of `/`.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/// Why a byte string is not canonical modified UTF-7.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not modified UTF-7 at byte {offset}: {reason}")]
pub struct Utf7Error {
    /// Offset of the offending byte in the input.
    pub offset: usize,
    /// What was wrong there.
    pub reason: &'static str,
}

/// Whether `c` stands for itself in modified UTF-7 (printable US-ASCII but `&`).
fn is_direct(c: u32) -> bool {
    (0x20..=0x7e).contains(&c) && c != u32::from(b'&')
}

/// Encodes a mailbox name in modified UTF-7.
///
/// ```
/// use typed_imap::types::utf7;
/// assert_eq!(utf7::encode("~peter/mail/台北/日本語"), "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
/// assert_eq!(utf7::encode("Tom & Jerry"), "Tom &- Jerry");
/// ```
pub fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending: Vec<u16> = Vec::new();
    for c in name.chars() {
        if is_direct(u32::from(c)) {
            flush_base64(&mut pending, &mut out);
            out.push(c);
        } else if c == '&' {
            flush_base64(&mut pending, &mut out);
            out.push_str("&-");
        } else {
            let mut units = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut units));
        }
    }
    flush_base64(&mut pending, &mut out);
    out
}

/// Writes `&`, the UTF-16BE of `units` in modified BASE64, and `-`.
fn flush_base64(units: &mut Vec<u16>, out: &mut String) {
    if units.is_empty() {
        return;
    }
    out.push('&');
    let mut bits: u32 = 0;
    let mut nbits = 0u32;
    for byte in units.iter().flat_map(|u| u.to_be_bytes()) {
        bits = (bits << 8) | u32::from(byte);
        nbits += 8;
        while nbits >= 6 {
            nbits -= 6;
            out.push(sextet_char(bits >> nbits));
        }
        bits &= (1 << nbits) - 1;
    }
    if nbits > 0 {
        out.push(sextet_char(bits << (6 - nbits)));
    }
    out.push('-');
    units.clear();
}

fn sextet_char(value: u32) -> char {
    // `value & 63` always indexes the 64-entry alphabet.
    char::from(ALPHABET[(value & 63) as usize])
}

fn sextet_value(byte: u8) -> Option<u32> {
    let value = match byte {
        b'A'..=b'Z' => byte - b'A',
        b'a'..=b'z' => byte - b'a' + 26,
        b'0'..=b'9' => byte - b'0' + 52,
        b'+' => 62,
        b',' => 63,
        _ => return None,
    };
    Some(u32::from(value))
}

/// Decodes canonical modified UTF-7.
///
/// Refused: bytes outside printable US-ASCII, a bare `&`, a shift sequence
/// that is not closed by `-`, a BASE64 run that encodes printable US-ASCII
/// or an unpaired surrogate, non-zero padding bits, and any other form that
/// [`encode`] would not have produced (two adjacent shift sequences, say).
/// So `encode(&decode(x)?) == x` whenever `decode` succeeds.
///
/// ```
/// use typed_imap::types::utf7;
/// assert_eq!(utf7::decode(b"&ZeVnLIqe-").unwrap(), "日本語");
/// assert!(utf7::decode(b"&Jjo!").is_err());
/// ```
pub fn decode(bytes: &[u8]) -> Result<String, Utf7Error> {
    let decoded = decode_with(bytes, Mode::Strict)?;
    // The pieces above reject most non-canonical input; this catches the
    // rest (for example `&AGE-&AGE-`, which encode would merge).
    if encode(&decoded).as_bytes() != bytes {
        return Err(Utf7Error {
            offset: 0,
            reason: "not the canonical encoding of the name it decodes to",
        });
    }
    Ok(decoded)
}

/// Decodes modified UTF-7 as well as it can: stray ASCII controls are kept,
/// raw UTF-8 is decoded, BASE64 of printable ASCII is taken at its word,
/// and what cannot be decoded becomes U+FFFD.
///
/// ```
/// use typed_imap::types::utf7;
/// assert_eq!(utf7::decode_lossy(b"a&Jjo!"), "a\u{FFFD}!");
/// ```
pub fn decode_lossy(bytes: &[u8]) -> String {
    match decode_with(bytes, Mode::Lossy) {
        Ok(s) => s,
        // Lossy mode never reports an error; keep a total fallback anyway.
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Strict,
    Lossy,
}

fn decode_with(bytes: &[u8], mode: Mode) -> Result<String, Utf7Error> {
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte == b'&' {
            let run_start = i + 1;
            let run_len = bytes
                .get(run_start..)
                .unwrap_or_default()
                .iter()
                .take_while(|&&b| sextet_value(b).is_some())
                .count();
            let run_end = run_start + run_len;
            if bytes.get(run_end) != Some(&b'-') {
                fail(mode, run_end, "shift sequence not closed by '-'", &mut out)?;
                i = run_end;
                continue;
            }
            if run_len == 0 {
                out.push('&');
            } else {
                let run = bytes.get(run_start..run_end).unwrap_or_default();
                decode_run(run, run_start, mode, &mut out)?;
            }
            i = run_end + 1;
        } else if (0x20..=0x7e).contains(&byte) {
            out.push(char::from(byte));
            i += 1;
        } else if mode == Mode::Lossy {
            i += push_stray(bytes.get(i..).unwrap_or_default(), &mut out);
        } else {
            return Err(Utf7Error {
                offset: i,
                reason: "byte outside printable US-ASCII",
            });
        }
    }
    Ok(out)
}

/// Lossy mode, a byte that modified UTF-7 does not allow: an ASCII control
/// (a TAB a server sent as is) is kept; raw UTF-8 (a server that ignored
/// modified UTF-7) is decoded; anything else becomes U+FFFD. Returns how
/// many bytes were used (at least 1).
fn push_stray(rest: &[u8], out: &mut String) -> usize {
    let Some(&first) = rest.first() else {
        return 1;
    };
    if first.is_ascii() {
        out.push(char::from(first));
        return 1;
    }
    let width = match first {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => 0,
    };
    let decoded = rest
        .get(..width)
        .and_then(|bytes| std::str::from_utf8(bytes).ok())
        .and_then(|s| s.chars().next());
    match decoded {
        Some(c) => {
            out.push(c);
            width
        }
        None => {
            out.push(char::REPLACEMENT_CHARACTER);
            1
        }
    }
}

/// In strict mode an error; in lossy mode a U+FFFD in the output.
fn fail(
    mode: Mode,
    offset: usize,
    reason: &'static str,
    out: &mut String,
) -> Result<(), Utf7Error> {
    match mode {
        Mode::Strict => Err(Utf7Error { offset, reason }),
        Mode::Lossy => {
            out.push(char::REPLACEMENT_CHARACTER);
            Ok(())
        }
    }
}

/// Decodes one modified BASE64 run (between `&` and `-`) as UTF-16BE.
fn decode_run(run: &[u8], offset: usize, mode: Mode, out: &mut String) -> Result<(), Utf7Error> {
    let mut bits: u32 = 0;
    let mut nbits = 0u32;
    let mut units: Vec<u16> = Vec::with_capacity(run.len() * 6 / 16);
    for &b in run {
        let value = sextet_value(b).unwrap_or(0);
        bits = (bits << 6) | value;
        nbits += 6;
        if nbits >= 16 {
            nbits -= 16;
            units.push(((bits >> nbits) & 0xffff) as u16);
        }
        bits &= (1 << nbits) - 1;
    }
    // Canonical padding: fewer than 6 leftover bits, all zero.
    if nbits >= 6 || bits != 0 {
        fail(mode, offset + run.len(), "BASE64 run has bad padding", out)?;
    }
    for (k, decoded) in char::decode_utf16(units.iter().copied()).enumerate() {
        match decoded {
            Ok(c) if is_direct(u32::from(c)) || c == '&' => {
                fail(mode, offset, "BASE64 run encodes printable US-ASCII", out)?;
                if mode == Mode::Lossy {
                    // Keep the character: it is what the server meant.
                    out.pop();
                    out.push(c);
                }
            }
            Ok(c) => out.push(c),
            Err(_) => fail(mode, offset + k, "unpaired UTF-16 surrogate", out)?,
        }
    }
    Ok(())
}

/// A displayable wrapper showing a mailbox name's modified UTF-7 form.
#[derive(Debug, Clone, Copy)]
pub struct Encoded<'a>(pub &'a str);

impl fmt::Display for Encoded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&encode(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_3501_example_encodes() {
        assert_eq!(
            encode("~peter/mail/台北/日本語"),
            "~peter/mail/&U,BTFw-/&ZeVnLIqe-"
        );
    }

    #[test]
    fn rfc_3501_example_decodes() {
        assert_eq!(
            decode(b"~peter/mail/&U,BTFw-/&ZeVnLIqe-").unwrap(),
            "~peter/mail/台北/日本語"
        );
    }

    #[test]
    fn ampersand_is_ampersand_dash() {
        assert_eq!(encode("&"), "&-");
        assert_eq!(decode(b"&-").unwrap(), "&");
    }

    #[test]
    fn control_characters_are_base64_encoded() {
        assert_eq!(encode("a\tb"), "a&AAk-b");
        assert_eq!(encode("\r\n"), "&AA0ACg-");
    }

    #[test]
    fn astral_character_is_a_surrogate_pair() {
        let encoded = encode("😀");
        assert_eq!(encoded, "&2D3eAA-");
        assert_eq!(decode(encoded.as_bytes()).unwrap(), "😀");
    }

    #[test]
    fn rfc_3501_counterexamples_are_refused() {
        // From RFC 3501 5.1.3: "&Jjo!" (unterminated) and
        // "&U,BTFw-&ZeVnLIqe-" (adjacent shifts) are not valid.
        assert!(decode(b"&Jjo!").is_err());
        assert!(decode(b"&U,BTFw-&ZeVnLIqe-").is_err());
    }

    #[test]
    fn base64_of_printable_ascii_is_refused() {
        // "&AGE-" is "a" in BASE64.
        assert!(decode(b"&AGE-").is_err());
        assert_eq!(decode_lossy(b"&AGE-"), "a");
    }

    #[test]
    fn raw_eight_bit_is_refused_strictly_and_replaced_lossily() {
        assert!(decode("é".as_bytes()).is_err());
        assert_eq!(decode_lossy(b"a\xffb"), "a\u{FFFD}b");
        assert_eq!(decode_lossy(b"a\xc3b"), "a\u{FFFD}b");
    }

    #[test]
    fn raw_utf8_is_decoded_lossily() {
        assert_eq!(decode_lossy("Entwürfe".as_bytes()), "Entwürfe");
    }

    #[test]
    fn raw_ascii_control_is_kept_lossily() {
        assert!(decode(b"a\tb").is_err());
        assert_eq!(decode_lossy(b"a\tb"), "a\tb");
    }

    #[test]
    fn nonzero_padding_bits_are_refused() {
        // "&U,BTFx-": last sextet carries non-zero padding bits.
        assert!(decode(b"&U,BTFx-").is_err());
    }

    #[test]
    fn unpaired_surrogate_is_refused() {
        // 0xD83D alone.
        assert!(decode(b"&2D0-").is_err());
    }
}
