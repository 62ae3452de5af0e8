//! Gmail's X-GM-EXT-1 and XLIST, in typed-imap's own spec
//! (spec/gmail.toml, spec/xlist.toml). Gmail cannot be reached from here:
//! its sessions are the response lines Google documents, played by a
//! scripted server. XLIST is also tested against Cyrus, which has it.

use typed_imap::blocking::ClientOptions;
use typed_imap::codec::encode::{to_bytes, EncodeOptions, Encoder};
use typed_imap::command::Command;
use typed_imap::types::{FetchItem, GmailLabel, LabelsAction, SearchKey, SequenceSet};
use typed_imap::{Create, ListItem, Xlist};
use typed_imap::{Fetch, MailboxAttribute, Search, Select, StoreLabels, UidSearch, UidStoreLabels};
use typed_imap_tests::both::Imap;
use typed_imap_tests::both_clients;
use typed_imap_tests::cyrus::Cyrus;
use typed_imap_tests::scripted::Script;

both_clients!(
    a_gmail_session_gives_typed_ids_labels_and_search_results,
    gmail_xlist_reads_as_list_with_special_use_attributes,
    xlist_on_cyrus_marks_the_inbox,
);

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

/// A scripted Gmail: greeting, LOGIN answered with its capabilities, then
/// `steps`.
fn gmail<I: Imap>(
    steps: impl FnOnce(Script) -> Script,
) -> (typed_imap_tests::scripted::ScriptedServer, I) {
    let script = Script::new()
        .send(GREETING)
        .expect_command("LOGIN")
        .reply(&format!(
            "OK [CAPABILITY {CAPABILITIES}] alice@example.com authenticated (Success)"
        ));
    let server = steps(script).serve().unwrap();
    let mut imap = I::connect("127.0.0.1", server.addr().port(), ClientOptions::default()).unwrap();
    imap.login("alice@example.com", "app password").unwrap();
    (server, imap)
}

#[test]
fn gmail_items_and_keys_have_their_wire_form() {
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
    let key =
        SearchKey::gm_label("\\Important") & SearchKey::gm_thrid(1_266_894_439_832_287_888u64);
    assert_eq!(
        wire(&Search::new(key)),
        "SEARCH X-GM-LABELS \"\\\\Important\" X-GM-THRID 1266894439832287888\r\n"
    );
    assert_eq!(
        wire(
            &StoreLabels::new(SequenceSet::all())
                .remove_labels(vec![GmailLabel::system("Important")])
        ),
        "STORE 1:* -X-GM-LABELS (\\Important)\r\n"
    );
}

/// Gmail's keys and attributes carry X-GM-EXT-1: refused by any other
/// server before they are sent.
#[test]
fn gmail_items_and_keys_need_x_gm_ext_1() {
    let fetch = Fetch::new(1).items(FetchItem::uid() | FetchItem::gm_labels());
    let search = Search::new(SearchKey::unseen() | SearchKey::gm_raw("in:unread"));
    let store = StoreLabels::new(1).add_labels(vec![GmailLabel::named("foo")]);
    for missing in [
        fetch.missing_capability(|_| false),
        search.missing_capability(|_| false),
        store.missing_capability(|_| false),
    ] {
        assert_eq!(missing.as_deref(), Some("X-GM-EXT-1"));
    }
    assert_eq!(fetch.missing_capability(|c| c == "X-GM-EXT-1"), None);
}

/// The session of Google's documentation: a search in Gmail's syntax,
/// message and thread ids and labels typed, a label STORE answered with
/// the labels after it.
fn a_gmail_session_gives_typed_ids_labels_and_search_results<I: Imap>() {
    let (server, mut imap) = gmail::<I>(|script| {
        script
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
    });
    assert!(imap.has_capability("X-GM-EXT-1").unwrap());
    assert_eq!(imap.run(Select::new("[Gmail]/All Mail")).unwrap().exists, 4);
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
    let first = &fetched[0].message;
    assert_eq!(first.gm_msgid, Some(1_278_455_344_230_334_865));
    assert_eq!(first.gm_thrid, Some(1_266_894_439_832_287_888));
    assert_eq!(
        first.gm_labels.as_deref(),
        Some(
            &[
                GmailLabel::system("Inbox"),
                GmailLabel::system("Sent"),
                GmailLabel::named("Important"),
                GmailLabel::named("Muy Importante"),
            ][..]
        )
    );
    assert!(first.extra.is_empty(), "{:?}", first.extra);
    assert_eq!(
        fetched[1].message.gm_thrid, first.gm_thrid,
        "one conversation"
    );
    assert_eq!(fetched[2].message.gm_labels.as_deref(), Some(&[][..]));
    assert_eq!(
        fetched[3].message.gm_labels.as_deref(),
        Some(&[GmailLabel::system("Drafts")][..])
    );
    let labels = vec![
        GmailLabel::named("foo"),
        GmailLabel::named("Muy Importante"),
    ];
    let stored = imap
        .run(UidStoreLabels::new(SequenceSet::from_uids([1])).action(LabelsAction::add(labels)))
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].message.gm_labels.as_ref().map(Vec::len), Some(5));
    drop(imap);
    server.finish().unwrap();
}

/// The mailbox named `name` among `listed`.
fn find<'a>(listed: &'a [ListItem], name: &str) -> &'a ListItem {
    listed
        .iter()
        .find(|item| item.mailbox.as_str() == name)
        .unwrap_or_else(|| panic!("{name} among {listed:?}"))
}

/// Gmail's XLIST, as Google documents it: the inbox is `\Inbox` whatever
/// its name, and XLIST's `\AllMail`, `\Spam` and `\Starred` read as
/// SPECIAL-USE's `\All`, `\Junk` and `\Flagged`.
fn gmail_xlist_reads_as_list_with_special_use_attributes<I: Imap>() {
    let (server, mut imap) = gmail::<I>(|script| {
        script.expect_exact("XLIST \"\" *").send(
            "* XLIST (\\HasNoChildren \\Inbox) \"/\" \"Inbox\"\r\n\
             * XLIST (\\Noselect \\HasChildren) \"/\" \"[Gmail]\"\r\n\
             * XLIST (\\HasNoChildren \\AllMail) \"/\" \"[Gmail]/All Mail\"\r\n\
             * XLIST (\\HasNoChildren \\Drafts) \"/\" \"[Gmail]/Drafts\"\r\n\
             * XLIST (\\HasNoChildren \\Important) \"/\" \"[Gmail]/Important\"\r\n\
             * XLIST (\\HasNoChildren \\Sent) \"/\" \"[Gmail]/Sent Mail\"\r\n\
             * XLIST (\\HasNoChildren \\Spam) \"/\" \"[Gmail]/Spam\"\r\n\
             * XLIST (\\HasNoChildren \\Starred) \"/\" \"[Gmail]/Starred\"\r\n\
             * XLIST (\\HasNoChildren \\Trash) \"/\" \"[Gmail]/Trash\"\r\n\
             {tag} OK Success\r\n",
        )
    });
    let listed = imap.run(Xlist::new("", "*")).unwrap();
    assert_eq!(listed.len(), 9);
    let special = |name: &str| find(&listed, name).attributes.clone();
    use MailboxAttribute::*;
    assert_eq!(special("Inbox"), [HasNoChildren, Inbox]);
    assert_eq!(special("[Gmail]"), [NoSelect, HasChildren]);
    assert_eq!(special("[Gmail]/All Mail"), [HasNoChildren, All]);
    assert_eq!(special("[Gmail]/Spam"), [HasNoChildren, Junk]);
    assert_eq!(special("[Gmail]/Starred"), [HasNoChildren, Flagged]);
    assert_eq!(special("[Gmail]/Important"), [HasNoChildren, Important]);
    assert_eq!(special("[Gmail]/Sent Mail"), [HasNoChildren, Sent]);
    assert_eq!(find(&listed, "[Gmail]/Trash").delimiter, Some('/'));
    drop(imap);
    server.finish().unwrap();
}

/// Cyrus has XLIST too: its INBOX carries `\Inbox`.
fn xlist_on_cyrus_marks_the_inbox<I: Imap>() {
    let server = Cyrus::start().unwrap();
    let mut imap = I::connect("127.0.0.1", server.addr().port(), ClientOptions::default()).unwrap();
    imap.login("alice", &server.user("alice").unwrap().password)
        .unwrap();
    assert!(imap.has_capability("XLIST").unwrap());
    imap.run(Create::new("Work")).unwrap();
    let listed = imap.run(Xlist::new("", "*")).unwrap();
    let inbox = find(&listed, "INBOX");
    assert!(
        inbox.attributes.contains(&MailboxAttribute::Inbox),
        "{inbox:?}"
    );
    let work = find(&listed, "Work");
    assert!(
        !work.attributes.contains(&MailboxAttribute::Inbox),
        "{work:?}"
    );
}
