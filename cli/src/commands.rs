//! The subcommands other than `backup`: `ls`, `search`, `fetch`, and the
//! dispatch.

use std::io::Write;

use serde_json::json;
use typed_imap::blocking::{Client, StreamEvent, BODY_THRESHOLD};
use typed_imap::types::{Address, FetchItem, FetchItems, Section, SequenceSet, StatusItem};
use typed_imap::{Examine, Fetched, List, MailboxAttribute, Status, UidFetch};

use crate::account::Account;
use crate::output::{Failure, Output};
use crate::{Cli, Command};

/// Runs the command line.
pub fn run(cli: Cli) -> Result<(), Failure> {
    let output = Output::new(cli.json, cli.quiet);
    let account = |name: &str| Account::resolve(name, cli.config.as_deref(), &cli.account);
    match &cli.command {
        Command::Backup(args) => crate::backup::run(args, &account(&args.account)?, output),
        Command::Ls { account: name } => ls(&mut account(name)?.connect()?, output),
        Command::Search {
            account: name,
            mailbox,
            query,
        } => {
            let key = crate::query::parse(&query.join(" ")).map_err(Failure::new)?;
            search(&mut account(name)?.connect()?, mailbox, key, output)
        }
        Command::Fetch {
            account: name,
            mailbox,
            uid,
        } => fetch(&mut account(name)?.connect()?, mailbox, *uid),
        Command::Watch {
            account: name,
            mailbox,
        } => crate::watch::run(&account(name)?, mailbox, output),
    }
}

/// `ls`: LIST, then the STATUS of every selectable mailbox, pipelined (one
/// round trip for all of them).
fn ls(client: &mut Client, output: Output) -> Result<(), Failure> {
    let listed = client
        .run(List::new("", "*"))
        .map_err(|e| Failure::imap("LIST", e))?;
    let selectable: Vec<_> = listed
        .iter()
        .filter(|item| {
            !item.attributes.iter().any(|a| {
                matches!(
                    a,
                    MailboxAttribute::NoSelect | MailboxAttribute::NonExistent
                )
            })
        })
        .collect();
    let items = || vec![StatusItem::messages(), StatusItem::unseen()];
    let statuses = client
        .pipeline(
            selectable
                .iter()
                .map(|item| Status::new(&item.mailbox, items())),
        )
        .map_err(|e| Failure::imap("STATUS", e))?;
    for (item, status) in selectable.iter().zip(statuses) {
        let name = item.mailbox.as_str();
        let (messages, unseen) = match &status {
            Ok(status) => (status.attributes.messages, status.attributes.unseen),
            Err(_) => (None, None),
        };
        output.line(
            &json!({ "mailbox": name, "messages": messages, "unseen": unseen }),
            || {
                let count = |n: Option<u32>| n.map_or("?".to_owned(), |n| n.to_string());
                format!(
                    "{name:<30} {:>7} messages {:>6} unseen",
                    count(messages),
                    count(unseen)
                )
            },
        );
    }
    Ok(())
}

/// `search`: UID SEARCH, then the envelopes of what it found, streamed.
fn search(
    client: &mut Client,
    mailbox: &str,
    key: typed_imap::types::SearchKey,
    output: Output,
) -> Result<(), Failure> {
    client
        .run(Examine::new(mailbox))
        .map_err(|e| Failure::imap(format!("EXAMINE {mailbox:?}"), e))?;
    let uids = client
        .uid_search(key)
        .map_err(|e| Failure::imap("UID SEARCH", e))?;
    if uids.is_empty() {
        return Ok(());
    }
    let items = FetchItems::from(FetchItem::uid())
        | FetchItem::flags()
        | FetchItem::internal_date()
        | FetchItem::rfc822_size()
        | FetchItem::envelope();
    let command = UidFetch::new(SequenceSet::from_uids(uids)).items(items);
    let failed = |e| Failure::imap("UID FETCH the messages found", e);
    for fetched in client.stream(command).map_err(failed)? {
        print_message(&fetched.map_err(failed)?, output);
    }
    Ok(())
}

/// One line for a message: UID, date, sender, subject.
pub fn print_message(fetched: &Fetched, output: Output) {
    let message = &fetched.message;
    let envelope = message.envelope.as_ref();
    let from = envelope
        .and_then(|e| e.from().get(0))
        .map(address)
        .unwrap_or_default();
    let subject = envelope
        .and_then(|e| e.subject())
        .map(text)
        .unwrap_or_default();
    let date = message
        .internal_date
        .map(|d| d.to_rfc3339())
        .unwrap_or_default();
    let flags: Vec<String> = message
        .flags
        .iter()
        .flatten()
        .map(ToString::to_string)
        .collect();
    let uid = message.uid;
    output.line(
        &json!({ "uid": uid, "date": date, "from": from, "subject": subject,
                 "flags": flags, "size": message.rfc822_size }),
        || {
            let uid = uid.map_or("?".to_owned(), |u| u.to_string());
            format!("{uid:>8}  {date:<25}  {from:<30}  {subject}")
        },
    );
}

fn address(address: Address<'_>) -> String {
    let mailbox = address.mailbox().map(text).unwrap_or_default();
    let host = address.host().map(text).unwrap_or_default();
    match address.name() {
        Some(name) => format!("{} <{mailbox}@{host}>", text(name)),
        None => format!("{mailbox}@{host}"),
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `fetch`: the message's bytes to stdout as they arrive.
fn fetch(client: &mut Client, mailbox: &str, uid: u32) -> Result<(), Failure> {
    client
        .run(Examine::new(mailbox))
        .map_err(|e| Failure::imap(format!("EXAMINE {mailbox:?}"), e))?;
    let command = UidFetch::new(uid)
        .items(FetchItems::from(FetchItem::uid()) | FetchItem::body_peek(Section::default()));
    let failed = |e| Failure::imap(format!("UID FETCH {uid}"), e);
    let mut stdout = std::io::stdout().lock();
    let written = |e| Failure::io("write to stdout", e);
    let mut found = false;
    for event in client
        .stream_events(command, BODY_THRESHOLD)
        .map_err(failed)?
    {
        match event.map_err(failed)? {
            StreamEvent::BodyChunk(bytes) => {
                found = true;
                stdout.write_all(&bytes).map_err(written)?;
            }
            StreamEvent::Item(fetched) if fetched.message.uid == Some(uid) => {
                let body = fetched
                    .message
                    .body_sections
                    .iter()
                    .find_map(|(_, b)| b.as_ref());
                if let Some(body) = body.filter(|b| !b.is_empty()) {
                    found = true;
                    stdout.write_all(body).map_err(written)?;
                }
            }
            _ => {}
        }
    }
    stdout.flush().map_err(written)?;
    if found {
        Ok(())
    } else {
        Err(Failure::new(format!(
            "{mailbox:?} has no message with UID {uid}"
        )))
    }
}
