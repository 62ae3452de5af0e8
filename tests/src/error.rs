//! The one error type of the harness.

use std::io;

/// Why the harness could not provide a server, a certificate or a mailbox.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// A program the harness needs is missing and could not be installed.
    #[error("{program} is not installed: {hint}")]
    Missing {
        /// The program looked for.
        program: String,
        /// Exactly what to run to install it.
        hint: String,
    },
    /// A file-system or socket operation failed.
    #[error("could not {action}: {source}")]
    Io {
        /// What was being done, with the path or address involved.
        action: String,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// An external command exited with a failure.
    #[error("`{command}` failed ({status}): {stderr}")]
    Command {
        /// The command line.
        command: String,
        /// Its exit status.
        status: String,
        /// What it wrote on stderr.
        stderr: String,
    },
    /// The server did not start, or did not accept connections in time.
    #[error("the server did not become ready: {reason}\n--- server log ---\n{log}")]
    NotReady {
        /// What went wrong.
        reason: String,
        /// The server's log so far.
        log: String,
    },
    /// A value given to the harness cannot be used.
    #[error("invalid {what} {value:?}: {reason}")]
    Invalid {
        /// The kind of value (user name, password, mailbox...).
        what: &'static str,
        /// The value as given.
        value: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A server sent something other than what a raw session expected.
    #[error("expected {expected}, got {got:?}")]
    Unexpected {
        /// What was expected.
        expected: String,
        /// What came, escaped.
        got: String,
    },
    /// A certificate or key could not be turned into a TLS configuration.
    #[error("TLS setup failed: {0}")]
    Tls(String),
    /// The client under test failed while the harness opened a session.
    #[error("the client could not {action}: {source}")]
    Client {
        /// What was being done.
        action: String,
        /// The client's error (boxed: it is large).
        #[source]
        source: Box<typed_imap::Error>,
    },
}

impl HarnessError {
    /// Wraps an I/O error with what was being done.
    pub(crate) fn io(action: impl Into<String>, source: io::Error) -> Self {
        HarnessError::Io {
            action: action.into(),
            source,
        }
    }
}
