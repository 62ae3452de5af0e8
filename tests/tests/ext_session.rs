//! Session extensions: JMAPACCESS (RFC 9698), the REFERRAL code of
//! LOGIN-REFERRALS and MAILBOX-REFERRALS (RFC 2221, RFC 2193), I18NLEVEL
//! and COMPARATOR (RFC 5255), SASL ANONYMOUS (RFC 4505). Against the
//! servers here that have them; where none does what the RFC describes, a
//! scripted server plays the RFC's lines. UNAUTHENTICATE is tested
//! against Stalwart in `stalwart.rs`.

use typed_imap::blocking::Client;
use typed_imap::{Error, GetJmapAccess};
use typed_imap_tests::scripted::Script;

/// A scripted server that greets with `capabilities` and accepts LOGIN,
/// then plays `steps`; the client logged in.
fn scripted(
    capabilities: &str,
    steps: impl FnOnce(Script) -> Script,
) -> (typed_imap_tests::scripted::ScriptedServer, Client) {
    let script = Script::new()
        .send(&format!("* OK [CAPABILITY {capabilities}] ready\r\n"))
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
