//! The exact wire bytes of the request side: what the encoder makes of
//! mailbox names, strings, passwords, flags, search keys and fetch items,
//! and the hostile caller inputs of `shared/adversarial.md` items 30-35.

use chrono::{FixedOffset, NaiveDate, TimeZone};
use proptest::prelude::*;
use typed_imap::codec::encode::{self, to_bytes, EncodeError, EncodeOptions, Encoder, Fragment};
use typed_imap::types::{
    utf7, FetchItem, FetchItems, FetchMacro, FetchSection, Flag, Mailbox, SearchArg, SearchKey,
    Secret, Section, SectionText, SequenceSet, StatusItem, StoreAction,
};

const PLAIN: EncodeOptions = EncodeOptions {
    literal_plus: false,
    literal_minus: false,
    utf8: false,
    utf8_accept: false,
    append_limit: None,
};
const LITERAL_PLUS: EncodeOptions = EncodeOptions {
    literal_plus: true,
    literal_minus: false,
    utf8: false,
    utf8_accept: false,
    append_limit: None,
};
const LITERAL_MINUS: EncodeOptions = EncodeOptions {
    literal_plus: false,
    literal_minus: true,
    utf8: false,
    utf8_accept: false,
    append_limit: None,
};
const UTF8: EncodeOptions = EncodeOptions {
    literal_plus: false,
    literal_minus: false,
    utf8: true,
    utf8_accept: true,
    append_limit: None,
};

/// A command `name` then one argument written by `arg`, finished.
fn command(
    options: EncodeOptions,
    name: &str,
    arg: impl FnOnce(&mut Encoder) -> Result<(), EncodeError>,
) -> Result<Vec<Fragment>, EncodeError> {
    let mut enc = Encoder::new(options);
    enc.token(name);
    enc.sp();
    arg(&mut enc)?;
    Ok(enc.finish())
}

fn select(options: EncodeOptions, name: &str) -> Vec<Fragment> {
    command(options, "SELECT", |e| {
        encode::mailbox(e, &Mailbox::new(name))
    })
    .unwrap()
}

fn line(s: &str) -> Fragment {
    Fragment::Line(s.as_bytes().to_vec())
}

fn literal(data: &[u8], sync: bool) -> Fragment {
    Fragment::Literal {
        data: data.to_vec(),
        sync,
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

// ---- mailbox names ----

#[test]
fn mailbox_plain_name_is_an_atom() {
    assert_eq!(
        select(PLAIN, "Archive/2024"),
        vec![line("SELECT Archive/2024\r\n")]
    );
}

#[test]
fn mailbox_with_spaces_is_quoted() {
    assert_eq!(
        select(PLAIN, "Sent Items"),
        vec![line("SELECT \"Sent Items\"\r\n")]
    );
}

#[test]
fn mailbox_with_quotes_is_quoted_with_escapes() {
    assert_eq!(
        select(PLAIN, "say \"hi\""),
        vec![line("SELECT \"say \\\"hi\\\"\"\r\n")]
    );
}

#[test]
fn mailbox_with_backslash_is_quoted_with_escape() {
    assert_eq!(select(PLAIN, "a\\b"), vec![line("SELECT \"a\\\\b\"\r\n")]);
}

#[test]
fn mailbox_with_non_ascii_is_modified_utf7() {
    assert_eq!(
        select(PLAIN, "Entwürfe"),
        vec![line("SELECT Entw&APw-rfe\r\n")]
    );
    assert_eq!(
        select(PLAIN, "~peter/mail/台北/日本語"),
        vec![line("SELECT ~peter/mail/&U,BTFw-/&ZeVnLIqe-\r\n")]
    );
}

#[test]
fn mailbox_with_non_ascii_and_space_is_quoted_modified_utf7() {
    assert_eq!(
        select(PLAIN, "Éléments envoyés"),
        vec![line("SELECT \"&AMk-l&AOk-ments envoy&AOk-s\"\r\n")]
    );
}

#[test]
fn mailbox_with_ampersand_is_ampersand_dash() {
    assert_eq!(select(PLAIN, "R&D"), vec![line("SELECT R&-D\r\n")]);
}

#[test]
fn mailbox_with_crlf_is_base64_in_modified_utf7() {
    assert_eq!(select(PLAIN, "a\r\nb"), vec![line("SELECT a&AA0ACg-b\r\n")]);
}

#[test]
fn mailbox_with_non_ascii_in_utf8_mode_is_quoted_utf8() {
    assert_eq!(
        select(UTF8, "Entwürfe"),
        vec![line("SELECT \"Entwürfe\"\r\n")]
    );
}

#[test]
fn mailbox_with_crlf_in_utf8_mode_is_a_literal() {
    assert_eq!(
        select(UTF8, "a\r\nb"),
        vec![
            line("SELECT {4}\r\n"),
            literal(b"a\r\nb", true),
            line("\r\n")
        ]
    );
}

#[test]
fn empty_mailbox_name_is_an_empty_quoted_string() {
    assert_eq!(select(PLAIN, ""), vec![line("SELECT \"\"\r\n")]);
}

#[test]
fn inbox_in_any_case_is_sent_as_inbox() {
    assert_eq!(select(PLAIN, "inBox"), vec![line("SELECT INBOX\r\n")]);
}

#[test]
fn mailbox_with_nul_is_refused() {
    let err = command(PLAIN, "SELECT", |e| {
        encode::mailbox(e, &Mailbox::new("a\0b"))
    });
    assert!(
        matches!(
            err,
            Err(EncodeError::Nul {
                what: "mailbox",
                ..
            })
        ),
        "{err:?}"
    );
}

#[test]
fn mailbox_from_server_in_non_canonical_form_goes_back_as_it_came() {
    // A server that sent 8-bit bytes instead of modified UTF-7.
    let m = Mailbox::from_wire(b"Entw\xfcrfe");
    assert_eq!(
        command(PLAIN, "SELECT", |e| encode::mailbox(e, &m)).unwrap(),
        vec![
            line("SELECT {8}\r\n"),
            literal(b"Entw\xfcrfe", true),
            line("\r\n")
        ]
    );
}

#[test]
fn list_pattern_keeps_wildcards_in_atom_form() {
    let out = command(PLAIN, "LIST \"\"", |e| {
        encode::list_mailbox(e, &"Archiv/%/*".to_owned())
    });
    assert_eq!(out.unwrap(), vec![line("LIST \"\" Archiv/%/*\r\n")]);
}

#[test]
fn list_pattern_with_non_ascii_is_modified_utf7() {
    let out = command(PLAIN, "LIST \"\"", |e| {
        encode::list_mailbox(e, &"Entwürfe*".to_owned())
    });
    assert_eq!(out.unwrap(), vec![line("LIST \"\" Entw&APw-rfe*\r\n")]);
}

#[test]
fn empty_list_pattern_is_an_empty_quoted_string() {
    let out = command(PLAIN, "LIST", |e| encode::list_mailbox(e, &String::new()));
    assert_eq!(out.unwrap(), vec![line("LIST \"\"\r\n")]);
}

// ---- shared/adversarial.md, what the caller passes ----

#[test]
fn adversarial_30_mailbox_with_crlf_and_command_never_goes_inline() {
    let out = select(PLAIN, "INBOX\r\nA2 DELETE x");
    assert_eq!(out, vec![line("SELECT \"INBOX&AA0ACg-A2 DELETE x\"\r\n")]);
    let out = select(UTF8, "INBOX\r\nA2 DELETE x");
    assert_eq!(
        out,
        vec![
            line("SELECT {18}\r\n"),
            literal(b"INBOX\r\nA2 DELETE x", true),
            line("\r\n")
        ]
    );
}

#[test]
fn adversarial_31_search_value_with_quote_and_crlf_is_a_literal() {
    let value = b"x\"\r\nX1 STORE 1:* +FLAGS (\\Deleted)".to_vec();
    let key = SearchKey::key("SUBJECT", vec![SearchArg::AString(value.clone())]);
    let out = command(PLAIN, "SEARCH", |e| encode::search_key(e, &key)).unwrap();
    assert_eq!(
        out,
        vec![
            line("SEARCH SUBJECT {34}\r\n"),
            literal(&value, true),
            line("\r\n")
        ]
    );
}

#[test]
fn adversarial_31_search_value_with_quote_only_is_quoted() {
    let key = SearchKey::key("SUBJECT", vec![SearchArg::AString(b"x\" OR ALL".to_vec())]);
    let out = command(PLAIN, "SEARCH", |e| encode::search_key(e, &key)).unwrap();
    assert_eq!(out, vec![line("SEARCH SUBJECT \"x\\\" OR ALL\"\r\n")]);
}

fn login(options: EncodeOptions, password: &[u8]) -> Result<Vec<Fragment>, EncodeError> {
    command(options, "LOGIN alice", |e| {
        encode::password(e, &Secret::new(password))
    })
}

#[test]
fn adversarial_32_password_with_quote_backslash_braces_and_spaces_is_quoted() {
    assert_eq!(
        login(PLAIN, br#"p"a\ss {5} w"#).unwrap(),
        vec![line("LOGIN alice \"p\\\"a\\\\ss {5} w\"\r\n")]
    );
}

#[test]
fn adversarial_32_password_with_non_ascii_is_a_literal() {
    assert_eq!(
        login(PLAIN, "pässwörd".as_bytes()).unwrap(),
        vec![
            line("LOGIN alice {10}\r\n"),
            literal("pässwörd".as_bytes(), true),
            line("\r\n")
        ]
    );
}

#[test]
fn adversarial_32_password_with_non_ascii_is_quoted_in_utf8_mode() {
    assert_eq!(
        login(UTF8, "pässwörd".as_bytes()).unwrap(),
        vec![line("LOGIN alice \"pässwörd\"\r\n")]
    );
}

#[test]
fn adversarial_32_password_that_could_be_an_atom_is_still_quoted() {
    assert_eq!(
        login(PLAIN, b"secret").unwrap(),
        vec![line("LOGIN alice \"secret\"\r\n")]
    );
}

#[test]
fn adversarial_32_password_with_nul_is_refused_without_showing_it() {
    let err = login(PLAIN, b"hunter\x002").unwrap_err();
    assert!(matches!(
        err,
        EncodeError::Nul {
            what: "password",
            offset: 6,
            ..
        }
    ));
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("hunter"), "{shown}");
}

#[test]
fn adversarial_33_mailbox_with_tab_as_list_returned_round_trips() {
    // Canonical modified UTF-7 for a TAB.
    let m = Mailbox::from_wire(b"a&AAk-b");
    assert_eq!(m.as_str(), "a\tb");
    let out = command(PLAIN, "SELECT", |e| encode::mailbox(e, &m)).unwrap();
    assert_eq!(out, vec![line("SELECT a&AAk-b\r\n")]);
}

#[test]
fn adversarial_33_mailbox_with_raw_tab_as_list_returned_round_trips() {
    // A server that sent the TAB itself in a quoted string.
    let m = Mailbox::from_wire(b"a\tb");
    let out = command(PLAIN, "SELECT", |e| encode::mailbox(e, &m)).unwrap();
    assert_eq!(out, vec![line("SELECT \"a\tb\"\r\n")]);
}

#[test]
fn adversarial_34_flag_with_atom_specials_is_refused_by_parse() {
    let err = "\\Seen) (x".parse::<Flag>().unwrap_err();
    assert_eq!(err.flag, "\\Seen) (x");
    assert!(Flag::try_from("$Junk (x").is_err());
}

#[test]
fn adversarial_34_flag_with_atom_specials_built_by_hand_is_refused_by_the_encoder() {
    for flag in [
        Flag::Keyword("Seen) (x".into()),
        Flag::Extension("Seen) (x".into()),
        Flag::Keyword(String::new()),
        Flag::Keyword("a\r\nb".into()),
    ] {
        let store = StoreAction::add([Flag::Seen, flag.clone()]);
        let out = command(PLAIN, "STORE 1", |e| encode::store_action(e, &store));
        assert!(
            matches!(out, Err(EncodeError::NotAtom { what: "flag", .. })),
            "{flag:?}: {out:?}"
        );
    }
}

#[test]
fn adversarial_35_literals_are_synchronising_by_default() {
    let out = command(PLAIN, "APPEND INBOX", |e| {
        encode::literal(e, &b"hello".to_vec())
    })
    .unwrap();
    assert_eq!(
        out,
        vec![
            line("APPEND INBOX {5}\r\n"),
            literal(b"hello", true),
            line("\r\n")
        ]
    );
}

#[test]
fn adversarial_35_literal_plus_only_when_the_option_says_so() {
    let out = command(LITERAL_PLUS, "APPEND INBOX", |e| {
        encode::literal(e, &vec![b'x'; 5000])
    });
    assert_eq!(
        out.unwrap(),
        vec![
            line("APPEND INBOX {5000+}\r\n"),
            literal(&[b'x'; 5000], false),
            line("\r\n")
        ]
    );
}

#[test]
fn adversarial_35_literal_minus_only_up_to_4096_bytes() {
    let small = command(LITERAL_MINUS, "APPEND INBOX", |e| {
        encode::literal(e, &vec![b'x'; 4096])
    });
    assert_eq!(
        small.unwrap().first(),
        Some(&line("APPEND INBOX {4096+}\r\n"))
    );
    let large = command(LITERAL_MINUS, "APPEND INBOX", |e| {
        encode::literal(e, &vec![b'x'; 4097])
    });
    let large = large.unwrap();
    assert_eq!(large.first(), Some(&line("APPEND INBOX {4097}\r\n")));
    assert!(matches!(
        large.get(1),
        Some(Fragment::Literal { sync: true, .. })
    ));
}

// ---- other grammar types ----

#[test]
fn raw_refuses_crlf() {
    let out = command(PLAIN, "XATOM", |e| {
        encode::raw(e, &"a\r\nA2 LOGOUT".to_owned())
    });
    assert!(
        matches!(out, Err(EncodeError::LineBreak { offset: 1, .. })),
        "{out:?}"
    );
}

#[test]
fn raw_is_written_verbatim() {
    let out = command(PLAIN, "XATOM", |e| encode::raw(e, &"(a \"b\")".to_owned()));
    assert_eq!(out.unwrap(), vec![line("XATOM (a \"b\")\r\n")]);
}

#[test]
fn flag_list_of_system_flags_and_keywords() {
    let flags = vec![
        Flag::Seen,
        Flag::Keyword("$Forwarded".into()),
        Flag::Extension("Important".into()),
    ];
    let out = command(PLAIN, "APPEND INBOX", |e| encode::flag_list(e, &flags));
    assert_eq!(
        out.unwrap(),
        vec![line("APPEND INBOX (\\Seen $Forwarded \\Important)\r\n")]
    );
}

#[test]
fn empty_flag_list_is_empty_parentheses() {
    let out = command(PLAIN, "STORE 1 FLAGS", |e| encode::flag_list(e, &vec![]));
    assert_eq!(out.unwrap(), vec![line("STORE 1 FLAGS ()\r\n")]);
}

#[test]
fn recent_and_may_create_cannot_be_sent() {
    for flag in [Flag::Recent, Flag::MayCreate] {
        let out = command(PLAIN, "STORE 1 +FLAGS", |e| encode::flag(e, &flag));
        assert!(
            matches!(out, Err(EncodeError::Invalid { what: "flag", .. })),
            "{out:?}"
        );
    }
}

#[test]
fn store_action_silent_remove() {
    let action = StoreAction::remove([Flag::Deleted]).silent();
    let out = command(PLAIN, "STORE 1:*", |e| encode::store_action(e, &action));
    assert_eq!(
        out.unwrap(),
        vec![line("STORE 1:* -FLAGS.SILENT (\\Deleted)\r\n")]
    );
}

#[test]
fn sequence_set_from_uids_is_compacted() {
    let set = SequenceSet::from_uids([5, 1, 2, 3, 9]);
    let out = command(PLAIN, "UID FETCH", |e| encode::sequence_set(e, &set));
    assert_eq!(out.unwrap(), vec![line("UID FETCH 1:3,5,9\r\n")]);
}

#[test]
fn sequence_set_with_zero_or_nothing_is_refused() {
    for set in [SequenceSet::new(), SequenceSet::from(0)] {
        let out = command(PLAIN, "FETCH", |e| encode::sequence_set(e, &set));
        assert!(
            matches!(
                out,
                Err(EncodeError::Invalid {
                    what: "sequence-set",
                    ..
                })
            ),
            "{out:?}"
        );
    }
}

#[test]
fn date_is_day_month_year_in_english() {
    let out = command(PLAIN, "SEARCH SINCE", |e| encode::date(e, &day(2024, 2, 1)));
    assert_eq!(out.unwrap(), vec![line("SEARCH SINCE 01-Feb-2024\r\n")]);
}

#[test]
fn date_time_is_quoted_with_zone() {
    let t = FixedOffset::east_opt(5 * 3600 + 30 * 60)
        .unwrap()
        .with_ymd_and_hms(2024, 12, 9, 8, 7, 6)
        .unwrap();
    let out = command(PLAIN, "APPEND INBOX", |e| encode::date_time(e, &t));
    assert_eq!(
        out.unwrap(),
        vec![line("APPEND INBOX \"09-Dec-2024 08:07:06 +0530\"\r\n")]
    );
}

#[test]
fn numbers_and_their_limits() {
    assert_eq!(
        command(PLAIN, "X", |e| encode::number(e, &0)).unwrap(),
        vec![line("X 0\r\n")]
    );
    assert!(command(PLAIN, "X", |e| encode::nz_number(e, &0)).is_err());
    assert!(command(PLAIN, "X", |e| encode::number64(e, &(i64::MAX as u64))).is_ok());
    assert!(command(PLAIN, "X", |e| encode::number64(e, &(i64::MAX as u64 + 1))).is_err());
}

#[test]
fn atom_argument_with_space_is_refused() {
    let out = command(PLAIN, "ENABLE", |e| {
        encode::atom(e, &"UTF8=ACCEPT X".to_owned())
    });
    assert!(
        matches!(out, Err(EncodeError::NotAtom { what: "atom", .. })),
        "{out:?}"
    );
}

#[test]
fn string_argument_is_never_an_atom() {
    let out = command(PLAIN, "ID", |e| encode::string(e, &b"name".to_vec()));
    assert_eq!(out.unwrap(), vec![line("ID \"name\"\r\n")]);
}

#[test]
fn literal_with_nul_is_refused_but_literal8_carries_it() {
    assert!(matches!(
        command(PLAIN, "APPEND INBOX", |e| encode::literal(
            e,
            &b"a\0".to_vec()
        )),
        Err(EncodeError::Nul {
            what: "literal",
            offset: 1,
            ..
        })
    ));
    let out = command(PLAIN, "APPEND INBOX", |e| {
        encode::literal8(e, &b"a\0".to_vec())
    })
    .unwrap();
    assert_eq!(
        out,
        vec![
            line("APPEND INBOX ~{2}\r\n"),
            literal(b"a\0", true),
            line("\r\n")
        ]
    );
}

// ---- search keys ----

fn key(name: &'static str) -> SearchKey {
    SearchKey::key(name, vec![])
}

fn search(k: &SearchKey) -> Vec<Fragment> {
    command(PLAIN, "SEARCH", |e| encode::search_key(e, k)).unwrap()
}

#[test]
fn top_level_and_is_keys_separated_by_spaces() {
    let k = key("UNSEEN").and(SearchKey::key(
        "FROM",
        vec![SearchArg::AString(b"bob".to_vec())],
    ));
    assert_eq!(search(&k), vec![line("SEARCH UNSEEN FROM bob\r\n")]);
}

#[test]
fn nested_and_is_parenthesised() {
    let k = key("SEEN").or(SearchKey::key("LARGER", vec![SearchArg::Number(10)])
        .and(SearchKey::key("SMALLER", vec![SearchArg::Number(20)])));
    assert_eq!(
        search(&k),
        vec![line("SEARCH OR SEEN (LARGER 10 SMALLER 20)\r\n")]
    );
}

#[test]
fn not_and_or_nest() {
    let k = !(key("SEEN") | key("DELETED")) & key("RECENT");
    assert_eq!(
        search(&k),
        vec![line("SEARCH NOT OR SEEN DELETED RECENT\r\n")]
    );
}

#[test]
fn empty_and_is_all() {
    assert_eq!(
        search(&SearchKey::And(vec![])),
        vec![line("SEARCH ALL\r\n")]
    );
    assert_eq!(
        search(&key("SEEN").not().and(SearchKey::And(vec![]))),
        vec![line("SEARCH NOT SEEN\r\n")]
    );
}

#[test]
fn typed_search_arguments() {
    let k = SearchKey::key("SINCE", vec![SearchArg::Date(day(2024, 1, 31))])
        .and(SearchKey::key(
            "UID",
            vec![SearchArg::SequenceSet(SequenceSet::from(4..))],
        ))
        .and(SearchKey::key(
            "KEYWORD",
            vec![SearchArg::Flag(Flag::Keyword("$Junk".into()))],
        ))
        .and(SearchKey::key(
            "HEADER",
            vec![
                SearchArg::AString(b"X-Spam".to_vec()),
                SearchArg::AString(b"yes please".to_vec()),
            ],
        ))
        .and(SearchKey::Set(SequenceSet::from(1..=3)));
    assert_eq!(
        search(&k),
        vec![line(
            "SEARCH SINCE 31-Jan-2024 UID 4:* KEYWORD $Junk HEADER X-Spam \"yes please\" 1:3\r\n"
        )]
    );
}

#[test]
fn search_key_name_with_space_is_refused() {
    let k = key("SEEN ALL");
    assert!(matches!(
        command(PLAIN, "SEARCH", |e| encode::search_key(e, &k)),
        Err(EncodeError::NotAtom {
            what: "search key",
            ..
        })
    ));
}

// ---- fetch items ----

const ENVELOPE: FetchItem = FetchItem::attribute("ENVELOPE");
const FLAGS: FetchItem = FetchItem::attribute("FLAGS");
const UID: FetchItem = FetchItem::attribute("UID");

fn fetch(items: impl Into<FetchItems>) -> Result<Vec<Fragment>, EncodeError> {
    command(PLAIN, "FETCH 1", |e| encode::fetch_items(e, &items.into()))
}

#[test]
fn one_fetch_item_is_bare() {
    assert_eq!(fetch(FLAGS).unwrap(), vec![line("FETCH 1 FLAGS\r\n")]);
}

#[test]
fn several_fetch_items_are_parenthesised() {
    assert_eq!(
        fetch(ENVELOPE | FLAGS | UID).unwrap(),
        vec![line("FETCH 1 (ENVELOPE FLAGS UID)\r\n")]
    );
}

#[test]
fn fetch_macro_is_its_name() {
    assert_eq!(
        fetch(FetchMacro::Full).unwrap(),
        vec![line("FETCH 1 FULL\r\n")]
    );
}

#[test]
fn fetch_macro_with_an_item_is_expanded() {
    assert_eq!(
        fetch(FetchMacro::All | UID).unwrap(),
        vec![line(
            "FETCH 1 (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE UID)\r\n"
        )]
    );
}

#[test]
fn empty_fetch_list_is_refused() {
    assert!(fetch(FetchItems::Items(vec![])).is_err());
}

fn section(part: Vec<u32>, text: Option<SectionText>) -> Section {
    Section { part, text }
}

#[test]
fn body_section_whole_message() {
    let item = FetchSection::new("BODY", Section::default());
    assert_eq!(fetch(item).unwrap(), vec![line("FETCH 1 BODY[]\r\n")]);
}

#[test]
fn body_peek_header_fields_with_partial() {
    let fields = SectionText::HeaderFields(vec!["From".into(), "To".into()]);
    let item = FetchSection::new("BODY", section(vec![1, 2], Some(fields)))
        .peek()
        .partial(0, 100);
    assert_eq!(
        fetch(UID | item).unwrap(),
        vec![line(
            "FETCH 1 (UID BODY.PEEK[1.2.HEADER.FIELDS (From To)]<0.100>)\r\n"
        )]
    );
}

#[test]
fn body_section_text_mime_and_not() {
    let text = FetchSection::new("BODY", section(vec![], Some(SectionText::Text)));
    let mime = FetchSection::new("BODY", section(vec![3], Some(SectionText::Mime)));
    let not = FetchSection::new(
        "BODY",
        section(
            vec![],
            Some(SectionText::HeaderFieldsNot(vec!["Received".into()])),
        ),
    );
    assert_eq!(
        fetch(text | mime | not).unwrap(),
        vec![line(
            "FETCH 1 (BODY[TEXT] BODY[3.MIME] BODY[HEADER.FIELDS.NOT (Received)])\r\n"
        )]
    );
}

#[test]
fn binary_section_uses_its_name() {
    let item = FetchSection::new("BINARY", section(vec![1], None)).peek();
    assert_eq!(
        fetch(item).unwrap(),
        vec![line("FETCH 1 BINARY.PEEK[1]\r\n")]
    );
}

#[test]
fn invalid_sections_are_refused() {
    let bad = [
        FetchSection::new("BODY", section(vec![], Some(SectionText::Mime))),
        FetchSection::new("BODY", section(vec![0], None)),
        FetchSection::new(
            "BODY",
            section(vec![], Some(SectionText::HeaderFields(vec![]))),
        ),
        FetchSection::new("BODY", Section::default()).partial(10, 0),
    ];
    for item in bad {
        assert!(fetch(item.clone()).is_err(), "{item:?}");
    }
}

// ---- status items ----

#[test]
fn status_items_are_parenthesised_atoms() {
    let items = vec![StatusItem::messages(), StatusItem::uid_next()];
    let out = command(PLAIN, "STATUS INBOX", |e| encode::status_items(e, &items));
    assert_eq!(
        out.unwrap(),
        vec![line("STATUS INBOX (MESSAGES UIDNEXT)\r\n")]
    );
}

#[test]
fn empty_status_items_are_refused() {
    assert!(command(PLAIN, "STATUS INBOX", |e| encode::status_items(e, &vec![])).is_err());
}

// ---- modified UTF-7 ----

#[test]
fn utf7_rfc_3501_example_round_trips() {
    let wire = "~peter/mail/&U,BTFw-/&ZeVnLIqe-";
    let name = utf7::decode(wire.as_bytes()).unwrap();
    assert_eq!(name, "~peter/mail/台北/日本語");
    assert_eq!(utf7::encode(&name), wire);
}

#[test]
fn utf7_known_names_round_trip() {
    for (name, wire) in [
        ("Entwürfe", "Entw&APw-rfe"),
        ("Корзина", "&BBoEPgRABDcEOAQ9BDA-"),
        ("A&B", "A&-B"),
        ("😀 emoji", "&2D3eAA- emoji"),
        ("", ""),
    ] {
        assert_eq!(utf7::encode(name), wire, "{name}");
        assert_eq!(utf7::decode(wire.as_bytes()).unwrap(), name, "{wire}");
    }
}

// ---- properties ----

/// Every line ends with CRLF and holds no other CR or LF; every literal is
/// announced by the line before it with its exact length and mode.
fn check_framing(fragments: &[Fragment]) -> Result<(), TestCaseError> {
    let mut previous: Option<&Fragment> = None;
    for fragment in fragments {
        match fragment {
            Fragment::Line(bytes) => {
                prop_assert!(bytes.ends_with(b"\r\n"), "line without CRLF: {:?}", bytes);
                let body = &bytes[..bytes.len() - 2];
                prop_assert!(
                    !body.contains(&b'\r') && !body.contains(&b'\n'),
                    "bare CR or LF in a line: {:?}",
                    bytes
                );
            }
            Fragment::Literal { data, sync } => {
                let Some(Fragment::Line(announce)) = previous else {
                    return Err(TestCaseError::fail("literal not after a line"));
                };
                let plus = if *sync { "" } else { "+" };
                let expected = format!("{{{}{plus}}}\r\n", data.len());
                prop_assert!(announce.ends_with(expected.as_bytes()));
            }
            Fragment::External { len, sync } => {
                let Some(Fragment::Line(announce)) = previous else {
                    return Err(TestCaseError::fail("literal not after a line"));
                };
                let plus = if *sync { "" } else { "+" };
                let expected = format!("{{{len}{plus}}}\r\n");
                prop_assert!(announce.ends_with(expected.as_bytes()));
            }
        }
        previous = Some(fragment);
    }
    Ok(())
}

fn options() -> impl Strategy<Value = EncodeOptions> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        proptest::option::of(0u64..64),
    )
        .prop_map(
            |(literal_plus, literal_minus, utf8, utf8_accept, append_limit)| EncodeOptions {
                literal_plus,
                literal_minus,
                utf8,
                // UTF8=ACCEPT's rules come with its UTF-8 names.
                utf8_accept: utf8 && utf8_accept,
                append_limit,
            },
        )
}

/// Bytes biased towards the ones that matter: CR, LF, quotes, specials.
fn tricky_bytes() -> impl Strategy<Value = Vec<u8>> {
    let special = prop::sample::select(&b"\r\n\"\\ (){}%*]&~+\t\x7f\xc3\xa9\xff"[..]);
    prop::collection::vec(prop_oneof![special, 1u8..=255], 0..40)
}

fn parse_astring(fragments: &[Fragment]) -> Vec<u8> {
    use typed_imap::codec::parse::{Limits, Parser};
    let frame = bytes::Bytes::from(to_bytes(fragments));
    let limits = Limits::default();
    let mut p = Parser::new(&frame, &limits);
    p.expect("X").unwrap();
    p.sp().unwrap();
    let value = p.astring().unwrap();
    assert!(p.at_line_end(), "trailing bytes after the astring");
    value.to_vec()
}

/// Something that writes one argument.
type Writer<'a> = &'a dyn Fn(&mut Encoder) -> Result<(), EncodeError>;

proptest! {
    #[test]
    fn utf7_round_trips_any_string(name in any::<String>()) {
        let encoded = utf7::encode(&name);
        prop_assert!(encoded.bytes().all(|b| (0x20..=0x7e).contains(&b)));
        prop_assert_eq!(utf7::decode(encoded.as_bytes()).unwrap(), name);
    }

    #[test]
    fn utf7_decode_accepts_only_what_encode_gives(bytes in tricky_bytes()) {
        let lossy = utf7::decode_lossy(&bytes);
        if let Ok(name) = utf7::decode(&bytes) {
            prop_assert_eq!(utf7::encode(&name).into_bytes(), bytes.clone());
            prop_assert_eq!(lossy, name);
        }
    }

    #[test]
    fn no_line_holds_a_bare_cr_or_lf(bytes in tricky_bytes(), options in options()) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let writers: [Writer<'_>; 6] = [
            &|e| encode::astring(e, &text),
            &|e| encode::string(e, &bytes),
            &|e| encode::mailbox(e, &Mailbox::from_wire(&bytes)),
            &|e| encode::list_mailbox(e, &text),
            &|e| encode::password(e, &Secret::new(bytes.clone())),
            &|e| encode::search_key(e, &SearchKey::key("TEXT", vec![SearchArg::AString(bytes.clone())])),
        ];
        for write in writers {
            if let Ok(fragments) = command(options, "X", write) {
                check_framing(&fragments)?;
            }
        }
    }

    #[test]
    fn astring_reads_back_as_the_same_bytes(bytes in tricky_bytes()) {
        prop_assume!(!bytes.contains(&0));
        let fragments = command(PLAIN, "X", |e| e.astring(&bytes)).unwrap();
        prop_assert_eq!(parse_astring(&fragments), bytes);
    }

    #[test]
    fn mailbox_reads_back_as_the_same_mailbox(name in any::<String>()) {
        prop_assume!(!name.contains('\0'));
        let mailbox = Mailbox::new(name);
        let fragments = command(PLAIN, "X", |e| encode::mailbox(e, &mailbox)).unwrap();
        prop_assert_eq!(Mailbox::from_wire(&parse_astring(&fragments)), mailbox);
    }

    #[test]
    fn sequence_set_display_parses_back(uids in prop::collection::vec(1u32.., 1..50)) {
        let set = SequenceSet::from_uids(uids.clone());
        let parsed: SequenceSet = set.to_string().parse().unwrap();
        prop_assert_eq!(&parsed, &set);
        for uid in uids {
            prop_assert!(set.contains(uid, u32::MAX));
        }
    }
}

// ---- error messages ----

#[test]
fn error_names_the_grammar_type_the_argument_and_the_reason() {
    let flag = Flag::Keyword("a) (b".into());
    let err = command(PLAIN, "STORE 1 +FLAGS", |e| encode::flag(e, &flag)).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("flag \"a) (b\" refused: not an atom"),
        "{text}"
    );
    assert!(text.contains("offset 1"), "{text}");
}

#[test]
fn error_shows_control_bytes_escaped_and_long_arguments_shortened() {
    let long = format!("{}\r\n", "x".repeat(200));
    let err = command(PLAIN, "XATOM", |e| encode::raw(e, &long)).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("\"..."), "{text}");
    assert!(text.contains("offset 200"), "{text}");
    let err = command(PLAIN, "XATOM", |e| encode::raw(e, &"a\r\nb".to_owned())).unwrap_err();
    assert!(err.to_string().contains("\"a\\r\\nb\""), "{err}");
}

// ---- properties of the composite types ----

fn search_arg() -> impl Strategy<Value = SearchArg> {
    prop_oneof![
        tricky_bytes().prop_map(SearchArg::AString),
        any::<u32>().prop_map(SearchArg::Number),
        any::<u64>().prop_map(SearchArg::Number64),
        (1i32..=9999, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| SearchArg::Date(day(y, m, d))),
        prop::collection::vec(any::<u32>(), 0..5)
            .prop_map(|uids| SearchArg::SequenceSet(SequenceSet::from_uids(uids))),
        "[a-zA-Z$\\\\ ()]{0,6}".prop_map(|s| SearchArg::Flag(Flag::from_server(&s))),
    ]
}

fn search_tree() -> impl Strategy<Value = SearchKey> {
    let leaf = (
        prop::sample::select(vec!["SEEN", "FROM", "HEADER", "BAD NAME", ""]),
        prop::collection::vec(search_arg(), 0..3),
    )
        .prop_map(|(name, args)| SearchKey::key(name, args));
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(SearchKey::And),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| a.or(b)),
            inner.prop_map(SearchKey::not),
        ]
    })
}

proptest! {
    #[test]
    fn any_search_tree_encodes_or_is_refused_without_breaking_lines(
        key in search_tree(),
        options in options(),
    ) {
        if let Ok(fragments) = command(options, "SEARCH", |e| encode::search_key(e, &key)) {
            check_framing(&fragments)?;
        }
    }

    #[test]
    fn sequence_set_parser_never_panics(text in "[0-9:*,]{0,20}|\\PC{0,20}") {
        if let Ok(set) = text.parse::<SequenceSet>() {
            prop_assert!(set.check().is_ok());
            prop_assert_eq!(set.to_string().parse::<SequenceSet>().unwrap(), set);
        }
    }

    #[test]
    fn flag_display_parses_back(text in "\\\\?[!-~]{1,10}") {
        if let Ok(flag) = text.parse::<Flag>() {
            prop_assert_eq!(flag.to_string().parse::<Flag>().unwrap(), flag.clone());
            let out = command(PLAIN, "STORE 1 +FLAGS", |e| encode::flag(e, &flag));
            prop_assert!(out.is_ok() || matches!(flag, Flag::Recent | Flag::MayCreate));
        }
    }
}
