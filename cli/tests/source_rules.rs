//! Rules about the CLI's own source: it never builds a generated type (`theirstack::types`)
//! with a struct literal, so a field added to the document never breaks the build; builders,
//! `Default` plus assignment, or serde instead.

use std::path::{Path, PathBuf};

/// The Rust name progenitor gives a component schema: `Body_post_x_v0` → `BodyPostXV0`.
fn type_name(schema: &str) -> String {
    schema
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            let first = chars.next().unwrap().to_ascii_uppercase();
            std::iter::once(first).chain(chars).collect::<String>()
        })
        .collect()
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// Where `text` has `name` as a whole word followed by `{`, other than in a declaration.
fn literals_of(text: &str, name: &str) -> Vec<usize> {
    let mut hits = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find(name) {
        let start = from + at;
        let end = start + name.len();
        from = end;
        let before = text[..start].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let rest = text[end..].trim_start();
        if !rest.starts_with('{') || text[end..].starts_with(|c: char| c.is_ascii_alphanumeric()) {
            continue;
        }
        if !is_declaration(text, start) {
            hits.push(text[..start].lines().count());
        }
    }
    hits
}

/// Whether the path at `start` is declared or named as a type (`struct X {`, `-> X {`), not
/// built.
fn is_declaration(text: &str, start: usize) -> bool {
    let head =
        text[..start].trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == ':' || c == '_');
    let previous = head.split_whitespace().next_back().unwrap_or("");
    [
        "struct", "enum", "impl", "for", "trait", "union", "->", "dyn",
    ]
    .contains(&previous)
}

#[test]
fn no_struct_literal_of_a_generated_type() {
    let doc: serde_json::Value = serde_json::from_str(theirstack::document::SOURCE).unwrap();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let names: Vec<String> = schemas.keys().map(|k| type_name(k)).collect();
    assert!(names.contains(&"JobSearchFiltersInput".to_string()));
    assert!(names.contains(&"BodyPostCompanyListsAddCompaniesV0".to_string()));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("tests"), &mut files);
    let this_file = root.join("tests").join("source_rules.rs");
    let mut found = Vec::new();
    for file in files.iter().filter(|f| **f != this_file) {
        let text = std::fs::read_to_string(file).unwrap();
        for name in &names {
            for line in literals_of(&text, name) {
                found.push(format!("{}:{line}: {name} {{ .. }}", file.display()));
            }
        }
        // Any `types::X {`, inline types included.
        let mut from = 0;
        while let Some(at) = text[from..].find("types::") {
            let start = from + at + "types::".len();
            from = start;
            let name: String = text[start..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if name.starts_with(|c: char| c.is_ascii_uppercase())
                && text[start + name.len()..].trim_start().starts_with('{')
                && !is_declaration(&text, start)
            {
                let line = text[..start].lines().count();
                found.push(format!("{}:{line}: types::{name} {{ .. }}", file.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "struct literals of generated types:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_rule_finds_a_literal() {
    let sample = "let a = types::WebhookStatusUpdate { is_active: true };\nstruct WebhookTest {}\nlet b = WebhookTest { url };\nfn f() -> types::WebhookTest {";
    assert_eq!(literals_of(sample, "WebhookTest"), vec![3]);
    assert_eq!(literals_of(sample, "WebhookStatusUpdate"), vec![1]);
}
