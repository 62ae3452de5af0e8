//! `date-time`: INTERNALDATE (RFC 3501 section 9).

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::{ParseError, Parser};

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

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
    let year = i32::try_from(year).map_err(|_| p.error_at("valid year", start))?;
    // Local time minus the offset is UTC; a fixed offset has exactly one
    // reading of every local time, so no `LocalResult` is needed.
    NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|d| d.and_hms_opt(hour, minute, second))
        .and_then(|t| t.checked_sub_offset(zone))
        .map(|utc| DateTime::from_naive_utc_and_offset(utc, zone))
        .ok_or_else(|| p.error_at("a valid calendar date and time", start))
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
    let found = p.remaining().get(..3);
    let index = MONTHS
        .iter()
        .position(|m| found.is_some_and(|f| f.eq_ignore_ascii_case(*m)))
        .ok_or_else(|| p.error("English month abbreviation (Jan..Dec)"))?;
    for _ in 0..3 {
        p.advance();
    }
    // index < 12
    Ok(index as u32 + 1)
}

/// `zone = ("+" / "-") 4DIGIT`: hours and minutes east of UTC.
fn zone(p: &mut Parser<'_>) -> Result<FixedOffset, ParseError> {
    let start = p.position();
    let sign = match p.peek() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return Err(p.error("`+` or `-` starting a time zone")),
    };
    p.advance();
    let hhmm = digits(p, 4, 4, "four-digit time zone")?;
    let seconds = ((hhmm / 100) * 3600 + (hhmm % 100) * 60) as i32;
    FixedOffset::east_opt(sign * seconds).ok_or_else(|| p.error_at("time zone within a day", start))
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
