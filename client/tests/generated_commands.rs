//! The generated builders of spec/imap4rev1.toml on the wire: every
//! RFC 3501 command, encoded through the runtime's encoder, byte for byte.

use chrono::{FixedOffset, NaiveDate, TimeZone};
use typed_imap::codec::encode::{to_bytes, EncodeOptions, Encoder, Fragment};
use typed_imap::command::{Behaviour, Command, State};
use typed_imap::types::{FetchItem, FetchItems, Flag, SearchKey, Section, SectionText, StatusItem};
use typed_imap::{
    Append, Authenticate, CapabilityCommand, Check, Close, Copy, Create, Delete, Examine, Expunge,
    Fetch, List, Login, Logout, Lsub, Noop, Rename, Search, Select, StartTls, Status, Store,
    Subscribe, UidCopy, UidFetch, UidSearch, UidStore, Unsubscribe,
};

fn fragments(command: &impl Command) -> Vec<Fragment> {
    let mut enc = Encoder::new(EncodeOptions::default());
    command.encode(&mut enc).expect("encodes");
    enc.finish()
}

fn wire(command: &impl Command) -> String {
    String::from_utf8(to_bytes(&fragments(command))).expect("ASCII")
}

#[test]
fn commands_without_arguments_are_their_name() {
    assert_eq!(wire(&CapabilityCommand::new()), "CAPABILITY\r\n");
    assert_eq!(wire(&Noop::new()), "NOOP\r\n");
    assert_eq!(wire(&Logout::new()), "LOGOUT\r\n");
    assert_eq!(wire(&StartTls::new()), "STARTTLS\r\n");
    assert_eq!(wire(&Check::new()), "CHECK\r\n");
    assert_eq!(wire(&Close::new()), "CLOSE\r\n");
    assert_eq!(wire(&Expunge::new()), "EXPUNGE\r\n");
}

#[test]
fn authenticate_names_its_mechanism() {
    assert_eq!(wire(&Authenticate::new("PLAIN")), "AUTHENTICATE PLAIN\r\n");
}

#[test]
fn login_quotes_a_password_even_when_it_could_be_an_atom() {
    assert_eq!(
        wire(&Login::new("alice", "secret")),
        "LOGIN alice \"secret\"\r\n"
    );
}

#[test]
fn login_escapes_quotes_and_backslashes_in_the_password() {
    assert_eq!(
        wire(&Login::new("alice", "a\"b\\c")),
        "LOGIN alice \"a\\\"b\\\\c\"\r\n"
    );
}

#[test]
fn mailbox_commands_write_the_name_as_an_astring() {
    assert_eq!(wire(&Select::new("INBOX")), "SELECT INBOX\r\n");
    assert_eq!(
        wire(&Examine::new("Sent Items")),
        "EXAMINE \"Sent Items\"\r\n"
    );
    assert_eq!(
        wire(&Create::new("Archive/2024")),
        "CREATE Archive/2024\r\n"
    );
    assert_eq!(wire(&Delete::new("Old")), "DELETE Old\r\n");
    assert_eq!(wire(&Rename::new("Old", "New")), "RENAME Old New\r\n");
    assert_eq!(wire(&Subscribe::new("News")), "SUBSCRIBE News\r\n");
    assert_eq!(wire(&Unsubscribe::new("News")), "UNSUBSCRIBE News\r\n");
}

#[test]
fn a_non_ascii_mailbox_travels_in_modified_utf7() {
    assert_eq!(wire(&Create::new("Entwürfe")), "CREATE Entw&APw-rfe\r\n");
}

#[test]
fn a_mailbox_with_crlf_never_splits_the_command() {
    // The runtime's modified UTF-7 encodes CR and LF (`&AA0ACg-`), so the
    // name cannot end the line early.
    let parts = fragments(&Select::new("INBOX\r\nA2 DELETE x"));
    let bytes = to_bytes(&parts);
    assert_eq!(
        bytes.iter().filter(|b| **b == b'\n').count(),
        1,
        "{:?}",
        String::from_utf8_lossy(&bytes)
    );
    assert!(bytes.ends_with(b"\r\n"));
}

#[test]
fn list_and_lsub_write_reference_and_pattern() {
    assert_eq!(wire(&List::new("", "*")), "LIST \"\" *\r\n");
    assert_eq!(
        wire(&Lsub::new("#news.", "comp.mail.%")),
        "LSUB #news. comp.mail.%\r\n"
    );
}

#[test]
fn status_lists_its_items() {
    let items = vec![
        StatusItem::messages(),
        StatusItem::uid_next(),
        StatusItem::unseen(),
    ];
    assert_eq!(
        wire(&Status::new("INBOX", items)),
        "STATUS INBOX (MESSAGES UIDNEXT UNSEEN)\r\n"
    );
}

#[test]
fn append_sends_the_message_as_a_literal_after_its_optional_flags_and_date() {
    let date = FixedOffset::east_opt(-7 * 3600)
        .and_then(|zone| zone.with_ymd_and_hms(1994, 2, 7, 21, 52, 25).single())
        .expect("a date");
    let command = Append::new("saved-messages", b"Subject: hi\r\n\r\nbody\r\n".to_vec())
        .flags(vec![Flag::Seen])
        .internal_date(date);
    assert_eq!(
        fragments(&command),
        vec![
            Fragment::Line(
                b"APPEND saved-messages (\\Seen) \"07-Feb-1994 21:52:25 -0700\" {21}\r\n".to_vec()
            ),
            Fragment::Literal {
                data: b"Subject: hi\r\n\r\nbody\r\n".to_vec(),
                sync: true
            },
            Fragment::Line(b"\r\n".to_vec()),
        ]
    );
}

#[test]
fn append_without_options_writes_an_empty_flag_list_and_the_literal() {
    // `()` always, as mutt does: Courier needs it before `UTF8 (...)`.
    assert_eq!(
        wire(&Append::new("INBOX", b"x".to_vec())),
        "APPEND INBOX () {1}\r\nx\r\n"
    );
}

#[test]
fn search_writes_its_keys_and_an_optional_charset() {
    let key = SearchKey::flagged()
        .and(SearchKey::since(
            NaiveDate::from_ymd_opt(1994, 2, 1).expect("a date"),
        ))
        .and(SearchKey::from("Smith").not());
    assert_eq!(
        wire(&Search::new(key.clone())),
        "SEARCH FLAGGED SINCE 01-Feb-1994 NOT FROM Smith\r\n"
    );
    assert_eq!(
        wire(&UidSearch::new(SearchKey::text("x")).charset("UTF-8")),
        "UID SEARCH CHARSET UTF-8 TEXT x\r\n"
    );
}

#[test]
fn a_hostile_search_value_cannot_split_the_command() {
    let parts = fragments(&Search::new(SearchKey::subject(
        "x\"\r\nX1 STORE 1:* +FLAGS (\\Deleted)",
    )));
    let Some(Fragment::Line(first)) = parts.first() else {
        panic!("a line first");
    };
    assert_eq!(first, b"SEARCH SUBJECT {34}\r\n");
    assert!(matches!(
        parts.get(1),
        Some(Fragment::Literal { sync: true, .. })
    ));
}

#[test]
fn fetch_writes_the_set_and_the_items() {
    let items = FetchItems::from(FetchItem::flags()).with(FetchItem::uid());
    assert_eq!(
        wire(&Fetch::new(2..=4).items(items)),
        "FETCH 2:4 (FLAGS UID)\r\n"
    );
    assert_eq!(
        wire(&UidFetch::new(vec![1, 2, 3, 7]).items(FetchItems::fast())),
        "UID FETCH 1:3,7 FAST\r\n"
    );
}

#[test]
fn fetch_of_a_section_with_a_partial_range() {
    let header = Section {
        part: vec![],
        text: Some(SectionText::Header),
    };
    let item = FetchItem::body_section(header).peek().partial(0, 512);
    assert_eq!(
        wire(&Fetch::new(1).items(item)),
        "FETCH 1 BODY.PEEK[HEADER]<0.512>\r\n"
    );
}

#[test]
fn fetch_without_items_is_refused_before_anything_is_sent() {
    let mut enc = Encoder::new(EncodeOptions::default());
    let error = Fetch::new(1)
        .encode(&mut enc)
        .expect_err("items are required");
    assert!(
        error
            .to_string()
            .contains("FETCH needs its `items` argument"),
        "{error}"
    );
}

#[test]
fn store_setters_choose_the_action() {
    assert_eq!(
        wire(&Store::new(1).add_flags(vec![Flag::Deleted])),
        "STORE 1 +FLAGS (\\Deleted)\r\n"
    );
    assert_eq!(
        wire(&Store::new(1).remove_flags([Flag::Seen])),
        "STORE 1 -FLAGS (\\Seen)\r\n"
    );
    assert_eq!(
        wire(&UidStore::new(5..).replace_flags(vec![Flag::Answered])),
        "UID STORE 5:* FLAGS (\\Answered)\r\n"
    );
}

#[test]
fn a_flag_with_atom_specials_is_refused() {
    assert!(Flag::keyword("\\Seen) (x").is_err());
}

#[test]
fn copy_writes_the_set_and_the_destination() {
    assert_eq!(wire(&Copy::new(2..=4, "MEETING")), "COPY 2:4 MEETING\r\n");
    assert_eq!(wire(&UidCopy::new(7, "Trash")), "UID COPY 7 Trash\r\n");
}

#[test]
fn the_spec_gives_each_command_its_states_and_behaviour() {
    assert_eq!(Select::STATES, &[State::Authenticated, State::Selected]);
    assert_eq!(Select::ON_OK, Some(State::Selected));
    assert_eq!(Select::ON_NO, Some(State::Authenticated));
    assert_eq!(Login::ON_OK, Some(State::Authenticated));
    assert_eq!(Close::ON_OK, Some(State::Authenticated));
    assert_eq!(Fetch::STATES, &[State::Selected]);
    assert_eq!(StartTls::BEHAVIOUR, Behaviour::StartTls);
    assert_eq!(Authenticate::BEHAVIOUR, Behaviour::Authenticate);
    assert_eq!(Logout::BEHAVIOUR, Behaviour::Logout);
    assert_eq!(UidFetch::NAME, "UID FETCH");
}

#[test]
fn fetch_of_an_attribute_with_arguments() {
    use typed_imap::types::SearchArg;
    let args = vec![SearchArg::List(vec![
        SearchArg::List(vec![
            SearchArg::AString(b"/comment".to_vec()),
            SearchArg::AString(b"/*".to_vec()),
        ]),
        SearchArg::Atom("value.priv".into()),
    ])];
    let item = FetchItem::with_args("XANNOTATION", None, args);
    assert_eq!(
        wire(&Fetch::new(1).items(FetchItem::flags() | item)),
        "FETCH 1 (FLAGS XANNOTATION ((/comment \"/*\") value.priv))\r\n"
    );
    // The name must be an atom, as for any attribute.
    let error = Fetch::new(1)
        .items(FetchItem::with_args("X Y", None, vec![]))
        .encode(&mut Encoder::new(EncodeOptions::default()))
        .unwrap_err();
    assert!(error.to_string().contains("X Y"), "{error}");
}

/// URLFETCH (urlauth.toml) writes the URL bare, as RFC 4467 does, until
/// an option of URLAUTH=BINARY (urlauth-binary.toml, RFC 5524) is set,
/// which puts the URL and the options in parentheses and needs that
/// capability.
#[test]
fn urlfetch_writes_the_url_bare_until_an_option_is_set() {
    use typed_imap::types::UrlFetchForm;
    use typed_imap::UrlFetch;

    let url = "imap://joe@example.com/INBOX/;uid=20;urlauth=anonymous:internal:91354a473744909de610943775f92038";
    // The URL holds only ATOM-CHARs: an atom.
    let plain = UrlFetch::new(url);
    assert_eq!(wire(&plain), format!("URLFETCH {url}\r\n"));
    assert_eq!(plain.missing_capability(|c| c == "URLAUTH"), None);

    let both = UrlFetch::new(url).body_part_structure().binary();
    assert_eq!(
        wire(&both),
        format!("URLFETCH ({url} BODYPARTSTRUCTURE BINARY)\r\n")
    );
    assert_eq!(
        both.missing_capability(|c| c == "URLAUTH").as_deref(),
        Some("URLAUTH=BINARY")
    );
    assert_eq!(
        both.missing_capability(|c| c == "URLAUTH" || c == "URLAUTH=BINARY"),
        None
    );
    assert_eq!(
        wire(&UrlFetch::new(url).body()),
        format!("URLFETCH ({url} BODY)\r\n")
    );
    assert_eq!(
        wire(&UrlFetch::new(url).form(UrlFetchForm::Binary)),
        format!("URLFETCH ({url} BINARY)\r\n")
    );
    let structure = UrlFetch::new(url).body_part_structure();
    assert_eq!(
        wire(&structure),
        format!("URLFETCH ({url} BODYPARTSTRUCTURE)\r\n")
    );
    assert_eq!(
        structure.missing_capability(|c| c == "URLAUTH").as_deref(),
        Some("URLAUTH=BINARY")
    );
}
