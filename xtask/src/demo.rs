//! `cargo xtask demo`: a throw-away Dovecot, a few sample messages, and an
//! IMAP session against them.
//!
//! The typed client is not in this build yet, so the demo shows the raw
//! session the client will drive, and says so.

use typed_imap_tests::dovecot::Dovecot;
use typed_imap_tests::maildir::{MaildirMessage, SystemFlag};
use typed_imap_tests::messages::sample_message;
use typed_imap_tests::raw::RawSession;

use crate::TaskResult;

/// The user whose mailbox the demo fills.
const USER: &str = "alice";
/// How many sample messages go into the INBOX.
const MESSAGES: usize = 5;
/// Longest server line printed in full.
const SHOWN: usize = 160;

/// Runs the demo.
pub fn run(args: &[String]) -> TaskResult {
    if let Some(extra) = args.first() {
        return Err(format!("demo takes no options, got {extra:?}").into());
    }
    println!("typed-imap demo\n");
    let server = Dovecot::start()?;
    println!(
        "Started a private Dovecot: {} (STARTTLS) and {} (implicit TLS), files in {}",
        server.plain_addr(),
        server.tls_addr(),
        server.dir().display()
    );
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
    println!(
        "The typed client (typed_imap::Client) is not in this build yet: below is the raw\n\
         IMAP session it will drive, over implicit TLS verified against the server's\n\
         self-signed certificate (trusted as a custom root).\n"
    );
    session(&server)?;
    server.stop()?;
    println!("\nStopped Dovecot and removed its directory.");
    Ok(())
}

fn session(server: &Dovecot) -> TaskResult {
    let config = server.certificate().client_config()?;
    let (mut session, greeting) = RawSession::connect_tls(server.tls_addr(), config, "localhost")?;
    show_server(greeting.as_bytes());
    let password = server
        .user(USER)
        .map(|user| user.password.clone())
        .ok_or("the demo user is missing")?;
    exchange(
        &mut session,
        &format!("LOGIN {USER} \"{password}\""),
        &format!("LOGIN {USER} \"********\""),
    )?;
    for command in [
        "LIST \"\" \"*\"",
        "SELECT INBOX",
        "SEARCH UNSEEN FROM bob",
        "FETCH 1:* (FLAGS ENVELOPE)",
        "LOGOUT",
    ] {
        exchange(&mut session, command, command)?;
    }
    Ok(())
}

/// Sends one command and prints both sides (`shown` hides secrets).
fn exchange(session: &mut RawSession, command: &str, shown: &str) -> TaskResult {
    println!("C: {shown}");
    let reply = session.command(command)?;
    for line in &reply.untagged {
        show_server(line);
    }
    show_server(reply.completion.as_bytes());
    if reply.is_ok() {
        Ok(())
    } else {
        Err(format!("{shown}: the server answered {}", reply.completion).into())
    }
}

/// Prints a server line, shortened, with control characters escaped.
fn show_server(line: &[u8]) {
    let text = String::from_utf8_lossy(line);
    let mut shown = String::new();
    for c in text.chars().take(SHOWN) {
        if c.is_control() {
            shown.extend(c.escape_default());
        } else {
            shown.push(c);
        }
    }
    if text.chars().count() > SHOWN {
        shown.push_str(" ...");
    }
    println!("S: {shown}");
}
