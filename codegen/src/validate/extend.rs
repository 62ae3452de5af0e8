//! `[[extend]]`: an extension's additions to a command or a response that
//! any spec file declares (CONDSTORE's `(CHANGEDSINCE n)` on FETCH, the
//! extended data of LIST-EXTENDED on LIST).

use toml::Spanned;

use super::commands::{arg, in_group, output_field, response_ref, shape};
use super::names::{ident, type_taken};
use super::responses::fields;
use super::{Source, Vocabulary};
use crate::error::Error;
use crate::model::{self, Model};
use crate::raw;

type Pending<'a> = (&'a Source, &'a Spanned<raw::Extend>);

/// Applies every `[[extend]]` of every file. One may build on another
/// (LIST-STATUS puts its option into LIST-EXTENDED's group), so those that
/// do not resolve yet are retried while others make progress.
pub(super) fn apply(
    vocabulary: &Vocabulary,
    model: &mut Model,
    sources: &[Source],
    specs: &[raw::SpecFile],
) -> Result<(), Error> {
    let mut pending: Vec<Pending<'_>> = sources
        .iter()
        .zip(specs)
        .flat_map(|(source, spec)| spec.extends.iter().map(move |e| (source, e)))
        .collect();
    let mut applied = Vec::new();
    while !pending.is_empty() {
        let before = pending.len();
        let mut first_error = None;
        let mut left = Vec::new();
        for (source, extend) in pending {
            match one(vocabulary, model, source, extend) {
                Ok(()) => applied.push((source, extend)),
                Err(error) => {
                    first_error.get_or_insert(error);
                    left.push((source, extend));
                }
            }
        }
        if left.len() == before {
            if let Some(error) = first_error {
                return Err(error);
            }
        }
        pending = left;
    }
    shared_structs_agree(model, &applied)
}

fn one(
    vocabulary: &Vocabulary,
    model: &mut Model,
    source: &Source,
    extend: &Spanned<raw::Extend>,
) -> Result<(), Error> {
    let e = extend.get_ref();
    match (&e.command, &e.response) {
        (Some(command), None) => extend_command(vocabulary, model, source, e, command),
        (None, Some(response)) => extend_response(vocabulary, model, source, e, response),
        (Some(_), Some(response)) => Err(source.error(response, "`command` or `response`", "both")),
        (None, None) => Err(source.error(extend, "`command` or `response`", "neither")),
    }
}

/// The commands an `[[extend]]` names, with their UID variant: those whose
/// builder has that name (ignoring case: `STORE` is `Store`, not
/// `ConditionalStore`; `GETACL` is `GetAcl`), else those of that wire name
/// (`THREAD` is `ThreadCommand`, whose name a runtime type took).
fn targets(model: &Model, name: &str) -> Vec<usize> {
    let matching = |matches: &dyn Fn(&model::Command) -> bool| -> Vec<usize> {
        model
            .commands
            .iter()
            .enumerate()
            .filter(|(_, c)| matches(c))
            .map(|(index, _)| index)
            .collect()
    };
    let rust = crate::rust::camel(name);
    let by_builder = matching(&|c| c.base.eq_ignore_ascii_case(&rust));
    if !by_builder.is_empty() {
        return by_builder;
    }
    matching(&|c| wire_base(c).eq_ignore_ascii_case(name))
}

/// The wire name without the `UID` of a UID variant (`UID EXPUNGE`, a
/// command of its own, keeps it).
fn wire_base(c: &model::Command) -> &str {
    let is_variant = c.ident.strip_prefix("Uid") == Some(c.base.as_str());
    match c.name.strip_prefix("UID ") {
        Some(wire) if is_variant => wire,
        _ => &c.name,
    }
}

fn extend_command(
    vocabulary: &Vocabulary,
    model: &mut Model,
    source: &Source,
    e: &raw::Extend,
    name: &Spanned<String>,
) -> Result<(), Error> {
    let indices = targets(model, name.get_ref());
    if indices.is_empty() {
        let mut known: Vec<&str> = model.commands.iter().map(wire_base).collect();
        known.dedup();
        return Err(source.error(
            name,
            format!("a command of these spec files ({})", known.join(", ")),
            format!("`{}`", name.get_ref()),
        ));
    }
    if let Some(field) = e.fields.first() {
        return Err(source.error(
            &field.name,
            "`output` fields for a command (`fields` extend a response)",
            "`fields`",
        ));
    }
    if let Some(s) = &e.struct_name {
        return Err(source.error(s, "`struct` only when extending a response", "`struct`"));
    }
    if e.capability.is_none() && !e.args.is_empty() {
        return Err(source.error(
            name,
            "`capability`: what the server must advertise for the new arguments",
            "none",
        ));
    }
    let mut changed = Vec::new();
    for index in indices {
        let Some(command) = model.commands.get(index) else {
            continue;
        };
        let mut command = command.clone();
        add_args(vocabulary, source, e, &mut command)?;
        add_collects(model, source, e, &mut command)?;
        add_output(model, source, e, &mut command)?;
        add_values(vocabulary, source, e, &mut command)?;
        changed.push((index, command));
    }
    for (index, command) in changed {
        if let Some(slot) = model.commands.get_mut(index) {
            *slot = command;
        }
    }
    Ok(())
}

fn add_args(
    vocabulary: &Vocabulary,
    source: &Source,
    e: &raw::Extend,
    command: &mut model::Command,
) -> Result<(), Error> {
    // Where the arguments without `after` go: right after the name, in
    // the order given.
    let mut front = 0;
    for a in &e.args {
        if !a.optional {
            return Err(source.error(
                &a.name,
                "an optional argument (an extension adds only those)",
                "one without `optional = true`",
            ));
        }
        let made = arg(source, vocabulary, a, e.capability.as_ref())?;
        let names = std::iter::once(&a.name).chain(a.setters.iter().map(|s| &s.name));
        for new in names {
            let taken = command.args.iter().any(|old| {
                old.name.eq_ignore_ascii_case(new.get_ref())
                    || old
                        .setters
                        .iter()
                        .any(|s| s.ident == crate::rust::snake(new.get_ref()))
            });
            if taken {
                return Err(source.error(
                    new,
                    format!("an argument name `{}` does not have yet", command.name),
                    format!("`{}`", new.get_ref()),
                ));
            }
        }
        in_group(source, &command.name, &command.args, a, &made)?;
        let position = position(source, command, a, &made, front)?;
        if position <= front {
            front += 1;
        }
        command.args.insert(position, made);
    }
    Ok(())
}

/// The index a new argument takes: after its `after`, at the end of its
/// group, or at `front`.
fn position(
    source: &Source,
    command: &model::Command,
    raw: &raw::Arg,
    made: &model::Arg,
    front: usize,
) -> Result<usize, Error> {
    let group = made.group.as_deref();
    // The last index held by an argument or its members.
    let end_of = |index: usize| -> usize {
        let ident = command.args.get(index).map(|a| a.ident.as_str());
        command
            .args
            .iter()
            .enumerate()
            .filter(|(_, a)| a.group.is_some() && a.group.as_deref() == ident)
            .map(|(i, _)| i)
            .max()
            .unwrap_or(index)
    };
    match (&raw.after, group) {
        (Some(after), _) => {
            let found = command
                .args
                .iter()
                .position(|a| a.name == *after.get_ref() && a.group.as_deref() == group);
            match found {
                Some(index) => Ok(end_of(index) + 1),
                None => {
                    let siblings: Vec<&str> = command
                        .args
                        .iter()
                        .filter(|a| a.group.as_deref() == group)
                        .map(|a| a.name.as_str())
                        .collect();
                    let place = match group {
                        Some(g) => format!("an argument of the group `{g}` of `{}`", command.name),
                        None => format!("an argument of `{}`", command.name),
                    };
                    Err(source.error(
                        after,
                        format!("{place} ({})", siblings.join(", ")),
                        format!("`{}`", after.get_ref()),
                    ))
                }
            }
        }
        (None, Some(g)) => {
            let index = command.args.iter().position(|a| a.ident == g).unwrap_or(0);
            Ok(end_of(index) + 1)
        }
        (None, None) => Ok(front),
    }
}

fn add_collects(
    model: &Model,
    source: &Source,
    e: &raw::Extend,
    command: &mut model::Command,
) -> Result<(), Error> {
    for c in &e.collects {
        if c.get_ref().starts_with("code:") {
            return Err(source.error(
                c,
                "an untagged response (codes are always seen)",
                format!("`{}`", c.get_ref()),
            ));
        }
        let found = response_ref(source, model, c)?;
        if command.collects.iter().any(|old| old.name == found.name) {
            return Err(source.error(
                c,
                format!("a response `{}` does not collect yet", command.name),
                format!("`{}`", c.get_ref()),
            ));
        }
        command.collects.push(found);
    }
    Ok(())
}

fn add_output(
    model: &Model,
    source: &Source,
    e: &raw::Extend,
    command: &mut model::Command,
) -> Result<(), Error> {
    let Some(first) = e.output.first() else {
        return Ok(());
    };
    let collects = command.collects.clone();
    let model::Output::Struct { fields, .. } = &mut command.output else {
        return Err(source.error(
            &first.name,
            "a command whose output is a struct, for `output` fields",
            format!("`{}`, whose output is not", command.name),
        ));
    };
    for f in &e.output {
        if f.required {
            return Err(source.error(
                &f.name,
                "an optional field (an extension adds only those)",
                "`required = true`",
            ));
        }
        let made = output_field(source, model, &collects, f)?;
        if fields.iter().any(|old| old.ident == made.ident) {
            return Err(source.error(
                &f.name,
                format!("a field name `{}` does not have yet", command.name),
                format!("`{}`", f.name.get_ref()),
            ));
        }
        fields.push(made);
    }
    Ok(())
}

/// `values`: more responses whose values join an `all` output, each
/// through a runtime function. The response must be collected.
fn add_values(
    vocabulary: &Vocabulary,
    source: &Source,
    e: &raw::Extend,
    command: &mut model::Command,
) -> Result<(), Error> {
    let Some(first) = e.values.first() else {
        return Ok(());
    };
    let model::Output::All { from, via, .. } = &mut command.output else {
        return Err(source.error(
            &first.from,
            "a command whose output is `all` of a response, for `values`",
            format!("`{}`, whose output is not", command.name),
        ));
    };
    for v in &e.values {
        let Some(found) = command
            .collects
            .iter()
            .find(|c| !c.is_code && c.name.eq_ignore_ascii_case(v.from.get_ref()))
        else {
            return Err(source.error(
                &v.from,
                format!("a response `{}` collects", command.name),
                format!("`{}`", v.from.get_ref()),
            ));
        };
        if found.name == from.name || via.iter().any(|(r, _)| r.name == found.name) {
            return Err(source.error(
                &v.from,
                "a response whose values are not taken yet",
                format!("`{}`", v.from.get_ref()),
            ));
        }
        via.push((
            found.clone(),
            super::vocabulary::path(&vocabulary.root, source, &v.via)?,
        ));
    }
    Ok(())
}

fn extend_response(
    vocabulary: &Vocabulary,
    model: &mut Model,
    source: &Source,
    e: &raw::Extend,
    name: &Spanned<String>,
) -> Result<(), Error> {
    if !e.args.is_empty() || !e.collects.is_empty() || !e.output.is_empty() || !e.values.is_empty()
    {
        return Err(source.error(
            name,
            "only `fields` when extending a response",
            "`args`, `collects` or `output`",
        ));
    }
    let Some(index) = model
        .responses
        .iter()
        .position(|r| r.name.eq_ignore_ascii_case(name.get_ref()))
    else {
        return Err(source.error(name, "a declared response", format!("`{}`", name.get_ref())));
    };
    let Some(response) = model.responses.get(index) else {
        return Ok(());
    };
    let added = fields(source, vocabulary, &e.fields)?;
    for (raw, field) in e.fields.iter().zip(&added) {
        if !field.optional {
            return Err(source.error(
                &raw.name,
                "an optional field (an extension adds only those)",
                "one without `optional = true`",
            ));
        }
        if response.fields.iter().any(|old| old.ident == field.ident) {
            return Err(source.error(
                &raw.name,
                format!("a field name `{}` does not have yet", response.name),
                format!("`{}`", raw.name.get_ref()),
            ));
        }
    }
    let shared = match (response.struct_ident.clone(), &e.struct_name) {
        (Some(shared), None) => shared,
        (None, Some(struct_name)) => give_struct(model, source, struct_name, index)?,
        (Some(shared), Some(struct_name)) => {
            return Err(source.error(
                struct_name,
                "no `struct`: the response has one",
                format!("`{shared}`"),
            ))
        }
        (None, None) => {
            return Err(source.error(
                name,
                "a response with a `struct`, or `struct` naming the one its value becomes",
                format!("`{}`, without", name.get_ref()),
            ))
        }
    };
    // Responses sharing the struct (LIST and LSUB) share its parser.
    for r in model
        .responses
        .iter_mut()
        .filter(|r| r.struct_ident.as_deref() == Some(&shared))
    {
        r.fields.extend(added.iter().cloned());
    }
    Ok(())
}

/// Turns the value of a response of one field into a struct that can gain
/// fields (SEARCH's numbers, and CONDSTORE's `(MODSEQ n)` after them).
/// Commands keep getting the field they were declared with.
fn give_struct(
    model: &mut Model,
    source: &Source,
    name: &Spanned<String>,
    index: usize,
) -> Result<String, Error> {
    let ident = ident(source, name, crate::rust::camel(name.get_ref()))?;
    if let Some(clash) = type_taken(model, &ident, None) {
        return Err(source.error(
            name,
            "a struct name no other generated type has",
            format!("`{ident}`, already {clash}"),
        ));
    }
    let Some(response) = model.responses.get_mut(index) else {
        return Err(source.error(name, "a declared response", "none"));
    };
    let field = match (
        response.fields.as_slice(),
        &response.number,
        &response.effect,
    ) {
        ([field], None, None) => field.ident.clone(),
        _ => {
            return Err(source.error(
                name,
                "`struct` for a response of one field, without number or effect",
                format!("`{}`", response.name),
            ))
        }
    };
    response.struct_ident = Some(ident.clone());
    response.value = Some(ident.clone());
    let wire = response.name.clone();
    for command in &mut model.commands {
        let outputs: Vec<&mut model::ResponseRef> = match &mut command.output {
            model::Output::Unit => Vec::new(),
            model::Output::Struct { fields, .. } => {
                fields.iter_mut().map(|f| &mut f.from).collect()
            }
            model::Output::All { from, via, .. } => std::iter::once(from)
                .chain(via.iter_mut().map(|(r, _)| r))
                .collect(),
            model::Output::One { from, .. } => vec![from],
        };
        for r in outputs
            .into_iter()
            .chain(command.collects.iter_mut())
            .filter(|r| !r.is_code && r.name == wire)
        {
            r.field = Some(field.clone());
        }
    }
    Ok(ident)
}

/// Commands sharing an output struct (SELECT and EXAMINE) must be
/// extended alike: the struct is emitted once.
fn shared_structs_agree(model: &Model, applied: &[Pending<'_>]) -> Result<(), Error> {
    for (source, extend) in applied {
        let Some(name) = &extend.get_ref().command else {
            continue;
        };
        for index in targets(model, name.get_ref()) {
            let Some(command) = model.commands.get(index) else {
                continue;
            };
            let model::Output::Struct { ident, fields, .. } = &command.output else {
                continue;
            };
            let other = model.commands.iter().find(|other| {
                matches!(&other.output, model::Output::Struct { ident: i, fields: f, .. }
                    if i == ident && shape(f) != shape(fields))
            });
            if let Some(other) = other {
                return Err(source.error(
                    name,
                    format!(
                        "the same additions to every command sharing the output struct `{ident}` (`{}` too)",
                        other.name
                    ),
                    format!("`{}` extended alone", command.name),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::models;
    use crate::model::Needs;

    /// imap4rev1-like commands: `XSTORE` and a second builder of its wire
    /// name, `XGETACL` named `XGetAcl`, `XTHREAD` named `XThreadCommand`.
    const COMMANDS: &str = r#"
[[command]]
name = "XSTORE"
doc = "d"
states = ["selected"]
uid_variant = true
[[command]]
name = "XSTORE"
rust_name = "XConditionalStore"
doc = "d"
states = ["selected"]
[[command]]
name = "XGETACL"
rust_name = "XGetAcl"
doc = "d"
states = ["selected"]
[[command]]
name = "XTHREAD"
rust_name = "XThreadCommand"
doc = "d"
states = ["selected"]
uid_variant = true
"#;

    fn extended(command: &str) -> Vec<String> {
        let extend = format!(
            "[[extend]]\ncommand = \"{command}\"\ncapability = \"XEXT\"\n\
             args = [{{ name = \"flag\", optional = true, prefix = \"XFLAG\", doc = \"d\" }}]\n"
        );
        let model = models(&[COMMANDS, &extend]).expect("valid");
        model
            .commands
            .iter()
            .filter(|c| c.args.iter().any(|a| a.name == "flag"))
            .map(|c| c.ident.clone())
            .collect()
    }

    #[test]
    fn a_wire_name_reaches_its_first_builder_and_uid_variant_only() {
        assert_eq!(extended("XSTORE"), ["Xstore", "UidXstore"]);
    }

    #[test]
    fn a_second_builder_is_reached_by_its_rust_name() {
        assert_eq!(extended("XConditionalStore"), ["XConditionalStore"]);
    }

    #[test]
    fn a_renamed_builder_is_reached_by_its_wire_name_whatever_the_case() {
        assert_eq!(extended("XGETACL"), ["XGetAcl"]);
        assert_eq!(extended("xgetacl"), ["XGetAcl"]);
    }

    #[test]
    fn a_builder_named_apart_from_its_wire_name_is_reached_by_the_wire_name() {
        assert_eq!(extended("XTHREAD"), ["XThreadCommand", "UidXThreadCommand"]);
    }

    #[test]
    fn extension_arguments_need_the_extension() {
        let extend = "[[extend]]\ncommand = \"XGETACL\"\ncapability = \"XEXT\"\n\
                      args = [{ name = \"flag\", optional = true, prefix = \"XFLAG\", doc = \"d\" }]\n";
        let model = models(&[COMMANDS, extend]).expect("valid");
        let arg = model
            .commands
            .iter()
            .flat_map(|c| &c.args)
            .find(|a| a.name == "flag")
            .expect("added");
        assert_eq!(arg.capability, Some(Needs::Name("XEXT".into())));
    }

    #[test]
    fn an_unknown_command_lists_the_wire_names() {
        let extend = "[[extend]]\ncommand = \"XNONE\"\ncapability = \"XEXT\"\n";
        let error = models(&[COMMANDS, extend])
            .map(drop)
            .unwrap_err()
            .to_string();
        assert!(
            error.ends_with(
                "expected a command of these spec files (XSTORE, XGETACL, XTHREAD), found `XNONE`"
            ),
            "{error}"
        );
    }
}
