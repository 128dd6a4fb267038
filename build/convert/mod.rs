//! Converts an OpenAPI 3.1 document, as FastAPI writes it, into the OpenAPI 3.0 subset that
//! progenitor 0.15 reads.
//!
//! Rule of this module: every 3.1 construct is either rewritten to an equivalent 3.0 form or
//! refused with a [`ConvertError`] that names the JSON pointer and the rule. The only things
//! dropped are annotations 3.0 cannot carry (titles, `$comment`, content encodings) and the
//! receiver-side `webhooks` block. Each rule is a function named `rule_*` (or described where it
//! runs) with a unit test below; the rules that can refuse a document have a `RULE_*` name.
//!
//! The module depends on `serde_json` only, so the build script, the tests and the tools share it.

use serde_json::{Map, Value, json};
use std::collections::BTreeSet;
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

    for_each_description(root, &mut |text| *text = doc_text(text));
    convert_schemas(root)?;
    convert_operations(root)?;
    open_response_objects(root);
    untype_ambiguous_unions(root);
    drop_request_defaults(root);
    hoist_inline_enums(root);
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Descriptions

/// Calls `f` on every `description` and `summary` string of the document (not on example,
/// default or enum values, nor on a property that happens to be named `description`).
fn for_each_description(root: &mut Map<String, Value>, f: &mut dyn FnMut(&mut String)) {
    fn walk(value: &mut Value, f: &mut dyn FnMut(&mut String), in_properties: bool) {
        match value {
            Value::Object(obj) => {
                for (key, sub) in obj.iter_mut() {
                    match (key.as_str(), sub) {
                        ("description" | "summary", Value::String(text)) if !in_properties => {
                            f(text)
                        }
                        ("example" | "examples" | "default" | "enum" | "const", _)
                            if !in_properties => {}
                        (key, sub) => walk(sub, f, key == "properties" && !in_properties),
                    }
                }
            }
            Value::Array(list) => list.iter_mut().for_each(|v| walk(v, f, false)),
            _ => {}
        }
    }
    for value in root.values_mut() {
        walk(value, f, false);
    }
}

/// Rule "descriptions": descriptions become Rust doc comments, which rustdoc reads as Markdown
/// and whose code blocks it compiles as tests. A fence without a language is marked `text`, and
/// blank lines outside fences are dropped: the generated code indents continuation lines, and an
/// indented line after a blank one would start a code block read as Rust.
fn doc_text(text: &str) -> String {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            if !fenced && info.trim().is_empty() {
                out.push(format!("{}```text", &line[..line.len() - trimmed.len()]));
            } else {
                out.push(line.to_string());
            }
            fenced = !fenced;
        } else if fenced || !trimmed.is_empty() {
            out.push(line.to_string());
        }
    }
    out.join("\n")
}

// ---------------------------------------------------------------------------------------------
// Schemas

/// Applies the schema rules to every schema position of the document.
fn convert_schemas(root: &mut Map<String, Value>) -> Result<()> {
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

/// Converts one schema in place, then its subschemas.
pub fn convert_schema(schema: &mut Value, ptr: &str) -> Result<()> {
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

/// Rule "titles": drop every schema `title`. typify prefers a title over the name it derives from
/// the context, so pydantic's per-property titles ("Name", "Type") merge unrelated types, and the
/// `-Input`/`-Output` component pairs share one title. Names come from component keys instead.
fn rule_titles(obj: &mut Map<String, Value>) {
    obj.remove("title");
}

/// Rule "examples": the 3.1 `examples` array becomes the 3.0 `example` (its first element).
fn rule_examples(obj: &mut Map<String, Value>) {
    if let Some(Value::Array(list)) = obj.remove("examples")
        && let Some(first) = list.into_iter().next()
    {
        obj.entry("example").or_insert(first);
    }
}

/// Rule "const": `const: v` becomes the one-value enum `enum: [v]`, typed after `v`.
fn rule_const(obj: &mut Map<String, Value>) {
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
fn json_type_of(value: &Value) -> Option<&'static str> {
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
fn rule_exclusive_bounds(obj: &mut Map<String, Value>, ptr: &str) -> Result<()> {
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
fn rule_type_array(obj: &mut Map<String, Value>, ptr: &str) -> Result<()> {
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

/// Rule "null in anyOf/oneOf/type", single form: `type: "null"` becomes `enum: [null]`, which is
/// how progenitor spells a value that is always null.
fn rule_null_type(obj: &mut Map<String, Value>) {
    if obj.get("type") == Some(&json!("null")) {
        obj.remove("type");
        obj.insert("enum".into(), json!([null]));
    }
}

/// Rule "null inside enum": `enum: [null, "a", "b"]` becomes `enum: ["a", "b"]` + `nullable`,
/// with `type` inferred from the remaining values when absent.
fn rule_enum_null(obj: &mut Map<String, Value>) {
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
fn rule_nullable_union(obj: &mut Map<String, Value>, key: &str) {
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
fn rule_unions(obj: &mut Map<String, Value>) {
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
fn rule_ref_siblings(obj: &mut Map<String, Value>) {
    if obj.len() > 1
        && let Some(reference) = obj.remove("$ref")
    {
        obj.insert("allOf".into(), json!([{ "$ref": reference }]));
    }
}

/// Rule "prefixItems": a 2020-12 tuple becomes an array of untyped items with a fixed length.
fn rule_prefix_items(obj: &mut Map<String, Value>) {
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

// ---------------------------------------------------------------------------------------------
// Operations

/// Applies the operation rules: unique operationIds, supported parameters and media types, one
/// success body, and untyped error bodies.
fn convert_operations(root: &mut Map<String, Value>) -> Result<()> {
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
fn open_response_objects(root: &mut Map<String, Value>) {
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
fn untype_ambiguous_unions(root: &mut Map<String, Value>) {
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
fn drop_request_defaults(root: &mut Map<String, Value>) {
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

// ---------------------------------------------------------------------------------------------
// Open enums

/// Rule "inline enums": every string enum defined inline (a property, an array item, a parameter)
/// moves to `components/schemas`, so that every string enum of the document is a named type the
/// build script can make open (keeping unknown values). An inline enum whose values equal those of
/// an existing component reuses that component.
fn hoist_inline_enums(root: &mut Map<String, Value>) {
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

/// `snake_case`, `kebab-case` or `dotted.name` to `PascalCase`.
pub fn pascal(s: &str) -> String {
    let mut out = String::new();
    for word in s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

/// Escapes a JSON pointer segment (RFC 6901).
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal 3.1 document with one component schema.
    fn doc_with_schema(name: &str, schema: Value) -> Value {
        json!({
            "openapi": "3.1.0",
            "info": { "title": "t", "version": "1" },
            "paths": {},
            "components": { "schemas": { name: schema } }
        })
    }

    fn converted_schema(schema: Value) -> Value {
        let out = convert(&doc_with_schema("S", schema)).expect("converts");
        out["components"]["schemas"]["S"].clone()
    }

    fn doc_with_operation(op: Value) -> Value {
        json!({
            "openapi": "3.1.0",
            "info": { "title": "t", "version": "1" },
            "paths": { "/x": { "post": op } }
        })
    }

    #[test]
    fn version_becomes_3_0_and_other_versions_are_refused() {
        let out = convert(&doc_with_schema("S", json!({"type": "string"}))).unwrap();
        assert_eq!(out["openapi"], "3.0.3");
        let err = convert(&json!({"openapi": "2.0", "info": {}, "paths": {}})).unwrap_err();
        assert_eq!((err.pointer.as_str(), err.rule), ("/openapi", RULE_VERSION));
        assert!(err.to_string().contains("/openapi (rule: openapi version)"));
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
    fn type_null_alone_becomes_null_enum() {
        let s = converted_schema(json!({"type": "null", "deprecated": true}));
        assert_eq!(s, json!({"enum": [null], "deprecated": true}));
    }

    #[test]
    fn const_becomes_single_value_enum() {
        let s = converted_schema(json!({"const": "job.new"}));
        assert_eq!(s, json!({"type": "string", "enum": ["job.new"]}));
        let s = converted_schema(json!({"const": 3}));
        assert_eq!(s, json!({"type": "integer", "enum": [3]}));
    }

    #[test]
    fn examples_array_becomes_example() {
        let s = converted_schema(json!({"type": "string", "examples": ["a", "b"]}));
        assert_eq!(s, json!({"type": "string", "example": "a"}));
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
    fn integer_is_tried_before_number_in_a_type_array() {
        let s = converted_schema(json!({"type": ["number", "integer"]}));
        assert_eq!(
            s,
            json!({"oneOf": [{"type": "integer"}, {"type": "number"}]})
        );
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

    #[test]
    fn descriptions_are_made_safe_for_rustdoc() {
        let text = "Names of industries.\n\nWARNING: deprecated.\n\nExample:\n```\nA: b\n\nC: d\n```\n```json\n{}\n```";
        assert_eq!(
            doc_text(text),
            "Names of industries.\nWARNING: deprecated.\nExample:\n```text\nA: b\n\nC: d\n```\n```json\n{}\n```"
        );
        let doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1", "description": "One.\n\nTwo."},
            "paths": {},
            "components": {"schemas": {"S": {"type": "object", "description": "a\n\nb", "properties": {
                "description": {"type": "string", "description": "x\n\ny", "example": "keep\n\nme"}
            }}}}
        });
        let out = convert(&doc).unwrap();
        assert_eq!(out["info"]["description"], "One.\nTwo.");
        assert_eq!(out["components"]["schemas"]["S"]["description"], "a\nb");
        let property = &out["components"]["schemas"]["S"]["properties"]["description"];
        assert_eq!(property["description"], "x\ny");
        assert_eq!(property["example"], "keep\n\nme");
    }

    #[test]
    fn pascal_case_and_pointer_escaping() {
        assert_eq!(pascal("job_title_or"), "JobTitleOr");
        assert_eq!(pascal("company_object.domain"), "CompanyObjectDomain");
        assert_eq!(escape("/v0/a~b"), "~1v0~1a~0b");
    }
}
