//! Derives `theirstack.derived.json` from `openapi/theirstack.json`: the update procedure's
//! rehearsal of an upstream document that changed under us. Exactly three changes, each of a
//! kind a real update brings:
//!
//! 1. an operation wrapped by hand disappears: [`REMOVED_OPERATION`], which a paginator
//!    (`src/pagination/lists.rs`) and the CLI wrap;
//! 2. a response type gains an optional field ([`ADDED_OPTIONAL`]) and a required but nullable
//!    field ([`ADDED_REQUIRED_NULLABLE`]) on [`RESPONSE_SCHEMA`], the job search row;
//! 3. an enum gains a value: [`ADDED_ENUM_VALUE`] in [`ENUM_SCHEMA`].
//!
//! `tests/fidelity.rs` regenerates the file and fails when the committed one differs; rewrite it
//! with `UPDATE_SNAPSHOTS=1 cargo test --test fidelity derived_document`. `.ci/derived-document.sh`
//! builds and tests the workspace against it and checks what `examples/openapi_diff.rs` reports.
//! Depends on `serde_json` and `std` only.

#![allow(dead_code)]

use serde_json::{Value, json};

/// The committed output, relative to the crate root.
pub const OUTPUT: &str = "tests/data/derived/theirstack.derived.json";
/// The operation the derived document drops, with its path and method.
pub const REMOVED_OPERATION: &str = "get_catalog_technologies_v0";
pub const REMOVED_PATH: &str = "/v0/catalog/technologies";
pub const REMOVED_METHOD: &str = "get";
/// The response schema that gains two fields.
pub const RESPONSE_SCHEMA: &str = "JobWithMatchingPhrasesResponse-Output";
/// An optional, nullable string field.
pub const ADDED_OPTIONAL: &str = "derived_note";
/// A required field whose value may be `null` (a date-time).
pub const ADDED_REQUIRED_NULLABLE: &str = "derived_closed_at";
/// The enum that gains a value, and the value. Not `Seniority`: the inline enums of the job
/// filters share its type only while their values are equal, so a value more there also splits
/// types. And not a value a test already uses as "unknown" (`tests/forward_compat.rs` uses
/// `RETRYING`).
pub const ENUM_SCHEMA: &str = "WebhookEventStatus";
pub const ADDED_ENUM_VALUE: &str = "PAUSED";

/// The derived document, from ours. Fails, naming the place, when ours lacks what it changes.
pub fn derive(ours: &Value) -> Result<Value, String> {
    let mut doc = ours.clone();
    if let Some(info) = doc.get_mut("info").and_then(Value::as_object_mut) {
        info.insert(
            "title".into(),
            json!("TheirStack API (derived test document: see tests/data/derived/derive.rs)"),
        );
    }

    // 1. The operation goes; its path item too when nothing else is left in it.
    let paths = doc
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .ok_or("no paths")?;
    let item = paths
        .get_mut(REMOVED_PATH)
        .and_then(Value::as_object_mut)
        .ok_or_else(|| format!("no path {REMOVED_PATH}"))?;
    let op = item
        .remove(REMOVED_METHOD)
        .ok_or_else(|| format!("no {REMOVED_METHOD} {REMOVED_PATH}"))?;
    if op.get("operationId").and_then(Value::as_str) != Some(REMOVED_OPERATION) {
        return Err(format!(
            "{REMOVED_METHOD} {REMOVED_PATH} is not {REMOVED_OPERATION}"
        ));
    }
    let methods = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    if !item.keys().any(|k| methods.contains(&k.as_str())) {
        paths.remove(REMOVED_PATH);
    }

    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .ok_or("no components/schemas")?;

    // 2. Two fields on a response type.
    let row = schemas
        .get_mut(RESPONSE_SCHEMA)
        .and_then(Value::as_object_mut)
        .ok_or_else(|| format!("no schema {RESPONSE_SCHEMA}"))?;
    let properties = row
        .get_mut("properties")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| format!("{RESPONSE_SCHEMA} has no properties"))?;
    properties.insert(
        ADDED_OPTIONAL.into(),
        json!({
            "title": "Derived Note",
            "description": "Synthetic optional field of the derived test document.",
            "anyOf": [{"type": "string"}, {"type": "null"}]
        }),
    );
    properties.insert(
        ADDED_REQUIRED_NULLABLE.into(),
        json!({
            "title": "Derived Closed At",
            "description": "Synthetic required field of the derived test document; null when unknown.",
            "anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]
        }),
    );
    let required = row
        .entry("required")
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .ok_or_else(|| format!("{RESPONSE_SCHEMA}.required is not a list"))?;
    required.push(json!(ADDED_REQUIRED_NULLABLE));

    // 3. A value more in an enum.
    schemas
        .get_mut(ENUM_SCHEMA)
        .and_then(|s| s.get_mut("enum"))
        .and_then(Value::as_array_mut)
        .ok_or_else(|| format!("{ENUM_SCHEMA} is not an enum"))?
        .push(json!(ADDED_ENUM_VALUE));
    Ok(doc)
}

/// JSON text with object keys sorted and two-space indents, ending in a newline: the same bytes
/// whatever order the parser kept the keys in.
pub fn canonical_text(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, 0, &mut out);
    out.push('\n');
    out
}

fn write_canonical(value: &Value, depth: usize, out: &mut String) {
    let pad = |n: usize| "  ".repeat(n);
    match value {
        Value::Object(map) if !map.is_empty() => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push_str("{\n");
            for (i, key) in keys.iter().enumerate() {
                out.push_str(&pad(depth + 1));
                out.push_str(&serde_json::to_string(key).unwrap_or_default());
                out.push_str(": ");
                write_canonical(&map[key.as_str()], depth + 1, out);
                if i + 1 < keys.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&pad(depth));
            out.push('}');
        }
        Value::Array(items) if !items.is_empty() => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&pad(depth + 1));
                write_canonical(item, depth + 1, out);
                if i + 1 < items.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&pad(depth));
            out.push(']');
        }
        other => out.push_str(&serde_json::to_string(other).unwrap_or_default()),
    }
}
