//! FETCH data items (RFC 3501 section 6.4.5), generic over the attributes.
//!
//! The attributes themselves (`ENVELOPE`, `FLAGS`, `UID`, ...) are declared
//! in the spec (`[[fetch_att]]`) and generated as constructors over
//! [`FetchItem`], each with the capability a server must advertise for it
//! (`FetchItem::mod_seq()` needs CONDSTORE); this module holds the macros,
//! the list and their composition with `|`.
//!
//! ```text
//! fetch           = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" /
//!                   fetch-att / "(" fetch-att *(SP fetch-att) ")")
//! fetch-att       =/ "BODY" section ["<" number "." nz-number ">"] /
//!                   "BODY.PEEK" section ["<" number "." nz-number ">"]
//! ```

use std::ops::BitOr;

use super::search::SearchArg;
use super::section::Section;

/// The macros of FETCH, each standing for a list of attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FetchMacro {
    /// `ALL`: `(FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)`.
    All,
    /// `FAST`: `(FLAGS INTERNALDATE RFC822.SIZE)`.
    Fast,
    /// `FULL`: `(FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY)`.
    Full,
}

impl FetchMacro {
    /// The macro's wire name.
    pub fn name(self) -> &'static str {
        match self {
            FetchMacro::All => "ALL",
            FetchMacro::Fast => "FAST",
            FetchMacro::Full => "FULL",
        }
    }

    /// The attributes the macro stands for (RFC 3501 section 6.4.5).
    pub fn items(self) -> Vec<FetchItem> {
        let fast = ["FLAGS", "INTERNALDATE", "RFC822.SIZE"];
        let extra: &[&'static str] = match self {
            FetchMacro::Fast => &[],
            FetchMacro::All => &["ENVELOPE"],
            FetchMacro::Full => &["ENVELOPE", "BODY"],
        };
        fast.iter()
            .chain(extra)
            .map(|name| FetchItem::attribute(name))
            .collect()
    }
}

/// One FETCH attribute.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FetchItem {
    /// A named attribute without arguments (`ENVELOPE`, `UID`, `X-GM-LABELS`).
    Attribute {
        /// The attribute name; written as is (the encoder checks it is an
        /// atom).
        name: &'static str,
        /// The capability a server must advertise for it (an extension's
        /// attribute), from the spec.
        capability: Option<&'static str>,
    },
    /// An attribute with a section: `BODY[1.TEXT]<0.100>`, `BODY.PEEK[HEADER]`,
    /// `BINARY[2]` (RFC 3516).
    Section(FetchSection),
    /// An attribute with arguments, each after one SP:
    /// `ANNOTATION ((/comment) (value.priv))` (RFC 5257).
    Arguments {
        /// The attribute name; written as is (the encoder checks it is an
        /// atom).
        name: &'static str,
        /// The capability a server must advertise for it, from the spec.
        capability: Option<&'static str>,
        /// Its arguments, typed by their grammar as search-key arguments.
        args: Vec<SearchArg>,
    },
}

impl FetchItem {
    /// A named attribute that needs no capability.
    pub const fn attribute(name: &'static str) -> Self {
        Self::new(name, None)
    }

    /// A named attribute and the capability a server must advertise for
    /// it: what the generated constructors build.
    pub const fn new(name: &'static str, capability: Option<&'static str>) -> Self {
        FetchItem::Attribute { name, capability }
    }

    /// An attribute with arguments, such as `ANNOTATION (entries attribs)`,
    /// and the capability it needs.
    pub fn with_args(
        name: &'static str,
        capability: Option<&'static str>,
        args: Vec<SearchArg>,
    ) -> Self {
        FetchItem::Arguments {
            name,
            capability,
            args,
        }
    }

    /// An attribute with fixed modifiers, `NAME (MOD ...)` (RFC 8970's
    /// `PREVIEW (LAZY)`), and the capability it needs.
    pub fn with_modifiers(
        name: &'static str,
        capability: Option<&'static str>,
        modifiers: &'static [&'static str],
    ) -> Self {
        let modifiers = modifiers
            .iter()
            .map(|m| SearchArg::Atom((*m).to_owned()))
            .collect();
        Self::with_args(name, capability, vec![SearchArg::List(modifiers)])
    }

    /// A sectioned attribute such as `BINARY[section]` and the capability
    /// it needs; see [`FetchSection`].
    pub fn section(
        name: &'static str,
        capability: Option<&'static str>,
        section: Section,
    ) -> FetchSection {
        FetchSection {
            capability,
            ..FetchSection::new(name, section)
        }
    }

    /// The capability a server must advertise for this attribute, if any.
    pub fn capability(&self) -> Option<&'static str> {
        match self {
            FetchItem::Attribute { capability, .. } | FetchItem::Arguments { capability, .. } => {
                *capability
            }
            FetchItem::Section(section) => section.capability,
        }
    }
}

/// `name[section]<partial>`: part of a message, as `BODY[...]` and
/// `BINARY[...]` ask for it.
///
/// ```
/// use typed_imap::types::{FetchItem, FetchSection, Section, SectionText};
/// let header = Section { part: vec![], text: Some(SectionText::Header) };
/// let item = FetchSection::new("BODY", header.clone()).peek().partial(0, 512);
/// assert!(item.peek && item.partial == Some((0, 512)));
/// // The generated constructor: the same, with `.PEEK` in its name.
/// assert_eq!(FetchItem::body_peek(header).partial(0, 512).section, item.section);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FetchSection {
    /// The attribute name, `BODY` or `BINARY`; written as is.
    pub name: &'static str,
    /// The capability a server must advertise for it (`BINARY`).
    pub capability: Option<&'static str>,
    /// Which part of the message.
    pub section: Section,
    /// `.PEEK`: do not set `\Seen`.
    pub peek: bool,
    /// `<start.length>`: only these octets.
    pub partial: Option<(u32, u32)>,
}

impl FetchSection {
    /// `name[section]`, without `.PEEK` or a partial range, needing no
    /// capability.
    pub fn new(name: &'static str, section: Section) -> Self {
        FetchSection {
            name,
            capability: None,
            section,
            peek: false,
            partial: None,
        }
    }

    /// The same with `.PEEK`: reading it does not set `\Seen`.
    #[must_use]
    pub fn peek(mut self) -> Self {
        self.peek = true;
        self
    }

    /// The same limited to `length` octets from `start` (`<start.length>`).
    #[must_use]
    pub fn partial(mut self, start: u32, length: u32) -> Self {
        self.partial = Some((start, length));
        self
    }
}

impl From<FetchSection> for FetchItem {
    fn from(section: FetchSection) -> Self {
        FetchItem::Section(section)
    }
}

impl From<FetchSection> for FetchItems {
    fn from(section: FetchSection) -> Self {
        FetchItems::Items(vec![FetchItem::Section(section)])
    }
}

impl<T: Into<FetchItem>> BitOr<T> for FetchSection {
    type Output = FetchItems;

    fn bitor(self, other: T) -> FetchItems {
        FetchItems::from(self).with(other)
    }
}

/// What a FETCH asks for: a macro or a list of attributes.
///
/// Compose with `|`: `ENVELOPE | FLAGS | UID`. A macro combined with
/// anything else is expanded into its attributes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FetchItems {
    /// `ALL`, `FAST` or `FULL`.
    Macro(FetchMacro),
    /// One attribute (sent bare) or several (sent in parentheses).
    Items(Vec<FetchItem>),
}

impl FetchItems {
    /// Calls `need` with the capability of every attribute that has one
    /// (the session checks them before sending a FETCH). Macros need none.
    pub fn each_capability(&self, need: &mut dyn FnMut(&str)) {
        if let FetchItems::Items(items) = self {
            items
                .iter()
                .filter_map(FetchItem::capability)
                .for_each(need);
        }
    }

    /// The attributes, macros expanded.
    pub fn into_items(self) -> Vec<FetchItem> {
        match self {
            FetchItems::Macro(m) => m.items(),
            FetchItems::Items(items) => items,
        }
    }

    /// Adds an attribute (expanding a macro first); a duplicate is not added.
    #[must_use]
    pub fn with(self, item: impl Into<FetchItem>) -> Self {
        let mut items = self.into_items();
        let item = item.into();
        if !items.contains(&item) {
            items.push(item);
        }
        FetchItems::Items(items)
    }
}

impl From<FetchItem> for FetchItems {
    fn from(item: FetchItem) -> Self {
        FetchItems::Items(vec![item])
    }
}

impl From<FetchMacro> for FetchItems {
    fn from(m: FetchMacro) -> Self {
        FetchItems::Macro(m)
    }
}

impl From<Vec<FetchItem>> for FetchItems {
    fn from(items: Vec<FetchItem>) -> Self {
        FetchItems::Items(items)
    }
}

impl<const N: usize> From<[FetchItem; N]> for FetchItems {
    fn from(items: [FetchItem; N]) -> Self {
        FetchItems::Items(items.to_vec())
    }
}

impl From<&FetchItems> for FetchItems {
    fn from(items: &FetchItems) -> Self {
        items.clone()
    }
}

impl<T: Into<FetchItem>> BitOr<T> for FetchItem {
    type Output = FetchItems;

    fn bitor(self, other: T) -> FetchItems {
        FetchItems::from(self).with(other)
    }
}

impl<T: Into<FetchItem>> BitOr<T> for FetchItems {
    type Output = FetchItems;

    fn bitor(self, other: T) -> FetchItems {
        self.with(other)
    }
}

impl BitOr<FetchItem> for FetchMacro {
    type Output = FetchItems;

    fn bitor(self, other: FetchItem) -> FetchItems {
        FetchItems::from(self).with(other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENVELOPE: FetchItem = FetchItem::attribute("ENVELOPE");
    const FLAGS: FetchItem = FetchItem::attribute("FLAGS");
    const UID: FetchItem = FetchItem::attribute("UID");

    #[test]
    fn bitor_builds_a_list_in_order() {
        assert_eq!(
            ENVELOPE | FLAGS | UID,
            FetchItems::Items(vec![ENVELOPE, FLAGS, UID])
        );
    }

    #[test]
    fn bitor_skips_duplicates() {
        assert_eq!(FLAGS | FLAGS, FetchItems::Items(vec![FLAGS]));
    }

    #[test]
    fn each_attribute_capability_is_found() {
        let modseq = FetchItem::new("MODSEQ", Some("CONDSTORE"));
        let header = Section {
            part: vec![],
            text: None,
        };
        let binary = FetchItem::section("BINARY", Some("BINARY"), header);
        let items = UID | modseq | binary;
        let mut found = Vec::new();
        items.each_capability(&mut |c| found.push(c.to_owned()));
        assert_eq!(found, ["CONDSTORE", "BINARY"]);
    }

    #[test]
    fn macros_and_base_attributes_need_no_capability() {
        let mut found = Vec::new();
        FetchItems::from(FetchMacro::Full).each_capability(&mut |c| found.push(c.to_owned()));
        (ENVELOPE | FLAGS).each_capability(&mut |c| found.push(c.to_owned()));
        assert!(found.is_empty());
    }

    #[test]
    fn macro_with_an_item_expands() {
        assert_eq!(
            FetchMacro::Fast | UID,
            FetchItems::Items(vec![
                FetchItem::attribute("FLAGS"),
                FetchItem::attribute("INTERNALDATE"),
                FetchItem::attribute("RFC822.SIZE"),
                UID
            ])
        );
    }

    #[test]
    fn modifiers_are_one_parenthesised_list_of_atoms() {
        let lazy = FetchItem::with_modifiers("PREVIEW", Some("PREVIEW"), &["LAZY"]);
        let mut enc = crate::codec::encode::Encoder::new(Default::default());
        crate::codec::encode::fetch_items(&mut enc, &(lazy.clone() | UID)).unwrap();
        assert_eq!(
            crate::codec::encode::to_bytes(&enc.finish()),
            b"(PREVIEW (LAZY) UID)\r\n"
        );
        let mut found = Vec::new();
        FetchItems::from(lazy).each_capability(&mut |c| found.push(c.to_owned()));
        assert_eq!(found, ["PREVIEW"]);
    }
}
