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
