//! Gmail's extension, generated in this crate, used with typed-imap's
//! client against a scripted server replaying the responses Google
//! documents (Gmail itself cannot be reached from here).

use gmail_ext::{GmailFetchItem, GmailMessage, GmailSearchKeys, Label, UidStoreLabels};
use typed_imap::blocking::Client;
use typed_imap::codec::encode::{to_bytes, EncodeOptions, Encoder};
use typed_imap::codec::parse::{Limits, Parser};
use typed_imap::command::Command;
use typed_imap::session::Unsolicited;
use typed_imap::types::{FetchItem, SearchKey, SequenceSet};
use typed_imap::Data;
use typed_imap::{Bytes, Fetch, Search, Select, UidSearch};
use typed_imap_tests::scripted::Script;

fn wire(command: &impl Command) -> String {
    let mut enc = Encoder::new(EncodeOptions::default());
    command.encode(&mut enc).unwrap();
    String::from_utf8(to_bytes(&enc.finish())).unwrap()
}

const GREETING: &str = "* OK Gimap ready for requests from 127.0.0.1 q1mb1234\r\n";
const CAPABILITIES: &str =
    "IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 UIDPLUS \
     COMPRESS=DEFLATE ENABLE MOVE CONDSTORE ESEARCH UTF8=ACCEPT LIST-EXTENDED \
     LIST-STATUS LITERAL- SPECIAL-USE APPENDLIMIT=35651584";

#[test]
fn fetch_items_and_search_keys_have_their_wire_form() {
    let items = FetchItem::gm_msgid() | FetchItem::gm_thrid() | FetchItem::gm_labels();
    assert_eq!(
        wire(&Fetch::new(SequenceSet::all()).items(items)),
        "FETCH 1:* (X-GM-MSGID X-GM-THRID X-GM-LABELS)\r\n"
    );
    assert_eq!(
        wire(&UidSearch::new(SearchKey::gm_raw(
            "has:attachment in:unread"
        ))),
        "UID SEARCH X-GM-RAW \"has:attachment in:unread\"\r\n"
    );
    assert_eq!(
        wire(&Search::new(
            SearchKey::gm_label("Muy Importante") & SearchKey::unseen()
        )),
        "SEARCH X-GM-LABELS \"Muy Importante\" UNSEEN\r\n"
    );
}

/// A downstream crate's keys and attributes carry their capability like
/// typed-imap's own: the session refuses them where X-GM-EXT-1 is not
/// advertised.
#[test]
fn fetch_items_and_search_keys_need_x_gm_ext_1() {
    let fetch = Fetch::new(1).items(FetchItem::uid() | FetchItem::gm_labels());
    let search = Search::new(SearchKey::unseen() | SearchKey::gm_raw("in:unread"));
    for missing in [
        fetch.missing_capability(|_| false),
        search.missing_capability(|_| false),
    ] {
        assert_eq!(missing.as_deref(), Some("X-GM-EXT-1"));
    }
    assert_eq!(fetch.missing_capability(|c| c == "X-GM-EXT-1"), None);
    assert_eq!(
        Search::new(SearchKey::unseen()).missing_capability(|_| false),
        None
    );
}

#[test]
fn label_stores_have_their_wire_form() {
    use gmail_ext::StoreLabels;
    assert_eq!(
        wire(&StoreLabels::new(SequenceSet::all()).remove_labels(vec![Label::system("Important")])),
        "STORE 1:* -X-GM-LABELS (\\Important)\r\n"
    );
    assert_eq!(
        wire(&StoreLabels::new(SequenceSet::all()).replace_labels(vec![])),
        "STORE 1:* X-GM-LABELS ()\r\n"
    );
    assert_eq!(StoreLabels::CAPABILITY, Some("X-GM-EXT-1"));
}

#[test]
fn labels_encode_system_names_bare_and_others_as_mailbox_names() {
    let labels = vec![
        Label::system("Important"),
        Label::named("Muy Importante"),
        Label::named("été"),
    ];
    let mut enc = Encoder::new(EncodeOptions::default());
    gmail_ext::labels::encode(&mut enc, &labels).unwrap();
    assert_eq!(
        to_bytes(&enc.finish()),
        b"(\\Important \"Muy Importante\" &AOk-t&AOk-)\r\n"
    );
}

#[test]
fn labels_parse_bare_quoted_system_and_utf7_names() {
    let frame =
        Bytes::from_static(b"(\\Inbox \"\\\\Important\" foo \"Muy Importante\" &AOk-t&AOk-)\r\n");
    let limits = Limits::default();
    let mut p = Parser::new(&frame, &limits);
    let labels = gmail_ext::labels::parse(&mut p).unwrap();
    assert_eq!(
        labels,
        [
            Label::system("Inbox"),
            Label::system("Important"),
            Label::named("foo"),
            Label::named("Muy Importante"),
            Label::named("été"),
        ]
    );
    let nested = Bytes::from(format!("{}\r\n", "(".repeat(10_000)));
    let mut p = Parser::new(&nested, &limits);
    assert!(gmail_ext::labels::parse(&mut p).is_err());
}

#[test]
fn a_gmail_session_gives_typed_ids_labels_and_search_results() {
    let server = Script::new()
        .send(GREETING)
        .expect_command("LOGIN")
        .reply(&format!(
            "OK [CAPABILITY {CAPABILITIES}] alice@example.com authenticated (Success)"
        ))
        .expect_exact("SELECT \"[Gmail]/All Mail\"")
        .send(
            "* FLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen $NotPhishing $Phishing)\r\n\
             * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen $NotPhishing $Phishing \\*)] Flags permitted.\r\n\
             * OK [UIDVALIDITY 11] UIDs valid.\r\n\
             * 4 EXISTS\r\n\
             * 0 RECENT\r\n\
             * OK [UIDNEXT 5071] Predicted next UID.\r\n\
             * OK [HIGHESTMODSEQ 2017834] \r\n",
        )
        .reply("OK [READ-WRITE] [Gmail]/All Mail selected. (Success)")
        .expect_exact("UID SEARCH X-GM-RAW \"has:attachment in:unread\"")
        .send("* SEARCH 1 2 4 \r\n")
        .reply("OK SEARCH completed (Success)")
        .expect_exact("FETCH 1:4 (UID X-GM-MSGID X-GM-THRID X-GM-LABELS)")
        .send(
            "* 1 FETCH (UID 1 X-GM-THRID 1266894439832287888 X-GM-MSGID 1278455344230334865 X-GM-LABELS (\\Inbox \\Sent Important \"Muy Importante\"))\r\n\
             * 2 FETCH (UID 2 X-GM-THRID 1266894439832287888 X-GM-MSGID 1278455344230334866 X-GM-LABELS (foo))\r\n\
             * 3 FETCH (UID 3 X-GM-THRID 1266894439832287890 X-GM-MSGID 1278455344230334867 X-GM-LABELS ())\r\n\
             * 4 FETCH (UID 4 X-GM-THRID 1266894439832287891 X-GM-MSGID 1278455344230334868 X-GM-LABELS (\"\\\\Drafts\"))\r\n",
        )
        .reply("OK Success")
        .expect_exact("UID STORE 1 +X-GM-LABELS (foo \"Muy Importante\")")
        .send("* 1 FETCH (X-GM-LABELS (\\Inbox \\Sent Important \"Muy Importante\" foo) UID 1)\r\n")
        .reply("OK STORE (Success)")
        .serve()
        .unwrap();
    let mut imap = Client::connect("127.0.0.1", server.addr().port()).unwrap();
    imap.login("alice@example.com", "app password").unwrap();
    assert!(imap.has_capability("X-GM-EXT-1").unwrap());
    let selected = imap.run(Select::new("[Gmail]/All Mail")).unwrap();
    assert_eq!(selected.exists, 4);
    let found = imap
        .run(UidSearch::new(SearchKey::gm_raw(
            "has:attachment in:unread",
        )))
        .unwrap();
    assert_eq!(found, [1, 2, 4]);
    let items =
        FetchItem::uid() | FetchItem::gm_msgid() | FetchItem::gm_thrid() | FetchItem::gm_labels();
    let fetched = imap
        .run(Fetch::new(SequenceSet::from_uids([1, 2, 3, 4])).items(items))
        .unwrap();
    assert_eq!(fetched.len(), 4);
    let first = &fetched[0].message;
    assert_eq!(first.uid, Some(1));
    assert_eq!(
        first.gm_msgid().unwrap().unwrap(),
        1_278_455_344_230_334_865
    );
    assert_eq!(
        first.gm_thrid().unwrap().unwrap(),
        1_266_894_439_832_287_888
    );
    assert_eq!(
        first.gm_labels().unwrap().unwrap(),
        [
            Label::system("Inbox"),
            Label::system("Sent"),
            Label::named("Important"),
            Label::named("Muy Importante"),
        ]
    );
    assert_eq!(
        fetched[1].message.gm_thrid().unwrap().unwrap(),
        1_266_894_439_832_287_888
    );
    assert_eq!(fetched[2].message.gm_labels().unwrap().unwrap(), []);
    assert_eq!(
        fetched[3].message.gm_labels().unwrap().unwrap(),
        [Label::system("Drafts")]
    );
    assert!(first.gm_labels().is_some() && fetched[0].message.extra.len() == 3);
    let labels = vec![Label::named("foo"), Label::named("Muy Importante")];
    imap.run(UidStoreLabels::new(SequenceSet::from_uids([1])).add_labels(labels))
        .unwrap();
    let pushed: Vec<_> = imap.take_unsolicited();
    let Some(Unsolicited::Data(Data::Fetch(fetched))) = pushed.last() else {
        panic!("the new labels come back as a FETCH: {pushed:?}");
    };
    assert_eq!(fetched.message.gm_labels().unwrap().unwrap().len(), 5);
    server.finish().unwrap();
}
