//! What the client logs through `tracing`, captured for assertions.
//!
//! ```
//! use typed_imap_tests::logs;
//!
//! let (value, logs) = logs::capture(|| {
//!     tracing::warn!("hello");
//!     7
//! });
//! assert_eq!(value, 7);
//! assert!(logs.contains("hello"));
//! ```
//!
//! One global subscriber at `TRACE` writes each event to the buffer of
//! the thread that logged it, if that thread is capturing. A subscriber
//! set per thread (`with_default`) would be simpler, but `tracing` caches
//! each call site's interest process-wide, and a test thread without a
//! subscriber can have a site cached as never enabled while another
//! thread captures: events went missing now and then.

use std::cell::RefCell;
use std::io;
use std::sync::Once;

thread_local! {
    /// This thread's capture, while one runs.
    static CAPTURED: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
}

/// Writes to the capture of the current thread, or nowhere.
struct ThisThread;

impl io::Write for ThisThread {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        CAPTURED.with(|captured| {
            if let Some(bytes) = captured.borrow_mut().as_mut() {
                bytes.extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Installs the global subscriber once per process.
fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(|| ThisThread)
            .finish();
        // Another subscriber set first (by a test of its own) would keep
        // its place; the captures would then be empty and say so.
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
}

/// Runs `f` with every event this thread logs at `TRACE` and above
/// recorded; returns its value and the log text (no colours).
pub fn capture<T>(f: impl FnOnce() -> T) -> (T, String) {
    install();
    CAPTURED.with(|captured| *captured.borrow_mut() = Some(Vec::new()));
    let value = f();
    let bytes = CAPTURED.with(|captured| captured.borrow_mut().take().unwrap_or_default());
    (value, String::from_utf8_lossy(&bytes).into_owned())
}
