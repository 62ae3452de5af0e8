//! The encoder: the string forms of RFC 3501 and the fragments they yield.

use std::fmt;

use super::error::{show, EncodeError, HIDDEN};
use crate::types::flag::is_atom_char;

/// A piece of a command as it goes to the wire.
///
/// Its `Debug` shows the bytes escaped (`Line("A1 LOGIN {3}\r\n")`), so
/// do not log fragments of commands that carry secrets.
#[derive(Clone, PartialEq, Eq)]
pub enum Fragment {
    /// Bytes to write as they are. A line that announces a synchronising
    /// literal ends with `{n}\r\n`; the next fragment is that literal.
    Line(Vec<u8>),
    /// Literal data. `sync == true`: wait for a `+` continuation before writing it.
    Literal {
        /// The literal's bytes.
        data: Vec<u8>,
        /// Whether the server's `+` must be awaited first.
        sync: bool,
    },
    /// Literal data the driver copies from a source of its own (a file
    /// being appended) when the session asks, never held in memory.
    External {
        /// How many bytes the literal announced.
        len: u64,
        /// Whether the server's `+` must be awaited first.
        sync: bool,
    },
}

impl Fragment {
    /// The bytes of this fragment.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Fragment::Line(bytes) => bytes,
            Fragment::Literal { data, .. } => data,
            Fragment::External { .. } => &[],
        }
    }
}

impl fmt::Debug for Fragment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fragment::Line(bytes) => write!(f, "Line(\"{}\")", bytes.escape_ascii()),
            Fragment::Literal { data, sync } => {
                write!(
                    f,
                    "Literal {{ data: \"{}\", sync: {sync} }}",
                    data.escape_ascii()
                )
            }
            Fragment::External { len, sync } => {
                write!(f, "External {{ len: {len}, sync: {sync} }}")
            }
        }
    }
}

/// All fragments joined: the bytes the server receives in the end.
pub fn to_bytes(fragments: &[Fragment]) -> Vec<u8> {
    fragments
        .iter()
        .flat_map(|f| f.as_bytes())
        .copied()
        .collect()
}

/// What the server allows, which changes how strings are sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct EncodeOptions {
    /// `LITERAL+` (RFC 7888): every literal may be non-synchronising, `{n+}`.
    pub literal_plus: bool,
    /// `LITERAL-` (RFC 7888): literals up to 4096 bytes may be `{n+}`.
    pub literal_minus: bool,
    /// A mode with UTF-8 in force (`UTF8=ACCEPT` enabled, RFC 6855, or
    /// IMAP4rev2, RFC 9051): quoted strings may hold UTF-8 and mailbox
    /// names travel as UTF-8.
    pub utf8: bool,
    /// `UTF8=ACCEPT` enabled: RFC 6855's rules for APPEND (`UTF8
    /// (~{n})`) and charsets (none for SEARCH, only `UTF-8` for SORT and
    /// THREAD).
    pub utf8_accept: bool,
    /// `APPENDLIMIT=n` (RFC 7889): a literal larger than `n` goes
    /// synchronising even with LITERAL+, so that the server can refuse it
    /// with `NO [TOOBIG]` before it is sent; sent at once, the server must
    /// read it whole or close the connection (RFC 7888 section 4), and
    /// Cyrus closes.
    pub append_limit: Option<u64>,
}

/// Largest literal LITERAL- lets a client send without waiting (RFC 7888).
const LITERAL_MINUS_MAX: usize = 4096;

/// Longest string sent as an atom or quoted string; a longer one goes as a
/// literal. RFC 7162 section 4 asks clients to keep command lines to about
/// 8192 octets, and servers cap lines (Dovecot at 64 KiB), while a literal's
/// length is not part of the line.
pub const INLINE_MAX: usize = 1024;

/// A number's decimal digits, written into a stack buffer: `to_string`
/// or `format!` would allocate a String for each number of every command
/// (and its tag).
pub(crate) struct Decimal {
    /// The digits, right-aligned (u64::MAX has 20).
    digits: [u8; 20],
    /// Where the first digit is.
    start: usize,
}

impl Decimal {
    /// The digits of `n`.
    pub(crate) fn new(mut n: u64) -> Self {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        for slot in digits.iter_mut().rev() {
            // n % 10 < 10: a digit.
            *slot = b'0' + (n % 10) as u8;
            start -= 1;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        Decimal { digits, start }
    }

    /// The digits, ASCII.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.digits.get(self.start..).unwrap_or_default()
    }
}

/// Bytes a command line is given room for before its first argument.
const LINE_START: usize = 48;

/// How a string goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Quoted,
    Literal,
}

/// Builds one command as fragments. Writes nothing anywhere: the session
/// sends the fragments, waiting for `+` before each synchronising literal.
///
/// Its `Debug` shows only sizes, never the bytes (a password may be among
/// them).
#[derive(Clone)]
pub struct Encoder {
    options: EncodeOptions,
    fragments: Vec<Fragment>,
    line: Vec<u8>,
}

impl Encoder {
    /// An encoder for a server with these capabilities.
    pub fn new(options: EncodeOptions) -> Self {
        Encoder {
            options,
            fragments: Vec::new(),
            // Room for a typical command line at once: growing from empty
            // takes three or four reallocations for `UID FETCH n (FLAGS)`.
            line: Vec::with_capacity(LINE_START),
        }
    }

    /// An encoder whose first line starts with `tag SP`: the session
    /// encodes a command behind its tag instead of copying the line
    /// behind the tag afterwards.
    pub(crate) fn tagged(options: EncodeOptions, tag: &str) -> Self {
        let mut line = Vec::with_capacity(tag.len() + 1 + LINE_START);
        line.extend_from_slice(tag.as_bytes());
        line.push(b' ');
        Encoder {
            options,
            fragments: Vec::new(),
            line,
        }
    }

    /// The options this encoder was made with.
    pub fn options(&self) -> EncodeOptions {
        self.options
    }

    /// A protocol token from the spec, written verbatim (`UID FETCH`, `(`).
    pub fn token(&mut self, token: &str) {
        self.line.extend_from_slice(token.as_bytes());
    }

    /// A space.
    pub fn sp(&mut self) {
        self.line.push(b' ');
    }

    /// A number in decimal.
    pub fn number(&mut self, n: u64) {
        self.line.extend_from_slice(Decimal::new(n).as_bytes());
    }

    /// An atom; refuses an empty one and atom-specials, controls and 8-bit.
    pub fn atom(&mut self, s: &str) -> Result<(), EncodeError> {
        self.atom_as("atom", s)
    }

    pub(crate) fn atom_as(&mut self, what: &'static str, s: &str) -> Result<(), EncodeError> {
        crate::types::flag::check_atom(s).map_err(|reason| EncodeError::NotAtom {
            what,
            value: show(s.as_bytes()),
            reason,
        })?;
        self.token(s);
        Ok(())
    }

    /// An astring: an atom when the bytes allow, else a quoted string, else
    /// a literal (also when longer than [`INLINE_MAX`]). NUL is refused.
    pub fn astring(&mut self, s: &[u8]) -> Result<(), EncodeError> {
        self.astring_as("astring", s, is_astring_char)
    }

    /// An astring whose atom form may use `chars` (ASTRING-CHAR, or
    /// list-char for LIST patterns).
    pub(crate) fn astring_as(
        &mut self,
        what: &'static str,
        s: &[u8],
        chars: fn(u8) -> bool,
    ) -> Result<(), EncodeError> {
        check_nul(what, s, false)?;
        if !s.is_empty() && s.len() <= INLINE_MAX && s.iter().all(|&b| chars(b)) {
            self.line.extend_from_slice(s);
            return Ok(());
        }
        self.write_string(s, self.form(s));
        Ok(())
    }

    /// A string: quoted when the bytes allow, else a literal (also when
    /// longer than [`INLINE_MAX`]). NUL is refused.
    pub fn string(&mut self, s: &[u8]) -> Result<(), EncodeError> {
        self.string_as("string", s, false)
    }

    /// A string that is never an atom; with `secret`, errors hide it.
    pub(crate) fn string_as(
        &mut self,
        what: &'static str,
        s: &[u8],
        secret: bool,
    ) -> Result<(), EncodeError> {
        check_nul(what, s, secret)?;
        self.write_string(s, self.form(s));
        Ok(())
    }

    /// A literal, `{n}` (or `{n+}` when the server allows). NUL is refused.
    pub fn literal(&mut self, data: &[u8]) -> Result<(), EncodeError> {
        check_nul("literal", data, false)?;
        self.write_literal("", data);
        Ok(())
    }

    /// A literal8, `~{n}` (RFC 3516): any bytes, NUL included.
    pub fn literal8(&mut self, data: &[u8]) -> Result<(), EncodeError> {
        self.write_literal("~", data);
        Ok(())
    }

    /// A literal (a literal8 with `literal8`) of `len` bytes that the
    /// driver copies from its own source when the session asks
    /// ([`Fragment::External`]): a message far larger than memory.
    pub fn external_literal(&mut self, len: u64, literal8: bool) {
        let sync = self.literal_sync(len);
        self.announce(if literal8 { "~" } else { "" }, len, sync);
        self.fragments.push(Fragment::External { len, sync });
    }

    /// Writes `items` separated by spaces inside parentheses.
    pub fn list<T>(
        &mut self,
        items: &[T],
        mut each: impl FnMut(&mut Encoder, &T) -> Result<(), EncodeError>,
    ) -> Result<(), EncodeError> {
        self.token("(");
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.sp();
            }
            each(self, item)?;
        }
        self.token(")");
        Ok(())
    }

    /// Ends the command with CRLF and returns its fragments.
    pub fn finish(mut self) -> Vec<Fragment> {
        self.line.extend_from_slice(b"\r\n");
        self.fragments.push(Fragment::Line(self.line));
        self.fragments
    }

    /// The form a non-atom string needs.
    fn form(&self, s: &[u8]) -> Form {
        if s.len() > INLINE_MAX {
            return Form::Literal;
        }
        let plain = s
            .iter()
            .all(|&b| matches!(b, 0x01..=0x7f) && b != b'\r' && b != b'\n');
        if plain {
            return Form::Quoted;
        }
        // RFC 6855: with UTF8=ACCEPT a quoted string may hold UTF-8.
        let utf8_quotable = self.options.utf8
            && std::str::from_utf8(s).is_ok()
            && !s.contains(&b'\r')
            && !s.contains(&b'\n');
        if utf8_quotable {
            Form::Quoted
        } else {
            Form::Literal
        }
    }

    fn write_string(&mut self, s: &[u8], form: Form) {
        match form {
            Form::Quoted => self.write_quoted(s),
            Form::Literal => self.write_literal("", s),
        }
    }

    fn write_quoted(&mut self, s: &[u8]) {
        self.line.push(b'"');
        for &b in s {
            if b == b'"' || b == b'\\' {
                self.line.push(b'\\');
            }
            self.line.push(b);
        }
        self.line.push(b'"');
    }

    /// Writes the announcement, closes the line, and adds the literal.
    fn write_literal(&mut self, prefix: &str, data: &[u8]) {
        let len = u64::try_from(data.len()).unwrap_or(u64::MAX);
        let sync = self.literal_sync(len);
        self.announce(prefix, len, sync);
        self.fragments.push(Fragment::Literal {
            data: data.to_vec(),
            sync,
        });
    }

    /// Whether a literal of `len` bytes must wait for the server's `+`:
    /// unless LITERAL+ (or LITERAL- up to 4096 bytes) allows otherwise, and
    /// always above the server's APPENDLIMIT.
    fn literal_sync(&self, len: u64) -> bool {
        let over_limit = self.options.append_limit.is_some_and(|limit| len > limit);
        over_limit
            || !(self.options.literal_plus
                || (self.options.literal_minus && len <= LITERAL_MINUS_MAX as u64))
    }

    /// Ends the line with a literal's announcement, `{n}` or `{n+}`.
    fn announce(&mut self, prefix: &str, len: u64, sync: bool) {
        let plus = if sync { "" } else { "+" };
        let announce = format!("{prefix}{{{len}{plus}}}\r\n");
        self.line.extend_from_slice(announce.as_bytes());
        let line = std::mem::take(&mut self.line);
        self.fragments.push(Fragment::Line(line));
    }
}

impl fmt::Debug for Encoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Encoder")
            .field("options", &self.options)
            .field("fragments", &self.fragments.len())
            .field("line_bytes", &self.line.len())
            .finish()
    }
}

/// ASTRING-CHAR: ATOM-CHAR or `]`.
pub(crate) fn is_astring_char(b: u8) -> bool {
    is_atom_char(b) || b == b']'
}

/// list-char: ATOM-CHAR, list-wildcards (`%`, `*`) or `]`.
pub(crate) fn is_list_char(b: u8) -> bool {
    is_astring_char(b) || b == b'%' || b == b'*'
}

fn check_nul(what: &'static str, s: &[u8], secret: bool) -> Result<(), EncodeError> {
    match s.iter().position(|&b| b == 0) {
        None => Ok(()),
        Some(offset) => Err(EncodeError::Nul {
            what,
            value: if secret { HIDDEN.to_owned() } else { show(s) },
            offset,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &str) -> Fragment {
        Fragment::Line(s.as_bytes().to_vec())
    }

    fn astring(options: EncodeOptions, s: &[u8]) -> Vec<Fragment> {
        let mut enc = Encoder::new(options);
        enc.astring(s).unwrap();
        enc.finish()
    }

    #[test]
    fn astring_is_an_atom_when_it_can_be() {
        assert_eq!(
            astring(EncodeOptions::default(), b"INBOX"),
            vec![line("INBOX\r\n")]
        );
        assert_eq!(
            astring(EncodeOptions::default(), b"a]b"),
            vec![line("a]b\r\n")]
        );
    }

    #[test]
    fn empty_astring_is_quoted() {
        assert_eq!(
            astring(EncodeOptions::default(), b""),
            vec![line("\"\"\r\n")]
        );
    }

    #[test]
    fn astring_with_specials_is_quoted_and_escaped() {
        assert_eq!(
            astring(EncodeOptions::default(), br#"a "b" \c"#),
            vec![line("\"a \\\"b\\\" \\\\c\"\r\n")]
        );
    }

    #[test]
    fn crlf_forces_a_synchronising_literal() {
        assert_eq!(
            astring(EncodeOptions::default(), b"a\r\nb"),
            vec![
                line("{4}\r\n"),
                Fragment::Literal {
                    data: b"a\r\nb".to_vec(),
                    sync: true
                },
                line("\r\n"),
            ]
        );
    }

    #[test]
    fn eight_bit_forces_a_literal_without_utf8() {
        let out = astring(EncodeOptions::default(), "é".as_bytes());
        assert_eq!(out.first(), Some(&line("{2}\r\n")));
    }

    #[test]
    fn eight_bit_utf8_is_quoted_with_utf8_on() {
        let options = EncodeOptions {
            utf8: true,
            ..Default::default()
        };
        assert_eq!(astring(options, "é".as_bytes()), vec![line("\"é\"\r\n")]);
    }

    #[test]
    fn invalid_utf8_is_a_literal_even_with_utf8_on() {
        let options = EncodeOptions {
            utf8: true,
            ..Default::default()
        };
        assert_eq!(astring(options, b"\xff").first(), Some(&line("{1}\r\n")));
    }

    #[test]
    fn literal_plus_makes_literals_non_synchronising() {
        let options = EncodeOptions {
            literal_plus: true,
            ..Default::default()
        };
        assert_eq!(
            astring(options, b"\n"),
            vec![
                line("{1+}\r\n"),
                Fragment::Literal {
                    data: b"\n".to_vec(),
                    sync: false
                },
                line("\r\n"),
            ]
        );
    }

    #[test]
    fn a_literal_over_the_append_limit_is_synchronising_even_with_literal_plus() {
        let options = EncodeOptions {
            literal_plus: true,
            append_limit: Some(10),
            ..EncodeOptions::default()
        };
        let mut enc = Encoder::new(options);
        enc.literal(&[b'x'; 10]).unwrap();
        enc.sp();
        enc.literal(&[b'x'; 11]).unwrap();
        let out = enc.finish();
        assert_eq!(out.first(), Some(&line("{10+}\r\n")));
        assert_eq!(out.get(2), Some(&line(" {11}\r\n")));
    }

    #[test]
    fn literal_minus_is_non_synchronising_up_to_4096_bytes() {
        let options = EncodeOptions {
            literal_minus: true,
            ..Default::default()
        };
        let mut enc = Encoder::new(options);
        enc.literal(&[b'x'; 4096]).unwrap();
        enc.sp();
        enc.literal(&[b'x'; 4097]).unwrap();
        let out = enc.finish();
        assert_eq!(out.first(), Some(&line("{4096+}\r\n")));
        assert_eq!(out.get(2), Some(&line(" {4097}\r\n")));
        assert!(matches!(
            out.get(3),
            Some(Fragment::Literal { sync: true, .. })
        ));
    }

    #[test]
    fn nul_is_refused_in_every_string_form() {
        let mut enc = Encoder::new(EncodeOptions::default());
        assert!(matches!(
            enc.astring(b"a\0"),
            Err(EncodeError::Nul { offset: 1, .. })
        ));
        assert!(matches!(
            enc.string(b"\0"),
            Err(EncodeError::Nul { offset: 0, .. })
        ));
        assert!(matches!(
            enc.literal(b"ab\0"),
            Err(EncodeError::Nul { offset: 2, .. })
        ));
        assert_eq!(enc.finish(), vec![line("\r\n")]);
    }

    #[test]
    fn literal8_carries_nul() {
        let mut enc = Encoder::new(EncodeOptions::default());
        enc.literal8(b"a\0b").unwrap();
        assert_eq!(
            enc.finish(),
            vec![
                line("~{3}\r\n"),
                Fragment::Literal {
                    data: b"a\0b".to_vec(),
                    sync: true
                },
                line("\r\n"),
            ]
        );
    }

    #[test]
    fn literal8_uses_literal_plus_when_allowed() {
        let options = EncodeOptions {
            literal_plus: true,
            ..Default::default()
        };
        let mut enc = Encoder::new(options);
        enc.literal8(b"x").unwrap();
        assert_eq!(enc.finish().first(), Some(&line("~{1+}\r\n")));
    }

    #[test]
    fn atom_refuses_specials_and_empty() {
        let mut enc = Encoder::new(EncodeOptions::default());
        for bad in [
            "", "a b", "a(", "a)", "a{", "a%", "a*", "a\"", "a\\", "a]", "a\r", "é",
        ] {
            assert!(
                matches!(enc.atom(bad), Err(EncodeError::NotAtom { .. })),
                "{bad:?} was accepted"
            );
        }
    }

    #[test]
    fn long_strings_go_as_literals() {
        let atom = [b'a'; INLINE_MAX];
        assert_eq!(astring(EncodeOptions::default(), &atom).len(), 1);
        let longer = [b'a'; INLINE_MAX + 1];
        assert_eq!(
            astring(EncodeOptions::default(), &longer).first(),
            Some(&line("{1025}\r\n"))
        );
        let mut enc = Encoder::new(EncodeOptions::default());
        enc.string(&[b' '; INLINE_MAX + 1]).unwrap();
        assert_eq!(enc.finish().first(), Some(&line("{1025}\r\n")));
    }

    #[test]
    fn string_is_never_an_atom() {
        let mut enc = Encoder::new(EncodeOptions::default());
        enc.string(b"abc").unwrap();
        assert_eq!(enc.finish(), vec![line("\"abc\"\r\n")]);
    }

    #[test]
    fn list_writes_parenthesised_items() {
        let mut enc = Encoder::new(EncodeOptions::default());
        enc.list(&["a", "b c"], |e, s| e.astring(s.as_bytes()))
            .unwrap();
        assert_eq!(enc.finish(), vec![line("(a \"b c\")\r\n")]);
    }

    #[test]
    fn encoder_debug_hides_the_bytes() {
        let mut enc = Encoder::new(EncodeOptions::default());
        enc.string(b"hunter2").unwrap();
        assert!(!format!("{enc:?}").contains("hunter2"));
    }

    #[test]
    fn fragment_debug_is_escaped_text() {
        let out = astring(EncodeOptions::default(), b"a\nb");
        assert_eq!(
            format!("{out:?}"),
            r#"[Line("{3}\r\n"), Literal { data: "a\nb", sync: true }, Line("\r\n")]"#
        );
    }

    #[test]
    fn to_bytes_joins_fragments() {
        let out = astring(EncodeOptions::default(), b"\n");
        assert_eq!(to_bytes(&out), b"{1}\r\n\n\r\n");
    }
}
