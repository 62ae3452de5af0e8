//! Session extensions: JMAPACCESS (RFC 9698), the REFERRAL code of
//! LOGIN-REFERRALS and MAILBOX-REFERRALS (RFC 2221, RFC 2193), I18NLEVEL
//! and COMPARATOR (RFC 5255), SASL ANONYMOUS (RFC 4505). Against the
//! servers here that have them; where none does what the RFC describes, a
//! scripted server plays the RFC's lines. UNAUTHENTICATE is tested
//! against Stalwart in `stalwart.rs`.

use typed_imap::auth::{Anonymous, External};
use typed_imap::blocking::{Client, ClientOptions};
use typed_imap::command::State;
use typed_imap::response::{Status, StatusResponse};
use typed_imap::session::Unsolicited;
use typed_imap::transport::TlsConfig;
use typed_imap::types::SearchKey;
use typed_imap::{Code, Comparator, Create, Error, GetJmapAccess, Noop, Search, Select, Subscribe};
use typed_imap_tests::cert::Authority;
use typed_imap_tests::client::trust;
use typed_imap_tests::cyrus::Cyrus;
use typed_imap_tests::dovecot::{Dovecot, Options};
use typed_imap_tests::mailutils::{Mailutils, Options as MailutilsOptions};
use typed_imap_tests::scripted::Script;

/// A scripted server that greets with `capabilities` and accepts LOGIN,
/// then plays `steps`; the client logged in.
fn scripted(
    capabilities: &str,
    steps: impl FnOnce(Script) -> Script,
) -> (typed_imap_tests::scripted::ScriptedServer, Client) {
    let script = Script::new()
        .send(format!("* OK [CAPABILITY {capabilities}] ready\r\n"))
        .expect_command("LOGIN")
        .reply(&format!("OK [CAPABILITY {capabilities}] logged in"));
    let server = steps(script).serve().unwrap();
    let mut imap = Client::connect("127.0.0.1", server.addr().port()).unwrap();
    imap.login("alice", "secret").unwrap();
    (server, imap)
}

// ---------------------------------------------------------------------
// JMAPACCESS (RFC 9698). Stalwart advertises it but answers GETJMAPACCESS
// BAD (`stalwart::getjmapaccess_is_bad_although_jmapaccess_is_advertised`).

#[test]
fn getjmapaccess_returns_the_jmap_session_url() {
    let (server, mut imap) = scripted("IMAP4rev1 JMAPACCESS", |script| {
        script
            .expect_exact("GETJMAPACCESS")
            .send("* JMAPACCESS \"https://example.com/.well-known/jmap\"\r\n")
            .reply("OK done")
    });
    let url = imap.get_jmap_access().unwrap();
    assert_eq!(&url[..], b"https://example.com/.well-known/jmap");
    drop(imap);
    server.finish().unwrap();
}

#[test]
fn getjmapaccess_needs_jmapaccess() {
    let (server, mut imap) = scripted("IMAP4rev1", |script| script);
    let error = imap.run(GetJmapAccess::new()).unwrap_err();
    assert!(
        matches!(&error, Error::MissingCapability { capability, .. } if capability == "JMAPACCESS"),
        "{error:?}"
    );
    drop(imap);
    server.finish().unwrap();
}

// ---------------------------------------------------------------------
// LOGIN-REFERRALS (RFC 2221) and MAILBOX-REFERRALS (RFC 2193): the
// REFERRAL code.

/// Dovecot answering `carol` (password `carol-secret`) with a referral
/// to imap2.example.org, from a second passdb whose extra fields say so
/// (`host` and `nologin` without `proxy`). Without `nologin` Dovecot
/// 2.3 logs the user in and sends no referral, so the tagged OK form is
/// scripted below.
fn dovecot_referring_carol() -> Dovecot {
    Dovecot::start_with(Options {
        extra_config: "passdb {\n  driver = static\n  \
                       args = password=carol-secret host=imap2.example.org nologin=y\n}\n"
            .to_owned(),
        ..Options::default()
    })
    .unwrap()
}

#[test]
fn login_refused_with_a_referral_gives_the_other_server_typed() {
    let server = dovecot_referring_carol();
    let mut imap = Client::connect("127.0.0.1", server.plain_addr().port()).unwrap();
    assert!(imap.has_capability("LOGIN-REFERRALS").unwrap());
    let error = imap.login("carol", "carol-secret").unwrap_err();
    let Error::No {
        code: Some(Code::Referral(urls)),
        ..
    } = &error
    else {
        panic!("expected NO [REFERRAL ...], got {error:?}");
    };
    assert_eq!(urls, &["imap://carol;AUTH=PLAIN@imap2.example.org/"]);
    assert_eq!(imap.state(), State::NotAuthenticated);
    imap.login("alice", "alice-secret").unwrap();
}

/// The URLs of the REFERRAL code of a failed command.
fn referral(error: Error) -> Vec<String> {
    match error {
        Error::No {
            code: Some(Code::Referral(urls)),
            ..
        }
        | Error::Bad {
            code: Some(Code::Referral(urls)),
            ..
        } => urls,
        other => panic!("expected a REFERRAL, got {other:?}"),
    }
}

/// RFC 2193 section 3's example: a mailbox on two other servers.
#[test]
fn referral_in_a_tagged_no_or_bad_gives_every_url() {
    let (server, mut imap) = scripted("IMAP4rev1 MAILBOX-REFERRALS", |script| {
        script
            .expect_exact("SELECT foo")
            .reply(
                "NO [REFERRAL IMAP://user;AUTH=*@SERVER2/foo IMAP://user;AUTH=*@SERVER3/foo] \
                 Remote mailbox. Try SERVER2 or SERVER3.",
            )
            .expect_exact("SELECT bar")
            .reply("BAD [REFERRAL imap://SERVER2/bar] not here")
    });
    assert_eq!(
        referral(imap.run(Select::new("foo")).unwrap_err()),
        [
            "IMAP://user;AUTH=*@SERVER2/foo",
            "IMAP://user;AUTH=*@SERVER3/foo"
        ]
    );
    assert_eq!(
        referral(imap.run(Select::new("bar")).unwrap_err()),
        ["imap://SERVER2/bar"]
    );
    drop(imap);
    server.finish().unwrap();
}

/// An untagged OK (with a stray SP before the `]`) and the tagged OK of a
/// command that succeeded but names a better server: both codes reach
/// the command.
#[test]
fn referral_in_an_untagged_or_tagged_ok_reaches_the_command() {
    let (server, mut imap) = scripted("IMAP4rev1 MAILBOX-REFERRALS", |script| {
        script
            .expect_exact("SELECT INBOX")
            .send(
                "* 0 EXISTS\r\n* OK [UIDVALIDITY 1] ok\r\n\
                 * OK [REFERRAL imap://SERVER2/INBOX ] better there\r\n",
            )
            .reply("OK [REFERRAL imap://SERVER2/INBOX] selected, but SERVER2 is better")
    });
    let (_, codes) = imap.run_with_codes(Select::new("INBOX")).unwrap();
    let urls: Vec<&[String]> = codes
        .iter()
        .filter_map(|code| match code {
            Code::Referral(urls) => Some(&urls[..]),
            _ => None,
        })
        .collect();
    let inbox = ["imap://SERVER2/INBOX".to_owned()];
    assert_eq!(
        urls,
        [&inbox[..], &inbox[..]],
        "untagged OK, then tagged OK"
    );
    drop(imap);
    server.finish().unwrap();
}

/// RFC 2221 section 4.2: a server closing the connection names the
/// server to use; the BYE ends the session and its code stays readable.
#[test]
fn referral_in_a_bye_is_kept_after_the_connection_closes() {
    let (server, mut imap) = scripted("IMAP4rev1 LOGIN-REFERRALS", |script| {
        script.expect_command("NOOP").send(
            "* BYE [REFERRAL IMAP://user;AUTH=*@SERVER2/] \
             Server not accepting connections. Try SERVER2\r\n",
        )
    });
    let error = imap.run(Noop::new()).unwrap_err();
    assert!(matches!(error, Error::Closed { .. }), "{error:?}");
    let bye = imap.response("REFERRAL");
    let Some(Unsolicited::Status(StatusResponse {
        status: Status::Bye,
        code: Some(Code::Referral(urls)),
        ..
    })) = bye
    else {
        panic!("expected the BYE's REFERRAL, got {bye:?}");
    };
    assert_eq!(urls, ["IMAP://user;AUTH=*@SERVER2/"]);
    drop(imap);
    server.finish().unwrap();
}

/// Cyrus advertises MAILBOX-REFERRALS and answers RLIST and RLSUB as LIST
/// and LSUB (it has no remote mailboxes here).
#[test]
fn rlist_and_rlsub_list_the_mailboxes_on_cyrus() {
    let server = Cyrus::start().unwrap();
    let user = server.user("alice").unwrap();
    let mut imap = Client::connect("127.0.0.1", server.addr().port()).unwrap();
    imap.login(&user.name, &user.password).unwrap();
    assert!(imap.has_capability("MAILBOX-REFERRALS").unwrap());
    imap.run(Create::new("INBOX.referred")).unwrap();
    imap.run(Subscribe::new("INBOX.referred")).unwrap();
    let listed = imap.rlist("", "*").unwrap();
    let names: Vec<&str> = listed.iter().map(|item| item.mailbox.as_str()).collect();
    assert_eq!(names, ["INBOX", "INBOX.referred"]);
    let subscribed = imap.rlsub("", "*").unwrap();
    let names: Vec<&str> = subscribed
        .iter()
        .map(|item| item.mailbox.as_str())
        .collect();
    assert!(names.contains(&"INBOX.referred"), "{names:?}");
}

// ---------------------------------------------------------------------
// I18NLEVEL (RFC 5255 section 4). Dovecot advertises I18NLEVEL=1 after
// login: SEARCH compares with `i;unicode-casemap`, and there is no
// command to send. No server here has I18NLEVEL=2's COMPARATOR.

/// A message whose subject is `Grüße aus Köln`, as an RFC 2047 word.
const COLOGNE: &[u8] = b"From: a@example.org\r\n\
Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=\r\n\
\r\n\
hello\r\n";

#[test]
fn i18nlevel_1_searches_non_ascii_text_without_regard_to_case_on_dovecot() {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "INBOX", [COLOGNE, b"Subject: Koln\r\n\r\nx\r\n"])
        .unwrap();
    let mut imap = typed_imap_tests::client::logged_in(&server, "alice").unwrap();
    assert!(imap.has_capability("I18NLEVEL=1").unwrap());
    imap.run(Select::new("INBOX")).unwrap();
    let search = |imap: &mut Client, text: &str| {
        imap.run(Search::new(SearchKey::subject(text)).charset("UTF-8"))
            .unwrap()
    };
    assert_eq!(search(&mut imap, "KÖLN"), [1], "Ö matches ö, not o");
    assert_eq!(
        search(&mut imap, "ko\u{308}ln"),
        [1],
        "o and a combining diaeresis match ö (RFC 5051 decomposes)"
    );
}

#[test]
fn comparator_needs_i18nlevel_2_which_dovecot_lacks() {
    let server = Dovecot::start().unwrap();
    let mut imap = typed_imap_tests::client::logged_in(&server, "alice").unwrap();
    let error = imap.run(Comparator::new()).unwrap_err();
    assert!(
        matches!(&error, Error::MissingCapability { capability, .. } if capability == "I18NLEVEL=2"),
        "{error:?}"
    );
}

/// After RFC 5255 section 4.7's examples: the active comparator alone,
/// then the one chosen among several that matched.
#[test]
fn comparator_gives_the_active_comparator_and_those_that_matched() {
    let (server, mut imap) = scripted("IMAP4rev1 I18NLEVEL=2", |script| {
        script
            .expect_exact("COMPARATOR")
            .send("* COMPARATOR i;unicode-casemap\r\n")
            .reply("OK")
            .expect_exact("COMPARATOR \"cz;*\" i;basic")
            .send("* COMPARATOR cz;pr (cz;pr i;basic)\r\n")
            .reply("OK")
    });
    let active = imap.comparator().unwrap();
    assert_eq!(&active.active[..], b"i;unicode-casemap");
    assert_eq!(active.matched, None);
    let chosen = imap
        .run(Comparator::new().orders(vec!["cz;*".into(), "i;basic".into()]))
        .unwrap();
    assert_eq!(&chosen.active[..], b"cz;pr");
    let matched: Vec<&[u8]> = chosen.matched.iter().flatten().map(|m| &m[..]).collect();
    assert_eq!(matched, [&b"cz;pr"[..], b"i;basic"]);
    drop(imap);
    server.finish().unwrap();
}

#[test]
fn comparator_none_of_which_exists_is_a_no_with_badcomparator() {
    let (server, mut imap) = scripted("IMAP4rev1 I18NLEVEL=2", |script| {
        script
            .expect_exact("COMPARATOR x;none")
            .reply("NO [BADCOMPARATOR] no such comparator")
    });
    let error = imap
        .run(Comparator::new().orders(vec!["x;none".into()]))
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::No {
                code: Some(Code::BadComparator),
                ..
            }
        ),
        "{error:?}"
    );
    drop(imap);
    server.finish().unwrap();
}

// ---------------------------------------------------------------------
// SASL ANONYMOUS (RFC 4505). GNU Mailutils imap4d advertises it, and logs
// it in as the user its configuration names (`gsasl { anonymous-user }`).

fn imap4d(anonymous_user: Option<&str>) -> Mailutils {
    Mailutils::start_with(MailutilsOptions {
        anonymous_user: anonymous_user.map(str::to_owned),
        ..MailutilsOptions::default()
    })
    .unwrap()
}

#[test]
fn anonymous_logs_in_as_the_guest_imap4d_is_configured_with() {
    let server = imap4d(Some("alice"));
    server
        .fill(
            "alice",
            "INBOX",
            [&b"Subject: for guests\r\n\r\nhi\r\n"[..]],
        )
        .unwrap();
    let mut imap = Client::connect("127.0.0.1", server.plain_addr().port()).unwrap();
    assert!(imap.has_capability("AUTH=ANONYMOUS").unwrap());
    imap.authenticate(Anonymous::new("tester@example.org").unwrap())
        .unwrap();
    assert_eq!(imap.state(), State::Authenticated);
    assert_eq!(imap.run(Select::new("INBOX")).unwrap().exists, 1);
    assert!(
        server
            .log()
            .contains("anonymous user tester@example.org logged in"),
        "the trace information reaches the server's log"
    );
}

#[test]
fn anonymous_refused_is_a_no_and_the_session_goes_on() {
    let server = imap4d(None);
    let mut imap = Client::connect("127.0.0.1", server.plain_addr().port()).unwrap();
    let error = imap.authenticate(Anonymous::new("").unwrap()).unwrap_err();
    assert!(matches!(error, Error::No { .. }), "{error:?}");
    assert_eq!(imap.state(), State::NotAuthenticated);
    imap.login(&server.login_name("bob"), "bob-secret").unwrap();
}

// ---------------------------------------------------------------------
// SASL EXTERNAL (RFC 4422 appendix A) with a TLS client certificate.

/// Dovecot asking TLS clients for a certificate from `authority`, and
/// offering EXTERNAL as the user its common name names (a passdb that
/// needs no password, for EXTERNAL only). The CA file lives beside the
/// returned server for as long as it runs.
fn dovecot_with_external(authority: &Authority) -> (Dovecot, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, authority.cert_pem()).unwrap();
    let mut options = Options {
        extra_config: format!(
            "ssl_ca = <{ca}\n\
             ssl_verify_client_cert = yes\n\
             ssl_require_crl = no\n\
             auth_ssl_username_from_cert = yes\n\
             ssl_cert_username_field = commonName\n\
             passdb {{\n  driver = static\n  args = nopassword=y\n  mechanisms = external\n}}\n",
            ca = ca.display()
        ),
        ..Options::default()
    };
    options.auth_mechanisms.push("external".into());
    (Dovecot::start_with(options).unwrap(), dir)
}

fn connect_tls(server: &Dovecot, config: &TlsConfig) -> Client {
    Client::connect_tls_with(
        "localhost",
        server.tls_addr().port(),
        config,
        ClientOptions::default(),
    )
    .unwrap()
}

#[test]
fn external_logs_in_as_the_user_the_client_certificate_names_on_dovecot() {
    let authority = Authority::new("typed-imap client CA").unwrap();
    let (server, _ca) = dovecot_with_external(&authority);
    let alice = authority.issue(&["DNS:alice"]).unwrap();
    let config = trust(&server)
        .unwrap()
        .client_certificate_pem(alice.cert_pem().as_bytes(), alice.key_pem().as_bytes())
        .unwrap();
    let mut imap = connect_tls(&server, &config);
    assert!(imap.has_capability("AUTH=EXTERNAL").unwrap());
    imap.authenticate(External::new()).unwrap();
    assert_eq!(imap.state(), State::Authenticated);
    imap.run(Select::new("INBOX")).unwrap();
    assert!(
        server.log().contains("user=<alice>, method=EXTERNAL"),
        "{}",
        server.log()
    );
}

#[test]
fn external_without_a_client_certificate_is_a_no() {
    let authority = Authority::new("typed-imap client CA").unwrap();
    let (server, _ca) = dovecot_with_external(&authority);
    let mut imap = connect_tls(&server, &trust(&server).unwrap());
    let error = imap.authenticate(External::new()).unwrap_err();
    assert!(matches!(error, Error::No { .. }), "{error:?}");
    assert_eq!(imap.state(), State::NotAuthenticated);
    let error = imap.login("alice", "wrong").unwrap_err();
    assert!(
        matches!(error, Error::No { .. }),
        "the EXTERNAL passdb admits nothing else: {error:?}"
    );
}
