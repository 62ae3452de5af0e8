//! Certificates made with the `openssl` command, and rustls
//! configurations that trust them or serve them.
//!
//! A test trusts [`Certificate::localhost`] as a custom root: the certificate
//! is its own issuer, so the root store holds exactly the server's
//! certificate. An [`Authority`] (a private CA) issues server certificates
//! for what a self-signed one cannot show: an issuer the client does not
//! know, and a CA certificate presented as the server's own.

use std::fs;
use std::process::Command;
use std::sync::{Arc, OnceLock};

use rustls::{ClientConfig, RootCertStore, ServerConfig};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::install::ensure_openssl;
use crate::process::run;
use crate::{HarnessError, Result};

/// The subject alternative names of [`Certificate::localhost`].
pub const LOCALHOST_NAMES: &[&str] = &["IP:127.0.0.1", "DNS:localhost"];

/// A self-signed EC (P-256) certificate and its private key, both PEM.
#[derive(Clone)]
pub struct Certificate {
    cert_pem: String,
    key_pem: String,
}

impl std::fmt::Debug for Certificate {
    // The key stays out of test output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Certificate")
            .field("cert_pem", &self.cert_pem)
            .finish_non_exhaustive()
    }
}

static LOCALHOST: OnceLock<Certificate> = OnceLock::new();

impl Certificate {
    /// The certificate for `IP:127.0.0.1` and `DNS:localhost`, made once per
    /// process (a few milliseconds of openssl) and shared by every server.
    pub fn localhost() -> Result<&'static Certificate> {
        if let Some(cert) = LOCALHOST.get() {
            return Ok(cert);
        }
        let made = Certificate::self_signed(LOCALHOST_NAMES)?;
        // Another thread may have won the race; either certificate is fine.
        Ok(LOCALHOST.get_or_init(|| made))
    }

    /// Makes a new self-signed server certificate for these subject
    /// alternative names, written as openssl does (`DNS:host`, `IP:addr`),
    /// valid for 30 days from now.
    ///
    /// A certificate for another name than the one a client connects to is
    /// how the wrong-host-name tests are built.
    pub fn self_signed(names: &[&str]) -> Result<Certificate> {
        Certificate::make(names, Validity::Current)
    }

    /// Like [`Certificate::self_signed`], but valid only in January 2020:
    /// for the expired-certificate tests.
    pub fn expired(names: &[&str]) -> Result<Certificate> {
        Certificate::make(names, Validity::Expired)
    }

    fn make(names: &[&str], validity: Validity) -> Result<Certificate> {
        let first = check_names(names)?;
        ensure_openssl()?;
        let dir = temporary_dir()?;
        let path = dir.path();
        let write = |name: &str, text: &str| write(path, name, text);
        let common_name = first.split_once(':').map_or(first, |(_, value)| value);
        write("openssl.cnf", &openssl_config(common_name, names))?;
        let mut key = Command::new("openssl");
        key.current_dir(path)
            .args(["req", "-nodes", "-config", "openssl.cnf"])
            .args(["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"])
            .args(["-keyout", "key.pem"]);
        match validity {
            Validity::Current => {
                run(key.args(["-x509", "-days", "30", "-out", "cert.pem"]))?;
            }
            Validity::Expired => {
                // Only `openssl ca` sets arbitrary dates in OpenSSL 3.0.
                write("index.txt", "")?;
                write("serial", "01\n")?;
                run(key.args(["-new", "-out", "request.pem"]))?;
                run(Command::new("openssl")
                    .current_dir(path)
                    .args([
                        "ca",
                        "-batch",
                        "-selfsign",
                        "-notext",
                        "-config",
                        "openssl.cnf",
                    ])
                    .args([
                        "-keyfile",
                        "key.pem",
                        "-in",
                        "request.pem",
                        "-out",
                        "cert.pem",
                    ])
                    .args([
                        "-startdate",
                        "20200101000000Z",
                        "-enddate",
                        "20200201000000Z",
                    ]))?;
            }
        }
        Ok(Certificate {
            cert_pem: read(path, "cert.pem")?,
            key_pem: read(path, "key.pem")?,
        })
    }

    /// The certificate, PEM: what a test gives the client as a custom root.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The private key, PEM (PKCS#8).
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// The certificate, DER.
    pub fn cert_der(&self) -> Result<CertificateDer<'static>> {
        let mut reader = self.cert_pem.as_bytes();
        let first = rustls_pemfile::certs(&mut reader).next();
        first
            .ok_or_else(|| HarnessError::Tls("no CERTIFICATE block in the PEM".into()))?
            .map_err(|e| HarnessError::Tls(format!("bad certificate PEM: {e}")))
    }

    /// The private key, DER.
    pub fn key_der(&self) -> Result<PrivateKeyDer<'static>> {
        let mut reader = self.key_pem.as_bytes();
        rustls_pemfile::private_key(&mut reader)
            .map_err(|e| HarnessError::Tls(format!("bad key PEM: {e}")))?
            .ok_or_else(|| HarnessError::Tls("no PRIVATE KEY block in the PEM".into()))
    }

    /// A root store holding only this certificate.
    pub fn root_store(&self) -> Result<RootCertStore> {
        let mut roots = RootCertStore::empty();
        roots
            .add(self.cert_der()?)
            .map_err(|e| HarnessError::Tls(format!("certificate refused as a root: {e}")))?;
        Ok(roots)
    }

    /// A rustls client configuration that trusts only this certificate.
    pub fn client_config(&self) -> Result<Arc<ClientConfig>> {
        let config = ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| HarnessError::Tls(e.to_string()))?
            .with_root_certificates(self.root_store()?)
            .with_no_client_auth();
        Ok(Arc::new(config))
    }

    /// A rustls server configuration that presents this certificate.
    pub fn server_config(&self) -> Result<Arc<ServerConfig>> {
        let config = ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| HarnessError::Tls(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(vec![self.cert_der()?], self.key_der()?)
            .map_err(|e| HarnessError::Tls(format!("certificate and key refused: {e}")))?;
        Ok(Arc::new(config))
    }
}

/// A private certificate authority (EC P-256): its own certificate
/// (`CA:TRUE`, valid for 30 days) and key, and the server certificates it
/// issues.
#[derive(Clone, Debug)]
pub struct Authority {
    certificate: Certificate,
}

impl Authority {
    /// A new authority whose certificate has the common name `name`
    /// (letters, digits, spaces, `-` and `.`).
    pub fn new(name: &str) -> Result<Authority> {
        let valid = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b" -.".contains(&b));
        if !valid {
            return Err(HarnessError::Invalid {
                what: "certificate authority name",
                value: name.to_owned(),
                reason: "expected letters, digits, spaces, `-` and `.`",
            });
        }
        ensure_openssl()?;
        let dir = temporary_dir()?;
        let path = dir.path();
        write(path, "ca.cnf", &authority_config(name))?;
        run(Command::new("openssl")
            .current_dir(path)
            .args(["req", "-x509", "-nodes", "-config", "ca.cnf", "-days", "30"])
            .args(["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"])
            .args(["-keyout", "key.pem", "-out", "cert.pem"]))?;
        Ok(Authority {
            certificate: Certificate {
                cert_pem: read(path, "cert.pem")?,
                key_pem: read(path, "key.pem")?,
            },
        })
    }

    /// The authority's certificate, PEM: what a client trusts as a root.
    pub fn cert_pem(&self) -> &str {
        self.certificate.cert_pem()
    }

    /// The authority's own certificate and key. A server presenting it as
    /// its own is refused (webpki's `CaUsedAsEndEntity`).
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// Issues a certificate for these subject alternative names (`DNS:host`,
    /// `IP:addr`), valid for 30 days from now, for a server or a client
    /// (its common name is the first name's value: `DNS:alice`, `alice`).
    pub fn issue(&self, names: &[&str]) -> Result<Certificate> {
        let first = check_names(names)?;
        let dir = temporary_dir()?;
        let path = dir.path();
        let common_name = first.split_once(':').map_or(first, |(_, value)| value);
        write(path, "openssl.cnf", &openssl_config(common_name, names))?;
        write(path, "ca.pem", self.certificate.cert_pem())?;
        write(path, "ca-key.pem", self.certificate.key_pem())?;
        run(Command::new("openssl")
            .current_dir(path)
            .args(["req", "-new", "-nodes", "-config", "openssl.cnf"])
            .args(["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"])
            .args(["-keyout", "key.pem", "-out", "request.pem"]))?;
        run(Command::new("openssl")
            .current_dir(path)
            .args(["x509", "-req", "-in", "request.pem", "-days", "30"])
            .args(["-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial"])
            .args(["-extfile", "openssl.cnf", "-extensions", "v3"])
            .args(["-out", "cert.pem"]))?;
        Ok(Certificate {
            cert_pem: read(path, "cert.pem")?,
            key_pem: read(path, "key.pem")?,
        })
    }
}

fn temporary_dir() -> Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix("typed-imap-cert-")
        .tempdir()
        .map_err(|e| HarnessError::io("create a temporary directory", e))
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> Result<()> {
    let file = dir.join(name);
    fs::write(&file, text).map_err(|e| HarnessError::io(format!("write {}", file.display()), e))
}

fn read(dir: &std::path::Path, name: &str) -> Result<String> {
    let file = dir.join(name);
    fs::read_to_string(&file).map_err(|e| HarnessError::io(format!("read {}", file.display()), e))
}

/// The openssl configuration of an authority's own certificate.
fn authority_config(name: &str) -> String {
    format!(
        "[req]\n\
         distinguished_name = dn\n\
         x509_extensions = v3\n\
         prompt = no\n\
         [dn]\n\
         CN = {name}\n\
         [v3]\n\
         basicConstraints = critical,CA:TRUE\n\
         keyUsage = critical,keyCertSign,cRLSign\n\
         subjectKeyIdentifier = hash\n"
    )
}

/// When a certificate is valid.
enum Validity {
    /// From now for 30 days.
    Current,
    /// January 2020 only.
    Expired,
}

/// Checks the subject alternative names and returns the first.
fn check_names<'a>(names: &[&'a str]) -> Result<&'a str> {
    for name in names {
        let valid = (name.starts_with("DNS:") || name.starts_with("IP:"))
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:*".contains(&b));
        if !valid {
            return Err(HarnessError::Invalid {
                what: "subject alternative name",
                value: (*name).to_owned(),
                reason: "expected DNS:name or IP:address",
            });
        }
    }
    names.first().copied().ok_or(HarnessError::Invalid {
        what: "subject alternative names",
        value: String::new(),
        reason: "at least one name is needed",
    })
}

/// The crypto provider, named explicitly so that the configuration never
/// depends on which provider features other crates enabled.
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// An openssl configuration for a server (not CA) certificate: webpki refuses
/// a CA certificate presented as the end entity. The `[ca]` part serves
/// `openssl ca`, used for the expired certificate.
fn openssl_config(common_name: &str, names: &[&str]) -> String {
    format!(
        "[ca]\n\
         default_ca = own\n\
         [own]\n\
         database = index.txt\n\
         new_certs_dir = .\n\
         serial = serial\n\
         default_md = sha256\n\
         policy = anything\n\
         x509_extensions = v3\n\
         [anything]\n\
         commonName = supplied\n\
         [req]\n\
         distinguished_name = dn\n\
         x509_extensions = v3\n\
         prompt = no\n\
         [dn]\n\
         CN = {common_name}\n\
         [v3]\n\
         subjectAltName = {}\n\
         basicConstraints = critical,CA:FALSE\n\
         keyUsage = critical,digitalSignature\n\
         extendedKeyUsage = serverAuth,clientAuth\n\
         subjectKeyIdentifier = hash\n",
        names.join(",")
    )
}
