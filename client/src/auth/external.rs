//! The EXTERNAL mechanism (RFC 4422 appendix A).
//!
//! ```text
//! external-message = [authz-id-string]
//! ```

use super::{AuthError, Authenticator};

/// EXTERNAL: the server authenticates the client by something outside
/// SASL, a TLS client certificate (`TlsConfig::client_certificate_pem`)
/// most often. The one message is the identity to act as, empty to be
/// the one the certificate names; it holds no secret.
#[derive(Clone, Debug, Default)]
pub struct External {
    authzid: String,
    sent: bool,
}

impl External {
    /// EXTERNAL acting as the identity the server derives from the
    /// credentials (the certificate's).
    pub fn new() -> Self {
        External::default()
    }

    /// Acts as `authzid` instead; the server decides whether the
    /// credentials allow it.
    pub fn authorize_as(mut self, authzid: impl Into<String>) -> Self {
        self.authzid = authzid.into();
        self
    }
}

impl Authenticator for External {
    fn mechanism(&self) -> &str {
        "EXTERNAL"
    }

    fn initial_response(&mut self) -> Option<Vec<u8>> {
        self.sent = true;
        Some(self.authzid.as_bytes().to_vec())
    }

    fn respond(&mut self, _challenge: &[u8]) -> Result<Option<Vec<u8>>, AuthError> {
        if self.sent {
            return Err(AuthError::UnexpectedChallenge {
                mechanism: "EXTERNAL",
            });
        }
        self.sent = true;
        Ok(Some(self.authzid.as_bytes().to_vec()))
    }

    fn reveals_secret(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_is_the_authzid_or_empty() {
        assert_eq!(External::new().initial_response().unwrap(), b"");
        let mut admin = External::new().authorize_as("bob");
        assert_eq!(admin.initial_response().unwrap(), b"bob");
        assert!(admin.respond(b"").is_err(), "one message only");
    }

    #[test]
    fn without_sasl_ir_the_message_answers_the_first_challenge() {
        assert_eq!(External::new().respond(b"").unwrap().unwrap(), b"");
    }
}
