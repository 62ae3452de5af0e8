//! Transports against scripted servers on 127.0.0.1: implicit TLS with a
//! custom root, certificate and host name checks (adversarial item 10),
//! the STARTTLS upgrade and its failure (item 11), read timeouts (item 21).

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use typed_imap::transport::{Connection, Timeouts, TlsConfig};
use typed_imap::Error;
use typed_imap_tests::cert::Certificate;
use typed_imap_tests::scripted::Script;

fn trust(certificate: &Certificate) -> TlsConfig {
    TlsConfig::custom_roots_pem(certificate.cert_pem().as_bytes()).unwrap()
}

fn read_some(connection: &mut Connection) -> String {
    let mut buf = [0u8; 256];
    let n = connection.read(&mut buf).unwrap();
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

#[test]
fn implicit_tls_with_custom_root_reads_greeting() {
    let server = Script::new()
        .start_tls()
        .send("* OK ready\r\n")
        .close()
        .serve()
        .unwrap();
    let certificate = Certificate::localhost().unwrap();
    let addr = server.addr();
    let mut connection = Connection::tls(
        "localhost",
        addr.port(),
        &trust(certificate),
        &Timeouts::default(),
    )
    .unwrap();
    assert!(connection.is_tls());
    assert_eq!(read_some(&mut connection), "* OK ready\r\n");
    assert!(server.finish().unwrap().tls);
}

#[test]
fn implicit_tls_to_an_ip_address_checks_the_ip_name() {
    let server = Script::new()
        .start_tls()
        .send("* OK ready\r\n")
        .close()
        .serve()
        .unwrap();
    let certificate = Certificate::localhost().unwrap();
    let mut connection = Connection::tls(
        "127.0.0.1",
        server.addr().port(),
        &trust(certificate),
        &Timeouts::default(),
    )
    .unwrap();
    assert_eq!(read_some(&mut connection), "* OK ready\r\n");
}

#[test]
fn certificate_for_another_host_is_refused() {
    let other = Certificate::self_signed(&["DNS:other.example"]).unwrap();
    let server = Script::new()
        .certificate(other.clone())
        .start_tls()
        .send("* OK ready\r\n")
        .serve()
        .unwrap();
    let error = Connection::tls(
        "localhost",
        server.addr().port(),
        &trust(&other),
        &Timeouts::default(),
    )
    .unwrap_err();
    assert!(matches!(error, Error::Tls { .. }), "{error}");
    assert!(error.to_string().to_lowercase().contains("name"), "{error}");
}

#[test]
fn self_signed_certificate_is_refused_by_default() {
    let server = Script::new()
        .start_tls()
        .send("* OK ready\r\n")
        .serve()
        .unwrap();
    let error = Connection::tls(
        "localhost",
        server.addr().port(),
        &TlsConfig::default(),
        &Timeouts::default(),
    )
    .unwrap_err();
    assert!(matches!(error, Error::Tls { .. }), "{error}");
}

#[test]
fn danger_accept_invalid_certs_accepts_an_untrusted_certificate() {
    let other = Certificate::self_signed(&["DNS:other.example"]).unwrap();
    let server = Script::new()
        .certificate(other)
        .start_tls()
        .send("* OK ready\r\n")
        .close()
        .serve()
        .unwrap();
    let config = TlsConfig::default().danger_accept_invalid_certs();
    let mut connection = Connection::tls(
        "localhost",
        server.addr().port(),
        &config,
        &Timeouts::default(),
    )
    .unwrap();
    assert_eq!(read_some(&mut connection), "* OK ready\r\n");
}

#[test]
fn server_name_override_is_checked_instead_of_the_address() {
    let named = Certificate::self_signed(&["DNS:imap.test"]).unwrap();
    let server = Script::new()
        .certificate(named.clone())
        .start_tls()
        .send("* OK ready\r\n")
        .close()
        .serve()
        .unwrap();
    let config = trust(&named).server_name("imap.test");
    let mut connection = Connection::tls(
        "127.0.0.1",
        server.addr().port(),
        &config,
        &Timeouts::default(),
    )
    .unwrap();
    assert_eq!(read_some(&mut connection), "* OK ready\r\n");
}

#[test]
fn upgrade_runs_the_handshake_on_a_plain_connection() {
    let server = Script::new()
        .send("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n")
        .expect_command("STARTTLS")
        .reply("OK begin TLS")
        .start_tls()
        .expect_command("NOOP")
        .reply("OK over TLS")
        .close()
        .serve()
        .unwrap();
    let certificate = Certificate::localhost().unwrap();
    let mut connection =
        Connection::tcp("127.0.0.1", server.addr().port(), &Timeouts::default()).unwrap();
    assert!(read_some(&mut connection).starts_with("* OK"));
    connection.write_all(b"A1 STARTTLS\r\n").unwrap();
    assert_eq!(read_some(&mut connection), "A1 OK begin TLS\r\n");
    let mut connection = connection
        .upgrade("127.0.0.1", &trust(certificate))
        .unwrap();
    connection.write_all(b"A2 NOOP\r\n").unwrap();
    connection.flush().unwrap();
    assert_eq!(read_some(&mut connection), "A2 OK over TLS\r\n");
    assert!(server.finish().unwrap().tls);
}

#[test]
fn failed_handshake_after_starttls_closes_instead_of_plaintext() {
    let server = Script::new()
        .send("* OK ready\r\n")
        .expect_command("STARTTLS")
        .reply("OK begin TLS")
        // Late enough to come after the OK was read, as the TLS reply.
        .stall(Duration::from_millis(200))
        .send("* OK this is not TLS\r\n")
        .close()
        .serve()
        .unwrap();
    let certificate = Certificate::localhost().unwrap();
    let timeouts = Timeouts {
        read: Some(Duration::from_secs(5)),
        ..Timeouts::default()
    };
    let mut connection = Connection::tcp("127.0.0.1", server.addr().port(), &timeouts).unwrap();
    read_some(&mut connection);
    connection.write_all(b"A1 STARTTLS\r\n").unwrap();
    read_some(&mut connection);
    let error = connection
        .upgrade("127.0.0.1", &trust(certificate))
        .unwrap_err();
    assert!(matches!(error, Error::Tls { .. } | Error::Io(_)), "{error}");
    // `upgrade` consumed the plain connection: nothing can follow in
    // plaintext. The server saw the command, then at most a TLS record.
    let transcript = server.finish().unwrap();
    assert!(!transcript.tls);
    let after = &transcript.received[b"A1 STARTTLS\r\n".len()..];
    assert!(
        after.first().is_none_or(|&byte| byte == 0x16),
        "expected nothing or a TLS handshake record, got {after:?}"
    );
}

#[test]
fn silence_trips_the_read_timeout() {
    let server = Script::new().stall(Duration::from_secs(3)).serve().unwrap();
    let timeouts = Timeouts {
        read: Some(Duration::from_millis(200)),
        ..Timeouts::default()
    };
    let mut connection = Connection::tcp("127.0.0.1", server.addr().port(), &timeouts).unwrap();
    let started = Instant::now();
    let error = connection.read(&mut [0u8; 16]).unwrap_err();
    assert!(
        matches!(
            error.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
        "{error}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn socket_is_reachable_under_tls() {
    let server = Script::new()
        .start_tls()
        .send("* OK ready\r\n")
        .close()
        .serve()
        .unwrap();
    let certificate = Certificate::localhost().unwrap();
    let connection = Connection::tls(
        "localhost",
        server.addr().port(),
        &trust(certificate),
        &Timeouts::default(),
    )
    .unwrap();
    let socket = connection.socket().unwrap();
    assert_eq!(socket.peer_addr().unwrap(), server.addr());
}

#[test]
fn client_certificate_from_pem_is_accepted_by_the_configuration() {
    let server = Script::new()
        .start_tls()
        .send("* OK ready\r\n")
        .close()
        .serve()
        .unwrap();
    let client = Certificate::self_signed(&["DNS:client.example"]).unwrap();
    let config = trust(Certificate::localhost().unwrap())
        .client_certificate_pem(client.cert_pem().as_bytes(), client.key_pem().as_bytes())
        .unwrap();
    let mut connection = Connection::tls(
        "localhost",
        server.addr().port(),
        &config,
        &Timeouts::default(),
    )
    .unwrap();
    assert_eq!(read_some(&mut connection), "* OK ready\r\n");
}

#[test]
fn client_key_pem_without_a_key_is_an_error() {
    let client = Certificate::localhost().unwrap();
    let error = TlsConfig::default()
        .client_certificate_pem(client.cert_pem().as_bytes(), client.cert_pem().as_bytes())
        .unwrap_err();
    assert!(error.to_string().contains("no private key"), "{error}");
}
