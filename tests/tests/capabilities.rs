//! The capabilities a command needs, checked by the session before
//! anything is written: those its argument values carry (the search keys
//! and FETCH and STATUS attributes of an extension) and those that name a
//! value (THREAD's `THREAD=<algorithm>`). Scripted servers advertise
//! exactly what each test needs; each script then expects the next command
//! right after the refused one, so a refused command that was written
//! would fail the script. The same against Dovecot: `ext_sort.rs` (THREAD)
//! and `ext_modifiers.rs` (CONDSTORE).

use std::time::Duration;

use typed_imap::blocking::ClientOptions;
use typed_imap::transport::Timeouts;
use typed_imap::types::{FetchItem, SearchKey, Section, StatusItem, ThreadAlgorithm};
use typed_imap::{
    Error, Fetch, Noop, Search, Select, Status, ThreadCommand, UidFetch, UidThreadCommand,
};
use typed_imap_tests::both::Imap;
use typed_imap_tests::both_clients;
use typed_imap_tests::scripted::{Script, ScriptedServer};

both_clients!(
    thread_with_its_algorithm_advertised_is_sent,
    thread_with_an_algorithm_not_advertised_is_refused_before_anything_is_written,
    search_with_the_modseq_key_is_refused_without_condstore,
    fetch_of_an_extension_attribute_is_refused_without_its_capability,
    status_of_an_extension_attribute_is_refused_without_its_capability,
    condstore_items_are_sent_where_condstore_is_advertised,
);

/// A PREAUTH greeting with these capabilities, then a SELECT INBOX of two
/// messages.
fn selected_script(capabilities: &str) -> Script {
    Script::new()
        .send(format!(
            "* PREAUTH [CAPABILITY {}] ready\r\n",
            format!("IMAP4rev1 {capabilities}").trim_end()
        ))
        .expect_exact("SELECT INBOX")
        .send("* FLAGS (\\Seen)\r\n* 2 EXISTS\r\n{tag} OK [READ-WRITE] selected\r\n")
}

/// The client, INBOX selected. A command written by mistake fails the
/// script, and the client waits for its answer only so long.
fn selected_client<I: Imap>(server: &ScriptedServer) -> I {
    let options = ClientOptions {
        timeouts: Timeouts {
            read: Some(Duration::from_secs(5)),
            ..Timeouts::default()
        },
        ..ClientOptions::default()
    };
    let mut imap = I::connect("127.0.0.1", server.addr().port(), options).unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    imap
}

/// The command lines the client sent after SELECT.
fn sent_after_select(server: ScriptedServer) -> Vec<String> {
    let transcript = server.finish().unwrap();
    transcript
        .lines
        .iter()
        .skip(1)
        .map(|line| {
            let line = String::from_utf8_lossy(line);
            // Without the tag.
            line.split_once(' ')
                .map_or(line.to_string(), |(_, rest)| rest.to_owned())
        })
        .collect()
}

fn assert_refused<T: std::fmt::Debug>(result: Result<T, Error>, wanted: &str) {
    match result {
        Err(Error::MissingCapability { capability, .. }) => assert_eq!(capability, wanted),
        other => panic!("expected MissingCapability {wanted}, got {other:?}"),
    }
}

fn thread_with_its_algorithm_advertised_is_sent<I: Imap>() {
    let server = selected_script("THREAD=REFERENCES")
        .expect_exact("THREAD REFERENCES UTF-8 ALL")
        .send("* THREAD (1 2)\r\n{tag} OK threaded\r\n")
        .serve()
        .unwrap();
    let mut imap = selected_client::<I>(&server);
    let threads = imap
        .run(ThreadCommand::new(
            ThreadAlgorithm::References,
            "UTF-8",
            SearchKey::all(),
        ))
        .unwrap();
    assert_eq!(threads.len(), 1);
    assert_eq!(threads[0].all_messages(), [1, 2]);
    drop(imap);
    assert_eq!(sent_after_select(server), ["THREAD REFERENCES UTF-8 ALL"]);
}

fn thread_with_an_algorithm_not_advertised_is_refused_before_anything_is_written<I: Imap>() {
    let server = selected_script("THREAD=REFERENCES")
        .expect_exact("NOOP")
        .send("{tag} OK still here\r\n")
        .serve()
        .unwrap();
    let mut imap = selected_client::<I>(&server);
    assert_refused(
        imap.run(ThreadCommand::new(
            ThreadAlgorithm::OrderedSubject,
            "UTF-8",
            SearchKey::all(),
        )),
        "THREAD=ORDEREDSUBJECT",
    );
    assert_refused(
        imap.run(UidThreadCommand::new(
            ThreadAlgorithm::Refs,
            "UTF-8",
            SearchKey::all(),
        )),
        "THREAD=REFS",
    );
    // An algorithm the runtime does not name needs its own capability too.
    assert_refused(
        imap.run(ThreadCommand::new(
            ThreadAlgorithm::Other("X-NOSUCH".into()),
            "UTF-8",
            SearchKey::all(),
        )),
        "THREAD=X-NOSUCH",
    );
    imap.run(Noop::new()).unwrap();
    drop(imap);
    assert_eq!(sent_after_select(server), ["NOOP"]);
}

fn search_with_the_modseq_key_is_refused_without_condstore<I: Imap>() {
    let server = selected_script("ESEARCH")
        .expect_exact("NOOP")
        .send("{tag} OK still here\r\n")
        .serve()
        .unwrap();
    let mut imap = selected_client::<I>(&server);
    assert_refused(imap.run(Search::new(SearchKey::mod_seq(5u64))), "CONDSTORE");
    // Found however deep it is nested.
    let nested = SearchKey::seen().or(SearchKey::unseen() & !SearchKey::mod_seq(5u64));
    assert_refused(imap.run(Search::new(nested.clone())), "CONDSTORE");
    assert_refused(
        imap.run(typed_imap::SearchReturn::new(nested).all()),
        "CONDSTORE",
    );
    imap.run(Noop::new()).unwrap();
    drop(imap);
    assert_eq!(sent_after_select(server), ["NOOP"]);
}

fn fetch_of_an_extension_attribute_is_refused_without_its_capability<I: Imap>() {
    let server = selected_script("")
        .expect_exact("NOOP")
        .send("{tag} OK still here\r\n")
        .serve()
        .unwrap();
    let mut imap = selected_client::<I>(&server);
    assert_refused(
        imap.run(Fetch::new(1).items(FetchItem::uid() | FetchItem::mod_seq())),
        "CONDSTORE",
    );
    assert_refused(
        imap.run(UidFetch::new(1).items(FetchItem::mod_seq())),
        "CONDSTORE",
    );
    assert_refused(
        imap.run(Fetch::new(1).items(FetchItem::binary_peek(Section::default()))),
        "BINARY",
    );
    imap.run(Noop::new()).unwrap();
    drop(imap);
    assert_eq!(sent_after_select(server), ["NOOP"]);
}

fn status_of_an_extension_attribute_is_refused_without_its_capability<I: Imap>() {
    let server = selected_script("")
        .expect_exact("NOOP")
        .send("{tag} OK still here\r\n")
        .serve()
        .unwrap();
    let mut imap = selected_client::<I>(&server);
    assert_refused(
        imap.run(Status::new(
            "INBOX",
            vec![StatusItem::messages(), StatusItem::highest_mod_seq()],
        )),
        "CONDSTORE",
    );
    imap.run(Noop::new()).unwrap();
    drop(imap);
    assert_eq!(sent_after_select(server), ["NOOP"]);
}

fn condstore_items_are_sent_where_condstore_is_advertised<I: Imap>() {
    let server = selected_script("CONDSTORE")
        .expect_exact("SEARCH MODSEQ 5")
        .send("* SEARCH 2 (MODSEQ 9)\r\n{tag} OK found\r\n")
        .expect_exact("FETCH 2 (UID MODSEQ)")
        .send("* 2 FETCH (UID 12 MODSEQ (9))\r\n{tag} OK fetched\r\n")
        .expect_exact("STATUS INBOX (HIGHESTMODSEQ)")
        .send("* STATUS INBOX (HIGHESTMODSEQ 9)\r\n{tag} OK status\r\n")
        .serve()
        .unwrap();
    let mut imap = selected_client::<I>(&server);
    assert_eq!(
        imap.run(Search::new(SearchKey::mod_seq(5u64))).unwrap(),
        [2]
    );
    let fetched = imap
        .run(Fetch::new(2).items(FetchItem::uid() | FetchItem::mod_seq()))
        .unwrap();
    assert_eq!(fetched[0].message.mod_seq, Some(9));
    let status = imap
        .run(Status::new("INBOX", vec![StatusItem::highest_mod_seq()]))
        .unwrap();
    assert_eq!(status.attributes.highest_mod_seq, Some(9));
    drop(imap);
    server.finish().unwrap();
}
