//! Structural comparison of two OpenAPI documents (3.1 as FastAPI writes it, or 3.0).
//!
//! Rule of this module: a document becomes a sorted set of facts, one per operation, parameter,
//! body, response, schema, field, array item and union branch, each with the attributes that
//! change generated code or what goes on the wire (type, format, `$ref` target, nullability,
//! required-ness, enum values, default, numeric and length bounds, pattern, ...). Prose
//! (descriptions, titles, summaries, examples, tags) is ignored. Schema `$ref`s are followed by
//! name: a referenced component is compared once, as `schema <Name>`, not once per use. The
//! nullable spellings (`anyOf` with null, type arrays with `"null"`, `nullable: true`) compare
//! equal. Depends on `serde_json` and `std` only; `tests/fidelity.rs` and
//! `examples/openapi_diff.rs` share it.

#![allow(dead_code)]

use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// The HTTP methods of an OpenAPI path item, in the order the specification lists them.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Schema keywords that carry prose or tooling hints only.
const IGNORED_KEYWORDS: [&str; 9] = [
    "description",
    "title",
    "examples",
    "example",
    "$comment",
    "externalDocs",
    "xml",
    "$schema",
    "$id",
];

/// Schema keywords recorded verbatim as attributes (compact JSON).
const PLAIN_KEYWORDS: [&str; 19] = [
    "format",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "deprecated",
    "readOnly",
    "writeOnly",
    "discriminator",
];

/// Who a fact belongs to: an operation, a webhook delivery, or a component schema.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Owner {
    /// `paths` entry: path template and upper-case method.
    Operation { path: String, method: String },
    /// `webhooks` entry (requests the API sends): name and upper-case method.
    Webhook { name: String, method: String },
    /// `components/schemas` entry.
    Schema(String),
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Owner::Operation { path, method } => write!(f, "{method} {path}"),
            Owner::Webhook { name, method } => write!(f, "webhook {name} {method}"),
            Owner::Schema(name) => write!(f, "schema {name}"),
        }
    }
}

/// Where a fact sits: its owner and a path inside it (`""` is the owner itself).
///
/// Paths: `param <in> <name>`, `request`, `request <media>`, `response <code>`,
/// `response <code> <media>`, `response <code> header <name>`; below a schema, `.field`,
/// `[]` (array items), `[i]` (tuple position), `{}` (map values), `|anyOf[i]`, `|oneOf[i]`,
/// `&allOf[i]` and `!not`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub owner: Owner,
    pub path: String,
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.owner)
        } else {
            write!(f, "{} {}", self.owner, self.path)
        }
    }
}

/// What a fact describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Operation,
    Parameter,
    Body,
    Response,
    Schema,
    Field,
    Item,
    Branch,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Operation => "operation",
            Kind::Parameter => "parameter",
            Kind::Body => "body",
            Kind::Response => "response",
            Kind::Schema => "schema",
            Kind::Field => "field",
            Kind::Item => "item",
            Kind::Branch => "union branch",
        }
    }
}

/// One fact: its kind, its attributes and, for enums, its values (compact JSON, in order).
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub kind: Kind,
    pub attrs: BTreeMap<String, String>,
    pub enum_values: Option<Vec<String>>,
}

impl Entry {
    fn new(kind: Kind) -> Self {
        Entry {
            kind,
            attrs: BTreeMap::new(),
            enum_values: None,
        }
    }

    /// `kind (attr=value, ...; enum [..])`, for reports.
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = self.attrs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        if let Some(values) = &self.enum_values {
            parts.push(format!("enum [{}]", values.join(", ")));
        }
        if parts.is_empty() {
            self.kind.name().to_string()
        } else {
            format!("{} ({})", self.kind.name(), parts.join(", "))
        }
    }
}

/// Every fact of one document.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub entries: BTreeMap<Key, Entry>,
}

/// Reads the facts of an OpenAPI document. Fails when it is not an object with a `paths` object.
pub fn facts(doc: &Value) -> Result<Facts, String> {
    let root = doc.as_object().ok_or("the document is not a JSON object")?;
    let paths = match root.get("paths") {
        Some(Value::Object(paths)) => paths,
        Some(_) => return Err("`paths` is not an object".into()),
        None => return Err("no `paths` object: not an OpenAPI document".into()),
    };
    let mut reader = Reader {
        doc,
        out: Facts::default(),
    };
    for (path, item) in paths {
        let item = reader.resolve(item);
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let owner = Owner::Operation {
                    path: path.clone(),
                    method: method.to_ascii_uppercase(),
                };
                reader.operation(owner, item, op);
            }
        }
    }
    if let Some(Value::Object(hooks)) = root.get("webhooks") {
        for (name, item) in hooks {
            let item = reader.resolve(item);
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    let owner = Owner::Webhook {
                        name: name.clone(),
                        method: method.to_ascii_uppercase(),
                    };
                    reader.operation(owner, item, op);
                }
            }
        }
    }
    if let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") {
        for (name, schema) in schemas {
            let owner = Owner::Schema(name.clone());
            reader.schema(&owner, "", Kind::Schema, schema, false);
        }
    }
    Ok(reader.out)
}

struct Reader<'a> {
    doc: &'a Value,
    out: Facts,
}

impl<'a> Reader<'a> {
    /// Follows a non-schema `$ref` (parameters, bodies, responses, path items) inside the document.
    fn resolve(&self, value: &'a Value) -> &'a Value {
        let mut value = value;
        for _ in 0..16 {
            match value
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
            {
                Some(pointer) => match self.doc.pointer(pointer) {
                    Some(target) => value = target,
                    None => return value,
                },
                None => return value,
            }
        }
        value
    }

    fn insert(&mut self, owner: &Owner, path: &str, entry: Entry) {
        let key = Key {
            owner: owner.clone(),
            path: path.to_string(),
        };
        self.out.entries.insert(key, entry);
    }

    fn operation(&mut self, owner: Owner, item: &'a Value, op: &'a Value) {
        let mut entry = Entry::new(Kind::Operation);
        for key in ["operationId", "deprecated", "security"] {
            if let Some(v) = op.get(key) {
                entry.attrs.insert(key.into(), compact(v));
            }
        }
        self.insert(&owner, "", entry);

        // Path-level parameters apply unless the operation redefines the same (in, name).
        let mut params: BTreeMap<(String, String), &Value> = BTreeMap::new();
        for list in [item.get("parameters"), op.get("parameters")]
            .into_iter()
            .flatten()
        {
            for param in list.as_array().into_iter().flatten() {
                let param = self.resolve(param);
                let name = param
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_string();
                let place = param
                    .get("in")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_string();
                params.insert((place, name), param);
            }
        }
        for ((place, name), param) in params {
            let path = format!("param {place} {name}");
            let mut extra = BTreeMap::new();
            for key in [
                "required",
                "deprecated",
                "style",
                "explode",
                "allowEmptyValue",
                "allowReserved",
            ] {
                if let Some(v) = param.get(key)
                    && !(key == "required" && v == &Value::Bool(false))
                {
                    extra.insert(key.to_string(), compact(v));
                }
            }
            match param.get("schema") {
                Some(schema) => self.schema_with(&owner, &path, Kind::Parameter, schema, extra),
                None => {
                    let mut entry = Entry::new(Kind::Parameter);
                    entry.attrs = extra;
                    self.insert(&owner, &path, entry);
                }
            }
        }

        if let Some(body) = op.get("requestBody") {
            let body = self.resolve(body);
            let mut entry = Entry::new(Kind::Body);
            if body.get("required") == Some(&Value::Bool(true)) {
                entry.attrs.insert("required".into(), "true".into());
            }
            self.insert(&owner, "request", entry);
            self.content(&owner, "request", body);
        }
        if let Some(Value::Object(responses)) = op.get("responses") {
            for (code, response) in responses {
                let response = self.resolve(response);
                let path = format!("response {code}");
                self.insert(&owner, &path, Entry::new(Kind::Response));
                self.content(&owner, &path, response);
                if let Some(Value::Object(headers)) = response.get("headers") {
                    for (name, header) in headers {
                        let header = self.resolve(header);
                        let hpath = format!("{path} header {}", name.to_ascii_lowercase());
                        let mut extra = BTreeMap::new();
                        if header.get("required") == Some(&Value::Bool(true)) {
                            extra.insert("required".to_string(), "true".to_string());
                        }
                        let schema = header.get("schema").unwrap_or(&Value::Null);
                        self.schema_with(&owner, &hpath, Kind::Parameter, schema, extra);
                    }
                }
            }
        }
    }

    fn content(&mut self, owner: &Owner, path: &str, holder: &'a Value) {
        if let Some(Value::Object(content)) = holder.get("content") {
            for (media, entry) in content {
                let schema = entry.get("schema").unwrap_or(&Value::Null);
                self.schema(owner, &format!("{path} {media}"), Kind::Body, schema, false);
            }
        }
    }

    fn schema(&mut self, owner: &Owner, path: &str, kind: Kind, schema: &Value, required: bool) {
        let mut extra = BTreeMap::new();
        if required {
            extra.insert("required".to_string(), "true".to_string());
        }
        self.schema_with(owner, path, kind, schema, extra);
    }

    /// Records one schema position and walks its subschemas.
    fn schema_with(
        &mut self,
        owner: &Owner,
        path: &str,
        kind: Kind,
        schema: &Value,
        extra: BTreeMap<String, String>,
    ) {
        let (obj, nullable) = normalize(schema);
        let mut entry = Entry::new(kind);
        entry.attrs = extra;
        if nullable {
            entry.attrs.insert("nullable".into(), "true".into());
        }
        if matches!(schema, Value::Bool(false)) {
            entry.attrs.insert("false".into(), "true".into());
        }
        let mut children: Vec<(String, Kind, &Value, bool)> = Vec::new();
        let required: BTreeSet<&str> = obj
            .get("required")
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (key, value) in &obj {
            match key.as_str() {
                "type" => {
                    let text = match value {
                        Value::Array(types) => {
                            types.iter().map(plain).collect::<Vec<_>>().join("|")
                        }
                        other => plain(other),
                    };
                    entry.attrs.insert("type".into(), text);
                }
                "$ref" => {
                    let target = value.as_str().unwrap_or_default();
                    let name = target
                        .strip_prefix("#/components/schemas/")
                        .map(|n| n.replace("~1", "/").replace("~0", "~"))
                        .unwrap_or_else(|| target.to_string());
                    entry.attrs.insert("ref".into(), name);
                }
                "enum" => {
                    let values = value
                        .as_array()
                        .map(|l| l.iter().map(compact).collect())
                        .unwrap_or_default();
                    entry.enum_values = Some(values);
                }
                "properties" => {
                    for (name, sub) in value.as_object().into_iter().flatten() {
                        let child = if path.is_empty() {
                            format!(".{name}")
                        } else {
                            format!("{path}.{name}")
                        };
                        children.push((child, Kind::Field, sub, required.contains(name.as_str())));
                    }
                }
                "required" => {
                    let declared = obj.get("properties").and_then(Value::as_object);
                    for name in &required {
                        if !declared.is_some_and(|d| d.contains_key(*name)) {
                            entry
                                .attrs
                                .insert(format!("required-undeclared {name}"), "true".into());
                        }
                    }
                }
                "items" if value.is_object() || value.is_boolean() => {
                    children.push((format!("{path}[]"), Kind::Item, value, false));
                }
                "prefixItems" => {
                    for (i, sub) in value.as_array().into_iter().flatten().enumerate() {
                        children.push((format!("{path}[{i}]"), Kind::Item, sub, false));
                    }
                }
                "additionalProperties" if value.is_object() => {
                    entry
                        .attrs
                        .insert("additionalProperties".into(), "schema".into());
                    children.push((format!("{path}{{}}"), Kind::Item, value, false));
                }
                "anyOf" | "oneOf" | "allOf" => {
                    let list = value.as_array().map(Vec::as_slice).unwrap_or_default();
                    entry
                        .attrs
                        .insert("union".into(), format!("{key}({})", list.len()));
                    let sep = if key == "allOf" { '&' } else { '|' };
                    for (i, sub) in list.iter().enumerate() {
                        children.push((format!("{path}{sep}{key}[{i}]"), Kind::Branch, sub, false));
                    }
                }
                "not" => children.push((format!("{path}!not"), Kind::Branch, value, false)),
                k if PLAIN_KEYWORDS.contains(&k) => {
                    entry.attrs.insert(k.into(), compact(value));
                }
                k if IGNORED_KEYWORDS.contains(&k) || k.starts_with("x-") => {}
                // Anything else still changes what the schema accepts: keep it, verbatim.
                k => {
                    entry.attrs.insert(k.into(), compact(value));
                }
            }
        }
        self.insert(owner, path, entry);
        for (child, kind, sub, req) in children {
            self.schema(owner, &child, kind, sub, req);
        }
    }
}

/// A schema in one canonical spelling, plus whether it admits `null`.
///
/// `anyOf`/`oneOf` null branches, `"null"` in a type array, `null` in an enum and 3.0's
/// `nullable: true` all become the returned flag; one remaining branch is merged into the parent;
/// `const` becomes a one-value enum; `allOf` of one bare `$ref` becomes that `$ref`; 3.0's boolean
/// exclusive bounds become 3.1 numbers.
fn normalize(schema: &Value) -> (Map<String, Value>, bool) {
    let mut obj = match schema {
        Value::Object(map) => map.clone(),
        _ => Map::new(),
    };
    let mut nullable = false;
    if obj.remove("nullable") == Some(Value::Bool(true)) {
        nullable = true;
    }
    if let Some(value) = obj.remove("const") {
        obj.insert("enum".into(), Value::Array(vec![value]));
    }
    if let Some(Value::Array(types)) = obj.get("type").cloned() {
        let rest: Vec<Value> = types
            .iter()
            .filter(|t| t.as_str() != Some("null"))
            .cloned()
            .collect();
        if rest.len() != types.len() {
            nullable = true;
        }
        match rest.len() {
            0 => {
                obj.remove("type");
                obj.insert("enum".into(), Value::Array(vec![Value::Null]));
            }
            1 => {
                obj.insert("type".into(), rest[0].clone());
            }
            _ => {
                obj.insert("type".into(), Value::Array(rest));
            }
        }
    }
    if obj.get("type").and_then(Value::as_str) == Some("null") {
        obj.remove("type");
        obj.insert("enum".into(), Value::Array(vec![Value::Null]));
    }
    if let Some(Value::Array(values)) = obj.get("enum")
        && values.len() > 1
        && values.iter().any(Value::is_null)
    {
        let rest: Vec<Value> = values.iter().filter(|v| !v.is_null()).cloned().collect();
        obj.insert("enum".into(), Value::Array(rest));
        nullable = true;
    }
    for (exclusive, inclusive) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        match obj.get(exclusive) {
            Some(Value::Bool(true)) => {
                if let Some(bound) = obj.remove(inclusive) {
                    obj.insert(exclusive.into(), bound);
                }
            }
            Some(Value::Bool(false)) => {
                obj.remove(exclusive);
            }
            _ => {}
        }
    }
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = obj.get(key).cloned() else {
            continue;
        };
        let rest: Vec<Value> = branches
            .iter()
            .filter(|b| !is_null_schema(b))
            .cloned()
            .collect();
        if rest.len() == branches.len() {
            continue;
        }
        nullable = true;
        obj.remove(key);
        match rest.len() {
            0 => {
                obj.insert("enum".into(), Value::Array(vec![Value::Null]));
            }
            1 => {
                let (inner, inner_nullable) = normalize(&rest[0]);
                nullable |= inner_nullable;
                for (k, v) in inner {
                    obj.entry(k).or_insert(v);
                }
            }
            _ => {
                obj.insert(key.into(), Value::Array(rest));
            }
        }
    }
    if let Some(Value::Array(list)) = obj.get("allOf")
        && let [Value::Object(only)] = list.as_slice()
        && only.len() == 1
        && only.contains_key("$ref")
        && !obj.contains_key("$ref")
    {
        let reference = only["$ref"].clone();
        obj.remove("allOf");
        obj.insert("$ref".into(), reference);
    }
    (obj, nullable)
}

/// True for a schema that admits only `null`.
fn is_null_schema(value: &Value) -> bool {
    let Some(obj) = value.as_object() else {
        return false;
    };
    let only_null_type = match obj.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(types)) => types.iter().all(|t| t.as_str() == Some("null")),
        _ => false,
    };
    only_null_type
        || obj.get("enum").is_some_and(|e| {
            e.as_array()
                .is_some_and(|l| !l.is_empty() && l.iter().all(Value::is_null))
        })
        || obj.get("const").is_some_and(Value::is_null)
}

fn compact(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// A string without quotes, anything else as compact JSON.
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => compact(other),
    }
}

// ---------------------------------------------------------------------------------------------
// Differences

/// One structural difference from `old` to `new`.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// A fact only `new` has.
    Added { key: Key, entry: Entry },
    /// A fact only `old` has.
    Removed { key: Key, entry: Entry },
    /// An attribute that differs (`None`: absent on that side).
    Attr {
        key: Key,
        attr: String,
        old: Option<String>,
        new: Option<String>,
    },
    /// An enum value only one side has (`added`: only `new` has it).
    EnumValue {
        key: Key,
        value: String,
        added: bool,
    },
}

impl Change {
    pub fn key(&self) -> &Key {
        match self {
            Change::Added { key, .. } | Change::Removed { key, .. } => key,
            Change::Attr { key, .. } | Change::EnumValue { key, .. } => key,
        }
    }

    /// `added`, `removed`, `changed <attr>`, or `enum value added <value>` / `enum value
    /// removed <value>` with the value as JSON.
    pub fn label(&self) -> String {
        match self {
            Change::Added { .. } => "added".into(),
            Change::Removed { .. } => "removed".into(),
            Change::Attr { attr, .. } => format!("changed {attr}"),
            Change::EnumValue {
                value, added: true, ..
            } => format!("enum value added {value}"),
            Change::EnumValue {
                value,
                added: false,
                ..
            } => format!("enum value removed {value}"),
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Added { key, entry } => write!(f, "+ {key}: {}", entry.summary()),
            Change::Removed { key, entry } => write!(f, "- {key}: {}", entry.summary()),
            Change::Attr {
                key,
                attr,
                old,
                new,
            } => {
                let side = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
                write!(f, "~ {key}: {attr} {} -> {}", side(old), side(new))
            }
            Change::EnumValue { key, value, added } => {
                let sign = if *added { '+' } else { '-' };
                write!(f, "{sign} {key}: enum value {value}")
            }
        }
    }
}

/// Every difference from `old` to `new`, in key order. A fact added or removed together with
/// its parent (say every field of a new schema) is reported once, through the parent.
pub fn diff(old: &Facts, new: &Facts) -> Vec<Change> {
    let mut changes = Vec::new();
    let keys: BTreeSet<&Key> = old.entries.keys().chain(new.entries.keys()).collect();
    for key in keys {
        match (old.entries.get(key), new.entries.get(key)) {
            (None, Some(entry)) => {
                if !has_parent_in(key, &new.entries, &old.entries) {
                    changes.push(Change::Added {
                        key: key.clone(),
                        entry: entry.clone(),
                    });
                }
            }
            (Some(entry), None) => {
                if !has_parent_in(key, &old.entries, &new.entries) {
                    changes.push(Change::Removed {
                        key: key.clone(),
                        entry: entry.clone(),
                    });
                }
            }
            (Some(a), Some(b)) => {
                let attrs: BTreeSet<&String> = a.attrs.keys().chain(b.attrs.keys()).collect();
                for attr in attrs {
                    let (x, y) = (a.attrs.get(attr), b.attrs.get(attr));
                    if x != y {
                        changes.push(Change::Attr {
                            key: key.clone(),
                            attr: attr.clone(),
                            old: x.cloned(),
                            new: y.cloned(),
                        });
                    }
                }
                match (&a.enum_values, &b.enum_values) {
                    (Some(x), Some(y)) => {
                        for value in x.iter().filter(|v| !y.contains(v)) {
                            changes.push(Change::EnumValue {
                                key: key.clone(),
                                value: value.clone(),
                                added: false,
                            });
                        }
                        for value in y.iter().filter(|v| !x.contains(v)) {
                            changes.push(Change::EnumValue {
                                key: key.clone(),
                                value: value.clone(),
                                added: true,
                            });
                        }
                    }
                    (x, y) if x != y => changes.push(Change::Attr {
                        key: key.clone(),
                        attr: "enum".into(),
                        old: x.as_ref().map(|v| format!("[{}]", v.join(", "))),
                        new: y.as_ref().map(|v| format!("[{}]", v.join(", "))),
                    }),
                    _ => {}
                }
                if a.kind != b.kind {
                    changes.push(Change::Attr {
                        key: key.clone(),
                        attr: "kind".into(),
                        old: Some(a.kind.name().into()),
                        new: Some(b.kind.name().into()),
                    });
                }
            }
            (None, None) => {}
        }
    }
    changes
}

/// True when an ancestor of `key` (same owner, shorter path) is in `side` but not in `other`.
fn has_parent_in(key: &Key, side: &BTreeMap<Key, Entry>, other: &BTreeMap<Key, Entry>) -> bool {
    ancestors(&key.path).into_iter().any(|path| {
        let parent = Key {
            owner: key.owner.clone(),
            path,
        };
        side.contains_key(&parent) && !other.contains_key(&parent)
    })
}

/// The proper ancestors of a fact path: every prefix that ends before a separator, and `""`.
fn ancestors(path: &str) -> Vec<String> {
    if path.is_empty() {
        return Vec::new();
    }
    let mut out = vec![String::new()];
    for (i, c) in path.char_indices().skip(1) {
        if matches!(c, '.' | '[' | '{' | '|' | '&' | '!' | ' ') {
            out.push(path[..i].to_string());
        }
    }
    out
}

/// Names of the component schemas reachable through `$ref`s from the facts whose owner passes
/// `root`.
pub fn reachable_schemas(facts: &Facts, root: impl Fn(&Owner) -> bool) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = facts
        .entries
        .iter()
        .filter(|(k, _)| root(&k.owner))
        .filter_map(|(_, e)| e.attrs.get("ref").cloned())
        .collect();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let owner = Owner::Schema(name);
        todo.extend(
            facts
                .entries
                .iter()
                .filter(|(k, _)| k.owner == owner)
                .filter_map(|(_, e)| e.attrs.get("ref").cloned()),
        );
    }
    seen
}

/// How much of a reference document another one matches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Operations (`paths` entries) present in both / in the reference.
    pub operations: (usize, usize),
    /// Webhook deliveries present in both / in the reference.
    pub webhooks: (usize, usize),
    /// Fields and parameters with identical facts / in the reference.
    pub fields: (usize, usize),
    /// Enum values present at the same place / in the reference.
    pub enum_values: (usize, usize),
}

impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "operations {}/{}, webhooks {}/{}, fields {}/{}, enum values {}/{} matched",
            self.operations.0,
            self.operations.1,
            self.webhooks.0,
            self.webhooks.1,
            self.fields.0,
            self.fields.1,
            self.enum_values.0,
            self.enum_values.1
        )
    }
}

/// Counts what of `reference` the `other` document has, over the facts `in_scope` accepts.
pub fn coverage(reference: &Facts, other: &Facts, in_scope: impl Fn(&Key) -> bool) -> Coverage {
    let mut c = Coverage::default();
    for (key, entry) in reference.entries.iter().filter(|(k, _)| in_scope(k)) {
        let theirs = other.entries.get(key);
        match entry.kind {
            Kind::Operation => {
                let slot = match key.owner {
                    Owner::Webhook { .. } => &mut c.webhooks,
                    _ => &mut c.operations,
                };
                slot.1 += 1;
                slot.0 += usize::from(theirs.is_some());
            }
            Kind::Field | Kind::Parameter => {
                c.fields.1 += 1;
                c.fields.0 +=
                    usize::from(theirs.is_some_and(|t| {
                        t.attrs == entry.attrs && t.enum_values == entry.enum_values
                    }));
            }
            _ => {}
        }
        if let Some(values) = &entry.enum_values {
            c.enum_values.1 += values.len();
            let mine = theirs.and_then(|t| t.enum_values.as_ref());
            c.enum_values.0 += values
                .iter()
                .filter(|v| mine.is_some_and(|m| m.contains(v)))
                .count();
        }
    }
    c
}

/// The operation (or webhook) owners of a document, from its facts.
pub fn operations(facts: &Facts) -> BTreeSet<Owner> {
    facts
        .entries
        .iter()
        .filter(|(_, e)| e.kind == Kind::Operation)
        .map(|(k, _)| k.owner.clone())
        .collect()
}

/// A report of changes grouped by owner, one change per line.
pub fn render(changes: &[Change]) -> String {
    let mut out = String::new();
    let mut current: Option<&Owner> = None;
    for change in changes {
        let owner = &change.key().owner;
        if current != Some(owner) {
            out.push_str(&format!("{owner}\n"));
            current = Some(owner);
        }
        let key = change.key();
        let place = if key.path.is_empty() {
            "(itself)".to_string()
        } else {
            key.path.clone()
        };
        let line = match change {
            Change::Added { entry, .. } => format!("  + {place}: {}", entry.summary()),
            Change::Removed { entry, .. } => format!("  - {place}: {}", entry.summary()),
            Change::Attr { attr, old, new, .. } => {
                let side = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
                format!("  ~ {place}: {attr} {} -> {}", side(old), side(new))
            }
            Change::EnumValue { value, added, .. } => {
                let sign = if *added { '+' } else { '-' };
                format!("  {sign} {place}: enum value {value}")
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Breaking changes: operations that vanish

/// An operation of the old document that the new one no longer has under the same name and
/// place. Each is a breaking change: the generated method, and every hand-written wrapper gated
/// on `op:<operationId>`, change or disappear.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Breaking {
    /// No operation of the new document has this operationId, and its method and path are gone.
    Removed { owner: Owner, id: String },
    /// Same method and path, another operationId: the generated method is renamed.
    RenamedId {
        owner: Owner,
        old_id: String,
        new_id: String,
    },
    /// Same operationId at another method or path.
    Moved { id: String, from: Owner, to: Owner },
}

impl Breaking {
    /// The operationId whose `op:` capability the new document no longer has, if any: wrappers
    /// gated on it stop compiling.
    pub fn vanished_id<'a>(&'a self, new: &Facts) -> Option<&'a str> {
        let id = match self {
            Breaking::Removed { id, .. } => id,
            Breaking::RenamedId { old_id, .. } => old_id,
            Breaking::Moved { .. } => return None,
        };
        (!operation_ids(new).values().any(|v| v == id)).then_some(id.as_str())
    }
}

impl fmt::Display for Breaking {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Breaking::Removed { owner, id } => write!(f, "removed operation {owner} ({id})"),
            Breaking::RenamedId {
                owner,
                old_id,
                new_id,
            } => write!(
                f,
                "renamed operation {owner}: operationId {old_id} -> {new_id}"
            ),
            Breaking::Moved { id, from, to } => {
                write!(f, "moved operation {id}: {from} -> {to}")
            }
        }
    }
}

/// The operationId of every operation (not webhook deliveries) of a document.
pub fn operation_ids(facts: &Facts) -> BTreeMap<Owner, String> {
    facts
        .entries
        .iter()
        .filter(|(k, e)| e.kind == Kind::Operation && matches!(k.owner, Owner::Operation { .. }))
        .filter_map(|(k, e)| {
            let id = e.attrs.get("operationId")?;
            let id = serde_json::from_str::<String>(id).unwrap_or_else(|_| id.clone());
            Some((k.owner.clone(), id))
        })
        .collect()
}

/// The operations of `old` that `new` removed or renamed, in order.
pub fn breaking(old: &Facts, new: &Facts) -> Vec<Breaking> {
    let (old_ids, new_ids) = (operation_ids(old), operation_ids(new));
    let mut out = Vec::new();
    for (owner, id) in &old_ids {
        match new_ids.get(owner) {
            Some(same) if same == id => {}
            Some(other) => out.push(Breaking::RenamedId {
                owner: owner.clone(),
                old_id: id.clone(),
                new_id: other.clone(),
            }),
            None => match new_ids.iter().find(|(_, v)| *v == id) {
                Some((to, _)) => out.push(Breaking::Moved {
                    id: id.clone(),
                    from: owner.clone(),
                    to: to.clone(),
                }),
                None => out.push(Breaking::Removed {
                    owner: owner.clone(),
                    id: id.clone(),
                }),
            },
        }
    }
    out.sort();
    out
}

/// One place in Rust source gated on an operation: `#[cfg(theirstack_has = "op:<id>")]` (or the
/// same inside `any`/`all`/`not`), or a macro invocation that takes `"op:<id>"` and gates what it
/// defines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gate {
    /// 1-based line of the `op:` string.
    pub line: usize,
    /// The item the gate applies to: the line that follows the attribute (`pub struct X {`,
    /// `impl Client {`, `async fn x()`), or `name! X` for a macro invocation.
    pub item: String,
    /// The names the item defines, which other code may use: a struct's, enum's or function's
    /// name, the functions of an `impl` block, or for a macro invocation the type it names and
    /// that name in snake case (the workspace's paginator macros name their entry point so).
    pub names: Vec<String>,
    /// 1-based first and last lines of the gated item, attribute included.
    pub span: (usize, usize),
}

/// Every place in `source` gated on the operation `id`.
pub fn gates(source: &str, id: &str) -> Vec<Gate> {
    let needle = format!("\"op:{id}\"");
    let lines: Vec<&str> = source.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(at) = line.find(&needle) else {
            continue;
        };
        let before = line[..at].trim_end();
        let is_attribute = before.ends_with('=')
            && before[..before.len() - 1]
                .trim_end()
                .ends_with("theirstack_has");
        let gate = if is_attribute {
            let start = (0..=i)
                .rev()
                .find(|&j| lines[j].contains("#["))
                .unwrap_or(i);
            match item_after(&lines, start) {
                Some(at_item) => {
                    let end = block_end(&lines, at_item, ('{', '}'));
                    let item = shorten(lines[at_item].trim().trim_end_matches('{').trim_end());
                    let names = defined_names(&lines, at_item, end);
                    Gate {
                        line: i + 1,
                        item,
                        names,
                        span: (start + 1, end + 1),
                    }
                }
                None => Gate {
                    line: i + 1,
                    item: "(end of file)".into(),
                    names: Vec::new(),
                    span: (start + 1, lines.len()),
                },
            }
        } else {
            let (item, start, ident) = macro_item(&lines, i, at);
            let end = block_end(&lines, start, ('(', ')'));
            let names = ident
                .map(|name| {
                    let snake = snake_case(&name);
                    if snake == name {
                        vec![name]
                    } else {
                        vec![name, snake]
                    }
                })
                .unwrap_or_default();
            Gate {
                line: i + 1,
                item,
                names,
                span: (start + 1, end + 1),
            }
        };
        out.push(gate);
    }
    out
}

/// The index of the item an attribute opening at `lines[start]` gates: the first line after the
/// attribute that is not blank, a comment or another attribute.
fn item_after(lines: &[&str], start: usize) -> Option<usize> {
    let mut i = past_attribute(lines, start);
    while i < lines.len() {
        let text = lines[i].trim();
        if text.is_empty() || text.starts_with("//") {
            i += 1;
        } else if text.starts_with("#[") || text.starts_with("#![") {
            i = past_attribute(lines, i);
        } else {
            return Some(i);
        }
    }
    None
}

/// The index of the line after the attribute that opens on `lines[start]` (at its `#[`).
fn past_attribute(lines: &[&str], start: usize) -> usize {
    let mut depth = 0i32;
    let mut skip = lines[start].find("#[").unwrap_or(0);
    for (i, line) in lines.iter().enumerate().skip(start) {
        for c in code_chars(&line[skip..]) {
            match c {
                '[' => depth += 1,
                ']' => {
                    depth -= 1;
                    if depth <= 0 {
                        return i + 1;
                    }
                }
                _ => {}
            }
        }
        skip = 0;
    }
    lines.len()
}

/// The index of the last line of the item starting at `lines[start]`: where its first `open`
/// bracket closes, or the line ending in `;` when no bracket opens before it.
fn block_end(lines: &[&str], start: usize, (open, close): (char, char)) -> usize {
    let mut depth = 0i32;
    let mut opened = false;
    for (i, line) in lines.iter().enumerate().skip(start) {
        for c in code_chars(line) {
            if c == open {
                depth += 1;
                opened = true;
            } else if c == close {
                depth -= 1;
                if opened && depth <= 0 {
                    return i;
                }
            } else if c == ';' && !opened {
                return i;
            }
        }
    }
    lines.len().saturating_sub(1)
}

/// The characters of a line of code outside string literals and `//` comments (the quotes
/// stay, so that what was on either side of a string does not join up).
fn code_chars(line: &str) -> Vec<char> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        match (in_string, c) {
            (true, '\\') => {
                chars.next();
            }
            (true, '"') => {
                in_string = false;
                out.push('"');
            }
            (true, _) => {}
            (false, '"') => {
                in_string = true;
                out.push('"');
            }
            (false, '/') if chars.peek() == Some(&'/') => break,
            (false, c) => out.push(c),
        }
    }
    out
}

/// What the item at `lines[start..=end]` defines: its own name, or for an `impl` block the
/// functions in it.
fn defined_names(lines: &[&str], start: usize, end: usize) -> Vec<String> {
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect()
    };
    let head = words(lines[start]);
    let skip = [
        "pub", "crate", "super", "self", "in", "async", "unsafe", "extern",
    ];
    let mut rest = head.iter().skip_while(|w| skip.contains(&w.as_str()));
    match rest.next().map(String::as_str) {
        Some("impl") => lines[start..=end]
            .iter()
            .flat_map(|line| {
                let w = words(line);
                w.windows(2)
                    .filter(|pair| pair[0] == "fn")
                    .map(|pair| pair[1].clone())
                    .collect::<Vec<_>>()
            })
            .collect(),
        Some(
            "struct" | "enum" | "fn" | "trait" | "type" | "mod" | "const" | "static" | "union",
        ) => rest.next().cloned().into_iter().collect(),
        _ => Vec::new(),
    }
}

/// `ThingPages` → `thing_pages`.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `name! Item` for a macro invocation whose arguments hold the gate string at `lines[at_line]`
/// (column `col`), the index of the invocation's first line, and `Item`: the macro is the
/// nearest `name!(` / `name! {` above, the item the last identifier before the string that is
/// not in a comment or an attribute.
fn macro_item(lines: &[&str], at_line: usize, col: usize) -> (String, usize, Option<String>) {
    let mut macro_name = None;
    let mut start = at_line;
    let mut text_before: Vec<String> = vec![lines[at_line][..col].to_string()];
    for i in (0..=at_line).rev() {
        let text = if i == at_line {
            &lines[i][..col]
        } else {
            lines[i]
        };
        let trimmed = text.trim();
        let found = ["!(", "! (", "! {", "!{"]
            .iter()
            .filter_map(|m| trimmed.find(m).map(|p| (p, m.len())))
            .min();
        if let Some((pos, len)) = found {
            let name: String = trimmed[..pos]
                .chars()
                .rev()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if !name.is_empty() && !trimmed.starts_with("//") {
                macro_name = Some(name);
                start = i;
                if i != at_line {
                    text_before.push(trimmed[pos + len..].to_string());
                } else {
                    text_before[0] = trimmed[pos + len..].to_string();
                }
                break;
            }
        }
        if i != at_line {
            text_before.push(lines[i].to_string());
        }
    }
    let mut ident = None;
    for chunk in &text_before {
        let code = chunk.trim();
        if code.starts_with("//") || code.starts_with("#[") || code.starts_with("#![") {
            continue;
        }
        let last = code
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .rfind(|w| !w.is_empty() && !w.chars().next().is_some_and(|c| c.is_ascii_digit()));
        if let Some(word) = last {
            ident = Some(word.to_string());
            break;
        }
    }
    let item = match (&macro_name, &ident) {
        (Some(m), Some(i)) => format!("{m}! {i}"),
        (Some(m), None) => format!("{m}!"),
        (None, Some(i)) => format!("\"op:…\" next to {i}"),
        (None, None) => shorten(lines[at_line].trim()),
    };
    (item, start, ident)
}

/// A line of code outside every gate that names something a gate defines, or calls the
/// generated method of the operation: it stops compiling (or, in a doc comment, links nowhere)
/// when the operation goes, unless it is gated in a way the scan does not see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Use {
    pub file: String,
    /// 1-based.
    pub line: usize,
    pub text: String,
}

/// The uses, in `sources` (path, text), of what `gated` (path, gate) defines, and the calls of
/// the generated method `id` (`.id(`), outside the gated items themselves. String literals and
/// plain `//` comments are not uses; doc comments are (their links break).
pub fn uses(sources: &[(String, String)], id: &str, gated: &[(String, Gate)]) -> Vec<Use> {
    let mut names: Vec<&str> = gated
        .iter()
        .flat_map(|(_, g)| g.names.iter().map(String::as_str))
        .collect();
    names.sort();
    names.dedup();
    let call = format!(".{id}(");
    let mut out = Vec::new();
    for (file, text) in sources {
        let spans: Vec<(usize, usize)> = gated
            .iter()
            .filter(|(f, _)| f == file)
            .map(|(_, g)| g.span)
            .collect();
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            if spans.iter().any(|(a, b)| (*a..=*b).contains(&n)) {
                continue;
            }
            let trimmed = line.trim_start();
            let doc = trimmed.starts_with("///") || trimmed.starts_with("//!");
            // Code without its string literals and comments; doc comments as they are.
            let code: String = if doc {
                line.to_string()
            } else {
                code_chars(line).into_iter().collect()
            };
            let named = names.iter().any(|name| names_word(&code, name));
            if named || code.contains(&call) {
                out.push(Use {
                    file: file.clone(),
                    line: n,
                    text: shorten(line.trim()),
                });
            }
        }
    }
    out
}

/// Whether `line` has `word` as a whole identifier.
fn names_word(line: &str, word: &str) -> bool {
    let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    line.match_indices(word).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + word.len()..].chars().next();
        !ident(before) && !ident(after)
    })
}

fn shorten(text: &str) -> String {
    const MAX: usize = 100;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX - 1).collect();
        format!("{cut}…")
    }
}

/// Every `.rs` file of the workspace (the root package and every member of `[workspace]
/// members`), as (path relative to the root, text), in path order. Build output (`target`) and
/// hidden directories are skipped.
pub fn workspace_sources(root: &Path) -> Vec<(String, String)> {
    let mut dirs = vec![root.to_path_buf()];
    if let Ok(manifest) = std::fs::read_to_string(root.join("Cargo.toml")) {
        dirs.extend(
            workspace_members(&manifest)
                .into_iter()
                .map(|m| root.join(m)),
        );
    }
    let mut files = Vec::new();
    for dir in dirs {
        collect_rs(&dir, &mut files);
    }
    files.sort();
    files.dedup();
    files
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let shown = path
                .strip_prefix(root)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| path.display().to_string());
            Some((shown, text))
        })
        .collect()
}

/// The quoted entries of the `members = [...]` list of a workspace manifest.
pub fn workspace_members(manifest: &str) -> Vec<String> {
    let Some(start) = manifest.find("members") else {
        return Vec::new();
    };
    let rest = &manifest[start..];
    let (Some(open), Some(close)) = (rest.find('['), rest.find(']')) else {
        return Vec::new();
    };
    rest[open + 1..close]
        .split(',')
        .map(|entry| entry.trim().trim_matches('"').to_string())
        .filter(|entry| !entry.is_empty())
        .collect()
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') {
                collect_rs(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}
