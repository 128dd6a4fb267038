//! Saved searches: the three the sandbox starts with; list (filtered and ordered), get, create,
//! update and archive.
//!
//! Rule: a saved search keeps its filters as the generated filter type of its `type`, read with
//! unknown keys refused; the views are the generated response types. They live in the webhook
//! store, since webhooks listen to them. An archived search is left out of the list, still
//! answers by id (`is_archived: true`), and no new webhook can listen to it.

use crate::errors::{Failure, built, json_response, retype};
use crate::request::{self, Int, Query};
use crate::state::{Shared, USER_ID};
use crate::validate;
use crate::webhooks::Store;
use axum::http::StatusCode;
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
    pub(crate) frequency: Option<types::SavedSearchFrequency>,
    pub(crate) emails_subscribed: Vec<String>,
    pub(crate) is_archived: bool,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

impl SavedSearch {
    fn new(id: i64, name: &str, filters: Filters, at: DateTime<Utc>) -> SavedSearch {
        SavedSearch {
            id,
            name: name.to_string(),
            filters,
            is_alert_active: false,
            frequency: None,
            emails_subscribed: Vec::new(),
            is_archived: false,
            created_at: at,
            updated_at: at,
        }
    }
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
        SavedSearch::new(
            1,
            "Data engineers in the US, last 14 days",
            Filters::Jobs(Box::new(data_engineers)),
            created_at,
        ),
        SavedSearch::new(
            2,
            "Remote senior roles, last 7 days",
            Filters::Jobs(Box::new(remote_seniors)),
            created_at,
        ),
        SavedSearch::new(
            3,
            "Companies using Snowflake",
            Filters::Companies(Box::new(snowflake)),
            created_at,
        ),
    ]
}

/// The stored filters as the answers carry them: read into the output filter type, which
/// drops what only requests have (such as `cursor`).
fn saved_search_body(filters: &Filters) -> Result<serde_json::Value, Failure> {
    match filters {
        Filters::Jobs(f) => retype::<_, types::JobSearchFiltersOutput>(f)
            .and_then(|out| serde_json::to_value(out).map_err(encoding)),
        Filters::Companies(f) => retype::<_, types::CompanySearchFiltersOutput>(f)
            .and_then(|out| serde_json::to_value(out).map_err(encoding)),
    }
}

fn encoding(e: serde_json::Error) -> Failure {
    Failure::internal(format!("cannot encode a saved search: {e}"))
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

/// A saved search as the API writes it, read back into `T` (the read or the write answer).
fn search_view<T: serde::de::DeserializeOwned>(
    store: &Store,
    s: &SavedSearch,
) -> Result<T, Failure> {
    let has_active_webhooks = store
        .hooks
        .values()
        .any(|h| h.webhook.search_id == s.id && h.webhook.is_active && !h.webhook.is_archived);
    retype(&serde_json::json!({
        "body": saved_search_body(&s.filters)?,
        "created_at": types::Timestamp(s.created_at),
        "creator": creator()?,
        "emails_subscribed": s.emails_subscribed,
        "frequency": s.frequency,
        "has_active_webhooks": has_active_webhooks,
        "id": s.id,
        "is_alert_active": s.is_alert_active,
        "is_archived": s.is_archived,
        "name": s.name,
        "path": null,
        "query": null,
        "querystring_params": null,
        "team_id": USER_ID,
        "type": search_type(&s.filters),
        "updated_at": types::Timestamp(s.updated_at),
        "user_id": USER_ID,
    }))
}

/// Reads `filters` as the filters of a search of `kind`, naming bad keys from `body`.
fn filters_of(kind: &str, filters: &serde_json::Value) -> Result<Filters, Failure> {
    match kind {
        "jobs" => {
            validate::component("JobSearchFilters-Input", filters, "body")?;
            Ok(Filters::Jobs(Box::new(request::member(filters, "body")?)))
        }
        "companies" => {
            validate::component("CompanySearchFilters-Input", filters, "body")?;
            Ok(Filters::Companies(Box::new(request::member(
                filters, "body",
            )?)))
        }
        other => Err(Failure::validation(format!(
            "invalid `type`: expected jobs or companies, got `{}`",
            other.chars().take(64).collect::<String>()
        ))),
    }
}

fn unknown_search(id: i64) -> Failure {
    Failure::not_found(format!("no saved search with id {id}"))
}

/// `GET /v0/saved_searches`: the unarchived searches, kept to `user_ids` and `types` when
/// given, ordered by `order_by` (`name`, `created_at` or `updated_at`, the default) in
/// `order_direction` (`desc`, the default, or `asc`), ties by id.
#[cfg(theirstack_has = "op:get_saved_searches_v0")]
pub(crate) fn list_searches(shared: &Shared, query: &Query) -> Result<Response, Failure> {
    let user_ids: Vec<i64> = query
        .parsed_all::<Int>("user_ids", "an integer")?
        .into_iter()
        .map(|Int(id)| id)
        .collect();
    let kinds = query
        .all("types")
        .into_iter()
        .map(|t| match t {
            "jobs" | "companies" => Ok(t),
            other => Err(Failure::validation(format!(
                "invalid query parameter `types`: expected jobs or companies, got `{}`",
                other.chars().take(64).collect::<String>()
            ))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let order = query
        .one_of("order_by", &["name", "created_at", "updated_at"])?
        .unwrap_or("updated_at");
    let ascending = query.one_of("order_direction", &["asc", "desc"])? == Some("asc");
    let store = shared.webhooks();
    let mut searches: Vec<&SavedSearch> = store
        .searches
        .iter()
        .filter(|s| !s.is_archived)
        .filter(|_| user_ids.is_empty() || user_ids.contains(&USER_ID))
        .filter(|s| {
            kinds.is_empty() || kinds.contains(&search_type(&s.filters).to_string().as_str())
        })
        .collect();
    searches.sort_by(|a, b| {
        let by = match order {
            "name" => a.name.cmp(&b.name),
            "created_at" => a.created_at.cmp(&b.created_at),
            _ => a.updated_at.cmp(&b.updated_at),
        };
        let by = if ascending { by } else { by.reverse() };
        by.then(a.id.cmp(&b.id))
    });
    let views = searches
        .into_iter()
        .map(|s| search_view::<types::SavedSearchResponseV1>(&store, s))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json_response(StatusCode::OK, &views))
}

/// `GET /v0/saved_searches/{search_id}`.
#[cfg(theirstack_has = "op:get_saved_searches_by_id_v0")]
pub(crate) fn get_search(shared: &Shared, id: &str) -> Result<Response, Failure> {
    let id = request::path_id("search_id", id)?;
    let store = shared.webhooks();
    let search = store.search(id).ok_or_else(|| unknown_search(id))?;
    let view: types::SavedSearchResponseV1 = search_view(&store, search)?;
    Ok(json_response(StatusCode::OK, &view))
}

/// `POST /v0/saved_searches`: `body` is read as the filters of `type`.
#[cfg(theirstack_has = "op:post_saved_searches_v0")]
pub(crate) fn create_search(shared: &Shared, body: &[u8]) -> Result<Response, Failure> {
    // The filters first, by `type`, so that a bad key is named; then the rest of the body.
    let raw: serde_json::Value = request::body(body)?;
    let filters_json = raw.get("body").unwrap_or(&serde_json::Value::Null);
    let filters = match raw.get("type").and_then(serde_json::Value::as_str) {
        Some(kind @ ("jobs" | "companies")) => Some(filters_of(kind, filters_json)?),
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
    let name = input.name.unwrap_or_else(|| format!("Saved search {id}"));
    let mut search = SavedSearch::new(id, &name, filters, now);
    search.is_alert_active = input.is_alert_active.unwrap_or(false);
    let created: types::SavedSearch = search_view(&store, &search)?;
    store.searches.push(search);
    Ok(json_response(StatusCode::OK, &created))
}

/// `PATCH /v0/saved_searches/{search_id}`: sets each field the body has. A new `body` is read
/// as the filters of the new `type`, or of the current one; a new `type` needs a `body`.
#[cfg(theirstack_has = "op:patch_saved_searches_by_id_v0")]
pub(crate) fn update_search(shared: &Shared, id: &str, body: &[u8]) -> Result<Response, Failure> {
    let id = request::path_id("search_id", id)?;
    let raw: serde_json::Value = request::body(body)?;
    let now = shared.now();
    let mut store = shared.webhooks();
    let current = store.search(id).ok_or_else(|| unknown_search(id))?;
    let current_kind = search_type(&current.filters).to_string();
    // The filters first, by the new or current `type`, so that a bad key is named.
    let kind = match raw.get("type") {
        Some(serde_json::Value::String(kind)) => kind.clone(),
        _ => current_kind.clone(),
    };
    let filters = match raw.get("body").filter(|b| !b.is_null()) {
        Some(filters) => Some(filters_of(&kind, filters)?),
        None if kind != current_kind => {
            return Err(Failure::validation(
                "changing `type` needs the `body` of the new type",
            ));
        }
        None => None,
    };
    let input: types::SavedSearchUpdate = request::body(body)?;
    let Some(search) = store.searches.iter_mut().find(|s| s.id == id) else {
        return Err(unknown_search(id));
    };
    if let Some(filters) = filters {
        search.filters = filters;
    }
    if let Some(name) = input.name {
        search.name = name;
    }
    if let Some(active) = input.is_alert_active {
        search.is_alert_active = active;
    }
    if input.frequency.is_some() {
        search.frequency = input.frequency;
    }
    if let Some(emails) = input.emails_subscribed {
        search.emails_subscribed = emails;
    }
    search.updated_at = now;
    let search = search.clone();
    let view: types::SavedSearch = search_view(&store, &search)?;
    Ok(json_response(StatusCode::OK, &view))
}

/// `PATCH /v0/saved_searches/{search_id}/archive`: answers `{"id", "status": "archived"}`.
#[cfg(theirstack_has = "op:patch_saved_searches_archive_v0")]
pub(crate) fn archive_search(shared: &Shared, id: &str) -> Result<Response, Failure> {
    let id = request::path_id("search_id", id)?;
    let now = shared.now();
    let mut store = shared.webhooks();
    let Some(search) = store.searches.iter_mut().find(|s| s.id == id) else {
        return Err(unknown_search(id));
    };
    search.is_archived = true;
    search.updated_at = now;
    let answer = std::collections::BTreeMap::from([
        ("id", id.to_string()),
        ("status", "archived".to_string()),
    ]);
    Ok(json_response(StatusCode::OK, &answer))
}
