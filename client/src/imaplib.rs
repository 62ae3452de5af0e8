//! Counterparts of Python imaplib's module functions: `Int2AP`,
//! `ParseFlags`, `Internaldate2tuple` and `Time2Internaldate`.
//!
//! They behave as imaplib's do where that is sound, and are typed where
//! imaplib returns tuples or raw bytes. Month names are always English,
//! whatever the locale.

use chrono::{DateTime, FixedOffset, Local, NaiveDate, TimeZone};

use crate::types::datetime::{format_date_time, month_number, DateError};
use crate::types::Flag;

/// `Int2AP`: a number written in base 16 with the letters `A` to `P`
/// (imaplib's tag prefixes). Like imaplib, 0 gives the empty string.
///
/// ```
/// use typed_imap::imaplib::int_to_ap;
/// assert_eq!(int_to_ap(0x1f), "BP");
/// ```
pub fn int_to_ap(n: u64) -> String {
    const AP: &[u8; 16] = b"ABCDEFGHIJKLMNOP";
    let mut digits = Vec::new();
    let mut n = n;
    while n > 0 {
        // `n % 16` always indexes the 16 letters.
        digits.push(char::from(AP[(n % 16) as usize]));
        n /= 16;
    }
    digits.iter().rev().collect()
}

/// `ParseFlags`: the flags of the last `FLAGS (...)` in a response line,
/// or none if there is none. Flags are taken as the server sent them
/// ([`Flag::from_server`]); invalid UTF-8 is replaced lossily.
///
/// ```
/// use typed_imap::imaplib::parse_flags;
/// use typed_imap::types::Flag;
/// let flags = parse_flags(b"* 1 FETCH (FLAGS (\\Seen $Junk))");
/// assert_eq!(flags, vec![Flag::Seen, Flag::Keyword("$Junk".into())]);
/// ```
pub fn parse_flags(response: &[u8]) -> Vec<Flag> {
    // imaplib's pattern is `.*FLAGS \((?P<flags>[^\)]*)\)`: the greedy `.*`
    // takes the last `FLAGS (` that has a `)` after it.
    const NEEDLE: &[u8] = b"FLAGS (";
    let starts = (0..response.len()).rev().filter(|&i| {
        response
            .get(i..)
            .is_some_and(|rest| rest.starts_with(NEEDLE))
    });
    for start in starts {
        let inner = response.get(start + NEEDLE.len()..).unwrap_or_default();
        if let Some(end) = inner.iter().position(|&b| b == b')') {
            let text = String::from_utf8_lossy(inner.get(..end).unwrap_or_default());
            return text
                .split_ascii_whitespace()
                .map(Flag::from_server)
                .collect();
        }
    }
    Vec::new()
}

/// `Internaldate2tuple`: the INTERNALDATE of a FETCH response line, with
/// the server's zone offset kept (use `.with_timezone(&chrono::Local)` for
/// imaplib's local time). `None` when there is none or it is not a valid
/// date.
///
/// ```
/// use typed_imap::imaplib::internal_date_to_datetime;
/// let t = internal_date_to_datetime(br#"* 1 FETCH (INTERNALDATE "17-Jul-1996 02:44:25 -0700")"#).unwrap();
/// assert_eq!(t.to_rfc3339(), "1996-07-17T02:44:25-07:00");
/// ```
pub fn internal_date_to_datetime(response: &[u8]) -> Option<DateTime<FixedOffset>> {
    const NEEDLE: &[u8] = b"INTERNALDATE \"";
    let start = (0..response.len()).rev().find(|&i| {
        response
            .get(i..)
            .is_some_and(|rest| rest.starts_with(NEEDLE))
    })?;
    let text = response.get(start + NEEDLE.len()..)?;
    let end = text.iter().position(|&b| b == b'"')?;
    parse_date_time_text(std::str::from_utf8(text.get(..end)?).ok()?)
}

/// Parses `DD-Mon-YYYY HH:MM:SS +HHMM` (the day may be space-padded).
fn parse_date_time_text(text: &str) -> Option<DateTime<FixedOffset>> {
    let (date, rest) = text.trim_start().split_once(' ')?;
    let (time, zone) = rest.split_once(' ')?;
    let mut date_parts = date.split('-');
    let day: u32 = date_parts.next()?.parse().ok()?;
    let month = month_number(date_parts.next()?)?;
    let year: i32 = date_parts.next()?.parse().ok()?;
    let mut time_parts = time.split(':').map(|p| p.parse::<u32>().ok());
    let (h, m, s) = (
        time_parts.next()??,
        time_parts.next()??,
        time_parts.next()??,
    );
    let sign = match zone.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits = zone.get(1..)?;
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hhmm: i32 = digits.parse().ok()?;
    let offset = FixedOffset::east_opt(sign * ((hhmm / 100) * 3600 + (hhmm % 100) * 60))?;
    let naive = NaiveDate::from_ymd_opt(year, month, day)?.and_hms_opt(h, m, s)?;
    offset.from_local_datetime(&naive).single()
}

/// What [`time_to_internal_date`] accepts: epoch seconds (taken in the
/// local time zone, as imaplib does), a time-zone-aware chrono date-time,
/// or a string already in INTERNALDATE form.
/// A naive date-time has no zone and is refused by the type: it does not
/// implement this trait.
pub trait IntoInternalDate {
    /// The instant, with the zone offset it is to be written in.
    fn into_internal_date(self) -> Option<DateTime<FixedOffset>>;
}

impl IntoInternalDate for i64 {
    /// Epoch seconds, written in the local time zone (DST included).
    fn into_internal_date(self) -> Option<DateTime<FixedOffset>> {
        let local = Local.timestamp_opt(self, 0).single()?;
        Some(local.fixed_offset())
    }
}

impl IntoInternalDate for f64 {
    /// Fractional epoch seconds (Python's `time.time()`), written in the
    /// local time zone; the fraction is dropped, as imaplib's format does.
    fn into_internal_date(self) -> Option<DateTime<FixedOffset>> {
        if !self.is_finite() || self < i64::MIN as f64 || self >= i64::MAX as f64 {
            return None;
        }
        // In range and finite: the cast cannot saturate.
        (self.floor() as i64).into_internal_date()
    }
}

impl IntoInternalDate for &str {
    /// An INTERNALDATE already in IMAP form, with or without its quotes
    /// (imaplib passes a pre-quoted string through); it is checked.
    fn into_internal_date(self) -> Option<DateTime<FixedOffset>> {
        let inner = self
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or(self);
        parse_date_time_text(inner)
    }
}

impl<Tz: TimeZone> IntoInternalDate for DateTime<Tz> {
    fn into_internal_date(self) -> Option<DateTime<FixedOffset>> {
        Some(self.fixed_offset())
    }
}

impl<Tz: TimeZone> IntoInternalDate for &DateTime<Tz> {
    fn into_internal_date(self) -> Option<DateTime<FixedOffset>> {
        Some(self.fixed_offset())
    }
}

/// Why a time cannot be written as an INTERNALDATE.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InternalDateError {
    /// Epoch seconds outside what chrono can represent, or a string that
    /// is not an INTERNALDATE.
    #[error("not a time that can be written as an INTERNALDATE (out of range or malformed)")]
    OutOfRange,
    /// A date that has no IMAP form (a five-digit year, a zone with seconds).
    #[error(transparent)]
    Date(#[from] DateError),
}

/// `Time2Internaldate`: `"DD-Mon-YYYY HH:MM:SS +HHMM"`, quotes included,
/// from epoch seconds (local time zone) or an aware chrono date-time.
///
/// ```
/// use chrono::{FixedOffset, TimeZone};
/// use typed_imap::imaplib::time_to_internal_date;
/// let t = FixedOffset::east_opt(3600).unwrap().with_ymd_and_hms(2024, 2, 1, 13, 5, 9).unwrap();
/// assert_eq!(time_to_internal_date(t).unwrap(), "\"01-Feb-2024 13:05:09 +0100\"");
/// ```
pub fn time_to_internal_date(t: impl IntoInternalDate) -> Result<String, InternalDateError> {
    let t = t
        .into_internal_date()
        .ok_or(InternalDateError::OutOfRange)?;
    Ok(format!("\"{}\"", format_date_time(&t)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn int_to_ap_matches_imaplib() {
        assert_eq!(int_to_ap(0), "");
        assert_eq!(int_to_ap(1), "B");
        assert_eq!(int_to_ap(15), "P");
        assert_eq!(int_to_ap(16), "BA");
        assert_eq!(int_to_ap(u64::MAX), "PPPPPPPPPPPPPPPP");
    }

    #[test]
    fn parse_flags_takes_the_last_flags_list() {
        let flags = parse_flags(b"* 1 FETCH (FLAGS (\\Seen) X FLAGS (\\Deleted))");
        assert_eq!(flags, vec![Flag::Deleted]);
    }

    #[test]
    fn parse_flags_without_flags_is_empty() {
        assert!(parse_flags(b"* 1 FETCH (UID 4)").is_empty());
        assert!(parse_flags(b"FLAGS (\\Seen").is_empty());
    }

    #[test]
    fn internal_date_with_space_padded_day_parses() {
        let t = internal_date_to_datetime(b"INTERNALDATE \" 1-Jan-2000 00:00:00 +0000\"").unwrap();
        assert_eq!(t.to_rfc3339(), "2000-01-01T00:00:00+00:00");
    }

    #[test]
    fn internal_date_that_is_invalid_is_none() {
        for bad in [
            &b"INTERNALDATE \"31-Feb-2000 00:00:00 +0000\""[..],
            b"INTERNALDATE \"01-Foo-2000 00:00:00 +0000\"",
            b"INTERNALDATE \"01-Jan-2000 00:00:00 0000\"",
            b"INTERNALDATE \"01-Jan-2000 25:00:00 +0000\"",
            b"INTERNALDATE \"01-Jan-2000",
            b"no date here",
        ] {
            assert_eq!(
                internal_date_to_datetime(bad),
                None,
                "{}",
                bad.escape_ascii()
            );
        }
    }

    #[test]
    fn time_to_internal_date_of_utc_is_plus_0000() {
        let t = Utc.with_ymd_and_hms(2001, 9, 9, 1, 46, 40).unwrap();
        assert_eq!(
            time_to_internal_date(t).unwrap(),
            "\"09-Sep-2001 01:46:40 +0000\""
        );
    }

    #[test]
    fn time_to_internal_date_of_epoch_seconds_is_the_same_instant() {
        let text = time_to_internal_date(1_000_000_000_i64).unwrap();
        let back = internal_date_to_datetime(format!("INTERNALDATE {text}").as_bytes()).unwrap();
        assert_eq!(back.timestamp(), 1_000_000_000);
    }

    #[test]
    fn time_to_internal_date_of_fractional_seconds_drops_the_fraction() {
        assert_eq!(
            time_to_internal_date(1_000_000_000.9_f64).unwrap(),
            time_to_internal_date(1_000_000_000_i64).unwrap()
        );
        assert!(time_to_internal_date(f64::NAN).is_err());
        assert!(time_to_internal_date(f64::INFINITY).is_err());
    }

    #[test]
    fn time_to_internal_date_passes_a_valid_quoted_string_through() {
        let text = "\"17-Jul-1996 02:44:25 -0700\"";
        assert_eq!(time_to_internal_date(text).unwrap(), text);
        assert_eq!(
            time_to_internal_date("17-Jul-1996 02:44:25 -0700").unwrap(),
            text
        );
        assert!(time_to_internal_date("\"17-July-1996 02:44:25 -0700\"").is_err());
    }

    #[test]
    fn round_trip_keeps_the_zone() {
        let t = FixedOffset::west_opt(7 * 3600)
            .unwrap()
            .with_ymd_and_hms(1996, 7, 17, 2, 44, 25)
            .unwrap();
        let text = time_to_internal_date(t).unwrap();
        assert_eq!(text, "\"17-Jul-1996 02:44:25 -0700\"");
        let back = internal_date_to_datetime(format!("INTERNALDATE {text}").as_bytes()).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.offset(), t.offset());
    }
}
