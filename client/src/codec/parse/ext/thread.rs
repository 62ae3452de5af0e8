//! THREAD (RFC 5256): the thread trees of a THREAD response, depth-limited.

use crate::types::Thread;

use crate::codec::parse::{ParseError, Parser};

/// `[SP 1*thread-list]`: the threads of a THREAD response, possibly none.
/// Takes its own leading SP.
///
/// Nesting counts towards `Limits::max_depth`: a thread nested too deep is
/// an error, never a stack overflow.
///
/// Leniency: a space between top-level threads, and a single nested
/// thread after the members (`(1 (2))`, where the grammar asks for two),
/// are accepted; a space before the CRLF is skipped.
pub fn threads(p: &mut Parser<'_>) -> Result<Vec<Thread>, ParseError> {
    let mut threads = Vec::new();
    while p.opt_sp() {
        while p.peek() == Some(b'(') {
            threads.push(thread_list(p)?);
        }
        if !matches!(p.peek(), Some(b' ' | b'\r') | None) {
            return Err(p.error("`(` opening a thread, or CRLF"));
        }
    }
    Ok(threads)
}

/// `thread-list = "(" (thread-members / thread-nested) ")"`.
fn thread_list(p: &mut Parser<'_>) -> Result<Thread, ParseError> {
    p.byte(b'(', "`(` opening a thread")?;
    p.enter()?;
    let mut thread = Thread::default();
    while matches!(p.peek(), Some(b'0'..=b'9')) {
        thread.messages.push(p.nz_number()?);
        if !p.opt_sp() {
            break;
        }
    }
    while p.peek() == Some(b'(') {
        thread.children.push(thread_list(p)?);
        // Leniency: some servers separate nested threads with a space.
        if p.peek() == Some(b' ') && p.peek_at(1) == Some(b'(') {
            p.advance();
        }
    }
    if thread.messages.is_empty() && thread.children.is_empty() {
        return Err(p.error("a message number or a nested thread"));
    }
    p.leave();
    p.byte(b')', "`)` closing a thread")?;
    Ok(thread)
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::codec::parse::Limits;

    fn parse(input: Vec<u8>) -> Result<Vec<Thread>, ParseError> {
        crate::codec::parse::parse_whole(input, threads)
    }

    fn chain(messages: &[u32]) -> Thread {
        Thread::chain(messages.to_vec())
    }

    #[test]
    fn rfc_5256_example() {
        let threads = parse(b" (2)(3 6 (4 23)(44 7 96))\r\n".to_vec()).unwrap();
        assert_eq!(
            threads,
            [
                chain(&[2]),
                Thread::with_children(vec![3, 6], vec![chain(&[4, 23]), chain(&[44, 7, 96])]),
            ]
        );
        assert_eq!(threads[1].all_messages(), [3, 6, 4, 23, 44, 7, 96]);
    }

    #[test]
    fn rfc_5256_missing_parent_example() {
        // `((3)(5))`: 3 and 5 are siblings whose common parent is missing.
        let threads = parse(b" ((3)(5))\r\n".to_vec()).unwrap();
        assert_eq!(
            threads,
            [Thread::with_children(
                vec![],
                vec![chain(&[3]), chain(&[5])]
            )]
        );
    }

    #[test]
    fn empty_and_lenient_forms() {
        assert!(parse(b"\r\n".to_vec()).unwrap().is_empty());
        assert!(parse(b" \r\n".to_vec()).unwrap().is_empty());
        let spaced = parse(b" (1) (2 (3) (4))\r\n".to_vec()).unwrap();
        assert_eq!(spaced.len(), 2);
        assert_eq!(spaced[1].children.len(), 2);
        let single = parse(b" (1 (2))\r\n".to_vec()).unwrap();
        assert_eq!(single, [Thread::with_children(vec![1], vec![chain(&[2])])]);
    }

    #[test]
    fn malformed_threads_error_where_they_break() {
        for (input, offset) in [
            (&b" ()\r\n"[..], 2),
            (b" (0)\r\n", 2),
            (b" (1 x)\r\n", 4),
            (b" (1\r\n", 3),
            (b" 1 2\r\n", 1),
        ] {
            let error = parse(input.to_vec()).unwrap_err();
            assert_eq!(error.offset(), offset, "{input:?}: {error}");
        }
    }

    #[test]
    fn hostile_nesting_is_an_error_not_a_stack_overflow() {
        let depth = 1_000_000;
        let mut input = b" ".to_vec();
        input.extend(vec![b'('; depth]);
        input.push(b'1');
        input.extend(vec![b')'; depth]);
        input.extend_from_slice(b"\r\n");
        let error = parse(input).unwrap_err();
        assert!(
            error.expected().contains("nesting no deeper than 32"),
            "{error}"
        );
        // Within the limit, deep nesting parses.
        let mut input = b" ".to_vec();
        input.extend([b'('; 32]);
        input.push(b'1');
        input.extend([b')'; 32]);
        input.extend_from_slice(b"\r\n");
        let threads = parse(input).unwrap();
        assert_eq!(threads[0].all_messages(), [1]);
    }

    #[test]
    fn whole_thread_responses_through_the_response_parser() {
        use crate::response::{parse_response, Response};
        use crate::Data;

        let frame = Bytes::from_static(b"* THREAD (2)(3 6 (4 23)(44 7 96))\r\n");
        let response = parse_response(&frame, &Limits::DEFAULT).unwrap();
        let Response::Data(Data::Thread(threads)) = response else {
            panic!("a THREAD response: {response:?}");
        };
        assert_eq!(threads.len(), 2);
        assert_eq!(threads[1].children[1].messages, [44, 7, 96]);
        let frame = Bytes::from_static(b"* THREAD\r\n");
        let response = parse_response(&frame, &Limits::DEFAULT).unwrap();
        assert!(matches!(response, Response::Data(Data::Thread(t)) if t.is_empty()));

        let mut hostile = b"* THREAD ".to_vec();
        hostile.extend(vec![b'('; 100_000]);
        hostile.extend_from_slice(b"1\r\n");
        let error = parse_response(&Bytes::from(hostile), &Limits::DEFAULT).unwrap_err();
        assert!(error.expected().contains("nesting"), "{error}");
    }
}
