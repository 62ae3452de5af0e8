//! What the benchmarks `parse` (criterion) and `interleaved` share: the
//! byte streams they parse and the peers' parsing loops.

use std::hint::black_box;

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

pub fn imap_proto_all(mut input: &[u8]) -> usize {
    let mut count = 0;
    while !input.is_empty() {
        let (rest, response) = imap_proto::Response::parse(input).expect("imap-proto parses");
        black_box(response);
        input = rest;
        count += 1;
    }
    count
}

pub fn imap_codec_all(mut input: &[u8]) -> usize {
    use imap_codec::decode::Decoder;
    let codec = imap_codec::ResponseCodec::default();
    let mut count = 0;
    while !input.is_empty() {
        let (rest, response) = codec.decode(input).expect("imap-codec parses");
        black_box(response);
        input = rest;
        count += 1;
    }
    count
}
