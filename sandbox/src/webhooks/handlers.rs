//! The webhook operations: list, get, create, update, enable/disable and archive. The events
//! operations are in `events`, test deliveries and delivery runs in `delivery`.

use super::kinds::{check_active, create_active, update_active};
use super::{Event, Hook, Record, check_url, event_type_of};
use crate::errors::{Failure, built, json_response};
use crate::request;
use crate::saved_searches::{Filters, SavedSearch};
use crate::searches::{matching_companies, matching_jobs};
use crate::state::{Shared, USER_ID};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Duration as Days, Utc};
use std::collections::BTreeSet;
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
    let data = shared.data();
    let precision = shared.precision();
    let mut out: Vec<(Record, DateTime<Utc>)> = Vec::new();
    match &search.filters {
        Filters::Jobs(filters) => {
            let mut seen: BTreeSet<usize> = BTreeSet::new();
            for j in matching_jobs(&data, filters, now, precision)? {
                let job = &data.jobs[j];
                if listening_start.is_some_and(|t| job.discovered_at.0 <= t) {
                    continue;
                }
                if once_per_company && !seen.insert(data.job_company[j]) {
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
            let hits = matching_companies(&data, filters, now, precision)?;
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
    let hooks: Vec<serde_json::Value> = store
        .hooks
        .values()
        .filter(|h| !h.webhook.is_archived)
        .map(Hook::view)
        .collect();
    Ok(json_response(StatusCode::OK, &hooks))
}

/// `GET /v0/webhooks/{webhook_id}`.
#[cfg(theirstack_has = "op:get_webhooks_by_id_v0")]
pub(crate) fn get(shared: &Shared, id: &str) -> Result<Response, Failure> {
    let id = request::path_id("webhook_id", id)?;
    let store = shared.webhooks();
    Ok(json_response(StatusCode::OK, &store.hook(id)?.view()))
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
    let active = create_active(&input);
    check_active(&search.filters, active.as_deref())?;
    let primary = event_type_of(&search.filters);
    // The events of what the search already matches are of its primary type.
    let records = if active.as_ref().is_none_or(|a| a.contains(&primary)) {
        initial_records(
            shared,
            &search,
            input.listening_start_time.map(|t| t.0),
            once_per_company,
        )?
    } else {
        Vec::new()
    };
    let id = store.next_hook;
    store.next_hook += 1;
    let url = types::WebhookUrl::try_from(input.url.to_string())
        .map_err(|e| Failure::validation(format!("invalid `url`: {e}")))?;
    let webhook: types::Webhook = built(
        types::Webhook::builder()
            .created_at(types::Timestamp(now))
            .description(input.description.clone())
            .event_type(primary.clone())
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
            kind: primary.clone(),
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
    let hook = Hook {
        webhook,
        secret: create_secret(&input),
        active,
    };
    let view = hook.view();
    store.hooks.insert(id, hook);
    Ok(json_response(StatusCode::OK, &view))
}

/// A boolean member of a body already checked against its generated type.
fn flag(fields: &serde_json::Map<String, serde_json::Value>, name: &str) -> Option<bool> {
    fields.get(name).and_then(serde_json::Value::as_bool)
}

/// `PATCH /v0/webhooks/{webhook_id}`: sets `url` and `search_id`, and each other field the body
/// contains; a field left out keeps its value (`active_event_types: null` goes back to the
/// search's primary type). Active event types that do not fit the search are a 422.
#[cfg(theirstack_has = "op:patch_webhooks_by_id_v0")]
pub(crate) fn update(shared: &Shared, id: &str, body: &[u8]) -> Result<Response, Failure> {
    let id = request::path_id("webhook_id", id)?;
    let input: types::WebhookUpdate = request::body(body)?;
    let fields: serde_json::Map<String, serde_json::Value> = request::body(body)?;
    check_url(&input.url)?;
    let now = shared.now();
    let mut store = shared.webhooks();
    let current = store.hook(id)?.active.clone();
    let search = store.search(input.search_id).cloned().ok_or_else(|| {
        Failure::not_found(format!("no saved search with id {}", input.search_id))
    })?;
    let active = if fields.contains_key("active_event_types") {
        update_active(&input)
    } else {
        current
    };
    check_active(&search.filters, active.as_deref())?;
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
    hook.active = active;
    Ok(json_response(StatusCode::OK, &hook.view()))
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
    Ok(json_response(StatusCode::OK, &hook.view()))
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
    Ok(json_response(StatusCode::OK, &hook.view()))
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
