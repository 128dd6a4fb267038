//! Rule "inline enums": every inline string enum becomes a named component, so the build script
//! can make every string enum open; also `string_enum_values`, which the build script shares.

use super::{METHODS, pascal};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// Rule "inline enums": every string enum defined inline (a property, an array item, a parameter)
/// moves to `components/schemas`, so that every string enum of the document is a named type the
/// build script can make open (keeping unknown values). An inline enum whose values equal those of
/// an existing component reuses that component.
pub(super) fn hoist_inline_enums(root: &mut Map<String, Value>) {
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    let existing: Vec<(String, BTreeSet<String>)> = root
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_object)
        .map(|schemas| {
            schemas
                .iter()
                .filter_map(|(name, s)| string_enum_values(s).map(|v| (name.clone(), v)))
                .collect()
        })
        .unwrap_or_default();
    let mut known = existing;
    let mut taken: BTreeSet<String> = root
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();

    let mut hoist = |schema: &mut Value, hint: &str| {
        let Some(values) = string_enum_values(schema) else {
            return;
        };
        let name = match known.iter().find(|(_, v)| *v == values) {
            Some((name, _)) => name.clone(),
            None => {
                let mut name = pascal(hint);
                let mut n = 2;
                while taken.contains(&name) {
                    name = format!("{}{n}", pascal(hint));
                    n += 1;
                }
                let Some(obj) = schema.as_object() else {
                    return;
                };
                let mut component = Map::new();
                for key in ["type", "enum", "description"] {
                    if let Some(v) = obj.get(key) {
                        component.insert(key.into(), v.clone());
                    }
                }
                hoisted.push((name.clone(), Value::Object(component)));
                taken.insert(name.clone());
                known.push((name.clone(), values));
                name
            }
        };
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        obj.remove("type");
        obj.remove("enum");
        obj.insert(
            "allOf".into(),
            json!([{ "$ref": format!("#/components/schemas/{name}") }]),
        );
    };

    if let Some(schemas) = root
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            visit_inline(schema, name, true, &mut hoist);
        }
    }
    if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            for method in METHODS {
                let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else {
                    continue;
                };
                let op_name = op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or(method)
                    .to_string();
                if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                    for param in params {
                        let pname = param
                            .get("name")
                            .and_then(Value::as_str)
                            .unwrap_or("param")
                            .to_string();
                        if let Some(schema) = param.get_mut("schema") {
                            visit_inline(schema, &format!("{op_name}_{pname}"), false, &mut hoist);
                        }
                    }
                }
                for (key, suffix) in [("requestBody", "body"), ("responses", "response")] {
                    let Some(holder) = op.get_mut(key) else {
                        continue;
                    };
                    let holders: Vec<&mut Value> = if key == "responses" {
                        holder
                            .as_object_mut()
                            .map(|m| m.values_mut().collect())
                            .unwrap_or_default()
                    } else {
                        vec![holder]
                    };
                    for h in holders {
                        if let Some(content) = h.get_mut("content").and_then(Value::as_object_mut) {
                            for media in content.values_mut() {
                                if let Some(schema) = media.get_mut("schema") {
                                    visit_inline(
                                        schema,
                                        &format!("{op_name}_{suffix}"),
                                        false,
                                        &mut hoist,
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    if let Some(schemas) = root
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in hoisted {
            schemas.insert(name, schema);
        }
    }
}

/// Walks a schema and calls `hoist` on every inline string enum with a name hint for it.
fn visit_inline(
    schema: &mut Value,
    hint: &str,
    is_component_root: bool,
    hoist: &mut dyn FnMut(&mut Value, &str),
) {
    if !is_component_root && string_enum_values(schema).is_some() {
        hoist(schema, hint);
        return;
    }
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
        for (name, sub) in props.iter_mut() {
            visit_inline(sub, &format!("{hint}_{name}"), false, hoist);
        }
    }
    if let Some(items) = obj.get_mut("items") {
        visit_inline(items, &format!("{hint}_item"), false, hoist);
    }
    if let Some(extra) = obj.get_mut("additionalProperties")
        && extra.is_object()
    {
        visit_inline(extra, &format!("{hint}_value"), false, hoist);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(list) = obj.get_mut(key).and_then(Value::as_array_mut) {
            for (i, sub) in list.iter_mut().enumerate() {
                visit_inline(sub, &format!("{hint}_variant{i}"), false, hoist);
            }
        }
    }
}

/// The values of a string enum schema (`type: string` or untyped, every value a string).
pub fn string_enum_values(schema: &Value) -> Option<BTreeSet<String>> {
    let obj = schema.as_object()?;
    if obj.get("type").is_some_and(|t| t != "string") {
        return None;
    }
    let values = obj.get("enum")?.as_array()?;
    if values.is_empty() {
        return None;
    }
    values
        .iter()
        .map(|v| v.as_str().map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::convert;
    use super::super::fixtures::doc_with_schema;
    use super::*;

    #[test]
    fn inline_enums_are_hoisted_and_equal_ones_reuse_components() {
        let doc = json!({
            "openapi": "3.1.0",
            "info": { "title": "t", "version": "1" },
            "paths": {"/x": {"get": {
                "operationId": "list_x",
                "parameters": [{"name": "order", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"], "default": "asc"}}],
                "responses": {}
            }}},
            "components": {"schemas": {
                "Level": {"type": "string", "enum": ["low", "high"]},
                "Filter": {"type": "object", "properties": {
                    "levels": {"type": "array", "items": {"type": "string", "enum": ["high", "low"]}},
                    "kind": {"type": "string", "enum": ["a", "b"], "default": "a", "description": "k"}
                }}
            }}
        });
        let out = convert(&doc).unwrap();
        let schemas = &out["components"]["schemas"];
        assert_eq!(
            schemas["Filter"]["properties"]["levels"]["items"],
            json!({"allOf": [{"$ref": "#/components/schemas/Level"}]})
        );
        assert_eq!(
            schemas["Filter"]["properties"]["kind"],
            json!({"allOf": [{"$ref": "#/components/schemas/FilterKind"}], "default": "a", "description": "k"})
        );
        assert_eq!(
            schemas["FilterKind"],
            json!({"type": "string", "enum": ["a", "b"], "description": "k"})
        );
        assert_eq!(
            out["paths"]["/x"]["get"]["parameters"][0]["schema"],
            json!({"allOf": [{"$ref": "#/components/schemas/ListXOrder"}], "default": "asc"})
        );
        assert_eq!(
            schemas["ListXOrder"],
            json!({"type": "string", "enum": ["asc", "desc"]})
        );
    }

    #[test]
    fn hoisted_enum_names_do_not_clash_with_components() {
        let mut doc = doc_with_schema(
            "Filter",
            json!({"type": "object", "properties": {"kind": {"type": "string", "enum": ["a", "b"]}}}),
        );
        doc["components"]["schemas"]["FilterKind"] = json!({"type": "object"});
        let out = convert(&doc).unwrap();
        let schemas = &out["components"]["schemas"];
        assert_eq!(
            schemas["Filter"]["properties"]["kind"],
            json!({"allOf": [{"$ref": "#/components/schemas/FilterKind2"}]})
        );
        assert_eq!(
            schemas["FilterKind2"],
            json!({"type": "string", "enum": ["a", "b"]})
        );
    }

    #[test]
    fn string_enum_values_reads_only_string_enums() {
        let values = |s: Value| string_enum_values(&s).map(|v| v.into_iter().collect::<Vec<_>>());
        assert_eq!(
            values(json!({"type": "string", "enum": ["b", "a"]})),
            Some(vec!["a".to_string(), "b".to_string()])
        );
        assert_eq!(values(json!({"enum": ["a"]})), Some(vec!["a".to_string()]));
        assert_eq!(values(json!({"type": "integer", "enum": [1]})), None);
        assert_eq!(values(json!({"enum": ["a", null]})), None);
        assert_eq!(values(json!({"type": "string", "enum": []})), None);
        assert_eq!(values(json!({"type": "string"})), None);
    }
}
