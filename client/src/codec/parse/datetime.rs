//! `date-time`: INTERNALDATE (RFC 3501 section 9).

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::{ParseError, Parser};

/// `date-time`: `"17-Jul-1996 02:44:25 -0700"`, with its time zone.
///
/// ```text
/// date-time      = DQUOTE date-day-fixed "-" date-month "-" date-year
///                  SP time SP zone DQUOTE
/// date-day-fixed = (SP DIGIT) / 2DIGIT
/// ```
///
/// Leniency: a one-digit day without the leading space is accepted.
/// Month names are English whatever the locale, case-insensitive.
pub fn date_time(p: &mut Parser<'_>) -> Result<DateTime<FixedOffset>, ParseError> {
    let start = p.position();
    // Servers send the fixed layout; it is read in one step (a FETCH of
    // headers carries one per message). Anything else is read field by
    // field, which also names what is wrong.
    let fields = match fixed_layout(p.remaining()) {
        Some(fields) => {
            p.skip(FIXED_LEN);
            fields
        }
        None => field_by_field(p)?,
    };
    fields
        .date_time()
        .ok_or_else(|| p.error_at("a valid calendar date, time and zone", start))
}

/// The numbers of a `date-time`, not yet checked against the calendar.
#[derive(Debug, PartialEq, Eq)]
struct Fields {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    /// The zone as a signed `hhmm`.
    zone: i32,
}

impl Fields {
    /// The instant, if the date exists, the time is within a day and the
    /// zone within a day's offset.
    fn date_time(&self) -> Option<DateTime<FixedOffset>> {
        let zone = FixedOffset::east_opt((self.zone / 100) * 3600 + (self.zone % 100) * 60)?;
        // Local time minus the offset is UTC; a fixed offset has exactly
        // one reading of every local time, so no `LocalResult` is needed.
        let utc = NaiveDate::from_ymd_opt(i32::try_from(self.year).ok()?, self.month, self.day)?
            .and_hms_opt(self.hour, self.minute, self.second)?
            .checked_sub_offset(zone)?;
        Some(DateTime::from_naive_utc_and_offset(utc, zone))
    }
}

/// The length of `"DD-Mon-YYYY HH:MM:SS +ZZZZ"`, quotes included.
const FIXED_LEN: usize = 28;

/// The fields of a `date-time` in the fixed layout at the start of
/// `input` (a two-digit or space-padded day), or `None`.
fn fixed_layout(input: &[u8]) -> Option<Fields> {
    let &[b'"', d1, d2, b'-', m1, m2, m3, b'-', y1, y2, y3, y4, b' ', h1, h2, b':', n1, n2, b':', s1, s2, b' ', sign, z1, z2, z3, z4, b'"'] =
        input.get(..FIXED_LEN)?
    else {
        return None;
    };
    let sign = match sign {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let day = if d1 == b' ' {
        decimal(&[d2])?
    } else {
        decimal(&[d1, d2])?
    };
    Some(Fields {
        year: decimal(&[y1, y2, y3, y4])?,
        month: month_number(&[m1, m2, m3])?,
        day,
        hour: decimal(&[h1, h2])?,
        minute: decimal(&[n1, n2])?,
        second: decimal(&[s1, s2])?,
        zone: sign * i32::try_from(decimal(&[z1, z2, z3, z4])?).ok()?,
    })
}

/// The value of a run of ASCII digits (at most four: no overflow).
fn decimal(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0, |n, d| {
        d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
    })
}

/// The grammar followed one field at a time: the lenient forms, and
/// errors that name the field.
fn field_by_field(p: &mut Parser<'_>) -> Result<Fields, ParseError> {
    p.byte(b'"', "DQUOTE opening a date-time")?;
    p.eat(b' ');
    let day = digits(p, 1, 2, "day of month")?;
    p.byte(b'-', "`-` after the day")?;
    let month = month(p)?;
    p.byte(b'-', "`-` after the month")?;
    let year = digits(p, 4, 4, "four-digit year")?;
    p.sp()?;
    let hour = digits(p, 2, 2, "two-digit hour")?;
    p.byte(b':', "`:` after the hour")?;
    let minute = digits(p, 2, 2, "two-digit minute")?;
    p.byte(b':', "`:` after the minute")?;
    let second = digits(p, 2, 2, "two-digit second")?;
    p.sp()?;
    let zone = zone(p)?;
    p.byte(b'"', "DQUOTE closing the date-time")?;
    Ok(Fields {
        year,
        month,
        day,
        hour,
        minute,
        second,
        zone,
    })
}

/// Between `min` and `max` digits as a number.
fn digits(p: &mut Parser<'_>, min: usize, max: usize, expected: &str) -> Result<u32, ParseError> {
    let mut n = 0u32;
    let mut count = 0;
    while count < max {
        match p.peek() {
            Some(d @ b'0'..=b'9') => {
                n = n * 10 + u32::from(d - b'0');
                count += 1;
                p.advance();
            }
            _ => break,
        }
    }
    if count < min {
        return Err(p.error(expected));
    }
    Ok(n)
}

fn month(p: &mut Parser<'_>) -> Result<u32, ParseError> {
    let month = p
        .remaining()
        .get(..3)
        .and_then(month_number)
        .ok_or_else(|| p.error("English month abbreviation (Jan..Dec)"))?;
    p.skip(3);
    Ok(month)
}

/// 1 to 12 for `Jan` to `Dec`, case-insensitively.
fn month_number(name: &[u8]) -> Option<u32> {
    let &[a, b, c] = name else {
        return None;
    };
    let upper = [a, b, c].map(|b| b.to_ascii_uppercase());
    Some(match &upper {
        b"JAN" => 1,
        b"FEB" => 2,
        b"MAR" => 3,
        b"APR" => 4,
        b"MAY" => 5,
        b"JUN" => 6,
        b"JUL" => 7,
        b"AUG" => 8,
        b"SEP" => 9,
        b"OCT" => 10,
        b"NOV" => 11,
        b"DEC" => 12,
        _ => return None,
    })
}

/// `zone = ("+" / "-") 4DIGIT`: hours and minutes east of UTC, as a
/// signed `hhmm`.
fn zone(p: &mut Parser<'_>) -> Result<i32, ParseError> {
    let sign = match p.peek() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return Err(p.error("`+` or `-` starting a time zone")),
    };
    p.advance();
    let hhmm = digits(p, 4, 4, "four-digit time zone")?;
    // Four digits fit an i32.
    Ok(sign * hhmm as i32)
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::codec::parse::Limits;

    fn parse(input: &'static [u8]) -> Result<DateTime<FixedOffset>, ParseError> {
        let frame = Bytes::from_static(input);
        let limits = Limits::default();
        date_time(&mut Parser::new(&frame, &limits))
    }

    proptest::proptest! {
        /// The one-step read of the fixed layout gives what the grammar
        /// read field by field gives, and takes the same bytes.
        #[test]
        fn fixed_layout_agrees_with_the_field_by_field_reading(
            day in "( [0-9]|[0-9]{2})",
            month in "(Jan|feb|MAR|Jux|12a)",
            rest in "[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} [-+x][0-9]{4}",
            close in "[\"x]",
        ) {
            let text = format!("\"{day}-{month}-{rest}{close}");
            let frame = Bytes::from(text.into_bytes());
            let limits = Limits::default();
            if let Some(fields) = fixed_layout(&frame) {
                let mut p = Parser::new(&frame, &limits);
                proptest::prop_assert_eq!(field_by_field(&mut p), Ok(fields));
                proptest::prop_assert_eq!(p.position(), FIXED_LEN);
            }
        }
    }

    #[test]
    fn month_names_are_english_and_case_insensitive() {
        let names = "jan FEB Mar apr May jun Jul aug Sep oct Nov DEC";
        for (number, name) in (1..).zip(names.split(' ')) {
            assert_eq!(month_number(name.as_bytes()), Some(number), "{name}");
        }
        for other in ["Jui", "Ja", "Janu", "", "J\u{e0}n"] {
            assert_eq!(month_number(other.as_bytes()), None, "{other}");
        }
    }

    #[test]
    fn one_digit_day_without_its_space_is_read_field_by_field() {
        let t = parse(b"\"1-Feb-2024 00:00:00 +0100\"").unwrap();
        assert_eq!(t.to_rfc3339(), "2024-02-01T00:00:00+01:00");
    }

    #[test]
    fn rfc_example_keeps_its_zone() {
        let t = parse(b"\"17-Jul-1996 02:44:25 -0700\"").unwrap();
        assert_eq!(t.to_rfc3339(), "1996-07-17T02:44:25-07:00");
    }

    #[test]
    fn day_may_be_space_padded() {
        let t = parse(b"\" 1-Feb-2024 00:00:00 +0100\"").unwrap();
        assert_eq!(t.to_rfc3339(), "2024-02-01T00:00:00+01:00");
    }

    #[test]
    fn unknown_month_is_refused() {
        let err = parse(b"\"17-Jui-1996 02:44:25 -0700\"").unwrap_err();
        assert_eq!(err.offset(), 4);
    }

    #[test]
    fn impossible_date_is_refused() {
        assert!(parse(b"\"31-Feb-2024 00:00:00 +0000\"").is_err());
    }

    #[test]
    fn zone_beyond_a_day_is_refused() {
        assert!(parse(b"\"01-Feb-2024 00:00:00 +9999\"").is_err());
    }
}
