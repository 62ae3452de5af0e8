//! MULTIAPPEND's further messages (RFC 3502 section 6).
//!
//! The signature is the vocabulary's `fn(&mut Encoder, &Arg)`, with the
//! builder's stored type: a `&Vec`.
#![allow(clippy::ptr_arg)]

use crate::codec::encode::{append_message, date_time, flag_list, EncodeError, Encoder};
use crate::types::AppendMessage;

/// `append-message *(SP append-message)`, each `[flag-list SP]
/// [date-time SP] literal` (`UTF8 (literal8)` once UTF-8 is enabled): at
/// least one.
pub fn append_messages(enc: &mut Encoder, value: &Vec<AppendMessage>) -> Result<(), EncodeError> {
    if value.is_empty() {
        return Err(EncodeError::Invalid {
            what: "append-messages",
            value: "[]".into(),
            reason: "MULTIAPPEND needs at least one more message when the argument is set".into(),
        });
    }
    for (index, message) in value.iter().enumerate() {
        if index > 0 {
            enc.sp();
        }
        if let Some(flags) = &message.flags {
            flag_list(enc, flags)?;
            enc.sp();
        }
        if let Some(date) = &message.internal_date {
            date_time(enc, date)?;
            enc.sp();
        }
        append_message(enc, &message.message)?;
    }
    Ok(())
}
