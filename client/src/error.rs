//! The crate's error type: what went wrong, kept apart by what the caller
//! can do about it (imaplib's `error`, `abort` and `readonly`, split finer).

use std::io;

use crate::auth::AuthError;
use crate::Code;

/// Everything a command or a connection can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server refused the command (tagged `NO`). The connection is
    /// still usable.
    #[error("{command} refused by the server: NO{} {text}", code_suffix(code))]
    No {
        /// The command's wire name (`SELECT`).
        command: String,
        /// The response code, if the server sent one (`[TRYCREATE]`,
        /// `[AUTHENTICATIONFAILED]`).
        code: Option<Code>,
        /// The server's text, lossily decoded.
        text: String,
    },
    /// The server rejected the command as malformed or not allowed now
    /// (tagged `BAD`). The connection is still usable.
    #[error("{command} rejected by the server: BAD{} {text}", code_suffix(code))]
    Bad {
        /// The command's wire name.
        command: String,
        /// The response code, if any.
        code: Option<Code>,
        /// The server's text, lossily decoded.
        text: String,
    },
    /// The server closed the session (`* BYE`), or the connection ended: the
    /// connection must be dropped (imaplib's `abort`).
    #[error("connection closed by the server: {reason}")]
    Closed {
        /// The BYE text, or what ended the connection.
        reason: String,
    },
    /// The selected mailbox became read-only while the caller expected to
    /// change it (imaplib's `readonly`).
    #[error("mailbox is read-only: {text}")]
    ReadOnly {
        /// The server's text.
        text: String,
    },
    /// The server broke the protocol (a tag never sent, a continuation
    /// nobody waits for, a response that cannot be parsed ...). The
    /// connection is broken.
    #[error("protocol error: {reason}")]
    Protocol {
        /// What was expected, and what came.
        reason: String,
    },
    /// The server accepted the command (tagged OK) without sending a
    /// response its result needs (a SELECT without `* n EXISTS`). The
    /// exchange was complete and in step, so the connection is still
    /// usable; only this command's result is missing.
    #[error("{command} completed without the `{response}` response its result needs")]
    MissingResponse {
        /// The command's wire name (`SELECT`).
        command: String,
        /// The response or code it needed (`* EXISTS`, `[UIDNEXT]`).
        response: String,
    },
    /// Reading from or writing to the connection failed (timeouts
    /// included: `io::ErrorKind::TimedOut` or `WouldBlock`).
    #[error("I/O error: {0}")]
    Io(#[from] io::Error),
    /// Setting up TLS failed: a certificate not trusted, a wrong host name,
    /// a failed handshake, an unreadable certificate file.
    #[error("TLS error: {reason}")]
    Tls {
        /// What failed.
        reason: String,
    },
    /// The command is not allowed in the session's current state; nothing
    /// was sent.
    #[error("{command} is not allowed in state {state}; allowed in: {allowed}")]
    State {
        /// The command's wire name.
        command: String,
        /// The session's state.
        state: String,
        /// The states the command is allowed in.
        allowed: String,
    },
    /// The command needs a capability the server did not advertise;
    /// nothing was sent.
    #[error("{command} needs the server capability {capability}, which it does not advertise")]
    MissingCapability {
        /// The command's wire name.
        command: String,
        /// The capability it needs (`MOVE`).
        capability: String,
    },
    /// The caller passed something that cannot be sent; nothing was sent.
    #[error("invalid argument: {reason}")]
    InvalidArgument {
        /// What is wrong with it.
        reason: String,
    },
    /// The client side of a SASL exchange failed.
    #[error(transparent)]
    Auth(#[from] AuthError),
}

fn code_suffix(code: &Option<Code>) -> String {
    code.as_ref()
        .map(|code| format!(" [{}]", code.name()))
        .unwrap_or_default()
}

impl Error {
    /// Whether the connection must be dropped after this error (imaplib's
    /// `abort`): the server closed it, broke the protocol, or I/O failed.
    pub fn is_fatal(&self) -> bool {
        matches!(
            self,
            Error::Closed { .. } | Error::Protocol { .. } | Error::Io(_) | Error::Tls { .. }
        )
    }

    /// A protocol error: `reason` says what was expected and what came.
    pub fn protocol(reason: impl Into<String>) -> Self {
        Error::Protocol {
            reason: reason.into(),
        }
    }

    /// A TLS error: `reason` says what failed.
    pub fn tls(reason: impl std::fmt::Display) -> Self {
        Error::Tls {
            reason: reason.to_string(),
        }
    }

    /// Sorts an I/O error coming out of a TLS stream: rustls reports
    /// certificate and handshake failures as `io::Error` wrapping its own.
    pub(crate) fn from_tls_io(error: io::Error) -> Self {
        match error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        {
            Some(tls) => Error::tls(tls),
            None => Error::Io(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_names_command_code_and_text() {
        let error = Error::No {
            command: "LOGIN".into(),
            code: Some(Code::Other(crate::response::RawCode {
                name: "AUTHENTICATIONFAILED".into(),
                arguments: None,
            })),
            text: "Authentication failed.".into(),
        };
        assert_eq!(
            error.to_string(),
            "LOGIN refused by the server: NO [AUTHENTICATIONFAILED] Authentication failed."
        );
        assert!(!error.is_fatal());
    }

    #[test]
    fn closed_and_protocol_errors_are_fatal() {
        assert!(Error::Closed {
            reason: "BYE".into()
        }
        .is_fatal());
        assert!(Error::protocol("unknown tag").is_fatal());
    }

    #[test]
    fn missing_response_is_not_fatal() {
        let error = crate::command::missing_response("SELECT", "* EXISTS");
        assert!(matches!(error, Error::MissingResponse { .. }));
        assert!(!error.is_fatal());
        assert_eq!(
            error.to_string(),
            "SELECT completed without the `* EXISTS` response its result needs"
        );
    }

    #[test]
    fn rustls_error_inside_io_error_becomes_tls() {
        let io = io::Error::new(io::ErrorKind::InvalidData, rustls::Error::DecryptError);
        assert!(matches!(Error::from_tls_io(io), Error::Tls { .. }));
    }

    #[test]
    fn state_error_lists_allowed_states() {
        let error = Error::State {
            command: "FETCH".into(),
            state: "authenticated".into(),
            allowed: "selected".into(),
        };
        assert_eq!(
            error.to_string(),
            "FETCH is not allowed in state authenticated; allowed in: selected"
        );
    }
}
