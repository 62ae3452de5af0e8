//! Client methods: one per command, calling the runtime client's `run`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc, tok};
use crate::model::{ArgKind, Command, Model};

/// `impl Client { pub fn select(..) }` inside the runtime; an extension
/// trait per spec file elsewhere.
pub(crate) fn emit(model: &Model) -> TokenStream {
    let client = tok(&model.runtime.client);
    let error = tok(&model.runtime.error);
    let methods: Vec<(TokenStream, TokenStream, TokenStream)> = model
        .commands
        .iter()
        .filter_map(|c| Some((c, c.method.as_ref()?)))
        .map(|(command, method)| method_parts(command, method, &error, quote!(&mut self)))
        .collect();
    if methods.is_empty() {
        return quote!();
    }
    if model.core {
        let functions = methods
            .iter()
            .map(|(docs, signature, body)| quote!(#docs pub #signature { #body }));
        let asynchronous = model.runtime.async_client.as_ref().map(|(path, feature)| {
            let client = tok(path);
            let functions = model
                .commands
                .iter()
                .filter_map(|c| Some((c, c.method.as_ref()?)))
                .map(|(command, method)| {
                    // `&self`: the async client's commands go through a
                    // shared connection task.
                    let (docs, signature, body) =
                        method_parts(command, method, &error, quote!(&self));
                    quote!(#docs pub async #signature { #body.await })
                });
            quote! {
                #[cfg(feature = #feature)]
                impl #client { #(#functions)* }
            }
        });
        quote! {
            impl #client { #(#functions)* }
            #asynchronous
        }
    } else {
        let spec = model
            .specs
            .first()
            .map_or("Extension", |s| s.ident.as_str());
        let trait_name = format_ident!("{}Client", spec);
        let trait_doc = doc(&format!(
            "The commands of the `{spec}` spec as methods of the runtime's client."
        ));
        let declarations = methods
            .iter()
            .map(|(docs, signature, _)| quote!(#docs #signature;));
        let definitions = methods
            .iter()
            .map(|(_, signature, body)| quote!(#signature { #body }));
        quote! {
            #trait_doc
            pub trait #trait_name { #(#declarations)* }
            impl #trait_name for #client { #(#definitions)* }
        }
    }
}

fn method_parts(
    command: &Command,
    method: &str,
    error: &TokenStream,
    receiver: TokenStream,
) -> (TokenStream, TokenStream, TokenStream) {
    let ident = tok(method);
    let builder = tok(&command.ident);
    let given: Vec<_> = command
        .args
        .iter()
        .filter(|a| matches!(a.kind, ArgKind::Required | ArgKind::Setter))
        .collect();
    let params = given.iter().map(|a| {
        let ident = tok(&a.ident);
        let ty = super::commands::arg_type(a);
        quote!(#ident: impl Into<#ty>)
    });
    let new_args = given
        .iter()
        .filter(|a| a.kind == ArgKind::Required)
        .map(|a| tok(&a.ident));
    let setters = given.iter().filter(|a| a.kind == ArgKind::Setter).map(|a| {
        let ident = tok(&a.ident);
        quote!(.#ident(#ident))
    });
    let docs = doc(&format!(
        "Sends `{}` and waits for its result (see [`{}`](struct@{}); use `run` with the builder for optional arguments).",
        command.name, command.ident, command.ident
    ));
    let alias = command.alias.as_ref().map(|a| quote!(#[doc(alias = #a)]));
    let docs = quote!(#docs #alias);
    let output = super::commands::output_type(command);
    let signature = quote!(fn #ident(#receiver, #(#params),*) -> Result<#output, #error>);
    let body = quote!(self.run(#builder::new(#(#new_args),*) #(#setters)*));
    (docs, signature, body)
}
