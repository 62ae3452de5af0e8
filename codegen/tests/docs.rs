//! Documentation generated from the spec files, kept current by this test:
//! the table of grammar types in `spec/README.md` is rendered from
//! `spec/types.toml`. When it is stale the test rewrites it and fails, so
//! that the new table is reviewed and committed.

use toml::Value;

const README: &str = "../spec/README.md";
const BEGIN: &str =
    "<!-- grammar types: generated from types.toml by `cargo test -p typed-imap-codegen --test docs` -->\n";
const END: &str = "<!-- end of grammar types -->\n";

/// A table cell: the text as code, `-` when absent.
fn code(value: Option<&str>) -> String {
    value.map_or("-".to_owned(), |v| format!("`{v}`"))
}

/// `Vec<types::Flag>` via `codec::encode::flag_list`.
fn side(ty: Option<&str>, function: Option<&str>) -> String {
    match (ty, function) {
        (Some(ty), Some(function)) => format!("`{ty}` by `{function}`"),
        (Some(ty), None) => format!("`{ty}`"),
        _ => "-".to_owned(),
    }
}

fn table(types: &Value) -> String {
    let mut out = String::from(
        "| type | what | sent: builders hold, encoded by | read: parsed into, by | also |\n|---|---|---|---|---|\n",
    );
    let entries = types
        .get("type")
        .and_then(Value::as_array)
        .expect("types.toml has [[type]]");
    for t in entries {
        let key = |k: &str| t.get(k).and_then(Value::as_str);
        let flag = |k: &str| t.get(k).and_then(Value::as_bool).unwrap_or(false);
        let read_by = key("parse").or(key("generated").map(|g| match g {
            "fetch-attributes" => "the generated `Message::parse`",
            _ => "the generated `StatusAttributes::parse`",
        }));
        let read = match (key("parsed"), read_by) {
            (Some(parsed), Some(by)) if by.starts_with("the ") => format!("`{parsed}` by {by}"),
            (parsed, by) => side(parsed, by),
        };
        let mut also = Vec::new();
        for (k, what) in [
            ("search_arg", "search argument"),
            ("capabilities", "capabilities"),
            ("atom", "atom"),
        ] {
            if let Some(path) = key(k) {
                also.push(format!("{what}: `{path}`"));
            }
        }
        if flag("own_sp") {
            also.push("reads its own SP".to_owned());
        }
        if flag("boxed") {
            also.push("boxed".to_owned());
        }
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            code(key("name")),
            key("doc").unwrap_or_default().replace('|', "\\|"),
            side(key("arg"), key("encode")),
            read,
            if also.is_empty() {
                "-".to_owned()
            } else {
                also.join("; ")
            },
        ));
    }
    out
}

#[test]
fn the_grammar_type_table_of_the_spec_readme_is_current() {
    let types: Value = std::fs::read_to_string("../spec/types.toml")
        .expect("readable")
        .parse()
        .expect("TOML");
    let readme = std::fs::read_to_string(README).expect("readable");
    let (before, rest) = readme.split_once(BEGIN).expect("the BEGIN marker");
    let (_, after) = rest.split_once(END).expect("the END marker");
    let current = format!("{before}{BEGIN}{}{END}{after}", table(&types));
    if current != readme {
        std::fs::write(README, &current).expect("writable");
        panic!("spec/README.md's table of grammar types was stale: it is rewritten, review and commit it");
    }
}
