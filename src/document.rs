//! Facts about the OpenAPI document the crate was built from, for code that works from the
//! document rather than from the generated types: its operations, its text, and which keys its
//! closed request objects accept at every depth.

use serde_json::Value;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/document_facts.rs"));

/// The OpenAPI document the crate was built from, as written (OpenAPI 3.1).
pub const SOURCE: &str = include_str!(env!("THEIRSTACK_OPENAPI_DOCUMENT"));

/// The document, parsed once.
pub fn parsed() -> &'static Value {
    static PARSED: OnceLock<Value> = OnceLock::new();
    PARSED.get_or_init(|| serde_json::from_str(SOURCE).unwrap_or_default())
}

/// The path of the first key of `value` that a closed object of component schema `component`
/// (such as `JobSearchFilters-Input`) does not declare, at any depth: `job_filters.foo`.
/// `None` when every key is declared.
pub fn unknown_field(component: &str, value: &Value) -> Option<String> {
    let root = serde_json::json!({ "$ref": format!("#/components/schemas/{component}") });
    unknown_key(value, &root, parsed(), "")
}

/// The path of the first key of `value` that a closed object of `schema` does not declare.
fn unknown_key(value: &Value, schema: &Value, doc: &Value, at: &str) -> Option<String> {
    let mut schema = schema;
    while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        schema = doc.pointer(reference.strip_prefix('#')?)?;
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            let fitting: Vec<&Value> = branches.iter().filter(|b| fits(value, b, doc)).collect();
            let found: Vec<Option<String>> = fitting
                .iter()
                .map(|b| unknown_key(value, b, doc, at))
                .collect();
            return if found.iter().any(Option::is_none) {
                None
            } else {
                found.into_iter().flatten().next()
            };
        }
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        return parts.iter().find_map(|p| unknown_key(value, p, doc, at));
    }
    match value {
        Value::Object(map) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
            map.iter().find_map(|(key, sub)| {
                let path = if at.is_empty() {
                    key.clone()
                } else {
                    format!("{at}.{key}")
                };
                match properties.and_then(|p| p.get(key)) {
                    Some(sub_schema) => unknown_key(sub, sub_schema, doc, &path),
                    None if closed => Some(path),
                    None => None,
                }
            })
        }
        Value::Array(items) => {
            let item_schema = schema.get("items")?;
            items
                .iter()
                .enumerate()
                .find_map(|(i, item)| unknown_key(item, item_schema, doc, &format!("{at}[{i}]")))
        }
        _ => None,
    }
}

/// Whether `value` has a JSON type `schema` allows (unions and references followed).
fn fits(value: &Value, schema: &Value, doc: &Value) -> bool {
    let mut schema = schema;
    while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        match reference.strip_prefix('#').and_then(|p| doc.pointer(p)) {
            Some(target) => schema = target,
            None => return true,
        }
    }
    if let Some(branches) = schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Value::as_array)
    {
        return branches.iter().any(|b| fits(value, b, doc));
    }
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    match schema.get("type").and_then(Value::as_str) {
        None => true,
        Some("integer") => kind == "number",
        Some(t) => t == kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_keys_are_found_at_any_depth_of_closed_objects() {
        let body = json!({"posted_at_max_age_days": 7, "job_title_or": ["x"]});
        assert_eq!(unknown_field("JobSearchFilters-Input", &body), None);
        let body = json!({"posted_at_max_age_days": 7, "job_titel_or": ["x"]});
        assert_eq!(
            unknown_field("JobSearchFilters-Input", &body).as_deref(),
            Some("job_titel_or")
        );
        // `job_filters` is a closed object in the document, though its generated type is open.
        let body = json!({"job_filters": {"job_title_or": ["x"], "bogus": 1}});
        assert_eq!(
            unknown_field("CompanySearchFilters-Input", &body).as_deref(),
            Some("job_filters.bogus")
        );
    }

    #[test]
    fn operations_are_listed_with_method_and_path() {
        assert!(
            OPERATIONS.contains(&("search_jobs_v1", "POST", "/v1/jobs/search")),
            "{OPERATIONS:?}"
        );
        assert!(parsed().get("paths").is_some());
    }
}
