//! Saved searches: the three the sandbox starts with, and list, get and create.
//!
//! Rule: a saved search keeps its filters as the generated filter type of its `type`, read with
//! unknown keys refused; the views are the generated response types. They live in the webhook
//! store, since webhooks listen to them.

use crate::errors::{Failure, built, json_response, retype};
use crate::request;
use crate::state::{Shared, USER_ID};
use crate::webhooks::Store;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Duration as Days, Utc};
use theirstack::types;

/// What a saved search searches.
#[derive(Debug, Clone)]
pub(crate) enum Filters {
    Jobs(Box<types::JobSearchFiltersInput>),
    Companies(Box<types::CompanySearchFiltersInput>),
}

/// A saved search.
#[derive(Debug, Clone)]
pub(crate) struct SavedSearch {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) filters: Filters,
    pub(crate) is_alert_active: bool,
    pub(crate) created_at: DateTime<Utc>,
}

/// The sandbox's three saved searches: 1 and 2 search jobs, 3 searches companies.
pub(crate) fn initial_searches(now: DateTime<Utc>) -> Vec<SavedSearch> {
    let mut data_engineers = types::JobSearchFiltersInput::default();
    data_engineers.job_title_or = vec!["data engineer".to_string()];
    data_engineers.job_country_code_or = vec!["US".to_string()];
    data_engineers.posted_at_max_age_days = Some(14);
    let mut remote_seniors = types::JobSearchFiltersInput::default();
    remote_seniors.job_seniority_or = vec![types::Seniority::Senior];
    remote_seniors.remote = Some(true);
    remote_seniors.posted_at_max_age_days = Some(7);
    let mut snowflake = types::CompanySearchFiltersInput::default();
    snowflake.company_technology_slug_or = vec!["snowflake".to_string()];
    let created_at = now - Days::days(30);
    vec![
        SavedSearch {
            id: 1,
            name: "Data engineers in the US, last 14 days".to_string(),
            filters: Filters::Jobs(Box::new(data_engineers)),
            is_alert_active: false,
            created_at,
        },
        SavedSearch {
            id: 2,
            name: "Remote senior roles, last 7 days".to_string(),
            filters: Filters::Jobs(Box::new(remote_seniors)),
            is_alert_active: false,
            created_at,
        },
        SavedSearch {
            id: 3,
            name: "Companies using Snowflake".to_string(),
            filters: Filters::Companies(Box::new(snowflake)),
            is_alert_active: false,
            created_at,
        },
    ]
}

fn saved_search_body(filters: &Filters) -> Result<serde_json::Value, Failure> {
    let value = match filters {
        Filters::Jobs(f) => serde_json::to_value(f),
        Filters::Companies(f) => serde_json::to_value(f),
    };
    value.map_err(|e| Failure::internal(format!("cannot encode a saved search: {e}")))
}

fn creator() -> Result<types::UserSimple, Failure> {
    built(
        types::UserSimple::builder()
            .email("sandbox@theirstack.invalid")
            .first_name(Some("Sandbox".to_string()))
            .id(USER_ID)
            .last_name(Some("User".to_string())),
    )
}

fn search_type(filters: &Filters) -> types::SavedSearchType {
    match filters {
        Filters::Jobs(_) => types::SavedSearchType::Jobs,
        Filters::Companies(_) => types::SavedSearchType::Companies,
    }
}

/// A saved search as the API writes it, read back into `T` (the read or the create answer).
fn search_view<T: serde::de::DeserializeOwned>(
    store: &Store,
    s: &SavedSearch,
) -> Result<T, Failure> {
    let created_at = types::Timestamp(s.created_at);
    let has_active_webhooks = store
        .hooks
        .values()
        .any(|h| h.webhook.search_id == s.id && h.webhook.is_active && !h.webhook.is_archived);
    retype(&serde_json::json!({
        "body": saved_search_body(&s.filters)?,
        "created_at": created_at,
        "creator": creator()?,
        "emails_subscribed": [],
        "frequency": null,
        "has_active_webhooks": has_active_webhooks,
        "id": s.id,
        "is_alert_active": s.is_alert_active,
        "is_archived": false,
        "name": s.name,
        "path": null,
        "query": null,
        "querystring_params": null,
        "team_id": USER_ID,
        "type": search_type(&s.filters),
        "updated_at": created_at,
        "user_id": USER_ID,
    }))
}

/// `GET /v0/saved_searches`.
pub(crate) fn list_searches(shared: &Shared, headers: &HeaderMap) -> Result<Response, Failure> {
    shared.authorize(headers)?;
    let store = shared.webhooks();
    let views = store
        .searches
        .iter()
        .map(|s| search_view::<types::SavedSearchResponseV1>(&store, s))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json_response(StatusCode::OK, &views))
}

/// `GET /v0/saved_searches/{search_id}`.
pub(crate) fn get_search(
    shared: &Shared,
    headers: &HeaderMap,
    id: &str,
) -> Result<Response, Failure> {
    shared.authorize(headers)?;
    let id = request::path_id("search_id", id)?;
    let store = shared.webhooks();
    let search = store
        .search(id)
        .ok_or_else(|| Failure::not_found(format!("no saved search with id {id}")))?;
    let view: types::SavedSearchResponseV1 = search_view(&store, search)?;
    Ok(json_response(StatusCode::OK, &view))
}

/// `POST /v0/saved_searches`: `body` is read as the filters of `type`.
pub(crate) fn create_search(
    shared: &Shared,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, Failure> {
    shared.authorize(headers)?;
    // The filters first, by `type`, so that a bad key is named; then the rest of the body.
    let raw: serde_json::Value = request::body(body)?;
    let filters_json = raw.get("body").unwrap_or(&serde_json::Value::Null);
    let filters = match raw.get("type").and_then(serde_json::Value::as_str) {
        Some("jobs") => Some(Filters::Jobs(Box::new(request::member(
            filters_json,
            "body",
        )?))),
        Some("companies") => Some(Filters::Companies(Box::new(request::member(
            filters_json,
            "body",
        )?))),
        _ => None,
    };
    let input: types::SavedSearchCreate = request::body(body)?;
    let Some(filters) = filters else {
        return Err(Failure::validation(format!(
            "invalid `type`: expected jobs or companies, got `{}`",
            input.type_
        )));
    };
    let now = shared.now();
    let mut store = shared.webhooks();
    let id = store.next_search;
    store.next_search += 1;
    let search = SavedSearch {
        id,
        name: input.name.unwrap_or_else(|| format!("Saved search {id}")),
        filters,
        is_alert_active: input.is_alert_active.unwrap_or(false),
        created_at: now,
    };
    let created: types::SavedSearch = search_view(&store, &search)?;
    store.searches.push(search);
    Ok(json_response(StatusCode::OK, &created))
}
