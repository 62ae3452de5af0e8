//! Both clients against scripted hostile servers on 127.0.0.1:
//! `shared/adversarial.md` items 1-11 (TLS and STARTTLS), 20-24 and 26
//! (framing and response semantics) and 36 (secrets in logs), one test
//! each. Items 12-19, 25 and 27-29, on parsing alone, are named tests in
//! `client/tests/adversarial_parse.rs`.

use std::time::{Duration, Instant};

use typed_imap::blocking::ClientOptions;
use typed_imap::session::Unsolicited;
use typed_imap::transport::{Timeouts, TlsConfig};
use typed_imap::{Append, Code, Data, Error, Noop};
use typed_imap_tests::both::Imap;
use typed_imap_tests::both_clients;
use typed_imap_tests::cert::Certificate;
use typed_imap_tests::logs;
use typed_imap_tests::scripted::{Script, ScriptedServer};

both_clients!(
    item01_tls_required_without_starttls_fails_before_login,
    item01_capabilities_are_asked_when_the_greeting_has_none,
    item02_starttls_no_is_a_hard_error,
    item02_starttls_bad_is_a_hard_error,
    item03_preauth_greeting_when_tls_is_required_is_an_error,
    item04_bytes_after_the_starttls_ok_are_discarded_never_parsed,
    item05_untagged_data_before_the_starttls_ok_has_no_effect,
    item06_capabilities_are_asked_again_after_the_handshake,
    item07_tagged_ok_before_the_literal_was_sent_is_a_protocol_error,
    item08_bye_next_to_the_starttls_reply_is_not_surfaced,
    item08_alert_next_to_the_starttls_reply_is_not_kept,
    item09_referral_is_reported_never_followed,
    item20_connection_closed_mid_literal_is_an_error,
    item21_a_byte_at_a_time_trips_the_command_timeout,
    item24_unsolicited_exists_recent_expunge_are_recorded,
    item36_password_is_absent_from_debug_output,
    item36_passwords_and_sasl_payloads_are_absent_from_logs,
    waiting_for_a_tag_never_sent_fails_at_once,
    item02_starttls_continuation_is_a_hard_error,
    item07_tagged_ok_for_a_tag_never_sent_is_a_protocol_error,
    item10_wrong_host_name_is_refused,
    item10_untrusted_self_signed_certificate_is_refused,
    item10_expired_certificate_is_refused,
    item11_failed_handshake_never_continues_in_plaintext,
    item21_silence_trips_the_read_timeout,
    item22_garbage_greeting_is_a_protocol_error,
    item22_tagged_greeting_is_a_protocol_error,
    item23_already_completed_tag_is_a_protocol_error,
    item26_continuation_nobody_waits_for_is_a_protocol_error,
    item22_no_greeting_times_out,
);

const GREETING: &str = "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready\r\n";

fn trust_localhost() -> TlsConfig {
    TlsConfig::custom_roots_pem(Certificate::localhost().unwrap().cert_pem().as_bytes()).unwrap()
}

fn options(read: Duration) -> ClientOptions {
    ClientOptions {
        timeouts: Timeouts {
            read: Some(read),
            ..Timeouts::default()
        },
        ..ClientOptions::default()
    }
}

fn starttls_client<I: Imap>(server: &ScriptedServer) -> Result<I, Error> {
    I::connect_starttls(
        "127.0.0.1",
        server.addr().port(),
        &trust_localhost(),
        options(Duration::from_secs(5)),
    )
}

fn plain_client<I: Imap>(server: &ScriptedServer) -> I {
    I::connect(
        "127.0.0.1",
        server.addr().port(),
        options(Duration::from_secs(5)),
    )
    .unwrap()
}

/// The text the client sent, however the script ended.
fn sent(server: ScriptedServer) -> String {
    match server.finish() {
        Ok(transcript) => transcript.received_text(),
        Err(error) => error.transcript.received_text(),
    }
}

fn item01_tls_required_without_starttls_fails_before_login<I: Imap>() {
    let server = Script::new()
        .send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n")
        .stall(Duration::from_millis(300))
        .serve()
        .unwrap();
    let error = starttls_client::<I>(&server).unwrap_err();
    assert!(matches!(error, Error::MissingCapability { .. }), "{error}");
    assert_eq!(sent(server), "");
}

fn item01_capabilities_are_asked_when_the_greeting_has_none<I: Imap>() {
    let server = Script::new()
        .send("* OK ready\r\n")
        .expect_command("CAPABILITY")
        .send("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n")
        .stall(Duration::from_millis(300))
        .serve()
        .unwrap();
    let error = starttls_client::<I>(&server).unwrap_err();
    assert!(matches!(error, Error::MissingCapability { .. }), "{error}");
    assert!(!sent(server).contains("LOGIN"));
}

fn starttls_answered<I: Imap>(reply: &str) -> (Error, String) {
    let server = Script::new()
        .send(GREETING)
        .expect_command("STARTTLS")
        .send(reply)
        .stall(Duration::from_millis(300))
        .serve()
        .unwrap();
    let error = starttls_client::<I>(&server).unwrap_err();
    (error, sent(server))
}

fn item02_starttls_no_is_a_hard_error<I: Imap>() {
    let (error, sent) = starttls_answered::<I>("{tag} NO not now\r\n");
    assert!(matches!(error, Error::No { .. }), "{error}");
    assert!(!sent.contains("LOGIN"));
}

fn item02_starttls_bad_is_a_hard_error<I: Imap>() {
    let (error, _) = starttls_answered::<I>("{tag} BAD what\r\n");
    assert!(matches!(error, Error::Bad { .. }), "{error}");
}

fn item02_starttls_continuation_is_a_hard_error<I: Imap>() {
    let (error, _) = starttls_answered::<I>("+ go ahead\r\n");
    assert!(matches!(error, Error::Protocol { .. }), "{error}");
}

fn item03_preauth_greeting_when_tls_is_required_is_an_error<I: Imap>() {
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] welcome\r\n")
        .stall(Duration::from_millis(300))
        .serve()
        .unwrap();
    let error = starttls_client::<I>(&server).unwrap_err();
    assert!(error.to_string().contains("PREAUTH"), "{error}");
    assert_eq!(sent(server), "");
}

fn item04_bytes_after_the_starttls_ok_are_discarded_never_parsed<I: Imap>() {
    // Item 38 of adversarial.md refines item 4: discard, then go on over
    // TLS (tests/tests/boundaries.rs has the variants).
    let server = Script::new()
        .send(GREETING)
        .expect_command("STARTTLS")
        .send("{tag} OK begin TLS\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN LITERAL+\r\n")
        .start_tls()
        .expect_command("CAPABILITY")
        .send("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n")
        .stall(Duration::from_millis(200))
        .serve()
        .unwrap();
    let mut client = starttls_client::<I>(&server).unwrap();
    assert!(!client.has_capability("LITERAL+").unwrap());
    assert!(client.has_capability("AUTH=PLAIN").unwrap());
}

fn upgraded_server(before_ok: &str) -> ScriptedServer {
    Script::new()
        .send(GREETING)
        .expect_command("STARTTLS")
        .send(format!("{before_ok}{{tag}} OK begin TLS\r\n"))
        .start_tls()
        .expect_command("CAPABILITY")
        .send("* CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=SCRAM-SHA-256\r\n{tag} OK done\r\n")
        .expect_command("NOOP")
        .send("{tag} OK done\r\n")
        .stall(Duration::from_millis(200))
        .serve()
        .unwrap()
}

fn item05_untagged_data_before_the_starttls_ok_has_no_effect<I: Imap>() {
    let server = upgraded_server(
        "* CAPABILITY IMAP4rev1 X-INJECTED\r\n* 7 EXISTS\r\n* OK [UIDVALIDITY 5] x\r\n",
    );
    let mut client = starttls_client::<I>(&server).unwrap();
    client.run(Noop::new()).unwrap();
    assert!(!client.has_capability("X-INJECTED").unwrap());
    assert_eq!(client.unsolicited().len(), 0);
}

fn item06_capabilities_are_asked_again_after_the_handshake<I: Imap>() {
    let server = upgraded_server("");
    let mut client = starttls_client::<I>(&server).unwrap();
    assert!(client.has_capability("AUTH=SCRAM-SHA-256").unwrap());
    assert!(!client.has_capability("STARTTLS").unwrap());
    client.run(Noop::new()).unwrap();
    let transcript = server.finish().unwrap();
    assert!(transcript.tls);
}

fn item07_tagged_ok_for_a_tag_never_sent_is_a_protocol_error<I: Imap>() {
    let server = Script::new()
        .send(GREETING)
        .expect_command("NOOP")
        .send("ZZZZ9 OK not yours\r\n")
        .stall(Duration::from_millis(200))
        .serve()
        .unwrap();
    let mut client = plain_client::<I>(&server);
    let error = client.run(Noop::new()).unwrap_err();
    assert!(matches!(error, Error::Protocol { .. }), "{error}");
    assert!(client.run(Noop::new()).is_err(), "the connection is broken");
}

fn item07_tagged_ok_before_the_literal_was_sent_is_a_protocol_error<I: Imap>() {
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n")
        .expect_command("APPEND")
        .send("{tag} OK [APPENDUID 1 1] stored what you never sent\r\n")
        .stall(Duration::from_millis(200))
        .serve()
        .unwrap();
    let mut client = plain_client::<I>(&server);
    let error = client
        .run(Append::new("INBOX", b"Subject: x\r\n\r\nbody\r\n".to_vec()))
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("before the command was fully sent"),
        "{error}"
    );
}

fn item08_bye_next_to_the_starttls_reply_is_not_surfaced<I: Imap>() {
    let (error, _) =
        starttls_answered::<I>("* BYE [ALERT] visit evil.example now\r\n{tag} OK begin\r\n");
    assert!(matches!(error, Error::Closed { .. }), "{error}");
    assert!(!error.to_string().contains("evil.example"), "{error}");
}

fn item08_alert_next_to_the_starttls_reply_is_not_kept<I: Imap>() {
    let server = upgraded_server("* OK [ALERT] visit evil.example now\r\n");
    let mut client = starttls_client::<I>(&server).unwrap();
    client.run(Noop::new()).unwrap();
    assert_eq!(client.unsolicited().len(), 0);
}

fn item09_referral_is_reported_never_followed<I: Imap>() {
    let server = Script::new()
        .send("* OK [CAPABILITY IMAP4rev1] hi\r\n")
        .expect_command("LOGIN")
        .send("{tag} NO [REFERRAL imap://alice@evil.example/] go there\r\n")
        .stall(Duration::from_millis(200))
        .serve()
        .unwrap();
    let mut client = plain_client::<I>(&server);
    let error = client.login("alice", "secret").unwrap_err();
    assert!(
        matches!(&error, Error::No { code: Some(Code::Referral(urls)), .. } if urls == &["imap://alice@evil.example/"]),
        "{error:?}"
    );
    assert_eq!(client.state(), typed_imap::command::State::NotAuthenticated);
}

fn starttls_with_certificate<I: Imap>(certificate: Certificate, trust: &Certificate) -> Error {
    let server = Script::new()
        .certificate(certificate)
        .send(GREETING)
        .expect_command("STARTTLS")
        .send("{tag} OK begin\r\n")
        .start_tls()
        .serve()
        .unwrap();
    let config = TlsConfig::custom_roots_pem(trust.cert_pem().as_bytes()).unwrap();
    I::connect_starttls(
        "localhost",
        server.addr().port(),
        &config,
        options(Duration::from_secs(5)),
    )
    .unwrap_err()
}

fn item10_wrong_host_name_is_refused<I: Imap>() {
    let other = Certificate::self_signed(&["DNS:other.example"]).unwrap();
    let error = starttls_with_certificate::<I>(other.clone(), &other);
    assert!(matches!(error, Error::Tls { .. }), "{error}");
}

fn item10_untrusted_self_signed_certificate_is_refused<I: Imap>() {
    let stranger = Certificate::self_signed(&["DNS:localhost"]).unwrap();
    let error = starttls_with_certificate::<I>(stranger, Certificate::localhost().unwrap());
    assert!(matches!(error, Error::Tls { .. }), "{error}");
}

fn item10_expired_certificate_is_refused<I: Imap>() {
    let expired = Certificate::expired(&["DNS:localhost"]).unwrap();
    let error = starttls_with_certificate::<I>(expired.clone(), &expired);
    assert!(matches!(error, Error::Tls { .. }), "{error}");
    assert!(
        error.to_string().to_lowercase().contains("expired"),
        "{error}"
    );
}

fn item11_failed_handshake_never_continues_in_plaintext<I: Imap>() {
    let server = Script::new()
        .send(GREETING)
        .expect_command("STARTTLS")
        .send("{tag} OK begin\r\n")
        .stall(Duration::from_millis(200))
        .send("* OK plaintext pretending to be TLS\r\n")
        .stall(Duration::from_millis(300))
        .close()
        .serve()
        .unwrap();
    let error = starttls_client::<I>(&server).unwrap_err();
    assert!(matches!(error, Error::Tls { .. } | Error::Io(_)), "{error}");
    let sent = sent(server);
    assert!(
        !sent.contains("LOGIN") && !sent.contains("CAPABILITY"),
        "{sent:?}"
    );
}

fn item20_connection_closed_mid_literal_is_an_error<I: Imap>() {
    let server = Script::new()
        .send(GREETING)
        .expect_command("NOOP")
        .send("* 1 FETCH (BODY[] {100}\r\nonly part of the bo")
        .close()
        .serve()
        .unwrap();
    let mut client = plain_client::<I>(&server);
    let error = client.run(Noop::new()).unwrap_err();
    assert!(
        error.to_string().contains("middle of a response"),
        "{error}"
    );
    assert_eq!(client.unsolicited().len(), 0);
}

fn item21_silence_trips_the_read_timeout<I: Imap>() {
    let server = Script::new()
        .send(GREETING)
        .expect_command("NOOP")
        .stall(Duration::from_secs(3))
        .serve()
        .unwrap();
    let mut client = I::connect(
        "127.0.0.1",
        server.addr().port(),
        options(Duration::from_millis(300)),
    )
    .unwrap();
    let started = Instant::now();
    let error = client.run(Noop::new()).unwrap_err();
    assert!(matches!(error, Error::Io(_)), "{error}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

fn item21_a_byte_at_a_time_trips_the_command_timeout<I: Imap>() {
    let server = Script::new()
        .send(GREETING)
        .expect_command("NOOP")
        .drip(
            "* OK still here, still here, still here\r\n",
            Duration::from_millis(50),
        )
        .serve()
        .unwrap();
    let options = ClientOptions {
        timeouts: Timeouts {
            read: Some(Duration::from_secs(5)),
            command: Some(Duration::from_millis(500)),
            ..Timeouts::default()
        },
        ..ClientOptions::default()
    };
    let mut client = I::connect("127.0.0.1", server.addr().port(), options).unwrap();
    let started = Instant::now();
    let error = client.run(Noop::new()).unwrap_err();
    assert!(error.to_string().contains("timeout"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

fn item22_no_greeting_times_out<I: Imap>() {
    let server = Script::new().stall(Duration::from_secs(3)).serve().unwrap();
    let started = Instant::now();
    let result = I::connect(
        "127.0.0.1",
        server.addr().port(),
        options(Duration::from_millis(300)),
    );
    assert!(matches!(result, Err(Error::Io(_))), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

fn item22_garbage_greeting_is_a_protocol_error<I: Imap>() {
    let server = Script::new()
        .send("SSH-2.0-OpenSSH_9.2\r\n")
        .stall(Duration::from_millis(300))
        .serve()
        .unwrap();
    let result = I::connect(
        "127.0.0.1",
        server.addr().port(),
        options(Duration::from_secs(2)),
    );
    assert!(matches!(result, Err(Error::Protocol { .. })), "{result:?}");
}

fn item22_tagged_greeting_is_a_protocol_error<I: Imap>() {
    let server = Script::new()
        .send("A1 OK hello\r\n")
        .stall(Duration::from_millis(300))
        .serve()
        .unwrap();
    let result = I::connect(
        "127.0.0.1",
        server.addr().port(),
        options(Duration::from_secs(2)),
    );
    assert!(matches!(result, Err(Error::Protocol { .. })), "{result:?}");
}

fn item23_already_completed_tag_is_a_protocol_error<I: Imap>() {
    let server = Script::new()
        .send(GREETING)
        .expect_command("NOOP")
        .send("{tag} OK done\r\n{tag} OK done again\r\n")
        .expect_command("NOOP")
        .stall(Duration::from_millis(200))
        .serve()
        .unwrap();
    let mut client = plain_client::<I>(&server);
    client.run(Noop::new()).unwrap();
    let error = client.run(Noop::new()).unwrap_err();
    assert!(matches!(error, Error::Protocol { .. }), "{error}");
}

fn item24_unsolicited_exists_recent_expunge_are_recorded<I: Imap>() {
    let server = Script::new()
        .send(GREETING)
        .expect_command("NOOP")
        .send("* 3 EXPUNGE\r\n* 9 EXISTS\r\n* 1 RECENT\r\n{tag} OK done\r\n")
        .stall(Duration::from_millis(200))
        .serve()
        .unwrap();
    let mut client = plain_client::<I>(&server);
    client.run(Noop::new()).unwrap();
    let recorded: Vec<_> = client
        .take_unsolicited()
        .into_iter()
        .map(|unsolicited| match unsolicited {
            Unsolicited::Data(Data::Expunge(n)) => format!("EXPUNGE {n}"),
            Unsolicited::Data(Data::Exists(n)) => format!("EXISTS {n}"),
            Unsolicited::Data(Data::Recent(n)) => format!("RECENT {n}"),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(recorded, ["EXPUNGE 3", "EXISTS 9", "RECENT 1"]);
}

fn item26_continuation_nobody_waits_for_is_a_protocol_error<I: Imap>() {
    let server = Script::new()
        .send(GREETING)
        .expect_command("NOOP")
        .send("+ go ahead\r\n{tag} OK done\r\n")
        .stall(Duration::from_millis(200))
        .serve()
        .unwrap();
    let mut client = plain_client::<I>(&server);
    let error = client.run(Noop::new()).unwrap_err();
    assert!(
        matches!(&error, Error::Protocol { .. }) && error.to_string().contains("waits for none"),
        "{error}"
    );
    // The session is broken for good and says why.
    let again = client.run(Noop::new()).unwrap_err();
    assert!(again.to_string().contains("waits for none"), "{again}");
}

fn item36_password_is_absent_from_debug_output<I: Imap>() {
    let server = Script::new()
        .send("* OK [CAPABILITY IMAP4rev1] hi\r\n")
        .expect_command("LOGIN")
        .send("{tag} OK logged in\r\n")
        .stall(Duration::from_millis(200))
        .serve()
        .unwrap();
    let mut client = plain_client::<I>(&server);
    client.login("alice", "Tr0ub4dor&3-secret").unwrap();
    assert!(!format!("{client:?}").contains("Tr0ub4dor"));
    let builder = typed_imap::Login::new("alice", "Tr0ub4dor&3-secret");
    assert!(!format!("{builder:?}").contains("Tr0ub4dor"));
}

fn item36_passwords_and_sasl_payloads_are_absent_from_logs<I: Imap>() {
    let server = Script::new()
        .send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] hi\r\n")
        .expect_command("LOGIN")
        .send("{tag} NO try again\r\n")
        .expect_command("AUTHENTICATE")
        .send("{tag} OK [CAPABILITY IMAP4rev1] in\r\n")
        .stall(Duration::from_millis(200))
        .serve()
        .unwrap();
    let ((), logs) = logs::capture(|| {
        let mut client = plain_client::<I>(&server);
        assert!(client.login("alice", "hunter2-login").is_err());
        client
            .authenticate(typed_imap::auth::Plain::new("alice", "hunter2-sasl"))
            .unwrap();
    });
    assert!(
        logs.contains("LOGIN"),
        "the client logs its commands: {logs}"
    );
    // The PLAIN payload in base64 ("\0alice\0hunter2-sasl").
    let payload = "AGFsaWNlAGh1bnRlcjItc2FzbA==";
    for secret in ["hunter2", payload] {
        assert!(
            !logs.contains(secret),
            "{secret} leaked into the logs: {logs}"
        );
    }
}

fn waiting_for_a_tag_never_sent_fails_at_once<I: Imap>() {
    let server = Script::new()
        .send(GREETING)
        .stall(Duration::from_secs(2))
        .serve()
        .unwrap();
    let mut client = plain_client::<I>(&server);
    let started = Instant::now();
    let error = client.wait("NOPE1").unwrap_err();
    assert!(matches!(error, Error::InvalidArgument { .. }), "{error}");
    assert!(started.elapsed() < Duration::from_secs(1));
}
