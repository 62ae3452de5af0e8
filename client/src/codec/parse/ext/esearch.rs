//! ESEARCH's values (RFC 4731 section 3.1, RFC 4466's generic forms).

use bytes::Bytes;

use crate::codec::parse::{sequence_set, ParseError, Parser};
use crate::types::{Partial, PartialRange, SearchReturnData, SequenceSet};

/// `[search-correlator]` = `[SP "(" "TAG" SP tag-string ")"]`: the tag of
/// the command answered. Takes its own leading SP.
pub fn search_correlator(p: &mut Parser<'_>) -> Result<Option<Bytes>, ParseError> {
    if p.peek() != Some(b' ') || p.peek_at(1) != Some(b'(') {
        return Ok(None);
    }
    p.sp()?;
    p.expect("(TAG")?;
    p.sp()?;
    let tag = p.astring()?;
    p.byte(b')', "`)` closing the search correlator")?;
    Ok(Some(tag))
}

/// `[SP "UID"]` after the correlator: the numbers are UIDs. Takes its own
/// leading SP.
pub fn esearch_uid(p: &mut Parser<'_>) -> Result<bool, ParseError> {
    let rest = p.remaining();
    let is_uid = rest.len() >= 4
        && rest.first() == Some(&b' ')
        && rest
            .get(1..4)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"UID"))
        && matches!(rest.get(4), None | Some(b' ' | b'\r' | b'\n'));
    if is_uid {
        p.sp()?;
        p.expect("UID")?;
    }
    Ok(is_uid)
}

/// `*(SP search-return-data)`: `MIN 2 COUNT 3 ALL 2,10:11`. Takes its own
/// leading SPs; names no spec knows are kept raw.
pub fn search_return_data(p: &mut Parser<'_>) -> Result<SearchReturnData, ParseError> {
    let mut data = SearchReturnData::default();
    while p.peek() == Some(b' ') {
        if matches!(p.peek_at(1), None | Some(b'\r' | b'\n')) {
            // Leniency (quirk `trailing_space`).
            p.advance();
            break;
        }
        p.sp()?;
        let name = p.atom()?;
        p.sp()?;
        match Parser::upper(name).as_bytes() {
            b"MIN" => data.min = Some(p.nz_number()?),
            b"MAX" => data.max = Some(p.nz_number()?),
            b"COUNT" => data.count = Some(p.number()?),
            b"ALL" => data.all = Some(sequence_set(p)?),
            b"MODSEQ" => data.mod_seq = Some(p.number64()?),
            b"ADDTO" => data.add_to.extend(context_updates(p)?),
            b"REMOVEFROM" => data.remove_from.extend(context_updates(p)?),
            b"PARTIAL" => data.partial = Some(partial(p)?),
            b"RELEVANCY" => data.relevancy = Some(p.list(relevancy_score)?),
            _ => {
                let name = name.to_owned();
                data.extra.push((name, p.raw_value()?));
            }
        }
    }
    Ok(data)
}
/// `relevancy-score = 1*3DIGIT`, from 1 to 100 (RFC 6203 section 6).
fn relevancy_score(p: &mut Parser<'_>) -> Result<u8, ParseError> {
    let start = p.position();
    let score = p.number()?;
    u8::try_from(score)
        .ok()
        .filter(|s| (1..=100).contains(s))
        .ok_or_else(|| p.error_at("a relevancy score from 1 to 100", start))
}

/// `"(" partial-range SP partial-results ")"`: the value of PARTIAL
/// (RFC 9394 section 3.2), its results a sequence set or NIL.
fn partial(p: &mut Parser<'_>) -> Result<Partial, ParseError> {
    p.byte(b'(', "`(` opening PARTIAL's value")?;
    let from_last = p.eat(b'-');
    let a = p.nz_number()?;
    p.byte(b':', "`:` in a partial range")?;
    if from_last {
        p.byte(b'-', "`-` before the second end of a range from the last")?;
    }
    let b = p.nz_number()?;
    let range = if from_last {
        PartialRange::Last(a, b)
    } else {
        PartialRange::First(a, b)
    };
    p.sp()?;
    let results = p.nil_or(sequence_set)?;
    p.byte(b')', "`)` closing PARTIAL's value")?;
    Ok(Partial { range, results })
}

/// `"(" context-position SP sequence-set *(SP context-position SP
/// sequence-set) ")"`: the value of ADDTO and REMOVEFROM (RFC 5267
/// section 4.3).
fn context_updates(p: &mut Parser<'_>) -> Result<Vec<(u32, SequenceSet)>, ParseError> {
    p.byte(b'(', "`(` opening context updates")?;
    let mut updates = Vec::new();
    loop {
        let position = p.number()?;
        p.sp()?;
        updates.push((position, sequence_set(p)?));
        if p.eat(b')') {
            return Ok(updates);
        }
        p.sp()
            .map_err(|_| p.error("SP or `)` after a context update"))?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::parse::parse_whole as parse;

    fn set(text: &str) -> SequenceSet {
        text.parse().unwrap()
    }

    #[test]
    fn context_updates_of_rfc_5267_examples() {
        let added = parse(b" ADDTO (0 32768:32769)\r\n", search_return_data).unwrap();
        assert_eq!(added.add_to, [(0, set("32768:32769"))]);
        let sorted = parse(
            b" ADDTO (1 2733 1 2732) REMOVEFROM (0 12)\r\n",
            search_return_data,
        )
        .unwrap();
        assert_eq!(sorted.add_to, [(1, set("2733")), (1, set("2732"))]);
        assert_eq!(sorted.remove_from, [(0, set("12"))]);
        assert!(sorted.extra.is_empty());
    }

    #[test]
    fn partial_of_rfc_9394_examples() {
        let last = parse(
            b" PARTIAL (-1:-100 200:250,252:300)\r\n",
            search_return_data,
        )
        .unwrap();
        assert_eq!(
            last.partial,
            Some(Partial {
                range: PartialRange::Last(1, 100),
                results: Some(set("200:250,252:300")),
            })
        );
        let none = parse(b" COUNT 0 PARTIAL (1:100 NIL)\r\n", search_return_data).unwrap();
        assert_eq!(none.partial.unwrap().results, None);
        assert_eq!(none.count, Some(0));
        for bad in [
            &b" PARTIAL (1:-100 5)\r\n"[..],
            b" PARTIAL (-1:100 5)\r\n",
            b" PARTIAL (0:10 5)\r\n",
            b" PARTIAL 1:10\r\n",
        ] {
            assert!(
                parse(bad, search_return_data).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn relevancy_scores_of_rfc_6203() {
        let scored = parse(b" RELEVANCY (4 18 73) ALL 1,5,9\r\n", search_return_data).unwrap();
        assert_eq!(scored.relevancy, Some(vec![4, 18, 73]));
        assert_eq!(scored.all, Some(set("1,5,9")));
        assert!(parse(b" RELEVANCY (101)\r\n", search_return_data).is_err());
        assert!(parse(b" RELEVANCY (0)\r\n", search_return_data).is_err());
    }

    #[test]
    fn a_context_update_without_its_set_is_refused() {
        assert!(parse(b" ADDTO (0)\r\n", search_return_data).is_err());
        assert!(parse(b" ADDTO ()\r\n", search_return_data).is_err());
        assert!(parse(b" REMOVEFROM 0 5\r\n", search_return_data).is_err());
    }
}
