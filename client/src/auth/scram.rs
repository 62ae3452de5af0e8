//! SCRAM-SHA-1 (RFC 5802) and SCRAM-SHA-256 (RFC 7677), without channel
//! binding (`n,,`).
//!
//! ```text
//! SaltedPassword  := Hi(Normalize(password), salt, i)
//! ClientKey       := HMAC(SaltedPassword, "Client Key")
//! StoredKey       := H(ClientKey)
//! AuthMessage     := client-first-message-bare + "," +
//!                    server-first-message + "," +
//!                    client-final-message-without-proof
//! ClientSignature := HMAC(StoredKey, AuthMessage)
//! ClientProof     := ClientKey XOR ClientSignature
//! ServerKey       := HMAC(SaltedPassword, "Server Key")
//! ServerSignature := HMAC(ServerKey, AuthMessage)
//! ```
//!
//! `Normalize` is SASLprep (RFC 4013), applied to the user name and the
//! password as "query" strings (RFC 5802 section 5.1): a password typed
//! in another Unicode form than the server stored (`ä` decomposed, a
//! no-break space, full-width letters) gives the same salted password.

use std::borrow::Cow;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use stringprep::tables;
use unicode_normalization::UnicodeNormalization as _;

use super::oauth::gs2_saslname;
use super::{AuthError, Authenticator, Redacted};

/// The most PBKDF2 iterations a server may ask for: a hostile server could
/// otherwise make the client spin for hours.
pub const MAX_ITERATIONS: u32 = 1_000_000;

/// The hash function of a SCRAM variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScramHash {
    /// SCRAM-SHA-1.
    Sha1,
    /// SCRAM-SHA-256.
    Sha256,
}

impl ScramHash {
    fn mechanism(self) -> &'static str {
        match self {
            ScramHash::Sha1 => "SCRAM-SHA-1",
            ScramHash::Sha256 => "SCRAM-SHA-256",
        }
    }

    fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            ScramHash::Sha1 => Sha1::digest(data).to_vec(),
            ScramHash::Sha256 => Sha256::digest(data).to_vec(),
        }
    }

    fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        // HMAC takes keys of any length, so `new_from_slice` never fails;
        // an empty result would only make the proof wrong, never panic.
        match self {
            ScramHash::Sha1 => <Hmac<Sha1> as Mac>::new_from_slice(key)
                .map(|mac| mac.chain_update(data).finalize().into_bytes().to_vec())
                .unwrap_or_default(),
            ScramHash::Sha256 => <Hmac<Sha256> as Mac>::new_from_slice(key)
                .map(|mac| mac.chain_update(data).finalize().into_bytes().to_vec())
                .unwrap_or_default(),
        }
    }

    fn salted_password(self, password: &[u8], salt: &[u8], iterations: u32) -> Vec<u8> {
        match self {
            ScramHash::Sha1 => {
                pbkdf2::pbkdf2_hmac_array::<Sha1, 20>(password, salt, iterations).to_vec()
            }
            ScramHash::Sha256 => {
                pbkdf2::pbkdf2_hmac_array::<Sha256, 32>(password, salt, iterations).to_vec()
            }
        }
    }
}

/// Where the exchange is.
#[derive(Clone)]
enum Step {
    /// The client-first message is to be sent.
    Start,
    /// Sent client-first; waiting for server-first.
    SentFirst { client_first_bare: String },
    /// Sent client-final; waiting for server-final with this signature.
    SentFinal { server_signature: Vec<u8> },
    /// The server proved itself.
    Verified,
}

/// A SCRAM exchange (SCRAM-SHA-1 or SCRAM-SHA-256).
///
/// The user name and password are prepared with SASLprep when the
/// exchange is made. One that SASLprep refuses (a control character, a
/// private-use code point, mixed right-to-left and left-to-right text) or
/// that prepares to nothing fails the exchange before anything but the
/// mechanism name is sent: the session cancels with `*` and returns the
/// [`AuthError::Unusable`].
#[derive(Clone)]
pub struct Scram {
    hash: ScramHash,
    /// The prepared user name and password, or why they cannot be used.
    credentials: Result<Credentials, AuthError>,
    nonce: String,
    step: Step,
}

/// A user name and password after SASLprep.
#[derive(Clone)]
struct Credentials {
    username: String,
    password: String,
}

impl Scram {
    /// SCRAM-SHA-256 for `username` with `password`.
    pub fn sha256(username: impl Into<String>, password: impl Into<String>) -> Self {
        Scram::new(ScramHash::Sha256, username, password)
    }

    /// SCRAM-SHA-1 for `username` with `password`.
    pub fn sha1(username: impl Into<String>, password: impl Into<String>) -> Self {
        Scram::new(ScramHash::Sha1, username, password)
    }

    /// SCRAM with `hash` for `username` with `password`, and a fresh
    /// random nonce.
    pub fn new(hash: ScramHash, username: impl Into<String>, password: impl Into<String>) -> Self {
        let mut random = [0u8; 18];
        // Without randomness the nonce would be predictable; an all-zero
        // nonce still completes but only if getrandom fails, which on the
        // supported platforms means the OS is broken.
        if getrandom::getrandom(&mut random).is_err() {
            tracing::warn!("getrandom failed; SCRAM nonce is not random");
        }
        Scram::with_nonce(hash, username, password, BASE64.encode(random))
    }

    fn with_nonce(
        hash: ScramHash,
        username: impl Into<String>,
        password: impl Into<String>,
        nonce: String,
    ) -> Self {
        Scram {
            hash,
            credentials: Credentials::prepare(hash, &username.into(), &password.into()),
            nonce,
            step: Step::Start,
        }
    }

    fn credentials(&self) -> Result<&Credentials, AuthError> {
        self.credentials.as_ref().map_err(Clone::clone)
    }

    fn client_first(&mut self) -> Result<Vec<u8>, AuthError> {
        let username = gs2_saslname(&self.credentials()?.username);
        let bare = format!("n={username},r={}", self.nonce);
        let message = format!("n,,{bare}");
        self.step = Step::SentFirst {
            client_first_bare: bare,
        };
        Ok(message.into_bytes())
    }

    fn malformed(&self, reason: impl Into<String>) -> AuthError {
        AuthError::MalformedChallenge {
            mechanism: self.hash.mechanism(),
            reason: reason.into(),
        }
    }

    fn client_final(
        &mut self,
        client_first_bare: &str,
        server_first: &[u8],
    ) -> Result<Vec<u8>, AuthError> {
        let server_first = std::str::from_utf8(server_first)
            .map_err(|_| self.malformed("server-first-message is not UTF-8"))?;
        let first = ServerFirst::parse(server_first).map_err(|reason| self.malformed(reason))?;
        if !first.nonce.starts_with(&self.nonce) || first.nonce.len() == self.nonce.len() {
            return Err(self.malformed("server nonce does not extend the client nonce"));
        }
        if first.iterations == 0 || first.iterations > MAX_ITERATIONS {
            return Err(self.malformed(format!(
                "iteration count {} outside 1..={MAX_ITERATIONS}",
                first.iterations
            )));
        }
        let salt = BASE64
            .decode(first.salt)
            .map_err(|_| self.malformed("salt is not base64"))?;
        let hash = self.hash;
        let password = self.credentials()?.password.as_bytes();
        let salted = hash.salted_password(password, &salt, first.iterations);
        let client_key = hash.hmac(&salted, b"Client Key");
        let stored_key = hash.hash(&client_key);
        // "biws" is base64("n,,"): no channel binding, no authzid.
        let without_proof = format!("c=biws,r={}", first.nonce);
        let auth_message = format!("{client_first_bare},{server_first},{without_proof}");
        let client_signature = hash.hmac(&stored_key, auth_message.as_bytes());
        let proof: Vec<u8> = client_key
            .iter()
            .zip(&client_signature)
            .map(|(key, signature)| key ^ signature)
            .collect();
        let server_key = hash.hmac(&salted, b"Server Key");
        self.step = Step::SentFinal {
            server_signature: hash.hmac(&server_key, auth_message.as_bytes()),
        };
        Ok(format!("{without_proof},p={}", BASE64.encode(proof)).into_bytes())
    }

    fn verify(&mut self, expected: &[u8], server_final: &[u8]) -> Result<Vec<u8>, AuthError> {
        let not_verified = |reason: &str| AuthError::ServerNotVerified {
            mechanism: self.hash.mechanism(),
            reason: reason.to_owned(),
        };
        let text = std::str::from_utf8(server_final)
            .map_err(|_| not_verified("server-final-message is not UTF-8"))?;
        if let Some(error) = text.strip_prefix("e=") {
            return Err(not_verified(&format!("server error {error:?}")));
        }
        let signature = text
            .split(',')
            .find_map(|field| field.strip_prefix("v="))
            .ok_or_else(|| not_verified("server-final-message has no `v=`"))?;
        let signature = BASE64
            .decode(signature)
            .map_err(|_| not_verified("server signature is not base64"))?;
        if signature != expected {
            return Err(not_verified("server signature does not match"));
        }
        self.step = Step::Verified;
        Ok(Vec::new())
    }
}

impl Credentials {
    /// RFC 5802 section 5.1: "the client SHOULD prepare the username using
    /// the SASLprep profile", and "If the preparation of the password fails
    /// or results in an empty string, the client SHOULD abort".
    fn prepare(hash: ScramHash, username: &str, password: &str) -> Result<Self, AuthError> {
        let unusable = |reason: String| AuthError::Unusable {
            mechanism: hash.mechanism(),
            reason,
        };
        let username = match saslprep_query(username) {
            Ok(prepared) if !prepared.is_empty() => prepared.into_owned(),
            Ok(_) => return Err(unusable("the user name is empty after SASLprep".into())),
            Err(error) => {
                return Err(unusable(format!(
                    "SASLprep (RFC 4013) refuses the user name {username:?}: {error}"
                )))
            }
        };
        // The error names no character of the password.
        let password = match saslprep_query(password) {
            Ok(prepared) if !prepared.is_empty() => prepared.into_owned(),
            Ok(_) => return Err(unusable("the password is empty after SASLprep".into())),
            Err(_) => {
                return Err(unusable(
                    "SASLprep (RFC 4013) refuses the password: it holds a control, \
                     private-use or other prohibited character, or mixes \
                     right-to-left and left-to-right text"
                        .into(),
                ))
            }
        };
        Ok(Credentials { username, password })
    }
}

/// SASLprep of a "query" string (RFC 3454 section 7), the kind RFC 5802
/// prepares: unlike a stored string, it may hold code points unassigned in
/// Unicode 3.2 (most emoji, scripts added since). The `stringprep` crate
/// prepares stored strings, so for a string it refuses that holds such
/// code points, the mapping and NFKC steps are done here and the crate
/// checks the rest of the rules on what remains without them.
fn saslprep_query(text: &str) -> Result<Cow<'_, str>, stringprep::Error> {
    match stringprep::saslprep(text) {
        Err(_) if text.chars().any(tables::unassigned_code_point) => {
            // RFC 4013 section 2.1 (mapping) and 2.2 (normalization).
            let prepared: String = text
                .chars()
                .filter(|&c| !tables::commonly_mapped_to_nothing(c))
                .map(|c| {
                    if tables::non_ascii_space_character(c) {
                        ' '
                    } else {
                        c
                    }
                })
                .nfkc()
                .collect();
            let assigned: String = prepared
                .chars()
                .filter(|&c| !tables::unassigned_code_point(c))
                .collect();
            stringprep::saslprep(&assigned)?;
            Ok(Cow::Owned(prepared))
        }
        prepared => prepared,
    }
}

/// The fields of `server-first-message`.
struct ServerFirst<'a> {
    nonce: &'a str,
    salt: &'a str,
    iterations: u32,
}

impl<'a> ServerFirst<'a> {
    /// ```text
    /// server-first-message = [reserved-mext ","] nonce "," salt ","
    ///                        iteration-count ["," extensions]
    /// ```
    fn parse(message: &'a str) -> Result<Self, String> {
        let mut fields = message.split(',');
        let mut field = |name: &str| {
            fields
                .next()
                .and_then(|field| field.strip_prefix(name))
                .ok_or_else(|| format!("expected `{name}` in server-first-message {message:?}"))
        };
        let nonce = field("r=")?;
        let salt = field("s=")?;
        let iterations = field("i=")?;
        let iterations = iterations
            .parse()
            .map_err(|_| format!("iteration count {iterations:?} is not a number"))?;
        Ok(ServerFirst {
            nonce,
            salt,
            iterations,
        })
    }
}

impl std::fmt::Debug for Scram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scram")
            .field("hash", &self.hash)
            .field(
                "username",
                &self.credentials.as_ref().map(|c| c.username.as_str()),
            )
            .field("password", &Redacted)
            .finish_non_exhaustive()
    }
}

impl Authenticator for Scram {
    fn mechanism(&self) -> &str {
        self.hash.mechanism()
    }

    /// Challenge-response: the password itself never travels.
    fn reveals_secret(&self) -> bool {
        false
    }

    fn initial_response(&mut self) -> Option<Vec<u8>> {
        match self.step {
            // Unusable credentials: no initial response, so that the
            // first challenge's `respond` reports why.
            Step::Start => self.client_first().ok(),
            _ => None,
        }
    }

    fn respond(&mut self, challenge: &[u8]) -> Result<Option<Vec<u8>>, AuthError> {
        match std::mem::replace(&mut self.step, Step::Start) {
            Step::Start => self.client_first().map(Some),
            Step::SentFirst { client_first_bare } => {
                self.client_final(&client_first_bare, challenge).map(Some)
            }
            Step::SentFinal { server_signature } => {
                self.verify(&server_signature, challenge).map(Some)
            }
            Step::Verified => {
                self.step = Step::Verified;
                Err(AuthError::UnexpectedChallenge {
                    mechanism: self.hash.mechanism(),
                })
            }
        }
    }

    fn complete(&mut self) -> Result<(), AuthError> {
        match self.step {
            Step::Verified => Ok(()),
            _ => Err(AuthError::ServerNotVerified {
                mechanism: self.hash.mechanism(),
                reason: "the server accepted before sending its signature".into(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc5802() -> Scram {
        Scram::with_nonce(
            ScramHash::Sha1,
            "user",
            "pencil",
            "fyko+d2lbbFgONRv9qkxdawL".into(),
        )
    }

    fn rfc7677() -> Scram {
        Scram::with_nonce(
            ScramHash::Sha256,
            "user",
            "pencil",
            "rOprNGfwEbeRWgbNEkqO".into(),
        )
    }

    const SHA1_SERVER_FIRST: &[u8] =
        b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
    const SHA256_SERVER_FIRST: &[u8] =
        b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

    #[test]
    fn sha1_rfc5802_client_first() {
        assert_eq!(
            rfc5802().initial_response().unwrap(),
            b"n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"
        );
    }

    #[test]
    fn sha1_rfc5802_client_final_and_server_signature() {
        let mut scram = rfc5802();
        scram.initial_response();
        let client_final = scram.respond(SHA1_SERVER_FIRST).unwrap().unwrap();
        assert_eq!(
            client_final,
            b"c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="
        );
        assert_eq!(
            scram
                .respond(b"v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")
                .unwrap()
                .unwrap(),
            b""
        );
        assert_eq!(scram.complete(), Ok(()));
    }

    #[test]
    fn sha256_rfc7677_exchange() {
        let mut scram = rfc7677();
        assert_eq!(
            scram.initial_response().unwrap(),
            b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO"
        );
        let client_final = scram.respond(SHA256_SERVER_FIRST).unwrap().unwrap();
        assert_eq!(
            client_final,
            &b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="[..]
        );
        scram
            .respond(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
            .unwrap();
        assert_eq!(scram.complete(), Ok(()));
    }

    /// The RFC 7677 exchange up to client-final, with another password.
    fn rfc7677_client_final(password: &str) -> Vec<u8> {
        let mut scram = Scram::with_nonce(
            ScramHash::Sha256,
            "user",
            password,
            "rOprNGfwEbeRWgbNEkqO".into(),
        );
        scram.initial_response().unwrap();
        scram.respond(SHA256_SERVER_FIRST).unwrap().unwrap()
    }

    #[test]
    fn sha256_rfc7677_proof_for_pencil_with_a_soft_hyphen() {
        // SASLprep maps U+00AD SOFT HYPHEN to nothing (RFC 4013 section 2.1).
        assert_eq!(
            rfc7677_client_final("pen\u{ad}cil"),
            &b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="[..]
        );
    }

    #[test]
    fn sha1_rfc5802_proof_for_full_width_pencil() {
        // NFKC turns full-width letters into ASCII ones.
        let mut scram = Scram::with_nonce(
            ScramHash::Sha1,
            "user",
            "\u{ff50}\u{ff45}\u{ff4e}\u{ff43}\u{ff49}\u{ff4c}",
            "fyko+d2lbbFgONRv9qkxdawL".into(),
        );
        scram.initial_response().unwrap();
        assert_eq!(
            scram.respond(SHA1_SERVER_FIRST).unwrap().unwrap(),
            b"c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="
        );
    }

    #[test]
    fn decomposed_and_composed_passwords_give_the_same_proof() {
        assert_eq!(
            rfc7677_client_final("pa\u{308}sswo\u{308}rd"),
            rfc7677_client_final("p\u{e4}ssw\u{f6}rd")
        );
        assert_ne!(
            rfc7677_client_final("p\u{e4}ssw\u{f6}rd"),
            rfc7677_client_final("password")
        );
    }

    #[test]
    fn rfc4013_section_3_examples() {
        let prepared = |text| saslprep_query(text).map(Cow::into_owned);
        assert_eq!(prepared("I\u{ad}X").unwrap(), "IX");
        assert_eq!(prepared("user").unwrap(), "user");
        assert_eq!(prepared("USER").unwrap(), "USER");
        assert_eq!(prepared("\u{aa}").unwrap(), "a");
        assert_eq!(prepared("\u{2168}").unwrap(), "IX");
        assert!(prepared("\u{7}").is_err(), "prohibited character");
        assert!(prepared("\u{627}\u{31}").is_err(), "bidi check");
    }

    #[test]
    fn non_ascii_space_is_mapped_to_space() {
        assert_eq!(saslprep_query("a\u{a0}b\u{3000}c").unwrap(), "a b c");
    }

    #[test]
    fn code_points_unassigned_in_unicode_3_2_are_kept_in_a_query() {
        // U+1F600 came with Unicode 6.1: a stored string may not hold it,
        // a query (RFC 5802's kind) may; the rest is still prepared.
        assert!(stringprep::saslprep("pencil\u{1f600}").is_err());
        assert_eq!(
            saslprep_query("pen\u{ad}cil\u{1f600}").unwrap(),
            "pencil\u{1f600}"
        );
        assert!(saslprep_query("\u{7}\u{1f600}").is_err());
    }

    #[test]
    fn user_name_is_prepared_then_escaped() {
        let mut scram =
            Scram::with_nonce(ScramHash::Sha256, "\u{ff55}ser,x=y", "pencil", "abc".into());
        assert_eq!(
            scram.initial_response().unwrap(),
            b"n,,n=user=2Cx=3Dy,r=abc"
        );
    }

    #[test]
    fn prohibited_password_fails_before_anything_is_sent() {
        let mut scram = Scram::sha256("user", "pen\u{7}cil");
        assert_eq!(scram.initial_response(), None);
        let error = scram.respond(b"").unwrap_err();
        assert!(matches!(error, AuthError::Unusable { .. }), "{error}");
        assert!(error.to_string().contains("password"), "{error}");
        assert!(!error.to_string().contains("pen"), "{error}");
    }

    #[test]
    fn password_empty_after_saslprep_is_refused() {
        let mut scram = Scram::sha1("user", "\u{ad}");
        assert_eq!(scram.initial_response(), None);
        let error = scram.respond(b"").unwrap_err();
        assert!(error.to_string().contains("empty"), "{error}");
    }

    #[test]
    fn wrong_server_signature_is_refused() {
        let mut scram = rfc7677();
        scram.initial_response();
        scram.respond(SHA256_SERVER_FIRST).unwrap();
        let error = scram
            .respond(b"v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
            .unwrap_err();
        assert!(matches!(error, AuthError::ServerNotVerified { .. }));
        assert!(scram.complete().is_err());
    }

    #[test]
    fn success_without_server_signature_is_refused() {
        let mut scram = rfc5802();
        scram.initial_response();
        scram.respond(SHA1_SERVER_FIRST).unwrap();
        assert!(matches!(
            scram.complete(),
            Err(AuthError::ServerNotVerified { .. })
        ));
    }

    #[test]
    fn server_nonce_not_extending_client_nonce_is_refused() {
        let mut scram = rfc5802();
        scram.initial_response();
        let error = scram
            .respond(b"r=attackernonce,s=QSXCR+Q6sek8bf92,i=4096")
            .unwrap_err();
        assert!(matches!(error, AuthError::MalformedChallenge { .. }));
    }

    #[test]
    fn huge_iteration_count_is_refused() {
        let mut scram = rfc5802();
        scram.initial_response();
        let error = scram
            .respond(b"r=fyko+d2lbbFgONRv9qkxdawLX,s=QSXCR+Q6sek8bf92,i=4294967295")
            .unwrap_err();
        assert!(error.to_string().contains("iteration count"), "{error}");
    }

    #[test]
    fn server_error_in_final_message_is_reported() {
        let mut scram = rfc5802();
        scram.initial_response();
        scram.respond(SHA1_SERVER_FIRST).unwrap();
        let error = scram.respond(b"e=invalid-proof").unwrap_err();
        assert!(error.to_string().contains("invalid-proof"));
    }

    #[test]
    fn missing_salt_is_malformed() {
        let mut scram = rfc5802();
        scram.initial_response();
        assert!(scram
            .respond(b"r=fyko+d2lbbFgONRv9qkxdawLX,i=4096")
            .is_err());
    }

    #[test]
    fn random_nonces_differ() {
        let a = Scram::sha256("u", "p").initial_response().unwrap();
        let b = Scram::sha256("u", "p").initial_response().unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn debug_hides_the_password() {
        assert!(!format!("{:?}", rfc5802()).contains("pencil"));
    }
}
