//! What crosses the session's boundaries (issue 12): the STARTTLS line,
//! credentials, what the server says outside a command's result, IDLE's
//! first responses and the wire trace. Scripted servers where only a
//! hostile or unusual server behaves so, Dovecot, Cyrus and Courier for
//! the rest.
//!
//! | point | tests |
//! |---|---|
//! | 1 plaintext forgotten at TLS | `plaintext_injected_before_starttls_is_nowhere_after_tls` |
//! | 2 bytes after the STARTTLS OK | `a_line_in_the_same_write_as_the_starttls_ok_is_discarded`, `an_alert_split_around_the_starttls_ok_is_discarded`, `a_bye_after_the_starttls_ok_is_discarded` |
//! | 3 credentials | `login_under_logindisabled_sends_nothing`, `login_under_cyrus_logindisabled_is_refused_and_the_session_goes_on`, `authenticate_with_a_mechanism_not_offered_sends_nothing`, `dovecot_without_auth_login_gets_no_authenticate_login`, `a_password_for_a_network_peer_in_clear_sends_nothing`, `cleartext_credentials_go_when_the_caller_allows_them` |
//! | 4 alerts | `an_alert_during_a_command_reaches_its_result_and_the_record`, `an_alert_during_starttls_capability_reaches_the_record`, `an_alert_during_idle_is_yielded`, `an_alert_between_commands_is_kept` |
//! | 5 run_with_codes | `run_with_codes_keeps_what_select_and_examine_report`, `run_with_codes_keeps_moves_copy_uid`, `run_with_codes_keeps_a_conditional_stores_modified_set` |
//! | 6 response(name) | `response_gives_what_select_received_once` |
//! | 7 IDLE at once | `idle_delivers_what_came_with_the_continuation_at_once` |
//! | 8 IDLE, nothing older | `idle_never_yields_what_came_before_it` |
//! | 10 wire trace | `wire_trace_shows_the_exchange_and_hides_passwords`, `wire_trace_hides_oauth_tokens` |
//! | 13 UTF-8 mode | `tests/tests/ext_utf8.rs`: `plain_append_goes_as_utf8_once_enabled_on_courier`, `search_with_a_charset_is_refused_once_utf8_is_enabled_on_courier` |
//!
//! Issue 13 point 10 (a code after the text warned about once) is
//! `a_code_after_the_text_is_warned_about_once`.

use std::time::{Duration, Instant};

use typed_imap::auth::{OAuthBearer, Plain, XOAuth2};
use typed_imap::blocking::ClientOptions;
use typed_imap::response::StatusResponse;
use typed_imap::session::{SessionOptions, Unsolicited};
use typed_imap::transport::{Timeouts, TlsConfig};
use typed_imap::types::{FetchItem, Flag, SequenceSet};
use typed_imap::{
    Code, ConditionalStore, Create, Data, Error, Examine, Fetch, Noop, Select, Store, UidMove,
};
use typed_imap_tests::both::{Idling, Imap};
use typed_imap_tests::both_clients;
use typed_imap_tests::cert::Certificate;
use typed_imap_tests::client::trust;
use typed_imap_tests::cyrus::Cyrus;
use typed_imap_tests::dovecot::{Dovecot, Options};
use typed_imap_tests::logs;
use typed_imap_tests::messages::sample_message;
use typed_imap_tests::proxy::CutProxy;
use typed_imap_tests::scripted::{network_address, Script, ScriptedServer};

both_clients!(
    wire_trace_shows_the_exchange_and_hides_passwords,
    wire_trace_hides_oauth_tokens,
    a_code_after_the_text_is_warned_about_once,
    each_session_warns_about_a_late_code_once,
    plaintext_injected_before_starttls_is_nowhere_after_tls,
    a_line_in_the_same_write_as_the_starttls_ok_is_discarded,
    an_alert_split_around_the_starttls_ok_is_discarded,
    a_bye_after_the_starttls_ok_is_discarded,
    login_under_logindisabled_sends_nothing,
    login_under_cyrus_logindisabled_is_refused_and_the_session_goes_on,
    authenticate_with_a_mechanism_not_offered_sends_nothing,
    dovecot_without_auth_login_gets_no_authenticate_login,
    a_password_for_a_network_peer_in_clear_sends_nothing,
    cleartext_credentials_go_when_the_caller_allows_them,
    an_alert_during_a_command_reaches_its_result_and_the_record,
    an_alert_during_starttls_capability_reaches_the_record,
    an_alert_during_idle_is_yielded,
    an_alert_between_commands_is_kept,
    run_with_codes_keeps_what_select_and_examine_report,
    run_with_codes_keeps_moves_copy_uid,
    run_with_codes_keeps_a_conditional_stores_modified_set,
    response_gives_what_select_received_once,
    idle_never_yields_what_came_before_it,
    idle_delivers_what_came_with_the_continuation_at_once,
);

fn trust_localhost() -> TlsConfig {
    TlsConfig::custom_roots_pem(Certificate::localhost().unwrap().cert_pem().as_bytes()).unwrap()
}

fn options() -> ClientOptions {
    ClientOptions {
        timeouts: Timeouts {
            read: Some(Duration::from_secs(5)),
            ..Timeouts::default()
        },
        ..ClientOptions::default()
    }
}

fn starttls<I: Imap>(server: &ScriptedServer) -> I {
    I::connect_starttls(
        "127.0.0.1",
        server.addr().port(),
        &trust_localhost(),
        options(),
    )
    .unwrap()
}

fn plain<I: Imap>(server: &ScriptedServer) -> I {
    I::connect("127.0.0.1", server.addr().port(), options()).unwrap()
}

/// What the client sent, however the script ended.
fn sent(server: ScriptedServer) -> String {
    match server.finish() {
        Ok(transcript) => transcript.received_text(),
        Err(error) => error.transcript.received_text(),
    }
}

fn status_code(response: &Unsolicited) -> Option<&Code> {
    match response {
        Unsolicited::Status(StatusResponse { code, .. }) => code.as_ref(),
        Unsolicited::Data(_) => None,
    }
}

fn is_alert(response: &Unsolicited) -> bool {
    matches!(status_code(response), Some(Code::Alert))
}

/// The text of every unsolicited response, for "nothing of X is shown".
fn shown<I: Imap>(client: &I) -> String {
    format!("{:?}", client.unsolicited())
}

// Point 1 ------------------------------------------------------------------

fn plaintext_injected_before_starttls_is_nowhere_after_tls<I: Imap>() {
    let injected = "* LIST () \"/\" injected-box\r\n* 54321 EXISTS\r\n* 77 RECENT\r\n\
                    * NO injected-no\r\n* OK [ALERT] injected-alert\r\n\
                    * OK [UIDVALIDITY 666] injected-code\r\n* FLAGS (injected-flag)\r\n\
                    * ENABLED UTF8=ACCEPT\r\n";
    let server = Script::new()
        .send("* OK ready\r\n")
        .expect_command("CAPABILITY")
        .send(format!(
            "{injected}* CAPABILITY IMAP4rev1 STARTTLS LITERAL+ AUTH=PLAIN\r\n{{tag}} OK done\r\n"
        ))
        .expect_command("STARTTLS")
        .reply("OK begin")
        .start_tls()
        .expect_command("CAPABILITY")
        .send("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n")
        .expect_command("LOGIN")
        .reply("OK [CAPABILITY IMAP4rev1 IDLE] in")
        .expect_command("SELECT")
        .send("* 2 EXISTS\r\n* FLAGS (\\Seen)\r\n* OK [UIDVALIDITY 1] v\r\n{tag} OK [READ-WRITE] done\r\n")
        .expect_command("FETCH")
        .send("* 1 FETCH (FLAGS (\\Seen))\r\n{tag} OK done\r\n")
        .stall(Duration::from_millis(300))
        .serve()
        .unwrap();
    let mut client = starttls::<I>(&server);
    client.login("alice", "secret").unwrap();
    let selected = client.run(Select::new("INBOX")).unwrap();
    let fetched = client.run(Fetch::new(1).items(FetchItem::flags())).unwrap();
    assert_eq!(fetched.len(), 1);
    assert_eq!(selected.exists, 2);
    let capabilities = format!("{:?}", client.capabilities().unwrap());
    let everything = format!(
        "{} {:?} {capabilities} {:?} {:?}",
        shown(&client),
        client.mailbox(),
        client.utf8_enabled(),
        selected
    );
    for trace in ["injected", "54321", "666", "77", "LITERAL+", "UTF8", "true"] {
        assert!(
            !everything.contains(trace),
            "{trace} survived TLS: {everything}"
        );
    }
    for name in [
        "LIST",
        "EXISTS",
        "RECENT",
        "NO",
        "ALERT",
        "UIDVALIDITY",
        "FLAGS",
        "ENABLED",
    ] {
        let response = client.response(name);
        assert!(
            !format!("{response:?}").contains("injected")
                && !format!("{response:?}").contains("54321")
                && !format!("{response:?}").contains("666"),
            "{name}: {response:?}"
        );
    }
    assert_eq!(client.mailbox().unwrap().uid_validity, Some(1));
}

// Point 2 ------------------------------------------------------------------

/// A STARTTLS whose OK is followed by `after_ok` (each a separate write,
/// 50 ms apart), then TLS and a LOGIN over it.
fn starttls_with_bytes_after_the_ok(before_ok: &str, after_ok: &[&str]) -> Script {
    let mut script = Script::new()
        .send("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready\r\n")
        .expect_command("STARTTLS")
        .send(format!("{before_ok}{{tag}} OK begin TLS\r\n"));
    for bytes in after_ok {
        script = script.stall(Duration::from_millis(50)).send(bytes);
    }
    script
        .start_tls()
        .expect_command("CAPABILITY")
        .send("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n")
        .expect_command("LOGIN")
        .reply("OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] logged in")
        .expect_command("NOOP")
        .reply("OK nothing")
        .stall(Duration::from_millis(300))
}

/// Runs the client through STARTTLS, LOGIN and NOOP over TLS; returns it
/// and its logs.
fn through_tls<I: Imap>(script: Script) -> (I, String) {
    let server = script.serve().unwrap();
    let (client, logs) = logs::capture(|| {
        let mut client = starttls::<I>(&server);
        client.login("alice", "secret").unwrap();
        client.run(Noop::new()).unwrap();
        client
    });
    let transcript = server.finish().unwrap();
    assert!(transcript.tls);
    (client, logs)
}

fn a_line_in_the_same_write_as_the_starttls_ok_is_discarded<I: Imap>() {
    let server = Script::new()
        .send("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready\r\n")
        .expect_command("STARTTLS")
        .send("{tag} OK begin TLS\r\n* CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN injected\r\n")
        .start_tls()
        .expect_command("CAPABILITY")
        .send("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n")
        .expect_command("LOGIN")
        .reply("OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] logged in")
        .expect_command("NOOP")
        .reply("OK nothing");
    let (mut client, logs) = through_tls::<I>(server);
    assert!(!client.has_capability("LITERAL+").unwrap());
    assert!(!shown(&client).contains("injected"));
    let injected = "* CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN injected\r\n".len();
    assert!(
        logs.contains("discarded bytes received after the STARTTLS OK")
            && logs.contains(&format!("bytes={injected}")),
        "{logs}"
    );
}

fn an_alert_split_around_the_starttls_ok_is_discarded<I: Imap>() {
    let (client, logs) = through_tls::<I>(starttls_with_bytes_after_the_ok(
        "* OK [ALERT] before the ok\r\n",
        &["* OK [AL", "ERT] after the ok\r\n"],
    ));
    assert!(!shown(&client).contains("the ok"), "{}", shown(&client));
    assert!(!client.unsolicited().iter().any(is_alert));
    assert!(logs.contains("discarded"), "{logs}");
}

fn a_bye_after_the_starttls_ok_is_discarded<I: Imap>() {
    let (mut client, logs) = through_tls::<I>(starttls_with_bytes_after_the_ok(
        "",
        &["* BYE injected\r\n"],
    ));
    assert!(!shown(&client).contains("injected"));
    assert!(client.broken().is_none());
    assert!(client.has_capability("AUTH=PLAIN").unwrap());
    assert!(logs.contains("discarded"), "{logs}");
}

// Point 3 ------------------------------------------------------------------

fn login_under_logindisabled_sends_nothing<I: Imap>() {
    let server = Script::new()
        .send("* OK [CAPABILITY IMAP4rev1 LOGINDISABLED STARTTLS AUTH=PLAIN] ready\r\n")
        .expect_silence(Duration::from_millis(300))
        .serve()
        .unwrap();
    let mut client = plain::<I>(&server);
    let error = client.login("alice", "hunter2").unwrap_err();
    assert!(matches!(error, Error::CredentialsRefused { .. }), "{error}");
    let text = error.to_string();
    assert!(
        text.contains("LOGINDISABLED") && text.contains("starttls"),
        "{text}"
    );
    assert_eq!(sent(server), "");
}

fn login_under_cyrus_logindisabled_is_refused_and_the_session_goes_on<I: Imap>() {
    // Without TLS and `allowplaintext: no`, Cyrus advertises LOGINDISABLED
    // (and offers no AUTH= mechanism): it would answer LOGIN with `NO Login
    // only available under a layer` after reading the password.
    let server = Cyrus::start_with("allowplaintext: no\n").unwrap();
    // The proxy records what the client puts on the wire.
    let proxy = CutProxy::start(server.addr(), "never sent").unwrap();
    let mut client = I::connect("127.0.0.1", proxy.addr().port(), options()).unwrap();
    assert!(client.has_capability("LOGINDISABLED").unwrap());
    let error = client.login("alice", "alice-secret").unwrap_err();
    assert!(matches!(error, Error::CredentialsRefused { .. }), "{error}");
    let error = client
        .authenticate(Plain::new("alice", "alice-secret"))
        .unwrap_err();
    assert!(matches!(error, Error::CredentialsRefused { .. }), "{error}");
    // Nothing was sent: the connection is as it was.
    client.run(Noop::new()).unwrap();
    assert_eq!(client.state(), typed_imap::command::State::NotAuthenticated);
    let sent = String::from_utf8_lossy(&proxy.sent()).into_owned();
    assert!(sent.contains(" NOOP\r\n"), "{sent}");
    for secret in ["LOGIN", "AUTHENTICATE", "alice-secret"] {
        assert!(!sent.contains(secret), "{secret} went on the wire: {sent}");
    }
}

fn authenticate_with_a_mechanism_not_offered_sends_nothing<I: Imap>() {
    let server = Script::new()
        .send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=SCRAM-SHA-256] ready\r\n")
        .expect_silence(Duration::from_millis(300))
        .serve()
        .unwrap();
    let mut client = plain::<I>(&server);
    let error = client
        .authenticate(Plain::new("alice", "hunter2"))
        .unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("AUTH=PLAIN") && text.contains("SCRAM-SHA-256"),
        "{text}"
    );
    assert_eq!(sent(server), "");
}

fn dovecot_without_auth_login_gets_no_authenticate_login<I: Imap>() {
    let server = Dovecot::start_with(Options {
        auth_mechanisms: vec!["plain".into()],
        ..Options::default()
    })
    .unwrap();
    let password = server.user("alice").unwrap().password.clone();
    // Plain TCP over loopback through a proxy that records the wire.
    let proxy = CutProxy::start(server.plain_addr(), "never sent").unwrap();
    let mut client = I::connect("127.0.0.1", proxy.addr().port(), options()).unwrap();
    let error = client
        .authenticate(typed_imap::auth::Login::new("alice", &password))
        .unwrap_err();
    assert!(error.to_string().contains("AUTH=LOGIN"), "{error}");
    let sent = String::from_utf8_lossy(&proxy.sent()).into_owned();
    assert!(!sent.contains("AUTHENTICATE"), "{sent}");
    // The mechanism it offers works on the same connection.
    client.authenticate(Plain::new("alice", &password)).unwrap();
    let sent = String::from_utf8_lossy(&proxy.sent()).into_owned();
    assert!(sent.contains(" AUTHENTICATE PLAIN"), "{sent}");
    assert!(!sent.contains("AUTHENTICATE LOGIN"), "{sent}");
}

/// A server on this machine's network address, which the client does not
/// count as local.
fn network_server(script: Script) -> Option<ScriptedServer> {
    let Some(ip) = network_address() else {
        eprintln!("no non-loopback address here: the sans-IO tests cover the rule");
        return None;
    };
    Some(script.serve_on(ip).unwrap())
}

fn a_password_for_a_network_peer_in_clear_sends_nothing<I: Imap>() {
    let script = Script::new()
        .send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=XOAUTH2 AUTH=OAUTHBEARER AUTH=CRAM-MD5] ready\r\n")
        .expect_command("AUTHENTICATE")
        .reply("NO not today")
        .stall(Duration::from_millis(300));
    let Some(server) = network_server(script) else {
        return;
    };
    let mut client = I::connect(
        &server.addr().ip().to_string(),
        server.addr().port(),
        options(),
    )
    .unwrap();
    for error in [
        client.login("alice", "hunter2").unwrap_err(),
        client
            .authenticate(Plain::new("alice", "hunter2"))
            .unwrap_err(),
        client
            .authenticate(XOAuth2::new("alice", "ya29.token"))
            .unwrap_err(),
        client
            .authenticate(OAuthBearer::new("alice", "ya29.token"))
            .unwrap_err(),
    ] {
        assert!(matches!(error, Error::CredentialsRefused { .. }), "{error}");
        assert!(error.to_string().contains("connect_tls"), "{error}");
    }
    // CRAM-MD5 never sends the password: allowed.
    let error = client
        .authenticate(typed_imap::auth::CramMd5::new("alice", "hunter2"))
        .unwrap_err();
    assert!(matches!(error, Error::No { .. }), "{error}");
    let wire = sent(server);
    assert!(!wire.contains("LOGIN") && !wire.contains("PLAIN") && !wire.contains("OAUTH"));
    assert!(wire.contains("AUTHENTICATE CRAM-MD5"), "{wire}");
}

fn cleartext_credentials_go_when_the_caller_allows_them<I: Imap>() {
    let script = Script::new()
        .send("* OK [CAPABILITY IMAP4rev1] ready\r\n")
        .expect_command("LOGIN")
        .reply("OK in")
        .stall(Duration::from_millis(300));
    let Some(server) = network_server(script) else {
        return;
    };
    let mut client = I::connect(
        &server.addr().ip().to_string(),
        server.addr().port(),
        ClientOptions {
            session: SessionOptions {
                allow_cleartext_credentials: true,
                ..SessionOptions::default()
            },
            ..options()
        },
    )
    .unwrap();
    client.login("alice", "hunter2").unwrap();
    assert!(sent(server).contains("LOGIN"));
}

// Point 4 ------------------------------------------------------------------

fn an_alert_during_a_command_reaches_its_result_and_the_record<I: Imap>() {
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n")
        .expect_command("NOOP")
        .send("* OK [ALERT] disk almost full\r\n{tag} OK done\r\n")
        .stall(Duration::from_millis(300))
        .serve()
        .unwrap();
    let mut client = plain::<I>(&server);
    let ((_, codes), logs) = logs::capture(|| client.run_with_codes(Noop::new()).unwrap());
    assert!(
        codes.iter().any(|code| matches!(code, Code::Alert)),
        "{codes:?}"
    );
    let alert = client.response("ALERT").unwrap();
    assert!(format!("{alert:?}").contains("disk almost full"));
    assert!(
        logs.contains("WARN") && logs.contains("disk almost full"),
        "{logs}"
    );
}

fn an_alert_during_starttls_capability_reaches_the_record<I: Imap>() {
    let server = Script::new()
        .send("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready\r\n")
        .expect_command("STARTTLS")
        .reply("OK begin")
        .start_tls()
        .expect_command("CAPABILITY")
        .send("* OK [ALERT] password expires tomorrow\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n")
        .stall(Duration::from_millis(300))
        .serve()
        .unwrap();
    let client = starttls::<I>(&server);
    let alerts: Vec<_> = client.unsolicited().into_iter().filter(is_alert).collect();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert!(format!("{alerts:?}").contains("password expires tomorrow"));
}

fn an_alert_during_idle_is_yielded<I: Imap>() {
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi\r\n")
        .expect_command("IDLE")
        .send("+ idling\r\n")
        .stall(Duration::from_millis(100))
        .send("* OK [ALERT] shutting down in 5 minutes\r\n")
        .expect_untagged("DONE")
        .send("{tag} OK done\r\n")
        .stall(Duration::from_millis(300))
        .serve()
        .unwrap();
    let mut client = plain::<I>(&server);
    let mut idler = client.idle().unwrap();
    let event = idler.wait(Duration::from_secs(5)).unwrap().unwrap();
    assert!(is_alert(&event), "{event:?}");
    idler.done().unwrap();
}

fn an_alert_between_commands_is_kept<I: Imap>() {
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n")
        .expect_command("NOOP")
        .send("{tag} OK done\r\n* OK [ALERT] between commands\r\n")
        .expect_command("NOOP")
        .send("{tag} OK done\r\n")
        .stall(Duration::from_millis(300))
        .serve()
        .unwrap();
    let mut client = plain::<I>(&server);
    client.run(Noop::new()).unwrap();
    client.run(Noop::new()).unwrap();
    let alert = client.response("ALERT").unwrap();
    assert!(format!("{alert:?}").contains("between commands"));
}

// Point 5 ------------------------------------------------------------------

fn run_with_codes_keeps_what_select_and_examine_report<I: Imap>() {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "INBOX", (0..3).map(|n| sample_message(n, 300)))
        .unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    let (selected, codes) = imap.run_with_codes(Select::new("INBOX")).unwrap();
    assert!(codes
        .iter()
        .any(|code| matches!(code, Code::UidValidity(_))));
    assert!(selected.uid_validity.is_some(), "{selected:?}");
    assert_eq!(selected.uid_next, Some(4));
    assert_eq!(selected.unseen, Some(1));
    assert!(selected
        .permanent_flags
        .as_deref()
        .is_some_and(|flags| flags.contains(&Flag::Seen)));
    assert!(!selected.read_only);
    let (examined, _) = imap.run_with_codes(Examine::new("INBOX")).unwrap();
    assert!(examined.read_only);
    assert_eq!(examined.uid_validity, selected.uid_validity);
}

fn run_with_codes_keeps_moves_copy_uid<I: Imap>() {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "INBOX", (0..3).map(|n| sample_message(n, 300)))
        .unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Create::new("Archive")).unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    let (moved, codes) = imap
        .run_with_codes(UidMove::new(vec![1, 3], "Archive"))
        .unwrap();
    let copy_uid = moved.copy_uid.expect("the COPYUID Dovecot sent");
    assert_eq!(copy_uid.source.iter().collect::<Vec<_>>(), [1, 3]);
    assert!(codes.iter().any(|code| matches!(code, Code::CopyUid(_))));
}

fn run_with_codes_keeps_a_conditional_stores_modified_set<I: Imap>() {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "INBOX", (0..2).map(|n| sample_message(n, 300)))
        .unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    let highest = imap
        .run(Select::new("INBOX").condstore())
        .unwrap()
        .highest_mod_seq
        .unwrap();
    imap.run(Store::new(1).action(typed_imap::types::StoreAction::add(vec![Flag::Seen])))
        .unwrap();
    let (stored, codes) = imap
        .run_with_codes(
            ConditionalStore::new(SequenceSet::all())
                .unchanged_since(highest)
                .add_flags(vec![Flag::Flagged]),
        )
        .unwrap();
    assert_eq!(
        stored.modified.map(|set| set.to_string()).as_deref(),
        Some("1")
    );
    assert!(codes.iter().any(|code| matches!(code, Code::Modified(_))));
}

// Point 6 ------------------------------------------------------------------

fn response_gives_what_select_received_once<I: Imap>() {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "INBOX", (0..3).map(|n| sample_message(n, 300)))
        .unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    let selected = imap.run(Select::new("INBOX")).unwrap();
    assert!(matches!(
        imap.response("EXISTS"),
        Some(Unsolicited::Data(Data::Exists(3)))
    ));
    assert!(imap.response("EXISTS").is_none(), "taken once");
    assert!(matches!(
        imap.response("recent"),
        Some(Unsolicited::Data(Data::Recent(_)))
    ));
    assert!(matches!(
        imap.response("FLAGS"),
        Some(Unsolicited::Data(Data::Flags(_)))
    ));
    let code = |response: Option<Unsolicited>| response.as_ref().and_then(status_code).cloned();
    assert!(matches!(
        code(imap.response("UIDVALIDITY")),
        Some(Code::UidValidity(v)) if Some(v) == selected.uid_validity
    ));
    assert!(matches!(
        code(imap.response("UIDNEXT")),
        Some(Code::UidNext(4))
    ));
    assert!(matches!(
        code(imap.response("PERMANENTFLAGS")),
        Some(Code::PermanentFlags(_))
    ));
    assert!(matches!(
        code(imap.response("READ-WRITE")),
        Some(Code::ReadWrite)
    ));
    imap.run(Examine::new("INBOX")).unwrap();
    assert!(matches!(
        code(imap.response("READ-ONLY")),
        Some(Code::ReadOnly)
    ));
}

// Points 7 and 8 -----------------------------------------------------------

fn idle_delivers_what_came_with_the_continuation_at_once<I: Imap>() {
    // One write: the `+`, two EXISTS and a FETCH with a literal. Then
    // nothing until DONE: a client that waits for another packet yields
    // nothing.
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi\r\n")
        .expect_command("IDLE")
        .send("+ idling\r\n* 3 EXISTS\r\n* 4 EXISTS\r\n* 1 FETCH (BODY[] {5}\r\nhello)\r\n")
        .expect_untagged("DONE")
        .send("{tag} OK done\r\n")
        .expect_command("IDLE")
        .send("+ idling\r\n* 5 EXISTS\r\n")
        .expect_untagged("DONE")
        .send("{tag} OK done\r\n")
        .stall(Duration::from_millis(300))
        .serve()
        .unwrap();
    let mut client = plain::<I>(&server);
    {
        let mut idler = client.idle().unwrap();
        let started = Instant::now();
        let burst = idler.burst(Duration::from_secs(3), Duration::ZERO).unwrap();
        assert_eq!(burst.len(), 3, "{burst:?}");
        assert!(matches!(burst[0], Unsolicited::Data(Data::Exists(3))));
        assert!(matches!(burst[2], Unsolicited::Data(Data::Fetch(_))));
        // Not the 3 s a read for more would take.
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }
    let mut idler = client.idle_for(Duration::from_secs(3)).unwrap();
    let started = Instant::now();
    let first = idler.next().unwrap().unwrap();
    assert!(
        matches!(first, Unsolicited::Data(Data::Exists(5))),
        "{first:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

fn idle_never_yields_what_came_before_it<I: Imap>() {
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi\r\n")
        .expect_command("NOOP")
        .send("* 5 EXISTS\r\n{tag} OK done\r\n")
        .expect_command("IDLE")
        .send("+ idling\r\n")
        .stall(Duration::from_millis(100))
        .send("* 6 EXISTS\r\n")
        .expect_untagged("DONE")
        .send("{tag} OK done\r\n")
        .stall(Duration::from_millis(300))
        .serve()
        .unwrap();
    let mut client = plain::<I>(&server);
    client.run(Noop::new()).unwrap();
    let mut idler = client.idle().unwrap();
    let event = idler.wait(Duration::from_secs(5)).unwrap().unwrap();
    assert!(
        matches!(event, Unsolicited::Data(Data::Exists(6))),
        "{event:?}"
    );
    idler.done().unwrap();
    let kept: Vec<_> = client.take_unsolicited();
    assert!(
        matches!(kept.as_slice(), [Unsolicited::Data(Data::Exists(5))]),
        "{kept:?}"
    );
}

// Point 10 -----------------------------------------------------------------

/// The wire trace's lines only.
fn wire(logs: &str) -> String {
    logs.lines()
        .filter(|line| line.contains(typed_imap::session::WIRE_TRACE_TARGET))
        .collect::<Vec<_>>()
        .join("\n")
}

fn wire_trace_shows_the_exchange_and_hides_passwords<I: Imap>() {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "INBOX", [sample_message(0, 2000)])
        .unwrap();
    let password = server.user("alice").unwrap().password.clone();
    let ((), logs) = logs::capture(|| {
        let mut imap = I::connect_tls(
            "localhost",
            server.tls_addr().port(),
            &trust(&server).unwrap(),
            ClientOptions::default(),
        )
        .unwrap();
        imap.login("alice", &password).unwrap();
        imap.run(Select::new("INBOX")).unwrap();
        imap.run(Fetch::new(1).items(FetchItem::body_peek(typed_imap::types::Section::default())))
            .unwrap();
        imap.logout().unwrap();
        let mut imap = I::connect_tls(
            "localhost",
            server.tls_addr().port(),
            &trust(&server).unwrap(),
            ClientOptions::default(),
        )
        .unwrap();
        imap.authenticate(Plain::new("alice", &password)).unwrap();
        imap.logout().unwrap();
    });
    let wire = wire(&logs);
    assert!(
        wire.contains("C: ") && wire.contains("LOGIN <credentials"),
        "{wire}"
    );
    assert!(wire.contains("S: * OK [CAPABILITY"), "{wire}");
    assert!(wire.contains("<literal "), "{wire}");
    assert!(wire.contains("AUTHENTICATE PLAIN"), "{wire}");
    let plain = base64_plain("alice", &password);
    for secret in [password.as_str(), plain.as_str()] {
        assert!(!logs.contains(secret), "{secret} in the logs: {logs}");
    }
}

fn wire_trace_hides_oauth_tokens<I: Imap>() {
    let token = "ya29.A0ARrdaM-secret-token";
    let server = Script::new()
        .send("* OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2 AUTH=OAUTHBEARER] hi\r\n")
        .expect_command("AUTHENTICATE")
        .send("+ \r\n")
        .expect_any_untagged()
        .reply("NO [AUTHENTICATIONFAILED] try the other")
        .expect_command("AUTHENTICATE")
        .send("+ \r\n")
        .expect_any_untagged()
        .reply("OK in")
        .stall(Duration::from_millis(300))
        .serve()
        .unwrap();
    let ((), logs) = logs::capture(|| {
        let mut client = plain::<I>(&server);
        assert!(client.authenticate(XOAuth2::new("alice", token)).is_err());
        client
            .authenticate(OAuthBearer::new("alice", token))
            .unwrap();
    });
    assert!(wire(&logs).contains("<SASL response: "), "{logs}");
    assert!(!logs.contains("secret-token"), "{logs}");
    assert!(
        !logs.contains("dXNlcj1hbGljZQ"),
        "the base64 of user=alice: {logs}"
    );
}

/// `base64("\0user\0password")`, what AUTHENTICATE PLAIN sends.
fn base64_plain(user: &str, password: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!("\0{user}\0{password}"))
}

// Issue 13, point 10 -------------------------------------------------------

fn a_code_after_the_text_is_warned_about_once<I: Imap>() {
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n")
        .expect_command("NOOP")
        .send("* NO COPY [TRYCREATE] failed\r\n{tag} NO COPY [TRYCREATE] failed\r\n")
        .expect_command("NOOP")
        .send("{tag} NO again [TRYCREATE] failed\r\n")
        .stall(Duration::from_millis(300))
        .serve()
        .unwrap();
    let mut client = plain::<I>(&server);
    let (errors, logs) = logs::capture(|| {
        [
            client.run(Noop::new()).unwrap_err(),
            client.run(Noop::new()).unwrap_err(),
        ]
    });
    for error in errors {
        // Kept as text, not as a code.
        assert!(
            matches!(&error, Error::No { code: None, text, .. } if text.contains("[TRYCREATE]")),
            "{error}"
        );
    }
    assert_eq!(
        logs.matches("response code after the text").count(),
        1,
        "{logs}"
    );
}

fn each_session_warns_about_a_late_code_once<I: Imap>() {
    let script = || {
        Script::new()
            .send("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n")
            .expect_command("NOOP")
            .send("{tag} NO COPY [TRYCREATE] failed\r\n")
            .stall(Duration::from_millis(300))
            .serve()
            .unwrap()
    };
    let (first, second) = (script(), script());
    let (_, logs) = logs::capture(|| {
        for server in [&first, &second] {
            plain::<I>(server).run(Noop::new()).unwrap_err();
        }
    });
    assert_eq!(
        logs.matches("response code after the text").count(),
        2,
        "{logs}"
    );
}
