//! One encode function per grammar type of the vocabulary
//! (`spec/types.toml`), each `fn(&mut Encoder, &T) -> Result<(), EncodeError>`
//! with `T` the type's Rust type from `docs/architecture.md`.
// The signatures take `&String` and `&Vec<u8>` because the contract is
// `fn(&mut Encoder, &T)` with `T` the stored argument type.
#![allow(clippy::ptr_arg)]

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::encoder::{is_astring_char, is_list_char, Encoder};
use super::error::{show, EncodeError};
use crate::types::datetime::{format_date, format_date_time};
use crate::types::flag::check_atom;
use crate::types::{
    utf7, FetchItem, FetchItems, FetchSection, Flag, Mailbox, SearchArg, SearchKey, Secret,
    Section, SectionText, SeqNumber, Sequence, SequenceSet, StatusItem, StoreAction,
};

/// `atom`: refuses an empty value and atom-specials.
pub fn atom(enc: &mut Encoder, value: &String) -> Result<(), EncodeError> {
    enc.atom(value)
}

/// `astring`: atom, quoted string or literal, as the bytes require.
pub fn astring(enc: &mut Encoder, value: &String) -> Result<(), EncodeError> {
    enc.astring(value.as_bytes())
}

/// `string`: quoted string or literal.
pub fn string(enc: &mut Encoder, value: &Vec<u8>) -> Result<(), EncodeError> {
    enc.string(value)
}

/// `number`: a 32-bit unsigned number.
pub fn number(enc: &mut Encoder, value: &u32) -> Result<(), EncodeError> {
    enc.number(u64::from(*value));
    Ok(())
}

/// `number64` (RFC 9051): 0 to 2^63 - 1.
pub fn number64(enc: &mut Encoder, value: &u64) -> Result<(), EncodeError> {
    if *value > i64::MAX as u64 {
        return Err(EncodeError::Invalid {
            what: "number64",
            value: value.to_string(),
            reason: "larger than 9223372036854775807 (2^63 - 1)".into(),
        });
    }
    enc.number(*value);
    Ok(())
}

/// `nz-number`: a number that is not 0.
pub fn nz_number(enc: &mut Encoder, value: &u32) -> Result<(), EncodeError> {
    if *value == 0 {
        return Err(EncodeError::Invalid {
            what: "nz-number",
            value: "0".into(),
            reason: "must not be 0".into(),
        });
    }
    enc.number(u64::from(*value));
    Ok(())
}

/// `mailbox`: the name in modified UTF-7 (UTF-8 once `UTF8=ACCEPT` is
/// enabled), then as an astring. CR and LF never appear bare: modified
/// UTF-7 encodes them in BASE64, and in UTF-8 mode they force a literal.
/// A NUL in the name is refused even though modified UTF-7 could carry it
/// (`&AAA-`): no server has such a mailbox, so it can only be a caller's
/// mistake or an attack.
pub fn mailbox(enc: &mut Encoder, value: &Mailbox) -> Result<(), EncodeError> {
    if let Some(offset) = value.as_str().bytes().position(|b| b == 0) {
        return Err(EncodeError::Nul {
            what: "mailbox",
            value: show(value.as_str().as_bytes()),
            offset,
        });
    }
    let wire = if enc.options().utf8 {
        value.to_utf8_wire()
    } else {
        value.to_wire()
    };
    enc.astring_as("mailbox", &wire, is_astring_char)
}

/// `list-mailbox`: a LIST or LSUB pattern, where `%` and `*` are wildcards
/// and may stay in atom form; non-ASCII is modified UTF-7 as for `mailbox`.
pub fn list_mailbox(enc: &mut Encoder, value: &String) -> Result<(), EncodeError> {
    let wire = if enc.options().utf8 {
        value.clone().into_bytes()
    } else {
        utf7::encode(value).into_bytes()
    };
    enc.astring_as("list-mailbox", &wire, is_list_char)
}

/// `flag`: a flag a client may set. `\Recent` (set only by the server),
/// `\*` (only in PERMANENTFLAGS) and names that are not atoms are refused.
pub fn flag(enc: &mut Encoder, value: &Flag) -> Result<(), EncodeError> {
    match value {
        Flag::Recent | Flag::MayCreate => {
            return Err(EncodeError::Invalid {
                what: "flag",
                value: show(value.to_string().as_bytes()),
                reason: "only the server sets this flag (RFC 3501 flag-fetch, flag-perm)".into(),
            })
        }
        Flag::Keyword(name) | Flag::Extension(name) => {
            check_atom(name).map_err(|reason| EncodeError::NotAtom {
                what: "flag",
                value: show(value.to_string().as_bytes()),
                reason,
            })?
        }
        _ => {}
    }
    enc.token(&value.to_string());
    Ok(())
}

/// `flag-list`: `(\Seen $Junk)`; may be empty, `()`.
pub fn flag_list(enc: &mut Encoder, value: &Vec<Flag>) -> Result<(), EncodeError> {
    enc.list(value, flag)
}

/// `flag *(SP flag)`: the flags of a list whose parentheses the spec
/// writes (a group), so that an empty list is still `()`.
pub fn flags(enc: &mut Encoder, value: &Vec<Flag>) -> Result<(), EncodeError> {
    for (index, one) in value.iter().enumerate() {
        if index > 0 {
            enc.sp();
        }
        flag(enc, one)?;
    }
    Ok(())
}

/// `sequence-set`: `1:3,5,7:*`; refuses an empty set and 0.
pub fn sequence_set(enc: &mut Encoder, value: &SequenceSet) -> Result<(), EncodeError> {
    value.check().map_err(|reason| EncodeError::Invalid {
        what: "sequence-set",
        value: show(value.to_string().as_bytes()),
        reason: reason.into(),
    })?;
    if value.is_saved() {
        enc.token("$");
        return Ok(());
    }
    // Written item by item, as `Display` would: formatting it into a
    // String first cost an allocation and the formatting machinery per
    // command.
    let seq_number = |enc: &mut Encoder, n: SeqNumber| match n {
        SeqNumber::Value(n) => enc.number(u64::from(n)),
        SeqNumber::Largest => enc.token("*"),
    };
    for (i, item) in value.items().iter().enumerate() {
        if i > 0 {
            enc.token(",");
        }
        match item {
            Sequence::Single(n) => seq_number(enc, *n),
            Sequence::Range(a, b) => {
                seq_number(enc, *a);
                enc.token(":");
                seq_number(enc, *b);
            }
        }
    }
    Ok(())
}

/// `date`: `01-Feb-2024`, English month names.
pub fn date(enc: &mut Encoder, value: &NaiveDate) -> Result<(), EncodeError> {
    let text = format_date(value).map_err(|e| EncodeError::Invalid {
        what: "date",
        value: value.to_string(),
        reason: e.to_string(),
    })?;
    enc.token(&text);
    Ok(())
}

/// `date-time`: `"01-Feb-2024 13:05:09 +0100"`, quoted.
pub fn date_time(enc: &mut Encoder, value: &DateTime<FixedOffset>) -> Result<(), EncodeError> {
    let text = format_date_time(value).map_err(|e| EncodeError::Invalid {
        what: "date-time",
        value: value.to_rfc3339(),
        reason: e.to_string(),
    })?;
    enc.token("\"");
    enc.token(&text);
    enc.token("\"");
    Ok(())
}

/// `search-key`: a top-level AND is written as keys separated by spaces;
/// nested ones are parenthesised. An empty AND is `ALL`.
pub fn search_key(enc: &mut Encoder, value: &SearchKey) -> Result<(), EncodeError> {
    match value {
        SearchKey::And(keys) if !keys.is_empty() => each_key(enc, keys),
        key => nested_key(enc, key),
    }
}

fn each_key(enc: &mut Encoder, keys: &[SearchKey]) -> Result<(), EncodeError> {
    for (i, key) in keys.iter().enumerate() {
        if i > 0 {
            enc.sp();
        }
        nested_key(enc, key)?;
    }
    Ok(())
}

fn nested_key(enc: &mut Encoder, key: &SearchKey) -> Result<(), EncodeError> {
    match key {
        SearchKey::Key { name, args, .. } => {
            enc.atom_as("search key", name)?;
            for arg in args {
                enc.sp();
                search_arg(enc, arg)?;
            }
            Ok(())
        }
        SearchKey::Set(set) => sequence_set(enc, set),
        SearchKey::And(keys) if keys.is_empty() => {
            enc.token("ALL");
            Ok(())
        }
        SearchKey::And(keys) if keys.len() == 1 => each_key(enc, keys),
        SearchKey::And(keys) => {
            enc.token("(");
            each_key(enc, keys)?;
            enc.token(")");
            Ok(())
        }
        SearchKey::Or(a, b) => {
            enc.token("OR ");
            nested_key(enc, a)?;
            enc.sp();
            nested_key(enc, b)
        }
        SearchKey::Not(a) => {
            enc.token("NOT ");
            nested_key(enc, a)
        }
    }
}

/// One argument of a search key or of a fetch attribute, by its grammar; a
/// list needs at least one item.
pub fn search_arg(enc: &mut Encoder, arg: &SearchArg) -> Result<(), EncodeError> {
    match arg {
        SearchArg::AString(bytes) => enc.astring(bytes),
        SearchArg::Number(n) => number(enc, n),
        SearchArg::Number64(n) => number64(enc, n),
        SearchArg::Date(d) => date(enc, d),
        SearchArg::SequenceSet(set) => sequence_set(enc, set),
        SearchArg::Flag(f) => flag(enc, f),
        SearchArg::Atom(a) => enc.atom(a),
        SearchArg::List(items) if items.is_empty() => Err(EncodeError::Invalid {
            what: "argument list",
            value: "()".into(),
            reason: "a parenthesised argument list needs at least one item".into(),
        }),
        SearchArg::List(items) => enc.list(items, search_arg),
        SearchArg::Key(key) => nested_key(enc, key),
    }
}

/// `fetch-items`: a macro, one attribute bare, or several in parentheses.
pub fn fetch_items(enc: &mut Encoder, value: &FetchItems) -> Result<(), EncodeError> {
    match value {
        FetchItems::Macro(m) => {
            enc.token(m.name());
            Ok(())
        }
        FetchItems::Items(items) => match items.as_slice() {
            [] => Err(EncodeError::Invalid {
                what: "fetch-items",
                value: "()".into(),
                reason: "FETCH needs at least one attribute".into(),
            }),
            [one] => fetch_item(enc, one),
            many => enc.list(many, fetch_item),
        },
    }
}

/// `fetch-att`: one attribute (NOTIFY's `MessageNew` list shares it).
pub(super) fn fetch_item(enc: &mut Encoder, item: &FetchItem) -> Result<(), EncodeError> {
    match item {
        FetchItem::Attribute { name, .. } => enc.atom_as("fetch attribute", name),
        FetchItem::Section(section) => fetch_section(enc, section),
        FetchItem::Arguments { name, args, .. } => {
            enc.atom_as("fetch attribute", name)?;
            for arg in args {
                enc.sp();
                search_arg(enc, arg)?;
            }
            Ok(())
        }
    }
}

/// `BODY.PEEK[1.HEADER.FIELDS (From To)]<0.100>`.
fn fetch_section(enc: &mut Encoder, item: &FetchSection) -> Result<(), EncodeError> {
    enc.atom_as("fetch attribute", item.name)?;
    if item.peek {
        enc.token(".PEEK");
    }
    section(enc, &item.section)?;
    if let Some((start, length)) = item.partial {
        if length == 0 {
            return Err(EncodeError::Invalid {
                what: "partial",
                value: format!("<{start}.{length}>"),
                reason: "the length of a partial fetch must not be 0 (nz-number)".into(),
            });
        }
        enc.token(&format!("<{start}.{length}>"));
    }
    Ok(())
}

/// `section`: `[` part numbers and section text `]`.
///
/// ```text
/// section-spec    = section-msgtext / (section-part ["." section-text])
/// section-part    = nz-number *("." nz-number)
/// section-text    = section-msgtext / "MIME"
/// ```
pub fn section(enc: &mut Encoder, value: &Section) -> Result<(), EncodeError> {
    let refuse = |reason: &str| EncodeError::Invalid {
        what: "section",
        value: show(value.to_string().as_bytes()),
        reason: reason.into(),
    };
    if value.part.contains(&0) {
        return Err(refuse("part numbers start at 1 (nz-number)"));
    }
    enc.token("[");
    let parts: Vec<String> = value.part.iter().map(u32::to_string).collect();
    enc.token(&parts.join("."));
    if let Some(text) = &value.text {
        if !value.part.is_empty() {
            enc.token(".");
        }
        match text {
            SectionText::Header => enc.token("HEADER"),
            SectionText::Text => enc.token("TEXT"),
            SectionText::Mime if value.part.is_empty() => {
                return Err(refuse("MIME needs a part number before it"))
            }
            SectionText::Mime => enc.token("MIME"),
            SectionText::HeaderFields(names) | SectionText::HeaderFieldsNot(names) => {
                if names.is_empty() {
                    return Err(refuse("a header list needs at least one field name"));
                }
                let not = matches!(text, SectionText::HeaderFieldsNot(_));
                enc.token(if not {
                    "HEADER.FIELDS.NOT "
                } else {
                    "HEADER.FIELDS "
                });
                enc.list(names, |enc, name| {
                    enc.astring_as("header field name", name, is_astring_char)
                })?;
            }
        }
    }
    enc.token("]");
    Ok(())
}

/// `status-items`: `(MESSAGES UIDNEXT)`; at least one.
pub fn status_items(enc: &mut Encoder, value: &Vec<StatusItem>) -> Result<(), EncodeError> {
    if value.is_empty() {
        return Err(EncodeError::Invalid {
            what: "status-items",
            value: "()".into(),
            reason: "STATUS needs at least one item".into(),
        });
    }
    enc.list(value, |enc, item| enc.atom_as("status item", item.name()))
}

/// `store-action`: `+FLAGS.SILENT (\Seen)`.
pub fn store_action(enc: &mut Encoder, value: &StoreAction) -> Result<(), EncodeError> {
    enc.token(value.item_name());
    enc.sp();
    flag_list(enc, &value.flags)
}

/// `literal`: always a literal (APPEND's message); NUL refused.
pub fn literal(enc: &mut Encoder, value: &Vec<u8>) -> Result<(), EncodeError> {
    enc.literal(value)
}

/// `literal8`: `~{n}` (RFC 3516); any bytes.
pub fn literal8(enc: &mut Encoder, value: &Vec<u8>) -> Result<(), EncodeError> {
    enc.literal8(value)
}

/// `password`: always a quoted string or a literal, never an atom (some
/// servers mangle atoms); NUL refused. Errors never show the secret.
pub fn password(enc: &mut Encoder, value: &Secret) -> Result<(), EncodeError> {
    enc.string_as("password", value.expose(), true)
}

/// `raw`: the caller's own text, written verbatim (the escape hatch);
/// CR, LF and NUL are refused so it cannot split the command.
pub fn raw(enc: &mut Encoder, value: &String) -> Result<(), EncodeError> {
    let bytes = value.as_bytes();
    if let Some(offset) = bytes.iter().position(|&b| b == b'\r' || b == b'\n') {
        return Err(EncodeError::LineBreak {
            what: "raw",
            value: show(bytes),
            offset,
        });
    }
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(EncodeError::Nul {
            what: "raw",
            value: show(bytes),
            offset,
        });
    }
    enc.token(value);
    Ok(())
}
