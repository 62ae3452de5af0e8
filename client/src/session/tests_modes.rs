//! Modes a capability turns on (`[[mode]]`): IMAP4rev2 and UTF8=ACCEPT,
//! byte for byte. What each changes is declared in `spec/imap4rev2.toml`
//! and `spec/utf8.toml`; these tests check the session applies it.

use super::*;
use crate::types::{Capability, SearchKey, StatusItem};
use crate::{Create, Enable, NamespaceCommand, Search, Select, Status, UidSearch};

fn greeted(capabilities: &str) -> Session {
    let mut session = Session::new(SessionOptions {
        tag_prefix: Some("A".into()),
        ..SessionOptions::default()
    });
    session.receive(format!("* PREAUTH [CAPABILITY {capabilities}] hi\r\n").as_bytes());
    assert!(matches!(session.poll(), Ok(Some(Event::Greeting(_)))));
    session
}

/// Every event `bytes` gives, fed whole or one byte at a time.
fn events(session: &mut Session, bytes: &str, split: bool) -> Result<Vec<Event>, Error> {
    let pieces: Vec<&[u8]> = if split {
        bytes.as_bytes().chunks(1).collect()
    } else {
        vec![bytes.as_bytes()]
    };
    let mut events = Vec::new();
    for piece in pieces {
        session.receive(piece);
        while let Some(event) = session.poll()? {
            events.push(event);
        }
    }
    Ok(events)
}

fn done(mut events: Vec<Event>) -> Done {
    match events.pop() {
        Some(Event::Completed(done)) => done,
        other => panic!("expected a completion, got {other:?}"),
    }
}

fn output(session: &mut Session) -> String {
    String::from_utf8(session.take_output()).unwrap()
}

/// A session to a server advertising both versions, with IMAP4rev2
/// enabled and INBOX selected.
fn rev2_selected(split: bool) -> Session {
    let mut session = greeted("IMAP4rev1 IMAP4rev2 ENABLE");
    session
        .send(&Enable::new(vec![Capability::new("IMAP4rev2")]))
        .unwrap();
    let enabled = done(events(&mut session, "* ENABLED IMAP4rev2\r\nA1 OK\r\n", split).unwrap());
    assert_eq!(
        enabled.into_result::<Enable>().unwrap(),
        [Capability::new("IMAP4rev2")]
    );
    session.send(&Select::new("INBOX")).unwrap();
    done(
        events(
            &mut session,
            "* 9 EXISTS\r\nA2 OK [READ-WRITE] x\r\n",
            split,
        )
        .unwrap(),
    );
    session.take_output();
    session
}

#[test]
fn enabled_imap4rev2_is_the_version_in_force_and_names_turn_utf8() {
    let mut session = greeted("IMAP4rev1 IMAP4rev2 ENABLE");
    assert_eq!(session.protocol_version(), Some("IMAP4rev1"));
    assert!(!session.utf8_enabled());
    session
        .send(&Enable::new(vec![Capability::new("IMAP4rev2")]))
        .unwrap();
    done(events(&mut session, "* ENABLED IMAP4rev2\r\nA1 OK\r\n", false).unwrap());
    assert_eq!(session.protocol_version(), Some("IMAP4rev2"));
    assert!(session.utf8_enabled());
    let modes: Vec<&str> = session.modes().map(|mode| mode.capability).collect();
    assert_eq!(modes, ["IMAP4rev2"]);
    session.take_output();
    session.send(&Create::new("Grüße")).unwrap();
    assert_eq!(output(&mut session), "A2 CREATE \"Grüße\"\r\n");
}

#[test]
fn a_bare_ok_to_enable_imap4rev2_leaves_imap4rev1_in_force() {
    let mut session = greeted("IMAP4rev1 IMAP4rev2 ENABLE");
    session
        .send(&Enable::new(vec![Capability::new("IMAP4rev2")]))
        .unwrap();
    done(events(&mut session, "* ENABLED\r\nA1 OK\r\n", false).unwrap());
    assert_eq!(session.protocol_version(), Some("IMAP4rev1"));
    assert_eq!(session.modes().count(), 0);
    session.take_output();
    session.send(&Create::new("Grüße")).unwrap();
    assert_eq!(output(&mut session), "A2 CREATE Gr&APwA3w-e\r\n");
}

#[test]
fn a_server_speaking_only_imap4rev2_is_in_that_mode_without_enable() {
    let session = greeted("IMAP4rev2 AUTH=PLAIN");
    assert_eq!(session.protocol_version(), Some("IMAP4rev2"));
    assert!(session.utf8_enabled());
    assert_eq!(greeted("IMAP4 IDLE").protocol_version(), Some("IMAP4"));
}

#[test]
fn imap4rev2_includes_the_extensions_it_took_in() {
    // Advertising IMAP4rev2 is not enough while IMAP4rev1 is in force.
    let mut session = greeted("IMAP4rev1 IMAP4rev2");
    assert!(!session.has_capability("MOVE"));
    let error = session.send(&NamespaceCommand::new()).unwrap_err();
    assert!(matches!(error, Error::MissingCapability { .. }), "{error}");
    let mut session = greeted("IMAP4rev2");
    assert!(session.send(&NamespaceCommand::new()).is_ok());
    for included in [
        "MOVE",
        "ESEARCH",
        "LIST-EXTENDED",
        "STATUS=SIZE",
        "literal-",
    ] {
        assert!(session.has_capability(included), "{included}");
    }
    assert!(!session.has_capability("CONDSTORE"));
    assert_eq!(session.capabilities().map(<[_]>::len), Some(1));
}

#[test]
fn status_deleted_needs_imap4rev2_or_quota_res_message() {
    let mut session = greeted("IMAP4rev1");
    let status = || Status::new("INBOX", vec![StatusItem::deleted()]);
    let error = session.send(&status()).unwrap_err();
    assert!(
        error.to_string().contains("IMAP4rev2 or QUOTA=RES-MESSAGE"),
        "{error}"
    );
    assert!(greeted("IMAP4rev2").send(&status()).is_ok());
    assert!(greeted("IMAP4rev1 QUOTA=RES-MESSAGE")
        .send(&status())
        .is_ok());
}

#[test]
fn in_imap4rev2_search_returns_the_numbers_of_its_esearch() {
    for split in [false, true] {
        let mut session = rev2_selected(split);
        session.send(&Search::new(SearchKey::all())).unwrap();
        let found = done(
            events(
                &mut session,
                "* ESEARCH (TAG \"A3\") ALL 1:3,5,9:8\r\nA3 OK done\r\n",
                split,
            )
            .unwrap(),
        );
        assert_eq!(
            found.into_result::<Search>().unwrap(),
            [1, 2, 3, 5, 8, 9],
            "split {split}"
        );
        // Nothing found: no ALL at all.
        session.send(&UidSearch::new(SearchKey::all())).unwrap();
        let found = done(
            events(
                &mut session,
                "* ESEARCH (TAG \"A4\") UID\r\nA4 OK\r\n",
                split,
            )
            .unwrap(),
        );
        assert_eq!(found.into_result::<UidSearch>().unwrap(), Vec::<u32>::new());
    }
}

#[test]
fn a_search_still_takes_an_imap4rev1_answer() {
    let mut session = greeted("IMAP4rev1 ESEARCH");
    session.send(&Select::new("INBOX")).unwrap();
    done(events(&mut session, "* 3 EXISTS\r\nA1 OK\r\n", false).unwrap());
    session.send(&Search::new(SearchKey::all())).unwrap();
    let found = done(events(&mut session, "* SEARCH 3 1\r\nA2 OK\r\n", false).unwrap());
    assert_eq!(found.into_result::<Search>().unwrap(), [3, 1]);
}

#[test]
fn an_esearch_of_an_earlier_command_is_not_a_running_search_s_answer() {
    // A CONTEXT=SEARCH update names the tag of the SEARCH that asked for
    // updates, long completed.
    let mut session = rev2_selected(false);
    session.send(&Search::new(SearchKey::all())).unwrap();
    let found = done(
        events(
            &mut session,
            "* ESEARCH (TAG \"A1\") ADDTO (1 7)\r\n* ESEARCH (TAG \"A3\") ALL 2\r\nA3 OK\r\n",
            false,
        )
        .unwrap(),
    );
    assert_eq!(found.into_result::<Search>().unwrap(), [2]);
    assert_eq!(session.unsolicited().count(), 1);
}

#[test]
fn an_esearch_all_naming_millions_of_numbers_is_refused_and_the_session_goes_on() {
    let mut session = rev2_selected(false);
    session.send(&Search::new(SearchKey::all())).unwrap();
    let found = done(
        events(
            &mut session,
            "* ESEARCH (TAG \"A3\") ALL 1:4294967295\r\nA3 OK\r\n",
            false,
        )
        .unwrap(),
    );
    let error = found.into_result::<Search>().unwrap_err();
    assert!(
        matches!(&error, Error::BadResult { command, .. } if command == "SEARCH"),
        "{error}"
    );
    assert!(!error.is_fatal());
    assert!(session.broken().is_none());
    session.send(&Search::new(SearchKey::all())).unwrap();
    let found = done(
        events(
            &mut session,
            "* ESEARCH (TAG \"A4\") ALL 4\r\nA4 OK\r\n",
            false,
        )
        .unwrap(),
    );
    assert_eq!(found.into_result::<Search>().unwrap(), [4]);
}

#[test]
fn a_star_in_an_esearch_result_is_refused() {
    let mut session = rev2_selected(false);
    session.send(&Search::new(SearchKey::all())).unwrap();
    let found = done(
        events(
            &mut session,
            "* ESEARCH (TAG \"A3\") ALL 3:*\r\nA3 OK\r\n",
            false,
        )
        .unwrap(),
    );
    let error = found.into_result::<Search>().unwrap_err();
    assert!(error.to_string().contains('*'), "{error}");
    assert!(!error.is_fatal());
}

#[test]
fn utf8_accept_enabled_is_a_mode_with_its_append_and_charset_rules() {
    let mut session = greeted("IMAP4rev1 ENABLE UTF8=ACCEPT");
    session
        .send(&Enable::new(vec![Capability::new("UTF8=ACCEPT")]))
        .unwrap();
    done(events(&mut session, "* ENABLED UTF8=ACCEPT\r\nA1 OK\r\n", false).unwrap());
    assert!(session.utf8_enabled());
    assert_eq!(session.protocol_version(), Some("IMAP4rev1"));
    session.send(&Select::new("INBOX")).unwrap();
    done(events(&mut session, "* 1 EXISTS\r\nA2 OK\r\n", false).unwrap());
    let error = session
        .send(&Search::new(SearchKey::all()).charset("UTF-8"))
        .unwrap_err();
    assert!(matches!(error, Error::InvalidArgument { .. }), "{error}");
}

#[test]
fn in_imap4rev2_a_search_may_name_its_charset() {
    let mut session = rev2_selected(false);
    session
        .send(&Search::new(SearchKey::subject("Grüße")).charset("UTF-8"))
        .unwrap();
    assert_eq!(
        output(&mut session),
        "A3 SEARCH CHARSET UTF-8 SUBJECT \"Grüße\"\r\n"
    );
}
