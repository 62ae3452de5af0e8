//! Gmail labels: the one grammar type this extension adds (`gm-labels` in
//! `spec/gmail.toml`), with its encode and parse functions over typed-imap's
//! encoder and parser.

use typed_imap::codec::encode::{self, EncodeError, Encoder};
use typed_imap::codec::parse::{self, ParseError, Parser};
use typed_imap::types::Mailbox;

/// One Gmail label.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Label {
    /// A system label, written `\Name` (`\Inbox`, `\Important`, `\Sent`).
    System(String),
    /// A user's label, named like a mailbox (`Work/Projects`, `Muy Importante`).
    Named(Mailbox),
}

impl Label {
    /// A user's label.
    pub fn named(name: impl Into<Mailbox>) -> Self {
        Label::Named(name.into())
    }

    /// A system label, without its backslash: `Label::system("Important")`.
    pub fn system(name: impl Into<String>) -> Self {
        Label::System(name.into())
    }
}

/// What a label STORE does: `+X-GM-LABELS`, `-X-GM-LABELS` or
/// `X-GM-LABELS` with a list of labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelsAction {
    /// `+` (add), `-` (remove) or nothing (replace).
    pub sign: Option<char>,
    /// `.SILENT`: the server sends no FETCH back.
    pub silent: bool,
    /// The labels.
    pub labels: Vec<Label>,
}

impl LabelsAction {
    /// `+X-GM-LABELS (labels)`.
    pub fn add(labels: Vec<Label>) -> Self {
        LabelsAction {
            sign: Some('+'),
            silent: false,
            labels,
        }
    }

    /// `-X-GM-LABELS (labels)`.
    pub fn remove(labels: Vec<Label>) -> Self {
        LabelsAction {
            sign: Some('-'),
            silent: false,
            labels,
        }
    }

    /// `X-GM-LABELS (labels)`.
    pub fn replace(labels: Vec<Label>) -> Self {
        LabelsAction {
            sign: None,
            silent: false,
            labels,
        }
    }
}

/// Writes a [`LabelsAction`]: `+X-GM-LABELS[.SILENT] (labels)`.
pub fn encode_action(enc: &mut Encoder, action: &LabelsAction) -> Result<(), EncodeError> {
    match action.sign {
        Some('+') => enc.token("+"),
        Some('-') => enc.token("-"),
        _ => {}
    }
    enc.token(if action.silent {
        "X-GM-LABELS.SILENT"
    } else {
        "X-GM-LABELS"
    });
    enc.sp();
    encode(enc, &action.labels)
}

/// Writes `(label label ...)`: system labels as `\Name` (the name must be
/// an atom), the others as mailbox names are written (modified UTF-7,
/// quoted or a literal as needed).
pub fn encode(enc: &mut Encoder, labels: &[Label]) -> Result<(), EncodeError> {
    enc.list(labels, |enc, label| match label {
        Label::System(name) => {
            enc.token("\\");
            enc.atom(name)
        }
        Label::Named(mailbox) => encode::mailbox(enc, mailbox),
    })
}

/// Reads `(label ...)` as Gmail sends it after `X-GM-LABELS`. A system
/// label may come bare (`\Inbox`) or quoted (`"\\Important"`).
pub fn parse(p: &mut Parser<'_>) -> Result<Vec<Label>, ParseError> {
    p.list(|p| {
        if p.eat(b'\\') {
            return Ok(Label::System(p.atom()?.to_owned()));
        }
        let mailbox = parse::mailbox(p)?;
        Ok(match mailbox.as_str().strip_prefix('\\') {
            Some(system) => Label::System(system.to_owned()),
            None => Label::Named(mailbox),
        })
    })
}
