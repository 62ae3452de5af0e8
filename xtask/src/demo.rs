//! `cargo xtask demo`: a throw-away Dovecot, a few sample messages, and the
//! typed client showing LIST, SELECT, SEARCH and FETCH results.

use typed_imap::blocking::{Client, ClientOptions};
use typed_imap::transport::TlsConfig;
use typed_imap::types::{Address, FetchItem, SearchKey, SequenceSet};
use typed_imap::{Fetch, List, Search, Select};
use typed_imap_tests::dovecot::Dovecot;
use typed_imap_tests::maildir::{MaildirMessage, SystemFlag};
use typed_imap_tests::messages::sample_message;

use crate::TaskResult;

/// The user whose mailbox the demo fills.
const USER: &str = "alice";
/// How many sample messages go into the INBOX.
const MESSAGES: usize = 5;

/// Runs the demo; `--serve` then keeps the server running for the CLI
/// (`cargo run -p typed-imap-cli -- -c target/demo/config.toml ...`).
pub fn run(args: &[String]) -> TaskResult {
    let serve = args.first().is_some_and(|a| a == "--serve");
    if let Some(extra) = args.get(usize::from(serve)) {
        return Err(format!("demo takes only --serve, got {extra:?}").into());
    }
    println!("typed-imap demo\n");
    let server = Dovecot::start()?;
    println!(
        "Started a private Dovecot: {} (STARTTLS) and {} (implicit TLS), files in {}",
        server.plain_addr(),
        server.tls_addr(),
        server.dir().display()
    );
    // Messages 1 and 2 are already read; every third one is from bob.
    let messages = (1..=MESSAGES).map(|n| {
        let message = MaildirMessage::new(sample_message(n, 400));
        if n <= 2 {
            message.flags(&[SystemFlag::Seen])
        } else {
            message
        }
    });
    let written = server.fill(USER, "INBOX", messages)?;
    println!("Wrote {written} sample messages into {USER}'s INBOX (Maildir files, no APPEND).\n");
    session(&server)?;
    if serve {
        keep_serving(&server)?;
    }
    server.stop()?;
    println!("\nStopped Dovecot and removed its directory.");
    Ok(())
}

fn session(server: &Dovecot) -> TaskResult {
    // The server's certificate is self-signed: trust it as a custom root,
    // with the host name still verified.
    let tls = TlsConfig::custom_roots_pem(server.certificate().cert_pem().as_bytes())?;
    println!(
        "let mut imap = Client::connect_tls_with(\"localhost\", {}, &tls, ..)?;",
        server.tls_addr().port()
    );
    let mut imap = Client::connect_tls_with(
        "localhost",
        server.tls_addr().port(),
        &tls,
        ClientOptions::default(),
    )?;
    let password = server
        .user(USER)
        .map(|user| user.password.clone())
        .ok_or("the demo user is missing")?;
    println!("imap.login(\"{USER}\", \"********\")?;");
    imap.login(USER, &password)?;

    println!("\nimap.run(List::new(\"\", \"*\"))?  ->  Vec<ListItem>");
    for item in imap.run(List::new("", "*"))? {
        let attributes: Vec<String> = item.attributes.iter().map(ToString::to_string).collect();
        println!(
            "  {:<8} delimiter {:?}  attributes [{}]",
            item.mailbox.to_string(),
            item.delimiter,
            attributes.join(" ")
        );
    }

    println!("\nimap.run(Select::new(\"INBOX\"))?  ->  Selected");
    let selected = imap.run(Select::new("INBOX"))?;
    println!(
        "  exists {}, recent {:?}, unseen {:?}, uid_validity {:?}, uid_next {:?}, read_only {}",
        selected.exists,
        selected.recent,
        selected.unseen,
        selected.uid_validity,
        selected.uid_next,
        selected.read_only
    );

    println!(
        "\nimap.run(Search::new(SearchKey::unseen() & SearchKey::from(\"bob\")))?  ->  Vec<u32>"
    );
    let found = imap.run(Search::new(SearchKey::unseen() & SearchKey::from("bob")))?;
    println!("  {found:?}");

    println!("\nimap.run(Fetch::new(SequenceSet::all()).items(FetchItem::flags() | FetchItem::envelope()))?  ->  Vec<Fetched>");
    let fetched =
        imap.run(Fetch::new(SequenceSet::all()).items(FetchItem::flags() | FetchItem::envelope()))?;
    for record in fetched {
        let flags: Vec<String> = record
            .message
            .flags
            .iter()
            .flatten()
            .map(ToString::to_string)
            .collect();
        let (from, subject) = record.message.envelope.as_ref().map_or_else(
            || (String::new(), String::new()),
            |envelope| {
                (
                    envelope.from().next().map(address).unwrap_or_default(),
                    text(envelope.subject()),
                )
            },
        );
        println!(
            "  #{} flags [{}]  from {}  subject {:?}",
            record.seq,
            flags.join(" "),
            from,
            subject
        );
    }

    println!("\nimap.logout()?;");
    imap.logout()?;
    Ok(())
}

/// `Name <mailbox@host>`, lossy where the server sent non-UTF-8 bytes.
fn address(address: Address<'_>) -> String {
    let mailbox = text(address.mailbox());
    let host = text(address.host());
    match address.name() {
        Some(name) => format!("{} <{mailbox}@{host}>", text(Some(name))),
        None => format!("<{mailbox}@{host}>"),
    }
}

fn text(bytes: Option<&[u8]>) -> String {
    bytes
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default()
}

/// Writes `target/demo/config.toml` (account `demo`, the server's
/// certificate trusted) and waits for Enter or the end of stdin.
fn keep_serving(server: &Dovecot) -> TaskResult {
    let dir = crate::shell::workspace_root().join("target").join("demo");
    std::fs::create_dir_all(&dir)?;
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, server.certificate().cert_pem())?;
    let config = dir.join("config.toml");
    let password = server
        .user(USER)
        .map(|u| u.password.clone())
        .ok_or("no demo user")?;
    let secret = dir.join("password");
    std::fs::write(&secret, format!("{password}\n"))?;
    std::fs::write(
        &config,
        format!(
            "[accounts.demo]\nhost = \"localhost\"\nport = {}\ntls = \"implicit\"\nuser = \"{USER}\"\n\
             password_command = \"cat '{}'\"\nca_file = \"{}\"\n",
            server.tls_addr().port(),
            secret.display(),
            ca.display()
        ),
    )?;
    println!(
        "\nThe server keeps running; its account for the CLI is in {}:",
        config.display()
    );
    println!("  cargo run -p typed-imap-cli -- -c target/demo/config.toml backup demo --to /tmp/demo-mail");
    println!("  cargo run -p typed-imap-cli -- -c target/demo/config.toml watch demo INBOX");
    // Enter, or the end of stdin, stops it; then the server is stopped by
    // PID and its directory removed (a kill would leave it running).
    println!("Press Enter (or close stdin) to stop it.");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(())
}
