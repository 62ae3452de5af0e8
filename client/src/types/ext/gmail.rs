//! Gmail's labels (X-GM-EXT-1): the values of the X-GM-LABELS fetch
//! attribute and of a label STORE.

use crate::types::Mailbox;

/// One Gmail label.
///
/// ```
/// use typed_imap::types::GmailLabel;
/// assert_eq!(GmailLabel::system("Inbox"), GmailLabel::System("Inbox".into()));
/// assert_eq!(GmailLabel::named("Work").to_string(), "Work");
/// assert_eq!(GmailLabel::system("Important").to_string(), "\\Important");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum GmailLabel {
    /// A system label, written `\Name` (`\Inbox`, `\Important`, `\Sent`),
    /// stored without its backslash.
    System(String),
    /// A user's label, named like a mailbox (`Work/Projects`,
    /// `Muy Importante`).
    Named(Mailbox),
}

impl GmailLabel {
    /// A user's label.
    pub fn named(name: impl Into<Mailbox>) -> Self {
        GmailLabel::Named(name.into())
    }

    /// A system label, without its backslash: `GmailLabel::system("Important")`.
    pub fn system(name: impl Into<String>) -> Self {
        GmailLabel::System(name.into())
    }
}

impl std::fmt::Display for GmailLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GmailLabel::System(name) => write!(f, "\\{name}"),
            GmailLabel::Named(mailbox) => f.write_str(mailbox.as_str()),
        }
    }
}

/// What a label STORE does: `+X-GM-LABELS`, `-X-GM-LABELS` or
/// `X-GM-LABELS` (optionally `.SILENT`) with a list of labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelsAction {
    /// `+` (add), `-` (remove) or neither (replace).
    pub mode: crate::types::StoreMode,
    /// `.SILENT`: the server sends no FETCH back.
    pub silent: bool,
    /// The labels.
    pub labels: Vec<GmailLabel>,
}

impl LabelsAction {
    /// `+X-GM-LABELS (labels)`.
    pub fn add(labels: Vec<GmailLabel>) -> Self {
        Self::with(crate::types::StoreMode::Add, labels)
    }

    /// `-X-GM-LABELS (labels)`.
    pub fn remove(labels: Vec<GmailLabel>) -> Self {
        Self::with(crate::types::StoreMode::Remove, labels)
    }

    /// `X-GM-LABELS (labels)`.
    pub fn replace(labels: Vec<GmailLabel>) -> Self {
        Self::with(crate::types::StoreMode::Replace, labels)
    }

    /// The same, with `.SILENT`: no FETCH comes back.
    #[must_use]
    pub fn silent(mut self) -> Self {
        self.silent = true;
        self
    }

    fn with(mode: crate::types::StoreMode, labels: Vec<GmailLabel>) -> Self {
        LabelsAction {
            mode,
            silent: false,
            labels,
        }
    }
}
