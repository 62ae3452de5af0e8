//! Constructors for search keys, fetch items and status items: inherent
//! impls inside the runtime, an extension trait per spec file elsewhere.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc, tok};
use crate::model::{Model, Param};

/// One constructor: its signature and body.
struct Constructor {
    docs: TokenStream,
    signature: TokenStream,
    body: TokenStream,
}

/// The constructors of every spec, grouped by the runtime type they build.
pub(crate) fn emit(model: &Model) -> TokenStream {
    let rt = &model.runtime;
    let groups = [
        (
            "SearchKeys",
            "Search keys",
            &rt.search_key,
            search_keys(model),
        ),
        (
            "FetchItem",
            "Fetch attributes",
            &rt.fetch_item,
            fetch_items(model),
        ),
        (
            "FetchMacros",
            "Fetch macros",
            &rt.fetch_items,
            fetch_macros(model),
        ),
        (
            "StatusItems",
            "Status attributes",
            &rt.status_item,
            status_items(model),
        ),
        ("SortKeys", "Sort keys", &rt.sort_key, sort_keys(model)),
    ];
    let items = groups
        .into_iter()
        .filter(|(_, _, _, constructors)| !constructors.is_empty())
        .map(|(trait_suffix, what, target, constructors)| {
            let target = tok(target);
            if model.core {
                let functions = constructors.iter().map(|c| {
                    let Constructor {
                        docs,
                        signature,
                        body,
                    } = c;
                    quote!(#docs pub #signature { #body })
                });
                quote!(#[allow(clippy::useless_conversion)] impl #target { #(#functions)* })
            } else {
                let spec = model
                    .specs
                    .first()
                    .map_or("Extension", |s| s.ident.as_str());
                let trait_name = format_ident!("{}{}", spec, trait_suffix);
                let trait_doc = doc(&format!(
                    "{what} declared by the `{spec}` spec, as constructors of `{}`.",
                    target.to_string().replace(' ', "")
                ));
                let declarations = constructors.iter().map(|c| {
                    let Constructor {
                        docs, signature, ..
                    } = c;
                    quote!(#docs #signature;)
                });
                let definitions = constructors.iter().map(|c| {
                    let Constructor {
                        signature, body, ..
                    } = c;
                    quote!(#signature { #body })
                });
                quote! {
                    #trait_doc
                    pub trait #trait_name: Sized { #(#declarations)* }
                    #[allow(clippy::useless_conversion)]
                    impl #trait_name for #target { #(#definitions)* }
                }
            }
        });
    quote!(#(#items)*)
}

/// `` `NAME`: doc `` and the capability it needs, if any.
fn item_doc(name: &str, text: &str, capability: Option<&str>) -> TokenStream {
    let needs = capability
        .map(|c| format!("\n\nNeeds the `{c}` capability (checked before sending)."))
        .unwrap_or_default();
    doc(&format!("`{name}`: {text}{needs}"))
}

/// `Some("CONDSTORE")` or `None`, the constructors' capability argument.
fn capability(capability: Option<&str>) -> TokenStream {
    match capability {
        Some(c) => quote!(Some(#c)),
        None => quote!(None),
    }
}

fn params(params: &[Param]) -> (Vec<TokenStream>, Vec<TokenStream>) {
    params
        .iter()
        .map(|p| {
            let ident = tok(&p.ident);
            let ty = tok(&p.ty.rust);
            (quote!(#ident: impl Into<#ty>), quote!(#ident.into()))
        })
        .unzip()
}

fn search_keys(model: &Model) -> Vec<Constructor> {
    let new = tok(&model.runtime.search_key_new);
    model
        .search_keys
        .iter()
        .filter(|k| !k.composite)
        .map(|k| {
            let ident = tok(&k.ident);
            let name = &k.name;
            let (signature_params, _) = params(&k.args);
            let values = search_arg_values(&k.args);
            let capability = capability(k.capability.as_deref());
            Constructor {
                docs: item_doc(name, &k.doc, k.capability.as_deref()),
                signature: quote!(fn #ident(#(#signature_params),*) -> Self),
                body: quote!(#new(#name, #capability, vec![#(#values),*])),
            }
        })
        .collect()
}

/// The arguments as search arguments. The builder type (String for an
/// astring) may differ from what the search argument holds (bytes):
/// convert through it.
fn search_arg_values(args: &[Param]) -> Vec<TokenStream> {
    args.iter()
        .map(|p| {
            let ident = tok(&p.ident);
            let ty = tok(&p.ty.rust);
            let convert = tok(p.search_arg.as_deref().unwrap_or("compile_error"));
            quote!(#convert(Into::<#ty>::into(#ident).into()))
        })
        .collect()
}

fn fetch_items(model: &Model) -> Vec<Constructor> {
    let new = tok(&model.runtime.fetch_item_new);
    let args_new = tok(&model.runtime.fetch_item_args);
    let modifiers_new = tok(&model.runtime.fetch_item_modifiers);
    let section_new = tok(&model.runtime.fetch_item_section);
    let fetch_section = tok(&model.runtime.fetch_section);
    model
        .fetch_atts
        .iter()
        .filter(|a| !a.is_macro)
        .map(|a| {
            let ident = tok(&a.ident);
            let name = &a.name;
            let wire = match a.modifiers.as_slice() {
                [] => name.clone(),
                modifiers => format!("{name} ({})", modifiers.join(" ")),
            };
            let docs = item_doc(&wire, &a.doc, a.capability.as_deref());
            let capability = capability(a.capability.as_deref());
            match &a.section {
                Some((section, _)) => {
                    let ty = tok(&section.rust);
                    Constructor {
                        docs,
                        signature: quote!(fn #ident(section: impl Into<#ty>) -> #fetch_section),
                        body: quote!(#section_new(#name, #capability, section.into())),
                    }
                }
                None if !a.args.is_empty() => {
                    let (signature_params, _) = params(&a.args);
                    let values = search_arg_values(&a.args);
                    Constructor {
                        docs,
                        signature: quote!(fn #ident(#(#signature_params),*) -> Self),
                        body: quote!(#args_new(#name, #capability, vec![#(#values),*])),
                    }
                }
                None if !a.modifiers.is_empty() => {
                    let modifiers = &a.modifiers;
                    Constructor {
                        docs,
                        signature: quote!(fn #ident() -> Self),
                        body: quote!(#modifiers_new(#name, #capability, &[#(#modifiers),*])),
                    }
                }
                None => Constructor {
                    docs,
                    signature: quote!(fn #ident() -> Self),
                    body: quote!(#new(#name, #capability)),
                },
            }
        })
        .collect()
}

fn fetch_macros(model: &Model) -> Vec<Constructor> {
    let macros = tok(&model.runtime.fetch_macro);
    model
        .fetch_atts
        .iter()
        .filter(|a| a.is_macro)
        .map(|a| {
            let ident = tok(&a.ident);
            let variant = format_ident!("{}", crate::rust::camel(&a.name));
            let name = &a.name;
            Constructor {
                docs: doc(&format!("`{name}`: {}", a.doc)),
                signature: quote!(fn #ident() -> Self),
                body: quote!(#macros::#variant.into()),
            }
        })
        .collect()
}

fn status_items(model: &Model) -> Vec<Constructor> {
    let new = tok(&model.runtime.status_item_new);
    model
        .status_atts
        .iter()
        .map(|a| {
            let ident = tok(&a.ident);
            let name = &a.name;
            let capability = capability(a.capability.as_deref());
            Constructor {
                docs: item_doc(name, &a.doc, a.capability.as_deref()),
                signature: quote!(fn #ident() -> Self),
                body: quote!(#new(#name, #capability)),
            }
        })
        .collect()
}

fn sort_keys(model: &Model) -> Vec<Constructor> {
    let new = tok(&model.runtime.sort_key_new);
    model
        .sort_keys
        .iter()
        .map(|k| {
            let ident = tok(&k.ident);
            let name = &k.name;
            let capability = capability(k.capability.as_deref());
            Constructor {
                docs: item_doc(name, &k.doc, k.capability.as_deref()),
                signature: quote!(fn #ident() -> Self),
                body: quote!(#new(#name, #capability)),
            }
        })
        .collect()
}
