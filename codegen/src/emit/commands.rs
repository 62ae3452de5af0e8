//! Request builders, their `Command` impls and the output structs.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc, tok};
use crate::model::{Arg, ArgKind, Command, Model, Needs, Output, OutputField, ResponseRef, Scope};

/// Every command's builder and `Command` impl, and each output struct once.
pub(crate) fn emit(model: &Model) -> TokenStream {
    let mut structs_seen = BTreeSet::new();
    let items = model.commands.iter().map(|command| {
        let output_struct = match &command.output {
            Output::Struct { ident, doc, fields } if structs_seen.insert(ident.clone()) => {
                output_struct(ident, doc, fields)
            }
            _ => TokenStream::new(),
        };
        let builder = builder(command);
        let command_impl = command_impl(model, command);
        let streaming = streaming_impl(model, command);
        quote!(#output_struct #builder #command_impl #streaming)
    });
    let modes = modes(model);
    quote!(#(#items)* #modes)
}

/// `MODES`: the `[[mode]]`s of the spec files, for the session.
fn modes(model: &Model) -> TokenStream {
    // The session of the runtime crate applies them: another crate has
    // none (its spec files may not declare any).
    let Some(mode) = model.runtime.mode.as_ref().filter(|_| model.core) else {
        return quote!();
    };
    let mode = tok(mode);
    let entries = model.modes.iter().map(|m| {
        let capability = &m.capability;
        let replaces = match &m.replaces {
            Some(r) => quote!(Some(#r)),
            None => quote!(None),
        };
        let (utf8, utf8_accept, implies) = (m.utf8, m.utf8_accept, &m.implies);
        quote! {
            #mode {
                capability: #capability,
                replaces: #replaces,
                utf8: #utf8,
                utf8_accept: #utf8_accept,
                implies: &[#(#implies),*],
            },
        }
    });
    let list: String = model
        .modes
        .iter()
        .map(|m| format!("\n- `{}`: {}", m.capability, m.doc))
        .collect();
    let docs = doc(&format!(
        "What a capability, once in force, changes in the session: the `[[mode]]`s of the spec files.\n{list}"
    ));
    quote! {
        #docs
        pub const MODES: &[#mode] = &[#(#entries)*];
    }
}

/// `SELECT <mailbox>`: the wire form, for the builder's documentation.
fn synopsis(command: &Command) -> String {
    let mut out = command.name.clone();
    for arg in command.args.iter().filter(|a| a.group.is_none()) {
        out.push(' ');
        out.push_str(&synopsis_arg(command, arg));
    }
    out
}

fn synopsis_arg(command: &Command, arg: &Arg) -> String {
    let mut part = arg.prefix.join(" ");
    let value = match arg.kind {
        ArgKind::Switch => String::new(),
        ArgKind::Group { .. } => {
            let all: Vec<String> = members(command, arg)
                .map(|m| synopsis_arg(command, m))
                .collect();
            if bare_when_alone(command, arg) {
                // `<url> | (<url> [BINARY])`
                let alone: Vec<String> = members(command, arg)
                    .filter(|m| m.kind == ArgKind::Required)
                    .map(|m| synopsis_arg(command, m))
                    .collect();
                return format!("{} | ({})", alone.join(" "), all.join(" "));
            }
            format!("({})", all.join(" "))
        }
        _ => format!("<{}>", arg.name),
    };
    if !part.is_empty() && !value.is_empty() {
        part.push(' ');
    }
    part.push_str(&value);
    if matches!(
        arg.kind,
        ArgKind::Optional | ArgKind::Switch | ArgKind::Group { optional: true }
    ) {
        part = format!("[{part}]");
    }
    part
}

/// The members of a group argument, in wire order.
fn members<'a>(command: &'a Command, group: &'a Arg) -> impl Iterator<Item = &'a Arg> {
    command
        .args
        .iter()
        .filter(move |a| a.group.as_deref() == Some(group.ident.as_str()))
}

/// An optional group holding a required member: its members are always
/// written, the parentheses only around an optional member that is set
/// (RFC 5524's `url-full / "(" url-full url-fetch-args ")"`).
fn bare_when_alone(command: &Command, group: &Arg) -> bool {
    group.kind == (ArgKind::Group { optional: true })
        && members(command, group).any(|m| m.kind == ArgKind::Required)
}

/// The Rust type an argument holds, `()` for those without a value.
pub(crate) fn arg_type(arg: &Arg) -> TokenStream {
    tok(arg.ty.as_ref().map_or("()", |t| t.rust.as_str()))
}

fn builder(command: &Command) -> TokenStream {
    let name = tok(&command.ident);
    let needs: Vec<String> = command
        .capability
        .iter()
        .map(|c| format!("`{c}`"))
        .chain(
            command
                .args
                .iter()
                .filter(|a| a.kind == ArgKind::Required)
                .filter_map(|a| Some(needs_text(a.capability.as_ref()?, a))),
        )
        .collect();
    let needs = if needs.is_empty() {
        String::new()
    } else {
        format!(" Needs the capability {}.", needs.join(" and "))
    };
    let docs = doc(&format!(
        "{}\n\n```text\n{}\n```\n\nSent with `run`; returns `{}`.{needs}",
        command.doc,
        synopsis(command),
        output_type_text(command)
    ));
    let fields = command.args.iter().map(|arg| {
        let ident = tok(&arg.ident);
        let ty = arg_type(arg);
        let docs = doc(&arg.doc);
        match arg.kind {
            ArgKind::Required => quote!(#docs #ident: #ty,),
            ArgKind::Switch => quote!(#docs #ident: bool,),
            ArgKind::Group { .. } => quote!(),
            ArgKind::Optional | ArgKind::Setter => quote!(#docs #ident: Option<#ty>,),
        }
    });
    let required: Vec<&Arg> = command
        .args
        .iter()
        .filter(|a| a.kind == ArgKind::Required)
        .collect();
    let params = required.iter().map(|arg| {
        let ident = tok(&arg.ident);
        let ty = arg_type(arg);
        quote!(#ident: impl Into<#ty>)
    });
    let inits = command.args.iter().map(|arg| {
        let ident = tok(&arg.ident);
        match arg.kind {
            ArgKind::Required => quote!(#ident: #ident.into(),),
            ArgKind::Switch => quote!(#ident: false,),
            ArgKind::Group { .. } => quote!(),
            ArgKind::Optional | ArgKind::Setter => quote!(#ident: None,),
        }
    });
    let derive_default = if required.is_empty() {
        quote!(Default,)
    } else {
        quote!()
    };
    let new_doc = doc(&format!("`{}` with its required arguments.", command.name));
    let setters = command.args.iter().map(setter);
    let named = command
        .args
        .iter()
        .flat_map(|arg| arg.setters.iter().map(move |s| (arg, s)))
        .map(|(arg, s)| {
            let field = tok(&arg.ident);
            let ident = tok(&s.ident);
            let call = tok(&s.call);
            let mut text = s.doc.clone();
            if let Some(needs) = &arg.capability {
                text.push_str(&format!(
                    "\n\nNeeds the capability {}.",
                    needs_text(needs, arg)
                ));
            }
            let docs = doc(&text);
            let params = s.params.iter().map(|p| {
                let ident = tok(&p.ident);
                let ty = tok(&p.ty.rust);
                quote!(#ident: impl Into<#ty>)
            });
            let values = s.params.iter().map(|p| {
                let ident = tok(&p.ident);
                quote!(#ident.into())
            });
            quote! {
                #docs
                pub fn #ident(mut self, #(#params),*) -> Self {
                    self.#field = Some(#call(#(#values),*));
                    self
                }
            }
        });
    quote! {
        #docs
        #[derive(Clone, Debug, #derive_default)]
        #[must_use]
        pub struct #name { #(#fields)* }

        impl #name {
            #new_doc
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits)* }
            }
            #(#setters)*
            #(#named)*
        }
    }
}

fn setter(arg: &Arg) -> TokenStream {
    let ident = tok(&arg.ident);
    let ty = arg_type(arg);
    let mut text = arg.doc.clone();
    if let Some(needs) = &arg.capability {
        text.push_str(&format!(
            "\n\nNeeds the capability {}.",
            needs_text(needs, arg)
        ));
    }
    let docs = doc(&text);
    match arg.kind {
        ArgKind::Optional | ArgKind::Setter => quote! {
            #docs
            pub fn #ident(mut self, #ident: impl Into<#ty>) -> Self {
                self.#ident = Some(#ident.into());
                self
            }
        },
        ArgKind::Switch => quote! {
            #docs
            pub fn #ident(mut self) -> Self {
                self.#ident = true;
                self
            }
        },
        ArgKind::Required | ArgKind::Group { .. } => quote!(),
    }
}

fn command_impl(model: &Model, command: &Command) -> TokenStream {
    let rt = &model.runtime;
    let name = tok(&command.ident);
    let wire = &command.name;
    let command_trait = tok(&rt.command);
    let state = tok(&rt.state);
    let behaviour = tok(&rt.behaviour);
    let encoder = tok(&rt.encoder);
    let encode_error = tok(&rt.encode_error);
    let data = tok(&rt.data);
    let completed = tok(&rt.completed);
    let error = tok(&rt.error);
    let states = command.states.iter().map(|s| {
        let s = format_ident!("{}", s);
        quote!(#state::#s)
    });
    let option_state = |s: &Option<String>| match s {
        Some(s) => {
            let s = format_ident!("{}", s);
            quote!(Some(#state::#s))
        }
        None => quote!(None),
    };
    let on_ok = option_state(&command.on_ok);
    let on_no = option_state(&command.on_no);
    let behaviour_variant = format_ident!("{}", command.behaviour);
    let capability = match &command.capability {
        Some(c) => quote!(Some(#c)),
        None => quote!(None),
    };
    let output_type = output_type(command);
    let args = command
        .args
        .iter()
        .filter(|a| a.group.is_none())
        .map(|arg| encode_arg(model, command, arg));
    let capabilities = capabilities(command);
    let wants = wants(model, &command.collects);
    let output = output_body(model, command);
    let routing = routing(model, command);
    quote! {
        impl #command_trait for #name {
            type Output = #output_type;
            const NAME: &'static str = #wire;
            const STATES: &'static [#state] = &[#(#states),*];
            const ON_OK: Option<#state> = #on_ok;
            const ON_NO: Option<#state> = #on_no;
            const BEHAVIOUR: #behaviour = #behaviour::#behaviour_variant;
            const CAPABILITY: Option<&'static str> = #capability;
            #routing

            #capabilities

            fn encode(&self, enc: &mut #encoder) -> Result<(), #encode_error> {
                enc.token(Self::NAME);
                #(#args)*
                Ok(())
            }

            fn wants(data: &#data) -> bool {
                #wants
            }

            #[allow(clippy::single_match)]
            fn output(done: #completed) -> Result<Self::Output, #error> {
                #output
            }
        }
    }
}

/// What the session needs to route the data of pipelined commands: the
/// kinds collected, whether sequence numbers are used, whether EXPUNGE
/// may come, and `fn scope`. Each only where it differs from the trait's
/// default.
fn routing(model: &Model, command: &Command) -> TokenStream {
    let collects: Vec<&str> = command
        .collects
        .iter()
        .filter(|r| !r.is_code)
        .map(|r| r.name.as_str())
        .collect();
    let collects = (!collects.is_empty())
        .then(|| quote!(const COLLECTS: &'static [&'static str] = &[#(#collects),*];));
    let sequence_numbers = command.sequence_numbers.then(|| {
        quote!(
            const SEQUENCE_NUMBERS: bool = true;
        )
    });
    let may_expunge = (!command.may_expunge).then(|| {
        quote!(
            const MAY_EXPUNGE: bool = false;
        )
    });
    let scope_type = tok(&model.runtime.scope);
    let uid = command.name.starts_with("UID ");
    let scope = |ident: &str, kind: ArgKind, make: &dyn Fn(TokenStream) -> TokenStream| {
        let field = tok(ident);
        match kind {
            ArgKind::Optional | ArgKind::Setter => {
                let value = make(quote!(value.clone()));
                quote!(match &self.#field {
                    Some(value) => #value,
                    None => #scope_type::Any,
                })
            }
            _ => make(quote!(self.#field.clone())),
        }
    };
    let body = match &command.scope {
        Scope::Any => None,
        Scope::Messages(ident, kind) => Some(scope(
            ident,
            *kind,
            &|set| quote!(#scope_type::Messages { uid: #uid, set: #set }),
        )),
        Scope::Mailbox(ident, kind) => Some(scope(
            ident,
            *kind,
            &|mailbox| quote!(#scope_type::Mailbox(#mailbox)),
        )),
        Scope::Pattern { reference, pattern } => {
            let (reference, pattern) = (tok(reference), tok(pattern));
            Some(quote!(#scope_type::Pattern {
                reference: self.#reference.clone(),
                pattern: self.#pattern.clone(),
            }))
        }
        Scope::Tag => Some(quote!(#scope_type::Tag)),
    };
    let scope = body.map(|body| quote!(fn scope(&self) -> #scope_type { #body }));
    quote!(#collects #sequence_numbers #may_expunge #scope)
}

/// `impl Streaming`: a command whose output is every value of one
/// response can hand them out one at a time (`Client::stream`). Only in
/// typed-imap itself, where the data are typed already.
fn streaming_impl(model: &Model, command: &Command) -> TokenStream {
    // Values that come through a function (`via`) are not streamed.
    let Output::All {
        from,
        flatten: false,
        via,
    } = &command.output
    else {
        return quote!();
    };
    if !via.is_empty() {
        return quote!();
    }
    let Some(value) = &from.value else {
        return quote!();
    };
    if !model.core {
        return quote!();
    }
    let (name, streaming, data) = (
        tok(&command.ident),
        tok(&model.runtime.streaming),
        tok(&model.runtime.data),
    );
    let value = tok(value);
    let pattern = pattern(model, from, true);
    let bind = bind_value(model, from);
    quote! {
        impl #streaming for #name {
            type Item = #value;

            fn item(data: #data) -> Result<Self::Item, #data> {
                match data {
                    #pattern => {
                        #bind
                        Ok(value)
                    }
                    other => Err(other),
                }
            }
        }
    }
}

/// `` `CONDSTORE` ``, or `` `THREAD=<algorithm>` `` for a capability naming
/// the value: for documentation.
fn needs_text(needs: &Needs, arg: &Arg) -> String {
    match needs {
        Needs::Name(name) => format!("`{name}`"),
        Needs::Value { before, after } => format!("`{before}<{}>{after}`", arg.name),
    }
}

/// `fn each_capability`, for builders whose arguments may need
/// capabilities: extension arguments (setting one makes its capability
/// required), arguments whose capability names their value (`THREAD=REFS`)
/// and values that carry capabilities (search keys, fetch and status
/// items of extensions). Others keep the trait's default, the command's
/// own capability.
fn capabilities(command: &Command) -> TokenStream {
    let checks: Vec<TokenStream> = command
        .args
        .iter()
        .flat_map(|arg| [arg_needs(command, arg), value_needs(arg)])
        .flatten()
        .collect();
    if checks.is_empty() {
        return quote!();
    }
    let own = command.capability.as_ref().map(|c| quote!(need(#c);));
    quote! {
        fn each_capability(&self, need: &mut dyn FnMut(&str)) {
            #own
            #(#checks)*
        }
    }
}

/// The capability an argument needs when given.
fn arg_needs(command: &Command, arg: &Arg) -> Option<TokenStream> {
    let ident = tok(&arg.ident);
    match arg.capability.as_ref()? {
        Needs::Name(capability) => {
            // A member needing what its group needs adds nothing.
            let group = command
                .args
                .iter()
                .find(|g| Some(g.ident.as_str()) == arg.group.as_deref());
            if group.is_some_and(|g| g.capability == arg.capability) {
                return None;
            }
            match arg.kind {
                ArgKind::Required => Some(quote!(need(#capability);)),
                _ => {
                    let set = is_set(command, arg);
                    Some(quote!(if #set { need(#capability); }))
                }
            }
        }
        Needs::Value { before, after } => {
            let atom = tok(arg.ty.as_ref()?.atom.as_deref()?);
            let before = (!before.is_empty()).then(|| quote!(#before,));
            let after = (!after.is_empty()).then(|| quote!(, #after));
            let need = quote!(need(&[#before #atom(value) #after].concat()););
            match arg.kind {
                ArgKind::Required => Some(quote!({
                    let value = &self.#ident;
                    #need
                })),
                ArgKind::Optional | ArgKind::Setter => {
                    Some(quote!(if let Some(value) = &self.#ident { #need }))
                }
                ArgKind::Switch | ArgKind::Group { .. } => None,
            }
        }
    }
}

/// The capabilities the argument's value carries, for types that report
/// them.
fn value_needs(arg: &Arg) -> Option<TokenStream> {
    let ident = tok(&arg.ident);
    let report = tok(arg.ty.as_ref()?.capabilities.as_deref()?);
    match arg.kind {
        ArgKind::Required => Some(quote!(#report(&self.#ident, need);)),
        ArgKind::Optional | ArgKind::Setter => {
            Some(quote!(if let Some(value) = &self.#ident { #report(value, need); }))
        }
        ArgKind::Switch | ArgKind::Group { .. } => None,
    }
}

/// Whether an argument was given (a group: one of its members was).
fn is_set(command: &Command, arg: &Arg) -> TokenStream {
    let ident = tok(&arg.ident);
    match arg.kind {
        ArgKind::Required => quote!(true),
        ArgKind::Switch => quote!(self.#ident),
        ArgKind::Optional | ArgKind::Setter => quote!(self.#ident.is_some()),
        ArgKind::Group { .. } => {
            // A required member is always written: it does not make the
            // group set (see `bare_when_alone`).
            let members: Vec<TokenStream> = members(command, arg)
                .filter(|m| m.kind != ArgKind::Required)
                .map(|m| is_set(command, m))
                .collect();
            if members.is_empty() {
                quote!(false)
            } else {
                quote!(#(#members)||*)
            }
        }
    }
}

/// A top-level argument, with the SP before it.
fn encode_arg(model: &Model, command: &Command, arg: &Arg) -> TokenStream {
    let value = encode_value(model, command, arg, quote!(enc.sp();));
    match arg.kind {
        ArgKind::Group { optional: true } if bare_when_alone(command, arg) => quote!({ #value }),
        ArgKind::Group { optional: true } | ArgKind::Switch => {
            let set = is_set(command, arg);
            quote!(if #set { #value })
        }
        ArgKind::Group { optional: false } => quote!({ #value }),
        _ => value,
    }
}

/// The prefix tokens and the value, after `sp` (the SP before it, or
/// nothing inside a group).
fn encode_value(model: &Model, command: &Command, arg: &Arg, sp: TokenStream) -> TokenStream {
    let ident = tok(&arg.ident);
    let prefix = arg.prefix.iter().map(|p| quote!(enc.token(#p); enc.sp();));
    let write = |value: TokenStream| {
        quote! {
            #sp
            #(#prefix)*
            #value
        }
    };
    let encode = arg.ty.as_ref().map(|t| tok(&t.encode));
    match arg.kind {
        ArgKind::Required => {
            let body = write(quote!(#encode(enc, value)?;));
            quote!({
                let value = &self.#ident;
                #body
            })
        }
        ArgKind::Optional => {
            let body = write(quote!(#encode(enc, value)?;));
            quote!(if let Some(value) = &self.#ident {
                #body
            })
        }
        ArgKind::Setter => {
            let missing = tok(&model.runtime.missing_argument);
            let name = &arg.name;
            let body = write(quote!(#encode(enc, value)?;));
            quote! {
                let Some(value) = &self.#ident else {
                    return Err(#missing(Self::NAME, #name));
                };
                #body
            }
        }
        ArgKind::Switch => {
            let tokens = arg.prefix.iter().enumerate().map(|(i, p)| {
                if i == 0 {
                    quote!(enc.token(#p);)
                } else {
                    quote!(enc.sp(); enc.token(#p);)
                }
            });
            quote!(#sp #(#tokens)*)
        }
        ArgKind::Group { .. } => {
            // Members are separated by one SP; `first` tells whether one
            // was written already.
            let items = members(command, arg).map(|m| {
                let value = encode_value(model, command, m, quote!());
                let item = quote! {
                    if !first {
                        enc.sp();
                    }
                    first = false;
                    #value
                };
                if matches!(m.kind, ArgKind::Setter | ArgKind::Required) {
                    // Required: a setter's missing is the encode error
                    // `value` gives.
                    quote!({ #item })
                } else {
                    let set = is_set(command, m);
                    quote!(if #set { #item })
                }
            });
            if bare_when_alone(command, arg) {
                // Validation refuses a `prefix` on such a group.
                let set = is_set(command, arg);
                return quote! {
                    #sp
                    let parenthesised = #set;
                    if parenthesised {
                        enc.token("(");
                    }
                    let mut first = true;
                    #(#items)*
                    let _ = first;
                    if parenthesised {
                        enc.token(")");
                    }
                };
            }
            let open = write(quote!(enc.token("(");));
            quote! {
                #open
                let mut first = true;
                #(#items)*
                let _ = first;
                enc.token(")");
            }
        }
    }
}

/// The pattern matching a response in `Data` (or in `Code`).
fn pattern(model: &Model, r: &ResponseRef, bind: bool) -> TokenStream {
    let enum_path = tok(if r.is_code {
        &model.runtime.code
    } else {
        &model.runtime.data
    });
    if model.core {
        let variant = format_ident!("{}", r.variant);
        match (&r.value, bind) {
            (None, _) => quote!(#enum_path::#variant),
            (Some(_), true) => quote!(#enum_path::#variant(value)),
            (Some(_), false) => quote!(#enum_path::#variant(_)),
        }
    } else {
        let name = &r.name;
        let field = if r.is_code {
            quote!(name)
        } else {
            quote!(keyword)
        };
        quote!(#enum_path::Other(raw) if raw.#field.eq_ignore_ascii_case(#name))
    }
}

/// In downstream code, turns `raw` into the response's value; then takes
/// the field the command uses, if it uses one.
fn bind_value(model: &Model, r: &ResponseRef) -> TokenStream {
    if r.value.is_none() {
        return quote!();
    }
    let parse = if model.core {
        quote!()
    } else {
        let from_raw = format_ident!("{}", raw_parser_name(r));
        let bad_response = tok(&model.runtime.bad_response);
        quote!(let value = #from_raw(&raw).map_err(|error| #bad_response(Self::NAME, error))?;)
    };
    let project = r.field.as_ref().map(|field| {
        let field = tok(field);
        quote!(let value = value.#field;)
    });
    quote!(#parse #project)
}

/// The generated function that parses a downstream response out of raw data.
pub(crate) fn raw_parser_name(r: &ResponseRef) -> String {
    let kind = if r.is_code { "code" } else { "data" };
    format!(
        "{}_{kind}_from_raw",
        heck::ToSnakeCase::to_snake_case(r.variant.as_str())
    )
}

fn wants(model: &Model, collects: &[ResponseRef]) -> TokenStream {
    if collects.is_empty() {
        return quote!({
            let _ = data;
            false
        });
    }
    let patterns = collects.iter().map(|r| pattern(model, r, false));
    quote!(matches!(data, #(#patterns)|*))
}

fn output_type_text(command: &Command) -> String {
    output_type(command).to_string().replace(' ', "")
}

/// The Rust type a command returns.
pub(crate) fn output_type(command: &Command) -> TokenStream {
    match &command.output {
        Output::Unit => quote!(()),
        Output::Struct { ident, .. } => tok(ident),
        Output::All { from, flatten, .. } => {
            let value = tok(from.value.as_deref().unwrap_or("()"));
            if *flatten {
                value
            } else {
                quote!(Vec<#value>)
            }
        }
        Output::One { from, .. } => tok(from.value.as_deref().unwrap_or("()")),
    }
}

fn output_struct(ident: &str, docs: &str, fields: &[OutputField]) -> TokenStream {
    let name = tok(ident);
    let docs = doc(docs);
    let fields = fields.iter().map(|f| {
        let ident = tok(&f.ident);
        let from = if f.all { "Every" } else { "From" };
        let docs = doc(&format!("{}\n\n{from} `{}`.", f.doc, source_name(&f.from)));
        let ty = field_type(f);
        quote!(#docs pub #ident: #ty,)
    });
    quote! {
        #docs
        #[derive(Clone, Debug)]
        pub struct #name { #(#fields)* }
    }
}

fn source_name(r: &ResponseRef) -> String {
    if r.is_code {
        format!("[{}]", r.name)
    } else {
        format!("* {}", r.name)
    }
}

fn field_type(f: &OutputField) -> TokenStream {
    match &f.from.value {
        None => quote!(bool),
        Some(v) if f.all => {
            let v = tok(v);
            quote!(Vec<#v>)
        }
        Some(v) if f.required => tok(v),
        Some(v) => {
            let v = tok(v);
            quote!(Option<#v>)
        }
    }
}

fn output_body(model: &Model, command: &Command) -> TokenStream {
    let missing = tok(&model.runtime.missing_response);
    match &command.output {
        Output::Unit => quote! {
            let _ = done;
            Ok(())
        },
        Output::All { from, flatten, via } => {
            let own_pattern = pattern(model, from, true);
            let bind = bind_value(model, from);
            let push = |value: TokenStream| {
                if *flatten {
                    quote!(values.extend(#value))
                } else {
                    quote!(values.push(#value))
                }
            };
            let own = push(quote!(value));
            let others = via.iter().map(|(other, function)| {
                let pattern = pattern(model, other, true);
                let bind = bind_value(model, other);
                let function = tok(function);
                let push = push(quote!(#function(Self::NAME, value)?));
                quote!(#pattern => { #bind #push; })
            });
            quote! {
                let mut values = Vec::new();
                for item in done.data {
                    match item {
                        #own_pattern => {
                            #bind
                            #own;
                        }
                        #(#others)*
                        _ => {}
                    }
                }
                Ok(values)
            }
        }
        Output::One { from, or_default } => {
            let pattern = pattern(model, from, true);
            let bind = bind_value(model, from);
            let name = source_name(from);
            let result = if *or_default {
                quote!(Ok(found.unwrap_or_default()))
            } else {
                quote!(found.ok_or_else(|| #missing(Self::NAME, #name)))
            };
            quote! {
                let mut found = None;
                for item in done.data {
                    match item {
                        #pattern => {
                            #bind
                            found = Some(value);
                        }
                        _ => {}
                    }
                }
                #result
            }
        }
        Output::Struct { ident, fields, .. } => struct_body(model, ident, fields),
    }
}

/// The match arms that store each source's value into the fields it feeds.
fn source_arms(model: &Model, fields: &[OutputField], codes: bool) -> Vec<TokenStream> {
    let mut sources: Vec<&ResponseRef> = Vec::new();
    for f in fields.iter().filter(|f| f.from.is_code == codes) {
        if !sources.iter().any(|s| s.name == f.from.name) {
            sources.push(&f.from);
        }
    }
    sources
        .into_iter()
        .map(|source| {
            let pattern = pattern(model, source, true);
            let bind = bind_value(model, source);
            let targets: Vec<&OutputField> = fields
                .iter()
                .filter(|f| f.from.name == source.name && f.from.is_code == codes)
                .collect();
            let assigns = targets.iter().enumerate().map(|(i, f)| {
                let ident = tok(&f.ident);
                match (&f.from.value, i + 1 == targets.len()) {
                    (None, _) => quote!(#ident = true;),
                    (Some(_), true) if f.all => quote!(#ident.push(value);),
                    (Some(_), false) if f.all => quote!(#ident.push(value.clone());),
                    (Some(_), true) => quote!(#ident = Some(value);),
                    (Some(_), false) => quote!(#ident = Some(value.clone());),
                }
            });
            quote!(#pattern => { #bind #(#assigns)* })
        })
        .collect()
}

/// Walks the collected data and codes once each, keeping the last value of
/// each field's source (every value, for an `all` field).
fn struct_body(model: &Model, ident: &str, fields: &[OutputField]) -> TokenStream {
    let missing = tok(&model.runtime.missing_response);
    let name = tok(ident);
    let lets = fields.iter().map(|f| {
        let ident = tok(&f.ident);
        if f.from.value.is_none() {
            quote!(let mut #ident = false;)
        } else if f.all {
            quote!(let mut #ident = Vec::new();)
        } else {
            quote!(let mut #ident = None;)
        }
    });
    let walk = |arms: Vec<TokenStream>, list: TokenStream| {
        if arms.is_empty() {
            quote!()
        } else {
            quote! {
                for item in done.#list {
                    match item {
                        #(#arms)*
                        _ => {}
                    }
                }
            }
        }
    };
    let data_loop = walk(source_arms(model, fields, false), quote!(data));
    let code_loop = walk(source_arms(model, fields, true), quote!(codes));
    let inits = fields.iter().map(|f| {
        let ident = tok(&f.ident);
        let wire = source_name(&f.from);
        if f.required {
            quote!(#ident: #ident.ok_or_else(|| #missing(Self::NAME, #wire))?,)
        } else {
            quote!(#ident,)
        }
    });
    quote! {
        #(#lets)*
        #data_loop
        #code_loop
        Ok(#name { #(#inits)* })
    }
}
