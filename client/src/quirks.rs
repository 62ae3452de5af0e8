//! Known deviations of real servers from RFC 3501, and how this client
//! tolerates them.
//!
//! Each tolerance has a name, used in the parser's documentation where it
//! is applied, and the line that made it necessary, which the tests parse.
//! Tolerances are always on: each accepts input the grammar refuses without
//! changing what valid input means.

/// A server deviation the parser tolerates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quirk {
    /// The tolerance's name.
    pub name: &'static str,
    /// Where it was seen.
    pub seen_from: &'static str,
    /// A response that needs it.
    pub trigger: &'static [u8],
    /// What the parser does about it.
    pub tolerance: &'static str,
}

/// Every tolerance, in the order of issue 3.
pub const QUIRKS: &[Quirk] = &[
    MISSING_STATUS_TEXT,
    TRAILING_SPACE,
    STAR_IN_FLAGS,
    BRACKET_IN_FLAG,
    NEGATIVE_BODY_SIZE,
    NIL_BODY_ENCODING,
    BARE_CONTINUATION,
    SPACES_BETWEEN_ADDRESSES,
    EIGHT_BIT_STRINGS,
];

/// A response code with no text after it.
pub const MISSING_STATUS_TEXT: Quirk = Quirk {
    name: "missing_status_text",
    seen_from: "Gmail",
    trigger: b"* OK [HIGHESTMODSEQ 8912]\r\n",
    tolerance: "the SP and text after a status or its response code may be missing; the text reads as empty",
};

/// A space before the CRLF.
pub const TRAILING_SPACE: Quirk = Quirk {
    name: "trailing_space",
    seen_from: "Exchange / Outlook.com (STATUS, SEARCH, CAPABILITY)",
    trigger: b"* SEARCH 2 84 882 \r\n",
    tolerance: "spaces before the final CRLF (and before `]` after capabilities) are skipped",
};

/// `\*` in a FLAGS response, where only PERMANENTFLAGS may have it.
pub const STAR_IN_FLAGS: Quirk = Quirk {
    name: "star_in_flags",
    seen_from: "several servers",
    trigger: b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)\r\n",
    tolerance: "flag lists accept `\\*` everywhere",
};

/// `]` inside a flag of PERMANENTFLAGS.
pub const BRACKET_IN_FLAG: Quirk = Quirk {
    name: "bracket_in_flag",
    seen_from: "servers allowing any keyword (Dovecot with odd user flags)",
    trigger: b"* OK [PERMANENTFLAGS (\\Answered [test] \\*)] Flags permitted.\r\n",
    tolerance: "a flag may contain `]` (ASTRING-CHAR); a raw code balances brackets",
};

/// `-1` as the size of a body part.
pub const NEGATIVE_BODY_SIZE: Quirk = Quirk {
    name: "negative_body_size",
    seen_from: "Yahoo, some Exchange versions",
    trigger: b"* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" -1 0))\r\n",
    tolerance: "body-fld-octets `-1` reads as 0",
};

/// NIL as a body part's transfer encoding.
pub const NIL_BODY_ENCODING: Quirk = Quirk {
    name: "nil_body_encoding",
    seen_from: "Exchange, some Courier versions",
    trigger:
        b"* 1 FETCH (BODYSTRUCTURE (\"APPLICATION\" \"OCTET-STREAM\" NIL NIL NIL NIL 120))\r\n",
    tolerance: "body-fld-enc NIL reads as `None`",
};

/// A continuation request with nothing after `+`.
pub const BARE_CONTINUATION: Quirk = Quirk {
    name: "bare_continuation",
    seen_from: "several servers during AUTHENTICATE and literals",
    trigger: b"+\r\n",
    tolerance: "`+` CRLF is a continuation with empty text",
};

/// Spaces between the addresses of an envelope address list.
pub const SPACES_BETWEEN_ADDRESSES: Quirk = Quirk {
    name: "spaces_between_addresses",
    seen_from: "some Exchange and Zimbra versions",
    trigger: b"* 1 FETCH (ENVELOPE (NIL NIL ((NIL NIL \"a\" \"x.org\") (NIL NIL \"b\" \"x.org\")) NIL NIL NIL NIL NIL NIL NIL))\r\n",
    tolerance: "spaces between addresses in a list are skipped",
};

/// Latin-1 (or other 8-bit) bytes inside quoted strings.
pub const EIGHT_BIT_STRINGS: Quirk = Quirk {
    name: "eight_bit_strings",
    seen_from: "servers passing raw MIME parameters through (file names)",
    trigger: b"* 1 FETCH (BODYSTRUCTURE (\"APPLICATION\" \"PDF\" (\"NAME\" \"r\xe9sum\xe9.pdf\") NIL NIL \"BASE64\" 4000))\r\n",
    tolerance: "quoted strings accept 8-bit bytes, kept as bytes",
};
