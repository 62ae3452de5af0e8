//! Readable forms of typed results, for assertions that several test files
//! make.

use std::io::{self, Write};
use std::process::{Command, Stdio};

use typed_imap::types::Thread;
use typed_imap::{Bytes, Fetched, MetadataReply};

/// Every entry of a GETMETADATA reply as (mailbox, name, value).
pub fn metadata_values(reply: &MetadataReply) -> Vec<(String, String, Option<Vec<u8>>)> {
    reply
        .responses
        .iter()
        .flat_map(|r| {
            r.data.values().iter().map(|e| {
                let value = e.value.as_ref().map(|v| v.to_vec());
                (r.mailbox.as_str().to_owned(), e.name.clone(), value)
            })
        })
        .collect()
}

/// A thread in a canonical text form: `1[2[3],4]` is 1 with the replies 2
/// (itself answered by 3) and 4; `?` is a parent that is not in the
/// mailbox. A chain `(7 8)` and a single nested thread `(7 (8))` both
/// read `7[8]`.
pub fn thread_tree(thread: &Thread) -> String {
    let children: Vec<String> = thread.children.iter().map(thread_tree).collect();
    let mut text = if children.is_empty() {
        String::new()
    } else {
        format!("[{}]", children.join(","))
    };
    match thread.messages.split_last() {
        None => format!("?{text}"),
        Some((last, parents)) => {
            text = format!("{last}{text}");
            for parent in parents.iter().rev() {
                text = format!("{parent}[{text}]");
            }
            text
        }
    }
}

/// The first `BODY[...]` of a FETCH record, if it had one and it was not
/// NIL.
pub fn first_body(fetched: &Fetched) -> Option<&Bytes> {
    fetched
        .message
        .body_sections
        .first()
        .and_then(|(_, body)| body.as_ref())
}

/// Runs `command` (a PREAUTH stream's), writes `script` to its stdin,
/// closes it and returns what it wrote to stdout, lossily as text.
pub fn converse(mut command: Command, script: &[u8]) -> io::Result<String> {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(script)?;
    }
    let output = child.wait_with_output()?;
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
