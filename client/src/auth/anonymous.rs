//! The ANONYMOUS mechanism (RFC 4505).
//!
//! ```text
//! message = [ email / token ]   ; trace information, at most 255 characters
//! ```

use super::{AuthError, Authenticator};

/// The most characters of trace information RFC 4505 section 3 allows.
const MAX_TRACE: usize = 255;

/// ANONYMOUS: access as a guest, the server decides to what. The one
/// message is trace information (an email address or an opaque token),
/// sent as a SASL-IR initial response when the server allows it; it
/// proves nothing and holds no secret.
#[derive(Clone, Debug)]
pub struct Anonymous {
    trace: String,
    sent: bool,
}

impl Anonymous {
    /// ANONYMOUS with `trace`, for the server's logs: an email address,
    /// an opaque token without `@`, or nothing. Refused when longer than
    /// 255 characters or holding a control character (RFC 4505 section 3).
    pub fn new(trace: impl Into<String>) -> Result<Self, AuthError> {
        let trace = trace.into();
        let unusable = |reason: String| AuthError::Unusable {
            mechanism: "ANONYMOUS",
            reason,
        };
        let length = trace.chars().count();
        if length > MAX_TRACE {
            return Err(unusable(format!(
                "the trace information is {length} characters, at most {MAX_TRACE} are allowed"
            )));
        }
        if let Some(control) = trace.chars().find(|c| c.is_control()) {
            return Err(unusable(format!(
                "the trace information holds the control character {control:?}"
            )));
        }
        Ok(Anonymous { trace, sent: false })
    }
}

impl Authenticator for Anonymous {
    fn mechanism(&self) -> &str {
        "ANONYMOUS"
    }

    fn initial_response(&mut self) -> Option<Vec<u8>> {
        self.sent = true;
        Some(self.trace.as_bytes().to_vec())
    }

    fn respond(&mut self, _challenge: &[u8]) -> Result<Option<Vec<u8>>, AuthError> {
        if self.sent {
            return Err(AuthError::UnexpectedChallenge {
                mechanism: "ANONYMOUS",
            });
        }
        self.sent = true;
        Ok(Some(self.trace.as_bytes().to_vec()))
    }

    fn reveals_secret(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trace_is_the_initial_response() {
        let mut anonymous = Anonymous::new("sirhc").unwrap();
        assert_eq!(anonymous.initial_response().unwrap(), b"sirhc");
        assert!(anonymous.respond(b"").is_err(), "one message only");
    }

    #[test]
    fn without_sasl_ir_the_trace_answers_the_first_challenge() {
        let mut anonymous = Anonymous::new("abuse@example.org").unwrap();
        assert_eq!(
            anonymous.respond(b"").unwrap().unwrap(),
            b"abuse@example.org"
        );
    }

    #[test]
    fn an_empty_trace_is_allowed() {
        assert_eq!(Anonymous::new("").unwrap().initial_response().unwrap(), b"");
    }

    #[test]
    fn a_trace_over_255_characters_or_with_a_control_character_is_refused() {
        assert!(Anonymous::new("ä".repeat(255)).is_ok());
        assert!(Anonymous::new("ä".repeat(256)).is_err());
        assert!(Anonymous::new("a\r\nb").is_err());
    }

    #[test]
    fn nothing_secret_is_sent() {
        assert!(!Anonymous::new("x").unwrap().reveals_secret());
    }
}
