//! Untagged responses and response codes: their structs and parsers, and,
//! inside the runtime, the `Data` and `Code` enums, `Message` (FETCH
//! attributes) and `StatusAttributes` (STATUS attributes).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::commands::raw_parser_name;
use super::{doc, tok};
use crate::model::{Correlation, Field, Model, Output, Parse, ParsedType, Response, ResponseRef};

/// The response side of the model.
pub(crate) fn emit(model: &Model) -> TokenStream {
    // Responses of the same shape may share a struct (LIST and LSUB).
    let mut seen = std::collections::BTreeSet::new();
    let structs: Vec<TokenStream> = model
        .responses
        .iter()
        .chain(&model.codes)
        .filter(|r| {
            r.struct_ident
                .as_ref()
                .is_some_and(|s| seen.insert(s.clone()))
        })
        .map(|r| value_struct(model, r))
        .collect();
    let rest = if model.core {
        let data = data_enum(model);
        let code = code_enum(model);
        let message = message(model);
        let status = status_attributes(model);
        let attributes = mailbox_attributes(model);
        quote!(#data #code #message #status #attributes)
    } else {
        let responses = model.responses.iter().map(|r| from_raw(model, r, false));
        let codes = model.codes.iter().map(|r| from_raw(model, r, true));
        let message = downstream_message(model);
        quote!(#(#responses)* #(#codes)* #message)
    };
    quote!(#(#structs)* #rest)
}

/// Reads one field, with the SP before it.
fn field_value(model: &Model, field: &Field) -> TokenStream {
    let own_sp = !field.list && matches!(field.ty.parse, Parse::Function { own_sp: true, .. });
    let value = read_value(model, &field.ty, field.list, field.nil);
    match (field.optional, own_sp) {
        // Validation refuses optional fields of types that read their SP.
        (true, true) => quote!(Some(#value)),
        (true, false) => quote!(if p.peek() == Some(b' ') {
            p.sp()?;
            Some(#value)
        } else {
            None
        }),
        (false, true) => value,
        (false, false) => quote!({
            p.sp()?;
            #value
        }),
    }
}

/// Reads a value of `ty` (a parenthesised list of them with `list`), or
/// `NIL` instead with `nil`.
fn read_value(model: &Model, ty: &ParsedType, list: bool, nil: bool) -> TokenStream {
    let function = parse_fn(model, ty);
    match (list, nil) {
        (false, false) => quote!(#function(p)?),
        (true, false) => quote!(p.list(#function)?),
        (false, true) => quote!(p.nil_or(#function)?),
        (true, true) => quote!(p.nil_or(|p| p.list(#function))?),
    }
}

/// The Rust type of an attribute's value: `Option` of the type's if it
/// may be NIL.
fn value_type(ty: &ParsedType, nil: bool) -> TokenStream {
    let rust = tok(&ty.rust);
    if nil {
        quote!(Option<#rust>)
    } else {
        rust
    }
}

/// `f(p)?` for a parsed type.
fn parse_call(model: &Model, ty: &ParsedType) -> TokenStream {
    let function = parse_fn(model, ty);
    quote!(#function(p)?)
}

/// The function that parses a type.
fn parse_fn(_model: &Model, ty: &ParsedType) -> TokenStream {
    let inner = tok(&ty.inner);
    match &ty.parse {
        Parse::Function { path, .. } => tok(path),
        // Only `Message` may be boxed (validate::boxed): it fills its box.
        Parse::FetchAttributes if ty.boxed => quote!(#inner::parse_boxed),
        Parse::FetchAttributes | Parse::StatusAttributes => quote!(#inner::parse),
    }
}

fn value_struct(model: &Model, r: &Response) -> TokenStream {
    let name = tok(r.struct_ident.as_deref().unwrap_or("Unnamed"));
    let parser = tok(&model.runtime.parser);
    let parse_error = tok(&model.runtime.parse_error);
    let docs = doc(&r.doc);
    let number_field = r.number.as_ref().map(|n| {
        let n = tok(n);
        let d = doc(&format!("The number before `{}`.", r.name));
        quote!(#d pub #n: u32,)
    });
    let number_param = r.number.as_ref().map(|n| {
        let n = tok(n);
        quote!(#n: u32,)
    });
    let number_init = r.number.as_ref().map(|n| {
        let n = tok(n);
        quote!(#n,)
    });
    let fields = r.fields.iter().map(|f| {
        let ident = tok(&f.ident);
        let ty = tok(&f.rust);
        let docs = doc(&f.doc);
        quote!(#docs pub #ident: #ty,)
    });
    let reads = r.fields.iter().map(|f| {
        let ident = tok(&f.ident);
        let value = field_value(model, f);
        quote!(let #ident = #value;)
    });
    let inits = r.fields.iter().map(|f| tok(&f.ident));
    let parse_doc = doc(&format!(
        "Parses the arguments of `{}`, the cursor right after the name.",
        r.name
    ));
    // A command's `one` output `or_default` over this response needs its
    // value's Default (SEARCH RETURN (SAVE): no ESEARCH at all).
    let defaulted = model.commands.iter().any(|c| {
        matches!(&c.output, Output::One { from, or_default: true } if from.name == r.name && !from.is_code)
    });
    let derives = if defaulted {
        quote!(#[derive(Clone, Debug, Default)])
    } else {
        quote!(#[derive(Clone, Debug)])
    };
    quote! {
        #docs
        #derives
        pub struct #name {
            #number_field
            #(#fields)*
        }

        impl #name {
            #parse_doc
            pub fn parse(#number_param p: &mut #parser<'_>) -> Result<Self, #parse_error> {
                #(#reads)*
                Ok(Self { #number_init #(#inits,)* })
            }
        }
    }
}

/// The expression reading a response's value (cursor after the name).
fn value_expr(model: &Model, r: &Response) -> TokenStream {
    match (&r.struct_ident, &r.number, r.fields.as_slice()) {
        (Some(s), Some(_), _) => {
            let s = tok(s);
            quote!(#s::parse(number, p)?)
        }
        (Some(s), None, _) => {
            let s = tok(s);
            quote!(#s::parse(p)?)
        }
        (None, Some(_), _) => quote!(number),
        (None, None, [field]) => field_value(model, field),
        (None, None, _) => quote!(()),
    }
}

fn variant_def(r: &Response) -> TokenStream {
    let variant = format_ident!("{}", r.variant);
    let docs = doc(&r.doc);
    match &r.value {
        Some(v) => {
            let v = tok(v);
            quote!(#docs #variant(#v),)
        }
        None => quote!(#docs #variant,),
    }
}

fn construct(enum_name: &TokenStream, r: &Response, value: TokenStream) -> TokenStream {
    let variant = format_ident!("{}", r.variant);
    match &r.value {
        Some(_) => quote!(#enum_name::#variant(#value)),
        None => quote!(#enum_name::#variant),
    }
}

fn effect_arm(model: &Model, enum_name: &TokenStream, r: &Response) -> Option<TokenStream> {
    let (effect, carries) = r.effect.as_ref()?;
    let effect_enum = tok(&model.runtime.effect);
    let variant = format_ident!("{}", r.variant);
    let effect = format_ident!("{}", effect);
    let pattern = match (&r.value, carries) {
        (None, _) => quote!(#enum_name::#variant),
        (Some(_), true) => quote!(#enum_name::#variant(value)),
        (Some(_), false) => quote!(#enum_name::#variant(_)),
    };
    let result = if *carries {
        quote!(#effect_enum::#effect(value.clone()))
    } else {
        quote!(#effect_enum::#effect)
    };
    Some(quote!(#pattern => Some(#result),))
}

/// `fn name(&self) -> &str`: the wire name of the variant, or of the raw value.
fn name_fn(enum_name: &TokenStream, items: &[Response], raw_field: TokenStream) -> TokenStream {
    let arms = items.iter().map(|r| {
        let variant = format_ident!("{}", r.variant);
        let name = &r.name;
        match &r.value {
            Some(_) => quote!(#enum_name::#variant(_) => #name,),
            None => quote!(#enum_name::#variant => #name,),
        }
    });
    quote! {
        /// The name as the spec writes it (`EXISTS`), or as the server
        /// sent it for one no spec declares.
        pub fn name(&self) -> &str {
            match self {
                #(#arms)*
                #enum_name::Other(raw) => &raw.#raw_field,
            }
        }
    }
}

fn data_enum(model: &Model) -> TokenStream {
    let rt = &model.runtime;
    let data = quote!(Data);
    let (raw, parser, parse_error, parse_trait, effect) = (
        tok(&rt.raw_data),
        tok(&rt.parser),
        tok(&rt.parse_error),
        tok(&rt.parse_data),
        tok(&rt.effect),
    );
    let variants = model.responses.iter().map(variant_def);
    let dispatch = model.responses.iter().map(|r| {
        let name = upper_literal(&r.name);
        let value = construct(&data, r, value_expr(model, r));
        if r.number.is_some() {
            quote!((#name, Some(number)) => Ok(#value),)
        } else {
            quote!((#name, None) => Ok(#value),)
        }
    });
    let effects = model
        .responses
        .iter()
        .filter_map(|r| effect_arm(model, &data, r));
    let name_fn = name_fn(&data, &model.responses, quote!(keyword));
    let correlation = tok(&rt.correlation);
    let correlations = model
        .responses
        .iter()
        .filter_map(|r| correlation_arm(&correlation, r));
    quote! {
        /// Untagged data (`* ...`): one variant per response the specs declare.
        #[derive(Clone, Debug)]
        pub enum Data {
            #(#variants)*
            /// Untagged data no spec of this crate declares, kept as it came
            /// (an extension's responses arrive here).
            Other(#raw),
        }

        impl #parse_trait for Data {
            fn parse(keyword: &str, number: Option<u32>, p: &mut #parser<'_>) -> Result<Self, #parse_error> {
                match (#parser::upper(keyword).as_bytes(), number) {
                    #(#dispatch)*
                    _ => <#raw as #parse_trait>::parse(keyword, number, p).map(Data::Other),
                }
            }
        }

        impl Data {
            #name_fn

            /// What the session does when it sees this data, if anything.
            #[allow(clippy::clone_on_copy)]
            pub fn effect(&self) -> Option<#effect> {
                match self {
                    #(#effects)*
                    _ => None,
                }
            }

            /// What this data is about (a message, a mailbox, a command's
            /// tag), for giving it to the pipelined command it answers.
            pub fn correlation(&self) -> #correlation<'_> {
                match self {
                    #(#correlations)*
                    _ => #correlation::None,
                }
            }
        }
    }
}

/// `Data::Fetch(value) => Correlation::Message { .. },` for a response
/// that declares its `correlation`.
fn correlation_arm(correlation: &TokenStream, r: &Response) -> Option<TokenStream> {
    let variant = format_ident!("{}", r.variant);
    let field = |ident: &str| tok(ident);
    let result = match r.correlation.as_ref()? {
        Correlation::Message { seq, uid } => {
            let seq = field(seq);
            let uid = match uid {
                Some(path) => {
                    let path = path.iter().map(|part| field(part));
                    quote!(value.#(#path).*)
                }
                None => quote!(None),
            };
            quote!(#correlation::Message { seq: value.#seq, uid: #uid })
        }
        Correlation::Mailbox(mailbox) => {
            let mailbox = field(mailbox);
            quote!(#correlation::Mailbox(&value.#mailbox))
        }
        Correlation::Tag(tag) => {
            let tag = field(tag);
            quote!(#correlation::Tag(value.#tag.as_deref()))
        }
    };
    Some(quote!(Data::#variant(value) => #result,))
}

fn code_enum(model: &Model) -> TokenStream {
    let rt = &model.runtime;
    let code = quote!(Code);
    let (raw, parser, parse_error, parse_trait, effect) = (
        tok(&rt.raw_code),
        tok(&rt.parser),
        tok(&rt.parse_error),
        tok(&rt.parse_code),
        tok(&rt.effect),
    );
    let variants = model.codes.iter().map(variant_def);
    let dispatch = model.codes.iter().map(|r| {
        let name = upper_literal(&r.name);
        let value = construct(&code, r, value_expr(model, r));
        quote!(#name => Ok(#value),)
    });
    let effects = model
        .codes
        .iter()
        .filter_map(|r| effect_arm(model, &code, r));
    let name_fn = name_fn(&code, &model.codes, quote!(name));
    quote! {
        /// A response code (`[...]` in a status response): one variant per
        /// code the specs declare.
        #[derive(Clone, Debug)]
        pub enum Code {
            #(#variants)*
            /// A code no spec of this crate declares, kept as it came.
            Other(#raw),
        }

        impl #parse_trait for Code {
            fn parse(name: &str, p: &mut #parser<'_>) -> Result<Self, #parse_error> {
                match #parser::upper(name).as_bytes() {
                    #(#dispatch)*
                    _ => <#raw as #parse_trait>::parse(name, p).map(Code::Other),
                }
            }

            fn raw(raw: #raw) -> Self {
                Code::Other(raw)
            }
        }

        impl Code {
            #name_fn

            /// What the session does when it sees this code, if anything.
            #[allow(clippy::clone_on_copy)]
            pub fn effect(&self) -> Option<#effect> {
                match self {
                    #(#effects)*
                    _ => None,
                }
            }
        }
    }
}

/// A spec name as the byte-string pattern the generated `match` compares
/// an upper-cased name with (`b"RFC822.SIZE"`).
fn upper_literal(name: &str) -> proc_macro2::Literal {
    proc_macro2::Literal::byte_string(name.to_ascii_uppercase().as_bytes())
}

/// `Message`: the attributes of one FETCH response.
fn message(model: &Model) -> TokenStream {
    let rt = &model.runtime;
    let (parser, parse_error, raw) = (tok(&rt.parser), tok(&rt.parse_error), tok(&rt.raw_value));
    let atts: Vec<_> = model
        .fetch_atts
        .iter()
        .filter(|a| a.field.is_some())
        .collect();
    let fields = atts.iter().map(|a| {
        let field = tok(a.field.as_deref().unwrap_or_default());
        let docs = doc(&format!("`{}`: {}", a.name, a.doc));
        let value = a
            .value
            .as_ref()
            .map_or(quote!(()), |v| value_type(v, a.nil));
        match &a.section {
            Some((_, section)) => {
                let section = tok(&section.rust);
                quote!(#docs pub #field: Vec<(#section, #value)>,)
            }
            None => quote!(#docs pub #field: Option<#value>,),
        }
    });
    let plain = atts.iter().filter(|a| a.section.is_none()).map(|a| {
        let name = upper_literal(&a.name);
        let field = tok(a.field.as_deref().unwrap_or_default());
        let value = a.value.as_ref().map(|v| read_value(model, v, false, a.nil));
        quote!(#name => {
            p.sp()?;
            self.#field = Some(#value);
        })
    });
    let sectioned = atts
        .iter()
        .filter_map(|a| Some((a, a.section.as_ref()?)))
        .map(|(a, (_, section))| {
            let name = upper_literal(&a.name);
            let field = tok(a.field.as_deref().unwrap_or_default());
            let section = parse_call(model, section);
            let value = a.value.as_ref().map(|v| read_value(model, v, false, a.nil));
            quote!(#name => {
                let section = #section;
                p.value_sp()?;
                let value = #value;
                self.#field.push((section, value));
            })
        });
    quote! {
        /// The attributes of one message in a FETCH response: one field per
        /// attribute the specs declare, set when the server sent it.
        #[derive(Clone, Debug, Default)]
        pub struct Message {
            #(#fields)*
            /// Attributes no spec of this crate declares: name and raw value.
            pub extra: Vec<(String, #raw)>,
        }

        impl Message {
            /// Parses `"(" msg-att *(SP msg-att) ")"`.
            pub fn parse(p: &mut #parser<'_>) -> Result<Self, #parse_error> {
                let mut message = Message::default();
                p.msg_att(|p| message.attribute(p))?;
                Ok(message)
            }

            /// [`parse`](Self::parse), filling a box in place: a FETCH
            /// response keeps its (large) message boxed, and this spares
            /// the copy into the box.
            pub fn parse_boxed(p: &mut #parser<'_>) -> Result<Box<Self>, #parse_error> {
                let mut message = Box::<Message>::default();
                p.msg_att(|p| message.attribute(p))?;
                Ok(message)
            }

            /// One `name SP value` (or `name[section]<origin> SP value`).
            fn attribute(&mut self, p: &mut #parser<'_>) -> Result<(), #parse_error> {
                let start = p.position();
                let name = p.att_name()?;
                if p.peek() == Some(b'[') {
                    match name.as_bytes() {
                        #(#sectioned)*
                        // An extension's sectioned attribute (`BINARY[1]`):
                        // kept raw, its name with the section and origin.
                        _ => {
                            p.skip_section()?;
                            self.extra_attribute(p, start)?;
                        }
                    }
                    return Ok(());
                }
                match name.as_bytes() {
                    #(#plain)*
                    _ => self.extra_attribute(p, start)?,
                }
                Ok(())
            }

            /// An attribute no spec declares, its name read from `start`:
            /// kept raw in `extra`.
            fn extra_attribute(&mut self, p: &mut #parser<'_>, start: usize) -> Result<(), #parse_error> {
                let name = String::from_utf8_lossy(&p.slice(start, p.position())).into_owned();
                p.sp()?;
                let value = #raw::parse(p)?;
                self.extra.push((name, value));
                Ok(())
            }
        }
    }
}

/// `StatusAttributes`: the values of a STATUS response.
fn status_attributes(model: &Model) -> TokenStream {
    let rt = &model.runtime;
    let (parser, parse_error, raw) = (tok(&rt.parser), tok(&rt.parse_error), tok(&rt.raw_value));
    let fields = model.status_atts.iter().map(|a| {
        let ident = tok(&a.ident);
        let ty = value_type(&a.value, a.nil);
        let docs = doc(&format!("`{}`: {}", a.name, a.doc));
        quote!(#docs pub #ident: Option<#ty>,)
    });
    let reads = model.status_atts.iter().map(|a| {
        let name = upper_literal(&a.name);
        let ident = tok(&a.ident);
        let value = read_value(model, &a.value, false, a.nil);
        quote!(#name => self.#ident = Some(#value),)
    });
    quote! {
        /// The values of a STATUS response: one field per status attribute
        /// the specs declare, set when the server sent it.
        #[derive(Clone, Debug, Default)]
        pub struct StatusAttributes {
            #(#fields)*
            /// Attributes no spec of this crate declares: name and raw value.
            pub extra: Vec<(String, #raw)>,
        }

        impl StatusAttributes {
            /// Parses `"(" [status-att SP value *(SP status-att SP value)] ")"`.
            pub fn parse(p: &mut #parser<'_>) -> Result<Self, #parse_error> {
                let mut attributes = StatusAttributes::default();
                p.list(|p| attributes.attribute(p))?;
                Ok(attributes)
            }

            /// One `name SP value`.
            fn attribute(&mut self, p: &mut #parser<'_>) -> Result<(), #parse_error> {
                let name = p.atom()?;
                p.sp()?;
                match #parser::upper(name).as_bytes() {
                    #(#reads)*
                    _ => {
                        let value = #raw::parse(p)?;
                        self.extra.push((name.to_owned(), value));
                    }
                }
                Ok(())
            }
        }
    }
}

/// Downstream: a trait on the runtime's `Message` reading this crate's
/// FETCH attributes out of `Message::extra`, where the runtime keeps the
/// attributes no spec of its own declares.
fn downstream_message(model: &Model) -> TokenStream {
    let atts: Vec<_> = model
        .fetch_atts
        .iter()
        .filter(|a| a.section.is_none())
        .filter_map(|a| Some((a, a.field.as_deref()?, a.value.as_ref()?)))
        .map(|(a, field, value)| (a, field, value, value_type(value, a.nil)))
        .collect();
    if atts.is_empty() {
        return quote!();
    }
    let rt = &model.runtime;
    let (parser, parse_error, message) = (tok(&rt.parser), tok(&rt.parse_error), tok(&rt.message));
    let spec = model
        .specs
        .first()
        .map_or("Extension", |s| s.ident.as_str());
    let trait_name = format_ident!("{}Message", spec);
    let trait_doc = doc(&format!(
        "FETCH attributes declared by the `{spec}` spec, read from a message's \
         `extra` attributes: `None` when the server did not send it."
    ));
    let signatures: Vec<_> = atts
        .iter()
        .map(|(a, field, _, value)| {
            let field = tok(field);
            let docs = doc(&format!("`{}`: {}", a.name, a.doc));
            (
                docs,
                quote!(fn #field(&self) -> Option<Result<#value, #parse_error>>),
            )
        })
        .collect();
    let declarations = signatures.iter().map(|(docs, s)| quote!(#docs #s;));
    let definitions = atts
        .iter()
        .zip(&signatures)
        .map(|((a, _, value, _), (_, s))| {
            let name = &a.name;
            let parse = parse_fn(model, value);
            let parse = if a.nil {
                quote!(|p: &mut #parser<'_>| p.nil_or(#parse))
            } else {
                parse
            };
            quote!(#s {
                let (_, raw) = self.extra.iter().find(|(n, _)| n.eq_ignore_ascii_case(#name))?;
                Some(raw.parse_as(#parse))
            })
        });
    quote! {
        #trait_doc
        pub trait #trait_name { #(#declarations)* }

        impl #trait_name for #message { #(#definitions)* }
    }
}

/// Downstream: a function parsing a response of this crate's spec out of
/// the runtime's raw data (`Data::Other`, `Code::Other`).
fn from_raw(model: &Model, r: &Response, is_code: bool) -> TokenStream {
    let Some(value_type) = &r.value else {
        return quote!();
    };
    let rt = &model.runtime;
    let (parser, parse_error, limits, bytes) = (
        tok(&rt.parser),
        tok(&rt.parse_error),
        tok(&rt.limits),
        tok(&rt.bytes),
    );
    let raw_type = tok(if is_code { &rt.raw_code } else { &rt.raw_data });
    let reference = ResponseRef {
        name: r.name.clone(),
        is_code,
        variant: r.variant.clone(),
        value: r.value.clone(),
        field: None,
    };
    let function = format_ident!("{}", raw_parser_name(&reference));
    let value_type = tok(value_type);
    let arguments = if is_code {
        quote!(raw.arguments.as_deref().unwrap_or_default())
    } else {
        quote!(raw.arguments.as_ref())
    };
    let name = &r.name;
    let number = if r.number.is_some() {
        quote!(let number = raw.number.ok_or_else(|| p.error(concat!("a number before ", #name)))?;)
    } else {
        quote!()
    };
    let value = value_expr(model, r);
    let docs = doc(&format!(
        "Parses `{name}` out of the runtime's raw form: {}",
        r.doc
    ));
    quote! {
        #docs
        pub fn #function(raw: &#raw_type) -> Result<#value_type, #parse_error> {
            // The raw arguments start after the SP that follows the name;
            // the parsers expect that SP, and a CRLF at the end.
            let arguments: &[u8] = #arguments;
            let mut frame = Vec::with_capacity(arguments.len() + 3);
            if !arguments.is_empty() {
                frame.push(b' ');
            }
            frame.extend_from_slice(arguments);
            frame.extend_from_slice(b"\r\n");
            let frame = #bytes::from(frame);
            let limits = #limits::default();
            let mut p = #parser::new(&frame, &limits);
            let p = &mut p;
            #number
            let value = #value;
            p.finish()?;
            Ok(value)
        }
    }
}

/// `MailboxAttribute`: the attributes of LIST responses the spec files
/// declare, one variant each (another name reads as the one it means),
/// and `Other` for the rest.
fn mailbox_attributes(model: &Model) -> TokenStream {
    let own: Vec<_> = model
        .mailbox_attributes
        .iter()
        .filter(|a| a.means.is_none())
        .collect();
    let variants = own.iter().map(|a| {
        let variant = format_ident!("{}", a.variant);
        let docs = doc(&format!("`{}`: {}", a.name, a.doc));
        quote!(#docs #variant,)
    });
    let names = own.iter().map(|a| {
        let variant = format_ident!("{}", a.variant);
        let name = &a.name;
        quote!(MailboxAttribute::#variant => #name,)
    });
    let reads = model.mailbox_attributes.iter().map(|a| {
        let variant = format_ident!("{}", a.variant);
        let name = &a.name;
        quote!(if name.eq_ignore_ascii_case(#name) {
            return MailboxAttribute::#variant;
        })
    });
    let aliases: Vec<String> = model
        .mailbox_attributes
        .iter()
        .filter_map(|a| Some(format!("`{}` reads as `{}`", a.name, a.means.as_deref()?)))
        .collect();
    let alias_doc = if aliases.is_empty() {
        String::new()
    } else {
        format!(" Other names: {}.", aliases.join(", "))
    };
    let from_wire_doc = doc(&format!(
        "The attribute a server sent as `name` (with its backslash), compared without regard to case.{alias_doc}"
    ));
    quote! {
        /// A mailbox attribute of a LIST, LSUB or XLIST response, as the
        /// spec files declare them (`[[mailbox_attribute]]`).
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum MailboxAttribute {
            #(#variants)*
            /// An attribute no spec file declares, as sent (with its
            /// backslash: `\Foo`).
            Other(String),
        }
        impl MailboxAttribute {
            #from_wire_doc
            pub fn from_wire(name: &str) -> Self {
                #(#reads)*
                MailboxAttribute::Other(name.to_owned())
            }
            /// Its wire name, with its backslash (`\HasChildren`).
            pub fn name(&self) -> &str {
                match self {
                    #(#names)*
                    MailboxAttribute::Other(name) => name,
                }
            }
        }
        impl std::fmt::Display for MailboxAttribute {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    }
}
