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
    /// The server completed the command and stayed in step, but what it
    /// sent cannot be the command's typed result (an ESEARCH `ALL` naming
    /// more numbers than a SEARCH result may hold, a downstream response
    /// that does not parse). The connection is still usable.
    #[error("{command}: unusable result: {reason}")]
    BadResult {
        /// The command's wire name (`SEARCH`).
        command: String,
        /// What came, and why it cannot be the result.
        reason: String,
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
    /// A login was not sent because its credentials would have gone where
    /// they must not: in clear over a network, to a server that disabled
    /// LOGIN, or with a mechanism the server does not offer. Nothing was
    /// sent; the reason says what to do instead.
    #[error("{command}: credentials not sent: {reason}")]
    CredentialsRefused {
        /// The command's wire name (`LOGIN`, `AUTHENTICATE`).
        command: String,
        /// Why, and what to do instead.
        reason: String,
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
        match rustls_inside(&error) {
            Some(tls) => Error::tls(describe_tls(tls)),
            None => Error::Io(error),
        }
    }

    /// The error of a TLS handshake that failed with `error` (an I/O error,
    /// or a rustls error inside one): a timeout, an end of stream or a
    /// refused certificate, said in words with what to do about it.
    pub(crate) fn tls_handshake(error: io::Error, handshake: &Handshake<'_>) -> Self {
        let Handshake {
            server,
            elapsed,
            received,
        } = *handshake;
        let sent = match received {
            0 => "the server sent nothing".to_owned(),
            n => format!("the server sent {n} bytes"),
        };
        let what = match rustls_inside(&error) {
            Some(tls) => describe_tls(tls),
            None => match error.kind() {
                // Sockets report an elapsed timeout as WouldBlock on Unix.
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
                    format!("timed out after {elapsed:.1?}; {sent}")
                }
                io::ErrorKind::UnexpectedEof => format!(
                    "the server closed the connection before the handshake ended \
                     ({sent}); does it speak TLS on this port?"
                ),
                _ => format!("{error} ({sent})"),
            },
        };
        Error::tls(format!("handshake with {server}: {what}"))
    }
}

/// How far a TLS handshake got, for the words of its error.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Handshake<'a> {
    /// The name the certificate is checked against.
    pub server: &'a str,
    /// From the start of the handshake to its failure.
    pub elapsed: std::time::Duration,
    /// Bytes the server sent during the handshake.
    pub received: u64,
}

fn rustls_inside(error: &io::Error) -> Option<&rustls::Error> {
    error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
}

/// A rustls error in words, with a hint where the fix is the caller's.
fn describe_tls(error: &rustls::Error) -> String {
    use rustls::{AlertDescription, InvalidMessage};
    match error {
        rustls::Error::InvalidCertificate(certificate) => describe_certificate(certificate),
        rustls::Error::InvalidMessage(InvalidMessage::InvalidContentType) => {
            "the server's answer is not TLS: is the port plain IMAP (use STARTTLS there)?".into()
        }
        rustls::Error::NoCertificatesPresented => "the server presented no certificate".into(),
        rustls::Error::AlertReceived(AlertDescription::CertificateRequired) => {
            "the server requires a client certificate: give one with \
             TlsConfig::client_certificate_pem"
                .into()
        }
        rustls::Error::AlertReceived(
            alert @ (AlertDescription::HandshakeFailure | AlertDescription::ProtocolVersion),
        ) => format!(
            "the server refused the handshake (alert {alert:?}): no TLS version or cipher \
             suite in common with rustls (TLS 1.2 and 1.3)?"
        ),
        rustls::Error::AlertReceived(alert) => format!("the server sent the TLS alert {alert:?}"),
        other => other.to_string(),
    }
}

/// Why the server's certificate was refused, and what would fix it.
fn describe_certificate(error: &rustls::CertificateError) -> String {
    use rustls::CertificateError as Certificate;
    let what = match error {
        Certificate::UnknownIssuer => "is not issued by a trusted root (self-signed, or from a \
             private CA?): to trust that root, add it with TlsConfig::custom_roots_pem"
            .to_owned(),
        Certificate::ExpiredContext { time, not_after } => format!(
            "expired on {} (it is now {}): the server must renew it, unless this \
             machine's clock is wrong",
            utc(*not_after),
            utc(*time)
        ),
        Certificate::Expired => "has expired".to_owned(),
        Certificate::NotValidYetContext { time, not_before } => format!(
            "is not valid before {} (it is now {}): is this machine's clock right?",
            utc(*not_before),
            utc(*time)
        ),
        Certificate::NotValidYet => "is not valid yet: is this machine's clock right?".to_owned(),
        Certificate::NotValidForNameContext {
            expected,
            presented,
        } => format!(
            "is not for {}: it names {}; connect by one of those names, or check it \
             against one with TlsConfig::server_name",
            expected.to_str(),
            presented_names(presented)
        ),
        Certificate::NotValidForName => "does not name this server".to_owned(),
        Certificate::Revoked => "has been revoked by its issuer".to_owned(),
        Certificate::BadSignature => "has an invalid signature".to_owned(),
        Certificate::BadEncoding => "cannot be parsed".to_owned(),
        Certificate::InvalidPurpose | Certificate::InvalidPurposeContext { .. } => {
            "is not meant for a TLS server (its extended key usage)".to_owned()
        }
        Certificate::Other(other)
            if matches!(
                other.0.downcast_ref::<webpki::Error>(),
                Some(webpki::Error::CaUsedAsEndEntity)
            ) =>
        {
            "is a CA certificate: a server must present one its CA issued (CA:FALSE), \
             not the CA's own; trust the CA and have it issue the server one"
                .to_owned()
        }
        other => format!("is refused: {other}"),
    };
    format!("the server's certificate {what}")
}

/// A certificate time as a UTC date and time.
fn utc(time: rustls::pki_types::UnixTime) -> String {
    i64::try_from(time.as_secs())
        .ok()
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map_or_else(
            || format!("{} s after 1970", time.as_secs()),
            |date| date.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        )
}

/// The names a certificate holds, from webpki's `DnsName("a.example")`
/// and `IpAddress(127.0.0.1)`.
fn presented_names(presented: &[String]) -> String {
    if presented.is_empty() {
        return "no name (no subjectAltName)".to_owned();
    }
    let plain = |name: &str| {
        name.strip_prefix("DnsName(\"")
            .and_then(|rest| rest.strip_suffix("\")"))
            .or_else(|| {
                name.strip_prefix("IpAddress(")
                    .and_then(|rest| rest.strip_suffix(')'))
            })
            .unwrap_or(name)
            .to_owned()
    };
    presented
        .iter()
        .map(|name| plain(name))
        .collect::<Vec<_>>()
        .join(", ")
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

    fn handshake(received: u64) -> Handshake<'static> {
        Handshake {
            server: "imap.example.com",
            elapsed: std::time::Duration::from_millis(1500),
            received,
        }
    }

    #[test]
    fn handshake_timeout_says_how_long_and_what_came() {
        let timeout = || io::Error::from(io::ErrorKind::WouldBlock);
        assert_eq!(
            Error::tls_handshake(timeout(), &handshake(0)).to_string(),
            "TLS error: handshake with imap.example.com: timed out after 1.5s; \
             the server sent nothing"
        );
        assert_eq!(
            Error::tls_handshake(timeout(), &handshake(12)).to_string(),
            "TLS error: handshake with imap.example.com: timed out after 1.5s; \
             the server sent 12 bytes"
        );
    }

    #[test]
    fn handshake_end_of_stream_is_a_tls_error() {
        let eof = io::Error::from(io::ErrorKind::UnexpectedEof);
        let error = Error::tls_handshake(eof, &handshake(0));
        assert!(matches!(error, Error::Tls { .. }));
        assert!(
            error.to_string().contains("closed the connection"),
            "{error}"
        );
    }

    #[test]
    fn certificate_not_valid_yet_points_at_the_clock() {
        let error =
            rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidYetContext {
                time: rustls::pki_types::UnixTime::since_unix_epoch(
                    std::time::Duration::from_secs(0),
                ),
                not_before: rustls::pki_types::UnixTime::since_unix_epoch(
                    std::time::Duration::from_secs(86_400),
                ),
            });
        assert_eq!(
            describe_tls(&error),
            "the server's certificate is not valid before 1970-01-02 00:00:00 UTC \
             (it is now 1970-01-01 00:00:00 UTC): is this machine's clock right?"
        );
    }

    #[test]
    fn certificate_required_alert_hints_at_a_client_certificate() {
        let error = rustls::Error::AlertReceived(rustls::AlertDescription::CertificateRequired);
        let io = io::Error::new(io::ErrorKind::InvalidData, error);
        assert!(Error::from_tls_io(io)
            .to_string()
            .contains("TlsConfig::client_certificate_pem"));
    }

    #[test]
    fn presented_names_are_shown_plain() {
        let names = [
            "DnsName(\"a.example\")".to_owned(),
            "IpAddress(10.0.0.1)".to_owned(),
        ];
        assert_eq!(presented_names(&names), "a.example, 10.0.0.1");
        assert_eq!(presented_names(&[]), "no name (no subjectAltName)");
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
