//! The wire at `TRACE` level, like imaplib's `debug`: every command line
//! the session sends and every response it receives, under the target
//! `typed_imap::wire`.
//!
//! Secrets never appear: the arguments of a login command (LOGIN's user
//! and password), AUTHENTICATE's initial response and every answer to a
//! SASL challenge are replaced by their length. Literals show as their
//! length and a short prefix, so a 50 MB message is one short line.
//! Nothing is formatted unless `TRACE` is enabled for the target.

use std::fmt::Write as _;

use crate::codec::encode::Fragment;
use crate::command::Behaviour;

/// The `tracing` target of the wire trace.
pub const TARGET: &str = "typed_imap::wire";

/// How many bytes of a literal the trace shows.
const LITERAL_PREFIX: usize = 24;

/// Whether the wire trace is on.
fn enabled() -> bool {
    tracing::enabled!(target: TARGET, tracing::Level::TRACE)
}

/// A command about to be sent: `tag`, `name`, and its fragments.
pub(super) fn command(tag: &str, name: &str, behaviour: Behaviour, fragments: &[Fragment]) {
    if !enabled() {
        return;
    }
    let shown = match behaviour {
        Behaviour::Login => format!("{tag} {name} <credentials: {} bytes>", size(fragments)),
        Behaviour::Authenticate => authenticate_line(fragments),
        _ => render_fragments(fragments),
    };
    tracing::trace!(target: TARGET, "C: {shown}");
}

/// An answer to a continuation request: a SASL response is a secret.
pub(super) fn sasl_answer(answer: &[u8]) {
    if enabled() {
        tracing::trace!(target: TARGET, "C: <SASL response: {} bytes>", answer.len());
    }
}

/// A line the session writes by itself (`DONE`).
pub(super) fn line(line: &[u8]) {
    if enabled() {
        tracing::trace!(target: TARGET, "C: {}", show(line.trim_ascii_end()));
    }
}

/// A response received (one frame, literals inline).
pub(super) fn response(frame: &[u8]) {
    if enabled() {
        tracing::trace!(target: TARGET, "S: {}", render(frame));
    }
}

/// `tag AUTHENTICATE MECHANISM`, and the initial response only by size.
fn authenticate_line(fragments: &[Fragment]) -> String {
    let line = fragments
        .first()
        .map(Fragment::as_bytes)
        .unwrap_or_default();
    let line = line.trim_ascii_end();
    let words: Vec<&[u8]> = line.splitn(4, |&b| b == b' ').collect();
    let head = words
        .iter()
        .take(3)
        .map(|word| show(word))
        .collect::<Vec<_>>()
        .join(" ");
    match words.get(3) {
        Some(initial) => format!("{head} <initial response: {} bytes>", initial.len()),
        None => head,
    }
}

fn size(fragments: &[Fragment]) -> usize {
    fragments
        .iter()
        .map(|fragment| fragment.as_bytes().len())
        .sum()
}

fn render_fragments(fragments: &[Fragment]) -> String {
    let mut out = String::new();
    for fragment in fragments {
        match fragment {
            Fragment::Line(line) => out.push_str(&show(line.trim_ascii_end())),
            Fragment::Literal { data, .. } => literal(&mut out, data),
            Fragment::External { len, .. } => {
                // Writing to a String cannot fail.
                let _ = write!(out, "<literal {len} bytes from the caller's source>");
            }
        }
    }
    out
}

/// A frame with each literal (announced by `{n}` CRLF at a line's end)
/// shown by its length and prefix.
fn render(frame: &[u8]) -> String {
    let mut out = String::new();
    let mut rest = frame;
    while !rest.is_empty() {
        let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |at| at + 1);
        let (line, after) = rest.split_at(end);
        let line = line.trim_ascii_end();
        out.push_str(&show(line));
        rest = after;
        if let Some(length) = announced(line) {
            let length = length.min(rest.len());
            let (data, after) = rest.split_at(length);
            literal(&mut out, data);
            rest = after;
        }
    }
    out
}

/// The length of a literal announced at the end of `line`: `{n}`,
/// `{n+}` or `~{n}`.
fn announced(line: &[u8]) -> Option<usize> {
    let inner = line.strip_suffix(b"}")?;
    let open = memchr::memrchr(b'{', inner)?;
    let digits = inner.get(open + 1..)?;
    let digits = digits.strip_suffix(b"+").unwrap_or(digits);
    std::str::from_utf8(digits).ok()?.parse().ok()
}

fn literal(out: &mut String, data: &[u8]) {
    let prefix = data.get(..LITERAL_PREFIX).unwrap_or(data);
    let more = if data.len() > prefix.len() { "..." } else { "" };
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "<literal {} bytes: \"{}\"{more}>",
        data.len(),
        show(prefix)
    );
}

/// Printable ASCII as it is, other bytes escaped (`\r`, `\xe9`).
fn show(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &byte in bytes {
        if byte == b' ' || byte.is_ascii_graphic() {
            out.push(char::from(byte));
        } else {
            out.extend(std::ascii::escape_default(byte).map(char::from));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_show_as_length_and_prefix() {
        let frame = b"* 1 FETCH (BODY[] {38}\r\nSubject: a long subject line here\r\n\r\nx)\r\n";
        assert_eq!(
            render(frame),
            "* 1 FETCH (BODY[] {38}<literal 38 bytes: \"Subject: a long subject \"...>)"
        );
    }

    #[test]
    fn a_short_literal_is_shown_whole() {
        assert_eq!(
            render(b"* LIST () \"/\" {3}\r\na b\r\n"),
            "* LIST () \"/\" {3}<literal 3 bytes: \"a b\">"
        );
    }

    #[test]
    fn an_announcement_longer_than_the_frame_does_not_panic() {
        assert!(render(b"* 1 FETCH (BODY[] {99}\r\nab").contains("<literal 2 bytes"));
    }

    #[test]
    fn binary_literal_and_literal_plus_are_recognised() {
        assert_eq!(announced(b"A1 APPEND x ~{12}"), Some(12));
        assert_eq!(announced(b"A1 LOGIN {5+}"), Some(5));
        assert_eq!(announced(b"* OK {x}"), None);
    }

    #[test]
    fn login_lines_show_only_their_size() {
        let shown = super::authenticate_line(&[Fragment::Line(
            b"A1 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==\r\n".to_vec(),
        )]);
        assert_eq!(shown, "A1 AUTHENTICATE PLAIN <initial response: 20 bytes>");
    }
}
