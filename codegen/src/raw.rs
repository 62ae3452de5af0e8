//! The spec files as they are written: serde structs mirroring the TOML,
//! unknown keys refused, positions kept where an error may point.

use serde::Deserialize;
use toml::Spanned;

/// A string with its byte range in the file.
pub(crate) type Str = Spanned<String>;

/// `types.toml`: the grammar vocabulary and what the runtime knows by kind.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TypesFile {
    /// Paths of the runtime items every generated file refers to.
    pub runtime: Runtime,
    #[serde(default, rename = "state")]
    pub states: Vec<Kind>,
    #[serde(default, rename = "behaviour")]
    pub behaviours: Vec<Kind>,
    #[serde(default, rename = "effect")]
    pub effects: Vec<EffectKind>,
    #[serde(default, rename = "type")]
    pub types: Vec<GrammarType>,
}

/// `[runtime]`: paths relative to the runtime root.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Runtime {
    pub encoder: Str,
    pub encode_error: Str,
    pub parser: Str,
    pub parse_error: Str,
    pub limits: Str,
    pub command: Str,
    pub state: Str,
    pub behaviour: Str,
    pub effect: Str,
    pub completed: Str,
    pub error: Str,
    pub data: Str,
    pub code: Str,
    pub raw_data: Str,
    pub raw_code: Str,
    pub raw_value: Str,
    pub parse_data: Str,
    pub parse_code: Str,
    pub bytes: Str,
    pub client: Str,
    pub search_key: Str,
    pub search_key_new: Str,
    pub fetch_item: Str,
    pub fetch_item_new: Str,
    pub fetch_item_section: Str,
    pub fetch_item_args: Str,
    pub fetch_item_modifiers: Str,
    pub fetch_section: Str,
    pub fetch_items: Str,
    pub message: Str,
    pub fetch_macro: Str,
    pub status_item: Str,
    pub status_item_new: Str,
    pub sort_key: Str,
    pub sort_key_new: Str,
    pub missing_argument: Str,
    pub missing_response: Str,
    pub bad_response: Str,
    pub scope: Str,
    pub correlation: Str,
    pub streaming: Str,
    /// An async client the generated methods are also added to (`async fn`,
    /// `&self`), inside `#[cfg(feature = ...)]` of `async_client_feature`:
    /// typed-imap's own only.
    pub async_client: Option<Str>,
    pub async_client_feature: Option<String>,
    /// The runtime's description of a mode (`[[mode]]`): typed-imap's own.
    pub mode: Option<Str>,
}

/// `[[state]]` or `[[behaviour]]`: a kind the runtime knows.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Kind {
    pub name: Str,
    pub doc: String,
}

/// `[[effect]]`: something the session does with a response or code.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EffectKind {
    pub name: Str,
    /// For readers of types.toml only.
    #[serde(rename = "doc")]
    pub _doc: String,
    /// Whether the effect carries the response's value.
    #[serde(default)]
    pub value: bool,
}

/// `[[type]]`: one grammar type.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GrammarType {
    pub name: Str,
    /// For readers of types.toml only.
    #[serde(rename = "doc")]
    pub _doc: String,
    /// Rust type a builder stores for an argument of this type.
    pub arg: Option<Str>,
    /// Function that encodes it: `fn(&mut Encoder, &Arg) -> Result<(), EncodeError>`.
    pub encode: Option<Str>,
    /// Function turning the argument into a search-key argument.
    pub search_arg: Option<Str>,
    /// Function reporting the capabilities a value needs:
    /// `fn(&Arg, &mut dyn FnMut(&str))` (search keys, fetch and status
    /// items of extensions).
    pub capabilities: Option<Str>,
    /// For a type whose value is an atom: `fn(&Arg) -> &str`, the atom, so
    /// that a capability can name the value (`THREAD={value}`).
    pub atom: Option<Str>,
    /// Rust type of the parsed value.
    pub parsed: Option<Str>,
    /// Function that parses it: `fn(&mut Parser<'_>) -> Result<Parsed, ParseError>`.
    pub parse: Option<Str>,
    /// The parse function takes its own leading SP (lists that may be empty).
    #[serde(default)]
    pub own_sp: bool,
    /// Parsed by generated code: `fetch-attributes` or `status-attributes`.
    pub generated: Option<Str>,
    /// Parsed values are stored boxed (`Box<T>`): a large value would
    /// otherwise make every response, whatever its kind, that large. Only
    /// with `generated = "fetch-attributes"`.
    pub boxed: Option<Spanned<bool>>,
}

/// A protocol spec file (`imap4rev1.toml`, an extension).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SpecFile {
    pub spec: SpecHeader,
    #[serde(default, rename = "command")]
    pub commands: Vec<Command>,
    #[serde(default, rename = "response")]
    pub responses: Vec<Response>,
    #[serde(default, rename = "code")]
    pub codes: Vec<Code>,
    #[serde(default, rename = "search_key")]
    pub search_keys: Vec<SearchKey>,
    #[serde(default, rename = "fetch_att")]
    pub fetch_atts: Vec<FetchAtt>,
    #[serde(default, rename = "status_att")]
    pub status_atts: Vec<StatusAtt>,
    #[serde(default, rename = "mailbox_attribute")]
    pub mailbox_attributes: Vec<MailboxAttribute>,
    #[serde(default, rename = "sort_key")]
    pub sort_keys: Vec<SortKey>,
    #[serde(default, rename = "mode")]
    pub modes: Vec<Mode>,
    /// Grammar types of this extension, with runtime functions of the
    /// crate being generated (`crate::...`) or of typed-imap.
    #[serde(default, rename = "type")]
    pub types: Vec<GrammarType>,
    #[serde(default, rename = "extend")]
    pub extends: Vec<Spanned<Extend>>,
}

/// `[spec]`: what the file describes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SpecHeader {
    /// Short name, used for generated extension trait names (`imap4rev1`).
    pub name: Str,
    pub doc: String,
    /// The RFC(s) the file follows.
    pub rfc: String,
}

/// `[[command]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Command {
    pub name: Str,
    /// Builder name, for a second builder of the same wire name.
    pub rust_name: Option<Str>,
    pub doc: String,
    pub states: Spanned<Vec<Str>>,
    pub on_ok: Option<Str>,
    pub on_no: Option<Str>,
    pub behaviour: Option<Str>,
    pub capability: Option<String>,
    #[serde(default)]
    pub uid_variant: bool,
    /// The client method: `false` for none (the runtime has its own), or
    /// its name when the builder's snake_case makes a poor one.
    pub method: Option<Spanned<Method>>,
    #[serde(default)]
    pub args: Vec<Arg>,
    #[serde(default)]
    pub collects: Vec<Str>,
    pub output: Option<Output>,
    /// What its untagged data is about, for routing the data of pipelined
    /// commands.
    pub scope: Option<Spanned<Scope>>,
    /// `false`: the server sends no EXPUNGE while it runs (RFC 3501 section
    /// 7.4.1: FETCH, STORE, SEARCH; never their UID variants).
    pub sends_expunge: Option<bool>,
}

/// `scope`: one of its keys.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Scope {
    /// The `sequence-set` argument naming its messages (UIDs in the UID
    /// variant).
    pub messages: Option<Str>,
    /// The `mailbox` argument naming its mailbox.
    pub mailbox: Option<Str>,
    /// The `list-mailbox` argument of its LIST pattern, with `reference`.
    pub pattern: Option<Str>,
    /// The `mailbox` argument of the reference its pattern is read in.
    pub reference: Option<Str>,
    /// Its data carry its tag (ESEARCH's `(TAG "...")`).
    pub tag: Option<bool>,
}

/// `method = false` or `method = "move_to"`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum Method {
    Generated(bool),
    Named(String),
}

/// One argument of a command.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Arg {
    pub name: Str,
    /// Absent for a switch (its `prefix` alone) and a group.
    #[serde(rename = "type")]
    pub ty: Option<Str>,
    pub doc: String,
    /// A parenthesised list of the arguments that name it in `in`.
    #[serde(default)]
    pub group: bool,
    /// The group argument this one is written inside.
    #[serde(rename = "in")]
    pub group_of: Option<Str>,
    /// In `[[extend]]`: the argument this one follows.
    pub after: Option<Str>,
    /// May be left out on the wire; set with a setter.
    #[serde(default)]
    pub optional: bool,
    /// Required, but given with a setter rather than to `new`.
    #[serde(default)]
    pub setter: bool,
    /// Tokens written before the value (`CHARSET`).
    pub prefix: Option<String>,
    /// Further setters that build this argument from other values.
    #[serde(default)]
    pub setters: Vec<Setter>,
    /// The capability the argument needs when given; `{value}` stands for
    /// the value's atom (`THREAD={value}`).
    pub capability: Option<Str>,
}

/// A named setter: `add_flags(flags)` sets `action` to `StoreAction::add_flags(flags)`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Setter {
    pub name: Str,
    pub doc: String,
    /// Runtime function building the argument from the parameters.
    pub call: Str,
    #[serde(default)]
    pub params: Vec<Param>,
}

/// A parameter of a setter or search key.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Param {
    pub name: Str,
    #[serde(rename = "type")]
    pub ty: Str,
}

/// What a command returns, assembled from what it collected.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Output {
    /// A struct of that name with `fields`.
    #[serde(rename = "struct")]
    pub name: Option<Str>,
    pub doc: Option<String>,
    #[serde(default)]
    pub fields: Vec<OutputField>,
    /// Every value of that response, as a `Vec`.
    pub all: Option<Str>,
    /// Exactly one value of that response (the last one received).
    pub one: Option<Str>,
    /// With `all`: concatenate the values (each one is a list).
    #[serde(default)]
    pub flatten: bool,
    /// With `one`: the value's default when the response did not come.
    #[serde(default)]
    pub or_default: bool,
}

/// A field of an output struct.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OutputField {
    pub name: Str,
    pub doc: String,
    /// A response name, or `code:NAME` for a response code.
    pub from: Str,
    /// Missing is an error (else the field is an `Option`).
    #[serde(default)]
    pub required: bool,
    /// Every value, as a `Vec` (else the last one).
    #[serde(default)]
    pub all: bool,
}

/// `values` of an `[[extend]]`: a response whose values join an `all`
/// output, through `via`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OutputValues {
    /// The response (one the command collects).
    pub from: Str,
    /// A runtime function `fn(&'static str, T) -> Result<U, Error>`: the
    /// command's wire name and the response's value, to the output's
    /// element (`Vec` of them with `flatten`).
    pub via: Str,
}

/// `[[extend]]`: an extension's additions to a command or a response
/// declared in any spec file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Extend {
    /// A command's wire name (or `rust_name`); with its UID variant.
    pub command: Option<Str>,
    /// A response's name.
    pub response: Option<Str>,
    /// The capability a server advertises when it accepts the additions.
    pub capability: Option<String>,
    /// Optional arguments, each placed `after` an existing one.
    #[serde(default)]
    pub args: Vec<Arg>,
    /// More untagged responses the command collects.
    #[serde(default)]
    pub collects: Vec<Str>,
    /// Fields added: to the command's output struct, or to the response.
    #[serde(default)]
    pub output: Vec<OutputField>,
    /// More values of an `all` output: another response collected, each
    /// value turned into the output's by a runtime function.
    #[serde(default)]
    pub values: Vec<OutputValues>,
    /// Optional fields added at the end of the response.
    #[serde(default)]
    pub fields: Vec<Field>,
    /// For a response of one field and no struct: the struct its value
    /// becomes (commands keep getting the one field).
    #[serde(rename = "struct")]
    pub struct_name: Option<Str>,
}

/// `[[response]]`: untagged data.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Response {
    pub name: Str,
    pub doc: String,
    /// Rust variant name, when the wire name makes a poor one.
    pub rust_name: Option<Str>,
    /// `* n NAME`: the field that receives the number.
    pub number: Option<Str>,
    /// The struct holding the fields, when there are several.
    #[serde(rename = "struct")]
    pub struct_name: Option<Str>,
    #[serde(default)]
    pub fields: Vec<Field>,
    pub effect: Option<Str>,
    /// What the response is about, for routing it to the pipelined command
    /// it answers.
    pub correlation: Option<Spanned<Correlation>>,
}

/// `correlation`: `message` (with `uid`), `mailbox` or `tag`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Correlation {
    /// The field holding the message's sequence number.
    pub message: Option<Str>,
    /// With `message`: the path to its UID, an `Option<u32>`
    /// (`message.uid`).
    pub uid: Option<Str>,
    /// The field holding the mailbox it is about.
    pub mailbox: Option<Str>,
    /// The field holding the tag it answers, an `Option<Bytes>`.
    pub tag: Option<Str>,
}

/// `[[code]]`: a response code.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Code {
    pub name: Str,
    pub doc: String,
    /// Rust variant name, when the wire name makes a poor one.
    pub rust_name: Option<Str>,
    #[serde(rename = "struct")]
    pub struct_name: Option<Str>,
    #[serde(default)]
    pub fields: Vec<Field>,
    pub effect: Option<Str>,
}

/// A field of a response or code, parsed after an SP.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Field {
    pub name: Str,
    #[serde(rename = "type")]
    pub ty: Str,
    pub doc: String,
    /// A parenthesised list of the type.
    #[serde(default)]
    pub list: bool,
    /// May be absent (nothing follows).
    #[serde(default)]
    pub optional: bool,
    /// May be `NIL` instead of a value.
    #[serde(default)]
    pub nil: bool,
}

/// `[[search_key]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SearchKey {
    pub name: Str,
    pub doc: String,
    /// Rust name of the constructor, when the wire name makes a poor one.
    pub rust_name: Option<Str>,
    #[serde(default)]
    pub args: Vec<Param>,
    /// Built by the runtime's nesting (AND, OR, NOT): no constructor.
    #[serde(default)]
    pub composite: bool,
    /// The capability a server must advertise for the key.
    pub capability: Option<String>,
}

/// `[[fetch_att]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FetchAtt {
    pub name: Str,
    pub doc: String,
    pub rust_name: Option<Str>,
    /// A macro (ALL, FAST, FULL): request only.
    #[serde(default, rename = "macro")]
    pub is_macro: bool,
    /// `NAME[section]<partial>`: the grammar type of the section read after the name.
    pub section: Option<Str>,
    /// `NAME arg ...`: arguments of the request, of types with `search_arg`.
    #[serde(default)]
    pub args: Vec<Param>,
    /// `NAME (MOD ...)`: fixed modifiers of a request-only attribute
    /// (RFC 8970's `PREVIEW (LAZY)`).
    #[serde(default)]
    pub modifiers: Vec<Str>,
    /// Grammar type of the value in a FETCH response; none for request-only items.
    #[serde(rename = "type")]
    pub ty: Option<Str>,
    /// The value may be `NIL`.
    #[serde(default)]
    pub nil: bool,
    /// The capability a server must advertise for the attribute.
    pub capability: Option<String>,
}

/// `[[mailbox_attribute]]`: an attribute of LIST responses (`\HasChildren`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MailboxAttribute {
    /// The name with its backslash, as servers send it.
    pub name: Str,
    pub doc: String,
    /// The variant's name, when the wire name makes a poor one.
    pub rust_name: Option<Str>,
    /// The attribute this one is read as (XLIST's `\AllMail` is `\All`).
    pub means: Option<Str>,
}

/// `[[mode]]`: what the server does differently once a capability is
/// enabled (ENABLE, RFC 5161), or when it speaks only that one.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Mode {
    /// The capability that turns it on (`IMAP4rev2`).
    pub capability: Str,
    pub doc: String,
    /// A server advertising the capability without this one speaks only
    /// the mode: it is in force without ENABLE (`IMAP4rev1`).
    pub replaces: Option<Str>,
    /// Mailbox names and quoted strings are UTF-8 both ways.
    #[serde(default)]
    pub utf8: bool,
    /// RFC 6855's rules: an APPEND's message as `UTF8 (~{n})`, no SEARCH
    /// CHARSET, only `UTF-8` for SORT and THREAD.
    #[serde(default)]
    pub utf8_accept: bool,
    /// Capabilities the mode includes, as if advertised while it is in
    /// force.
    #[serde(default)]
    pub implies: Vec<Str>,
}

/// `[[sort_key]]`: a key SORT orders by.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SortKey {
    pub name: Str,
    pub doc: String,
    /// Rust name of the constructor, when the wire name makes a poor one.
    pub rust_name: Option<Str>,
    /// The capability a server must advertise for the key.
    pub capability: Option<String>,
}

/// `[[status_att]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatusAtt {
    pub name: Str,
    pub doc: String,
    pub rust_name: Option<Str>,
    #[serde(rename = "type")]
    pub ty: Str,
    /// The value may be `NIL`.
    #[serde(default)]
    pub nil: bool,
    /// The capability a server must advertise for the attribute.
    pub capability: Option<String>,
}
