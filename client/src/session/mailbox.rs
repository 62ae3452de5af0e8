//! The selected mailbox as the session knows it, kept current by the
//! effects of untagged responses (`* 5 EXISTS`, `[UIDVALIDITY 7]` ...).

use crate::command::Effect;
use crate::types::Flag;

/// What is known of the selected mailbox.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MailboxState {
    /// Number of messages (`EXISTS`, decremented by `EXPUNGE` and
    /// QRESYNC's `VANISHED`).
    pub exists: u32,
    /// Number of messages with `\Recent` (`RECENT`).
    pub recent: u32,
    /// Flags defined in the mailbox (`FLAGS`).
    pub flags: Vec<Flag>,
    /// Flags the client can change permanently (`[PERMANENTFLAGS]`).
    pub permanent_flags: Option<Vec<Flag>>,
    /// The mailbox's UID validity (`[UIDVALIDITY]`).
    pub uid_validity: Option<u32>,
    /// The next UID the server will assign (`[UIDNEXT]`).
    pub uid_next: Option<u32>,
    /// The first unseen message (`[UNSEEN]`).
    pub unseen: Option<u32>,
    /// Whether the mailbox is read-only (`[READ-ONLY]`, EXAMINE).
    pub read_only: bool,
}

impl MailboxState {
    /// A message was expunged: one message fewer.
    pub(super) fn expunged(&mut self) {
        self.exists = self.exists.saturating_sub(1);
    }
}

/// Applies an effect that concerns the selected mailbox.
pub(super) fn apply(mailbox: &mut MailboxState, effect: Effect) {
    match effect {
        Effect::Exists(count) => mailbox.exists = count,
        Effect::Recent(count) => mailbox.recent = count,
        Effect::Expunge(_) => mailbox.expunged(),
        Effect::Vanished(vanished) if !vanished.earlier => {
            mailbox.exists = mailbox.exists.saturating_sub(vanished.count());
        }
        // Known before this session's view: the count already excludes them.
        Effect::Vanished(_) => {}
        Effect::Flags(flags) => mailbox.flags = flags,
        Effect::PermanentFlags(flags) => mailbox.permanent_flags = Some(flags),
        Effect::UidValidity(value) => mailbox.uid_validity = Some(value),
        Effect::UidNext(uid) => mailbox.uid_next = Some(uid),
        Effect::Unseen(seq) => mailbox.unseen = Some(seq),
        Effect::ReadOnly => mailbox.read_only = true,
        Effect::ReadWrite => mailbox.read_only = false,
        // Not about the mailbox: handled by the session, or the caller's.
        Effect::Capabilities(_) | Effect::Alert | Effect::Enabled(_) => {}
    }
}
