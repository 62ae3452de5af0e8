//! The PLAIN mechanism (RFC 4616).
//!
//! ```text
//! message   = [authzid] UTF8NUL authcid UTF8NUL passwd
//! ```

use super::{AuthError, Authenticator, Redacted};

/// PLAIN: the authorization identity, user name and password in one
/// message. Sent as a SASL-IR initial response when the server allows it.
#[derive(Clone)]
pub struct Plain {
    authzid: String,
    username: String,
    password: String,
    sent: bool,
}

impl Plain {
    /// PLAIN for `username` with `password`, acting as itself.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Plain {
            authzid: String::new(),
            username: username.into(),
            password: password.into(),
            sent: false,
        }
    }

    /// Acts as `authzid` (for example an administrator logging in as a
    /// user); the server decides whether that is allowed.
    pub fn authorize_as(mut self, authzid: impl Into<String>) -> Self {
        self.authzid = authzid.into();
        self
    }

    fn message(&self) -> Vec<u8> {
        let mut message =
            Vec::with_capacity(self.authzid.len() + self.username.len() + self.password.len() + 2);
        message.extend_from_slice(self.authzid.as_bytes());
        message.push(0);
        message.extend_from_slice(self.username.as_bytes());
        message.push(0);
        message.extend_from_slice(self.password.as_bytes());
        message
    }
}

impl std::fmt::Debug for Plain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plain")
            .field("authzid", &self.authzid)
            .field("username", &self.username)
            .field("password", &Redacted)
            .finish()
    }
}

impl Authenticator for Plain {
    fn mechanism(&self) -> &str {
        "PLAIN"
    }

    fn initial_response(&mut self) -> Option<Vec<u8>> {
        self.sent = true;
        Some(self.message())
    }

    fn respond(&mut self, _challenge: &[u8]) -> Result<Option<Vec<u8>>, AuthError> {
        if self.sent {
            return Err(AuthError::UnexpectedChallenge { mechanism: "PLAIN" });
        }
        self.sent = true;
        Ok(Some(self.message()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_is_authzid_nul_user_nul_password() {
        let mut plain = Plain::new("tim", "tanstaaftanstaaf");
        assert_eq!(
            plain.initial_response().unwrap(),
            b"\0tim\0tanstaaftanstaaf"
        );
    }

    #[test]
    fn rfc4616_example_with_authzid() {
        // RFC 4616 section 4: "Kurt" acting as "Ursel".
        let mut plain = Plain::new("Kurt", "xipj3plmq").authorize_as("Ursel");
        assert_eq!(
            plain.respond(b"").unwrap().unwrap(),
            b"Ursel\0Kurt\0xipj3plmq"
        );
    }

    #[test]
    fn second_challenge_is_an_error() {
        let mut plain = Plain::new("a", "b");
        plain.respond(b"").unwrap();
        assert!(plain.respond(b"").is_err());
    }

    #[test]
    fn debug_hides_the_password() {
        let plain = Plain::new("tim", "s3cr3t-pw");
        let shown = format!("{plain:?}");
        assert!(shown.contains("tim"));
        assert!(!shown.contains("s3cr3t-pw"));
    }
}
