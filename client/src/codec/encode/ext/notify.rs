//! NOTIFY (RFC 5465): the event groups of `NOTIFY SET`.
// The signature takes `&Vec<_>`: the contract is `fn(&mut Encoder, &T)`.
#![allow(clippy::ptr_arg)]

use crate::codec::encode::encoder::Encoder;
use crate::codec::encode::error::EncodeError;
use crate::codec::encode::grammar::{fetch_item, mailbox};
use crate::types::{EventGroup, FetchItems, Mailbox, MailboxFilter, NotifyEvent};

/// `event-groups = event-group *(SP event-group)`: at least one, with at
/// most one filter of the selected mailbox (`selected` or
/// `selected-delayed`, section 8).
pub fn event_groups(enc: &mut Encoder, groups: &Vec<EventGroup>) -> Result<(), EncodeError> {
    if groups.is_empty() {
        return Err(invalid("()", "NOTIFY SET needs at least one event group"));
    }
    if groups.iter().filter(|g| g.filter.is_selected()).count() > 1 {
        return Err(invalid(
            "selected",
            "only one of `selected` and `selected-delayed` may be given",
        ));
    }
    for (i, group) in groups.iter().enumerate() {
        if i > 0 {
            enc.sp();
        }
        event_group(enc, group)?;
    }
    Ok(())
}

/// `"(" filter-mailboxes SP events ")"`.
fn event_group(enc: &mut Encoder, group: &EventGroup) -> Result<(), EncodeError> {
    enc.token("(");
    enc.token(group.filter.name());
    match &group.filter {
        MailboxFilter::Subtree(names) | MailboxFilter::Mailboxes(names) => {
            enc.sp();
            one_or_more_mailbox(enc, group.filter.name(), names)?;
        }
        _ => {}
    }
    enc.sp();
    events(enc, group)?;
    enc.token(")");
    Ok(())
}

/// `one-or-more-mailbox = mailbox / "(" mailbox *(SP mailbox) ")"`.
fn one_or_more_mailbox(
    enc: &mut Encoder,
    filter: &str,
    names: &[Mailbox],
) -> Result<(), EncodeError> {
    match names {
        [] => Err(invalid(filter, "the filter names no mailbox")),
        [one] => mailbox(enc, one),
        many => enc.list(many, mailbox),
    }
}

/// `events = "(" event *(SP event) ")" / "NONE"`; MessageNew's FETCH
/// attributes right after it.
fn events(enc: &mut Encoder, group: &EventGroup) -> Result<(), EncodeError> {
    check_events(group)?;
    if group.events.is_empty() {
        enc.token("NONE");
        return Ok(());
    }
    enc.list(&group.events, |enc, event| {
        enc.atom_as("NOTIFY event", event.name())?;
        match (&group.message_new_fetch, event) {
            (Some(fetch), NotifyEvent::MessageNew) => {
                enc.sp();
                fetch_atts(enc, fetch)
            }
            _ => Ok(()),
        }
    })
}

/// What RFC 5465 forbids the client to ask (the server answers BAD).
fn check_events(group: &EventGroup) -> Result<(), EncodeError> {
    let has = |event: NotifyEvent| group.events.contains(&event);
    let filter = group.filter.name();
    if group.message_new_fetch.is_some() && !has(NotifyEvent::MessageNew) {
        return Err(invalid(
            filter,
            "FETCH attributes are given, but not the MessageNew event they go with",
        ));
    }
    if group.message_new_fetch.is_some() && !group.filter.is_selected() {
        return Err(invalid(
            filter,
            "MessageNew's FETCH attributes are for the selected mailbox only (section 5.2)",
        ));
    }
    let flags_or_annotations = has(NotifyEvent::FlagChange) || has(NotifyEvent::AnnotationChange);
    if flags_or_annotations && !(has(NotifyEvent::MessageNew) && has(NotifyEvent::MessageExpunge)) {
        return Err(invalid(
            filter,
            "FlagChange and AnnotationChange need MessageNew and MessageExpunge too (section 5)",
        ));
    }
    let mailbox_event = group.events.iter().find(|event| {
        matches!(
            event,
            NotifyEvent::MailboxName
                | NotifyEvent::SubscriptionChange
                | NotifyEvent::MailboxMetadataChange
                | NotifyEvent::ServerMetadataChange
        )
    });
    match mailbox_event {
        Some(event) if group.filter.is_selected() => Err(invalid(
            event.name(),
            "the selected mailbox takes message events only (section 6.1)",
        )),
        _ => Ok(()),
    }
}

/// `"(" fetch-att *(SP fetch-att) ")"`: always parenthesised, a macro as
/// its attributes (the grammar takes no macro here).
fn fetch_atts(enc: &mut Encoder, fetch: &FetchItems) -> Result<(), EncodeError> {
    let items = fetch.clone().into_items();
    if items.is_empty() {
        return Err(invalid(
            "MessageNew ()",
            "MessageNew's FETCH attribute list needs at least one attribute",
        ));
    }
    enc.list(&items, fetch_item)
}

fn invalid(value: &str, reason: &str) -> EncodeError {
    EncodeError::Invalid {
        what: "NOTIFY",
        value: value.into(),
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::encode::{to_bytes, EncodeOptions};
    use crate::types::{FetchItem, FetchMacro, Section, SectionText};

    fn encode(groups: Vec<EventGroup>) -> Result<String, EncodeError> {
        let mut enc = Encoder::new(EncodeOptions::default());
        event_groups(&mut enc, &groups)?;
        Ok(String::from_utf8(to_bytes(&enc.finish())).unwrap())
    }

    #[test]
    fn groups_are_written_as_rfc_5465_section_3_1_shows() {
        let headers = Section {
            part: vec![],
            text: Some(SectionText::HeaderFields(vec![
                "from".into(),
                "to".into(),
                "subject".into(),
            ])),
        };
        let groups = vec![
            EventGroup::selected()
                .message_new_with(FetchItem::uid() | FetchItem::body_peek(headers))
                .message_expunge(),
            EventGroup::subtree(["Lists"]).message_new(),
            EventGroup::mailboxes(["misc", "Other Box"]).message_new(),
        ];
        assert_eq!(
            encode(groups).unwrap(),
            "(selected (MessageNew (UID BODY.PEEK[HEADER.FIELDS (from to subject)]) \
             MessageExpunge)) (subtree Lists (MessageNew)) \
             (mailboxes (misc \"Other Box\") (MessageNew))\r\n"
        );
    }

    #[test]
    fn a_group_without_events_is_none() {
        assert_eq!(
            encode(vec![EventGroup::personal(), EventGroup::inboxes()]).unwrap(),
            "(personal NONE) (inboxes NONE)\r\n"
        );
    }

    #[test]
    fn every_event_and_filter_by_its_rfc_name() {
        let all = NotifyEvent::KNOWN
            .into_iter()
            .fold(EventGroup::subscribed(), EventGroup::event);
        let selected = EventGroup::selected_delayed()
            .message_new()
            .message_expunge()
            .flag_change();
        assert_eq!(
            encode(vec![all, selected]).unwrap(),
            "(subscribed (MessageNew MessageExpunge FlagChange AnnotationChange MailboxName \
             SubscriptionChange MailboxMetadataChange ServerMetadataChange)) \
             (selected-delayed (MessageNew MessageExpunge FlagChange))\r\n"
        );
    }

    #[test]
    fn a_macro_after_message_new_is_sent_as_its_attributes() {
        let group = EventGroup::selected().message_new_with(FetchMacro::Fast);
        assert_eq!(
            encode(vec![group]).unwrap(),
            "(selected (MessageNew (FLAGS INTERNALDATE RFC822.SIZE)))\r\n"
        );
    }

    #[test]
    fn an_extension_event_must_be_an_atom() {
        let group = EventGroup::personal().event(NotifyEvent::Other("XFoo".into()));
        assert_eq!(encode(vec![group]).unwrap(), "(personal (XFoo))\r\n");
        let group = EventGroup::personal().event(NotifyEvent::Other("X Foo".into()));
        assert!(encode(vec![group]).is_err());
    }

    #[test]
    fn what_the_grammar_forbids_is_refused_before_sending() {
        assert!(encode(vec![]).is_err());
        let both = vec![
            EventGroup::selected().message_new().message_expunge(),
            EventGroup::selected_delayed()
                .message_new()
                .message_expunge(),
        ];
        assert!(encode(both).is_err());
        assert!(encode(vec![
            EventGroup::subtree(Vec::<Mailbox>::new()).message_new()
        ])
        .is_err());
        let empty = EventGroup::selected().message_new_with(Vec::<FetchItem>::new());
        assert!(encode(vec![empty]).is_err());
    }

    #[test]
    fn fetch_attributes_go_with_message_new_of_the_selected_mailbox_only() {
        let mut orphan = EventGroup::selected().message_new().message_expunge();
        orphan.events.retain(|e| *e != NotifyEvent::MessageNew);
        orphan.message_new_fetch = Some(FetchItem::uid().into());
        assert!(encode(vec![orphan]).is_err());
        let elsewhere = EventGroup::personal().message_new_with(FetchItem::uid());
        assert!(encode(vec![elsewhere]).is_err());
    }

    #[test]
    fn flag_and_annotation_changes_need_new_and_expunge() {
        for group in [
            EventGroup::personal().flag_change(),
            EventGroup::personal().message_new().annotation_change(),
            EventGroup::selected().message_expunge().flag_change(),
        ] {
            let error = encode(vec![group]).unwrap_err();
            assert!(error.to_string().contains("MessageExpunge"), "{error}");
        }
    }

    #[test]
    fn the_selected_mailbox_takes_message_events_only() {
        let error = encode(vec![EventGroup::selected().mailbox_name()]).unwrap_err();
        assert!(error.to_string().contains("6.1"), "{error}");
        let extension = EventGroup::selected().event(NotifyEvent::Other("XNew".into()));
        assert!(encode(vec![extension]).is_ok());
    }
}
