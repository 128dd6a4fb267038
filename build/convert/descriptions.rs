//! Rule "descriptions": every `description` and `summary` of the document is rewritten so that
//! rustdoc reads it safely once it becomes a doc comment of the generated code; rule "paginator
//! links": an operation that a hand-written paginator pages says so in its description.

use super::{METHODS, RULE_PAGINATOR_LINKS, Result, escape, refuse};
use serde_json::{Map, Value};

/// Calls `f` on every `description` and `summary` string of the document (not on example,
/// default or enum values, nor on a property that happens to be named `description`).
pub(super) fn for_each_description(root: &mut Map<String, Value>, f: &mut dyn FnMut(&mut String)) {
    fn walk(value: &mut Value, f: &mut dyn FnMut(&mut String), in_properties: bool) {
        match value {
            Value::Object(obj) => {
                for (key, sub) in obj.iter_mut() {
                    match (key.as_str(), sub) {
                        ("description" | "summary", Value::String(text)) if !in_properties => {
                            f(text)
                        }
                        ("example" | "examples" | "default" | "enum" | "const", _)
                            if !in_properties => {}
                        (key, sub) => walk(sub, f, key == "properties" && !in_properties),
                    }
                }
            }
            Value::Array(list) => list.iter_mut().for_each(|v| walk(v, f, false)),
            _ => {}
        }
    }
    for value in root.values_mut() {
        walk(value, f, false);
    }
}

/// Rule "descriptions": descriptions become Rust doc comments, which rustdoc reads as Markdown
/// and whose code blocks it compiles as tests. A fence without a language is marked `text`, and
/// blank lines outside fences are dropped: the generated code indents continuation lines, and an
/// indented line after a blank one would start a code block read as Rust.
pub(super) fn doc_text(text: &str) -> String {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            if !fenced && info.trim().is_empty() {
                out.push(format!("{}```text", &line[..line.len() - trimmed.len()]));
            } else {
                out.push(line.to_string());
            }
            fenced = !fenced;
        } else if fenced || !trimmed.is_empty() {
            out.push(line.to_string());
        }
    }
    out.join("\n")
}

/// Rule "paginator links": an operation with `x-paginator: <name>` is paged by the hand-written
/// `Client::<name>`; its description ends with a link to it, so the generated method's docs
/// name its paginator. The name must be a Rust identifier.
pub(super) fn rule_paginator_links(root: &mut Map<String, Value>) -> Result<()> {
    let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    for (path, item) in paths.iter_mut() {
        for method in METHODS {
            let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            let Some(name) = op.get("x-paginator") else {
                continue;
            };
            let pointer = format!("/paths/{}/{method}/x-paginator", escape(path));
            let identifier = name.as_str().filter(|n| {
                n.chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
                    && n.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            });
            let Some(name) = identifier.map(str::to_string) else {
                return Err(refuse(
                    &pointer,
                    RULE_PAGINATOR_LINKS,
                    format!("`{name}` is not a method name"),
                ));
            };
            let link = format!("Paged by [`Client::{name}`](crate::Client::{name}).");
            let description = match op.get("description").and_then(Value::as_str) {
                Some(text) if !text.is_empty() => format!("{text} {link}"),
                _ => link,
            };
            op.insert("description".into(), Value::String(description));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::convert;
    use super::*;
    use serde_json::json;

    #[test]
    fn descriptions_are_made_safe_for_rustdoc() {
        let text = "Names of industries.\n\nWARNING: deprecated.\n\nExample:\n```\nA: b\n\nC: d\n```\n```json\n{}\n```";
        assert_eq!(
            doc_text(text),
            "Names of industries.\nWARNING: deprecated.\nExample:\n```text\nA: b\n\nC: d\n```\n```json\n{}\n```"
        );
        let doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1", "description": "One.\n\nTwo."},
            "paths": {},
            "components": {"schemas": {"S": {"type": "object", "description": "a\n\nb", "properties": {
                "description": {"type": "string", "description": "x\n\ny", "example": "keep\n\nme"}
            }}}}
        });
        let out = convert(&doc).unwrap();
        assert_eq!(out["info"]["description"], "One.\nTwo.");
        assert_eq!(out["components"]["schemas"]["S"]["description"], "a\nb");
        let property = &out["components"]["schemas"]["S"]["properties"]["description"];
        assert_eq!(property["description"], "x\ny");
        assert_eq!(property["example"], "keep\n\nme");
    }

    #[test]
    fn summaries_are_rewritten_and_values_are_left_alone() {
        let mut doc = json!({"paths": {"/x": {"get": {
            "summary": "a\n\nb",
            "parameters": [{"schema": {"default": "c\n\nd", "enum": ["e\n\nf"]}}]
        }}}});
        for_each_description(doc.as_object_mut().unwrap(), &mut |text| {
            *text = doc_text(text)
        });
        let get = &doc["paths"]["/x"]["get"];
        assert_eq!(get["summary"], "a\nb");
        assert_eq!(get["parameters"][0]["schema"]["default"], "c\n\nd");
        assert_eq!(get["parameters"][0]["schema"]["enum"][0], "e\n\nf");
    }

    #[test]
    fn an_operation_with_a_paginator_links_to_it() {
        let doc = json!({
            "openapi": "3.1.0",
            "info": { "title": "t", "version": "1" },
            "paths": {
                "/jobs": {"post": {"operationId": "search", "description": "Finds jobs.", "x-paginator": "job_search", "responses": {}}},
                "/bare": {"get": {"operationId": "bare", "x-paginator": "bare_pages", "responses": {}}},
                "/plain": {"get": {"operationId": "plain", "description": "Plain.", "responses": {}}}
            }
        });
        let out = convert(&doc).unwrap();
        assert_eq!(
            out["paths"]["/jobs"]["post"]["description"],
            "Finds jobs. Paged by [`Client::job_search`](crate::Client::job_search)."
        );
        assert_eq!(
            out["paths"]["/bare"]["get"]["description"],
            "Paged by [`Client::bare_pages`](crate::Client::bare_pages)."
        );
        assert_eq!(out["paths"]["/plain"]["get"]["description"], "Plain.");
        let mut bad = doc.clone();
        bad["paths"]["/jobs"]["post"]["x-paginator"] = json!("job-search()");
        let err = convert(&bad).unwrap_err().to_string();
        assert!(err.contains("/paths/~1jobs/post/x-paginator"), "{err}");
        assert!(err.contains("paginator links"), "{err}");
    }
}
