//! The harness itself, proven against a real Dovecot with a raw session
//! (no typed-imap code involved).

use std::fs;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rustls::{ClientConfig, RootCertStore};
use typed_imap_tests::cert::Certificate;
use typed_imap_tests::dovecot::{Dovecot, Options, Plugins, User};
use typed_imap_tests::maildir::{MaildirMessage, SystemFlag};
use typed_imap_tests::messages::sample_message;
use typed_imap_tests::preauth::PreauthStream;
use typed_imap_tests::raw::RawSession;
use typed_imap_tests::views::converse;
use typed_imap_tests::HarnessError;

fn login(server: &Dovecot, user: &str) -> RawSession {
    let (mut session, _greeting) = RawSession::connect(server.plain_addr()).unwrap();
    let password = &server.user(user).unwrap().password;
    let reply = session
        .command(&format!("LOGIN {user} {password}"))
        .unwrap();
    assert!(reply.is_ok(), "{reply:?}");
    session
}

/// Child processes of a PID, read from /proc.
fn children_of(pid: u32) -> Vec<u32> {
    let mut children = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // Fields after the parenthesised command name: state, ppid, ...
        let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
        let parent = after_name.split_whitespace().nth(1);
        if parent == Some(&pid.to_string()) {
            children.push(child);
        }
    }
    children
}

#[test]
fn plain_port_greets_with_starttls_advertised() {
    let server = Dovecot::start().unwrap();
    let (_session, greeting) = RawSession::connect(server.plain_addr()).unwrap();
    assert!(
        greeting.starts_with("* OK [CAPABILITY IMAP4rev1"),
        "{greeting}"
    );
    assert!(greeting.contains(" STARTTLS "), "{greeting}");
    assert!(greeting.contains("AUTH=PLAIN"), "{greeting}");
}

#[test]
fn login_with_the_configured_password_succeeds_and_logout_says_bye() {
    let server = Dovecot::start().unwrap();
    let mut session = login(&server, "alice");
    let reply = session.command("LOGOUT").unwrap();
    assert!(reply.is_ok(), "{reply:?}");
    assert!(reply.text()[0].starts_with("* BYE"), "{reply:?}");
}

#[test]
fn the_log_records_each_login_for_failure_reports() {
    let server = Dovecot::start().unwrap();
    login(&server, "bob");
    // The log process writes asynchronously: give it a moment.
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    let mut log = server.log();
    while !log.contains("Login: user=<bob>") && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
        log = server.log();
    }
    assert!(log.contains("starting up for imap"), "{log}");
    assert!(log.contains("Login: user=<bob>"), "{log}");
}

#[test]
fn login_with_a_wrong_password_is_refused_with_authenticationfailed() {
    let server = Dovecot::start().unwrap();
    let (mut session, _) = RawSession::connect(server.plain_addr()).unwrap();
    let reply = session.command("LOGIN alice wrong").unwrap();
    assert!(
        reply.completion.starts_with("NO [AUTHENTICATIONFAILED]"),
        "{reply:?}"
    );
}

#[test]
fn password_with_quotes_backslashes_and_non_ascii_logs_in_as_a_literal() {
    let password = "p\"a\\ss w\u{f6}rd {5}";
    let server = Dovecot::start_with(Options {
        users: vec![User::new("carol", password)],
        ..Options::default()
    })
    .unwrap();
    let (mut session, _) = RawSession::connect(server.plain_addr()).unwrap();
    // Dovecot advertises LITERAL+, so the literal needs no continuation.
    let line = format!("R1 LOGIN carol {{{}+}}\r\n{password}\r\n", password.len());
    session.send(line.as_bytes()).unwrap();
    let reply = session.read_until("R1").unwrap();
    assert!(reply.is_ok(), "{reply:?}");
}

#[test]
fn password_with_quotes_and_backslashes_logs_in_as_a_quoted_string() {
    let server = Dovecot::start_with(Options {
        users: vec![User::new("dave", "a\"b\\c d")],
        ..Options::default()
    })
    .unwrap();
    let (mut session, _) = RawSession::connect(server.plain_addr()).unwrap();
    let reply = session.command(r#"LOGIN dave "a\"b\\c d""#).unwrap();
    assert!(reply.is_ok(), "{reply:?}");
}

#[test]
fn password_with_a_colon_is_refused_before_start() {
    let error = Dovecot::start_with(Options {
        users: vec![User::new("erin", "a:b")],
        ..Options::default()
    })
    .unwrap_err();
    assert!(
        matches!(
            error,
            HarnessError::Invalid {
                what: "password",
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn implicit_tls_handshake_succeeds_trusting_the_generated_root() {
    let server = Dovecot::start().unwrap();
    let config = server.certificate().client_config().unwrap();
    let (mut session, greeting) =
        RawSession::connect_tls(server.tls_addr(), config, "localhost").unwrap();
    assert!(
        greeting.starts_with("* OK [CAPABILITY IMAP4rev1"),
        "{greeting}"
    );
    assert!(!greeting.contains("STARTTLS"), "{greeting}");
    let reply = session.command("LOGIN alice alice-secret").unwrap();
    assert!(reply.is_ok(), "{reply:?}");
}

#[test]
fn implicit_tls_certificate_is_valid_for_the_ip_address() {
    let server = Dovecot::start().unwrap();
    let config = server.certificate().client_config().unwrap();
    let (_session, greeting) =
        RawSession::connect_tls(server.tls_addr(), config, "127.0.0.1").unwrap();
    assert!(greeting.starts_with("* OK"), "{greeting}");
}

#[test]
fn implicit_tls_without_the_custom_root_fails_verification() {
    let server = Dovecot::start().unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(RootCertStore::empty())
        .with_no_client_auth();
    let error =
        RawSession::connect_tls(server.tls_addr(), Arc::new(config), "localhost").unwrap_err();
    assert!(error.to_string().contains("UnknownIssuer"), "{error}");
}

#[test]
fn implicit_tls_with_another_host_name_fails_verification() {
    let server = Dovecot::start().unwrap();
    let config = server.certificate().client_config().unwrap();
    let error = RawSession::connect_tls(server.tls_addr(), config, "imap.example.org").unwrap_err();
    assert!(error.to_string().contains("not valid for name"), "{error}");
}

#[test]
fn starttls_upgrades_the_plain_port_and_capabilities_change() {
    let server = Dovecot::start().unwrap();
    let config = server.certificate().client_config().unwrap();
    let (session, _) = RawSession::connect(server.plain_addr()).unwrap();
    let mut session = session.starttls(config, "localhost").unwrap();
    let reply = session.command("CAPABILITY").unwrap();
    let capabilities = &reply.text()[0];
    assert!(
        capabilities.starts_with("* CAPABILITY IMAP4rev1"),
        "{reply:?}"
    );
    assert!(!capabilities.contains("STARTTLS"), "{reply:?}");
    assert!(session.command("LOGIN bob bob-secret").unwrap().is_ok());
}

#[test]
fn special_use_mailboxes_are_listed_with_their_attributes() {
    let server = Dovecot::start().unwrap();
    let mut session = login(&server, "alice");
    let reply = session.command("LIST \"\" *").unwrap();
    let lines = reply.text();
    for (name, flag) in typed_imap_tests::dovecot::SPECIAL_USE_MAILBOXES {
        assert!(
            lines
                .iter()
                .any(|l| l.contains(flag) && l.ends_with(&format!("\"/\" {name}"))),
            "{name} {flag} missing from {lines:#?}"
        );
    }
}

#[test]
fn fill_makes_messages_visible_at_select_in_fill_order() {
    let server = Dovecot::start().unwrap();
    let messages: Vec<Vec<u8>> = (1..=20).map(|n| sample_message(n, 600)).collect();
    assert_eq!(server.fill("alice", "INBOX", messages.clone()).unwrap(), 20);
    let mut session = login(&server, "alice");
    let select = session.command("SELECT INBOX").unwrap();
    assert!(
        select.text().contains(&"* 20 EXISTS".to_owned()),
        "{select:?}"
    );
    for (index, message) in messages.iter().enumerate() {
        let reply = session
            .command(&format!("FETCH {} BODY.PEEK[]", index + 1))
            .unwrap();
        let mut expected =
            format!("* {} FETCH (BODY[] {{{}}}\r\n", index + 1, message.len()).into_bytes();
        expected.extend_from_slice(message);
        expected.push(b')');
        assert_eq!(reply.untagged, vec![expected], "message {}", index + 1);
    }
}

#[test]
fn fill_into_a_new_mailbox_creates_it() {
    let server = Dovecot::start().unwrap();
    server
        .fill("bob", "Projects/Rust", [sample_message(1, 300)])
        .unwrap();
    let mut session = login(&server, "bob");
    let reply = session.command("STATUS Projects/Rust (MESSAGES)").unwrap();
    assert_eq!(reply.text(), ["* STATUS Projects/Rust (MESSAGES 1)"]);
}

#[test]
fn fill_flags_and_received_time_become_flags_and_internaldate() {
    let server = Dovecot::start().unwrap();
    // 2026-01-02 03:04:05 UTC
    let received = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_323_045);
    let message = MaildirMessage::new(sample_message(7, 300))
        .flags(&[SystemFlag::Seen, SystemFlag::Flagged])
        .received(received);
    server.fill("alice", "INBOX", [message]).unwrap();
    let mut session = login(&server, "alice");
    session.command("EXAMINE INBOX").unwrap();
    let reply = session.command("FETCH 1 (FLAGS INTERNALDATE)").unwrap();
    let line = &reply.text()[0];
    assert!(line.contains("FLAGS (\\Flagged \\Seen"), "{line}");
    assert!(
        line.contains("INTERNALDATE \"02-Jan-2026 03:04:05 +0000\""),
        "{line}"
    );
}

#[test]
fn fill_refuses_a_mailbox_name_that_needs_encoding_on_disk() {
    let server = Dovecot::start().unwrap();
    let error = server.fill("alice", "Caf\u{e9}", ["x"]).unwrap_err();
    assert!(matches!(error, HarnessError::Invalid { .. }), "{error}");
}

#[test]
fn plugins_advertise_acl_quota_metadata_and_compress() {
    let server = Dovecot::start_with(Options {
        plugins: Plugins::all(),
        ..Options::default()
    })
    .unwrap();
    let mut session = login(&server, "alice");
    let reply = session.command("CAPABILITY").unwrap();
    let capabilities = &reply.text()[0];
    for name in [
        "ACL",
        "RIGHTS=texk",
        "QUOTA",
        "METADATA",
        "COMPRESS=DEFLATE",
    ] {
        assert!(
            capabilities.split(' ').any(|c| c == name),
            "{name} missing from {capabilities}"
        );
    }
}

#[test]
fn two_servers_run_side_by_side_on_their_own_ports() {
    let first = Dovecot::start().unwrap();
    let second = Dovecot::start().unwrap();
    let ports = [
        first.plain_addr().port(),
        first.tls_addr().port(),
        second.plain_addr().port(),
        second.tls_addr().port(),
    ];
    let mut unique = ports.to_vec();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 4, "{ports:?}");
    login(&first, "alice");
    login(&second, "alice");
}

#[test]
fn stop_ends_every_server_process_and_removes_the_directory() {
    let server = Dovecot::start().unwrap();
    // A logged-in session makes an imap process too.
    let _session = login(&server, "alice");
    let pid = server.pid();
    let dir = server.dir().to_owned();
    let children = children_of(pid);
    assert!(
        children.len() >= 3,
        "expected Dovecot's children, got {children:?}"
    );
    server.stop().unwrap();
    // A zombie has exited already; it only waits for PID 1 to reap it.
    let running: Vec<String> = children
        .into_iter()
        .chain([pid])
        .filter_map(|p| fs::read_to_string(format!("/proc/{p}/stat")).ok())
        .filter(|stat| {
            let state = stat.rsplit_once(')').map(|(_, rest)| rest.trim_start());
            !state.is_some_and(|s| s.starts_with('Z'))
        })
        .collect();
    assert!(running.is_empty(), "still running: {running:?}");
    assert!(!dir.exists(), "{} left behind", dir.display());
}

#[test]
fn preauth_stream_greets_with_preauth_and_serves_its_maildir() {
    let stream = PreauthStream::new().unwrap();
    stream
        .maildir()
        .fill("INBOX", [sample_message(1, 200), sample_message(2, 200)])
        .unwrap();
    let text = converse(stream.command(), b"a SELECT INBOX\r\nb LOGOUT\r\n").unwrap();
    assert!(text.starts_with("* PREAUTH "), "{text}");
    assert!(text.contains("* 2 EXISTS\r\n"), "{text}");
    assert!(text.contains("b OK Logout"), "{text}");
}

#[test]
fn preauth_stream_removes_its_directory_on_drop() {
    let stream = PreauthStream::new().unwrap();
    let dir = stream.dir().to_owned();
    assert!(dir.join("imap.conf").exists());
    drop(stream);
    assert!(!dir.exists());
}

#[test]
fn a_certificate_for_another_name_is_not_valid_for_localhost() {
    let other = Certificate::self_signed(&["DNS:wrong.example"]).unwrap();
    assert!(other.cert_pem().starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(other.server_config().is_ok());
    let localhost = Certificate::localhost().unwrap();
    assert_ne!(other.cert_pem(), localhost.cert_pem());
}

// ---- The scripted server, driven by a raw session ----

mod scripted {
    use std::io::Read;
    use std::net::TcpStream;
    use std::time::{Duration, Instant};

    use typed_imap_tests::cert::Certificate;
    use typed_imap_tests::raw::RawSession;
    use typed_imap_tests::scripted::Script;

    const GREETING: &str = "* OK [CAPABILITY IMAP4rev1 STARTTLS] scripted\r\n";

    #[test]
    fn replies_carry_the_tag_of_the_expected_command() {
        let server = Script::new()
            .send(GREETING)
            .expect_command("NOOP")
            .send("* 3 EXISTS\r\n")
            .reply("OK done")
            .serve()
            .unwrap();
        let (mut session, greeting) = RawSession::connect(server.addr()).unwrap();
        assert_eq!(greeting, GREETING.trim_end());
        let reply = session.command("NOOP").unwrap();
        assert_eq!(reply.text(), ["* 3 EXISTS"]);
        assert_eq!(reply.completion, "OK done");
        let transcript = server.finish().unwrap();
        assert_eq!(transcript.lines, [b"R0001 NOOP".to_vec()]);
    }

    #[test]
    fn an_unexpected_command_fails_the_script_naming_the_step_and_the_line() {
        let server = Script::new()
            .send(GREETING)
            .expect_command("STARTTLS")
            .serve()
            .unwrap();
        let (mut session, _) = RawSession::connect(server.addr()).unwrap();
        session.send(b"a1 LOGIN alice secret\r\n").unwrap();
        let error = server.finish().unwrap_err();
        assert_eq!(error.step, 1);
        assert!(error.reason.contains("a1 LOGIN alice secret"), "{error}");
    }

    #[test]
    fn a_command_name_must_be_followed_by_a_space_or_the_line_end() {
        let server = Script::new()
            .send(GREETING)
            .expect_command("UID FETCH")
            .reply("OK")
            .expect_command("LIST")
            .serve()
            .unwrap();
        let (mut session, _) = RawSession::connect(server.addr()).unwrap();
        assert!(session.command("uid fetch 1:* FLAGS").unwrap().is_ok());
        session.send(b"a2 LISTX\r\n").unwrap();
        let error = server.finish().unwrap_err();
        assert_eq!(error.step, 3, "{error}");
    }

    #[test]
    fn starttls_switches_to_tls_that_the_generated_root_verifies() {
        let server = Script::new()
            .send(GREETING)
            .expect_command("STARTTLS")
            .reply("OK begin TLS")
            .start_tls()
            .expect_command("CAPABILITY")
            .send("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n")
            .reply("OK")
            .serve()
            .unwrap();
        let config = Certificate::localhost().unwrap().client_config().unwrap();
        let (session, _) = RawSession::connect(server.addr()).unwrap();
        let mut session = session.starttls(config, "localhost").unwrap();
        let reply = session.command("CAPABILITY").unwrap();
        assert_eq!(reply.text(), ["* CAPABILITY IMAP4rev1 AUTH=PLAIN"]);
        let transcript = server.finish().unwrap();
        assert!(transcript.tls);
    }

    #[test]
    fn implicit_tls_starts_with_the_handshake() {
        let server = Script::new()
            .start_tls()
            .send("* OK ready\r\n")
            .serve()
            .unwrap();
        let config = Certificate::localhost().unwrap().client_config().unwrap();
        let (_session, greeting) =
            RawSession::connect_tls(server.addr(), config, "127.0.0.1").unwrap();
        assert_eq!(greeting, "* OK ready");
        assert!(server.finish().unwrap().tls);
    }

    #[test]
    fn bytes_after_the_starttls_ok_arrive_in_the_same_write() {
        let server = Script::new()
            .send(GREETING)
            .expect_command("STARTTLS")
            .send("{tag} OK begin TLS\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n")
            .start_tls()
            .serve()
            .unwrap();
        let config = Certificate::localhost().unwrap().client_config().unwrap();
        let (session, _) = RawSession::connect(server.addr()).unwrap();
        let error = session.starttls(config, "localhost").unwrap_err();
        assert!(
            error.to_string().contains("nothing after the STARTTLS OK"),
            "{error}"
        );
    }

    #[test]
    fn a_certificate_for_another_name_fails_the_client_handshake() {
        let wrong = Certificate::self_signed(&["DNS:wrong.example"]).unwrap();
        let client_trusts = wrong.client_config().unwrap();
        let server = Script::new()
            .certificate(wrong)
            .start_tls()
            .send("* OK ready\r\n")
            .serve()
            .unwrap();
        let error = RawSession::connect_tls(server.addr(), client_trusts, "localhost").unwrap_err();
        assert!(error.to_string().contains("not valid for name"), "{error}");
        let script_error = server.finish().unwrap_err();
        assert!(
            script_error.reason.contains("handshake failed"),
            "{script_error}"
        );
    }

    #[test]
    fn a_synchronising_literal_is_read_after_the_continuation() {
        let server = Script::new()
            .send(GREETING)
            .expect_command("LOGIN")
            .send("+ go on\r\n")
            .read_literal()
            .reply("OK logged in")
            .serve()
            .unwrap();
        let (mut session, _) = RawSession::connect(server.addr()).unwrap();
        session.send(b"a1 LOGIN alice {6}\r\n").unwrap();
        assert_eq!(session.read_response().unwrap(), b"+ go on");
        session.send(b"p\"a\\ss\r\n").unwrap();
        assert_eq!(session.read_until("a1").unwrap().completion, "OK logged in");
        let transcript = server.finish().unwrap();
        assert_eq!(transcript.literals, [b"p\"a\\ss".to_vec()]);
        assert_eq!(
            transcript.lines,
            [b"a1 LOGIN alice {6}".to_vec(), Vec::new()]
        );
    }

    #[test]
    fn expect_closed_passes_when_the_client_closes() {
        let server = Script::new()
            .send(GREETING)
            .expect_closed()
            .serve()
            .unwrap();
        let (session, _) = RawSession::connect(server.addr()).unwrap();
        drop(session);
        assert!(server.finish().is_ok());
    }

    #[test]
    fn expect_closed_fails_when_the_client_sends_instead() {
        let server = Script::new()
            .send(GREETING)
            .expect_closed()
            .serve()
            .unwrap();
        let (mut session, _) = RawSession::connect(server.addr()).unwrap();
        session.send(b"a1 LOGIN alice secret\r\n").unwrap();
        let error = server.finish().unwrap_err();
        assert!(error.reason.contains("LOGIN alice secret"), "{error}");
    }

    #[test]
    fn expect_silence_fails_when_the_client_speaks() {
        let server = Script::new()
            .send(GREETING)
            .expect_silence(Duration::from_secs(2))
            .serve()
            .unwrap();
        let (mut session, _) = RawSession::connect(server.addr()).unwrap();
        session.send(b"a1 NOOP\r\n").unwrap();
        assert!(server.finish().is_err());
    }

    #[test]
    fn expect_silence_passes_when_the_client_says_nothing() {
        let server = Script::new()
            .send(GREETING)
            .expect_silence(Duration::from_millis(100))
            .serve()
            .unwrap();
        let (_session, _) = RawSession::connect(server.addr()).unwrap();
        assert!(server.finish().is_ok());
    }

    #[test]
    fn drip_sends_one_byte_per_interval() {
        let server = Script::new()
            .drip("* OK\r\n", Duration::from_millis(30))
            .serve()
            .unwrap();
        let started = Instant::now();
        let (_session, greeting) = RawSession::connect(server.addr()).unwrap();
        assert_eq!(greeting, "* OK");
        assert!(
            started.elapsed() >= Duration::from_millis(180),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn close_ends_the_connection_mid_literal() {
        let server = Script::new()
            .send("* OK\r\n* 1 FETCH (BODY[] {100}\r\nonly part")
            .close()
            .serve()
            .unwrap();
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        let mut received = Vec::new();
        stream.read_to_end(&mut received).unwrap();
        assert!(received.ends_with(b"only part"));
        assert!(server.finish().is_ok());
    }

    #[test]
    fn dropping_the_server_stops_a_stalled_script_at_once() {
        let server = Script::new()
            .stall(Duration::from_secs(60))
            .serve()
            .unwrap();
        let _stream = TcpStream::connect(server.addr()).unwrap();
        std::thread::sleep(Duration::from_millis(50));
        let started = Instant::now();
        drop(server);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn no_client_within_the_step_timeout_fails_the_script() {
        let server = Script::new()
            .step_timeout(Duration::from_millis(50))
            .send(GREETING)
            .serve()
            .unwrap();
        let error = server.finish().unwrap_err();
        assert!(error.reason.contains("no client connected"), "{error}");
    }
}

#[test]
fn an_expired_certificate_fails_the_client_handshake() {
    let expired = Certificate::expired(typed_imap_tests::cert::LOCALHOST_NAMES).unwrap();
    let client_trusts = expired.client_config().unwrap();
    let server = typed_imap_tests::scripted::Script::new()
        .certificate(expired)
        .start_tls()
        .send("* OK ready\r\n")
        .serve()
        .unwrap();
    let error = RawSession::connect_tls(server.addr(), client_trusts, "localhost").unwrap_err();
    assert!(error.to_string().contains("expired"), "{error}");
}

#[test]
fn cyrus_starts_greets_logs_in_and_stops_without_leftovers() {
    use typed_imap_tests::cyrus::{Cyrus, ADMIN};
    use typed_imap_tests::raw::RawSession;
    let server = Cyrus::start().unwrap();
    let (mut raw, greeting) = RawSession::connect(server.addr()).unwrap();
    assert!(greeting.contains("Cyrus IMAP"), "{greeting}");
    let admin = server.user(ADMIN).unwrap();
    let reply = raw
        .command(&format!("LOGIN {} {}", admin.name, admin.password))
        .unwrap();
    assert!(reply.is_ok(), "{reply:?}");
    drop(raw);
    let (dir, pid) = (server.dir().to_owned(), server.pid());
    drop(server);
    assert!(!dir.exists(), "{} left behind", dir.display());
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "master {pid} still running"
    );
}
