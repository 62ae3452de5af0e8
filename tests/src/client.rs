//! Connections of the client under test to a [`Dovecot`], as most tests
//! open them.

use typed_imap::blocking::{Client, ClientOptions};
use typed_imap::transport::TlsConfig;

use crate::cert::Certificate;
use crate::dovecot::Dovecot;
use crate::{HarnessError, Result};

/// A TLS configuration that trusts the server's self-signed certificate.
pub fn trust(server: &Dovecot) -> Result<TlsConfig> {
    trust_certificate(server.certificate())
}

/// A TLS configuration that trusts this certificate as its only root.
pub fn trust_certificate(certificate: &Certificate) -> Result<TlsConfig> {
    TlsConfig::custom_roots_pem(certificate.cert_pem().as_bytes()).map_err(|source| {
        HarnessError::Client {
            action: "trust the test certificate".into(),
            source: Box::new(source),
        }
    })
}

/// A client logged in as `user` over implicit TLS.
pub fn logged_in(server: &Dovecot, user: &str) -> Result<Client> {
    let password = &server
        .user(user)
        .ok_or(HarnessError::Invalid {
            what: "user",
            value: user.to_owned(),
            reason: "not configured on this server",
        })?
        .password;
    let mut imap = Client::connect_tls_with(
        "localhost",
        server.tls_addr().port(),
        &trust(server)?,
        ClientOptions::default(),
    )
    .map_err(|source| HarnessError::Client {
        action: "connect".into(),
        source: Box::new(source),
    })?;
    imap.login(user, password)
        .map_err(|source| HarnessError::Client {
            action: format!("log in as {user}"),
            source: Box::new(source),
        })?;
    Ok(imap)
}
