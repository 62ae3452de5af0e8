//! Making sure the servers and tools the tests need are installed.
//!
//! When Dovecot or openssl is missing, the harness installs it from the
//! distribution's packages if it runs as root on a machine with `apt-get`;
//! otherwise it fails with the exact command to run.

use std::process::Command;
use std::sync::Mutex;

use crate::process::{exists, is_root, on_path, run};
use crate::{HarnessError, Result};

/// The Dovecot master binary.
pub const DOVECOT: &str = "/usr/sbin/dovecot";
/// Dovecot's IMAP process, which speaks IMAP on stdin/stdout when run alone.
pub const DOVECOT_IMAP: &str = "/usr/lib/dovecot/imap";
/// The Debian packages that provide [`DOVECOT`] and [`DOVECOT_IMAP`].
pub const DOVECOT_PACKAGES: &[&str] = &["dovecot-core", "dovecot-imapd"];

/// Serialises installs: tests run on several threads and apt holds a lock.
static INSTALL: Mutex<()> = Mutex::new(());

/// Ensures Dovecot's binaries are present, installing them if possible.
pub fn ensure_dovecot() -> Result<()> {
    ensure(
        "Dovecot",
        &|| exists(DOVECOT) && exists(DOVECOT_IMAP),
        DOVECOT_PACKAGES,
    )
}

/// Ensures the `openssl` command is present, installing it if possible.
pub fn ensure_openssl() -> Result<()> {
    ensure("openssl", &|| on_path("openssl"), &["openssl"])
}

fn ensure(program: &str, present: &dyn Fn() -> bool, packages: &[&str]) -> Result<()> {
    if present() {
        return Ok(());
    }
    // A poisoned lock only means another test panicked; installing is still safe.
    let _guard = INSTALL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if present() {
        return Ok(());
    }
    let command = format!(
        "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y {}",
        packages.join(" ")
    );
    if !is_root() || !on_path("apt-get") {
        return Err(HarnessError::Missing {
            program: program.to_owned(),
            hint: format!("run as root: {command}"),
        });
    }
    eprintln!("typed-imap-tests: {program} is missing, running: {command}");
    run(Command::new("apt-get")
        .arg("update")
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    if present() {
        Ok(())
    } else {
        Err(HarnessError::Missing {
            program: program.to_owned(),
            hint: format!("`{command}` ran but the program is still missing"),
        })
    }
}
