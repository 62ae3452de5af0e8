//! The further messages of a MULTIAPPEND (RFC 3502).

use chrono::{DateTime, FixedOffset};

use crate::types::{Flag, MessageData};

/// One more message of an APPEND: its flags and internal date, if given,
/// and its bytes.
///
/// ```
/// use typed_imap::types::{AppendMessage, Flag};
/// let message = AppendMessage::new(b"Subject: hi\r\n\r\nhello\r\n".to_vec()).flags([Flag::Seen]);
/// assert_eq!(message.flags, Some(vec![Flag::Seen]));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppendMessage {
    /// Flags to set on the new message.
    pub flags: Option<Vec<Flag>>,
    /// The internal date of the new message.
    pub internal_date: Option<DateTime<FixedOffset>>,
    /// The message, RFC 5322 format, CRLF line ends (or its length, its
    /// bytes from a reader: [`MessageData::external`]).
    pub message: MessageData,
}

impl AppendMessage {
    /// A message without flags or date.
    pub fn new(message: impl Into<MessageData>) -> Self {
        AppendMessage {
            flags: None,
            internal_date: None,
            message: message.into(),
        }
    }

    /// With these flags.
    pub fn flags(mut self, flags: impl IntoIterator<Item = Flag>) -> Self {
        self.flags = Some(flags.into_iter().collect());
        self
    }

    /// With this internal date.
    pub fn internal_date(mut self, date: DateTime<FixedOffset>) -> Self {
        self.internal_date = Some(date);
        self
    }
}

/// The capabilities MULTIAPPEND's further messages need (`BINARY` for a
/// binary one).
#[allow(clippy::ptr_arg)]
pub fn each_capability(messages: &Vec<AppendMessage>, need: &mut dyn FnMut(&str)) {
    for message in messages {
        message.message.each_capability(need);
    }
}

impl From<Vec<u8>> for AppendMessage {
    fn from(message: Vec<u8>) -> Self {
        AppendMessage::new(message)
    }
}
