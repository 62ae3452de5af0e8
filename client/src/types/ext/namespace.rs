//! Namespaces of the NAMESPACE response (RFC 2342).

use bytes::Bytes;

use crate::types::Mailbox;

/// One namespace: the prefix its mailbox names start with and its
/// hierarchy delimiter (RFC 2342 section 5). The NAMESPACE command's
/// builder is [`NamespaceCommand`](crate::NamespaceCommand).
///
/// ```text
/// "(" string SP (<"> QUOTED_CHAR <"> / nil) *(Namespace_Response_Extension) ")"
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace {
    /// The prefix (`""`, `"Other Users/"`), decoded from modified UTF-7 like
    /// a mailbox name.
    pub prefix: Mailbox,
    /// The hierarchy delimiter, `None` for a flat namespace (NIL).
    pub delimiter: Option<char>,
    /// Extension data a server may add (`"X-PARAM" ("FLAG1" "FLAG2")`).
    pub extensions: Vec<NamespaceExtension>,
}

/// `Namespace_Response_Extension = SP string SP "(" string *(SP string) ")"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceExtension {
    /// The extension's name.
    pub name: Bytes,
    /// Its values (at least one).
    pub values: Vec<Bytes>,
}
