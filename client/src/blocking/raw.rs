//! The escape hatch: any command, its arguments formatted by the caller
//! (imaplib's `xatom`, and `uid(command, ...)`).

use crate::codec::encode::{self, EncodeError, Encoder};
use crate::command::{Behaviour, Command, Completed, State};
use crate::error::Error;
use crate::Data;

/// A command the spec does not describe: its name and the caller's own
/// argument text. Every untagged response that arrives while it runs is
/// handed back in its [`Completed`].
///
/// The arguments are written verbatim (CR, LF and NUL refused): the caller
/// quotes them. A typed builder is always the better choice when one exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Raw {
    name: String,
    arguments: String,
}

impl Raw {
    /// `name` (one or more atoms: `XLIST`, `UID EXPUNGE`) followed by
    /// `arguments` as written (empty for none).
    pub fn new(name: impl Into<String>, arguments: impl Into<String>) -> Self {
        Raw {
            name: name.into(),
            arguments: arguments.into(),
        }
    }

    /// The same command prefixed with `UID` (imaplib's `uid`).
    pub fn uid(name: impl AsRef<str>, arguments: impl Into<String>) -> Self {
        Raw::new(format!("UID {}", name.as_ref()), arguments)
    }
}

impl Command for Raw {
    type Output = Completed;
    const NAME: &'static str = "raw command";
    const STATES: &'static [State] = &[
        State::NotAuthenticated,
        State::Authenticated,
        State::Selected,
    ];
    const ON_OK: Option<State> = None;
    const ON_NO: Option<State> = None;
    const BEHAVIOUR: Behaviour = Behaviour::Plain;
    const CAPABILITY: Option<&'static str> = None;

    fn encode(&self, enc: &mut Encoder) -> Result<(), EncodeError> {
        let mut words = self.name.split(' ').filter(|word| !word.is_empty());
        let first = words.next().unwrap_or_default();
        enc.atom(first)?;
        for word in words {
            enc.sp();
            enc.atom(word)?;
        }
        if !self.arguments.is_empty() {
            enc.sp();
            encode::raw(enc, &self.arguments)?;
        }
        Ok(())
    }

    fn wants(_data: &Data) -> bool {
        true
    }

    fn output(done: Completed) -> Result<Self::Output, Error> {
        Ok(done)
    }
}
