//! Authentication against a private Dovecot: LOGIN with awkward passwords,
//! every built-in SASL mechanism Dovecot offers, and the NO of a wrong
//! password with its response code.

use typed_imap::auth::{CramMd5, Login, Plain, Scram};
use typed_imap::blocking::{Client, ClientOptions};
use typed_imap::command::State;
use typed_imap::transport::TlsConfig;
use typed_imap::{Code, Error};
use typed_imap_tests::dovecot::{Dovecot, Options, User};

/// A password with quotes, a backslash, a literal announcement, spaces and
/// non-ASCII (adversarial item 32).
const AWKWARD: &str = "p\"a\\ss {5} wörd ünïcödé";

fn server() -> Dovecot {
    let mut options = Options::default();
    options.users.push(User::new("carol", AWKWARD));
    Dovecot::start_with(options).unwrap()
}

/// A client over implicit TLS trusting the server's own certificate.
fn client(server: &Dovecot) -> Client {
    let tls = TlsConfig::custom_roots_pem(server.certificate().cert_pem().as_bytes()).unwrap();
    Client::connect_tls_with(
        "localhost",
        server.tls_addr().port(),
        &tls,
        ClientOptions::default(),
    )
    .unwrap()
}

fn password<'a>(server: &'a Dovecot, user: &str) -> &'a str {
    &server.user(user).unwrap().password
}

#[test]
fn login_succeeds_and_rereads_capabilities() {
    let server = server();
    let mut imap = client(&server);
    imap.login("alice", password(&server, "alice")).unwrap();
    assert_eq!(imap.state(), State::Authenticated);
    // Dovecot adds its post-login capabilities (MOVE among them).
    assert!(imap.has_capability("MOVE").unwrap());
}

#[test]
fn login_with_quotes_backslash_and_non_ascii_password() {
    let server = server();
    let mut imap = client(&server);
    imap.login("carol", AWKWARD).unwrap();
    assert_eq!(imap.state(), State::Authenticated);
}

#[test]
fn wrong_password_is_no_with_authenticationfailed() {
    let server = server();
    let mut imap = client(&server);
    let error = imap.login("alice", "not-the-password").unwrap_err();
    match &error {
        Error::No {
            code: Some(Code::Other(raw)),
            ..
        } => assert_eq!(raw.name, "AUTHENTICATIONFAILED"),
        other => panic!("expected NO [AUTHENTICATIONFAILED], got {other:?}"),
    }
    assert_eq!(imap.state(), State::NotAuthenticated);
}

#[test]
fn authenticate_plain_with_sasl_ir() {
    let server = server();
    let mut imap = client(&server);
    assert!(imap.has_capability("SASL-IR").unwrap());
    imap.authenticate(Plain::new("alice", password(&server, "alice")))
        .unwrap();
    assert_eq!(imap.state(), State::Authenticated);
}

#[test]
fn authenticate_plain_with_non_ascii_password() {
    let server = server();
    let mut imap = client(&server);
    imap.authenticate(Plain::new("carol", AWKWARD)).unwrap();
    assert_eq!(imap.state(), State::Authenticated);
}

#[test]
fn authenticate_login() {
    let server = server();
    let mut imap = client(&server);
    imap.authenticate(Login::new("bob", password(&server, "bob")))
        .unwrap();
    assert_eq!(imap.state(), State::Authenticated);
}

#[test]
fn authenticate_cram_md5() {
    let server = server();
    let mut imap = client(&server);
    imap.authenticate(CramMd5::new("alice", password(&server, "alice")))
        .unwrap();
    assert_eq!(imap.state(), State::Authenticated);
}

#[test]
fn authenticate_scram_sha_1() {
    let server = server();
    let mut imap = client(&server);
    imap.authenticate(Scram::sha1("alice", password(&server, "alice")))
        .unwrap();
    assert_eq!(imap.state(), State::Authenticated);
}

#[test]
fn authenticate_scram_sha_256() {
    let server = server();
    let mut imap = client(&server);
    imap.authenticate(Scram::sha256("bob", password(&server, "bob")))
        .unwrap();
    assert_eq!(imap.state(), State::Authenticated);
}

#[test]
fn authenticate_with_wrong_password_is_no() {
    let server = server();
    let mut imap = client(&server);
    let error = imap
        .authenticate(Scram::sha256("alice", "wrong"))
        .unwrap_err();
    assert!(matches!(error, Error::No { .. }), "{error:?}");
    assert_eq!(imap.state(), State::NotAuthenticated);
}
