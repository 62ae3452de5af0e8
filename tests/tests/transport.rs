//! Transports against scripted servers on 127.0.0.1: implicit TLS with a
//! custom root, certificate and host name checks (adversarial item 10),
//! the STARTTLS upgrade and its failure (item 11), read timeouts (item 21),
//! the handshake's own deadline, and TLS failures said in words with what
//! to do about them (issue 12, point 15).
//!
//! What a client connecting sees runs on both clients (the tokio client
//! has a TLS stream of its own); the tests of the blocking transport's
//! [`Connection`] itself (its upgrade, socket and read timeout) use no
//! client.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use typed_imap::blocking::ClientOptions;
use typed_imap::transport::{Connection, Timeouts, TlsConfig};
use typed_imap::Error;
use typed_imap_tests::both::Imap;
use typed_imap_tests::both_clients;
use typed_imap_tests::cert::{Authority, Certificate, LOCALHOST_NAMES};
use typed_imap_tests::scripted::{Script, ScriptedServer};

both_clients!(
    implicit_tls_with_custom_root_reads_greeting,
    implicit_tls_to_an_ip_address_checks_the_ip_name,
    certificate_for_another_host_is_refused,
    self_signed_certificate_is_refused_by_default,
    danger_accept_invalid_certs_accepts_an_untrusted_certificate,
    server_name_override_is_checked_instead_of_the_address,
    client_certificate_from_pem_is_accepted_by_the_configuration,
    trickling_handshake_is_cut_at_the_handshake_timeout,
    silent_server_fails_the_handshake_at_its_timeout,
    end_of_stream_mid_handshake_is_a_tls_error_in_words,
    plaintext_answer_to_a_handshake_says_it_is_not_tls,
    connect_starttls_reports_a_stalled_handshake_as_a_tls_error,
    expired_certificate_says_when_it_expired,
    certificate_for_another_name_says_which_names_it_holds,
    certificate_from_an_unknown_issuer_says_to_add_its_root,
    certificate_issued_by_a_trusted_authority_is_accepted,
    ca_certificate_presented_as_the_servers_own_is_named_as_such,
);

fn trust(certificate: &Certificate) -> TlsConfig {
    TlsConfig::custom_roots_pem(certificate.cert_pem().as_bytes()).unwrap()
}

/// Either client over implicit TLS to `host` on the scripted server.
fn tls_client<I: Imap>(
    host: &str,
    server: &ScriptedServer,
    config: &TlsConfig,
    timeouts: Timeouts,
) -> Result<I, Error> {
    let options = ClientOptions {
        timeouts,
        ..ClientOptions::default()
    };
    I::connect_tls(host, server.addr().port(), config, options)
}

/// The text of the client's greeting.
fn greeting<I: Imap>(imap: &I) -> String {
    let greeting = imap.greeting().expect("a greeting");
    String::from_utf8_lossy(&greeting.text).into_owned()
}

fn read_some(connection: &mut Connection) -> String {
    let mut buf = [0u8; 256];
    let n = connection.read(&mut buf).unwrap();
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

fn implicit_tls_with_custom_root_reads_greeting<I: Imap>() {
    let server = Script::new()
        .start_tls()
        .send("* OK ready\r\n")
        .close()
        .serve()
        .unwrap();
    let certificate = Certificate::localhost().unwrap();
    let imap: I = tls_client(
        "localhost",
        &server,
        &trust(certificate),
        Timeouts::default(),
    )
    .unwrap();
    assert!(imap.is_tls());
    assert_eq!(greeting(&imap), "ready");
    drop(imap);
    assert!(server.finish().unwrap().tls);
}

fn implicit_tls_to_an_ip_address_checks_the_ip_name<I: Imap>() {
    let server = Script::new()
        .start_tls()
        .send("* OK ready\r\n")
        .close()
        .serve()
        .unwrap();
    let certificate = Certificate::localhost().unwrap();
    let imap: I = tls_client(
        "127.0.0.1",
        &server,
        &trust(certificate),
        Timeouts::default(),
    )
    .unwrap();
    assert_eq!(greeting(&imap), "ready");
}

fn certificate_for_another_host_is_refused<I: Imap>() {
    let other = Certificate::self_signed(&["DNS:other.example"]).unwrap();
    let server = Script::new()
        .certificate(other.clone())
        .start_tls()
        .send("* OK ready\r\n")
        .serve()
        .unwrap();
    let error =
        tls_client::<I>("localhost", &server, &trust(&other), Timeouts::default()).unwrap_err();
    assert!(matches!(error, Error::Tls { .. }), "{error}");
    assert!(error.to_string().to_lowercase().contains("name"), "{error}");
}

fn self_signed_certificate_is_refused_by_default<I: Imap>() {
    let server = Script::new()
        .start_tls()
        .send("* OK ready\r\n")
        .serve()
        .unwrap();
    let error = tls_client::<I>(
        "localhost",
        &server,
        &TlsConfig::default(),
        Timeouts::default(),
    )
    .unwrap_err();
    assert!(matches!(error, Error::Tls { .. }), "{error}");
}

fn danger_accept_invalid_certs_accepts_an_untrusted_certificate<I: Imap>() {
    let other = Certificate::self_signed(&["DNS:other.example"]).unwrap();
    let server = Script::new()
        .certificate(other)
        .start_tls()
        .send("* OK ready\r\n")
        .close()
        .serve()
        .unwrap();
    let config = TlsConfig::default().danger_accept_invalid_certs();
    let imap: I = tls_client("localhost", &server, &config, Timeouts::default()).unwrap();
    assert_eq!(greeting(&imap), "ready");
}

fn server_name_override_is_checked_instead_of_the_address<I: Imap>() {
    let named = Certificate::self_signed(&["DNS:imap.test"]).unwrap();
    let server = Script::new()
        .certificate(named.clone())
        .start_tls()
        .send("* OK ready\r\n")
        .close()
        .serve()
        .unwrap();
    let config = trust(&named).server_name("imap.test");
    let imap: I = tls_client("127.0.0.1", &server, &config, Timeouts::default()).unwrap();
    assert_eq!(greeting(&imap), "ready");
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
        .upgrade("127.0.0.1", &trust(certificate), &Timeouts::default())
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
        .upgrade("127.0.0.1", &trust(certificate), &timeouts)
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

fn client_certificate_from_pem_is_accepted_by_the_configuration<I: Imap>() {
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
    let imap: I = tls_client("localhost", &server, &config, Timeouts::default()).unwrap();
    assert_eq!(greeting(&imap), "ready");
}

#[test]
fn client_key_pem_without_a_key_is_an_error() {
    let client = Certificate::localhost().unwrap();
    let error = TlsConfig::default()
        .client_certificate_pem(client.cert_pem().as_bytes(), client.cert_pem().as_bytes())
        .unwrap_err();
    assert!(error.to_string().contains("no private key"), "{error}");
}

/// A short handshake limit and a long read timeout: whatever ends these
/// handshakes early is the handshake limit.
fn short_handshake() -> Timeouts {
    Timeouts {
        handshake: Some(Duration::from_millis(500)),
        read: Some(Duration::from_secs(10)),
        ..Timeouts::default()
    }
}

/// Implicit TLS to `localhost` on the scripted server, trusting `roots`:
/// the error it must fail with.
fn connect_tls<I: Imap>(server: &ScriptedServer, roots: &str) -> Error {
    let config = TlsConfig::custom_roots_pem(roots.as_bytes()).unwrap();
    tls_client::<I>("localhost", server, &config, Timeouts::default()).unwrap_err()
}

fn tls_reason(error: &Error) -> &str {
    match error {
        Error::Tls { reason } => reason,
        other => panic!("expected a TLS error, got {other:?}"),
    }
}

fn trickling_handshake_is_cut_at_the_handshake_timeout<I: Imap>() {
    // One byte every 20 ms: no read waits long, but the server's side of
    // the handshake (some 800 bytes) would take some 16 s.
    let server = Script::new()
        .trickle_tls(Duration::from_millis(20))
        .send("* OK ready\r\n")
        .serve()
        .unwrap();
    let started = Instant::now();
    let error = tls_client::<I>(
        "localhost",
        &server,
        &trust(Certificate::localhost().unwrap()),
        short_handshake(),
    )
    .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3), "{error}");
    let reason = tls_reason(&error);
    assert!(
        reason.starts_with("handshake with localhost: timed out after"),
        "{reason}"
    );
    assert!(
        reason.contains("the server sent") && !reason.contains("nothing"),
        "{reason}"
    );
}

fn silent_server_fails_the_handshake_at_its_timeout<I: Imap>() {
    // Accepts TCP, reads nothing, says nothing.
    let server = Script::new()
        .stall(Duration::from_secs(20))
        .serve()
        .unwrap();
    let started = Instant::now();
    let error = tls_client::<I>(
        "localhost",
        &server,
        &trust(Certificate::localhost().unwrap()),
        short_handshake(),
    )
    .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3), "{error}");
    let reason = tls_reason(&error);
    assert!(reason.contains("timed out after"), "{reason}");
    assert!(reason.ends_with("the server sent nothing"), "{reason}");
}

fn end_of_stream_mid_handshake_is_a_tls_error_in_words<I: Imap>() {
    // Reads the ClientHello, sends the first bytes of a handshake record,
    // and closes.
    let server = Script::new()
        .swallow(Duration::from_millis(300))
        .send([0x16, 0x03, 0x03, 0x00, 0x7a, 0x02])
        .close()
        .serve()
        .unwrap();
    let error = connect_tls::<I>(&server, Certificate::localhost().unwrap().cert_pem());
    assert_eq!(
        tls_reason(&error),
        "handshake with localhost: the server closed the connection before the \
         handshake ended (the server sent 6 bytes); does it speak TLS on this port?"
    );
}

fn plaintext_answer_to_a_handshake_says_it_is_not_tls<I: Imap>() {
    let server = Script::new()
        .send("* OK plain IMAP here\r\n")
        .stall(Duration::from_secs(1))
        .serve()
        .unwrap();
    let error = connect_tls::<I>(&server, Certificate::localhost().unwrap().cert_pem());
    let reason = tls_reason(&error);
    assert!(reason.contains("answer is not TLS"), "{reason}");
    assert!(reason.contains("STARTTLS"), "{reason}");
}

#[test]
fn starttls_upgrade_is_bounded_by_the_handshake_timeout() {
    let server = Script::new()
        .send("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n")
        .expect_command("STARTTLS")
        .reply("OK begin TLS")
        .stall(Duration::from_secs(20))
        .serve()
        .unwrap();
    let timeouts = short_handshake();
    let mut connection = Connection::tcp("127.0.0.1", server.addr().port(), &timeouts).unwrap();
    read_some(&mut connection);
    connection.write_all(b"A1 STARTTLS\r\n").unwrap();
    assert_eq!(read_some(&mut connection), "A1 OK begin TLS\r\n");
    let started = Instant::now();
    let error = connection
        .upgrade(
            "localhost",
            &trust(Certificate::localhost().unwrap()),
            &timeouts,
        )
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3), "{error}");
    assert!(tls_reason(&error).contains("timed out after"), "{error}");
}

fn connect_starttls_reports_a_stalled_handshake_as_a_tls_error<I: Imap>() {
    // The client's own STARTTLS path gives its timeouts to the upgrade.
    let server = Script::new()
        .send("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n")
        .expect_command("STARTTLS")
        .reply("OK begin TLS")
        .stall(Duration::from_secs(20))
        .serve()
        .unwrap();
    let options = ClientOptions {
        timeouts: short_handshake(),
        ..ClientOptions::default()
    };
    let started = Instant::now();
    let error = I::connect_starttls(
        "localhost",
        server.addr().port(),
        &trust(Certificate::localhost().unwrap()),
        options,
    )
    .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3), "{error}");
    assert!(tls_reason(&error).contains("timed out after"), "{error}");
}

#[test]
fn socket_has_its_own_timeouts_again_after_the_handshake() {
    let server = Script::new()
        .start_tls()
        .send("* OK ready\r\n")
        .close()
        .serve()
        .unwrap();
    let timeouts = Timeouts {
        read: Some(Duration::from_secs(7)),
        write: Some(Duration::from_secs(9)),
        handshake: Some(Duration::from_secs(2)),
        ..Timeouts::default()
    };
    let connection = Connection::tls(
        "localhost",
        server.addr().port(),
        &trust(Certificate::localhost().unwrap()),
        &timeouts,
    )
    .unwrap();
    let socket = connection.socket().unwrap();
    assert_eq!(socket.read_timeout().unwrap(), timeouts.read);
    assert_eq!(socket.write_timeout().unwrap(), timeouts.write);
}

fn expired_certificate_says_when_it_expired<I: Imap>() {
    let expired = Certificate::expired(LOCALHOST_NAMES).unwrap();
    let server = Script::new()
        .certificate(expired.clone())
        .start_tls()
        .serve()
        .unwrap();
    let error = connect_tls::<I>(&server, expired.cert_pem());
    let reason = tls_reason(&error);
    assert!(
        reason.starts_with(
            "handshake with localhost: the server's certificate expired on \
             2020-02-01 00:00:00 UTC (it is now 20"
        ),
        "{reason}"
    );
    assert!(reason.contains("renew"), "{reason}");
}

fn certificate_for_another_name_says_which_names_it_holds<I: Imap>() {
    let other = Certificate::self_signed(&["DNS:other.example", "IP:10.1.2.3"]).unwrap();
    let server = Script::new()
        .certificate(other.clone())
        .start_tls()
        .serve()
        .unwrap();
    let error = connect_tls::<I>(&server, other.cert_pem());
    assert_eq!(
        tls_reason(&error),
        "handshake with localhost: the server's certificate is not for localhost: \
         it names other.example, 10.1.2.3; connect by one of those names, or check \
         it against one with TlsConfig::server_name"
    );
}

fn certificate_from_an_unknown_issuer_says_to_add_its_root<I: Imap>() {
    let issuer = Authority::new("typed-imap test CA").unwrap();
    let stranger = Authority::new("another test CA").unwrap();
    let server = Script::new()
        .certificate(issuer.issue(LOCALHOST_NAMES).unwrap())
        .start_tls()
        .serve()
        .unwrap();
    let error = connect_tls::<I>(&server, stranger.cert_pem());
    let reason = tls_reason(&error);
    assert!(
        reason.contains("the server's certificate is not issued by a trusted root"),
        "{reason}"
    );
    assert!(reason.contains("custom_roots_pem"), "{reason}");
}

fn certificate_issued_by_a_trusted_authority_is_accepted<I: Imap>() {
    // The control for the test above: the same kind of certificate passes
    // once its issuer is trusted.
    let issuer = Authority::new("typed-imap test CA").unwrap();
    let server = Script::new()
        .certificate(issuer.issue(LOCALHOST_NAMES).unwrap())
        .start_tls()
        .send("* OK ready\r\n")
        .close()
        .serve()
        .unwrap();
    let config = TlsConfig::custom_roots_pem(issuer.cert_pem().as_bytes()).unwrap();
    let imap: I = tls_client("localhost", &server, &config, Timeouts::default()).unwrap();
    assert_eq!(greeting(&imap), "ready");
}

fn ca_certificate_presented_as_the_servers_own_is_named_as_such<I: Imap>() {
    let authority = Authority::new("typed-imap test CA").unwrap();
    let server = Script::new()
        .certificate(authority.certificate().clone())
        .start_tls()
        .serve()
        .unwrap();
    let error = connect_tls::<I>(&server, authority.cert_pem());
    let reason = tls_reason(&error);
    assert!(
        reason.contains("the server's certificate is a CA certificate"),
        "{reason}"
    );
}
