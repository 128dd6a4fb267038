//! Schema rules for `null` and unions: `type: "null"`, `null` inside `enum`, null branches of
//! `anyOf`/`oneOf`, `anyOf` unions, and keywords next to a `$ref`.

use super::keywords::json_type_of;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// True for a schema that only admits `null`.
fn is_null_schema(v: &Value) -> bool {
    match v {
        Value::Object(m) => {
            (m.get("type") == Some(&json!("null")) && !m.contains_key("enum"))
                || m.get("type") == Some(&json!(["null"]))
                || m.get("enum") == Some(&json!([null]))
                || (m.contains_key("const") && m["const"].is_null())
        }
        _ => false,
    }
}

/// Rule "null in anyOf/oneOf/type", single form: `type: "null"` becomes `enum: [null]`, which is
/// how progenitor spells a value that is always null.
pub(super) fn rule_null_type(obj: &mut Map<String, Value>) {
    if obj.get("type") == Some(&json!("null")) {
        obj.remove("type");
        obj.insert("enum".into(), json!([null]));
    }
}

/// Rule "null inside enum": `enum: [null, "a", "b"]` becomes `enum: ["a", "b"]` + `nullable`,
/// with `type` inferred from the remaining values when absent.
pub(super) fn rule_enum_null(obj: &mut Map<String, Value>) {
    let Some(Value::Array(values)) = obj.get("enum") else {
        return;
    };
    if values.len() < 2 || !values.iter().any(Value::is_null) {
        return;
    }
    let rest: Vec<Value> = values.iter().filter(|v| !v.is_null()).cloned().collect();
    if !obj.contains_key("type") {
        let types: BTreeSet<_> = rest.iter().filter_map(json_type_of).collect();
        if types.len() == 1 {
            obj.insert("type".into(), json!(types.into_iter().next()));
        }
    }
    obj.insert("enum".into(), Value::Array(rest));
    obj.insert("nullable".into(), json!(true));
}

/// Rule "null in anyOf/oneOf/type", union form: null branches of `anyOf`/`oneOf` are removed and
/// the schema becomes `nullable`. One remaining `$ref` becomes `allOf: [$ref]`; one remaining
/// inline schema is merged into the parent; several stay a union.
pub(super) fn rule_nullable_union(obj: &mut Map<String, Value>, key: &str) {
    let Some(Value::Array(branches)) = obj.get(key) else {
        return;
    };
    if !branches.iter().any(is_null_schema) {
        return;
    }
    let mut rest: Vec<Value> = branches
        .iter()
        .filter(|b| !is_null_schema(b))
        .cloned()
        .collect();
    obj.remove(key);
    obj.insert("nullable".into(), json!(true));
    match rest.len() {
        0 => {
            obj.insert("enum".into(), json!([null]));
            obj.remove("nullable");
        }
        1 => {
            let only = rest.pop().unwrap_or_default();
            match only {
                Value::Object(branch) if branch.contains_key("$ref") && branch.len() == 1 => {
                    obj.insert("allOf".into(), json!([branch]));
                }
                Value::Object(mut branch) => {
                    // A nested `$ref` with siblings is wrapped first so the merge keeps it intact.
                    rule_ref_siblings(&mut branch);
                    for (k, v) in branch {
                        if k != "title" {
                            obj.entry(k).or_insert(v);
                        }
                    }
                }
                _ => {}
            }
        }
        _ => {
            obj.insert(key.into(), Value::Array(rest));
        }
    }
}

/// Rule "anyOf unions": typify reads `anyOf` as a struct of optional flattened parts, which
/// cannot hold a plain string or a value that matches one branch. A union of plain strings (say a
/// `date-time` or a `date`) becomes one string; any other `anyOf` becomes `oneOf`, which typify
/// turns into an enum with one variant per branch.
pub(super) fn rule_unions(obj: &mut Map<String, Value>) {
    let Some(Value::Array(branches)) = obj.get("anyOf") else {
        return;
    };
    let plain_string = |b: &Value| {
        b.as_object().is_some_and(|m| {
            m.get("type") == Some(&json!("string"))
                && m.keys()
                    .all(|k| ["type", "format", "description", "title"].contains(&k.as_str()))
        })
    };
    if branches.len() > 1 && branches.iter().all(plain_string) {
        obj.remove("anyOf");
        obj.insert("type".into(), json!("string"));
    } else if let Some(branches) = obj.remove("anyOf") {
        obj.insert("oneOf".into(), branches);
    }
}

/// Rule "$ref with siblings": 3.0 ignores keywords next to `$ref`, so `{$ref, default, ...}`
/// becomes `{allOf: [{$ref}], default, ...}`.
pub(super) fn rule_ref_siblings(obj: &mut Map<String, Value>) {
    if obj.len() > 1
        && let Some(reference) = obj.remove("$ref")
    {
        obj.insert("allOf".into(), json!([{ "$ref": reference }]));
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{converted_schema, doc_with_schema};
    use super::super::{RULE_EXCLUSIVE_BOUNDS, convert};
    use super::*;

    #[test]
    fn type_null_alone_becomes_null_enum() {
        let s = converted_schema(json!({"type": "null", "deprecated": true}));
        assert_eq!(s, json!({"enum": [null], "deprecated": true}));
    }

    #[test]
    fn null_inside_enum_becomes_nullable_with_inferred_type() {
        let doc = doc_with_schema(
            "Sort",
            json!({"type": "object", "properties": {"field": {"enum": [null, "jobs", "confidence"]}}}),
        );
        let out = convert(&doc).unwrap();
        let schemas = &out["components"]["schemas"];
        // The enum is hoisted (rule "inline enums") and the property keeps `nullable`.
        assert_eq!(
            schemas["Sort"]["properties"]["field"],
            json!({"allOf": [{"$ref": "#/components/schemas/SortField"}], "nullable": true})
        );
        assert_eq!(
            schemas["SortField"],
            json!({"type": "string", "enum": ["jobs", "confidence"]})
        );
    }

    #[test]
    fn any_of_with_null_becomes_nullable() {
        let s = converted_schema(
            json!({"anyOf": [{"type": "integer"}, {"type": "null"}], "description": "d"}),
        );
        assert_eq!(
            s,
            json!({"type": "integer", "nullable": true, "description": "d"})
        );
    }

    #[test]
    fn any_of_ref_with_null_becomes_nullable_all_of() {
        let s = converted_schema(
            json!({"anyOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]}),
        );
        assert_eq!(
            s,
            json!({"allOf": [{"$ref": "#/components/schemas/T"}], "nullable": true})
        );
    }

    #[test]
    fn any_of_several_types_and_null_keeps_a_nullable_union() {
        let s = converted_schema(json!({"anyOf": [
            {"$ref": "#/components/schemas/A"},
            {"$ref": "#/components/schemas/B"},
            {"type": "null"}
        ]}));
        assert_eq!(
            s,
            json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}], "nullable": true})
        );
    }

    #[test]
    fn lone_branch_next_to_null_is_converted_before_it_is_merged() {
        let s = converted_schema(json!({"anyOf": [
            {"type": "number", "exclusiveMinimum": 0, "maximum": 100, "title": "T"},
            {"type": "null"}
        ]}));
        assert_eq!(
            s,
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 100, "nullable": true})
        );
        let s = converted_schema(json!({"anyOf": [{"const": "x"}, {"type": "null"}]}));
        assert_eq!(
            s,
            json!({"type": "string", "enum": ["x"], "nullable": true})
        );
        // A refusal inside a branch names the branch.
        let err = convert(&doc_with_schema(
            "S",
            json!({"anyOf": [{"type": "number", "exclusiveMinimum": "0"}, {"type": "null"}]}),
        ))
        .unwrap_err();
        assert_eq!(
            (err.pointer.as_str(), err.rule),
            (
                "/components/schemas/S/anyOf/0/exclusiveMinimum",
                RULE_EXCLUSIVE_BOUNDS
            )
        );
    }

    #[test]
    fn one_of_with_null_becomes_nullable() {
        let s = converted_schema(json!({"oneOf": [{"type": "boolean"}, {"type": "null"}]}));
        assert_eq!(s, json!({"type": "boolean", "nullable": true}));
    }

    #[test]
    fn any_of_unions_become_one_of_and_string_unions_become_strings() {
        let s = converted_schema(json!({"anyOf": [
            {"type": "string", "format": "date-time"},
            {"type": "string", "format": "date"}
        ]}));
        assert_eq!(s, json!({"type": "string"}));
        let s = converted_schema(
            json!({"anyOf": [{"type": "integer"}, {"type": "array", "items": {"type": "integer"}}]}),
        );
        assert_eq!(
            s,
            json!({"oneOf": [{"type": "integer"}, {"type": "array", "items": {"type": "integer"}}]})
        );
    }

    #[test]
    fn ref_with_siblings_is_wrapped_in_all_of() {
        let s = converted_schema(
            json!({"$ref": "#/components/schemas/T", "default": "a", "description": "d"}),
        );
        assert_eq!(
            s,
            json!({"allOf": [{"$ref": "#/components/schemas/T"}], "default": "a", "description": "d"})
        );
        // A bare reference stays as it is.
        let s = converted_schema(json!({"$ref": "#/components/schemas/T"}));
        assert_eq!(s, json!({"$ref": "#/components/schemas/T"}));
    }

    #[test]
    fn union_of_null_alone_becomes_a_null_enum() {
        let s = converted_schema(json!({"anyOf": [{"type": "null"}], "description": "d"}));
        assert_eq!(s, json!({"enum": [null], "description": "d"}));
    }

    #[test]
    fn null_inside_enum_infers_a_type_only_when_the_values_share_one() {
        let mut obj = json!({"enum": [1, null, 2]}).as_object().cloned().unwrap();
        rule_enum_null(&mut obj);
        assert_eq!(
            Value::Object(obj),
            json!({"type": "integer", "enum": [1, 2], "nullable": true})
        );
        let mut obj = json!({"enum": ["a", 1, null]})
            .as_object()
            .cloned()
            .unwrap();
        rule_enum_null(&mut obj);
        assert_eq!(
            Value::Object(obj),
            json!({"enum": ["a", 1], "nullable": true})
        );
    }
}
