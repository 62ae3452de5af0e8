//! Bodies handed out as they arrive: a FETCH response's literal above a
//! command's threshold goes to the caller in chunks
//! ([`Event::BodyStart`](super::Event::BodyStart), `BodyChunk`, `BodyEnd`)
//! while the rest of the response is still being read.
//!
//! The literal is announced before its response is complete, so what it
//! belongs to is read from the response so far: `* 12 FETCH (UID 7
//! BODY[1.2] {5000000}` is message 12's `BODY[1.2]`.

/// The message and the item a streamed literal belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyStart {
    /// The message's sequence number.
    pub seq: u32,
    /// The item as the server named it (`BODY[]`, `BINARY[1]`,
    /// `BODY[HEADER.FIELDS (SUBJECT)]`, `RFC822`), empty if it could not
    /// be read.
    pub item: String,
    /// The announced size in bytes.
    pub size: u64,
}

impl BodyStart {
    /// Reads the message and item from the response so far, which ends
    /// with the literal's announcement rewritten to `{0}` CRLF (or
    /// `~{0}`): `* 12 FETCH (... BODY[1] {0}` CRLF.
    pub(super) fn from_prefix(prefix: &[u8], size: u64) -> Option<BodyStart> {
        let rest = prefix.strip_prefix(b"* ")?;
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        let seq = std::str::from_utf8(rest.get(..digits)?)
            .ok()?
            .parse()
            .ok()?;
        Some(BodyStart {
            seq,
            item: item_name(prefix).unwrap_or_default(),
            size,
        })
    }
}

/// The item name right before the literal: `BODY[HEADER.FIELDS (A B)]<0>`
/// may hold spaces inside its brackets.
fn item_name(prefix: &[u8]) -> Option<String> {
    let head = prefix.strip_suffix(b"{0}\r\n")?;
    let head = head.strip_suffix(b"~").unwrap_or(head);
    let head = head.strip_suffix(b" ")?;
    let mut depth = 0usize;
    let mut start = head.len();
    for (index, byte) in head.iter().enumerate().rev() {
        match byte {
            b']' | b'>' => depth += 1,
            b'[' | b'<' => depth = depth.saturating_sub(1),
            b' ' | b'(' if depth == 0 => break,
            _ => {}
        }
        start = index;
    }
    let name = head.get(start..)?;
    (!name.is_empty()).then(|| String::from_utf8_lossy(name).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start(prefix: &str) -> Option<BodyStart> {
        BodyStart::from_prefix(prefix.as_bytes(), 9)
    }

    #[test]
    fn the_message_and_item_before_the_literal() {
        assert_eq!(
            start("* 12 FETCH (UID 7 BODY[1.2] {0}\r\n"),
            Some(BodyStart {
                seq: 12,
                item: "BODY[1.2]".into(),
                size: 9
            })
        );
        assert_eq!(start("* 3 FETCH (BODY[] {0}\r\n").unwrap().item, "BODY[]");
        assert_eq!(start("* 3 FETCH (RFC822 {0}\r\n").unwrap().item, "RFC822");
        assert_eq!(
            start("* 3 FETCH (BINARY[2] ~{0}\r\n").unwrap().item,
            "BINARY[2]"
        );
    }

    #[test]
    fn brackets_with_spaces_and_partial_origins() {
        assert_eq!(
            start("* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT DATE)] {0}\r\n")
                .unwrap()
                .item,
            "BODY[HEADER.FIELDS (SUBJECT DATE)]"
        );
        assert_eq!(
            start("* 1 FETCH (FLAGS (\\Seen) BODY[]<100> {0}\r\n")
                .unwrap()
                .item,
            "BODY[]<100>"
        );
    }

    #[test]
    fn a_response_that_is_no_message_data_gives_nothing() {
        assert_eq!(start("* LIST () \"/\" {0}\r\n"), None);
        assert_eq!(start("garbage"), None);
    }

    #[test]
    fn an_unreadable_item_is_empty_not_an_error() {
        assert_eq!(start("* 4 FETCH ({0}\r\n").unwrap().item, "");
    }
}
