//! Accounts: the configuration file, the one-off flags, the secret
//! commands, and the logged-in client they give.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use clap::{Args, ValueEnum};
use serde::Deserialize;
use typed_imap::auth::XOAuth2;
use typed_imap::blocking::{Client, ClientOptions};
use typed_imap::transport::TlsConfig;

use crate::output::Failure;

/// The configuration file's format, shown at the end of `--help`.
pub const CONFIG_HELP: &str = "\
Configuration (TOML), one table per account:

  [accounts.work]
  host = \"imap.example.com\"
  port = 993                         # default: 993 for tls = \"implicit\", else 143
  tls = \"implicit\"                   # implicit | starttls | none
  user = \"alice@example.com\"
  password_command = \"pass show mail/work\"   # its first line is the password
  # oauth2_command = \"oauth2-token work\"     # XOAUTH2 instead of LOGIN
  # ca_file = \"/etc/ssl/private-ca.pem\"      # trust this root instead of the web's

A password is never written in the file nor printed; the account flags
override the file's values, or make an account of their own.";

/// How the connection is secured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// TLS from the first byte (port 993).
    #[default]
    Implicit,
    /// Plain TCP upgraded with STARTTLS before login (port 143); refused
    /// when the server does not offer it.
    Starttls,
    /// No TLS at all: for servers on this machine only.
    None,
}

/// One account, as the configuration file has it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountConfig {
    host: Option<String>,
    port: Option<u16>,
    tls: Option<TlsMode>,
    user: Option<String>,
    password_command: Option<String>,
    oauth2_command: Option<String>,
    ca_file: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    accounts: BTreeMap<String, AccountConfig>,
}

/// The account flags, for one-off use or to override the file.
#[derive(Clone, Debug, Default, Args)]
#[command(next_help_heading = "Account (override the configuration file)")]
pub struct AccountFlags {
    /// The server's host name.
    #[arg(long, global = true)]
    host: Option<String>,
    /// The server's port.
    #[arg(long, global = true)]
    port: Option<u16>,
    /// How the connection is secured.
    #[arg(long, global = true, value_enum)]
    tls: Option<TlsMode>,
    /// The login name.
    #[arg(long, global = true)]
    user: Option<String>,
    /// A shell command whose first line of output is the password.
    #[arg(long, global = true, value_name = "COMMAND")]
    password_command: Option<String>,
    /// A shell command whose first line of output is an OAuth2 access
    /// token (XOAUTH2).
    #[arg(long, global = true, value_name = "COMMAND")]
    oauth2_command: Option<String>,
    /// A PEM file of the roots to trust instead of the web's.
    #[arg(long, global = true, value_name = "FILE")]
    ca_file: Option<PathBuf>,
}

/// How the account proves who it is.
#[derive(Clone)]
enum Secret {
    Password(String),
    Token(String),
}

impl fmt::Debug for Secret {
    /// Never shows the secret itself.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Secret::Password(_) => f.write_str("Password(********)"),
            Secret::Token(_) => f.write_str("Token(********)"),
        }
    }
}

/// An account ready to connect: everything known but the secret, which its
/// command gives at each connection.
#[derive(Clone, Debug)]
pub struct Account {
    /// The name the user gave.
    pub name: String,
    host: String,
    port: u16,
    tls: TlsMode,
    user: String,
    password_command: Option<String>,
    oauth2_command: Option<String>,
    ca_file: Option<PathBuf>,
}

/// Where the configuration file is looked for when `--config` is not given.
pub fn default_config_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TYPED_IMAP_CONFIG") {
        return Some(PathBuf::from(path));
    }
    let base = match std::env::var_os("XDG_CONFIG_HOME") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(std::env::var_os("HOME")?).join(".config"),
    };
    Some(base.join("typed-imap").join("config.toml"))
}

impl Account {
    /// The account `name`: the file's table of that name (if the file
    /// exists) with the flags over it. Without such a table the flags alone
    /// must name the host and user.
    pub fn resolve(
        name: &str,
        config: Option<&Path>,
        flags: &AccountFlags,
    ) -> Result<Account, Failure> {
        let explicit = config.is_some();
        let path = config.map(Path::to_path_buf).or_else(default_config_path);
        let file = match &path {
            Some(path) => read_config(path, explicit)?,
            None => ConfigFile::default(),
        };
        let found = file.accounts.get(name).cloned();
        let from_file = found.is_some();
        let base = found.unwrap_or_default();
        let missing = |what: &str| {
            let place = match (&path, from_file) {
                (Some(path), true) => format!("account {name:?} in {}", path.display()),
                (Some(path), false) => format!(
                    "account {name:?} is not in {} and no --{what} flag was given",
                    path.display()
                ),
                (None, _) => format!("account {name:?}: no configuration file and no --{what}"),
            };
            Failure::new(format!("{place}: the {what} is missing"))
        };
        let host = flags
            .host
            .clone()
            .or(base.host)
            .ok_or_else(|| missing("host"))?;
        let user = flags
            .user
            .clone()
            .or(base.user)
            .ok_or_else(|| missing("user"))?;
        let tls = flags.tls.or(base.tls).unwrap_or_default();
        let port = flags.port.or(base.port).unwrap_or(match tls {
            TlsMode::Implicit => 993,
            TlsMode::Starttls | TlsMode::None => 143,
        });
        let oauth2_command = flags.oauth2_command.clone().or(base.oauth2_command);
        let password_command = flags.password_command.clone().or(base.password_command);
        if password_command.is_none() && oauth2_command.is_none() {
            return Err(missing("password-command"));
        }
        Ok(Account {
            name: name.to_owned(),
            host,
            port,
            tls,
            user,
            password_command,
            oauth2_command,
            ca_file: flags.ca_file.clone().or(base.ca_file),
        })
    }

    /// Connects and logs in (LOGIN, or AUTHENTICATE XOAUTH2 with a token).
    pub fn connect(&self) -> Result<Client, Failure> {
        let secret = self.secret()?;
        let at = format!("{}:{}", self.host, self.port);
        let options = ClientOptions::default();
        let connected = match self.tls {
            TlsMode::Implicit => {
                Client::connect_tls_with(&self.host, self.port, &self.tls_config()?, options)
            }
            TlsMode::Starttls => {
                Client::connect_starttls(&self.host, self.port, &self.tls_config()?, options)
            }
            TlsMode::None => Client::connect_with(&self.host, self.port, options),
        };
        let mut client = connected.map_err(|e| Failure::imap(format!("connect to {at}"), e))?;
        let login = match secret {
            Secret::Password(password) => client.login(&self.user, &password),
            Secret::Token(token) => client.authenticate(XOAuth2::new(self.user.clone(), token)),
        };
        login.map_err(|e| Failure::imap(format!("log in to {at} as {}", self.user), e))?;
        Ok(client)
    }

    fn tls_config(&self) -> Result<TlsConfig, Failure> {
        let Some(path) = &self.ca_file else {
            return Ok(TlsConfig::default());
        };
        let pem = std::fs::read(path)
            .map_err(|e| Failure::new(format!("read the CA file {}: {e}", path.display())))?;
        TlsConfig::custom_roots_pem(&pem)
            .map_err(|e| Failure::imap(format!("use the CA file {}", path.display()), e))
    }

    fn secret(&self) -> Result<Secret, Failure> {
        if let Some(command) = &self.oauth2_command {
            return run_secret_command(command, "oauth2_command").map(Secret::Token);
        }
        match &self.password_command {
            Some(command) => run_secret_command(command, "password_command").map(Secret::Password),
            None => Err(Failure::new(format!(
                "account {:?} has neither password_command nor oauth2_command",
                self.name
            ))),
        }
    }
}

fn read_config(path: &Path, explicit: bool) -> Result<ConfigFile, Failure> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return Ok(ConfigFile::default())
        }
        Err(e) => return Err(Failure::new(format!("read {}: {e}", path.display()))),
    };
    // Only the message and the position: the error's own text quotes the
    // line, which may hold a secret written where it should not be.
    toml::from_str(&text).map_err(|e| {
        let line = e.span().map_or(0, |span| {
            text.get(..span.start)
                .map_or(0, |before| before.lines().count().max(1))
        });
        Failure::new(format!("{}:{line}: {}", path.display(), e.message()))
    })
}

/// Runs `command` with `sh -c` and returns the first line it prints. Its
/// output is never shown, even when it fails: it may be the secret.
fn run_secret_command(command: &str, key: &str) -> Result<String, Failure> {
    let output = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Failure::new(format!("run the {key} {command:?}: {e}")))?;
    if !output.status.success() {
        return Err(Failure::new(format!(
            "the {key} {command:?} failed ({})",
            output.status
        )));
    }
    let text = String::from_utf8(output.stdout)
        .map_err(|_| Failure::new(format!("the {key} {command:?} printed non-UTF-8 output")))?;
    match text.lines().next() {
        Some(line) if !line.is_empty() => Ok(line.to_owned()),
        _ => Err(Failure::new(format!(
            "the {key} {command:?} printed nothing"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_never_shows_in_debug_output() {
        let secret = Secret::Password("hunter2".into());
        assert!(!format!("{secret:?}").contains("hunter2"));
    }

    #[test]
    fn the_first_line_of_the_password_command_is_the_password() {
        let password = run_secret_command("printf 'pw one\\nsecond line\\n'", "k").unwrap();
        assert_eq!(password, "pw one");
    }

    #[test]
    fn a_failing_password_command_is_reported_without_its_output() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("secret");
        std::fs::write(&file, "s3cr3t\n").unwrap();
        let command = format!("cat '{}'; exit 3", file.display());
        let error = run_secret_command(&command, "password_command").unwrap_err();
        let text = error.to_string();
        assert!(text.contains("failed"), "{text}");
        assert!(!text.contains("s3cr3t"), "{text}");
    }

    #[test]
    fn flags_override_the_file_and_the_port_follows_the_tls_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "[accounts.work]\nhost = \"a.example\"\nuser = \"al\"\ntls = \"starttls\"\n\
             password_command = \"echo x\"\n",
        )
        .unwrap();
        let account = Account::resolve("work", Some(&path), &AccountFlags::default()).unwrap();
        assert_eq!((account.host.as_str(), account.port), ("a.example", 143));
        let flags = AccountFlags {
            host: Some("b.example".into()),
            tls: Some(TlsMode::Implicit),
            ..AccountFlags::default()
        };
        let account = Account::resolve("work", Some(&path), &flags).unwrap();
        assert_eq!((account.host.as_str(), account.port), ("b.example", 993));
        assert_eq!(account.user, "al");
    }

    #[test]
    fn an_unknown_account_without_flags_names_what_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "").unwrap();
        let error = Account::resolve("nope", Some(&path), &AccountFlags::default()).unwrap_err();
        assert!(error.to_string().contains("the host is missing"), "{error}");
    }

    #[test]
    fn an_unknown_key_in_the_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[accounts.a]\npassword = \"x\"\n").unwrap();
        let error = Account::resolve("a", Some(&path), &AccountFlags::default()).unwrap_err();
        let text = error.to_string();
        assert!(text.contains("unknown field `password`"), "{text}");
        assert!(!text.contains("\"x\""), "the line is not quoted: {text}");
    }
}
