//! The session's rules, byte for byte, without any I/O.

use super::*;
use crate::auth::{FnAuthenticator, Plain};
use crate::types::{Capability, Mailbox};
use crate::{
    Append, Authenticate, CompressDeflate, Enable, Examine, List, Login, Logout, Noop, Select,
    StartTls, Unauthenticate,
};

/// A session to a server on this machine (credentials may go in clear).
fn session() -> Session {
    let mut session = Session::new(SessionOptions {
        tag_prefix: Some("A".into()),
        ..SessionOptions::default()
    });
    session.set_local(true);
    session
}

/// A session greeted with `greeting` (a whole line).
fn greeted(greeting: &str) -> Session {
    let mut session = session();
    session.receive(greeting.as_bytes());
    match session.poll() {
        Ok(Some(Event::Greeting(_))) => session,
        other => panic!("expected the greeting, got {other:?}"),
    }
}

fn ready() -> Session {
    greeted("* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR STARTTLS AUTH=PLAIN] hi\r\n")
}

fn logged_in() -> Session {
    greeted("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n")
}

fn output(session: &mut Session) -> String {
    String::from_utf8(session.take_output()).unwrap()
}

/// Feeds `bytes` and polls until an event or the need for more input.
fn feed(session: &mut Session, bytes: &str) -> Result<Option<Event>, Error> {
    session.receive(bytes.as_bytes());
    session.poll()
}

fn completed(event: Result<Option<Event>, Error>) -> Done {
    match event {
        Ok(Some(Event::Completed(done))) => done,
        other => panic!("expected a completion, got {other:?}"),
    }
}

#[test]
fn greeting_ok_means_not_authenticated_with_its_capabilities() {
    let session = ready();
    assert_eq!(session.state(), State::NotAuthenticated);
    assert!(session.has_capability("STARTTLS"));
    assert!(session.has_capability("literal+"));
}

#[test]
fn greeting_preauth_means_authenticated() {
    assert_eq!(logged_in().state(), State::Authenticated);
}

#[test]
fn greeting_bye_is_a_closed_error() {
    let mut session = session();
    let error = feed(&mut session, "* BYE too busy\r\n").unwrap_err();
    assert!(matches!(error, Error::Closed { .. }), "{error}");
}

#[test]
fn tagged_greeting_is_a_protocol_error() {
    let mut session = session();
    let error = feed(&mut session, "A1 OK hello\r\n").unwrap_err();
    assert!(matches!(error, Error::Protocol { .. }), "{error}");
    assert!(session.broken().is_some());
}

#[test]
fn garbage_greeting_is_a_protocol_error() {
    let mut session = session();
    assert!(feed(&mut session, "HTTP/1.1 400 Bad Request\r\n").is_err());
}

#[test]
fn command_before_greeting_is_refused() {
    let mut session = session();
    assert!(session.send(&Noop::new()).is_err());
    assert!(session.take_output().is_empty());
}

#[test]
fn command_in_wrong_state_is_refused_with_allowed_states() {
    let mut session = ready();
    let error = session.send(&Select::new("INBOX")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "SELECT is not allowed in state not authenticated; allowed in: authenticated, selected"
    );
    assert!(session.take_output().is_empty());
}

#[test]
fn tags_are_prefix_and_counter() {
    let mut session = ready();
    assert_eq!(session.send(&Noop::new()).unwrap(), "A1");
    assert_eq!(session.send(&Noop::new()).unwrap(), "A2");
    assert_eq!(output(&mut session), "A1 NOOP\r\nA2 NOOP\r\n");
}

#[test]
fn tagged_ok_completes_the_command() {
    let mut session = ready();
    session.send(&Noop::new()).unwrap();
    let done = completed(feed(&mut session, "A1 OK done\r\n"));
    assert_eq!(done.tag, "A1");
    assert_eq!(done.command, "NOOP");
    assert!(done.into_result::<Noop>().is_ok());
}

#[test]
fn tagged_no_is_an_error_with_code_and_text() {
    let mut session = ready();
    session.send(&Login::new("alice", "wrong")).unwrap();
    let done = completed(feed(
        &mut session,
        "A1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n",
    ));
    let error = done.into_result::<Login>().unwrap_err();
    assert!(
        matches!(
            &error,
            Error::No {
                code: Some(Code::AuthenticationFailed),
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(session.state(), State::NotAuthenticated);
}

#[test]
fn login_ok_enters_authenticated_and_reads_capabilities_from_its_code() {
    let mut session = ready();
    session.send(&Login::new("alice", "pw")).unwrap();
    completed(feed(
        &mut session,
        "A1 OK [CAPABILITY IMAP4rev1 MOVE] Logged in\r\n",
    ));
    assert_eq!(session.state(), State::Authenticated);
    assert!(session.has_capability("MOVE"));
}

#[test]
fn login_ok_without_capabilities_forgets_the_old_ones() {
    let mut session = ready();
    session.send(&Login::new("alice", "pw")).unwrap();
    completed(feed(&mut session, "A1 OK Logged in\r\n"));
    assert_eq!(session.capabilities(), None);
}

#[test]
fn failed_login_keeps_the_capabilities() {
    let mut session = ready();
    session.send(&Login::new("alice", "pw")).unwrap();
    completed(feed(&mut session, "A1 NO wrong\r\n"));
    assert!(session.has_capability("AUTH=PLAIN"));
}

/// Logged in with LOGIN to a server advertising UNAUTHENTICATE.
fn logged_in_with_unauthenticate() -> Session {
    let mut session = ready();
    session.send(&Login::new("alice", "pw")).unwrap();
    completed(feed(
        &mut session,
        "A1 OK [CAPABILITY IMAP4rev1 UNAUTHENTICATE ENABLE UTF8=ACCEPT COMPRESS=DEFLATE] in\r\n",
    ));
    output(&mut session);
    session
}

/// The same, INBOX selected.
fn selected_with_unauthenticate() -> Session {
    let mut session = logged_in_with_unauthenticate();
    session.send(&Select::new("INBOX")).unwrap();
    completed(feed(
        &mut session,
        "* 2 EXISTS\r\nA2 OK [READ-WRITE] done\r\n",
    ));
    output(&mut session);
    session
}

#[test]
fn unauthenticate_ok_returns_to_not_authenticated_and_forgets_the_capabilities() {
    let mut session = selected_with_unauthenticate();
    session.send(&Unauthenticate::new()).unwrap();
    assert_eq!(output(&mut session), "A3 UNAUTHENTICATE\r\n");
    completed(feed(&mut session, "A3 OK done\r\n"));
    assert_eq!(session.state(), State::NotAuthenticated);
    assert!(session.mailbox().is_none());
    assert_eq!(session.capabilities(), None);
    session.send(&Login::new("bob", "pw")).unwrap();
}

#[test]
fn unauthenticate_ok_with_capabilities_keeps_those() {
    let mut session = selected_with_unauthenticate();
    session.send(&Unauthenticate::new()).unwrap();
    completed(feed(
        &mut session,
        "A3 OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] done\r\n",
    ));
    assert!(session.has_capability("AUTH=PLAIN"));
    assert!(!session.has_capability("UNAUTHENTICATE"));
}

#[test]
fn failed_unauthenticate_stays_logged_in_and_selected() {
    let mut session = selected_with_unauthenticate();
    session.send(&Unauthenticate::new()).unwrap();
    completed(feed(&mut session, "A3 NO not now\r\n"));
    assert_eq!(session.state(), State::Selected);
    assert!(session.has_capability("UNAUTHENTICATE"));
}

#[test]
fn unauthenticate_ends_what_enable_turned_on() {
    let mut session = logged_in_with_unauthenticate();
    session
        .send(&Enable::new(vec![Capability::new("UTF8=ACCEPT")]))
        .unwrap();
    completed(feed(&mut session, "* ENABLED UTF8=ACCEPT\r\nA2 OK\r\n"));
    assert!(session.utf8_enabled());
    session.send(&Unauthenticate::new()).unwrap();
    completed(feed(
        &mut session,
        "A3 OK [CAPABILITY IMAP4rev1 UTF8=ACCEPT] done\r\n",
    ));
    assert!(!session.utf8_enabled());
}

#[test]
fn login_may_be_pipelined_behind_unauthenticate() {
    let mut session = selected_with_unauthenticate();
    session.send(&Unauthenticate::new()).unwrap();
    session.send(&Login::new("bob", "pw")).unwrap();
    assert_eq!(
        output(&mut session),
        "A3 UNAUTHENTICATE\r\nA4 LOGIN bob \"pw\"\r\n"
    );
}

#[test]
fn unauthenticate_is_refused_while_compress_is_active() {
    let mut session = selected_with_unauthenticate();
    session.send(&CompressDeflate::new()).unwrap();
    let event = feed(&mut session, "A3 OK compressing\r\n").unwrap();
    assert!(matches!(event, Some(Event::Compress(_))), "{event:?}");
    let error = session.send(&Unauthenticate::new()).unwrap_err();
    assert!(error.to_string().contains("COMPRESS is active"), "{error}");
}

#[test]
fn pipelined_commands_get_their_own_untagged_data() {
    let mut session = logged_in();
    let list = session.send(&List::new("", "*")).unwrap();
    let examine = session.send(&Examine::new("INBOX")).unwrap();
    assert_eq!(
        output(&mut session),
        "A1 LIST \"\" *\r\nA2 EXAMINE INBOX\r\n"
    );
    session.receive(
        b"* LIST () \"/\" INBOX\r\n* LIST () \"/\" Sent\r\nA1 OK listed\r\n\
          * 4 EXISTS\r\n* 0 RECENT\r\n* FLAGS (\\Seen)\r\n* OK [UIDVALIDITY 9] ok\r\n\
          A2 OK [READ-ONLY] examined\r\n",
    );
    let first = completed(session.poll());
    assert_eq!(first.tag, list);
    assert_eq!(first.completed.data.len(), 2);
    let second = completed(session.poll());
    assert_eq!(second.tag, examine);
    let selected = second.into_result::<Examine>().unwrap();
    assert_eq!(selected.exists, 4);
    assert_eq!(session.state(), State::Selected);
    let mailbox = session.mailbox().unwrap();
    assert_eq!(
        (mailbox.exists, mailbox.uid_validity, mailbox.read_only),
        (4, Some(9), true)
    );
}

#[test]
fn unsolicited_expunge_and_exists_are_recorded_and_applied() {
    let mut session = logged_in();
    session.send(&Select::new("INBOX")).unwrap();
    completed(feed(
        &mut session,
        "* 3 EXISTS\r\n* 0 RECENT\r\n* FLAGS ()\r\nA1 OK [READ-WRITE] ok\r\n",
    ));
    session.send(&Noop::new()).unwrap();
    completed(feed(
        &mut session,
        "* 2 EXPUNGE\r\n* 5 EXISTS\r\nA2 OK done\r\n",
    ));
    assert_eq!(session.mailbox().unwrap().exists, 5);
    let kinds: Vec<_> = session
        .unsolicited()
        .map(|u| match u {
            Unsolicited::Data(Data::Expunge(n)) => format!("EXPUNGE {n}"),
            Unsolicited::Data(Data::Exists(n)) => format!("EXISTS {n}"),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(kinds, ["EXPUNGE 2", "EXISTS 5"]);
}

#[test]
fn unsolicited_record_is_bounded_oldest_dropped() {
    let mut session = Session::new(SessionOptions {
        max_unsolicited: 2,
        tag_prefix: Some("A".into()),
        ..SessionOptions::default()
    });
    feed(&mut session, "* PREAUTH hi\r\n").unwrap();
    session.send(&Noop::new()).unwrap();
    completed(feed(
        &mut session,
        "* 1 EXISTS\r\n* 2 EXISTS\r\n* 3 EXISTS\r\nA1 OK\r\n",
    ));
    assert_eq!(session.unsolicited().count(), 2);
    assert_eq!(session.dropped_unsolicited(), 1);
    assert!(matches!(
        session.unsolicited().next(),
        Some(Unsolicited::Data(Data::Exists(2)))
    ));
}

#[test]
fn unknown_tag_breaks_the_session() {
    let mut session = ready();
    session.send(&Noop::new()).unwrap();
    let error = feed(&mut session, "ZZ9 OK what\r\n").unwrap_err();
    assert!(matches!(error, Error::Protocol { .. }), "{error}");
    assert!(session.broken().is_some());
    assert!(session.send(&Noop::new()).is_err());
}

#[test]
fn already_completed_tag_breaks_the_session() {
    let mut session = ready();
    session.send(&Noop::new()).unwrap();
    completed(feed(&mut session, "A1 OK\r\n"));
    assert!(feed(&mut session, "A1 OK again\r\n").is_err());
}

#[test]
fn continuation_nobody_waits_for_is_a_protocol_error() {
    let mut session = ready();
    session.send(&Noop::new()).unwrap();
    let error = feed(&mut session, "+ go ahead\r\n").unwrap_err();
    assert!(matches!(error, Error::Protocol { .. }), "{error}");
}

#[test]
fn synchronising_literal_waits_for_continuation() {
    let mut session = greeted("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n");
    session
        .send(&Append::new("INBOX", b"Hi\r\n".to_vec()))
        .unwrap();
    assert_eq!(output(&mut session), "A1 APPEND INBOX () {4}\r\n");
    assert!(feed(&mut session, "+ Ready\r\n").unwrap().is_none());
    assert_eq!(output(&mut session), "Hi\r\n\r\n");
    completed(feed(&mut session, "A1 OK appended\r\n"));
}

#[test]
fn tagged_no_instead_of_continuation_sends_nothing_more() {
    let mut session = logged_in();
    session
        .send(&Append::new("INBOX", b"Hi\r\n".to_vec()))
        .unwrap();
    output(&mut session);
    let done = completed(feed(&mut session, "A1 NO [TRYCREATE] no mailbox\r\n"));
    assert!(done.into_result::<Append>().is_err());
    assert!(session.take_output().is_empty());
}

#[test]
fn literal_plus_sends_at_once() {
    let mut session = greeted("* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+] hi\r\n");
    session
        .send(&Append::new("INBOX", b"Hi\r\n".to_vec()))
        .unwrap();
    assert_eq!(
        output(&mut session),
        "A1 APPEND INBOX () {4+}\r\nHi\r\n\r\n"
    );
}

#[test]
fn tagged_ok_before_the_command_was_sent_is_a_protocol_error() {
    let mut session = logged_in();
    session
        .send(&Append::new("INBOX", b"Hi\r\n".to_vec()))
        .unwrap();
    output(&mut session);
    let error = feed(&mut session, "A1 OK appended without data\r\n").unwrap_err();
    assert!(
        error
            .to_string()
            .contains("before the command was fully sent"),
        "{error}"
    );
}

#[test]
fn bye_outside_logout_closes_the_session() {
    let mut session = ready();
    session.send(&Noop::new()).unwrap();
    let error = feed(&mut session, "* BYE shutting down\r\n").unwrap_err();
    assert!(
        matches!(&error, Error::Closed { reason } if reason.contains("shutting down")),
        "{error}"
    );
}

#[test]
fn bye_during_logout_is_expected() {
    let mut session = ready();
    session.send(&Logout::new()).unwrap();
    let done = completed(feed(&mut session, "* BYE see you\r\nA1 OK bye\r\n"));
    assert!(done.into_result::<Logout>().is_ok());
    assert_eq!(session.state(), State::Logout);
}

#[test]
fn unparsable_response_breaks_the_session() {
    let mut session = ready();
    session.send(&Noop::new()).unwrap();
    assert!(feed(&mut session, "* 1 FETCH (FLAGS\r\n").is_err());
    assert!(matches!(session.poll(), Err(Error::Closed { .. })));
}

#[test]
fn starttls_ok_asks_for_the_upgrade_and_forgets_capabilities() {
    let mut session = ready();
    session.send(&StartTls::new()).unwrap();
    assert_eq!(output(&mut session), "A1 STARTTLS\r\n");
    let event = feed(&mut session, "A1 OK begin\r\n").unwrap();
    assert!(matches!(event, Some(Event::StartTls(_))), "{event:?}");
    assert_eq!(session.capabilities(), None);
    session.tls_established();
    assert!(session.is_tls());
}

#[test]
fn bytes_after_starttls_ok_are_discarded_unread() {
    let mut session = ready();
    session.send(&StartTls::new()).unwrap();
    let event = feed(
        &mut session,
        "A1 OK begin\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN LITERAL+] injected\r\n* 3 EXISTS\r\n",
    )
    .unwrap();
    assert!(matches!(event, Some(Event::StartTls(_))), "{event:?}");
    assert!(!session.has_buffered_input());
    session.tls_established();
    assert_eq!(session.poll().unwrap().map(|_| ()), None);
    assert_eq!(session.capabilities(), None);
    assert_eq!(session.unsolicited().count(), 0);
}

#[test]
fn untagged_data_before_starttls_ok_has_no_effect() {
    let mut session = ready();
    session.send(&StartTls::new()).unwrap();
    let event = feed(
        &mut session,
        "* CAPABILITY IMAP4rev1 AUTH=ANONYMOUS\r\n* 5 EXISTS\r\n* OK [ALERT] trust me\r\nA1 OK begin\r\n",
    )
    .unwrap();
    let Some(Event::StartTls(done)) = event else {
        panic!("expected StartTls, got {event:?}")
    };
    assert!(done.completed.data.is_empty());
    assert!(done.completed.codes.is_empty());
    assert_eq!(session.unsolicited().count(), 0);
    assert!(!session.has_capability("AUTH=ANONYMOUS"));
}

#[test]
fn bye_next_to_starttls_reply_does_not_surface_its_text() {
    let mut session = ready();
    session.send(&StartTls::new()).unwrap();
    let error = feed(&mut session, "* BYE [ALERT] call 555-0100 now\r\n").unwrap_err();
    assert!(!error.to_string().contains("555-0100"), "{error}");
}

#[test]
fn starttls_cannot_be_pipelined() {
    let mut session = ready();
    session.send(&Noop::new()).unwrap();
    assert!(session.send(&StartTls::new()).is_err());
    let mut session = ready();
    session.send(&StartTls::new()).unwrap();
    assert!(session.send(&Noop::new()).is_err());
}

#[test]
fn authenticate_sends_initial_response_on_the_line_with_sasl_ir() {
    let mut session = ready();
    let tag = session
        .authenticate(
            &Authenticate::new("PLAIN"),
            Box::new(Plain::new("tim", "tanstaaftanstaaf")),
        )
        .unwrap();
    assert_eq!(
        output(&mut session),
        "A1 AUTHENTICATE PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n"
    );
    let done = completed(feed(
        &mut session,
        "A1 OK [CAPABILITY IMAP4rev1] welcome\r\n",
    ));
    assert_eq!(done.tag, tag);
    assert_eq!(session.state(), State::Authenticated);
}

#[test]
fn authenticate_answers_the_first_challenge_without_sasl_ir() {
    let mut session = greeted("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n");
    session
        .authenticate(
            &Authenticate::new("PLAIN"),
            Box::new(Plain::new("tim", "pw")),
        )
        .unwrap();
    assert_eq!(output(&mut session), "A1 AUTHENTICATE PLAIN\r\n");
    assert!(feed(&mut session, "+ \r\n").unwrap().is_none());
    assert_eq!(output(&mut session), "AHRpbQBwdw==\r\n");
}

#[test]
fn authenticator_returning_none_sends_a_star() {
    let mut session = greeted("* OK [CAPABILITY IMAP4rev1 AUTH=X-TEST] hi\r\n");
    let cancel = FnAuthenticator::new("X-TEST", |_challenge: &[u8]| None);
    session
        .authenticate(&Authenticate::new("X-TEST"), Box::new(cancel))
        .unwrap();
    output(&mut session);
    feed(&mut session, "+ Y2hhbGxlbmdl\r\n").unwrap();
    assert_eq!(output(&mut session), "*\r\n");
    let done = completed(feed(&mut session, "A1 BAD cancelled\r\n"));
    assert!(matches!(
        done.into_result::<Authenticate>(),
        Err(Error::Bad { .. })
    ));
}

#[test]
fn authenticator_sees_decoded_challenges() {
    let mut session = greeted("* OK [CAPABILITY IMAP4rev1 AUTH=X-ECHO] hi\r\n");
    let echo = FnAuthenticator::new("X-ECHO", |challenge: &[u8]| {
        Some(challenge.to_ascii_uppercase())
    });
    session
        .authenticate(&Authenticate::new("X-ECHO"), Box::new(echo))
        .unwrap();
    output(&mut session);
    feed(&mut session, "+ aGVsbG8=\r\n").unwrap();
    assert_eq!(output(&mut session), "SEVMTE8=\r\n");
}

#[test]
fn mailbox_turning_read_only_during_a_command_is_a_read_only_error() {
    let mut session = logged_in();
    session.send(&Select::new("INBOX")).unwrap();
    completed(feed(
        &mut session,
        "* 1 EXISTS\r\nA1 OK [READ-WRITE] selected\r\n",
    ));
    session.send(&Noop::new()).unwrap();
    let done = completed(feed(
        &mut session,
        "* OK [READ-ONLY] someone else took it\r\nA2 OK done\r\n",
    ));
    assert!(matches!(
        done.into_result::<Noop>(),
        Err(Error::ReadOnly { .. })
    ));
    assert!(session.mailbox().unwrap().read_only);
}

#[test]
fn examine_reporting_read_only_is_no_error() {
    let mut session = logged_in();
    session.send(&Examine::new("INBOX")).unwrap();
    let done = completed(feed(&mut session, "* 1 EXISTS\r\n* 0 RECENT\r\n* FLAGS ()\r\n* OK [READ-ONLY] x\r\nA1 OK [READ-ONLY] examined\r\n"));
    assert!(done.into_result::<Examine>().unwrap().read_only);
}

/// An authenticator whose check of the server fails.
struct Distrustful;

impl crate::auth::Authenticator for Distrustful {
    fn mechanism(&self) -> &str {
        "X-MUTUAL"
    }
    fn respond(&mut self, _challenge: &[u8]) -> Result<Option<Vec<u8>>, crate::auth::AuthError> {
        Err(crate::auth::AuthError::ServerNotVerified {
            mechanism: "X-MUTUAL",
            reason: "bad proof".into(),
        })
    }
}

#[test]
fn client_side_sasl_failure_cancels_and_is_reported() {
    let mut session = greeted("* OK [CAPABILITY IMAP4rev1 AUTH=X-MUTUAL] hi\r\n");
    session
        .authenticate(&Authenticate::new("X-MUTUAL"), Box::new(Distrustful))
        .unwrap();
    output(&mut session);
    feed(&mut session, "+ cHJvb2Y=\r\n").unwrap();
    assert_eq!(output(&mut session), "*\r\n");
    let done = completed(feed(&mut session, "A1 BAD cancelled\r\n"));
    let error = done.into_result::<Authenticate>().unwrap_err();
    assert!(matches!(error, Error::Auth(_)), "{error}");
    assert!(error.to_string().contains("bad proof"), "{error}");
}

#[test]
fn literal_plus_learnt_before_starttls_is_forgotten() {
    let mut session = ready();
    session.send(&StartTls::new()).unwrap();
    assert!(matches!(
        feed(&mut session, "A1 OK begin\r\n").unwrap(),
        Some(Event::StartTls(_))
    ));
    session.tls_established();
    session.send(&Login::new("alice", "pw")).unwrap();
    output(&mut session);
    completed(feed(&mut session, "A2 OK [CAPABILITY IMAP4rev1] in\r\n"));
    session
        .send(&Append::new("INBOX", b"Hi\r\n".to_vec()))
        .unwrap();
    assert_eq!(output(&mut session), "A3 APPEND INBOX () {4}\r\n");
}

/// A stand-in for an extension command, declared here as a spec would
/// declare it: its behaviour and required capability are all that matter.
struct Extension<const B: u8>;

impl<const B: u8> Command for Extension<B> {
    type Output = Completed;
    const NAME: &'static str = "XTEST";
    const STATES: &'static [State] = &[State::Authenticated, State::Selected];
    const ON_OK: Option<State> = None;
    const ON_NO: Option<State> = None;
    const BEHAVIOUR: Behaviour = match B {
        0 => Behaviour::Idle,
        1 => Behaviour::Compress,
        _ => Behaviour::Plain,
    };
    const CAPABILITY: Option<&'static str> = Some("XTEST");

    fn encode(&self, enc: &mut Encoder) -> Result<(), crate::codec::encode::EncodeError> {
        enc.token(Self::NAME);
        Ok(())
    }
    fn wants(_data: &Data) -> bool {
        false
    }
    fn output(done: Completed) -> Result<Completed, Error> {
        Ok(done)
    }
}

type IdleLike = Extension<0>;
type CompressLike = Extension<1>;
type PlainExtension = Extension<2>;

#[test]
fn extension_without_its_capability_is_refused_naming_it() {
    let mut session = logged_in();
    let error = session.send(&PlainExtension {}).unwrap_err();
    assert_eq!(
        error.to_string(),
        "XTEST needs the server capability XTEST, which it does not advertise"
    );
    assert!(session.take_output().is_empty());
}

#[test]
fn idle_behaviour_streams_until_done() {
    let mut session = greeted("* PREAUTH [CAPABILITY IMAP4rev1 XTEST] hi\r\n");
    session.send(&IdleLike {}).unwrap();
    assert_eq!(output(&mut session), "A1 XTEST\r\n");
    assert!(matches!(
        feed(&mut session, "+ idling\r\n").unwrap(),
        Some(Event::IdleStarted)
    ));
    assert!(feed(&mut session, "* 4 EXISTS\r\n").unwrap().is_none());
    assert_eq!(session.unsolicited().count(), 1);
    assert!(session.idle_done());
    assert_eq!(output(&mut session), "DONE\r\n");
    assert!(!session.idle_done(), "DONE is sent once");
    completed(feed(&mut session, "A1 OK idle done\r\n"));
}

#[test]
fn compress_behaviour_asks_the_driver_to_compress() {
    let mut session = greeted("* PREAUTH [CAPABILITY IMAP4rev1 XTEST] hi\r\n");
    session.send(&CompressLike {}).unwrap();
    let event = feed(&mut session, "A1 OK deflate active\r\n").unwrap();
    assert!(matches!(event, Some(Event::Compress(_))), "{event:?}");
}

#[test]
fn an_extension_argument_needs_its_capability_before_sending() {
    let mut session = logged_in();
    let error = session.send(&Select::new("INBOX").condstore()).unwrap_err();
    assert!(
        matches!(&error, Error::MissingCapability { capability, .. } if capability == "CONDSTORE"),
        "{error}"
    );
    assert_eq!(output(&mut session), "", "nothing was sent");
    session.send(&Select::new("INBOX")).unwrap();
    assert_eq!(output(&mut session), "A1 SELECT INBOX\r\n");
}

#[test]
fn an_extension_argument_is_sent_when_its_capability_is_there() {
    let mut session = greeted("* PREAUTH [CAPABILITY IMAP4rev1 CONDSTORE] hi\r\n");
    session.send(&Select::new("INBOX").condstore()).unwrap();
    assert_eq!(output(&mut session), "A1 SELECT INBOX (CONDSTORE)\r\n");
}

#[test]
fn create_with_use_writes_its_parameter_list() {
    let mut session = greeted("* PREAUTH [CAPABILITY IMAP4rev1 CREATE-SPECIAL-USE] hi\r\n");
    let create = crate::Create::new("Receipts")
        .special_use(vec![crate::types::Flag::Extension("Archive".into())]);
    session.send(&create).unwrap();
    assert_eq!(
        output(&mut session),
        "A1 CREATE Receipts (USE (\\Archive))\r\n"
    );
}

#[test]
fn multiappend_waits_for_a_continuation_before_each_literal() {
    let mut session = greeted("* PREAUTH [CAPABILITY IMAP4rev1 MULTIAPPEND] hi\r\n");
    let append =
        Append::new("INBOX", b"Hi\r\n".to_vec())
            .more_messages(vec![crate::types::AppendMessage::new(b"Yo\r\n".to_vec())
                .flags([crate::types::Flag::Seen])]);
    session.send(&append).unwrap();
    assert_eq!(output(&mut session), "A1 APPEND INBOX () {4}\r\n");
    assert!(feed(&mut session, "+ Ready\r\n").unwrap().is_none());
    assert_eq!(output(&mut session), "Hi\r\n (\\Seen) {4}\r\n");
    assert!(feed(&mut session, "+ Ready\r\n").unwrap().is_none());
    assert_eq!(output(&mut session), "Yo\r\n\r\n");
    completed(feed(&mut session, "A1 OK appended\r\n"));
}

#[test]
fn enabled_utf8_accept_switches_mailbox_names_to_utf8_both_ways() {
    let mut session = greeted("* PREAUTH [CAPABILITY IMAP4rev1 ENABLE UTF8=ACCEPT] hi\r\n");
    session
        .send(&crate::Enable::new(vec![Capability::new("UTF8=ACCEPT")]))
        .unwrap();
    // Encoded before the answer: still modified UTF-7.
    session.send(&Select::new("Grüße")).unwrap();
    completed(feed(
        &mut session,
        "* ENABLED UTF8=ACCEPT\r\nA1 OK enabled\r\n",
    ));
    assert!(session.utf8_enabled());
    session.send(&List::new("", "*")).unwrap();
    assert_eq!(
        output(&mut session),
        "A1 ENABLE UTF8=ACCEPT\r\nA2 SELECT Gr&APwA3w-e\r\nA3 LIST \"\" *\r\n"
    );
    completed(feed(&mut session, "A2 NO no such mailbox\r\n"));
    let done = completed(feed(
        &mut session,
        "* LIST () \".\" \"Grüße\"\r\n* LIST () \".\" \"&AOQ-\"\r\nA3 OK listed\r\n",
    ));
    let names: Vec<_> = done
        .into_result::<List>()
        .unwrap()
        .into_iter()
        .map(|item| item.mailbox)
        .collect();
    // After ENABLE, `&AOQ-` is a name of its own, not `ä` (RFC 6855 section 3).
    assert_eq!(names, [Mailbox::new("Grüße"), Mailbox::new("&AOQ-")]);
    session.send(&Select::new(names[1].clone())).unwrap();
    assert_eq!(output(&mut session), "A4 SELECT &AOQ-\r\n");
}

#[test]
fn enable_answered_without_enabled_keeps_modified_utf7() {
    let mut session = greeted("* PREAUTH [CAPABILITY IMAP4rev1 ENABLE] hi\r\n");
    session
        .send(&crate::Enable::new(vec![Capability::new("UTF8=ACCEPT")]))
        .unwrap();
    completed(feed(&mut session, "* ENABLED\r\nA1 OK nothing enabled\r\n"));
    assert!(!session.utf8_enabled());
    session.send(&Select::new("Grüße")).unwrap();
    assert_eq!(
        output(&mut session),
        "A1 ENABLE UTF8=ACCEPT\r\nA2 SELECT Gr&APwA3w-e\r\n"
    );
}

/// A session greeted without capabilities, over the network (not local).
fn over_the_network(greeting: &str) -> Session {
    let mut session = greeted(greeting);
    session.set_local(false);
    session
}

#[test]
fn everything_received_in_plaintext_is_forgotten_once_tls_is_up() {
    let mut session = greeted("* OK hi\r\n");
    session.send(&crate::CapabilityCommand::new()).unwrap();
    completed(feed(
        &mut session,
        "* LIST () \"/\" x\r\n* 54321 EXISTS\r\n* NO text\r\n* OK [ALERT] pay here\r\n\
         * OK [UIDVALIDITY 9] v\r\n* ENABLED UTF8=ACCEPT\r\n\
         * CAPABILITY IMAP4rev1 STARTTLS LITERAL+\r\nA1 OK done\r\n",
    ));
    assert!(session.unsolicited().count() >= 5);
    assert!(session.utf8_enabled());
    session.send(&StartTls::new()).unwrap();
    assert!(matches!(
        feed(&mut session, "A2 OK begin\r\n").unwrap(),
        Some(Event::StartTls(_))
    ));
    session.tls_established();
    assert_eq!(session.unsolicited().count(), 0);
    for name in [
        "LIST",
        "EXISTS",
        "NO",
        "ALERT",
        "UIDVALIDITY",
        "ENABLED",
        "CAPABILITY",
    ] {
        assert!(session.take_response(name).is_none(), "{name} survived TLS");
    }
    assert!(!session.utf8_enabled());
    assert_eq!(session.capabilities(), None);
    assert_eq!(session.dropped_unsolicited(), 0);
    assert!(session.greeting().is_some());
}

#[test]
fn login_under_logindisabled_is_refused_before_anything_is_written() {
    let mut session = greeted("* OK [CAPABILITY IMAP4rev1 LOGINDISABLED STARTTLS] hi\r\n");
    let error = session
        .send(&Login::new("alice", crate::types::Secret::new("secret")))
        .unwrap_err();
    assert!(matches!(error, Error::CredentialsRefused { .. }), "{error}");
    assert!(error.to_string().contains("STARTTLS") || error.to_string().contains("starttls"));
    assert_eq!(output(&mut session), "");
    assert!(session.broken().is_none());
}

#[test]
fn login_in_clear_over_the_network_is_refused_unless_allowed() {
    let mut session = over_the_network("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n");
    let login = Login::new("alice", crate::types::Secret::new("secret"));
    let error = session.send(&login).unwrap_err();
    assert!(matches!(error, Error::CredentialsRefused { .. }), "{error}");
    assert_eq!(output(&mut session), "");
    session.set_tls(true);
    session.send(&login).unwrap();
    assert!(output(&mut session).contains("LOGIN"));

    let mut allowed = Session::new(SessionOptions {
        allow_cleartext_credentials: true,
        ..SessionOptions::default()
    });
    allowed.receive(b"* OK [CAPABILITY IMAP4rev1] hi\r\n");
    allowed.poll().unwrap();
    allowed.send(&login).unwrap();
}

#[test]
fn authenticate_with_a_mechanism_not_offered_sends_nothing() {
    let mut session = greeted("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=SCRAM-SHA-256] hi\r\n");
    let error = session
        .authenticate(&Authenticate::new("PLAIN"), Box::new(Plain::new("a", "b")))
        .unwrap_err();
    assert!(error.to_string().contains("AUTH=PLAIN"), "{error}");
    assert_eq!(output(&mut session), "");
}

#[test]
fn a_revealing_mechanism_over_the_network_needs_tls() {
    let mut session = over_the_network("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n");
    let error = session
        .authenticate(&Authenticate::new("PLAIN"), Box::new(Plain::new("a", "b")))
        .unwrap_err();
    assert!(matches!(error, Error::CredentialsRefused { .. }), "{error}");
    assert_eq!(output(&mut session), "");
}

#[test]
fn a_code_during_a_command_goes_to_its_result_and_to_the_record() {
    let mut session = logged_in();
    session.send(&Noop::new()).unwrap();
    let done = completed(feed(
        &mut session,
        "* OK [ALERT] disk full\r\n* NO no code here\r\nA1 OK done\r\n",
    ));
    assert!(done
        .completed
        .codes
        .iter()
        .any(|code| matches!(code, Code::Alert)));
    let recorded: Vec<_> = session.take_unsolicited();
    assert_eq!(recorded.len(), 2);
    assert!(matches!(
        &recorded[0],
        Unsolicited::Status(StatusResponse { code: Some(Code::Alert), text, .. })
            if text.as_ref() == b"disk full"
    ));
}

#[test]
fn a_code_between_commands_is_recorded() {
    let mut session = logged_in();
    assert!(feed(&mut session, "* OK [ALERT] going down at noon\r\n")
        .unwrap()
        .is_none());
    assert!(matches!(
        session.take_response("ALERT"),
        Some(Unsolicited::Status(StatusResponse {
            code: Some(Code::Alert),
            ..
        }))
    ));
}

#[test]
fn a_code_during_idle_is_recorded_not_lost() {
    let mut session = greeted("* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi\r\n");
    session.send(&crate::Idle::new()).unwrap();
    assert!(matches!(
        feed(&mut session, "+ idling\r\n").unwrap(),
        Some(Event::IdleStarted)
    ));
    let mark = session.unsolicited_mark();
    feed(&mut session, "* OK [ALERT] maintenance\r\n").unwrap();
    assert!(matches!(
        session.next_unsolicited_since(mark),
        Some(Unsolicited::Status(StatusResponse {
            code: Some(Code::Alert),
            ..
        }))
    ));
}

#[test]
fn response_gives_what_select_received_once() {
    let mut session = logged_in();
    session.send(&Select::new("INBOX")).unwrap();
    completed(feed(
        &mut session,
        "* 3 EXISTS\r\n* 1 RECENT\r\n* FLAGS (\\Seen \\Deleted)\r\n\
         * OK [UIDVALIDITY 42] v\r\n* OK [UIDNEXT 9] n\r\n\
         * OK [PERMANENTFLAGS (\\Seen \\*)] p\r\nA1 OK [READ-WRITE] done\r\n",
    ));
    assert!(matches!(
        session.take_response("exists"),
        Some(Unsolicited::Data(Data::Exists(3)))
    ));
    assert!(session.take_response("EXISTS").is_none());
    assert!(matches!(
        session.take_response("RECENT"),
        Some(Unsolicited::Data(Data::Recent(1)))
    ));
    assert!(matches!(
        session.take_response("FLAGS"),
        Some(Unsolicited::Data(Data::Flags(_)))
    ));
    for (name, expected) in [
        ("UIDVALIDITY", Code::UidValidity(42)),
        ("UIDNEXT", Code::UidNext(9)),
        ("READ-WRITE", Code::ReadWrite),
    ] {
        match session.take_response(name) {
            Some(Unsolicited::Status(StatusResponse {
                code: Some(code), ..
            })) => {
                assert_eq!(format!("{code:?}"), format!("{expected:?}"))
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    assert!(session.take_response("PERMANENTFLAGS").is_some());
}

#[test]
fn the_newest_exists_wins_in_response() {
    let mut session = logged_in();
    session.send(&Select::new("INBOX")).unwrap();
    completed(feed(&mut session, "* 3 EXISTS\r\nA1 OK done\r\n"));
    feed(&mut session, "* 4 EXISTS\r\n").unwrap();
    assert!(matches!(
        session.take_response("EXISTS"),
        Some(Unsolicited::Data(Data::Exists(4)))
    ));
    assert!(session.take_response("EXISTS").is_none());
}

#[test]
fn once_utf8_is_enabled_a_plain_append_sends_utf8_literal8() {
    let mut session =
        greeted("* PREAUTH [CAPABILITY IMAP4rev1 ENABLE UTF8=ACCEPT LITERAL+] hi\r\n");
    session
        .send(&crate::Enable::new(vec![crate::types::Capability::new(
            "UTF8=ACCEPT",
        )]))
        .unwrap();
    completed(feed(&mut session, "* ENABLED UTF8=ACCEPT\r\nA1 OK\r\n"));
    output(&mut session);
    session.send(&Append::new("INBOX", b"Hi".to_vec())).unwrap();
    assert_eq!(
        output(&mut session),
        "A2 APPEND INBOX () UTF8 (~{2+}\r\nHi)\r\n"
    );
}

#[test]
fn once_utf8_is_enabled_a_search_charset_is_refused_before_sending() {
    let mut session = greeted("* PREAUTH [CAPABILITY IMAP4rev1 ENABLE UTF8=ACCEPT] hi\r\n");
    session
        .send(&crate::Enable::new(vec![crate::types::Capability::new(
            "UTF8=ACCEPT",
        )]))
        .unwrap();
    completed(feed(&mut session, "* ENABLED UTF8=ACCEPT\r\nA1 OK\r\n"));
    session.send(&Select::new("INBOX")).unwrap();
    completed(feed(&mut session, "* 0 EXISTS\r\nA2 OK\r\n"));
    output(&mut session);
    let search = crate::Search::new(crate::types::SearchKey::all()).charset("UTF-8");
    let error = session.send(&search).unwrap_err();
    assert!(error.to_string().contains("RFC 6855"), "{error}");
    assert_eq!(output(&mut session), "");
}
