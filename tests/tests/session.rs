//! The blocking client end to end against a private Dovecot: STARTTLS,
//! implicit TLS, the PREAUTH stream of a child process, state changes,
//! pipelining and unsolicited updates from a second connection.

use typed_imap::blocking::{Client, ClientOptions};
use typed_imap::command::State;
use typed_imap::session::Unsolicited;
use typed_imap::transport::TlsConfig;
use typed_imap::{Append, Data, Error, Examine, List, Noop, Select};
use typed_imap_tests::dovecot::Dovecot;
use typed_imap_tests::messages::sample_message;
use typed_imap_tests::preauth::PreauthStream;

fn trust(server: &Dovecot) -> TlsConfig {
    TlsConfig::custom_roots_pem(server.certificate().cert_pem().as_bytes()).unwrap()
}

fn logged_in(server: &Dovecot, user: &str) -> Client {
    let mut imap = Client::connect_tls_with(
        "localhost",
        server.tls_addr().port(),
        &trust(server),
        ClientOptions::default(),
    )
    .unwrap();
    imap.login(user, &server.user(user).unwrap().password)
        .unwrap();
    imap
}

#[test]
fn starttls_then_login() {
    let server = Dovecot::start().unwrap();
    let mut imap = Client::connect_starttls(
        "127.0.0.1",
        server.plain_addr().port(),
        &trust(&server),
        ClientOptions::default(),
    )
    .unwrap();
    assert!(imap.session().is_tls());
    assert!(
        !imap.has_capability("STARTTLS").unwrap(),
        "capabilities re-read after TLS"
    );
    imap.login("alice", &server.user("alice").unwrap().password)
        .unwrap();
    assert_eq!(imap.state(), State::Authenticated);
    imap.logout().unwrap();
}

#[test]
fn starttls_is_refused_when_already_on_tls() {
    let server = Dovecot::start().unwrap();
    let mut imap = logged_in(&server, "alice");
    assert!(matches!(
        imap.starttls(),
        Err(Error::InvalidArgument { .. })
    ));
}

#[test]
fn greeting_is_kept() {
    let server = Dovecot::start().unwrap();
    let imap = Client::connect("127.0.0.1", server.plain_addr().port()).unwrap();
    let greeting = imap.greeting().unwrap();
    assert!(
        String::from_utf8_lossy(&greeting.text).contains("ready"),
        "{greeting:?}"
    );
    assert_eq!(imap.state(), State::NotAuthenticated);
}

#[test]
fn command_in_the_wrong_state_is_refused_before_sending() {
    let server = Dovecot::start().unwrap();
    let mut imap = Client::connect("127.0.0.1", server.plain_addr().port()).unwrap();
    let error = imap.run(Select::new("INBOX")).unwrap_err();
    assert!(matches!(error, Error::State { .. }), "{error}");
    imap.run(Noop::new()).unwrap();
}

#[test]
fn preauth_stream_through_a_child_process() {
    let stream = PreauthStream::new().unwrap();
    let mut imap = Client::spawn(stream.command()).unwrap();
    assert_eq!(imap.state(), State::Authenticated);
    let selected = imap.run(Select::new("INBOX")).unwrap();
    assert_eq!(selected.exists, 0);
    assert_eq!(imap.state(), State::Selected);
    imap.logout().unwrap();
}

#[test]
fn select_is_read_write_and_examine_read_only() {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "INBOX", (0..3).map(|n| sample_message(n, 512)))
        .unwrap();
    let mut imap = logged_in(&server, "alice");
    let selected = imap.run(Select::new("INBOX")).unwrap();
    assert_eq!(selected.exists, 3);
    assert!(!selected.read_only);
    assert!(selected.uid_validity.is_some());
    assert!(!imap.mailbox().unwrap().read_only);
    let examined = imap.run(Examine::new("INBOX")).unwrap();
    assert!(examined.read_only);
    assert!(imap.mailbox().unwrap().read_only);
    assert_eq!(imap.mailbox().unwrap().exists, 3);
}

#[test]
fn failed_select_leaves_no_mailbox_selected() {
    let server = Dovecot::start().unwrap();
    let mut imap = logged_in(&server, "alice");
    imap.run(Select::new("INBOX")).unwrap();
    assert!(matches!(
        imap.run(Select::new("No Such Box")),
        Err(Error::No { .. })
    ));
    assert_eq!(imap.state(), State::Authenticated);
    assert!(imap.mailbox().is_none());
}

#[test]
fn pipelined_commands_complete_with_their_own_data() {
    let server = Dovecot::start().unwrap();
    let mut imap = logged_in(&server, "alice");
    let noop = imap.send(&Noop::new()).unwrap();
    let list = imap.send(&List::new("", "*")).unwrap();
    let examine = imap.send(&Examine::new("INBOX")).unwrap();
    // Waited for out of order: completions are kept until claimed.
    let examined = imap
        .wait(&examine)
        .unwrap()
        .into_result::<Examine>()
        .unwrap();
    let listed = imap.wait(&list).unwrap().into_result::<List>().unwrap();
    imap.wait(&noop).unwrap().into_result::<Noop>().unwrap();
    assert_eq!(examined.exists, 0);
    assert!(listed.len() >= 2, "{listed:?}");
}

#[test]
fn append_from_another_connection_arrives_as_unsolicited_exists() {
    let server = Dovecot::start().unwrap();
    let mut watcher = logged_in(&server, "alice");
    watcher.run(Select::new("INBOX")).unwrap();
    let mut writer = logged_in(&server, "alice");
    writer
        .run(Append::new("INBOX", sample_message(1, 300)))
        .unwrap();
    watcher.run(Noop::new()).unwrap();
    let exists: Vec<u32> = watcher
        .take_unsolicited()
        .into_iter()
        .filter_map(|unsolicited| match unsolicited {
            Unsolicited::Data(Data::Exists(n)) => Some(n),
            _ => None,
        })
        .collect();
    assert_eq!(exists, [1]);
    assert_eq!(watcher.mailbox().unwrap().exists, 1);
}

#[test]
fn raw_command_returns_its_untagged_data() {
    let server = Dovecot::start().unwrap();
    let mut imap = logged_in(&server, "alice");
    let completed = imap.raw("LIST", "\"\" INBOX").unwrap();
    assert!(
        matches!(completed.data.as_slice(), [Data::List(_)]),
        "{:?}",
        completed.data
    );
}

#[test]
fn uid_command_as_text() {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "INBOX", (0..2).map(|n| sample_message(n, 256)))
        .unwrap();
    let mut imap = logged_in(&server, "alice");
    imap.run(Select::new("INBOX")).unwrap();
    let completed = imap.uid("SEARCH", "ALL").unwrap();
    assert!(
        matches!(completed.data.as_slice(), [Data::Search(uids)] if uids.len() == 2),
        "{:?}",
        completed.data
    );
}

#[test]
fn logout_ends_in_logout_state_and_closes() {
    let server = Dovecot::start().unwrap();
    let mut imap = logged_in(&server, "alice");
    imap.logout().unwrap();
    assert_eq!(imap.state(), State::Logout);
    assert!(imap.run(Noop::new()).is_err());
}
