//! Composition on the server (RFC 4469 CATENATE, RFC 4467 URLAUTH, RFC
//! 5550 URL-PARTIAL), each from its own spec file, against the servers
//! here that advertise them.

use typed_imap::blocking::ClientOptions;
use typed_imap::types::{CatenatePart, FetchItem, Section, SectionText, StatusItem, UrlFetchForm};
use typed_imap::{
    Append, AppendCatenate, Code, Create, Error, Fetch, GenUrlAuth, Noop, ResetKey, Select,
    Status as StatusCommand, UrlFetch,
};
use typed_imap_tests::both::Imap;
use typed_imap_tests::both_clients;
use typed_imap_tests::cyrus::Cyrus;
use typed_imap_tests::dovecot::{Dovecot, Options, Plugins};
use typed_imap_tests::messages::sample_message;
use typed_imap_tests::views::first_body;

both_clients!(
    catenate_on_dovecot,
    catenate_on_cyrus,
    urlauth_on_dovecot,
    urlauth_on_cyrus,
    urlfetch_binary_on_dovecot,
    urlfetch_binary_on_cyrus,
    url_partial_names_a_range_of_a_part_in_catenate,
);

/// alice on a Cyrus started with `extra_conf`.
fn cyrus_with<I: Imap>(extra_conf: &str) -> (Cyrus, I) {
    let server = Cyrus::start_with(extra_conf).unwrap();
    let mut imap = I::connect("127.0.0.1", server.addr().port(), ClientOptions::default()).unwrap();
    imap.login("alice", &server.user("alice").unwrap().password)
        .unwrap();
    (server, imap)
}

/// Message `n`'s section of the selected mailbox.
fn section<I: Imap>(imap: &mut I, n: u32, section: Section) -> Vec<u8> {
    let fetched = imap
        .run(Fetch::new(n).items(FetchItem::body_peek(section)))
        .unwrap();
    first_body(&fetched[0]).expect("a body").to_vec()
}

fn text() -> Section {
    Section {
        part: vec![],
        text: Some(SectionText::Text),
    }
}

const HEADER: &[u8] = b"From: Alice <alice@example.org>\r\nTo: Dan <dan@example.org>\r\nSubject: Fwd: Sample message 0\r\n\r\n";

/// CATENATE: the server assembles a message from text the client sends and
/// the text of a message it has, by URL; a URL it cannot resolve fails the
/// APPEND with BADURL naming it. INBOX holds one message.
fn catenate_assembles_text_and_parts_of_messages<I: Imap>(imap: &mut I) {
    assert!(imap.has_capability("CATENATE").unwrap());
    let validity = imap
        .run(StatusCommand::new(
            "INBOX",
            vec![StatusItem::uid_validity()],
        ))
        .unwrap()
        .attributes
        .uid_validity
        .unwrap();
    imap.run(Create::new("Outbox")).unwrap();
    let url = format!("/INBOX;UIDVALIDITY={validity}/;UID=1/;SECTION=TEXT");
    let parts = vec![CatenatePart::text(HEADER), CatenatePart::url(url)];
    imap.run(AppendCatenate::new("Outbox").parts(parts))
        .unwrap();

    imap.run(Select::new("INBOX")).unwrap();
    let original = section(imap, 1, text());
    imap.run(Select::new("Outbox")).unwrap();
    let assembled = section(imap, 1, Section::default());
    assert_eq!(assembled, [HEADER, &original].concat());

    let missing = "/INBOX/;UID=99";
    let error = imap
        .run(AppendCatenate::new("Outbox").parts(vec![CatenatePart::url(missing)]))
        .unwrap_err();
    match error {
        Error::No {
            code: Some(Code::BadUrl(url)),
            ..
        } => assert_eq!(url, missing),
        other => panic!("expected NO [BADURL], got {other:?}"),
    }
    imap.run(Noop::new()).unwrap();
}

fn catenate_on_dovecot<I: Imap>() {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "INBOX", [sample_message(0, 2_000)])
        .unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    catenate_assembles_text_and_parts_of_messages(&mut imap);
}

/// Cyrus quotes the URL of BADURL, as RFC 4469's example does.
fn catenate_on_cyrus<I: Imap>() {
    let (_server, mut imap) = cyrus_with::<I>("");
    imap.run(Append::new("INBOX", sample_message(0, 2_000)))
        .unwrap();
    catenate_assembles_text_and_parts_of_messages(&mut imap);
}

/// URLAUTH: GENURLAUTH authorizes a URL of INBOX's first message, which
/// URLFETCH then fetches, whole or (URL-PARTIAL) a range of its text;
/// RESETKEY revokes it: the fetch is NIL. INBOX holds one message.
fn urlauth_authorizes_urls_until_the_keys_are_reset<I: Imap>(imap: &mut I) {
    assert!(imap.has_capability("URLAUTH").unwrap());
    let selected = imap.run(Select::new("INBOX")).unwrap();
    let mechanisms = selected.url_mechanisms.unwrap_or_default();
    assert!(
        mechanisms.is_empty() || mechanisms[0].as_ref() == b"INTERNAL",
        "{mechanisms:?}"
    );
    let whole = section(imap, 1, Section::default());
    let text = section(imap, 1, text());
    imap.run(ResetKey::new()).unwrap();
    let authorize = |imap: &mut I, url: &str| -> String {
        let urls = imap.run(GenUrlAuth::new(url, "INTERNAL")).unwrap();
        let [authorized] = urls.as_slice() else {
            panic!("one URL: {urls:?}");
        };
        let authorized = String::from_utf8(authorized.to_vec()).unwrap();
        assert!(authorized.starts_with(url), "{authorized}");
        assert!(authorized.contains(":internal:"), "{authorized}");
        authorized
    };
    let url = authorize(
        imap,
        "imap://alice@localhost/INBOX/;UID=1;urlauth=user+alice",
    );
    let fetched = imap.run(UrlFetch::new(url.clone())).unwrap();
    assert_eq!(fetched.url.as_ref(), url.as_bytes());
    assert_eq!(fetched.data.content.as_deref(), Some(&whole[..]));
    assert_eq!(fetched.data.form, None);

    let partial = authorize(
        imap,
        "imap://alice@localhost/INBOX/;UID=1/;SECTION=TEXT/;PARTIAL=4.10;urlauth=user+alice",
    );
    let range = imap.run(UrlFetch::new(partial)).unwrap();
    assert_eq!(range.data.content.as_deref(), text.get(4..14));

    imap.run(ResetKey::new()).unwrap();
    let revoked = imap.run(UrlFetch::new(url)).unwrap();
    assert_eq!(revoked.data.content, None);
}

/// Dovecot needs `imap_urlauth_host` for URLAUTH, and a dictionary for
/// its keys (the metadata plugin's).
fn urlauth_on_dovecot<I: Imap>() {
    let server = Dovecot::start_with(Options {
        plugins: Plugins {
            metadata: true,
            ..Plugins::default()
        },
        extra_config: "imap_urlauth_host = localhost\n".into(),
        ..Options::default()
    })
    .unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Append::new("INBOX", sample_message(0, 2_000)))
        .unwrap();
    urlauth_authorizes_urls_until_the_keys_are_reset(&mut imap);
}

fn urlauth_on_cyrus<I: Imap>() {
    let (_server, mut imap) = cyrus_with::<I>("");
    imap.run(Append::new("INBOX", sample_message(0, 2_000)))
        .unwrap();
    urlauth_authorizes_urls_until_the_keys_are_reset(&mut imap);
}

/// A message whose second part is base64: eight bytes, NUL among them.
const WITH_ATTACHMENT: &[u8] = b"From: Alice <alice@example.org>\r\n\
To: Dan <dan@example.org>\r\n\
Subject: Bytes\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b\"\r\n\
\r\n\
--b\r\n\
Content-Type: text/plain; charset=us-ascii\r\n\
\r\n\
See the attachment.\r\n\
--b\r\n\
Content-Type: application/octet-stream; name=\"x.bin\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
AAECAwRoaSE=\r\n\
--b--\r\n";

/// URLAUTH=BINARY (RFC 5524): URLFETCH of a URLAUTH URL of a base64 part
/// with BODYPARTSTRUCTURE and BINARY gives the part's structure and its
/// bytes decoded; BODY and no option give it as stored. The structure
/// gives the size of the data as returned (8 with BINARY, 12 with BODY)
/// and, with BINARY, `binary_encoding`: Cyrus says `BINARY`, Dovecot
/// keeps `base64` (a deviation: the data it describes is not base64).
/// INBOX holds WITH_ATTACHMENT as UID 1.
fn urlfetch_binary_decodes_a_part<I: Imap>(imap: &mut I, binary_encoding: &[u8]) {
    assert!(imap.has_capability("URLAUTH=BINARY").unwrap());
    imap.run(Select::new("INBOX")).unwrap();
    let stored = section(
        imap,
        1,
        Section {
            part: vec![2],
            text: None,
        },
    );
    let rump = "imap://alice@localhost/INBOX/;UID=1/;SECTION=2;urlauth=user+alice";
    let urls = imap.run(GenUrlAuth::new(rump, "INTERNAL")).unwrap();
    let [url] = urls.as_slice() else {
        panic!("one URL: {urls:?}");
    };
    let url = String::from_utf8(url.to_vec()).unwrap();

    let fetched = imap
        .run(UrlFetch::new(url.clone()).body_part_structure().binary())
        .unwrap();
    assert_eq!(fetched.url.as_ref(), url.as_bytes());
    assert_eq!(fetched.data.form, Some(UrlFetchForm::Binary));
    assert_eq!(
        fetched.data.content.as_deref(),
        Some(&b"\0\x01\x02\x03\x04hi!"[..])
    );
    let structure = fetched.data.body_part_structure.expect("BODYPARTSTRUCTURE");
    let part = structure.root();
    assert!(part.media_type().eq_ignore_ascii_case(b"APPLICATION"));
    assert!(part.media_subtype().eq_ignore_ascii_case(b"OCTET-STREAM"));
    assert!(
        part.encoding()
            .unwrap()
            .eq_ignore_ascii_case(binary_encoding),
        "{:?}",
        part.encoding()
    );
    assert_eq!(part.params().get("name"), Some(&b"x.bin"[..]));
    assert_eq!(part.octets(), 8);

    let body = imap
        .run(UrlFetch::new(url.clone()).body_part_structure().body())
        .unwrap();
    assert_eq!(body.data.form, Some(UrlFetchForm::Body));
    assert_eq!(body.data.content.as_deref(), Some(&stored[..]));
    let structure = body.data.body_part_structure.expect("BODYPARTSTRUCTURE");
    assert!(structure
        .root()
        .encoding()
        .unwrap()
        .eq_ignore_ascii_case(b"BASE64"));
    assert_eq!(structure.root().octets() as usize, stored.len());

    let binary = imap.run(UrlFetch::new(url.clone()).binary()).unwrap();
    assert_eq!(binary.data.content, fetched.data.content);
    assert!(binary.data.body_part_structure.is_none());

    let plain = imap.run(UrlFetch::new(url)).unwrap();
    assert_eq!(plain.data.form, None);
    assert_eq!(plain.data.content.as_deref(), Some(&stored[..]));
}

fn urlfetch_binary_on_dovecot<I: Imap>() {
    let server = Dovecot::start_with(Options {
        plugins: Plugins {
            metadata: true,
            ..Plugins::default()
        },
        extra_config: "imap_urlauth_host = localhost\n".into(),
        ..Options::default()
    })
    .unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    imap.run(Append::new("INBOX", WITH_ATTACHMENT)).unwrap();
    urlfetch_binary_decodes_a_part(&mut imap, b"base64");
}

/// Cyrus puts each item in parentheses of its own, as RFC 5524's
/// `url-metadata` does; Dovecot (above) puts them in one list.
fn urlfetch_binary_on_cyrus<I: Imap>() {
    let (_server, mut imap) = cyrus_with::<I>("");
    imap.run(Append::new("INBOX", WITH_ATTACHMENT)).unwrap();
    urlfetch_binary_decodes_a_part(&mut imap, b"BINARY");
}

/// URL-PARTIAL (RFC 5550): a URL may name a range of a part, in CATENATE
/// as anywhere.
fn url_partial_names_a_range_of_a_part_in_catenate<I: Imap>() {
    let server = Dovecot::start().unwrap();
    server
        .fill("alice", "INBOX", [sample_message(0, 2_000)])
        .unwrap();
    let mut imap = I::logged_in(&server, "alice").unwrap();
    assert!(imap.has_capability("URL-PARTIAL").unwrap());
    imap.run(Select::new("INBOX")).unwrap();
    let range = CatenatePart::url("/INBOX/;UID=1/;SECTION=TEXT/;PARTIAL=4.15");
    imap.run(AppendCatenate::new("INBOX").parts(vec![range]))
        .unwrap();
    imap.run(Noop::new()).unwrap();
    let text = section(&mut imap, 1, text());
    assert_eq!(section(&mut imap, 2, Section::default()), text[4..19]);
}
