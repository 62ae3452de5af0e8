//! The RFC 3501 command set and every extension typed-imap supports that
//! Stalwart 0.16 (`stalwart-lite`) advertises, against a private Stalwart,
//! in IMAP4rev1 mode and after `ENABLE IMAP4rev2` (RFC 9051).
//!
//! Where Stalwart is wrong, the test is named after what it does, says what
//! the RFC asks instead, and asserts what typed-imap reports of what the
//! server really sent. The IMAP4rev2 tests run after `ENABLE IMAP4rev2`.

use std::time::{Duration, Instant};

use typed_imap::blocking::ClientOptions;
use typed_imap::chrono::{DateTime, FixedOffset};
use typed_imap::command::State;
use typed_imap::session::Unsolicited;
use typed_imap::transport::TlsConfig;
use typed_imap::types::{
    AppendMessage, Capability, FetchItem, Flag, IdFields, Right, SearchKey, Section, SectionText,
    SequenceSet, SortKey, StatusItem, ThreadAlgorithm,
};
use typed_imap::{
    Append, Code, Copy as CopyMessages, Create, Data, Delete, DeleteAcl, Enable, Error, Examine,
    Expunge, Fetch, Fetched, GetAcl, GetJmapAccess, GetQuotaRoot, Id, List, ListExtended, ListItem,
    ListRights, MailboxAttribute, MyRights, NamespaceCommand, Noop, Rename, Search, SearchReturn,
    Select, SetAcl, Sort, Status, Store, Subscribe, ThreadCommand, UidExpunge, UidFetch, UidMove,
    Unauthenticate, Unselect,
};
use typed_imap_tests::both::{Idling, Imap};
use typed_imap_tests::both_clients;
use typed_imap_tests::dovecot::User;
use typed_imap_tests::logs;
use typed_imap_tests::messages::sample_message;
use typed_imap_tests::stalwart::{Options, Stalwart};
use typed_imap_tests::views::first_body;

both_clients!(
    starttls_then_login,
    implicit_tls_greeting_carries_rev2_and_rev1_capabilities,
    capabilities_after_login_add_the_extensions,
    wrong_password_is_no_and_the_connection_goes_on,
    authenticate_plain_with_sasl_ir,
    authenticate_oauthbearer_with_a_token_from_the_server,
    authenticate_xoauth2_with_a_token_from_the_server,
    unauthenticate_then_login_as_another_user_on_the_same_connection,
    capabilities_after_unauthenticate_are_those_before_login,
    unauthenticate_ends_what_enable_turned_on,
    getjmapaccess_is_bad_although_jmapaccess_is_advertised,
    id_names_the_server_before_and_after_login,
    namespace_is_one_personal_namespace,
    list_shows_the_default_mailboxes_with_their_special_use,
    create_rename_delete_a_name_with_a_space_and_non_ascii,
    append_with_flags_and_date_keeps_both_and_the_bytes,
    select_reports_counts_uids_and_permanent_flags,
    examine_is_read_only,
    select_of_a_missing_mailbox_is_no_and_leaves_none_selected,
    search_by_subject_sender_and_flags,
    fetch_sections_of_a_multipart_message,
    fetch_of_body_sets_seen_and_body_peek_does_not,
    store_returns_the_new_flags_keywords_included,
    copy_then_status_counts_the_copies,
    expunge_returns_the_expunged_sequence_numbers,
    idle_sees_an_append_from_a_second_connection,
    enable_of_an_unknown_capability_is_bad,
    rfc822_text_includes_the_header,
    search_header_message_id_finds_nothing,
    search_with_an_unknown_charset_is_not_refused,
    noop_after_an_append_to_the_selected_mailbox_sends_fetch_but_no_exists,
    esearch_all_with_min_and_max_holds_only_those_two,
    select_counts_no_message_as_recent,
    search_modseq_leaves_out_the_message_whose_modseq_equals_the_value,
    copyuid_pairs_sorted_uids_whatever_order_the_copies_take,
    esearch_count_min_max_of_a_search,
    enable_condstore_is_listed_enabled,
    condstore_select_then_fetch_changed_since_and_status_highestmodseq,
    qresync_select_reports_vanished_earlier,
    uidplus_append_and_copy_report_uids_and_uid_expunge_removes_only_those,
    uid_move_reports_copyuid_and_the_messages_leave,
    unselect_leaves_deleted_messages_in_place,
    list_extended_special_use_subscribed_children_and_status,
    create_with_use_gives_the_mailbox_its_special_use,
    multiappend_adds_three_messages_in_one_command,
    quota_root_of_inbox_reports_storage_in_kib,
    sort_by_subject_reverse_date_and_thread_by_references,
    binary_peek_decodes_a_base64_part,
    literal_plus_appends_without_waiting,
    utf8_accept_names_travel_as_utf8_once_enabled,
    acl_set_get_list_my_rights_and_delete,
    acl_commands_on_a_mailbox_created_in_this_session_are_no_until_a_list,
    rev2_enable_is_answered_enabled_and_the_session_goes_on,
    rev2_select_sends_no_recent,
    rev2_list_create_rename_delete,
    rev2_append_then_fetch_flags_date_and_sections,
    rev2_store_copy_and_expunge,
    rev2_search_return_gives_min_max_and_count,
    rev2_idle_sees_an_append_from_a_second_connection,
    rev2_search_is_answered_by_esearch_and_returns_the_numbers,
    rev2_uid_search_is_answered_by_esearch_and_returns_the_uids,
    rev2_names_travel_as_utf8,
    rev2_status_size_and_deleted_are_read_typed,
    rev2_list_extended_returns_special_use_children_and_status,
    harness_users_log_in_with_quotes_backslashes_and_non_ascii_passwords,
);

fn trust(server: &Stalwart) -> TlsConfig {
    TlsConfig::custom_roots_pem(server.authority_pem().as_bytes()).unwrap()
}

fn connect_tls<I: Imap>(server: &Stalwart) -> I {
    I::connect_tls(
        "localhost",
        server.tls_addr().port(),
        &trust(server),
        ClientOptions::default(),
    )
    .unwrap()
}

fn password<'a>(server: &'a Stalwart, user: &str) -> &'a str {
    &server.user(user).unwrap().password
}

fn logged_in<I: Imap>(server: &Stalwart) -> I {
    let mut imap = connect_tls::<I>(server);
    imap.login("alice", password(server, "alice")).unwrap();
    imap
}

/// Alice's INBOX holding `count` sample messages, selected.
fn inbox_with<I: Imap>(server: &Stalwart, count: usize) -> I {
    server
        .fill("alice", "INBOX", (0..count).map(|n| sample_message(n, 400)))
        .unwrap();
    let mut imap = logged_in::<I>(server);
    imap.run(Select::new("INBOX")).unwrap();
    imap
}

/// A session that has enabled IMAP4rev2.
fn rev2<I: Imap>(server: &Stalwart) -> I {
    let mut imap = logged_in::<I>(server);
    let enabled = imap
        .run(Enable::new(vec![Capability::new("IMAP4rev2")]))
        .unwrap();
    assert_eq!(enabled, [Capability::new("IMAP4rev2")]);
    imap
}

fn date(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

/// The one FETCH record of a one-message FETCH.
fn only(fetched: Vec<Fetched>) -> Fetched {
    let count = fetched.len();
    let mut records = fetched.into_iter();
    match (records.next(), records.next()) {
        (Some(one), None) => one,
        _ => panic!("expected one FETCH record, got {count}"),
    }
}

fn flags_of<I: Imap>(imap: &mut I, seq: u32) -> Vec<Flag> {
    let fetched = imap.run(Fetch::new(seq).items(FetchItem::flags())).unwrap();
    only(fetched).message.flags.unwrap()
}

fn names(items: &[ListItem]) -> Vec<String> {
    items
        .iter()
        .map(|item| item.mailbox.as_str().to_owned())
        .collect()
}

fn attribute(name: &str) -> MailboxAttribute {
    MailboxAttribute::from_wire(&format!("\\{name}"))
}

/// Every message's subject in the selected mailbox, in order.
fn subjects<I: Imap>(imap: &mut I) -> Vec<String> {
    let fetched = imap
        .run(Fetch::new(SequenceSet::all()).items(FetchItem::envelope()))
        .unwrap();
    fetched
        .iter()
        .map(|one| {
            let subject = one.message.envelope.as_ref().unwrap().subject().unwrap();
            String::from_utf8_lossy(subject).into_owned()
        })
        .collect()
}

/// Stalwart indexes text for SEARCH after an APPEND returns: a text search
/// is repeated until it gives `expected` or two seconds pass.
fn search_eventually<I: Imap>(imap: &mut I, key: SearchKey, expected: &[u32]) -> Vec<u32> {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let found = imap.run(Search::new(key.clone())).unwrap();
        if found == expected || Instant::now() > deadline {
            return found;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A message whose FETCH sections differ from each other: a header, and a
/// body of two parts with their own MIME headers.
const MULTIPART: &[u8] = b"From: Alice <alice@example.org>\r\n\
To: Bob <bob@example.org>\r\n\
Subject: two parts\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b\"\r\n\
\r\n\
--b\r\n\
Content-Type: text/plain\r\n\
\r\n\
part one\r\n\
--b\r\n\
Content-Type: text/html\r\n\
\r\n\
<p>two</p>\r\n\
--b--\r\n";

/// The default mailboxes of a new account and their special use.
const DEFAULT_MAILBOXES: [(&str, Option<&str>); 5] = [
    ("INBOX", None),
    ("Deleted Items", Some("Trash")),
    ("Drafts", Some("Drafts")),
    ("Junk Mail", Some("Junk")),
    ("Sent Items", Some("Sent")),
];

// ---------------------------------------------------------------------
// Connecting and logging in.

fn starttls_then_login<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = I::connect_starttls(
        "127.0.0.1",
        server.plain_addr().port(),
        &trust(&server),
        ClientOptions::default(),
    )
    .unwrap();
    assert!(imap.is_tls());
    assert!(
        !imap.has_capability("STARTTLS").unwrap(),
        "capabilities re-read after TLS"
    );
    imap.login("alice", password(&server, "alice")).unwrap();
    assert_eq!(imap.state(), State::Authenticated);
    imap.logout().unwrap();
    assert_eq!(imap.state(), State::Logout);
}

fn implicit_tls_greeting_carries_rev2_and_rev1_capabilities<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = connect_tls::<I>(&server);
    let greeting = imap.greeting().unwrap();
    assert_eq!(
        &greeting.text[..],
        b"Stalwart IMAP4rev2 at your service.",
        "{greeting:?}"
    );
    for name in [
        "IMAP4rev2",
        "IMAP4rev1",
        "ENABLE",
        "SASL-IR",
        "LITERAL+",
        "ID",
        "UTF8=ACCEPT",
        "AUTH=PLAIN",
    ] {
        assert!(imap.has_capability(name).unwrap(), "{name}");
    }
    assert!(!imap.has_capability("STARTTLS").unwrap());
    // Advertised beside IMAP4rev1, IMAP4rev2 is in force only once enabled.
    assert_eq!(imap.protocol_version().unwrap(), "IMAP4rev1");
}

fn capabilities_after_login_add_the_extensions<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    let after: Vec<String> = imap
        .capabilities()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    for name in [
        "IDLE",
        "NAMESPACE",
        "CHILDREN",
        "MULTIAPPEND",
        "BINARY",
        "UNSELECT",
        "ACL",
        "UIDPLUS",
        "ESEARCH",
        "SORT",
        "THREAD=REFERENCES",
        "LIST-EXTENDED",
        "LIST-STATUS",
        "SPECIAL-USE",
        "CREATE-SPECIAL-USE",
        "MOVE",
        "CONDSTORE",
        "QRESYNC",
        "QUOTA",
        "QUOTA=RES-STORAGE",
    ] {
        assert!(after.iter().any(|c| c == name), "{name} in {after:?}");
    }
    assert!(!after.iter().any(|c| c.starts_with("AUTH=")), "{after:?}");
}

fn wrong_password_is_no_and_the_connection_goes_on<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = connect_tls::<I>(&server);
    let error = imap.login("alice", "wrong").unwrap_err();
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
    imap.run(Noop::new()).unwrap();
    imap.login("alice", password(&server, "alice")).unwrap();
    assert_eq!(imap.state(), State::Authenticated);
}

fn authenticate_plain_with_sasl_ir<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = connect_tls::<I>(&server);
    imap.authenticate(typed_imap::auth::Plain::new(
        "bob",
        password(&server, "bob"),
    ))
    .unwrap();
    assert_eq!(imap.state(), State::Authenticated);
    imap.run(Select::new("INBOX")).unwrap();
}

/// OAUTHBEARER (RFC 7628) with a token from Stalwart's own OAuth server.
fn authenticate_oauthbearer_with_a_token_from_the_server<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let token = server.oauth_token("alice").unwrap();
    let mut imap = connect_tls::<I>(&server);
    imap.authenticate(typed_imap::auth::OAuthBearer::new("alice", token.as_str()))
        .unwrap();
    assert_eq!(imap.state(), State::Authenticated);
    imap.run(Select::new("INBOX")).unwrap();
}

/// XOAUTH2 (Google's mechanism) with the same kind of token; a wrong
/// token is a NO and the connection goes on.
fn authenticate_xoauth2_with_a_token_from_the_server<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let token = server.oauth_token("alice").unwrap();
    let mut imap = connect_tls::<I>(&server);
    let error = imap
        .authenticate(typed_imap::auth::XOAuth2::new("alice", "not-a-token"))
        .unwrap_err();
    assert!(matches!(error, Error::No { .. }), "{error}");
    imap.authenticate(typed_imap::auth::XOAuth2::new("alice", token.as_str()))
        .unwrap();
    assert_eq!(imap.state(), State::Authenticated);
}

/// UNAUTHENTICATE (RFC 8437) from the selected state: the connection is
/// not authenticated again, a command of the logged-in states is refused
/// before sending, and a login as another user sees that user's INBOX.
fn unauthenticate_then_login_as_another_user_on_the_same_connection<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 2);
    assert_eq!(imap.mailbox().unwrap().exists, 2);
    imap.run(Unauthenticate::new()).unwrap();
    assert_eq!(imap.state(), State::NotAuthenticated);
    assert!(imap.mailbox().is_none());
    let error = imap.run(Select::new("INBOX")).unwrap_err();
    assert!(matches!(error, Error::State { .. }), "{error:?}");
    imap.login("bob", password(&server, "bob")).unwrap();
    let bobs = imap.run(Select::new("INBOX")).unwrap();
    assert_eq!(bobs.exists, 0, "bob's INBOX, not alice's");
    imap.run(Unauthenticate::new()).unwrap();
    imap.login("alice", password(&server, "alice")).unwrap();
    assert_eq!(imap.run(Select::new("INBOX")).unwrap().exists, 2);
}

/// Stalwart advertises UNAUTHENTICATE only once logged in, and its OK
/// carries no capabilities: they are asked again, and are those of a new
/// connection.
fn capabilities_after_unauthenticate_are_those_before_login<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = connect_tls::<I>(&server);
    let before = imap.capabilities().unwrap().to_vec();
    assert!(!imap.has_capability("UNAUTHENTICATE").unwrap());
    imap.login("alice", password(&server, "alice")).unwrap();
    assert!(imap.has_capability("UNAUTHENTICATE").unwrap());
    imap.run(Unauthenticate::new()).unwrap();
    assert_eq!(imap.capabilities().unwrap(), before);
}

/// What ENABLE turned on ends with the login: IMAP4rev2 enabled, then
/// UNAUTHENTICATE and a new login, and the session speaks IMAP4rev1 again.
fn unauthenticate_ends_what_enable_turned_on<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = rev2::<I>(&server);
    assert_eq!(imap.protocol_version().unwrap(), "IMAP4rev2");
    imap.run(Unauthenticate::new()).unwrap();
    imap.login("alice", password(&server, "alice")).unwrap();
    assert_eq!(imap.protocol_version().unwrap(), "IMAP4rev1");
    assert!(!imap.utf8_enabled());
}

/// Stalwart 0.16 advertises JMAPACCESS (RFC 9698) before and after login
/// but knows no GETJMAPACCESS command, the extension's only way to learn
/// the URL (section 4 asks a server advertising it to answer with a
/// `* JMAPACCESS` response): the BAD is typed and the session goes on.
/// `ext_session::getjmapaccess_returns_the_jmap_session_url` shows the
/// answer the RFC asks for.
fn getjmapaccess_is_bad_although_jmapaccess_is_advertised<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    assert!(imap.has_capability("JMAPACCESS").unwrap());
    let error = imap.run(GetJmapAccess::new()).unwrap_err();
    assert!(
        matches!(&error, Error::Bad { command, code: Some(Code::Parse), .. } if command == "GETJMAPACCESS"),
        "{error:?}"
    );
    imap.run(Noop::new()).unwrap();
}

fn id_names_the_server_before_and_after_login<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = connect_tls::<I>(&server);
    let before = imap
        .run(Id::new(IdFields::from([("name", "typed-imap")])))
        .unwrap()
        .expect("Stalwart sends fields");
    assert_eq!(before.get("name"), Some(&b"Stalwart"[..]), "{before:?}");
    imap.login("alice", password(&server, "alice")).unwrap();
    let after = imap.run(Id::new(None)).unwrap().expect("fields");
    assert_eq!(after.get("name"), before.get("name"));
}

// ---------------------------------------------------------------------
// Mailboxes.

fn namespace_is_one_personal_namespace<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    let namespaces = imap.run(NamespaceCommand::new()).unwrap();
    let personal = namespaces.personal.clone().expect("a personal namespace");
    assert_eq!(personal.len(), 1, "{personal:?}");
    assert_eq!(personal[0].prefix.as_str(), "");
    assert_eq!(personal[0].delimiter, Some('/'));
    assert!(namespaces.other_users.is_none(), "{namespaces:?}");
}

fn list_shows_the_default_mailboxes_with_their_special_use<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    let listed = imap.run(List::new("", "*")).unwrap();
    let mut seen: Vec<(String, Option<char>, bool)> = Vec::new();
    for (name, use_) in DEFAULT_MAILBOXES {
        let item = listed
            .iter()
            .find(|item| item.mailbox.as_str() == name)
            .unwrap_or_else(|| panic!("{name} in {listed:?}"));
        let has_use = use_.is_none_or(|use_| item.attributes.contains(&attribute(use_)));
        seen.push((name.to_owned(), item.delimiter, has_use));
    }
    let expected: Vec<(String, Option<char>, bool)> = DEFAULT_MAILBOXES
        .iter()
        .map(|(name, _)| (name.to_string(), Some('/'), true))
        .collect();
    assert_eq!(seen, expected);
    assert_eq!(listed.len(), DEFAULT_MAILBOXES.len(), "{listed:?}");
}

fn create_rename_delete_a_name_with_a_space_and_non_ascii<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    let created = |imap: &mut I| -> Vec<String> {
        let listed = imap.run(List::new("", "*")).unwrap();
        let mut names = names(&listed);
        names.retain(|name| !DEFAULT_MAILBOXES.iter().any(|(d, _)| d == name));
        names
    };
    imap.run(Create::new("Spaced Ü/Child")).unwrap();
    assert_eq!(created(&mut imap), ["Spaced Ü", "Spaced Ü/Child"]);
    imap.run(Rename::new("Spaced Ü", "Umbenannt €")).unwrap();
    assert_eq!(created(&mut imap), ["Umbenannt €", "Umbenannt €/Child"]);
    imap.run(Delete::new("Umbenannt €/Child")).unwrap();
    imap.run(Delete::new("Umbenannt €")).unwrap();
    assert!(created(&mut imap).is_empty());
    let error = imap.run(Delete::new("Umbenannt €")).unwrap_err();
    assert!(matches!(error, Error::No { .. }), "{error}");
}

// ---------------------------------------------------------------------
// APPEND, SELECT, EXAMINE.

fn append_with_flags_and_date_keeps_both_and_the_bytes<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    imap.run(Create::new("Archive")).unwrap();
    let message = sample_message(1, 600);
    let arrival = date("2020-01-01T10:00:00+01:00");
    imap.run(
        Append::new("Archive", message.clone())
            .flags(vec![
                Flag::Seen,
                Flag::Flagged,
                Flag::keyword("$Work").unwrap(),
            ])
            .internal_date(arrival),
    )
    .unwrap();
    imap.run(Select::new("Archive")).unwrap();
    let fetched = imap
        .run(Fetch::new(1).items(
            FetchItem::flags()
                | FetchItem::internal_date()
                | FetchItem::rfc822_size()
                | FetchItem::body_peek(Section::default()),
        ))
        .unwrap();
    let one = only(fetched);
    let mut flags = one.message.flags.clone().unwrap();
    flags.sort_by_key(|flag| flag.to_string());
    assert_eq!(
        flags,
        [Flag::keyword("$Work").unwrap(), Flag::Flagged, Flag::Seen]
    );
    assert_eq!(one.message.internal_date, Some(arrival));
    assert_eq!(first_body(&one).map(|b| b.to_vec()), Some(message.clone()));
    assert_eq!(one.message.rfc822_size, Some(message.len() as u32));
}

fn select_reports_counts_uids_and_permanent_flags<I: Imap>() {
    let server = Stalwart::start().unwrap();
    server
        .fill("alice", "INBOX", (0..3).map(|n| sample_message(n, 300)))
        .unwrap();
    let mut imap = logged_in::<I>(&server);
    let selected = imap.run(Select::new("INBOX")).unwrap();
    assert_eq!(selected.exists, 3);
    assert_eq!(selected.uid_next, Some(4));
    assert!(selected.uid_validity.is_some());
    assert!(!selected.read_only);
    let permanent = selected.permanent_flags.unwrap();
    assert!(permanent.contains(&Flag::Seen), "{permanent:?}");
    assert!(permanent.contains(&Flag::MayCreate), "{permanent:?}");
    assert_eq!(imap.state(), State::Selected);
}

fn examine_is_read_only<I: Imap>() {
    let server = Stalwart::start().unwrap();
    server
        .fill("alice", "INBOX", [sample_message(0, 300)])
        .unwrap();
    let mut imap = logged_in::<I>(&server);
    let examined = imap.run(Examine::new("INBOX")).unwrap();
    assert!(examined.read_only);
    assert_eq!(examined.exists, 1);
    let error = imap
        .run(Store::new(1).add_flags(vec![Flag::Flagged]))
        .unwrap_err();
    assert!(
        matches!(&error, Error::No { code: None, text, .. } if text == "Not permitted in EXAMINE state."),
        "{error}"
    );
}

fn select_of_a_missing_mailbox_is_no_and_leaves_none_selected<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 1);
    let error = imap.run(Select::new("No Such Box")).unwrap_err();
    assert!(matches!(error, Error::No { .. }), "{error}");
    assert_eq!(imap.state(), State::Authenticated);
    assert!(imap.mailbox().is_none());
}

// ---------------------------------------------------------------------
// SEARCH.

fn search_by_subject_sender_and_flags<I: Imap>() {
    let server = Stalwart::start().unwrap();
    // Messages 1 and 4 are from bob (sample_message 0 and 3).
    let mut imap = inbox_with::<I>(&server, 4);
    assert_eq!(
        search_eventually(&mut imap, SearchKey::subject("message 2"), &[3]),
        [3]
    );
    assert_eq!(
        search_eventually(&mut imap, SearchKey::from("bob@example.org"), &[1, 4]),
        [1, 4]
    );
    imap.run(Store::new(2).add_flags(vec![Flag::Flagged]))
        .unwrap();
    assert_eq!(imap.run(Search::new(SearchKey::flagged())).unwrap(), [2]);
    assert_eq!(
        imap.run(Search::new(
            !SearchKey::flagged() & SearchKey::from("alice")
        ))
        .unwrap(),
        [3]
    );
    assert!(imap
        .run(Search::new(SearchKey::subject("nowhere")))
        .unwrap()
        .is_empty());
}

// ---------------------------------------------------------------------
// FETCH.

fn fetch_sections_of_a_multipart_message<I: Imap>() {
    let server = Stalwart::start().unwrap();
    server.fill("alice", "INBOX", [MULTIPART]).unwrap();
    let mut imap = logged_in::<I>(&server);
    imap.run(Select::new("INBOX")).unwrap();
    let part = |part: Vec<u32>, text: Option<SectionText>| Section { part, text };
    let fetched = imap
        .run(Fetch::new(1).items(
            FetchItem::body_peek(part(vec![1], None))
                | FetchItem::body_peek(part(vec![2], Some(SectionText::Mime)))
                | FetchItem::body_peek(part(vec![], Some(SectionText::Header)))
                | FetchItem::body_peek(part(vec![], Some(SectionText::Text))).partial(0, 10)
                | FetchItem::rfc822_size()
                | FetchItem::envelope()
                | FetchItem::body_structure(),
        ))
        .unwrap();
    let one = only(fetched);
    let sections: Vec<(String, Option<u32>, Vec<u8>)> = one
        .message
        .body_sections
        .iter()
        .map(|(section, body)| {
            (
                section.section.to_string(),
                section.origin,
                body.as_ref().unwrap().to_vec(),
            )
        })
        .collect();
    let header_end = MULTIPART.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    assert_eq!(
        sections,
        [
            ("1".to_owned(), None, b"part one".to_vec()),
            (
                "2.MIME".to_owned(),
                None,
                b"Content-Type: text/html\r\n\r\n".to_vec()
            ),
            ("HEADER".to_owned(), None, MULTIPART[..header_end].to_vec()),
            ("TEXT".to_owned(), Some(0), b"--b\r\nConte".to_vec()),
        ]
    );
    assert_eq!(one.message.rfc822_size, Some(MULTIPART.len() as u32));
    let envelope = one.message.envelope.as_ref().unwrap();
    assert_eq!(envelope.subject(), Some(&b"two parts"[..]));
    let structure = one.message.body_structure.as_ref().unwrap();
    let parts: Vec<(Vec<u32>, u32)> = structure
        .numbered_parts()
        .iter()
        .map(|(number, part)| (number.clone(), part.octets()))
        .collect();
    assert_eq!(parts, [(vec![1], 8), (vec![2], 10)]);
}

fn fetch_of_body_sets_seen_and_body_peek_does_not<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 2);
    imap.run(Fetch::new(1).items(FetchItem::body_peek(Section::default())))
        .unwrap();
    assert!(!flags_of(&mut imap, 1).contains(&Flag::Seen));
    let fetched = imap
        .run(Fetch::new(2).items(FetchItem::body_section(Section::default())))
        .unwrap();
    assert_eq!(
        first_body(&only(fetched)).map(|b| b.len()),
        Some(sample_message(1, 400).len())
    );
    assert!(flags_of(&mut imap, 2).contains(&Flag::Seen));
}

// ---------------------------------------------------------------------
// STORE, COPY, STATUS, EXPUNGE.

fn store_returns_the_new_flags_keywords_included<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 2);
    let stored = imap
        .run(Store::new(1..=2).add_flags(vec![Flag::Answered, Flag::keyword("$Work").unwrap()]))
        .unwrap();
    for fetched in &stored {
        let flags = fetched.message.flags.as_ref().unwrap();
        assert!(flags.contains(&Flag::Answered), "{flags:?}");
        assert!(
            flags.contains(&Flag::keyword("$Work").unwrap()),
            "{flags:?}"
        );
    }
    // In any order: Stalwart sends message 2's FETCH first.
    let mut seqs: Vec<u32> = stored.iter().map(|f| f.seq).collect();
    seqs.sort();
    assert_eq!(seqs, [1, 2]);
    let removed = imap
        .run(Store::new(1).remove_flags(vec![Flag::Answered]))
        .unwrap();
    assert!(!only(removed)
        .message
        .flags
        .unwrap()
        .contains(&Flag::Answered));
}

fn copy_then_status_counts_the_copies<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 3);
    imap.run(Create::new("Archive")).unwrap();
    imap.run(CopyMessages::new(2..=3, "Archive")).unwrap();
    let status = imap
        .run(Status::new(
            "Archive",
            vec![
                StatusItem::messages(),
                StatusItem::unseen(),
                StatusItem::uid_next(),
            ],
        ))
        .unwrap();
    assert_eq!(status.mailbox.as_str(), "Archive");
    assert_eq!(status.attributes.messages, Some(2));
    assert_eq!(status.attributes.unseen, Some(2));
    assert_eq!(status.attributes.uid_next, Some(3));
    imap.run(Examine::new("Archive")).unwrap();
    // In any order (see copyuid_pairs_sorted_uids_whatever_order_the_copies_take).
    let mut copied = subjects(&mut imap);
    copied.sort();
    assert_eq!(copied, ["Sample message 1", "Sample message 2"]);
}

fn expunge_returns_the_expunged_sequence_numbers<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 4);
    imap.run(Store::new(vec![2, 3]).add_flags(vec![Flag::Deleted]))
        .unwrap();
    let expunged = imap.run(Expunge::new()).unwrap();
    assert_eq!(expunged, [2, 2]);
    assert_eq!(imap.mailbox().unwrap().exists, 2);
    assert_eq!(
        subjects(&mut imap),
        ["Sample message 0", "Sample message 3"]
    );
}

// ---------------------------------------------------------------------
// IDLE.

fn idle_sees_an_append_from_a_second_connection<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 2);
    let mut idler = imap.idle().unwrap();
    server
        .fill("alice", "INBOX", [sample_message(9, 300)])
        .unwrap();
    let event = idler.wait(Duration::from_secs(5)).unwrap();
    assert!(event.is_some(), "an event within 5 s");
    idler.done().unwrap();
    assert_eq!(imap.state(), State::Selected);
    assert_eq!(imap.mailbox().unwrap().exists, 3);
}

// ---------------------------------------------------------------------
// Stalwart's deviations, asserted as they are.

/// RFC 5161 section 3.1: ENABLE of a capability the server does not know
/// is ignored (OK, not listed in ENABLED). Stalwart answers BAD.
fn enable_of_an_unknown_capability_is_bad<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    let error = imap
        .run(Enable::new(vec![
            Capability::new("CONDSTORE"),
            Capability::new("X-UNKNOWN"),
        ]))
        .unwrap_err();
    assert!(matches!(error, Error::Bad { .. }), "{error}");
    imap.run(Noop::new()).unwrap();
}

/// RFC 3501 6.4.5: RFC822.TEXT is BODY[TEXT], the body without the
/// header. Stalwart sends the whole message.
fn rfc822_text_includes_the_header<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let message = sample_message(0, 400);
    let mut imap = inbox_with::<I>(&server, 1);
    let fetched = imap
        .run(Fetch::new(1).items(FetchItem::rfc822_text()))
        .unwrap();
    let text = only(fetched).message.rfc822_text.unwrap().unwrap();
    assert_eq!(&text[..], &message[..]);
}

/// RFC 3501 6.4.4: HEADER field-name string matches messages whose header
/// has that field containing the string. Stalwart finds nothing for
/// Message-ID.
fn search_header_message_id_finds_nothing<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 2);
    let key = SearchKey::header("Message-ID", "sample-1@typed-imap.invalid");
    let found = search_eventually(&mut imap, key, &[2]);
    assert!(found.is_empty(), "{found:?}");
}

/// RFC 3501 6.4.4: a SEARCH with a charset the server does not know is NO
/// with BADCHARSET. Stalwart answers it.
fn search_with_an_unknown_charset_is_not_refused<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 2);
    let found = imap
        .run(Search::new(SearchKey::all()).charset("X-NO-SUCH-CHARSET"))
        .unwrap();
    assert_eq!(found, [1, 2]);
}

/// RFC 3501 7.3.1: the server reports a mailbox's new size with EXISTS.
/// After an APPEND to the selected mailbox, Stalwart answers the next NOOP
/// with the new message's FETCH but no EXISTS: the client's count stays.
fn noop_after_an_append_to_the_selected_mailbox_sends_fetch_but_no_exists<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 1);
    imap.run(Append::new("INBOX", sample_message(5, 300)))
        .unwrap();
    imap.take_unsolicited();
    imap.run(Noop::new()).unwrap();
    let unsolicited = imap.take_unsolicited();
    let fetched: Vec<u32> = unsolicited
        .iter()
        .filter_map(|u| match u {
            Unsolicited::Data(Data::Fetch(f)) => Some(f.seq),
            _ => None,
        })
        .collect();
    assert_eq!(fetched, [2], "{unsolicited:?}");
    assert_eq!(imap.mailbox().unwrap().exists, 1, "{unsolicited:?}");
}

/// RFC 4731 3.1: ALL is every message found. With MIN or MAX asked too,
/// Stalwart's ALL holds only the minimum and the maximum.
fn esearch_all_with_min_and_max_holds_only_those_two<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 3);
    let found = imap
        .run(
            SearchReturn::new(SearchKey::all())
                .min()
                .max()
                .count()
                .all(),
        )
        .unwrap();
    assert_eq!(found.data.min, Some(1));
    assert_eq!(found.data.max, Some(3));
    assert_eq!(found.data.count, Some(3));
    assert_eq!(found.data.all.unwrap().to_string(), "1,3");
    let all = imap.run(SearchReturn::new(SearchKey::all()).all()).unwrap();
    assert_eq!(all.data.all.unwrap().to_string(), "1:3");
}

/// RFC 3501 7.3.2: RECENT counts the messages this session is the first
/// to see. Stalwart always sends `* 0 RECENT` (RFC 9051 dropped
/// `\Recent`; Stalwart sends none of it in IMAP4rev1 mode either).
fn select_counts_no_message_as_recent<I: Imap>() {
    let server = Stalwart::start().unwrap();
    server
        .fill("alice", "INBOX", (0..3).map(|n| sample_message(n, 300)))
        .unwrap();
    let mut imap = logged_in::<I>(&server);
    let selected = imap.run(Select::new("INBOX")).unwrap();
    assert_eq!((selected.exists, selected.recent), (3, Some(0)));
    let flags = flags_of(&mut imap, 1);
    assert!(!flags.contains(&Flag::Recent), "{flags:?}");
}

/// RFC 7162 3.1.5: SEARCH MODSEQ finds the messages whose mod-sequence is
/// equal to or greater than the value. Stalwart leaves out those equal to
/// it.
fn search_modseq_leaves_out_the_message_whose_modseq_equals_the_value<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 3);
    imap.run(Store::new(2).add_flags(vec![Flag::Flagged]))
        .unwrap();
    let mod_seqs: Vec<u64> = imap
        .run(Fetch::new(SequenceSet::all()).items(FetchItem::mod_seq()))
        .unwrap()
        .iter()
        .map(|f| f.message.mod_seq.unwrap())
        .collect();
    // Message 2 changed last, so its mod-sequence is the highest.
    assert!(
        mod_seqs[1] > mod_seqs[2] && mod_seqs[2] > mod_seqs[0],
        "{mod_seqs:?}"
    );
    let found = imap
        .run(Search::new(SearchKey::mod_seq(mod_seqs[2])))
        .unwrap();
    assert_eq!(found, [2], "RFC 7162 wants [2, 3]");
    let found = imap
        .run(Search::new(SearchKey::mod_seq(mod_seqs[2] - 1)))
        .unwrap();
    assert_eq!(found, [2, 3]);
}

/// RFC 4315 section 3: in COPYUID the n-th source UID was copied to the
/// n-th destination UID. Stalwart copies the messages in a hash map's
/// order, then sorts both UID lists apart: COPYUID always reads `1:4 1:4`
/// here, while the copies land in any order. Five copies of four messages
/// all landing in order would happen once in eight million runs.
fn copyuid_pairs_sorted_uids_whatever_order_the_copies_take<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 4);
    let subject_of = |imap: &mut I| -> Vec<(u32, String)> {
        let fetched = imap
            .run(UidFetch::new(SequenceSet::all()).items(FetchItem::envelope()))
            .unwrap();
        fetched
            .iter()
            .map(|one| {
                let subject = one.message.envelope.as_ref().unwrap().subject().unwrap();
                (
                    one.message.uid.unwrap(),
                    String::from_utf8_lossy(subject).into_owned(),
                )
            })
            .collect()
    };
    let sources = subject_of(&mut imap);
    let mut wrong_pairs = 0;
    for attempt in 0..5 {
        let mailbox = format!("Copy {attempt}");
        imap.run(Create::new(mailbox.as_str())).unwrap();
        imap.run(Select::new("INBOX")).unwrap();
        let (_, codes) = imap
            .run_with_codes(typed_imap::UidCopy::new(1..=4, mailbox.as_str()))
            .unwrap();
        let Some(Code::CopyUid(copy_uid)) = codes.last() else {
            panic!("expected [COPYUID ...], got {codes:?}");
        };
        assert_eq!(
            (
                copy_uid.source.to_string(),
                copy_uid.destination.to_string()
            ),
            ("1:4".to_owned(), "1:4".to_owned())
        );
        imap.run(Examine::new(mailbox.as_str())).unwrap();
        let copies = subject_of(&mut imap);
        let mut landed: Vec<&str> = copies.iter().map(|(_, s)| s.as_str()).collect();
        landed.sort();
        let mut sent: Vec<&str> = sources.iter().map(|(_, s)| s.as_str()).collect();
        sent.sort();
        assert_eq!(landed, sent, "every message copied once");
        let paired = copy_uid.source.iter().zip(copy_uid.destination.iter());
        wrong_pairs += paired
            .filter(|(source, destination)| {
                let subject = |list: &[(u32, String)], uid: u32| {
                    list.iter().find(|(u, _)| *u == uid).map(|(_, s)| s.clone())
                };
                subject(&sources, *source) != subject(&copies, *destination)
            })
            .count();
    }
    assert!(wrong_pairs > 0, "every COPYUID pair was right");
}

// ---------------------------------------------------------------------
// Extensions.

fn esearch_count_min_max_of_a_search<I: Imap>() {
    let server = Stalwart::start().unwrap();
    // Every third sample message is from bob: 1, 4 and 7.
    let mut imap = inbox_with::<I>(&server, 8);
    search_eventually(&mut imap, SearchKey::from("bob"), &[1, 4, 7]);
    let found = imap
        .run(
            SearchReturn::new(SearchKey::from("bob"))
                .min()
                .max()
                .count(),
        )
        .unwrap();
    assert!(!found.uid);
    assert_eq!(
        (found.data.min, found.data.max, found.data.count),
        (Some(1), Some(7), Some(3))
    );
}

fn enable_condstore_is_listed_enabled<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    let enabled = imap
        .run(Enable::new(vec![Capability::new("CONDSTORE")]))
        .unwrap();
    assert_eq!(enabled, [Capability::new("CONDSTORE")]);
}

fn condstore_select_then_fetch_changed_since_and_status_highestmodseq<I: Imap>() {
    let server = Stalwart::start().unwrap();
    server
        .fill("alice", "INBOX", (0..3).map(|n| sample_message(n, 300)))
        .unwrap();
    let mut imap = logged_in::<I>(&server);
    let selected = imap.run(Select::new("INBOX").condstore()).unwrap();
    let highest = selected.highest_mod_seq.expect("HIGHESTMODSEQ");
    imap.run(Store::new(2).add_flags(vec![Flag::Flagged]))
        .unwrap();
    let changed = imap
        .run(
            Fetch::new(SequenceSet::all())
                .items(FetchItem::flags())
                .changed_since(highest),
        )
        .unwrap();
    assert_eq!(changed.iter().map(|f| f.seq).collect::<Vec<_>>(), [2]);
    let mod_seq = changed[0].message.mod_seq.expect("MODSEQ");
    assert!(mod_seq > highest, "{mod_seq} > {highest}");
    let status = imap
        .run(Status::new("INBOX", vec![StatusItem::highest_mod_seq()]))
        .unwrap();
    assert_eq!(status.attributes.highest_mod_seq, Some(mod_seq));
}

fn qresync_select_reports_vanished_earlier<I: Imap>() {
    let server = Stalwart::start().unwrap();
    server
        .fill("alice", "INBOX", (0..3).map(|n| sample_message(n, 300)))
        .unwrap();
    let mut first = logged_in::<I>(&server);
    let selected = first.run(Select::new("INBOX").condstore()).unwrap();
    let (uid_validity, highest) = (
        selected.uid_validity.unwrap(),
        selected.highest_mod_seq.unwrap(),
    );
    first
        .run(Store::new(2).add_flags(vec![Flag::Deleted]))
        .unwrap();
    first.run(Expunge::new()).unwrap();
    first.logout().unwrap();

    let mut again = logged_in::<I>(&server);
    again
        .run(Enable::new(vec![Capability::new("QRESYNC")]))
        .unwrap();
    let params = typed_imap::types::QresyncParams::new(uid_validity, highest);
    let selected = again.run(Select::new("INBOX").qresync(params)).unwrap();
    assert_eq!(selected.exists, 2);
    assert_eq!(selected.vanished.len(), 1, "{:?}", selected.vanished);
    assert!(selected.vanished[0].earlier);
    assert_eq!(selected.vanished[0].uids.to_string(), "2");
}

fn uidplus_append_and_copy_report_uids_and_uid_expunge_removes_only_those<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    let (_, codes) = imap
        .run_with_codes(Append::new("INBOX", sample_message(0, 300)))
        .unwrap();
    let Some(Code::AppendUid(append_uid)) = codes.last() else {
        panic!("expected [APPENDUID ...], got {codes:?}");
    };
    assert_eq!(append_uid.uids.to_string(), "1");
    server
        .fill("alice", "INBOX", (1..4).map(|n| sample_message(n, 300)))
        .unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    imap.run(Create::new("Archive")).unwrap();
    let (_, codes) = imap
        .run_with_codes(typed_imap::UidCopy::new(vec![2, 4], "Archive"))
        .unwrap();
    let Some(Code::CopyUid(copy_uid)) = codes.last() else {
        panic!("expected [COPYUID ...], got {codes:?}");
    };
    assert_eq!(copy_uid.source.to_string(), "2,4");
    assert_eq!(copy_uid.destination.to_string(), "1:2");
    imap.run(Store::new(SequenceSet::all()).add_flags(vec![Flag::Deleted]))
        .unwrap();
    imap.run(UidExpunge::new(vec![2, 4])).unwrap();
    assert_eq!(imap.mailbox().unwrap().exists, 2);
    let left = imap
        .run(typed_imap::UidSearch::new(SearchKey::all()))
        .unwrap();
    assert_eq!(left, [1, 3]);
}

fn uid_move_reports_copyuid_and_the_messages_leave<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 4);
    imap.run(Create::new("Archive")).unwrap();
    let moved = imap.run(UidMove::new(vec![2, 3], "Archive")).unwrap();
    let copy_uid = moved.copy_uid.expect("COPYUID");
    assert_eq!(copy_uid.source.to_string(), "2:3");
    assert_eq!(copy_uid.destination.to_string(), "1:2");
    assert_eq!(imap.mailbox().unwrap().exists, 2);
    let archive = imap
        .run(Status::new("Archive", vec![StatusItem::messages()]))
        .unwrap();
    assert_eq!(archive.attributes.messages, Some(2));
}

fn unselect_leaves_deleted_messages_in_place<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 2);
    imap.run(Store::new(SequenceSet::all()).add_flags(vec![Flag::Deleted]))
        .unwrap();
    imap.run(Unselect::new()).unwrap();
    assert_eq!(imap.state(), State::Authenticated);
    assert_eq!(imap.run(Examine::new("INBOX")).unwrap().exists, 2);
}

fn list_extended_special_use_subscribed_children_and_status<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 2);
    imap.run(Create::new("Parent/Child")).unwrap();
    imap.run(Subscribe::new("Parent/Child")).unwrap();
    let special = imap.run(ListExtended::new("", "*").special_use()).unwrap();
    let mut special_names = names(&special.mailboxes);
    special_names.sort();
    assert_eq!(
        special_names,
        ["Deleted Items", "Drafts", "Junk Mail", "Sent Items"]
    );
    let children = imap
        .run(ListExtended::new("", "%").return_children())
        .unwrap();
    let parent = children
        .mailboxes
        .iter()
        .find(|m| m.mailbox.as_str() == "Parent")
        .unwrap();
    assert!(
        parent.attributes.contains(&attribute("HasChildren")),
        "{parent:?}"
    );
    let subscribed = imap.run(ListExtended::new("", "*").subscribed()).unwrap();
    assert!(names(&subscribed.mailboxes).contains(&"Parent/Child".to_owned()));
    let with_status = imap
        .run(ListExtended::new("", "INBOX").status(vec![StatusItem::messages()]))
        .unwrap();
    assert_eq!(with_status.statuses.len(), 1);
    assert_eq!(with_status.statuses[0].attributes.messages, Some(2));
}

fn create_with_use_gives_the_mailbox_its_special_use<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    imap.run(Create::new("Receipts").special_use(vec![Flag::Extension("Archive".into())]))
        .unwrap();
    let listed = imap
        .run(ListExtended::new("", "Receipts").return_special_use())
        .unwrap();
    assert!(
        listed.mailboxes[0]
            .attributes
            .contains(&attribute("Archive")),
        "{listed:?}"
    );
}

fn multiappend_adds_three_messages_in_one_command<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    imap.run(
        Append::new("INBOX", sample_message(1, 300)).more_messages(vec![
            AppendMessage::new(sample_message(2, 300)).flags([Flag::Seen]),
            AppendMessage::new(sample_message(3, 300)),
        ]),
    )
    .unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    assert_eq!(
        subjects(&mut imap),
        ["Sample message 1", "Sample message 2", "Sample message 3"]
    );
    assert!(flags_of(&mut imap, 2).contains(&Flag::Seen));
}

fn quota_root_of_inbox_reports_storage_in_kib<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    let reply = imap.run(GetQuotaRoot::new("INBOX")).unwrap();
    assert_eq!(reply.roots.mailbox.as_str(), "INBOX");
    assert_eq!(reply.roots.roots.len(), 1, "{reply:?}");
    assert_eq!(reply.quotas.len(), 1, "{reply:?}");
    let storage = reply.quotas[0]
        .resources
        .iter()
        .find(|r| r.is("STORAGE"))
        .unwrap();
    assert_eq!(storage.limit, 100 * 1024, "100 MiB in KiB");
}

fn sort_by_subject_reverse_date_and_thread_by_references<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = inbox_with::<I>(&server, 3);
    // Stalwart sorts from its index, filled after the APPENDs returned:
    // repeated until it gives the order or two seconds pass.
    let deadline = Instant::now() + Duration::from_secs(2);
    let sorted = loop {
        let sorted = imap
            .run(Sort::new(
                vec![SortKey::subject().reverse()],
                "UTF-8",
                SearchKey::all(),
            ))
            .unwrap();
        if sorted == [3, 2, 1] || Instant::now() > deadline {
            break sorted;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(sorted, [3, 2, 1]);
    let threads = imap
        .run(ThreadCommand::new(
            ThreadAlgorithm::References,
            "UTF-8",
            SearchKey::all(),
        ))
        .unwrap();
    assert_eq!(threads.len(), 3, "{threads:?}");
}

fn binary_peek_decodes_a_base64_part<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let message = b"From: a@example.org\r\nSubject: bin\r\nMIME-Version: 1.0\r\n\
Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n\
AAECAwQF/w==\r\n";
    server.fill("alice", "INBOX", [&message[..]]).unwrap();
    let mut imap = logged_in::<I>(&server);
    imap.run(Select::new("INBOX")).unwrap();
    let fetched = imap
        .run(Fetch::new(1).items(FetchItem::binary_peek(Section {
            part: vec![1],
            text: None,
        })))
        .unwrap();
    let one = only(fetched);
    let (_, data) = one.message.binary_sections.first().unwrap();
    assert_eq!(data.as_deref(), Some(&[0, 1, 2, 3, 4, 5, 255][..]));
}

fn literal_plus_appends_without_waiting<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    let (result, trace) = logs::capture(|| imap.run(Append::new("INBOX", sample_message(1, 300))));
    result.unwrap();
    let length = sample_message(1, 300).len();
    assert!(trace.contains(&format!("{{{length}+}}")), "{trace}");
}

fn utf8_accept_names_travel_as_utf8_once_enabled<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    let enabled = imap
        .run(Enable::new(vec![Capability::new("UTF8=ACCEPT")]))
        .unwrap();
    assert_eq!(enabled, [Capability::new("UTF8=ACCEPT")]);
    assert!(imap.utf8_enabled());
    imap.run(Create::new("Grüße")).unwrap();
    let listed = imap.run(List::new("", "Grüße")).unwrap();
    assert_eq!(names(&listed), ["Grüße"]);
    // A session without UTF8=ACCEPT sees the same mailbox.
    let mut other = logged_in::<I>(&server);
    assert_eq!(
        names(&other.run(List::new("", "Grüße")).unwrap()),
        ["Grüße"]
    );
}

/// The rights of `identifier` in an ACL, as sorted letters.
fn letters_of(acl: &typed_imap::MailboxAcl, identifier: &str) -> Option<Vec<char>> {
    acl.entries
        .iter()
        .find(|e| e.identifier.as_ref() == identifier.as_bytes())
        .map(|e| {
            let mut letters: Vec<char> = e.rights.rights().iter().map(|r| r.letter()).collect();
            letters.sort_unstable();
            letters
        })
}

/// RFC 4314 section 4 lets a server tie rights together: Stalwart's
/// LISTRIGHTS groups `ws`, so granting `s` grants `w` too.
fn acl_set_get_list_my_rights_and_delete<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    imap.run(Create::new("Shared")).unwrap();
    // See acl_commands_on_a_mailbox_created_in_this_session_are_no_until_a_list.
    imap.run(List::new("", "Shared")).unwrap();
    imap.run(SetAcl::new("Shared", "bob").set_rights([Right::Lookup, Right::Read, Right::Seen]))
        .unwrap();
    let acl = imap.run(GetAcl::new("Shared")).unwrap();
    assert_eq!(letters_of(&acl, "bob"), Some(vec!['l', 'r', 's', 'w']));
    assert!(
        letters_of(&acl, "alice").is_some_and(|l| l.contains(&'a')),
        "{acl:?}"
    );
    let listed = imap.run(ListRights::new("Shared", "bob")).unwrap();
    let groups: Vec<String> = listed.optional.iter().map(|g| g.to_string()).collect();
    assert!(groups.iter().any(|g| g == "ws"), "{groups:?}");
    let mine = imap.run(MyRights::new("Shared")).unwrap();
    assert!(mine.rights.contains(Right::Administer), "{}", mine.rights);
    imap.run(DeleteAcl::new("Shared", "bob")).unwrap();
    let acl = imap.run(GetAcl::new("Shared")).unwrap();
    assert_eq!(letters_of(&acl, "bob"), None);
}

/// RFC 4314: GETACL, SETACL and MYRIGHTS work on any existing mailbox.
/// Stalwart answers `NO Mailbox does not exist.` for a mailbox created in
/// the same session until a LIST has refreshed the session's view.
fn acl_commands_on_a_mailbox_created_in_this_session_are_no_until_a_list<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = logged_in::<I>(&server);
    imap.run(Create::new("Shared")).unwrap();
    let error = imap.run(GetAcl::new("Shared")).unwrap_err();
    assert!(
        matches!(&error, Error::No { text, .. } if text == "Mailbox does not exist."),
        "{error}"
    );
    let error = imap.run(MyRights::new("Shared")).unwrap_err();
    assert!(matches!(error, Error::No { .. }), "{error}");
    imap.run(List::new("", "*")).unwrap();
    imap.run(GetAcl::new("Shared")).unwrap();
}

// ---------------------------------------------------------------------
// IMAP4rev2 mode (ENABLE IMAP4rev2).

fn rev2_enable_is_answered_enabled_and_the_session_goes_on<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = rev2::<I>(&server);
    assert_eq!(imap.protocol_version().unwrap(), "IMAP4rev2");
    imap.run(Noop::new()).unwrap();
    assert_eq!(imap.state(), State::Authenticated);
}

fn rev2_select_sends_no_recent<I: Imap>() {
    let server = Stalwart::start().unwrap();
    server
        .fill("alice", "INBOX", (0..2).map(|n| sample_message(n, 300)))
        .unwrap();
    let mut imap = rev2::<I>(&server);
    let selected = imap.run(Select::new("INBOX")).unwrap();
    assert_eq!(selected.exists, 2);
    assert_eq!(selected.recent, None);
    assert_eq!(selected.uid_next, Some(3));
    assert!(!selected.read_only);
    let examined = imap.run(Examine::new("INBOX")).unwrap();
    assert!(examined.read_only);
}

fn rev2_list_create_rename_delete<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = rev2::<I>(&server);
    imap.run(Create::new("Work/Projects")).unwrap();
    imap.run(Rename::new("Work/Projects", "Work/Done")).unwrap();
    let listed = imap.run(List::new("", "Work*")).unwrap();
    let mut listed = names(&listed);
    listed.sort();
    assert_eq!(listed, ["Work", "Work/Done"]);
    imap.run(Delete::new("Work/Done")).unwrap();
    assert_eq!(
        names(&imap.run(List::new("", "Work/*")).unwrap()),
        Vec::<String>::new()
    );
}

fn rev2_append_then_fetch_flags_date_and_sections<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = rev2::<I>(&server);
    let arrival = date("2021-06-01T08:30:00+02:00");
    imap.run(
        Append::new("INBOX", MULTIPART.to_vec())
            .flags(vec![Flag::Flagged])
            .internal_date(arrival),
    )
    .unwrap();
    imap.run(Select::new("INBOX")).unwrap();
    let fetched = imap
        .run(Fetch::new(1).items(
            FetchItem::flags()
                | FetchItem::internal_date()
                | FetchItem::body_peek(Section {
                    part: vec![2],
                    text: None,
                })
                | FetchItem::rfc822_size(),
        ))
        .unwrap();
    let one = only(fetched);
    assert_eq!(one.message.flags, Some(vec![Flag::Flagged]));
    assert_eq!(one.message.internal_date, Some(arrival));
    assert_eq!(one.message.rfc822_size, Some(MULTIPART.len() as u32));
    assert_eq!(
        first_body(&one).map(|b| b.to_vec()),
        Some(b"<p>two</p>".to_vec())
    );
}

fn rev2_store_copy_and_expunge<I: Imap>() {
    let server = Stalwart::start().unwrap();
    server
        .fill("alice", "INBOX", (0..3).map(|n| sample_message(n, 300)))
        .unwrap();
    let mut imap = rev2::<I>(&server);
    imap.run(Select::new("INBOX")).unwrap();
    let stored = imap
        .run(Store::new(2).add_flags(vec![Flag::Deleted]))
        .unwrap();
    assert_eq!(only(stored).message.flags, Some(vec![Flag::Deleted]));
    imap.run(Create::new("Archive")).unwrap();
    imap.run(CopyMessages::new(2, "Archive")).unwrap();
    assert_eq!(imap.run(Expunge::new()).unwrap(), [2]);
    assert_eq!(imap.mailbox().unwrap().exists, 2);
    let status = imap
        .run(Status::new("Archive", vec![StatusItem::messages()]))
        .unwrap();
    assert_eq!(status.attributes.messages, Some(1));
}

fn rev2_search_return_gives_min_max_and_count<I: Imap>() {
    let server = Stalwart::start().unwrap();
    server
        .fill("alice", "INBOX", (0..3).map(|n| sample_message(n, 300)))
        .unwrap();
    let mut imap = rev2::<I>(&server);
    imap.run(Select::new("INBOX")).unwrap();
    let found = imap
        .run(SearchReturn::new(SearchKey::all()).min().max().count())
        .unwrap();
    assert_eq!(
        (found.data.min, found.data.max, found.data.count),
        (Some(1), Some(3), Some(3))
    );
}

fn rev2_idle_sees_an_append_from_a_second_connection<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = rev2::<I>(&server);
    imap.run(Select::new("INBOX")).unwrap();
    let mut idler = imap.idle().unwrap();
    server
        .fill("alice", "INBOX", [sample_message(1, 300)])
        .unwrap();
    assert!(idler.wait(Duration::from_secs(5)).unwrap().is_some());
    idler.done().unwrap();
    assert_eq!(imap.mailbox().unwrap().exists, 1);
}

/// RFC 9051 6.4.4: in IMAP4rev2 SEARCH is answered with ESEARCH (Stalwart:
/// `* ESEARCH (TAG "..") ALL 1:3`); `Search` must return the same numbers
/// as in IMAP4rev1.
fn rev2_search_is_answered_by_esearch_and_returns_the_numbers<I: Imap>() {
    let server = Stalwart::start().unwrap();
    server
        .fill("alice", "INBOX", (0..3).map(|n| sample_message(n, 300)))
        .unwrap();
    let mut imap = rev2::<I>(&server);
    imap.run(Select::new("INBOX")).unwrap();
    assert_eq!(imap.run(Search::new(SearchKey::all())).unwrap(), [1, 2, 3]);
    assert_eq!(
        imap.run(Search::new(SearchKey::subject("nowhere")))
            .unwrap(),
        Vec::<u32>::new()
    );
}

/// The same for UID SEARCH (`* ESEARCH (TAG "..") UID ALL 1:3`).
fn rev2_uid_search_is_answered_by_esearch_and_returns_the_uids<I: Imap>() {
    let server = Stalwart::start().unwrap();
    server
        .fill("alice", "INBOX", (0..3).map(|n| sample_message(n, 300)))
        .unwrap();
    let mut imap = rev2::<I>(&server);
    imap.run(Select::new("INBOX")).unwrap();
    assert_eq!(
        imap.run(typed_imap::UidSearch::new(SearchKey::all()))
            .unwrap(),
        [1, 2, 3]
    );
}

/// RFC 9051 5.1: in IMAP4rev2 mailbox names are UTF-8 on the wire, not
/// modified UTF-7: after ENABLE IMAP4rev2 the client must send "Grüße" as
/// UTF-8, so that an IMAP4rev1 session (which Stalwart answers in modified
/// UTF-7) sees the same name.
fn rev2_names_travel_as_utf8<I: Imap>() {
    let server = Stalwart::start().unwrap();
    let mut imap = rev2::<I>(&server);
    imap.run(Create::new("Grüße")).unwrap();
    assert_eq!(names(&imap.run(List::new("", "Gr*")).unwrap()), ["Grüße"]);
    let mut rev1 = logged_in::<I>(&server);
    assert_eq!(names(&rev1.run(List::new("", "Gr*")).unwrap()), ["Grüße"]);
}

/// The RFC822.SIZE of every message in the selected mailbox, summed.
fn sum_of_sizes<I: Imap>(imap: &mut I) -> u64 {
    let fetched = imap
        .run(Fetch::new(SequenceSet::all()).items(FetchItem::rfc822_size()))
        .unwrap();
    fetched
        .iter()
        .map(|one| u64::from(one.message.rfc822_size.unwrap()))
        .sum()
}

/// RFC 9051 6.3.11: in IMAP4rev2, STATUS SIZE is the sum of the messages'
/// RFC822.SIZE and DELETED the number of messages marked `\Deleted`.
/// Three messages, two of them marked; the mailbox is unselected (without
/// EXPUNGE) before STATUS, as RFC 9051 advises against STATUS on the
/// selected mailbox.
fn rev2_status_size_and_deleted_are_read_typed<I: Imap>() {
    let server = Stalwart::start().unwrap();
    server
        .fill(
            "alice",
            "INBOX",
            [300, 1_000, 4_321]
                .iter()
                .enumerate()
                .map(|(n, s)| sample_message(n, *s)),
        )
        .unwrap();
    let mut imap = rev2::<I>(&server);
    imap.run(Select::new("INBOX")).unwrap();
    let size = sum_of_sizes(&mut imap);
    imap.run(Store::new(SequenceSet::from(vec![1, 3])).add_flags(vec![Flag::Deleted]))
        .unwrap();
    imap.run(Unselect::new()).unwrap();
    let status = imap
        .run(Status::new(
            "INBOX",
            vec![
                StatusItem::messages(),
                StatusItem::size(),
                StatusItem::deleted(),
            ],
        ))
        .unwrap();
    assert_eq!(status.attributes.messages, Some(3));
    assert_eq!(status.attributes.size, Some(size));
    assert_eq!(status.attributes.deleted, Some(2));
}

/// RFC 9051 6.3.9: LIST's extended form is part of IMAP4rev2. One LIST
/// with RETURN (SPECIAL-USE CHILDREN STATUS (MESSAGES SIZE DELETED)) gives
/// each mailbox its special use and children attributes, and a STATUS for
/// each selectable one: INBOX holds two messages, one marked `\Deleted`.
fn rev2_list_extended_returns_special_use_children_and_status<I: Imap>() {
    let server = Stalwart::start().unwrap();
    server
        .fill("alice", "INBOX", (0..2).map(|n| sample_message(n, 500)))
        .unwrap();
    let mut imap = rev2::<I>(&server);
    imap.run(Select::new("INBOX")).unwrap();
    let size = sum_of_sizes(&mut imap);
    imap.run(Store::new(2).add_flags(vec![Flag::Deleted]))
        .unwrap();
    imap.run(Unselect::new()).unwrap();
    imap.run(Create::new("Parent/Child")).unwrap();
    let listed = imap
        .run(
            ListExtended::new("", "*")
                .return_special_use()
                .return_children()
                .status(vec![
                    StatusItem::messages(),
                    StatusItem::size(),
                    StatusItem::deleted(),
                ]),
        )
        .unwrap();
    let item = |name: &str| {
        listed
            .mailboxes
            .iter()
            .find(|m| m.mailbox.as_str() == name)
            .unwrap_or_else(|| panic!("{name} among {:?}", listed.mailboxes))
    };
    assert!(item("Drafts").attributes.contains(&attribute("Drafts")));
    assert!(item("Sent Items").attributes.contains(&attribute("Sent")));
    assert!(item("Parent")
        .attributes
        .contains(&attribute("HasChildren")));
    let child = &item("Parent/Child").attributes;
    assert!(child.contains(&attribute("HasNoChildren")), "{child:?}");
    let inbox = listed
        .statuses
        .iter()
        .find(|s| s.mailbox.as_str() == "INBOX")
        .expect("a STATUS for INBOX");
    assert_eq!(
        (
            inbox.attributes.messages,
            inbox.attributes.size,
            inbox.attributes.deleted
        ),
        (Some(2), Some(size), Some(1))
    );
    let drafts = listed
        .statuses
        .iter()
        .find(|s| s.mailbox.as_str() == "Drafts")
        .expect("a STATUS for Drafts");
    assert_eq!(drafts.attributes.messages, Some(0));
}

// ---------------------------------------------------------------------
// The harness itself.

fn harness_users_log_in_with_quotes_backslashes_and_non_ascii_passwords<I: Imap>() {
    let server = Stalwart::start_with(Options {
        users: vec![User::new("carol", "p\"a\\ss wörd {1}")],
        ..Options::default()
    })
    .unwrap();
    let mut imap = connect_tls::<I>(&server);
    imap.login("carol", "p\"a\\ss wörd {1}").unwrap();
    assert_eq!(imap.state(), State::Authenticated);
    let mut other = connect_tls::<I>(&server);
    assert!(other.login("carol", "p\"a\\ss wörd").is_err());
}

#[test]
fn harness_refuses_an_upper_case_user_name_before_start() {
    let error = Stalwart::start_with(Options {
        users: vec![User::new("Carol", "secret")],
        ..Options::default()
    })
    .unwrap_err();
    assert!(error.to_string().contains("lower-case"), "{error}");
}

#[test]
fn harness_fill_keeps_the_messages_in_order_and_byte_identical() {
    let server = Stalwart::start().unwrap();
    let messages: Vec<Vec<u8>> = (0..3).map(|n| sample_message(n, 500 + n)).collect();
    assert_eq!(server.fill("alice", "Drafts", &messages).unwrap(), 3);
    let mut raw = server.raw_login("alice").unwrap();
    assert!(raw.command("EXAMINE Drafts").unwrap().is_ok());
    let reply = raw.command("FETCH 1:3 BODY.PEEK[]").unwrap();
    let expected: Vec<Vec<u8>> = messages
        .iter()
        .enumerate()
        .map(|(n, message)| {
            let mut line =
                format!("* {} FETCH (BODY[] {{{}}}\r\n", n + 1, message.len()).into_bytes();
            line.extend_from_slice(message);
            line.push(b')');
            line
        })
        .collect();
    assert_eq!(reply.untagged, expected);
}

#[test]
fn harness_stops_stalwart_leaving_nothing() {
    let server = Stalwart::start().unwrap();
    let (dir, pid) = (server.dir().to_owned(), server.pid());
    assert!(server.log().contains("Stalwart"), "{}", server.log());
    server.stop().unwrap();
    assert!(!dir.exists(), "{} left behind", dir.display());
    let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let state = state.rsplit_once(") ").map(|(_, rest)| rest);
    assert!(
        state.is_none_or(|s| s.starts_with('Z')),
        "{pid} runs: {state:?}"
    );
}

#[test]
fn harness_oauth_token_gives_a_bearer_token() {
    let server = Stalwart::start().unwrap();
    let token = server.oauth_token("alice").unwrap();
    assert!(token.len() > 20, "{token}");
}
