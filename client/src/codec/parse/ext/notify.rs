//! NOTIFY's response code (RFC 5465 section 8).

use crate::types::NotifyEvent;

use crate::codec::parse::{ParseError, Parser};

/// The events of `[BADEVENT ...]`: `"(" event-name *(SP event-name) ")"`
/// as RFC 5465 writes it, or the names bare, separated by SP, as Dovecot
/// 2.3 sends them (`[BADEVENT AnnotationChange]`).
pub fn badevent_events(p: &mut Parser<'_>) -> Result<Vec<NotifyEvent>, ParseError> {
    if p.peek() == Some(b'(') {
        return p.list(event_name);
    }
    let mut events = vec![event_name(p)?];
    while p.peek() == Some(b' ') {
        p.sp()?;
        events.push(event_name(p)?);
    }
    Ok(events)
}

/// `event-name`: an event RFC 5465 names, matched without regard to case,
/// or another atom ([`NotifyEvent::Other`]).
fn event_name(p: &mut Parser<'_>) -> Result<NotifyEvent, ParseError> {
    p.atom().map(NotifyEvent::from_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &'static [u8]) -> Result<Vec<NotifyEvent>, ParseError> {
        crate::codec::parse::parse_whole(input, badevent_events)
    }

    #[test]
    fn a_parenthesised_list_as_rfc_5465_writes_it() {
        assert_eq!(
            parse(b"(MessageNew messageexpunge XCalendar)\r\n").unwrap(),
            [
                NotifyEvent::MessageNew,
                NotifyEvent::MessageExpunge,
                NotifyEvent::Other("XCalendar".into())
            ]
        );
    }

    #[test]
    fn bare_names_as_dovecot_sends_them() {
        assert_eq!(
            parse(b"AnnotationChange\r\n").unwrap(),
            [NotifyEvent::AnnotationChange]
        );
        assert_eq!(
            parse(b"MailboxMetadataChange ServerMetadataChange\r\n").unwrap(),
            [
                NotifyEvent::MailboxMetadataChange,
                NotifyEvent::ServerMetadataChange
            ]
        );
    }

    #[test]
    fn no_name_is_an_error() {
        assert_eq!(parse(b"\r\n").unwrap_err().offset(), 0);
        assert!(parse(b"(MessageNew\r\n").is_err());
        assert!(parse(b"MessageNew \r\n").is_err());
    }
}
