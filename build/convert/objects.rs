//! Rules on component objects that depend on where a schema is used: closed objects, request
//! defaults and ambiguous unions, with the reachability helpers they share.

use super::METHODS;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// Names of the component schemas that only requests use: reachable from parameters and request
/// bodies, and not from any response.
fn request_only_schemas(root: &Map<String, Value>) -> BTreeSet<String> {
    let mut request_side = Vec::new();
    let mut response_side = Vec::new();
    if let Some(paths) = root.get("paths").and_then(Value::as_object) {
        for item in paths.values() {
            request_side.push(item.get("parameters").cloned().unwrap_or_default());
            for method in METHODS {
                let Some(op) = item.get(method) else {
                    continue;
                };
                request_side.push(op.get("parameters").cloned().unwrap_or_default());
                request_side.push(op.get("requestBody").cloned().unwrap_or_default());
                response_side.push(op.get("responses").cloned().unwrap_or_default());
            }
        }
    }
    let Some(schemas) = root
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_object)
    else {
        return BTreeSet::new();
    };
    let responses = reachable(&response_side, schemas);
    reachable(&request_side, schemas)
        .difference(&responses)
        .cloned()
        .collect()
}

/// Rule "closed objects": `additionalProperties: false` stays only on schemas that nothing but
/// requests use. On anything a response (or a webhook delivery) may carry it is dropped, so that
/// fields TheirStack adds later are ignored instead of failing the decode. Request types keep it:
/// they still serialize only their known fields, and reading a request body from JSON refuses an
/// unknown key by name.
pub(super) fn open_response_objects(root: &mut Map<String, Value>) {
    let request_only = request_only_schemas(root);
    let Some(schemas) = root
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (name, schema) in schemas.iter_mut() {
        if !request_only.contains(name) {
            strip_closed(schema);
        }
    }
}

/// Rule "ambiguous unions": a union of component objects decodes by trying its members in
/// order, so a member that accepts everything a later member accepts would always win (an open
/// object whose properties are all optional accepts any object). Members are ordered with the
/// most required properties first; a union where an earlier member still cannot refuse a later
/// one becomes an untyped JSON value instead of a silently wrong type. A member refuses another
/// when it requires a property the other never has, or is closed and the other has a property
/// it lacks.
pub(super) fn untype_ambiguous_unions(root: &mut Map<String, Value>) {
    let Some(schemas) = root
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_object)
        .cloned()
    else {
        return;
    };
    let shape = |reference: &Value| -> Option<(BTreeSet<String>, BTreeSet<String>, bool)> {
        let name = reference
            .get("$ref")?
            .as_str()?
            .strip_prefix("#/components/schemas/")?;
        let schema = schemas.get(name)?;
        if schema.get("type").is_some_and(|t| t != "object") || schema.get("properties").is_none() {
            return None;
        }
        let strings = |v: Option<&Value>| -> BTreeSet<String> {
            v.and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default()
        };
        let properties = schema["properties"].as_object()?.keys().cloned().collect();
        let closed = schema.get("additionalProperties") == Some(&json!(false));
        Some((strings(schema.get("required")), properties, closed))
    };
    let refuses = |a: &(BTreeSet<String>, BTreeSet<String>, bool),
                   b: &(BTreeSet<String>, BTreeSet<String>, bool)| {
        !a.0.is_subset(&b.1) || (a.2 && !b.1.is_subset(&a.1))
    };
    visit_schemas_mut(root, &mut |obj: &mut Map<String, Value>| {
        let Some(Value::Array(members)) = obj.get("oneOf") else {
            return;
        };
        let Some(mut shaped) = members
            .iter()
            .map(|m| shape(m).map(|s| (m.clone(), s)))
            .collect::<Option<Vec<_>>>()
        else {
            return;
        };
        shaped.sort_by_key(|(_, s)| std::cmp::Reverse(s.0.len()));
        let ambiguous = (0..shaped.len())
            .any(|i| (i + 1..shaped.len()).any(|j| !refuses(&shaped[i].1, &shaped[j].1)));
        if ambiguous {
            obj.remove("oneOf");
        } else {
            obj.insert(
                "oneOf".into(),
                Value::Array(shaped.into_iter().map(|(m, _)| m).collect()),
            );
        }
    });
}

/// Rule "request defaults": a request carries only what its caller set. The `default`s of the
/// top-level properties of schemas that only requests use are dropped: they describe what the
/// server assumes when a field is absent, and sending them would say more than the caller did
/// (a PATCH body would reset fields it did not touch; a search body would send `page: 0` next to
/// the `offset` it pages with, two paging styles at once). Schemas a response or a webhook
/// delivery uses keep their defaults, which decoding needs.
pub(super) fn drop_request_defaults(root: &mut Map<String, Value>) {
    let request_only = request_only_schemas(root);
    let Some(schemas) = root
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for name in &request_only {
        if let Some(props) = schemas
            .get_mut(name)
            .and_then(|s| s.get_mut("properties"))
            .and_then(Value::as_object_mut)
        {
            for prop in props.values_mut() {
                if let Some(prop) = prop.as_object_mut() {
                    prop.remove("default");
                }
            }
        }
    }
}

/// Rule "required nullable": a property a response may carry that is required but nullable is
/// no longer required, so a body that leaves it out decodes (as `None`) instead of failing: a
/// field TheirStack adds as required-and-nullable is absent from older servers, recorded
/// payloads and webhook deliveries, and absent means the same as null. Request-only schemas
/// keep their `required` (a request still sends the field). So does a member of a union that
/// would then no longer be told apart from the other members: one that has no required,
/// non-nullable field the others lack.
pub(super) fn relax_required_nullable(root: &mut Map<String, Value>) {
    let request_only = request_only_schemas(root);
    let Some(schemas) = root
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let strings = |v: Option<&Value>| -> BTreeSet<String> {
        v.and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect()
    };
    let nullable = |schema: &Value| -> BTreeSet<String> {
        schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(_, p)| p.get("nullable") == Some(&json!(true)))
            .map(|(k, _)| k.clone())
            .collect()
    };
    // Every union of component schemas, as lists of member names.
    let mut unions: Vec<Vec<String>> = Vec::new();
    fn collect(value: &Value, out: &mut Vec<Vec<String>>) {
        match value {
            Value::Object(obj) => {
                if let Some(Value::Array(list)) = obj.get("oneOf") {
                    out.push(
                        list.iter()
                            .filter_map(|m| {
                                m.get("$ref")?
                                    .as_str()?
                                    .strip_prefix("#/components/schemas/")
                                    .map(String::from)
                            })
                            .collect(),
                    );
                }
                obj.values().for_each(|v| collect(v, out));
            }
            Value::Array(list) => list.iter().for_each(|v| collect(v, out)),
            _ => {}
        }
    }
    collect(&Value::Object(schemas.clone()), &mut unions);
    // A member stays apart from the others when it requires a non-nullable field none of them has.
    let apart = |member: &str, union: &[String]| -> bool {
        let schema = &schemas[member];
        let mut own = strings(schema.get("required"));
        for field in nullable(schema) {
            own.remove(&field);
        }
        union.iter().filter(|other| *other != member).all(|other| {
            let theirs: BTreeSet<String> = schemas
                .get(other)
                .and_then(|s| s.get("properties"))
                .and_then(Value::as_object)
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            !own.is_subset(&theirs)
        })
    };
    let keep: BTreeSet<String> = unions
        .iter()
        .flat_map(|union| {
            union
                .iter()
                .filter(|member| schemas.contains_key(member.as_str()) && !apart(member, union))
                .cloned()
                .collect::<Vec<_>>()
        })
        .collect();
    for (name, schema) in schemas.iter_mut() {
        if request_only.contains(name) || keep.contains(name) {
            continue;
        }
        let relaxed = nullable(schema);
        let Some(obj) = schema.as_object_mut() else {
            continue;
        };
        if let Some(Value::Array(required)) = obj.get_mut("required") {
            required.retain(|r| r.as_str().is_none_or(|r| !relaxed.contains(r)));
            if required.is_empty() {
                obj.remove("required");
            }
        }
    }
}

/// Calls `f` on every schema object of the document (components, parameters, bodies,
/// responses), depth first.
fn visit_schemas_mut(root: &mut Map<String, Value>, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    fn walk(value: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
        match value {
            Value::Object(obj) => {
                for (key, sub) in obj.iter_mut() {
                    if key != "enum" && key != "example" && key != "default" {
                        walk(sub, f);
                    }
                }
                f(obj);
            }
            Value::Array(list) => list.iter_mut().for_each(|v| walk(v, f)),
            _ => {}
        }
    }
    for key in ["components", "paths"] {
        if let Some(section) = root.get_mut(key) {
            walk(section, f);
        }
    }
}

/// Removes `additionalProperties: false` from a schema and its inline subschemas.
fn strip_closed(schema: &mut Value) {
    match schema {
        Value::Object(obj) => {
            if obj.get("additionalProperties") == Some(&json!(false)) {
                obj.remove("additionalProperties");
            }
            for (key, sub) in obj.iter_mut() {
                if key != "enum" && key != "example" && key != "default" {
                    strip_closed(sub);
                }
            }
        }
        Value::Array(list) => list.iter_mut().for_each(strip_closed),
        _ => {}
    }
}

/// Names of the component schemas reachable through `$ref`s from `roots`.
fn reachable(roots: &[Value], schemas: &Map<String, Value>) -> BTreeSet<String> {
    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(obj) => {
                if let Some(r) = obj.get("$ref").and_then(Value::as_str)
                    && let Some(name) = r.strip_prefix("#/components/schemas/")
                {
                    out.push(name.replace("~1", "/").replace("~0", "~"));
                }
                obj.values().for_each(|v| refs(v, out));
            }
            Value::Array(list) => list.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut seen = BTreeSet::new();
    let mut todo = Vec::new();
    roots.iter().for_each(|r| refs(r, &mut todo));
    while let Some(name) = todo.pop() {
        if seen.insert(name.clone())
            && let Some(schema) = schemas.get(&name)
        {
            refs(schema, &mut todo);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::super::convert;
    use super::*;

    #[test]
    fn closed_objects_stay_closed_only_on_request_side() {
        let doc = json!({
            "openapi": "3.1.0",
            "info": { "title": "t", "version": "1" },
            "paths": {"/x": {"post": {
                "operationId": "x",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Req"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Resp"}}}}}
            }}},
            "components": {"schemas": {
                "Req": {"type": "object", "additionalProperties": false, "properties": {"sort": {"$ref": "#/components/schemas/Sort"}}},
                "Resp": {"type": "object", "additionalProperties": false, "properties": {"echo": {"$ref": "#/components/schemas/Shared"}}},
                "Shared": {"type": "object", "additionalProperties": false},
                "Sort": {"type": "object", "additionalProperties": false},
                "Delivery": {"type": "object", "additionalProperties": false}
            }}
        });
        let out = convert(&doc).unwrap();
        let schemas = &out["components"]["schemas"];
        assert_eq!(schemas["Req"]["additionalProperties"], false);
        assert_eq!(schemas["Sort"]["additionalProperties"], false);
        for open in ["Resp", "Shared", "Delivery"] {
            assert!(
                schemas[open].get("additionalProperties").is_none(),
                "{open} stays closed"
            );
        }
    }

    #[test]
    fn request_only_schemas_lose_their_property_defaults() {
        let doc = json!({
            "openapi": "3.1.0",
            "info": { "title": "t", "version": "1" },
            "paths": {
                "/x": {"patch": {
                    "operationId": "update_x",
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Update"}}}},
                    "responses": {}
                }},
                "/search": {"post": {
                    "operationId": "search",
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Search"}}}},
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Saved"}}}}}
                }}
            },
            "components": {"schemas": {
                "Update": {"type": "object", "properties": {"once": {"type": "boolean", "default": false}}},
                "Search": {"type": "object", "properties": {
                    "page": {"type": "integer", "default": 0},
                    "offset": {"type": "integer", "default": 0},
                    "sort": {"$ref": "#/components/schemas/Sort"}
                }},
                "Sort": {"type": "object", "properties": {"desc": {"type": "boolean", "default": true}}},
                "Saved": {"type": "object", "properties": {"page": {"type": "integer", "default": 0}}},
                "Delivery": {"type": "object", "properties": {"once": {"type": "boolean", "default": false}}}
            }}
        });
        let out = convert(&doc).unwrap();
        let schemas = &out["components"]["schemas"];
        assert_eq!(
            schemas["Update"]["properties"]["once"],
            json!({"type": "boolean"})
        );
        assert_eq!(
            schemas["Search"]["properties"]["page"],
            json!({"type": "integer"})
        );
        assert_eq!(
            schemas["Search"]["properties"]["offset"],
            json!({"type": "integer"})
        );
        // Nested request-only schemas too.
        assert_eq!(
            schemas["Sort"]["properties"]["desc"],
            json!({"type": "boolean"})
        );
        // A response schema, and a schema no operation uses (a webhook delivery), keep theirs.
        assert_eq!(schemas["Saved"]["properties"]["page"]["default"], 0);
        assert_eq!(schemas["Delivery"]["properties"]["once"]["default"], false);
    }

    fn doc_with_union(members: Value, schemas: Value) -> Value {
        let mut all = schemas;
        all["Holder"] = json!({"type": "object", "properties": {"value": {"anyOf": members}}});
        json!({
            "openapi": "3.1.0",
            "info": { "title": "t", "version": "1" },
            "paths": {"/x": {"get": {
                "operationId": "x",
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Holder"}}}}}
            }}},
            "components": {"schemas": all}
        })
    }

    #[test]
    fn ambiguous_unions_of_open_objects_become_untyped() {
        // Two open objects with only optional fields: the first would accept every payload.
        let doc = doc_with_union(
            json!([{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]),
            json!({
                "A": {"type": "object", "additionalProperties": false, "properties": {"a": {"type": "string"}}},
                "B": {"type": "object", "properties": {"b": {"type": "string"}}}
            }),
        );
        let out = convert(&doc).unwrap();
        assert_eq!(
            out["components"]["schemas"]["Holder"]["properties"]["value"],
            json!({})
        );
    }

    #[test]
    fn distinguishable_unions_stay_typed_with_the_strictest_member_first() {
        let doc = doc_with_union(
            json!([{"$ref": "#/components/schemas/Company"}, {"$ref": "#/components/schemas/Job"}]),
            json!({
                "Company": {"type": "object", "required": ["id"], "properties": {"id": {}, "name": {}}},
                "Job": {"type": "object", "required": ["id", "title"], "properties": {"id": {}, "title": {}}}
            }),
        );
        let out = convert(&doc).unwrap();
        assert_eq!(
            out["components"]["schemas"]["Holder"]["properties"]["value"],
            json!({"oneOf": [{"$ref": "#/components/schemas/Job"}, {"$ref": "#/components/schemas/Company"}]})
        );
    }

    #[test]
    fn reachable_follows_nested_references_and_unescapes_names() {
        let schemas = json!({
            "A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}},
            "B": {"items": {"$ref": "#/components/schemas/C~1D"}},
            "C/D": {},
            "E": {}
        });
        let roots = [json!({"schema": {"$ref": "#/components/schemas/A"}})];
        let names = reachable(&roots, schemas.as_object().unwrap());
        assert_eq!(names.into_iter().collect::<Vec<_>>(), ["A", "B", "C/D"]);
    }

    #[test]
    fn required_nullable_fields_of_responses_may_be_absent() {
        let doc = json!({
            "openapi": "3.1.0",
            "info": { "title": "t", "version": "1" },
            "paths": {"/x": {"post": {
                "operationId": "x",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Req"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}}}
            }}},
            "components": {"schemas": {
                "Req": {"type": "object", "required": ["note"], "properties": {"note": {"type": ["string", "null"]}}},
                "Job": {"type": "object", "required": ["id", "closed_at"], "properties": {
                    "id": {"type": "integer"},
                    "closed_at": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]},
                    "kind": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]}
                }},
                "A": {"type": "object", "required": ["a"], "properties": {"a": {"type": ["string", "null"]}}},
                "B": {"type": "object", "required": ["b", "c"], "properties": {"b": {"type": "integer"}, "c": {"type": ["string", "null"]}}}
            }}
        });
        let out = convert(&doc).unwrap();
        let schemas = &out["components"]["schemas"];
        assert_eq!(
            schemas["Job"]["required"],
            json!(["id"]),
            "closed_at may be absent"
        );
        assert_eq!(
            schemas["Req"]["required"],
            json!(["note"]),
            "a request still sends it"
        );
        assert_eq!(
            schemas["A"]["required"],
            json!(["a"]),
            "a union member keeps what tells it apart"
        );
    }
}
