//! `typed-imap`: back up, search, fetch and watch a mailbox from the command
//! line, built on typed-imap's public API only.
#![forbid(unsafe_code)]

mod account;
mod backup;
mod commands;
mod maildir;
mod mbox;
mod output;
mod query;
mod state;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use account::AccountFlags;

/// Back up, sync, search and watch IMAP mailboxes.
///
/// Accounts come from ~/.config/typed-imap/config.toml (its format is at
/// the end of this help) or from the --host/--user/... flags for one-off use.
#[derive(Debug, Parser)]
#[command(name = "typed-imap", version, after_help = account::CONFIG_HELP)]
pub struct Cli {
    /// The configuration file [default: $TYPED_IMAP_CONFIG, else
    /// $XDG_CONFIG_HOME/typed-imap/config.toml, else
    /// ~/.config/typed-imap/config.toml]
    #[arg(long, short = 'c', global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Machine-readable output: JSON (one object per line), no progress bars.
    #[arg(long, global = true)]
    pub json: bool,
    /// No progress bars (they are off anyway when stderr is not a terminal).
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    #[command(flatten)]
    pub account: AccountFlags,
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Pull mailboxes into a Maildir (or mbox), incrementally.
    Backup(BackupArgs),
    /// List the account's mailboxes with their message counts.
    #[command(after_help = "With --json, one line per selectable mailbox: \
                            {\"mailbox\", \"messages\", \"unseen\"}.")]
    Ls {
        /// The account (a name in the configuration file).
        account: String,
    },
    /// Search a mailbox; prints one line per message found.
    #[command(after_help = query::QUERY_HELP)]
    Search {
        /// The account (a name in the configuration file).
        account: String,
        /// The mailbox to search.
        mailbox: String,
        /// The query (words are joined with spaces); see below.
        #[arg(required = true, num_args = 1.., allow_hyphen_values = true, trailing_var_arg = true)]
        query: Vec<String>,
    },
    /// Write one message (by UID) to stdout, byte for byte.
    Fetch {
        /// The account (a name in the configuration file).
        account: String,
        /// The mailbox holding the message.
        mailbox: String,
        /// The message's UID.
        uid: u32,
    },
    /// Wait for new messages (IDLE) and print one line for each.
    #[command(
        after_help = "With --json, one line per new message: {\"uid\", \"date\", \
                            \"from\", \"subject\", \"flags\", \"size\"}, as search prints."
    )]
    Watch {
        /// The account (a name in the configuration file).
        account: String,
        /// The mailbox to watch.
        #[arg(default_value = "INBOX")]
        mailbox: String,
    },
}

/// The local format of a backup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One file per message, flags in its name (cur/, new/, tmp/).
    Maildir,
    /// One mboxrd file per mailbox, messages appended (flags not kept).
    Mbox,
}

/// When written data is flushed to the disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Fsync {
    /// fsync each message before it is renamed into place, and each state
    /// file (mbsync's default `FSync yes`): nothing is lost on power failure.
    Always,
    /// Leave flushing to the kernel: still safe against a killed process
    /// (kill -9), not against a power failure.
    Never,
}

/// `typed-imap backup`'s arguments.
#[derive(Debug, Args)]
#[command(after_help = backup::BACKUP_HELP)]
pub struct BackupArgs {
    /// The account (a name in the configuration file).
    pub account: String,
    /// The mailboxes to back up [default: every selectable mailbox].
    pub mailboxes: Vec<String>,
    /// The directory to back up into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,
    /// The local format.
    #[arg(long, value_enum, default_value_t = Format::Maildir)]
    pub format: Format,
    /// Also remove local copies of messages expunged on the server (Maildir
    /// only); by default a backup is an archive and keeps them.
    #[arg(long)]
    pub mirror: bool,
    /// With --mirror: flags changed locally (a renamed Maildir file) are
    /// stored on the server, where the server's copy did not change since
    /// the last run (needs CONDSTORE).
    #[arg(long, requires = "mirror")]
    pub push_flags: bool,
    /// When data reaches the disk.
    #[arg(long, value_enum, default_value_t = Fsync::Always)]
    pub fsync: Fsync,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("typed-imap: {error}");
            ExitCode::FAILURE
        }
    }
}
