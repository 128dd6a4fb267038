//! The webhook event operations: the events of a webhook (listed and counted), the aggregated
//! count per day and the retry of events.

use super::MAX_EVENTS_LIMIT;
use super::payloads::event_view;
use crate::credits::month_before;
use crate::data::midnight;
use crate::errors::{Failure, built, json_response};
use crate::request::{self, Query};
use crate::state::Shared;
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::BTreeMap;
use theirstack::types;

fn status_param(query: &Query) -> Result<Option<types::WebhookEventStatus>, Failure> {
    match query.get("status") {
        None => Ok(None),
        Some(raw) => {
            let status = types::WebhookEventStatus::from(raw);
            if status.is_known() {
                Ok(Some(status))
            } else {
                Err(Failure::validation(format!(
                    "invalid query parameter `status`: expected one of {}, got `{}`",
                    types::WebhookEventStatus::VALUES.join(", "),
                    raw.chars().take(64).collect::<String>()
                )))
            }
        }
    }
}

/// `GET /v0/webhooks/{webhook_id}/events`: by event id, `offset` and `limit` (1 to 500,
/// default 25), optionally one `status`.
#[cfg(theirstack_has = "op:get_webhooks_events_v0")]
pub(crate) fn events(shared: &Shared, id: &str, query: &Query) -> Result<Response, Failure> {
    let id = request::path_id("webhook_id", id)?;
    let status = status_param(query)?;
    let offset = query
        .integer("offset", 0, None)?
        .unwrap_or(0)
        .unsigned_abs();
    let limit = query
        .integer("limit", 1, Some(MAX_EVENTS_LIMIT))?
        .unwrap_or(25)
        .unsigned_abs();
    let store = shared.webhooks();
    store.hook(id)?;
    // Taken after the store, so that every job an event names is in it.
    let data = shared.data();
    let page: Vec<types::WebhookEvent> = store
        .events
        .iter()
        .filter(|e| e.webhook_id == id && status.as_ref().is_none_or(|s| *s == e.status))
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|e| event_view(&data, e))
        .collect::<Result<_, _>>()?;
    Ok(json_response(StatusCode::OK, &page))
}

/// `GET /v0/webhooks/{webhook_id}/events/count`.
#[cfg(theirstack_has = "op:get_webhooks_events_count_v0")]
pub(crate) fn events_count(shared: &Shared, id: &str) -> Result<Response, Failure> {
    let id = request::path_id("webhook_id", id)?;
    let store = shared.webhooks();
    store.hook(id)?;
    let n = store.events.iter().filter(|e| e.webhook_id == id).count();
    Ok(json_response(StatusCode::OK, &n))
}

/// `GET /v0/webhooks/events/count`: events per UTC day of `triggered_at`, grouped by each
/// `group_by` given (`status`, `webhook_id`, and `event_type` where the document has it; default
/// `status`), over `start_datetime`..`end_datetime` (default: the last 30 days).
#[cfg(theirstack_has = "op:get_webhooks_events_count_aggregated_v0")]
pub(crate) fn events_count_aggregated(shared: &Shared, query: &Query) -> Result<Response, Failure> {
    let now = shared.now();
    let end = query.timestamp("end_datetime")?.unwrap_or(now);
    let start = query
        .timestamp("start_datetime")?
        .unwrap_or_else(|| month_before(end));
    let webhook = query.integer("webhook_id", i64::MIN, None)?;
    let mut groups = Vec::new();
    for value in query.all("group_by") {
        let group = types::WebhookGroupBy::from(value);
        if !group.is_known() {
            return Err(Failure::validation(format!(
                "invalid query parameter `group_by`: expected one of {}, got `{}`",
                types::WebhookGroupBy::VALUES.join(", "),
                value.chars().take(64).collect::<String>()
            )));
        }
        groups.push(group.as_str().to_string());
    }
    if groups.is_empty() {
        groups.push("status".to_string());
    }
    let by = |name: &str| groups.iter().any(|g| g == name);
    let (by_status, by_webhook, by_type) = (by("status"), by("webhook_id"), by("event_type"));
    let store = shared.webhooks();
    type Key = (
        chrono::NaiveDate,
        Option<String>,
        Option<i64>,
        Option<String>,
    );
    let mut buckets: BTreeMap<Key, i64> = BTreeMap::new();
    for e in &store.events {
        if e.triggered_at < start
            || e.triggered_at > end
            || webhook.is_some_and(|w| w != e.webhook_id)
        {
            continue;
        }
        let key = (
            e.triggered_at.date_naive(),
            by_status.then(|| e.status.to_string()),
            by_webhook.then_some(e.webhook_id),
            by_type.then(|| e.kind.to_string()),
        );
        *buckets.entry(key).or_default() += 1;
    }
    let rows: Vec<types::WebhookEventCount> = buckets
        .into_iter()
        .map(|((day, status, webhook_id, event_type), n)| {
            let mut row: types::WebhookEventCount = built(
                types::WebhookEventCount::builder()
                    .number_of_events(n)
                    .number_of_executions(n)
                    .period_start(types::Timestamp(midnight(day)))
                    .status(status.map(types::WebhookEventStatus::from))
                    .webhook_id(webhook_id),
            )?;
            set_event_type(&mut row, event_type);
            Ok(row)
        })
        .collect::<Result<_, Failure>>()?;
    Ok(json_response(StatusCode::OK, &rows))
}

/// The `event_type` of a count row, where the document has the field.
#[cfg(theirstack_has = "WebhookEventCount.event_type")]
fn set_event_type(row: &mut types::WebhookEventCount, event_type: Option<String>) {
    row.event_type = event_type.map(types::WebhookEventType::from);
}

#[cfg(not(theirstack_has = "WebhookEventCount.event_type"))]
fn set_event_type(_: &mut types::WebhookEventCount, _: Option<String>) {}

/// `POST /v0/webhooks/events/retry`: every listed event goes back to `IN_PROGRESS` for the next
/// delivery run; an unknown id is a 404 and changes nothing. Answers `null`.
#[cfg(theirstack_has = "op:post_webhooks_events_retry_v0")]
pub(crate) fn retry(shared: &Shared, body: &[u8]) -> Result<Response, Failure> {
    let input: types::WebhookEventRetryRequest = request::body(body)?;
    let now = shared.now();
    let mut store = shared.webhooks();
    if let Some(missing) = input
        .webhook_event_ids
        .iter()
        .find(|id| !store.events.iter().any(|e| e.id == **id))
    {
        return Err(Failure::not_found(format!(
            "no webhook event with id {missing}"
        )));
    }
    for e in &mut store.events {
        if input.webhook_event_ids.contains(&e.id) {
            e.status = types::WebhookEventStatus::InProgress;
            e.updated_at = now;
        }
    }
    Ok(json_response(StatusCode::OK, &serde_json::Value::Null))
}
