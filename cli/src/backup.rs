//! `typed-imap backup`: mailboxes pulled into a Maildir or mbox, each run
//! transferring only what changed since the last.
//!
//! Per mailbox, in order: SELECT (EXAMINE unless flags are pushed) with
//! QRESYNC or CONDSTORE where the server has them; a changed UIDVALIDITY
//! moves the old copy aside; flag changes and (with `--mirror`) expunges;
//! the new messages, streamed into `tmp/` and renamed into `cur/`; the state
//! last. A run killed anywhere leaves no half message in `cur/`, and the
//! next one recognises what is there by its name.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Instant, SystemTime};

use serde_json::json;
use typed_imap::blocking::{Client, StreamEvent, BODY_THRESHOLD};
use typed_imap::types::{
    Capability, FetchItem, FetchItems, Flag, QresyncParams, Section, SequenceSet, StoreAction,
};
use typed_imap::{
    Enable, Examine, Fetched, List, MailboxAttribute, Select, Selected, UidFetch, UidStore,
};

use crate::account::Account;
use crate::maildir::{self, Incoming, Maildir};
use crate::mbox::Mbox;
use crate::output::{Failure, Output};
use crate::state::{State, STATE_FILE};
use crate::{BackupArgs, Format, Fsync};

/// `backup --help`'s closing text.
pub const BACKUP_HELP: &str = "\
Each mailbox gets its own Maildir under DIR (INBOX in DIR/INBOX, Work/Sub in
DIR/Work.Sub), or its own DIR/NAME.mbox with --format mbox. A state file
beside the messages (.typed-imap-state) records UIDVALIDITY, the next UID
and HIGHESTMODSEQ; the next run asks the server only for what changed since:
with QRESYNC, one SELECT tells that nothing did. A changed UIDVALIDITY moves
the old copy to NAME.uidvalidity-OLD and starts over.

Interrupted at any point, even by kill -9, the next run completes the job:
messages are written into tmp/ and renamed into cur/, and the state is
written after the data it describes.

With --json, one line per mailbox: {\"mailbox\", \"new\" (messages
stored), \"bytes\", \"flags\" (flag changes applied), \"removed\",
\"pushed\", \"restarted\" (UIDVALIDITY changed), \"seconds\"}; then one
line {\"total\": {\"mailboxes\", \"new\", \"bytes\", \"flags\", \"removed\",
\"pushed\"}, \"seconds\", \"peak_memory_kib\"}.";

/// The state is written after this many new messages, so that an
/// interrupted run does not start over from the beginning.
const CHECKPOINT_EVERY: u32 = 1000;

/// What the server offers, learned once per connection.
#[derive(Clone, Copy, Debug)]
struct Server {
    condstore: bool,
    qresync: bool,
}

/// What one mailbox's run did.
#[derive(Debug, Default)]
struct Summary {
    new: u32,
    bytes: u64,
    flags: u32,
    removed: u32,
    pushed: u32,
    restarted: bool,
}

/// Runs `typed-imap backup`.
pub fn run(args: &BackupArgs, account: &Account, output: Output) -> Result<(), Failure> {
    if args.mirror && args.format == Format::Mbox {
        return Err(Failure::new(
            "--mirror needs --format maildir: an mbox backup only ever appends",
        ));
    }
    std::fs::create_dir_all(&args.to)
        .map_err(|e| Failure::io(format!("create {}", args.to.display()), e))?;
    let started = Instant::now();
    let mut client = account.connect()?;
    let server = capabilities(&mut client)?;
    if args.push_flags && !server.condstore {
        return Err(Failure::new(
            "--push-flags needs a server with CONDSTORE, to tell whose change is newer",
        ));
    }
    let mailboxes = mailboxes(&mut client, &args.mailboxes)?;
    let mut total = Summary::default();
    for (mailbox, delimiter) in &mailboxes {
        let began = Instant::now();
        let local = local_name(mailbox, *delimiter);
        let summary = match args.format {
            Format::Maildir => backup_maildir(
                &mut client,
                server,
                mailbox,
                &args.to.join(&local),
                args,
                output,
            ),
            Format::Mbox => {
                backup_mbox(&mut client, server, mailbox, &args.to, &local, args, output)
            }
        }?;
        report(output, mailbox, &summary, began.elapsed().as_secs_f64());
        total.new += summary.new;
        total.bytes += summary.bytes;
        total.flags += summary.flags;
        total.removed += summary.removed;
        total.pushed += summary.pushed;
    }
    // The server's answer to LOGOUT changes nothing here.
    let _ = client.logout();
    let seconds = started.elapsed().as_secs_f64();
    let memory = crate::output::peak_memory_kib();
    output.line(
        &json!({
            "total": { "mailboxes": mailboxes.len(), "new": total.new, "bytes": total.bytes,
                       "flags": total.flags, "removed": total.removed, "pushed": total.pushed },
            "seconds": seconds,
            "peak_memory_kib": memory,
        }),
        || {
            format!(
                "{} mailboxes: {} new messages ({} bytes), {} flag changes, {} removed in {seconds:.2} s",
                mailboxes.len(),
                total.new,
                total.bytes,
                total.flags,
                total.removed
            )
        },
    );
    Ok(())
}

fn report(output: Output, mailbox: &str, s: &Summary, seconds: f64) {
    output.line(
        &json!({
            "mailbox": mailbox, "new": s.new, "bytes": s.bytes, "flags": s.flags,
            "removed": s.removed, "pushed": s.pushed, "restarted": s.restarted, "seconds": seconds,
        }),
        || {
            let restarted = if s.restarted {
                " (UIDVALIDITY changed: started over)"
            } else {
                ""
            };
            let pushed = if s.pushed > 0 {
                format!(", {} pushed", s.pushed)
            } else {
                String::new()
            };
            format!(
                "{mailbox}: {} new ({} bytes), {} flag changes, {} removed{pushed}{restarted}",
                s.new, s.bytes, s.flags, s.removed
            )
        },
    );
}

/// CONDSTORE and QRESYNC, QRESYNC enabled when offered.
fn capabilities(client: &mut Client) -> Result<Server, Failure> {
    let ask = |client: &mut Client, name| {
        client
            .has_capability(name)
            .map_err(|e| Failure::imap("ask the capabilities", e))
    };
    let qresync = ask(client, "QRESYNC")?;
    let condstore = qresync || ask(client, "CONDSTORE")?;
    if qresync {
        client
            .run(Enable::new(vec![Capability::new("QRESYNC")]))
            .map_err(|e| Failure::imap("ENABLE QRESYNC", e))?;
    }
    Ok(Server { condstore, qresync })
}

/// The mailboxes to back up with their hierarchy delimiters: `wanted`, or
/// every selectable one.
fn mailboxes(
    client: &mut Client,
    wanted: &[String],
) -> Result<Vec<(String, Option<char>)>, Failure> {
    let listed = client
        .run(List::new("", "*"))
        .map_err(|e| Failure::imap("LIST the mailboxes", e))?;
    let selectable = |item: &typed_imap::ListItem| {
        !item.attributes.iter().any(|a| {
            matches!(
                a,
                MailboxAttribute::NoSelect | MailboxAttribute::NonExistent
            )
        })
    };
    if wanted.is_empty() {
        return Ok(listed
            .iter()
            .filter(|item| selectable(item))
            .map(|item| (item.mailbox.as_str().to_owned(), item.delimiter))
            .collect());
    }
    wanted
        .iter()
        .map(|name| {
            let same = |item: &&typed_imap::ListItem| {
                let listed = item.mailbox.as_str();
                listed == name
                    || (listed.eq_ignore_ascii_case("INBOX") && name.eq_ignore_ascii_case("INBOX"))
            };
            match listed.iter().find(same) {
                Some(item) if selectable(item) => {
                    Ok((item.mailbox.as_str().to_owned(), item.delimiter))
                }
                Some(_) => Err(Failure::new(format!(
                    "{name:?} cannot be selected (\\Noselect)"
                ))),
                None => Err(Failure::new(format!("the server has no mailbox {name:?}"))),
            }
        })
        .collect()
}

/// The local name of a mailbox: its levels joined with `.` (Maildir++'s
/// way), each level with `%`, `.`, `/` and control characters
/// percent-encoded so that no name escapes the target or collides.
pub fn local_name(mailbox: &str, delimiter: Option<char>) -> String {
    let levels: Vec<&str> = match delimiter {
        Some(d) => mailbox.split(d).collect(),
        None => vec![mailbox],
    };
    levels
        .iter()
        .map(|level| {
            let mut out = String::new();
            for c in level.chars() {
                if c == '%' || c == '.' || c == '/' || c.is_control() {
                    let mut buffer = [0; 4];
                    for byte in c.encode_utf8(&mut buffer).bytes() {
                        out.push_str(&format!("%{byte:02X}"));
                    }
                } else {
                    out.push(c);
                }
            }
            if out.is_empty() {
                out.push_str("%00");
            }
            out
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// SELECT (or EXAMINE, read-only, when nothing is to be written to the
/// server) with what the server offers: QRESYNC with the state's values,
/// else CONDSTORE.
fn select(
    client: &mut Client,
    server: Server,
    mailbox: &str,
    state: Option<&State>,
    read_write: bool,
) -> Result<Selected, Failure> {
    let qresync = state
        .filter(|s| server.qresync && s.highest_mod_seq > 0)
        .map(|s| QresyncParams::new(s.uid_validity, s.highest_mod_seq));
    let result = if read_write {
        let mut select = Select::new(mailbox);
        if server.condstore {
            select = select.condstore();
        }
        if let Some(params) = qresync {
            select = select.qresync(params);
        }
        client.run(select)
    } else {
        let mut examine = Examine::new(mailbox);
        if server.condstore {
            examine = examine.condstore();
        }
        if let Some(params) = qresync {
            examine = examine.qresync(params);
        }
        client.run(examine)
    };
    result.map_err(|e| Failure::imap(format!("select {mailbox:?}"), e))
}

/// Moves a local copy whose UIDVALIDITY is no longer the server's aside,
/// under a name that keeps the old UIDVALIDITY: nothing is deleted.
fn move_aside(path: &Path, old_uid_validity: u32) -> Result<PathBuf, Failure> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let (stem, extension) = match name.strip_suffix(".mbox") {
        Some(stem) => (stem.to_owned(), ".mbox"),
        None => (name.into_owned(), ""),
    };
    for attempt in 0u32.. {
        let suffix = if attempt == 0 {
            String::new()
        } else {
            format!("-{attempt}")
        };
        let aside = path.with_file_name(format!(
            "{stem}.uidvalidity-{old_uid_validity}{suffix}{extension}"
        ));
        if !aside.exists() {
            std::fs::rename(path, &aside)
                .map_err(|e| Failure::io(format!("move {} aside", path.display()), e))?;
            return Ok(aside);
        }
    }
    Err(Failure::new(format!(
        "no free name to move {} aside",
        path.display()
    )))
}

/// The state for this run: the stored one if its UIDVALIDITY is the
/// server's; otherwise the old copy is moved aside and a new one starts.
fn current_state(
    stored: Option<State>,
    uid_validity: u32,
    local: &[&Path],
    summary: &mut Summary,
) -> Result<State, Failure> {
    match stored {
        Some(state) if state.uid_validity == uid_validity => Ok(state),
        stored => {
            if let Some(old) = stored {
                summary.restarted = true;
                for path in local.iter().filter(|p| p.exists()) {
                    move_aside(path, old.uid_validity)?;
                }
            }
            Ok(State {
                uid_validity,
                uid_next: 1,
                highest_mod_seq: 0,
                mbox_len: None,
            })
        }
    }
}

fn io_error<'a>(what: &'a str, path: &'a Path) -> impl Fn(io::Error) -> Failure + 'a {
    move |e| Failure::io(format!("{what} {}", path.display()), e)
}

fn backup_maildir(
    client: &mut Client,
    server: Server,
    mailbox: &str,
    dir: &Path,
    args: &BackupArgs,
    output: Output,
) -> Result<Summary, Failure> {
    let state_path = dir.join(STATE_FILE);
    let stored = State::load(&state_path).map_err(io_error("read", &state_path))?;
    let selected = select(client, server, mailbox, stored.as_ref(), args.push_flags)?;
    let uid_validity = uid_validity(&selected, mailbox)?;
    let mut summary = Summary::default();
    let mut state = current_state(stored, uid_validity, &[dir], &mut summary)?;
    let highest = selected.highest_mod_seq.filter(|_| !selected.no_mod_seq);
    let nothing_new = selected.uid_next.is_some_and(|next| next <= state.uid_next);
    if server.qresync && state.highest_mod_seq > 0 && highest == Some(state.highest_mod_seq) {
        // QRESYNC: the same HIGHESTMODSEQ means no flag change, no expunge
        // and no new message since the last run.
        return Ok(summary);
    }
    let mut maildir =
        Maildir::open(dir, uid_validity, args.fsync).map_err(io_error("open", dir))?;
    if state.uid_next > 1 {
        sync_known(
            client,
            server,
            &selected,
            &state,
            &mut maildir,
            args,
            &mut summary,
        )?;
    }
    if !nothing_new {
        let estimate = selected
            .exists
            .saturating_sub(maildir.index().map_or(0, |i| i.len() as u32));
        let mut sink = MaildirSink {
            maildir: &mut maildir,
            dir,
        };
        fetch_new(
            client,
            mailbox,
            &mut state,
            &mut sink,
            args.fsync,
            estimate,
            output,
            &mut summary,
        )?;
    }
    state.uid_next = state.uid_next.max(selected.uid_next.unwrap_or(0));
    state.highest_mod_seq = highest.unwrap_or(0);
    maildir.sync().map_err(io_error("flush", dir))?;
    state
        .save(&state_path, args.fsync)
        .map_err(io_error("write", &state_path))?;
    Ok(summary)
}

fn uid_validity(selected: &Selected, mailbox: &str) -> Result<u32, Failure> {
    selected.uid_validity.ok_or_else(|| {
        Failure::new(format!(
            "the server sent no UIDVALIDITY for {mailbox:?}: its UIDs cannot be trusted across runs"
        ))
    })
}

/// Brings the messages already stored up to date: flags changed on the
/// server (or, with --push-flags, locally), and with --mirror the
/// messages expunged.
fn sync_known(
    client: &mut Client,
    server: Server,
    selected: &Selected,
    state: &State,
    maildir: &mut Maildir,
    args: &BackupArgs,
    summary: &mut Summary,
) -> Result<(), Failure> {
    let known = SequenceSet::from(1..=state.uid_next - 1);
    let since = state.highest_mod_seq;
    let flags_only = FetchItems::from(FetchItem::uid()) | FetchItem::flags();
    // The messages whose flags to apply, and (when every known message was
    // asked for) the UIDs still on the server.
    let (changed, present): (Vec<Fetched>, Option<Vec<u32>>) = if args.push_flags {
        let all = fetch_flags(
            client,
            UidFetch::new(known.clone()).items(flags_only | FetchItem::mod_seq()),
        )?;
        let uids = all.iter().filter_map(|f| f.message.uid).collect();
        (all, Some(uids))
    } else if server.qresync && since > 0 {
        (selected.changed.clone(), None)
    } else if server.condstore && since > 0 {
        let command = UidFetch::new(known.clone())
            .items(flags_only)
            .changed_since(since);
        (fetch_flags(client, command)?, None)
    } else {
        let all = fetch_flags(client, UidFetch::new(known.clone()).items(flags_only))?;
        let uids = all.iter().filter_map(|f| f.message.uid).collect();
        (all, Some(uids))
    };
    let mut pushes = Vec::new();
    for fetched in &changed {
        let (Some(uid), Some(flags)) = (fetched.message.uid, &fetched.message.flags) else {
            continue;
        };
        if uid >= state.uid_next {
            continue; // a new message: fetched whole below
        }
        let server_changed = fetched.message.mod_seq.is_none_or(|m| m > since) || since == 0;
        if args.push_flags && !server_changed {
            if let Some(entry) = maildir.index().map_err(local_error)?.get(&uid) {
                let local = maildir::flags_of(&entry.letters);
                let system = |f: &&Flag| maildir::letters(std::slice::from_ref(*f)).len() == 1;
                let add: Vec<Flag> = local
                    .iter()
                    .filter(|f| !flags.contains(f))
                    .cloned()
                    .collect();
                let remove: Vec<Flag> = flags
                    .iter()
                    .filter(system)
                    .filter(|f| !local.contains(f))
                    .cloned()
                    .collect();
                let guard = fetched.message.mod_seq.unwrap_or(since);
                if !add.is_empty() {
                    pushes.push(
                        UidStore::new(uid)
                            .unchanged_since(guard)
                            .action(StoreAction::add(add).silent()),
                    );
                }
                if !remove.is_empty() {
                    pushes.push(
                        UidStore::new(uid)
                            .unchanged_since(guard)
                            .action(StoreAction::remove(remove).silent()),
                    );
                }
                continue;
            }
        }
        if maildir.set_flags(uid, flags).map_err(local_error)? {
            summary.flags += 1;
        }
    }
    if !pushes.is_empty() {
        // Every STORE at once: one round trip, not one per message.
        let results = client
            .pipeline(pushes)
            .map_err(|e| Failure::imap("store the local flag changes", e))?;
        for result in results {
            result.map_err(|e| Failure::imap("store a local flag change", e))?;
            summary.pushed += 1;
        }
    }
    if args.mirror {
        let gone: Vec<u32> = match present {
            Some(present) => {
                let present: std::collections::HashSet<u32> = present.into_iter().collect();
                let index = maildir.index().map_err(local_error)?;
                index
                    .keys()
                    .filter(|uid| !present.contains(uid))
                    .copied()
                    .collect()
            }
            None if server.qresync => {
                let index = maildir.index().map_err(local_error)?;
                index
                    .keys()
                    .filter(|&&uid| {
                        selected
                            .vanished
                            .iter()
                            .any(|v| v.uids.contains(uid, u32::MAX))
                    })
                    .copied()
                    .collect()
            }
            None => {
                let on_server: std::collections::HashSet<u32> = client
                    .uid_search(typed_imap::types::SearchKey::uid(known))
                    .map_err(|e| Failure::imap("UID SEARCH the messages still there", e))?
                    .into_iter()
                    .collect();
                let index = maildir.index().map_err(local_error)?;
                index
                    .keys()
                    .filter(|uid| !on_server.contains(uid))
                    .copied()
                    .collect()
            }
        };
        for uid in gone.into_iter().filter(|&uid| uid < state.uid_next) {
            if maildir.remove(uid).map_err(local_error)? {
                summary.removed += 1;
            }
        }
    }
    Ok(())
}

fn local_error(e: io::Error) -> Failure {
    Failure::io("update the local copy", e)
}

/// The FLAGS (and UID, MODSEQ) of a UID FETCH, streamed.
fn fetch_flags(client: &mut Client, command: UidFetch) -> Result<Vec<Fetched>, Failure> {
    let mut all = Vec::new();
    for fetched in client
        .stream(command)
        .map_err(|e| Failure::imap("UID FETCH FLAGS", e))?
    {
        let fetched = fetched.map_err(|e| Failure::imap("UID FETCH FLAGS", e))?;
        // What is not asked for (the body) is never kept.
        if fetched.message.uid.is_some() {
            all.push(fetched);
        }
    }
    Ok(all)
}

/// Where new messages go: a Maildir or an mbox.
trait Sink {
    /// Whether message `uid` is stored already (an interrupted run).
    fn has(&mut self, uid: u32) -> io::Result<bool>;
    /// A message begins.
    fn begin(&mut self) -> io::Result<Incoming>;
    /// The message is complete.
    fn commit(&mut self, incoming: Incoming, fetched: &Fetched) -> io::Result<()>;
    /// Writes the state after what it describes reached the disk.
    fn checkpoint(&mut self, state: &mut State, fsync: Fsync) -> io::Result<()>;
}

struct MaildirSink<'a> {
    maildir: &'a mut Maildir,
    dir: &'a Path,
}

impl Sink for MaildirSink<'_> {
    fn has(&mut self, uid: u32) -> io::Result<bool> {
        Ok(self.maildir.index()?.contains_key(&uid))
    }

    fn begin(&mut self) -> io::Result<Incoming> {
        self.maildir.incoming()
    }

    fn commit(&mut self, incoming: Incoming, fetched: &Fetched) -> io::Result<()> {
        let uid = fetched.message.uid.unwrap_or_default();
        let flags = fetched.message.flags.as_deref().unwrap_or_default();
        let received = fetched.message.internal_date.map(SystemTime::from);
        self.maildir.commit(incoming, uid, flags, received)
    }

    fn checkpoint(&mut self, state: &mut State, fsync: Fsync) -> io::Result<()> {
        self.maildir.sync()?;
        state.save(&self.dir.join(STATE_FILE), fsync)
    }
}

/// Streams the messages from `state.uid_next` on into `sink`: bodies above
/// the client's threshold arrive in chunks straight into `tmp/`, smaller
/// ones with their message; memory stays that of one small message.
#[allow(clippy::too_many_arguments)]
fn fetch_new(
    client: &mut Client,
    mailbox: &str,
    state: &mut State,
    sink: &mut impl Sink,
    fsync: Fsync,
    estimate: u32,
    output: Output,
    summary: &mut Summary,
) -> Result<(), Failure> {
    let start = state.uid_next.max(1);
    let items = FetchItems::from(FetchItem::uid())
        | FetchItem::flags()
        | FetchItem::internal_date()
        | FetchItem::body_peek(Section::default());
    let command = UidFetch::new(SequenceSet::from(start..)).items(items);
    let failed = |e| Failure::imap(format!("fetch the new messages of {mailbox:?}"), e);
    let local = |e| Failure::io(format!("store a message of {mailbox:?}"), e);
    let mut progress = output.bar(mailbox, u64::from(estimate));
    let mut incoming: Option<Incoming> = None;
    let mut since_checkpoint = 0;
    for event in client
        .stream_events(command, BODY_THRESHOLD)
        .map_err(failed)?
    {
        match event.map_err(failed)? {
            StreamEvent::BodyStart(_) => {
                if let Some(stale) = incoming.replace(sink.begin().map_err(local)?) {
                    stale.discard().map_err(local)?;
                }
            }
            StreamEvent::BodyChunk(bytes) => {
                if let Some(file) = incoming.as_mut() {
                    file.write(&bytes).map_err(local)?;
                }
            }
            StreamEvent::BodyEnd => {}
            StreamEvent::Item(fetched) => {
                let streamed = incoming.take();
                let Some(uid) = fetched.message.uid.filter(|&uid| uid >= start) else {
                    // `start:*` names the last message even below `start`.
                    if let Some(file) = streamed {
                        file.discard().map_err(local)?;
                    }
                    continue;
                };
                if sink.has(uid).map_err(local)? {
                    if let Some(file) = streamed {
                        file.discard().map_err(local)?;
                    }
                    state.uid_next = uid + 1;
                    continue;
                }
                let file = match streamed {
                    Some(file) => file,
                    None => {
                        let mut file = sink.begin().map_err(local)?;
                        let body = fetched
                            .message
                            .body_sections
                            .iter()
                            .find_map(|(_, body)| body.as_ref())
                            .ok_or_else(|| {
                                Failure::new(format!("message UID {uid} came without its body"))
                            })?;
                        // Split in two only for the kill -9 tests: one
                        // write per message otherwise.
                        let half = if stop_armed("tmp") {
                            body.len() / 2
                        } else {
                            body.len()
                        };
                        file.write(body.get(..half).unwrap_or_default())
                            .map_err(local)?;
                        stop_point("tmp");
                        file.write(body.get(half..).unwrap_or_default())
                            .map_err(local)?;
                        file
                    }
                };
                let len = file.len;
                sink.commit(file, &fetched).map_err(local)?;
                stop_point("cur");
                summary.new += 1;
                summary.bytes += len;
                progress.message(len);
                state.uid_next = uid + 1;
                since_checkpoint += 1;
                if since_checkpoint >= CHECKPOINT_EVERY {
                    // The HIGHESTMODSEQ stays the last run's until the end:
                    // only the UIDs below uid_next are known complete.
                    sink.checkpoint(state, fsync).map_err(local)?;
                    since_checkpoint = 0;
                }
            }
            _ => {}
        }
    }
    progress.finish();
    if let Some(file) = incoming {
        file.discard().map_err(local)?;
    }
    Ok(())
}

fn backup_mbox(
    client: &mut Client,
    server: Server,
    mailbox: &str,
    root: &Path,
    local: &str,
    args: &BackupArgs,
    output: Output,
) -> Result<Summary, Failure> {
    let path = root.join(format!("{local}.mbox"));
    let state_path = root.join(format!("{local}.mbox{STATE_FILE}"));
    let stored = State::load(&state_path).map_err(io_error("read", &state_path))?;
    let selected = select(client, server, mailbox, stored.as_ref(), false)?;
    let uid_validity = uid_validity(&selected, mailbox)?;
    let mut summary = Summary::default();
    let mut state = current_state(stored, uid_validity, &[&path, &state_path], &mut summary)?;
    if selected.uid_next.is_some_and(|next| next <= state.uid_next) {
        return Ok(summary); // an mbox keeps no flags: only new messages matter
    }
    let keep = state.mbox_len.unwrap_or(0);
    let mbox = Mbox::open(&path, keep, args.fsync).map_err(io_error("open", &path))?;
    let spool = root.join(format!(".{local}.mbox.spool"));
    let mut sink = MboxSink {
        mbox,
        spool: &spool,
        state_path: &state_path,
    };
    fetch_new(
        client,
        mailbox,
        &mut state,
        &mut sink,
        args.fsync,
        selected.exists,
        output,
        &mut summary,
    )?;
    state.uid_next = state.uid_next.max(selected.uid_next.unwrap_or(0));
    state.highest_mod_seq = selected.highest_mod_seq.unwrap_or(0);
    sink.checkpoint(&mut state, args.fsync)
        .map_err(io_error("write", &state_path))?;
    Ok(summary)
}

/// New messages appended to an mbox. A body that arrives in chunks before
/// its message's INTERNALDATE (for the `From ` line) waits in a spool file.
struct MboxSink<'a> {
    mbox: Mbox,
    spool: &'a Path,
    state_path: &'a Path,
}

impl Sink for MboxSink<'_> {
    fn has(&mut self, _uid: u32) -> io::Result<bool> {
        // Whatever an interrupted run appended was cut off at open.
        Ok(false)
    }

    fn begin(&mut self) -> io::Result<Incoming> {
        Incoming::create(self.spool)
    }

    fn commit(&mut self, incoming: Incoming, fetched: &Fetched) -> io::Result<()> {
        self.mbox.begin(fetched.message.internal_date.as_ref())?;
        incoming.copy_into(|bytes| self.mbox.write(bytes))?;
        self.mbox.end()
    }

    fn checkpoint(&mut self, state: &mut State, fsync: Fsync) -> io::Result<()> {
        self.mbox.sync()?;
        state.mbox_len = Some(self.mbox.len());
        state.save(self.state_path, fsync)
    }
}

impl Drop for MboxSink<'_> {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.spool);
    }
}

/// The test hook of the kill -9 tests: `TYPED_IMAP_TEST_KILL_AT=POINT:N`
/// kills this process with SIGKILL the Nth time it reaches `POINT`: `tmp`
/// (a message half written into tmp/), `cur` (renamed into cur/ or
/// appended, before the state), `state` (a state file just written).
pub fn stop_point(point: &str) {
    static REACHED: AtomicU64 = AtomicU64::new(0);
    let Some((want, count)) = stop_wanted() else {
        return;
    };
    if want == point && REACHED.fetch_add(1, Ordering::SeqCst) + 1 == *count {
        let pid = std::process::id().to_string();
        let _ = std::process::Command::new("kill")
            .args(["-9", &pid])
            .status();
        loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
    }
}

/// Whether the test hook is set to stop at `point`.
fn stop_armed(point: &str) -> bool {
    stop_wanted()
        .as_ref()
        .is_some_and(|(want, _)| want == point)
}

fn stop_wanted() -> &'static Option<(String, u64)> {
    static WANTED: OnceLock<Option<(String, u64)>> = OnceLock::new();
    WANTED.get_or_init(|| {
        let value = std::env::var("TYPED_IMAP_TEST_KILL_AT").ok()?;
        let (point, count) = value.split_once(':')?;
        Some((point.to_owned(), count.parse().ok()?))
    })
}
