//! UTF8=ACCEPT (RFC 6855) against Courier's PREAUTH stream, the one server
//! here that implements it, and against Dovecot, which answers ENABLE with
//! OK but enables nothing.

use std::io::Write;
use std::process::Stdio;

use typed_imap_tests::courier::CourierStream;

#[test]
fn courier_stream_greets_with_preauth_and_advertises_utf8_accept() {
    let stream = CourierStream::new().unwrap();
    let output = stream
        .command()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            let mut stdin = child.stdin.take().unwrap();
            stdin.write_all(b"a CAPABILITY\r\nb LOGOUT\r\n")?;
            drop(stdin);
            child.wait_with_output()
        })
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.starts_with("* PREAUTH "), "{text}");
    let capability = text
        .lines()
        .find(|line| line.starts_with("* CAPABILITY "))
        .unwrap_or_else(|| panic!("no CAPABILITY in {text}"));
    assert!(
        capability.split(' ').any(|c| c == "UTF8=ACCEPT"),
        "{capability}"
    );
    assert!(capability.split(' ').any(|c| c == "ENABLE"), "{capability}");
    assert!(text.contains("b OK LOGOUT"), "{text}");
}

#[test]
fn courier_stream_removes_its_directory_on_drop() {
    let stream = CourierStream::new().unwrap();
    let dir = stream.dir().to_owned();
    assert!(stream.maildir().join("cur").is_dir());
    drop(stream);
    assert!(!dir.exists());
}
