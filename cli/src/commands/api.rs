//! `theirstack api <operation-id>`: any operation of the document the crate was built from,
//! checked against the document before it is sent (parameters, their place and type, the body),
//! then sent through the library client's `send_raw` (key, rate-limit slot, retries, errors).

use super::{read_body, read_json};
use crate::guard::{UNASKED_CREDIT_LIMIT, confirm_credits};
use crate::output::{emit, emit_rows};
use crate::spec::{self, BodyUse, Operation, Param};
use crate::{Failure, Global, Outcome};
use clap::Args;
use serde_json::Value;
use std::io::{self, Write};
use std::path::PathBuf;
use theirstack::Client;
use theirstack::pricing::{self, Cost};

/// A generic request.
#[derive(Debug, Args)]
#[command(next_help_heading = "Request")]
pub struct ApiArgs {
    /// The operationId, as the OpenAPI document names it (e.g. get_company_lists_v0); without
    /// it, the document's operations are listed.
    #[arg(value_name = "OPERATION_ID")]
    pub operation_id: Option<String>,
    /// A path or query parameter of the operation (repeatable; repeat a name for a list).
    #[arg(long = "param", short = 'p', value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// The JSON request body, from a file or `-` for stdin.
    #[arg(long, value_name = "FILE|-")]
    pub body: Option<PathBuf>,
}

/// `theirstack api` without an operation: the document's operations, as rows.
pub fn list(global: &Global) -> Outcome {
    let rows: Vec<Value> = theirstack::document::OPERATIONS
        .iter()
        .map(|&(id, method, path)| {
            let summary = spec::operation(id).and_then(|op| op.summary);
            serde_json::json!({ "operation_id": id, "method": method, "path": path, "summary": summary })
        })
        .collect();
    emit(global, &Value::Array(rows))
}

/// A request checked against the document, ready to send.
#[derive(Debug)]
pub struct Prepared {
    operation: Operation,
    /// The path with its parameters filled in and percent-encoded.
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<Value>,
}

/// The request the arguments describe, checked and past the credit guard, before any client
/// exists (no key is needed to be told a name is wrong); `None` lists the operations.
pub fn check(global: &Global, args: &ApiArgs) -> Result<Option<Prepared>, Failure> {
    let Some(id) = args.operation_id.as_deref() else {
        return Ok(None);
    };
    let prepared = prepare(id, &args.params, args.body.as_ref())?;
    guard_spend(&prepared, global)?;
    Ok(Some(prepared))
}

/// Everything checked before sending: the operation, its parameters and its body.
fn prepare(id: &str, params: &[String], body: Option<&PathBuf>) -> Result<Prepared, Failure> {
    let operation = spec::operation(id).ok_or_else(|| unknown_operation(id))?;
    let mut given: Vec<(&Param, String)> = Vec::new();
    for raw in params {
        let Some((name, value)) = raw.split_once('=') else {
            return Err(Failure::Usage(format!(
                "--param `{raw}`: expected NAME=VALUE"
            )));
        };
        let param = operation.param(name).ok_or_else(|| {
            Failure::Usage(format!(
                "{} has no parameter `{name}`; its parameters: {}",
                operation.id,
                parameter_list(&operation)
            ))
        })?;
        check_value(param, value)
            .map_err(|why| Failure::Usage(format!("--param {name}={value}: {why}")))?;
        let is_list = param.schema.get("type").and_then(Value::as_str) == Some("array");
        if !is_list && given.iter().any(|(p, _)| p.name == param.name) {
            return Err(Failure::Usage(format!(
                "--param {name} is given twice, and takes one value"
            )));
        }
        given.push((param, value.to_string()));
    }
    let missing: Vec<&str> = operation
        .params
        .iter()
        .filter(|p| p.required && !given.iter().any(|(g, _)| g.name == p.name))
        .map(|p| p.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(Failure::Usage(format!(
            "{} needs --param {}",
            operation.id,
            missing
                .iter()
                .map(|m| format!("{m}=..."))
                .collect::<Vec<_>>()
                .join(" --param ")
        )));
    }
    let mut path = operation.path.to_string();
    let (mut query, mut headers) = (Vec::new(), Vec::new());
    for (param, value) in given {
        match param.location.as_str() {
            "path" => path = path.replace(&format!("{{{}}}", param.name), &encode_segment(&value)),
            "query" => query.push((param.name.clone(), value)),
            "header" => headers.push((param.name.clone(), value)),
            other => {
                return Err(Failure::Usage(format!(
                    "--param {}: parameters in `{other}` are not supported",
                    param.name
                )));
            }
        }
    }
    let body = match (body, operation.body) {
        (Some(_), BodyUse::None) => {
            return Err(Failure::Usage(format!(
                "{} takes no request body: drop --body",
                operation.id
            )));
        }
        (None, BodyUse::Required) => {
            return Err(Failure::Usage(format!(
                "{} needs a JSON body: --body FILE, or --body - for stdin{}",
                operation.id,
                operation
                    .body_component
                    .as_deref()
                    .map(|c| format!(" (schema {c})"))
                    .unwrap_or_default()
            )));
        }
        (None, _) => None,
        (Some(file), _) => Some(match &operation.body_component {
            // Unknown keys of the document's closed objects are refused by path.
            Some(component) => read_body::<Value>(file, component).map_err(Failure::Usage)?,
            None => read_json(file).map_err(Failure::Usage)?,
        }),
    };
    Ok(Prepared {
        operation,
        path,
        query,
        headers,
        body,
    })
}

/// The error for an operation id the document does not have, with the ids close to it.
fn unknown_operation(id: &str) -> Failure {
    let matches = spec::close_matches(id);
    let hint = if matches.is_empty() {
        String::new()
    } else {
        format!("; close matches: {}", matches.join(", "))
    };
    Failure::Usage(format!(
        "unknown operation `{id}`{hint} (`theirstack api` lists the document's {} operations)",
        theirstack::document::OPERATIONS.len()
    ))
}

fn parameter_list(operation: &Operation) -> String {
    if operation.params.is_empty() {
        return "none".into();
    }
    operation
        .params
        .iter()
        .map(|p| {
            let required = if p.required { ", required" } else { "" };
            format!("{} ({}{required})", p.name, p.location)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks a value against its parameter's schema: integers, numbers, booleans and enums.
fn check_value(param: &Param, value: &str) -> Result<(), String> {
    let schema = match param.schema.get("type").and_then(Value::as_str) {
        Some("array") => param.schema.get("items").unwrap_or(&Value::Null),
        _ => &param.schema,
    };
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let allowed: Vec<String> = values
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string())
            })
            .collect();
        if !allowed.iter().any(|a| a == value) {
            return Err(format!("expected one of {}", allowed.join(", ")));
        }
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") if value.parse::<i64>().is_err() => Err("expected an integer".into()),
        Some("number") if value.parse::<f64>().is_err() => Err("expected a number".into()),
        Some("boolean") if !matches!(value, "true" | "false") => {
            Err("expected true or false".into())
        }
        _ => Ok(()),
    }
}

/// Percent-encodes a path segment (everything but RFC 3986 unreserved characters).
fn encode_segment(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The searches' prices, by operation: what one request for `limit` rows may cost.
fn price(operation_id: &str) -> Option<Cost> {
    match operation_id {
        "search_jobs_v1" => Some(Cost::PerItem(pricing::CREDITS_PER_JOB)),
        "search_companies_v1" => Some(Cost::PerItem(pricing::CREDITS_PER_COMPANY)),
        "technographics_v1" => Some(Cost::PerLookup(pricing::CREDITS_PER_LOOKUP)),
        _ => None,
    }
}

/// The credit guard for one request to a priced search: its `limit` (or the documented
/// default) bounds the spend; `--max-credits` is a hard cap, and more than the unasked limit
/// asks (or refuses without a terminal) unless `--yes`.
fn guard_spend(prepared: &Prepared, global: &Global) -> Outcome {
    let Some(cost) = price(prepared.operation.id) else {
        return Ok(());
    };
    let body = prepared.body.as_ref();
    if body.and_then(|b| b.get("blur_company_data")) == Some(&Value::Bool(true)) {
        return Ok(()); // Preview mode is free.
    }
    let limit = body
        .and_then(|b| b.get("limit"))
        .and_then(Value::as_u64)
        .or_else(|| documented_default_limit(&prepared.operation));
    let credits = limit.map(|l| cost.of_request(l));
    if let Some(cap) = global.max_credits {
        return match credits {
            Some(c) if c <= cap => Ok(()),
            Some(c) => Err(Failure::Credits(format!(
                "this request could spend up to {c} credits, more than --max-credits {cap}: lower the body's `limit`"
            ))),
            None => Err(Failure::Credits(format!(
                "this request's spend is unbounded (no `limit`), and --max-credits {cap} is set: give the body a `limit`"
            ))),
        };
    }
    if global.yes || credits.is_some_and(|c| c <= UNASKED_CREDIT_LIMIT) {
        return Ok(());
    }
    confirm_credits(
        credits,
        None,
        "request",
        "lower the body's `limit`, or cap it with --max-credits",
    )
}

/// The default `limit` of the operation's body schema, from the document.
fn documented_default_limit(operation: &Operation) -> Option<u64> {
    let component = operation.body_component.as_deref()?;
    theirstack::document::parsed()
        .pointer(&format!(
            "/components/schemas/{}/properties/limit/default",
            component.replace('~', "~0").replace('/', "~1")
        ))
        .and_then(Value::as_u64)
}

/// Sends the request through the library client (`Client::send_raw`: key, rate-limit slot,
/// retries, errors) and prints the answer.
pub async fn send(client: &Client, global: &Global, prepared: Prepared) -> Outcome {
    let method = reqwest::Method::from_bytes(prepared.operation.method.as_bytes())
        .map_err(|e| Failure::Usage(format!("method {}: {e}", prepared.operation.method)))?;
    if let Some((name, _)) = prepared.headers.first() {
        return Err(Failure::Usage(format!(
            "header parameter `{name}`: theirstack api sends path and query parameters only"
        )));
    }
    let mut path_and_query = prepared.path.clone();
    if !prepared.query.is_empty() {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&prepared.query)
            .finish();
        path_and_query = format!("{path_and_query}?{query}");
    }
    let response = client
        .send_raw(
            prepared.operation.id,
            method,
            &path_and_query,
            prepared.body.as_ref(),
        )
        .await?;
    let bytes = response.body;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(value) => emit_rows(global, Some(prepared.operation.id), &value),
        // Not JSON (a file, text): as it came.
        Err(_) => {
            let mut out = io::stdout().lock();
            out.write_all(&bytes)?;
            out.flush()?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(result: Result<Prepared, Failure>) -> String {
        match result {
            Err(Failure::Usage(message)) => message,
            other => panic!("expected a usage error: {other:?}"),
        }
    }

    #[test]
    fn parameters_go_where_the_document_says() {
        let params = [
            "webhook_id=7".to_string(),
            "limit=5".to_string(),
            "status=FAILED".to_string(),
        ];
        let prepared = prepare("get_webhooks_events_v0", &params, None).unwrap();
        assert_eq!(prepared.path, "/v0/webhooks/7/events");
        assert_eq!(
            prepared.query,
            [
                ("limit".to_string(), "5".to_string()),
                ("status".to_string(), "FAILED".to_string())
            ]
        );
        assert!(prepared.body.is_none());
    }

    #[test]
    fn everything_is_checked_before_sending() {
        let p = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let e = usage(prepare("get_webhooks_events_v0", &p(&["limit=5"]), None));
        assert!(e.contains("needs --param webhook_id=..."), "{e}");
        let e = usage(prepare(
            "get_webhooks_events_v0",
            &p(&["webhook_id=x"]),
            None,
        ));
        assert!(e.contains("expected an integer"), "{e}");
        let e = usage(prepare(
            "get_webhooks_events_v0",
            &p(&["webhook_id=1", "colour=red"]),
            None,
        ));
        assert!(
            e.contains("no parameter `colour`") && e.contains("webhook_id (path, required)"),
            "{e}"
        );
        let e = usage(prepare("get_webhooks_events_v0", &p(&["webhook_id"]), None));
        assert!(e.contains("NAME=VALUE"), "{e}");
        let e = usage(prepare(
            "get_webhooks_events_v0",
            &p(&["webhook_id=1", "webhook_id=2"]),
            None,
        ));
        assert!(e.contains("given twice"), "{e}");
        let e = usage(prepare("search_jobs_v1", &[], None));
        assert!(e.contains("needs a JSON body"), "{e}");
        let e = usage(prepare(
            "get_webhooks_v0",
            &[],
            Some(&PathBuf::from("x.json")),
        ));
        assert!(e.contains("takes no request body"), "{e}");
        let e = usage(prepare("get_compnay_lists_v0", &[], None));
        assert!(e.contains("close matches: get_company_lists_v0"), "{e}");
    }

    #[test]
    fn path_values_are_percent_encoded() {
        assert_eq!(encode_segment("a b/c?d"), "a%20b%2Fc%3Fd");
        assert_eq!(encode_segment("x-1_2.~"), "x-1_2.~");
    }
}
