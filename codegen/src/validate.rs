//! From the raw spec files to the [`Model`]: every name resolved, every
//! duplicate and unknown reference reported with its position.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use toml::Spanned;

use crate::error::{Error, Location};
use crate::model::{self, ArgKind, Model, Parse};
use crate::raw;
use crate::rust;

mod extend;

/// A file's name and text, to turn byte spans into positions.
pub(crate) struct Source {
    pub path: PathBuf,
    pub text: String,
}

impl Source {
    fn at(&self, span: std::ops::Range<usize>) -> Location {
        Location::at(&self.path, &self.text, span.start)
    }

    fn error<T>(
        &self,
        s: &Spanned<T>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Error {
        Error::spec(self.at(s.span()), expected, found)
    }

    fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        toml::from_str(&self.text).map_err(|e| Error::from_toml(&self.path, &self.text, &e))
    }
}

/// A grammar type of types.toml, resolved.
struct TypeEntry {
    arg: Option<model::ArgType>,
    search_arg: Option<String>,
    parsed: Option<model::ParsedType>,
}

/// The vocabulary read from types.toml.
struct Vocabulary {
    root: String,
    states: Vec<model::Kind>,
    behaviours: Vec<model::Kind>,
    effects: Vec<model::EffectKind>,
    types: BTreeMap<String, TypeEntry>,
}

/// Validates the types file and the spec files into one model.
pub(crate) fn validate(root: &str, types: &Source, specs: &[Source]) -> Result<Model, Error> {
    let raw_types: raw::TypesFile = types.parse()?;
    let runtime = runtime(root, types, &raw_types.runtime)?;
    let mut vocabulary = vocabulary(root, types, &raw_types)?;
    let raw_specs = specs
        .iter()
        .map(|s| s.parse::<raw::SpecFile>())
        .collect::<Result<Vec<_>, _>>()?;
    for (source, spec) in specs.iter().zip(&raw_specs) {
        for t in &spec.types {
            if vocabulary.types.contains_key(t.name.get_ref()) {
                return Err(source.error(
                    &t.name,
                    "a type name not declared before",
                    format!("`{}` again", t.name.get_ref()),
                ));
            }
            let entry = type_entry(root, source, t)?;
            vocabulary.types.insert(t.name.get_ref().clone(), entry);
        }
    }
    let mut model = Model {
        core: root == "crate",
        runtime,
        specs: Vec::new(),
        states: Vec::new(),
        behaviours: Vec::new(),
        effects: Vec::new(),
        commands: Vec::new(),
        responses: Vec::new(),
        codes: Vec::new(),
        search_keys: Vec::new(),
        fetch_atts: Vec::new(),
        status_atts: Vec::new(),
    };
    let mut names = Names::default();
    for (source, spec) in specs.iter().zip(&raw_specs) {
        let index = spec.spec.name.get_ref().as_str();
        model.specs.push(model::SpecInfo {
            name: spec.spec.name.get_ref().clone(),
            ident: rust::camel(spec.spec.name.get_ref()),
            doc: spec.spec.doc.clone(),
            rfc: spec.spec.rfc.clone(),
        });
        for response in &spec.responses {
            names.matched(source, "response", &response.name)?;
            let r = response_model(source, &vocabulary, index, response)?;
            model.responses.push(r);
        }
        for code in &spec.codes {
            names.matched(source, "code", &code.name)?;
            let c = code_model(source, &vocabulary, index, code)?;
            model.codes.push(c);
        }
        for key in &spec.search_keys {
            names.unique(source, "search key", &key.name)?;
            model
                .search_keys
                .push(search_key(source, &vocabulary, index, key)?);
        }
        for att in &spec.fetch_atts {
            let kind = if att.section.is_some() {
                "fetch attribute with section"
            } else {
                "fetch attribute"
            };
            names.matched(source, kind, &att.name)?;
            model
                .fetch_atts
                .push(fetch_att(source, &vocabulary, index, att)?);
        }
        for att in &spec.status_atts {
            names.matched(source, "status attribute", &att.name)?;
            let rust_name = att.rust_name.as_ref().unwrap_or(&att.name);
            model.status_atts.push(model::StatusAtt {
                name: att.name.get_ref().clone(),
                spec: index.to_owned(),
                ident: ident(source, rust_name, rust::snake(rust_name.get_ref()))?,
                doc: att.doc.clone(),
                value: parsed_type(source, &vocabulary, &att.ty)?,
            });
        }
    }
    for (source, spec) in specs.iter().zip(&raw_specs) {
        let index = spec.spec.name.get_ref().as_str();
        for command in &spec.commands {
            for c in commands(source, &vocabulary, &model, index, command)? {
                // A second builder of a wire name is told apart by its Rust name.
                let key = if command.rust_name.is_some() {
                    &c.ident
                } else {
                    &c.name
                };
                names.unique_command(source, &command.name, key)?;
                type_name_free(source, &model, command, &c)?;
                model.commands.push(c);
            }
        }
    }
    extend::apply(&vocabulary, &mut model, specs, &raw_specs)?;
    model.states = vocabulary.states;
    model.behaviours = vocabulary.behaviours;
    model.effects = vocabulary.effects;
    Ok(model)
}

/// Types the generator always defines.
const GENERATED_TYPES: &[&str] = &["Data", "Code", "Message", "StatusAttributes"];

/// A command's builder and output struct must not take the name of another
/// generated type (the LIST builder and a LIST response struct `List`).
fn type_name_free(
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

/// What already has the generated type name `name`, if anything: a type
/// the generator defines, a response or code struct, a builder, or the
/// output struct of a command (other than `own_output`, which commands
/// may share).
pub(crate) fn type_taken(model: &Model, name: &str, own_output: Option<&str>) -> Option<String> {
    let response = model
        .responses
        .iter()
        .chain(&model.codes)
        .find(|r| r.struct_ident.as_deref() == Some(name));
    let builder = model.commands.iter().find(|other| other.ident == name);
    let output_of_other = model.commands.iter().any(|other| {
        matches!(&other.output, model::Output::Struct { ident, .. } if ident == name)
            && Some(name) != own_output
    });
    if GENERATED_TYPES.contains(&name) {
        Some("a type the generator defines".to_owned())
    } else if let Some(r) = response {
        Some(format!("the struct of response `{}`", r.name))
    } else if let Some(b) = builder {
        Some(format!("the builder of `{}`", b.name))
    } else if output_of_other {
        Some("the output struct of another command".to_owned())
    } else {
        None
    }
}

/// What must agree between commands sharing an output struct.
fn shape(fields: &[model::OutputField]) -> Vec<(&str, &str, bool, bool, bool)> {
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

/// The longest response, code or attribute name: the runtime upper-cases
/// a name into a buffer this long (`UpperName`) to match it.
const MAX_MATCHED_NAME: usize = 32;

/// Names seen so far, per kind, case-insensitive (IMAP names are).
#[derive(Default)]
struct Names {
    seen: BTreeMap<(String, String), Location>,
}

impl Names {
    fn unique(&mut self, source: &Source, kind: &str, name: &Spanned<String>) -> Result<(), Error> {
        self.insert(source, kind, name, &name.get_ref().to_ascii_uppercase())
    }

    /// A name the generated parsers `match` on: unique, and no longer than
    /// the runtime's `UpperName` holds.
    fn matched(
        &mut self,
        source: &Source,
        kind: &str,
        name: &Spanned<String>,
    ) -> Result<(), Error> {
        if name.get_ref().len() > MAX_MATCHED_NAME {
            return Err(Error::spec(
                source.at(name.span()),
                format!("a {kind} name of at most {MAX_MATCHED_NAME} bytes"),
                format!("`{}`, {} bytes", name.get_ref(), name.get_ref().len()),
            ));
        }
        self.unique(source, kind, name)
    }

    fn unique_command(
        &mut self,
        source: &Source,
        at: &Spanned<String>,
        wire: &str,
    ) -> Result<(), Error> {
        self.insert(source, "command", at, &wire.to_ascii_uppercase())
    }

    fn insert(
        &mut self,
        source: &Source,
        kind: &str,
        at: &Spanned<String>,
        key: &str,
    ) -> Result<(), Error> {
        let location = source.at(at.span());
        if let Some(bad) = key.chars().find(|c| !is_name_char(*c)) {
            return Err(Error::spec(
                location,
                format!("a {kind} name of atom characters"),
                format!("`{}`, with `{}`", at.get_ref(), bad.escape_default()),
            ));
        }
        if let Some(first) = self.seen.get(&(kind.to_owned(), key.to_owned())) {
            return Err(Error::spec(
                location,
                format!("a {kind} name not declared before"),
                format!("`{key}`, already declared at {first}"),
            ));
        }
        self.seen
            .insert((kind.to_owned(), key.to_owned()), location);
        Ok(())
    }
}

/// RFC 3501 ATOM-CHAR (and SP between the words of `UID FETCH`); `[` and
/// `]` are refused too, as they would not round-trip through a response.
fn is_name_char(c: char) -> bool {
    c == ' ' || (c.is_ascii_graphic() && !"(){%*\"\\[]".contains(c))
}

fn runtime(root: &str, source: &Source, raw: &raw::Runtime) -> Result<model::Runtime, Error> {
    let p = |s: &Spanned<String>| path(root, source, s);
    Ok(model::Runtime {
        encoder: p(&raw.encoder)?,
        encode_error: p(&raw.encode_error)?,
        parser: p(&raw.parser)?,
        parse_error: p(&raw.parse_error)?,
        limits: p(&raw.limits)?,
        command: p(&raw.command)?,
        state: p(&raw.state)?,
        behaviour: p(&raw.behaviour)?,
        effect: p(&raw.effect)?,
        completed: p(&raw.completed)?,
        error: p(&raw.error)?,
        data: p(&raw.data)?,
        code: p(&raw.code)?,
        raw_data: p(&raw.raw_data)?,
        raw_code: p(&raw.raw_code)?,
        raw_value: p(&raw.raw_value)?,
        parse_data: p(&raw.parse_data)?,
        parse_code: p(&raw.parse_code)?,
        bytes: p(&raw.bytes)?,
        client: p(&raw.client)?,
        search_key: p(&raw.search_key)?,
        search_key_new: p(&raw.search_key_new)?,
        fetch_item: p(&raw.fetch_item)?,
        fetch_item_new: p(&raw.fetch_item_new)?,
        fetch_item_section: p(&raw.fetch_item_section)?,
        fetch_item_args: p(&raw.fetch_item_args)?,
        fetch_section: p(&raw.fetch_section)?,
        fetch_items: p(&raw.fetch_items)?,
        message: p(&raw.message)?,
        fetch_macro: p(&raw.fetch_macro)?,
        status_item: p(&raw.status_item)?,
        status_item_new: p(&raw.status_item_new)?,
        missing_argument: p(&raw.missing_argument)?,
        missing_response: p(&raw.missing_response)?,
        bad_response: p(&raw.bad_response)?,
    })
}

fn path(root: &str, source: &Source, s: &Spanned<String>) -> Result<String, Error> {
    rust::root_path(s.get_ref(), root).ok_or_else(|| Error::RustSyntax {
        location: source.at(s.span()),
        what: "path",
        text: s.get_ref().clone(),
    })
}

/// `boxed`: only the generated `Message` fills a box in place, and only it
/// is large enough to need one.
fn boxed(source: &Source, boxed: Option<&Spanned<bool>>, parse: &Parse) -> Result<bool, Error> {
    match boxed {
        Some(b) if *b.get_ref() && !matches!(parse, Parse::FetchAttributes) => Err(source.error(
            b,
            "`boxed` only beside `generated = \"fetch-attributes\"`",
            "`boxed` on another type",
        )),
        Some(b) => Ok(*b.get_ref()),
        None => Ok(false),
    }
}

fn rust_type(root: &str, source: &Source, s: &Spanned<String>) -> Result<String, Error> {
    rust::root_type(s.get_ref(), root).ok_or_else(|| Error::RustSyntax {
        location: source.at(s.span()),
        what: "type",
        text: s.get_ref().clone(),
    })
}

fn kinds(source: &Source, what: &str, raw: &[raw::Kind]) -> Result<Vec<model::Kind>, Error> {
    let mut names = Names::default();
    raw.iter()
        .map(|k| {
            names.unique(source, what, &k.name)?;
            Ok(model::Kind {
                name: k.name.get_ref().clone(),
                variant: rust::camel(k.name.get_ref()),
                doc: k.doc.clone(),
            })
        })
        .collect()
}

fn vocabulary(root: &str, source: &Source, raw: &raw::TypesFile) -> Result<Vocabulary, Error> {
    let mut names = Names::default();
    let effects = raw
        .effects
        .iter()
        .map(|e| {
            names.unique(source, "effect", &e.name)?;
            Ok(model::EffectKind {
                name: e.name.get_ref().clone(),
                variant: rust::camel(e.name.get_ref()),
                value: e.value,
            })
        })
        .collect::<Result<_, Error>>()?;
    let mut types = BTreeMap::new();
    for t in &raw.types {
        names.unique(source, "type", &t.name)?;
        let name = t.name.get_ref().clone();
        types.insert(name.clone(), type_entry(root, source, t)?);
    }
    Ok(Vocabulary {
        root: root.to_owned(),
        states: kinds(source, "state", &raw.states)?,
        behaviours: kinds(source, "behaviour", &raw.behaviours)?,
        effects,
        types,
    })
}

fn type_entry(root: &str, source: &Source, t: &raw::GrammarType) -> Result<TypeEntry, Error> {
    let name = t.name.get_ref().clone();
    let arg = match (&t.arg, &t.encode) {
        (Some(arg), Some(encode)) => Some(model::ArgType {
            name: name.clone(),
            rust: rust_type(root, source, arg)?,
            encode: path(root, source, encode)?,
        }),
        (None, None) => None,
        (Some(arg), None) => return Err(source.error(arg, "`encode` beside `arg`", "`arg` alone")),
        (None, Some(encode)) => {
            return Err(source.error(encode, "`arg` beside `encode`", "`encode` alone"))
        }
    };
    let search_arg = t
        .search_arg
        .as_ref()
        .map(|s| path(root, source, s))
        .transpose()?;
    let parse = match (&t.parse, &t.generated) {
        (Some(parse), None) => Some(Parse::Function {
            path: path(root, source, parse)?,
            own_sp: t.own_sp,
        }),
        (None, Some(g)) if g.get_ref() == "fetch-attributes" => Some(Parse::FetchAttributes),
        (None, Some(g)) if g.get_ref() == "status-attributes" => Some(Parse::StatusAttributes),
        (None, Some(g)) => {
            return Err(source.error(
                g,
                "`fetch-attributes` or `status-attributes`",
                format!("`{}`", g.get_ref()),
            ))
        }
        (Some(parse), Some(_)) => {
            return Err(source.error(parse, "`parse` or `generated`", "both"))
        }
        (None, None) => None,
    };
    let parsed = match (&t.parsed, parse) {
        (Some(parsed), Some(parse)) => {
            let inner = rust_type(root, source, parsed)?;
            let boxed = boxed(source, t.boxed.as_ref(), &parse)?;
            Some(model::ParsedType {
                name,
                rust: if boxed {
                    format!("Box<{inner}>")
                } else {
                    inner.clone()
                },
                inner,
                boxed,
                parse,
            })
        }
        (None, None) => None,
        (Some(parsed), None) => {
            return Err(source.error(
                parsed,
                "`parse` or `generated` beside `parsed`",
                "`parsed` alone",
            ))
        }
        (None, Some(_)) => {
            return Err(source.error(&t.name, "`parsed` beside `parse`", "`parse` alone"))
        }
    };
    Ok(TypeEntry {
        arg,
        search_arg,
        parsed,
    })
}

fn known_types(vocabulary: &Vocabulary, pick: impl Fn(&TypeEntry) -> bool) -> String {
    let names: Vec<&str> = vocabulary
        .types
        .iter()
        .filter(|(_, t)| pick(t))
        .map(|(n, _)| n.as_str())
        .collect();
    names.join(", ")
}

fn arg_type(
    source: &Source,
    vocabulary: &Vocabulary,
    ty: &Spanned<String>,
) -> Result<model::ArgType, Error> {
    match vocabulary
        .types
        .get(ty.get_ref())
        .and_then(|t| t.arg.clone())
    {
        Some(arg) => Ok(arg),
        None => Err(source.error(
            ty,
            format!(
                "a type that can be sent ({})",
                known_types(vocabulary, |t| t.arg.is_some())
            ),
            format!("`{}`", ty.get_ref()),
        )),
    }
}

fn parsed_type(
    source: &Source,
    vocabulary: &Vocabulary,
    ty: &Spanned<String>,
) -> Result<model::ParsedType, Error> {
    match vocabulary
        .types
        .get(ty.get_ref())
        .and_then(|t| t.parsed.clone())
    {
        Some(parsed) => Ok(parsed),
        None => Err(source.error(
            ty,
            format!(
                "a type that can be parsed ({})",
                known_types(vocabulary, |t| t.parsed.is_some())
            ),
            format!("`{}`", ty.get_ref()),
        )),
    }
}

fn ident(source: &Source, name: &Spanned<String>, computed: String) -> Result<String, Error> {
    if rust::is_ident(&computed) {
        Ok(computed)
    } else {
        Err(source.error(
            name,
            "a name that makes a Rust identifier",
            format!("`{}` (as `{computed}`)", name.get_ref()),
        ))
    }
}

fn fields(
    source: &Source,
    vocabulary: &Vocabulary,
    raw: &[raw::Field],
) -> Result<Vec<model::Field>, Error> {
    let mut names = Names::default();
    raw.iter()
        .map(|f| {
            names.unique(source, "field", &f.name)?;
            let ty = parsed_type(source, vocabulary, &f.ty)?;
            if f.optional && matches!(ty.parse, Parse::Function { own_sp: true, .. }) {
                return Err(source.error(
                    &f.ty,
                    "a type that does not read its own SPs, for an optional field",
                    format!("`{}` (a possibly empty list already)", f.ty.get_ref()),
                ));
            }
            let mut rust = ty.rust.clone();
            if f.list {
                rust = format!("Vec<{rust}>");
            }
            if f.optional {
                rust = format!("Option<{rust}>");
            }
            Ok(model::Field {
                ident: ident(source, &f.name, rust::snake(f.name.get_ref()))?,
                doc: f.doc.clone(),
                ty,
                list: f.list,
                optional: f.optional,
                rust,
            })
        })
        .collect()
}

fn effect(
    source: &Source,
    vocabulary: &Vocabulary,
    raw: Option<&Spanned<String>>,
    value: Option<&String>,
) -> Result<Option<(String, bool)>, Error> {
    let Some(raw) = raw else { return Ok(None) };
    let Some(effect) = vocabulary.effects.iter().find(|e| &e.name == raw.get_ref()) else {
        let known: Vec<&str> = vocabulary.effects.iter().map(|e| e.name.as_str()).collect();
        return Err(source.error(
            raw,
            format!("an effect of types.toml ({})", known.join(", ")),
            format!("`{}`", raw.get_ref()),
        ));
    };
    if effect.value && value.is_none() {
        return Err(source.error(
            raw,
            "an effect without value for a code without value",
            format!("`{}`", raw.get_ref()),
        ));
    }
    Ok(Some((effect.variant.clone(), effect.value)))
}

/// The Rust type of a response's value.
fn value_type(
    source: &Source,
    name: &Spanned<String>,
    number: bool,
    struct_ident: Option<&String>,
    fields: &[model::Field],
) -> Result<Option<String>, Error> {
    match (struct_ident, number, fields) {
        (Some(s), _, _) => Ok(Some(s.clone())),
        (None, false, []) => Ok(None),
        (None, true, []) => Ok(Some("u32".to_owned())),
        (None, false, [field]) => Ok(Some(field.rust.clone())),
        _ => Err(source.error(
            name,
            "`struct` naming the struct of several fields",
            "several fields and no `struct`",
        )),
    }
}

fn response_model(
    source: &Source,
    vocabulary: &Vocabulary,
    spec: &str,
    raw: &raw::Response,
) -> Result<model::Response, Error> {
    let fields = fields(source, vocabulary, &raw.fields)?;
    let number = raw
        .number
        .as_ref()
        .map(|n| ident(source, n, rust::snake(n.get_ref())))
        .transpose()?;
    let struct_ident = raw
        .struct_name
        .as_ref()
        .map(|s| ident(source, s, rust::camel(s.get_ref())))
        .transpose()?;
    let value = value_type(
        source,
        &raw.name,
        number.is_some(),
        struct_ident.as_ref(),
        &fields,
    )?;
    Ok(model::Response {
        name: raw.name.get_ref().clone(),
        variant: {
            let name = raw.rust_name.as_ref().unwrap_or(&raw.name);
            ident(source, name, rust::camel(name.get_ref()))?
        },
        doc: raw.doc.clone(),
        spec: spec.to_owned(),
        effect: effect(source, vocabulary, raw.effect.as_ref(), value.as_ref())?,
        number,
        struct_ident,
        fields,
        value,
    })
}

fn code_model(
    source: &Source,
    vocabulary: &Vocabulary,
    spec: &str,
    raw: &raw::Code,
) -> Result<model::Response, Error> {
    let fields = fields(source, vocabulary, &raw.fields)?;
    let struct_ident = raw
        .struct_name
        .as_ref()
        .map(|s| ident(source, s, rust::camel(s.get_ref())))
        .transpose()?;
    let value = value_type(source, &raw.name, false, struct_ident.as_ref(), &fields)?;
    Ok(model::Response {
        name: raw.name.get_ref().clone(),
        variant: {
            let name = raw.rust_name.as_ref().unwrap_or(&raw.name);
            ident(source, name, rust::camel(name.get_ref()))?
        },
        doc: raw.doc.clone(),
        spec: spec.to_owned(),
        effect: effect(source, vocabulary, raw.effect.as_ref(), value.as_ref())?,
        number: None,
        struct_ident,
        fields,
        value,
    })
}

fn search_key(
    source: &Source,
    vocabulary: &Vocabulary,
    spec: &str,
    raw: &raw::SearchKey,
) -> Result<model::SearchKey, Error> {
    let args = search_args(source, vocabulary, &raw.args, !raw.composite)?;
    let name = raw.rust_name.as_ref().unwrap_or(&raw.name);
    Ok(model::SearchKey {
        name: raw.name.get_ref().clone(),
        spec: spec.to_owned(),
        ident: ident(source, name, rust::snake(name.get_ref()))?,
        doc: raw.doc.clone(),
        args,
        composite: raw.composite,
    })
}

/// Arguments made into search arguments (of search keys, and of fetch
/// attributes with arguments); each type must have `search_arg` when
/// `required`.
fn search_args(
    source: &Source,
    vocabulary: &Vocabulary,
    raw: &[raw::Param],
    required: bool,
) -> Result<Vec<model::Param>, Error> {
    raw.iter()
        .map(|a| {
            let ty = arg_type(source, vocabulary, &a.ty)?;
            let search_arg = vocabulary
                .types
                .get(a.ty.get_ref())
                .and_then(|t| t.search_arg.clone());
            if search_arg.is_none() && required {
                return Err(source.error(
                    &a.ty,
                    "a type with `search_arg` in types.toml",
                    format!("`{}`", a.ty.get_ref()),
                ));
            }
            Ok(model::Param {
                ident: ident(source, &a.name, rust::snake(a.name.get_ref()))?,
                ty,
                search_arg,
            })
        })
        .collect()
}

fn fetch_att(
    source: &Source,
    vocabulary: &Vocabulary,
    spec: &str,
    raw: &raw::FetchAtt,
) -> Result<model::FetchAtt, Error> {
    let section = raw
        .section
        .as_ref()
        .map(|s| {
            Ok::<_, Error>((
                arg_type(source, vocabulary, s)?,
                parsed_type(source, vocabulary, s)?,
            ))
        })
        .transpose()?;
    let value = raw
        .ty
        .as_ref()
        .map(|t| parsed_type(source, vocabulary, t))
        .transpose()?;
    if raw.is_macro && (value.is_some() || section.is_some() || !raw.args.is_empty()) {
        return Err(source.error(
            &raw.name,
            "a macro without `type`, `section` or `args`",
            "a macro with a value",
        ));
    }
    if section.is_some() && !raw.args.is_empty() {
        return Err(source.error(&raw.name, "either `section` or `args`", "both"));
    }
    let args = search_args(source, vocabulary, &raw.args, true)?;
    let name = raw.rust_name.as_ref().unwrap_or(&raw.name);
    let mut base = rust::snake(name.get_ref());
    if section.is_some() && raw.rust_name.is_none() {
        base = format!("{base}_section");
    }
    let field = value.as_ref().map(|_| {
        if section.is_some() {
            format!("{base}s")
        } else {
            base.clone()
        }
    });
    Ok(model::FetchAtt {
        name: raw.name.get_ref().clone(),
        spec: spec.to_owned(),
        ident: ident(source, name, base)?,
        field,
        doc: raw.doc.clone(),
        is_macro: raw.is_macro,
        section,
        args,
        value,
    })
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

fn response_ref(
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

fn commands(
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
    let method = raw.method.unwrap_or(true);
    // The Rust names come from `rust_name` when a second builder shares
    // the wire name (SEARCH RETURN beside SEARCH).
    let named = raw.rust_name.as_ref().unwrap_or(&raw.name);
    let base = named.get_ref().clone();
    let mut variants = vec![(name.clone(), base.clone())];
    if raw.uid_variant {
        variants.push((format!("UID {name}"), format!("UID {base}")));
    }
    variants
        .into_iter()
        .map(|(wire, rust_name)| {
            Ok(model::Command {
                ident: ident(source, named, rust::camel(&rust_name))?,
                method: method.then(|| rust::snake(&rust_name)),
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

fn args(
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
fn arg(
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
    Ok(model::Arg {
        name: a.name.get_ref().clone(),
        ident: ident(source, &a.name, rust::snake(a.name.get_ref()))?,
        doc: a.doc.clone(),
        ty: a
            .ty
            .as_ref()
            .map(|ty| arg_type(source, vocabulary, ty))
            .transpose()?,
        kind,
        group: a
            .group_of
            .as_ref()
            .map(|g| ident(source, g, rust::snake(g.get_ref())))
            .transpose()?,
        capability: capability.cloned(),
        prefix: a
            .prefix
            .as_deref()
            .map(|p| p.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default(),
        setters,
    })
}

/// A member of a group (`in = "..."`) names a group argument of the
/// command, and may be left out (the group is a list of options).
fn in_group(
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
    if !args.iter().filter(is_group).any(|a| &a.ident == group) {
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
    }
    if !matches!(
        made.kind,
        ArgKind::Optional | ArgKind::Switch | ArgKind::Setter
    ) {
        return Err(source.error(
            &raw.name,
            "an optional argument, a switch or a `setter` argument inside a group",
            "a required argument or a group",
        ));
    }
    Ok(())
}

fn output(
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
fn output_field(
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

/// Reads a file into a [`Source`].
pub(crate) fn read(path: &Path) -> Result<Source, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(Source {
        path: path.to_path_buf(),
        text,
    })
}
