//! The request log: what each request asked for, what it got and what it cost, for tests that
//! check what a client sent ([`Sandbox::requests`](crate::Sandbox::requests)).
//!
//! Rule: a middleware around every route (fallbacks included) records each request once it is
//! answered: the method, path, raw query, the JSON body as the operation received it, the
//! status, the rows of a successful list answer (a top-level array or `data`) with their integer
//! ids, and the credits the request itself charged, counted on its own task by
//! [`crate::credits::Ledger::charge`] (so background webhook deliveries are never counted).

use crate::state::Shared;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::cell::Cell;
use std::sync::Arc;

/// One request the sandbox answered, as [`Sandbox::requests`](crate::Sandbox::requests) lists
/// it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LoggedRequest {
    /// The sandbox clock when the request arrived.
    pub at: DateTime<Utc>,
    /// `GET`, `POST`, `PATCH`, …
    pub method: String,
    /// The path, as in `/v1/jobs/search`.
    pub path: String,
    /// The query string as sent (not decoded), if there was one.
    pub query: Option<String>,
    /// The request body, when the operation read one and it was JSON.
    pub body: Option<Value>,
    /// The status answered.
    pub status: u16,
    /// The rows of a successful list answer (a JSON array, or the `data` array of an object);
    /// `None` for other answers.
    pub rows: Option<usize>,
    /// The integer `id` of each row, in order (the job ids of a job search; empty when rows have
    /// no integer id).
    pub row_ids: Vec<i64>,
    /// API credits this request charged.
    pub credits: u64,
}

impl LoggedRequest {
    /// The values of a query parameter, decoded, in order.
    pub fn query_values(&self, name: &str) -> Vec<String> {
        let raw = self.query.as_deref().unwrap_or("");
        url::form_urlencoded::parse(raw.as_bytes())
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .collect()
    }
}

tokio::task_local! {
    /// Credits charged by the request of the current task.
    static CHARGED: Cell<u64>;
}

/// Counts credits charged by the request of the current task, if any.
pub(crate) fn note_charge(credits: u64) {
    let _ = CHARGED.try_with(|c| c.set(c.get().saturating_add(credits)));
}

/// The body an operation received, as JSON; the routes put it on their response for the log.
#[derive(Debug, Clone)]
pub(crate) struct ReceivedBody(pub(crate) Option<Value>);

impl ReceivedBody {
    /// The body of a request, if it is JSON.
    pub(crate) fn of(bytes: &[u8]) -> ReceivedBody {
        ReceivedBody(serde_json::from_slice(bytes).ok())
    }
}

/// The rows of an answer and their integer ids.
fn rows_of(status: u16, body: &[u8]) -> (Option<usize>, Vec<i64>) {
    if !(200..300).contains(&status) {
        return (None, Vec::new());
    }
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let rows = match &value {
        Value::Array(rows) => rows,
        Value::Object(fields) => match fields.get("data") {
            Some(Value::Array(rows)) => rows,
            _ => return (None, Vec::new()),
        },
        _ => return (None, Vec::new()),
    };
    let ids = rows
        .iter()
        .filter_map(|r| r.get("id").and_then(Value::as_i64))
        .collect();
    (Some(rows.len()), ids)
}

/// The middleware: answers the request, then logs it.
pub(crate) async fn record(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let at = shared.now();
    let method = request.method().to_string();
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(str::to_string);
    let (response, credits) = CHARGED
        .scope(Cell::new(0), async move {
            let response = next.run(request).await;
            (response, CHARGED.with(Cell::get))
        })
        .await;
    let (mut parts, body) = response.into_parts();
    // Every answer of the sandbox is in memory already.
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let received = parts.extensions.remove::<ReceivedBody>().and_then(|b| b.0);
    let status = parts.status.as_u16();
    let (rows, row_ids) = rows_of(status, &bytes);
    shared.log_request(LoggedRequest {
        at,
        method,
        path,
        query,
        body: received,
        status,
        rows,
        row_ids,
        credits,
    });
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_from_arrays_and_data() {
        assert_eq!(
            rows_of(200, br#"[{"id": 3}, {"id": "x"}]"#),
            (Some(2), vec![3])
        );
        assert_eq!(
            rows_of(200, br#"{"data": [{"id": 1}, {"id": 2}], "metadata": {}}"#),
            (Some(2), vec![1, 2])
        );
        assert_eq!(rows_of(200, br#"{"id": 1}"#), (None, vec![]));
        assert_eq!(rows_of(402, br#"{"data": [{"id": 1}]}"#), (None, vec![]));
        assert_eq!(rows_of(200, b"null"), (None, vec![]));
    }

    #[tokio::test]
    async fn charges_count_on_their_task_only() {
        note_charge(5);
        let counted = CHARGED
            .scope(Cell::new(0), async {
                note_charge(2);
                note_charge(3);
                CHARGED.with(Cell::get)
            })
            .await;
        assert_eq!(counted, 5);
    }
}
