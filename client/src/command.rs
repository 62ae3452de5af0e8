//! The `Command` trait every generated builder implements, and the kinds
//! the session knows: connection states, behaviours and effects.
//!
//! No command is named here: `spec/imap4rev1.toml` (and each extension's
//! file) declares which states a command is allowed in, the state it
//! enters, its behaviour, the untagged responses it collects and how its
//! output is assembled; `spec/types.toml` lists the kinds below, and the
//! generator refuses a spec that names one this module lacks.

use crate::codec::encode::{EncodeError, Encoder};
use crate::codec::parse::ParseError;
use crate::response::Status;
use crate::types::{Capability, Flag, Mailbox, SequenceSet};
use crate::{Code, Data, Error};

/// The connection states of RFC 3501 section 3.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// Connected, not yet logged in.
    NotAuthenticated,
    /// Logged in, no mailbox selected.
    Authenticated,
    /// A mailbox is selected.
    Selected,
    /// The connection is being closed.
    Logout,
}

/// What a capability changes once in force (a spec file's `[[mode]]`;
/// the generated [`MODES`](crate::MODES) lists them): turned on by the
/// server's `* ENABLED` answer to ENABLE, or, with [`replaces`](Self::replaces),
/// by a server that advertises it without the capability it replaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mode {
    /// The capability (`IMAP4rev2`, `UTF8=ACCEPT`).
    pub capability: &'static str,
    /// A server advertising [`capability`](Self::capability) without this
    /// one speaks only the mode (`IMAP4rev1` for `IMAP4rev2`).
    pub replaces: Option<&'static str>,
    /// Mailbox names and quoted strings are UTF-8 both ways.
    pub utf8: bool,
    /// RFC 6855's rules: APPEND as `UTF8 (~{n})`, no SEARCH CHARSET, only
    /// `UTF-8` for SORT and THREAD.
    pub utf8_accept: bool,
    /// Capabilities the mode includes: as good as advertised while it is
    /// in force.
    pub implies: &'static [&'static str],
}

/// What a command needs beyond request, untagged data and tagged
/// completion. The session handles each kind; specs pick one per command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Behaviour {
    /// Request, untagged data, tagged completion.
    Plain,
    /// Like `Plain`, with credentials in the arguments (LOGIN): refused
    /// before sending under `LOGINDISABLED`, or in clear over a network
    /// (the session's credential policy).
    Login,
    /// A SASL exchange: continuation requests answered by an authenticator.
    Authenticate,
    /// After the tagged OK, the transport becomes TLS; capabilities are
    /// forgotten.
    StartTls,
    /// Untagged data streams after a continuation request until `DONE`.
    Idle,
    /// An untagged BYE is expected, then the connection closes.
    Logout,
    /// After the tagged OK, both directions are compressed.
    Compress,
}

/// A command: a generated builder (`Select::new("INBOX")`) or a
/// hand-written one, sent by the session.
pub trait Command {
    /// What the command returns once the server accepted it.
    type Output;
    /// The wire name (`UID FETCH`).
    const NAME: &'static str;
    /// The states the command may be sent in.
    const STATES: &'static [State];
    /// The state entered on a tagged OK.
    const ON_OK: Option<State>;
    /// The state entered on a tagged NO (a failed SELECT leaves none
    /// selected).
    const ON_NO: Option<State>;
    /// How the session drives it.
    const BEHAVIOUR: Behaviour;
    /// The capability the server must advertise for the command itself
    /// (an extension's command).
    const CAPABILITY: Option<&'static str>;

    /// Calls `need` with every capability the server must advertise for
    /// this value: the command's own ([`CAPABILITY`](Self::CAPABILITY)),
    /// those of the extension arguments that are set
    /// (`Fetch::new(set).changed_since(n)` needs CONDSTORE), and those the
    /// arguments' values name (CONDSTORE for the `MODSEQ` search key,
    /// `THREAD=REFS` for that algorithm). A name may come more than once.
    ///
    /// A visitor rather than a list: the session asks before every send,
    /// and nothing is allocated (but for a name made from a value, such as
    /// `THREAD=<algorithm>`).
    fn each_capability(&self, need: &mut dyn FnMut(&str)) {
        if let Some(capability) = Self::CAPABILITY {
            need(capability);
        }
    }

    /// The first capability of [`each_capability`](Self::each_capability)
    /// that `advertised` says the server lacks. The session refuses to
    /// send the command when there is one.
    ///
    /// ```
    /// use typed_imap::command::Command;
    /// use typed_imap::types::SearchKey;
    /// use typed_imap::Search;
    /// let search = Search::new(SearchKey::unseen() & SearchKey::mod_seq(7u64));
    /// assert_eq!(search.missing_capability(|_| false).as_deref(), Some("CONDSTORE"));
    /// assert_eq!(search.missing_capability(|c| c == "CONDSTORE"), None);
    /// ```
    ///
    /// A need written `A|B` (STATUS `DELETED`: `IMAP4rev2|QUOTA=RES-MESSAGE`)
    /// is met by either, and reported as `A or B`.
    fn missing_capability(&self, advertised: impl Fn(&str) -> bool) -> Option<String> {
        let mut missing = None;
        self.each_capability(&mut |need| {
            if missing.is_none() && !need.split('|').any(&advertised) {
                missing = Some(need.replace('|', " or "));
            }
        });
        missing
    }

    /// The names of the untagged responses the command collects (`FETCH`):
    /// the session holds a pipelined command back while another that
    /// collects the same kind runs, unless their [`scope`](Self::scope)s
    /// tell the data apart.
    const COLLECTS: &'static [&'static str] = &[];

    /// Whether the command names messages by sequence number (FETCH, STORE,
    /// COPY ... but not their UID forms): RFC 3501 section 5.5 makes it
    /// wait for any running command that may expunge.
    const SEQUENCE_NUMBERS: bool = false;

    /// Whether the server may send EXPUNGE while the command runs: every
    /// command but FETCH, STORE and SEARCH (RFC 3501 section 7.4.1; their
    /// UID forms may get EXPUNGE).
    const MAY_EXPUNGE: bool = true;

    /// What the command's untagged data is about (its messages, its
    /// mailbox, its tag), so that data of pipelined commands of the same
    /// kind reaches the right one.
    fn scope(&self) -> Scope {
        Scope::Any
    }

    /// Writes the name and the arguments: no tag, no CRLF.
    fn encode(&self, enc: &mut Encoder) -> Result<(), EncodeError>;

    /// Whether this untagged data is part of the command's result
    /// (otherwise the session keeps it as unsolicited).
    fn wants(data: &Data) -> bool;

    /// Assembles the output from what the command collected; called only
    /// after a tagged OK.
    fn output(done: Completed) -> Result<Self::Output, Error>;
}

/// A command whose result is a list of one kind of response (FETCH's
/// messages): the session can hand the items out as they arrive
/// (`Client::stream`) instead of collecting them.
pub trait Streaming: Command {
    /// One item of the result (`Fetched`).
    type Item;

    /// The item this untagged data is, or the data back when it is another
    /// kind the command also collects (kept for its completion).
    // The `Err` side hands the caller's data back, not an error: its size
    // is that of the `Data` passed in.
    #[allow(clippy::result_large_err)]
    fn item(data: Data) -> Result<Self::Item, Data>;
}

/// What a command's untagged data is about: the session routes data of
/// pipelined commands by it (RFC 3501 section 5.5).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// Nothing tells its data apart from another command's of the same
    /// kind (LIST, SEARCH): a second such command waits.
    #[default]
    Any,
    /// These messages, by UID or by sequence number (FETCH, STORE, UID
    /// FETCH ...): a FETCH response about another message is not its own.
    Messages {
        /// Whether `set` holds UIDs.
        uid: bool,
        /// The messages.
        set: SequenceSet,
    },
    /// One mailbox (STATUS): data naming another mailbox is not its own.
    Mailbox(Mailbox),
    /// The mailboxes a LIST pattern matches (LIST, LSUB): data naming a
    /// mailbox the pattern cannot match is not its own (NOTIFY's LIST and
    /// STATUS of other mailboxes may arrive while it runs).
    Pattern {
        /// The reference name; when not empty, the server's reading of
        /// reference and pattern together is not known, and any mailbox
        /// may be its own.
        reference: Mailbox,
        /// The pattern, `*` and `%` its wildcards.
        pattern: String,
    },
    /// Data that carries the command's tag (ESEARCH's `(TAG "...")`).
    Tag,
}

/// What a piece of untagged data is about, for routing it by [`Scope`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Correlation<'a> {
    /// Nothing in it says which command it answers.
    None,
    /// A message: its sequence number, and its UID when the data has it.
    Message {
        /// The sequence number.
        seq: u32,
        /// The UID, if the response carries one.
        uid: Option<u32>,
    },
    /// A mailbox, by name.
    Mailbox(&'a Mailbox),
    /// A command's tag (`None` when the data has no correlator).
    Tag(Option<&'a [u8]>),
}

/// What a command collected by the time it completed.
#[derive(Clone, Debug)]
pub struct Completed {
    /// The status of the tagged completion.
    pub status: Status,
    /// The untagged data the command wanted, in the order received.
    pub data: Vec<Data>,
    /// The response codes of the untagged status responses received while
    /// the command ran and of its tagged completion, in order.
    pub codes: Vec<Code>,
}

/// What the session does with an untagged response or a response code,
/// declared in the spec with `effect = "..."`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Replace the known capabilities.
    Capabilities(Vec<Capability>),
    /// The selected mailbox holds this many messages.
    Exists(u32),
    /// This many messages have `\Recent`.
    Recent(u32),
    /// The message with this sequence number is gone; later ones move down.
    Expunge(u32),
    /// The flags defined in the selected mailbox.
    Flags(Vec<Flag>),
    /// The flags the client can change permanently.
    PermanentFlags(Vec<Flag>),
    /// The UID validity of the selected mailbox.
    UidValidity(u32),
    /// The next UID of the selected mailbox.
    UidNext(u32),
    /// The sequence number of the first unseen message.
    Unseen(u32),
    /// The selected mailbox is read-only.
    ReadOnly,
    /// The selected mailbox is read-write.
    ReadWrite,
    /// The status response's text is an alert the user must see.
    Alert,
    /// Messages with these UIDs are gone (QRESYNC): without `(EARLIER)`,
    /// as many messages fewer.
    Vanished(crate::types::Vanished),
    /// The server enabled these extensions (`* ENABLED`, RFC 5161); with
    /// `UTF8=ACCEPT` the session sends and reads mailbox names as UTF-8.
    Enabled(Vec<Capability>),
}

/// A required argument given with a setter was not set
/// (`Fetch::new(set)` without `.items(..)`): nothing is sent.
pub fn missing_argument(command: &'static str, argument: &'static str) -> EncodeError {
    EncodeError::Invalid {
        what: argument,
        value: String::new(),
        reason: format!("{command} needs its `{argument}` argument, which was not set"),
    }
}

/// A response the command's output needs did not come before the tagged
/// OK (`SELECT` without `* n EXISTS`): [`Error::MissingResponse`], not
/// fatal, since the exchange itself was complete and in step.
pub fn missing_response(command: &'static str, response: &'static str) -> Error {
    Error::MissingResponse {
        command: command.to_owned(),
        response: response.to_owned(),
    }
}

/// Untagged data of a downstream spec, kept raw by the runtime, did not
/// parse when the command's output was assembled. The exchange was in
/// step (the frame was whole): not fatal.
pub fn bad_response(command: &'static str, error: ParseError) -> Error {
    Error::BadResult {
        command: command.to_owned(),
        reason: format!("a response did not parse: {error}"),
    }
}

/// The most numbers [`search_numbers`] gives: what a SEARCH response could
/// list in a line of the default [`Limits::max_line`](crate::codec::parse::Limits)
/// (8 MiB, two bytes a number). An ESEARCH `ALL` is a compressed set, so
/// the bytes received do not bound it.
pub const MAX_SEARCH_NUMBERS: u64 = 4 * 1024 * 1024;

/// The numbers of an ESEARCH response's `ALL`, one by one: how SEARCH's
/// answer in IMAP4rev2 (RFC 9051 section 6.4.4) becomes the `Vec<u32>` of
/// IMAP4rev1's `* SEARCH`. None found (no `ALL`) is an empty list.
pub fn search_numbers(command: &'static str, found: crate::Esearch) -> Result<Vec<u32>, Error> {
    let Some(all) = found.data.all else {
        return Ok(Vec::new());
    };
    let bad = |reason: String| Error::BadResult {
        command: command.to_owned(),
        reason,
    };
    let mut ranges = Vec::with_capacity(all.items().len());
    let mut count: u64 = 0;
    for item in all.items() {
        let range = item
            .bounds()
            .ok_or_else(|| bad(format!("`*` in the ESEARCH ALL `{all}`: not a result")))?;
        count += u64::from(range.end() - range.start()) + 1;
        if count > MAX_SEARCH_NUMBERS {
            return Err(bad(format!(
                "the ESEARCH ALL `{all}` names more than {MAX_SEARCH_NUMBERS} numbers; \
                 ask with SearchReturn for the set itself"
            )));
        }
        ranges.push(range);
    }
    Ok(ranges.into_iter().flatten().collect())
}
