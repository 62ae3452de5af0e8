//! The validated model: every name resolved, every Rust identifier and path
//! computed. Emitters read only this.
//!
//! Rust paths and types are kept as strings already rooted at the runtime
//! path (`crate::codec::encode::astring`), so that the model's `Debug` form
//! is a readable snapshot.

/// Everything the emitters need, from the types file and every spec file.
#[derive(Debug)]
pub struct Model {
    /// Whether the code is generated inside the runtime crate (root `crate`):
    /// then it defines `Data`, `Code` and `Message` and inherent impls;
    /// elsewhere it parses its responses out of the runtime's raw data and
    /// adds extension traits.
    pub core: bool,
    /// Paths of the runtime items the generated code names.
    pub runtime: Runtime,
    /// The spec files, in the order given.
    pub specs: Vec<SpecInfo>,
    /// Connection states known to the runtime.
    pub states: Vec<Kind>,
    /// Command behaviours known to the runtime.
    pub behaviours: Vec<Kind>,
    /// Session effects known to the runtime.
    pub effects: Vec<EffectKind>,
    /// Commands (UID variants included), in spec order.
    pub commands: Vec<Command>,
    /// Untagged responses.
    pub responses: Vec<Response>,
    /// Response codes.
    pub codes: Vec<Response>,
    /// Search keys.
    pub search_keys: Vec<SearchKey>,
    /// Fetch attributes.
    pub fetch_atts: Vec<FetchAtt>,
    /// Status attributes.
    pub status_atts: Vec<StatusAtt>,
    /// Mailbox attributes of LIST responses (only in the runtime crate).
    pub mailbox_attributes: Vec<MailboxAttribute>,
    /// Sort keys.
    pub sort_keys: Vec<SortKey>,
    /// Modes a capability turns on (only in the runtime crate).
    pub modes: Vec<Mode>,
}

/// Rooted paths of the runtime items.
#[derive(Debug)]
#[allow(missing_docs)]
pub struct Runtime {
    pub encoder: String,
    pub encode_error: String,
    pub parser: String,
    pub parse_error: String,
    pub limits: String,
    pub command: String,
    pub state: String,
    pub behaviour: String,
    pub effect: String,
    pub completed: String,
    pub error: String,
    pub data: String,
    pub code: String,
    pub raw_data: String,
    pub raw_code: String,
    pub raw_value: String,
    pub parse_data: String,
    pub parse_code: String,
    pub bytes: String,
    pub client: String,
    pub search_key: String,
    pub search_key_new: String,
    pub fetch_item: String,
    pub fetch_item_new: String,
    pub fetch_item_section: String,
    pub fetch_item_args: String,
    /// `fn(&'static str, Option<&'static str>, &'static [&'static str]) -> FetchItem`:
    /// an attribute with fixed modifiers (`PREVIEW (LAZY)`).
    pub fetch_item_modifiers: String,
    pub fetch_section: String,
    pub fetch_items: String,
    pub message: String,
    pub fetch_macro: String,
    pub status_item: String,
    pub status_item_new: String,
    pub sort_key: String,
    pub sort_key_new: String,
    pub missing_argument: String,
    pub missing_response: String,
    pub bad_response: String,
    pub scope: String,
    pub correlation: String,
    pub streaming: String,
    /// The async client and the cargo feature it lives behind.
    pub async_client: Option<(String, String)>,
    /// The runtime's `Mode`, for `[[mode]]`.
    pub mode: Option<String>,
}

/// One spec file.
#[derive(Debug)]
pub struct SpecInfo {
    /// Short name (`imap4rev1`).
    pub name: String,
    /// UpperCamelCase of the name, for trait names.
    pub ident: String,
    /// What the file describes.
    pub doc: String,
    /// The RFC(s) it follows.
    pub rfc: String,
}

/// A state or behaviour: spec name and Rust variant.
#[derive(Debug)]
pub struct Kind {
    /// As written in specs (`not-authenticated`).
    pub name: String,
    /// The runtime enum's variant (`NotAuthenticated`).
    pub variant: String,
    /// What it is.
    pub doc: String,
}

/// A session effect.
#[derive(Debug)]
pub struct EffectKind {
    /// As written in specs.
    pub name: String,
    /// The `Effect` variant.
    pub variant: String,
    /// Whether it carries the value.
    pub value: bool,
}

/// A grammar type resolved for arguments.
#[derive(Debug, Clone)]
pub struct ArgType {
    /// Grammar name.
    pub name: String,
    /// Rust type stored by builders.
    pub rust: String,
    /// Encode function.
    pub encode: String,
    /// Function reporting the capabilities a value needs, if values can
    /// need any.
    pub capabilities: Option<String>,
    /// Function giving the value's atom, for a capability naming it.
    pub atom: Option<String>,
}

/// A grammar type resolved for parsing.
#[derive(Debug, Clone)]
pub struct ParsedType {
    /// Grammar name.
    pub name: String,
    /// Rust type of the value (`Box<T>` when `boxed`).
    pub rust: String,
    /// Rust type of the value without the box.
    pub inner: String,
    /// Whether values are boxed (types.toml `boxed`).
    pub boxed: bool,
    /// How it is parsed.
    pub parse: Parse,
}

/// How a parsed type is read.
#[derive(Debug, Clone)]
pub enum Parse {
    /// A runtime function; `own_sp`: it takes its own leading SPs.
    Function {
        /// Path of the function.
        path: String,
        /// Whether it reads its own leading SPs.
        own_sp: bool,
    },
    /// The generated FETCH attribute parser (`Message::parse`).
    FetchAttributes,
    /// The generated STATUS attribute parser (`StatusAttributes::parse`).
    StatusAttributes,
}

/// A command.
#[derive(Debug, Clone)]
pub struct Command {
    /// Wire name (`UID FETCH`).
    pub name: String,
    /// Struct name (`UidFetch`).
    pub ident: String,
    /// Client method name (`uid_fetch`), if one is generated.
    pub method: Option<String>,
    /// The wire name as the method's documentation alias, when the method
    /// was named otherwise (`getacl` for `get_acl`, `move` for `move_to`).
    pub alias: Option<String>,
    /// Documentation.
    pub doc: String,
    /// The name of the spec file that declares it.
    pub spec: String,
    /// Allowed states (variants).
    pub states: Vec<String>,
    /// State entered on tagged OK.
    pub on_ok: Option<String>,
    /// State entered on tagged NO.
    pub on_no: Option<String>,
    /// Behaviour variant.
    pub behaviour: String,
    /// Required capability.
    pub capability: Option<String>,
    /// The builder's name without the `Uid` of a UID variant: `rust_name`
    /// if given, else the wire name's UpperCamelCase. `[[extend]]` finds
    /// the command by it.
    pub base: String,
    /// Arguments in wire order.
    pub args: Vec<Arg>,
    /// Untagged responses it collects.
    pub collects: Vec<ResponseRef>,
    /// What it returns.
    pub output: Output,
    /// What its untagged data is about.
    pub scope: Scope,
    /// It names messages by sequence number (the non-UID form of a
    /// command with a UID variant, or one taking a sequence set).
    pub sequence_numbers: bool,
    /// The server may send EXPUNGE while it runs.
    pub may_expunge: bool,
}

/// What a command's untagged data is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Nothing tells it apart.
    Any,
    /// The messages of this `sequence-set` argument (ident, how given);
    /// UIDs when the command is a UID variant.
    Messages(String, ArgKind),
    /// The mailbox of this `mailbox` argument.
    Mailbox(String, ArgKind),
    /// The mailboxes a LIST pattern matches: the `mailbox` argument of
    /// its reference and the `list-mailbox` argument of its pattern, both
    /// required.
    Pattern {
        /// The reference argument.
        reference: String,
        /// The pattern argument.
        pattern: String,
    },
    /// Data carrying the command's tag.
    Tag,
}

/// What a response is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Correlation {
    /// A message: the field of its sequence number, and the path to its
    /// UID (`Option<u32>`) if it has one.
    Message {
        /// Field ident.
        seq: String,
        /// Field idents, outermost first.
        uid: Option<Vec<String>>,
    },
    /// A mailbox: the field's ident.
    Mailbox(String),
    /// A tag (`Option<Bytes>`): the field's ident.
    Tag(String),
}

/// How an argument is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// A parameter of `new`.
    Required,
    /// Required, given with a setter; missing is an encode error.
    Setter,
    /// May be left out.
    Optional,
    /// No value: its prefix tokens, written when its setter was called.
    Switch,
    /// `prefix (member SP member ...)`: the arguments that name it as their
    /// group; written when one is set, or always unless `optional`.
    Group {
        /// Left out when no member is set.
        optional: bool,
    },
}

/// A command argument.
#[derive(Debug, Clone)]
pub struct Arg {
    /// Spec name.
    pub name: String,
    /// Field and parameter name.
    pub ident: String,
    /// Documentation.
    pub doc: String,
    /// Its type (`None` for a switch or a group).
    pub ty: Option<ArgType>,
    /// How it is given.
    pub kind: ArgKind,
    /// The group argument (ident) it is written inside.
    pub group: Option<String>,
    /// The capability it needs when given: its own, or that of the
    /// extension that added it.
    pub capability: Option<Needs>,
    /// Tokens written before it.
    pub prefix: Vec<String>,
    /// Named setters building it.
    pub setters: Vec<Setter>,
}

/// A capability an argument needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Needs {
    /// This one (`CONDSTORE`).
    Name(String),
    /// One naming the value's atom between two texts (`THREAD={value}`:
    /// `THREAD=` and `` around `REFERENCES`).
    Value {
        /// The text before the atom.
        before: String,
        /// The text after it.
        after: String,
    },
}

/// A named setter.
#[derive(Debug, Clone)]
pub struct Setter {
    /// Method name.
    pub ident: String,
    /// Documentation.
    pub doc: String,
    /// Function building the argument.
    pub call: String,
    /// Its parameters.
    pub params: Vec<Param>,
}

/// A parameter (of a setter, a search key).
#[derive(Debug, Clone)]
pub struct Param {
    /// Parameter name.
    pub ident: String,
    /// Its type.
    pub ty: ArgType,
    /// For search keys and fetch attributes: the function making a search
    /// argument of it.
    pub search_arg: Option<String>,
}

/// A reference to a response or code.
#[derive(Debug, Clone)]
pub struct ResponseRef {
    /// Wire name.
    pub name: String,
    /// Whether it is a response code.
    pub is_code: bool,
    /// Variant ident in `Data`/`Code`, and struct prefix.
    pub variant: String,
    /// Rust type of its value, `None` for a code without value.
    pub value: Option<String>,
    /// The field of the value to take, for a response whose value an
    /// extension turned into a struct (SEARCH's `numbers`): the command
    /// still gets the type it was declared with.
    pub field: Option<String>,
}

/// What a command returns.
#[derive(Debug, Clone)]
pub enum Output {
    /// Nothing but success.
    Unit,
    /// A struct assembled from fields.
    Struct {
        /// Struct name.
        ident: String,
        /// Documentation.
        doc: String,
        /// Fields.
        fields: Vec<OutputField>,
    },
    /// Every value of a response.
    All {
        /// The response.
        from: ResponseRef,
        /// Concatenate list values.
        flatten: bool,
        /// Other responses whose values join, each through a runtime
        /// function (rooted path) giving the element (a list of them with
        /// `flatten`) or an error.
        via: Vec<(ResponseRef, String)>,
    },
    /// The last value of a response, required unless `or_default`.
    One {
        /// The response.
        from: ResponseRef,
        /// Missing gives the value's `Default` instead of an error.
        or_default: bool,
    },
}

/// A field of an output struct.
#[derive(Debug, Clone)]
pub struct OutputField {
    /// Field name.
    pub ident: String,
    /// Documentation.
    pub doc: String,
    /// Where its value comes from.
    pub from: ResponseRef,
    /// Missing is an error.
    pub required: bool,
    /// Every value, in a `Vec`.
    pub all: bool,
}

/// An untagged response or a response code.
#[derive(Debug, Clone)]
pub struct Response {
    /// Wire name.
    pub name: String,
    /// Variant ident.
    pub variant: String,
    /// Documentation.
    pub doc: String,
    /// The name of the spec file that declares it.
    pub spec: String,
    /// `* n NAME`: field receiving the number.
    pub number: Option<String>,
    /// Struct holding the fields, when there are several.
    pub struct_ident: Option<String>,
    /// Fields, each after an SP.
    pub fields: Vec<Field>,
    /// The Rust type of the value (`None`: a code without value).
    pub value: Option<String>,
    /// Session effect variant, and whether it carries the value.
    pub effect: Option<(String, bool)>,
    /// What the response is about (responses only).
    pub correlation: Option<Correlation>,
}

/// A field of a response or code.
#[derive(Debug, Clone)]
pub struct Field {
    /// Field name.
    pub ident: String,
    /// Documentation.
    pub doc: String,
    /// The type of one item.
    pub ty: ParsedType,
    /// A parenthesised list of items.
    pub list: bool,
    /// May be `NIL` instead of a value (or list).
    pub nil: bool,
    /// May be absent.
    pub optional: bool,
    /// The field's Rust type (with `Vec`/`Option`).
    pub rust: String,
}

/// A search key.
#[derive(Debug)]
pub struct SearchKey {
    /// Wire name.
    pub name: String,
    /// The name of the spec file that declares it.
    pub spec: String,
    /// Constructor name.
    pub ident: String,
    /// Documentation.
    pub doc: String,
    /// Arguments.
    pub args: Vec<Param>,
    /// Built by the runtime's nesting: no constructor.
    pub composite: bool,
    /// The capability a server must advertise for it.
    pub capability: Option<String>,
}

/// A fetch attribute.
#[derive(Debug)]
pub struct FetchAtt {
    /// Wire name.
    pub name: String,
    /// The name of the spec file that declares it.
    pub spec: String,
    /// Constructor name.
    pub ident: String,
    /// `Message` field name, for attributes a response carries.
    pub field: Option<String>,
    /// Documentation.
    pub doc: String,
    /// A macro (ALL, FAST, FULL).
    pub is_macro: bool,
    /// `NAME[section]`: the section's type.
    pub section: Option<(ArgType, ParsedType)>,
    /// `NAME arg ...`: the request's arguments (as search-key arguments).
    pub args: Vec<Param>,
    /// `NAME (MOD ...)`: fixed modifiers, for a request-only attribute.
    pub modifiers: Vec<String>,
    /// Value in a FETCH response.
    pub value: Option<ParsedType>,
    /// The value may be `NIL` (then an `Option` of it).
    pub nil: bool,
    /// The capability a server must advertise for it.
    pub capability: Option<String>,
}

/// What a capability, once in force, changes in the session.
#[derive(Debug)]
pub struct Mode {
    /// The capability (`IMAP4rev2`).
    pub capability: String,
    /// Documentation.
    pub doc: String,
    /// The capability whose absence puts it in force without ENABLE.
    pub replaces: Option<String>,
    /// Names and quoted strings are UTF-8.
    pub utf8: bool,
    /// RFC 6855's APPEND and charset rules.
    pub utf8_accept: bool,
    /// Capabilities included while it is in force.
    pub implies: Vec<String>,
}

/// A mailbox attribute of LIST responses: a variant of the generated
/// `MailboxAttribute`, or another name for one.
#[derive(Debug)]
pub struct MailboxAttribute {
    /// Wire name, with its backslash (`\HasChildren`).
    pub name: String,
    /// The name of the spec file that declares it.
    pub spec: String,
    /// The variant it reads as: its own, or the one it `means`.
    pub variant: String,
    /// Documentation.
    pub doc: String,
    /// Another name for the attribute named here (`\All` for `\AllMail`):
    /// no variant of its own.
    pub means: Option<String>,
}

/// A sort key.
#[derive(Debug)]
pub struct SortKey {
    /// Wire name.
    pub name: String,
    /// The name of the spec file that declares it.
    pub spec: String,
    /// Constructor name.
    pub ident: String,
    /// Documentation.
    pub doc: String,
    /// The capability a server must advertise for it.
    pub capability: Option<String>,
}

/// A status attribute.
#[derive(Debug)]
pub struct StatusAtt {
    /// Wire name.
    pub name: String,
    /// The name of the spec file that declares it.
    pub spec: String,
    /// Constructor and field name.
    pub ident: String,
    /// Documentation.
    pub doc: String,
    /// Value type.
    pub value: ParsedType,
    /// The value may be `NIL` (then an `Option` of it).
    pub nil: bool,
    /// The capability a server must advertise for it.
    pub capability: Option<String>,
}
