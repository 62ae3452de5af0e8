//! The response framework of RFC 3501 section 7.1: tagged and untagged
//! status responses, untagged data and continuation requests.
//!
//! ```text
//! response-data   = "*" SP (resp-cond-state / resp-cond-bye /
//!                   mailbox-data / message-data / capability-data) CRLF
//! response-tagged = tag SP resp-cond-state CRLF
//! continue-req    = "+" SP (resp-text / base64) CRLF
//! resp-cond-state = ("OK" / "NO" / "BAD") SP resp-text
//! resp-cond-auth  = ("OK" / "PREAUTH") SP resp-text
//! resp-cond-bye   = "BYE" SP resp-text
//! resp-text       = ["[" resp-text-code "]" SP] text
//! ```
//!
//! What follows `*` (untagged data such as `FETCH`) and what is inside the
//! brackets (response codes such as `UIDNEXT`) is declared in the spec and
//! parsed by generated code, through the [`ParseData`] and [`ParseCode`]
//! traits. [`RawData`] and [`RawCode`] implement them by keeping the bytes:
//! that is what a response the spec does not declare becomes.

use bytes::Bytes;

use crate::codec::parse::{Limits, ParseError, Parser};
use crate::{Code, Data};

/// The status of a status response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// `OK`: success (or information, untagged).
    Ok,
    /// `NO`: the command failed.
    No,
    /// `BAD`: the command (or the client) broke the protocol.
    Bad,
    /// `PREAUTH`: the greeting of a connection already authenticated.
    PreAuth,
    /// `BYE`: the server is closing the connection.
    Bye,
}

impl Status {
    /// The status named by `keyword` (case-insensitive).
    pub fn from_keyword(keyword: &str) -> Option<Status> {
        status_keyword(keyword.as_bytes())
    }
}

/// A status response: its status, optional response code and text.
///
/// The text is the server's, kept as bytes and never interpreted (an
/// `[ALERT]` is to be shown to the user as it came).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusResponse<C = Code> {
    /// OK, NO, BAD, PREAUTH or BYE.
    pub status: Status,
    /// The response code in brackets, if any.
    pub code: Option<C>,
    /// The human-readable text (possibly empty).
    pub text: Bytes,
}

/// One response from the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response<D = Data, C = Code> {
    /// The completion of a command: `A001 OK done`.
    Tagged {
        /// The command's tag.
        tag: String,
        /// OK, NO or BAD, with code and text.
        status: StatusResponse<C>,
    },
    /// An untagged status response (`* OK [UNSEEN 3] ...`, `* BYE ...`,
    /// and the greeting).
    Status(StatusResponse<C>),
    /// Untagged data (`* 3 EXISTS`, `* FETCH ...`).
    Data(D),
    /// A continuation request: `+ text` (or base64 during AUTHENTICATE).
    Continuation(Continuation<C>),
}

/// A continuation request: the server waits for more from the client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Continuation<C = Code> {
    /// A response code, if the text began with one.
    pub code: Option<C>,
    /// The text after `+ ` (base64 during AUTHENTICATE), possibly empty.
    pub text: Bytes,
}

/// Untagged data that knows how to parse itself: implemented by the
/// generated `Data` enum and by [`RawData`].
pub trait ParseData: Sized {
    /// Parses untagged data whose keyword is `keyword` (`FETCH`), preceded
    /// by `number` for message data (`* 12 FETCH`). The cursor is right
    /// after the keyword; the arguments, if any, start with SP. It must
    /// stop before the final CRLF.
    fn parse(keyword: &str, number: Option<u32>, p: &mut Parser<'_>) -> Result<Self, ParseError>;
}

/// A response code that knows how to parse itself: implemented by the
/// generated `Code` enum and by [`RawCode`].
pub trait ParseCode: Sized {
    /// Parses the code named `name` (`UIDNEXT`); the cursor is right after
    /// the name, its arguments (if any) start with SP, and it must stop
    /// before the closing `]`.
    fn parse(name: &str, p: &mut Parser<'_>) -> Result<Self, ParseError>;

    /// The code kept raw: what a known code becomes when its arguments do
    /// not parse (`Code::Other`).
    fn raw(raw: RawCode) -> Self;
}

/// Untagged data kept as it came: its keyword, its number and the rest of
/// the line (literals included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawData {
    /// The keyword, as sent (`FETCH`).
    pub keyword: String,
    /// The number before the keyword, for message data (`* 12 FETCH`).
    pub number: Option<u32>,
    /// The bytes after the keyword (and its SP), up to the CRLF.
    pub arguments: Bytes,
}

impl ParseData for RawData {
    fn parse(keyword: &str, number: Option<u32>, p: &mut Parser<'_>) -> Result<Self, ParseError> {
        p.opt_sp();
        Ok(RawData {
            keyword: keyword.to_owned(),
            number,
            arguments: p.rest(),
        })
    }
}

/// A response code kept as it came: its name and the bytes up to `]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawCode {
    /// The name, as sent (`UIDNEXT`).
    pub name: String,
    /// The bytes after the name and its SP, up to `]`; `None` without
    /// arguments.
    pub arguments: Option<Bytes>,
}

impl ParseCode for RawCode {
    fn raw(raw: RawCode) -> Self {
        raw
    }

    fn parse(name: &str, p: &mut Parser<'_>) -> Result<Self, ParseError> {
        let arguments = if p.opt_sp() {
            Some(raw_code_arguments(p)?)
        } else {
            None
        };
        Ok(RawCode {
            name: name.to_owned(),
            arguments,
        })
    }
}

/// The value of a FETCH or STATUS attribute that no spec of this crate
/// declares (`Message::extra`, `StatusAttributes::extra`), kept raw: the
/// value, not its wire form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RawValue {
    /// A string (quoted, literal or literal8): its bytes, without the
    /// quotes and escapes or the `{n}` CRLF before a literal's data.
    String(Bytes),
    /// Anything else, as sent: an atom, a number, NIL, a flag-like name
    /// (`\Inbox`) or a parenthesised list (the strings inside a list as
    /// sent).
    Other(Bytes),
}

impl RawValue {
    /// Reads one value at the cursor.
    pub fn parse(p: &mut Parser<'_>) -> Result<Self, ParseError> {
        match (p.peek(), p.peek_at(1)) {
            (Some(b'"' | b'{'), _) | (Some(b'~'), Some(b'{')) => p.string8().map(RawValue::String),
            _ => p.raw_value().map(RawValue::Other),
        }
    }

    /// The bytes: a string's value, anything else as sent.
    pub fn bytes(&self) -> &Bytes {
        match self {
            RawValue::String(bytes) | RawValue::Other(bytes) => bytes,
        }
    }

    /// Reads the value as a grammar type, with that type's parse function:
    /// how a downstream crate reads its own attributes out of `extra`. A
    /// string is handed to `parse` as a literal (a literal8 if it holds
    /// NUL), so that a string type reads exactly its bytes.
    pub fn parse_as<T>(
        &self,
        parse: fn(&mut Parser<'_>) -> Result<T, ParseError>,
    ) -> Result<T, ParseError> {
        let mut frame = Vec::with_capacity(self.bytes().len() + 24);
        if let RawValue::String(bytes) = self {
            let eight = if bytes.contains(&0) { "~" } else { "" };
            frame.extend_from_slice(format!("{eight}{{{}}}\r\n", bytes.len()).as_bytes());
        }
        frame.extend_from_slice(self.bytes());
        frame.extend_from_slice(b"\r\n");
        let frame = Bytes::from(frame);
        let limits = Limits::default();
        let mut p = Parser::new(&frame, &limits);
        let value = parse(&mut p)?;
        p.finish()?;
        Ok(value)
    }
}

impl AsRef<[u8]> for RawValue {
    fn as_ref(&self) -> &[u8] {
        self.bytes()
    }
}

/// The bytes of a code's arguments up to the `]` that closes the code:
/// quoted strings and literals are skipped whole, and brackets inside
/// balance (`[PERMANENTFLAGS (\Seen [x])]`, quirk `bracket_in_flag`).
fn raw_code_arguments(p: &mut Parser<'_>) -> Result<Bytes, ParseError> {
    let start = p.position();
    let mut depth = 0usize;
    loop {
        match p.peek() {
            Some(b']') if depth == 0 => break,
            Some(b']') => {
                depth -= 1;
                p.advance();
            }
            Some(b'[') => {
                depth += 1;
                p.advance();
            }
            Some(b'"' | b'{') => {
                p.string()?;
            }
            None | Some(b'\r' | b'\n') => return Err(p.error("`]` closing the response code")),
            Some(_) => p.advance(),
        }
    }
    Ok(p.slice(start, p.position()))
}

/// Parses one frame (from [`Framer`](crate::codec::frame::Framer)) as a
/// response: untagged data as the generated [`Data`], response codes as the
/// generated [`Code`] (what no spec declares arrives as `Data::Other` and
/// `Code::Other`, kept raw).
pub fn parse_response(frame: &Bytes, limits: &Limits) -> Result<Response, ParseError> {
    parse_response_as(frame, limits)
}

/// Parses one frame as a response, untagged data as `D` and codes as `C`:
/// [`RawData`] and [`RawCode`] for the raw view, or a downstream crate's
/// own types.
pub fn parse_response_as<D: ParseData, C: ParseCode>(
    frame: &Bytes,
    limits: &Limits,
) -> Result<Response<D, C>, ParseError> {
    parse_response_with_utf8(frame, limits, false)
}

/// As [`parse_response_as`], in a session where `UTF8=ACCEPT` is enabled
/// when `utf8` is true: mailbox names are then read as UTF-8 (RFC 6855
/// section 3), not modified UTF-7.
pub fn parse_response_with_utf8<D: ParseData, C: ParseCode>(
    frame: &Bytes,
    limits: &Limits,
    utf8: bool,
) -> Result<Response<D, C>, ParseError> {
    let mut p = Parser::new(frame, limits).with_utf8(utf8);
    let response = match p.peek() {
        Some(b'*') => {
            p.advance();
            p.sp()?;
            untagged(&mut p)?
        }
        Some(b'+') => {
            p.advance();
            Response::Continuation(continuation(&mut p)?)
        }
        // Quirk `bare_response_code` (Exchange): `[COPYUID 55 31 6]` alone
        // on its line is an untagged OK with that code. A tag may begin
        // with `[` (an ATOM-CHAR), but no tag this client sends does.
        Some(b'[') => {
            let (code, text) = resp_text(&mut p)?;
            Response::Status(StatusResponse {
                status: Status::Ok,
                code,
                text,
            })
        }
        _ => tagged(&mut p)?,
    };
    // Quirk `trailing_space`: Exchange ends some responses with a space.
    p.skip_spaces();
    p.finish()?;
    Ok(response)
}

/// After `* `: a status response or untagged data.
fn untagged<D: ParseData, C: ParseCode>(p: &mut Parser<'_>) -> Result<Response<D, C>, ParseError> {
    if p.peek().is_some_and(|b| b.is_ascii_digit()) {
        let number = p.number()?;
        p.sp()?;
        // Quirk `expunged_keyword`: GNU mailutils' `* n EXPUNGED`.
        let keyword = crate::quirks::message_data_keyword(p.atom()?);
        return D::parse(keyword, Some(number), p).map(Response::Data);
    }
    if !p.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
        return Err(p.error("number or response keyword after `* `"));
    }
    let keyword = p.atom()?;
    match Status::from_keyword(keyword) {
        Some(status) => status_response(status, p).map(Response::Status),
        None => D::parse(keyword, None, p).map(Response::Data),
    }
}

/// `tag SP resp-cond-state`.
fn tagged<D, C: ParseCode>(p: &mut Parser<'_>) -> Result<Response<D, C>, ParseError> {
    let start = p.position();
    // Read as bytes: every command's completion passes here, and its tag
    // is ASCII by the grammar.
    let tag = p
        .astring_atom_bytes()
        .map_err(|_| p.error("tag, `*` or `+` starting a response"))?;
    if tag.contains(&b'+') {
        return Err(p.error_at("tag (ASTRING-CHARs without `+`)", start));
    }
    p.sp()?;
    let at = p.position();
    // The status as bytes: every command's completion passes here, and
    // matching it needs no str.
    let status = match p.atom_bytes().map(status_keyword) {
        Ok(Some(status @ (Status::Ok | Status::No | Status::Bad))) => status,
        _ => return Err(p.error_at("OK, NO or BAD after a tag", at)),
    };
    Ok(Response::Tagged {
        tag: ascii_string(tag),
        status: status_response(status, p)?,
    })
}

/// A String of ASCII bytes (ASTRING-CHARs), pushed byte by byte: no
/// UTF-8 check of what the grammar already restricted to ASCII
/// (measured: fewer instructions than `from_utf8` and a copy).
fn ascii_string(ascii: &[u8]) -> String {
    let mut string = String::with_capacity(ascii.len());
    for &byte in ascii {
        string.push(char::from(byte));
    }
    string
}

/// The status a keyword names (ASCII case-insensitive), from its bytes:
/// by length first, since every untagged response's keyword (`FETCH`)
/// is asked before it is taken for data.
fn status_keyword(keyword: &[u8]) -> Option<Status> {
    let is = |name: &[u8]| keyword.eq_ignore_ascii_case(name);
    match keyword.len() {
        2 if is(b"OK") => Some(Status::Ok),
        2 if is(b"NO") => Some(Status::No),
        3 if is(b"BAD") => Some(Status::Bad),
        3 if is(b"BYE") => Some(Status::Bye),
        7 if is(b"PREAUTH") => Some(Status::PreAuth),
        _ => None,
    }
}

/// After the status keyword: `SP resp-text`.
///
/// Leniency (quirk `missing_status_text`): the text, and the SP before it,
/// may be missing (`* OK [HIGHESTMODSEQ 5]` CRLF, `A1 OK` CRLF).
fn status_response<C: ParseCode>(
    status: Status,
    p: &mut Parser<'_>,
) -> Result<StatusResponse<C>, ParseError> {
    if !p.opt_sp() {
        return Ok(StatusResponse {
            status,
            code: None,
            text: Bytes::new(),
        });
    }
    let (code, text) = resp_text(p)?;
    Ok(StatusResponse { status, code, text })
}

/// `resp-text = ["[" resp-text-code "]" SP] text`
fn resp_text<C: ParseCode>(p: &mut Parser<'_>) -> Result<(Option<C>, Bytes), ParseError> {
    let code = if p.eat(b'[') {
        let name = p.atom()?;
        let start = p.clone();
        let typed = C::parse(name, p).and_then(|code| {
            p.byte(b']', "`]` closing the response code")?;
            Ok(code)
        });
        // A known code with arguments it should not have is kept raw, as
        // an unknown one would be: a server's slip in a code (`[UIDNEXT
        // x]`, `[APPENDUID 1]`) loses that code, not the whole response.
        let code = match typed {
            Ok(code) => code,
            Err(_) => {
                *p = start;
                let raw = RawCode::parse(name, p)?;
                p.byte(b']', "`]` closing the response code")?;
                tracing::debug!(code = %raw.name, "response code kept raw: its arguments did not parse");
                C::raw(raw)
            }
        };
        // Quirk `missing_status_text`: nothing after the code.
        p.opt_sp();
        Some(code)
    } else {
        None
    };
    Ok((code, p.text()))
}

/// After `+`: `SP (resp-text / base64)`.
///
/// Leniency (quirk `bare_continuation`): `+` CRLF without SP or text.
fn continuation<C: ParseCode>(p: &mut Parser<'_>) -> Result<Continuation<C>, ParseError> {
    if !p.opt_sp() {
        return Ok(Continuation {
            code: None,
            text: Bytes::new(),
        });
    }
    let (code, text) = resp_text(p)?;
    Ok(Continuation { code, text })
}
