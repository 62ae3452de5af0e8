//! A private, throw-away Dovecot on 127.0.0.1.
//!
//! ```no_run
//! use typed_imap_tests::dovecot::{Dovecot, Options, User};
//!
//! let server = Dovecot::start_with(Options {
//!     users: vec![User::new("alice", "p\"a\\ss wörd")],
//!     ..Options::default()
//! })?;
//! server.fill("alice", "INBOX", [&b"Subject: hi\r\n\r\nhello\r\n"[..]])?;
//! let plain = server.plain_addr(); // STARTTLS offered here
//! let tls = server.tls_addr(); // implicit TLS
//! let root = server.certificate().cert_pem(); // trust this as a custom root
//! # let _ = (plain, tls, root);
//! # Ok::<(), typed_imap_tests::HarnessError>(())
//! ```
//!
//! Everything lives in one temporary directory: the configuration, the
//! certificate, the users file, the mail, the sockets and the log. The
//! server is stopped by PID on drop and the directory removed; when the
//! test is panicking, the log is printed first.

use std::fmt::Write as _;
use std::fs;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::os::unix::fs::{chown, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;

use tempfile::TempDir;

use crate::cert::Certificate;
use crate::install::{ensure_dovecot, DOVECOT};
use crate::maildir::{Maildir, MaildirMessage};
use crate::process::{
    free_local_ports, is_root, nobody_ids, raise_open_files, retry_on_port_clash, stop_tree,
    user_and_group_names, wait_for_greeting,
};
use crate::{HarnessError, Result};

/// A mail user and the password the test logs in with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// The login name.
    pub name: String,
    /// The password, any UTF-8 except `:` and line breaks (the users file's
    /// separators).
    pub password: String,
}

impl User {
    /// A user with this name and password.
    pub fn new(name: impl Into<String>, password: impl Into<String>) -> Self {
        User {
            name: name.into(),
            password: password.into(),
        }
    }
}

/// Dovecot plugins that are off by default; each turns on IMAP extensions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Plugins {
    /// `acl` + `imap_acl`: ACL, RIGHTS=texk.
    pub acl: bool,
    /// `quota` + `imap_quota`: QUOTA (1 GB storage rule for every user).
    pub quota: bool,
    /// `imap_zlib`: COMPRESS=DEFLATE.
    pub imap_zlib: bool,
    /// `imap_metadata` with a file dictionary: METADATA.
    pub metadata: bool,
}

impl Plugins {
    /// Every plugin on.
    pub fn all() -> Self {
        Plugins {
            acl: true,
            quota: true,
            imap_zlib: true,
            metadata: true,
        }
    }
}

/// How to configure the server.
#[derive(Clone, Debug)]
pub struct Options {
    /// The users and their passwords.
    pub users: Vec<User>,
    /// Extension plugins to turn on.
    pub plugins: Plugins,
    /// SASL mechanisms offered (`auth_mechanisms`).
    pub auth_mechanisms: Vec<String>,
    /// Create and subscribe the SPECIAL-USE mailboxes (Drafts, Sent, Trash,
    /// Junk, Archive) at first login.
    pub special_use: bool,
    /// Extra configuration appended as is, for settings not covered here.
    pub extra_config: String,
    /// Configure for this many concurrent connections, logged in, plain or
    /// TLS, from one address (see [`Options::connections()`]); `None`:
    /// Dovecot's limits (up to 100 connections in login at once, each TLS
    /// connection holding a login process of its own).
    pub connections: Option<u32>,
}

impl Default for Options {
    /// Users `alice` (password `alice-secret`) and `bob` (`bob-secret`),
    /// mechanisms PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1 and SCRAM-SHA-256,
    /// SPECIAL-USE mailboxes, no extra plugins.
    fn default() -> Self {
        Options {
            users: vec![
                User::new("alice", "alice-secret"),
                User::new("bob", "bob-secret"),
            ],
            plugins: Plugins::default(),
            auth_mechanisms: ["plain", "login", "cram-md5", "scram-sha-1", "scram-sha-256"]
                .map(String::from)
                .to_vec(),
            special_use: true,
            extra_config: String::new(),
            connections: None,
        }
    }
}

impl Options {
    /// The default options, configured for `count` concurrent connections:
    /// one login process serves them all (Dovecot's high-performance
    /// mode), up to `count` imap processes and logins from one address
    /// run at once, and the services' client limits follow. Starting the
    /// server raises the open-file limit of this process (which the
    /// server inherits) to what the client and the server need.
    pub fn connections(count: u32) -> Self {
        Options {
            connections: Some(count),
            ..Options::default()
        }
    }
}

/// The SPECIAL-USE mailboxes created when [`Options::special_use`] is on.
pub const SPECIAL_USE_MAILBOXES: &[(&str, &str)] = &[
    ("Drafts", "\\Drafts"),
    ("Sent", "\\Sent"),
    ("Trash", "\\Trash"),
    ("Junk", "\\Junk"),
    ("Archive", "\\Archive"),
];

/// Who the server's processes run as.
#[derive(Clone, Debug)]
struct Identity {
    /// `default_internal_user`.
    internal_user: String,
    /// `default_login_user`.
    login_user: String,
    /// The mail user and group (names, for the configuration).
    mail_user: String,
    mail_group: String,
    /// The mail owner's ids, for files the harness writes (root only).
    mail_owner: Option<(u32, u32)>,
    /// Not root: chroot is impossible, turn it off.
    no_chroot: bool,
}

impl Identity {
    /// Root: Dovecot refuses mail access as uid 0, so mail is `nobody`'s and
    /// the package's `dovecot` and `dovenull` users run the other processes.
    /// Anyone else: that user runs everything.
    fn detect() -> Result<Self> {
        if is_root() {
            Ok(Identity {
                internal_user: "dovecot".into(),
                login_user: "dovenull".into(),
                mail_user: "nobody".into(),
                mail_group: "nogroup".into(),
                mail_owner: Some(nobody_ids()?),
                no_chroot: false,
            })
        } else {
            let (user, group) = user_and_group_names()?;
            Ok(Identity {
                internal_user: user.clone(),
                login_user: user.clone(),
                mail_user: user,
                mail_group: group,
                mail_owner: None,
                no_chroot: true,
            })
        }
    }
}

/// A running private Dovecot. Stopped by PID, and its directory removed, on drop.
pub struct Dovecot {
    child: Child,
    plain_port: u16,
    tls_port: u16,
    users: Vec<User>,
    certificate: &'static Certificate,
    identity: Identity,
    // Declared last: removed after the server has stopped.
    dir: TempDir,
}

impl std::fmt::Debug for Dovecot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dovecot")
            .field("pid", &self.child.id())
            .field("plain_port", &self.plain_port)
            .field("tls_port", &self.tls_port)
            .field("dir", &self.dir.path())
            .finish_non_exhaustive()
    }
}

impl Dovecot {
    /// Starts a server with [`Options::default`].
    pub fn start() -> Result<Dovecot> {
        Dovecot::start_with(Options::default())
    }

    /// Starts a server with these options and waits until both ports accept.
    pub fn start_with(options: Options) -> Result<Dovecot> {
        ensure_dovecot()?;
        validate_users(&options.users)?;
        let certificate = Certificate::localhost()?;
        let identity = Identity::detect()?;
        if let Some(count) = options.connections {
            raise_open_files(open_files_for(count))?;
        }
        retry_on_port_clash(|| Dovecot::try_start(&options, certificate, &identity))
    }

    fn try_start(
        options: &Options,
        certificate: &'static Certificate,
        identity: &Identity,
    ) -> Result<Dovecot> {
        let dir = tempfile::Builder::new()
            .prefix("typed-imap-dovecot-")
            .tempdir()
            .map_err(|e| HarnessError::io("create a temporary directory", e))?;
        let (plain_port, tls_port) = free_ports()?;
        let layout = Layout::new(dir.path())?;
        layout.write(options, certificate, identity, plain_port, tls_port)?;
        let child = Command::new(DOVECOT)
            .arg("-F")
            .arg("-c")
            .arg(&layout.config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| HarnessError::io(format!("start {DOVECOT}"), e))?;
        let mut server = Dovecot {
            child,
            plain_port,
            tls_port,
            users: options.users.clone(),
            certificate,
            identity: identity.clone(),
            dir,
        };
        server.wait_ready()?;
        Ok(server)
    }

    /// Waits until the plain port greets with Dovecot's real greeting (the
    /// first connections may get "Waiting for authentication process") and
    /// the TLS port accepts.
    fn wait_ready(&mut self) -> Result<()> {
        let tls = self.tls_addr();
        let plain = self.plain_addr();
        wait_for_greeting(
            &mut self.child,
            plain,
            |line| line.starts_with("* OK [CAPABILITY"),
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

    /// The server's self-signed certificate, valid for `127.0.0.1` and
    /// `localhost`: a client trusts it as a custom root.
    pub fn certificate(&self) -> &'static Certificate {
        self.certificate
    }

    /// The configured users.
    pub fn users(&self) -> &[User] {
        &self.users
    }

    /// The user with this name.
    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|user| user.name == name)
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The temporary directory holding everything of this server.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// A user's Maildir, for direct fills.
    pub fn maildir(&self, user: &str) -> Result<Maildir> {
        if self.user(user).is_none() {
            return Err(HarnessError::Invalid {
                what: "user",
                value: user.to_owned(),
                reason: "not one of the server's users",
            });
        }
        let root = Layout::new(self.dir.path())?
            .mail
            .join(user)
            .join("Maildir");
        Ok(Maildir::new(root, self.identity.mail_owner))
    }

    /// Writes messages straight into a user's mailbox; they appear at the
    /// next SELECT of that mailbox. Returns how many were written.
    pub fn fill<M: Into<MaildirMessage>>(
        &self,
        user: &str,
        mailbox: &str,
        messages: impl IntoIterator<Item = M>,
    ) -> Result<usize> {
        self.maildir(user)?.fill(mailbox, messages)
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        let path = self.dir.path().join("dovecot.log");
        fs::read_to_string(&path).unwrap_or_else(|e| format!("(no log at {}: {e})", path.display()))
    }

    /// Stops the server and every process it started, by PID: SIGTERM to
    /// the master and all its descendants; after a short grace, SIGKILL to
    /// the descendants still running (a login process that is just
    /// starting can ignore SIGTERM, and the master waits for it); SIGKILL to
    /// the master last. The master stays alive until its children are gone
    /// so that it reaps them: orphans would be left to PID 1 as zombies.
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

impl Drop for Dovecot {
    fn drop(&mut self) {
        if thread::panicking() {
            eprintln!(
                "--- dovecot log ({}) ---\n{}--- end of dovecot log ---",
                self.dir.path().display(),
                self.log()
            );
        }
        if let Err(error) = self.terminate() {
            eprintln!("typed-imap-tests: could not stop dovecot: {error}");
        }
    }
}

/// Two ports free right now on 127.0.0.1.
fn free_ports() -> Result<(u16, u16)> {
    let [plain, tls] = free_local_ports()?;
    Ok((plain, tls))
}

/// Refuses names that cannot be directory names and passwords that a
/// users file cannot hold.
pub(crate) fn validate_users(users: &[User]) -> Result<()> {
    for user in users {
        let name_ok = !user.name.is_empty()
            && user
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.@".contains(&b));
        if !name_ok {
            return Err(HarnessError::Invalid {
                what: "user name",
                value: user.name.clone(),
                reason: "use ASCII letters, digits and - _ . @ (it is also a directory name)",
            });
        }
        if user.password.contains([':', '\r', '\n', '\0']) {
            return Err(HarnessError::Invalid {
                what: "password",
                value: format!("(for user {})", user.name),
                reason: "the users file cannot hold ':', CR, LF or NUL",
            });
        }
    }
    Ok(())
}

/// The files of one server inside its directory.
struct Layout {
    dir: PathBuf,
    config: PathBuf,
    users: PathBuf,
    mail: PathBuf,
}

impl Layout {
    fn new(dir: &Path) -> Result<Self> {
        // Dovecot's configuration has no quoting we want to depend on.
        let printable = dir.to_str().is_some_and(|s| {
            s.bytes()
                .all(|b| b.is_ascii_graphic() && !b"\"'#{}<$\\".contains(&b))
        });
        if !printable {
            return Err(HarnessError::Invalid {
                what: "temporary directory",
                value: dir.display().to_string(),
                reason: "Dovecot paths must be plain ASCII without spaces; set TMPDIR",
            });
        }
        Ok(Layout {
            dir: dir.to_owned(),
            config: dir.join("dovecot.conf"),
            users: dir.join("users"),
            mail: dir.join("mail"),
        })
    }

    fn write(
        &self,
        options: &Options,
        certificate: &Certificate,
        identity: &Identity,
        plain_port: u16,
        tls_port: u16,
    ) -> Result<()> {
        let write = |path: &Path, text: &str| {
            fs::write(path, text)
                .map_err(|e| HarnessError::io(format!("write {}", path.display()), e))
        };
        // The mail user (nobody, as root) must traverse the directory.
        fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o755))
            .map_err(|e| HarnessError::io(format!("chmod {}", self.dir.display()), e))?;
        write(&self.dir.join("cert.pem"), certificate.cert_pem())?;
        write(&self.dir.join("key.pem"), certificate.key_pem())?;
        let users: String = options
            .users
            .iter()
            .map(|user| format!("{}:{{PLAIN}}{}\n", user.name, user.password))
            .collect();
        write(&self.users, &users)?;
        fs::create_dir_all(&self.mail)
            .map_err(|e| HarnessError::io(format!("create {}", self.mail.display()), e))?;
        if let Some((uid, gid)) = identity.mail_owner {
            chown(&self.mail, Some(uid), Some(gid))
                .map_err(|e| HarnessError::io(format!("chown {}", self.mail.display()), e))?;
        }
        write(
            &self.config,
            &self.config_text(options, identity, plain_port, tls_port),
        )
    }

    fn config_text(&self, options: &Options, identity: &Identity, plain: u16, tls: u16) -> String {
        let dir = self.dir.display();
        let mut c = format!(
            "# Private test server written by typed-imap-tests.\n\
             base_dir = {dir}/run\n\
             state_dir = {dir}/state\n\
             log_path = {dir}/dovecot.log\n\
             listen = 127.0.0.1\n\
             protocols = imap\n\
             ssl = yes\n\
             ssl_cert = <{dir}/cert.pem\n\
             ssl_key = <{dir}/key.pem\n\
             disable_plaintext_auth = no\n\
             auth_mechanisms = {mechanisms}\n\
             default_internal_user = {internal}\n\
             default_login_user = {login}\n\
             first_valid_uid = 1\n\
             first_valid_gid = 1\n\
             mail_location = maildir:~/Maildir\n\
             mail_fsync = never\n\
             mail_max_userip_connections = {userip}\n\
             auth_failure_delay = 0\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {users}\n}}\n\
             userdb {{\n  driver = static\n  args = uid={mail_user} gid={mail_group} home={mail}/%u\n}}\n\
             service imap-login {{\n\
             \x20 inet_listener imap {{\n    address = 127.0.0.1\n    port = {plain}\n  }}\n\
             \x20 inet_listener imaps {{\n    address = 127.0.0.1\n    port = {tls}\n    ssl = yes\n  }}\n",
            mechanisms = options.auth_mechanisms.join(" "),
            internal = identity.internal_user,
            login = identity.login_user,
            users = self.users.display(),
            mail_user = identity.mail_user,
            mail_group = identity.mail_group,
            mail = self.mail.display(),
            userip = options
                .connections
                .map_or(1000, |n| (n + CONNECTIONS_MARGIN).max(1000)),
        );
        if let Some(count) = options.connections {
            c.push_str(&login_limits(count));
        }
        if identity.no_chroot {
            c.push_str("  chroot =\n}\nservice anvil {\n  chroot =\n}\n");
            // Internal sockets are given to this group: it must be ours.
            let _ = writeln!(c, "default_internal_group = {}", identity.mail_group);
        } else {
            c.push_str("}\n");
        }
        c.push_str("namespace inbox {\n  inbox = yes\n  separator = /\n");
        if options.special_use {
            for (name, flag) in SPECIAL_USE_MAILBOXES {
                let _ = write!(
                    c,
                    "  mailbox {name} {{\n    special_use = {flag}\n    auto = subscribe\n  }}\n"
                );
            }
        }
        c.push_str("}\n");
        if let Some(count) = options.connections {
            c.push_str(&service_limits(count));
        }
        c.push_str(&plugin_config(options.plugins));
        c.push_str(&options.extra_config);
        c.push('\n');
        c
    }
}

/// Room above [`Options::connections`] for the harness's own
/// connections (readiness probes, a test's extra session).
const CONNECTIONS_MARGIN: u32 = 64;

/// Inside `service imap-login`: one process, started ahead, serves every
/// connection (`service_count = 0`), instead of one process each, at most
/// 100 (the default); a TLS connection stays with its login process,
/// which proxies it, for the whole session.
fn login_limits(count: u32) -> String {
    let limit = count + CONNECTIONS_MARGIN;
    format!("  service_count = 0\n  process_min_avail = 1\n  client_limit = {limit}\n")
}

/// Outside any block: one imap process per connection, and every
/// service's client limit (anvil and auth count each login) above the
/// connections. An IDLE learns of changes through inotify, whose
/// instances are limited per user (`fs.inotify.max_user_instances`, 128
/// by default) and all sessions run as one: the others poll, every
/// second instead of Dovecot's 30.
fn service_limits(count: u32) -> String {
    let limit = count + CONNECTIONS_MARGIN;
    format!(
        "default_client_limit = {limit}\n\
         mailbox_idle_check_interval = 1 secs\n\
         service imap {{\n  process_limit = {limit}\n}}\n"
    )
}

/// The open files the test process and the server it starts need for
/// `count` connections: the client's socket, and the login process's
/// socket and its pipe to the imap process, each, and some for the rest.
fn open_files_for(count: u32) -> u64 {
    4 * u64::from(count + CONNECTIONS_MARGIN) + 1024
}

/// The settings that turn the optional plugins on.
fn plugin_config(plugins: Plugins) -> String {
    let mut mail = Vec::new();
    let mut imap = Vec::new();
    let mut plugin = Vec::new();
    if plugins.acl {
        mail.push("acl");
        imap.push("imap_acl");
        plugin.push("acl = vfile");
    }
    if plugins.quota {
        mail.push("quota");
        imap.push("imap_quota");
        plugin.extend([
            "quota = count:User quota",
            "quota_vsizes = yes",
            "quota_rule = *:storage=1G",
        ]);
    }
    if plugins.imap_zlib {
        imap.push("imap_zlib");
    }
    let mut c = String::new();
    if !mail.is_empty() {
        let _ = writeln!(c, "mail_plugins = $mail_plugins {}", mail.join(" "));
    }
    if plugins.metadata {
        c.push_str("mail_attribute_dict = file:~/dovecot-attributes\n");
    }
    if !imap.is_empty() || plugins.metadata {
        let _ = writeln!(
            c,
            "protocol imap {{\n  mail_plugins = $mail_plugins {}",
            imap.join(" ")
        );
        if plugins.metadata {
            c.push_str("  imap_metadata = yes\n");
        }
        c.push_str("}\n");
    }
    if !plugin.is_empty() {
        let _ = writeln!(c, "plugin {{\n  {}\n}}", plugin.join("\n  "));
    }
    c
}
