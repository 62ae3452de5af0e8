//! The CRAM-MD5 mechanism (RFC 2195): the user name and the HMAC-MD5 of
//! the server's challenge keyed by the password, in hex.

use hmac::{Hmac, Mac};
use md5::Md5;

use super::{AuthError, Authenticator, Redacted};

/// CRAM-MD5 (imaplib's `login_cram_md5`).
#[derive(Clone)]
pub struct CramMd5 {
    username: String,
    password: String,
    answered: bool,
}

impl CramMd5 {
    /// CRAM-MD5 for `username` with `password`.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        CramMd5 {
            username: username.into(),
            password: password.into(),
            answered: false,
        }
    }
}

impl std::fmt::Debug for CramMd5 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CramMd5")
            .field("username", &self.username)
            .field("password", &Redacted)
            .finish()
    }
}

impl Authenticator for CramMd5 {
    fn mechanism(&self) -> &str {
        "CRAM-MD5"
    }

    /// Challenge-response: the password itself never travels.
    fn reveals_secret(&self) -> bool {
        false
    }

    fn respond(&mut self, challenge: &[u8]) -> Result<Option<Vec<u8>>, AuthError> {
        if self.answered {
            return Err(AuthError::UnexpectedChallenge {
                mechanism: "CRAM-MD5",
            });
        }
        self.answered = true;
        // HMAC accepts keys of any length: new_from_slice cannot fail here.
        let mut mac =
            <Hmac<Md5> as Mac>::new_from_slice(self.password.as_bytes()).map_err(|_| {
                AuthError::MalformedChallenge {
                    mechanism: "CRAM-MD5",
                    reason: "HMAC key refused".into(),
                }
            })?;
        mac.update(challenge);
        let digest = mac.finalize().into_bytes();
        let mut answer = self.username.as_bytes().to_vec();
        answer.push(b' ');
        answer.extend(digest.iter().flat_map(|b| hex_digits(*b)));
        Ok(Some(answer))
    }
}

fn hex_digits(byte: u8) -> [u8; 2] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    [HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0x0f)]]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc2195_example() {
        let mut cram = CramMd5::new("tim", "tanstaaftanstaaf");
        let answer = cram
            .respond(b"<1896.697170952@postoffice.reston.mci.net>")
            .unwrap()
            .unwrap();
        assert_eq!(answer, b"tim b913a602c7eda7a495b4e6e7334d3890");
    }

    #[test]
    fn second_challenge_is_an_error() {
        let mut cram = CramMd5::new("tim", "x");
        cram.respond(b"<1@x>").unwrap();
        assert!(cram.respond(b"<2@x>").is_err());
    }

    #[test]
    fn debug_hides_the_password() {
        assert!(!format!("{:?}", CramMd5::new("tim", "tanstaaf")).contains("tanstaaf"));
    }
}
