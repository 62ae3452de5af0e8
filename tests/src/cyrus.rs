//! A private, throw-away Cyrus IMAP server on 127.0.0.1, for the extensions
//! Dovecot lacks (ANNOTATE, PROXYAUTH) or restricts (SETQUOTA as admin).
//!
//! ```no_run
//! use typed_imap_tests::cyrus::Cyrus;
//!
//! let server = Cyrus::start()?;
//! let addr = server.addr(); // plain IMAP; LOGIN allowed without TLS
//! let admin = server.user("cyrusadmin").unwrap(); // the server's admin
//! # let _ = (addr, admin);
//! # Ok::<(), typed_imap_tests::HarnessError>(())
//! ```
//!
//! Cyrus's packages conflict with Dovecot's, so its binaries are unpacked
//! into a private root ([`crate::install::ensure_cyrus`]) and run from
//! there. Everything of one server (configuration, SASL database, mail
//! spool, sockets, logs) lives in one temporary directory; the server is
//! stopped by PID on drop and the directory removed.

use std::fs;
use std::net::{Ipv4Addr, SocketAddr};
use std::os::unix::fs::chown;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;

use tempfile::TempDir;

use crate::dovecot::User;
use crate::install::ensure_cyrus;
use crate::process::{
    free_local_ports, is_root, nobody_ids, run, run_with_input, stop_tree, user_and_group_names,
    wait_for_greeting,
};
use crate::{HarnessError, Result};

/// The admin account (`admins:` in imapd.conf), also allowed PROXYAUTH.
pub const ADMIN: &str = "cyrusadmin";

/// A running private Cyrus. Stopped by PID, and its directory removed, on
/// drop.
pub struct Cyrus {
    child: Child,
    port: u16,
    users: Vec<User>,
    // Declared last: removed after the server has stopped.
    dir: TempDir,
}

impl std::fmt::Debug for Cyrus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cyrus")
            .field("pid", &self.child.id())
            .field("port", &self.port)
            .field("dir", &self.dir.path())
            .finish_non_exhaustive()
    }
}

impl Cyrus {
    /// Starts a server with users `alice` (`alice-secret`), `bob`
    /// (`bob-secret`) and the admin [`ADMIN`] (`cyrusadmin-secret`); each
    /// user's INBOX is created at first login.
    pub fn start() -> Result<Cyrus> {
        Cyrus::start_with("")
    }

    /// Starts a server as [`start`](Self::start) does, with `extra_conf`
    /// (`key: value` lines) appended to its imapd.conf, for settings a
    /// test needs (`maxmessagesize: 10240`; `annotation_enable_legacy_commands:
    /// yes` turns on the draft GETANNOTATION / SETANNOTATION that imaplib
    /// speaks, which Cyrus 3.6 otherwise answers `NO Permission denied`).
    pub fn start_with(extra_conf: &str) -> Result<Cyrus> {
        let root = ensure_cyrus()?;
        let users = ["alice", "bob", ADMIN]
            .map(|name| User::new(name, format!("{name}-secret")))
            .to_vec();
        let dir = tempfile::Builder::new()
            .prefix("typed-imap-cyrus-")
            .tempdir()
            .map_err(|e| HarnessError::io("create a temporary directory", e))?;
        let [port] = free_local_ports()?;
        let layout = Layout::new(dir.path(), &root)?;
        layout.write(port, &users, extra_conf)?;
        let child = Command::new(root.join("usr/lib/cyrus/bin/master"))
            .arg("-C")
            .arg(&layout.imapd_conf)
            .arg("-M")
            .arg(&layout.cyrus_conf)
            .arg("-p")
            .arg(dir.path().join("master.pid"))
            .arg("-L")
            .arg(dir.path().join("master.log"))
            .env("LD_LIBRARY_PATH", layout.library_path())
            // Its own process group: a master that stops signals its
            // group, which would otherwise hold every other test's Cyrus.
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| HarnessError::io("start Cyrus's master", e))?;
        let mut server = Cyrus {
            child,
            port,
            users,
            dir,
        };
        server.wait_ready()?;
        Ok(server)
    }

    fn wait_ready(&mut self) -> Result<()> {
        let addr = self.addr();
        wait_for_greeting(
            &mut self.child,
            addr,
            |line| line.starts_with("* OK"),
            || true,
        )
        .map_err(|reason| HarnessError::NotReady {
            reason,
            log: self.log(),
        })
    }

    /// The IMAP listener (plain; LOGIN is allowed without TLS).
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))
    }

    /// The user with this name.
    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|user| user.name == name)
    }

    /// The temporary directory holding everything of this server.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The master's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the master logged (Cyrus's services log to syslog only).
    pub fn log(&self) -> String {
        let path = self.dir.path().join("master.log");
        fs::read_to_string(&path).unwrap_or_else(|e| format!("(no log at {}: {e})", path.display()))
    }
}

impl Drop for Cyrus {
    fn drop(&mut self) {
        if thread::panicking() {
            eprintln!("--- cyrus master log ---\n{}--- end ---", self.log());
        }
        if let Err(reason) = stop_tree(&mut self.child) {
            eprintln!("typed-imap-tests: could not stop cyrus: {reason}");
        }
    }
}

/// The files of one server inside its directory.
struct Layout {
    dir: PathBuf,
    root: PathBuf,
    imapd_conf: PathBuf,
    cyrus_conf: PathBuf,
}

/// `base` with the `key: value` lines of `extra` added, an extra line
/// replacing the base line of the same key (Cyrus refuses a key given
/// twice).
fn with_overrides(base: &str, extra: &str) -> String {
    let key = |line: &str| line.split_once(':').map(|(key, _)| key.trim().to_owned());
    let overridden: Vec<String> = extra.lines().filter_map(key).collect();
    let mut text: String = base
        .lines()
        .filter(|line| key(line).is_none_or(|key| !overridden.contains(&key)))
        .flat_map(|line| [line, "\n"])
        .collect();
    for line in extra.lines() {
        text.push_str(line);
        text.push('\n');
    }
    text
}

impl Layout {
    fn new(dir: &Path, root: &Path) -> Result<Self> {
        let plain = |p: &Path| {
            p.to_str()
                .is_some_and(|s| s.bytes().all(|b| b.is_ascii_graphic() && b != b'"'))
        };
        if !plain(dir) || !plain(root) {
            return Err(HarnessError::Invalid {
                what: "directory",
                value: format!("{} / {}", dir.display(), root.display()),
                reason: "Cyrus paths must be plain ASCII without spaces; set TMPDIR",
            });
        }
        Ok(Layout {
            dir: dir.to_owned(),
            root: root.to_owned(),
            imapd_conf: dir.join("imapd.conf"),
            cyrus_conf: dir.join("cyrus.conf"),
        })
    }

    fn library_path(&self) -> String {
        let root = self.root.display();
        format!("{root}/usr/lib/x86_64-linux-gnu:{root}/usr/lib")
    }

    fn write(&self, port: u16, users: &[User], extra_conf: &str) -> Result<()> {
        let write = |path: &Path, text: &str| {
            fs::write(path, text)
                .map_err(|e| HarnessError::io(format!("write {}", path.display()), e))
        };
        for sub in [
            "config",
            "partition",
            "sieve",
            "tmp",
            "proc",
            "lock",
            "socket",
        ] {
            let path = self.dir.join(sub);
            fs::create_dir_all(&path)
                .map_err(|e| HarnessError::io(format!("create {}", path.display()), e))?;
        }
        // As root the services run as nobody (no `cyrus` account exists).
        let cyrus_user = if is_root() {
            "nobody".to_owned()
        } else {
            user_and_group_names()?.0
        };
        let imapd_conf = with_overrides(&self.imapd_conf_text(&cyrus_user), extra_conf);
        write(&self.imapd_conf, &imapd_conf)?;
        write(&self.cyrus_conf, &self.cyrus_conf_text(port))?;
        let sasldb = self.dir.join("sasldb2");
        for user in users {
            run_with_input(
                Command::new("saslpasswd2").arg("-f").arg(&sasldb).args([
                    "-p",
                    "-c",
                    "-u",
                    "localhost",
                    &user.name,
                ]),
                user.password.as_bytes(),
            )?;
        }
        if is_root() {
            let (uid, gid) = nobody_ids()?;
            run(Command::new("chown")
                .arg("-R")
                .arg(format!("{uid}:{gid}"))
                .arg(&self.dir))?;
            chown(&self.dir, Some(uid), Some(gid))
                .map_err(|e| HarnessError::io(format!("chown {}", self.dir.display()), e))?;
        }
        Ok(())
    }

    fn imapd_conf_text(&self, cyrus_user: &str) -> String {
        let dir = self.dir.display();
        format!(
            "configdirectory: {dir}/config\n\
             defaultpartition: default\n\
             partition-default: {dir}/partition\n\
             sievedir: {dir}/sieve\n\
             temp_path: {dir}/tmp\n\
             proc_path: {dir}/proc\n\
             mboxname_lockpath: {dir}/lock\n\
             lmtpsocket: {dir}/socket/lmtp\n\
             idlesocket: {dir}/socket/idle\n\
             notifysocket: {dir}/socket/notify\n\
             cyrus_user: {cyrus_user}\n\
             servername: localhost\n\
             admins: {ADMIN}\n\
             proxyservers: {ADMIN}\n\
             unixhierarchysep: yes\n\
             altnamespace: yes\n\
             autocreate_quota: 0\n\
             sasl_pwcheck_method: auxprop\n\
             sasl_auxprop_plugin: sasldb\n\
             sasl_sasldb_path: {dir}/sasldb2\n\
             sasl_mech_list: PLAIN LOGIN\n\
             allowplaintext: yes\n\
             annotation_allow_undefined: yes\n"
        )
    }

    fn cyrus_conf_text(&self, port: u16) -> String {
        let (dir, bin) = (self.dir.display(), self.root.join("usr/lib/cyrus/bin"));
        let bin = bin.display();
        format!(
            "START {{\n  recover cmd=\"{bin}/ctl_cyrusdb -C {dir}/imapd.conf -r\"\n}}\n\
             SERVICES {{\n  imap cmd=\"{bin}/imapd -C {dir}/imapd.conf\" \
             listen=\"127.0.0.1:{port}\" prefork=0\n}}\n"
        )
    }
}
