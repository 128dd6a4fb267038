//! Converts an OpenAPI 3.1 document, as FastAPI writes it, into the OpenAPI 3.0 subset that
//! progenitor 0.15 reads.
//!
//! Rule of this module: every 3.1 construct is either rewritten to an equivalent 3.0 form or
//! refused with a [`ConvertError`] that names the JSON pointer and the rule. The only things
//! dropped are annotations 3.0 cannot carry (titles, `$comment`, content encodings) and the
//! receiver-side `webhooks` block. Each rule is a function named `rule_*` (or described where it
//! runs) with a unit test beside it, in the file of its group; the rules that can refuse a
//! document have a `RULE_*` name.
//!
//! This file holds [`convert`], which runs the passes in order, the error type, the rule names and
//! the shared constants. The rules live in one file per group:
//! - `descriptions.rs`: descriptions made safe for rustdoc, and the links to paginators;
//! - `schemas.rs`: the walk over every schema position, refused keywords, dropped annotations;
//! - `keywords.rs`: titles, examples, `const`, exclusive bounds, type arrays, `prefixItems`;
//! - `unions.rs`: `null` handling, `anyOf`/`oneOf` unions, `$ref` siblings;
//! - `operations.rs`: operationIds, parameters, media types, one success body, error bodies;
//! - `objects.rs`: closed objects, request defaults, ambiguous unions, required nullable fields;
//! - `enums.rs`: inline enum hoisting;
//! - `names.rs`: `PascalCase` names and JSON pointer escaping.
//!
//! The module depends on `serde_json` only, so the build script, the tests and the tools share it.

mod descriptions;
mod enums;
mod keywords;
mod names;
mod objects;
mod operations;
mod schemas;
mod unions;

// Used by `build/generate.rs`, which `tests/convert.rs` compiles without.
#[allow(unused_imports)]
pub use enums::string_enum_values;
pub use names::{escape, pascal};

use serde_json::{Value, json};
use std::fmt;

/// Names of the rules that can refuse a document, as they appear in error messages. The rules
/// that always succeed are named in their function's doc comment.
pub const RULE_VERSION: &str = "openapi version";
pub const RULE_TYPE_ARRAY: &str = "type arrays";
pub const RULE_EXCLUSIVE_BOUNDS: &str = "numeric exclusive bounds";
pub const RULE_UNSUPPORTED_KEYWORD: &str = "unsupported keyword";
pub const RULE_SUCCESS_BODY: &str = "one success body";
pub const RULE_MEDIA_TYPES: &str = "media types";
pub const RULE_PARAMETERS: &str = "parameters";
pub const RULE_OPERATION_ID: &str = "operationId";
pub const RULE_PAGINATOR_LINKS: &str = "paginator links";

/// Why a document could not be converted: where, under which rule, and what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertError {
    /// JSON pointer (RFC 6901) of the offending value in the input document.
    pub pointer: String,
    /// The rule that refused it (one of the `RULE_*` constants).
    pub rule: &'static str,
    /// What was found.
    pub message: String,
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (rule: {}): {}",
            self.pointer, self.rule, self.message
        )
    }
}

impl std::error::Error for ConvertError {}

type Result<T> = std::result::Result<T, ConvertError>;

fn refuse(pointer: &str, rule: &'static str, message: impl Into<String>) -> ConvertError {
    ConvertError {
        pointer: pointer.to_string(),
        rule,
        message: message.into(),
    }
}

/// The HTTP methods an OpenAPI path item may hold.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Converts `doc` (OpenAPI 3.1) into an OpenAPI 3.0.3 document for progenitor.
pub fn convert(doc: &Value) -> Result<Value> {
    let mut out = doc.clone();
    let root = out
        .as_object_mut()
        .ok_or_else(|| refuse("", RULE_VERSION, "the document is not a JSON object"))?;

    match root.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.1") || v.starts_with("3.0") => {}
        Some(v) => {
            return Err(refuse(
                "/openapi",
                RULE_VERSION,
                format!("unsupported version {v}"),
            ));
        }
        None => {
            return Err(refuse(
                "/openapi",
                RULE_VERSION,
                "missing `openapi` version",
            ));
        }
    }
    root.insert("openapi".into(), json!("3.0.3"));
    root.remove("jsonSchemaDialect");
    // The receiver-side `webhooks` block describes requests TheirStack sends, not operations a
    // client calls; its schemas stay in `components` and are generated from there.
    root.remove("webhooks");
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
        components.remove("pathItems");
    }
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        info.remove("summary");
        if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut) {
            license.remove("identifier");
        }
    }

    descriptions::for_each_description(root, &mut |text| *text = descriptions::doc_text(text));
    descriptions::rule_paginator_links(root)?;
    schemas::convert_schemas(root)?;
    operations::convert_operations(root)?;
    objects::open_response_objects(root);
    objects::untype_ambiguous_unions(root);
    objects::relax_required_nullable(root);
    objects::drop_request_defaults(root);
    enums::hoist_inline_enums(root);
    Ok(out)
}

#[cfg(test)]
mod fixtures {
    use super::convert;
    use serde_json::{Value, json};

    /// A minimal 3.1 document with one component schema.
    pub(super) fn doc_with_schema(name: &str, schema: Value) -> Value {
        json!({
            "openapi": "3.1.0",
            "info": { "title": "t", "version": "1" },
            "paths": {},
            "components": { "schemas": { name: schema } }
        })
    }

    pub(super) fn converted_schema(schema: Value) -> Value {
        let out = convert(&doc_with_schema("S", schema)).expect("converts");
        out["components"]["schemas"]["S"].clone()
    }

    pub(super) fn doc_with_operation(op: Value) -> Value {
        json!({
            "openapi": "3.1.0",
            "info": { "title": "t", "version": "1" },
            "paths": { "/x": { "post": op } }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::doc_with_schema;
    use super::*;

    #[test]
    fn version_becomes_3_0_and_other_versions_are_refused() {
        let out = convert(&doc_with_schema("S", json!({"type": "string"}))).unwrap();
        assert_eq!(out["openapi"], "3.0.3");
        let err = convert(&json!({"openapi": "2.0", "info": {}, "paths": {}})).unwrap_err();
        assert_eq!((err.pointer.as_str(), err.rule), ("/openapi", RULE_VERSION));
        assert!(err.to_string().contains("/openapi (rule: openapi version)"));
    }

    #[test]
    fn webhooks_block_is_removed_and_its_schemas_stay() {
        let mut doc = doc_with_schema("Event", json!({"type": "object"}));
        doc["webhooks"] = json!({"job-new": {"post": {"operationId": "job_new", "responses": {}}}});
        doc["jsonSchemaDialect"] = json!("https://json-schema.org/draft/2020-12/schema");
        let out = convert(&doc).unwrap();
        assert!(out.get("webhooks").is_none());
        assert!(out.get("jsonSchemaDialect").is_none());
        assert_eq!(
            out["components"]["schemas"]["Event"],
            json!({"type": "object"})
        );
    }

    #[test]
    fn fields_only_3_1_knows_are_dropped_from_info_and_components() {
        let mut doc = doc_with_schema("S", json!({"type": "string"}));
        doc["info"]["summary"] = json!("s");
        doc["info"]["license"] = json!({"name": "MIT", "identifier": "MIT"});
        doc["components"]["pathItems"] = json!({"P": {}});
        let out = convert(&doc).unwrap();
        assert!(out["info"].get("summary").is_none());
        assert_eq!(out["info"]["license"], json!({"name": "MIT"}));
        assert!(out["components"].get("pathItems").is_none());
    }

    #[test]
    fn documents_without_a_version_or_not_an_object_are_refused() {
        let err = convert(&json!({"info": {}, "paths": {}})).unwrap_err();
        assert_eq!((err.pointer.as_str(), err.rule), ("/openapi", RULE_VERSION));
        let err = convert(&json!([])).unwrap_err();
        assert_eq!((err.pointer.as_str(), err.rule), ("", RULE_VERSION));
    }
}
