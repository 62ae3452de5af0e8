//! Authentication against a private Dovecot: LOGIN with awkward passwords,
//! every built-in SASL mechanism Dovecot offers, SCRAM's SASLprep of a
//! password typed in another Unicode form than the one stored, and the NO
//! of a wrong password with its response code.

use typed_imap::auth::{CramMd5, Login, Plain, Scram};
use typed_imap::blocking::ClientOptions;
use typed_imap::command::State;
use typed_imap::transport::TlsConfig;
use typed_imap::{Code, Error};
use typed_imap_tests::both::Imap;
use typed_imap_tests::both_clients;
use typed_imap_tests::dovecot::{Dovecot, Options, User};

both_clients!(
    login_succeeds_and_rereads_capabilities,
    login_with_quotes_backslash_and_non_ascii_password,
    wrong_password_is_no_with_authenticationfailed,
    authenticate_plain_with_sasl_ir,
    authenticate_plain_with_non_ascii_password,
    authenticate_login,
    authenticate_cram_md5,
    authenticate_scram_sha_1,
    authenticate_scram_sha_256,
    authenticate_with_wrong_password_is_no,
    dovecot_compares_passwords_byte_for_byte,
    scram_sha_256_applies_saslprep_to_a_decomposed_password,
    scram_sha_1_applies_saslprep_to_a_decomposed_password,
);

/// A password with quotes, a backslash, a literal announcement, spaces and
/// non-ASCII (adversarial item 32).
const AWKWARD: &str = "p\"a\\ss {5} wörd ünïcödé";

/// A non-ASCII password as Dovecot's users file stores it: precomposed
/// (NFC), `ä` and `ö` one code point each.
const COMPOSED: &str = "p\u{e4}ssw\u{f6}rd";
/// The same password as some keyboards and systems produce it: decomposed
/// (NFD), each umlaut a base letter and U+0308 COMBINING DIAERESIS.
const DECOMPOSED: &str = "pa\u{308}sswo\u{308}rd";

fn server() -> Dovecot {
    let mut options = Options::default();
    options.users.push(User::new("carol", AWKWARD));
    options.users.push(User::new("dora", COMPOSED));
    Dovecot::start_with(options).unwrap()
}

/// A client over implicit TLS trusting the server's own certificate.
fn client<I: Imap>(server: &Dovecot) -> I {
    let tls = TlsConfig::custom_roots_pem(server.certificate().cert_pem().as_bytes()).unwrap();
    I::connect_tls(
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

fn login_succeeds_and_rereads_capabilities<I: Imap>() {
    let server = server();
    let mut imap = client::<I>(&server);
    imap.login("alice", password(&server, "alice")).unwrap();
    assert_eq!(imap.state(), State::Authenticated);
    // Dovecot adds its post-login capabilities (MOVE among them).
    assert!(imap.has_capability("MOVE").unwrap());
}

fn login_with_quotes_backslash_and_non_ascii_password<I: Imap>() {
    let server = server();
    let mut imap = client::<I>(&server);
    imap.login("carol", AWKWARD).unwrap();
    assert_eq!(imap.state(), State::Authenticated);
}

fn wrong_password_is_no_with_authenticationfailed<I: Imap>() {
    let server = server();
    let mut imap = client::<I>(&server);
    let error = imap.login("alice", "not-the-password").unwrap_err();
    assert!(
        matches!(
            &error,
            Error::No {
                code: Some(Code::AuthenticationFailed),
                ..
            }
        ),
        "expected NO [AUTHENTICATIONFAILED], got {error:?}"
    );
    assert_eq!(imap.state(), State::NotAuthenticated);
}

fn authenticate_plain_with_sasl_ir<I: Imap>() {
    let server = server();
    let mut imap = client::<I>(&server);
    assert!(imap.has_capability("SASL-IR").unwrap());
    imap.authenticate(Plain::new("alice", password(&server, "alice")))
        .unwrap();
    assert_eq!(imap.state(), State::Authenticated);
}

fn authenticate_plain_with_non_ascii_password<I: Imap>() {
    let server = server();
    let mut imap = client::<I>(&server);
    imap.authenticate(Plain::new("carol", AWKWARD)).unwrap();
    assert_eq!(imap.state(), State::Authenticated);
}

fn authenticate_login<I: Imap>() {
    let server = server();
    let mut imap = client::<I>(&server);
    imap.authenticate(Login::new("bob", password(&server, "bob")))
        .unwrap();
    assert_eq!(imap.state(), State::Authenticated);
}

fn authenticate_cram_md5<I: Imap>() {
    let server = server();
    let mut imap = client::<I>(&server);
    imap.authenticate(CramMd5::new("alice", password(&server, "alice")))
        .unwrap();
    assert_eq!(imap.state(), State::Authenticated);
}

fn authenticate_scram_sha_1<I: Imap>() {
    let server = server();
    let mut imap = client::<I>(&server);
    imap.authenticate(Scram::sha1("alice", password(&server, "alice")))
        .unwrap();
    assert_eq!(imap.state(), State::Authenticated);
}

fn authenticate_scram_sha_256<I: Imap>() {
    let server = server();
    let mut imap = client::<I>(&server);
    imap.authenticate(Scram::sha256("bob", password(&server, "bob")))
        .unwrap();
    assert_eq!(imap.state(), State::Authenticated);
}

fn authenticate_with_wrong_password_is_no<I: Imap>() {
    let server = server();
    let mut imap = client::<I>(&server);
    let error = imap
        .authenticate(Scram::sha256("alice", "wrong"))
        .unwrap_err();
    assert!(matches!(error, Error::No { .. }), "{error:?}");
    assert_eq!(imap.state(), State::NotAuthenticated);
}

fn dovecot_compares_passwords_byte_for_byte<I: Imap>() {
    // The control for the two SCRAM tests below: PLAIN sends the password
    // as given, and Dovecot does not normalise it before comparing (RFC
    // 4616 leaves SASLprep to the server, which Dovecot 2.3 skips). So the
    // decomposed form is a wrong password unless the client prepares it.
    let server = server();
    let mut imap = client::<I>(&server);
    let error = imap
        .authenticate(Plain::new("dora", DECOMPOSED))
        .unwrap_err();
    assert!(matches!(error, Error::No { .. }), "{error:?}");
    imap.authenticate(Plain::new("dora", COMPOSED)).unwrap();
}

fn scram_sha_256_applies_saslprep_to_a_decomposed_password<I: Imap>() {
    // RFC 5802 section 2.2: Hi(Normalize(password), ...), Normalize being
    // SASLprep, whose NFKC step composes the umlauts: the salted password
    // is the one Dovecot derives from the stored (composed) form.
    let server = server();
    let mut imap = client::<I>(&server);
    imap.authenticate(Scram::sha256("dora", DECOMPOSED))
        .unwrap();
    assert_eq!(imap.state(), State::Authenticated);
}

fn scram_sha_1_applies_saslprep_to_a_decomposed_password<I: Imap>() {
    let server = server();
    let mut imap = client::<I>(&server);
    imap.authenticate(Scram::sha1("dora", DECOMPOSED)).unwrap();
    assert_eq!(imap.state(), State::Authenticated);
}
