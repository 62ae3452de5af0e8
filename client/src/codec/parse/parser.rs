//! [`Parser`]: a cursor over one response frame and the grammar's basic
//! productions (RFC 3501 section 9).

use bytes::Bytes;

use super::{Limits, ParseError};

/// A cursor over one complete response (a frame from
/// [`Framer`](crate::codec::frame::Framer)), with the basic productions of
/// the RFC 3501 grammar as methods.
///
/// Strings and literals come back as [`Bytes`] views of the frame: nothing is
/// copied unless a quoted string holds escapes. Every method either consumes
/// what it parsed or fails with a [`ParseError`] naming what it expected
/// and where; none panics, whatever the input.
///
/// Conventions: a method parses exactly its production, without a leading
/// or trailing SP, unless its documentation says otherwise.
#[derive(Clone, Debug)]
pub struct Parser<'a> {
    frame: &'a Bytes,
    input: &'a [u8],
    pos: usize,
    depth: usize,
    limits: &'a Limits,
    utf8: bool,
}

/// A 256-entry table of a byte class, built at compile time.
macro_rules! byte_table {
    ($accept:ident) => {{
        let mut table = [false; 256];
        let mut i = 0;
        while i < 256 {
            table[i] = $accept(i as u8);
            i += 1;
        }
        table
    }};
}

const fn atom_char(b: u8) -> bool {
    !matches!(b, b'(' | b')' | b'{' | b' ' | b'%' | b'*' | b'"' | b'\\' | b']' | 0..=0x1f | 0x7f..)
}

static ATOM_CHAR: [bool; 256] = byte_table!(atom_char);

/// The length of the run of plain quoted-string bytes at the start of
/// `rest` (up to the first DQUOTE, backslash, CR, LF or NUL), or `None` if
/// there is no such byte.
///
/// Quoted strings are short (envelope fields, body parameters), too short
/// for a vectorised search to pay its setup: eight bytes are tested at a
/// time with word arithmetic, and the first stop byte is located from the
/// bit mask rather than by a byte-wise loop. The word test stops at any
/// control byte below 0x0E (three tests instead of five); the rare one that
/// is not CR, LF or NUL (a TAB) resumes the scan.
// Inlined, as are `string_at`, `nstring_at`, `quoted_at` and `bytes_at`: together
// they are the path of every string, and left to itself the compiler
// splits it into calls (callgrind, bench (a): 228M instructions instead
// of 216M).
#[inline(always)]
fn quoted_run(rest: &[u8]) -> Option<usize> {
    let mut from = 0;
    loop {
        let at = from + candidate_stop(rest.get(from..)?)?;
        match rest.get(at) {
            Some(b'"' | b'\\' | b'\r' | b'\n' | 0) => return Some(at),
            Some(_) => from = at + 1,
            None => return None,
        }
    }
}

/// The index of the first byte of `rest` that is DQUOTE, backslash or
/// below 0x0E, if any.
#[inline(always)]
fn candidate_stop(rest: &[u8]) -> Option<usize> {
    let mut chunks = rest.chunks_exact(8);
    let mut start = 0;
    for chunk in &mut chunks {
        let stops = <[u8; 8]>::try_from(chunk).map_or(0, |w| stop_bytes(u64::from_le_bytes(w)));
        if stops != 0 {
            return Some(start + (stops.trailing_zeros() / 8) as usize);
        }
        start += 8;
    }
    // The last few bytes, padded with NUL (itself a stop byte).
    let mut padded = [0u8; 8];
    padded
        .iter_mut()
        .zip(chunks.remainder())
        .for_each(|(d, s)| *d = *s);
    let at = start + (stop_bytes(u64::from_le_bytes(padded)).trailing_zeros() / 8) as usize;
    (at < rest.len()).then_some(at)
}

/// A mask with the high bit set in the lowest byte of `word` that is
/// DQUOTE, backslash or below 0x0E (bits above it may be set falsely,
/// which the caller ignores); zero if there is none.
#[inline(always)]
fn stop_bytes(word: u64) -> u64 {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    // The classic test for a byte below n (n <= 0x80): exact for the
    // lowest such byte. A zero byte is one below 1.
    let below = |w: u64, n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w & HIGHS;
    below(word, 0x0E)
        | below(word ^ (ONES * u64::from(b'"')), 1)
        | below(word ^ (ONES * u64::from(b'\\')), 1)
}

/// `ATOM-CHAR`: any CHAR except atom-specials (`(`, `)`, `{`, SP, CTL, `%`,
/// `*`, `"`, `\`, `]`).
pub(crate) fn is_atom_char(b: u8) -> bool {
    // A u8 always indexes a 256-entry table.
    ATOM_CHAR[usize::from(b)]
}

/// `ASTRING-CHAR`: `ATOM-CHAR` or `]`.
pub(crate) fn is_astring_char(b: u8) -> bool {
    is_atom_char(b) || b == b']'
}

/// The longest name an [`UpperName`] holds; the generator refuses longer
/// names in a spec.
pub const MAX_NAME_LEN: usize = 32;

/// A protocol name (response keyword, fetch or status attribute, response
/// code) in ASCII upper case on the stack, so that generated code can
/// `match` it against the names its specs declare instead of comparing it
/// with each in turn.
///
/// A name longer than [`MAX_NAME_LEN`] reads as empty: no spec declares
/// such a name, so it lands in the "not declared" arm as it should.
#[derive(Clone, Copy)]
pub struct UpperName {
    buf: [u8; MAX_NAME_LEN],
    len: usize,
}

impl UpperName {
    /// `name` in ASCII upper case.
    pub fn new(name: &[u8]) -> Self {
        let mut buf = [0; MAX_NAME_LEN];
        let len = match buf.get_mut(..name.len()) {
            Some(dst) => {
                for (d, s) in dst.iter_mut().zip(name) {
                    *d = s.to_ascii_uppercase();
                }
                name.len()
            }
            None => 0,
        };
        Self { buf, len }
    }

    /// The upper-cased name (empty if it was too long).
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}

impl std::fmt::Debug for UpperName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "UpperName({:?})",
            self.as_bytes().escape_ascii().to_string()
        )
    }
}

/// Where the bytes of a string are (see [`Parser::nstring_at`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrAt {
    /// `len` bytes of the frame from offset `start`.
    Frame {
        /// The offset in the frame.
        start: usize,
        /// The length.
        len: usize,
    },
    /// `len` bytes of the caller's buffer from `start`: a quoted string
    /// that held escapes, unescaped.
    Buffer {
        /// The offset in the buffer.
        start: usize,
        /// The length.
        len: usize,
    },
}

impl<'a> Parser<'a> {
    /// A parser at the start of `frame`, within `limits`.
    pub fn new(frame: &'a Bytes, limits: &'a Limits) -> Self {
        Self {
            frame,
            input: frame.as_ref(),
            pos: 0,
            depth: 0,
            limits,
            utf8: false,
        }
    }

    /// `name` in ASCII upper case, for generated code to `match` (see
    /// [`UpperName`]).
    pub fn upper(name: &str) -> UpperName {
        UpperName::new(name.as_bytes())
    }

    /// The same parser for a session with `UTF8=ACCEPT` enabled (RFC 6855
    /// section 3) when `utf8` is true: mailbox names are read as UTF-8
    /// rather than modified UTF-7.
    pub fn with_utf8(mut self, utf8: bool) -> Self {
        self.utf8 = utf8;
        self
    }

    /// Whether `UTF8=ACCEPT` is enabled (see [`Parser::with_utf8`]).
    pub fn utf8(&self) -> bool {
        self.utf8
    }

    /// The frame this parser reads.
    pub fn frame(&self) -> &'a Bytes {
        self.frame
    }

    /// The limits this parser checks.
    pub fn limits(&self) -> &'a Limits {
        self.limits
    }

    /// The byte offset of the cursor in the frame.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The bytes from the cursor to the end of the frame.
    pub fn remaining(&self) -> &'a [u8] {
        self.input.get(self.pos..).unwrap_or_default()
    }

    /// An error at the cursor: `expected` names what the grammar asks for.
    #[cold]
    #[inline(never)]
    pub fn error(&self, expected: &str) -> ParseError {
        ParseError::new(expected, self.input, self.pos)
    }

    /// An error at an earlier offset (where a production started).
    #[cold]
    #[inline(never)]
    pub fn error_at(&self, expected: &str, offset: usize) -> ParseError {
        ParseError::new(expected, self.input, offset)
    }

    /// The byte at the cursor, if any.
    pub fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    /// The byte `n` places after the cursor, if any.
    pub fn peek_at(&self, n: usize) -> Option<u8> {
        self.input.get(self.pos.checked_add(n)?).copied()
    }

    /// Moves the cursor one byte on (no-op at the end).
    pub fn advance(&mut self) {
        if self.pos < self.input.len() {
            self.pos += 1;
        }
    }

    /// Moves the cursor `n` bytes on (to the end at most).
    pub fn skip(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n).min(self.input.len());
    }

    /// Whether the cursor is at the CRLF that ends the response.
    pub fn at_end(&self) -> bool {
        self.remaining() == b"\r\n"
    }

    /// Whether the cursor is at CR or LF or past the end (the end of the
    /// current line).
    pub fn at_line_end(&self) -> bool {
        matches!(self.peek(), None | Some(b'\r') | Some(b'\n'))
    }

    /// Consumes the CRLF that ends the response; fails if anything else
    /// is left, including a bare LF (RFC 3501 requires CRLF).
    pub fn finish(&mut self) -> Result<(), ParseError> {
        if self.at_end() {
            self.pos = self.input.len();
            Ok(())
        } else {
            Err(self.error("CRLF ending the response"))
        }
    }

    /// One SP.
    pub fn sp(&mut self) -> Result<(), ParseError> {
        self.byte(b' ', "SP")
    }

    /// Consumes one SP if it is there; tells whether it was.
    pub fn opt_sp(&mut self) -> bool {
        self.eat(b' ')
    }

    /// Skips any number of SP (for quirks only: the grammar never allows two).
    pub fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
    }

    /// Exactly the byte `b`; `expected` names it in the error.
    pub fn byte(&mut self, b: u8, expected: &str) -> Result<(), ParseError> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(self.error(expected))
        }
    }

    /// Consumes `b` if it is at the cursor; tells whether it was.
    pub fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// The protocol token `token`, ASCII case-insensitive (`"FETCH"`,
    /// `"BODY["`).
    pub fn expect(&mut self, token: &str) -> Result<(), ParseError> {
        if self.try_expect(token) {
            Ok(())
        } else {
            Err(self.error(&format!("\"{token}\"")))
        }
    }

    /// Consumes `token` (ASCII case-insensitive) if it is at the cursor;
    /// tells whether it was.
    pub fn try_expect(&mut self, token: &str) -> bool {
        let len = token.len();
        let matched = self
            .input
            .get(self.pos..self.pos.saturating_add(len))
            .is_some_and(|s| s.eq_ignore_ascii_case(token.as_bytes()));
        if matched {
            self.pos += len;
        }
        matched
    }

    /// `NIL`, if it is at the cursor and not the start of a longer atom;
    /// tells whether it was consumed.
    #[inline]
    pub fn nil(&mut self) -> bool {
        // `| 0x20` lower-cases a letter, and only `N` and `n` give `n`.
        let is_nil = match self.remaining() {
            [n, i, l, rest @ ..] => {
                n | 0x20 == b'n'
                    && i | 0x20 == b'i'
                    && l | 0x20 == b'l'
                    && !rest.first().is_some_and(|b| is_atom_char(*b))
            }
            _ => false,
        };
        if is_nil {
            self.pos += 3;
        }
        is_nil
    }

    /// `NIL`, or a value `parse` reads: the "... / nil" of the grammar
    /// (SAVEDATE's `date-time / nil`, NAMESPACE's lists), what a spec
    /// declares with `nil = true`. `None` for NIL.
    #[inline]
    pub fn nil_or<T>(
        &mut self,
        parse: impl FnOnce(&mut Self) -> Result<T, ParseError>,
    ) -> Result<Option<T>, ParseError> {
        // Quirk `missing_section_value`: no value before the list's `)`
        // reads as NIL (after `value_sp`, which leaves the `)`).
        if self.peek() == Some(b')') || self.nil() {
            return Ok(None);
        }
        parse(self).map(Some)
    }

    /// `number`: 1*DIGIT fitting in 32 bits (RFC 3501 section 9).
    pub fn number(&mut self) -> Result<u32, ParseError> {
        let start = self.pos;
        let n = self.number64()?;
        u32::try_from(n).map_err(|_| self.error_at("number below 2^32", start))
    }

    /// `nz-number`: a number that is not zero.
    pub fn nz_number(&mut self) -> Result<u32, ParseError> {
        let start = self.pos;
        match self.number()? {
            0 => Err(self.error_at("non-zero number", start)),
            n => Ok(n),
        }
    }

    /// `number64` (RFC 9051): 1*DIGIT fitting in 63 bits.
    pub fn number64(&mut self) -> Result<u64, ParseError> {
        let start = self.pos;
        let mut n: u64 = 0;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(u64::from(d - b'0')))
                .filter(|n| *n <= i64::MAX as u64)
                .ok_or_else(|| self.error_at("number below 2^63", start))?;
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.error("number"));
        }
        Ok(n)
    }

    /// `atom`: 1*ATOM-CHAR. Always ASCII, so a `&str`.
    pub fn atom(&mut self) -> Result<&'a str, ParseError> {
        self.take_str(is_atom_char, "atom")
    }

    /// The name of a fetch attribute: ATOM-CHARs up to a `[`, so that
    /// `BODY[1]<0>` reads as `BODY` with the cursor on `[`; upper-cased for
    /// matching (the name as sent is [`slice`](Self::slice) of the
    /// positions around it).
    pub fn att_name(&mut self) -> Result<UpperName, ParseError> {
        let name = self.take_bytes(|b| is_atom_char(b) && b != b'[', "attribute name")?;
        Ok(UpperName::new(name))
    }

    /// [`atom`](Self::atom) as bytes, for a caller that matches a
    /// keyword without needing a str (no UTF-8 check of ASCII).
    pub(crate) fn atom_bytes(&mut self) -> Result<&'a [u8], ParseError> {
        self.take_bytes(is_atom_char, "atom")
    }

    /// A run of `ASTRING-CHAR` (atom characters and `]`) as a str.
    pub fn astring_atom(&mut self) -> Result<&'a str, ParseError> {
        self.take_str(is_astring_char, "astring")
    }

    /// [`astring_atom`](Self::astring_atom) as bytes, for a caller that
    /// matches names before it needs a str.
    pub fn astring_atom_bytes(&mut self) -> Result<&'a [u8], ParseError> {
        self.take_bytes(is_astring_char, "astring")
    }

    /// One or more bytes while `accept` holds, or an error naming
    /// `expected`.
    fn take_bytes(
        &mut self,
        accept: impl Fn(u8) -> bool,
        expected: &str,
    ) -> Result<&'a [u8], ParseError> {
        let start = self.pos;
        let len = self.remaining().iter().take_while(|b| accept(**b)).count();
        if len == 0 {
            return Err(self.error(expected));
        }
        self.pos += len;
        Ok(self.input.get(start..self.pos).unwrap_or_default())
    }

    fn take_str(
        &mut self,
        accept: impl Fn(u8) -> bool,
        expected: &str,
    ) -> Result<&'a str, ParseError> {
        let start = self.pos;
        let bytes = self.take_bytes(accept, expected)?;
        // Atom characters are ASCII, hence UTF-8.
        std::str::from_utf8(bytes).map_err(|_| self.error_at(expected, start))
    }

    /// Takes bytes while `accept` holds, as a view of the frame (possibly
    /// empty).
    pub fn take_while(&mut self, accept: impl Fn(u8) -> bool) -> Bytes {
        let start = self.pos;
        let len = self.remaining().iter().take_while(|b| accept(**b)).count();
        self.pos += len;
        self.frame.slice(start..self.pos)
    }

    /// `astring`: 1*ASTRING-CHAR / string.
    pub fn astring(&mut self) -> Result<Bytes, ParseError> {
        match self.peek() {
            Some(b'"' | b'{') => self.string(),
            _ => {
                // Leniency (quirk `eight_bit_strings`): 8-bit bytes are
                // kept in the atom form too (`* LIST () "/" \xe9t\xe9`).
                let value = self.take_while(|b| is_astring_char(b) || b >= 0x80);
                if value.is_empty() {
                    return Err(self.error("astring"));
                }
                Ok(value)
            }
        }
    }

    /// `string`: quoted / literal. NUL is refused in both (RFC 3501 allows
    /// it only in `literal8`, see [`string8`](Self::string8)).
    pub fn string(&mut self) -> Result<Bytes, ParseError> {
        match self.peek() {
            Some(b'"') => self.quoted(),
            Some(b'{') => self.literal(false),
            _ => Err(self.error("string (quoted or literal)")),
        }
    }

    /// `string` or `literal8` (`~{n}`, RFC 3516), which may hold NUL.
    pub fn string8(&mut self) -> Result<Bytes, ParseError> {
        if self.peek() == Some(b'~') {
            self.pos += 1;
            return self.literal(true);
        }
        self.string()
    }

    /// One value of any shape (atom, number, NIL, flag-like name, string,
    /// literal or a parenthesised list of values), as the bytes it spans:
    /// an attribute, a code argument or an RFC 4466 `tagged-ext-val` that
    /// no spec declares, kept as it came.
    pub fn raw_value(&mut self) -> Result<Bytes, ParseError> {
        let start = self.pos;
        self.skip_value()?;
        Ok(self.slice(start, self.pos))
    }

    /// Skips one value of any shape (see [`raw_value`](Self::raw_value));
    /// lists count towards the nesting limit.
    pub fn skip_value(&mut self) -> Result<(), ParseError> {
        match self.peek() {
            Some(b'(') => self.list(Self::skip_value).map(drop),
            Some(b'"' | b'{') => self.string().map(drop),
            Some(b'~') if self.peek_at(1) == Some(b'{') => self.string8().map(drop),
            // A flag or flag-like name (`\Seen`, `\*`, Gmail's `\Inbox`).
            Some(b'\\') => {
                self.advance();
                if !self.eat(b'*') {
                    self.atom()?;
                }
                Ok(())
            }
            _ => self.astring_atom().map(drop),
        }
    }

    /// Skips `"[" ... "]" ["<" number ">"]` after an attribute name that no
    /// spec declares: strings and lists inside the brackets are skipped
    /// whole.
    pub fn skip_section(&mut self) -> Result<(), ParseError> {
        self.byte(b'[', "`[` opening a section")?;
        loop {
            match self.peek() {
                Some(b']') => {
                    self.advance();
                    break;
                }
                Some(b'(' | b'"' | b'{' | b'~') => self.skip_value()?,
                None | Some(b'\r' | b'\n') => return Err(self.error("`]` closing a section")),
                Some(_) => self.advance(),
            }
        }
        if self.eat(b'<') {
            self.number()?;
            self.byte(b'>', "`>` closing an origin")?;
        }
        Ok(())
    }

    /// `nstring`: string / NIL.
    pub fn nstring(&mut self) -> Result<Option<Bytes>, ParseError> {
        let mut unescaped = Vec::new();
        let at = self.nstring_at(&mut unescaped)?;
        Ok(at.map(|at| self.bytes_at(at, unescaped)))
    }

    /// `quoted`: DQUOTE *QUOTED-CHAR DQUOTE, with `\"` and `\\` escapes.
    ///
    /// Leniency: 8-bit bytes are accepted (servers put Latin-1 and UTF-8 in
    /// quoted strings; RFC 6855 allows UTF-8). CR, LF and NUL are refused, and
    /// so is a backslash before anything but `"` or `\`.
    pub fn quoted(&mut self) -> Result<Bytes, ParseError> {
        let mut unescaped = Vec::new();
        let at = self.quoted_at(&mut unescaped)?;
        Ok(self.bytes_at(at, unescaped))
    }

    /// The bytes of a string located with a buffer of its own: a view of
    /// the frame, or that buffer (which then holds just the string).
    #[inline]
    fn bytes_at(&self, at: StrAt, unescaped: Vec<u8>) -> Bytes {
        match at {
            StrAt::Frame { start, len } => self.frame.slice(start..start + len),
            StrAt::Buffer { .. } => Bytes::from(unescaped),
        }
    }

    /// `nstring`, located rather than sliced: where its bytes are, or `None`
    /// for NIL. A quoted string with escapes is unescaped onto the end of
    /// `buffer`. For types that keep one handle on the frame and offsets
    /// into it instead of a [`Bytes`] per string.
    #[inline]
    pub fn nstring_at(&mut self, buffer: &mut Vec<u8>) -> Result<Option<StrAt>, ParseError> {
        match self.peek() {
            Some(b'"' | b'{') => self.string_at(buffer).map(Some),
            _ if self.nil() => Ok(None),
            _ => Err(self.error("string (quoted or literal)")),
        }
    }

    /// [`string`](Self::string), located (see [`nstring_at`](Self::nstring_at)).
    #[inline(always)]
    pub fn string_at(&mut self, buffer: &mut Vec<u8>) -> Result<StrAt, ParseError> {
        match self.peek() {
            Some(b'"') => self.quoted_at(buffer),
            Some(b'{') => {
                let range = self.literal_range(false)?;
                Ok(StrAt::Frame {
                    start: range.start,
                    len: range.len(),
                })
            }
            _ => Err(self.error("string (quoted or literal)")),
        }
    }

    /// [`quoted`](Self::quoted), located (see [`nstring_at`](Self::nstring_at)).
    #[inline(always)]
    pub fn quoted_at(&mut self, buffer: &mut Vec<u8>) -> Result<StrAt, ParseError> {
        let open = self.pos;
        self.byte(b'"', "DQUOTE opening a quoted string")?;
        let start = self.pos;
        let rest = self.remaining();
        let Some(end) = quoted_run(rest) else {
            return Err(self.error_at("DQUOTE closing the quoted string", open));
        };
        match rest.get(end) {
            Some(b'"') => {
                self.pos = start + end + 1;
                Ok(StrAt::Frame { start, len: end })
            }
            Some(b'\\') => {
                self.pos = start + end;
                let at = buffer.len();
                buffer.extend_from_slice(rest.get(..end).unwrap_or_default());
                self.unescape_into(buffer, open)?;
                Ok(StrAt::Buffer {
                    start: at,
                    len: buffer.len() - at,
                })
            }
            _ => Err(self.error_at("quoted string without CR, LF or NUL", start + end)),
        }
    }

    /// The slow path of a quoted string that holds escapes: the rest of it
    /// is unescaped onto `out`. The cursor is on the first `\`.
    fn unescape_into(&mut self, out: &mut Vec<u8>, open: usize) -> Result<(), ParseError> {
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => match self.peek_at(1) {
                    Some(c @ (b'"' | b'\\')) => {
                        out.push(c);
                        self.pos += 2;
                    }
                    _ => {
                        self.pos += 1;
                        return Err(self.error("`\"` or `\\` after a backslash in a quoted string"));
                    }
                },
                Some(b'\r' | b'\n' | 0) => {
                    return Err(self.error("quoted string without CR, LF or NUL"));
                }
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
                None => return Err(self.error_at("DQUOTE closing the quoted string", open)),
            }
        }
    }

    /// `literal`: `{n}` CRLF and n bytes (the cursor on `{`); `literal8`
    /// when `eight` (the `~` already consumed). The framer has already
    /// checked the size against the limits; here it is checked against the
    /// frame.
    fn literal(&mut self, eight: bool) -> Result<Bytes, ParseError> {
        let range = self.literal_range(eight)?;
        Ok(self.frame.slice(range))
    }

    /// [`literal`](Self::literal), as the range of the frame it occupies.
    fn literal_range(&mut self, eight: bool) -> Result<std::ops::Range<usize>, ParseError> {
        let open = self.pos;
        self.byte(b'{', "`{` opening a literal")?;
        let len = self.number64()?;
        // A client-style non-synchronising marker is tolerated.
        self.eat(b'+');
        self.byte(b'}', "`}` closing a literal announcement")?;
        if !self.try_expect("\r\n") {
            return Err(self.error("CRLF after a literal announcement"));
        }
        let start = self.pos;
        let end = usize::try_from(len)
            .ok()
            .and_then(|len| start.checked_add(len))
            .filter(|end| *end <= self.input.len())
            .ok_or_else(|| self.error_at("literal no longer than the response", open))?;
        let data = self.input.get(start..end).unwrap_or_default();
        if !eight {
            if let Some(nul) = memchr::memchr(0, data) {
                return Err(self.error_at("literal without NUL (NUL needs literal8)", start + nul));
            }
        }
        self.pos = end;
        Ok(start..end)
    }

    /// `"(" [item *(SP item)] ")"`, counting towards the nesting limit.
    pub fn list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T, ParseError>,
    ) -> Result<Vec<T>, ParseError> {
        self.byte(b'(', "`(` opening a list")?;
        self.enter()?;
        let mut items = Vec::new();
        if !self.eat(b')') {
            // Straight to a small allocation: growing from empty takes a
            // slower, out-of-line path.
            items.reserve_exact(4);
            loop {
                items.push(item(self)?);
                if self.eat(b')') {
                    break;
                }
                self.sp()
                    .map_err(|_| self.error("SP or `)` after a list item"))?;
            }
        }
        self.leave();
        Ok(items)
    }

    /// `msg-att = "(" msg-att-item *(SP msg-att-item) ")"`: the attributes
    /// of a FETCH response, each read by `attribute` (`name SP value`),
    /// counting towards the nesting limit.
    ///
    /// Leniency (quirk `parenthesised_fetch_items`, IBM/HCL Domino): an
    /// attribute wrapped in one more pair of parentheses,
    /// `(UID 5 (ENVELOPE (...)) BODYSTRUCTURE (...))`, is read as if they
    /// were absent (one level: `((ENVELOPE ...))` inside is refused).
    pub fn msg_att(
        &mut self,
        mut attribute: impl FnMut(&mut Self) -> Result<(), ParseError>,
    ) -> Result<(), ParseError> {
        self.byte(b'(', "`(` opening a list")?;
        self.enter()?;
        if !self.eat(b')') {
            loop {
                if self.peek() == Some(b'(') {
                    self.list(&mut attribute)?;
                } else {
                    attribute(self)?;
                }
                if self.eat(b')') {
                    break;
                }
                self.sp()
                    .map_err(|_| self.error("SP or `)` after a list item"))?;
            }
        }
        self.leave();
        Ok(())
    }

    /// The SP between a FETCH attribute's name (`BODY[2]`) and its value.
    ///
    /// Leniency (quirk `missing_section_value`, Yandex): when `)` follows
    /// the name instead, nothing is consumed and the value's parser meets
    /// the `)`: [`nstring`](super::nstring) and NIL-able values
    /// ([`nil_or`](Self::nil_or), BINARY's) read it as NIL, other types
    /// fail there.
    pub fn value_sp(&mut self) -> Result<(), ParseError> {
        if self.eat(b' ') || self.peek() == Some(b')') {
            Ok(())
        } else {
            Err(self.error("SP"))
        }
    }

    /// Enters one level of nesting; fails beyond `Limits::max_depth`.
    /// Recursive productions call this (and [`leave`](Self::leave)) so that a
    /// million `(` is an error, not a stack overflow.
    pub fn enter(&mut self) -> Result<(), ParseError> {
        if self.depth >= self.limits.max_depth {
            return Err(self.error(&format!(
                "nesting no deeper than {} levels",
                self.limits.max_depth
            )));
        }
        self.depth += 1;
        Ok(())
    }

    /// Leaves one level of nesting.
    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// `text`: the rest of the line up to CRLF, possibly empty, as bytes
    /// (non-UTF-8 text is kept as it came; decode it lossily if needed).
    pub fn text(&mut self) -> Bytes {
        let start = self.pos;
        let len = memchr::memchr2(b'\r', b'\n', self.remaining()).unwrap_or(self.remaining().len());
        self.pos += len;
        self.frame.slice(start..self.pos)
    }

    /// Everything up to the CRLF that ends the response (literals included),
    /// as one view; the cursor moves there.
    pub fn rest(&mut self) -> Bytes {
        let start = self.pos;
        let end = self
            .input
            .strip_suffix(b"\r\n")
            .map_or(self.input.len(), <[u8]>::len)
            .max(start);
        self.pos = end;
        self.frame.slice(start..end)
    }

    /// A view of the frame between two offsets previously read from
    /// [`position`](Self::position) (empty if they are out of order).
    pub fn slice(&self, start: usize, end: usize) -> Bytes {
        let end = end.min(self.input.len());
        self.frame.slice(start.min(end)..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn quoted_run_finds_the_first_stop_byte(
            rest in proptest::collection::vec(proptest::sample::select(
                vec![b'a', b'"', b'\\', b'\r', b'\n', 0, b'\t', 0x0b, 0x0e, 0xe9, 0x7f]), 0..40)
        ) {
            let naive = rest.iter().position(|b| matches!(b, b'"' | b'\\' | b'\r' | b'\n' | 0));
            proptest::prop_assert_eq!(quoted_run(&rest), naive);
        }
    }

    #[test]
    fn upper_name_upper_cases_and_refuses_what_no_spec_declares() {
        assert_eq!(UpperName::new(b"rfc822.Size").as_bytes(), b"RFC822.SIZE");
        let longest = [b'x'; MAX_NAME_LEN];
        assert_eq!(UpperName::new(&longest).as_bytes(), [b'X'; MAX_NAME_LEN]);
        let too_long = [b'x'; MAX_NAME_LEN + 1];
        assert_eq!(UpperName::new(&too_long).as_bytes(), b"");
    }

    #[test]
    fn att_name_stops_at_a_section() {
        let frame = Bytes::from_static(b"body[1]<0>");
        let limits = Limits::default();
        let mut p = Parser::new(&frame, &limits);
        assert_eq!(
            p.att_name().map(|n| n.as_bytes().to_vec()),
            Ok(b"BODY".to_vec())
        );
        assert_eq!(p.peek(), Some(b'['));
        let frame = Bytes::from_static(b"(x");
        let mut p = Parser::new(&frame, &limits);
        let error = p.att_name().map(|n| n.as_bytes().to_vec());
        assert_eq!(
            error.map_err(|e| e.expected().to_owned()),
            Err("attribute name".to_owned())
        );
    }
}
