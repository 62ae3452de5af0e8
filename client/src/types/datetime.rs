//! Dates and date-times in IMAP form (RFC 3501 section 9), on chrono.
//!
//! ```text
//! date            = date-text / DQUOTE date-text DQUOTE
//! date-text       = date-day "-" date-month "-" date-year
//! date-time       = DQUOTE date-day-fixed "-" date-month "-" date-year
//!                   SP time SP zone DQUOTE
//! zone            = ("+" / "-") 4DIGIT
//! ```
//!
//! Month names are always the English three-letter names, whatever the
//! locale: they are protocol tokens, not text for people.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike};

/// An INTERNALDATE: a date-time with the server's zone offset.
pub type InternalDate = DateTime<FixedOffset>;

/// The month names of `date-month`, January first.
pub const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Why a date cannot be written in IMAP form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// `date-year` is exactly four digits.
    #[error("year {0} cannot be sent: IMAP dates have a four-digit year (0000-9999)")]
    Year(i32),
    /// `zone` is hours and minutes; an offset with seconds has no IMAP form.
    #[error("zone offset of {0} seconds cannot be sent: IMAP zones are whole minutes")]
    ZoneSeconds(i32),
}

/// The English name of a month, 1 to 12.
pub fn month_name(month: u32) -> Option<&'static str> {
    MONTHS
        .get(usize::try_from(month).ok()?.checked_sub(1)?)
        .copied()
}

/// The month number (1 to 12) of an English month name, case-insensitively.
pub fn month_number(name: &str) -> Option<u32> {
    let index = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(name))?;
    u32::try_from(index + 1).ok()
}

fn check_year(year: i32) -> Result<(), DateError> {
    if (0..=9999).contains(&year) {
        Ok(())
    } else {
        Err(DateError::Year(year))
    }
}

/// `date-text`, as SEARCH's SINCE and BEFORE take it: `01-Feb-2024`.
///
/// ```
/// use chrono::NaiveDate;
/// use typed_imap::types::datetime::format_date;
/// let d = NaiveDate::from_ymd_opt(2024, 2, 1).unwrap();
/// assert_eq!(format_date(&d).unwrap(), "01-Feb-2024");
/// ```
pub fn format_date(date: &NaiveDate) -> Result<String, DateError> {
    check_year(date.year())?;
    let month = month_name(date.month()).unwrap_or("Jan");
    Ok(format!("{:02}-{month}-{:04}", date.day(), date.year()))
}

/// `date-time` without its quotes, as APPEND takes it:
/// `01-Feb-2024 13:05:09 +0100`.
///
/// ```
/// use chrono::DateTime;
/// use typed_imap::types::datetime::format_date_time;
/// let t = DateTime::parse_from_rfc3339("2024-02-01T13:05:09+01:00").unwrap();
/// assert_eq!(format_date_time(&t).unwrap(), "01-Feb-2024 13:05:09 +0100");
/// ```
pub fn format_date_time(t: &DateTime<FixedOffset>) -> Result<String, DateError> {
    check_year(t.year())?;
    let offset = t.offset().local_minus_utc();
    if offset % 60 != 0 {
        return Err(DateError::ZoneSeconds(offset));
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let minutes = offset.unsigned_abs() / 60;
    let month = month_name(t.month()).unwrap_or("Jan");
    Ok(format!(
        "{:02}-{month}-{:04} {:02}:{:02}:{:02} {sign}{:02}{:02}",
        t.day(),
        t.year(),
        t.hour(),
        t.minute(),
        t.second(),
        minutes / 60,
        minutes % 60
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_names_are_english() {
        assert_eq!(month_name(1), Some("Jan"));
        assert_eq!(month_name(12), Some("Dec"));
        assert_eq!(month_name(0), None);
        assert_eq!(month_name(13), None);
        assert_eq!(month_number("dec"), Some(12));
        assert_eq!(month_number("Dez"), None);
    }

    #[test]
    fn negative_zone_is_written_with_minus() {
        let t = DateTime::parse_from_rfc3339("1999-12-31T23:59:59-03:30").unwrap();
        assert_eq!(format_date_time(&t).unwrap(), "31-Dec-1999 23:59:59 -0330");
    }

    #[test]
    fn five_digit_year_is_refused() {
        let d = NaiveDate::from_ymd_opt(10000, 1, 1).unwrap();
        assert_eq!(format_date(&d), Err(DateError::Year(10000)));
    }

    #[test]
    fn zone_with_seconds_is_refused() {
        let zone = FixedOffset::east_opt(3600 + 7).unwrap();
        let t = NaiveDate::from_ymd_opt(2020, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_local_timezone(zone)
            .unwrap();
        assert_eq!(format_date_time(&t), Err(DateError::ZoneSeconds(3607)));
    }
}
