//! The data item of STORE (RFC 3501 section 6.4.6).

use std::fmt;

use super::Flag;

/// How STORE changes the flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StoreMode {
    /// `FLAGS`: replace the flags with these.
    Replace,
    /// `+FLAGS`: add these flags.
    Add,
    /// `-FLAGS`: remove these flags.
    Remove,
}

/// What STORE does: `+FLAGS (\Seen)`, `-FLAGS.SILENT (\Deleted)`, ...
///
/// ```text
/// store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP
///                   (flag-list / (flag *(SP flag)))
/// ```
///
/// ```
/// use typed_imap::types::{Flag, StoreAction};
/// let action = StoreAction::add([Flag::Seen]).silent();
/// assert_eq!(action.to_string(), "+FLAGS.SILENT (\\Seen)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StoreAction {
    /// Replace, add or remove.
    pub mode: StoreMode,
    /// `.SILENT`: the server need not send the new flags back.
    pub silent: bool,
    /// The flags.
    pub flags: Vec<Flag>,
}

impl StoreAction {
    /// `FLAGS (...)`: replace the flags.
    pub fn replace(flags: impl IntoIterator<Item = Flag>) -> Self {
        StoreAction::with_mode(StoreMode::Replace, flags)
    }

    /// `+FLAGS (...)`: add flags.
    pub fn add(flags: impl IntoIterator<Item = Flag>) -> Self {
        StoreAction::with_mode(StoreMode::Add, flags)
    }

    /// `-FLAGS (...)`: remove flags.
    pub fn remove(flags: impl IntoIterator<Item = Flag>) -> Self {
        StoreAction::with_mode(StoreMode::Remove, flags)
    }

    fn with_mode(mode: StoreMode, flags: impl IntoIterator<Item = Flag>) -> Self {
        StoreAction {
            mode,
            silent: false,
            flags: flags.into_iter().collect(),
        }
    }

    /// The same action with `.SILENT`.
    pub fn silent(mut self) -> Self {
        self.silent = true;
        self
    }

    /// The data item name: `+FLAGS.SILENT` and the like.
    pub fn item_name(&self) -> &'static str {
        match (self.mode, self.silent) {
            (StoreMode::Replace, false) => "FLAGS",
            (StoreMode::Replace, true) => "FLAGS.SILENT",
            (StoreMode::Add, false) => "+FLAGS",
            (StoreMode::Add, true) => "+FLAGS.SILENT",
            (StoreMode::Remove, false) => "-FLAGS",
            (StoreMode::Remove, true) => "-FLAGS.SILENT",
        }
    }
}

impl fmt::Display for StoreAction {
    /// The wire form (flags shown as they are, unchecked).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (", self.item_name())?;
        for (i, flag) in self.flags.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{flag}")?;
        }
        f.write_str(")")
    }
}
