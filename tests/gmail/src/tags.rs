//! Tags: the one grammar type this invented extension adds (`x-tags` in
//! `spec/xtags.toml`), with its encode and parse functions over
//! typed-imap's encoder and parser.

use typed_imap::codec::encode::{EncodeError, Encoder};
use typed_imap::codec::parse::{ParseError, Parser};

/// One tag.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Tag {
    /// One of the server's own tags, written `\Name` (`\Newsletter`).
    System(String),
    /// A user's tag (`work`, `to do`).
    Named(String),
}

impl Tag {
    /// A user's tag.
    pub fn named(name: impl Into<String>) -> Self {
        Tag::Named(name.into())
    }

    /// One of the server's tags, without its backslash.
    pub fn system(name: impl Into<String>) -> Self {
        Tag::System(name.into())
    }
}

/// What a tag STORE does: `+XTAGS`, `-XTAGS` or `XTAGS` with a list of
/// tags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagsAction {
    /// `+` (add), `-` (remove) or nothing (replace).
    pub sign: Option<char>,
    /// The tags.
    pub tags: Vec<Tag>,
}

impl TagsAction {
    /// `+XTAGS (tags)`.
    pub fn add(tags: Vec<Tag>) -> Self {
        TagsAction {
            sign: Some('+'),
            tags,
        }
    }

    /// `-XTAGS (tags)`.
    pub fn remove(tags: Vec<Tag>) -> Self {
        TagsAction {
            sign: Some('-'),
            tags,
        }
    }

    /// `XTAGS (tags)`.
    pub fn replace(tags: Vec<Tag>) -> Self {
        TagsAction { sign: None, tags }
    }
}

/// Writes a [`TagsAction`]: `+XTAGS (tags)`.
pub fn encode_action(enc: &mut Encoder, action: &TagsAction) -> Result<(), EncodeError> {
    match action.sign {
        Some('+') => enc.token("+"),
        Some('-') => enc.token("-"),
        _ => {}
    }
    enc.token("XTAGS");
    enc.sp();
    encode(enc, &action.tags)
}

/// Writes `(tag tag ...)`: the server's tags as `\Name` (the name must be
/// an atom), the others as astrings (an atom, quoted or a literal).
pub fn encode(enc: &mut Encoder, tags: &[Tag]) -> Result<(), EncodeError> {
    enc.list(tags, |enc, tag| match tag {
        Tag::System(name) => {
            enc.token("\\");
            enc.atom(name)
        }
        Tag::Named(name) => enc.astring(name.as_bytes()),
    })
}

/// Reads `(tag ...)` after `XTAGS`.
pub fn parse(p: &mut Parser<'_>) -> Result<Vec<Tag>, ParseError> {
    p.list(|p| {
        if p.eat(b'\\') {
            return Ok(Tag::System(p.atom()?.to_owned()));
        }
        let name = p.astring()?;
        Ok(Tag::Named(String::from_utf8_lossy(&name).into_owned()))
    })
}
