//! `[[command]]`: states, behaviour, arguments (required, setters,
//! optional, switches, groups), the responses collected and the output
//! assembled from them.

use toml::Spanned;

use super::names::{ident, type_taken, Names};
use super::vocabulary::{arg_type, path};
use super::{Source, Vocabulary};
use crate::error::Error;
use crate::model::{self, ArgKind, Model};
use crate::raw;
use crate::rust;

/// A command's builder and output struct must not take the name of another
/// generated type (the LIST builder and a LIST response struct `List`).
pub(super) fn type_name_free(
    source: &Source,
    model: &Model,
    raw: &raw::Command,
    c: &model::Command,
) -> Result<(), Error> {
    let output = match &c.output {
        model::Output::Struct { ident, .. } => Some(ident.as_str()),
        _ => None,
    };
    if let model::Output::Struct { ident, fields, .. } = &c.output {
        let earlier = model.commands.iter().find_map(|other| match &other.output {
            model::Output::Struct {
                ident: i,
                fields: f,
                ..
            } if i == ident => Some((other, f)),
            _ => None,
        });
        if let Some((other, other_fields)) = earlier {
            if shape(other_fields) != shape(fields) {
                return Err(source.error(
                    &raw.name,
                    format!("the fields of `{ident}` as `{}` declares them", other.name),
                    "other fields for the same output struct",
                ));
            }
        }
    }
    for name in std::iter::once(c.ident.as_str()).chain(output) {
        if let Some(clash) = type_taken(model, name, output) {
            return Err(source.error(
                &raw.name,
                "names for the builder and output struct that no other generated type has",
                format!("`{name}`, already {clash}"),
            ));
        }
    }
    Ok(())
}

/// What must agree between commands sharing an output struct.
pub(super) fn shape(fields: &[model::OutputField]) -> Vec<(&str, &str, bool, bool, bool)> {
    fields
        .iter()
        .map(|f| {
            (
                f.ident.as_str(),
                f.from.name.as_str(),
                f.from.is_code,
                f.required,
                f.all,
            )
        })
        .collect()
}

fn kind_variant(
    source: &Source,
    kinds: &[model::Kind],
    what: &str,
    raw: &Spanned<String>,
) -> Result<String, Error> {
    match kinds.iter().find(|k| &k.name == raw.get_ref()) {
        Some(k) => Ok(k.variant.clone()),
        None => {
            let known: Vec<&str> = kinds.iter().map(|k| k.name.as_str()).collect();
            Err(source.error(
                raw,
                format!("a {what} ({})", known.join(", ")),
                format!("`{}`", raw.get_ref()),
            ))
        }
    }
}

pub(super) fn response_ref(
    source: &Source,
    model: &Model,
    raw: &Spanned<String>,
) -> Result<model::ResponseRef, Error> {
    let (name, list, is_code) = match raw.get_ref().strip_prefix("code:") {
        Some(code) => (code, &model.codes, true),
        None => (raw.get_ref().as_str(), &model.responses, false),
    };
    match list.iter().find(|r| r.name.eq_ignore_ascii_case(name)) {
        Some(r) => Ok(model::ResponseRef {
            name: r.name.clone(),
            is_code,
            variant: r.variant.clone(),
            value: r.value.clone(),
            field: None,
        }),
        None => Err(source.error(
            raw,
            if is_code {
                "a declared response code"
            } else {
                "a declared response (or `code:NAME`)"
            },
            format!("`{}`", raw.get_ref()),
        )),
    }
}

pub(super) fn commands(
    source: &Source,
    vocabulary: &Vocabulary,
    model: &Model,
    spec: &str,
    raw: &raw::Command,
) -> Result<Vec<model::Command>, Error> {
    let states = raw
        .states
        .get_ref()
        .iter()
        .map(|s| kind_variant(source, &vocabulary.states, "state", s))
        .collect::<Result<Vec<_>, _>>()?;
    if states.is_empty() {
        return Err(source.error(&raw.states, "at least one state", "`[]`"));
    }
    let on_ok = raw
        .on_ok
        .as_ref()
        .map(|s| kind_variant(source, &vocabulary.states, "state", s))
        .transpose()?;
    let on_no = raw
        .on_no
        .as_ref()
        .map(|s| kind_variant(source, &vocabulary.states, "state", s))
        .transpose()?;
    let behaviour = match &raw.behaviour {
        Some(b) => kind_variant(source, &vocabulary.behaviours, "behaviour", b)?,
        None => vocabulary
            .behaviours
            .first()
            .map(|b| b.variant.clone())
            .ok_or_else(|| source.error(&raw.name, "a behaviour in types.toml", "none"))?,
    };
    let args = args(source, vocabulary, raw)?;
    let scope = scope(source, raw, &args)?;
    let takes_sequence_set = args
        .iter()
        .any(|arg| arg.ty.as_ref().is_some_and(|ty| ty.name == "sequence-set"));
    let collects = raw
        .collects
        .iter()
        .map(|c| {
            if c.get_ref().starts_with("code:") {
                return Err(source.error(
                    c,
                    "an untagged response (codes are always seen)",
                    format!("`{}`", c.get_ref()),
                ));
            }
            response_ref(source, model, c)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let output = output(source, model, &collects, raw)?;
    let name = raw.name.get_ref().to_ascii_uppercase();
    let method = method(source, raw)?;
    let named_method = matches!(
        raw.method.as_ref().map(|m| m.get_ref()),
        Some(raw::Method::Named(_))
    );
    // The Rust names come from `rust_name` when the wire name makes a poor
    // one (GETQUOTAROOT: `GetQuotaRoot`) or a second builder shares it
    // (SEARCH RETURN beside SEARCH).
    let named = raw.rust_name.as_ref().unwrap_or(&raw.name);
    let base = ident(source, named, rust::camel(named.get_ref()))?;
    let mut variants = vec![(name.clone(), base.clone(), method.clone())];
    if raw.uid_variant {
        // `uid_` before the name, which was raw if a keyword (`r#move`).
        let uid_method = method
            .as_deref()
            .map(|m| rust::snake(&format!("uid_{}", m.trim_start_matches("r#"))));
        variants.push((format!("UID {name}"), format!("Uid{base}"), uid_method));
    }
    variants
        .into_iter()
        .map(|(wire, ident, method)| {
            // RFC 3501 section 7.4.1: a UID command may get EXPUNGE; the
            // others use sequence numbers if they have a UID variant
            // (SEARCH's results) or take a sequence set.
            let uid = wire.starts_with("UID ");
            Ok(model::Command {
                sequence_numbers: !uid && (raw.uid_variant || takes_sequence_set),
                may_expunge: uid || raw.sends_expunge.unwrap_or(true),
                scope: scope.clone(),
                alias: alias(&wire, method.as_deref(), named_method),
                ident,
                method,
                doc: raw.doc.clone(),
                name: wire,
                spec: spec.to_owned(),
                states: states.clone(),
                on_ok: on_ok.clone(),
                on_no: on_no.clone(),
                behaviour: behaviour.clone(),
                capability: raw.capability.clone(),
                base: base.clone(),
                args: args.clone(),
                collects: collects.clone(),
                output: output.clone(),
            })
        })
        .collect()
}

/// `scope`: the argument whose messages or mailbox the command's data are
/// about, or its tag. Exactly one key, naming an argument of the right type.
fn scope(source: &Source, raw: &raw::Command, args: &[model::Arg]) -> Result<model::Scope, Error> {
    let Some(spanned) = &raw.scope else {
        return Ok(model::Scope::Any);
    };
    let scope = spanned.get_ref();
    let named = |name: &Spanned<String>, grammar: &str| {
        let found = args
            .iter()
            .find(|arg| arg.name == *name.get_ref())
            .filter(|arg| arg.ty.as_ref().is_some_and(|ty| ty.name == grammar));
        match found {
            Some(arg) => Ok((arg.ident.clone(), arg.kind)),
            None => Err(source.error(
                name,
                format!("an argument of the command of type `{grammar}`"),
                format!("`{}`", name.get_ref()),
            )),
        }
    };
    let required = |name: &Spanned<String>, grammar: &str| {
        let (ident, kind) = named(name, grammar)?;
        match kind {
            model::ArgKind::Required => Ok(ident),
            _ => Err(source.error(name, "a required argument", "an optional one")),
        }
    };
    let one = (&scope.messages, &scope.mailbox, scope.tag);
    match (one, &scope.pattern, &scope.reference) {
        ((Some(messages), None, None), None, None) => {
            named(messages, "sequence-set").map(|(a, k)| model::Scope::Messages(a, k))
        }
        ((None, Some(mailbox), None), None, None) => {
            named(mailbox, "mailbox").map(|(a, k)| model::Scope::Mailbox(a, k))
        }
        ((None, None, Some(true)), None, None) => Ok(model::Scope::Tag),
        ((None, None, None), Some(pattern), Some(reference)) => Ok(model::Scope::Pattern {
            reference: required(reference, "mailbox")?,
            pattern: required(pattern, "list-mailbox")?,
        }),
        _ => Err(source.error(
            spanned,
            "one of `messages = \"arg\"`, `mailbox = \"arg\"`, `pattern = \"arg\", reference = \"arg\"` or `tag = true`",
            "another combination",
        )),
    }
}

/// The wire name in lower case, for a method found by it in the docs: one
/// whose name splits the wire name into words (`get_acl`) or that `method`
/// names (`move_to`). Not for a second builder's (`search_return`) nor a
/// UID variant (no alias holds a space).
fn alias(wire: &str, method: Option<&str>, named: bool) -> Option<String> {
    let wire = wire.to_ascii_lowercase();
    let method = method?;
    let split = method.replace('_', "") == wire;
    (method != wire && !wire.contains(' ') && (split || named)).then_some(wire)
}

/// The client method's name: the builder's in snake_case, the one
/// `method` gives, or none (`method = false`).
fn method(source: &Source, raw: &raw::Command) -> Result<Option<String>, Error> {
    let named = raw.rust_name.as_ref().unwrap_or(&raw.name);
    match raw.method.as_ref().map(|m| (m, m.get_ref())) {
        None | Some((_, raw::Method::Generated(true))) => {
            Ok(Some(ident(source, named, rust::snake(named.get_ref()))?))
        }
        Some((_, raw::Method::Generated(false))) => Ok(None),
        Some((at, raw::Method::Named(name))) => {
            let snake = rust::snake(name);
            if &snake != name || !rust::is_ident(name) {
                return Err(source.error(
                    at,
                    "a method name in snake_case that is not a keyword",
                    format!("`{name}`"),
                ));
            }
            Ok(Some(snake))
        }
    }
}

pub(super) fn args(
    source: &Source,
    vocabulary: &Vocabulary,
    raw: &raw::Command,
) -> Result<Vec<model::Arg>, Error> {
    let mut names = Names::default();
    let mut args: Vec<model::Arg> = Vec::new();
    for a in &raw.args {
        if let Some(after) = &a.after {
            return Err(source.error(
                after,
                "arguments in wire order (`after` is for `[[extend]]`)",
                "`after`",
            ));
        }
        names.unique(source, "argument", &a.name)?;
        for s in &a.setters {
            names.unique(source, "argument", &s.name)?;
        }
        let made = arg(source, vocabulary, a, None)?;
        in_group(source, raw.name.get_ref(), &args, a, &made)?;
        args.push(made);
    }
    Ok(args)
}

/// One argument; `capability` is the extension's that added it.
pub(super) fn arg(
    source: &Source,
    vocabulary: &Vocabulary,
    a: &raw::Arg,
    capability: Option<&String>,
) -> Result<model::Arg, Error> {
    let has_prefix = a.prefix.as_deref().is_some_and(|p| !p.trim().is_empty());
    let kind = match (&a.ty, a.group, a.optional, a.setter) {
        (Some(ty), true, _, _) => return Err(source.error(ty, "a group without `type`", "`type`")),
        (None, _, _, true) => {
            return Err(source.error(
                &a.name,
                "`type` for an argument given with a setter",
                "none",
            ))
        }
        (None, true, optional, false) => ArgKind::Group { optional },
        (None, false, _, false) if !has_prefix => {
            return Err(source.error(&a.name, "`type`, or a `prefix` for a switch", "neither"))
        }
        (None, false, _, false) => ArgKind::Switch,
        (Some(_), false, true, true) => {
            return Err(source.error(&a.name, "`optional` or `setter`", "both"))
        }
        (Some(_), false, true, false) => ArgKind::Optional,
        (Some(_), false, false, true) => ArgKind::Setter,
        (Some(_), false, false, false) if !a.setters.is_empty() => ArgKind::Setter,
        (Some(_), false, false, false) => ArgKind::Required,
    };
    if let (None, Some(first)) = (&a.ty, a.setters.first()) {
        return Err(source.error(
            &first.name,
            "setters for an argument with a `type`",
            "a switch or group with `setters`",
        ));
    }
    let setters = a
        .setters
        .iter()
        .map(|s| {
            Ok(model::Setter {
                ident: ident(source, &s.name, rust::snake(s.name.get_ref()))?,
                doc: s.doc.clone(),
                call: path(&vocabulary.root, source, &s.call)?,
                params: s
                    .params
                    .iter()
                    .map(|p| {
                        Ok(model::Param {
                            ident: ident(source, &p.name, rust::snake(p.name.get_ref()))?,
                            ty: arg_type(source, vocabulary, &p.ty)?,
                            search_arg: None,
                        })
                    })
                    .collect::<Result<_, Error>>()?,
            })
        })
        .collect::<Result<_, Error>>()?;
    let ty =
        a.ty.as_ref()
            .map(|ty| arg_type(source, vocabulary, ty))
            .transpose()?;
    Ok(model::Arg {
        name: a.name.get_ref().clone(),
        ident: ident(source, &a.name, rust::snake(a.name.get_ref()))?,
        doc: a.doc.clone(),
        capability: needs(source, a, ty.as_ref(), capability)?,
        ty,
        kind,
        group: a
            .group_of
            .as_ref()
            .map(|g| ident(source, g, rust::snake(g.get_ref())))
            .transpose()?,
        prefix: a
            .prefix
            .as_deref()
            .map(|p| p.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default(),
        setters,
    })
}

/// The capability an argument needs when given: its own `capability`
/// (where `{value}` stands for the value's atom: `THREAD={value}`), else
/// `extension`'s, the capability of the `[[extend]]` that added it.
fn needs(
    source: &Source,
    a: &raw::Arg,
    ty: Option<&model::ArgType>,
    extension: Option<&String>,
) -> Result<Option<model::Needs>, Error> {
    let Some(own) = &a.capability else {
        return Ok(extension.map(|c| model::Needs::Name(c.clone())));
    };
    let text = own.get_ref();
    if text.is_empty() || text.replacen("{value}", "", 1).contains(['{', '}', ' ']) {
        return Err(source.error(
            own,
            "a capability name, with at most one `{value}`",
            format!("`{text}`"),
        ));
    }
    let Some((before, after)) = text.split_once("{value}") else {
        return Ok(Some(model::Needs::Name(text.clone())));
    };
    if !ty.is_some_and(|t| t.atom.is_some()) {
        let found = match &a.ty {
            Some(t) => format!("`{text}` for `{}`", t.get_ref()),
            None => format!("`{text}` for an argument without type"),
        };
        return Err(source.error(
            own,
            "`{value}` only for a type with `atom` in types.toml",
            found,
        ));
    }
    Ok(Some(model::Needs::Value {
        before: before.to_owned(),
        after: after.to_owned(),
    }))
}

/// A member of a group (`in = "..."`) names a group argument of the
/// command, and is not a group itself. Members are options, or required:
/// in a group always written, the group holds them (`(url)`); in an
/// optional group, they are written bare unless an option is set, which
/// puts the parentheses around all (RFC 5524's `url-full / "(" url-full
/// url-fetch-args ")"`); such a group has no `prefix`.
pub(super) fn in_group(
    source: &Source,
    command: &str,
    args: &[model::Arg],
    raw: &raw::Arg,
    made: &model::Arg,
) -> Result<(), Error> {
    let (Some(group), Some(at)) = (&made.group, &raw.group_of) else {
        return Ok(());
    };
    let is_group = |a: &&model::Arg| matches!(a.kind, ArgKind::Group { .. });
    let Some(parent) = args.iter().filter(is_group).find(|a| &a.ident == group) else {
        let groups: Vec<&str> = args
            .iter()
            .filter(is_group)
            .map(|a| a.name.as_str())
            .collect();
        return Err(source.error(
            at,
            format!(
                "a group argument of `{command}` ({})",
                if groups.is_empty() {
                    "it has none".to_owned()
                } else {
                    groups.join(", ")
                }
            ),
            format!("`{}`", at.get_ref()),
        ));
    };
    match (&made.kind, &parent.kind) {
        (ArgKind::Group { .. }, _) => {
            Err(source.error(&raw.name, "an argument inside a group", "a group"))
        }
        (ArgKind::Required, ArgKind::Group { optional: true }) if !parent.prefix.is_empty() => {
            Err(source.error(
                &raw.name,
                "options only, in an optional group with a `prefix`",
                "a required argument",
            ))
        }
        _ => Ok(()),
    }
}

pub(super) fn output(
    source: &Source,
    model: &Model,
    collects: &[model::ResponseRef],
    raw: &raw::Command,
) -> Result<model::Output, Error> {
    let Some(out) = &raw.output else {
        return Ok(model::Output::Unit);
    };
    // `all` and `one` read untagged data; a code goes in a struct field.
    let collected = |r: &Spanned<String>| -> Result<model::ResponseRef, Error> {
        let found = response_ref(source, model, r)?;
        if found.is_code {
            return Err(source.error(
                r,
                "an untagged response (a response code goes in a `struct` output's field)",
                format!("`{}`", r.get_ref()),
            ));
        }
        if !collects.iter().any(|c| c.name == found.name) {
            return Err(source.error(
                r,
                "a response listed in `collects`",
                format!("`{}`", r.get_ref()),
            ));
        }
        Ok(found)
    };
    if out.or_default && out.one.is_none() {
        return Err(source.error(
            &raw.name,
            "`or_default` only with `one`",
            "`or_default` with another output",
        ));
    }
    match (&out.name, &out.all, &out.one) {
        (Some(name), None, None) => {
            let mut names = Names::default();
            let fields = out
                .fields
                .iter()
                .map(|f| {
                    names.unique(source, "field", &f.name)?;
                    output_field(source, model, collects, f)
                })
                .collect::<Result<_, Error>>()?;
            Ok(model::Output::Struct {
                ident: ident(source, name, rust::camel(name.get_ref()))?,
                doc: out.doc.clone().unwrap_or_default(),
                fields,
            })
        }
        (None, Some(all), None) => {
            let from = collected(all)?;
            if out.flatten && !from.value.as_deref().is_some_and(|v| v.starts_with("Vec<")) {
                return Err(source.error(
                    all,
                    "a response whose value is a list, with `flatten`",
                    format!("`{}`", all.get_ref()),
                ));
            }
            Ok(model::Output::All {
                from,
                flatten: out.flatten,
                via: Vec::new(),
            })
        }
        (None, None, Some(one)) => Ok(model::Output::One {
            from: collected(one)?,
            or_default: out.or_default,
        }),
        _ => Err(source.error(
            &raw.name,
            "an output with exactly one of `struct`, `all`, `one`",
            "another combination",
        )),
    }
}

/// A field of an output struct, from a collected response or a code.
pub(super) fn output_field(
    source: &Source,
    model: &Model,
    collects: &[model::ResponseRef],
    f: &raw::OutputField,
) -> Result<model::OutputField, Error> {
    let from = response_ref(source, model, &f.from)?;
    if !from.is_code && !collects.iter().any(|c| c.name == from.name) {
        return Err(source.error(
            &f.from,
            "a response listed in `collects`",
            format!("`{}`", f.from.get_ref()),
        ));
    }
    if from.value.is_none() && f.required {
        return Err(source.error(
            &f.from,
            "a response with a value for a required field",
            "a flag code",
        ));
    }
    if from.value.is_none() && f.all {
        return Err(source.error(&f.from, "a response with a value for `all`", "a flag code"));
    }
    if f.required && f.all {
        return Err(source.error(&f.name, "`required` or `all`", "both"));
    }
    Ok(model::OutputField {
        ident: ident(source, &f.name, rust::snake(f.name.get_ref()))?,
        doc: f.doc.clone(),
        from,
        required: f.required,
        all: f.all,
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{command, error, model};
    use crate::model::{ArgKind, Needs};

    #[test]
    fn rust_name_names_the_builder_and_its_method() {
        let spec = command("rust_name = \"XGetAll\"\nuid_variant = true");
        let model = model(&spec);
        let names: Vec<(&str, Option<&str>, Option<&str>)> = model
            .commands
            .iter()
            .map(|c| (c.ident.as_str(), c.method.as_deref(), c.alias.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                ("XGetAll", Some("x_get_all"), None),
                ("UidXGetAll", Some("uid_x_get_all"), None),
            ]
        );
    }

    #[test]
    fn a_method_that_splits_the_wire_name_is_found_by_it() {
        let spec = command("rust_name = \"XcMd\"");
        let c = &model(&spec).commands[0];
        assert_eq!(c.method.as_deref(), Some("xc_md"));
        assert_eq!(c.alias.as_deref(), Some("xcmd"));
    }

    #[test]
    fn method_names_the_method_and_its_uid_variant() {
        let spec = command("method = \"xcmd_to\"\nuid_variant = true");
        let model = model(&spec);
        let methods: Vec<Option<&str>> =
            model.commands.iter().map(|c| c.method.as_deref()).collect();
        assert_eq!(methods, [Some("xcmd_to"), Some("uid_xcmd_to")]);
        assert_eq!(model.commands[0].alias.as_deref(), Some("xcmd"));
        assert_eq!(model.commands[1].alias, None, "an alias holds no space");
    }

    #[test]
    fn method_false_gives_no_method() {
        assert_eq!(model(&command("method = false")).commands[0].method, None);
    }

    #[test]
    fn a_keyword_method_is_raw_and_its_uid_variant_is_not() {
        let spec = command("uid_variant = true").replace("XCMD", "MOVE");
        let methods: Vec<Option<String>> = model(&spec)
            .commands
            .iter()
            .map(|c| c.method.clone())
            .collect();
        assert_eq!(
            methods,
            [Some("r#move".to_owned()), Some("uid_move".to_owned())]
        );
    }

    #[test]
    fn a_method_name_is_snake_case() {
        assert_eq!(
            error(&command("method = \"MoveTo\"")),
            "expected a method name in snake_case that is not a keyword, found `MoveTo`"
        );
    }

    fn algorithm_arg(capability: &str, ty: &str) -> String {
        command(&format!(
            "args = [{{ name = \"algorithm\", type = \"{ty}\", capability = \"{capability}\", doc = \"d\" }}]"
        ))
    }

    #[test]
    fn a_capability_may_name_the_value() {
        let model = model(&algorithm_arg("XTHREAD={value}", "thread-algorithm"));
        let arg = &model.commands[0].args[0];
        assert_eq!(
            arg.capability,
            Some(Needs::Value {
                before: "XTHREAD=".into(),
                after: String::new()
            })
        );
        assert_eq!(arg.kind, ArgKind::Required);
    }

    #[test]
    fn a_capability_naming_the_value_needs_a_type_with_atom() {
        assert_eq!(
            error(&algorithm_arg("X={value}", "astring")),
            "expected `{value}` only for a type with `atom` in types.toml, found `X={value}` for `astring`"
        );
    }

    #[test]
    fn a_capability_names_the_value_once() {
        assert_eq!(
            error(&algorithm_arg("X={value}{value}", "thread-algorithm")),
            "expected a capability name, with at most one `{value}`, found `X={value}{value}`"
        );
        assert_eq!(
            error(&algorithm_arg("X={algorithm}", "thread-algorithm")),
            "expected a capability name, with at most one `{value}`, found `X={algorithm}`"
        );
    }

    #[test]
    fn an_argument_needs_no_capability_unless_told() {
        let spec =
            command("args = [{ name = \"n\", type = \"number\", optional = true, doc = \"d\" }]");
        assert_eq!(model(&spec).commands[0].args[0].capability, None);
    }

    #[test]
    fn a_setter_argument_needs_a_type() {
        let spec = command("args = [{ name = \"s\", setter = true, prefix = \"S\", doc = \"d\" }]");
        assert_eq!(
            error(&spec),
            "expected `type` for an argument given with a setter, found none"
        );
    }

    #[test]
    fn an_optional_group_may_hold_a_required_member() {
        let spec = command(
            "args = [{ name = \"g\", group = true, optional = true, doc = \"d\" }, \
             { name = \"n\", type = \"number\", in = \"g\", doc = \"d\" }, \
             { name = \"s\", prefix = \"S\", in = \"g\", doc = \"d\" }]",
        );
        let args = &model(&spec).commands[0].args;
        assert_eq!(args[0].kind, ArgKind::Group { optional: true });
        assert_eq!(args[1].kind, ArgKind::Required);
        assert_eq!(args[1].group.as_deref(), Some("g"));
    }

    #[test]
    fn an_optional_group_with_a_prefix_holds_options_only() {
        let spec = command(
            "args = [{ name = \"g\", group = true, optional = true, prefix = \"P\", doc = \"d\" }, \
             { name = \"n\", type = \"number\", in = \"g\", doc = \"d\" }]",
        );
        assert_eq!(
            error(&spec),
            "expected options only, in an optional group with a `prefix`, found a required argument"
        );
    }

    #[test]
    fn a_group_always_written_may_hold_a_required_member() {
        let spec = command(
            "args = [{ name = \"g\", group = true, doc = \"d\" }, \
             { name = \"n\", type = \"number\", in = \"g\", doc = \"d\" }, \
             { name = \"s\", prefix = \"S\", in = \"g\", doc = \"d\" }]",
        );
        let args = &model(&spec).commands[0].args;
        assert_eq!(args[1].kind, ArgKind::Required);
        assert_eq!(args[1].group.as_deref(), Some("g"));
    }

    #[test]
    fn a_group_is_not_inside_a_group() {
        let spec = command(
            "args = [{ name = \"g\", group = true, doc = \"d\" }, \
             { name = \"h\", group = true, in = \"g\", doc = \"d\" }]",
        );
        assert_eq!(
            error(&spec),
            "expected an argument inside a group, found a group"
        );
    }

    #[test]
    fn an_output_reads_collected_responses() {
        let spec = format!(
            "{}[[response]]\nname = \"XDATA\"\ndoc = \"d\"\n",
            command("output = { one = \"XDATA\" }")
        );
        assert_eq!(
            error(&spec),
            "expected a response listed in `collects`, found `XDATA`"
        );
    }
}
