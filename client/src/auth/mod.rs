//! SASL authentication for `AUTHENTICATE` (RFC 3501 section 6.2.2, RFC 4422).
//!
//! An [`Authenticator`] plays the role of imaplib's `authobject`: the session
//! hands it each server challenge already base64-decoded and base64-encodes
//! whatever it answers; answering `None` cancels the exchange (the session
//! sends `*`). Built-in mechanisms: [`Plain`], [`Login`], [`CramMd5`],
//! [`XOAuth2`], [`OAuthBearer`], [`Scram`] (SCRAM-SHA-1 and SCRAM-SHA-256),
//! [`Anonymous`] and [`External`].
//!
//! Secrets held by the mechanisms never show in `Debug` output, and nothing
//! here logs a payload.

mod anonymous;
mod cram_md5;
mod external;
mod login;
mod oauth;
mod plain;
mod scram;

pub use anonymous::Anonymous;
pub use cram_md5::CramMd5;
pub use external::External;
pub use login::Login;
pub use oauth::{OAuthBearer, XOAuth2};
pub use plain::Plain;
pub use scram::{Scram, ScramHash};

/// Why an authentication exchange failed on the client's side.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The server's challenge did not have the form the mechanism expects.
    #[error("SASL {mechanism}: malformed server challenge: {reason}")]
    MalformedChallenge {
        /// The mechanism, `SCRAM-SHA-256`.
        mechanism: &'static str,
        /// What was expected and what came.
        reason: String,
    },
    /// The server could not prove it knows the password (SCRAM's
    /// server signature did not match, or never came).
    #[error("SASL {mechanism}: the server failed to authenticate itself: {reason}")]
    ServerNotVerified {
        /// The mechanism, `SCRAM-SHA-1`.
        mechanism: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// The user name or password cannot be used with the mechanism
    /// (SCRAM's SASLprep refuses it); nothing derived from them was sent.
    #[error("SASL {mechanism}: {reason}")]
    Unusable {
        /// The mechanism, `SCRAM-SHA-256`.
        mechanism: &'static str,
        /// What is wrong with which one.
        reason: String,
    },
    /// The server sent more challenges than the mechanism has steps.
    #[error("SASL {mechanism}: unexpected challenge after the exchange was complete")]
    UnexpectedChallenge {
        /// The mechanism.
        mechanism: &'static str,
    },
}

/// One side of a SASL exchange, driven by the session during `AUTHENTICATE`.
///
/// ```text
/// C: A001 AUTHENTICATE PLAIN
/// S: +
/// C: <base64 of respond(b"")>
/// S: A001 OK
/// ```
pub trait Authenticator {
    /// The SASL mechanism name sent after `AUTHENTICATE` (`PLAIN`).
    fn mechanism(&self) -> &str;

    /// The initial response (RFC 4959 SASL-IR), for mechanisms where the
    /// client speaks first. The session sends it on the command line when
    /// the server advertises `SASL-IR`, and otherwise answers the first
    /// (empty) challenge with it.
    fn initial_response(&mut self) -> Option<Vec<u8>> {
        None
    }

    /// Answers one challenge (already base64-decoded). `Ok(None)` cancels
    /// the exchange: the session sends `*`.
    fn respond(&mut self, challenge: &[u8]) -> Result<Option<Vec<u8>>, AuthError>;

    /// Called when the server accepted the authentication (tagged OK):
    /// mechanisms with mutual authentication check here that the server
    /// proved itself.
    fn complete(&mut self) -> Result<(), AuthError> {
        Ok(())
    }

    /// Whether someone reading the connection learns the secret (or a
    /// token as good as it) from the exchange: true for PLAIN, LOGIN,
    /// XOAUTH2 and OAUTHBEARER, false for challenge-response mechanisms
    /// (CRAM-MD5, SCRAM). The session sends a revealing mechanism only
    /// over TLS or to this machine (see `SessionOptions`). Unknown
    /// mechanisms are assumed to reveal it.
    fn reveals_secret(&self) -> bool {
        true
    }
}

impl<A: Authenticator + ?Sized> Authenticator for &mut A {
    fn mechanism(&self) -> &str {
        (**self).mechanism()
    }
    fn initial_response(&mut self) -> Option<Vec<u8>> {
        (**self).initial_response()
    }
    fn respond(&mut self, challenge: &[u8]) -> Result<Option<Vec<u8>>, AuthError> {
        (**self).respond(challenge)
    }
    fn complete(&mut self) -> Result<(), AuthError> {
        (**self).complete()
    }
    fn reveals_secret(&self) -> bool {
        (**self).reveals_secret()
    }
}

impl<A: Authenticator + ?Sized> Authenticator for Box<A> {
    fn mechanism(&self) -> &str {
        (**self).mechanism()
    }
    fn initial_response(&mut self) -> Option<Vec<u8>> {
        (**self).initial_response()
    }
    fn respond(&mut self, challenge: &[u8]) -> Result<Option<Vec<u8>>, AuthError> {
        (**self).respond(challenge)
    }
    fn complete(&mut self) -> Result<(), AuthError> {
        (**self).complete()
    }
    fn reveals_secret(&self) -> bool {
        (**self).reveals_secret()
    }
}

/// A closure `FnMut(&[u8]) -> Option<Vec<u8>>` as an authenticator, the
/// shape of imaplib's `authobject`.
pub struct FnAuthenticator<F> {
    mechanism: String,
    callback: F,
}

impl<F: FnMut(&[u8]) -> Option<Vec<u8>>> FnAuthenticator<F> {
    /// An authenticator for `mechanism` answering each challenge with
    /// `callback`; `None` cancels.
    pub fn new(mechanism: impl Into<String>, callback: F) -> Self {
        FnAuthenticator {
            mechanism: mechanism.into(),
            callback,
        }
    }
}

impl<F> std::fmt::Debug for FnAuthenticator<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FnAuthenticator")
            .field("mechanism", &self.mechanism)
            .finish_non_exhaustive()
    }
}

impl<F: FnMut(&[u8]) -> Option<Vec<u8>>> Authenticator for FnAuthenticator<F> {
    fn mechanism(&self) -> &str {
        &self.mechanism
    }
    fn respond(&mut self, challenge: &[u8]) -> Result<Option<Vec<u8>>, AuthError> {
        Ok((self.callback)(challenge))
    }
}

/// Writes `<redacted>` for a secret field in `Debug` output.
struct Redacted;

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}
