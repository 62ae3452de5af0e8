//! The invented tags extension, generated in this crate, used with
//! typed-imap's client against a scripted server.

use gmail_ext::{Tag, UidStoreTags, XtagsFetchItem, XtagsMessage, XtagsSearchKeys};
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

#[test]
fn fetch_items_and_search_keys_have_their_wire_form() {
    let items = FetchItem::spam_score() | FetchItem::tags();
    assert_eq!(
        wire(&Fetch::new(SequenceSet::all()).items(items)),
        "FETCH 1:* (XSCORE XTAGS)\r\n"
    );
    assert_eq!(
        wire(&UidSearch::new(SearchKey::spam_score_at_least(80u64))),
        "UID SEARCH XSCORE 80\r\n"
    );
    assert_eq!(
        wire(&Search::new(SearchKey::tag("to do") & SearchKey::unseen())),
        "SEARCH XTAG \"to do\" UNSEEN\r\n"
    );
}

/// A downstream crate's keys and attributes carry their capability like
/// typed-imap's own: the session refuses them where XTAGS is not
/// advertised.
#[test]
fn fetch_items_and_search_keys_need_their_capability() {
    let fetch = Fetch::new(1).items(FetchItem::uid() | FetchItem::tags());
    let search = Search::new(SearchKey::unseen() | SearchKey::tag("work"));
    for missing in [
        fetch.missing_capability(|_| false),
        search.missing_capability(|_| false),
    ] {
        assert_eq!(missing.as_deref(), Some("XTAGS"));
    }
    assert_eq!(fetch.missing_capability(|c| c == "XTAGS"), None);
}

#[test]
fn tag_stores_have_their_wire_form() {
    use gmail_ext::StoreTags;
    assert_eq!(
        wire(&StoreTags::new(SequenceSet::all()).remove_tags(vec![Tag::system("Newsletter")])),
        "STORE 1:* -XTAGS (\\Newsletter)\r\n"
    );
    assert_eq!(
        wire(&StoreTags::new(SequenceSet::all()).replace_tags(vec![])),
        "STORE 1:* XTAGS ()\r\n"
    );
    assert_eq!(StoreTags::CAPABILITY, Some("XTAGS"));
}

#[test]
fn tags_parse_system_and_named_and_refuse_deep_nesting() {
    let frame = Bytes::from_static(b"(\\Newsletter work \"to do\")\r\n");
    let limits = Limits::default();
    let mut p = Parser::new(&frame, &limits);
    let tags = gmail_ext::tags::parse(&mut p).unwrap();
    assert_eq!(
        tags,
        [
            Tag::system("Newsletter"),
            Tag::named("work"),
            Tag::named("to do")
        ]
    );
    let nested = Bytes::from(format!("{}\r\n", "(".repeat(10_000)));
    let mut p = Parser::new(&nested, &limits);
    assert!(gmail_ext::tags::parse(&mut p).is_err());
}

#[test]
fn a_session_gives_typed_scores_tags_and_search_results() {
    let server = Script::new()
        .send("* PREAUTH [CAPABILITY IMAP4rev1 XTAGS] Example Mail ready\r\n")
        .expect_exact("SELECT INBOX")
        .send("* 3 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n")
        .reply("OK [READ-WRITE] selected")
        .expect_exact("UID SEARCH XSCORE 80")
        .send("* SEARCH 1 3\r\n")
        .reply("OK done")
        .expect_exact("FETCH 1:3 (UID XSCORE XTAGS)")
        .send(
            "* 1 FETCH (UID 1 XSCORE 95 XTAGS (\\Newsletter work))\r\n\
             * 2 FETCH (UID 2 XSCORE 3 XTAGS ())\r\n\
             * 3 FETCH (UID 3 XSCORE 80 XTAGS (\"to do\"))\r\n",
        )
        .reply("OK done")
        .expect_exact("UID STORE 1 +XTAGS (spam)")
        .send("* 1 FETCH (XTAGS (\\Newsletter work spam) UID 1)\r\n")
        .reply("OK done")
        .serve()
        .unwrap();
    let mut imap = Client::connect("127.0.0.1", server.addr().port()).unwrap();
    assert_eq!(imap.run(Select::new("INBOX")).unwrap().exists, 3);
    let found = imap
        .run(UidSearch::new(SearchKey::spam_score_at_least(80u64)))
        .unwrap();
    assert_eq!(found, [1, 3]);
    let items = FetchItem::uid() | FetchItem::spam_score() | FetchItem::tags();
    let fetched = imap
        .run(Fetch::new(SequenceSet::from_uids([1, 2, 3])).items(items))
        .unwrap();
    let first = &fetched[0].message;
    assert_eq!(first.spam_score().unwrap().unwrap(), 95);
    assert_eq!(
        first.tags().unwrap().unwrap(),
        [Tag::system("Newsletter"), Tag::named("work")]
    );
    assert_eq!(fetched[1].message.tags().unwrap().unwrap(), []);
    assert_eq!(
        fetched[2].message.tags().unwrap().unwrap(),
        [Tag::named("to do")]
    );
    imap.run(UidStoreTags::new(SequenceSet::from_uids([1])).add_tags(vec![Tag::named("spam")]))
        .unwrap();
    let pushed: Vec<_> = imap.take_unsolicited();
    let Some(Unsolicited::Data(Data::Fetch(fetched))) = pushed.last() else {
        panic!("the new tags come back as a FETCH: {pushed:?}");
    };
    assert_eq!(fetched.message.tags().unwrap().unwrap().len(), 3);
    server.finish().unwrap();
}
