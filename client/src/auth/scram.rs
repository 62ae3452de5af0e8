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
//! The user name and password are used as given: SASLprep (RFC 4013) is
//! not applied, which is the same for every ASCII password.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

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
#[derive(Clone)]
pub struct Scram {
    hash: ScramHash,
    username: String,
    password: String,
    nonce: String,
    step: Step,
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
            username: username.into(),
            password: password.into(),
            nonce,
            step: Step::Start,
        }
    }

    fn client_first(&mut self) -> Vec<u8> {
        let bare = format!("n={},r={}", gs2_saslname(&self.username), self.nonce);
        let message = format!("n,,{bare}");
        self.step = Step::SentFirst {
            client_first_bare: bare,
        };
        message.into_bytes()
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
        let salted = hash.salted_password(self.password.as_bytes(), &salt, first.iterations);
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
            .field("username", &self.username)
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
            Step::Start => Some(self.client_first()),
            _ => None,
        }
    }

    fn respond(&mut self, challenge: &[u8]) -> Result<Option<Vec<u8>>, AuthError> {
        match std::mem::replace(&mut self.step, Step::Start) {
            Step::Start => Ok(Some(self.client_first())),
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
