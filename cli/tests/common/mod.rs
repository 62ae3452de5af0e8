//! What the CLI's tests share: servers, a configuration for them, the
//! binary, and the message-by-message comparison of a Maildir with the
//! server's mailbox.
#![allow(dead_code)] // each test file uses a part

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;
use typed_imap::blocking::{Client, ClientOptions};
use typed_imap::types::{FetchItem, FetchItems, Flag, Section, SequenceSet};
use typed_imap::{Examine, UidFetch};
use typed_imap_tests::cyrus::Cyrus;
use typed_imap_tests::dovecot::{Dovecot, Options};
use typed_imap_tests::messages::sample_message;

/// A scratch directory holding the configuration file, the password file,
/// the CA file and the backups.
pub struct Setup {
    pub dir: TempDir,
    pub config: PathBuf,
}

impl Setup {
    /// A configuration with account `test` for `alice` on `server`
    /// (implicit TLS, its certificate trusted, the password from `cat`).
    pub fn dovecot(server: &Dovecot) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, server.certificate().cert_pem()).unwrap();
        let account = format!(
            "host = \"localhost\"\nport = {}\ntls = \"implicit\"\nuser = \"alice\"\nca_file = \"{}\"\n",
            server.tls_addr().port(),
            ca.display()
        );
        Setup::with_account(dir, &account, &server.user("alice").unwrap().password)
    }

    /// Account `test` for `alice` on `port` of 127.0.0.1, without TLS (a
    /// proxy in front of Dovecot, or Cyrus).
    pub fn plain(port: u16, password: &str) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let account =
            format!("host = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\nuser = \"alice\"\n");
        Setup::with_account(dir, &account, password)
    }

    pub fn cyrus(server: &Cyrus) -> Setup {
        Setup::plain(
            server.addr().port(),
            &server.user("alice").unwrap().password,
        )
    }

    fn with_account(dir: TempDir, account: &str, password: &str) -> Setup {
        let secret = dir.path().join("password");
        std::fs::write(&secret, format!("{password}\n")).unwrap();
        let config = dir.path().join("config.toml");
        let text = format!(
            "[accounts.test]\n{account}password_command = \"cat '{}'\"\n",
            secret.display()
        );
        std::fs::write(&config, text).unwrap();
        Setup { dir, config }
    }

    /// Where backups go.
    pub fn target(&self) -> PathBuf {
        self.dir.path().join("backup")
    }

    /// The binary with `--config` set.
    pub fn cli(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_typed-imap"));
        command.arg("--config").arg(&self.config);
        command
    }

    /// Runs `typed-imap backup test MAILBOXES --to TARGET EXTRA...` and
    /// asserts it succeeded.
    pub fn backup(&self, mailboxes: &[&str], extra: &[&str]) -> Output {
        let mut command = self.cli();
        command.args(["backup", "test"]).args(mailboxes);
        command
            .arg("--to")
            .arg(self.target())
            .args(["--fsync", "never"])
            .args(extra);
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "backup failed: {}",
            text(&output.stderr)
        );
        output
    }

    /// The JSON lines of a `--json` run's stdout.
    pub fn json_backup(&self, mailboxes: &[&str], extra: &[&str]) -> Vec<serde_json::Value> {
        let mut all = vec!["--json"];
        all.extend_from_slice(extra);
        let output = self.backup(mailboxes, &all);
        json_lines(&output.stdout)
    }
}

pub fn json_lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    text(stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A Dovecot whose alice has `count` sample messages in INBOX.
pub fn dovecot_with(count: usize) -> Dovecot {
    dovecot_with_options(count, Options::default())
}

pub fn dovecot_with_options(count: usize, options: Options) -> Dovecot {
    let server = Dovecot::start_with(options).unwrap();
    server
        .fill(
            "alice",
            "INBOX",
            (1..=count).map(|n| sample_message(n, 600 + 37 * (n % 50))),
        )
        .unwrap();
    server
}

/// Alice on a Dovecot, over implicit TLS.
pub fn alice(server: &Dovecot) -> Client {
    typed_imap_tests::client::logged_in(server, "alice").unwrap()
}

/// Alice on a Cyrus.
pub fn alice_on_cyrus(server: &Cyrus) -> Client {
    let port = server.addr().port();
    let mut client = Client::connect_with("127.0.0.1", port, ClientOptions::default()).unwrap();
    client
        .login("alice", &server.user("alice").unwrap().password)
        .unwrap();
    client
}

/// A message as compared: its bytes and its Maildir flag letters.
pub type Copy = (Vec<u8>, String);

/// Every message of `mailbox` on the server by UID.
pub fn server_messages(client: &mut Client, mailbox: &str) -> BTreeMap<u32, Copy> {
    client.run(Examine::new(mailbox)).unwrap();
    let items = FetchItems::from(FetchItem::uid())
        | FetchItem::flags()
        | FetchItem::body_peek(Section::default());
    let mut all = BTreeMap::new();
    let exists = client.mailbox().map_or(0, |m| m.exists);
    if exists == 0 {
        return all;
    }
    for fetched in client
        .run(UidFetch::new(SequenceSet::all()).items(items))
        .unwrap()
    {
        let uid = fetched.message.uid.unwrap();
        let flags: Vec<Flag> = fetched.message.flags.clone().unwrap_or_default();
        let body = fetched.message.body_sections[0].1.clone().unwrap();
        all.insert(uid, (body.to_vec(), letters(&flags)));
    }
    all
}

/// Maildir letters, as the CLI writes them.
pub fn letters(flags: &[Flag]) -> String {
    [
        ('D', Flag::Draft),
        ('F', Flag::Flagged),
        ('R', Flag::Answered),
        ('S', Flag::Seen),
        ('T', Flag::Deleted),
    ]
    .iter()
    .filter(|(_, flag)| flags.contains(flag))
    .map(|(letter, _)| *letter)
    .collect()
}

/// Every message of the Maildir at `dir` by the UID in its name; panics on
/// two files for one UID or anything left in tmp/.
pub fn local_messages(dir: &Path) -> BTreeMap<u32, Copy> {
    let mut all = BTreeMap::new();
    for entry in std::fs::read_dir(dir.join("cur")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        let (unique, info) = name.split_once(":2,").unwrap();
        let uid: u32 = unique.split('.').next().unwrap().parse().unwrap();
        let bytes = std::fs::read(entry.path()).unwrap();
        assert!(
            all.insert(uid, (bytes, info.to_owned())).is_none(),
            "two files for UID {uid}"
        );
    }
    assert_eq!(
        std::fs::read_dir(dir.join("tmp")).unwrap().count(),
        0,
        "tmp/ is empty"
    );
    assert_eq!(
        std::fs::read_dir(dir.join("new")).unwrap().count(),
        0,
        "new/ is empty"
    );
    all
}

/// Asserts the Maildir holds exactly the server's messages, byte for byte,
/// with the same flags.
pub fn assert_same(local: &BTreeMap<u32, Copy>, server: &BTreeMap<u32, Copy>) {
    let local_uids: Vec<_> = local.keys().collect();
    let server_uids: Vec<_> = server.keys().collect();
    assert_eq!(local_uids, server_uids, "the same UIDs");
    for (uid, (bytes, flags)) in server {
        let (local_bytes, local_flags) = &local[uid];
        assert!(local_bytes == bytes, "UID {uid}: the same bytes");
        assert_eq!(local_flags, flags, "UID {uid}: the same flags");
    }
}

/// Which way bytes went through a [`Recorder`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Way {
    /// From the client (the CLI) to the server: commands.
    Up,
    /// From the server to the client: responses.
    Down,
}

/// What a [`Recorder`] forwarded, in order, shared with its threads.
type Log = std::sync::Arc<std::sync::Mutex<Vec<(Way, Vec<u8>)>>>;

/// A proxy on 127.0.0.1 in front of a server that records both directions
/// of its latest connection, in the order they were forwarded.
pub struct Recorder {
    addr: std::net::SocketAddr,
    latest: Log,
}

impl Recorder {
    pub fn start(upstream: std::net::SocketAddr) -> Recorder {
        use std::net::{TcpListener, TcpStream};
        use std::sync::Arc;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let latest: Log = Arc::default();
        let shared = Arc::clone(&latest);
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { return };
                let server = TcpStream::connect(upstream).unwrap();
                shared.lock().unwrap().clear();
                for (way, from, to) in [
                    (
                        Way::Up,
                        client.try_clone().unwrap(),
                        server.try_clone().unwrap(),
                    ),
                    (Way::Down, server, client),
                ] {
                    let log = Arc::clone(&shared);
                    std::thread::spawn(move || forward(way, from, to, &log));
                }
            }
        });
        Recorder { addr, latest }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Everything forwarded on the latest connection, in order, with
    /// consecutive pieces going the same way joined.
    pub fn exchanges(&self) -> Vec<(Way, Vec<u8>)> {
        let mut joined: Vec<(Way, Vec<u8>)> = Vec::new();
        for (way, bytes) in self.latest.lock().unwrap().iter() {
            match joined.last_mut() {
                Some((last, all)) if last == way => all.extend_from_slice(bytes),
                _ => joined.push((*way, bytes.clone())),
            }
        }
        joined
    }

    /// The bytes that went `way` on the latest connection.
    pub fn sent(&self, way: Way) -> Vec<u8> {
        self.exchanges()
            .into_iter()
            .filter(|(w, _)| *w == way)
            .flat_map(|(_, bytes)| bytes)
            .collect()
    }

    /// The command lines the client sent (tag, name, arguments), literals
    /// left out.
    pub fn commands(&self) -> Vec<String> {
        text(&self.sent(Way::Up))
            .split("\r\n")
            .filter(|line| {
                let mut words = line.split(' ');
                let tag = words.next().unwrap_or_default();
                !tag.is_empty() && words.next().is_some() && !line.starts_with(' ')
            })
            .map(str::to_owned)
            .collect()
    }
}

fn forward(
    way: Way,
    mut from: std::net::TcpStream,
    mut to: std::net::TcpStream,
    log: &std::sync::Mutex<Vec<(Way, Vec<u8>)>>,
) {
    use std::io::{Read, Write};
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let n = match from.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        // Logged before it is written: whoever reads the answer finds it here.
        log.lock().unwrap().push((way, buffer[..n].to_vec()));
        if to.write_all(&buffer[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(std::net::Shutdown::Write);
}
