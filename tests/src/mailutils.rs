//! A private, throw-away GNU Mailutils imap4d on 127.0.0.1: an IMAP server
//! written apart from Dovecot, Cyrus and Courier, with deviations of its
//! own (`shared/servers.md`).
//!
//! ```no_run
//! use typed_imap_tests::dovecot::User;
//! use typed_imap_tests::mailutils::{Mailutils, Options};
//!
//! let server = Mailutils::start_with(Options {
//!     users: vec![User::new("alice", "p\"a\\ss wörd")],
//!     ..Options::default()
//! })?;
//! server.fill("alice", "INBOX", [&b"Subject: hi\r\n\r\nhello\r\n"[..]])?;
//! let login = server.login_name("alice"); // "alice@example.org"
//! let plain = server.plain_addr(); // STARTTLS offered here
//! let tls = server.tls_addr(); // implicit TLS
//! # let _ = (login, plain, tls);
//! # Ok::<(), typed_imap_tests::HarnessError>(())
//! ```
//!
//! imap4d runs as a daemon in the foreground on its own configuration file
//! alone, in its own process group. Its users are in a virtual-domain
//! password file (SHA-512 crypt hashes made by `openssl passwd -6`) and log
//! in as `user@`[`DOMAIN`]; each has a home in the server's directory
//! holding one mbox file per mailbox (`INBOX`, and `A/B` for the mailbox
//! `A/B`). Every connection's transcript goes to the log (passwords and
//! literal data masked by imap4d), which is printed when a test fails.
//! The server is stopped by PID on drop and the directory removed.

use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;

use tempfile::TempDir;
use typed_imap::chrono::Utc;

use crate::cert::Certificate;
use crate::dovecot::{validate_users, User};
use crate::install::{ensure_mailutils, ensure_openssl, IMAP4D};
use crate::process::{
    effective_ids, free_local_ports, retry_on_port_clash, run_with_input, stop_tree,
    wait_for_greeting,
};
use crate::{HarnessError, Result};

/// The virtual domain of every user: `alice` logs in as `alice@example.org`.
pub const DOMAIN: &str = "example.org";

/// How to configure the server.
#[derive(Clone, Debug)]
pub struct Options {
    /// The users (local parts, without the domain) and their passwords.
    pub users: Vec<User>,
    /// The user (a local part) SASL ANONYMOUS logs in as (`gsasl {
    /// anonymous-user }`); `None`, imap4d's default, refuses ANONYMOUS
    /// although it is advertised.
    pub anonymous_user: Option<String>,
}

impl Default for Options {
    /// Users `alice` (password `alice-secret`) and `bob` (`bob-secret`),
    /// ANONYMOUS refused.
    fn default() -> Self {
        Options {
            users: vec![
                User::new("alice", "alice-secret"),
                User::new("bob", "bob-secret"),
            ],
            anonymous_user: None,
        }
    }
}

/// A running private imap4d. Stopped by PID, and its directory removed, on
/// drop.
pub struct Mailutils {
    child: Child,
    plain_port: u16,
    tls_port: u16,
    users: Vec<User>,
    certificate: &'static Certificate,
    // Declared last: removed after the server has stopped.
    dir: TempDir,
}

impl std::fmt::Debug for Mailutils {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailutils")
            .field("pid", &self.child.id())
            .field("plain_port", &self.plain_port)
            .field("tls_port", &self.tls_port)
            .field("dir", &self.dir.path())
            .finish_non_exhaustive()
    }
}

impl Mailutils {
    /// Starts a server with [`Options::default`].
    pub fn start() -> Result<Mailutils> {
        Mailutils::start_with(Options::default())
    }

    /// Starts a server with these options and waits until both ports accept.
    pub fn start_with(options: Options) -> Result<Mailutils> {
        ensure_mailutils()?;
        ensure_openssl()?;
        validate_users(&options.users)?;
        if let Some(user) = options.users.iter().find(|user| user.name.contains('@')) {
            return Err(HarnessError::Invalid {
                what: "user name",
                value: user.name.clone(),
                reason: "give the local part only: the domain is added at login",
            });
        }
        let certificate = Certificate::localhost()?;
        let hashes = password_hashes(&options.users)?;
        retry_on_port_clash(|| Mailutils::try_start(&options, &hashes, certificate))
    }

    fn try_start(
        options: &Options,
        hashes: &[String],
        certificate: &'static Certificate,
    ) -> Result<Mailutils> {
        let dir = tempfile::Builder::new()
            .prefix("typed-imap-mailutils-")
            .tempdir()
            .map_err(|e| HarnessError::io("create a temporary directory", e))?;
        let [plain_port, tls_port] = free_local_ports()?;
        let layout = Layout::new(dir.path())?;
        layout.write(options, hashes, certificate, plain_port, tls_port)?;
        let log = File::create(&layout.log)
            .map_err(|e| HarnessError::io(format!("create {}", layout.log.display()), e))?;
        let child = Command::new(IMAP4D)
            .arg(format!("--config-file={}", layout.config.display()))
            .current_dir(dir.path())
            // Its own process group: a signal imap4d sends its group must
            // never reach the test process.
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| HarnessError::io(format!("start {IMAP4D}"), e))?;
        let mut server = Mailutils {
            child,
            plain_port,
            tls_port,
            users: options.users.clone(),
            certificate,
            dir,
        };
        server.wait_ready()?;
        Ok(server)
    }

    /// Waits until the plain port greets and the TLS port accepts.
    fn wait_ready(&mut self) -> Result<()> {
        let tls = self.tls_addr();
        let plain = self.plain_addr();
        wait_for_greeting(
            &mut self.child,
            plain,
            |line| line.starts_with("* OK"),
            || TcpStream::connect(tls).is_ok(),
        )
        .map_err(|reason| HarnessError::NotReady {
            reason,
            log: self.log(),
        })
    }

    /// The plain-text listener (STARTTLS offered), on 127.0.0.1.
    pub fn plain_addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.plain_port))
    }

    /// The implicit-TLS listener, on 127.0.0.1.
    pub fn tls_addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.tls_port))
    }

    /// The server's certificate, valid for `127.0.0.1` and `localhost`: a
    /// client trusts it as a custom root.
    pub fn certificate(&self) -> &'static Certificate {
        self.certificate
    }

    /// The configured users (local parts).
    pub fn users(&self) -> &[User] {
        &self.users
    }

    /// The user with this local part.
    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|user| user.name == name)
    }

    /// What `user` logs in as: `user@`[`DOMAIN`].
    pub fn login_name(&self, user: &str) -> String {
        format!("{user}@{DOMAIN}")
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The temporary directory holding everything of this server.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Appends messages to a user's mailbox (created if needed) by writing
    /// its mbox file, received now; returns how many were written. Fill a
    /// mailbox before a session selects it. imap4d stores line ends as LF
    /// and serves them as CRLF, so CRLF is written as LF and a message gets
    /// a final line end if it lacks one. A line starting with `From ` is
    /// refused: mbox would read it as the start of the next message.
    pub fn fill<M: AsRef<[u8]>>(
        &self,
        user: &str,
        mailbox: &str,
        messages: impl IntoIterator<Item = M>,
    ) -> Result<usize> {
        let path = self.mailbox_file(user, mailbox)?;
        let mut entries = Vec::new();
        let separator = format!(
            "From MAILER-DAEMON {}\n",
            Utc::now().format("%a %b %e %H:%M:%S %Y")
        );
        let mut written = 0;
        for message in messages {
            entries.extend_from_slice(separator.as_bytes());
            entries.extend_from_slice(&mbox_body(message.as_ref())?);
            written += 1;
        }
        OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(&path)
            .and_then(|mut file| file.write_all(&entries))
            .map_err(|e| HarnessError::io(format!("append to {}", path.display()), e))?;
        Ok(written)
    }

    /// The mbox file of a user's mailbox, its directories created.
    fn mailbox_file(&self, user: &str, mailbox: &str) -> Result<PathBuf> {
        if self.user(user).is_none() {
            return Err(HarnessError::Invalid {
                what: "user",
                value: user.to_owned(),
                reason: "not one of the server's users",
            });
        }
        let plain = |part: &str| {
            !part.is_empty()
                && part != ".."
                && part
                    .bytes()
                    .all(|b| b.is_ascii_graphic() && !b"&\\*%\"".contains(&b) || b == b' ')
        };
        if !mailbox.split('/').all(plain) {
            return Err(HarnessError::Invalid {
                what: "mailbox name for a direct mbox fill",
                value: mailbox.to_owned(),
                reason: "use printable ASCII without & \\ * % \" (create other names over IMAP)",
            });
        }
        let name = if mailbox.eq_ignore_ascii_case("INBOX") {
            "INBOX"
        } else {
            mailbox
        };
        let path = Layout::new(self.dir.path())?.home(user).join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| HarnessError::io(format!("create {}", parent.display()), e))?;
        }
        Ok(path)
    }

    /// The server's log so far: its messages and every session's transcript.
    pub fn log(&self) -> String {
        let path = self.dir.path().join("imap4d.log");
        fs::read_to_string(&path).unwrap_or_else(|e| format!("(no log at {}: {e})", path.display()))
    }

    /// Stops the server and every session process, by PID (see
    /// [`crate::dovecot::Dovecot::stop`]).
    pub fn stop(mut self) -> Result<()> {
        self.terminate()
    }

    fn terminate(&mut self) -> Result<()> {
        stop_tree(&mut self.child).map_err(|reason| HarnessError::NotReady {
            reason,
            log: self.log(),
        })
    }
}

impl Drop for Mailutils {
    fn drop(&mut self) {
        if thread::panicking() {
            eprintln!(
                "--- imap4d log ({}) ---\n{}--- end of imap4d log ---",
                self.dir.path().display(),
                self.log()
            );
        }
        if let Err(error) = self.terminate() {
            eprintln!("typed-imap-tests: could not stop imap4d: {error}");
        }
    }
}

/// A message as an mbox entry's body: LF line ends, a final line end, and
/// the empty line that separates it from the next entry.
fn mbox_body(message: &[u8]) -> Result<Vec<u8>> {
    let mut body = Vec::with_capacity(message.len() + 2);
    let mut rest = message;
    while let Some(end) = rest.iter().position(|&b| b == b'\n') {
        let (line, next) = rest.split_at(end + 1);
        let line = line.strip_suffix(b"\r\n").unwrap_or(line);
        body.extend_from_slice(line.strip_suffix(b"\n").unwrap_or(line));
        body.push(b'\n');
        rest = next;
    }
    if !rest.is_empty() {
        body.extend_from_slice(rest);
        body.push(b'\n');
    }
    if body.starts_with(b"From ") || body.windows(6).any(|w| w == b"\nFrom ") {
        return Err(HarnessError::Invalid {
            what: "message for an mbox fill",
            value: String::from_utf8_lossy(message).chars().take(60).collect(),
            reason: "a line starts with `From `, which mbox reads as a new message",
        });
    }
    body.push(b'\n');
    Ok(body)
}

/// The SHA-512 crypt hash of each user's password, in order, from one run
/// of `openssl passwd -6` (passwords on its stdin, one a line).
fn password_hashes(users: &[User]) -> Result<Vec<String>> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let input: String = users
        .iter()
        .map(|user| format!("{}\n", user.password))
        .collect();
    let output = run_with_input(
        Command::new("openssl").args(["passwd", "-6", "-stdin"]),
        input.as_bytes(),
    )?;
    let hashes: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    if hashes.len() != users.len() || !hashes.iter().all(|hash| hash.starts_with("$6$")) {
        return Err(HarnessError::Unexpected {
            expected: format!(
                "{} SHA-512 crypt hashes from openssl passwd -6",
                users.len()
            ),
            got: String::from_utf8_lossy(&output.stdout).into_owned(),
        });
    }
    Ok(hashes)
}

/// The files of one server inside its directory.
struct Layout {
    dir: PathBuf,
    config: PathBuf,
    passwd_dir: PathBuf,
    log: PathBuf,
}

impl Layout {
    fn new(dir: &Path) -> Result<Self> {
        // Paths go into the configuration as quoted strings.
        let printable = dir.to_str().is_some_and(|s| {
            s.bytes()
                .all(|b| b.is_ascii_graphic() && !b"\"'\\$;{}".contains(&b))
        });
        if !printable {
            return Err(HarnessError::Invalid {
                what: "temporary directory",
                value: dir.display().to_string(),
                reason: "imap4d paths must be plain ASCII without spaces; set TMPDIR",
            });
        }
        Ok(Layout {
            dir: dir.to_owned(),
            config: dir.join("imap4d.conf"),
            passwd_dir: dir.join("passwd"),
            log: dir.join("imap4d.log"),
        })
    }

    /// A user's home, which holds the user's mbox files.
    fn home(&self, user: &str) -> PathBuf {
        self.dir.join("home").join(user)
    }

    fn write(
        &self,
        options: &Options,
        hashes: &[String],
        certificate: &Certificate,
        plain_port: u16,
        tls_port: u16,
    ) -> Result<()> {
        let write = |path: &Path, text: &str, mode: u32| {
            OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(mode)
                .open(path)
                .and_then(|mut file| file.write_all(text.as_bytes()))
                .map_err(|e| HarnessError::io(format!("write {}", path.display()), e))
        };
        write(&self.dir.join("cert.pem"), certificate.cert_pem(), 0o644)?;
        // imap4d refuses a key file others can read.
        write(&self.dir.join("key.pem"), certificate.key_pem(), 0o600)?;
        fs::create_dir_all(&self.passwd_dir)
            .map_err(|e| HarnessError::io(format!("create {}", self.passwd_dir.display()), e))?;
        // The sessions run as the server does: the mail is its user's.
        let (uid, gid) = effective_ids()?;
        let mut passwd = String::new();
        for (user, hash) in options.users.iter().zip(hashes) {
            let home = self.home(&user.name);
            fs::create_dir_all(&home)
                .map_err(|e| HarnessError::io(format!("create {}", home.display()), e))?;
            passwd.push_str(&format!(
                "{}:{hash}:{uid}:{gid}::{}:/bin/false\n",
                user.name,
                home.display()
            ));
        }
        write(&self.passwd_dir.join(DOMAIN), &passwd, 0o600)?;
        let mut config = self.config_text(plain_port, tls_port);
        if let Some(user) = &options.anonymous_user {
            config.push_str(&format!(
                "gsasl {{ anonymous-user \"{user}@{DOMAIN}\"; }}\n"
            ));
        }
        write(&self.config, &config, 0o644)
    }

    fn config_text(&self, plain: u16, tls: u16) -> String {
        let dir = self.dir.display();
        format!(
            "# Private test server written by typed-imap-tests.\n\
             mode daemon;\n\
             foreground true;\n\
             pidfile \"{dir}/imap4d.pid\";\n\
             logging {{ syslog false; }}\n\
             auth {{ authentication generic; authorization virtdomain; }}\n\
             virtdomain {{ passwd-dir \"{passwd}\"; }}\n\
             tls {{\n  ssl-certificate-file \"{dir}/cert.pem\";\n  ssl-key-file \"{dir}/key.pem\";\n}}\n\
             server 127.0.0.1:{plain} {{ tls-mode stls; transcript true; }}\n\
             server 127.0.0.1:{tls} {{ tls-mode connection; transcript true; }}\n",
            passwd = self.passwd_dir.display(),
        )
    }
}
