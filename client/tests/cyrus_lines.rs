//! Exact lines Cyrus IMAP 3.6 sends, where they differ from Dovecot's
//! (seen against the server in `tests/tests/ext_cyrus.rs`), parsed into
//! the generated `Data`.

use typed_imap::codec::parse::Limits;
use typed_imap::response::{parse_response_as, Response};
use typed_imap::{Bytes, Code, Data};

fn data(line: &'static [u8]) -> Data {
    match parse_response_as::<Data, Code>(&Bytes::from_static(line), &Limits::default()) {
        Ok(Response::Data(data)) => data,
        other => panic!("expected untagged data, got {other:?}"),
    }
}

#[test]
fn quota_of_a_root_without_limits_has_no_resources() {
    let Data::Quota(quota) = data(b"* QUOTA INBOX ()\r\n") else {
        panic!("a QUOTA response");
    };
    assert_eq!(quota.root.as_ref(), b"INBOX");
    assert!(quota.resources.is_empty());
    let Data::QuotaRoot(roots) = data(b"* QUOTAROOT INBOX INBOX\r\n") else {
        panic!("a QUOTAROOT response");
    };
    assert_eq!(roots.mailbox.as_str(), "INBOX");
    assert_eq!(roots.roots, [&b"INBOX"[..]]);
}

#[test]
fn listrights_with_cyrus_digits_one_right_per_group() {
    let Data::ListRights(listed) =
        data(b"* LISTRIGHTS INBOX bob p l r s w i k x t e c d a n 0 1 2 3 4 5 6 7 8 9\r\n")
    else {
        panic!("a LISTRIGHTS response");
    };
    assert_eq!(listed.required.to_string(), "p");
    assert_eq!(listed.optional.len(), 23);
    assert_eq!(listed.optional[22].to_string(), "9");
}

#[test]
fn namespace_of_the_admin_starts_with_nil() {
    let Data::Namespace(namespaces) =
        data(b"* NAMESPACE NIL ((\"user/\" \"/\")) ((\"\" \"/\"))\r\n")
    else {
        panic!("a NAMESPACE response");
    };
    assert!(namespaces.personal.is_none());
    let shared = namespaces.shared.expect("shared");
    assert_eq!(shared[0].prefix.as_str(), "");
    assert_eq!(shared[0].delimiter, Some('/'));
}

#[test]
fn metadata_with_nil_values_and_the_server_mailbox() {
    let Data::Metadata(deep) = data(
        b"* METADATA INBOX (\"/private/comment\" \"hello\" \"/private/specialuse\" NIL \"/private\" NIL)\r\n",
    ) else {
        panic!("a METADATA response");
    };
    let values = deep.data.values();
    assert_eq!(values.len(), 3);
    assert_eq!(values[0].value.as_deref(), Some(&b"hello"[..]));
    assert_eq!(values[1].value, None);
    let Data::Metadata(server) = data(b"* METADATA \"\" (\"/shared/comment\" NIL)\r\n") else {
        panic!("a METADATA response");
    };
    assert_eq!(server.mailbox.as_str(), "");
    assert_eq!(server.data.values()[0].name, "/shared/comment");
}

#[test]
fn fetch_with_annotation_atoms() {
    let Data::Fetch(fetched) = data(
        b"* 1 FETCH (UID 1 ANNOTATION (/comment (value.shared \"both\" value.priv \"my note\")))\r\n",
    ) else {
        panic!("a FETCH response");
    };
    assert_eq!(fetched.message.uid, Some(1));
    let annotations = fetched.message.annotation.expect("ANNOTATION");
    assert_eq!(annotations[0].entry, "/comment");
    assert_eq!(
        annotations[0].get("value.priv"),
        Some(Some(&b"my note"[..]))
    );
    assert_eq!(annotations[0].get("value.shared"), Some(Some(&b"both"[..])));
}

/// URLFETCH with BODYPARTSTRUCTURE and BINARY of a base64 part, as Cyrus
/// 3.6 answers it (`ext_compose::urlfetch_binary_on_cyrus`): each item in
/// parentheses of its own, the structure of the data as returned (BINARY,
/// 8 octets), the data a literal8 holding NUL.
#[test]
fn urlfetch_binary_with_its_body_part_structure() {
    let Data::UrlFetch(fetched) = data(
        b"* URLFETCH \"imap://alice@localhost/INBOX/;UID=1/;SECTION=2;urlauth=user+alice:internal:0088cf21ca43260d75ad739c19d318caac31b44160\" (BODYPARTSTRUCTURE (\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" \"x.bin\") NIL NIL \"BINARY\" 8 NIL NIL NIL NIL)) (BINARY ~{8}\r\n\0\x01\x02\x03\x04hi!)\r\n",
    ) else {
        panic!("a URLFETCH response");
    };
    assert!(fetched.url.ends_with(b"b44160"));
    assert_eq!(
        fetched.data.form,
        Some(typed_imap::types::UrlFetchForm::Binary)
    );
    assert_eq!(
        fetched.data.content.as_deref(),
        Some(&b"\0\x01\x02\x03\x04hi!"[..])
    );
    let structure = fetched.data.body_part_structure.expect("a structure");
    assert_eq!(structure.root().encoding(), Some(&b"BINARY"[..]));
    assert_eq!(structure.root().octets(), 8);
    assert_eq!(structure.root().params().get("NAME"), Some(&b"x.bin"[..]));
}
