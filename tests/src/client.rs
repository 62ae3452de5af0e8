//! Connections of the client under test to a [`Dovecot`] or a
//! [`Stalwart`], as most tests open them.

use typed_imap::blocking::{Client, ClientOptions};
use typed_imap::transport::TlsConfig;

use crate::cert::Certificate;
use crate::dovecot::Dovecot;
use crate::stalwart::Stalwart;
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
    let password = &server.user(user).ok_or_else(|| unknown(user))?.password;
    tls_login(server.tls_addr().port(), &trust(server)?, user, password)
}

/// A client logged in as `user` on a [`Stalwart`] over implicit TLS.
pub fn logged_in_stalwart(server: &Stalwart, user: &str) -> Result<Client> {
    stalwart_login(server, user)
}

/// Either client (see [`Imap`](crate::both::Imap)) logged in as `user` on
/// a [`Stalwart`] over implicit TLS.
pub fn stalwart_login<I: crate::both::Imap>(server: &Stalwart, user: &str) -> Result<I> {
    let password = &server.user(user).ok_or_else(|| unknown(user))?.password;
    let trust =
        TlsConfig::custom_roots_pem(server.authority_pem().as_bytes()).map_err(|source| {
            HarnessError::Client {
                action: "trust Stalwart's authority".into(),
                source: Box::new(source),
            }
        })?;
    I::tls_login(server.tls_addr().port(), &trust, user, password)
}

fn unknown(user: &str) -> HarnessError {
    HarnessError::Invalid {
        what: "user",
        value: user.to_owned(),
        reason: "not configured on this server",
    }
}

/// Connects to localhost's `port` over TLS and logs in.
fn tls_login(port: u16, trust: &TlsConfig, user: &str, password: &str) -> Result<Client> {
    let mut imap = Client::connect_tls_with("localhost", port, trust, ClientOptions::default())
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
