//! The framing and parsing items of `shared/adversarial.md` (12-19, 25
//! and 27-29): what a hostile or broken server sends must end in a clean error
//! (or a documented leniency), never a panic, a hang or a large allocation.
//! Item 26 (a `+` nobody waits for) is about the session, not the parser:
//! it is `item26_...` in `tests/tests/hostile.rs`.

use std::time::{Duration, Instant};

use bytes::Bytes;
use typed_imap::codec::frame::{FrameError, Framer};
use typed_imap::codec::parse::{self, Limits, ParseError, Parser};
use typed_imap::response::{parse_response, parse_response_as, RawCode, RawData, Response, Status};
use typed_imap::{Code, Data};

fn frame_one(input: &[u8], limits: Limits) -> Result<Option<Bytes>, FrameError> {
    let mut framer = Framer::new(limits);
    framer.push(input);
    framer.next_frame()
}

fn response(input: &'static [u8]) -> Result<Response, ParseError> {
    parse_response(&Bytes::from_static(input), &Limits::default())
}

fn with_parser<T>(input: &'static [u8], f: impl FnOnce(&mut Parser<'_>) -> T) -> T {
    let frame = Bytes::from_static(input);
    let limits = Limits::default();
    f(&mut Parser::new(&frame, &limits))
}

// 12. Bad literal announcements.

#[test]
fn item12_max_u64_announcement_is_refused_without_allocating() {
    let mut framer = Framer::new(Limits::default());
    framer.push(b"* 1 FETCH (BODY[] {18446744073709551615}\r\n");
    assert!(matches!(
        framer.next_frame(),
        Err(FrameError::LiteralTooLarge { .. })
    ));
    // The framer's fixed growth block, nothing sized from the announcement.
    assert!(framer.buffer_capacity() <= 256 * 1024);
}

#[test]
fn item12_negative_announcement_is_refused() {
    let err = frame_one(b"* 1 FETCH (BODY[] {-1}\r\n", Limits::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid literal announcement `{-1}`: expected `{` number `}`"
    );
}

#[test]
fn item12_empty_announcement_is_refused() {
    let err = frame_one(b"* 1 FETCH (BODY[] {}\r\n", Limits::default()).unwrap_err();
    assert!(matches!(err, FrameError::BadLiteral { .. }));
}

#[test]
fn item12_announcement_beyond_32_bits_is_refused() {
    let err = frame_one(b"* 1 FETCH (BODY[] {9999999999}\r\n", Limits::default()).unwrap_err();
    assert!(matches!(
        err,
        FrameError::LiteralTooLarge {
            size: 9_999_999_999,
            ..
        }
    ));
}

// 13. A huge announcement, then silence.

#[test]
fn item13_huge_literal_then_silence_holds_only_what_came() {
    let limits = Limits {
        max_literal: u64::from(u32::MAX),
        max_response: usize::MAX,
        ..Limits::default()
    };
    let mut framer = Framer::new(limits);
    framer.push(b"* 1 FETCH (BODY[] {4294967295}\r\n");
    let chunk = [b'x'; 64 * 1024];
    for _ in 0..16 {
        framer.push(&chunk);
        assert_eq!(framer.next_frame(), Ok(None));
    }
    // 1 MiB received: the buffer is within a small factor of it.
    assert!(
        framer.buffer_capacity() < 4 << 20,
        "{}",
        framer.buffer_capacity()
    );
    assert!(framer.is_mid_response());
}

#[test]
fn item13_default_maximum_literal_refuses_4gib() {
    let err = frame_one(b"* 1 FETCH (BODY[] {4294967295}\r\n", Limits::default()).unwrap_err();
    assert_eq!(
        err,
        FrameError::LiteralTooLarge {
            size: 4_294_967_295,
            limit: Limits::default().max_literal
        }
    );
}

#[test]
fn item13_streamed_literal_goes_to_a_writer_with_constant_memory() {
    use std::io::Write;
    use typed_imap::codec::frame::Event;

    let size = 16 << 20;
    let mut framer = Framer::new(Limits::default());
    framer.stream_literals_above(Some(64 * 1024));
    framer.push(format!("* 1 FETCH (UID 9 BODY[] {{{size}}}\r\n").as_bytes());
    let mut sink = std::io::sink();
    let (mut written, mut largest_buffer, mut response) = (0usize, 0usize, None);
    let read = vec![b'x'; 64 * 1024];
    let mut remaining = size;
    loop {
        while let Some(event) = framer.next_event().unwrap() {
            match event {
                Event::LiteralChunk(chunk) => written += sink.write(&chunk).unwrap(),
                Event::Response(frame) => response = Some(frame),
                Event::LiteralStart { .. } | Event::LiteralEnd => {}
            }
        }
        largest_buffer = largest_buffer.max(framer.buffer_capacity());
        if remaining == 0 {
            break;
        }
        let n = remaining.min(read.len());
        framer.push(&read[..n]);
        remaining -= n;
        if remaining == 0 {
            framer.push(b")\r\n");
        }
    }
    assert_eq!(written, size);
    assert!(largest_buffer < 1 << 20, "buffer grew to {largest_buffer}");
    let response = response.expect("the response completes");
    assert_eq!(&response[..], b"* 1 FETCH (UID 9 BODY[] {0}\r\n)\r\n");
    assert!(parse_response(&response, &Limits::default()).is_ok());
}

// 14. A zero-length literal.

#[test]
fn item14_zero_length_literal_is_an_empty_string() {
    let frame = frame_one(b"* 1 FETCH (BODY[] {0}\r\n)\r\n", Limits::default())
        .unwrap()
        .unwrap();
    let limits = Limits::default();
    let mut p = Parser::new(&frame, &limits);
    p.expect("* 1 FETCH (BODY[] ").unwrap();
    assert_eq!(p.string().unwrap(), Bytes::new());
    p.byte(b')', ")").unwrap();
    p.finish().unwrap();
}

// 15. A 10 MB line without CRLF.

#[test]
fn item15_ten_megabyte_line_fails_at_the_maximum_line_length() {
    let mut framer = Framer::new(Limits::default());
    let chunk = vec![b'a'; 1 << 20];
    let mut failed_at = None;
    for i in 1..=10 {
        framer.push(&chunk);
        if let Err(err) = framer.next_frame() {
            failed_at = Some((i, err));
            break;
        }
    }
    let (megabytes, err) = failed_at.expect("the line must be refused");
    assert_eq!(
        err,
        FrameError::LineTooLong {
            limit: Limits::default().max_line
        }
    );
    assert_eq!(megabytes, 9, "refused as soon as the 8 MiB limit is passed");
}

// 16. 100k small literals in one response.

fn many_literals(count: usize) -> Vec<u8> {
    let mut input = b"* 1 XLIST (".to_vec();
    for _ in 0..count {
        input.extend_from_slice(b"{3}\r\nabc ");
    }
    input.extend_from_slice(b"x)\r\n");
    input
}

fn frame_and_parse_literals(input: &[u8]) -> usize {
    let mut framer = Framer::new(Limits::default());
    let mut frame = None;
    for piece in input.chunks(1024) {
        framer.push(piece);
        if let Some(f) = framer.next_frame().unwrap() {
            frame = Some(f);
        }
    }
    let frame = frame.expect("one complete response");
    let limits = Limits::default();
    let mut p = Parser::new(&frame, &limits);
    p.expect("* 1 XLIST (").unwrap();
    let mut count = 0;
    while p.peek() == Some(b'{') {
        assert_eq!(&p.string().unwrap()[..], b"abc");
        p.sp().unwrap();
        count += 1;
    }
    count
}

#[test]
fn item16_hundred_thousand_literals_frame_and_parse_in_linear_time() {
    let small = many_literals(10_000);
    let large = many_literals(100_000);
    let start = Instant::now();
    assert_eq!(frame_and_parse_literals(&small), 10_000);
    let small_time = start.elapsed();
    let start = Instant::now();
    assert_eq!(frame_and_parse_literals(&large), 100_000);
    let large_time = start.elapsed();
    // Ten times the input; quadratic behaviour would take a hundred times.
    assert!(
        large_time < small_time * 40 + Duration::from_millis(200),
        "10k: {small_time:?}, 100k: {large_time:?}"
    );
}

// 17. Deep nesting.

#[test]
fn item17_body_structure_nested_ten_thousand_deep_is_refused() {
    let mut input = "(".repeat(10_000);
    input.push_str("\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1");
    input.push_str(&")".repeat(10_000));
    let frame = Bytes::from(input);
    let limits = Limits::default();
    let err = parse::body_structure(&mut Parser::new(&frame, &limits)).unwrap_err();
    assert!(
        err.expected().contains("nesting no deeper than 32"),
        "{err}"
    );
}

#[test]
fn item17_a_million_open_parentheses_are_refused() {
    let mut input = b"* 1 FETCH (BODYSTRUCTURE ".to_vec();
    input.extend(std::iter::repeat(b'(').take(1_000_000));
    input.extend_from_slice(b"\r\n");
    let frame = Bytes::from(input);
    let limits = Limits::default();
    let mut p = Parser::new(&frame, &limits);
    p.expect("* 1 FETCH (BODYSTRUCTURE ").unwrap();
    assert!(parse::body_structure(&mut p).is_err());
}

#[test]
fn item17_nested_body_extensions_are_refused() {
    let mut input = b"(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1 NIL NIL NIL NIL ".to_vec();
    input.extend(std::iter::repeat(b'(').take(100_000));
    let frame = Bytes::from(input);
    let limits = Limits::default();
    assert!(parse::body_structure(&mut Parser::new(&frame, &limits)).is_err());
}

// 18. NUL.

#[test]
fn item18_nul_in_a_quoted_string_is_refused() {
    let err = with_parser(b"\"a\0b\"", |p| p.string()).unwrap_err();
    assert_eq!(err.offset(), 2);
}

#[test]
fn item18_nul_in_a_literal_is_refused() {
    let err = with_parser(b"{3}\r\na\0b", |p| p.string()).unwrap_err();
    assert_eq!(err.offset(), 6);
}

#[test]
fn item18_nul_in_a_literal8_is_data() {
    let data = with_parser(b"~{3}\r\na\0b", |p| p.string8()).unwrap();
    assert_eq!(&data[..], b"a\0b");
}

// 19. Bare LF, CR in a quoted string, missing SP.

#[test]
fn item19_bare_lf_ending_a_response_is_a_documented_leniency_of_the_framer() {
    // Quirk `bare_lf_line_end` (GNU mailutils): the framer hands the
    // response out with CRLF.
    let frame = frame_one(b"* 3 EXISTS\n", Limits::default())
        .unwrap()
        .unwrap();
    assert_eq!(&frame[..], b"* 3 EXISTS\r\n");
    let response = parse_response(&frame, &Limits::default()).unwrap();
    assert!(matches!(response, Response::Data(Data::Exists(3))));
}

#[test]
fn item19_bare_lf_after_a_literal_announcement_is_refused() {
    let err = frame_one(b"* 1 FETCH (BODY[] {4}\nA1 OK\r\n)\r\n", Limits::default()).unwrap_err();
    assert!(
        matches!(err, FrameError::BareLfAfterLiteral { .. }),
        "{err}"
    );
}

#[test]
fn item19_parser_given_a_bare_lf_refuses_it() {
    // The leniency is the framer's: a frame that did not come through it
    // must still end in CRLF.
    let err = response(b"* 3 EXISTS\n").unwrap_err();
    assert_eq!(err.expected(), "CRLF ending the response");
}

#[test]
fn item19_cr_inside_a_quoted_string_is_refused() {
    let err = with_parser(b"\"a\rb\"", |p| p.string()).unwrap_err();
    assert_eq!(err.offset(), 2);
}

#[test]
fn item19_missing_sp_is_refused() {
    let err = response(b"*OK ready\r\n").unwrap_err();
    assert_eq!((err.expected(), err.offset()), ("SP", 1));
}

// 25. Malformed untagged responses.

#[test]
fn item25_status_data_without_arguments_fails_in_its_parser() {
    // `* STATUS` CRLF: the mailbox the STATUS grammar asks for is missing.
    let err = with_parser(b"\r\n", |p| p.astring()).unwrap_err();
    assert_eq!(err.expected(), "astring");
}

#[test]
fn item25_truncated_envelope_is_an_error() {
    let err = with_parser(b"(NIL \"subject\" ((NIL NIL \"a\" \"b\"", parse::envelope).unwrap_err();
    assert!(err.offset() > 0);
}

#[test]
fn item25_flags_without_a_list_is_an_error() {
    // `* FLAGS` CRLF: the flag list is missing.
    let err = with_parser(b"\r\n", parse::flag_list).unwrap_err();
    assert_eq!(err.expected(), "`(` opening a list");
}

#[test]
fn item25_unclosed_flag_list_is_an_error() {
    assert!(with_parser(b"(\\Seen \\Draft\r\n", parse::flag_list).is_err());
}

// 27. Negative or overflowing numbers.

#[test]
fn item27_negative_message_number_is_refused() {
    let err = response(b"* -1 EXISTS\r\n").unwrap_err();
    assert_eq!(err.offset(), 2);
}

#[test]
fn item27_message_number_beyond_32_bits_is_refused() {
    let err = response(b"* 4294967296 EXISTS\r\n").unwrap_err();
    assert_eq!(err.expected(), "number below 2^32");
}

#[test]
fn item27_number64_overflow_is_refused() {
    let err = with_parser(b"99999999999999999999", |p| p.number64()).unwrap_err();
    assert_eq!(err.expected(), "number below 2^63");
}

#[test]
fn item27_zero_is_not_an_nz_number() {
    assert!(with_parser(b"0", |p| p.nz_number()).is_err());
}

// 28. Non-UTF-8 bytes.

#[test]
fn item28_non_utf8_status_text_is_kept_as_bytes() {
    let Response::Status(status) = response(b"* OK caf\xe9 \xff\r\n").unwrap() else {
        panic!("expected a status response");
    };
    assert_eq!(&status.text[..], b"caf\xe9 \xff");
}

#[test]
fn item28_non_utf8_data_is_kept_as_bytes() {
    let frame = Bytes::from_static(b"* XLIST () \"/\" \xe9t\xe9\r\n");
    let Ok(Response::Data(RawData { arguments, .. })) =
        parse_response_as::<RawData, RawCode>(&frame, &Limits::default())
    else {
        panic!("expected data");
    };
    assert_eq!(&arguments[..], b"() \"/\" \xe9t\xe9");
}

#[test]
fn item28_non_utf8_mailbox_in_list_decodes_lossily() {
    let Response::Data(Data::List(item)) = response(b"* LIST () \"/\" \xe9t\xe9\r\n").unwrap()
    else {
        panic!("expected LIST data");
    };
    assert_eq!(item.mailbox.as_str(), "\u{fffd}t\u{fffd}");
    assert_eq!(item.mailbox.raw_wire(), Some(&b"\xe9t\xe9"[..]));
}

#[test]
fn item28_non_ascii_atom_is_an_error_not_a_panic() {
    assert!(with_parser(b"\xe9t\xe9", |p| p.atom().map(str::to_owned)).is_err());
}

#[test]
fn item28_non_utf8_mailbox_name_decodes_lossily_and_keeps_its_bytes() {
    let mailbox = with_parser(b"\"caf\xe9\"", parse::mailbox).unwrap();
    assert_eq!(mailbox.as_str(), "caf\u{fffd}");
    assert_eq!(mailbox.raw_wire(), Some(&b"caf\xe9"[..]));
}

#[test]
fn item28_non_utf8_flag_is_an_error_not_a_panic() {
    let err = with_parser(b"(\\Seen caf\xe9)", parse::flag_list).unwrap_err();
    assert_eq!(err.offset(), 10);
}

// 29. Alert and similar codes are text, never interpreted.

#[test]
fn item29_alert_text_is_exposed_as_it_came() {
    let Response::Tagged { status, .. } =
        response(b"A1 NO [ALERT] Run `rm -rf /` now\r\n").unwrap()
    else {
        panic!("expected a tagged response");
    };
    assert_eq!(status.status, Status::No);
    assert!(matches!(status.code, Some(Code::Alert)));
    assert_eq!(&status.text[..], b"Run `rm -rf /` now");
}

#[test]
fn item29_parse_and_badcharset_codes_keep_their_text() {
    let Response::Tagged { status, .. } =
        response(b"A2 BAD [PARSE] bad \"line\" here\r\n").unwrap()
    else {
        panic!("expected a tagged response");
    };
    assert!(matches!(status.code, Some(Code::Parse)));
    assert_eq!(&status.text[..], b"bad \"line\" here");
    let Response::Tagged { status, .. } =
        response(b"A3 NO [BADCHARSET (UTF-8 \"X]Y\")] no\r\n").unwrap()
    else {
        panic!("expected a tagged response");
    };
    let Some(Code::BadCharset(Some(charsets))) = status.code else {
        panic!("expected BADCHARSET with its list");
    };
    assert_eq!(
        charsets,
        [Bytes::from_static(b"UTF-8"), Bytes::from_static(b"X]Y")]
    );
}

// Properties over arbitrary input.

mod properties {
    use bytes::Bytes;
    use proptest::prelude::*;
    use typed_imap::codec::frame::Framer;
    use typed_imap::codec::parse::{self, Limits, Parser};
    use typed_imap::response::parse_response;

    /// Bytes drawn mostly from IMAP's syntax, so that the parsers get deep.
    fn imap_ish() -> impl Strategy<Value = Vec<u8>> {
        let token = prop_oneof![
            Just(b"* ".to_vec()),
            Just(b"+ ".to_vec()),
            Just(b"A1 ".to_vec()),
            Just(b"OK ".to_vec()),
            Just(b"FETCH ".to_vec()),
            Just(b"(".to_vec()),
            Just(b")".to_vec()),
            Just(b"[".to_vec()),
            Just(b"]".to_vec()),
            Just(b"\"".to_vec()),
            Just(b"\\".to_vec()),
            Just(b"NIL".to_vec()),
            Just(b" ".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"{3}\r\n".to_vec()),
            Just(b"~{2}\r\n".to_vec()),
            Just(b"{-1}".to_vec()),
            Just(b"12".to_vec()),
            Just(b"4294967296".to_vec()),
            any::<u8>().prop_map(|b| vec![b]),
        ];
        prop::collection::vec(token, 0..200).prop_map(|parts| parts.concat())
    }

    fn small_limits() -> Limits {
        Limits {
            max_line: 300,
            max_literal: 100,
            max_depth: 6,
            max_literals: 20,
            max_response: 1000,
        }
    }

    /// Frames `input` pushed in pieces of `step` bytes; parses each frame.
    fn frame_in_pieces(input: &[u8], step: usize, limits: &Limits) -> Result<Vec<Bytes>, ()> {
        let mut framer = Framer::new(limits.clone());
        let mut frames = Vec::new();
        for piece in input.chunks(step.max(1)) {
            framer.push(piece);
            while let Some(frame) = framer.next_frame().map_err(|_| ())? {
                let _ = parse_response(&frame, limits);
                frames.push(frame);
            }
        }
        Ok(frames)
    }

    /// A valid response: a status line, a SEARCH, or a FETCH with literals.
    fn valid_response() -> impl Strategy<Value = Vec<u8>> {
        let text = "[a-zA-Z0-9 .,:;!?-]{0,40}";
        prop_oneof![
            (1u32..1000, text).prop_map(|(n, t)| format!("A{n} OK {t}\r\n").into_bytes()),
            (text).prop_map(|t| format!("* NO [ALERT] {t}\r\n").into_bytes()),
            prop::collection::vec(1u32..u32::MAX, 0..20).prop_map(|ns| {
                let mut line = b"* SEARCH".to_vec();
                for n in ns {
                    line.extend_from_slice(format!(" {n}").as_bytes());
                }
                line.extend_from_slice(b"\r\n");
                line
            }),
            (
                1u32..1000,
                prop::collection::vec(prop::collection::vec(1u8..=255, 0..300), 1..4)
            )
                .prop_map(|(n, bodies)| {
                    let mut line = format!("* {n} FETCH (").into_bytes();
                    for (i, body) in bodies.iter().enumerate() {
                        line.extend_from_slice(
                            format!("BODY[{}] {{{}}}\r\n", i + 1, body.len()).as_bytes(),
                        );
                        line.extend_from_slice(body);
                        line.push(b' ');
                    }
                    line.extend_from_slice(b"UID 1)\r\n");
                    line
                }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn arbitrary_bytes_never_panic_the_framer_or_parser(input in imap_ish(), step in 1usize..64) {
            let _ = frame_in_pieces(&input, step, &small_limits());
            let _ = frame_in_pieces(&input, step, &Limits::default());
        }

        #[test]
        fn arbitrary_bytes_never_panic_the_primitives(input in imap_ish()) {
            let frame = Bytes::from(input);
            let limits = small_limits();
            let _ = parse_response(&frame, &limits);
            let _ = parse::body_structure(&mut Parser::new(&frame, &limits));
            let _ = parse::envelope(&mut Parser::new(&frame, &limits));
            let _ = parse::date_time(&mut Parser::new(&frame, &limits));
            let _ = parse::body_section(&mut Parser::new(&frame, &limits));
            let _ = parse::capabilities(&mut Parser::new(&frame, &limits));
            let _ = Parser::new(&frame, &limits).string8();
        }

        #[test]
        fn any_split_of_a_valid_stream_gives_the_same_frames(
            responses in prop::collection::vec(valid_response(), 1..12),
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..20),
        ) {
            let stream = responses.concat();
            let limits = Limits::default();
            let whole = frame_in_pieces(&stream, stream.len(), &limits).unwrap();
            prop_assert_eq!(&whole, &responses);
            let mut points: Vec<usize> = cuts.iter().map(|c| c.index(stream.len() + 1)).collect();
            points.sort_unstable();
            let mut framer = Framer::new(limits.clone());
            let mut frames = Vec::new();
            let mut last = 0;
            for point in points.into_iter().chain([stream.len()]) {
                framer.push(&stream[last..point]);
                last = point;
                while let Some(frame) = framer.next_frame().unwrap() {
                    frames.push(frame);
                }
            }
            prop_assert_eq!(frames, whole);
            for frame in &responses {
                prop_assert!(parse_response(&Bytes::from(frame.clone()), &limits).is_ok());
            }
        }
    }
}

// A known response code with arguments it should not have.

#[test]
fn a_known_code_with_bad_arguments_is_kept_raw_and_the_response_parses() {
    for (input, name, arguments) in [
        (
            &b"* OK [UIDNEXT abc] Predicted next UID\r\n"[..],
            "UIDNEXT",
            Some(&b"abc"[..]),
        ),
        (
            b"* OK [UIDNEXT 5 6] two numbers\r\n",
            "UIDNEXT",
            Some(b"5 6"),
        ),
        (b"* OK [UIDVALIDITY] nothing\r\n", "UIDVALIDITY", None),
        (
            b"* NO [PERMANENTFLAGS \\Seen] no parentheses\r\n",
            "PERMANENTFLAGS",
            Some(b"\\Seen"),
        ),
    ] {
        let frame = Bytes::copy_from_slice(input);
        let Ok(Response::Status(status)) = parse_response(&frame, &Limits::default()) else {
            panic!("{} did not parse", input.escape_ascii());
        };
        let Some(Code::Other(raw)) = status.code else {
            panic!("{} kept {:?}", input.escape_ascii(), status.code);
        };
        assert_eq!(raw.name, name);
        assert_eq!(raw.arguments.as_deref(), arguments);
        assert!(!status.text.is_empty());
    }
}

#[test]
fn a_tagged_completion_with_a_malformed_uidplus_code_still_completes() {
    let Ok(Response::Tagged { tag, status }) = response(b"A7 OK [APPENDUID 1] appended\r\n") else {
        panic!("the completion parses");
    };
    assert_eq!(tag, "A7");
    assert_eq!(status.status, Status::Ok);
    assert!(matches!(status.code, Some(Code::Other(raw)) if raw.name == "APPENDUID"));
}

#[test]
fn a_code_that_never_closes_is_still_an_error() {
    assert!(response(b"* OK [UIDNEXT 5 text without bracket\r\n").is_err());
}
