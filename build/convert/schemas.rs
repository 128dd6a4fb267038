//! The schema walk: finds every schema position of the document (components, parameters,
//! headers, bodies, responses), refuses the keywords 3.0 cannot express, drops annotations it
//! cannot carry, and applies the schema rules of `keywords.rs` and `unions.rs` to each schema.

use super::keywords::{
    rule_const, rule_examples, rule_exclusive_bounds, rule_prefix_items, rule_titles,
    rule_type_array,
};
use super::unions::{
    rule_enum_null, rule_null_type, rule_nullable_union, rule_ref_siblings, rule_unions,
};
use super::{METHODS, RULE_PARAMETERS, RULE_UNSUPPORTED_KEYWORD, Result, escape, refuse};
use serde_json::{Map, Value, json};

/// Keywords that carry no meaning for code generation and are dropped.
const DROPPED_ANNOTATIONS: [&str; 6] = [
    "$comment",
    "$schema",
    "$id",
    "contentMediaType",
    "contentEncoding",
    "$anchor",
];

/// Keywords that change what a schema accepts and that 3.0 cannot express: refused.
const REFUSED_KEYWORDS: [&str; 9] = [
    "if",
    "then",
    "else",
    "patternProperties",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "$dynamicRef",
];

/// Applies the schema rules to every schema position of the document.
pub(super) fn convert_schemas(root: &mut Map<String, Value>) -> Result<()> {
    if let Some(schemas) = root
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            convert_schema(schema, &format!("/components/schemas/{}", escape(name)))?;
        }
    }
    for (section, inner) in [("parameters", "schema"), ("headers", "schema")] {
        if let Some(map) = root
            .get_mut("components")
            .and_then(|c| c.get_mut(section))
            .and_then(Value::as_object_mut)
        {
            for (name, item) in map.iter_mut() {
                if let Some(schema) = item.get_mut(inner) {
                    let ptr = format!("/components/{section}/{}/{inner}", escape(name));
                    convert_schema(schema, &ptr)?;
                }
            }
        }
    }
    for section in ["requestBodies", "responses"] {
        if let Some(map) = root
            .get_mut("components")
            .and_then(|c| c.get_mut(section))
            .and_then(Value::as_object_mut)
        {
            for (name, item) in map.iter_mut() {
                let ptr = format!("/components/{section}/{}", escape(name));
                convert_content_schemas(item, &ptr)?;
            }
        }
    }
    if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let item_ptr = format!("/paths/{}", escape(path));
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            if item.contains_key("$ref") {
                return Err(refuse(
                    &item_ptr,
                    RULE_PARAMETERS,
                    "path items given by $ref are not supported",
                ));
            }
            convert_parameter_schemas(
                item.get_mut("parameters"),
                &format!("{item_ptr}/parameters"),
            )?;
            for method in METHODS {
                let Some(op) = item.get_mut(method) else {
                    continue;
                };
                let op_ptr = format!("{item_ptr}/{method}");
                convert_parameter_schemas(
                    op.get_mut("parameters"),
                    &format!("{op_ptr}/parameters"),
                )?;
                if let Some(body) = op.get_mut("requestBody") {
                    convert_content_schemas(body, &format!("{op_ptr}/requestBody"))?;
                }
                if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                    for (code, response) in responses.iter_mut() {
                        let ptr = format!("{op_ptr}/responses/{}", escape(code));
                        convert_content_schemas(response, &ptr)?;
                        if let Some(headers) =
                            response.get_mut("headers").and_then(Value::as_object_mut)
                        {
                            for (name, header) in headers.iter_mut() {
                                if let Some(schema) = header.get_mut("schema") {
                                    let hptr = format!("{ptr}/headers/{}/schema", escape(name));
                                    convert_schema(schema, &hptr)?;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

fn convert_parameter_schemas(params: Option<&mut Value>, ptr: &str) -> Result<()> {
    let Some(params) = params.and_then(Value::as_array_mut) else {
        return Ok(());
    };
    for (i, param) in params.iter_mut().enumerate() {
        if let Some(schema) = param.get_mut("schema") {
            convert_schema(schema, &format!("{ptr}/{i}/schema"))?;
        }
        // Rule "examples" on a parameter: a FastAPI-style array becomes `example`.
        if let Some(param) = param.as_object_mut() {
            rule_examples(param);
        }
    }
    Ok(())
}

fn convert_content_schemas(holder: &mut Value, ptr: &str) -> Result<()> {
    let Some(content) = holder.get_mut("content").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    for (media, entry) in content.iter_mut() {
        let Some(entry) = entry.as_object_mut() else {
            continue;
        };
        let schema = entry.entry("schema").or_insert_with(|| json!({}));
        convert_schema(schema, &format!("{ptr}/content/{}/schema", escape(media)))?;
        // 3.1 media-type `examples` keep their 3.0 meaning (a map of Example objects); drop a
        // FastAPI-style array, which 3.0 would misread.
        if entry.get("examples").is_some_and(Value::is_array) {
            entry.remove("examples");
        }
    }
    Ok(())
}

/// Converts one schema in place, then its subschemas.
fn convert_schema(schema: &mut Value, ptr: &str) -> Result<()> {
    let Some(obj) = schema.as_object_mut() else {
        // `true`/`false` schemas: `true` is "anything", `false` cannot be expressed.
        return match schema {
            Value::Bool(true) => {
                *schema = json!({});
                Ok(())
            }
            _ => Err(refuse(
                ptr,
                RULE_UNSUPPORTED_KEYWORD,
                "boolean schema `false`",
            )),
        };
    };

    for key in REFUSED_KEYWORDS {
        if obj.contains_key(key) {
            return Err(refuse(
                &format!("{ptr}/{key}"),
                RULE_UNSUPPORTED_KEYWORD,
                format!("`{key}` has no OpenAPI 3.0 equivalent"),
            ));
        }
    }
    for key in DROPPED_ANNOTATIONS {
        obj.remove(key);
    }
    rule_titles(obj);
    rule_examples(obj);
    rule_const(obj);
    rule_exclusive_bounds(obj, ptr)?;
    rule_type_array(obj, ptr)?;
    rule_null_type(obj);
    rule_enum_null(obj);
    // Union branches first: a lone non-null branch is merged into this schema next, and its
    // keywords must be 3.0 by then (say `anyOf: [{exclusiveMinimum: 0}, {type: null}]`).
    for key in ["anyOf", "oneOf"] {
        if let Some(list) = obj.get_mut(key).and_then(Value::as_array_mut) {
            for (i, sub) in list.iter_mut().enumerate() {
                convert_schema(sub, &format!("{ptr}/{key}/{i}"))?;
            }
        }
    }
    rule_nullable_union(obj, "anyOf");
    rule_nullable_union(obj, "oneOf");
    rule_unions(obj);
    rule_ref_siblings(obj);
    rule_prefix_items(obj);

    // Recurse into subschemas.
    for key in ["items", "additionalProperties", "not"] {
        if let Some(sub) = obj.get_mut(key)
            && (sub.is_object() || key != "additionalProperties")
        {
            convert_schema(sub, &format!("{ptr}/{key}"))?;
        }
    }
    if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
        for (name, sub) in props.iter_mut() {
            convert_schema(sub, &format!("{ptr}/properties/{}", escape(name)))?;
        }
    }
    // `anyOf`/`oneOf` branches were converted above.
    if let Some(list) = obj.get_mut("allOf").and_then(Value::as_array_mut) {
        for (i, sub) in list.iter_mut().enumerate() {
            convert_schema(sub, &format!("{ptr}/allOf/{i}"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::convert;
    use super::super::fixtures::{converted_schema, doc_with_operation, doc_with_schema};
    use super::*;

    #[test]
    fn refused_keywords_name_their_pointer() {
        let err = convert(&doc_with_schema(
            "S",
            json!({"type": "object", "properties": {"a": {"if": {}, "then": {}}}}),
        ))
        .unwrap_err();
        assert_eq!(err.pointer, "/components/schemas/S/properties/a/if");
        assert_eq!(err.rule, RULE_UNSUPPORTED_KEYWORD);
    }

    #[test]
    fn annotations_without_3_0_meaning_are_dropped() {
        let s = converted_schema(
            json!({"type": "string", "contentMediaType": "text/html", "$comment": "c"}),
        );
        assert_eq!(s, json!({"type": "string"}));
    }

    #[test]
    fn media_type_examples_array_is_dropped() {
        let doc = doc_with_operation(json!({
            "operationId": "x",
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "integer"}, "examples": [1]}}}}
        }));
        let out = convert(&doc).unwrap();
        assert!(
            out["paths"]["/x"]["post"]["responses"]["200"]["content"]["application/json"]
                .get("examples")
                .is_none()
        );
    }

    #[test]
    fn media_type_without_schema_gets_an_empty_schema() {
        let doc = doc_with_operation(json!({
            "operationId": "x",
            "responses": {"200": {"description": "ok", "content": {"application/json": {}}}}
        }));
        let out = convert(&doc).unwrap();
        assert_eq!(
            out["paths"]["/x"]["post"]["responses"]["200"]["content"]["application/json"]["schema"],
            json!({})
        );
    }

    #[test]
    fn boolean_schemas_become_empty_or_are_refused() {
        let s = converted_schema(json!({"type": "object", "properties": {"any": true}}));
        assert_eq!(s, json!({"type": "object", "properties": {"any": {}}}));
        let err = convert(&doc_with_schema(
            "S",
            json!({"type": "object", "properties": {"none": false}}),
        ))
        .unwrap_err();
        assert_eq!(
            (err.pointer.as_str(), err.rule),
            (
                "/components/schemas/S/properties/none",
                RULE_UNSUPPORTED_KEYWORD
            )
        );
    }

    #[test]
    fn parameter_examples_array_becomes_example() {
        let doc = doc_with_operation(json!({
            "operationId": "x",
            "parameters": [{"name": "q", "in": "query", "schema": {"type": ["string", "null"]}, "examples": ["a", "b"]}],
            "responses": {}
        }));
        let out = convert(&doc).unwrap();
        assert_eq!(
            out["paths"]["/x"]["post"]["parameters"][0],
            json!({"name": "q", "in": "query", "schema": {"type": "string", "nullable": true}, "example": "a"})
        );
    }

    #[test]
    fn every_schema_position_is_converted() {
        let doc = json!({
            "openapi": "3.1.0",
            "info": { "title": "t", "version": "1" },
            "paths": {"/x": {
                "parameters": [{"name": "a", "in": "query", "schema": {"const": 1}}],
                "get": {"operationId": "x", "responses": {"200": {
                    "description": "ok",
                    "headers": {"X-Rate": {"schema": {"const": 2}}}
                }}}
            }},
            "components": {
                "parameters": {"P": {"name": "p", "in": "query", "schema": {"const": 3}}},
                "headers": {"H": {"schema": {"const": 4}}},
                "requestBodies": {"B": {"content": {"application/json": {"schema": {"const": 5}}}}},
                "responses": {"R": {"description": "r", "content": {"application/json": {"schema": {"const": 6}}}}}
            }
        });
        let out = convert(&doc).unwrap();
        let one = |n: i64| json!({"type": "integer", "enum": [n]});
        assert_eq!(out["paths"]["/x"]["parameters"][0]["schema"], one(1));
        assert_eq!(
            out["paths"]["/x"]["get"]["responses"]["200"]["headers"]["X-Rate"]["schema"],
            one(2)
        );
        let components = &out["components"];
        assert_eq!(components["parameters"]["P"]["schema"], one(3));
        assert_eq!(components["headers"]["H"]["schema"], one(4));
        assert_eq!(
            components["requestBodies"]["B"]["content"]["application/json"]["schema"],
            one(5)
        );
        assert_eq!(
            components["responses"]["R"]["content"]["application/json"]["schema"],
            one(6)
        );
    }

    #[test]
    fn path_items_given_by_ref_are_refused() {
        let mut doc = doc_with_operation(json!({"operationId": "x", "responses": {}}));
        doc["paths"]["/y"] = json!({"$ref": "#/components/pathItems/Y"});
        let err = convert(&doc).unwrap_err();
        assert_eq!(
            (err.pointer.as_str(), err.rule),
            ("/paths/~1y", RULE_PARAMETERS)
        );
    }
}
