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

use std::io;
use std::sync::{Arc, Mutex, PoisonError};

/// A log sink shared with the test.
#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Runs `f` on this thread with every event at `TRACE` and above
/// recorded; returns its value and the log text (no colours).
pub fn capture<T>(f: impl FnOnce() -> T) -> (T, String) {
    let sink = Sink::default();
    let writer = sink.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let value = tracing::subscriber::with_default(subscriber, f);
    let bytes = sink
        .0
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    (value, String::from_utf8_lossy(&bytes).into_owned())
}
