//! A private, throw-away Stalwart on 127.0.0.1: the IMAP4rev2 server
//! (RFC 9051) among the test servers, with UTF8=ACCEPT, OBJECTID, PREVIEW,
//! STATUS=SIZE and more (`shared/servers.md`).
//!
//! ```no_run
//! use typed_imap_tests::dovecot::User;
//! use typed_imap_tests::stalwart::{Options, Stalwart};
//!
//! let server = Stalwart::start_with(Options {
//!     users: vec![User::new("alice", "p\"a\\ss wörd")],
//!     ..Options::default()
//! })?;
//! server.fill("alice", "INBOX", [&b"Subject: hi\r\n\r\nhello\r\n"[..]])?;
//! let plain = server.plain_addr(); // STARTTLS offered here
//! let tls = server.tls_addr(); // implicit TLS
//! let root = server.authority_pem(); // trust this private CA as a custom root
//! # let _ = (plain, tls, root);
//! # Ok::<(), typed_imap_tests::HarnessError>(())
//! ```
//!
//! Stalwart has no Debian package: `.ci/run` builds the crates.io package
//! `stalwart-lite` once ([`crate::install::ensure_stalwart`] says how). It
//! runs in the foreground on one TOML file; its data (SQLite), log and
//! certificate live in one temporary directory. Its server certificate is
//! issued by a private CA, as rustls refuses a CA certificate presented as
//! the server's own. Users are created by the harness through the HTTP
//! management API (as the configuration's fallback admin). The server is
//! stopped by PID on drop and the directory removed; when the test is
//! panicking, the log is printed first.

use std::fs;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::Duration;

use base64::Engine as _;
use tempfile::TempDir;

use crate::cert::{Authority, Certificate, LOCALHOST_NAMES};
use crate::dovecot::User;
use crate::install::ensure_stalwart;
use crate::process::{free_local_ports, retry_on_port_clash, stop_tree, wait_for_greeting};
use crate::raw::RawSession;
use crate::{HarnessError, Result};

/// The management API's admin (`authentication.fallback-admin`).
pub const ADMIN: &str = "admin";

/// How long a management API request may take.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// How to configure the server.
#[derive(Clone, Debug)]
pub struct Options {
    /// The users and their passwords, created through the management API.
    pub users: Vec<User>,
    /// Each user's storage quota in bytes (`quota` of the principal), for
    /// QUOTA; none when `None`.
    pub quota: Option<u64>,
    /// Extra configuration appended as is (TOML), for settings not
    /// covered here.
    pub extra_config: String,
}

impl Default for Options {
    /// Users `alice` (password `alice-secret`) and `bob` (`bob-secret`), a
    /// quota of 100 MB each.
    fn default() -> Self {
        Options {
            users: vec![
                User::new("alice", "alice-secret"),
                User::new("bob", "bob-secret"),
            ],
            quota: Some(100 * 1024 * 1024),
            extra_config: String::new(),
        }
    }
}

/// A running private Stalwart. Stopped by PID, and its directory removed,
/// on drop.
pub struct Stalwart {
    child: Child,
    plain_port: u16,
    tls_port: u16,
    http_port: u16,
    users: Vec<User>,
    admin_secret: String,
    // Declared last: removed after the server has stopped.
    dir: TempDir,
}

impl std::fmt::Debug for Stalwart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stalwart")
            .field("pid", &self.child.id())
            .field("plain_port", &self.plain_port)
            .field("tls_port", &self.tls_port)
            .field("http_port", &self.http_port)
            .field("dir", &self.dir.path())
            .finish_non_exhaustive()
    }
}

/// The private CA and the server certificate it issued for
/// `127.0.0.1`/`localhost`, made once per process.
static CERTIFICATES: OnceLock<(Authority, Certificate)> = OnceLock::new();

fn certificates() -> Result<&'static (Authority, Certificate)> {
    if let Some(made) = CERTIFICATES.get() {
        return Ok(made);
    }
    let authority = Authority::new("typed-imap test CA")?;
    let certificate = authority.issue(LOCALHOST_NAMES)?;
    // Another thread may have won the race; either pair is fine.
    Ok(CERTIFICATES.get_or_init(|| (authority, certificate)))
}

impl Stalwart {
    /// Starts a server with [`Options::default`].
    pub fn start() -> Result<Stalwart> {
        Stalwart::start_with(Options::default())
    }

    /// Starts a server with these options, waits until its three ports
    /// accept, and creates the users.
    pub fn start_with(options: Options) -> Result<Stalwart> {
        let binary = ensure_stalwart()?;
        validate_users(&options.users)?;
        let (_, certificate) = certificates()?;
        let server = retry_on_port_clash(|| Stalwart::try_start(&binary, &options, certificate))?;
        for user in &options.users {
            server.create_user(user, options.quota)?;
        }
        Ok(server)
    }

    fn try_start(binary: &Path, options: &Options, certificate: &Certificate) -> Result<Stalwart> {
        let dir = tempfile::Builder::new()
            .prefix("typed-imap-stalwart-")
            .tempdir()
            .map_err(|e| HarnessError::io("create a temporary directory", e))?;
        let [plain_port, tls_port, http_port] = free_local_ports()?;
        let layout = Layout::new(dir.path())?;
        let admin_secret = format!("admin-{}", std::process::id());
        layout.write(
            certificate,
            &Ports {
                plain: plain_port,
                tls: tls_port,
                http: http_port,
            },
            &admin_secret,
            &options.extra_config,
        )?;
        let log = fs::File::create(&layout.log)
            .map_err(|e| HarnessError::io(format!("create {}", layout.log.display()), e))?;
        let log_err = log
            .try_clone()
            .map_err(|e| HarnessError::io(format!("open {}", layout.log.display()), e))?;
        let child = Command::new(binary)
            .arg("--config")
            .arg(&layout.config)
            .current_dir(dir.path())
            // Its own process group: nothing it signals reaches the tests.
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|e| HarnessError::io(format!("start {}", binary.display()), e))?;
        let mut server = Stalwart {
            child,
            plain_port,
            tls_port,
            http_port,
            users: options.users.clone(),
            admin_secret,
            dir,
        };
        server.wait_ready()?;
        Ok(server)
    }

    /// Waits until the plain port greets and the TLS and HTTP ports accept.
    fn wait_ready(&mut self) -> Result<()> {
        let (plain, tls, http) = (self.plain_addr(), self.tls_addr(), self.http_addr());
        wait_for_greeting(
            &mut self.child,
            plain,
            |line| line.starts_with("* OK"),
            || TcpStream::connect(tls).is_ok() && TcpStream::connect(http).is_ok(),
        )
        .map_err(|reason| HarnessError::NotReady {
            reason,
            log: self.log(),
        })
    }

    /// Creates an individual account with the `user` role through the
    /// management API. The secret is sent as `{PLAIN}password`: Stalwart
    /// reads a stored secret starting with `$`, `_` or `{` as a hash.
    fn create_user(&self, user: &User, quota: Option<u64>) -> Result<()> {
        let quota = quota.map_or(String::new(), |bytes| format!(",\"quota\":{bytes}"));
        let body = format!(
            "{{\"type\":\"individual\",\"name\":{},\"secrets\":[{}],\"roles\":[\"user\"],\"emails\":[]{quota}}}",
            json_string(&user.name),
            json_string(&format!("{{PLAIN}}{}", user.password)),
        );
        let (status, reply) = self.api_request("POST", "/api/principal", &body)?;
        if status != 200 || !reply.contains("\"data\"") {
            return Err(HarnessError::Unexpected {
                expected: format!("200 with the new id for user {}", user.name),
                got: format!("{status} {reply}"),
            });
        }
        Ok(())
    }

    /// Sends one request to the management API as [`ADMIN`] and returns the
    /// status and the body (as text, lossy).
    pub fn api_request(&self, method: &str, path: &str, body: &str) -> Result<(u16, String)> {
        let credentials = format!("{ADMIN}:{}", self.admin_secret);
        self.http_request(method, path, Some(&credentials), "application/json", body)
    }

    /// An OAuth access token for `user`, as a client gets one: an
    /// authorization code asked for as the user (`POST /api/oauth`), then
    /// exchanged at `/auth/token`. For AUTHENTICATE OAUTHBEARER and XOAUTH2.
    pub fn oauth_token(&self, user: &str) -> Result<String> {
        let password = &self
            .user(user)
            .ok_or(HarnessError::Invalid {
                what: "user",
                value: user.to_owned(),
                reason: "not one of the server's users",
            })?
            .password;
        let (client, redirect) = ("typed-imap-tests", "https://localhost/callback");
        let request = format!(
            "{{\"type\":\"code\",\"client_id\":\"{client}\",\"redirect_uri\":\"{redirect}\"}}"
        );
        let credentials = format!("{user}:{password}");
        let (status, reply) = self.http_request(
            "POST",
            "/api/oauth",
            Some(&credentials),
            "application/json",
            &request,
        )?;
        let code = json_field(&reply, "code")
            .filter(|_| status == 200)
            .ok_or_else(|| HarnessError::Unexpected {
                expected: format!("200 with an authorization code for {user}"),
                got: format!("{status} {reply}"),
            })?;
        let form = format!(
            "grant_type=authorization_code&code={code}&client_id={client}\
             &redirect_uri=https%3A%2F%2Flocalhost%2Fcallback"
        );
        let (status, reply) = self.http_request(
            "POST",
            "/auth/token",
            None,
            "application/x-www-form-urlencoded",
            &form,
        )?;
        json_field(&reply, "access_token")
            .filter(|_| status == 200)
            .ok_or_else(|| HarnessError::Unexpected {
                expected: format!("200 with an access token for {user}"),
                got: format!("{status} {reply}"),
            })
    }

    /// Sends one HTTP request to the management listener, with Basic
    /// credentials (`user:password`) when given.
    fn http_request(
        &self,
        method: &str,
        path: &str,
        credentials: Option<&str>,
        content_type: &str,
        body: &str,
    ) -> Result<(u16, String)> {
        let authorization = credentials.map_or(String::new(), |credentials| {
            let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
            format!("Authorization: Basic {encoded}\r\n")
        });
        let request = format!(
            "{method} {path} HTTP/1.1\r\n\
             Host: {host}\r\n\
             {authorization}\
             Content-Type: {content_type}\r\n\
             Content-Length: {length}\r\n\
             Connection: close\r\n\r\n{body}",
            host = self.http_addr(),
            length = body.len(),
        );
        http_exchange(self.http_addr(), request.as_bytes())
    }

    /// The plain-text listener (STARTTLS offered), on 127.0.0.1.
    pub fn plain_addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.plain_port))
    }

    /// The implicit-TLS listener, on 127.0.0.1.
    pub fn tls_addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.tls_port))
    }

    /// The management API's listener (plain HTTP), on 127.0.0.1.
    pub fn http_addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.http_port))
    }

    /// The private CA that issued the server's certificate, PEM: what a
    /// client trusts as its custom root.
    pub fn authority_pem(&self) -> &'static str {
        // Made before the server started, so it is there.
        CERTIFICATES
            .get()
            .map_or("", |(authority, _)| authority.cert_pem())
    }

    /// The server's certificate (issued by the private CA for `127.0.0.1`
    /// and `localhost`).
    pub fn certificate(&self) -> Option<&'static Certificate> {
        CERTIFICATES.get().map(|(_, certificate)| certificate)
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

    /// Appends messages to a user's mailbox (which must exist: INBOX,
    /// Drafts, "Sent Items", "Deleted Items", "Junk Mail" always do) over a
    /// raw IMAP session with LITERAL+, no client code involved; returns how
    /// many were appended. Stalwart keeps its mail in SQLite: there are no
    /// files to write.
    pub fn fill<M: AsRef<[u8]>>(
        &self,
        user: &str,
        mailbox: &str,
        messages: impl IntoIterator<Item = M>,
    ) -> Result<usize> {
        let mut raw = self.raw_login(user)?;
        let mut appended = 0;
        for message in messages {
            let message = message.as_ref();
            let mut command = format!("F{appended} APPEND ").into_bytes();
            push_literal(&mut command, mailbox.as_bytes());
            command.extend_from_slice(b" ");
            push_literal(&mut command, message);
            command.extend_from_slice(b"\r\n");
            raw.send(&command)?;
            let reply = raw.read_until(&format!("F{appended}"))?;
            if !reply.is_ok() {
                return Err(HarnessError::Unexpected {
                    expected: format!("OK to APPEND to {mailbox}"),
                    got: reply.completion,
                });
            }
            appended += 1;
        }
        raw.command("LOGOUT")?;
        Ok(appended)
    }

    /// A raw session on the plain port, logged in as `user` (Stalwart
    /// allows LOGIN without TLS here, `imap.auth.allow-plain-text`).
    pub fn raw_login(&self, user: &str) -> Result<RawSession> {
        let password = &self
            .user(user)
            .ok_or(HarnessError::Invalid {
                what: "user",
                value: user.to_owned(),
                reason: "not one of the server's users",
            })?
            .password;
        let (mut raw, greeting) = RawSession::connect(self.plain_addr())?;
        if !greeting.starts_with("* OK") {
            return Err(HarnessError::Unexpected {
                expected: "an OK greeting".into(),
                got: greeting,
            });
        }
        let mut login = b"L1 LOGIN ".to_vec();
        push_literal(&mut login, user.as_bytes());
        login.push(b' ');
        push_literal(&mut login, password.as_bytes());
        login.extend_from_slice(b"\r\n");
        raw.send(&login)?;
        let reply = raw.read_until("L1")?;
        if !reply.is_ok() {
            return Err(HarnessError::Unexpected {
                expected: format!("OK to LOGIN as {user}"),
                got: reply.completion,
            });
        }
        Ok(raw)
    }

    /// The server's log so far (its stdout tracer and stderr).
    pub fn log(&self) -> String {
        let path = self.dir.path().join("stalwart.log");
        fs::read_to_string(&path).unwrap_or_else(|e| format!("(no log at {}: {e})", path.display()))
    }

    /// Stops the server by PID (see [`crate::dovecot::Dovecot::stop`]).
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

impl Drop for Stalwart {
    fn drop(&mut self) {
        if thread::panicking() {
            eprintln!(
                "--- stalwart log ({}) ---\n{}--- end of stalwart log ---",
                self.dir.path().display(),
                self.log()
            );
        }
        if let Err(error) = self.terminate() {
            eprintln!("typed-imap-tests: could not stop stalwart: {error}");
        }
    }
}

/// Appends a non-synchronising literal (`{n+}` CRLF and the bytes).
fn push_literal(out: &mut Vec<u8>, data: &[u8]) {
    out.extend_from_slice(format!("{{{}+}}\r\n", data.len()).as_bytes());
    out.extend_from_slice(data);
}

/// Sends one HTTP/1.1 request (with `Connection: close`) and reads the
/// whole answer: its status code and its body, lossy.
fn http_exchange(addr: SocketAddr, request: &[u8]) -> Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, HTTP_TIMEOUT)
        .map_err(|e| HarnessError::io(format!("connect to {addr}"), e))?;
    stream
        .set_read_timeout(Some(HTTP_TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(HTTP_TIMEOUT)))
        .map_err(|e| HarnessError::io(format!("configure the socket to {addr}"), e))?;
    stream
        .write_all(request)
        .map_err(|e| HarnessError::io(format!("send a request to {addr}"), e))?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .map_err(|e| HarnessError::io(format!("read the answer of {addr}"), e))?;
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok());
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, body)| body)
        .to_owned();
    match status {
        Some(status) => Ok((status, body)),
        None => Err(HarnessError::Unexpected {
            expected: "an HTTP/1.1 status line".into(),
            got: text.chars().take(200).collect(),
        }),
    }
}

/// The value of the first string field `name` of a JSON text (tokens
/// and codes hold no escapes).
fn json_field(json: &str, name: &str) -> Option<String> {
    let start = json.find(&format!("\"{name}\":\""))? + name.len() + 4;
    let value = json.get(start..)?;
    let end = value.find('"')?;
    Some(value[..end].to_owned())
}

/// A JSON string literal: `"`, `\` and control characters escaped.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Refuses names the management API would change or refuse (it keeps
/// names as lower-case ASCII) and empty passwords.
fn validate_users(users: &[User]) -> Result<()> {
    for user in users {
        let name_ok = !user.name.is_empty()
            && user
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b));
        if !name_ok {
            return Err(HarnessError::Invalid {
                what: "user name",
                value: user.name.clone(),
                reason: "use lower-case ASCII letters, digits and - _ .",
            });
        }
        if user.password.is_empty() {
            return Err(HarnessError::Invalid {
                what: "password",
                value: format!("(for user {})", user.name),
                reason: "Stalwart refuses an empty secret",
            });
        }
    }
    Ok(())
}

/// The three listeners' ports.
struct Ports {
    plain: u16,
    tls: u16,
    http: u16,
}

/// The files of one server inside its directory.
struct Layout {
    dir: PathBuf,
    config: PathBuf,
    log: PathBuf,
}

impl Layout {
    fn new(dir: &Path) -> Result<Self> {
        // Paths go into TOML strings and `%{file:..}%` macros unquoted.
        let plain = dir.to_str().is_some_and(|s| {
            s.bytes()
                .all(|b| b.is_ascii_graphic() && !b"\"'\\%{}$#".contains(&b))
        });
        if !plain {
            return Err(HarnessError::Invalid {
                what: "temporary directory",
                value: dir.display().to_string(),
                reason: "Stalwart paths must be plain ASCII without spaces; set TMPDIR",
            });
        }
        Ok(Layout {
            dir: dir.to_owned(),
            config: dir.join("config.toml"),
            log: dir.join("stalwart.log"),
        })
    }

    fn write(
        &self,
        certificate: &Certificate,
        ports: &Ports,
        admin_secret: &str,
        extra_config: &str,
    ) -> Result<()> {
        let write = |name: &str, text: &str| {
            let path = self.dir.join(name);
            fs::write(&path, text)
                .map_err(|e| HarnessError::io(format!("write {}", path.display()), e))
        };
        write("cert.pem", certificate.cert_pem())?;
        write("key.pem", certificate.key_pem())?;
        // At first boot Stalwart fetches spam-filter rules from the
        // network unless a resource gives them: an empty rule set.
        write(
            "spam-filter.toml",
            "[version]\nspam-filter = \"1.0.0\"\nserver = \"0.1.0\"\n",
        )?;
        let data = self.dir.join("data");
        fs::create_dir_all(&data)
            .map_err(|e| HarnessError::io(format!("create {}", data.display()), e))?;
        let mut config = self.config_text(ports, admin_secret);
        config.push_str(extra_config);
        config.push('\n');
        write("config.toml", &config)
    }

    fn config_text(&self, ports: &Ports, admin_secret: &str) -> String {
        let dir = self.dir.display();
        format!(
            "# Private test server written by typed-imap-tests.\n\
             [server]\nhostname = \"localhost\"\n\n\
             [server.listener.imap]\nbind = [\"127.0.0.1:{plain}\"]\nprotocol = \"imap\"\n\n\
             [server.listener.imaps]\nbind = [\"127.0.0.1:{tls}\"]\nprotocol = \"imap\"\n\
             tls.implicit = true\n\n\
             [server.listener.http]\nbind = [\"127.0.0.1:{http}\"]\nprotocol = \"http\"\n\n\
             [certificate.default]\ncert = \"%{{file:{dir}/cert.pem}}%\"\n\
             private-key = \"%{{file:{dir}/key.pem}}%\"\ndefault = true\n\n\
             [storage]\ndata = \"sqlite\"\nblob = \"sqlite\"\nfts = \"sqlite\"\n\
             lookup = \"sqlite\"\ndirectory = \"internal\"\n\n\
             [store.sqlite]\ntype = \"sqlite\"\npath = \"{dir}/data/stalwart.sqlite3\"\n\n\
             [directory.internal]\ntype = \"internal\"\nstore = \"sqlite\"\n\n\
             [tracer.stdout]\ntype = \"stdout\"\nlevel = \"info\"\nansi = false\nenable = true\n\n\
             [authentication.fallback-admin]\nuser = \"{ADMIN}\"\nsecret = \"{admin_secret}\"\n\n\
             [imap]\nauth.allow-plain-text = true\nrate-limit.requests = \"100000/1s\"\n\n\
             [spam-filter]\nresource = \"file://{dir}/spam-filter.toml\"\npyzor.enable = false\n",
            plain = ports.plain,
            tls = ports.tls,
            http = ports.http,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{json_field, json_string};

    #[test]
    fn json_strings_escape_quotes_backslashes_and_controls() {
        assert_eq!(
            json_string("p\"a\\ss wörd\n"),
            "\"p\\\"a\\\\ss wörd\\u000a\""
        );
    }

    #[test]
    fn json_field_reads_a_string_value() {
        let reply = r#"{"data":{"code":"Ab12","permissions":[]},"access_token":"x.y"}"#;
        assert_eq!(json_field(reply, "code").as_deref(), Some("Ab12"));
        assert_eq!(json_field(reply, "access_token").as_deref(), Some("x.y"));
        assert_eq!(json_field(reply, "missing"), None);
    }
}
