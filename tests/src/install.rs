//! Making sure the servers and tools the tests need are installed.
//!
//! When Dovecot, imap4d or openssl is missing, the harness installs it from the
//! distribution's packages if it runs as root on a machine with `apt-get`;
//! otherwise it fails with the exact command to run. Stalwart is built from
//! crates.io, which takes minutes: `.ci/run` builds it, and the harness only
//! says what to run when it is missing.

use std::fs;
use std::path::PathBuf;
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

/// The Debian packages whose files make up Cyrus. They conflict with
/// Dovecot's, so they are unpacked into a private root, never installed.
pub const CYRUS_PACKAGES: &[&str] = &["cyrus-common", "cyrus-imapd"];
/// The libraries Cyrus's binaries load, and `saslpasswd2` (sasl2-bin),
/// installed normally: none conflicts with Dovecot.
pub const CYRUS_RUNTIME_PACKAGES: &[&str] = &[
    "libical3",
    "libpcre3",
    "libxapian30",
    "libsasl2-modules",
    "libsasl2-modules-db",
    "sasl2-bin",
    "libzephyr4",
    "libclamav12",
    "libjansson4",
];
/// Where Cyrus is unpacked (under the system's temporary directory), kept
/// from one test run to the next.
pub const CYRUS_ROOT_NAME: &str = "typed-imap-cyrus-root";

/// The Debian packages whose files make up Courier's IMAP server. They
/// conflict with Dovecot's, so they are unpacked into a private root.
pub const COURIER_PACKAGES: &[&str] = &["courier-imap", "courier-base", "courier-authlib"];
/// The libraries Courier's binaries load from the system, installed
/// normally: none conflicts with Dovecot.
pub const COURIER_RUNTIME_PACKAGES: &[&str] =
    &["libcourier-unicode4", "libgamin0", "libidn12", "libgdbm6"];
/// The files of [`COURIER_RUNTIME_PACKAGES`] whose presence is checked.
const COURIER_RUNTIME_LIBRARIES: &[&str] = &[
    "/usr/lib/x86_64-linux-gnu/libcourier-unicode.so.4",
    "/usr/lib/x86_64-linux-gnu/libfam.so.0",
    "/usr/lib/x86_64-linux-gnu/libidn.so.12",
    "/usr/lib/x86_64-linux-gnu/libgdbm.so.6",
];
/// Where Courier is unpacked (under the system's temporary directory).
pub const COURIER_ROOT_NAME: &str = "typed-imap-courier-root";

/// GNU Mailutils' IMAP server.
pub const IMAP4D: &str = "/usr/sbin/imap4d";
/// The Debian package that provides [`IMAP4D`] (it conflicts with nothing).
pub const MAILUTILS_PACKAGES: &[&str] = &["mailutils-imap4d"];

/// The crates.io package of the Stalwart server the tests run.
pub const STALWART_CRATE: &str = "stalwart-lite";
/// Its version, pinned: the tests assert what this version sends.
pub const STALWART_VERSION: &str = "0.16.0";
/// Where `cargo install --root` puts Stalwart (under the system's temporary
/// directory); the binary is `ROOT/bin/stalwart`.
pub const STALWART_ROOT_NAME: &str = "typed-imap-stalwart-root";
/// The release profile of the Stalwart build: no LTO and little
/// optimisation halve the build time (about 11 minutes on 2 cores) and the
/// server is still fast enough for tests.
pub const STALWART_PROFILE: &[(&str, &str)] = &[
    ("CARGO_PROFILE_RELEASE_LTO", "off"),
    ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16"),
    ("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1"),
    ("CARGO_PROFILE_RELEASE_DEBUG", "0"),
];

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

/// Ensures GNU Mailutils' imap4d is present, installing it if possible.
pub fn ensure_mailutils() -> Result<()> {
    ensure(
        "GNU Mailutils imap4d",
        &|| exists(IMAP4D),
        MAILUTILS_PACKAGES,
    )
}

/// Ensures Cyrus is unpacked in its private root and its runtime is
/// installed; returns the root (`ROOT/usr/lib/cyrus/bin/master` ...).
pub fn ensure_cyrus() -> Result<PathBuf> {
    ensure(
        "saslpasswd2 and Cyrus's libraries",
        &|| on_path("saslpasswd2") && exists("/usr/lib/x86_64-linux-gnu/libical.so.3"),
        CYRUS_RUNTIME_PACKAGES,
    )?;
    unpack(
        "Cyrus",
        CYRUS_ROOT_NAME,
        CYRUS_PACKAGES,
        "usr/lib/cyrus/bin/master",
    )
}

/// Ensures Courier is unpacked in its private root and its runtime is
/// installed; returns the root (`ROOT/usr/bin/imapd` ...). Its own
/// libraries are in `ROOT/usr/lib`, to be put on `LD_LIBRARY_PATH`.
pub fn ensure_courier() -> Result<PathBuf> {
    ensure(
        "Courier's libraries",
        &|| COURIER_RUNTIME_LIBRARIES.iter().all(|lib| exists(lib)),
        COURIER_RUNTIME_PACKAGES,
    )?;
    unpack(
        "Courier",
        COURIER_ROOT_NAME,
        COURIER_PACKAGES,
        "usr/bin/imapd",
    )
}

/// The Stalwart binary, built by `.ci/run` (or by the command
/// [`stalwart_build_command`] gives) into [`STALWART_ROOT_NAME`]. Building
/// takes about 11 minutes, too long for a test to start on its own: when
/// the binary is missing this fails with the exact command to run.
pub fn ensure_stalwart() -> Result<PathBuf> {
    let root = std::env::temp_dir().join(STALWART_ROOT_NAME);
    let binary = root.join("bin/stalwart");
    if binary.is_file() {
        return Ok(binary);
    }
    Err(HarnessError::Missing {
        program: format!("Stalwart ({} at {})", STALWART_CRATE, binary.display()),
        hint: format!(
            "build it (about 11 minutes on 2 cores, 2 GB of target directory) with \
             `bash .ci/run`, or run: {}",
            stalwart_build_command(&root)
        ),
    })
}

/// The shell command that builds Stalwart into `root`, as `.ci/run` runs it.
pub fn stalwart_build_command(root: &std::path::Path) -> String {
    let profile: Vec<String> = STALWART_PROFILE
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    format!(
        "{} cargo install {STALWART_CRATE} --version {STALWART_VERSION} --locked \
         --no-default-features --features \"sqlite enterprise\" --root {}",
        profile.join(" "),
        root.display()
    )
}

/// Unpacks `packages` into `ROOT_NAME` under the system's temporary
/// directory, unless `marker` (a file of theirs) is already there.
fn unpack(program: &str, root_name: &str, packages: &[&str], marker: &str) -> Result<PathBuf> {
    let root = std::env::temp_dir().join(root_name);
    let marker = root.join(marker);
    if marker.is_file() {
        return Ok(root);
    }
    let _guard = INSTALL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if marker.is_file() {
        return Ok(root);
    }
    if !on_path("apt-get") || !on_path("dpkg-deb") {
        return Err(HarnessError::Missing {
            program: program.into(),
            hint: format!(
                "unpack it: apt-get download {0} && for d in *.deb; do dpkg-deb -x $d {1}; done",
                packages.join(" "),
                root.display()
            ),
        });
    }
    eprintln!(
        "typed-imap-tests: unpacking {program} into {}",
        root.display()
    );
    // Unpacked beside the root, then renamed: a run that stops half-way
    // leaves no half root behind.
    let staging = tempfile::Builder::new()
        .prefix(&format!("{root_name}-staging-"))
        .tempdir()
        .map_err(|e| HarnessError::io("create a staging directory", e))?;
    let downloads = staging.path().join("debs");
    let unpacked = staging.path().join("root");
    fs::create_dir_all(&downloads)
        .map_err(|e| HarnessError::io(format!("create {}", downloads.display()), e))?;
    let download = || {
        run(Command::new("apt-get")
            .arg("download")
            .args(packages)
            .current_dir(&downloads))
    };
    if download().is_err() {
        // Package lists may be missing on a fresh machine.
        run(Command::new("apt-get").arg("update"))?;
        download()?;
    }
    let debs = fs::read_dir(&downloads)
        .map_err(|e| HarnessError::io(format!("list {}", downloads.display()), e))?;
    for deb in debs.flatten() {
        run(Command::new("dpkg-deb")
            .arg("-x")
            .arg(deb.path())
            .arg(&unpacked))?;
    }
    match fs::rename(&unpacked, &root) {
        Ok(()) => {}
        // Another test process unpacked it first.
        Err(_) if marker.is_file() => {}
        Err(e) => return Err(HarnessError::io(format!("rename to {}", root.display()), e)),
    }
    Ok(root)
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
