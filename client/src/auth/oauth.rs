//! Bearer-token mechanisms: Google's XOAUTH2 and OAUTHBEARER (RFC 7628).
//!
//! Both send the token in the initial response. When the server rejects
//! it, it sends a challenge holding a JSON error; the client must answer
//! (XOAUTH2: an empty response, OAUTHBEARER: `%x01`) before the server
//! sends its tagged NO.

use super::{AuthError, Authenticator, Redacted};

/// XOAUTH2 (Gmail, Outlook):
///
/// ```text
/// base64("user=" {User} "^Aauth=Bearer " {Access Token} "^A^A")
/// ```
#[derive(Clone)]
pub struct XOAuth2 {
    username: String,
    token: String,
    sent: bool,
}

impl XOAuth2 {
    /// XOAUTH2 for `username` with the OAuth 2.0 access `token`.
    pub fn new(username: impl Into<String>, token: impl Into<String>) -> Self {
        XOAuth2 {
            username: username.into(),
            token: token.into(),
            sent: false,
        }
    }

    fn message(&self) -> Vec<u8> {
        format!(
            "user={}\x01auth=Bearer {}\x01\x01",
            self.username, self.token
        )
        .into_bytes()
    }
}

impl std::fmt::Debug for XOAuth2 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XOAuth2")
            .field("username", &self.username)
            .field("token", &Redacted)
            .finish()
    }
}

impl Authenticator for XOAuth2 {
    fn mechanism(&self) -> &str {
        "XOAUTH2"
    }

    fn initial_response(&mut self) -> Option<Vec<u8>> {
        self.sent = true;
        Some(self.message())
    }

    fn respond(&mut self, _challenge: &[u8]) -> Result<Option<Vec<u8>>, AuthError> {
        if self.sent {
            // The challenge is the server's JSON error: an empty answer
            // lets it finish with a tagged NO.
            return Ok(Some(Vec::new()));
        }
        self.sent = true;
        Ok(Some(self.message()))
    }
}

/// OAUTHBEARER (RFC 7628 section 3.1):
///
/// ```text
/// client-resp = (gs2-header kvsep *kvpair kvsep) / kvsep
/// gs2-header  = "n," ["a=" saslname] ","
/// kvpair      = key "=" value kvsep      ; host, port, auth
/// kvsep       = %x01
/// ```
#[derive(Clone)]
pub struct OAuthBearer {
    username: String,
    host: Option<String>,
    port: Option<u16>,
    token: String,
    sent: bool,
}

impl OAuthBearer {
    /// OAUTHBEARER for `username` with the bearer `token`.
    pub fn new(username: impl Into<String>, token: impl Into<String>) -> Self {
        OAuthBearer {
            username: username.into(),
            host: None,
            port: None,
            token: token.into(),
            sent: false,
        }
    }

    /// Names the server (`host=` and `port=`), as RFC 7628 recommends.
    pub fn server(mut self, host: impl Into<String>, port: u16) -> Self {
        self.host = Some(host.into());
        self.port = Some(port);
        self
    }

    fn message(&self) -> Vec<u8> {
        let mut message = format!("n,a={},\x01", gs2_saslname(&self.username));
        if let Some(host) = &self.host {
            message.push_str(&format!("host={host}\x01"));
        }
        if let Some(port) = self.port {
            message.push_str(&format!("port={port}\x01"));
        }
        message.push_str(&format!("auth=Bearer {}\x01\x01", self.token));
        message.into_bytes()
    }
}

impl std::fmt::Debug for OAuthBearer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthBearer")
            .field("username", &self.username)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("token", &Redacted)
            .finish()
    }
}

impl Authenticator for OAuthBearer {
    fn mechanism(&self) -> &str {
        "OAUTHBEARER"
    }

    fn initial_response(&mut self) -> Option<Vec<u8>> {
        self.sent = true;
        Some(self.message())
    }

    fn respond(&mut self, _challenge: &[u8]) -> Result<Option<Vec<u8>>, AuthError> {
        if self.sent {
            // RFC 7628 section 3.2.3: the error challenge is answered with
            // a lone kvsep so the server can fail the exchange.
            return Ok(Some(vec![0x01]));
        }
        self.sent = true;
        Ok(Some(self.message()))
    }
}

/// RFC 5801's saslname: `=` and `,` are escaped as `=3D` and `=2C`.
pub(super) fn gs2_saslname(name: &str) -> String {
    name.replace('=', "=3D").replace(',', "=2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xoauth2_initial_response_is_google_format() {
        // Google's documented example, before base64.
        let mut auth = XOAuth2::new(
            "someuser@example.com",
            "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg",
        );
        assert_eq!(
            auth.initial_response().unwrap(),
            b"user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"
        );
    }

    #[test]
    fn xoauth2_answers_error_challenge_with_empty_response() {
        let mut auth = XOAuth2::new("u", "t");
        auth.initial_response();
        assert_eq!(auth.respond(b"{\"status\":\"401\"}").unwrap().unwrap(), b"");
    }

    #[test]
    fn oauthbearer_rfc7628_example() {
        // RFC 7628 section 4.1.
        let mut auth = OAuthBearer::new(
            "user@example.com",
            "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==",
        )
        .server("server.example.com", 143);
        assert_eq!(
            auth.initial_response().unwrap(),
            b"n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"
        );
    }

    #[test]
    fn oauthbearer_answers_error_challenge_with_kvsep() {
        let mut auth = OAuthBearer::new("u", "t");
        auth.initial_response();
        assert_eq!(
            auth.respond(b"{\"status\":\"invalid_token\"}")
                .unwrap()
                .unwrap(),
            b"\x01"
        );
    }

    #[test]
    fn oauthbearer_escapes_comma_and_equals_in_user_name() {
        let mut auth = OAuthBearer::new("a,b=c", "t");
        let message = auth.initial_response().unwrap();
        assert!(message.starts_with(b"n,a=a=2Cb=3Dc,\x01"));
    }

    #[test]
    fn debug_hides_tokens() {
        assert!(!format!("{:?}", XOAuth2::new("u", "tok-123")).contains("tok-123"));
        assert!(!format!("{:?}", OAuthBearer::new("u", "tok-456")).contains("tok-456"));
    }
}
