//! Request bodies checked against the document itself: the JSON Schema of each operation's
//! request body, as `theirstack::document` holds it.
//!
//! Rule: before a body is read into its generated type, it must fit the schema the document
//! gives it (types, `null` only where allowed, closed enums, `required`, closed objects, bounds,
//! lengths, and the `date`, `date-time` and `uri` formats), so that what the generated types let
//! through (a `null` for a non-nullable field with a default, an unknown enum value) is still a
//! 422 naming the field. A missing body is `{}` where the document does not require one.

use crate::errors::Failure;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The request body of an operation: its schema and whether it is required.
struct BodySpec {
    schema: Value,
    required: bool,
}

/// The request bodies of the document's operations, by operationId.
fn bodies() -> &'static HashMap<String, BodySpec> {
    static BODIES: OnceLock<HashMap<String, BodySpec>> = OnceLock::new();
    BODIES.get_or_init(|| {
        let mut out = HashMap::new();
        let doc = theirstack::document::parsed();
        let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
            return out;
        };
        for item in paths.values().filter_map(Value::as_object) {
            for operation in item.values() {
                let (Some(id), Some(body)) = (
                    operation.get("operationId").and_then(Value::as_str),
                    operation.get("requestBody"),
                ) else {
                    continue;
                };
                let schema = body
                    .pointer("/content/application~1json/schema")
                    .cloned()
                    .unwrap_or(Value::Bool(true));
                let required = body.get("required") == Some(&Value::Bool(true));
                out.insert(id.to_string(), BodySpec { schema, required });
            }
        }
        out
    })
}

/// The body of a request to `operation`: `{}` for a missing optional body; otherwise the body,
/// which must be JSON fitting the operation's schema (a 422 naming the field when not).
pub(crate) fn body<'b>(
    operation: &str,
    bytes: &'b [u8],
) -> Result<std::borrow::Cow<'b, [u8]>, Failure> {
    let Some(spec) = bodies().get(operation) else {
        return Ok(bytes.into());
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        if spec.required {
            return Err(Failure::validation("the request body is required"));
        }
        return Ok(b"{}".as_slice().into());
    }
    // Syntax errors are left to the reader, which names them.
    let Ok(mut value) = serde_json::from_slice::<Value>(bytes) else {
        return Ok(bytes.into());
    };
    check(&value, &spec.schema, theirstack::document::parsed(), "").map_err(misfit)?;
    if clamp_integers(&mut value) {
        return serde_json::to_vec(&value)
            .map(Into::into)
            .map_err(|e| Failure::internal(format!("cannot re-encode a body: {e}")));
    }
    Ok(bytes.into())
}

/// Checks a member of a body (at `prefix`) against a component schema of the document, such
/// as a saved search's filters against `JobSearchFilters-Input` once its `type` is known.
pub(crate) fn component(name: &str, value: &Value, prefix: &str) -> Result<(), Failure> {
    let schema = serde_json::json!({ "$ref": format!("#/components/schemas/{name}") });
    check(value, &schema, theirstack::document::parsed(), prefix).map_err(misfit)
}

fn misfit((at, problem): Misfit) -> Failure {
    if at.is_empty() {
        Failure::validation(format!("invalid request body: {problem}"))
    } else {
        Failure::validation(format!("invalid request body at `{at}`: {problem}"))
    }
}

/// Holds whole numbers past the `i64` range at its ends, as [`crate::request::Int`] does for
/// parameters: an id that large names nothing. Returns whether anything changed.
fn clamp_integers(value: &mut Value) -> bool {
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.is_finite() => {
                *value = Value::from(if f < 0.0 { i64::MIN } else { i64::MAX });
                true
            }
            _ => false,
        },
        Value::Array(items) => items.iter_mut().fold(false, |c, v| clamp_integers(v) | c),
        Value::Object(map) => map.values_mut().fold(false, |c, v| clamp_integers(v) | c),
        _ => false,
    }
}

/// Why `value` does not fit `schema`: the path of the field and the problem.
type Misfit = (String, String);

fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else {
        format!("{at}.{key}")
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 64 {
        format!("{}…", text.chars().take(64).collect::<String>())
    } else {
        text
    }
}

fn type_fits(value: &Value, name: &str) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "number" => value.is_number(),
        "integer" => {
            value.is_i64()
                || value.is_u64()
                || value
                    .as_f64()
                    .is_some_and(|f| f.is_finite() && f.fract() == 0.0)
        }
        _ => true,
    }
}

fn format_fits(value: &str, format: &str) -> bool {
    match format {
        "date" => chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok(),
        "date-time" => value.parse::<theirstack::types::Timestamp>().is_ok(),
        "uri" => url::Url::parse(value).is_ok(),
        _ => true,
    }
}

/// Checks `value` against `schema` (resolving `$ref`s in `doc`), at `at`.
fn check(value: &Value, schema: &Value, doc: &Value, at: &str) -> Result<(), Misfit> {
    let mut schema = schema;
    let mut depth = 0;
    while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        depth += 1;
        match reference.strip_prefix('#').and_then(|p| doc.pointer(p)) {
            Some(target) if depth < 64 => schema = target,
            _ => return Ok(()),
        }
    }
    let Some(s) = schema.as_object() else {
        return if schema == &Value::Bool(false) {
            Err((at.to_string(), "no value is allowed here".to_string()))
        } else {
            Ok(())
        };
    };
    for key in ["anyOf", "oneOf"] {
        if let Some(branches) = s.get(key).and_then(Value::as_array) {
            let mut first = None;
            for branch in branches {
                match check(value, branch, doc, at) {
                    Ok(()) => {
                        first = None;
                        break;
                    }
                    Err(e) => {
                        // The most telling misfit: the one deepest in the value.
                        if first
                            .as_ref()
                            .is_none_or(|f: &Misfit| e.0.len() > f.0.len())
                        {
                            first = Some(e);
                        }
                    }
                }
            }
            if let Some(e) = first {
                return Err(e);
            }
        }
    }
    if let Some(parts) = s.get("allOf").and_then(Value::as_array) {
        for part in parts {
            check(value, part, doc, at)?;
        }
    }
    match s.get("type") {
        Some(Value::String(t)) if !type_fits(value, t) => {
            return Err((
                at.to_string(),
                format!("expected {t}, got {}", short(value)),
            ));
        }
        Some(Value::Array(ts))
            if !ts
                .iter()
                .filter_map(Value::as_str)
                .any(|t| type_fits(value, t)) =>
        {
            return Err((at.to_string(), format!("unexpected value {}", short(value))));
        }
        _ => {}
    }
    if let Some(values) = s.get("enum").and_then(Value::as_array)
        && !values.contains(value)
    {
        let allowed: Vec<String> = values.iter().map(Value::to_string).collect();
        return Err((
            at.to_string(),
            format!(
                "expected one of {}, got {}",
                allowed.join(", "),
                short(value)
            ),
        ));
    }
    if let Some(n) = value.as_f64() {
        if let Some(min) = s.get("minimum").and_then(Value::as_f64)
            && n < min
        {
            return Err((
                at.to_string(),
                format!("must be at least {min}, got {value}"),
            ));
        }
        if let Some(max) = s.get("maximum").and_then(Value::as_f64)
            && n > max
        {
            return Err((
                at.to_string(),
                format!("must be at most {max}, got {value}"),
            ));
        }
    }
    if let Some(text) = value.as_str() {
        let len = text.chars().count() as u64;
        if let Some(min) = s.get("minLength").and_then(Value::as_u64)
            && len < min
        {
            return Err((
                at.to_string(),
                format!("must be at least {min} characters long"),
            ));
        }
        if let Some(max) = s.get("maxLength").and_then(Value::as_u64)
            && len > max
        {
            return Err((
                at.to_string(),
                format!("must be at most {max} characters long"),
            ));
        }
        if let Some(format) = s.get("format").and_then(Value::as_str)
            && !format_fits(text, format)
        {
            return Err((
                at.to_string(),
                format!("expected a {format}, got {}", short(value)),
            ));
        }
    }
    if let Some(items) = value.as_array()
        && let Some(item_schema) = s.get("items")
    {
        for (i, item) in items.iter().enumerate() {
            check(item, item_schema, doc, &format!("{at}[{i}]"))?;
        }
    }
    if let Some(map) = value.as_object() {
        let properties = s.get("properties").and_then(Value::as_object);
        if let Some(required) = s.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if !map.contains_key(name) {
                    return Err((join(at, name), "missing field".to_string()));
                }
            }
        }
        for (key, sub) in map {
            match properties.and_then(|p| p.get(key)) {
                Some(sub_schema) => check(sub, sub_schema, doc, &join(at, key))?,
                None => match s.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        return Err((join(at, key), format!("unknown field `{key}`")));
                    }
                    Some(extra @ Value::Object(_)) => check(sub, extra, doc, &join(at, key))?,
                    _ => {}
                },
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn misfit(value: Value, schema: Value) -> Option<String> {
        check(&value, &schema, &json!({}), "")
            .err()
            .map(|(at, _)| at)
    }

    #[test]
    fn nulls_enums_and_closed_objects_are_checked() {
        let schema = json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["url"],
            "properties": {
                "url": {"type": "string", "format": "uri", "minLength": 1},
                "page": {"type": "integer", "minimum": 0, "default": 0},
                "frequency": {"anyOf": [{"type": "string", "enum": ["daily", "weekly"]}, {"type": "null"}]},
                "tags": {"type": "array", "items": {"type": "string"}}
            }
        });
        let ok = json!({"url": "https://x.example", "page": 2, "frequency": null, "tags": ["a"]});
        assert_eq!(misfit(ok, schema.clone()), None);
        for (bad, at) in [
            (json!({"url": "https://x.example", "page": null}), "page"),
            (json!({"url": "https://x.example", "page": -1}), "page"),
            (
                json!({"url": "https://x.example", "frequency": "AAA"}),
                "frequency",
            ),
            (json!({"url": "https://x.example", "tags": [1]}), "tags[0]"),
            (json!({"url": "not a url"}), "url"),
            (json!({"url": "https://x.example", "nope": 1}), "nope"),
            (json!({}), "url"),
        ] {
            assert_eq!(
                misfit(bad.clone(), schema.clone()).as_deref(),
                Some(at),
                "{bad}"
            );
        }
    }

    #[test]
    fn document_bodies_are_found() {
        let bytes = body(
            "post_webhooks_v0",
            br#"{"url": "https://x.example", "search_id": 1}"#,
        );
        assert!(bytes.is_ok());
        let err = body(
            "search_jobs_v1",
            br#"{"posted_at_max_age_days": 1, "page": null}"#,
        )
        .err()
        .map(|f| f.description);
        assert!(err.is_some_and(|d| d.contains("`page`")));
        assert_eq!(
            body("post_company_lists_add_companies_v0", b"")
                .ok()
                .as_deref(),
            Some(b"{}".as_slice())
        );
        assert!(body("post_company_lists_v0", b" ").is_err());
        let clamped = body(
            "post_webhooks_events_retry_v0",
            br#"{"webhook_event_ids": [30915533204800105611264, 5]}"#,
        )
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok());
        assert_eq!(clamped, Some(json!({"webhook_event_ids": [i64::MAX, 5]})));
    }
}
