//! The byte streams the benchmarks parse, shared by `parse` (criterion)
//! and `interleaved`.

const ENVELOPE: &str = "(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \
\"IMAP4rev1 WG mtg summary and minutes\" \
((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
((NIL NIL \"imap\" \"cac.washington.edu\")) \
((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) \
NIL NIL \"<B27397-0100000@cac.washington.edu>\")";

const BODYSTRUCTURE: &str = "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\") NIL NIL \"QUOTED-PRINTABLE\" 1152 23 NIL NIL NIL NIL)\
(\"TEXT\" \"HTML\" (\"CHARSET\" \"UTF-8\") NIL NIL \"BASE64\" 4554 73 NIL NIL NIL NIL) \"ALTERNATIVE\" \
(\"BOUNDARY\" \"b1\") NIL NIL NIL)";

/// (a) `count` FETCH responses with the usual header attributes.
pub fn fetch_stream(count: u32) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 1..=count {
        out.extend_from_slice(
            format!(
                "* {i} FETCH (UID {} RFC822.SIZE {} FLAGS (\\Seen \\Answered $Label{}) \
INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" ENVELOPE {ENVELOPE} BODYSTRUCTURE {BODYSTRUCTURE})\r\n",
                i + 1000,
                4000 + i % 977,
                i % 7
            )
            .as_bytes(),
        );
    }
    out
}
