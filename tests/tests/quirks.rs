//! The tolerances of issue 13 (`client/src/quirks.rs`) seen from a session:
//! the typed result of each command, and the session still usable after
//! it. Servers installed here show their own deviations (GNU mailutils'
//! imap4d as an inetd stream, Courier's PREAUTH stream); the others
//! (Domino, Zoho, Exchange, Yandex, minimal servers) are scripted with the
//! lines they send.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use tempfile::TempDir;
use typed_imap::auth::Plain;
use typed_imap::blocking::ClientOptions;
use typed_imap::command::State;
use typed_imap::types::{FetchItem, Flag, Section, UidSet};
use typed_imap::{
    Code, Copy as CopyMessages, Error, Examine, Expunge, Fetch, GetQuotaRoot, Id, List, Noop,
    Select, Store,
};
use typed_imap_tests::both::Imap;
use typed_imap_tests::both_clients;
use typed_imap_tests::courier::CourierStream;
use typed_imap_tests::scripted::{Script, ScriptedServer};
use typed_imap_tests::views::converse;

both_clients!(
    domino_fetch_items_in_extra_parentheses_are_typed,
    zoho_negative_modseq_reads_as_no_mod_sequence,
    exchange_copyuid_alone_on_its_line_reaches_the_command_codes,
    yandex_body_section_without_a_value_reads_as_nil,
    list_with_an_empty_delimiter_has_no_hierarchy,
    select_without_flags_succeeds_with_no_flags,
    select_without_exists_is_a_non_fatal_error_and_the_session_goes_on,
    mailutils_authenticate_completes_and_the_session_goes_on,
    mailutils_answers_id_without_an_id_response_which_reads_as_none,
    mailutils_answers_expunge_with_expunged_which_reads_as_expunge,
    courier_getquotaroot_reads_a_quota_without_resources_as_empty,
);

/// A greeting for a session that is already logged in.
const PREAUTH: &str = "* PREAUTH [CAPABILITY IMAP4rev1 CONDSTORE UIDPLUS] ready\r\n";

/// What a minimal server answers to SELECT: no FLAGS, no codes.
const SELECTED: &str = "* 1 EXISTS\r\n{tag} OK [READ-WRITE] SELECT completed\r\n";

fn client<I: Imap>(server: &ScriptedServer) -> I {
    I::connect("127.0.0.1", server.addr().port(), ClientOptions::default()).unwrap()
}

/// A script that greets, answers SELECT as a minimal server does, then
/// answers `command` with `reply` and NOOP with OK.
fn selected_then(command: &str, reply: &str) -> ScriptedServer {
    Script::new()
        .send(PREAUTH)
        .expect_command("SELECT")
        .send(SELECTED)
        .expect_command(command)
        .send(reply)
        .expect_command("NOOP")
        .reply("OK NOOP completed")
        .serve()
        .unwrap()
}

/// The session goes on after the quirk: a NOOP completes.
fn still_usable<I: Imap>(imap: &mut I) {
    imap.run(Noop::new()).unwrap();
    assert!(imap.broken().is_none());
}

fn select_inbox<I: Imap>(imap: &mut I) {
    imap.run(Select::new("INBOX")).unwrap();
}

// Quirk `parenthesised_fetch_items` (IBM/HCL Domino).

fn domino_fetch_items_in_extra_parentheses_are_typed<I: Imap>() {
    let server = selected_then(
        "FETCH",
        "* 1 FETCH (UID 14 (ENVELOPE (NIL \"Report\" NIL NIL NIL NIL NIL NIL NIL NIL)) \
         BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 12 1 NIL))\r\n\
         {tag} OK FETCH completed\r\n",
    );
    let mut imap = client::<I>(&server);
    select_inbox(&mut imap);
    let items = FetchItem::uid() | FetchItem::envelope() | FetchItem::body_structure();
    let fetched = imap.run(Fetch::new(1).items(items)).unwrap();
    let message = &fetched[0].message;
    assert_eq!(message.uid, Some(14));
    let subject = message.envelope.as_ref().and_then(|e| e.subject());
    assert_eq!(subject, Some(&b"Report"[..]));
    let body = message.body_structure.as_ref().expect("BODYSTRUCTURE");
    assert_eq!(body.root().octets(), 12);
    still_usable(&mut imap);
}

// Quirk `negative_modseq` (Zoho).

fn zoho_negative_modseq_reads_as_no_mod_sequence<I: Imap>() {
    let server = selected_then(
        "FETCH",
        "* 1 FETCH (MODSEQ (-1) FLAGS (\\Seen) UID 9)\r\n{tag} OK FETCH completed\r\n",
    );
    let mut imap = client::<I>(&server);
    select_inbox(&mut imap);
    let items = FetchItem::mod_seq() | FetchItem::flags() | FetchItem::uid();
    let fetched = imap.run(Fetch::new(1).items(items)).unwrap();
    assert_eq!(fetched[0].message.mod_seq, Some(0));
    assert_eq!(fetched[0].message.uid, Some(9));
    still_usable(&mut imap);
}

// Quirk `bare_response_code` (Exchange), its line arriving a byte at a
// time.

fn exchange_copyuid_alone_on_its_line_reaches_the_command_codes<I: Imap>() {
    let server = Script::new()
        .send(PREAUTH)
        .expect_command("SELECT")
        .send(SELECTED)
        .expect_command("COPY")
        .drip("[COPYUID 55 31 6]\r\n", Duration::from_millis(1))
        .reply("OK COPY completed")
        .expect_command("NOOP")
        .reply("OK NOOP completed")
        .serve()
        .unwrap();
    let mut imap = client::<I>(&server);
    select_inbox(&mut imap);
    let ((), codes) = imap
        .run_with_codes(CopyMessages::new(1, "Archive"))
        .unwrap();
    let copied = codes.iter().find_map(|code| match code {
        Code::CopyUid(copied) => Some(copied),
        _ => None,
    });
    let copied = copied.unwrap_or_else(|| panic!("no COPYUID in {codes:?}"));
    assert_eq!(copied.uid_validity, 55);
    assert_eq!(copied.source, UidSet::from_ranges([31..=31]));
    assert_eq!(copied.destination, UidSet::from_ranges([6..=6]));
    still_usable(&mut imap);
}

// Quirk `missing_section_value` (Yandex).

fn yandex_body_section_without_a_value_reads_as_nil<I: Imap>() {
    let server = selected_then(
        "FETCH",
        "* 1 FETCH (UID 12 BODY[2])\r\n{tag} OK FETCH completed\r\n",
    );
    let mut imap = client::<I>(&server);
    select_inbox(&mut imap);
    let part = Section {
        part: vec![2],
        text: None,
    };
    let fetched = imap
        .run(Fetch::new(1).items(FetchItem::body_section(part.clone())))
        .unwrap();
    let sections = &fetched[0].message.body_sections;
    assert_eq!(sections.len(), 1);
    assert_eq!((&sections[0].0.section, &sections[0].1), (&part, &None));
    still_usable(&mut imap);
}

// Quirk `empty_delimiter`.

fn list_with_an_empty_delimiter_has_no_hierarchy<I: Imap>() {
    let server = Script::new()
        .send(PREAUTH)
        .expect_command("LIST")
        .send("* LIST (\\HasNoChildren) \"\" INBOX\r\n{tag} OK LIST completed\r\n")
        .expect_command("NOOP")
        .reply("OK NOOP completed")
        .serve()
        .unwrap();
    let mut imap = client::<I>(&server);
    let listed = imap.run(List::new("", "*")).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].delimiter, None);
    assert_eq!(listed[0].mailbox.as_str(), "INBOX");
    still_usable(&mut imap);
}

// Quirk `select_without_flags`, and a missing response that is not fatal.

fn select_without_flags_succeeds_with_no_flags<I: Imap>() {
    let server = Script::new()
        .send(PREAUTH)
        .expect_command("EXAMINE")
        .send(SELECTED)
        .expect_command("NOOP")
        .reply("OK NOOP completed")
        .serve()
        .unwrap();
    let mut imap = client::<I>(&server);
    let selected = imap.run(Examine::new("INBOX")).unwrap();
    assert_eq!(selected.flags, None);
    assert_eq!(selected.exists, 1);
    assert_eq!(imap.state(), State::Selected);
    still_usable(&mut imap);
}

fn select_without_exists_is_a_non_fatal_error_and_the_session_goes_on<I: Imap>() {
    let server = Script::new()
        .send(PREAUTH)
        .expect_command("SELECT")
        .send("* FLAGS (\\Seen)\r\n{tag} OK [READ-WRITE] SELECT completed\r\n")
        .expect_command("NOOP")
        .reply("OK NOOP completed")
        .serve()
        .unwrap();
    let mut imap = client::<I>(&server);
    let error = imap.run(Select::new("INBOX")).unwrap_err();
    assert!(
        matches!(&error, Error::MissingResponse { command, response }
            if command == "SELECT" && response == "* EXISTS"),
        "{error:?}"
    );
    assert!(!error.is_fatal());
    // The server did select it: the tagged OK said so.
    assert_eq!(imap.state(), State::Selected);
    still_usable(&mut imap);
}

// GNU mailutils 3.15's imap4d, as an inetd stream with one virtual user:
// quirks `bare_lf_line_end`, `expunged_keyword` and `id_without_data`.

/// The mailutils server's login: a user of a virtual domain.
const MAILUTILS_USER: &str = "alice@example.org";
const MAILUTILS_PASSWORD: &str = "secret";

/// A directory with an imap4d configuration serving one virtual user,
/// whose mail stays in it.
struct Mailutils {
    dir: TempDir,
}

impl Mailutils {
    fn new() -> Mailutils {
        let imap4d = Path::new("/usr/sbin/imap4d");
        assert!(
            imap4d.exists(),
            "GNU mailutils' imap4d is missing; as root run: \
             apt-get install -y mailutils-imap4d"
        );
        let dir = tempfile::Builder::new()
            .prefix("typed-imap-mailutils-")
            .tempdir()
            .unwrap();
        let root = dir.path();
        for sub in ["home", "passwd"] {
            std::fs::create_dir(root.join(sub)).unwrap();
        }
        let hash = Command::new("openssl")
            .args(["passwd", "-6", MAILUTILS_PASSWORD])
            .output()
            .unwrap();
        assert!(hash.status.success(), "openssl passwd failed");
        let hash = String::from_utf8(hash.stdout).unwrap();
        let home = root.join("home");
        let user = MAILUTILS_USER.split('@').next().unwrap_or_default();
        std::fs::write(
            root.join("passwd/example.org"),
            format!(
                "{user}:{}:0:0:{user}:{}:/bin/sh\n",
                hash.trim(),
                home.display()
            ),
        )
        .unwrap();
        std::fs::write(
            root.join("imap4d.conf"),
            format!(
                "logging {{ syslog false; }};\n\
                 virtdomain {{ passwd-dir \"{}\"; }};\n\
                 auth {{ authentication generic; authorization virtdomain; }};\n\
                 mailbox {{ mail-spool \"{}\"; }};\n\
                 namespace personal {{ prefix \"\" {{ directory \"{}\"; }}; }};\n",
                root.join("passwd").display(),
                home.display(),
                home.display(),
            ),
        )
        .unwrap();
        Mailutils { dir }
    }

    /// imap4d speaking IMAP on stdin/stdout, waiting for a login.
    fn command(&self) -> Command {
        let mut command = Command::new("/usr/sbin/imap4d");
        command
            .arg(format!(
                "--config-file={}",
                self.dir.path().join("imap4d.conf").display()
            ))
            .arg("--inetd");
        command
    }

    /// Writes INBOX (an mbox file) with one message per subject. APPEND
    /// is no way to fill it: with this configuration imap4d answers every
    /// APPEND `NO APPEND [TRYCREATE] failed`, INBOX selected or not.
    fn write_inbox(&self, subjects: &[&str]) {
        let mbox: String = subjects
            .iter()
            .map(|s| {
                format!("From {MAILUTILS_USER} Thu Dec  4 22:00:00 2025\nSubject: {s}\n\n{s}\n\n")
            })
            .collect();
        std::fs::write(self.dir.path().join("home/INBOX"), mbox).unwrap();
    }

    fn logged_in<I: Imap>(&self) -> I {
        let mut imap = I::spawn(self.command()).unwrap();
        imap.authenticate(Plain::new(MAILUTILS_USER, MAILUTILS_PASSWORD))
            .unwrap();
        imap
    }
}

/// `AUTHENTICATE PLAIN` with the mailutils user, as raw lines (the second
/// is base64 of NUL, the user, NUL and the password).
fn plain_login_lines() -> Vec<u8> {
    b"a AUTHENTICATE PLAIN\r\nAGFsaWNlQGV4YW1wbGUub3JnAHNlY3JldA==\r\n".to_vec()
}

#[test]
fn mailutils_ends_the_tagged_ok_of_authenticate_with_a_bare_lf() {
    let server = Mailutils::new();
    let mut script = plain_login_lines();
    script.extend_from_slice(b"b NOOP\r\nc LOGOUT\r\n");
    let text = converse(server.command(), &script).unwrap();
    assert!(
        text.contains("\na OK AUTHENTICATE PLAIN authentication successful\nb OK"),
        "{text:?}"
    );
}

fn mailutils_authenticate_completes_and_the_session_goes_on<I: Imap>() {
    let server = Mailutils::new();
    let mut imap = server.logged_in::<I>();
    assert_eq!(imap.state(), State::Authenticated);
    still_usable(&mut imap);
}

fn mailutils_answers_id_without_an_id_response_which_reads_as_none<I: Imap>() {
    let server = Mailutils::new();
    let mut imap = server.logged_in::<I>();
    let mut lines = plain_login_lines();
    lines.extend_from_slice(b"b ID NIL\r\nc LOGOUT\r\n");
    let text = converse(server.command(), &lines).unwrap();
    assert!(
        text.contains("b OK ID Completed") && !text.contains("* ID"),
        "{text:?}"
    );
    assert_eq!(imap.run(Id::new(None)).unwrap(), None);
    still_usable(&mut imap);
}

fn mailutils_answers_expunge_with_expunged_which_reads_as_expunge<I: Imap>() {
    let server = Mailutils::new();
    server.write_inbox(&["one", "two"]);
    let mut imap = server.logged_in::<I>();
    select_inbox(&mut imap);
    assert_eq!(imap.mailbox().map(|m| m.exists), Some(2));
    imap.run(Store::new(1).add_flags(vec![Flag::Deleted]))
        .unwrap();
    let expunged = imap.run(Expunge::new()).unwrap();
    assert_eq!(expunged, [1]);
    assert_eq!(imap.mailbox().map(|m| m.exists), Some(1));
    still_usable(&mut imap);
}

// Quirk `quota_without_resources`, on Courier's PREAUTH stream.

#[test]
fn courier_sends_quota_without_resources() {
    let stream = CourierStream::new().unwrap();
    let text = converse(stream.command(), b"a GETQUOTAROOT INBOX\r\nb LOGOUT\r\n").unwrap();
    assert!(
        text.contains("* QUOTAROOT \"INBOX\" \"ROOT\"\r\n* QUOTA \"ROOT\"\r\n"),
        "{text:?}"
    );
}

fn courier_getquotaroot_reads_a_quota_without_resources_as_empty<I: Imap>() {
    let stream = CourierStream::new().unwrap();
    let mut imap = I::spawn(stream.command()).unwrap();
    let quota = imap.run(GetQuotaRoot::new("INBOX")).unwrap();
    assert_eq!(quota.roots.mailbox.as_str(), "INBOX");
    assert_eq!(quota.roots.roots, [&b"ROOT"[..]]);
    assert_eq!(quota.quotas.len(), 1);
    assert_eq!(&quota.quotas[0].root[..], b"ROOT");
    assert!(quota.quotas[0].resources.is_empty());
    still_usable(&mut imap);
}
