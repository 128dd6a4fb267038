//! Schema rules that rewrite one 3.1 keyword into its 3.0 form: titles, examples, `const`,
//! numeric exclusive bounds, type arrays and `prefixItems`.

use super::{RULE_EXCLUSIVE_BOUNDS, RULE_TYPE_ARRAY, Result, refuse};
use serde_json::{Map, Value, json};

/// Rule "titles": drop every schema `title`. typify prefers a title over the name it derives from
/// the context, so pydantic's per-property titles ("Name", "Type") merge unrelated types, and the
/// `-Input`/`-Output` component pairs share one title. Names come from component keys instead.
pub(super) fn rule_titles(obj: &mut Map<String, Value>) {
    obj.remove("title");
}

/// Rule "examples": the 3.1 `examples` array becomes the 3.0 `example` (its first element).
pub(super) fn rule_examples(obj: &mut Map<String, Value>) {
    if let Some(Value::Array(list)) = obj.remove("examples")
        && let Some(first) = list.into_iter().next()
    {
        obj.entry("example").or_insert(first);
    }
}

/// Rule "const": `const: v` becomes the one-value enum `enum: [v]`, typed after `v`.
pub(super) fn rule_const(obj: &mut Map<String, Value>) {
    if let Some(value) = obj.remove("const") {
        if !obj.contains_key("type")
            && let Some(t) = json_type_of(&value)
        {
            obj.insert("type".into(), json!(t));
        }
        obj.insert("enum".into(), Value::Array(vec![value]));
    }
}

/// The JSON Schema type name of a value, for inferring `type` from `const`/`enum` values.
pub(super) fn json_type_of(value: &Value) -> Option<&'static str> {
    match value {
        Value::String(_) => Some("string"),
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        Value::Array(_) => Some("array"),
        Value::Object(_) => Some("object"),
        Value::Null => None,
    }
}

/// Rule "numeric exclusive bounds": `exclusiveMinimum: n` becomes `minimum: n` with
/// `exclusiveMinimum: true` (and the same for the maximum).
pub(super) fn rule_exclusive_bounds(obj: &mut Map<String, Value>, ptr: &str) -> Result<()> {
    for (exclusive, inclusive) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        match obj.get(exclusive) {
            Some(Value::Number(n)) => {
                let n = Value::Number(n.clone());
                if let Some(existing) = obj.get(inclusive) {
                    // Both given: 3.1 applies both; 3.0 has one bound. Keep the stricter one.
                    let (a, b) = (
                        existing.as_f64().unwrap_or(f64::NAN),
                        n.as_f64().unwrap_or(f64::NAN),
                    );
                    let exclusive_is_stricter = if inclusive == "minimum" {
                        b >= a
                    } else {
                        b <= a
                    };
                    if !exclusive_is_stricter {
                        obj.insert(exclusive.into(), json!(false));
                        continue;
                    }
                }
                obj.insert(inclusive.into(), n);
                obj.insert(exclusive.into(), json!(true));
            }
            Some(Value::Bool(_)) | None => {}
            Some(other) => {
                return Err(refuse(
                    &format!("{ptr}/{exclusive}"),
                    RULE_EXCLUSIVE_BOUNDS,
                    format!("expected a number, found {other}"),
                ));
            }
        }
    }
    Ok(())
}

/// Rule "type arrays": `type: [T, "null"]` becomes `type: T` + `nullable`; several non-null types
/// become an `anyOf` of single-typed schemas that share the type-specific keywords.
pub(super) fn rule_type_array(obj: &mut Map<String, Value>, ptr: &str) -> Result<()> {
    let Some(Value::Array(types)) = obj.get("type").cloned() else {
        return Ok(());
    };
    let mut names = Vec::new();
    for t in &types {
        match t.as_str() {
            Some(s) => names.push(s.to_string()),
            None => {
                return Err(refuse(
                    &format!("{ptr}/type"),
                    RULE_TYPE_ARRAY,
                    format!("type entry {t} is not a string"),
                ));
            }
        }
    }
    let nullable = names.iter().any(|t| t == "null");
    names.retain(|t| t != "null");
    // An integer is also a number: try the narrower type first, or it would never be chosen.
    names.sort_by_key(|t| t != "integer");
    obj.remove("type");
    match names.len() {
        0 => {
            obj.insert("enum".into(), json!([null]));
        }
        1 => {
            obj.insert("type".into(), json!(names[0]));
        }
        _ => {
            // Keywords that constrain one type go with that type's branch.
            const BY_TYPE: [(&str, &[&str]); 5] = [
                ("string", &["minLength", "maxLength", "pattern", "format"]),
                (
                    "number",
                    &[
                        "minimum",
                        "maximum",
                        "exclusiveMinimum",
                        "exclusiveMaximum",
                        "multipleOf",
                        "format",
                    ],
                ),
                (
                    "integer",
                    &[
                        "minimum",
                        "maximum",
                        "exclusiveMinimum",
                        "exclusiveMaximum",
                        "multipleOf",
                        "format",
                    ],
                ),
                ("array", &["items", "minItems", "maxItems", "uniqueItems"]),
                (
                    "object",
                    &[
                        "properties",
                        "required",
                        "additionalProperties",
                        "minProperties",
                        "maxProperties",
                    ],
                ),
            ];
            let mut branches = Vec::new();
            for name in &names {
                let mut branch = Map::new();
                branch.insert("type".into(), json!(name));
                if let Some((_, keys)) = BY_TYPE.iter().find(|(t, _)| t == name) {
                    for key in *keys {
                        if let Some(v) = obj.get(*key) {
                            branch.insert((*key).into(), v.clone());
                        }
                    }
                }
                branches.push(Value::Object(branch));
            }
            for (_, keys) in BY_TYPE {
                for key in keys {
                    obj.remove(*key);
                }
            }
            obj.insert("anyOf".into(), Value::Array(branches));
        }
    }
    if nullable {
        obj.insert("nullable".into(), json!(true));
    }
    Ok(())
}

/// Rule "prefixItems": a 2020-12 tuple becomes an array of untyped items with a fixed length.
pub(super) fn rule_prefix_items(obj: &mut Map<String, Value>) {
    if let Some(Value::Array(prefix)) = obj.remove("prefixItems") {
        let n = prefix.len();
        // Every position is allowed; without 3.1 tuples the item type is the union of positions.
        let distinct: Vec<Value> = prefix.into_iter().fold(Vec::new(), |mut acc, v| {
            if !acc.contains(&v) {
                acc.push(v);
            }
            acc
        });
        let items = if distinct.len() == 1 {
            distinct.into_iter().next().unwrap_or_default()
        } else {
            json!({})
        };
        if !obj.contains_key("items") || obj.get("items") == Some(&json!(false)) {
            obj.insert("items".into(), items);
        }
        obj.entry("minItems").or_insert(json!(n));
        if obj.get("items") == Some(&json!(false)) || !obj.contains_key("maxItems") {
            obj.insert("maxItems".into(), json!(n));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::convert;
    use super::super::fixtures::{converted_schema, doc_with_schema};
    use super::*;

    #[test]
    fn titles_are_dropped_inline_and_on_components() {
        let s = converted_schema(json!({
            "title": "Job",
            "type": "object",
            "properties": {"kind": {"title": "Kind", "type": "integer"}}
        }));
        assert_eq!(
            s,
            json!({"type": "object", "properties": {"kind": {"type": "integer"}}})
        );
    }

    #[test]
    fn examples_array_becomes_example() {
        let s = converted_schema(json!({"type": "string", "examples": ["a", "b"]}));
        assert_eq!(s, json!({"type": "string", "example": "a"}));
    }

    #[test]
    fn const_becomes_single_value_enum() {
        let s = converted_schema(json!({"const": "job.new"}));
        assert_eq!(s, json!({"type": "string", "enum": ["job.new"]}));
        let s = converted_schema(json!({"const": 3}));
        assert_eq!(s, json!({"type": "integer", "enum": [3]}));
    }

    #[test]
    fn numeric_exclusive_bounds_become_boolean_flags() {
        let s = converted_schema(
            json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1.5}),
        );
        assert_eq!(
            s,
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1.5, "exclusiveMaximum": true})
        );
        // With an inclusive bound as well, the stricter one wins.
        let s = converted_schema(json!({"type": "integer", "minimum": 5, "exclusiveMinimum": 0}));
        assert_eq!(
            s,
            json!({"type": "integer", "minimum": 5, "exclusiveMinimum": false})
        );
    }

    #[test]
    fn non_numeric_exclusive_bound_is_refused_with_pointer() {
        let err = convert(&doc_with_schema(
            "S",
            json!({"type": "number", "exclusiveMinimum": "0"}),
        ))
        .unwrap_err();
        assert_eq!(err.pointer, "/components/schemas/S/exclusiveMinimum");
        assert_eq!(err.rule, RULE_EXCLUSIVE_BOUNDS);
    }

    #[test]
    fn type_array_with_null_becomes_nullable() {
        let s = converted_schema(json!({"type": ["string", "null"], "maxLength": 3}));
        assert_eq!(
            s,
            json!({"type": "string", "nullable": true, "maxLength": 3})
        );
    }

    #[test]
    fn type_array_with_several_types_becomes_a_union() {
        let s = converted_schema(
            json!({"type": ["integer", "string", "null"], "minimum": 1, "minLength": 2}),
        );
        assert_eq!(
            s,
            json!({"oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "minLength": 2}], "nullable": true})
        );
    }

    #[test]
    fn integer_is_tried_before_number_in_a_type_array() {
        let s = converted_schema(json!({"type": ["number", "integer"]}));
        assert_eq!(
            s,
            json!({"oneOf": [{"type": "integer"}, {"type": "number"}]})
        );
    }

    #[test]
    fn prefix_items_become_fixed_length_items() {
        let s = converted_schema(
            json!({"type": "array", "prefixItems": [{"type": "number"}, {"type": "number"}]}),
        );
        assert_eq!(
            s,
            json!({"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2})
        );
        let s = converted_schema(
            json!({"type": "array", "prefixItems": [{"type": "number"}, {"type": "string"}]}),
        );
        assert_eq!(s["items"], json!({}));
    }

    #[test]
    fn type_array_entries_must_be_strings() {
        let err = convert(&doc_with_schema("S", json!({"type": ["string", 1]}))).unwrap_err();
        assert_eq!(
            (err.pointer.as_str(), err.rule),
            ("/components/schemas/S/type", RULE_TYPE_ARRAY)
        );
    }

    #[test]
    fn type_array_of_null_alone_becomes_a_null_enum() {
        let mut obj = json!({"type": ["null"]}).as_object().cloned().unwrap();
        rule_type_array(&mut obj, "").unwrap();
        assert_eq!(
            Value::Object(obj),
            json!({"enum": [null], "nullable": true})
        );
    }
}
