//! The webhook operations: list, get, create, update, enable/disable, archive, the events
//! listing, the two counts and retry. Test deliveries and delivery runs are in `delivery`.

use super::payloads::event_view;
use super::{Event, Hook, MAX_EVENTS_LIMIT, Record, check_url, event_type_of};
use crate::credits::month_before;
use crate::data::midnight;
use crate::errors::{Failure, built, json_response};
use crate::request::{self, Query};
use crate::saved_searches::{Filters, SavedSearch};
use crate::searches::{matching_companies, matching_jobs};
use crate::state::{Shared, USER_ID};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Duration as Days, Utc};
use std::collections::{BTreeMap, BTreeSet};
use theirstack::types;

/// The records a new webhook reports, oldest first, with when each was found.
fn initial_records(
    shared: &Shared,
    search: &SavedSearch,
    listening_start: Option<DateTime<Utc>>,
    once_per_company: bool,
) -> Result<Vec<(Record, DateTime<Utc>)>, Failure> {
    let now = shared.now();
    let cap = shared.config.webhook_events;
    let mut out: Vec<(Record, DateTime<Utc>)> = Vec::new();
    match &search.filters {
        Filters::Jobs(filters) => {
            let mut seen: BTreeSet<usize> = BTreeSet::new();
            for j in matching_jobs(&shared.data, filters, now)? {
                let job = &shared.data.jobs[j];
                if listening_start.is_some_and(|t| job.discovered_at.0 <= t) {
                    continue;
                }
                if once_per_company && !seen.insert(shared.data.job_company[j]) {
                    continue;
                }
                let found = (job.discovered_at.0 + Days::minutes(10)).min(now);
                out.push((Record::Job(j), found));
                if out.len() >= cap {
                    break;
                }
            }
        }
        Filters::Companies(filters) => {
            let hits = matching_companies(&shared.data, filters, now)?;
            let n = hits.len().min(cap);
            for (k, (c, _)) in hits.into_iter().take(n).enumerate() {
                let found = now - Days::minutes((n - k) as i64);
                if listening_start.is_some_and(|t| found <= t) {
                    continue;
                }
                out.push((Record::Company(c), found));
            }
        }
    }
    out.sort_by_key(|(_, found)| *found);
    Ok(out)
}

/// `GET /v0/webhooks`.
#[cfg(theirstack_has = "op:get_webhooks_v0")]
pub(crate) fn list(shared: &Shared) -> Result<Response, Failure> {
    let store = shared.webhooks();
    let hooks: Vec<&types::Webhook> = store
        .hooks
        .values()
        .map(|h| &h.webhook)
        .filter(|w| !w.is_archived)
        .collect();
    Ok(json_response(StatusCode::OK, &hooks))
}

/// `GET /v0/webhooks/{webhook_id}`.
#[cfg(theirstack_has = "op:get_webhooks_by_id_v0")]
pub(crate) fn get(shared: &Shared, id: &str) -> Result<Response, Failure> {
    let id = request::path_id("webhook_id", id)?;
    let store = shared.webhooks();
    Ok(json_response(StatusCode::OK, &store.hook(id)?.webhook))
}

/// `POST /v0/webhooks`.
#[cfg(theirstack_has = "op:post_webhooks_v0")]
pub(crate) fn create(shared: &Shared, body: &[u8]) -> Result<Response, Failure> {
    let input: types::WebhookCreate = request::body(body)?;
    let fields: serde_json::Map<String, serde_json::Value> = request::body(body)?;
    let once_per_company = flag(&fields, "trigger_once_per_company").unwrap_or(false);
    check_url(&input.url)?;
    let now = shared.now();
    let mut store = shared.webhooks();
    let search = store.search(input.search_id).cloned().ok_or_else(|| {
        Failure::not_found(format!("no saved search with id {}", input.search_id))
    })?;
    if search.is_archived {
        return Err(Failure::validation(format!(
            "saved search {} is archived",
            search.id
        )));
    }
    let records = initial_records(
        shared,
        &search,
        input.listening_start_time.map(|t| t.0),
        once_per_company,
    )?;
    let id = store.next_hook;
    store.next_hook += 1;
    let url = types::WebhookUrl::try_from(input.url.to_string())
        .map_err(|e| Failure::validation(format!("invalid `url`: {e}")))?;
    let webhook: types::Webhook = built(
        types::Webhook::builder()
            .created_at(types::Timestamp(now))
            .description(input.description.clone())
            .event_type(event_type_of(&search.filters))
            .id(id)
            .is_active(true)
            .is_archived(false)
            .listening_start_time(input.listening_start_time)
            .scanning_frequency("10m".to_string())
            .search_id(search.id)
            .search_name(search.name.clone())
            .team_id(USER_ID)
            .trigger_once_per_company(once_per_company)
            .updated_at(types::Timestamp(now))
            .url(url)
            .user_id(USER_ID),
    )?;
    for (record, found) in records {
        let event_id = store.next_event;
        store.next_event += 1;
        store.events.push(Event {
            id: event_id,
            webhook_id: id,
            record,
            triggered_at: found,
            created_at: found,
            updated_at: found,
            status: types::WebhookEventStatus::InProgress,
            response_status_code: None,
            response_body: None,
            charged: false,
        });
    }
    store.hooks.insert(
        id,
        Hook {
            webhook: webhook.clone(),
            secret: create_secret(&input),
        },
    );
    Ok(json_response(StatusCode::OK, &webhook))
}

/// A boolean member of a body already checked against its generated type.
fn flag(fields: &serde_json::Map<String, serde_json::Value>, name: &str) -> Option<bool> {
    fields.get(name).and_then(serde_json::Value::as_bool)
}

/// `PATCH /v0/webhooks/{webhook_id}`: sets `url` and `search_id`, and each other field the body
/// contains; a field left out keeps its value.
#[cfg(theirstack_has = "op:patch_webhooks_by_id_v0")]
pub(crate) fn update(shared: &Shared, id: &str, body: &[u8]) -> Result<Response, Failure> {
    let id = request::path_id("webhook_id", id)?;
    let input: types::WebhookUpdate = request::body(body)?;
    let fields: serde_json::Map<String, serde_json::Value> = request::body(body)?;
    check_url(&input.url)?;
    let now = shared.now();
    let mut store = shared.webhooks();
    store.hook(id)?;
    let search = store.search(input.search_id).cloned().ok_or_else(|| {
        Failure::not_found(format!("no saved search with id {}", input.search_id))
    })?;
    let url = types::WebhookUrl::try_from(input.url.to_string())
        .map_err(|e| Failure::validation(format!("invalid `url`: {e}")))?;
    let hook = store.hook_mut(id)?;
    let w = &mut hook.webhook;
    w.url = url;
    w.search_id = search.id;
    w.search_name = search.name.clone();
    w.event_type = event_type_of(&search.filters);
    if fields.contains_key("description") {
        w.description = input.description.clone();
    }
    if fields.contains_key("listening_start_time") {
        w.listening_start_time = input.listening_start_time;
    }
    if let Some(once) = flag(&fields, "trigger_once_per_company") {
        w.trigger_once_per_company = once;
    }
    w.updated_at = types::Timestamp(now);
    if let Some(secret) = update_secret(&input) {
        hook.secret = Some(secret);
    }
    Ok(json_response(StatusCode::OK, &hook.webhook))
}

/// `PATCH /v0/webhooks/{webhook_id}/status`.
#[cfg(theirstack_has = "op:patch_webhooks_status_v0")]
pub(crate) fn set_status(shared: &Shared, id: &str, body: &[u8]) -> Result<Response, Failure> {
    let id = request::path_id("webhook_id", id)?;
    let input: types::WebhookStatusUpdate = request::body(body)?;
    let now = shared.now();
    let mut store = shared.webhooks();
    let hook = store.hook_mut(id)?;
    if hook.webhook.is_archived && input.is_active {
        return Err(Failure::validation(format!("webhook {id} is archived")));
    }
    hook.webhook.is_active = input.is_active;
    hook.webhook.updated_at = types::Timestamp(now);
    Ok(json_response(StatusCode::OK, &hook.webhook))
}

/// `PATCH /v0/webhooks/{webhook_id}/archive`.
#[cfg(theirstack_has = "op:patch_webhooks_archive_v0")]
pub(crate) fn archive(shared: &Shared, id: &str) -> Result<Response, Failure> {
    let id = request::path_id("webhook_id", id)?;
    let now = shared.now();
    let mut store = shared.webhooks();
    let hook = store.hook_mut(id)?;
    hook.webhook.is_archived = true;
    hook.webhook.is_active = false;
    hook.webhook.updated_at = types::Timestamp(now);
    Ok(json_response(StatusCode::OK, &hook.webhook))
}

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
    let page: Vec<types::WebhookEvent> = store
        .events
        .iter()
        .filter(|e| e.webhook_id == id && status.as_ref().is_none_or(|s| *s == e.status))
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|e| event_view(shared, e))
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
        let event_type = store
            .hooks
            .get(&e.webhook_id)
            .map(|h| h.webhook.event_type.to_string());
        let key = (
            e.triggered_at.date_naive(),
            by_status.then(|| e.status.to_string()),
            by_webhook.then_some(e.webhook_id),
            by_type.then_some(event_type).flatten(),
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

// TheirStack's own document predates webhook secrets and the `webhook_id` form of the test
// body; the sandbox builds against either document.

#[cfg(theirstack_has = "WebhookCreate.secret")]
fn create_secret(input: &types::WebhookCreate) -> Option<String> {
    input.secret.as_ref().map(|s| s.to_string())
}

#[cfg(not(theirstack_has = "WebhookCreate.secret"))]
fn create_secret(_: &types::WebhookCreate) -> Option<String> {
    None
}

#[cfg(theirstack_has = "WebhookUpdate.secret")]
fn update_secret(input: &types::WebhookUpdate) -> Option<String> {
    input.secret.as_ref().map(|s| s.to_string())
}

#[cfg(not(theirstack_has = "WebhookUpdate.secret"))]
fn update_secret(_: &types::WebhookUpdate) -> Option<String> {
    None
}
