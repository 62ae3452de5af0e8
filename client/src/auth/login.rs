//! The LOGIN mechanism (draft-murchison-sasl-login): the user name, then
//! the password, each in answer to a challenge.

use super::{AuthError, Authenticator, Redacted};

/// LOGIN: answers the first challenge (`Username:`) with the user name and
/// the second (`Password:`) with the password, whatever their text.
#[derive(Clone)]
pub struct Login {
    username: String,
    password: String,
    step: u8,
}

impl Login {
    /// LOGIN for `username` with `password`.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Login {
            username: username.into(),
            password: password.into(),
            step: 0,
        }
    }
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Login")
            .field("username", &self.username)
            .field("password", &Redacted)
            .finish()
    }
}

impl Authenticator for Login {
    fn mechanism(&self) -> &str {
        "LOGIN"
    }

    fn respond(&mut self, _challenge: &[u8]) -> Result<Option<Vec<u8>>, AuthError> {
        let answer = match self.step {
            0 => self.username.as_bytes().to_vec(),
            1 => self.password.as_bytes().to_vec(),
            _ => return Err(AuthError::UnexpectedChallenge { mechanism: "LOGIN" }),
        };
        self.step += 1;
        Ok(Some(answer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_user_name_then_password() {
        let mut login = Login::new("alice", "pw");
        assert_eq!(login.respond(b"Username:").unwrap().unwrap(), b"alice");
        assert_eq!(login.respond(b"Password:").unwrap().unwrap(), b"pw");
    }

    #[test]
    fn third_challenge_is_an_error() {
        let mut login = Login::new("alice", "pw");
        login.respond(b"").unwrap();
        login.respond(b"").unwrap();
        assert_eq!(
            login.respond(b""),
            Err(AuthError::UnexpectedChallenge { mechanism: "LOGIN" })
        );
    }

    #[test]
    fn debug_hides_the_password() {
        assert!(!format!("{:?}", Login::new("alice", "hunter2")).contains("hunter2"));
    }
}
