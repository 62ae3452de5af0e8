//! TLS with rustls (ring provider): which certificates to trust, an
//! optional client certificate, and the eager handshake used by both
//! implicit TLS and STARTTLS.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use super::starttls::SkipPlaintext;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{ring, CryptoProvider};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore, SignatureScheme,
    StreamOwned,
};

use super::Timeouts;
use crate::error::{Error, Handshake};

/// Which servers to trust, and how to present the client.
///
/// By default the server's certificate must chain to a webpki (Mozilla)
/// root and name the host connected to. Verification can only be turned off
/// through [`TlsConfig::danger_accept_invalid_certs`].
#[derive(Clone)]
pub struct TlsConfig {
    roots: RootCertStore,
    client_auth: Option<(Vec<CertificateDer<'static>>, Arc<PrivateKeyDer<'static>>)>,
    accept_invalid_certs: bool,
    server_name: Option<String>,
    /// The rustls configuration, built at the first connection and shared
    /// by the connections of this configuration and its clones, made
    /// before or after: one each would hold its own session cache (some
    /// 15 KB), and none would resume another's TLS session. A change
    /// starts a new one.
    built: Arc<OnceLock<Arc<ClientConfig>>>,
}

impl std::fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConfig")
            .field("roots", &self.roots.len())
            .field("client_certificate", &self.client_auth.is_some())
            .field("accept_invalid_certs", &self.accept_invalid_certs)
            .field("server_name", &self.server_name)
            .finish()
    }
}

impl Default for TlsConfig {
    fn default() -> Self {
        TlsConfig::webpki_roots()
    }
}

impl TlsConfig {
    /// Trusts the webpki (Mozilla) roots compiled into the binary.
    pub fn webpki_roots() -> Self {
        let mut roots = RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        TlsConfig::with_roots(roots)
    }

    /// Trusts the operating system's roots: whatever its store holds
    /// (`/etc/ssl/certs` and the like on Linux, the keychain on macOS, the
    /// Windows store), including any root a local administrator or another
    /// program added there. If `SSL_CERT_FILE` or `SSL_CERT_DIR` is set,
    /// the certificates in that file and those directories are trusted
    /// instead of the store: whoever sets this process's environment
    /// chooses its roots. Certificates that cannot be parsed are skipped.
    pub fn native_roots() -> Result<Self, Error> {
        let found = rustls_native_certs::load_native_certs();
        let mut roots = RootCertStore::empty();
        let (added, _ignored) = roots.add_parsable_certificates(found.certs);
        if added == 0 {
            return Err(Error::tls(format!(
                "no usable root certificate in the system store ({} errors)",
                found.errors.len()
            )));
        }
        Ok(TlsConfig::with_roots(roots))
    }

    /// Trusts only the certificates in `pem` (one or more PEM blocks), for
    /// a private CA or a self-signed server.
    pub fn custom_roots_pem(pem: &[u8]) -> Result<Self, Error> {
        TlsConfig::with_roots(RootCertStore::empty()).add_roots_pem(pem)
    }

    /// Trusts `roots` exactly.
    pub fn with_roots(roots: RootCertStore) -> Self {
        TlsConfig {
            roots,
            client_auth: None,
            accept_invalid_certs: false,
            server_name: None,
            built: Arc::default(),
        }
    }

    /// Also trusts the certificates in `pem`.
    pub fn add_roots_pem(mut self, pem: &[u8]) -> Result<Self, Error> {
        let certificates = parse_certificates(pem)?;
        for certificate in certificates {
            self.roots
                .add(certificate)
                .map_err(|error| Error::tls(format!("root certificate refused: {error}")))?;
        }
        self.built = Arc::default();
        Ok(self)
    }

    /// Presents a client certificate chain (`cert_pem`) with its private
    /// key (`key_pem`: PKCS#8, PKCS#1 or SEC1).
    pub fn client_certificate_pem(
        mut self,
        cert_pem: &[u8],
        key_pem: &[u8],
    ) -> Result<Self, Error> {
        let chain = parse_certificates(cert_pem)?;
        let key = rustls_pemfile::private_key(&mut &key_pem[..])
            .map_err(|error| Error::tls(format!("client key PEM unreadable: {error}")))?
            .ok_or_else(|| Error::tls("no private key in the client key PEM"))?;
        self.client_auth = Some((chain, Arc::new(key)));
        self.built = Arc::default();
        Ok(self)
    }

    /// Checks the certificate against `name` instead of the host connected
    /// to (and sends it as SNI): for connecting by IP address to a server
    /// whose certificate names it by DNS name.
    pub fn server_name(mut self, name: impl Into<String>) -> Self {
        self.server_name = Some(name.into());
        self
    }

    /// **Insecure.** Accepts any certificate for any name: anyone on the
    /// path can read and change the session, passwords included. For tests
    /// against throw-away servers only.
    pub fn danger_accept_invalid_certs(mut self) -> Self {
        tracing::warn!("TLS certificate verification is turned off (danger_accept_invalid_certs)");
        self.accept_invalid_certs = true;
        self.built = Arc::default();
        self
    }

    /// The name the certificate is checked against when connecting to
    /// `host`.
    pub(crate) fn name_for<'a>(&'a self, host: &'a str) -> &'a str {
        self.server_name.as_deref().unwrap_or(host)
    }

    /// The rustls configuration, built once.
    pub(crate) fn client_config(&self) -> Result<Arc<ClientConfig>, Error> {
        if let Some(built) = self.built.get() {
            return Ok(Arc::clone(built));
        }
        let config = self.build()?;
        Ok(Arc::clone(self.built.get_or_init(|| config)))
    }

    fn build(&self) -> Result<Arc<ClientConfig>, Error> {
        let provider = Arc::new(ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(Error::tls)?;
        let builder = if self.accept_invalid_certs {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider)))
        } else {
            builder.with_root_certificates(self.roots.clone())
        };
        let config = match &self.client_auth {
            Some((chain, key)) => builder
                .with_client_auth_cert(chain.clone(), key.clone_key())
                .map_err(|error| Error::tls(format!("client certificate refused: {error}")))?,
            None => builder.with_no_client_auth(),
        };
        Ok(Arc::new(config))
    }
}

fn parse_certificates(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, Error> {
    let certificates = rustls_pemfile::certs(&mut &pem[..])
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| Error::tls(format!("certificate PEM unreadable: {error}")))?;
    if certificates.is_empty() {
        return Err(Error::tls("no CERTIFICATE block in the PEM data"));
    }
    Ok(certificates)
}

/// Runs the TLS handshake on `tcp` to completion within
/// `timeouts.handshake`, checking the certificate against `host` (or the
/// configured server name). The socket has `timeouts.read` and
/// `timeouts.write` again afterwards.
pub(super) fn handshake(
    tcp: TcpStream,
    host: &str,
    config: &TlsConfig,
    timeouts: &Timeouts,
) -> Result<StreamOwned<ClientConnection, TcpStream>, Error> {
    handshake_over(tcp, host, config, timeouts, false)
}

/// [`handshake`] after STARTTLS's OK: plaintext that arrives before the
/// server's first TLS record is dropped ([`SkipPlaintext`]).
pub(super) fn handshake_after_starttls(
    tcp: TcpStream,
    host: &str,
    config: &TlsConfig,
    timeouts: &Timeouts,
) -> Result<StreamOwned<ClientConnection, TcpStream>, Error> {
    handshake_over(tcp, host, config, timeouts, true)
}

fn handshake_over(
    tcp: TcpStream,
    host: &str,
    config: &TlsConfig,
    timeouts: &Timeouts,
    skip_plaintext: bool,
) -> Result<StreamOwned<ClientConnection, TcpStream>, Error> {
    let name = config.name_for(host);
    let server_name = ServerName::try_from(name.to_owned())
        .map_err(|_| Error::tls(format!("{name:?} is neither a DNS name nor an IP address")))?;
    let mut connection =
        ClientConnection::new(config.client_config()?, server_name).map_err(Error::tls)?;
    let mut io = SkipPlaintext::new(Deadline::new(tcp, timeouts), skip_plaintext);
    while connection.is_handshaking() {
        if let Err(error) = connection.complete_io(&mut io) {
            let socket = io.get_ref();
            return Err(Error::tls_handshake(
                error,
                &Handshake {
                    server: name,
                    elapsed: socket.started.elapsed(),
                    received: socket.received,
                },
            ));
        }
    }
    Ok(StreamOwned::new(connection, io.into_inner().finish()?))
}

/// The socket during a handshake: no read or write waits past the
/// deadline (nor longer than its own timeout), and the bytes the server
/// sent are counted for the error message.
struct Deadline {
    tcp: TcpStream,
    started: Instant,
    deadline: Option<Instant>,
    read: Option<Duration>,
    write: Option<Duration>,
    received: u64,
}

impl Deadline {
    fn new(tcp: TcpStream, timeouts: &Timeouts) -> Self {
        let started = Instant::now();
        Deadline {
            tcp,
            started,
            deadline: timeouts.handshake.map(|handshake| started + handshake),
            read: timeouts.read,
            write: timeouts.write,
            received: 0,
        }
    }

    /// The timeout of the next read or write: its own, cut to what is left
    /// until the deadline.
    fn limit(&self, own: Option<Duration>) -> io::Result<Option<Duration>> {
        let Some(deadline) = self.deadline else {
            return Ok(own);
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the TLS handshake deadline passed",
            ));
        }
        Ok(Some(own.map_or(left, |own| own.min(left))))
    }

    /// The socket with its own read and write timeouts back.
    fn finish(self) -> Result<TcpStream, Error> {
        self.tcp.set_read_timeout(self.read)?;
        self.tcp.set_write_timeout(self.write)?;
        Ok(self.tcp)
    }
}

impl Read for Deadline {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.tcp.set_read_timeout(self.limit(self.read)?)?;
        let n = self.tcp.read(buf)?;
        self.received += n as u64;
        Ok(n)
    }
}

impl Write for Deadline {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tcp.set_write_timeout(self.limit(self.write)?)?;
        self.tcp.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tcp.flush()
    }
}

/// The verifier behind [`TlsConfig::danger_accept_invalid_certs`]: any
/// certificate, any name; handshake signatures are still checked so that
/// the session keys are sound.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_trusts_webpki_roots() {
        assert!(!TlsConfig::default().roots.is_empty());
        assert!(!TlsConfig::default().accept_invalid_certs);
    }

    #[test]
    fn pem_without_certificate_is_an_error() {
        let error = TlsConfig::custom_roots_pem(b"not a pem").unwrap_err();
        assert!(
            error.to_string().contains("no CERTIFICATE block"),
            "{error}"
        );
    }

    #[test]
    fn client_config_builds_for_both_verifiers() {
        assert!(TlsConfig::default().client_config().is_ok());
        assert!(TlsConfig::default()
            .danger_accept_invalid_certs()
            .client_config()
            .is_ok());
    }

    #[test]
    fn connections_of_a_config_and_its_clones_share_one_rustls_config() {
        let config = TlsConfig::default();
        let clone_before = config.clone();
        let first = config.client_config().unwrap();
        assert!(Arc::ptr_eq(&first, &config.client_config().unwrap()));
        assert!(Arc::ptr_eq(
            &first,
            &config.clone().client_config().unwrap()
        ));
        assert!(Arc::ptr_eq(&first, &clone_before.client_config().unwrap()));
    }

    #[test]
    fn a_change_to_a_clone_leaves_the_original_alone() {
        let config = TlsConfig::default();
        let changed = config.clone().danger_accept_invalid_certs();
        let unverified = changed.client_config().unwrap();
        assert!(!Arc::ptr_eq(&unverified, &config.client_config().unwrap()));
        assert!(!config.accept_invalid_certs);
    }

    #[test]
    fn a_change_after_a_connection_builds_the_rustls_config_again() {
        let config = TlsConfig::default();
        let verified = config.client_config().unwrap();
        let unverified = config.danger_accept_invalid_certs();
        assert!(!Arc::ptr_eq(
            &verified,
            &unverified.client_config().unwrap()
        ));
        assert!(unverified.accept_invalid_certs);
    }

    #[test]
    fn debug_does_not_show_key_material() {
        let shown = format!("{:?}", TlsConfig::default());
        assert!(shown.contains("client_certificate: false"));
    }
}
