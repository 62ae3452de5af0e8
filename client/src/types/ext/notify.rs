//! NOTIFY (RFC 5465): which events of which mailboxes the server reports
//! unasked.
//!
//! ```text
//! event-group      = "(" filter-mailboxes SP events ")"
//! filter-mailboxes = "selected" / "selected-delayed" / "inboxes" /
//!                    "personal" / "subscribed" /
//!                    ("subtree" SP one-or-more-mailbox) /
//!                    ("mailboxes" SP one-or-more-mailbox)
//! events           = ("(" event *(SP event) ")") / "NONE"
//! event            = ("MessageNew" [SP "(" fetch-att *(SP fetch-att) ")"]) /
//!                    "MessageExpunge" / "FlagChange" / "AnnotationChange" /
//!                    "MailboxName" / "SubscriptionChange" /
//!                    "MailboxMetadataChange" / "ServerMetadataChange" / atom
//! ```
//!
//! ```
//! use typed_imap::types::{EventGroup, FetchItem};
//! // (selected (MessageNew (UID FLAGS) MessageExpunge FlagChange))
//! let selected = EventGroup::selected()
//!     .message_new_with(FetchItem::uid() | FetchItem::flags())
//!     .message_expunge()
//!     .flag_change();
//! // (personal (MessageNew MessageExpunge MailboxName))
//! let personal = EventGroup::personal().message_new().message_expunge().mailbox_name();
//! // (subtree Lists NONE): nothing about these mailboxes.
//! let quiet = EventGroup::subtree(["Lists"]);
//! # let _ = (selected, personal, quiet);
//! ```

use crate::types::{FetchItems, Mailbox};

/// Which mailboxes an [`EventGroup`] is about (RFC 5465 section 6).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MailboxFilter {
    /// `selected`: the selected mailbox, whichever it is; its events come
    /// at once, EXPUNGE included, so that sequence numbers may change
    /// during any command: use UID commands (section 6).
    Selected,
    /// `selected-delayed`: the selected mailbox, with expunges held back
    /// until a command that allows them (RFC 3501 section 7.4.1).
    SelectedDelayed,
    /// `inboxes`: the mailboxes new mail is delivered to.
    Inboxes,
    /// `personal`: every mailbox of the user's personal namespace.
    Personal,
    /// `subscribed`: every subscribed mailbox.
    Subscribed,
    /// `subtree`: these mailboxes and every mailbox below them.
    Subtree(Vec<Mailbox>),
    /// `mailboxes`: these mailboxes, not those below.
    Mailboxes(Vec<Mailbox>),
}

impl MailboxFilter {
    /// The filter's keyword as sent.
    pub fn name(&self) -> &'static str {
        match self {
            MailboxFilter::Selected => "selected",
            MailboxFilter::SelectedDelayed => "selected-delayed",
            MailboxFilter::Inboxes => "inboxes",
            MailboxFilter::Personal => "personal",
            MailboxFilter::Subscribed => "subscribed",
            MailboxFilter::Subtree(_) => "subtree",
            MailboxFilter::Mailboxes(_) => "mailboxes",
        }
    }

    /// `selected` or `selected-delayed`: RFC 5465 allows one of them in a
    /// NOTIFY command.
    pub fn is_selected(&self) -> bool {
        matches!(
            self,
            MailboxFilter::Selected | MailboxFilter::SelectedDelayed
        )
    }
}

/// An event a client asks to be told of (RFC 5465 section 5), or one a
/// server names in `[BADEVENT (...)]` as those it supports.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum NotifyEvent {
    /// `MessageNew`: a message arrived (EXISTS and, if asked, its FETCH
    /// for the selected mailbox; STATUS for the others).
    MessageNew,
    /// `MessageExpunge`: a message was expunged (EXPUNGE or VANISHED for
    /// the selected mailbox; STATUS for the others).
    MessageExpunge,
    /// `FlagChange`: a message's flags changed (FETCH FLAGS).
    FlagChange,
    /// `AnnotationChange`: a message's annotations changed (RFC 5257).
    AnnotationChange,
    /// `MailboxName`: a mailbox was created, deleted or renamed (LIST).
    MailboxName,
    /// `SubscriptionChange`: a mailbox was subscribed or unsubscribed
    /// (LIST).
    SubscriptionChange,
    /// `MailboxMetadataChange`: a mailbox's metadata changed (METADATA,
    /// RFC 5464).
    MailboxMetadataChange,
    /// `ServerMetadataChange`: the server's metadata changed (METADATA).
    ServerMetadataChange,
    /// An event of a later extension, by its name (an atom).
    Other(String),
}

impl NotifyEvent {
    /// The events RFC 5465 names, in its order.
    pub const KNOWN: [NotifyEvent; 8] = [
        NotifyEvent::MessageNew,
        NotifyEvent::MessageExpunge,
        NotifyEvent::FlagChange,
        NotifyEvent::AnnotationChange,
        NotifyEvent::MailboxName,
        NotifyEvent::SubscriptionChange,
        NotifyEvent::MailboxMetadataChange,
        NotifyEvent::ServerMetadataChange,
    ];

    /// The event's name as sent.
    pub fn name(&self) -> &str {
        match self {
            NotifyEvent::MessageNew => "MessageNew",
            NotifyEvent::MessageExpunge => "MessageExpunge",
            NotifyEvent::FlagChange => "FlagChange",
            NotifyEvent::AnnotationChange => "AnnotationChange",
            NotifyEvent::MailboxName => "MailboxName",
            NotifyEvent::SubscriptionChange => "SubscriptionChange",
            NotifyEvent::MailboxMetadataChange => "MailboxMetadataChange",
            NotifyEvent::ServerMetadataChange => "ServerMetadataChange",
            NotifyEvent::Other(name) => name,
        }
    }

    /// The event of this name, matched without regard to case (IMAP
    /// atoms are case-insensitive); an unknown name is [`Other`](Self::Other).
    pub fn from_name(name: &str) -> Self {
        Self::KNOWN
            .into_iter()
            .find(|known| known.name().eq_ignore_ascii_case(name))
            .unwrap_or_else(|| NotifyEvent::Other(name.to_owned()))
    }
}

/// One `(filter-mailboxes events)` of `NOTIFY SET`: the events wanted for
/// the mailboxes the filter names; none (`NONE`) asks for silence about
/// them.
///
/// Refused before sending, as RFC 5465 forbids them: no group at all,
/// both `selected` and `selected-delayed`, a `subtree` or `mailboxes`
/// filter naming no mailbox, `FlagChange` or `AnnotationChange` without
/// both `MessageNew` and `MessageExpunge` (section 5), FETCH attributes
/// for a filter other than the selected mailbox (section 5.2), and
/// mailbox events for the selected mailbox (section 6.1).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EventGroup {
    /// The mailboxes.
    pub filter: MailboxFilter,
    /// The events wanted, in order; empty is `NONE`.
    pub events: Vec<NotifyEvent>,
    /// The FETCH attributes the server sends for each new message of the
    /// selected mailbox, written after `MessageNew` (which must be among
    /// the events).
    pub message_new_fetch: Option<FetchItems>,
}

impl EventGroup {
    /// A group for these mailboxes, with no events yet (`NONE`).
    pub fn new(filter: MailboxFilter) -> Self {
        EventGroup {
            filter,
            events: Vec::new(),
            message_new_fetch: None,
        }
    }

    /// `selected`: the selected mailbox, events at once.
    pub fn selected() -> Self {
        Self::new(MailboxFilter::Selected)
    }

    /// `selected-delayed`: the selected mailbox, expunges held back.
    pub fn selected_delayed() -> Self {
        Self::new(MailboxFilter::SelectedDelayed)
    }

    /// `inboxes`: where new mail is delivered.
    pub fn inboxes() -> Self {
        Self::new(MailboxFilter::Inboxes)
    }

    /// `personal`: the personal namespace.
    pub fn personal() -> Self {
        Self::new(MailboxFilter::Personal)
    }

    /// `subscribed`: the subscribed mailboxes.
    pub fn subscribed() -> Self {
        Self::new(MailboxFilter::Subscribed)
    }

    /// `subtree`: these mailboxes and those below them (at least one).
    pub fn subtree(mailboxes: impl IntoIterator<Item = impl Into<Mailbox>>) -> Self {
        Self::new(MailboxFilter::Subtree(
            mailboxes.into_iter().map(Into::into).collect(),
        ))
    }

    /// `mailboxes`: these mailboxes only (at least one).
    pub fn mailboxes(mailboxes: impl IntoIterator<Item = impl Into<Mailbox>>) -> Self {
        Self::new(MailboxFilter::Mailboxes(
            mailboxes.into_iter().map(Into::into).collect(),
        ))
    }

    /// Adds an event (once).
    #[must_use]
    pub fn event(mut self, event: NotifyEvent) -> Self {
        if !self.events.contains(&event) {
            self.events.push(event);
        }
        self
    }

    /// `MessageNew`.
    #[must_use]
    pub fn message_new(self) -> Self {
        self.event(NotifyEvent::MessageNew)
    }

    /// `MessageNew (fetch-att ...)`: the server sends these attributes of
    /// each new message (a macro is sent as its attributes); for the
    /// selected mailbox only.
    #[must_use]
    pub fn message_new_with(mut self, fetch: impl Into<FetchItems>) -> Self {
        self.message_new_fetch = Some(fetch.into());
        self.message_new()
    }

    /// `MessageExpunge`.
    #[must_use]
    pub fn message_expunge(self) -> Self {
        self.event(NotifyEvent::MessageExpunge)
    }

    /// `FlagChange`.
    #[must_use]
    pub fn flag_change(self) -> Self {
        self.event(NotifyEvent::FlagChange)
    }

    /// `AnnotationChange`.
    #[must_use]
    pub fn annotation_change(self) -> Self {
        self.event(NotifyEvent::AnnotationChange)
    }

    /// `MailboxName`.
    #[must_use]
    pub fn mailbox_name(self) -> Self {
        self.event(NotifyEvent::MailboxName)
    }

    /// `SubscriptionChange`.
    #[must_use]
    pub fn subscription_change(self) -> Self {
        self.event(NotifyEvent::SubscriptionChange)
    }

    /// `MailboxMetadataChange`.
    #[must_use]
    pub fn mailbox_metadata_change(self) -> Self {
        self.event(NotifyEvent::MailboxMetadataChange)
    }

    /// `ServerMetadataChange`.
    #[must_use]
    pub fn server_metadata_change(self) -> Self {
        self.event(NotifyEvent::ServerMetadataChange)
    }
}

/// The capabilities the groups' values need: those of the FETCH
/// attributes asked for with `MessageNew` (`MODSEQ` needs CONDSTORE).
// The signature takes `&Vec<_>`: the contract is `fn(&T, ...)`.
#[allow(clippy::ptr_arg)]
pub fn each_capability(groups: &Vec<EventGroup>, need: &mut dyn FnMut(&str)) {
    groups
        .iter()
        .filter_map(|group| group.message_new_fetch.as_ref())
        .for_each(|fetch| fetch.each_capability(need));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_names_are_matched_without_case_and_others_kept() {
        assert_eq!(
            NotifyEvent::from_name("messagenew"),
            NotifyEvent::MessageNew
        );
        assert_eq!(
            NotifyEvent::from_name("ServerMetadataChange"),
            NotifyEvent::ServerMetadataChange
        );
        assert_eq!(
            NotifyEvent::from_name("XCalendarChange"),
            NotifyEvent::Other("XCalendarChange".into())
        );
        for event in NotifyEvent::KNOWN {
            assert_eq!(NotifyEvent::from_name(event.name()), event);
        }
    }

    #[test]
    fn an_event_is_added_once_and_message_new_with_adds_message_new() {
        let group = EventGroup::personal()
            .message_new()
            .message_new()
            .mailbox_name();
        assert_eq!(
            group.events,
            [NotifyEvent::MessageNew, NotifyEvent::MailboxName]
        );
        let group = EventGroup::selected().message_new_with(crate::types::FetchItem::uid());
        assert_eq!(group.events, [NotifyEvent::MessageNew]);
        assert!(group.message_new_fetch.is_some());
    }
}
