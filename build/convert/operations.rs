//! Operation rules: unique operationIds, supported parameters, JSON request media types, one
//! success body per operation, and untyped error bodies.

use super::{
    METHODS, RULE_MEDIA_TYPES, RULE_OPERATION_ID, RULE_PARAMETERS, RULE_SUCCESS_BODY, Result,
    escape, refuse,
};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// Applies the operation rules: unique operationIds, supported parameters and media types, one
/// success body, and untyped error bodies.
pub(super) fn convert_operations(root: &mut Map<String, Value>) -> Result<()> {
    let mut seen_ids = BTreeSet::new();
    let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    for (path, item) in paths.iter_mut() {
        let item_ptr = format!("/paths/{}", escape(path));
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for method in METHODS {
            let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            let op_ptr = format!("{item_ptr}/{method}");
            match op.get("operationId").and_then(Value::as_str) {
                Some(id) if !seen_ids.insert(id.to_string()) => {
                    return Err(refuse(
                        &format!("{op_ptr}/operationId"),
                        RULE_OPERATION_ID,
                        format!("duplicate operationId `{id}`"),
                    ));
                }
                Some(_) => {}
                None => {
                    return Err(refuse(
                        &op_ptr,
                        RULE_OPERATION_ID,
                        "operation without an operationId",
                    ));
                }
            }
            if let Some(params) = op.get("parameters").and_then(Value::as_array) {
                for (i, p) in params.iter().enumerate() {
                    if p.get("in").and_then(Value::as_str) == Some("cookie") {
                        return Err(refuse(
                            &format!("{op_ptr}/parameters/{i}"),
                            RULE_PARAMETERS,
                            "cookie parameters are not supported",
                        ));
                    }
                }
            }
            if let Some(body) = op.get_mut("requestBody") {
                rule_request_media(body, &format!("{op_ptr}/requestBody"))?;
            }
            if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                rule_success_body(responses, &format!("{op_ptr}/responses"))?;
                rule_error_bodies(responses);
            }
        }
    }
    Ok(())
}

fn is_json_media(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// Rule "media types": a request body keeps its JSON media type only; form uploads are refused.
fn rule_request_media(body: &mut Value, ptr: &str) -> Result<()> {
    let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    if content.len() > 1
        && let Some(json_key) = content.keys().find(|k| is_json_media(k)).cloned()
    {
        content.retain(|k, _| *k == json_key);
    }
    if let Some(k) = content.keys().find(|k| k.starts_with("multipart/")) {
        return Err(refuse(
            &format!("{ptr}/content/{}", escape(k)),
            RULE_MEDIA_TYPES,
            "multipart request bodies are not supported",
        ));
    }
    if content.len() > 1 {
        return Err(refuse(
            &format!("{ptr}/content"),
            RULE_MEDIA_TYPES,
            "several non-JSON request media types",
        ));
    }
    Ok(())
}

/// Rule "one success body": all 2xx responses must share one body schema; a response with JSON
/// and other media types keeps the JSON one.
fn rule_success_body(responses: &mut Map<String, Value>, ptr: &str) -> Result<()> {
    let mut bodies: Vec<(String, Value)> = Vec::new();
    for (code, response) in responses.iter_mut() {
        if !code.starts_with('2') {
            continue;
        }
        if let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) {
            if content.len() > 1
                && let Some(json_key) = content.keys().find(|k| is_json_media(k)).cloned()
            {
                content.retain(|k, _| *k == json_key);
            }
            let schema = content
                .values()
                .next()
                .and_then(|m| m.get("schema"))
                .cloned()
                .unwrap_or(Value::Null);
            bodies.push((code.clone(), schema));
        } else {
            bodies.push((code.clone(), Value::Null));
        }
    }
    if let Some((first_code, first)) = bodies.first()
        && let Some((code, _)) = bodies.iter().find(|(_, b)| b != first)
    {
        return Err(refuse(
            &format!("{ptr}/{}", escape(code)),
            RULE_SUCCESS_BODY,
            format!("success responses {first_code} and {code} have different bodies"),
        ));
    }
    Ok(())
}

/// Rule "error bodies": every operation answers errors with untyped JSON on `4XX` and `5XX`.
///
/// Documented error schemas differ per operation (`ErrorResponse`, FastAPI's
/// `HTTPValidationError`), progenitor accepts one error type per operation, and real error bodies
/// come in shapes no schema lists (gateway HTML, empty bodies, `{"detail": [...]}`). The client's
/// hooks turn every error body into JSON and the crate's error type decodes the documented
/// envelope from it, so no error response is ever lost to a decode failure.
fn rule_error_bodies(responses: &mut Map<String, Value>) {
    responses
        .retain(|code, _| !(code.starts_with('4') || code.starts_with('5') || code == "default"));
    for (code, description) in [
        (
            "4XX",
            "Client error; the body is decoded by the crate's error type.",
        ),
        (
            "5XX",
            "Server error; the body is decoded by the crate's error type.",
        ),
    ] {
        responses.insert(
            code.into(),
            json!({ "description": description, "content": { "application/json": { "schema": {} } } }),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::convert;
    use super::super::fixtures::doc_with_operation;
    use super::*;

    #[test]
    fn cookie_parameters_and_missing_or_duplicate_operation_ids_are_refused() {
        let doc = doc_with_operation(json!({
            "operationId": "x",
            "parameters": [{"name": "session", "in": "cookie", "schema": {"type": "string"}}],
            "responses": {}
        }));
        let err = convert(&doc).unwrap_err();
        assert_eq!(
            (err.pointer.as_str(), err.rule),
            ("/paths/~1x/post/parameters/0", RULE_PARAMETERS)
        );

        let doc = doc_with_operation(json!({"responses": {}}));
        assert_eq!(convert(&doc).unwrap_err().rule, RULE_OPERATION_ID);

        let mut doc = doc_with_operation(json!({"operationId": "x", "responses": {}}));
        doc["paths"]["/y"] = json!({"get": {"operationId": "x", "responses": {}}});
        let err = convert(&doc).unwrap_err();
        assert_eq!(err.rule, RULE_OPERATION_ID);
        assert!(err.message.contains("duplicate"));
    }

    #[test]
    fn request_body_keeps_json_and_refuses_multipart() {
        let doc = doc_with_operation(json!({
            "operationId": "x",
            "requestBody": {"content": {"application/json": {"schema": {}}, "application/xml": {"schema": {}}}},
            "responses": {}
        }));
        let out = convert(&doc).unwrap();
        let content = out["paths"]["/x"]["post"]["requestBody"]["content"]
            .as_object()
            .unwrap();
        assert_eq!(content.keys().collect::<Vec<_>>(), ["application/json"]);

        let doc = doc_with_operation(json!({
            "operationId": "x",
            "requestBody": {"content": {"multipart/form-data": {"schema": {}}}},
            "responses": {}
        }));
        let err = convert(&doc).unwrap_err();
        assert_eq!(
            err.pointer,
            "/paths/~1x/post/requestBody/content/multipart~1form-data"
        );
        assert_eq!(err.rule, RULE_MEDIA_TYPES);
    }

    #[test]
    fn different_success_bodies_are_refused() {
        let doc = doc_with_operation(json!({
            "operationId": "x",
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "integer"}}}},
                "201": {"description": "c", "content": {"application/json": {"schema": {"type": "string"}}}}
            }
        }));
        let err = convert(&doc).unwrap_err();
        assert_eq!(err.pointer, "/paths/~1x/post/responses/201");
        assert_eq!(err.rule, RULE_SUCCESS_BODY);
    }

    #[test]
    fn conflicting_error_bodies_become_one_untyped_error() {
        let doc = doc_with_operation(json!({
            "operationId": "x",
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "integer"}}}},
                "404": {"description": "nf", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}},
                "422": {"description": "v", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}}
            }
        }));
        let out = convert(&doc).unwrap();
        let responses = out["paths"]["/x"]["post"]["responses"].as_object().unwrap();
        let codes: Vec<_> = responses.keys().cloned().collect();
        assert_eq!(codes, ["200", "4XX", "5XX"]);
        assert_eq!(
            responses["4XX"]["content"]["application/json"]["schema"],
            json!({})
        );
        assert_eq!(
            responses["5XX"]["content"]["application/json"]["schema"],
            json!({})
        );
    }

    #[test]
    fn several_non_json_request_media_types_are_refused() {
        let doc = doc_with_operation(json!({
            "operationId": "x",
            "requestBody": {"content": {"text/plain": {"schema": {}}, "application/xml": {"schema": {}}}},
            "responses": {}
        }));
        let err = convert(&doc).unwrap_err();
        assert_eq!(
            (err.pointer.as_str(), err.rule),
            ("/paths/~1x/post/requestBody/content", RULE_MEDIA_TYPES)
        );
    }

    #[test]
    fn success_responses_keep_their_json_media_type() {
        let doc = doc_with_operation(json!({
            "operationId": "x",
            "responses": {
                "200": {"description": "ok", "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/json; charset=utf-8": {"schema": {"type": "integer"}}
                }},
                "201": {"description": "c", "content": {"application/problem+json": {"schema": {"type": "integer"}}}}
            }
        }));
        let out = convert(&doc).unwrap();
        let content = out["paths"]["/x"]["post"]["responses"]["200"]["content"]
            .as_object()
            .unwrap();
        assert_eq!(
            content.keys().collect::<Vec<_>>(),
            ["application/json; charset=utf-8"]
        );
    }

    #[test]
    fn default_responses_give_way_to_the_untyped_error_ranges() {
        let mut responses = json!({"200": {"description": "ok"}, "default": {"description": "d"}})
            .as_object()
            .cloned()
            .unwrap();
        rule_error_bodies(&mut responses);
        assert_eq!(responses.keys().collect::<Vec<_>>(), ["200", "4XX", "5XX"]);
    }
}
