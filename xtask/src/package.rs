//! `cargo xtask package`: typed-imap as a registry would hand it to a user.
//!
//! 1. `cargo package` typed-imap-codegen and typed-imap together, with
//!    verification: each is built from its `.crate` alone, typed-imap's
//!    build-dependency on the codegen resolved against the codegen package
//!    just made (no registry holds it yet).
//! 2. Unpack both `.crate` files into a temporary directory, outside the
//!    workspace, and check that the packaged `spec/` is the workspace's
//!    `spec/`, file for file (`client/spec` is a link to it).
//! 3. Beside them, write a throw-away crate that depends on them as a
//!    user's crate does (`typed-imap = "0.1.0"`, redirected to the unpacked
//!    packages by `[patch.crates-io]`), generates its own extension from its
//!    own TOML in its build script (typed-imap's vocabulary found through
//!    `DEP_TYPED_IMAP_SPEC_DIR`), and run its tests.
//!
//! Everything runs `--offline`: the workspace build before it has fetched
//! every crate these need. The packages build with cargo's default dev
//! profile (a package carries no profile), so the verification compiles
//! typed-imap's dependencies once more at opt-level 0; the throw-away crate
//! shares the target directory and reuses them, compiling only the codegen,
//! typed-imap and itself. It is removed when it passes and kept when it
//! fails.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::shell::{cargo, run_command, run_streaming, workspace_root};
use crate::TaskResult;

/// The packaged crates.
const CRATES: [&str; 2] = ["typed-imap-codegen", "typed-imap"];

/// Their version: the workspace's, which xtask shares.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `cargo xtask package` (no options).
pub fn run(args: &[String]) -> TaskResult {
    if let Some(arg) = args.first() {
        return Err(format!("unknown option {arg:?} for package").into());
    }
    check(|_| {})?;
    Ok(())
}

/// Removes cargo's unpacked copies of our crates at this version from
/// `$CARGO_HOME/registry/src`. Verifying typed-imap, cargo unpacks the
/// typed-imap-codegen it just packaged there, and it never unpacks a
/// version it already holds again: a second `cargo package` on the same
/// machine would verify typed-imap against the first run's codegen.
fn forget_unpacked_copies() -> Result<(), String> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let Some(sources) = home.map(|h| h.join("registry").join("src")) else {
        return Ok(());
    };
    let Ok(registries) = fs::read_dir(&sources) else {
        return Ok(());
    };
    for registry in registries.flatten() {
        for name in CRATES {
            let copy = registry.path().join(format!("{name}-{VERSION}"));
            if copy.exists() {
                fs::remove_dir_all(&copy)
                    .map_err(|e| format!("removing {}: {e}", copy.display()))?;
            }
        }
    }
    Ok(())
}

/// Runs the three steps, handing each line the throw-away crate's tests
/// print to `inspect`; returns how long they took.
pub fn check(inspect: impl FnMut(&str)) -> Result<Duration, String> {
    let started = Instant::now();
    let root = workspace_root();
    let target = target_dir(&root);

    forget_unpacked_copies()?;
    let mut package = cargo();
    package.args(["package", "--offline", "--allow-dirty"]);
    for name in CRATES {
        package.args(["-p", name]);
    }
    run_command(package)?;

    let outside = std::env::temp_dir().join(format!("typed-imap-outside-{}", std::process::id()));
    let kept = |error: String| format!("{error} (kept for a look: {})", outside.display());
    fresh_dir(&outside)?;
    for name in CRATES {
        let packaged = target
            .join("package")
            .join(format!("{name}-{VERSION}.crate"));
        let mut tar = Command::new("tar");
        tar.arg("-xzf").arg(packaged).arg("-C").arg(&outside);
        run_command(tar).map_err(kept)?;
    }
    let unpacked = outside.join(format!("typed-imap-{VERSION}"));
    let differences = spec_differences(
        &read_files(&root.join("spec"))?,
        &read_files(&unpacked.join("spec"))?,
    );
    if !differences.is_empty() {
        return Err(kept(format!(
            "the packaged spec/ is not the workspace's spec/ ({}): client/spec must be a link to ../spec",
            differences.join("; ")
        )));
    }
    println!("\nxtask package: the packaged spec/ is spec/, file for file");

    let user = outside.join("outside-ext");
    write_user_crate(&user)?;
    // The versions typed-imap was verified with, not the newest cached ones.
    copy(&unpacked.join("Cargo.lock"), &user.join("Cargo.lock"))?;
    let mut test = cargo();
    test.current_dir(&user)
        .args(["test", "--lib", "--offline", "--manifest-path"])
        .arg(user.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target);
    run_streaming(test, inspect).map_err(kept)?;

    fs::remove_dir_all(&outside).map_err(|e| format!("removing {}: {e}", outside.display()))?;
    Ok(started.elapsed())
}

/// Where cargo writes: `CARGO_TARGET_DIR` (relative to the workspace root,
/// where [`cargo`] runs) or `target/`.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), |dir| root.join(dir))
}

/// An empty directory at `dir`, whatever was there before.
fn fresh_dir(dir: &Path) -> Result<(), String> {
    match fs::remove_dir_all(dir) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            return Err(format!("removing {}: {error}", dir.display()))
        }
        _ => {}
    }
    fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    fs::copy(from, to)
        .map(drop)
        .map_err(|e| format!("copying {} to {}: {e}", from.display(), to.display()))
}

/// The files of a directory (not its subdirectories), name and contents,
/// in name order.
fn read_files(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, String> {
    let error = |e: std::io::Error| format!("reading {}: {e}", dir.display());
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(error)? {
        let path = entry.map_err(error)?.path();
        if path.is_file() {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let contents = fs::read(&path).map_err(error)?;
            files.push((name.into_owned(), contents));
        }
    }
    files.sort();
    Ok(files)
}

/// How the packaged spec files differ from the workspace's, one item per
/// file: missing, extra or changed. Both lists are in name order.
fn spec_differences(
    workspace: &[(String, Vec<u8>)],
    packaged: &[(String, Vec<u8>)],
) -> Vec<String> {
    fn find<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> Option<&'a [u8]> {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, contents)| contents.as_slice())
    }
    let mut differences = Vec::new();
    for (name, contents) in workspace {
        match find(packaged, name) {
            None => differences.push(format!("{name} is missing")),
            Some(packaged) if packaged != contents.as_slice() => {
                differences.push(format!("{name} differs"));
            }
            Some(_) => {}
        }
    }
    for (name, _) in packaged {
        if find(workspace, name).is_none() {
            differences.push(format!("{name} is not in spec/"));
        }
    }
    differences
}

/// Writes the throw-away crate: a user's crate with an extension of its own.
fn write_user_crate(dir: &Path) -> Result<(), String> {
    let manifest = USER_MANIFEST.replace("{version}", VERSION);
    let files = [
        ("Cargo.toml", manifest.as_str()),
        ("build.rs", USER_BUILD),
        ("spec/xbar.toml", USER_SPEC),
        ("src/lib.rs", USER_LIB),
    ];
    for (name, contents) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("creating {}: {e}", parent.display()))?;
        }
        fs::write(&path, contents).map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    Ok(())
}

const USER_MANIFEST: &str = r#"[package]
name = "outside-ext"
version = "0.0.0"
edition = "2021"
publish = false

# A workspace of its own: it stands for someone else's crate.
[workspace]

[dependencies]
typed-imap = "{version}"

[build-dependencies]
typed-imap-codegen = "{version}"

# The packages `cargo package` just made, in place of the registry's.
[patch.crates-io]
typed-imap = { path = "../typed-imap-{version}" }
typed-imap-codegen = { path = "../typed-imap-codegen-{version}" }
"#;

const USER_BUILD: &str = r#"// The vocabulary is the packaged typed-imap's own: the generator finds it
// through DEP_TYPED_IMAP_SPEC_DIR, which typed-imap's build script sets.
fn main() {
    if let Err(error) = typed_imap_codegen::Generator::new()
        .spec("spec/xbar.toml")
        .generate()
    {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}
"#;

const USER_SPEC: &str = r#"[spec]
name = "xbar"
doc = "An invented extension of a crate outside typed-imap's workspace."
rfc = "none"

[[command]]
name = "XBAR"
doc = "Asks for the weight of a mailbox."
states = ["authenticated", "selected"]
capability = "XBAR"
args = [{ name = "mailbox", type = "mailbox", doc = "The mailbox." }]
collects = ["XBAR"]
output = { all = "XBAR" }

[[response]]
name = "XBAR"
doc = "The weight of one mailbox."
struct = "Weight"
fields = [
  { name = "mailbox", type = "mailbox", doc = "The mailbox." },
  { name = "grams", type = "number", doc = "Its weight." },
]
"#;

const USER_LIB: &str = r#"//! An extension generated against the packaged typed-imap.
include!(concat!(env!("OUT_DIR"), "/commands.rs"));
include!(concat!(env!("OUT_DIR"), "/responses.rs"));
include!(concat!(env!("OUT_DIR"), "/items.rs"));
include!(concat!(env!("OUT_DIR"), "/client.rs"));

#[cfg(test)]
mod tests {
    use super::*;
    use typed_imap::codec::encode::{to_bytes, EncodeOptions, Encoder};
    use typed_imap::codec::parse::Limits;
    use typed_imap::command::Command;
    use typed_imap::response::{parse_response_as, Response};
    use typed_imap::{Bytes, Code, Data};

    #[test]
    fn the_command_is_encoded_by_the_packaged_runtime() {
        let mut encoder = Encoder::new(EncodeOptions::default());
        Xbar::new("My Mail").encode(&mut encoder).unwrap();
        assert_eq!(to_bytes(&encoder.finish()), b"XBAR \"My Mail\"\r\n");
    }

    #[test]
    fn the_response_is_parsed_from_the_runtimes_raw_data() {
        let frame = Bytes::from_static(b"* XBAR INBOX 250\r\n");
        let parsed = parse_response_as::<Data, Code>(&frame, &Limits::default());
        let Ok(Response::Data(Data::Other(raw))) = parsed else {
            panic!("expected raw data, got {parsed:?}");
        };
        let weight = xbar_data_from_raw(&raw).unwrap();
        assert_eq!((weight.mailbox.as_str(), weight.grams), ("INBOX", 250));
    }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
        list.iter()
            .map(|(name, contents)| (name.to_string(), contents.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn the_same_files_make_no_difference() {
        let spec = files(&[("imap4rev1.toml", "a"), ("types.toml", "b")]);
        assert!(spec_differences(&spec, &spec).is_empty());
    }

    #[test]
    fn a_packaged_spec_that_lacks_adds_or_changes_a_file_differs() {
        let workspace = files(&[("acl.toml", "a"), ("move.toml", "m"), ("types.toml", "t")]);
        let packaged = files(&[
            ("acl.toml", "a"),
            ("old.toml", "o"),
            ("types.toml", "stale"),
        ]);
        assert_eq!(
            spec_differences(&workspace, &packaged),
            [
                "move.toml is missing",
                "types.toml differs",
                "old.toml is not in spec/"
            ]
        );
    }
}
