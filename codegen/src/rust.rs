//! Rust identifiers and paths written in spec files: parsed with syn and
//! rooted at the runtime path.

use quote::ToTokens;

/// Names that are used as they are, never rooted at the runtime.
const PRELUDE: &[&str] = &[
    "String", "Vec", "Option", "Box", "bool", "char", "str", "u8", "u16", "u32", "u64", "usize",
    "i32", "i64",
];

/// Rust keywords that need the raw form `r#`.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];

/// `snake_case`, made raw (`r#move`) when it is a keyword.
pub(crate) fn snake(name: &str) -> String {
    use heck::ToSnakeCase;
    raw_if_keyword(name.to_snake_case())
}

/// `UpperCamelCase`.
pub(crate) fn camel(name: &str) -> String {
    use heck::ToUpperCamelCase;
    name.to_upper_camel_case()
}

fn raw_if_keyword(ident: String) -> String {
    if KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else {
        ident
    }
}

/// Whether `ident` is a valid Rust identifier (raw form allowed).
pub(crate) fn is_ident(ident: &str) -> bool {
    syn::parse_str::<syn::Ident>(ident).is_ok()
}

/// Roots a type such as `Vec<types::Flag>` at `root`: `Vec<crate::types::Flag>`.
pub(crate) fn root_type(text: &str, root: &str) -> Option<String> {
    let mut ty: syn::Type = syn::parse_str(text).ok()?;
    let root: syn::Path = syn::parse_str(root).ok()?;
    root_in_type(&mut ty, &root);
    Some(tidy(&ty.to_token_stream().to_string()))
}

/// Roots a path such as `codec::encode::astring` at `root`.
pub(crate) fn root_path(text: &str, root: &str) -> Option<String> {
    let mut path: syn::Path = syn::parse_str(text).ok()?;
    let root: syn::Path = syn::parse_str(root).ok()?;
    root_in_path(&mut path, &root);
    Some(tidy(&path.to_token_stream().to_string()))
}

fn root_in_type(ty: &mut syn::Type, root: &syn::Path) {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => root_in_path(&mut p.path, root),
        syn::Type::Reference(r) => root_in_type(&mut r.elem, root),
        syn::Type::Slice(s) => root_in_type(&mut s.elem, root),
        syn::Type::Tuple(t) => t.elems.iter_mut().for_each(|e| root_in_type(e, root)),
        _ => {}
    }
}

fn root_in_path(path: &mut syn::Path, root: &syn::Path) {
    for segment in &mut path.segments {
        if let syn::PathArguments::AngleBracketed(args) = &mut segment.arguments {
            for arg in &mut args.args {
                if let syn::GenericArgument::Type(ty) = arg {
                    root_in_type(ty, root);
                }
            }
        }
    }
    let Some(first) = path.segments.first() else {
        return;
    };
    let first = first.ident.to_string();
    let absolute = path.leading_colon.is_some() || first == "crate" || first == "std";
    if absolute || (path.segments.len() == 1 && PRELUDE.contains(&first.as_str())) {
        return;
    }
    let mut rooted = root.clone();
    rooted.segments.extend(path.segments.iter().cloned());
    *path = rooted;
}

/// Tokens of a type or path printed as a person writes them
/// (`crate::types::Flag`, not `crate :: types :: Flag`), by prettyplease.
fn tidy(tokens: &str) -> String {
    let printed = syn::parse_str::<syn::File>(&format!("type T = {tokens};"))
        .map(|file| prettyplease::unparse(&file))
        .unwrap_or_else(|_| tokens.to_owned());
    printed
        .trim()
        .strip_prefix("type T = ")
        .and_then(|s| s.strip_suffix(';'))
        .unwrap_or(tokens)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_type_is_rooted_inside_generics() {
        assert_eq!(
            root_type("Vec<types::Flag>", "::typed_imap").as_deref(),
            Some("Vec<::typed_imap::types::Flag>")
        );
    }

    #[test]
    fn prelude_and_absolute_paths_stay() {
        assert_eq!(
            root_type("Option<u32>", "crate").as_deref(),
            Some("Option<u32>")
        );
        assert_eq!(
            root_type("::std::string::String", "crate").as_deref(),
            Some("::std::string::String")
        );
    }

    #[test]
    fn function_path_is_rooted() {
        assert_eq!(
            root_path("codec::encode::astring", "crate").as_deref(),
            Some("crate::codec::encode::astring")
        );
    }

    #[test]
    fn keyword_becomes_raw_identifier() {
        assert_eq!(snake("MOVE"), "r#move");
        assert_eq!(snake("UID FETCH"), "uid_fetch");
        assert_eq!(camel("READ-ONLY"), "ReadOnly");
    }
}
