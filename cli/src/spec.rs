//! What the CLI reads from the OpenAPI document the library was built from
//! (`theirstack::document`): an operation by id with its parameters and where they go, its body
//! schema, the documented fields of the rows it answers, and operation ids close to a typo.

use serde_json::Value;
use theirstack::document::{OPERATIONS, parsed};

/// One operation of the document.
#[derive(Debug)]
pub struct Operation {
    pub id: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub summary: Option<String>,
    pub params: Vec<Param>,
    /// The request body's component schema (`JobSearchFilters-Input`), when it names one.
    pub body_component: Option<String>,
    /// Whether the operation takes a JSON body, and whether it must have one.
    pub body: BodyUse,
}

/// Whether an operation takes a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyUse {
    None,
    Optional,
    Required,
}

/// One parameter of an operation.
#[derive(Debug)]
pub struct Param {
    pub name: String,
    /// `path`, `query`, `header` or `cookie`.
    pub location: String,
    pub required: bool,
    /// The schema, references followed and a nullable union reduced to its other branch.
    pub schema: Value,
}

impl Operation {
    /// The parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.name == name)
    }
}

/// The operation with this id, read from the document.
pub fn operation(id: &str) -> Option<Operation> {
    let &(id, method, path) = OPERATIONS.iter().find(|(op, _, _)| *op == id)?;
    let doc = parsed();
    let item = doc.get("paths")?.get(path)?;
    let op = item.get(method.to_ascii_lowercase())?;
    // Path-level parameters apply unless the operation redefines them.
    let mut params: Vec<Param> = Vec::new();
    let listed = |v: &'static Value| v.get("parameters").and_then(Value::as_array);
    for raw in listed(op).into_iter().chain(listed(item)).flatten() {
        let raw = resolve(raw);
        let (Some(name), Some(location)) = (
            raw.get("name").and_then(Value::as_str),
            raw.get("in").and_then(Value::as_str),
        ) else {
            continue;
        };
        if params
            .iter()
            .any(|p| p.name == name && p.location == location)
        {
            continue;
        }
        params.push(Param {
            name: name.to_string(),
            location: location.to_string(),
            required: raw.get("required").and_then(Value::as_bool) == Some(true),
            schema: non_null(raw.get("schema").unwrap_or(&Value::Null)).clone(),
        });
    }
    let request_body = op.get("requestBody").map(resolve);
    let json_schema = request_body
        .and_then(|b| b.pointer("/content/application~1json/schema"))
        .map(strip_null_union);
    let body_component = json_schema
        .and_then(|s| s.get("$ref"))
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .map(str::to_string);
    let body = match request_body {
        None => BodyUse::None,
        Some(b) if b.get("required").and_then(Value::as_bool) == Some(true) => BodyUse::Required,
        Some(_) => BodyUse::Optional,
    };
    Some(Operation {
        id,
        method,
        path,
        summary: op
            .get("summary")
            .and_then(Value::as_str)
            .map(str::to_string),
        params,
        body_component,
        body,
    })
}

/// The documented fields of the rows an operation answers: the items of an array response, or
/// of the `data` array of a `{data, metadata}` envelope, or the fields of an object response.
/// Ordered as csv columns are: `id` first, the rest sorted. Empty when the document says none.
pub fn row_fields(operation_id: &str) -> Vec<String> {
    let Some(&(_, method, path)) = OPERATIONS.iter().find(|(op, _, _)| *op == operation_id) else {
        return Vec::new();
    };
    let doc = parsed();
    let Some(responses) = doc
        .pointer(&format!("/paths/{}", pointer_escape(path)))
        .and_then(|item| item.get(method.to_ascii_lowercase()))
        .and_then(|op| op.get("responses"))
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let Some(schema) = responses
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .find_map(|(_, r)| resolve(r).pointer("/content/application~1json/schema"))
    else {
        return Vec::new();
    };
    let schema = non_null(schema);
    let row = if schema.get("type").and_then(Value::as_str) == Some("array") {
        schema.get("items").map(non_null)
    } else {
        match schema.pointer("/properties/data").map(non_null) {
            Some(data) if data.get("type").and_then(Value::as_str) == Some("array") => {
                data.get("items").map(non_null)
            }
            _ => Some(schema),
        }
    };
    let mut names: Vec<String> = Vec::new();
    if let Some(row) = row {
        collect_properties(row, &mut names, 0);
    }
    names.sort_by(|a, b| (a != "id", a).cmp(&(b != "id", b)));
    names
}

fn collect_properties(schema: &'static Value, names: &mut Vec<String>, depth: usize) {
    let schema = non_null(schema);
    if depth > 8 {
        return;
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for key in properties.keys() {
            if !names.contains(key) {
                names.push(key.clone());
            }
        }
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        for part in parts {
            collect_properties(part, names, depth + 1);
        }
    }
}

/// Follows `$ref` chains within the document.
fn resolve(schema: &'static Value) -> &'static Value {
    let mut schema = schema;
    for _ in 0..32 {
        let Some(target) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| parsed().pointer(p))
        else {
            break;
        };
        schema = target;
    }
    schema
}

/// A nullable union (`anyOf: [T, {type: null}]`) as its one other branch, without resolving it.
fn strip_null_union(schema: &'static Value) -> &'static Value {
    for key in ["anyOf", "oneOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            let others: Vec<&Value> = branches
                .iter()
                .filter(|b| b.get("type").and_then(Value::as_str) != Some("null"))
                .collect();
            if let [one] = others.as_slice() {
                return one;
            }
        }
    }
    schema
}

/// References followed and a nullable union reduced to its other branch.
fn non_null(schema: &'static Value) -> &'static Value {
    resolve(strip_null_union(resolve(schema)))
}

/// A JSON pointer token: `~` as `~0`, `/` as `~1`.
fn pointer_escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Operation ids close to `wanted`: a small edit distance, or words in common.
pub fn close_matches(wanted: &str) -> Vec<&'static str> {
    let wanted = wanted.to_ascii_lowercase();
    // Words that say something: not the HTTP verbs every id starts with, nor versions.
    let words = |id: &str| -> Vec<String> {
        id.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| w.len() >= 3 && !["get", "post", "patch", "put", "delete"].contains(w))
            .map(str::to_string)
            .collect()
    };
    let wanted_words = words(&wanted);
    let threshold = (wanted.len() / 4).max(2);
    let mut scored: Vec<(bool, usize, usize, &'static str)> = OPERATIONS
        .iter()
        .filter_map(|&(id, _, _)| {
            let distance = edit_distance(&wanted, id);
            let shared = words(id)
                .iter()
                .filter(|w| {
                    wanted_words
                        .iter()
                        .any(|v| w.starts_with(v.as_str()) || v.starts_with(w.as_str()))
                })
                .count();
            let near = distance <= threshold;
            (near || shared > 0).then_some((!near, usize::MAX - shared, distance, id))
        })
        .collect();
    // The near ones, then those sharing the most words.
    let most_shared = scored.iter().map(|s| usize::MAX - s.1).max().unwrap_or(0);
    scored.retain(|s| !s.0 || usize::MAX - s.1 == most_shared);
    scored.sort();
    scored.into_iter().take(6).map(|(.., id)| id).collect()
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_carry_their_parameters_and_body() {
        let op = operation("get_webhooks_events_v0").unwrap();
        assert_eq!(
            (op.method, op.path),
            ("GET", "/v0/webhooks/{webhook_id}/events")
        );
        let id = op.param("webhook_id").unwrap();
        assert_eq!((id.location.as_str(), id.required), ("path", true));
        assert_eq!(op.param("limit").unwrap().location, "query");
        assert_eq!(op.body, BodyUse::None);
        let search = operation("search_jobs_v1").unwrap();
        assert_eq!(
            search.body_component.as_deref(),
            Some("JobSearchFilters-Input")
        );
        assert_ne!(search.body, BodyUse::None);
        assert!(operation("no_such_operation").is_none());
    }

    #[test]
    fn rows_fields_come_from_the_response_schema() {
        let jobs = row_fields("search_jobs_v1");
        assert_eq!(jobs[0], "id");
        assert!(jobs.contains(&"job_title".to_string()), "{jobs:?}");
        let lists = row_fields("get_company_lists_v0");
        assert!(lists.contains(&"companies_count".to_string()), "{lists:?}");
        let balance = row_fields("get_billing_credit_balance_v0");
        assert!(balance.contains(&"api_credits".to_string()), "{balance:?}");
        assert!(row_fields("no_such_operation").is_empty());
    }

    #[test]
    fn typos_and_shared_words_find_operations() {
        assert_eq!(
            close_matches("get_compnay_lists_v0")[0],
            "get_company_lists_v0"
        );
        let webhooks = close_matches("webhook");
        assert!(
            !webhooks.is_empty() && webhooks.iter().all(|id| id.contains("webhook")),
            "{webhooks:?}"
        );
        assert!(close_matches("zzzzzzzzzzzzzzzzzz").is_empty());
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
